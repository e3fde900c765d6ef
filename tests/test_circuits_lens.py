"""Logit lens and direct logit attribution: closed-form oracles on the tiny model and a
LayerNorm model; the bootstrap engine against its definition."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("transformer_lens")

import torch  # noqa: E402

from interpkit.circuits import (  # noqa: E402
    direct_logit_attribution,
    lens_logits,
    logit_attribution_terms,
    logit_lens,
)
from interpkit.circuits._intervals import summarise  # noqa: E402
from tests._circuits import induction_pairs, trained  # noqa: E402


def ln_model():
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    cfg = HookedTransformerConfig(
        d_model=16, d_head=8, n_layers=2, n_heads=2, n_ctx=8, d_vocab=20, d_mlp=32,
        act_fn="gelu", normalization_type="LN", seed=2, device="cpu",
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model = HookedTransformer(cfg).eval()
    with torch.no_grad():  # non-trivial LayerNorm weights and biases
        for p in model.parameters():
            if p.ndim == 1:
                p.add_(0.3 * torch.randn(p.shape, generator=torch.Generator().manual_seed(0)))
    return model


@pytest.mark.parametrize("which", ["tiny", "layernorm"])
def test_last_layer_of_the_lens_is_the_models_logits(which):
    model = trained(0) if which == "tiny" else ln_model()
    tokens = np.random.default_rng(0).integers(0, 20, (5, 8))
    with torch.no_grad():
        own = model(torch.as_tensor(tokens)).numpy()
    lens = lens_logits(model, tokens)
    assert lens.shape == (model.cfg.n_layers + 1, 5, 8, model.cfg.d_vocab)
    np.testing.assert_allclose(lens[-1], own, rtol=1e-5, atol=1e-5)


def test_lens_shows_the_answer_appearing_in_block_1():
    clean, _, _, _ = induction_pairs(32)
    lens = logit_lens(trained(0), clean, n_boot=100)
    prob = lens.grid("layer", "position", measure="probability")
    repeated = list(range(8, 14))  # positions predicting a token of the repeat
    assert (prob.loc["block 1", repeated] > 0.3).all()
    assert (prob.loc["embed", repeated] < 0.15).all()
    null = lens.grid("layer", "position", model="random init", measure="probability")
    assert (null.loc["block 1", repeated] < 0.15).all()
    rank = lens.grid("layer", "position", measure="rank")
    assert rank.loc["block 1", repeated].mean() < rank.loc["embed", repeated].mean()
    # the tokens of the first prompt label the heatmap
    assert lens.tokens == [str(t) for t in clean[0]]


@pytest.mark.parametrize("which", ["tiny", "layernorm"])
def test_direct_terms_add_up_to_the_logit_difference(which):
    model = trained(0) if which == "tiny" else ln_model()
    rng = np.random.default_rng(1)
    tokens = rng.integers(0, 20, (6, 8))
    answer, wrong = rng.integers(0, 20, 6), rng.integers(0, 20, 6)
    names, layers, terms, diff = logit_attribution_terms(model, tokens, answer, wrong)
    np.testing.assert_allclose(terms.sum(axis=1), diff, rtol=1e-4, atol=1e-4)
    with torch.no_grad():
        lg = model(torch.as_tensor(tokens))[:, -1].numpy()
    np.testing.assert_allclose(diff, lg[np.arange(6), answer] - lg[np.arange(6), wrong], atol=1e-5)
    n_heads = model.cfg.n_heads * model.cfg.n_layers
    assert sum(n.startswith("L") and "H" in n for n in names) == n_heads
    assert len(names) == len(layers) == terms.shape[1]


def test_induction_head_writes_the_answer_directly():
    clean, _, answer, wrong = induction_pairs(32)
    dla = direct_logit_attribution(trained(0), clean, answer, wrong, n_boot=200)
    comp = dla.values().set_index("component")
    layer_rows = comp[comp["level"] == "layer"]
    head = comp.loc["L1H0"].iloc[0] if comp.loc["L1H0"].ndim > 1 else comp.loc["L1H0"]
    assert head["lower"] > 0.5 * dla.params["logit_difference"]["trained"]
    total = layer_rows["value"].sum()
    assert total == pytest.approx(dla.params["logit_difference"]["trained"], rel=1e-6)
    null = dla.values("random init").set_index("component")
    assert abs(null.loc["L1H0", "value"]) < 0.1 * head["value"]


def test_bootstrap_engine_matches_its_definition():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 40, 3))  # two models (seeds), 40 prompts, 3 cells
    out = summarise(x, n_boot=2000, level=0.9, random_state=1)
    np.testing.assert_allclose(out["value"], x.mean(axis=(0, 1)))
    per_model = x.mean(axis=1)
    np.testing.assert_allclose(out["seed_lower"], np.quantile(per_model, 0.05, axis=0))
    # the percentile interval of a mean is close to mean +- 1.645 se
    se = x.mean(axis=0).std(axis=0, ddof=1) / np.sqrt(40)
    np.testing.assert_allclose(out["upper"] - out["lower"], 2 * 1.645 * se, rtol=0.15)
    # a constant has a zero-width interval; a ratio of means is a ratio, not a mean of ratios
    const = summarise(np.ones((1, 10, 2)), n_boot=50)
    np.testing.assert_allclose([const["lower"], const["upper"]], 1.0, rtol=1e-12)
    assert np.all(np.isnan(const["seed_lower"]))
    num, den = rng.uniform(1, 2, (1, 30, 1)), rng.uniform(1, 2, (1, 30, 1))
    ratio = summarise({"n": num, "d": den}, stat=lambda m: m["n"] / m["d"], main="n", n_boot=0)
    assert ratio["value"][0] == pytest.approx(num.mean() / den.mean())
    assert np.isnan(ratio["lower"]).all()


def test_same_random_state_same_tables():
    clean, _, answer, wrong = induction_pairs(8)
    a = direct_logit_attribution(trained(0), clean, answer, wrong, n_boot=50, random_state=3)
    b = direct_logit_attribution(trained(0), clean, answer, wrong, n_boot=50, random_state=3)
    c = direct_logit_attribution(trained(0), clean, answer, wrong, n_boot=50, random_state=4)
    assert a.table.equals(b.table)
    assert not a.table["lower"].equals(c.table["lower"])  # another resample, another null
    assert a.params["scope"] == "prompts"
