"""Bad input to the circuit tools: clear errors in the user's terms."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("transformer_lens")

from interpkit.circuits import (  # noqa: E402
    activation_patching,
    head_scores,
    logit_lens,
    run_patched,
    tiny_induction_model,
)
from tests._circuits import induction_pairs, untrained  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return untrained(0)


def test_unknown_hook_lists_close_matches(model):
    clean, corrupted, _, _ = induction_pairs(2)
    with pytest.raises(
        ValueError, match=r"unknown hook 'blocks.1.attn.hook_zz'.*did you mean"
    ) as err:
        run_patched(model, corrupted, clean, ["blocks.1.attn.hook_zz"])
    assert "'blocks.1.attn.hook_z'" in str(err.value)
    with pytest.raises(ValueError, match="unknown hook 'resid'.*e.g."):
        run_patched(model, corrupted, clean, "resid")


def test_prompts_of_different_lengths_say_which(model):
    prompts = [[1, 2, 3, 4], [1, 2, 3, 4], [5, 6, 7], [1, 2, 3, 4, 5]]
    with pytest.raises(ValueError, match=r"most have 4, but prompt 2 has 3, prompt 3 has 5"):
        logit_lens(model, prompts, null=None)
    clean, corrupted, answer, wrong = induction_pairs(4)
    with pytest.raises(ValueError, match=r"align position by position.*\(4, 15\).*\(4, 14\)"):
        activation_patching(model, clean, corrupted[:, :-1], answer=answer, wrong=wrong)
    with pytest.raises(ValueError, match="different numbers of prompts"):
        activation_patching(model, clean, corrupted[:3], answer=answer, wrong=wrong)


def test_context_longer_than_n_ctx(model):
    with pytest.raises(ValueError, match=r"17 tokens, longer than the model's context n_ctx=16"):
        head_scores(model, np.zeros((2, 17), dtype=int), null=None)


def test_token_ids_checked(model):
    with pytest.raises(ValueError, match=r"outside the vocabulary 0..31"):
        logit_lens(model, np.full((2, 4), 40), null=None)
    with pytest.raises(TypeError, match="integer token ids"):
        logit_lens(model, np.zeros((2, 4)), null=None)
    with pytest.raises(ValueError, match="strings but the model has no tokenizer"):
        logit_lens(model, ["a cat"], null=None)
    with pytest.raises(TypeError, match="must be token ids"):
        logit_lens(model, {"a": 1}, null=None)
    with pytest.raises(TypeError, match="HookedTransformer"):
        logit_lens(object(), [[1, 2]])


def test_patching_arguments(model):
    clean, corrupted, answer, wrong = induction_pairs(4)
    with pytest.raises(ValueError, match="kind must be one of"):
        activation_patching(model, clean, corrupted, kind="neurons", answer=answer, wrong=wrong)
    with pytest.raises(ValueError, match="attention-only"):
        activation_patching(model, clean, corrupted, kind="mlp", answer=answer, wrong=wrong)
    with pytest.raises(ValueError, match="give answer= and wrong="):
        activation_patching(model, clean, corrupted)
    with pytest.raises(ValueError, match="answer has 3 token ids for 4 prompts"):
        activation_patching(model, clean, corrupted, answer=answer[:3], wrong=wrong)
    with pytest.raises(ValueError, match="one value per prompt, shape \\(4,\\)"):
        activation_patching(model, clean, corrupted, metric=lambda lg: lg[:, -1, 0].mean())
    with pytest.raises(ValueError, match="batch_size must be a positive integer or 'auto'"):
        activation_patching(model, clean, corrupted, answer=answer, wrong=wrong, batch_size=0)
    with pytest.raises(ValueError, match="position 20 out of range"):
        activation_patching(model, clean, corrupted, answer=answer, wrong=wrong, position=20)
    with pytest.raises(ValueError, match="null must be"):
        activation_patching(model, clean, corrupted, answer=answer, wrong=wrong, null="permuted")


def test_other_arguments(model):
    with pytest.raises(ValueError, match="scores must be among"):
        head_scores(model, scores=["copying"], null=None)
    with pytest.raises(ValueError, match="n_boot must be a non-negative integer"):
        head_scores(model, null=None, n_boot=-1)
    with pytest.raises(ValueError, match="periods must satisfy"):
        tiny_induction_model(0, steps=0, periods=(2, 16))
    other = tiny_induction_model(0, steps=0, d_vocab=20)
    with pytest.raises(ValueError, match="model\\[1\\] has d_vocab=20, model\\[0\\] 32"):
        head_scores([model, other], null=None)
