"""The user's table as it comes: checked, coded as floats inside, handed back unchanged.

Explainers whose model takes the user's DataFrame (a scikit-learn pipeline,
a model with native categorical support) work on a float *code* array, so
resampling, holdout splits, backgrounds and shap's maskers work as for
numbers: numeric columns are their values (missing ones NaN), every other
column (strings, ``category``, booleans) is its category's position in a
fixed list of labels (missing: NaN). :meth:`FrameCodec.decode` turns code rows
back into the user's DataFrame, the same columns, dtypes and values, which is
what the model is fit on and called with; so a ``ColumnTransformer`` that
selects columns by name sees what the user gave it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from interpkit._validation import (
    check_no_dict,
    check_overflow,
    check_unique_names,
    is_sparse,
    reject_unsupported_columns,
)

__all__ = ["FrameCodec", "is_categorical_dtype"]


def is_categorical_dtype(dtype: Any) -> bool:
    """Strings, objects, ``category`` and booleans: columns coded by label."""
    if isinstance(dtype, pd.CategoricalDtype):
        return True
    return pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype)


def _labels(column: pd.Series) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.asarray(column.dtype.categories, dtype=object)
    values = pd.unique(column[column.notna()].to_numpy(dtype=object))
    try:
        values = sorted(values)
    except TypeError:  # mixed types: order by their text
        values = sorted(values, key=str)
    return np.asarray(values, dtype=object)


@dataclass
class FrameCodec:
    """How one table's columns are coded as floats, and back.

    Attributes
    ----------
    names : list of str
        Column names, in order.
    categories : dict
        Column name -> its labels (object array) for the coded columns;
        code ``k`` is ``categories[name][k]``, a missing value is NaN.
    dtypes : list
        Each column's pandas dtype, restored by :meth:`decode`.
    frame : bool
        Whether the user gave a DataFrame (else :meth:`decode` returns an array).
    """

    names: list[str]
    categories: dict[str, np.ndarray] = field(default_factory=dict)
    dtypes: list[Any] = field(default_factory=list)
    frame: bool = True
    columns: list[Any] = field(default_factory=list)

    # -- building ------------------------------------------------------------
    @classmethod
    def from_data(cls, X: Any, *, what: str = "X") -> FrameCodec:
        """The codec of ``X`` (a DataFrame, or a numeric 2-D array)."""
        _check_dense(X, what)
        if not isinstance(X, pd.DataFrame):
            from interpkit._validation import check_X

            arr = check_X(X, what=what, allow_missing=True)
            names = [f"x{j}" for j in range(arr.shape[1])]
            return cls(names=names, dtypes=[arr.dtype] * arr.shape[1], frame=False)
        check_unique_names(X, what)
        reject_unsupported_columns(X, what)
        if X.shape[1] == 0:
            raise ValueError(
                f"{what} has no columns: 0 feature(s) while a minimum of 1 is required."
            )
        names = [str(c) for c in X.columns]
        cats = {
            name: _labels(X.iloc[:, j])
            for j, name in enumerate(names)
            if is_categorical_dtype(X.dtypes.iloc[j])
        }
        return cls(names=names, categories=cats, dtypes=list(X.dtypes), columns=list(X.columns))

    @property
    def categorical(self) -> list[str]:
        """Names of the coded (non-numeric) columns."""
        return [n for n in self.names if n in self.categories]

    @property
    def categorical_indices(self) -> list[int]:
        return [j for j, n in enumerate(self.names) if n in self.categories]

    def describe(self) -> dict[str, list[str]]:
        """Category labels per coded column, as text (for an Explanation's params)."""
        return {n: [str(v) for v in labels] for n, labels in self.categories.items()}

    # -- coding --------------------------------------------------------------
    def encode(
        self,
        X: Any,
        *,
        what: str = "X",
        fitted: bool = False,
        allow_constant: bool = True,
        owner: str = "the explainer",
    ) -> np.ndarray:
        """Float code rows of ``X``; with ``fitted``, ``X`` must have this codec's columns."""
        _check_dense(X, what)
        if not isinstance(X, pd.DataFrame):
            return self._encode_array(X, what, allow_constant, owner)
        check_unique_names(X, what)
        names = [str(c) for c in X.columns]
        if fitted or self.frame:
            _check_same_columns(names, self.names, what)
            X = X.set_axis(names, axis=1)[self.names]
        reject_unsupported_columns(X, what)
        n = X.shape[0]
        out = np.empty((n, len(self.names)), dtype=np.float64)
        for j, name in enumerate(self.names):
            col = X.iloc[:, j]
            if name in self.categories:
                out[:, j] = self._codes(col, name, what)
            else:
                if is_categorical_dtype(col.dtype):
                    raise TypeError(
                        f"{what} column {name!r} holds text or categories, but it held numbers "
                        "at fit time"
                    )
                out[:, j] = col.to_numpy(dtype=np.float64, na_value=np.nan)
        self._check_rows(out, what, allow_constant)
        return out

    def _encode_array(self, X: Any, what: str, allow_constant: bool, owner: str) -> np.ndarray:
        from interpkit._validation import check_X

        if self.categories:
            raise TypeError(
                f"{what} is an array, but the explainer was fit on a DataFrame with text or "
                f"category columns {self.categorical}; pass a DataFrame with columns {self.names}"
            )
        arr = check_X(
            X,
            feature_names=self.names if not self.frame else None,
            what=what,
            allow_missing=True,
            owner=owner,
        )
        if arr.shape[1] != len(self.names):
            raise ValueError(
                f"{what} has {arr.shape[1]} columns but the explainer was fit on "
                f"{len(self.names)}: {self.names}"
            )
        self._check_rows(arr, what, allow_constant)
        return arr

    def _codes(self, col: pd.Series, name: str, what: str) -> np.ndarray:
        labels = self.categories[name]
        values = col.to_numpy(dtype=object)
        missing = pd.isna(values)
        index = pd.Index(labels)
        codes = index.get_indexer(values[~missing]).astype(np.float64)
        if np.any(codes < 0):
            unseen = pd.unique(values[~missing][codes < 0])[:10]
            raise ValueError(
                f"{what} column {name!r} has values not seen at fit time: "
                f"{[str(v) for v in unseen]} (known: {[str(v) for v in labels[:20]]})"
            )
        out = np.full(values.shape[0], np.nan)
        out[~missing] = codes
        return out

    def _check_rows(self, arr: np.ndarray, what: str, allow_constant: bool) -> None:
        if arr.shape[0] == 0:
            raise ValueError(f"{what} has no rows: 0 sample(s) while a minimum of 1 is required.")
        numeric = [j for j, n in enumerate(self.names) if n not in self.categories]
        if numeric:
            inf = [self.names[j] for j in numeric if np.isinf(arr[:, j]).any()]
            if inf:
                raise ValueError(f"{what} contains infinite values in {inf[:10]}")
            check_overflow(arr[:, numeric], [self.names[j] for j in numeric], what)
        if not allow_constant:
            if arr.shape[0] < 2:
                raise ValueError(f"{what} has one row (1 sample); fitting needs at least 2 rows")
            const = [
                self.names[j]
                for j in range(arr.shape[1])
                if pd.Series(arr[:, j]).nunique(dropna=False) < 2
            ]
            if const:
                raise ValueError(
                    f"{what} has constant columns {const}: they carry no information; drop them"
                )

    def decode(self, codes: np.ndarray) -> Any:
        """The user's table for float code rows: same columns, dtypes and values."""
        codes = np.asarray(codes, dtype=np.float64)
        if not self.frame:
            return codes
        data = {}
        for j, name in enumerate(self.names):
            data[name] = self._column(codes[:, j], j, name)
        out = pd.DataFrame(data, copy=False)
        out.columns = self.columns or self.names
        return out

    def _column(self, z: np.ndarray, j: int, name: str) -> Any:
        dtype = self.dtypes[j]
        missing = np.isnan(z)
        if name not in self.categories:
            if missing.any() and not pd.api.types.is_float_dtype(dtype):
                if isinstance(dtype, np.dtype):
                    return z  # integers with a missing value: pandas' float column
            try:
                return (
                    pd.array(z, dtype=dtype) if not isinstance(dtype, np.dtype) else z.astype(dtype)
                )
            except (TypeError, ValueError):
                return z
        labels = self.categories[name]
        index = np.where(missing, 0, z).astype(np.intp)
        if isinstance(dtype, pd.CategoricalDtype):
            return pd.Categorical.from_codes(np.where(missing, -1, index), dtype=dtype)
        values = labels[index] if labels.size else np.full(z.shape, np.nan, dtype=object)
        if missing.any():
            values = values.copy()
            values[missing] = np.nan
        if pd.api.types.is_bool_dtype(dtype) and not missing.any():
            return values.astype(bool)
        if isinstance(dtype, np.dtype):
            return values
        try:
            return pd.array(values, dtype=dtype)
        except (TypeError, ValueError):
            return values

    def label(self, name: str, code: float) -> str:
        """The label of one code of column ``name`` (``"missing"`` for NaN)."""
        if np.isnan(code) or code < 0:  # NaN, or the -1 of a grid's missing level
            return "missing"
        return str(self.categories[name][int(code)])


def _check_dense(X: Any, what: str) -> None:
    if is_sparse(X):
        raise TypeError(
            f"{what} is a sparse matrix; sparse input is not supported: pass a dense "
            "table (X.toarray() or a pandas DataFrame)"
        )
    check_no_dict(X, what)


def _check_same_columns(names: Sequence[str], expected: Sequence[str], what: str) -> None:
    missing = [n for n in expected if n not in set(names)]
    extra = [n for n in names if n not in set(expected)]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing columns seen at fit time: {missing}")
        if extra:
            parts.append(f"columns not seen at fit time: {extra}")
        raise ValueError(
            f"{what} has other columns than the data the explainer was fit on ("
            + "; ".join(parts)
            + f"); pass the columns {list(expected)}"
        )
