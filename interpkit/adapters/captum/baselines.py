"""Baselines: what "feature absent" means for a path or perturbation method.

Each is built once at fit (from the fit rows and a seed) and recorded by a
short description in every result's params; a blurred image is the one
baseline that depends on the explained row.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpkit.adapters.captum.inputs import is_tensor

NAMED = ("zeros", "means", "uniform", "blur", "sample:K")


def build_baseline(
    spec: Any, X: np.ndarray, kind: str, seed: int, *, multi: bool
) -> tuple[np.ndarray | None, str]:
    """``(baseline rows, description)``; rows are ``None`` for the per-row blur.

    Parameters
    ----------
    spec : "zeros", "means", "uniform", "blur[:sigma]", "sample:K", array or tensor
        ``"means"``: the mean of every feature (pixel) over the fit rows;
        ``"uniform"``: one draw, uniform between each feature's min and max;
        ``"blur:S"``: each image blurred by a Gaussian of width S pixels (default 2);
        ``"sample:K"``: K fit rows at random, a baseline distribution
        (GradientShap, DeepLiftShap); an array: one row (or several when ``multi``).
    X : fit rows, shape (n, ...).
    multi : bool
        The method takes a distribution of baselines (GradientShap, DeepLiftShap).
    """
    shape = X.shape[1:]
    if isinstance(spec, str):
        name, _, arg = spec.partition(":")
        if name == "zeros" and not arg:
            return np.zeros((1, *shape)), "zeros"
        if name == "means" and not arg:
            return X.mean(axis=0, keepdims=True), "means"
        if name == "uniform" and not arg:
            rng = np.random.RandomState(seed)
            low, high = X.min(axis=0), X.max(axis=0)
            return low + (high - low) * rng.uniform(size=(1, *shape)), f"uniform (seed {seed})"
        if name == "blur":
            if kind != "image":
                raise ValueError(
                    "baseline='blur' is for images (n, C, H, W); use 'zeros' or 'means'"
                )
            sigma = _number(arg or "2", spec)
            return None, f"blur:{sigma:g}"
        if name == "sample" and arg:
            if not multi:
                raise ValueError(
                    f"baseline={spec!r} is a distribution of baselines, which only GradientShap "
                    "and DeepLiftShap take; pick one row ('zeros', 'means', 'uniform') for this "
                    "method"
                )
            k = int(_number(arg, spec))
            idx = np.sort(np.random.RandomState(seed).choice(len(X), min(k, len(X)), replace=False))
            return X[idx], f"sample:{len(idx)} (seed {seed})"
        raise ValueError(f"baseline must be one of {NAMED}, an array or a tensor, got {spec!r}")
    arr = spec.detach().cpu().numpy() if is_tensor(spec) else np.asarray(spec, dtype=np.float64)
    if arr.shape == shape:
        arr = arr[None]
    if arr.shape[1:] != shape or (arr.shape[0] != 1 and not multi):
        one = f"{shape} or {(1, *shape)}"
        raise ValueError(
            f"baseline has shape {arr.shape}; expected one input of shape {one}"
            + (" or several rows (k, ...)" if multi else "")
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("baseline contains NaN or infinite values")
    return arr.astype(np.float64), f"given ({arr.shape[0]} row{'s' * (arr.shape[0] > 1)})"


def baseline_rows(baseline: np.ndarray | None, desc: str, X: np.ndarray) -> np.ndarray:
    """The baseline for rows ``X``: the fitted rows, or each image blurred."""
    if baseline is not None:
        return baseline
    from scipy.ndimage import gaussian_filter

    sigma = float(desc.split(":")[1])
    return gaussian_filter(X, sigma=(0, 0, sigma, sigma), mode="nearest")


def baseline_params(baseline: np.ndarray | None, desc: str) -> dict[str, Any]:
    """How the baseline is recorded in params: its description, and its values when small."""
    out: dict[str, Any] = {"baseline": desc}
    if baseline is not None:
        out["baseline_shape"] = list(baseline.shape)
        out["baseline_mean"] = float(baseline.mean())
        if baseline.size <= 256:
            out["baseline_values"] = baseline.tolist()
    return out


def _number(text: str, spec: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"cannot read the number in baseline={spec!r}") from None
    if not value > 0:
        raise ValueError(f"the number in baseline={spec!r} must be positive")
    return value
