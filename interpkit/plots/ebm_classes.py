"""EBM figures of multiclass models: one curve, bar or surface per class.

A multiclass EBM adds each term's score to every class's logit, so its shape
functions have a ``"class"`` dim. A shift shared by every class cancels in
the softmax: what a curve says about the probabilities is how it differs
from the other classes' curves, which is why they share one panel here.
``class_=`` in :func:`interpkit.plots.shape_function` draws one class with
both of its bands instead.

The band around each curve is the refit interval when a StabilityResult is
given, else the SD across the EBM's outer bags (the subtitle says which).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.classes import has_classes, select_class
from interpkit.explanation import Explanation
from interpkit.plots._common import (
    NEUTRAL,
    PALETTE,
    TEMPLATE,
    check_explanation,
    fmt,
    new_figure,
    scheme_text,
    short_label,
)
from interpkit.plots.ebm import Y_TITLE_CHARS, _band_name, _shape_extra

__all__ = ["class_pair_heatmap", "class_shape_function", "pick_class"]

CLASS_DIMS = ("term", "grid", "class")
BAR_SPAN = 0.8  # of one category's slot, shared by its classes' bars


def pick_class(expl: Any, stability: Any, class_: Any) -> tuple[Any, Any] | None:
    """``(expl, stability)`` at ``class_``; None to draw every class of a multiclass result."""
    if has_classes(expl):
        if class_ is None:
            return None
        return select_class(expl, class_), (
            None if stability is None else select_class(stability, class_)
        )
    if class_ is not None:
        raise ValueError(f"class_={class_!r} selects a class, but this result has no 'class' dim")
    return expl, stability


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _bands(expl: Explanation, term: str, stability: Any, keep: np.ndarray, classes: list[str]):
    """Per class ``(lower, upper)`` of the curve's band, and the result it came from."""
    extra = _shape_extra(stability, term, dims=("replicate", *CLASS_DIMS))
    if extra is None:
        if expl.error is None:
            return None, None, None
        y = expl.values.sel(term=term).transpose("grid", "class").to_numpy()[keep]
        sd = expl.error.sel(term=term).transpose("grid", "class").to_numpy()[keep]
        return y - sd, y + sd, None
    ex_x = extra.reference.values.coords["x"].sel(term=term).to_numpy()
    x = expl.values.coords["x"].sel(term=term).to_numpy()[keep]
    if not np.allclose(ex_x[np.isfinite(ex_x)], x):
        raise ValueError(f"the StabilityResult's grid for {term!r} differs from expl's grid")
    table = extra.summary()
    table["class"] = table["class"].astype(str)
    table = table.set_index(["term", "class", "grid"]).sort_index()
    grid = extra.reference.values.coords["grid"].to_numpy()[np.isfinite(ex_x)]
    lo = np.column_stack([table.loc[(term, c), "lower"].loc[grid].to_numpy() for c in classes])
    hi = np.column_stack([table.loc[(term, c), "upper"].loc[grid].to_numpy() for c in classes])
    return lo, hi, extra


def class_shape_function(
    expl: Explanation, term: str, stability: Any = None, *, title: str | None = None
) -> go.Figure:
    """One main term of a multiclass EBM: a curve (numeric) or bars (categorical) per class.

    Parameters
    ----------
    expl : Explanation
        From ``EBMExplainer.shape_functions()`` of a multiclass EBM, dims
        ``("term", "grid", "class")``.
    term : str
        Feature name of the main term.
    stability : StabilityResult, optional
        From ``EBMExplainer.stability(...)``: the bands become the pointwise
        refit interval of each class's curve.
    title : str, optional
    """
    check_explanation(expl, CLASS_DIMS, "shape_function", "use EBMExplainer.shape_functions()")
    terms = [str(t) for t in expl.values.coords["term"].values]
    if term not in terms:
        raise ValueError(f"no term {term!r}; the explanation has {terms}")
    row = expl.values.sel(term=term).transpose("grid", "class")
    x_all = row.coords["x"].to_numpy()
    keep = np.isfinite(x_all)
    classes = [str(c) for c in row.coords["class"].values]
    y = row.to_numpy()[keep]
    lo, hi, extra = _bands(expl, term, stability, keep, classes)
    band = (
        f"bands = {_band_name(extra)}, {scheme_text(extra)}"
        if extra is not None
        else "bands = ±1 SD across outer bags (not a CI)"
        if lo is not None
        else "no bands"
    )
    kind = str(row.coords["kind"].item()) if "kind" in row.coords else "numeric"
    if kind == "categorical":
        labels = row.coords["label"].to_numpy()[keep] if "label" in row.coords else x_all[keep]
        fig = _class_bars(labels, y, lo, hi, classes)
        fig.update_xaxes(title_text=term)
        fig.update_yaxes(title_text=f"f({short_label(term, Y_TITLE_CHARS)})")
    else:
        fig = _class_curves(x_all[keep], y, lo, hi, classes, expl, term)
        fig.update_yaxes(title_text=f"f({short_label(term, Y_TITLE_CHARS)})", row=1, col=1)
    fig.update_layout(
        title={
            "text": (title or f"EBM shape function: {term}, one per class")
            + "<br><sup>contribution to each class's logit; a shift shared by all classes "
            "cancels in the softmax</sup>"
            + f"<br><sup>{band}; class_= draws one class with both bands</sup>"
        },
        margin={"t": 120},
    )
    return fig


def _class_curves(x, y, lo, hi, classes, expl, term) -> go.Figure:
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.8, 0.2], vertical_spacing=0.04
    )
    fig.update_layout(
        template=TEMPLATE,
        height=500,
        legend={"orientation": "h", "y": -0.18, "title": {"text": "class "}},
    )
    for k, name in enumerate(classes):
        color = PALETTE[k % len(PALETTE)]
        if lo is not None:
            fig.add_trace(
                go.Scatter(
                    x=np.r_[x, x[::-1]],
                    y=np.r_[hi[:, k], lo[::-1, k]],
                    fill="toself",
                    fillcolor=_rgba(color, 0.16),
                    line={"width": 0},
                    hoverinfo="skip",
                    legendgroup=name,
                    showlegend=False,
                ),
                row=1,
                col=1,
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y[:, k],
                mode="lines",
                line={"color": color, "width": 2.5, "shape": "hv"},
                name=name,
                legendgroup=name,
                hovertemplate=f"class {name}<br>x = %{{x:.4g}}<br>f = %{{y:.4g}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.add_hline(y=0, line={"color": "#666", "width": 1}, row=1, col=1)
    if expl.data is not None and term in [str(f) for f in expl.data.coords["feature"].values]:
        fig.add_trace(
            go.Histogram(
                x=expl.data.sel(feature=term).to_numpy(),
                nbinsx=40,
                marker={"color": NEUTRAL},
                showlegend=False,
                hovertemplate="%{x}: %{y} rows<extra></extra>",
            ),
            row=2,
            col=1,
        )
        fig.update_yaxes(title_text="rows", row=2, col=1, title_font={"size": 11}, nticks=3)
    fig.update_xaxes(title_text=term, row=2, col=1)
    return fig


def _class_bars(labels, y, lo, hi, classes) -> go.Figure:
    n_cat, n_cls = y.shape
    width = BAR_SPAN / n_cls
    fig = new_figure(
        height=440, legend={"orientation": "h", "y": -0.25, "title": {"text": "class "}}
    )
    text = [str(v) if isinstance(v, str) else fmt(float(v)) for v in labels]
    for k, name in enumerate(classes):
        color = PALETTE[k % len(PALETTE)]
        # numeric slots, so each class's whisker sits on its own bar, whatever plotly groups
        pos = np.arange(n_cat) + (k - (n_cls - 1) / 2) * width
        fig.add_trace(
            go.Bar(
                x=pos,
                y=y[:, k],
                width=width * 0.9,
                marker={"color": color},
                name=name,
                legendgroup=name,
                customdata=text,
                hovertemplate=f"class {name}<br>%{{customdata}}: %{{y:.4g}}<extra></extra>",
            )
        )
        if lo is not None:
            mid = (lo[:, k] + hi[:, k]) / 2
            fig.add_trace(
                go.Scatter(
                    x=pos,
                    y=mid,
                    mode="markers",
                    marker={"color": "rgba(0,0,0,0)"},
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": hi[:, k] - mid,
                        "arrayminus": mid - lo[:, k],
                        "color": "#333",
                        "thickness": 1.5,
                        "width": 4,
                    },
                    legendgroup=name,
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    fig.update_xaxes(tickmode="array", tickvals=list(range(n_cat)), ticktext=text)
    fig.add_hline(y=0, line={"color": "#666", "width": 1})
    return fig


def class_pair_heatmap(expl: Explanation, *, title: str | None = None) -> go.Figure:
    """A pairwise term of a multiclass EBM: one heatmap per class on one colour scale.

    Parameters
    ----------
    expl : Explanation
        One value of ``EBMExplainer.pair_functions()`` of a multiclass EBM,
        dims ``("grid_0", "grid_1", "class")``.
    """
    check_explanation(
        expl,
        ("grid_0", "grid_1", "class"),
        "pair_heatmap",
        "use EBMExplainer.pair_functions()[name]",
    )
    f0, f1 = expl.params.get("features", ["feature 0", "feature 1"])
    classes = [str(c) for c in expl.values.coords["class"].values]
    z_all = expl.values.transpose("class", "grid_1", "grid_0").to_numpy()
    lim = float(np.nanmax(np.abs(z_all))) or 1.0  # one scale, so panels compare
    x = expl.values.coords["grid_0"].to_numpy()
    y = expl.values.coords["grid_1"].to_numpy()
    fig = make_subplots(
        rows=len(classes),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[f"class {c}" for c in classes],
        vertical_spacing=0.08,
    )
    for k, name in enumerate(classes):
        fig.add_trace(
            go.Heatmap(
                x=x,
                y=y,
                z=z_all[k],
                coloraxis="coloraxis",
                hovertemplate=f"class {name}<br>{f0} = %{{x:.3g}}<br>{f1} = %{{y:.3g}}"
                "<br>score = %{z:.4g}<extra></extra>",
            ),
            row=k + 1,
            col=1,
        )
        fig.update_yaxes(title_text=f1, showgrid=False, row=k + 1, col=1)
    fig.update_xaxes(showgrid=False)
    fig.update_xaxes(title_text=f0, row=len(classes), col=1)
    fig.update_layout(
        template=TEMPLATE,
        height=min(260 * len(classes) + 140, 3000),
        width=640,
        coloraxis={
            "colorscale": "RdBu_r",
            "cmid": 0,
            "cmin": -lim,
            "cmax": lim,
            "colorbar": {"title": {"text": f"f({f0}, {f1})", "side": "right"}},
        },
        title={
            "text": title
            or f"EBM pairwise term: {f0} & {f1}, one per class<br><sup>contribution to each "
            "class's logit, one colour scale</sup>"
        },
        margin={"t": 110},
    )
    return fig
