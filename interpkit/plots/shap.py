"""SHAP figures: waterfall, beeswarm, bar with intervals, dependence, heatmap, and the studies.

Every function reads an :class:`~interpkit.Explanation` with dims
``("sample", "feature")`` (local SHAP or LIME values with ``data``), a
:class:`~interpkit.StabilityResult`, or a study result from
:mod:`interpkit.adapters.shap`; nothing here computes a model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.explanation import Explanation
from interpkit.plots._common import (
    NEGATIVE,
    PALETTE,
    POSITIVE,
    TEMPLATE,
    check_explanation,
    check_stability,
    fmt,
    level_text,
    new_figure,
    row_base_value,
    scheme_text,
    top_order,
)
from interpkit.plots._labels import categories, discrete_scale, levels, value_text
from interpkit.plots._shap_studies import (
    baseline_comparison,
    kernel_convergence,
    marginal_vs_conditional,
)

if TYPE_CHECKING:
    from interpkit.stability import StabilityResult

__all__ = [
    "baseline_comparison",
    "beeswarm",
    "dependence",
    "kernel_convergence",
    "marginal_vs_conditional",
    "shap_bar",
    "shap_heatmap",
    "waterfall",
]

_GLOBAL_NAMES = {
    "mean_abs_shap_value": "mean |SHAP value|",
    "mean_abs_lime_weight": "mean |LIME weight|",
}
_LOCAL_HINT = "pass a local explanation, explainer.explain(X_rows)"
# blue (low feature value) to red (high), as SHAP users expect
_VALUE_SCALE = [[0.0, "#3B82C4"], [0.5, "#B9A3C8"], [1.0, "#D6336C"]]
_DIVERGING = [[0.0, NEGATIVE], [0.5, "#F7F7F7"], [1.0, POSITIVE]]


def _local(expl: Any, func: str, need_data: bool = False) -> None:
    check_explanation(expl, ("sample", "feature"), func, _LOCAL_HINT)
    if need_data and expl.data is None:
        raise ValueError(f"{func}() needs the explained feature values (Explanation.data)")


def _scale(expl: Explanation) -> str:
    name = expl.output_name or "output"
    return f"SHAP value (impact on {name})" if "shap" in expl.method else f"value ({name})"


def waterfall(
    expl: Explanation, row: int = 0, *, max_features: int = 10, title: str | None = None
) -> go.Figure:
    """From the base value to this row's output, one bar per feature.

    Parameters
    ----------
    expl : Explanation, dims ``("sample", "feature")``
    row : int
        Position of the row in ``expl``.
    max_features : int
        The largest ``|phi|`` are drawn; the rest are summed into one bar.
    """
    _local(expl, "waterfall")
    n = expl.values.sizes["sample"]
    if not 0 <= row < n:
        raise ValueError(f"row must be in [0, {n}), got {row}")
    phi = expl.to_numpy()[row].astype(float)
    names = expl.feature_names
    data = None if expl.data is None else expl.data.to_numpy()[row]
    cats = categories(expl)
    order = top_order(np.abs(phi), max_features)
    labels = [
        f"{names[j]} = {value_text(data[j], cats.get(names[j]))}" if data is not None else names[j]
        for j in order
    ]
    steps = list(phi[order])
    rest = np.setdiff1d(np.arange(phi.size), order)
    if rest.size:
        labels.append(f"{rest.size} other features")
        steps.append(float(phi[rest].sum()))
    base = row_base_value(expl, row) or 0.0
    # smallest bars at the bottom, so the plot reads upward to f(x)
    labels, steps = labels[::-1], steps[::-1]
    fig = new_figure()
    fig.add_trace(
        go.Waterfall(
            orientation="h",
            y=labels,
            x=steps,
            base=base,
            measure=["relative"] * len(steps),
            increasing={"marker": {"color": POSITIVE}},
            decreasing={"marker": {"color": NEGATIVE}},
            text=[("+" if s > 0 else "") + fmt(s) for s in steps],
            textposition="outside",
            cliponaxis=False,
            connector={"line": {"color": "#AAA", "width": 1}},
            hovertemplate="<b>%{y}</b><br>%{x:+.4g}<extra></extra>",
        )
    )
    total = base + float(phi.sum())
    path = base + np.concatenate([[0.0], np.cumsum(steps)])
    span = float(np.ptp(path)) or 1.0
    xrange = [float(path.min()) - 0.22 * span, float(path.max()) + 0.22 * span]
    fig.add_vline(x=base, line={"color": "#666", "dash": "dot", "width": 1})
    fig.add_vline(x=total, line={"color": "#222", "width": 1})
    label = expl.values.coords["sample"].values[row]
    fig.add_annotation(
        x=base, y=1.0, yref="paper", yanchor="bottom", showarrow=False,
        text=f"base E[f] = {fmt(base)}", font={"size": 11, "color": "#666"}, xanchor="right",
    )  # fmt: skip
    fig.add_annotation(
        x=total, y=1.0, yref="paper", yanchor="bottom", showarrow=False,
        text=f"f(x) = {fmt(total)}", font={"size": 11}, xanchor="left",
    )  # fmt: skip
    fig.update_layout(
        title={"text": title or f"Why row {label} gets {fmt(total)}"},
        xaxis={"title": {"text": expl.output_name or "model output"}, "range": xrange},
        yaxis={"showgrid": False, "ticks": ""},
        showlegend=False,
        height=max(300, 140 + 30 * len(steps)),
        margin={"t": 100},
    )
    return fig


def beeswarm(
    expl: Explanation, *, max_features: int = 15, title: str | None = None, seed: int = 0
) -> go.Figure:
    """Every row's phi per feature, coloured by the feature's value (low blue, high red).

    Features are ordered by mean ``|phi|``; points are jittered vertically
    (``seed`` fixes the jitter). Category columns (``params["categories"]``)
    have no low or high: their points are grey, the category named on hover.
    """
    _local(expl, "beeswarm", need_data=True)
    phi = expl.to_numpy().astype(float)
    data = expl.data.to_numpy().astype(float)
    names = expl.feature_names
    cats = categories(expl)
    order = top_order(np.abs(phi).mean(axis=0), max_features)
    numeric = [j for j in order if names[j] not in cats]
    rng = np.random.default_rng(seed)
    fig = new_figure()
    for pos, j in enumerate(order):
        col = data[:, j]
        if names[j] in cats:
            labels = cats[names[j]]
            fig.add_trace(
                go.Scattergl(
                    x=phi[:, j],
                    y=pos + rng.uniform(-0.3, 0.3, size=col.size),
                    mode="markers",
                    marker={"size": 5, "color": "#8C8C8C", "opacity": 0.7},
                    customdata=[value_text(v, labels) for v in col],
                    name=names[j],
                    hovertemplate=f"<b>{names[j]}</b> = %{{customdata}}<br>"
                    "phi %{x:.4g}<extra></extra>",
                )
            )
            continue
        # colour by rank, so one extreme value does not wash out the rest
        ranks = np.argsort(np.argsort(col, kind="stable"), kind="stable") / max(1, col.size - 1)
        fig.add_trace(
            go.Scattergl(
                x=phi[:, j],
                y=pos + rng.uniform(-0.3, 0.3, size=col.size),
                mode="markers",
                marker={
                    "size": 5,
                    "color": ranks,
                    "colorscale": _VALUE_SCALE,
                    "cmin": 0,
                    "cmax": 1,
                    "opacity": 0.8,
                    "showscale": bool(j == numeric[0]),
                    "colorbar": {
                        "title": {"text": "feature value", "side": "right"},
                        "tickvals": [0, 1],
                        "ticktext": ["low", "high"],
                        "thickness": 12,
                        "len": 0.6,
                    },
                },
                customdata=col,
                name=names[j],
                hovertemplate=f"<b>{names[j]}</b> = %{{customdata:.4g}}<br>"
                "phi %{x:.4g}<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#666", "width": 1})
    fig.update_layout(
        title={
            "text": title
            or f"{_scale(expl)}: all {phi.shape[0]} rows"
            + (
                "<br><sup>grey: category columns, no low or high (hover names the category)</sup>"
                if len(numeric) < len(order)
                else ""
            )
        },  # fmt: skip
        xaxis={"title": {"text": _scale(expl)}},
        yaxis={
            "tickvals": list(range(len(order))),
            "ticktext": [names[j] for j in order],
            "autorange": "reversed",
            "showgrid": False,
        },
        showlegend=False,
        height=max(300, 120 + 34 * len(order)),
    )
    return fig


def shap_bar(item: Explanation | StabilityResult, *, top: int | None = None,
             title: str | None = None) -> go.Figure:  # fmt: skip
    """Global mean ``|phi|`` as bars; from a StabilityResult with percentile intervals.

    Parameters
    ----------
    item : Explanation with dims ``("feature",)`` (``explainer.explain()``),
        or a StabilityResult over ``("replicate", "feature")``.
    """
    from interpkit.stability import StabilityResult

    if isinstance(item, StabilityResult):
        check_stability(item, "shap_bar", ("replicate", "feature"))
        table = item.summary()
        names = list(table.index)
        ref = table["reference"].to_numpy()
        lo, hi = table["lower"].to_numpy(), table["upper"].to_numpy()
        expl = item.reference
        note = f"{level_text(item)} intervals over {scheme_text(item)}"
    else:
        check_explanation(item, ("feature",), "shap_bar", "use explainer.explain() without rows")
        expl = item
        names = expl.feature_names
        ref = np.abs(expl.to_numpy().astype(float))
        lo = hi = None
        note = ""
    order = top_order(np.abs(ref), top)
    fig = new_figure()
    error = None
    if lo is not None:
        error = {
            "type": "data", "symmetric": False, "array": hi[order] - ref[order],
            "arrayminus": ref[order] - lo[order], "color": "#333", "thickness": 1.5, "width": 4,
        }  # fmt: skip
    fig.add_trace(
        go.Bar(
            x=ref[order],
            y=[names[j] for j in order],
            orientation="h",
            marker={"color": PALETTE[0]},
            error_x=error,
            hovertemplate="<b>%{y}</b><br>%{x:.4g}<extra></extra>",
        )
    )
    name = str(expl.values.name or "value")
    name = _GLOBAL_NAMES.get(name, name.replace("_", " "))
    head = title or f"{name[:1].upper() + name[1:]} ({expl.output_name or 'output'})"
    fig.update_layout(
        title={"text": head + (f"<br><sup>{note}</sup>" if note else "")},
        xaxis={"title": {"text": name}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "showgrid": False, "ticks": ""},
        showlegend=False,
        height=max(280, 140 + 28 * len(order)),
        bargap=0.3,
    )
    return fig


def dependence(
    expl: Explanation, feature: str, *, color_by: str | None = None, title: str | None = None
) -> go.Figure:
    """Feature value against its phi, coloured by an interaction feature's value.

    A category column (``params["categories"]``) gets a categorical x axis:
    its labels in level order, a missing value as the level ``"missing"``
    last, a box per level and the rows jittered over it. Coloured by a
    category column, each level has a colour of its own, named on the
    colour bar.
    """
    _local(expl, "dependence", need_data=True)
    names = expl.feature_names
    for f in (feature, color_by):
        if f is not None and f not in names:
            raise ValueError(f"unknown feature {f!r}; the explanation has {names}")
    j = names.index(feature)
    cats = categories(expl)
    codes = expl.data.to_numpy()[:, j].astype(float)
    y = expl.to_numpy()[:, j].astype(float)
    xaxis: dict[str, Any] = {"title": {"text": feature}}
    x: Any = codes
    hover = "%{x:.4g}"
    if feature in cats:  # a category column: its labels on a categorical axis
        x, hover = [value_text(v, cats[feature]) for v in codes], "%{x}"
        order = levels(codes, cats[feature])
        xaxis.update(type="category", categoryorder="array", categoryarray=order)
    marker: dict[str, Any] = {"size": 6, "color": PALETTE[0], "opacity": 0.75}
    if color_by is not None:
        marker.update(_colour_marker(expl, color_by, cats))
    template = f"{feature} = {hover}<br>phi %{{y:.4g}}<extra></extra>"
    fig = new_figure()
    if feature in cats and color_by is None:  # the rows jittered over a box per level
        fig.add_trace(
            go.Box(
                x=x, y=y, boxpoints="all", jitter=0.5, pointpos=0, marker=marker,
                line={"color": "#888", "width": 1}, fillcolor="rgba(0,0,0,0)",
                hoveron="points", hovertemplate=template, name=feature,
            )
        )  # fmt: skip
    else:
        fig.add_trace(go.Scattergl(x=x, y=y, mode="markers", marker=marker, hovertemplate=template))
        if feature in cats:  # a box per level behind the coloured points
            fig.add_trace(
                go.Box(
                    x=x, y=y, boxpoints=False, line={"color": "#888", "width": 1},
                    fillcolor="rgba(0,0,0,0)", hoverinfo="skip", name=feature,
                )
            )  # fmt: skip
    fig.add_hline(y=0, line={"color": "#666", "width": 1})
    extra = f", coloured by {color_by}" if color_by else ""
    fig.update_layout(
        title={"text": title or f"Dependence of phi on {feature}{extra}"},
        xaxis=xaxis,
        yaxis={"title": {"text": f"phi({feature})"}},
        showlegend=False,
        height=420,
    )
    return fig


def _colour_marker(expl: Explanation, color_by: str, cats: dict[str, list[str]]) -> dict:
    """Marker colours of ``color_by``: a value scale, or one colour per category level."""
    c = expl.data.to_numpy()[:, expl.feature_names.index(color_by)].astype(float)
    bar: dict[str, Any] = {"title": {"text": color_by, "side": "right"}, "thickness": 12}
    if color_by not in cats:
        return {"color": c, "colorscale": _VALUE_SCALE, "showscale": True, "colorbar": bar}
    names = levels(c, cats[color_by])  # level i drawn as the flat band around i
    position = {name: i for i, name in enumerate(names)}
    index = [position[value_text(v, cats[color_by])] for v in c]
    bar.update(tickvals=list(range(len(names))), ticktext=names)
    return {
        "color": index,
        "colorscale": discrete_scale(names),
        "cmin": -0.5,
        "cmax": len(names) - 0.5,
        "showscale": True,
        "colorbar": bar,
    }


def shap_heatmap(
    expl: Explanation,
    *,
    order: str = "clustering",
    max_features: int = 12,
    title: str | None = None,
) -> go.Figure:
    """phi of every row (columns) and feature (rows), with the output above.

    ``order``: ``"clustering"`` (hierarchical clustering of the rows' phi,
    leaf order), ``"prediction"`` (by output) or ``"none"``.
    """
    _local(expl, "shap_heatmap")
    if order not in ("clustering", "prediction", "none"):
        raise ValueError(f"order must be 'clustering', 'prediction' or 'none', got {order!r}")
    phi = expl.to_numpy().astype(float)
    base = np.zeros(phi.shape[0]) if expl.base_value is None else np.asarray(expl.base_value)
    output = phi.sum(axis=1) + np.broadcast_to(base, (phi.shape[0],))
    if order == "prediction":
        rows = np.argsort(output, kind="stable")
    elif order == "clustering" and phi.shape[0] > 2:
        from scipy.cluster.hierarchy import leaves_list, linkage

        rows = leaves_list(linkage(phi, method="average"))
    else:
        rows = np.arange(phi.shape[0])
    feats = top_order(np.abs(phi).mean(axis=0), max_features)
    names = expl.feature_names
    lim = float(np.abs(phi[:, feats]).max()) or 1.0
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.2, 0.8],
                        vertical_spacing=0.03)  # fmt: skip
    fig.add_trace(
        go.Scatter(x=np.arange(rows.size), y=output[rows], mode="lines",
                   line={"color": "#222", "width": 1.5}, name="f(x)",
                   hovertemplate="f(x) %{y:.4g}<extra></extra>"),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Heatmap(
            z=phi[rows][:, feats].T,
            x=np.arange(rows.size),
            y=[names[j] for j in feats],
            colorscale=_DIVERGING, zmin=-lim, zmax=lim,
            colorbar={"title": {"text": "phi", "side": "right"}, "thickness": 12, "len": 0.75,
                      "y": 0.4},
            hovertemplate="%{y}<br>phi %{z:.4g}<extra></extra>",
        ),
        row=2, col=1,
    )  # fmt: skip
    how = {"clustering": "clustered by phi", "prediction": "ordered by output", "none": ""}[order]
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title or f"{_scale(expl)}, {rows.size} rows {how}".strip()},
        showlegend=False,
        height=max(360, 170 + 26 * len(feats)),
    )
    fig.update_yaxes(title={"text": expl.output_name or "f(x)"}, row=1, col=1)
    fig.update_yaxes(autorange="reversed", showgrid=False, row=2, col=1)
    fig.update_xaxes(title={"text": "rows"}, showgrid=False, row=2, col=1)
    return fig
