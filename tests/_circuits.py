"""Shared fixtures of the circuit tests: the tiny induction model, trained once per session."""

from __future__ import annotations

import functools

import numpy as np

L = 8  # tokens before the repeat


@functools.cache
def trained(seed: int = 0):
    from interpkit.circuits import tiny_induction_model

    return tiny_induction_model(seed)


@functools.cache
def untrained(seed: int = 0):
    from interpkit.circuits import tiny_induction_model

    return tiny_induction_model(seed, steps=0)


def induction_pairs(n: int = 32, seed: int = 5):
    """Clean [r, r[:-1]] and corrupted [s, r[:-1]]: the last position predicts r[-1] by
    induction on the clean prompt and s[-1] on the corrupted one."""
    rng = np.random.default_rng(seed)
    r = rng.integers(0, 32, (n, L))
    s = rng.integers(0, 32, (n, L))
    clean = np.concatenate([r, r[:, :-1]], axis=1)
    corrupted = np.concatenate([s, r[:, :-1]], axis=1)
    return clean, corrupted, r[:, -1], s[:, -1]
