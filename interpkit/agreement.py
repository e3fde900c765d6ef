"""Agreement between two methods' values over the same features.

Scale-free metrics on two aligned vectors (Spearman and Kendall of
``|value|``, Jaccard of the top-k sets, sign agreement), used by
:func:`interpkit.compare` globally and replicate by replicate.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

__all__ = ["METRICS", "METRIC_BASIS", "pairwise_metrics", "rank_abs", "share"]

METRICS = ("spearman", "kendall", "jaccard", "sign")
METRIC_BASIS = {
    "spearman": "Spearman rho of |value|",
    "kendall": "Kendall tau-b of |value|",
    "jaccard": "Jaccard index of the top-k features by |value|",
    "sign": "fraction of signs agreeing among features nonzero in both",
}


# -- metrics on two aligned value vectors -------------------------------------------------
def rank_abs(values: np.ndarray) -> np.ndarray:
    """Rank of ``|values|`` along the last axis, 1 = largest, ties averaged."""
    from scipy.stats import rankdata

    return rankdata(-np.abs(values), axis=-1, method="average")


def share(values: np.ndarray) -> np.ndarray:
    """``|values| / sum |values|`` along the last axis (NaN where all are zero)."""
    a = np.abs(values)
    total = a.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, a / np.where(total > 0, total, 1.0), np.nan)


def _top_set(values: np.ndarray, k: int) -> set[int]:
    """Indices of the ``k`` largest ``|values|``; ties broken by position (feature order)."""
    order = np.argsort(-np.abs(values), kind="stable")
    return {int(i) for i in order[:k]}


def _spearman(a: np.ndarray, b: np.ndarray, k: int) -> float:
    from scipy.stats import spearmanr

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant input -> NaN, said in the docs
        return float(spearmanr(np.abs(a), np.abs(b)).statistic)


def _kendall(a: np.ndarray, b: np.ndarray, k: int) -> float:
    from scipy.stats import kendalltau

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(kendalltau(np.abs(a), np.abs(b)).statistic)


def _jaccard(a: np.ndarray, b: np.ndarray, k: int) -> float:
    sa, sb = _top_set(a, k), _top_set(b, k)
    return len(sa & sb) / len(sa | sb)


def _sign(a: np.ndarray, b: np.ndarray, k: int) -> float:
    both = (a != 0) & (b != 0)
    if not both.any():
        return float("nan")
    return float(np.mean(np.sign(a[both]) == np.sign(b[both])))


_METRIC_FUNCS: dict[str, Callable[[np.ndarray, np.ndarray, int], float]] = {
    "spearman": _spearman,
    "kendall": _kendall,
    "jaccard": _jaccard,
    "sign": _sign,
}


def pairwise_metrics(a: np.ndarray, b: np.ndarray, top_k: int) -> dict[str, float]:
    """All agreement metrics between two aligned value vectors.

    Parameters
    ----------
    a, b : numpy.ndarray
        Values of two methods over the same features, in the same order.
    top_k : int
        Size of the top sets for the Jaccard index.

    Returns
    -------
    dict of str to float
        ``spearman``, ``kendall``, ``jaccard`` and ``sign``.

    Examples
    --------
    >>> pairwise_metrics(np.array([3.0, 2, 1]), np.array([1.0, 2, 3]), 1)["spearman"]
    -1.0
    """
    k = min(top_k, len(a))
    return {m: f(a, b, k) for m, f in _METRIC_FUNCS.items()}
