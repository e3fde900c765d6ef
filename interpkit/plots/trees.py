"""How a decision tree decides: partition ⇔ tree, and split choice by RSS.

Each function draws one result dataclass of :mod:`interpkit.trees`; nothing
here fits a model. The boosting-stages plot is in :mod:`interpkit.plots.boosting`,
and split choice in :mod:`interpkit.plots.split_choice`; both reuse :func:`fmt` and
the type check from here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from interpkit.plots._common import PALETTE, TEMPLATE
from interpkit.trees import TreePartition

__all__ = ["tree_partition"]

# light yellow -> teal -> dark blue: leaf colours stay readable under black or white text
VALUE_SCALE = "YlGnBu"
R1_COLOR, R2_COLOR = PALETTE[0], PALETTE[1]


def _check(obj: Any, cls: type, func: str, source: str) -> None:
    if not isinstance(obj, cls):
        raise TypeError(
            f"{func}() takes an {cls.__module__}.{cls.__name__} (from {source}), "
            f"got {type(obj).__name__}"
        )


def fmt(x: float) -> str:
    """Thresholds and leaf values: 4 significant digits, no exponent below 10⁵ (3669, 65.5)."""
    x = float(x)
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        return f"{x:.3g}"
    return f"{x:.4g}"


def _text_color(rgb: str) -> str:
    """Black on light fills, white on dark ones."""
    r, g, b = (float(v) for v in rgb[rgb.index("(") + 1 : -1].split(",")[:3])
    return "#111" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "white"


# -- partition ⇔ tree ---------------------------------------------------------------------------
def tree_partition(part: TreePartition, *, title: str | None = None) -> go.Figure:
    """The partition of two features (left) next to the tree that makes it (right).

    Leaves carry the same label R1, R2, ... (numbered left to right in the
    tree) and the same colour in both panels; in the partition the data
    points sit on top of their leaf's rectangle.

    Parameters
    ----------
    part : TreePartition
        From :func:`interpkit.trees.tree_partition`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels. Left: one rectangle shape per leaf (``name`` ``"leaf <id>"``),
        a ``"data"`` scatter, a ``"leaf labels"`` hover trace and one annotation
        per leaf. Right: an
        ``"edges"`` line trace, one box shape per node (``name`` ``"node <id>"``)
        and a ``"nodes"`` trace with the split or leaf text.
    """
    _check(part, TreePartition, "tree_partition", "interpkit.trees.tree_partition()")
    leaves, nodes = part.leaves, part.nodes
    fa, fb = part.features
    fill, text_col = _leaf_colors(part)
    leaf_ids = nodes.index[nodes.is_leaf][np.argsort(nodes.x[nodes.is_leaf].to_numpy())]
    region = {int(n): f"R{k + 1}" for k, n in enumerate(leaf_ids)}

    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.46, 0.54],
        horizontal_spacing=0.1,
        subplot_titles=("The partition of the feature plane", "The tree"),
    )
    fig.update_layout(template=TEMPLATE)
    for node, r in leaves.iterrows():
        fig.add_shape(
            type="rect",
            x0=r.x_min,
            x1=r.x_max,
            y0=r.y_min,
            y1=r.y_max,
            fillcolor=fill[node],
            opacity=0.85,
            line={"color": "white", "width": 2},
            layer="below",
            name=f"leaf {node}",
            row=1,
            col=1,
        )
    fig.add_trace(_points(part, fill), row=1, col=1)
    cx, cy = (leaves.x_min + leaves.x_max) / 2, (leaves.y_min + leaves.y_max) / 2
    fig.add_trace(
        go.Scatter(
            x=cx,
            y=cy,
            mode="markers",  # invisible: carries the hover; the labels are annotations
            marker={"size": 24, "opacity": 0},
            text=[f"<b>{region[n]}</b><br>{_value_text(part, v)}" for n, v in leaves.value.items()],
            customdata=np.stack([leaves.rule, leaves.n_data], axis=1),
            hovertemplate="%{text}<br>%{customdata[0]}<br>%{customdata[1]} points<extra></extra>",
            name="leaf labels",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    (x0, x1), (y0, y1) = part.bounds
    # thin rectangles get only their name (the value is in the tree and the hover)
    small = ((leaves.x_max - leaves.x_min) < 0.07 * (x1 - x0)) | (
        (leaves.y_max - leaves.y_min) < 0.1 * (y1 - y0)
    )
    for x, y, text, tiny in zip(cx, cy, fig.data[-1].text, small, strict=True):
        fig.add_annotation(
            x=x, y=y, text=text.split("<br>")[0] if tiny else text, showarrow=False,
            font={"size": 10 if tiny else 12, "color": "#111"},
            bgcolor="rgba(255,255,255,0.72)", borderpad=2, name="leaf label", row=1, col=1,
        )  # fmt: skip
    _draw_tree(fig, part, fill, text_col, region)
    fig.update_annotations(yshift=14, selector={"text": "The partition of the feature plane"})
    fig.update_annotations(yshift=14, selector={"text": "The tree"})

    fig.update_xaxes(title_text=fa, range=[x0, x1], showgrid=False, row=1, col=1)
    fig.update_yaxes(title_text=fb, range=[y0, y1], showgrid=False, row=1, col=1)
    kind = "classification" if part.task == "classification" else "regression"
    default = f"A {kind} tree on {fa} and {fb}: each leaf is one rectangle"
    if part.at:
        held = ", ".join(f"{k} = {fmt(v)}" for k, v in part.at.items())
        default += f"<br><span style='font-size:12px'>slice with {held}</span>"
    n_leaf_rows = len(leaf_ids)
    fig.update_layout(
        title={"text": title or default},
        height=max(480, 360 + 30 * int(nodes.depth.max())),
        width=max(1050, 700 + 60 * n_leaf_rows),
        showlegend=part.task == "classification",
        legend={"orientation": "h", "y": -0.12, "x": 0},
        margin={"t": 110 if part.at else 90},
    )
    return fig


def _leaf_colors(part: TreePartition) -> tuple[dict[int, str], dict[int, str]]:
    """Fill and text colour per node, from its value (regression) or class."""
    nodes = part.nodes
    if part.task == "classification":
        colors = {c: PALETTE[k % len(PALETTE)] for k, c in enumerate(part.classes or ())}
        fill = {int(n): _rgb(colors[v]) for n, v in nodes.value.items()}
    else:
        lo, hi = _value_range(part)
        pos = ((nodes.value.astype(float) - lo) / (hi - lo or 1.0)).clip(0, 1)
        fill = dict(zip(map(int, nodes.index), sample_colorscale(VALUE_SCALE, pos), strict=True))
    return fill, {n: _text_color(c) for n, c in fill.items()}


def _value_range(part: TreePartition) -> tuple[float, float]:
    vals = part.nodes.value.astype(float).to_numpy()
    if "target" in part.data:
        vals = np.concatenate([vals, part.data["target"].to_numpy(float)])
    return float(vals.min()), float(vals.max())


def _rgb(hex_color: str) -> str:
    return "rgb({}, {}, {})".format(*(int(hex_color[i : i + 2], 16) for i in (1, 3, 5)))


def _value_text(part: TreePartition, v: Any) -> str:
    return str(v) if part.task == "classification" else fmt(float(v))


def _points(part: TreePartition, fill: dict[int, str]) -> go.Scatter:
    data, (fa, fb) = part.data, part.features
    marker: dict[str, Any] = {"size": 7, "line": {"color": "#222", "width": 0.8}}
    hover = f"{fa} = %{{x:.3g}}<br>{fb} = %{{y:.3g}}"
    if "target" not in data:
        marker["color"] = "white"
    elif part.task == "classification":
        colors = {c: PALETTE[k % len(PALETTE)] for k, c in enumerate(part.classes or ())}
        marker["color"] = [colors[v] for v in data["target"]]
        hover += f"<br>{part.target_name} = %{{customdata}}"
    else:
        lo, hi = _value_range(part)
        marker.update(
            color=data["target"],
            colorscale=VALUE_SCALE,
            cmin=lo,
            cmax=hi,
            colorbar={
                "title": {"text": part.target_name},
                "x": 0.455,
                "len": 0.75,
                "thickness": 12,
            },
        )
        hover += f"<br>{part.target_name} = %{{customdata:.3g}}"
    return go.Scatter(
        x=data[fa],
        y=data[fb],
        mode="markers",
        marker=marker,
        customdata=data["target"] if "target" in data else None,
        hovertemplate=hover + "<extra></extra>",
        cliponaxis=False,
        name="data",
        showlegend=False,
    )


def _draw_tree(
    fig: go.Figure,
    part: TreePartition,
    fill: dict[int, str],
    text_col: dict[int, str],
    region: dict[int, str],
) -> None:
    nodes = part.nodes
    ex, ey, lx, ly, lt = [], [], [], [], []
    half_w, half_h = 0.46, 0.3
    for _, r in nodes.iterrows():
        if r.parent < 0:
            continue
        p = nodes.loc[r.parent]
        # from the bottom of the parent's box to the top of the child's
        ex += [p.x, r.x, None]
        ey += [p.y - half_h, r.y + half_h, None]
        lx.append((p.x + r.x) / 2)
        ly.append((p.y + r.y) / 2)
        lt.append("yes" if r.side == "left" else "no")
    fig.add_trace(
        go.Scatter(
            x=ex,
            y=ey,
            mode="lines",
            line={"color": "#999", "width": 1.5},
            hoverinfo="skip",
            name="edges",
            showlegend=False,
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=lx,
            y=ly,
            mode="text",
            text=lt,
            textfont={"size": 10, "color": "#777"},
            hoverinfo="skip",
            name="edge labels",
            showlegend=False,
        ),
        row=1,
        col=2,
    )
    texts, colors = [], []
    for node, r in nodes.iterrows():
        if r.is_leaf:
            texts.append(
                f"<b>{region[node]}</b>: {_value_text(part, r.value)}<br>n = {r.n_samples}"
            )
            box, line, colors_ = fill[node], "white", text_col[node]
        else:
            texts.append(f"{r.feature} ≤ {fmt(r.threshold)}<br>n = {r.n_samples}")
            box, line, colors_ = "white", "#666", "#222"
        if not r.in_plane:  # a branch the drawn slice never reaches
            box, line, colors_ = "#F2F2F2", "#CCC", "#999"
        colors.append(colors_)
        fig.add_shape(
            type="rect",
            x0=r.x - half_w,
            x1=r.x + half_w,
            y0=r.y - half_h,
            y1=r.y + half_h,
            fillcolor=box,
            line={"color": line, "width": 1.2},
            layer="below",
            name=f"node {node}",
            row=1,
            col=2,
        )
    fig.add_trace(
        go.Scatter(
            x=nodes.x,
            y=nodes.y,
            mode="text",
            text=texts,
            textfont={"size": 10.5, "color": colors},
            hovertemplate="%{text}<extra></extra>",
            name="nodes",
            showlegend=False,
        ),
        row=1,
        col=2,
    )
    if part.task == "classification":
        for k, c in enumerate(part.classes or ()):
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker={"color": PALETTE[k % len(PALETTE)], "size": 10, "symbol": "square"},
                    name=str(c),
                ),
                row=1,
                col=2,
            )
    depth = int(nodes.depth.max())
    fig.update_xaxes(
        visible=False, range=[nodes.x.min() - 0.55, nodes.x.max() + 0.55], row=1, col=2
    )
    fig.update_yaxes(visible=False, range=[-depth - 0.45, 0.45], row=1, col=2)


# -- split choice -------------------------------------------------------------------------------
