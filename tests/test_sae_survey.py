"""sae.survey: L0 and FVU by hand, density, contexts aligned and escaped, logit effects."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sae_lens")

from interpkit.representations import from_arrays  # noqa: E402
from interpkit.sae import survey, train_sae  # noqa: E402
from interpkit.sae.synthetic import planted_activations  # noqa: E402


@pytest.fixture(scope="module")
def planted():
    return planted_activations(n_rows=4096, d_in=16, n_features=12, random_state=1)


@pytest.fixture(scope="module")
def sae(planted):
    return train_sae(planted.x, kind="topk", d_sae=24, k=3, steps=500, random_state=0)


def test_l0_fvu_density_by_hand(planted, sae):
    s = survey(sae, planted.x)
    x = planted.x
    pre = (x - sae.b_dec) @ sae.W_enc + sae.b_enc
    keep = np.argsort(-pre, axis=1)[:, :3]
    f = np.zeros_like(pre)
    np.put_along_axis(f, keep, np.maximum(np.take_along_axis(pre, keep, axis=1), 0), axis=1)
    xhat = f @ sae.W_dec + sae.b_dec
    fvu = ((x - xhat) ** 2).sum() / ((x - x.mean(0)) ** 2).sum()
    assert s.l0 == pytest.approx((f > 0).sum(1).mean(), rel=1e-12)
    assert s.fvu == pytest.approx(fvu, rel=1e-4)
    assert 0 < s.fvu < 0.2  # the planted structure is reconstructed
    np.testing.assert_allclose(s.features["density"], (f > 0).mean(0))
    np.testing.assert_array_equal(s.features["dead"], (f > 0).sum(0) == 0)
    assert s.density_counts.sum() == (~s.features["dead"]).sum()
    assert s.summary().loc[0, "L0"] == s.l0


def test_dead_and_dense_features_flagged(planted, sae):
    """Kill one feature (bias far below) and make another fire everywhere (bias far above)."""
    import dataclasses

    b = sae.b_enc.copy()
    b[0], b[1] = -1e6, 1e6
    s = survey(dataclasses.replace(sae, b_enc=b), planted.x)
    assert bool(s.features.loc[0, "dead"]) and s.features.loc[0, "density"] == 0
    assert bool(s.features.loc[1, "dense"]) and s.features.loc[1, "density"] == 1.0
    assert s.contexts_of(0) == []


def test_top_contexts_per_token_are_the_largest_and_aligned(planted, sae):
    x = planted.x[:600].reshape(60, 10, 16).copy()
    x[30:, 7:] = np.nan  # padding on half the samples
    tokens = [[f"s{i}t{p}" for p in range(10 if i < 30 else 7)] for i in range(60)]
    s = survey(sae, x, tokens=tokens, top=3, window=2)
    feats = sae.encode(x)
    rows_sample, rows_pos = np.nonzero(~np.isnan(x).all(-1))
    f = s.top_features(1)[0]
    ctx = s.contexts_of(f)
    assert len(ctx) == 3
    best = np.argsort(-feats[:, f])[:3]
    assert [c.activation for c in ctx] == pytest.approx(feats[best, f])
    for c, r in zip(ctx, best, strict=True):
        assert (c.sample, c.position) == (rows_sample[r], rows_pos[r])
        assert c.tokens[c.focus] == f"s{c.sample}t{c.position}"
        assert c.values[c.focus] == pytest.approx(c.activation)
        assert len(c.tokens) <= 5


def test_context_html_escapes_tokens(planted, sae):
    x = planted.x[:40].reshape(4, 10, 16)
    tokens = [["<script>alert(1)</script>"] * 10 for _ in range(4)]
    s = survey(sae, x, tokens=tokens, top=2)
    out = s.context_html(s.top_features(1)[0])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "rgba(242, 142, 43, 1.00)" in out  # the top token at full shade


def test_pooled_contexts_use_texts(planted, sae):
    texts = [f"text {i}" for i in range(200)]
    acts = from_arrays({"layer": planted.x[:200]}, texts=texts)
    s = survey(sae, acts, top=2)
    c = s.contexts_of(s.top_features(1)[0])[0]
    assert c.tokens == (f"text {c.sample}",) and c.position is None


def test_logit_effects_find_the_planted_token(planted, sae):
    """W_U whose column j is planted direction j: the atom matching j raises token j most."""
    vocab = [f"tok{j}" for j in range(12)]
    s = survey(sae, planted.x[:500], unembed=planted.directions.T, vocab=vocab)
    cos = planted.directions @ sae.atoms.T
    j = int(np.argmax(cos.max(axis=1)))
    f = int(np.argmax(cos[j]))
    up = s.logits[(s.logits["feature"] == f) & (s.logits["direction"] == "up")]
    assert up.iloc[0]["token"] == f"tok{j}"
    assert up.iloc[0]["effect"] == pytest.approx(sae.atoms[f] @ planted.directions[j])
    down = s.logits[(s.logits["feature"] == f) & (s.logits["direction"] == "down")]
    assert down.iloc[0]["effect"] == pytest.approx((sae.atoms[f] @ planted.directions.T).min())


def test_bad_input(planted, sae):
    with pytest.raises(ValueError, match="has 8 units but the SAE was trained on d_in=16"):
        survey(sae, planted.x[:, :8])
    with pytest.raises(ValueError, match="transpose it"):
        survey(sae, planted.x, unembed=planted.directions)
    with pytest.raises(ValueError, match="vocab has 2 tokens"):
        survey(sae, planted.x, unembed=planted.directions.T, vocab=["a", "b"])
    x = planted.x[:40].reshape(4, 10, 16)
    with pytest.raises(ValueError, match=r"tokens\[0\] has 9 tokens .* position 9"):
        survey(sae, x, tokens=[["a"] * 9] + [["a"] * 10] * 3)
    with pytest.raises(ValueError, match="needs per-token activations"):
        survey(sae, planted.x[:4], tokens=[["a"]] * 4)
    with pytest.raises(ValueError, match="texts has 3 entries for 4 samples"):
        survey(sae, planted.x[:4], texts=["a", "b", "c"])
    with pytest.raises(TypeError, match="takes a SparseAutoencoder"):
        survey(planted.x, planted.x)
    with pytest.raises(ValueError, match="dense_threshold must be in"):
        survey(sae, planted.x, dense_threshold=2)
