"""A tiny attention-only transformer that learns an induction head in about a second.

Two layers of one attention head each (d_model 32, context 16, no LayerNorm,
no MLP), trained on random token sequences repeated with a random period; the
loss counts only the repeated part, where the next token is determined by the
earlier occurrence. Such a model solves the task with a previous-token head in
layer 0 and an induction head in layer 1 (Olsson et al., 2022), which makes it
a planted ground truth for the circuit tools.

Training is deterministic for a seed: the weights come from
``HookedTransformerConfig(seed=...)``, the batches from a seeded
``torch.Generator``, and torch runs on one thread while it trains.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpkit.circuits._backend import lens, quiet, torch

__all__ = [
    "induction_config",
    "induction_prompts",
    "repeated_tokens",
    "tiny_induction_model",
    "tiny_induction_models",
]

D_VOCAB = 32
N_CTX = 16


def induction_config(seed: int = 0, *, d_vocab: int = D_VOCAB, n_ctx: int = N_CTX) -> Any:
    """The ``HookedTransformerConfig`` of the tiny model (2 layers x 1 head, attention only)."""
    tl = lens()
    return tl.HookedTransformerConfig(
        d_model=32,
        d_head=32,
        n_layers=2,
        n_heads=1,
        n_ctx=int(n_ctx),
        d_vocab=int(d_vocab),
        attn_only=True,
        normalization_type=None,
        seed=int(seed),
        device="cpu",
    )


def _periodic_batch(gen: Any, n: int, d_vocab: int, n_ctx: int, periods: tuple[int, int]) -> Any:
    th = torch()
    period = th.randint(periods[0], periods[1] + 1, (n,), generator=gen)
    tokens = th.randint(0, d_vocab, (n, n_ctx), generator=gen)
    index = th.arange(n_ctx)[None, :] % period[:, None]
    seq = th.gather(tokens, 1, index)
    # the target of position t is seq[t + 1], determined once t + 1 >= period
    mask = th.arange(1, n_ctx)[None, :] >= period[:, None]
    return seq, mask


def tiny_induction_model(
    seed: int = 0,
    *,
    steps: int = 300,
    batch_size: int = 32,
    lr: float = 2e-2,
    periods: tuple[int, int] = (3, 8),
    d_vocab: int = D_VOCAB,
    n_ctx: int = N_CTX,
) -> Any:
    """Train the tiny induction model (a ``HookedTransformer``); ``steps=0`` leaves it untrained.

    Parameters
    ----------
    seed : int
        Seeds the initial weights and the training batches.
    steps, batch_size, lr : int, int, float
        AdamW steps, sequences per step, learning rate.
    periods : (int, int)
        Smallest and largest period of the repeated sequences.
    d_vocab, n_ctx : int
        Vocabulary and context length.

    Returns
    -------
    transformer_lens.HookedTransformer
        In eval mode. ``model.cfg.seed`` is ``seed``.
    """
    if not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    lo, hi = (int(p) for p in periods)
    if not 1 <= lo <= hi < n_ctx:
        raise ValueError(f"periods must satisfy 1 <= low <= high < n_ctx={n_ctx}, got {periods}")
    th = torch()
    tl = lens()
    from interpkit._threads import fixed_threads

    with fixed_threads(1), quiet():
        model = tl.HookedTransformer(induction_config(seed, d_vocab=d_vocab, n_ctx=n_ctx))
        gen = th.Generator().manual_seed(int(seed))
        opt = th.optim.AdamW(model.parameters(), lr=float(lr), weight_decay=0.0)
        model.train()
        for _ in range(int(steps)):
            seq, mask = _periodic_batch(gen, int(batch_size), int(d_vocab), int(n_ctx), (lo, hi))
            logits = model(seq)
            logp = logits[:, :-1].log_softmax(-1).gather(-1, seq[:, 1:, None])[..., 0]
            loss = -(logp * mask).sum() / mask.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    return model


def tiny_induction_models(seeds: tuple[int, ...] | list[int] = (0, 1, 2), **kwargs: Any) -> list:
    """One tiny induction model per training seed (for intervals over seeds)."""
    return [tiny_induction_model(int(s), **kwargs) for s in seeds]


def repeated_tokens(
    n_prompts: int = 64,
    length: int = 8,
    *,
    d_vocab: int = D_VOCAB,
    random_state: int = 0,
) -> np.ndarray:
    """Random sequences of ``length`` tokens, each followed by itself: shape (n, 2 * length).

    The second half is predictable only by induction (find the earlier copy of
    the current token, predict the one after it).
    """
    if length < 2 or n_prompts < 1:
        raise ValueError(f"need length >= 2 and n_prompts >= 1, got {length} and {n_prompts}")
    half = np.random.default_rng(random_state).integers(
        0, d_vocab, size=(int(n_prompts), int(length))
    )
    return np.concatenate([half, half], axis=1)


def induction_prompts(
    n_prompts: int = 32,
    length: int = 8,
    *,
    d_vocab: int = D_VOCAB,
    random_state: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Clean and corrupted prompts for patching an induction circuit.

    Clean: a random sequence ``r`` of ``length`` tokens, then ``r`` again without
    its last token, so the last position predicts ``r[-1]`` by induction.
    Corrupted: the first half replaced by another random sequence ``s``, so
    induction predicts ``s[-1]`` there. Both have ``2 * length - 1`` tokens.

    Returns
    -------
    clean, corrupted : ndarray, shape (n_prompts, 2 * length - 1)
    answer, wrong : ndarray, shape (n_prompts,)
        ``r[-1]`` and ``s[-1]``: the logit difference to patch is answer - wrong.
    """
    if length < 2 or n_prompts < 1:
        raise ValueError(f"need length >= 2 and n_prompts >= 1, got {length} and {n_prompts}")
    rng = np.random.default_rng(random_state)
    r = rng.integers(0, d_vocab, size=(int(n_prompts), int(length)))
    s = rng.integers(0, d_vocab, size=(int(n_prompts), int(length)))
    same = s[:, -1] == r[:, -1]  # the two answers must differ
    s[same, -1] = (r[same, -1] + 1) % d_vocab
    clean = np.concatenate([r, r[:, :-1]], axis=1)
    corrupted = np.concatenate([s, r[:, :-1]], axis=1)
    return clean, corrupted, r[:, -1], s[:, -1]
