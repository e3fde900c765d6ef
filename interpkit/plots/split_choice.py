"""Split choice: the RSS of every candidate split, drawn (:func:`split_choice`)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import NEUTRAL, REFERENCE, TEMPLATE
from interpkit.plots.trees import R1_COLOR, R2_COLOR, _check, fmt
from interpkit.trees import SplitChoice

__all__ = ["split_choice"]


def split_choice(sc: SplitChoice, *, top: int | None = None, title: str | None = None) -> go.Figure:
    """Why the split is where it is: the two half-planes and RSS(j, s), one column per feature.

    Top row: the node's rows (target against feature j) with each feature's
    best threshold s, the half-planes R1(j, s) = {x_j ≤ s} and R2(j, s) shaded,
    and their means ŷ_R1, ŷ_R2 drawn as segments. Bottom row: RSS(j, s) as s
    moves (one axis for all features, so their minima compare), each minimum
    marked; the winning feature's in red, with the node's unsplit RSS dashed.

    Parameters
    ----------
    sc : SplitChoice
        From :func:`interpkit.trees.split_choice`.
    top : int, optional
        Draw only the ``top`` features with the lowest minimum RSS (the
        winner first); default all, in the order they were given.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Per feature ``j``: traces ``"data <j>"``, ``"means <j>"``,
        ``"RSS <j>"`` and ``"minimum <j>"``; shapes ``"R1 <j>"``, ``"R2 <j>"``.
    """
    _check(sc, SplitChoice, "split_choice", "interpkit.trees.split_choice()")
    feats = list(sc.best.index)
    if top is not None:
        if top < 1:
            raise ValueError(f"top must be a positive integer, got {top}")
        feats = list(sc.best["rss"].sort_values(kind="stable").index[:top])
    n = len(feats)
    fig = make_subplots(
        rows=2,
        cols=n,
        shared_yaxes=True,
        shared_xaxes=True,
        vertical_spacing=0.12,
        horizontal_spacing=0.04 if n > 2 else 0.06,
        row_heights=[0.55, 0.45],
    )
    fig.update_layout(template=TEMPLATE)
    y = sc.data["target"].to_numpy()
    for k, f in enumerate(feats, start=1):
        b = sc.best.loc[f]
        x = sc.data[f].to_numpy()
        win = f == sc.feature
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="markers",
                marker={
                    "color": np.where(x <= b.threshold, R1_COLOR, R2_COLOR).tolist(),
                    "size": 6,
                    "opacity": 0.75,
                },
                hovertemplate=f"{f} = %{{x:.3g}}<br>{sc.target_name} = %{{y:.3g}}<extra></extra>",
                name=f"data {f}",
                showlegend=False,
            ),
            row=1,
            col=k,
        )
        lo, hi = float(x.min()), float(x.max())
        for name, a, c, color in (
            ("R1", lo, b.threshold, R1_COLOR),
            ("R2", b.threshold, hi, R2_COLOR),
        ):
            fig.add_shape(
                type="rect",
                x0=a,
                x1=c,
                y0=0,
                y1=1,
                yref=f"y{'' if k == 1 else k} domain",
                xref=f"x{'' if k == 1 else k}",
                fillcolor=color,
                opacity=0.08,
                line={"width": 0},
                layer="below",
                name=f"{name} {f}",
            )
        fig.add_trace(
            go.Scatter(
                x=[lo, b.threshold, None, b.threshold, hi],
                y=[b.mean_left, b.mean_left, None, b.mean_right, b.mean_right],
                mode="lines",
                line={"color": REFERENCE, "width": 3},
                hoverinfo="skip",
                name=f"means {f}",
                showlegend=False,
            ),
            row=1,
            col=k,
        )
        for text, xpos, ypos, anchor in (
            ("ŷ<sub>R1</sub>", lo, b.mean_left, "left"),
            ("ŷ<sub>R2</sub>", hi, b.mean_right, "right"),
        ):
            fig.add_annotation(
                x=xpos, y=ypos, text=text, showarrow=False, xanchor=anchor, yanchor="bottom",
                font={"size": 13}, bgcolor="rgba(255,255,255,0.7)", row=1, col=k,
            )  # fmt: skip
        for text, xpos, anchor, color in (
            (f"R1: {f} ≤ s", 0.01, "left", R1_COLOR),
            (f"R2: {f} > s", 0.99, "right", R2_COLOR),
        ):
            fig.add_annotation(
                x=xpos, y=1.0, xref=f"x{'' if k == 1 else k} domain",
                yref=f"y{'' if k == 1 else k} domain", text=text, showarrow=False,
                xanchor=anchor, yanchor="top", font={"size": 11, "color": color},
            )  # fmt: skip
        c = sc.curves[sc.curves.feature == f]
        color = "#B2182B" if win else "#555555"
        fig.add_trace(
            go.Scatter(
                x=c.threshold,
                y=c.rss,
                mode="lines",
                line={"color": color if win else NEUTRAL, "width": 2.2 if win else 1.6},
                hovertemplate="s = %{x:.4g}<br>RSS = %{y:.4g}<extra></extra>",
                name=f"RSS {f}",
                showlegend=False,
            ),
            row=2,
            col=k,
        )
        fig.add_trace(
            go.Scatter(
                x=[b.threshold],
                y=[b.rss],
                mode="markers",
                marker={
                    "color": color,
                    "size": 13 if win else 10,
                    "symbol": "star" if win else "circle",
                },
                hovertemplate="s = %{x:.4g}<br>RSS = %{y:.4g}<extra></extra>",
                name=f"minimum {f}",
                showlegend=False,
            ),
            row=2,
            col=k,
        )
        for row in (1, 2):
            fig.add_vline(
                x=b.threshold, line={"dash": "dash", "color": color, "width": 1.2}, row=row, col=k
            )
        fig.add_hline(
            y=sc.rss_parent, line={"dash": "dot", "color": "#777", "width": 1}, row=2, col=k
        )
        fig.update_xaxes(title_text=f"{f}   (threshold s)", row=2, col=k)
        fig.add_annotation(
            x=b.threshold, y=b.rss, text=f"s = {fmt(b.threshold)}<br>RSS = {fmt(b.rss)}",
            showarrow=False, xanchor="left", yanchor="bottom", xshift=8, align="left",
            font={"color": color, "size": 11}, bgcolor="rgba(255,255,255,0.85)", row=2, col=k,
        )  # fmt: skip
    fig.add_annotation(
        x=1, y=sc.rss_parent, xref="x domain", yref="y" + str(n + 1), text="RSS unsplit",
        showarrow=False, xanchor="right", yanchor="bottom", font={"size": 10, "color": "#777"},
    )  # fmt: skip
    fig.update_yaxes(title_text=sc.target_name, row=1, col=1)
    fig.update_yaxes(title_text="RSS(j, s)", row=2, col=1)
    rss_hi = max(sc.rss_parent, float(sc.curves.rss.max()))
    rss_lo = float(sc.curves.rss.min())
    pad = 0.12 * (rss_hi - rss_lo or 1.0)
    fig.update_yaxes(range=[rss_lo - pad, rss_hi + pad / 2], row=2)
    where = "the root" if sc.node == 0 else f"node {sc.node}"
    default = (
        f"Choosing the split at {where} ({len(sc.data)} rows): "
        f"{sc.feature} ≤ {fmt(sc.threshold)} minimises RSS(j, s)"
    )
    if sc.agrees is not None:
        default += (
            "<br><span style='font-size:12px'>"
            + ("the same split scikit-learn chose" if sc.agrees else "scikit-learn chose ")
            + ("" if sc.agrees else f"{sc.sklearn_feature} ≤ {fmt(sc.sklearn_threshold)}")
            + f"; RSS {fmt(sc.rss_parent)} unsplit → {fmt(sc.rss)}"
            + ";  RSS(j, s) = Σ<sub>x<sub>i</sub>∈R1</sub>(y<sub>i</sub> − ŷ<sub>R1</sub>)²"
            + " + Σ<sub>x<sub>i</sub>∈R2</sub>(y<sub>i</sub> − ŷ<sub>R2</sub>)²</span>"
        )
    fig.update_layout(
        title={"text": title or default},
        height=640,
        width=max(640, 380 * n + 120),
        margin={"t": 100},
    )
    return fig
