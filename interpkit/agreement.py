"""Agreement between two methods' values over the same features.

Scale-free metrics on two aligned vectors (Spearman and Kendall of
``|value|``, Jaccard of the top-k sets, sign agreement), used by
:func:`interpkit.compare` globally and replicate by replicate. A method whose
values are importances that may be negative (permutation importance, MDI+)
is ranked by its value instead of ``|value|`` (:mod:`interpkit.ranking`).
NaN values are left out: they have no rank, no place in a top set, no sign.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from interpkit.ranking import rank, rank_key

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
    """Rank of ``|values|`` along the last axis, 1 = largest, ties averaged (NaN: no rank)."""
    return rank(values, by_value=False)


def share(values: np.ndarray) -> np.ndarray:
    """``|values| / sum |values|`` along the last axis (NaN where all are zero)."""
    a = np.abs(values)
    total = a.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, a / np.where(total > 0, total, 1.0), np.nan)


def _top_set(key: np.ndarray, k: int) -> set[int]:
    """Indices of the ``k`` largest keys (NaN last); ties broken by position (feature order)."""
    order = np.argsort(-np.where(np.isnan(key), -np.inf, key), kind="stable")
    return {int(i) for i in order[:k] if not np.isnan(key[i])}


def _finite(ka: np.ndarray, kb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = np.isfinite(ka) & np.isfinite(kb)
    return ka[ok], kb[ok]


def _spearman(ka: np.ndarray, kb: np.ndarray, k: int) -> float:
    from scipy.stats import spearmanr

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant input -> NaN, said in the docs
        return float(spearmanr(*_finite(ka, kb)).statistic)


def _kendall(ka: np.ndarray, kb: np.ndarray, k: int) -> float:
    from scipy.stats import kendalltau

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(kendalltau(*_finite(ka, kb)).statistic)


def _jaccard(ka: np.ndarray, kb: np.ndarray, k: int) -> float:
    sa, sb = _top_set(ka, k), _top_set(kb, k)
    return len(sa & sb) / len(sa | sb) if sa | sb else float("nan")


def _sign(a: np.ndarray, b: np.ndarray) -> float:
    both = (a != 0) & (b != 0) & np.isfinite(a) & np.isfinite(b)  # NaN has no sign
    if not both.any():
        return float("nan")
    return float(np.mean(np.sign(a[both]) == np.sign(b[both])))


_RANK_FUNCS: dict[str, Callable[[np.ndarray, np.ndarray, int], float]] = {
    "spearman": _spearman,
    "kendall": _kendall,
    "jaccard": _jaccard,
}


def pairwise_metrics(
    a: np.ndarray, b: np.ndarray, top_k: int, by_value: tuple[bool, bool] = (False, False)
) -> dict[str, float]:
    """All agreement metrics between two aligned value vectors.

    Parameters
    ----------
    a, b : numpy.ndarray
        Values of two methods over the same features, in the same order.
    top_k : int
        Size of the top sets for the Jaccard index.
    by_value : (bool, bool)
        Per method, rank by value (importances that may be negative) rather
        than by ``|value|``.

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
    ka, kb = rank_key(a, by_value[0]), rank_key(b, by_value[1])
    out = {m: f(ka, kb, k) for m, f in _RANK_FUNCS.items()}
    out["sign"] = _sign(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    return out
