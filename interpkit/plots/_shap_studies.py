"""Figures of the SHAP studies (:mod:`interpkit.adapters.shap.studies`); see plots.shap."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import PALETTE, TEMPLATE, fmt, new_figure, row_base_value, top_order

if TYPE_CHECKING:
    from interpkit.adapters.shap.studies import (
        BaselineSensitivity,
        KernelConvergence,
        MarginalVsConditional,
    )

__all__ = ["baseline_comparison", "kernel_convergence", "marginal_vs_conditional"]


def kernel_convergence(result: KernelConvergence, *, title: str | None = None) -> go.Figure:
    """KernelSHAP variance vs nsamples (log-log, fitted slope) and error vs the reference."""
    from interpkit.adapters.shap.studies import KernelConvergence

    if not isinstance(result, KernelConvergence):
        raise TypeError(
            f"kernel_convergence() takes a KernelConvergence, got {type(result).__name__}"
        )
    n = result.nsamples.astype(float)
    var = result.variance.mean(axis=1)
    two = result.error is not None
    titles = ["variance across seeds", f"error vs {result.reference} SHAP"] if two else None
    fig = make_subplots(rows=1, cols=2 if two else 1, horizontal_spacing=0.14,
                        subplot_titles=titles)  # fmt: skip
    n_all = n
    n, var = n[~result.exhaustive], var[~result.exhaustive]
    fig.add_trace(
        go.Scatter(x=n, y=var, mode="markers+lines", name="mean variance",
                   marker={"color": PALETTE[0], "size": 8}, line={"color": PALETTE[0]}),
        row=1, col=1,
    )  # fmt: skip
    keep = var > 0
    if keep.sum() >= 2 and np.isfinite(result.slope):
        icpt = np.mean(np.log(var[keep]) - result.slope * np.log(n[keep]))
        fig.add_trace(
            go.Scatter(x=n, y=np.exp(icpt) * n**result.slope, mode="lines",
                       name=f"fit: slope {result.slope:.2f}",
                       line={"color": "#888", "dash": "dash"}),
            row=1, col=1,
        )  # fmt: skip
        ref = var[keep][0] * n[keep][0] / n
        fig.add_trace(
            go.Scatter(x=n, y=ref, mode="lines", name="1/nsamples",
                       line={"color": "#BBB", "dash": "dot"}),
            row=1, col=1,
        )  # fmt: skip
    n = n_all
    floor = 1e-12  # an exhaustive (exact) run has error ~1e-16; keep the log axis readable
    if two:
        fig.add_trace(
            go.Scatter(x=n, y=np.maximum(result.error, floor), mode="markers+lines", name="one run",
                       marker={"color": PALETTE[1], "size": 8}, line={"color": PALETTE[1]}),
            row=1, col=2,
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(x=n, y=np.maximum(result.mean_error, floor), mode="markers+lines",
                       name=f"mean of {result.n_repeats} runs",
                       marker={"color": PALETTE[2], "size": 8}, line={"color": PALETTE[2]}),
            row=1, col=2,
        )  # fmt: skip
        if result.tol is not None:
            fig.add_hline(y=result.tol, line={"color": "#C00", "dash": "dot"}, row=1, col=2)
        fig.update_yaxes(title={"text": "RMS error"}, row=1, col=2)
    # label the grid itself, and only 1-2-5 on the y axes: no crowded minor digits
    ticks = {"type": "log", "tickvals": n_all, "ticktext": [str(int(v)) for v in n_all]}
    fig.update_xaxes(title={"text": "nsamples"}, **ticks)
    fig.update_yaxes(type="log", dtick="D2")
    fig.update_yaxes(title={"text": "variance of phi"}, row=1, col=1)
    reached = ""
    if result.tol is not None:
        at = result.nsamples_for_tol
        reached = f"; tol {fmt(result.tol)} " + (f"reached at {at}" if at else "not reached")
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": title
            or f"KernelSHAP convergence ({result.n_repeats} seeds, {result.n_rows} rows){reached}"
        },  # fmt: skip
        height=420,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def baseline_comparison(
    result: BaselineSensitivity, *, row: int | None = None, max_features: int = 12,
    title: str | None = None,
) -> go.Figure:  # fmt: skip
    """The same rows under each background: grouped bars per feature.

    ``row=None`` shows mean ``|phi|`` over the rows; an int shows that row's phi.
    """
    from interpkit.adapters.shap.studies import BaselineSensitivity

    if not isinstance(result, BaselineSensitivity):
        raise TypeError(
            f"baseline_comparison() takes a BaselineSensitivity, got {type(result).__name__}"
        )
    items = list(result.explanations.items())
    first = items[0][1]
    names = first.feature_names
    if row is None:
        vals = {k: np.abs(e.to_numpy()).mean(axis=0) for k, e in items}
        what = "mean |phi|"
    else:
        vals = {k: e.to_numpy()[row] for k, e in items}
        what = f"phi of row {first.values.coords['sample'].values[row]}"
    feats = top_order(np.max(np.abs(np.stack(list(vals.values()))), axis=0), max_features)
    fig = new_figure()
    for i, (name, v) in enumerate(vals.items()):
        base = row_base_value(result.explanations[name], 0 if row is None else row)
        fig.add_trace(
            go.Bar(x=v[feats], y=[names[j] for j in feats], orientation="h",
                   name=f"{name} (base {fmt(base) if base is not None else '-'})",
                   marker={"color": PALETTE[i % len(PALETTE)]},
                   hovertemplate="%{y}<br>%{x:.4g}<extra>" + name + "</extra>")
        )  # fmt: skip
    fig.add_vline(x=0, line={"color": "#666", "width": 1})
    agree = ""
    if len(result.agreement):
        a = result.agreement.iloc[0]
        agree = (f"<br><sup>{a['background_a']} vs {a['background_b']}: mean |Δphi| "
                 f"{fmt(a['mean_abs_diff'])}, same top feature in "
                 f"{100 * a['top_feature_agreement']:.0f}% of rows</sup>")  # fmt: skip
    fig.update_layout(
        title={"text": (title or f"Baselines change the explanation: {what}") + agree},
        barmode="group",
        xaxis={"title": {"text": what}},
        yaxis={"autorange": "reversed", "showgrid": False, "ticks": ""},
        height=max(320, 150 + 22 * len(feats) * len(vals)),
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 100},
    )
    return fig


def marginal_vs_conditional(
    result: MarginalVsConditional, *, title: str | None = None
) -> go.Figure:
    """Coefficients next to mean ``|phi|`` under both value functions, per feature."""
    from interpkit.adapters.shap.studies import MarginalVsConditional

    if not isinstance(result, MarginalVsConditional):
        kind = type(result).__name__
        raise TypeError(f"marginal_vs_conditional() takes a MarginalVsConditional, got {kind}")
    table = result.summary()
    names = list(table.index)
    fig = new_figure()
    series = [
        ("|coefficient|", np.abs(table["coefficient"].to_numpy()), "#555555"),
        ("mean |phi|, interventional", table["mean_abs_interventional"].to_numpy(), PALETTE[0]),
        ("mean |phi|, conditional", table["mean_abs_conditional"].to_numpy(), PALETTE[1]),
    ]
    for label, vals, color in series:
        fig.add_trace(
            go.Bar(x=vals, y=names, orientation="h", name=label, marker={"color": color},
                   hovertemplate="%{y}<br>%{x:.4g}<extra>" + label + "</extra>")
        )  # fmt: skip
    fig.update_layout(
        title={"text": title or "Marginal vs conditional linear SHAP"},
        barmode="group",
        xaxis={"title": {"text": "size"}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "showgrid": False, "ticks": ""},
        height=max(320, 150 + 22 * 3 * len(names)),
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
