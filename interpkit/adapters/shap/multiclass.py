"""SHAP values of a K-class model as labelled arrays with a ``"class"`` dim.

A multiclass model's explained output is its vector of class probabilities:
one SHAP value per row, feature and class, and for each class
``sum over features + base[class] = predict_proba[:, class]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

__all__ = ["global_values", "local_values"]


def local_values(
    phi: np.ndarray, base: np.ndarray, names: list[str], classes: list[str] | None
) -> tuple[xr.DataArray, Any]:
    """Local values, dims ``("sample", "feature")`` or ``("sample", "feature", "class")``.

    The base value is a float (or a ``("sample",)`` array) for one output,
    a ``("class",)`` array (or ``("sample", "class")``) for K classes.
    """
    n = phi.shape[0]
    coords: dict[str, Any] = {"sample": np.arange(n), "feature": names}
    if phi.ndim == 2:
        values = xr.DataArray(phi, dims=("sample", "feature"), coords=coords, name="shap_value")
        if np.ptp(base) == 0:
            return values, float(base[0])
        return values, xr.DataArray(base, dims=("sample",), coords={"sample": coords["sample"]})
    coords["class"] = list(classes or range(phi.shape[2]))
    values = xr.DataArray(
        phi, dims=("sample", "feature", "class"), coords=coords, name="shap_value"
    )
    if np.all(np.ptp(base, axis=0) == 0):
        return values, xr.DataArray(base[0], dims=("class",), coords={"class": coords["class"]})
    return values, xr.DataArray(
        base,
        dims=("sample", "class"),
        coords={"sample": coords["sample"], "class": coords["class"]},
    )


def global_values(
    phi: np.ndarray, base: np.ndarray, names: list[str], classes: list[str] | None
) -> tuple[xr.DataArray, Any]:
    """Mean ``|phi|`` over rows, dims ``("feature",)`` or ``("feature", "class")``, and the base."""
    mean_abs = np.abs(phi).mean(axis=0)
    if phi.ndim == 2:
        values = xr.DataArray(
            mean_abs, dims=("feature",), coords={"feature": names}, name="mean_abs_shap_value"
        )
        return values, float(base.mean())
    labels = list(classes or range(phi.shape[2]))
    values = xr.DataArray(
        mean_abs,
        dims=("feature", "class"),
        coords={"feature": names, "class": labels},
        name="mean_abs_shap_value",
    )
    return values, xr.DataArray(base.mean(axis=0), dims=("class",), coords={"class": labels})
