"""Figures for Explainable Boosting Machines (``interpkit.EBMExplainer``).

Two kinds of uncertainty appear here and are drawn differently:

* **bag band** (grey, dotted edge): ±1 standard deviation across the EBM's
  outer bags, as InterpretML reports it. The bags are refits on random
  splits of the *same* training rows; the band is not a confidence interval.
* **refit interval** (orange): the percentile interval over refits on
  bootstrap resamples (``explainer.stability(...)``), drawn only when a
  StabilityResult is given. Given the result of ``null_control(...)``, the
  same band shows what refits on permuted labels give (the null).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.explanation import Explanation
from interpkit.plots._common import (
    NEUTRAL,
    PALETTE,
    TEMPLATE,
    check_explanation,
    fmt,
    level_text,
    new_figure,
    row_base_value,
    scheme_text,
    short_label,
)
from interpkit.plots._labels import categories, value_text
from interpkit.plots.importance import contributions

__all__ = ["ebm_contributions", "pair_heatmap", "shape_function", "term_importance"]

BAG = "rgba(120,120,120,0.25)"
REFIT = "rgba(242,142,43,0.30)"  # orange, as the refit whiskers
CURVE = PALETTE[0]
Y_TITLE_CHARS = 22  # of a term's name in the y title: "f(name)" fits the upper panel


def _band_name(extra: Any) -> str:
    """Legend text of a StabilityResult's percentile band."""
    if extra.scheme == "permuted_labels":
        return f"{level_text(extra)} band under permuted labels (null)"
    return f"{level_text(extra)} refit interval ({extra.scheme})"


def _shape_extra(
    stability: Any, term: str, dims: tuple[str, ...] = ("replicate", "term", "grid")
) -> Any:
    """The StabilityResult holding ``term``'s shape functions (replicate ``dims``), or None."""
    if stability is None:
        return None
    from interpkit.stability import StabilityResult

    if not isinstance(stability, StabilityResult):
        raise TypeError(
            f"stability must be a StabilityResult from EBMExplainer.stability(), "
            f"got {type(stability).__name__}"
        )
    candidates = [stability]
    candidates += [
        stability.extras[k]
        for k in ("shape_functions", "categorical_effects")
        if k in stability.extras
    ]
    for res in candidates:
        if res.replicates.dims == dims and term in list(res.reference.values.coords["term"].values):
            return res
    raise ValueError(
        f"the StabilityResult has no shape function for {term!r}; pass the result of "
        "EBMExplainer.stability()"
    )


def shape_function(
    expl: Explanation,
    term: str,
    stability: Any = None,
    *,
    class_: Any = None,
    title: str | None = None,
) -> go.Figure:
    """One main term's shape function with its bag band, refit interval and data.

    Parameters
    ----------
    expl : Explanation
        From ``EBMExplainer.shape_functions()``, dims ``("term", "grid")``.
    term : str
        Feature name of the main term.
    stability : StabilityResult, optional
        From ``EBMExplainer.stability(...)`` (or its ``extras["shape_functions"]``);
        adds the pointwise percentile interval over refits, on the same grid.
    class_ : optional
        A multiclass EBM (dims ``("term", "grid", "class")``): the class whose
        curve to draw with both bands. Without it, one curve (or bar) per
        class in one panel (:func:`interpkit.plots.ebm_classes.class_shape_function`).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Numeric terms: the curve, the ±1 SD bag band, the refit interval and,
        in a lower panel, a histogram of the training values. Categorical
        terms: one bar per category with bag-SD and refit-interval whiskers.
    """
    from interpkit.plots import ebm_classes

    picked = ebm_classes.pick_class(expl, stability, class_)
    if picked is None:  # every class of a multiclass EBM, in one panel
        return ebm_classes.class_shape_function(expl, term, stability, title=title)
    expl, stability = picked
    check_explanation(
        expl, ("term", "grid"), "shape_function", "use EBMExplainer.shape_functions()"
    )
    terms = [str(t) for t in expl.values.coords["term"].values]
    if term not in terms:
        raise ValueError(f"no term {term!r}; the explanation has {terms}")
    row = expl.values.sel(term=term)
    keep = np.isfinite(row.coords["x"].to_numpy())
    x = row.coords["x"].to_numpy()[keep]
    y = row.to_numpy()[keep]
    sd = expl.error.sel(term=term).to_numpy()[keep] if expl.error is not None else None
    kind = str(row.coords["kind"].item()) if "kind" in row.coords else "numeric"
    extra = _shape_extra(stability, term)
    lo = hi = None
    if extra is not None:
        ex_x = extra.reference.values.coords["x"].sel(term=term).to_numpy()
        if not np.allclose(ex_x[np.isfinite(ex_x)], x):
            raise ValueError(f"the StabilityResult's grid for {term!r} differs from expl's grid")
        # the interval from the result's summary (cached there), in grid order
        band = extra.summary().set_index(["term", "grid"]).loc[term].sort_index()
        grid = extra.reference.values.coords["grid"].to_numpy()[np.isfinite(ex_x)]
        lo = band["lower"].loc[grid].to_numpy()
        hi = band["upper"].loc[grid].to_numpy()
    output = expl.output_name or "score"
    if kind == "categorical":
        if "label" in row.coords:  # a text/category column: its labels, not its codes
            x = row.coords["label"].to_numpy()[keep]
        fig = _category_bars(x, y, sd, lo, hi, extra)
        fig.update_xaxes(title_text=term, type="category")
    else:
        fig = _curve(x, y, sd, lo, hi, extra, expl, term)
    fig.update_layout(
        title={
            "text": (title or f"EBM shape function: {term}")
            + f"<br><sup>contribution to {output}; grey = ±1 SD across outer bags"
            + (
                f";</sup><br><sup>orange = {_band_name(extra)}, {scheme_text(extra)}"
                if extra is not None
                else ""
            )
            + "</sup>"
        },
        margin={"t": 110 if extra is not None else 80},
    )
    # the name is on the x axis and in the title: a long one would run past the panel
    y_title = f"f({short_label(term, Y_TITLE_CHARS)})"
    if kind == "categorical":
        fig.update_yaxes(title_text=y_title)
    else:
        fig.update_yaxes(title_text=y_title, row=1, col=1)
    return fig


def _curve(x, y, sd, lo, hi, extra, expl, term) -> go.Figure:
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.8, 0.2], vertical_spacing=0.04
    )
    fig.update_layout(template=TEMPLATE, height=480, legend={"orientation": "h", "y": -0.18})
    if lo is not None:
        fig.add_trace(
            go.Scatter(
                x=np.r_[x, x[::-1]],
                y=np.r_[hi, lo[::-1]],
                fill="toself",
                fillcolor=REFIT,
                line={"width": 0},
                hoverinfo="skip",
                name=_band_name(extra),
            ),
            row=1,
            col=1,
        )
    if sd is not None:
        fig.add_trace(
            go.Scatter(
                x=np.r_[x, x[::-1]],
                y=np.r_[y + sd, (y - sd)[::-1]],
                fill="toself",
                fillcolor=BAG,
                line={"width": 1, "color": "rgba(90,90,90,0.6)", "dash": "dot"},
                hoverinfo="skip",
                name="±1 SD across outer bags (not a CI)",
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            line={"color": CURVE, "width": 2.5, "shape": "hv"},
            name="shape function (fit on all rows)",
            hovertemplate="x = %{x:.4g}<br>f = %{y:.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_hline(y=0, line={"color": "#666", "width": 1}, row=1, col=1)
    if expl.data is not None and term in [str(f) for f in expl.data.coords["feature"].values]:
        vals = expl.data.sel(feature=term).to_numpy()
        fig.add_trace(
            go.Histogram(
                x=vals,
                nbinsx=40,
                marker={"color": NEUTRAL},
                showlegend=False,
                name="training data",
                hovertemplate="%{x}: %{y} rows<extra></extra>",
            ),
            row=2,
            col=1,
        )
        # a short panel: three ticks at most, or their labels touch
        fig.update_yaxes(title_text="rows", row=2, col=1, title_font={"size": 11}, nticks=3)
    fig.update_xaxes(title_text=term, row=2, col=1)
    return fig


def _category_bars(x, y, sd, lo, hi, extra) -> go.Figure:
    fig = new_figure(height=420, legend={"orientation": "h", "y": -0.25}, bargap=0.35)
    labels = [str(v) if isinstance(v, str) else fmt(float(v)) for v in x]
    fig.add_trace(
        go.Bar(
            x=labels,
            y=y,
            marker={"color": CURVE},
            name="score (fit on all rows)",
            error_y=None
            if sd is None
            else {"type": "data", "array": sd, "color": "#555", "thickness": 1.5, "width": 6},
        )
    )
    if sd is not None:  # legend entry for the whisker meaning
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": "#555"},
                name="±1 SD across outer bags (not a CI)",
            )
        )
    if lo is not None:
        mid = (lo + hi) / 2
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=mid,
                mode="markers",
                marker={"color": "rgba(0,0,0,0)"},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": hi - mid,
                    "arrayminus": mid - lo,
                    "color": PALETTE[1],
                    "thickness": 3,
                    "width": 12,
                },
                showlegend=False,
                hoverinfo="skip",
            )
        )
        _legend_line(fig, PALETTE[1], _band_name(extra))
    fig.add_hline(y=0, line={"color": "#666", "width": 1})
    return fig


def _legend_line(fig: go.Figure, color: str, name: str) -> None:
    """A legend-only entry (for whiskers drawn on invisible markers)."""
    fig.add_trace(
        go.Scatter(x=[None], y=[None], mode="lines", line={"color": color, "width": 3}, name=name)
    )


def term_importance(
    expl_or_result: Any, top: int | None = None, *, title: str | None = None
) -> go.Figure:
    """Term importances as bars, with the bag SD and (from stability) refit intervals.

    Parameters
    ----------
    expl_or_result : Explanation or StabilityResult
        ``EBMExplainer.explain()`` or ``.term_importances()`` (dims
        ``("feature",)``), or the result of ``EBMExplainer.stability(...)``
        (its ``extras["term_importances"]`` is used when present, else the
        main-term importances) or that extra itself.
    top : int, optional
        Only the ``top`` largest.
    """
    from interpkit.stability import StabilityResult

    extra = None
    if isinstance(expl_or_result, StabilityResult):
        extra = expl_or_result.extras.get("term_importances", expl_or_result)
        expl = extra.reference
    else:
        expl = expl_or_result
    check_explanation(
        expl, ("feature",), "term_importance", "use EBMExplainer.explain() or term_importances()"
    )
    names = np.asarray(expl.feature_names, dtype=object)
    vals = expl.to_numpy().astype(float)
    order = np.argsort(-vals, kind="stable")[: top or len(vals)]
    fig = new_figure(
        height=max(360, 220 + 30 * len(order)),
        bargap=0.3,
        legend={"orientation": "h", "y": -0.4, "yanchor": "top"},
        margin={"b": 150},
    )
    err = None if expl.error is None else expl.error.to_numpy()[order]
    fig.add_trace(
        go.Bar(
            x=vals[order],
            y=list(names[order]),
            orientation="h",
            marker={"color": CURVE},
            name="mean |contribution| (fit on all rows)",
            error_x=None
            if err is None
            else {"type": "data", "array": err, "color": "#333", "thickness": 2, "width": 4},
            hovertemplate="<b>%{y}</b><br>%{x:.4g}<extra></extra>",
        )
    )
    if err is not None:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": "#555"},
                name="±1 SD across outer bags (not a CI)",
            )
        )
    if extra is not None:
        table = extra.summary().reindex(list(names[order]))
        # invisible markers at the band's middle carry the whiskers, which need not
        # contain the reference (e.g. a null band far below the real value)
        mid = (table["lower"] + table["upper"]) / 2
        fig.add_trace(
            go.Scatter(
                x=mid,
                y=list(names[order]),
                mode="markers",
                marker={"color": "rgba(0,0,0,0)"},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": table["upper"] - mid,
                    "arrayminus": mid - table["lower"],
                    "color": PALETTE[1],
                    "thickness": 3,
                    "width": 8,
                },
                showlegend=False,
                hoverinfo="skip",
            )
        )
        _legend_line(fig, PALETTE[1], f"{_band_name(extra)} ({scheme_text(extra)})")
    output = expl.output_name or "output"
    fig.update_layout(
        title={
            "text": title
            or f"EBM term importance<br><sup>mean |contribution| to {output} "
            "over the training rows</sup>"
        },
        xaxis={"title": {"text": f"mean |contribution| ({output})"}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "showgrid": False, "ticks": ""},
    )
    return fig


def pair_heatmap(expl: Explanation, *, class_: Any = None, title: str | None = None) -> go.Figure:
    """A pairwise term as a heatmap, dims ``("grid_0", "grid_1")``.

    Parameters
    ----------
    expl : Explanation
        One value of ``EBMExplainer.pair_functions()``; ``params["features"]``
        names the axes. The bag SD shows on hover.
    class_ : optional
        A multiclass EBM (a last ``"class"`` dim): the class to draw. Without
        it, one heatmap per class on one colour scale.
    """
    from interpkit.plots import ebm_classes

    picked = ebm_classes.pick_class(expl, None, class_)
    if picked is None:
        return ebm_classes.class_pair_heatmap(expl, title=title)
    expl = picked[0]
    check_explanation(
        expl, ("grid_0", "grid_1"), "pair_heatmap", "use EBMExplainer.pair_functions()[name]"
    )
    f0, f1 = expl.params.get("features", ["feature 0", "feature 1"])
    z = expl.to_numpy().T  # rows = grid_1 (y axis), columns = grid_0 (x axis)
    lim = float(np.nanmax(np.abs(z))) or 1.0
    custom = None if expl.error is None else expl.error.to_numpy().T
    x = expl.values.coords["grid_0"].to_numpy()
    y = expl.values.coords["grid_1"].to_numpy()
    fig = new_figure(height=480, width=620)
    fig.add_trace(
        go.Heatmap(
            x=x,
            y=y,
            z=z,
            zmid=0,
            zmin=-lim,
            zmax=lim,
            colorscale="RdBu_r",
            customdata=custom,
            colorbar={"title": {"text": f"f({f0}, {f1})", "side": "right"}},
            hovertemplate=f"{f0} = %{{x:.3g}}<br>{f1} = %{{y:.3g}}<br>score = %{{z:.4g}}"
            + ("<br>bag SD = %{customdata:.3g}" if custom is not None else "")
            + "<extra></extra>",
        )
    )
    fig.update_layout(
        title={
            "text": title
            or f"EBM pairwise term: {f0} & {f1}<br><sup>contribution to "
            f"{expl.output_name or 'output'}</sup>"
        },
        xaxis={"title": {"text": f0}, "showgrid": False},
        yaxis={"title": {"text": f1}, "showgrid": False},
    )
    return fig


def ebm_contributions(
    expl: Explanation, sample: int = 0, *, top: int | None = None, title: str | None = None
) -> go.Figure:
    """Waterfall of one row: intercept, each term's contribution, the output.

    Parameters
    ----------
    expl : Explanation
        ``EBMExplainer.explain(X)``, dims ``("sample", "feature")`` over term
        names; main terms are labelled with the row's feature value.
    sample : int
        Position of the row.
    """
    check_explanation(
        expl, ("sample", "feature"), "ebm_contributions", "use EBMExplainer.explain(X)"
    )
    row = expl.values.isel(sample=[sample])
    names = [str(f) for f in row.coords["feature"].values]
    if expl.data is not None:
        data = expl.data.isel(sample=sample).to_numpy()
        cats = categories(expl)  # a coded text column: its label, not its code
        names = [
            n if not np.isfinite(v) else f"{n} = {value_text(v, cats.get(n))}"
            for n, v in zip(names, data, strict=True)
        ]
    zero_terms = [
        str(f)
        for f, v in zip(row.coords["feature"].values, row.to_numpy()[0], strict=True)
        if v == 0
    ]
    n_zero = len(zero_terms)
    zeros = ", ".join(zero_terms[:4]) + (", ..." if n_zero > 4 else "")
    relabelled = row.assign_coords(feature=names)
    one = expl.with_values(relabelled, data=None)
    fig = contributions(one, 0, top=top)
    label = expl.values.coords["sample"].values[sample]
    output = expl.output_name or "output"
    pred = float(row.sum().item()) + row_base_value(expl, sample)
    fig.update_layout(
        title={
            "text": (title or f"EBM: why row {label} gets {output} {fmt(pred)}")
            + "<br><sup>first bar: the intercept"
            + (f"; {n_zero} terms contributing 0 not shown ({zeros})" if n_zero else "")
            + "</sup>"
        }
    )
    return fig
