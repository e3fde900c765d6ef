"""What an EBM is fit on: its task and feature types, resolved from the user's data.

InterpretML guesses both when told ``"auto"``; these functions decide them
once, with clear errors, so that every stability replicate agrees with the
fit on all rows. ``est`` is an ``EBMExplainer`` (not imported: no cycle).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from interpkit._validation import feature_names_of

__all__ = [
    "TASKS",
    "check_categories",
    "feature_type_list",
    "prepared",
    "resolve_task",
    "rug_rows",
]

TASKS = ("auto", "regression", "binary", "multiclass", "classification")
CATEGORICAL_TYPES = ("nominal", "ordinal")


def resolve_task(est: Any, y: Any) -> str:
    if est.task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {est.task!r}")
    if y is not None and not isinstance(y, pd.DataFrame):
        arr = np.asarray(y)
        if arr.ndim == 2 and min(arr.shape) > 1:
            raise ValueError(
                f"multi-output targets are not supported: y has shape {arr.shape}; "
                "EBMExplainer explains one regression or binary target"
            )
    elif isinstance(y, pd.DataFrame) and y.shape[1] > 1:
        raise ValueError(
            f"multi-output targets are not supported: y has {y.shape[1]} columns; "
            "EBMExplainer explains one regression or binary target"
        )
    if y is None:
        return "regression" if est.task == "auto" else est.task  # check_y reports it
    from interpkit._task import resolve_task as resolve

    # scikit-learn's type_of_target: 3-class integer labels are classification
    return resolve(est.task, y, owner="EBMExplainer")


def check_y_task(est: Any) -> str:
    """The task in :func:`interpkit._validation.check_y`'s terms (multiclass: classification)."""
    task = est.task if est.task in ("regression", "binary", "multiclass") else None
    task = task or getattr(est, "_auto_task", "regression")
    return "classification" if task in ("multiclass", "classification") else task


def fit_task(est: Any, y: np.ndarray) -> str:
    """``"regression"``, ``"binary"`` or ``"multiclass"`` for the validated target ``y``."""
    task = check_y_task(est)
    if task != "classification":
        return task
    return "binary" if pd.unique(np.asarray(y)).size <= 2 else "multiclass"


def check_params(est: Any, forwarded: tuple[str, ...] = ()) -> None:
    """EBMExplainer's own parameters (not InterpretML's); ``forwarded``: those it passes on."""
    if est.task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {est.task!r}")
    if not (isinstance(est.n_grid, int | np.integer) and est.n_grid >= 2):
        raise ValueError(f"n_grid must be an integer >= 2, got {est.n_grid!r}")
    if est.ebm_params is not None and not isinstance(est.ebm_params, dict):
        raise TypeError(f"ebm_params must be a dict, got {type(est.ebm_params).__name__}")
    own = {"feature_names", "feature_types", "n_jobs", "random_state", *forwarded}
    clash = set(est.ebm_params or {}) & own
    if clash:
        raise ValueError(
            f"ebm_params sets {sorted(clash)}, which are EBMExplainer parameters; "
            "pass them to EBMExplainer directly"
        )


def prepared(est: Any, X: Any, y: Any) -> Any:
    """A clone with ``task`` and ``categories`` fixed from all rows (for stability)."""
    from sklearn.base import clone

    out = clone(est)
    out.set_params(task=resolve_task(est, y))
    names = feature_names_of(X, np.shape(X)[1]) if np.ndim(X) == 2 else []
    types = feature_type_list(est, names) if names else None
    if types is not None:
        from interpkit._frames import FrameCodec

        codec = FrameCodec.from_data(X)
        X_arr = codec.encode(X)  # text columns: their codes, fixed by the codec already
        types = [None if n in codec.categories else t for n, t in zip(names, types, strict=True)]
        cats = dict(est.categories or {})
        for j, (n, t) in enumerate(zip(names, types, strict=True)):
            if t in CATEGORICAL_TYPES and n not in cats:
                col = X_arr[:, j]
                cats[n] = np.unique(col[~np.isnan(col)]).tolist()
        out.set_params(categories=cats or est.categories)
    return out


def feature_type_list(est: Any, names: list[str]) -> list[Any] | None:
    ft = est.feature_types
    if ft is None:
        return None
    if isinstance(ft, dict):
        unknown = sorted(set(map(str, ft)) - set(names))
        if unknown:
            raise ValueError(f"feature_types names unknown features {unknown}; have {names}")
        return [ft.get(n, "auto") for n in names]
    ft = list(ft)
    if len(ft) != len(names):
        raise ValueError(f"feature_types has {len(ft)} entries for {len(names)} features")
    return ft


def rug_rows(X: np.ndarray, n: int = 1000) -> np.ndarray:
    """Up to ``n`` training rows (a fixed random subset) for rug plots."""
    if X.shape[0] <= n:
        return X.copy()
    rows = np.sort(np.random.RandomState(0).choice(X.shape[0], size=n, replace=False))
    return X[rows]


def coded_feature_types(est: Any, names: list[str], codec: Any) -> list[Any] | None:
    """The user's feature types, with ``"nominal"`` for text/category/boolean columns."""
    types = feature_type_list(est, names)
    if codec is None or not codec.categories:
        return types
    types = list(types) if types is not None else ["auto"] * len(names)
    return [
        "nominal" if n in codec.categories and t == "auto" else t
        for n, t in zip(names, types, strict=True)
    ]


def known_categories(est: Any, X: np.ndarray, names: list[str]) -> dict[str, np.ndarray]:
    """Accepted codes per categorical feature: given, seen, or every level of a text column."""
    codec = getattr(est, "input_codec_", None)
    out = {}
    for j, n in enumerate(names):
        if est.feature_kinds_[n] != "categorical":
            continue
        seen = np.unique(X[:, j][~np.isnan(X[:, j])])
        if codec is not None and n in codec.categories:  # all levels of all rows
            out[n] = np.arange(len(codec.categories[n]), dtype=np.float64)
            continue
        given = (est.categories or {}).get(n)
        codes = seen if given is None else np.asarray(given, dtype=float)
        out[n] = np.unique(np.concatenate([codes, seen]))
    return out


def table_params(est: Any) -> dict[str, Any]:
    """Category labels of text/category columns (their codes are what ``data`` holds)."""
    codec = getattr(est, "input_codec_", None)
    if codec is None or not codec.categories:
        return {}
    return {"categories": codec.describe()}


def check_categories(est: Any, X: np.ndarray) -> None:
    names = [str(f) for f in est.feature_names_in_]
    for name, codes in est.categories_.items():
        col = X[:, names.index(name)]
        col = col[~np.isnan(col)]  # missing: InterpretML's "missing" bin
        unseen = np.setdiff1d(np.unique(col), codes)
        if unseen.size:
            raise ValueError(
                f"feature {name!r} has categories {unseen.tolist()[:10]} not seen in "
                f"training (known: {codes.tolist()[:20]}); the EBM has no score for them"
            )
