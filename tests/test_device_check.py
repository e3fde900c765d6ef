"""benchmarks/device_check_captum.py: skips without CUDA, and its comparison can fail.

The script compares every Captum explainer on CPU and CUDA; on a machine
without a GPU it must say so and exit 0. Its comparison is exercised with a
second CPU copy of each network (``--against cpu``), where everything must
agree exactly, and with a planted difference (one weight of the copy moved
by 1e-3), which it must report.
"""

from __future__ import annotations

import copy
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("captum")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "device_check_captum.py"


def _module():
    spec = importlib.util.spec_from_file_location("device_check_captum", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is here: the check would run")
def test_skips_cleanly_without_cuda():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          timeout=120, cwd=SCRIPT.parents[1])  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SKIP: no CUDA device")
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_every_case_agrees_with_a_second_cpu_copy(capsys):
    dc = _module()
    code = dc.main(["--against", "cpu", "--quick", "--dtype", "float64"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "14 of 14 agree" in out  # 12 table and image cases, SmoothGrad, token LIG
    rows = dc.run_checks("cpu", ["float32"], quick=True, only={"deeplift", "smoothgrad"})
    assert [r["case"] for r in rows] == [
        "deeplift (tabular, float32)", "deeplift (image, float32)",
        "saliency + smoothgrad (tabular, float32)",
    ]  # fmt: skip
    assert all(r["ok"] and r["worst"] == 0 and r["device"] == "cpu" for r in rows[:2])


def test_a_planted_difference_is_reported(monkeypatch, capsys):
    dc = _module()

    def moved(net, device):  # the "GPU" copy differs in one weight
        net = copy.deepcopy(net).to(device)
        with torch.no_grad():
            next(net.parameters()).view(-1)[0] += 1e-3
        return net

    monkeypatch.setattr(dc, "copy_to", moved)
    cases = "integrated_gradients,saliency,smoothgrad"
    code = dc.main(["--against", "cpu", "--quick", "--dtype", "float64", "--cases", cases])
    out = capsys.readouterr().out
    assert code == 1
    assert "DISAGREE: integrated_gradients (tabular, float64)" in out
    assert "FAIL saliency + smoothgrad" in out  # the same device: the same draws, exactly


def test_relative_difference():
    import numpy as np

    dc = _module()
    assert dc.relative_difference(np.array([2.0, -4.0]), np.array([2.0, -3.0])) == 0.25
    assert dc.relative_difference(np.zeros(3), np.zeros(3)) == 0.0
    assert dc.relative_difference(np.zeros(3), np.zeros(4)) == float("inf")
