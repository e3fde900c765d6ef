"""Turn what users pass (arrays, tensors, :class:`Activations`) into rows of activations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Rows", "as_rows", "check_width"]


@dataclass(frozen=True, eq=False)
class Rows:
    """Activation rows and where each came from.

    Attributes
    ----------
    x : ndarray, shape (n_rows, d_in), float32
    sample : ndarray of int, shape (n_rows,)
        The input (text) each row belongs to.
    position : ndarray of int or None, shape (n_rows,)
        The token position of each row when the activations kept positions.
    n_samples : int
        Number of inputs (rows when pooled).
    layer : str or None
        The layer the rows were taken from, for an :class:`Activations`.
    texts : list of str or None
    """

    x: np.ndarray
    sample: np.ndarray
    position: np.ndarray | None
    n_samples: int
    layer: str | None = None
    texts: list[str] | None = None


def _to_numpy(obj: Any, name: str) -> np.ndarray:
    if type(obj).__module__.startswith("torch") and hasattr(obj, "detach"):
        obj = obj.detach().cpu().numpy()
    if isinstance(obj, str | bytes) or obj is None:
        raise TypeError(
            f"{name} must be an array, a torch tensor or an interpkit Activations result, "
            f"got {type(obj).__name__}"
        )
    try:
        arr = np.asarray(obj, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name} must be numeric (an array, tensor or Activations), got {type(obj).__name__}"
        ) from err
    return arr


def as_rows(activations: Any, layer: str | int | None = None, name: str = "activations") -> Rows:
    """Rows of ``activations`` as float32, padding dropped, NaN refused.

    Parameters
    ----------
    activations : array-like, torch tensor or Activations
        ``(n_samples, d_in)``, or ``(n_samples, n_positions, d_in)`` with padded
        positions all NaN; an :class:`~interpkit.representations.Activations`
        (pooled or not) with ``layer`` naming one of its layers.
    layer : str or int, optional
        Required for an Activations result with more than one layer.
    name : str
        The argument's name, for error messages.
    """
    texts = None
    layer_name = None
    if type(activations).__name__ == "Activations" and hasattr(activations, "layer"):
        layers = activations.layers
        if layer is None:
            if len(layers) != 1:
                raise ValueError(
                    f"{name} has {len(layers)} layers; pass layer= to choose one of {layers}"
                )
            layer = layers[0]
        layer_name = activations._layer_name(layer)
        arr = np.asarray(activations.layer(layer_name), dtype=np.float64)
        texts = activations.texts
    else:
        if layer is not None:
            raise ValueError(f"layer= applies only to an Activations result; {name} is an array")
        arr = _to_numpy(activations, name)
    if arr.ndim not in (2, 3):
        raise ValueError(
            f"{name} has shape {arr.shape}; expected (n_samples, d_in) or "
            "(n_samples, n_positions, d_in)"
        )
    if arr.shape[-1] < 1 or arr.shape[0] < 1:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    n_samples = arr.shape[0]
    if arr.ndim == 2:
        bad = ~np.isfinite(arr)
        if bad.any():
            row = int(np.argwhere(bad)[0, 0])
            raise ValueError(
                f"{name} has {int(bad.sum())} NaN or infinite values (first in row {row}); "
                "drop or impute those rows first"
            )
        return Rows(
            arr.astype(np.float32), np.arange(n_samples), None, n_samples, layer_name, texts
        )
    padded = np.isnan(arr).all(axis=-1)
    bad = ~np.isfinite(arr[~padded])
    if bad.any():
        raise ValueError(
            f"{name} has NaN or infinite values inside real (non-padding) positions; "
            "padding positions must be NaN in every unit"
        )
    sample, position = np.nonzero(~padded)
    if len(sample) == 0:
        raise ValueError(f"{name} has only padding (every position is NaN)")
    return Rows(
        arr[sample, position].astype(np.float32), sample, position, n_samples, layer_name, texts
    )


def check_width(rows: Rows, d_in: int, name: str = "activations") -> None:
    """Raise a ValueError when the rows' width is not the SAE's ``d_in``."""
    width = rows.x.shape[1]
    if width != d_in:
        where = f" (layer {rows.layer!r})" if rows.layer else ""
        raise ValueError(
            f"{name}{where} has {width} units but the SAE was trained on d_in={d_in}; "
            "pass activations of the layer the SAE was trained on"
        )
