"""Compare global explanations of several methods: :func:`compare` and :class:`Comparison`.

Methods report importance on different scales (coefficients, SHAP values,
impurity decrease), so values are compared on two scale-free bases:

* the **rank** of ``|value|`` within each method (1 = most important, ties
  share the mean rank), and
* the **share** ``|value| / sum(|value|)`` of each method's total.

Pairwise agreement (Spearman, Kendall, top-k Jaccard, sign agreement) is
computed on the global (reference) values; when both items of a pair are
:class:`~interpkit.StabilityResult` objects with the same number of
replicates, it is also computed replicate by replicate, giving the
agreement its own percentile interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from interpkit.agreement import METRIC_BASIS, METRICS, pairwise_metrics, share
from interpkit.explanation import Explanation
from interpkit.ranking import rank, ranks_by_value
from interpkit.stability import StabilityResult

__all__ = ["Comparison", "compare"]

BASIS = (
    "rank = rank of |value| within each method (1 = most important, ties averaged; "
    "importances that may be negative, such as permutation importance, rank by value); "
    "share = |value| / sum of |value| within each method"
)
_JOINS = ("exact", "inner")

Item = Explanation | StabilityResult


# -- input handling -------------------------------------------------------------------------
def _reference(item: Item) -> Explanation:
    return item.reference if isinstance(item, StabilityResult) else item


def _check_item(name: str, item: Any) -> None:
    if isinstance(item, StabilityResult):
        if item.replicates.dims != ("replicate", "feature"):
            raise ValueError(
                f"compare() needs StabilityResults with replicate dims ('replicate', 'feature'); "
                f"{name!r} has dims {item.replicates.dims}"
            )
        return
    if not isinstance(item, Explanation):
        raise TypeError(
            "compare() takes interpkit.Explanation (dims ('feature',)) or "
            f"interpkit.StabilityResult items; {name!r} is a {type(item).__name__}"
        )
    if item.dims != ("feature",):
        raise ValueError(
            f"compare() needs global explanations with dims ('feature',); "
            f"{name!r} has dims {item.dims}"
        )


def _unique_names(items: Sequence[Item]) -> list[str]:
    names: list[str] = []
    for item in items:
        base = _reference(item).method if isinstance(item, Explanation | StabilityResult) else ""
        base = base or "item"
        name, k = base, 2
        while name in names:
            name, k = f"{base}_{k}", k + 1
        names.append(name)
    return names


def _as_dict(items: Any) -> dict[str, Item]:
    if isinstance(items, Mapping):
        named = {str(k): v for k, v in items.items()}
    elif isinstance(items, Sequence) and not isinstance(items, str | bytes):
        items = list(items)
        for i, item in enumerate(items):
            _check_item(f"item {i}", item)
        named = dict(zip(_unique_names(items), items, strict=True))
    else:
        raise TypeError(
            "compare() takes a dict of name -> Explanation/StabilityResult or a list of them, "
            f"got {type(items).__name__}"
        )
    if len(named) < 2:
        raise ValueError(f"compare() needs at least two items, got {len(named)}")
    for name, item in named.items():
        _check_item(name, item)
    return named


def _align_features(named: Mapping[str, Item], join: str) -> tuple[list[str], dict]:
    """Common feature order (the first item's) and, per item, the features dropped."""
    if join not in _JOINS:
        raise ValueError(f"join must be one of {_JOINS}, got {join!r}")
    sets = {name: _reference(item).feature_names or [] for name, item in named.items()}
    union = list(dict.fromkeys(f for names in sets.values() for f in names))
    missing = {name: [f for f in union if f not in set(fs)] for name, fs in sets.items()}
    first = next(iter(sets.values()))
    common = [f for f in first if all(f in set(fs) for fs in sets.values())]
    if join == "exact" and any(missing.values()):
        lines = "; ".join(f"{name!r} lacks {miss}" for name, miss in missing.items() if miss)
        raise ValueError(
            f"feature sets differ: {lines}. Pass join='inner' to compare the common features."
        )
    if not common:
        raise ValueError("the items share no features")
    dropped = {name: [f for f in fs if f not in set(common)] for name, fs in sets.items()}
    return common, {name: d for name, d in dropped.items() if d}


def _select(values: np.ndarray, coords: Any, features: list[str]) -> np.ndarray:
    """Columns of ``values`` (feature last) for ``features``, matched by str of the coord."""
    position = {str(f): i for i, f in enumerate(np.asarray(coords))}
    return np.asarray(values, dtype=float)[..., [position[f] for f in features]]


def _column(item: StabilityResult, name: str) -> np.ndarray | None:
    info = item.replicate_info
    return info[name].to_numpy() if name in info else None


def pairing(a: StabilityResult, b: StabilityResult) -> tuple[bool, str]:
    """Whether replicate ``i`` of ``a`` and of ``b`` used the same rows, and why (or why not).

    Paired only on evidence: every replicate's row-draw fingerprint
    (``replicate_info["rows_fingerprint"]``, recorded by scope ``"rows"``; a
    hash of the data, the scheme and the drawn rows) matches. Same seeds are
    not enough: a bootstrap and a subsample, or the same seeds on other data,
    draw other rows.
    """
    fa, fb = _column(a, "rows_fingerprint"), _column(b, "rows_fingerprint")
    if fa is None or fb is None:
        return False, (
            "unpaired: replicates matched by index only (no row fingerprints recorded, "
            "so no evidence they resampled the same rows)"
        )
    if np.array_equal(fa, fb):
        return True, "paired replicates (same resampled rows: row fingerprints match)"
    if a.scheme != b.scheme:
        why = f"different schemes ({a.scheme} vs {b.scheme})"
    elif not np.array_equal(_column(a, "seed"), _column(b, "seed")):
        why = "different seeds"
    else:
        why = "same seeds but different data"
    return False, f"unpaired: replicates matched by index only ({why}: not the same rows)"


# -- the result -----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Comparison:
    """Several methods' global explanations over the same features, side by side.

    Built by :func:`compare`; see there for an example.

    Attributes
    ----------
    items : dict of str to Explanation or StabilityResult
        The compared items, by name, as given.
    features : list of str
        The compared features (all of them, or the common ones with
        ``join="inner"``), in the first item's order.
    values : pandas.DataFrame
        Global (reference) values, index ``feature``, one column per method.
    dropped : dict of str to list of str
        Per item, the features left out by ``join="inner"`` (empty otherwise).
    top_k : int
        Size of the top sets for the Jaccard index.
    join : str
        ``"exact"`` or ``"inner"``.
    level : float
        Coverage of the percentile intervals of the agreement.
    basis : str
        How values on different scales are made comparable.
    provenance : dict of str to dict
        Per item: method, backend, params, versions and, for stability
        results, the stability parameters.
    """

    items: dict[str, Item]
    features: list[str]
    values: pd.DataFrame
    dropped: dict[str, list[str]] = field(default_factory=dict)
    top_k: int = 5
    join: str = "exact"
    level: float = 0.95
    basis: str = BASIS
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The method names, in the order given."""
        return list(self.items)

    @property
    def effective_top_k(self) -> int:
        """``top_k``, capped at the number of features."""
        return min(self.top_k, len(self.features))

    def by_value(self, name: str) -> bool:
        """Whether method ``name`` ranks by value (an importance that may be negative)."""
        return ranks_by_value(_reference(self.items[name]))

    def ranks(self) -> pd.DataFrame:
        """Rank per method (1 = most important, ties averaged).

        Of ``|value|``, or of the value for importances that may be negative
        (:mod:`interpkit.ranking`).
        """
        return self.values.apply(
            lambda col: pd.Series(rank(col.to_numpy(), by_value=self.by_value(col.name)), col.index)
        )

    def shares(self) -> pd.DataFrame:
        """``|value| / sum |value|`` per method."""
        return self.values.apply(lambda col: pd.Series(share(col.to_numpy()), col.index))

    def _replicate_values(self, name: str) -> np.ndarray:
        """Replicate values of a stability item, shape (replicate, feature), compared features."""
        reps = self.items[name].replicates.values.transpose("replicate", "feature")
        return _select(reps.to_numpy(), reps.coords["feature"].to_numpy(), self.features)

    # -- per feature ----------------------------------------------------------------------
    def _method_columns(self, name: str) -> pd.DataFrame:
        cols = pd.DataFrame(
            {
                "value": self.values[name],
                "share": self.shares()[name],
                "rank": self.ranks()[name],
            }
        )
        item = self.items[name]
        if isinstance(item, StabilityResult):
            summary = item.summary(level=self.level).reindex(self.features)
            shares = share(self._replicate_values(name))
            lo, hi = (1 - self.level) / 2, 1 - (1 - self.level) / 2
            cols["lower"] = summary["lower"].to_numpy()
            cols["upper"] = summary["upper"].to_numpy()
            cols["share_lower"] = np.nanquantile(shares, lo, axis=0)
            cols["share_upper"] = np.nanquantile(shares, hi, axis=0)
            cols["selection_frequency"] = summary["selection_frequency"].to_numpy()
        return cols

    def table(self) -> pd.DataFrame:
        """Per feature and method: value, share, rank (and intervals for stability results).

        Returns
        -------
        pandas.DataFrame
            Index ``feature``, sorted by mean rank across methods (ties keep
            the first item's order). Columns are a two-level index
            ``(method, quantity)`` with quantities ``value`` (global /
            reference value), ``share`` (``|value|`` over the method's
            total), ``rank`` (of ``|value|``, 1 = most important) and, for
            StabilityResult items, ``lower``/``upper`` (percentile interval of
            the value at ``level``, from ``summary()``), ``share_lower``/
            ``share_upper`` (the same for the share) and
            ``selection_frequency``; then ``("all", "mean_rank")``.
            ``attrs`` holds ``basis``, ``level`` and ``dropped``.
        """
        parts = {name: self._method_columns(name) for name in self.names}
        table = pd.concat(parts, axis=1, names=["method", "quantity"])
        table[("all", "mean_rank")] = self.ranks().mean(axis=1)
        table = table.sort_values(("all", "mean_rank"), kind="stable")
        table.index.name = "feature"
        table.attrs.update(basis=self.basis, level=self.level, dropped=dict(self.dropped))
        return table

    # -- pairwise -------------------------------------------------------------------------
    def _interval_rows(self, a: str, b: str) -> tuple[dict[str, dict[str, float]], dict]:
        """Per metric mean/lower/upper over replicate pairs, and pair info."""
        ia, ib = self.items[a], self.items[b]
        if not (isinstance(ia, StabilityResult) and isinstance(ib, StabilityResult)):
            note = "no interval: needs two StabilityResults"
            return {}, {"paired": False, "n_replicates": 0, "note": note}
        if ia.n_replicates != ib.n_replicates:
            note = (
                f"no interval: {ia.n_replicates} vs {ib.n_replicates} replicates "
                "(needs equal counts)"
            )
            return {}, {"paired": False, "n_replicates": 0, "note": note}
        paired, note = pairing(ia, ib)
        va, vb = self._replicate_values(a), self._replicate_values(b)
        by_value = (self.by_value(a), self.by_value(b))
        k = self.effective_top_k
        per = [pairwise_metrics(va[i], vb[i], k, by_value) for i in range(len(va))]
        lo, hi = (1 - self.level) / 2, 1 - (1 - self.level) / 2
        stats = {}
        for metric in METRICS:
            x = np.array([p[metric] for p in per], dtype=float)
            x = x[np.isfinite(x)]
            stats[metric] = (
                {"mean": x.mean(), "lower": np.quantile(x, lo), "upper": np.quantile(x, hi)}
                if x.size
                else {"mean": np.nan, "lower": np.nan, "upper": np.nan}
            )
        return stats, {"paired": paired, "n_replicates": len(va), "note": note}

    def agreement(self) -> pd.DataFrame:
        """Pairwise agreement of the methods, one row per pair and metric.

        Returns
        -------
        pandas.DataFrame
            Columns ``method_a``, ``method_b``, ``metric`` (``spearman``,
            ``kendall``, ``jaccard``, ``sign``), ``value`` (on the global /
            reference values), ``mean``, ``lower``, ``upper`` (over paired
            replicates, NaN unless both items are StabilityResults with the
            same number of replicates), ``n_replicates``, ``paired`` (every
            replicate drew the same rows from the same data: their row
            fingerprints match; see :func:`pairing`), ``level``, ``basis``
            and ``note`` (why paired or not).

        Notes
        -----
        Spearman and Kendall are NaN when a method's ``|value|`` is constant;
        sign agreement is NaN when no feature is nonzero in both methods.
        Ties at the top-k boundary are broken by feature order.
        """
        rows = []
        k = self.effective_top_k
        for a, b in combinations(self.names, 2):
            by_value = (self.by_value(a), self.by_value(b))
            va, vb = self.values[a].to_numpy(), self.values[b].to_numpy()
            point = pairwise_metrics(va, vb, k, by_value)
            stats, info = self._interval_rows(a, b)
            signed = [n for n, v in zip((a, b), by_value, strict=True) if v]
            for metric in METRICS:
                s = stats.get(metric, {"mean": np.nan, "lower": np.nan, "upper": np.nan})
                basis = METRIC_BASIS[metric].replace("top-k", f"top-{k}")
                if signed and metric != "sign":
                    basis += f" ({', '.join(signed)}: of value, an importance that may be < 0)"
                rows.append(
                    {"method_a": a, "method_b": b, "metric": metric, "value": point[metric]}
                    | {key: float(v) for key, v in s.items()}
                    | info
                    | {"level": self.level, "basis": basis}
                )
        cols = ["method_a", "method_b", "metric", "value", "mean", "lower", "upper"]
        cols += ["n_replicates", "paired", "level", "basis", "note"]
        return pd.DataFrame(rows, columns=cols)

    def agreement_matrix(self, metric: str = "spearman") -> pd.DataFrame:
        """Square method-by-method matrix of one agreement ``metric`` (1 on the diagonal).

        Parameters
        ----------
        metric : {"spearman", "kendall", "jaccard", "sign"}
            Which agreement to show.

        Returns
        -------
        pandas.DataFrame
            Index and columns are the method names.
        """
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
        agree = self.agreement()
        agree = agree[agree["metric"] == metric]
        mat = pd.DataFrame(np.eye(len(self.names)), index=self.names, columns=self.names)
        for a, b, v in agree[["method_a", "method_b", "value"]].itertuples(index=False):
            mat.loc[a, b] = mat.loc[b, a] = v
        mat.index.name = mat.columns.name = "method"
        return mat

    # -- display --------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the comparison and every compared item to one file (see :func:`interpkit.load`)."""
        from interpkit.persist import save

        return save(self, path)

    def _notes(self) -> list[str]:
        notes = []
        if self.dropped:
            drops = "; ".join(f"{n}: {', '.join(d)}" for n, d in self.dropped.items())
            notes.append(f"join='inner' dropped {drops}")
        return notes

    def __repr__(self) -> str:
        notes = "".join(f"; {n}" for n in self._notes())
        return (
            f"<interpkit.Comparison of {len(self.items)} methods ({', '.join(self.names)}) "
            f"over {len(self.features)} features{notes}>"
        )

    def _repr_html_(self) -> str:
        head = (
            f"<b>interpkit.Comparison</b> &mdash; {', '.join(self.names)}; "
            f"{len(self.features)} features; {self.basis}"
        )
        for note in self._notes():
            head += f"<br>{note}"
        table = self.table().to_html(float_format=lambda v: f"{v:.4g}")
        return f"<div>{head}</div>{table}"


def _provenance(item: Item) -> dict[str, Any]:
    ref = _reference(item)
    prov = {
        "kind": "stability" if isinstance(item, StabilityResult) else "explanation",
        "method": ref.method,
        "backend": ref.backend,
        "params": dict(ref.params),
        "versions": dict(ref.versions),
    }
    if isinstance(item, StabilityResult):
        prov["stability"] = dict(item.params)
    return prov


def compare(
    items: Mapping[str, Item] | Sequence[Item],
    *,
    top_k: int = 5,
    join: str = "exact",
    level: float = 0.95,
    class_: Any = None,
) -> Comparison:
    """Compare the global explanations of several methods.

    Parameters
    ----------
    items : dict of str to Explanation or StabilityResult, or a list of them
        Global explanations (dims ``("feature",)``) or stability results
        (replicate dims ``("replicate", "feature")``); at least two. A list
        is named by each item's ``method``, made unique.
    top_k : int, default 5
        Size of the top sets for the Jaccard index (capped at the number of
        features).
    join : {"exact", "inner"}, default "exact"
        ``"exact"`` requires the same features in every item (a mismatch
        raises ValueError naming what each item lacks); ``"inner"`` keeps
        the common features and records the rest in ``Comparison.dropped``.
    level : float, default 0.95
        Coverage of the percentile intervals.
    class_ : class label, optional
        For items of multiclass models (a ``"class"`` dim): compare this
        class; by default the mean ``|value|`` over classes.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import interpkit
    >>> from interpkit.datasets import load_prostate
    >>> X, y = load_prostate(return_X_y=True)
    >>> kw = {"n_boot": 10, "random_state": 0, "progress": False}
    >>> lasso = interpkit.LassoExplainer(cv=5).stability(X, y, **kw)
    >>> ridge = interpkit.RidgeExplainer(cv=5).stability(X, y, **kw)
    >>> comp = interpkit.compare({"lasso": lasso, "ridge": ridge}, top_k=3)
    >>> comp
    <interpkit.Comparison of 2 methods (lasso, ridge) over 8 features>
    >>> comp.agreement()  # doctest: +SKIP
    >>> comp.agreement_matrix("kendall")  # doctest: +SKIP
    """
    if isinstance(top_k, bool) or not isinstance(top_k, int | np.integer) or top_k < 1:
        raise ValueError(f"top_k must be a positive integer, got {top_k!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    from interpkit.classes import reduce_classes

    named = _as_dict(reduce_classes(items, class_))
    features, dropped = _align_features(named, join)
    values = pd.DataFrame(
        {
            name: _select(
                _reference(item).to_numpy(), _reference(item).values.coords["feature"], features
            )
            for name, item in named.items()
        },
        index=pd.Index(features, name="feature"),
    )
    values.columns.name = "method"
    return Comparison(
        items=named,
        features=features,
        values=values,
        dropped=dropped,
        top_k=int(top_k),
        join=join,
        level=level,
        provenance={name: _provenance(item) for name, item in named.items()},
    )
