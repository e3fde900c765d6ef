"""Why are importances unstable? Correlation diagnostics for a :class:`StabilityResult`.

Correlated features compete: the lasso picks one member of a correlated
block in one bootstrap replicate and another in the next, and tree
importances get split among near-duplicates. Set each feature's selection
frequency and replicate spread beside how correlated it is with the
others, and unstable features are seen for what they are.

* :func:`correlation_table` -- per feature, its median and maximum absolute
  correlation with the other features, joined with the stability summary.
* :func:`correlation_matrix` -- the p x p Pearson or Spearman correlation.
* :func:`cluster_order` -- features ordered by hierarchical clustering on
  ``1 - |corr|`` so correlated blocks sit together.
* :func:`feature_correlation` -- the correlation in cluster (or a given)
  order, as a :class:`FeatureCorrelation` for
  :func:`interpkit.plots.correlation_heatmap`.

All work on the p x p correlation only (``O(n p^2)`` time, ``O(p^2)``
memory): nothing grows quadratically with the number of rows, and a few
thousand features are fine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from interpkit._validation import check_X, feature_names_of

if TYPE_CHECKING:
    from interpkit.stability import StabilityResult

__all__ = [
    "FeatureCorrelation",
    "cluster_order",
    "correlation_matrix",
    "correlation_table",
    "feature_correlation",
]

METHODS = ("pearson", "spearman")
SUMMARY_COLUMNS = ("mean", "sd", "selection_frequency", "mean_rank")
# optimal leaf ordering costs O(p^3); above this many features plain leaves_list order is used
OPTIMAL_ORDERING_MAX = 500


def _features(
    X: Any, feature_names: Sequence[str] | None = None, what: str = "X"
) -> tuple[np.ndarray, list[str]]:
    """``X`` as a float array with its feature names; checks numbers, NaN and constant columns.

    With ``feature_names`` (a result's features) a DataFrame must have exactly
    these columns (reordered to match) and an array exactly this many columns.
    """
    if feature_names is not None:
        expected = [str(f) for f in feature_names]
        if isinstance(X, pd.DataFrame):
            have = [str(c) for c in X.columns]
            have_set, expected_set = set(have), set(expected)  # built once: p can be 10,000
            missing = [f for f in expected if f not in have_set]
            extra = [f for f in have if f not in expected_set]
            if missing or extra:
                raise ValueError(
                    f"{what}'s columns do not match the result's features: "
                    f"missing from {what}: {missing}; not in the result: {extra}"
                )
            X = X.rename(columns=str)[expected]
        else:
            shape = np.shape(X)
            if len(shape) == 2 and shape[1] != len(expected):
                raise ValueError(
                    f"{what} has {shape[1]} columns but the result has {len(expected)} "
                    f"features: {expected}"
                )
    arr = check_X(X, what=what)
    names = feature_names_of(X, arr.shape[1]) if feature_names is None else expected
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"{what} has duplicate feature names {dup}")
    const = [names[j] for j in np.flatnonzero(np.ptp(arr, axis=0) == 0)]
    if const:
        raise ValueError(
            f"{what} has constant columns {const}: their correlation with other features is "
            "undefined; drop them"
        )
    if arr.shape[0] < 3:
        raise ValueError(f"{what} has {arr.shape[0]} rows; correlations need at least 3")
    return arr, names


def _corr(arr: np.ndarray, method: str) -> np.ndarray:
    """p x p correlation of the columns of ``arr`` (no n x n intermediate)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "spearman":
        from scipy.stats import rankdata

        arr = rankdata(arr, axis=0)
    z = arr - arr.mean(axis=0)
    z /= np.linalg.norm(z, axis=0)
    corr = z.T @ z
    np.clip(corr, -1.0, 1.0, out=corr)
    np.fill_diagonal(corr, 1.0)
    return corr


def correlation_matrix(X: Any, *, method: str = "pearson") -> pd.DataFrame:
    """The feature-by-feature correlation of ``X``.

    Parameters
    ----------
    X : DataFrame or array, shape (n_samples, n_features)
        Numeric, finite, no constant column. An array's features are named
        ``x0, x1, ...``.
    method : {"pearson", "spearman"}
        Spearman is Pearson on the column ranks.

    Returns
    -------
    pandas.DataFrame
        p x p, indexed and labelled by feature, ones on the diagonal.
    """
    arr, names = _features(X)
    return pd.DataFrame(_corr(arr, method), index=names, columns=names)


def _stability_features(result: Any, func: str) -> list[str]:
    from interpkit.stability import StabilityResult

    if not isinstance(result, StabilityResult):
        raise TypeError(
            f"{func}() takes an interpkit.StabilityResult (from explainer.stability()), "
            f"got {type(result).__name__}"
        )
    if result.replicates.dims != ("replicate", "feature"):
        raise ValueError(
            f"{func}() needs replicates with dims ('replicate', 'feature'), "
            f"got dims {result.replicates.dims}"
        )
    return list(result.replicates.feature_names or [])


def correlation_table(result: StabilityResult, X: Any, *, method: str = "pearson") -> pd.DataFrame:
    """Per feature: how correlated it is with the others, beside how stable it is.

    Parameters
    ----------
    result : StabilityResult
        With replicates of dims ``("replicate", "feature")`` (lasso
        coefficients, permutation importances, ...).
    X : DataFrame or array, shape (n_samples, n_features)
        The features the result was computed on. A DataFrame must have
        exactly the result's features as columns (any order); an array must
        have its columns in the result's feature order.
    method : {"pearson", "spearman"}
        Correlation measure.

    Returns
    -------
    pandas.DataFrame
        Indexed by feature, in the order of ``result.summary()`` (mean
        rank), with columns

        ``median_abs_corr``  ρ_j, the median of ``|corr(x_j, x_k)|`` over the
        other features ``k != j``;
        ``max_abs_corr``, ``most_correlated_with``  the largest
        ``|corr(x_j, x_k)|`` and the name of that ``k``;
        ``mean``, ``sd``, ``selection_frequency``, ``mean_rank``  from
        ``result.summary()``.

        With a single feature the correlation columns are NaN / None.
        ``table.attrs`` records ``method`` and the result's value name, for
        plot labels.

        Raw lasso/ridge coefficients depend on each feature's units; fit with
        ``standardized_coef=True`` to compare ``mean`` across features.

    Raises
    ------
    TypeError
        ``result`` is not a feature StabilityResult, or ``X`` is not numeric.
    ValueError
        ``X``'s features differ from the result's, ``X`` has a constant
        column, NaN values or fewer than 3 rows, or ``method`` is unknown.
    """
    names = _stability_features(result, "correlation_table")
    arr, names = _features(X, names)
    corr = np.abs(_corr(arr, method))
    p = len(names)
    if p > 1:
        median = _median_off_diagonal(corr)
        np.fill_diagonal(corr, -np.inf)
        best = np.argmax(corr, axis=1)
        maximum = corr[np.arange(p), best]
        partner: list[str | None] = [names[k] for k in best]
    else:
        median = maximum = np.full(p, np.nan)
        partner = [None] * p
    diag = pd.DataFrame(
        {"median_abs_corr": median, "max_abs_corr": maximum, "most_correlated_with": partner},
        index=pd.Index(names, name="feature"),
    )
    summary = result.summary()
    summary.index = summary.index.astype(str)
    table = diag.reindex(summary.index).join(summary[list(SUMMARY_COLUMNS)])
    table.index.name = "feature"
    table.attrs["method"] = method
    table.attrs["value_name"] = str(result.reference.values.name or "value")
    table.attrs["standardized_coef"] = bool(result.reference.params.get("standardized_coef"))
    return table


def _median_off_diagonal(abs_corr: np.ndarray) -> np.ndarray:
    """Row medians of ``|corr|`` without the diagonal, by partial sort (no nanmedian).

    The diagonal is set to -1, below every ``|corr|``, so it is each row's
    smallest entry and the off-diagonal order statistics sit one place up;
    ``np.partition`` finds them in O(p) per row (nanmedian was ~10x slower
    at p = 10,000). Overwrites the diagonal of ``abs_corr``.
    """
    m = abs_corr.shape[0] - 1  # off-diagonal entries per row
    np.fill_diagonal(abs_corr, -1.0)
    if m % 2:
        k = (m - 1) // 2 + 1
        return np.partition(abs_corr, k, axis=1)[:, k]
    lo, hi = m // 2, m // 2 + 1
    part = np.partition(abs_corr, [lo, hi], axis=1)
    return (part[:, lo] + part[:, hi]) / 2


def cluster_order(X: Any, *, method: str = "pearson") -> list[str]:
    """Features ordered so that correlated ones sit next to each other.

    Average-linkage hierarchical clustering (:func:`scipy.cluster.hierarchy.linkage`)
    on the distance ``1 - |corr|``, read off in leaf order; with at most
    500 features the leaves are optimally ordered (neighbours as similar as
    possible).

    Parameters
    ----------
    X : DataFrame or array, shape (n_samples, n_features)
    method : {"pearson", "spearman"}

    Returns
    -------
    list of str
        The feature names (``x0, x1, ...`` for an array) in cluster order.
    """
    arr, names = _features(X)
    return _cluster_order(arr, names, method)


def _cluster_order(arr: np.ndarray, names: list[str], method: str) -> list[str]:
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    if len(names) < 3:
        return names
    dist = 1.0 - np.abs(_corr(arr, method))
    np.fill_diagonal(dist, 0.0)
    np.clip(dist, 0.0, 1.0, out=dist)
    dist = (dist + dist.T) / 2
    tree = linkage(
        squareform(dist, checks=False),
        method="average",
        optimal_ordering=len(names) <= OPTIMAL_ORDERING_MAX,
    )
    return [names[i] for i in leaves_list(tree)]


@dataclass(frozen=True, eq=False)
class FeatureCorrelation:
    """Feature-by-feature correlation in the order to show it, from :func:`feature_correlation`.

    Attributes
    ----------
    matrix : pandas.DataFrame
        p x p correlation, rows and columns both in display order, ones on
        the diagonal.
    method : str
        ``"pearson"`` or ``"spearman"``.
    clustered : bool
        True when the order is :func:`cluster_order`'s, False when it was given.
    """

    matrix: pd.DataFrame
    method: str
    clustered: bool

    @property
    def order(self) -> list[str]:
        """The feature names in display order."""
        return [str(f) for f in self.matrix.index]


def feature_correlation(
    X: Any,
    *,
    features: Sequence[str] | None = None,
    order: Sequence[str] | None = None,
    method: str = "pearson",
) -> FeatureCorrelation:
    """The correlation of (some of) the features of ``X``, correlated ones next to each other.

    Parameters
    ----------
    X : DataFrame or array, shape (n_samples, n_features)
        Numeric, finite, no constant column (array features are ``x0, x1, ...``).
    features : sequence of str, optional
        Only these features (e.g. ``result.summary().index[:30]``).
    order : sequence of str, optional
        Row/column order, a permutation of the chosen features; default
        :func:`cluster_order` of the chosen features.
    method : {"pearson", "spearman"}

    Returns
    -------
    FeatureCorrelation
        For :func:`interpkit.plots.correlation_heatmap`.

    Examples
    --------
    >>> from interpkit import diagnostics, plots  # doctest: +SKIP
    >>> fig = plots.correlation_heatmap(diagnostics.feature_correlation(X))  # doctest: +SKIP
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    arr, names = _features(X)
    if features is not None:
        features = [str(f) for f in features]
        position = {f: j for j, f in enumerate(names)}  # dict look-ups: p can be 10,000
        unknown = [f for f in features if f not in position]
        if unknown:
            raise ValueError(f"features not in X: {unknown}")
        if len(set(features)) != len(features):
            raise ValueError("features has duplicates")
        arr, names = arr[:, [position[f] for f in features]], features
    clustered = order is None
    if clustered:
        order = _cluster_order(arr, names, method)
    else:
        order = [str(f) for f in order]
        if sorted(order) != sorted(names):
            raise ValueError(
                "order must list each chosen feature once; "
                f"missing {[f for f in names if f not in set(order)]}, "
                f"unknown {[f for f in order if f not in set(names)]}"
            )
    position = {f: j for j, f in enumerate(names)}
    corr = _corr(arr[:, [position[f] for f in order]], method)
    matrix = pd.DataFrame(corr, index=pd.Index(order, name="feature"), columns=order)
    return FeatureCorrelation(matrix=matrix, method=method, clustered=clustered)
