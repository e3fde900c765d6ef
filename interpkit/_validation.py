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
    allow_missing: bool = False,
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
    allow_missing : bool
        When True, NaN passes (for models that handle missing values).

    Messages contain the phrases scikit-learn's ``check_estimator`` looks
    for ("sparse", "Complex data not supported", "Reshape your data",
    "X has 1 features, but ... is expecting 3 features as input", ...).
    """
    if X is None:
        raise TypeError(f"{what} is None; pass a 2-D array or DataFrame of features")
    if is_sparse(X):
        raise TypeError(
            f"{what} is a sparse matrix; sparse input is not supported: pass a dense "
            "array (X.toarray())"
        )
    check_no_dict(X, what)
    if isinstance(X, pd.DataFrame):
        check_unique_names(X, what)
        if feature_names is not None:
            cols = [str(c) for c in X.columns]
            missing = [f for f in feature_names if f not in set(cols)]
            extra = [c for c in cols if c not in set(feature_names)]
            if missing or extra:
                parts = [f"missing columns seen at fit time: {missing}"] if missing else []
                parts += [f"columns not seen at fit time: {extra}"] if extra else []
                raise ValueError(
                    f"{what} has other columns than the data the explainer was fit on ("
                    + "; ".join(parts)
                    + f"); pass the columns {list(feature_names)}"
                )
            X = X.set_axis(cols, axis=1)[list(feature_names)]
        complex_cols = [str(c) for c, dt in X.dtypes.items() if pd.api.types.is_complex_dtype(dt)]
        if complex_cols:
            raise ValueError(
                f"Complex data not supported: {what} has complex columns {complex_cols}"
            )
        reject_unsupported_columns(X, what)
        bad = [str(c) for c, dt in X.dtypes.items() if not _is_numeric_dtype(dt)]
        if bad:
            raise TypeError(
                f"{what} has non-numeric columns {bad} (text, categories or booleans), which "
                f"{owner} cannot use as numbers. Either pass a scikit-learn Pipeline that "
                "encodes them (e.g. ColumnTransformer with OneHotEncoder) as the estimator, "
                "use EBMExplainer (which takes them as they are), or encode them as numbers "
                "first (e.g. pandas.get_dummies)"
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
    if allow_missing:
        inf_cols = [names[j] for j in np.flatnonzero(np.isinf(arr).any(axis=0))]
        if inf_cols:
            raise ValueError(f"{what} contains infinite values in {inf_cols[:10]}")
    else:
        _check_finite(arr, names, what)
    check_overflow(arr, names, what)
    if not allow_constant:
        if arr.shape[0] < 2:
            raise ValueError(f"{what} has one row (1 sample); fitting needs at least 2 rows")
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


def is_sparse(X: Any) -> bool:
    """A scipy sparse matrix or array (scipy is not imported for the check)."""
    # scipy is only in sys.modules when someone made a sparse matrix: no import here
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(X)


_is_sparse = is_sparse


def check_no_dict(X: Any, what: str = "X") -> None:
    """TypeError for a dict (or other mapping) of columns."""
    if isinstance(X, dict) or (
        hasattr(X, "keys") and hasattr(X, "items") and not hasattr(X, "shape")
    ):
        raise TypeError(
            f"{what} is a {type(X).__name__}; pass a pandas DataFrame "
            f"(pandas.DataFrame({what})) or a 2-D array"
        )


def check_unique_names(X: pd.DataFrame, what: str = "X") -> None:
    """ValueError naming the duplicated column names of a DataFrame."""
    names = pd.Index([str(c) for c in X.columns])
    if names.has_duplicates:
        dup = sorted(set(names[names.duplicated()]))
        raise ValueError(
            f"{what} has duplicate column names {dup}; each column needs its own name "
            "(rename or drop the copies)"
        )


def reject_unsupported_columns(X: pd.DataFrame, what: str = "X") -> None:
    """ValueError for date/time, timedelta, period and interval columns."""
    kinds = {}
    for c, dt in X.dtypes.items():
        if pd.api.types.is_datetime64_any_dtype(dt) or pd.api.types.is_timedelta64_dtype(dt):
            kinds[str(c)] = "date/time"
        elif isinstance(dt, pd.PeriodDtype | pd.IntervalDtype):
            kinds[str(c)] = "period/interval"
        elif pd.api.types.is_complex_dtype(dt):
            raise ValueError(f"Complex data not supported: {what} has complex column {str(c)!r}")
    if kinds:
        raise ValueError(
            f"{what} has date/time columns {sorted(kinds)}, which no explainer can use as "
            "they are; convert them to numbers first (e.g. days since a start date, or "
            "year, month and weekday columns)"
        )


def check_overflow(arr: np.ndarray, names: Sequence[str], what: str = "X") -> None:
    """ValueError for columns so large that their variance overflows float64.

    Standardisation (glmnet, LIME, GPs, k-means) divides by the standard
    deviation; a column of 1e300 makes it inf and every result NaN.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        big = np.nanmax(np.abs(arr), axis=0, initial=0.0) > 1e150
        if not big.any():
            return
        col = arr[:, big]
        var = np.nanmean((col - np.nanmean(col, axis=0)) ** 2, axis=0)
        mean = np.nanmean(col, axis=0)
    bad = [
        names[j]
        for j, v, m in zip(np.flatnonzero(big), var, mean, strict=True)
        if not (np.isfinite(v) and np.isfinite(m))
    ]
    if bad:
        top = float(np.nanmax(np.abs(arr[:, [names.index(b) for b in bad]])))
        raise ValueError(
            f"{what} has columns {bad[:10]} with values so large (up to {top:.3g}) that their "
            "mean or variance overflows float64, so standardising them gives inf/NaN; "
            "rescale them (e.g. divide by a power of ten, or take logs)"
        )


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
