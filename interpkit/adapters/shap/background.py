"""SHAP backgrounds: a sample of rows, one summary row, or weighted k-means centroids.

The rows are float codes (:mod:`interpkit._frames`): a text, category or
boolean column holds the position of its label, so averaging it is
meaningless. The summaries therefore treat the two kinds of column apart:

* ``"mean"`` / ``"median"``: the mean / median of each numeric column
  (missing values skipped, as pandas does) and the *mode* of each
  categorical column. A missing value counts as a level of its own: the
  mode is "missing" only when no label is more frequent; ties go to the
  first label in the column's level order.
* ``"kmeans:K"``: k-means on the numeric columns only, as ``shap.kmeans``
  runs it (raw values, not standardised; missing values imputed by the
  column mean; ``n_init=10``), centroids weighted by cluster size. Each
  centroid's categorical columns hold the mode of that cluster's rows, so
  a centroid is a row the model can be called with. Without a numeric
  column there is nothing to cluster on, and a ValueError says so.

Nothing here imports shap.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from interpkit._validation import check_X

__all__ = [
    "build_background",
    "check_background_frame",
    "coded",
    "column_modes",
    "explainer_background",
]


def check_background_frame(background: Any, names: Sequence[str]) -> np.ndarray:
    """A user's background as float rows with the columns of X."""
    if isinstance(background, pd.DataFrame):
        cols = [str(c) for c in background.columns]
        extra = sorted(set(cols) - set(names))
        missing = [n for n in names if n not in set(cols)]
        if extra or missing:
            raise ValueError(
                f"background has other columns than X: not in X {extra}, missing {missing}"
            )
    return check_X(background, feature_names=list(names), what="background")


def coded(explainer: Any) -> list[int]:
    """Positions of an explainer's text/category/boolean columns (coded by label)."""
    codec = getattr(explainer, "input_codec_", None)
    return [] if codec is None else codec.categorical_indices


def column_modes(rows: np.ndarray, columns: Sequence[int]) -> np.ndarray:
    """The most frequent code of each of ``columns`` in ``rows`` (NaN: missing is the mode).

    A missing value is a level of its own; ties go to the lowest code (the
    first label in level order), and a label beats "missing" on a tie.
    """
    out = np.full(len(columns), np.nan)
    for i, j in enumerate(columns):
        col = rows[:, j]
        present = col[~np.isnan(col)]
        if present.size == 0:
            continue
        levels, counts = np.unique(present, return_counts=True)
        best = int(np.argmax(counts))  # the first maximum: the lowest code
        if counts[best] >= col.size - present.size:
            out[i] = levels[best]
    return out


def _summary_row(rows: np.ndarray, numeric: list[int], categorical: list[int], how: str):
    row = np.empty((1, rows.shape[1]))
    if numeric:
        values = rows[:, numeric]
        if np.isnan(values).any():
            func = np.nanmean if how == "mean" else np.nanmedian
            with warnings.catch_warnings():  # an all-missing column stays missing
                warnings.simplefilter("ignore", RuntimeWarning)
                row[0, numeric] = func(values, axis=0)
        else:
            row[0, numeric] = values.mean(axis=0) if how == "mean" else np.median(values, axis=0)
    if categorical:
        row[0, categorical] = column_modes(rows, categorical)
    return row


def _kmeans(
    rows: np.ndarray,
    k: int,
    numeric: list[int],
    categorical: list[int],
    names: Sequence[str],
    seed: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans

    if not numeric:
        raise ValueError(
            f"background='kmeans:{k}' clusters the numeric columns, and X has none (every "
            f"column holds text, categories or booleans: {[names[j] for j in categorical][:10]}"
            "); use an int (a sample of rows), 'mean' or 'median' (one row of each column's "
            "most frequent label), or a DataFrame of rows"
        )
    Z = rows[:, numeric]
    if np.isnan(Z).any():  # shap.kmeans imputes the column mean before clustering
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fill = np.nan_to_num(np.nanmean(Z, axis=0), nan=0.0)
        Z = np.where(np.isnan(Z), fill, Z)
    km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(Z)
    centers = np.empty((k, rows.shape[1]))
    centers[:, numeric] = km.cluster_centers_
    for c in range(k):
        members = rows[km.labels_ == c]
        if categorical and members.shape[0]:
            centers[c, categorical] = column_modes(members, categorical)
        elif categorical:  # an empty cluster (weight 0): the overall mode
            centers[c, categorical] = column_modes(rows, categorical)
    weights = np.bincount(km.labels_, minlength=k).astype(np.float64)
    return centers, weights / weights.sum()


def build_background(
    spec: Any,
    rows: np.ndarray,
    names: Sequence[str],
    seed: int | None,
    categorical: Sequence[int] = (),
) -> tuple[np.ndarray, np.ndarray | None, str]:
    """Background rows, their weights (None = equal) and a description for the params.

    Parameters
    ----------
    spec : int, "mean", "median", "kmeans:K", array or DataFrame
        An int: that many rows sampled without replacement from ``rows``;
        ``"mean"`` / ``"median"``: one row of numeric means / medians and
        categorical modes; ``"kmeans:K"``: K centroids of the numeric
        columns, weighted by cluster size, with each cluster's categorical
        modes (see the module docs); rows are used as given.
    rows : ndarray, shape (n_rows, n_features)
        Float code rows the background is drawn from.
    names : sequence of str
        Column names, for messages and to check a given background.
    seed : int, optional
        Seeds the sample and k-means.
    categorical : sequence of int
        Positions of the text/category/boolean columns (codes, not numbers).
    """
    cat = sorted(int(j) for j in categorical)
    numeric = [j for j in range(rows.shape[1]) if j not in set(cat)]
    note = f"; mode of {[names[j] for j in cat][:10]}" if cat else ""
    if isinstance(spec, str):
        if spec in ("mean", "median"):
            return _summary_row(rows, numeric, cat, spec), None, spec + note
        if spec.startswith("kmeans:"):
            try:
                k = int(spec.split(":", 1)[1])
            except ValueError:
                k = 0
            if k < 1:
                raise ValueError(f"background='kmeans:K' needs a positive integer K, got {spec!r}")
            if k > rows.shape[0]:
                raise ValueError(
                    f"background {spec!r} asks for more clusters than rows ({rows.shape[0]})"
                )
            centers, weights = _kmeans(rows, k, numeric, cat, names, seed)
            return (
                centers,
                weights,
                spec + (f" of the numeric columns{note} per cluster" * bool(cat)),
            )
        raise ValueError(
            f"background must be an array, a DataFrame, an int, 'mean', 'median' or "
            f"'kmeans:K'; got {spec!r}"
        )
    if isinstance(spec, bool):
        raise TypeError("background must be an array, a DataFrame, an int or a string, not a bool")
    if isinstance(spec, int | np.integer):
        if spec < 1:
            raise ValueError(f"background sample size must be >= 1, got {spec}")
        n = rows.shape[0]
        if spec >= n:
            return rows.copy(), None, f"all {n} rows"
        idx = np.sort(np.random.RandomState(seed).choice(n, size=int(spec), replace=False))
        return rows[idx], None, f"{int(spec)} sampled rows"
    bg = check_background_frame(spec, names)
    return bg, None, f"{bg.shape[0]} given rows"


def explainer_background(
    explainer: Any, spec: Any, rows: np.ndarray, seed: int | None
) -> tuple[np.ndarray, np.ndarray | None, str]:
    """:func:`build_background` for a ShapExplainer: a given DataFrame coded as its rows are."""
    codec = getattr(explainer, "input_codec_", None)
    if codec is not None and isinstance(spec, pd.DataFrame):  # missing values allowed, as in X
        given = codec.encode(spec, what="background", fitted=True)
        return given, None, f"{given.shape[0]} given rows"
    return build_background(spec, rows, explainer._names(), seed, coded(explainer))
