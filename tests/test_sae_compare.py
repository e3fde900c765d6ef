"""SAE atoms vs concept directions (CAVs), and feature frequencies of two groups."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sae_lens")

from interpkit.representations import fastcav, from_arrays  # noqa: E402
from interpkit.sae import compare_groups, concept_alignment, train_sae  # noqa: E402
from interpkit.sae.synthetic import planted_activations  # noqa: E402


@pytest.fixture(scope="module")
def planted():
    return planted_activations(n_rows=4096, d_in=16, n_features=12, random_state=2)


@pytest.fixture(scope="module")
def sae(planted):
    return train_sae(planted.x, kind="topk", d_sae=16, k=3, steps=1500, random_state=0)


def test_cav_of_a_planted_feature_meets_its_atom(planted, sae):
    """A FastCAV from rows where feature 0 is on vs off points at the atom of direction 0."""
    on = planted.codes[:, 0] > 0.5
    cav = fastcav(planted.x[on], planted.x[planted.codes[:, 0] == 0], random_state=0)
    rng = np.random.default_rng(5)
    out = concept_alignment(sae, {"planted 0": cav, "random": rng.normal(size=16)})
    atom = int(np.argmax(sae.atoms @ planted.directions[0]))
    row = out.table.loc["planted 0"]
    assert row["feature"] == atom
    assert row["cosine"] == pytest.approx(float(sae.atoms[atom] @ cav.direction.values))
    assert row["cosine"] > 0.9 and row["p_value"] < 0.01
    assert row["cosine"] > row["null_q95"] > out.table.loc["random", "cosine"] - 0.3
    assert out.table.loc["random", "p_value"] > 0.01
    np.testing.assert_allclose(out.cosines.loc["planted 0"], sae.atoms @ cav.direction.values)


def test_alignment_accepts_vectors_and_refuses_mismatch(planted, sae):
    one = concept_alignment(sae, planted.directions[3])
    assert list(one.table.index) == ["concept"]
    with pytest.raises(ValueError, match="has 8 units but the SAE has d_in=16"):
        concept_alignment(sae, {"c": np.ones(8)})
    with pytest.raises(ValueError, match="is zero"):
        concept_alignment(sae, {"c": np.zeros(16)})
    with pytest.raises(TypeError, match="must be a CAV"):
        concept_alignment(sae, {"c": "a string"})


@pytest.fixture(scope="module")
def l1_sae(planted):
    return train_sae(planted.x, kind="standard", d_sae=16, l1=0.3, steps=1500, random_state=0)


def test_group_difference_found_where_planted(planted, l1_sae):
    """Group b fires direction 0 at rate 0.6 instead of 0.25; its atom leads the table.

    An L1 SAE: a TopK SAE always fires k features, so raising one pushes others out and
    every frequency moves (measured: 11 of 16 intervals exclude 0 with k=3).
    """
    sae = l1_sae
    rates = np.full(12, 0.25)
    a = planted_activations(
        3000, 16, 12, random_state=10, directions=planted.directions, rates=rates.copy()
    )
    rates[0] = 0.6
    b = planted_activations(
        3000, 16, 12, random_state=11, directions=planted.directions, rates=rates
    )
    out = compare_groups(sae, a.x, b.x, names=("control", "treated"), n_boot=300)
    atom = int(np.argmax(sae.atoms @ planted.directions[0]))
    assert out.table.index[0] == atom
    top = out.table.iloc[0]
    assert top["lower"] > 0.2 and top["excludes_zero"]
    assert top["freq_a"] == pytest.approx(np.mean(sae.encode(a.x)[:, atom] > 0))
    assert top["a_lower"] <= top["freq_a"] <= top["a_upper"]
    # 11 unchanged directions (+ 4 spare atoms), 95% intervals; a spare atom may split 0
    assert out.table["excludes_zero"].sum() <= 3
    again = compare_groups(sae, a.x, b.x, names=("control", "treated"), n_boot=300)
    assert out.table.equals(again.table)


def test_group_bootstrap_resamples_texts_not_tokens(planted, sae):
    """Per-token groups: the interval is wider than a (wrong) bootstrap over tokens of
    texts whose tokens all agree."""
    x = np.repeat(planted.x[:200, None, :], 10, axis=1)  # 10 identical tokens per text
    flat = planted.x[:200]
    per_text = compare_groups(sae, x, planted.x[200:400][:, None, :].repeat(10, 1), n_boot=400)
    per_row = compare_groups(sae, flat.repeat(10, 0), planted.x[200:400].repeat(10, 0), n_boot=400)
    f = per_text.table.index[0]
    w_text = per_text.table.loc[f, "upper"] - per_text.table.loc[f, "lower"]
    w_row = per_row.table.loc[f, "upper"] - per_row.table.loc[f, "lower"]
    assert w_text > 2 * w_row
    np.testing.assert_allclose(per_text.table.loc[f, "freq_a"], per_row.table.loc[f, "freq_a"])


def test_group_bad_input(planted, sae):
    acts = from_arrays({"l": planted.x[:50]})
    with pytest.raises(ValueError, match="group 'b' has 8 units"):
        compare_groups(sae, acts, planted.x[:50, :8])
    with pytest.raises(ValueError, match="n_boot must be"):
        compare_groups(sae, planted.x[:5], planted.x[:5], n_boot=1)
    with pytest.raises(ValueError, match="names must be two different"):
        compare_groups(sae, planted.x[:5], planted.x[:5], names=("a", "a"))
    with pytest.raises(ValueError, match="need at least 2"):
        compare_groups(sae, planted.x[:1], planted.x[:5])
