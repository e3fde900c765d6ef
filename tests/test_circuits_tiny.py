"""The tiny induction model: an induction head forms, deterministically; head scores."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("transformer_lens")

from interpkit.circuits import (  # noqa: E402
    HeadScores,
    attention_patterns,
    head_scores,
    repeated_tokens,
    tiny_induction_model,
)
from tests._circuits import trained, untrained  # noqa: E402


def test_layer1_head_is_an_induction_head_and_random_init_is_not():
    scores = head_scores(trained(0), n_boot=200)
    assert isinstance(scores, HeadScores)
    ind = scores.head(1, 0, "induction")
    assert ind["value"] > 0.6 and ind["lower"] > 0.55
    assert ind["lower"] <= ind["value"] <= ind["upper"]
    # the previous-token head sits in layer 0 and feeds it
    assert scores.head(0, 0, "previous_token")["value"] > 0.4
    assert scores.head(0, 0, "induction")["value"] < 0.2
    null = scores.head(1, 0, "induction", model="random init")
    # random weights attend nearly uniformly: 1 / (number of keys) on average, ~0.08
    assert null["value"] < 0.15 and null["upper"] < ind["lower"]
    assert scores.null == "random init"


def test_training_is_deterministic_for_a_seed():
    a = tiny_induction_model(3, steps=20)
    b = tiny_induction_model(3, steps=20)
    c = tiny_induction_model(4, steps=20)
    for (name, pa), pb in zip(a.named_parameters(), b.parameters(), strict=True):
        assert np.array_equal(pa.detach().numpy(), pb.detach().numpy()), name
    assert not np.array_equal(a.W_Q.detach().numpy(), c.W_Q.detach().numpy())


def test_scores_on_repeated_tokens_match_the_classic_definition():
    """On [r, r] with no repeats inside r, induction = mean of A[q, q - L + 1] over the
    second half, duplicate = mean of A[q, q - L], previous = mean of A[q, q - 1]."""
    rng = np.random.default_rng(0)
    half = np.stack([rng.permutation(32)[:8] for _ in range(16)])
    tokens = np.concatenate([half, half], axis=1)
    pats = attention_patterns(trained(0), tokens, null=None).patterns[:, :, 0]  # n, layer, q, k
    q = np.arange(8, 16)
    classic = {
        "induction": pats[:, :, q, q - 7].mean(axis=(0, 2)),
        "duplicate_token": pats[:, :, q, q - 8].mean(axis=(0, 2)),
        "previous_token": pats[:, :, np.arange(1, 16), np.arange(15)].mean(axis=(0, 2)),
    }
    scores = head_scores(trained(0), tokens, null=None, n_boot=0)
    for name, expected in classic.items():
        got = scores.table[scores.table["score"] == name].sort_values("layer")["value"]
        np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-10)


def test_intervals_over_seeds():
    models = [trained(0), trained(1)]
    scores = head_scores(models, n_boot=100, null=None, n_prompts=32)
    row = scores.head(1, 0, "induction")
    singles = [
        head_scores(m, n_boot=0, null=None, n_prompts=32).head(1, 0)["value"] for m in models
    ]
    assert row["value"] == pytest.approx(np.mean(singles))
    assert row["seed_lower"] == pytest.approx(np.quantile(singles, 0.025))
    assert row["seed_upper"] == pytest.approx(np.quantile(singles, 0.975))
    assert scores.params["n_models"] == 2


def test_untrained_model_is_the_initialisation():
    tokens = repeated_tokens(4, 8)
    assert repeated_tokens(4, 8).tolist() == tokens.tolist()
    assert np.array_equal(tokens[:, :8], tokens[:, 8:])
    fresh = untrained(0)
    assert not np.allclose(fresh.W_Q.detach().numpy(), trained(0).W_Q.detach().numpy())


def test_shuffled_weights_null_keeps_the_values_and_loses_the_head():
    scores = head_scores(trained(0), null="shuffled_weights", n_boot=50, n_prompts=32)
    assert scores.null == "shuffled weights"
    assert scores.head(1, 0, "induction", model="shuffled weights")["value"] < 0.3
    from interpkit.circuits._backend import shuffled_weights

    original = trained(0)
    copy = shuffled_weights(original, 0)
    for a, b in zip(original.parameters(), copy.parameters(), strict=True):
        np.testing.assert_array_equal(np.sort(a.detach().numpy(), axis=None),
                                      np.sort(b.detach().numpy(), axis=None))  # fmt: skip
    assert not np.array_equal(original.W_Q.detach().numpy(), copy.W_Q.detach().numpy())
