"""Activations with planted sparse directions: ground truth for SAE tests and examples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PlantedActivations", "planted_activations"]


@dataclass(frozen=True, eq=False)
class PlantedActivations:
    """Rows ``x = codes @ directions + noise``.

    Attributes
    ----------
    x : ndarray, shape (n_rows, d_in)
    directions : ndarray, shape (n_features, d_in)
        The planted unit-norm directions.
    codes : ndarray, shape (n_rows, n_features)
        Non-negative sparse coefficients (exponential where active).
    """

    x: np.ndarray
    directions: np.ndarray
    codes: np.ndarray


def planted_activations(
    n_rows: int = 8192,
    d_in: int = 32,
    n_features: int = 24,
    active: float = 3.0,
    noise: float = 0.01,
    random_state: int = 0,
    *,
    directions: np.ndarray | None = None,
    rates: np.ndarray | None = None,
) -> PlantedActivations:
    """Rows that are sparse non-negative mixtures of ``n_features`` random unit directions.

    Each feature is active in a row with probability ``active / n_features``
    (so ``active`` features per row on average), with an Exp(1) magnitude;
    Gaussian noise of sd ``noise`` is added to every unit.

    ``directions`` (n_features, d_in) reuses directions of an earlier call (two
    groups of inputs over the same features); ``rates`` (n_features,) sets each
    feature's probability of being active instead of ``active / n_features``.
    """
    for name, value in (("n_rows", n_rows), ("d_in", d_in), ("n_features", n_features)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not 0 < active <= n_features:
        raise ValueError(f"active must be in (0, n_features={n_features}], got {active!r}")
    rng = np.random.default_rng(random_state)
    if directions is None:
        directions = rng.normal(size=(n_features, d_in))
    directions = np.asarray(directions, dtype=np.float64)
    if directions.shape != (n_features, d_in):
        raise ValueError(f"directions has shape {directions.shape}; expected {(n_features, d_in)}")
    directions = directions / np.linalg.norm(directions, axis=1, keepdims=True)
    p = np.full(n_features, active / n_features) if rates is None else np.asarray(rates, float)
    if p.shape != (n_features,) or not ((p >= 0) & (p <= 1)).all():
        raise ValueError(f"rates must be {n_features} probabilities in [0, 1]")
    on = rng.random((n_rows, n_features)) < p
    codes = on * rng.exponential(1.0, size=(n_rows, n_features))
    x = codes @ directions + noise * rng.normal(size=(n_rows, d_in))
    return PlantedActivations(x, directions, codes)
