"""Intervals of circuit statistics: prompts resampled (bootstrap) and training seeds.

Every analysis computes a per-prompt quantity for each model, an array of
shape ``(n_models, n_prompts, *shape)``, where the models are one per
training seed. A statistic of the prompt means (the mean itself, or the
normalised patching metric ``(patched - corrupted) / (clean - corrupted)``)
is then summarised three ways:

``value``                      the statistic on all prompts, averaged over models;
``lower`` / ``upper``          percentile interval over bootstrap resamples of the
                               prompts (scope ``"prompts"``; the same resample for
                               every model, so seeds are paired);
``seed_lower`` / ``seed_upper``  percentile interval of the per-model values over
                               training seeds (NaN with one model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["COLUMNS", "check_level", "summarise", "tidy"]

COLUMNS = ("value", "lower", "upper", "seed_lower", "seed_upper")
Stat = Callable[[dict[str, np.ndarray]], np.ndarray]


def check_level(n_boot: int, level: float) -> None:
    if not isinstance(n_boot, int | np.integer) or isinstance(n_boot, bool) or n_boot < 0:
        raise ValueError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    if not 0 < float(level) < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")


def _mean(means: dict[str, np.ndarray]) -> np.ndarray:
    return means["x"]


def summarise(
    arrays: dict[str, np.ndarray] | np.ndarray,
    *,
    stat: Stat | None = None,
    main: str = "x",
    n_boot: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> dict[str, np.ndarray]:
    """Value and intervals of ``stat`` of the prompt means of ``arrays``.

    Parameters
    ----------
    arrays : ndarray or dict of ndarray
        Each of shape ``(n_models, n_prompts, *shape_i)``; a plain array is
        ``{"x": array}``.
    stat : callable, optional
        From prompt means (a dict of arrays ``(..., k_i)`` flattened over
        ``shape_i``, broadcastable) to the statistic; the mean by default.
    main : str
        The array whose ``shape`` the result has.
    n_boot, level, random_state
        Bootstrap replicates over prompts (0: no prompt interval), the
        interval's coverage and the seed of the resamples.

    Returns
    -------
    dict
        ``value``, ``lower``, ``upper``, ``seed_lower``, ``seed_upper``, each of
        the main array's ``shape``.
    """
    if isinstance(arrays, np.ndarray):
        arrays = {"x": arrays}
    stat = stat or _mean
    check_level(n_boot, level)
    n_models, n_prompts = arrays[main].shape[:2]
    shape = arrays[main].shape[2:]
    flat = {
        k: np.asarray(v, dtype=np.float64).reshape(n_models, n_prompts, -1)
        for k, v in arrays.items()
    }
    alpha = (1 - float(level)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        per_model = stat({k: v.mean(axis=1) for k, v in flat.items()})  # (n_models, k)
        value = np.mean(per_model, axis=0)
        lower = upper = np.full_like(value, np.nan)
        if n_boot > 0 and n_prompts > 1:
            rng = np.random.default_rng(random_state)
            draws = rng.integers(n_prompts, size=(int(n_boot), n_prompts))
            weights = np.zeros((int(n_boot), n_prompts))
            np.add.at(weights, (np.arange(int(n_boot))[:, None], draws), 1.0 / n_prompts)
            boot = stat({k: np.einsum("bp,mpk->mbk", weights, v) for k, v in flat.items()})
            boot = boot.mean(axis=0)  # (n_boot, k)
            lower, upper = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
        seed_lower = seed_upper = np.full_like(value, np.nan)
        if n_models > 1:
            seed_lower, seed_upper = np.nanquantile(per_model, [alpha, 1 - alpha], axis=0)
    out = {"value": value, "lower": lower, "upper": upper}
    out.update(seed_lower=seed_lower, seed_upper=seed_upper)
    return {k: np.asarray(v, dtype=np.float64).reshape(shape) for k, v in out.items()}


def tidy(
    coords: Sequence[tuple[str, Sequence[Any]]],
    summary: dict[str, np.ndarray],
    **constants: Any,
) -> pd.DataFrame:
    """A long table: one row per cell of the summary's grid, ``coords`` as columns.

    ``coords`` lists (name, labels) per axis of the summary arrays, in order;
    ``constants`` become columns with one value (e.g. ``model="trained"``).
    """
    grids = np.meshgrid(*[np.arange(len(lab)) for _, lab in coords], indexing="ij")
    table = {
        name: np.asarray(list(lab), dtype=object)[g.ravel()]
        for (name, lab), g in zip(coords, grids, strict=True)
    }
    frame = pd.DataFrame({**constants, **table})
    for col in COLUMNS:
        frame[col] = summary[col].ravel()
    for name, labels in coords:
        if all(isinstance(x, int | np.integer) for x in labels):
            frame[name] = frame[name].astype(int)
    return frame
