"""Hungarian matching of decoder atoms across seeds: brute-force oracle, planted atoms, nulls."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sae_lens")

from interpkit.sae import match_atoms, seed_stability  # noqa: E402
from interpkit.sae.matching import null_rows  # noqa: E402
from interpkit.sae.synthetic import planted_activations  # noqa: E402

# 32 atoms for 24 directions: with 48, the one-to-one matching sometimes pairs a planted
# atom with a partial duplicate (2 of 24 lost for seeds 0, 1), see the notes
TRAIN = {"kind": "topk", "d_sae": 32, "k": 4, "steps": 1500}


@pytest.fixture(scope="module")
def planted():
    return planted_activations(n_rows=8192, d_in=32, n_features=24, random_state=0)


@pytest.fixture(scope="module")
def stability(planted):
    return seed_stability(planted.x, seeds=(0, 1), null="gaussian", **TRAIN)


def test_match_recovers_a_permutation_and_equals_brute_force():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 5))
    perm = rng.permutation(6)
    m = match_atoms(a, 3.0 * a[perm])  # scale does not matter
    np.testing.assert_array_equal(perm[m.partner], np.arange(6))
    np.testing.assert_allclose(m.cosine, 1.0)
    np.testing.assert_allclose(m.best, 1.0)
    b = rng.normal(size=(6, 5))
    m = match_atoms(a, b)
    cos = (a / np.linalg.norm(a, axis=1, keepdims=True)) @ (
        b / np.linalg.norm(b, axis=1, keepdims=True)
    ).T
    best = max(permutations(range(6)), key=lambda p: sum(cos[i, p[i]] for i in range(6)))
    np.testing.assert_array_equal(m.partner, best)
    assert m.share_above(-1.1) == 1.0
    np.testing.assert_allclose(m.best, cos.max(axis=1))
    assert (m.best >= m.cosine).all()


def test_match_rectangular():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(5, 4))
    m = match_atoms(a, a[:3])
    assert (m.partner == -1).sum() == 2 and np.isnan(m.cosine).sum() == 2
    np.testing.assert_allclose(m.cosine[:3], 1.0)


def test_two_topk_seeds_find_the_planted_atoms_in_both(planted, stability):
    """For a planted direction, some matched pair has both atoms at cosine > 0.9 with it.

    (Not necessarily each SAE's best atom: when one SAE splits a direction over two
    atoms, the one-to-one matching may pair either copy.)
    """
    sa, sb = stability.saes
    ca, cb = planted.directions @ sa.atoms.T, planted.directions @ sb.atoms.T
    pairs = stability.cosines
    a, b = pairs["feature"].to_numpy(), pairs["partner"].to_numpy()
    found = [bool(((ca[j, a] > 0.9) & (cb[j, b] > 0.9)).any()) for j in range(24)]
    assert sum(found) >= 22
    # and a matching that ignores the cosine (a random pairing) does not
    rng = np.random.default_rng(0)
    shuffled = rng.permutation(b)
    assert sum(bool(((ca[j, a] > 0.9) & (cb[j, shuffled] > 0.9)).any()) for j in range(24)) < 6


def test_data_replicates_and_the_gaussian_null_does_not(stability):
    table = stability.summary()
    assert table.loc["data", "share > 0.9"] >= 22 / 32
    assert table.loc["null: gaussian", "share > 0.9"] < 0.1
    assert table.loc["data", "median cosine"] > table.loc["null: gaussian", "median cosine"]
    assert len(stability.null_saes) == 2
    live = stability.cosines["live"]
    assert table.loc["data", "live features"] == live.sum()
    shares = (stability.cosines["cosine"][live] > 0.9).mean()
    assert table.loc["data", "share > 0.9 (live)"] == pytest.approx(shares)
    assert table.loc["data", "share > 0.9 (live)"] >= table.loc["data", "share > 0.9"]


def test_null_rows_keep_what_they_promise(planted):
    x = planted.x[:4000]
    g = null_rows(x, "gaussian", 0)
    np.testing.assert_allclose(np.cov(g, rowvar=False), np.cov(x, rowvar=False), atol=0.03)
    s = null_rows(x, "shuffled", 0)
    np.testing.assert_allclose(np.sort(s, axis=0), np.sort(x, axis=0))
    assert not np.allclose(s, x)


def test_given_null_and_n_jobs_do_not_change_results(planted):
    x = planted.x[:2048]
    kw = {"d_sae": 16, "k": 2, "steps": 30}
    one = seed_stability(x, seeds=(3, 4, 5), null=planted.x[2048:4096], n_jobs=1, **kw)
    two = seed_stability(x, seeds=(3, 4, 5), null=planted.x[2048:4096], n_jobs=2, **kw)
    pd.testing.assert_frame_equal(one.cosines, two.cosines)
    pd.testing.assert_frame_equal(one.null_cosines, two.null_cosines)
    assert one.null == "given activations" and one.cosines["seed_a"].nunique() == 2
    assert one.summary().loc["data", "pairs"] == 3


def test_bad_input(planted):
    x = planted.x[:256]
    with pytest.raises(ValueError, match="at least two distinct"):
        seed_stability(x, seeds=(1,))
    with pytest.raises(ValueError, match="at least two distinct"):
        seed_stability(x, seeds=(1, 1))
    with pytest.raises(ValueError, match="null must be one of"):
        seed_stability(x, null="uniform", steps=1)
    with pytest.raises(ValueError, match="null activations have 8 units, the data 32"):
        seed_stability(x, null=x[:, :8], steps=1)
    with pytest.raises(ValueError, match="sets random_state from seeds"):
        seed_stability(x, output_dir="/tmp/x")
    with pytest.raises(ValueError, match="width 32 and b of width 8"):
        match_atoms(x[:4], x[:4, :8])
    with pytest.raises(ValueError, match="all-zero atom"):
        match_atoms(np.zeros((2, 3)), np.ones((2, 3)))
