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
) -> PlantedActivations:
    """Rows that are sparse non-negative mixtures of ``n_features`` random unit directions.

    Each feature is active in a row with probability ``active / n_features``
    (so ``active`` features per row on average), with an Exp(1) magnitude;
    Gaussian noise of sd ``noise`` is added to every unit.
    """
    for name, value in (("n_rows", n_rows), ("d_in", d_in), ("n_features", n_features)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not 0 < active <= n_features:
        raise ValueError(f"active must be in (0, n_features={n_features}], got {active!r}")
    rng = np.random.default_rng(random_state)
    directions = rng.normal(size=(n_features, d_in))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    on = rng.random((n_rows, n_features)) < active / n_features
    codes = on * rng.exponential(1.0, size=(n_rows, n_features))
    x = codes @ directions + noise * rng.normal(size=(n_rows, d_in))
    return PlantedActivations(x, directions, codes)
