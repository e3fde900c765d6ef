"""What :meth:`Report.add` shows for each kind of interpkit result.

A *view* turns one result into report blocks: its standard figures and a
summary table. Explanations are matched by their dims (``("feature",)``,
``("lambda", "feature")``, ...), so an adapter added later gets a view by
registering one for its dims with :func:`register_view`; any other object can
take part by defining ``_add_to_report_(report, title)``.

>>> from interpkit.report.views import register_view
>>> def my_view(report, expl, title):                      # doctest: +SKIP
...     report.add_figure(my_plot(expl), caption=title)
>>> register_view(("term", "grid"), my_view)               # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from interpkit.comparison import Comparison
from interpkit.explanation import Explanation
from interpkit.stability import StabilityResult

if TYPE_CHECKING:
    from interpkit.report.html import Report

__all__ = ["add_result", "register_view", "stability_table"]

View = Callable[["Report", Any, str], None]

# dims of an Explanation (or of one replicate of a StabilityResult) -> view
_EXPLANATION_VIEWS: dict[tuple[str, ...], View] = {}
_STABILITY_VIEWS: dict[tuple[str, ...], View] = {}
MAX_TABLE_ROWS = 30  # features in a figure
MAX_SCROLL_ROWS = 200  # rows of a table (it scrolls and sorts in the page)
MAX_SHAPE_TERMS = 12
BEESWARM_MIN_ROWS = 10


def register_view(dims: tuple[str, ...], view: View, *, stability: bool = False) -> None:
    """Register how :meth:`Report.add` shows explanations with these dims.

    Parameters
    ----------
    dims : tuple of str
        Dims of the explanation values, e.g. ``("term", "grid")``; for
        ``stability=True`` the dims of one replicate.
    view : callable ``(report, obj, title) -> None``
        Adds blocks to the report (figures, tables, text).
    stability : bool
        Register for StabilityResults whose replicates have these dims.
    """
    (_STABILITY_VIEWS if stability else _EXPLANATION_VIEWS)[tuple(dims)] = view


def add_result(report: Report, obj: Any, title: str | None = None) -> None:
    """Add ``obj``'s standard figures and summary table to ``report``."""
    if hasattr(obj, "_add_to_report_"):
        obj._add_to_report_(report, title)
        return
    if isinstance(obj, Comparison):
        _comparison_view(report, obj, title or f"Comparison: {', '.join(obj.names)}")
    elif isinstance(obj, StabilityResult):
        dims = tuple(d for d in obj.replicates.dims if d != "replicate")
        view = _STABILITY_VIEWS.get(dims, _generic_stability_view)
        view(report, obj, title or _stability_title(obj))
        for name, extra in obj.extras.items():
            if extra.reference.values.equals(obj.reference.values):
                continue  # e.g. an EBM's term importances when it has no pair terms
            sub = f"{title or _method(obj.reference)}: {name.replace('_', ' ')}"
            if dims == ("feature",) and extra.reference.dims == ("term", "grid"):
                add_shape_functions(report, extra.reference, extra, sub, obj.reference)
                report._record_provenance(extra, sub)
                continue
            add_result(report, extra, sub)
    elif isinstance(obj, Explanation):
        view = _EXPLANATION_VIEWS.get(obj.dims, _generic_explanation_view)
        view(report, obj, title or _method(obj))
    else:
        raise TypeError(
            "Report.add() takes an Explanation, StabilityResult, Comparison or an object "
            f"with _add_to_report_(); got {type(obj).__name__}. Use add_figure / add_table "
            "for figures and tables."
        )
    _additivity_note(report, obj)
    report._record_provenance(obj, title)
    report.conclusions.observe(obj, title)


def _additivity_note(report: Report, obj: Any) -> None:
    """One sentence when an additive explanation misses additivity beyond its tolerance."""
    expl = obj.reference if isinstance(obj, StabilityResult) else obj
    notes = getattr(expl, "annotations", None) or {}
    error, tol = notes.get("additivity_error"), notes.get("additivity_tolerance")
    if error is None or tol is None or not error > tol:
        return
    report.add_text(
        f"Warning: these {expl.method} values do not add up to the model output: "
        f"|sum(values) + base - f(x)| reaches {error:.3g} (tolerance {tol:.3g})."
    )


# -- explanations ---------------------------------------------------------------------
def _importance_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit import plots

    report.add_figure(plots.importance(expl, top=MAX_TABLE_ROWS), caption=title)
    report.add_table(_top_rows(expl.to_frame()), caption=f"{title}: values")


def _local_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit import plots

    n = expl.values.sizes["sample"]
    if expl.base_value is not None:  # additive: a waterfall reads right
        report.add_figure(
            plots.contributions(expl, sample=0, top=15),
            caption=f"{title}: the first of {n} explained rows",
        )
    if expl.data is not None and n >= BEESWARM_MIN_ROWS:
        report.add_figure(
            plots.beeswarm(expl),
            caption=f"{title}: every row's value per feature, coloured by the feature's value",
        )
    frame = expl.values.transpose("sample", "feature").to_pandas()
    mean_abs = frame.abs().mean().sort_values(ascending=False)
    table = pd.DataFrame({"mean |value|": mean_abs, "mean": frame.mean()[mean_abs.index]})
    table.index.name = "feature"
    report.add_table(_top_rows(table), caption=f"{title}: over {n} rows")


def _path_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit import plots

    report.add_figure(plots.path(expl), caption=title)


def _cv_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit import plots

    report.add_figure(plots.cv_curve(expl), caption=title)


def _shape_view(report: Report, expl: Explanation, title: str) -> None:
    add_shape_functions(report, expl, None, title)


def _shape_stability_view(report: Report, result: StabilityResult, title: str) -> None:
    add_shape_functions(report, result.reference, result, title)


def shape_order(expl: Explanation, importance: Explanation | None = None) -> list[str]:
    """Terms of a shape-function explanation, most important first.

    By ``importance`` (a global explanation with dims ``("feature",)``, e.g. an
    EBM's term importance) when given; otherwise by the range of each curve
    over its grid, the most a term can move the prediction.
    """
    terms = [str(t) for t in expl.values.coords["term"].values]
    if importance is not None:
        imp = importance.to_frame().set_index("feature")["value"].abs()
        imp.index = imp.index.astype(str)
        score = np.array([imp.get(t, -np.inf) for t in terms], dtype=float)
    else:
        vals = expl.values.transpose("term", "grid").to_numpy()
        with np.errstate(invalid="ignore"):
            score = np.nanmax(vals, axis=1) - np.nanmin(vals, axis=1)
        score = np.nan_to_num(score, nan=-np.inf)
    return [terms[i] for i in np.argsort(-score, kind="stable")]


def add_shape_functions(
    report: Report,
    expl: Explanation,
    result: StabilityResult | None,
    title: str,
    importance: Explanation | None = None,
) -> None:
    """One figure per term, the ``MAX_SHAPE_TERMS`` most important first."""
    from interpkit import plots

    order = shape_order(expl, importance)
    terms = order[:MAX_SHAPE_TERMS]
    band = "grey band: ±1 SD across the model's internal bags, not a confidence interval"
    if result is not None:
        band += (
            f"; orange band: the pointwise {result.level:.0%} interval over "
            f"{result.n_replicates} {result.scheme} refits"
        )
    by = "term importance" if importance is not None else "the range of the curve"
    if len(order) > len(terms):
        report.add_text(f"{title}: the {len(terms)} most important of {len(order)} terms, by {by}.")
    for rank, term in enumerate(terms, 1):
        report.add_figure(
            plots.shape_function(expl, term, result),
            caption=f"{title}: {term}, #{rank} by {by} ({band}).",
        )


def _generic_explanation_view(report: Report, expl: Explanation, title: str) -> None:
    frame = expl.to_frame()
    report.add_table(_top_rows(frame), caption=f"{title} (dims {', '.join(expl.dims)})")


# -- stability results ----------------------------------------------------------------------
def _method(expl: Explanation) -> str:
    """The method's name for people ("EBM", "TreeSHAP", "Lasso")."""
    from interpkit.plots._common import METHOD_LABELS, method_label

    if expl.method in METHOD_LABELS:
        return method_label(expl)
    return f"{expl.method} ({expl.backend or 'interpkit'})"


def _stability_title(result: StabilityResult) -> str:
    name = _method(result.reference)
    if result.scheme == "permuted_labels":
        return f"{name}: null control ({result.n_replicates} fits on shuffled labels)"
    return f"{name}: stability over {result.n_replicates} {result.scheme} replicates"


def stability_table(result: StabilityResult) -> pd.DataFrame:
    """The per-feature stability summary with readable column names."""
    table = result.summary()
    lo = f"{(1 - result.level) / 2:.1%}".replace(".0%", "%")
    hi = f"{1 - (1 - result.level) / 2:.1%}".replace(".0%", "%")
    out = pd.DataFrame(
        {
            "full-data fit": table["reference"],
            "mean": table["mean"],
            "sd": table["sd"],
            lo: table["lower"],
            hi: table["upper"],
            "nonzero": table["selection_frequency"].map(lambda f: f"{f:.0%}"),
            "mean rank": table["mean_rank"],
        },
        index=table.index,
    )
    if "null_p_value" in table:
        out["null p-value"] = table["null_p_value"]
    out.index.name = "feature"
    return out


def _feature_stability_view(report: Report, result: StabilityResult, title: str) -> None:
    from interpkit import plots

    null = result.scheme == "permuted_labels"
    fig_title = None
    if null:
        fig_title = (
            f"{_method(result.reference)}: null control, values on shuffled labels"
            f"<br><sup>{result.n_replicates} permuted-label fits; "
            "× the fit on the real labels</sup>"
        )
    report.add_figure(plots.stability(result, top=MAX_TABLE_ROWS, title=fig_title), caption=title)
    if result.predictions is not None:
        report.add_figure(plots.prediction_stability(result), caption=f"{title}: predictions")
    note = ""
    if null:
        note = (
            " Null control: replicates are fit on shuffled labels, so their values show how "
            "large an explanation gets when no feature matters; the full-data fit uses the "
            "real labels."
        )
    report.add_table(_top_rows(stability_table(result)), caption=f"{title}.{note}")


def _generic_stability_view(report: Report, result: StabilityResult, title: str) -> None:
    table = result.summary()
    report.add_table(_top_rows(table), caption=f"{title}: per element")


# -- comparisons ------------------------------------------------------------------------
def _comparison_view(report: Report, comparison: Comparison, title: str) -> None:
    from interpkit import plots

    if len(comparison.names) > 2:  # two methods: one number, which the table gives
        report.add_figure(plots.agreement_heatmap(comparison), caption=f"{title}: agreement")
    report.add_figure(plots.rank_bump(comparison, top=15), caption=f"{title}: ranks")
    report.add_figure(plots.compare_intervals(comparison, top=15), caption=f"{title}: values")
    report.add_table(
        agreement_table(comparison),
        caption=f"{title}: pairwise agreement, {comparison.basis}. Each cell: the value on the "
        "full-data fits and, when stability results were compared, the "
        f"{comparison.level:.0%} percentile interval over replicates (paired when the "
        "replicates resampled the same rows).",
    )
    report.add_table(
        _top_rows(side_by_side(comparison)),
        caption=f"{title}, side by side: each method's rank of |value| (1 = most important) "
        "and its share of the method's total |value|. Comparison.table() has every column "
        "(intervals, selection frequencies).",
    )


def side_by_side(comparison: Comparison) -> pd.DataFrame:
    """Per feature, each method's rank and share: two columns per method, not eight."""
    full = comparison.table()
    cols = {}
    for name in comparison.names:
        for what in ("rank", "share"):
            key = next((c for c in full.columns if _col(c) == (name, what)), None)
            if key is not None:
                cols[f"{name} {what}"] = full[key]
    table = pd.DataFrame(cols, index=full.index)
    table.index.name = full.index.name or "feature"
    return table


def _col(column: Any) -> tuple[str, str]:
    if isinstance(column, tuple):
        return str(column[0]), str(column[-1])
    name, _, what = str(column).rpartition(" ")
    return name, what


def agreement_table(comparison: Comparison) -> pd.DataFrame:
    """One row per pair of methods, one column per metric: "value [lower, upper]"."""
    long = comparison.agreement()

    def cell(row: pd.Series) -> str:
        text = f"{row['value']:.2f}"
        if "lower" in row and np.isfinite(row.get("lower", np.nan)):
            text += f" [{row['lower']:.2f}, {row['upper']:.2f}]"
        return text

    long = long.assign(
        pair=long["method_a"].astype(str) + " vs " + long["method_b"].astype(str),
        cell=long.apply(cell, axis=1),
    )
    wide = long.pivot(index="pair", columns="metric", values="cell")
    wide = wide.reindex(index=list(dict.fromkeys(long["pair"])))
    wide.columns.name = None
    return wide[[m for m in ("spearman", "kendall", "jaccard", "sign") if m in wide]]


def _top_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The first ``MAX_SCROLL_ROWS`` rows: long tables scroll and sort in the page."""
    if len(table) <= MAX_SCROLL_ROWS:
        return table
    return table.iloc[:MAX_SCROLL_ROWS]


register_view(("feature",), _importance_view)
register_view(("sample", "feature"), _local_view)
register_view(("lambda", "feature"), _path_view)
register_view(("lambda",), _cv_view)
register_view(("feature",), _feature_stability_view, stability=True)
register_view(("term", "grid"), _shape_view)
register_view(("term", "grid"), _shape_stability_view, stability=True)


def provenance_of(obj: Any) -> dict[str, Any]:
    """Method, backend, versions, parameters and seeds of a result, for the footer."""
    if isinstance(obj, Comparison):
        return {"method": "comparison of " + ", ".join(obj.names), "items": obj.provenance}
    if isinstance(obj, StabilityResult):
        ref = obj.reference
        return {
            "method": ref.method,
            "backend": ref.backend,
            "versions": dict(ref.versions),
            "params": dict(ref.params),
            "stability": dict(obj.params),
            "seeds": _seed_text(obj.replicate_info),
        }
    if isinstance(obj, Explanation):
        return {
            "method": obj.method,
            "backend": obj.backend,
            "versions": dict(obj.versions),
            "params": dict(obj.params),
        }
    return {"method": type(obj).__name__}


def _seed_text(info: pd.DataFrame) -> str:
    if "seed" not in info:
        return ""
    seeds = np.asarray(info["seed"])
    shown = ", ".join(str(int(s)) for s in seeds[:5])
    return f"{shown}{', ...' if len(seeds) > 5 else ''} ({len(seeds)} replicate seeds)"


# views of network attributions (images, tokens) live in their own module
from interpkit.report import attribution_views as _attribution_views  # noqa: E402, F401
from interpkit.report import classes as _classes  # noqa: E402, F401 - registers multiclass views
