"""Smoke test of benchmarks/bench_ebm_categorical.py (``--quick``): the fits it times agree."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("interpret")


@pytest.mark.slow
def test_quick_run_fits_the_same_models(capsys):
    from tests.example_scripts import load_script

    out = load_script("benchmarks/bench_ebm_categorical.py").main(["--quick"])
    # the hand-written loop on the raw table refits the very models interpkit fits
    assert out["max_diff"] == 0.0
    # same random_state, any n_jobs: identical replicates
    assert out["max_diff_jobs"] == 0.0
    assert len(out["features"]) == 14 and "occupation" in out["features"]
    ratios = [out["interpkit_1 / loop_1"], out["interpkit_1 / interpkit_2 (speed-up)"]]
    assert all(np.isfinite(r) and r > 0 for r in ratios)
    assert "speed-up" in capsys.readouterr().out
