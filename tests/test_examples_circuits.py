"""Run the induction-head example with its small settings; the circuit benchmark smoke test."""

from __future__ import annotations

import pytest

from tests.example_scripts import SMALL_ARGS, html_files, load_script

pytest.importorskip("transformer_lens")


def test_induction_head_example(tmp_path, capsys):
    args = ["--out", str(tmp_path), *SMALL_ARGS["induction_head.py"]]
    out = load_script("examples/induction_head.py").main(args)
    ind, null = out["induction"], out["induction_null"]
    assert ind["value"] > 0.6 and ind["lower"] > 0.6 and ind["seed_lower"] > 0.6
    assert null["value"] < 0.2 and null["upper"] < ind["lower"]
    assert out["head_recovery"]["value"] > 0.8
    assert len(out["models"]) == 2
    assert html_files(tmp_path) == {"induction_head.html", "induction_head_scores.html"}
    printed = capsys.readouterr().out
    assert "layer-1 head induction score" in printed and "random init" in printed


@pytest.mark.slow
def test_circuits_benchmark_smoke(capsys):
    out = load_script("benchmarks/bench_circuits.py").main(["--quick"])
    assert out["max_abs_diff"] < 1e-5  # the same maps as TransformerLens's own sweep
    assert out["batched_speedup"] > 1
    assert "interpkit / direct" in capsys.readouterr().out
