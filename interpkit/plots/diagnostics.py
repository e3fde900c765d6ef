"""Plots for :mod:`interpkit.diagnostics`: why importances are unstable.

:func:`correlation_heatmap` shows a feature correlation in cluster order,
:func:`correlation_vs_importance` sets each feature's correlation with the
others beside its importance and selection frequency, and
:func:`replicate_distribution` shows each feature's replicate values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.diagnostics import FeatureCorrelation
from interpkit.plots._common import (
    PALETTE,
    REFERENCE,
    TEMPLATE,
    check_stability,
    lambda_note,
    method_label,
    scheme_text,
    value_label,
)
from interpkit.stability import StabilityResult

__all__ = ["correlation_heatmap", "correlation_vs_importance", "replicate_distribution"]

# diverging, blue = positive (as POSITIVE in _common), red = negative, white at 0
_DIVERGING = [
    [0.0, "#B2182B"],
    [0.25, "#EF8A62"],
    [0.5, "#F7F7F7"],
    [0.75, "#67A9CF"],
    [1.0, "#2166AC"],
]
_SEQUENTIAL = [[0.0, "#F7F7F7"], [0.5, "#67A9CF"], [1.0, "#08306B"]]
_BOX_COLOR = PALETTE[0]
_TABLE_COLUMNS = ("median_abs_corr", "max_abs_corr", "mean", "selection_frequency")


def correlation_heatmap(
    correlation: FeatureCorrelation,
    *,
    absolute: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Feature-by-feature correlation, correlated features next to each other.

    Parameters
    ----------
    correlation : FeatureCorrelation
        From :func:`interpkit.diagnostics.feature_correlation` (which picks
        the features, the method and the order: by default hierarchical
        clustering, so correlated blocks sit together).
    absolute : bool, default False
        Show ``|corr|`` on a 0-1 scale instead of the signed correlation on a
        diverging scale centred at 0.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Heatmap`` trace named ``"correlation"`` whose ``z`` is the
        correlation matrix with rows ``y`` and columns ``x`` in the plotted
        order (first feature at the top left).
    """
    if not isinstance(correlation, FeatureCorrelation):
        raise TypeError(
            "correlation_heatmap() takes the result of "
            "interpkit.diagnostics.feature_correlation(X), "
            f"got {type(correlation).__name__}"
        )
    order = correlation.order
    corr = correlation.matrix.to_numpy()
    method = correlation.method
    clustered = correlation.clustered
    z = np.abs(corr) if absolute else corr
    p = len(order)
    label = ("|ρ|" if absolute else "ρ") + (" (Spearman)" if method == "spearman" else "")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=order,
            y=order,
            name="correlation",
            colorscale=_SEQUENTIAL if absolute else _DIVERGING,
            zmin=0.0 if absolute else -1.0,
            zmax=1.0,
            zmid=None if absolute else 0.0,
            colorbar={"title": {"text": label}, "thickness": 14, "len": 0.8},
            hovertemplate=f"<b>%{{y}}</b> · <b>%{{x}}</b><br>{label} = %{{z:.3f}}<extra></extra>",
            xgap=1 if p <= 40 else 0,
            ygap=1 if p <= 40 else 0,
        )
    )
    tick_size = 12 if p <= 20 else 10 if p <= 50 else 8
    show_ticks = p <= 120
    # a square plot area sized to the feature count, margins sized to the labels
    cell = 48 if p <= 10 else 26 if p <= 30 else 18 if p <= 60 else 8
    side = int(np.clip(cell * p, 300, 900))
    label_px = (max(len(f) for f in order) * 0.62 * tick_size + 16) if show_ticks else 20
    left, bottom, top_m, right = int(label_px) + 10, int(label_px) + 10, 90, 110
    axis = {
        "showgrid": False,
        "showline": False,
        "ticks": "",
        "showticklabels": show_ticks,
        "tickfont": {"size": tick_size},
        "type": "category",
        "automargin": False,
    }
    subtitle = (
        f"{p} features in hierarchical-clustering order (average linkage on 1 − |ρ|)"
        if clustered
        else f"{p} features"
    )
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": title
            or (
                f"Feature correlation{' (Spearman)' if method == 'spearman' else ''}"
                f"<br><sup>{subtitle}</sup>"
            )
        },
        width=max(left + side + right, 560),
        height=top_m + side + bottom,
        xaxis={**axis, "tickangle": -90 if p > 8 else -45},
        yaxis={**axis, "autorange": "reversed"},
        margin={"l": left, "r": right, "t": top_m, "b": bottom},
    )
    return fig


def _check_table(table: Any) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            "correlation_vs_importance() takes the DataFrame from "
            f"interpkit.diagnostics.correlation_table(), got {type(table).__name__}"
        )
    missing = [c for c in _TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(
            f"table lacks columns {missing}; pass interpkit.diagnostics.correlation_table(...)"
        )


def correlation_vs_importance(
    table: pd.DataFrame, *, labels: int | None = 10, title: str | None = None
) -> go.Figure:
    """Is instability explained by correlation? ρ_j against importance and selection frequency.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`interpkit.diagnostics.correlation_table`.
    labels : int or None, default 10
        Write the names of this many features (by mean rank) next to their
        points; ``None`` or 0 for none. Every point names its feature on hover.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Left: trace ``"importance"`` (x ``median_abs_corr``, y ``|mean|``);
        right: trace ``"selection frequency"`` (x ``median_abs_corr``, y
        ``selection_frequency``). Both in the table's row order with the
        feature names as ``text``.
    """
    _check_table(table)
    names = [str(f) for f in table.index]
    rho = table["median_abs_corr"].to_numpy(dtype=float)
    importance = np.abs(table["mean"].to_numpy(dtype=float))
    freq = table["selection_frequency"].to_numpy(dtype=float)
    partner = (
        table["most_correlated_with"].astype(str).to_numpy()
        if "most_correlated_with" in table
        else np.full(len(names), "")
    )
    custom = np.column_stack(
        [table["max_abs_corr"].to_numpy(dtype=float), partner, importance, freq]
    )
    hover = (
        "<b>%{text}</b><br>median |ρ| with others %{x:.3f}"
        "<br>max |ρ| %{customdata[0]:.3f} (with %{customdata[1]})"
        "<br>|mean| %{customdata[2]:.4g}<br>selected in %{customdata[3]:.0%}<extra></extra>"
    )
    n_lab = 0 if not labels else min(int(labels), len(names))
    if "mean_rank" in table:
        top = set(table["mean_rank"].sort_values(kind="stable").index[:n_lab].astype(str))
    else:
        top = set(names[:n_lab])

    def shown(values: np.ndarray) -> list[str]:
        # the top features, except those squashed against zero where labels would pile up,
        # and, highest first, any whose label would land on one already written
        floor = 0.03 * np.nanmax(values) if np.isfinite(values).any() else 0.0
        x_span = float(np.ptp(rho[np.isfinite(rho)])) if np.isfinite(rho).any() else 1.0
        y_span = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
        out = [""] * len(names)
        placed: list[tuple[float, float]] = []
        for i in np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable"):
            if names[i] not in top or not values[i] > floor:
                continue
            if any(
                abs(rho[i] - x) < 0.06 * (x_span or 1.0) and abs(values[i] - y) < 0.06 * y_span
                for x, y in placed
            ):
                continue
            out[i] = names[i]
            placed.append((rho[i], values[i]))
        return out

    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1)
    fig.update_layout(template=TEMPLATE)
    for col, (trace_name, yvals) in enumerate(
        [("importance", importance), ("selection frequency", freq)], start=1
    ):
        fig.add_trace(
            go.Scatter(
                x=rho,
                y=yvals,
                mode="markers+text" if n_lab else "markers",
                name=trace_name,
                text=names,
                texttemplate=shown(yvals) if n_lab else None,
                textposition="top center",
                textfont={"size": 11, "color": "#444"},
                marker={
                    "color": PALETTE[col - 1],
                    "size": 9,
                    "opacity": 0.8,
                    "line": {"color": "white", "width": 1},
                },
                customdata=custom,
                hovertemplate=hover,
                showlegend=False,
                cliponaxis=False,
            ),
            row=1,
            col=col,
        )
    method = table.attrs.get("method", "pearson")
    x_title = f"median |ρ| with other features{' (Spearman)' if method == 'spearman' else ''}"
    fig.update_xaxes(title={"text": x_title})
    value_name = str(table.attrs.get("value_name", "value")).replace("_", " ")
    y_title = f"|mean {value_name}|" + (
        " (per SD of feature)" if table.attrs.get("standardized_coef") else ""
    )
    fig.update_yaxes(title={"text": y_title}, rangemode="tozero", row=1, col=1)
    fig.update_yaxes(
        title={"text": "selection frequency (≠ 0)"},
        range=[-0.04, 1.08],
        tickformat=".0%",
        row=1,
        col=2,
    )
    fig.update_layout(
        title={
            "text": title
            or (
                "Correlation and stability<br><sup>ρ_j: median |correlation| of feature j with "
                f"the other features; {len(names)} features, hover for the most correlated</sup>"
            )
        },
        height=460,
        width=1000,
        hovermode="closest",
    )
    return fig


def replicate_distribution(
    result: StabilityResult, top: int | None = 15, *, title: str | None = None
) -> go.Figure:
    """Per feature, the distribution of its replicate values and the full-data fit.

    Parameters
    ----------
    result : StabilityResult
        With replicates of dims ``("replicate", "feature")``.
    top : int or None, default 15
        Only the ``top`` features by mean rank (all with ``None``).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal ``Box`` trace per feature (named by the feature, its
        ``x`` the replicate values in replicate order, all points drawn),
        top to bottom by mean rank, and a ``"full-data fit"`` scatter trace
        of the reference values.
    """
    check_stability(result, "replicate_distribution", ("replicate", "feature"))
    if top is not None and top < 1:
        raise ValueError(f"top must be a positive integer, got {top}")
    table = result.summary()
    if top is not None:
        table = table.iloc[:top]
    names = [str(f) for f in table.index]
    reps = (
        result.replicates.values.sel(feature=list(table.index))
        .transpose("replicate", "feature")
        .to_numpy()
    )
    fig = go.Figure()
    for j, name in enumerate(names):
        fig.add_trace(
            go.Box(
                x=reps[:, j],
                y=[name] * reps.shape[0],
                name=name,
                orientation="h",
                boxpoints="all",
                jitter=0.5,
                pointpos=0,
                marker={"color": "rgba(78,121,167,0.45)", "size": 4},
                line={"color": _BOX_COLOR, "width": 1.5},
                fillcolor="rgba(78,121,167,0.12)",
                showlegend=False,
                hoveron="points+boxes",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=table["reference"].to_numpy(dtype=float),
            y=names,
            mode="markers",
            name="full-data fit",
            showlegend=False,
            marker={"symbol": "x-thin", "size": 12, "line": {"color": REFERENCE, "width": 2.5}},
            text=names,
            hovertemplate="<b>%{text}</b><br>full-data fit %{x:.4g}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": "#666", "width": 1})
    k = len(names)
    n_total = result.replicates.values.sizes["feature"]
    note = lambda_note(result.reference)
    height = max(320, 190 + 34 * k)
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": title
            or (
                f"{method_label(result.reference)}: replicate distributions"
                f"<br><sup>{scheme_text(result)}"
                + (f", top {k} of {n_total} features by mean rank" if k < n_total else "")
                + "; × full-data fit"
                + (f" ({note})" if note else "")
                + "</sup>"
            )
        },
        height=height,
        xaxis={"title": {"text": value_label(result.reference)}},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": names,
            "autorange": "reversed",
            "showgrid": False,
            "ticks": "",
        },
        hovermode="closest",
    )
    return fig
