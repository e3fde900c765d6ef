"""What kind of target ``y`` is: one rule for every explainer.

Follows scikit-learn's :func:`~sklearn.utils.multiclass.type_of_target`:
integer (or string, boolean) labels with few distinct values are
classification unless the user says ``task="regression"``; an explicit task
that contradicts the target is an error, so no explainer ever regresses on
class codes silently.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TASKS", "detect_task", "resolve_task"]

TASKS = ("auto", "regression", "binary", "multiclass", "classification")
# integer targets with more distinct values than this are read as counts (regression)
MAX_AUTO_CLASSES = 20


def detect_task(y: Any) -> str:
    """``"regression"``, ``"binary"`` or ``"multiclass"`` for a 1-D target."""
    from sklearn.utils.multiclass import type_of_target

    arr = _one_column(y)
    if arr.dtype.kind in "OUSb" or isinstance(getattr(y, "dtype", None), pd.CategoricalDtype):
        n = pd.unique(arr[~pd.isna(arr)]).size
        return "binary" if n <= 2 else "multiclass"
    kind = type_of_target(arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr)
    if kind == "binary":
        return "binary"
    if kind == "multiclass":
        n = np.unique(arr).size
        return "multiclass" if n <= MAX_AUTO_CLASSES else "regression"
    return "regression"


def resolve_task(
    task: str, y: Any, *, supported: tuple[str, ...] | None = None, owner: str = "this explainer"
) -> str:
    """The task to fit: ``task`` checked against ``y``, or detected when ``"auto"``.

    Returns ``"regression"``, ``"binary"`` or ``"multiclass"``.
    ``task="classification"`` means binary or multiclass, whichever ``y`` is.

    Raises
    ------
    ValueError
        For an unknown task, a task that contradicts ``y`` (e.g.
        ``"regression"`` on string labels, ``"binary"`` on three classes), or a
        task ``owner`` does not support (``supported``).
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    detected = detect_task(y)
    arr = _one_column(y)
    if task == "auto":
        out = detected
    elif task == "regression":
        if arr.dtype.kind in "OUSb" or isinstance(getattr(y, "dtype", None), pd.CategoricalDtype):
            raise ValueError(
                "task='regression' but y holds class labels (strings, booleans or categories); "
                "use task='auto' or a classification task"
            )
        out = "regression"
    else:
        if detected == "regression" and arr.dtype.kind == "f" and np.any(arr != np.round(arr)):
            raise ValueError(
                f"task={task!r} but y looks continuous (non-integer numbers); "
                "use task='regression' or pass class labels"
            )
        n = pd.unique(arr[~pd.isna(arr)]).size
        if task == "binary" and n != 2:
            raise ValueError(f"task='binary' but y has {n} classes; use task='multiclass'")
        out = task if task != "classification" else ("binary" if n <= 2 else "multiclass")
        if out == "multiclass" and n < 3:
            raise ValueError(f"task='multiclass' but y has {n} classes")
    if supported is not None and out not in supported:
        raise ValueError(
            f"{owner} supports {', '.join(supported)} targets; y is a {out} target"
            + (
                " (pass task='regression' if the codes are really numbers)"
                if out in ("binary", "multiclass") and arr.dtype.kind in "iuf"
                else ""
            )
        )
    return out


def _one_column(y: Any) -> np.ndarray:
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(f"y must be one column, got a DataFrame with {y.shape[1]} columns")
        y = y.iloc[:, 0]
    arr = np.asarray(y)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {arr.shape}")
    return arr
