"""Input checks that fail early, in the user's terms.

Backends are fed only arrays that passed these checks, so a user never sees
a traceback from deep inside Fortran or torch for a NaN or a text column.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def feature_names_of(X: Any, n_features: int) -> list[str]:
    """Column names of a DataFrame, else ``x0, x1, ...``."""
    if isinstance(X, pd.DataFrame):
        return [str(c) for c in X.columns]
    return [f"x{j}" for j in range(n_features)]


def check_X(
    X: Any,
    *,
    feature_names: Sequence[str] | None = None,
    allow_constant: bool = True,
    what: str = "X",
    owner: str = "the explainer",
) -> np.ndarray:
    """Return ``X`` as a 2-D float64 array, or raise a ValueError/TypeError.

    Parameters
    ----------
    X : array-like or DataFrame, shape (n_samples, n_features)
    feature_names : sequence of str, optional
        Names seen at fit time; a DataFrame must have these columns (in any
        order; they are reordered), an array must have this many columns.
    allow_constant : bool
        When False, a column with a single distinct value is an error.
    what : str
        How to call the input in messages.
    owner : str
        Who was fit, for the message on a wrong number of columns.

    Messages contain the phrases scikit-learn's ``check_estimator`` looks
    for ("sparse", "Complex data not supported", "Reshape your data",
    "X has 1 features, but ... is expecting 3 features as input", ...).
    """
    if X is None:
        raise TypeError(f"{what} is None; pass a 2-D array or DataFrame of features")
    if _is_sparse(X):
        raise TypeError(
            f"{what} is a sparse matrix; sparse input is not supported: pass a dense "
            "array (X.toarray())"
        )
    if isinstance(X, pd.DataFrame):
        if feature_names is not None:
            missing = [f for f in feature_names if f not in set(map(str, X.columns))]
            if missing:
                raise ValueError(f"{what} is missing columns seen at fit time: {missing}")
            X = X.rename(columns=str)[list(feature_names)]
        complex_cols = [str(c) for c, dt in X.dtypes.items() if pd.api.types.is_complex_dtype(dt)]
        if complex_cols:
            raise ValueError(
                f"Complex data not supported: {what} has complex columns {complex_cols}"
            )
        bad = [str(c) for c, dt in X.dtypes.items() if not _is_numeric_dtype(dt)]
        if bad:
            raise TypeError(
                f"{what} has non-numeric columns {bad}; encode them as numbers first "
                "(e.g. pandas.get_dummies)"
            )
        names = [str(c) for c in X.columns]
        arr = X.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        arr = np.asarray(X)
        if arr.dtype.kind in "OUSV":
            try:
                arr = arr.astype(np.float64)
            except (TypeError, ValueError) as err:
                # numpy's reason ("float() argument must be a string or a real number")
                raise TypeError(
                    f"{what} contains text or other non-numeric values ({err}); "
                    "encode them as numbers"
                ) from None
        if arr.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: {what} has dtype {arr.dtype}")
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{what} has dtype {arr.dtype}; expected numbers")
        arr = arr.astype(np.float64)
        if arr.ndim == 1:
            raise ValueError(
                f"{what} is 1-D with shape {arr.shape}; pass a 2-D array. Reshape your data: "
                "X.reshape(-1, 1) for a single feature, X.reshape(1, -1) for a single sample"
            )
        if arr.ndim != 2:
            raise ValueError(f"{what} must be 2-D (samples x features), got shape {arr.shape}")
        names = feature_names_of(X, arr.shape[1]) if feature_names is None else list(feature_names)
        if feature_names is not None and arr.shape[1] != len(feature_names):
            raise ValueError(
                f"{what} has {arr.shape[1]} features, but {owner} is expecting "
                f"{len(feature_names)} features as input: {what} has {arr.shape[1]} columns "
                f"but the explainer was fit on {len(feature_names)} features"
            )
    if arr.shape[0] == 0:
        raise ValueError(
            f"{what} has no rows: 0 sample(s) (shape={arr.shape}) while a minimum of 1 is required."
        )
    if arr.shape[1] == 0:
        raise ValueError(
            f"{what} has no columns: 0 feature(s) (shape={arr.shape}) while a minimum of 1 is "
            "required."
        )
    _check_finite(arr, names, what)
    if not allow_constant:
        if arr.shape[0] < 2:
            raise ValueError(f"{what} has 1 sample; fitting needs at least 2 rows")
        const = [names[j] for j in np.flatnonzero(np.ptp(arr, axis=0) == 0)]
        if const:
            raise ValueError(
                f"{what} has constant columns {const}: they carry no information; drop them"
            )
    return arr


def check_y(y: Any, n_samples: int, *, task: str = "regression") -> np.ndarray:
    """Return the target as a 1-D array checked against ``n_samples`` rows.

    ``task="regression"`` needs finite numbers; ``task="binary"`` needs
    exactly two classes; ``task="classification"`` needs two or more class
    labels (and rejects non-integer numbers, which look like a regression
    target).
    """
    if y is None:
        # scikit-learn's wording, which its check_estimator looks for
        raise ValueError(
            "y is None: this explainer requires y to be passed, but the target y is None; "
            "pass the target values"
        )
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(f"y must be one column, got a DataFrame with {y.shape[1]} columns")
        y = y.iloc[:, 0]
    arr = np.asarray(y)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {arr.shape}")
    if arr.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: y has dtype {arr.dtype}")
    if arr.shape[0] != n_samples:
        raise ValueError(f"y has {arr.shape[0]} values but X has {n_samples} rows")
    if task == "regression":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                "y contains non-numeric values; a regression target must be numbers"
            ) from None
        _check_finite(arr[:, None], ["y"], "y")
        if np.ptp(arr) == 0:
            raise ValueError("y is constant: there is nothing to explain")
    elif task in ("binary", "classification"):
        classes = _check_labels(arr)
        if task == "binary" and classes.size > 2:
            raise ValueError(f"y has {classes.size} classes; the binomial family needs exactly two")
    else:  # pragma: no cover - programming error
        raise ValueError(f"unknown task {task!r}")
    return arr


def _check_labels(arr: np.ndarray) -> np.ndarray:
    """Class labels: no missing values, not continuous, at least two classes."""
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError("y contains NaN or infinite values")
    if pd.isna(arr).any():
        raise ValueError("y contains missing values")
    if arr.dtype.kind == "f" and np.any(arr != np.round(arr)):
        raise ValueError(
            f"y looks continuous (non-integer numbers, {np.unique(arr).size} distinct values) "
            "but the model is a classifier; use a regressor or pass class labels"
        )
    classes = np.unique(arr)
    if classes.size < 2:
        raise ValueError(f"y has only one class ({classes[0]!r}); a classifier needs two or more")
    return classes


def _is_sparse(X: Any) -> bool:
    # scipy is only in sys.modules when someone made a sparse matrix: no import here
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(X)


def _is_numeric_dtype(dtype: Any) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)


def _check_finite(arr: np.ndarray, names: Sequence[str], what: str) -> None:
    nan_cols = [names[j] for j in np.flatnonzero(np.isnan(arr).any(axis=0))]
    if nan_cols:
        raise ValueError(
            f"{what} contains missing values (NaN) in {nan_cols[:10]}; impute or drop them first"
        )
    inf_cols = [names[j] for j in np.flatnonzero(np.isinf(arr).any(axis=0))]
    if inf_cols:
        raise ValueError(f"{what} contains infinite values in {inf_cols[:10]}")
