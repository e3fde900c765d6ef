"""Plots of :class:`~interpkit.StabilityResult` over features: explanation stability.

Prediction stability (held-out predictions) is in :mod:`interpkit.plots.prediction`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import (
    PALETTE,
    REFERENCE,
    TEMPLATE,
    check_results,
    check_stability,
    interval_error,
    lambda_note,
    level_text,
    method_label,
    scheme_text,
    value_label,
    value_phrase,
)
from interpkit.stability import StabilityResult

__all__ = ["compare_stability", "stability"]

_FEATURE_DIMS = ("replicate", "feature")
_INTERVAL_COLOR = "#4E79A7"
_FREQUENCY_COLOR = "#9C755F"
_INTERVAL_HOVER = "<br>mean %{x:.4g}<br>interval [%{customdata[0]:.4g}, %{customdata[1]:.4g}]"


# -- shared pieces of stability() and compare_stability() ---------------------------------
def _check_top(top: int | None) -> None:
    if top is not None and top < 1:
        raise ValueError(f"top must be a positive integer, got {top}")


def _feature_table(result: StabilityResult, top: int | None) -> pd.DataFrame:
    table = result.summary()  # sorted by mean rank
    _check_top(top)
    return table if top is None else table.iloc[:top]


def _two_panels() -> go.Figure:
    """Values on the left, selection frequency on the right, features shared on y."""
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, column_widths=[0.74, 0.26], horizontal_spacing=0.03
    )
    fig.update_layout(template=TEMPLATE)
    return fig


def _hover_name(name: str) -> str:
    """Bold feature name in hover text, followed by `` (name)`` when given."""
    return "<b>%{text}</b>" + (f" ({name})" if name else "")


def _interval_trace(
    table: pd.DataFrame,
    y: np.ndarray,
    names: Sequence[str],
    *,
    name: str,
    color: str,
    marker: dict,
    cap_width: int,
    method: str = "",
    **extra,
) -> go.Scatter:
    """Means with ``error_x`` spanning the asymmetric interval ``[lower, upper]``."""
    mean = table["mean"].to_numpy()
    return go.Scatter(
        x=mean,
        y=y,
        mode="markers",
        name=name,
        marker={"color": color, **marker},
        error_x=interval_error(
            mean,
            table["lower"].to_numpy(),
            table["upper"].to_numpy(),
            color=color,
            thickness=2.5,
            width=cap_width,
        ),
        customdata=table[["lower", "upper"]].to_numpy(),
        text=names,
        hovertemplate=_hover_name(method) + _INTERVAL_HOVER + "<extra></extra>",
        **extra,
    )


def _reference_trace(
    table: pd.DataFrame,
    y: np.ndarray,
    names: Sequence[str],
    *,
    name: str,
    size: int,
    line_width: float,
    method: str = "",
    **extra,
) -> go.Scatter:
    """The full-data fit as 'x' markers."""
    return go.Scatter(
        x=table["reference"].to_numpy(),
        y=y,
        mode="markers",
        name=name,
        marker={
            "symbol": "x-thin",
            "size": size,
            "line": {"color": REFERENCE, "width": line_width},
        },
        text=names,
        hovertemplate=_hover_name(method) + "<br>full-data fit %{x:.4g}<extra></extra>",
        **extra,
    )


def _frequency_bars(
    table: pd.DataFrame, y: np.ndarray, *, name: str, color: str, hovertemplate: str, **extra
) -> go.Bar:
    """Horizontal selection-frequency bars labelled in percent."""
    freq = table["selection_frequency"].to_numpy()
    return go.Bar(
        x=freq,
        y=y,
        orientation="h",
        name=name,
        marker={"color": color},
        text=[f"{f:.0%}" if np.isfinite(f) else "" for f in freq],
        textposition="outside",
        cliponaxis=False,
        showlegend=False,
        hovertemplate=hovertemplate,
        **extra,
    )


def _feature_axes(
    fig: go.Figure, names: Sequence[str], value_title: str, frequency_max: float
) -> None:
    """Features top to bottom on y; value and frequency titles on the two x axes."""
    k = len(names)
    fig.update_yaxes(
        tickmode="array",
        tickvals=np.arange(k, dtype=float),
        ticktext=names,
        autorange=False,
        range=[k - 0.5, -0.5],
        showgrid=False,
        ticks="",
    )
    fig.update_xaxes(title={"text": value_title}, row=1, col=1)
    fig.update_xaxes(
        title={"text": "selected (≠ 0)"},
        range=[0, frequency_max],
        tickformat=".0%",
        tickvals=[0, 0.5, 1],
        row=1,
        col=2,
    )


def _replicate_points(rep_vals: np.ndarray, pos: np.ndarray, names: list[str]) -> go.Scatter:
    """Every replicate's value, jittered within its feature's row."""
    n_rep, k = rep_vals.shape
    jitter = np.random.default_rng(0).uniform(-0.22, 0.22, size=rep_vals.shape)
    return go.Scatter(
        x=rep_vals.ravel(),
        y=(pos[None, :] + jitter).ravel(),
        mode="markers",
        name="replicates",
        marker={"color": "rgba(78,121,167,0.28)", "size": 5},
        customdata=np.repeat(np.arange(n_rep), k),
        text=np.tile(names, n_rep),
        hovertemplate="%{text}, replicate %{customdata}: %{x:.4g}<extra></extra>",
    )


def _stability_title(result: StabilityResult, k: int) -> str:
    ref = result.reference
    note = lambda_note(ref)
    n_total = result.replicates.values.sizes["feature"]
    return (
        f"{method_label(ref)}: stability of {value_phrase(ref)}"
        f"<br><sup>{scheme_text(result)}, {level_text(result)} percentile intervals"
        + (f"; top {k} of {n_total} features by mean rank" if k < n_total else "")
        + (f"; full-data fit at {note}" if note else "")
        + "</sup>"
    )


def _add_method_traces(
    fig: go.Figure,
    table: pd.DataFrame,
    y: np.ndarray,
    names: list[str],
    name: str,
    i: int,
    bar_width: float,
) -> None:
    """compare_stability(): the interval, reference and frequency traces of method ``i``."""
    color = PALETTE[i % len(PALETTE)]
    group = {"legendgroup": name, "method": name}
    fig.add_trace(
        _interval_trace(
            table, y, names, name=name, color=color, marker={"size": 9}, cap_width=4, **group
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        _reference_trace(
            table,
            y,
            names,
            name=f"{name} full-data fit",
            size=10,
            line_width=2,
            showlegend=i == 0,
            **group,
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        _frequency_bars(
            table,
            y,
            name=f"{name} selection frequency",
            color=color,
            hovertemplate=f"{name}: selected in %{{x:.0%}}<extra></extra>",
            legendgroup=name,
            width=bar_width,
            textfont={"size": 10},
        ),
        row=1,
        col=2,
    )


# -- public -------------------------------------------------------------------------------
def stability(
    result: StabilityResult,
    top: int | None = None,
    *,
    show_replicates: bool = True,
    title: str | None = None,
) -> go.Figure:
    """Per feature: replicate values, their mean and interval, and selection frequency.

    Parameters
    ----------
    result : StabilityResult
        With replicates of dims ``("replicate", "feature")``.
    top : int, optional
        Only the ``top`` features by mean rank.
    show_replicates : bool, default True
        Also draw every replicate's value as a faint jittered point.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Left panel: traces named ``"replicates"`` (optional), ``"mean"``
        (with ``error_x`` spanning the percentile interval of
        ``result.summary()``), ``"median"`` and ``"full-data fit"`` (the
        reference); right panel: ``"selection frequency"`` bars. Features
        run top to bottom by mean rank (position ``i`` on the y axis).
    """
    check_stability(result, "stability", _FEATURE_DIMS)
    table = _feature_table(result, top)
    names = [str(f) for f in table.index]
    k = len(names)
    pos = np.arange(k, dtype=float)
    reps = result.replicates.values.sel(feature=list(table.index)).transpose("replicate", "feature")
    rep_vals = reps.to_numpy()
    left = {"row": 1, "col": 1}

    fig = _two_panels()
    if show_replicates:
        fig.add_trace(_replicate_points(rep_vals, pos, names), **left)
    fig.add_trace(
        _interval_trace(
            table,
            pos,
            names,
            name=f"mean, {level_text(result)} interval",
            color=_INTERVAL_COLOR,
            marker={"size": 10, "line": {"color": "white", "width": 1}},
            cap_width=6,
        ),
        **left,
    )
    fig.add_trace(
        go.Scatter(
            x=np.median(rep_vals, axis=0),
            y=pos,
            mode="markers",
            name="median",
            marker={"symbol": "line-ns", "size": 14, "line": {"color": "#1B3A5C", "width": 2.5}},
            text=names,
            hovertemplate="<b>%{text}</b><br>median %{x:.4g}<extra></extra>",
        ),
        **left,
    )
    fig.add_trace(
        _reference_trace(table, pos, names, name="full-data fit", size=12, line_width=2.5), **left
    )
    fig.add_trace(
        _frequency_bars(
            table,
            pos,
            name="selection frequency",
            color=_FREQUENCY_COLOR,
            hovertemplate="selection frequency %{x:.0%}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.add_vline(x=0, line={"color": "#666", "width": 1}, **left)

    height = max(320, 190 + 30 * k)
    _feature_axes(fig, names, value_label(result.reference), 1.3)
    fig.update_layout(
        title={"text": title or _stability_title(result, k)},
        height=height,
        # a fixed 55 px under the plot area, whatever its height
        legend={"orientation": "h", "yanchor": "top", "y": -55 / (height - 90 - 100), "x": 0},
        margin={"b": 100, "t": 90},
        bargap=0.35,
        hovermode="closest",
    )
    return fig


def compare_stability(
    results: Mapping[str, StabilityResult],
    top: int | None = None,
    *,
    title: str | None = None,
) -> go.Figure:
    """Intervals of several methods side by side, one row per feature.

    Parameters
    ----------
    results : mapping of str to StabilityResult
        E.g. ``{"lasso": res_lasso, "ridge": res_ridge}``; all with
        replicates of dims ``("replicate", "feature")``.
    top : int, optional
        Only the ``top`` features by the first method's mean rank.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Per method, a ``"<name>"`` trace of means with ``error_x`` spanning
        its percentile interval, a ``"<name> full-data fit"`` trace, and a
        ``"<name> selection frequency"`` bar trace in the right panel.
        Features are ordered by the first method's mean rank.
    """
    check_results(results, "compare_stability")
    for res in results.values():
        check_stability(res, "compare_stability", _FEATURE_DIMS)
    refs = list(results.values())
    tables = [res.summary() for res in refs]  # each sorted by its mean rank
    order = [str(f) for f in tables[0].index]
    for table in tables[1:]:
        order += [str(f) for f in table.index if str(f) not in order]
    _check_top(top)
    if top is not None:
        order = order[:top]
    k = len(order)
    m = len(results)
    pos = np.arange(k, dtype=float)
    width = min(0.7 / m, 0.3)
    offsets = (np.arange(m) - (m - 1) / 2) * width

    fig = _two_panels()
    for i, (name, table) in enumerate(zip(results, tables, strict=True)):
        table = table.reindex(order)  # features a method lacks become NaN
        _add_method_traces(fig, table, pos + offsets[i], order, name, i, width * 0.9)
    # the reference legend entry is shared by all methods
    fig.for_each_trace(
        lambda t: t.update(name="full-data fit") if t.name.endswith("full-data fit") else None
    )
    fig.add_vline(x=0, line={"color": "#666", "width": 1}, row=1, col=1)
    for b in np.arange(k - 1) + 0.5:
        fig.add_hline(y=b, line={"color": "#EEEEEE", "width": 1})

    levels = {level_text(r) for r in refs}
    _feature_axes(fig, order, value_label(refs[0].reference), 1.35)
    fig.update_layout(
        title={
            "text": title
            or (
                f"Stability compared: {' vs '.join(results)}<br><sup>means with "
                f"{'/'.join(sorted(levels))} percentile intervals over "
                f"{', '.join(dict.fromkeys(scheme_text(r) for r in refs))}</sup>"
            )
        },
        height=max(320, 170 + 26 * k * m),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        margin={"t": 110},
        hovermode="closest",
    )
    return fig
