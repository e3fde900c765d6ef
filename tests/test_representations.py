"""Similarity, probes and concept vectors on synthetic activations with planted truth."""

import numpy as np
import pytest
from scipy.stats import ortho_group

from interpkit.representations import (
    distance_comparison,
    fastcav,
    from_arrays,
    layer_similarity,
    linear_cka,
    probe,
    rsa,
    sgd_cav,
    tcav,
    tcav_score,
)


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(0)


# --- CKA / RSA ---------------------------------------------------------------------


@pytest.mark.parametrize("n, p", [(40, 10), (15, 30)])  # feature and Gram forms
def test_cka_identity_orthogonal_and_scaling_invariance(n, p):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, p))
    Q = ortho_group.rvs(p, random_state=2)
    assert abs(linear_cka(X, X) - 1) < 1e-10
    Y = rng.normal(size=(n, p)) @ rng.normal(size=(p, p))
    ref = linear_cka(X, Y)
    assert abs(linear_cka(X @ Q, Y) - ref) < 1e-10
    assert abs(linear_cka(7.5 * X, 0.01 * Y) - ref) < 1e-10
    assert abs(linear_cka(X + 3.0, Y) - ref) < 1e-10  # centring


def test_cka_closed_form_and_unrelated_is_low():
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(500, 5)), rng.normal(size=(500, 5))
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    K, L = Xc @ Xc.T, Yc @ Yc.T
    direct = np.sum(K * L) / (np.linalg.norm(K) * np.linalg.norm(L))
    assert abs(linear_cka(X, Y) - direct) < 1e-12
    assert linear_cka(X, Y) < 0.1


def test_rsa_monotone_invariance_and_closed_form():
    from scipy.spatial.distance import pdist
    from scipy.stats import spearmanr

    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(30, 4)), rng.normal(size=(30, 6))
    assert rsa(X, Y) == pytest.approx(spearmanr(pdist(X), pdist(Y)).statistic, abs=1e-12)
    assert rsa(X, 2 * X + 1) == pytest.approx(1.0)


def test_cka_bad_input():
    with pytest.raises(ValueError, match="same"):
        linear_cka(np.ones((5, 2)), np.ones((6, 2)))
    with pytest.raises(ValueError, match="constant"):
        linear_cka(np.ones((5, 2)), np.arange(10.0).reshape(5, 2))


def _layers(rng, n=60):
    base = rng.normal(size=(n, 8))
    return from_arrays(
        {
            "a": base,
            "b": base @ ortho_group.rvs(8, random_state=5) * 3,  # = a up to rotation, scale
            "c": rng.normal(size=(n, 12)),
        },
        texts=[f"sentence {i}" for i in range(n)],
    )


@pytest.mark.parametrize("method", ["cka", "rsa"])
def test_layer_similarity_matrix_and_bootstrap(rng, method):
    acts = _layers(rng)
    sim = layer_similarity(acts, method, n_boot=20, random_state=0)
    m = sim.matrix
    assert m.dims == ("layer_a", "layer_b")
    assert m.sel(layer_a="a", layer_b="b") == pytest.approx(1.0, abs=1e-10)
    assert m.sel(layer_a="a", layer_b="c") < 0.3
    assert sim.replicates.sizes["replicate"] == 20
    assert (sim.lower <= sim.upper).all()
    assert float(sim.lower.sel(layer_a="a", layer_b="b")) == pytest.approx(1.0, abs=1e-10)
    again = layer_similarity(acts, method, n_boot=20, random_state=0)
    np.testing.assert_array_equal(sim.replicates.values, again.replicates.values)
    assert len(sim.summary()) == 9
    sim.plot(sim)


def test_layer_similarity_against_other(rng):
    acts = _layers(rng)
    sim = layer_similarity(acts, other=acts.subset(range(60)))
    np.testing.assert_allclose(np.diag(sim.matrix.values), 1.0)
    with pytest.raises(ValueError, match="same samples"):
        layer_similarity(acts, other=acts.subset(range(30)))
    with pytest.raises(ValueError, match="method"):
        layer_similarity(acts, "cca")


def test_distance_comparison_finds_planted_pair(rng):
    n = 40
    a = rng.normal(size=(n, 5))
    b = 2 * a
    b[7] = b[3] + 1e-3  # 3 and 7: far at layer a, identical at layer b
    acts = from_arrays({"a": a, "b": b}, texts=[f"t{i}" for i in range(n)])
    dc = distance_comparison(acts, "a", "b", max_pairs=100, n_extreme=3, random_state=0)
    assert dc.n_pairs_total == n * (n - 1) // 2 == dc.n_pairs_fitted
    assert len(dc.pairs) == 100
    top = dc.extremes.iloc[0]
    assert {top["i"], top["j"]} == {3, 7}
    assert {top["text_i"], top["text_j"]} == {"t3", "t7"}
    assert top["residual"] < 0
    assert dc.summary()["n_pairs_plotted"] == 100
    dc.plot()
    with pytest.raises(ValueError, match="unknown layer 'z'"):
        distance_comparison(acts, "a", "z")


# --- probes ------------------------------------------------------------------------


def test_probe_planted_feature_vs_control(rng):
    n = 120
    H = rng.normal(size=(n, 10))
    y = (H[:, 0] > 0).astype(int)
    acts = from_arrays({"signal": H, "noise": rng.normal(size=(n, 10))})
    noise = {"signal": rng.normal(size=(n, 10)), "noise": rng.normal(size=(n, 10))}
    random_acts = from_arrays(noise)
    res = probe(acts, y, random_acts=random_acts, cv=3, n_boot=2, grid=[0.1, 10], random_state=0)
    table = res.summary()
    assert table.loc["signal", "accuracy"] > 0.9
    assert table.loc["noise", "accuracy"] < 0.7
    assert abs(table.loc["signal", "control"] - 0.5) < 0.2
    assert table.loc["signal", "selectivity"] > 0.3
    assert table.loc["signal", "random_init"] < 0.7
    row = table.loc["signal"]
    assert row["lower"] <= row["accuracy"] <= row["upper"]
    assert res.boot_scores.dims == ("condition", "layer", "replicate")
    assert table.loc["signal", "boot_lower"] > 0.8
    again = probe(acts, y, random_acts=random_acts, cv=3, n_boot=2, grid=[0.1, 10], random_state=0)
    np.testing.assert_array_equal(res.fold_scores.values, again.fold_scores.values)
    res.plot()


def test_probe_regression_and_type_control(rng):
    n = 90
    H = rng.normal(size=(n, 6))
    y = H @ np.array([1.0, -2, 0, 0, 0, 0]) + 0.1 * rng.normal(size=n)
    acts = from_arrays({"h": H})
    types = np.repeat(np.arange(30), 3)
    res = probe(acts, y, control="type", types=types, cv=3, random_state=0)
    assert res.metric == "r2"
    assert res.summary().loc["h", "r2"] > 0.95
    assert res.summary().loc["h", "control"] < 0.3


def test_probe_bad_input(rng):
    acts = from_arrays({"h": rng.normal(size=(20, 3))})
    with pytest.raises(ValueError, match="one value per sample"):
        probe(acts, np.zeros(5))
    with pytest.raises(ValueError, match="rarest class"):
        probe(acts, np.r_[np.zeros(18), np.ones(2)].astype(int))
    with pytest.raises(ValueError, match="types="):
        probe(acts, np.arange(20) % 2, control="type")


# --- concepts -----------------------------------------------------------------------


def _planted(rng, n=60, d=20, shift=2.0):
    direction = rng.normal(size=d)
    direction /= np.linalg.norm(direction)
    concept = rng.normal(size=(n, d)) + shift * direction
    pool = rng.normal(size=(4 * n, d))
    return direction, concept, pool


def test_fastcav_is_normalised_mean_difference(rng):
    direction, concept, pool = _planted(rng, n=100, shift=3.0)
    cav = fastcav(concept, pool[:100], random_state=0)
    expected = concept.mean(0) - pool[:100].mean(0)
    np.testing.assert_array_equal(cav.direction.values, expected / np.linalg.norm(expected))
    assert cav.cosine(direction) > 0.95
    assert cav.accuracy > 0.8


def test_sgd_cav_recovers_planted_direction(rng):
    direction, concept, pool = _planted(rng, n=300, d=10, shift=3.0)
    cav = sgd_cav(concept, pool[:300], random_state=0)
    assert cav.cosine(direction) > 0.95
    assert cav.cosine(fastcav(concept, pool[:300])) > 0.9


@pytest.mark.parametrize("method", ["fastcav", "sgd"])
def test_tcav_planted_concept_is_significant(rng, method):
    direction, concept, pool = _planted(rng, n=30, d=10, shift=3.0)
    # gradients all aligned with the concept (a linear head along it) plus noise
    grads = direction + 0.3 * rng.normal(size=(50, 10))
    assert tcav_score(grads, direction) > 0.9
    res = tcav(grads, concept, pool, method=method, n_random=20, random_state=0)
    assert res.score > 0.9
    assert res.p_value < 1e-3
    assert res.random_scores.sizes["run"] == 20
    s = res.summary()
    assert s["cav_cosine"] > 0.8
    res.plot()
    again = tcav(grads, concept, pool, method=method, n_random=20, random_state=0)
    np.testing.assert_array_equal(res.random_scores.values, again.random_scores.values)


def test_concept_bad_input(rng):
    direction, concept, pool = _planted(rng, n=30, d=10)
    with pytest.raises(ValueError, match="empty"):
        fastcav(np.empty((0, 10)), pool)
    with pytest.raises(ValueError, match="size of the concept set"):
        tcav(pool[:5], concept, [pool[:30], pool[30:50]])
    with pytest.raises(ValueError, match="at least 60"):
        tcav(pool[:5], concept, pool[:40])
    with pytest.raises(ValueError, match="units"):
        fastcav(concept, pool[:, :5])
