"""Inputs of a Captum explainer: tabular rows or images, checked in the user's terms.

Everything is held as float64 numpy (what the result stores) and turned into
a tensor of the model's dtype on the model's device only to compute.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pandas as pd

from interpkit._validation import check_X, feature_names_of

IMAGE_DIMS = ("sample", "channel", "height", "width")
TABULAR_DIMS = ("sample", "feature")


def is_tensor(X: Any) -> bool:
    """True for a torch tensor, checked without importing torch."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(X, torch.Tensor)


def tensor_to_numpy(X: Any, device: Any, what: str = "X") -> np.ndarray:
    """A tensor's values, after checking it sits on the model's device."""
    if device is not None and X.device != device:
        raise ValueError(
            f"{what} is on device {X.device} but the model is on {device}; "
            f"move one of them (e.g. {what}.to('{device}'))"
        )
    if X.is_complex():
        raise TypeError(f"{what} has dtype {X.dtype}; expected real numbers")
    return X.detach().cpu().numpy()


def check_inputs(
    X: Any,
    device: Any,
    *,
    kind: str | None = None,
    shape: tuple[int, ...] | None = None,
    names: list[str] | None = None,
    what: str = "X",
) -> tuple[np.ndarray, str, list[str] | None]:
    """``(values, kind, feature names)`` of rows to fit or explain.

    ``kind`` is ``"tabular"`` (2-D, a DataFrame or array) or ``"image"``
    (4-D, ``(n, channels, height, width)``); at explain time ``kind``,
    ``shape`` (one row's) and ``names`` are those seen at fit.
    """
    if X is None:
        raise TypeError(f"{what} is None; pass a 2-D table or a 4-D (n, C, H, W) image array")
    if is_tensor(X):
        X = tensor_to_numpy(X, device, what)
    ndim = X.ndim if isinstance(X, np.ndarray | pd.DataFrame) else np.ndim(np.asarray(X))
    if kind is None:
        kind = "image" if ndim == 4 else "tabular"
    if kind == "tabular":
        if ndim != 2:
            raise ValueError(
                f"{what} must be 2-D (samples x features) or 4-D images (n, C, H, W), got {ndim}-D"
                if shape is None
                else f"{what} must be 2-D (samples x {shape[0]} features) as at fit, got {ndim}-D"
            )
        arr = check_X(X, feature_names=names, what=what)
        return arr, kind, feature_names_of(X, arr.shape[1]) if names is None else names
    arr = np.asarray(X)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} has dtype {arr.dtype}; expected real numbers")
    if arr.ndim != 4:
        raise ValueError(
            f"{what} must be 4-D images (n, channels, height, width), got shape {arr.shape}"
        )
    if shape is not None and arr.shape[1:] != shape:
        raise ValueError(
            f"{what} has images of shape {arr.shape[1:]}, but the explainer was fit on "
            f"{shape} (channels, height, width)"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} contains NaN or infinite values")
    return arr, kind, None


def dims_and_coords(kind: str, n: int, shape: tuple[int, ...], names: list[str] | None) -> tuple:
    """Dims and coordinates of ``n`` attribution maps."""
    if kind == "tabular":
        return TABULAR_DIMS, {"sample": np.arange(n), "feature": list(names)}
    return IMAGE_DIMS, {
        "sample": np.arange(n),
        "channel": np.arange(shape[0]),
        "height": np.arange(shape[1]),
        "width": np.arange(shape[2]),
    }
