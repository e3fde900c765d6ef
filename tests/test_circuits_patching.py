"""Activation patching: exact oracles, TransformerLens's own sweeps, the induction circuit."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("transformer_lens")

import torch  # noqa: E402
from transformer_lens import patching as tl_patching  # noqa: E402

from interpkit.circuits import Patching, activation_patching, run_patched  # noqa: E402
from tests._circuits import induction_pairs, trained  # noqa: E402


def logits(model, tokens):
    with torch.no_grad():
        return model(torch.as_tensor(tokens)).numpy()


def test_patching_oracles():
    model = trained(0)
    clean, corrupted, _, _ = induction_pairs(8)
    clean_logits, corrupt_logits = logits(model, clean), logits(model, corrupted)
    # nothing patched: the corrupted run
    np.testing.assert_array_equal(run_patched(model, corrupted, corrupted, []), corrupt_logits)
    # a hook patched with its own clean activation: the clean run, exactly
    for hook in ["blocks.1.attn.hook_z", "blocks.1.hook_resid_pre", "blocks.0.attn.hook_pattern"]:
        np.testing.assert_array_equal(run_patched(model, clean, clean, [hook]), clean_logits)
    # everything patched (the residual stream entering block 0 at every position): clean
    np.testing.assert_array_equal(
        run_patched(model, corrupted, clean, ["blocks.0.hook_resid_pre"]), clean_logits
    )
    np.testing.assert_array_equal(
        run_patched(model, corrupted, clean, ["hook_embed", "hook_pos_embed"]), clean_logits
    )
    # the last block's output alone decides the logits (no LayerNorm): also clean
    np.testing.assert_allclose(
        run_patched(model, corrupted, clean, ["blocks.1.hook_resid_post"]), clean_logits, atol=1e-5
    )


def _tl_metric(model, answer, wrong):
    a, w = torch.as_tensor(answer), torch.as_tensor(wrong)

    def metric(lg):
        rows = torch.arange(lg.shape[0])
        return (lg[rows, -1, a] - lg[rows, -1, w]).mean()

    return metric


@pytest.mark.parametrize(
    ("kind", "tl_sweep"),
    [
        ("resid", tl_patching.get_act_patch_resid_pre),
        ("heads", tl_patching.get_act_patch_attn_head_out_all_pos),
    ],
)
def test_equals_transformer_lens_patching(kind, tl_sweep):
    """The normalised map equals TransformerLens's own sweep on the mean logit difference."""
    model = trained(0)
    clean, corrupted, answer, wrong = induction_pairs(16)
    metric = _tl_metric(model, answer, wrong)
    ct, xt = torch.as_tensor(clean), torch.as_tensor(corrupted)
    _, cache = model.run_with_cache(ct)
    with torch.no_grad():
        raw = tl_sweep(model, xt, cache, metric).numpy()
        m_clean, m_corrupt = metric(model(ct)).item(), metric(model(xt)).item()
    expected = (raw - m_corrupt) / (m_clean - m_corrupt)
    for batched, batch_size in [(True, 4096), (True, 40), (False, 4096)]:
        result = activation_patching(
            model, clean, corrupted, kind=kind, answer=answer, wrong=wrong, null=None,
            n_boot=0, batched=batched, batch_size=batch_size,
        )  # fmt: skip
        column = "position" if kind == "resid" else "head"
        got = result.grid("layer", column).to_numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
        effect = result.grid("layer", column, col="effect").to_numpy()
        np.testing.assert_allclose(effect, raw - m_corrupt, rtol=1e-4, atol=1e-4)


def test_induction_head_patching_recovers_the_clean_metric():
    clean, corrupted, answer, wrong = induction_pairs(32)
    result = activation_patching(
        trained(0), clean, corrupted, kind="heads", answer=answer, wrong=wrong, n_boot=200
    )
    assert isinstance(result, Patching)
    head = result.values().set_index(["layer", "head"]).loc[(1, 0)]
    assert head["value"] > 0.8 and head["lower"] > 0.7
    assert head["lower"] <= head["value"] <= head["upper"]
    metrics = result.params["metrics"]
    assert metrics["trained"]["clean"] > 2 > 0 > metrics["trained"]["corrupted"]
    # random weights: clean and corrupted prompts give nearly the same logit difference
    null = metrics["random init"]
    assert abs(null["clean"] - null["corrupted"]) < 0.1 * (
        metrics["trained"]["clean"] - metrics["trained"]["corrupted"]
    )


def test_residual_map_finds_the_copied_position():
    """Only the key position after the earlier copy (position L - 1 = 7) carries the answer
    into block 1. The last token is the same in both prompts: entering block 0 it carries
    nothing (exactly), entering block 1 only what block 0 read from the first half."""
    clean, corrupted, answer, wrong = induction_pairs(32)
    result = activation_patching(
        trained(0), clean, corrupted, answer=answer, wrong=wrong, null=None, n_boot=100
    )
    grid = result.grid("layer", "position")
    assert grid.loc[1, 7] > 0.8
    assert grid.loc[0, 14] == 0.0 and abs(grid.loc[1, 14]) < 0.05
    others = grid.loc[1].drop(7)
    assert others.abs().max() < 0.1


def test_custom_metric_and_mlp_patching_equal_hooks_run_directly():
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    cfg = HookedTransformerConfig(
        d_model=16, d_head=8, n_layers=2, n_heads=2, n_ctx=8, d_vocab=20, d_mlp=32,
        act_fn="gelu", seed=1, device="cpu",
    )  # fmt: skip
    with pytest.warns(DeprecationWarning):
        model = HookedTransformer(cfg).eval()
    rng = np.random.default_rng(0)
    clean, corrupted = rng.integers(0, 20, (6, 8)), rng.integers(0, 20, (6, 8))

    def metric(lg):
        return lg[:, -1, 3] - lg[:, -1, 4]

    ct, xt = torch.as_tensor(clean), torch.as_tensor(corrupted)
    _, cache = model.run_with_cache(ct)
    raw = []
    with torch.no_grad():
        for layer in range(2):
            name = f"blocks.{layer}.hook_mlp_out"
            hook = (name, lambda act, hook, name=name: cache[name])
            raw.append(metric(model.run_with_hooks(xt, fwd_hooks=[hook])).mean().item())
        raw = np.array(raw)
        mc, mx = metric(model(ct)).mean().item(), metric(model(xt)).mean().item()
    result = activation_patching(model, clean, corrupted, kind="mlp", metric=metric, n_boot=50)
    got = result.values()["value"].to_numpy()
    np.testing.assert_allclose(got, (raw - mx) / (mc - mx), rtol=1e-4, atol=1e-5)
    assert set(result.table["model"]) == {"trained", "random init"}


def test_run_with_cache_equals_transformer_lens():
    from interpkit.circuits import run_with_cache

    model = trained(0)
    clean, _, _, _ = induction_pairs(4)
    logits_, cache = run_with_cache(model, clean, "blocks.1.attn.hook_pattern")
    theirs, tl_cache = model.run_with_cache(torch.as_tensor(clean))
    np.testing.assert_array_equal(logits_, theirs.detach().numpy())
    assert list(cache) == ["blocks.1.attn.hook_pattern"]
    np.testing.assert_array_equal(
        cache["blocks.1.attn.hook_pattern"], tl_cache["blocks.1.attn.hook_pattern"].numpy()
    )
    _, everything = run_with_cache(model, clean)
    assert set(everything) == set(tl_cache.keys())
    with pytest.raises(ValueError, match="did you mean"):
        run_with_cache(model, clean, ["blocks.1.attn.hook_patern"])
