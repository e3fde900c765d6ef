"""Plots of a :class:`~interpkit.comparison.Comparison`: several methods on one scale.

Values of different methods are shown as ranks of ``|value|`` or as shares of
each method's total ``|value|``, so coefficients, SHAP values and impurity
decreases fit on one axis. (:func:`interpkit.plots.compare_stability` shows
raw values of StabilityResults on their own scale.)
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from interpkit.comparison import METRICS, Comparison
from interpkit.plots._common import (
    PALETTE,
    TEMPLATE,
    darker,
    interval_error,
    short_label,
    spread_labels,
)

__all__ = ["agreement_heatmap", "compare_intervals", "rank_bump"]

LABEL_CHARS = 28  # feature names at the end of the bump chart: longer ones end in "…"
LABEL_PX = 7.6  # px per character of a 13 px label, generously

_METRIC_TITLES = {
    "spearman": "Spearman ρ of |value|",
    "kendall": "Kendall τ of |value|",
    "jaccard": "top-{k} Jaccard index",
    "sign": "sign agreement",
}


def _check_comparison(comparison: Any, func: str) -> None:
    if not isinstance(comparison, Comparison):
        raise TypeError(
            f"{func}() takes an interpkit Comparison (from interpkit.compare()), "
            f"got {type(comparison).__name__}"
        )


def _check_top(top: int | None) -> None:
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top must be a positive integer, got {top!r}")


def _top_table(comparison: Comparison, top: int | None) -> pd.DataFrame:
    _check_top(top)
    table = comparison.table()  # sorted by mean rank
    return table if top is None else table.iloc[:top]


def _subtitle(comparison: Comparison, extra: str = "") -> str:
    notes = [extra] if extra else []
    if comparison.dropped:
        n = len({f for d in comparison.dropped.values() for f in d})
        notes.append(f"{len(comparison.features)} common features ({n} dropped by join='inner')")
    return f"<br><sup>{'; '.join(notes)}</sup>" if notes else ""


# -- agreement heatmap ----------------------------------------------------------------------
def agreement_heatmap(
    comparison: Comparison, metric: str = "spearman", *, title: str | None = None
) -> go.Figure:
    """Method-by-method heatmap of one agreement metric.

    Parameters
    ----------
    comparison : Comparison
        From :func:`interpkit.compare`.
    metric : {"spearman", "kendall", "jaccard", "sign"}, default "spearman"
        Which agreement to show.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``go.Heatmap`` named ``metric`` whose ``z`` is
        ``comparison.agreement_matrix(metric)`` (rows top to bottom, columns
        left to right in the order of ``comparison.names``), values written
        in the cells.

    Examples
    --------
    >>> agreement_heatmap(interpkit.compare({"a": e1, "b": e2}))  # doctest: +SKIP
    """
    _check_comparison(comparison, "agreement_heatmap")
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    mat = comparison.agreement_matrix(metric)
    names = [str(n) for n in mat.index]
    z = mat.to_numpy()
    signed = metric in ("spearman", "kendall")
    text = [["–" if not np.isfinite(v) else f"{v:.2f}" for v in row] for row in z]
    metric_title = _METRIC_TITLES[metric].format(k=comparison.effective_top_k)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=names,
            y=names,
            name=metric,
            zmin=-1 if signed else 0,
            zmax=1,
            colorscale="RdBu" if signed else "Blues",
            reversescale=False,
            colorbar={"title": {"text": metric, "side": "right"}, "thickness": 14},
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14},
            xgap=2,
            ygap=2,
            hovertemplate="%{y} vs %{x}: %{z:.3f}<extra></extra>",
        )
    )
    side = max(360, 140 + 90 * len(names))
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": title or f"Agreement between methods: {metric_title}" + _subtitle(comparison)
        },
        width=side + 180,
        height=side + 40,
    )
    fig.update_xaxes(showgrid=False, ticks="", side="bottom", constrain="domain")
    fig.update_yaxes(showgrid=False, ticks="", autorange="reversed", scaleanchor="x")
    return fig


# -- rank bump chart ------------------------------------------------------------------------
def rank_bump(
    comparison: Comparison, top: int | None = None, *, title: str | None = None
) -> go.Figure:
    """Bump chart: the rank of every feature under each method.

    Parameters
    ----------
    comparison : Comparison
        From :func:`interpkit.compare`.
    top : int, optional
        Only the ``top`` features by mean rank across methods (their ranks
        are still among all compared features).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One line trace per feature, named by the feature, with ``x`` the
        method names and ``y`` its ranks from ``comparison.table()`` (rank 1
        at the top).
    """
    _check_comparison(comparison, "rank_bump")
    table = _top_table(comparison, top)
    names = comparison.names
    n_features = len(comparison.features)
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE)
    last = []
    for i, feature in enumerate(table.index):
        color = PALETTE[i % len(PALETTE)]
        ranks = [float(table.loc[feature, (m, "rank")]) for m in names]
        fig.add_trace(
            go.Scatter(
                x=names,
                y=ranks,
                mode="lines+markers",
                name=str(feature),
                line={"color": color, "width": 3},
                marker={"size": 11, "color": color, "line": {"color": "white", "width": 1.5}},
                hovertemplate=f"<b>{feature}</b><br>%{{x}}: rank %{{y:g}}<extra></extra>",
                showlegend=False,
            )
        )
        last.append(ranks[-1])
    # feature names at the right end, spread apart where ranks tie
    label_y = spread_labels(np.array(last), min_gap=0.55)
    labels = [short_label(str(f), LABEL_CHARS) for f in table.index]
    for i, (label, y) in enumerate(zip(labels, label_y, strict=True)):
        fig.add_annotation(
            x=1.0,
            xref="paper",
            y=float(y),
            yref="y",
            text=html.escape(label),
            showarrow=False,
            xanchor="left",
            xshift=12,
            font={"color": darker(PALETTE[i % len(PALETTE)]), "size": 13},
        )
    k = len(table)
    shown_max = max(float(np.nanmax(table.xs("rank", axis=1, level="quantity"))), 1.0)
    fig.update_yaxes(
        title={"text": "rank of |value| (1 = most important)"},
        autorange=False,
        range=[shown_max + 0.5, 0.5],
        tickmode="array",
        tickvals=list(range(1, int(np.ceil(shown_max)) + 1)),
        zeroline=False,
    )
    fig.update_xaxes(showgrid=False, title={"text": "method"})
    shown = f"top {k} of {n_features} features by mean rank" if k < n_features else ""
    fig.update_layout(
        title={
            "text": title or "Feature ranks by method" + _subtitle(comparison, shown),
        },
        height=max(360, 170 + 34 * min(shown_max, 30)),
        width=max(520, 90 + 150 * len(names) + LABEL_PX * max(map(len, labels), default=8)),
        # annotations do not push the margin: room for the longest label (13 px font)
        margin={"r": 30 + int(LABEL_PX * max((len(lab) for lab in labels), default=8))},
        hovermode="closest",
    )
    return fig


# -- normalized values with intervals -------------------------------------------------------
def _method_trace(
    table: pd.DataFrame, name: str, y: np.ndarray, color: str, has_interval: bool
) -> go.Scatter:
    share = table[(name, "share")].to_numpy(dtype=float)
    extra: dict[str, Any] = {}
    if has_interval:
        lower = table[(name, "share_lower")].to_numpy(dtype=float)
        upper = table[(name, "share_upper")].to_numpy(dtype=float)
        # the interval need not contain the full-data share; draw it around the point anyway
        extra["error_x"] = interval_error(
            share,
            np.minimum(lower, share),
            np.maximum(upper, share),
            color=color,
            thickness=2.5,
            width=4,
        )
        extra["customdata"] = np.column_stack([lower, upper])
        hover = "<br>interval [%{customdata[0]:.1%}, %{customdata[1]:.1%}]"
    else:
        hover = ""
    return go.Scatter(
        x=share,
        y=y,
        mode="markers",
        name=name,
        marker={"color": color, "size": 10, "line": {"color": "white", "width": 1}},
        text=[str(f) for f in table.index],
        hovertemplate=f"<b>%{{text}}</b> ({name})<br>share %{{x:.1%}}" + hover + "<extra></extra>",
        **extra,
    )


def compare_intervals(
    comparison: Comparison, top: int | None = None, *, title: str | None = None
) -> go.Figure:
    """Per feature, each method's share of total ``|value|``, with intervals where available.

    Parameters
    ----------
    comparison : Comparison
        From :func:`interpkit.compare`.
    top : int, optional
        Only the ``top`` features by mean rank across methods.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One marker trace per method, named by the method, with ``x`` the
        ``share`` column of ``comparison.table()`` (full-data fit) and, for
        StabilityResult items, ``error_x`` reaching to the percentile interval
        of the replicate shares (widened to include the point when it lies
        outside). Features run top to bottom by mean rank.
    """
    _check_comparison(comparison, "compare_intervals")
    table = _top_table(comparison, top)
    features = [str(f) for f in table.index]
    k, m = len(features), len(comparison.names)
    pos = np.arange(k, dtype=float)
    width = min(0.7 / m, 0.3)
    offsets = (np.arange(m) - (m - 1) / 2) * width
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE)
    any_interval = False
    for i, name in enumerate(comparison.names):
        has_interval = (name, "share_lower") in table.columns
        any_interval |= has_interval
        trace = _method_trace(
            table, name, pos + offsets[i], PALETTE[i % len(PALETTE)], has_interval
        )
        fig.add_trace(trace)
    for b in pos[:-1] + 0.5:
        fig.add_hline(y=b, line={"color": "#EEEEEE", "width": 1})
    fig.update_yaxes(
        tickmode="array",
        tickvals=pos,
        ticktext=features,
        autorange=False,
        range=[k - 0.5, -0.5],
        showgrid=False,
        ticks="",
    )
    shares = table.xs("share", axis=1, level="quantity").to_numpy(dtype=float)
    uppers = [table[(n, "share_upper")] for n in comparison.names if (n, "share_upper") in table]
    x_max = float(np.nanmax(np.concatenate([shares.ravel(), *[np.ravel(u) for u in uppers]])))
    x_max = x_max if np.isfinite(x_max) and x_max > 0 else 1.0
    fig.update_xaxes(
        title={"text": "share of the method's total |value|"},
        tickformat=".0%",
        range=[-0.03 * x_max, 1.04 * x_max],
    )
    extra = f"{round(100 * comparison.level):g}% percentile intervals over replicates"
    extra = extra if any_interval else "full-data fits"
    n_features = len(comparison.features)
    if k < n_features:
        extra += f"; top {k} of {n_features} features by mean rank"
    fig.update_layout(
        title={"text": title or "Normalized importance by method" + _subtitle(comparison, extra)},
        height=max(340, 170 + 18 * k * m),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        margin={"t": 110},
        hovermode="closest",
    )
    fig.add_vline(x=0, line={"color": "#666", "width": 1})
    return fig
