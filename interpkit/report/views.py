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
MAX_TABLE_ROWS = 30
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
            add_result(report, extra, f"{title or obj.replicates.method}: {name}")
    elif isinstance(obj, Explanation):
        view = _EXPLANATION_VIEWS.get(obj.dims, _generic_explanation_view)
        view(report, obj, title or f"{obj.method} ({obj.backend or 'interpkit'})")
    else:
        raise TypeError(
            "Report.add() takes an Explanation, StabilityResult, Comparison or an object "
            f"with _add_to_report_(); got {type(obj).__name__}. Use add_figure / add_table "
            "for figures and tables."
        )
    report._record_provenance(obj, title)


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
    _shape_figures(report, expl, None, title)


def _shape_stability_view(report: Report, result: StabilityResult, title: str) -> None:
    _shape_figures(report, result.reference, result, title)


def _shape_figures(report: Report, expl: Explanation, result, title: str) -> None:
    from interpkit import plots

    terms = [str(t) for t in expl.values.coords["term"].values][:MAX_SHAPE_TERMS]
    band = "grey band: ±1 SD across the model's internal bags, not a confidence interval"
    if result is not None:
        band += (
            f"; orange band: the pointwise {result.level:.0%} interval over "
            f"{result.n_replicates} {result.scheme} refits"
        )
    for term in terms:
        report.add_figure(
            plots.shape_function(expl, term, result), caption=f"{title}: {term} ({band})."
        )


def _generic_explanation_view(report: Report, expl: Explanation, title: str) -> None:
    frame = expl.to_frame()
    report.add_table(_top_rows(frame), caption=f"{title} (dims {', '.join(expl.dims)})")


# -- stability results ----------------------------------------------------------------------
def _stability_title(result: StabilityResult) -> str:
    return f"{result.replicates.method}: {result.n_replicates} {result.scheme} replicates"


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

    report.add_figure(plots.stability(result, top=MAX_TABLE_ROWS), caption=title)
    if result.predictions is not None:
        report.add_figure(plots.prediction_stability(result), caption=f"{title}: predictions")
    note = ""
    if result.scheme == "permuted_labels":
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
    report.add_table(_top_rows(comparison.table()), caption=f"{title}: side by side")


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
    if len(table) <= MAX_TABLE_ROWS:
        return table
    return table.iloc[:MAX_TABLE_ROWS]


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
