"""Plots of :class:`~interpkit.StabilityResult`: explanation and prediction stability."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import (
    PALETTE,
    REFERENCE,
    TEMPLATE,
    check_stability,
    lambda_note,
    method_label,
    predicted_label,
    value_label,
)
from interpkit.stability import StabilityResult

__all__ = [
    "compare_prediction_stability",
    "compare_stability",
    "prediction_stability",
    "stability",
]

_FEATURE_DIMS = ("replicate", "feature")
_INTERVAL_COLOR = "#4E79A7"


def _feature_table(result: StabilityResult, top: int | None) -> pd.DataFrame:
    table = result.summary()  # sorted by mean rank
    if top is not None:
        if top < 1:
            raise ValueError(f"top must be a positive integer, got {top}")
        table = table.iloc[:top]
    return table


def _level_text(result: StabilityResult) -> str:
    return f"{round(100 * result.level):g}%"


def _scheme_text(result: StabilityResult) -> str:
    return f"{result.n_replicates} {result.scheme} replicates"


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
    n_total = result.replicates.values.sizes["feature"]
    pos = np.arange(k, dtype=float)
    reps = result.replicates.values.sel(feature=list(table.index)).transpose("replicate", "feature")
    rep_vals = reps.to_numpy()
    median = np.median(rep_vals, axis=0)

    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.74, 0.26],
        horizontal_spacing=0.03,
    )
    fig.update_layout(template=TEMPLATE)
    if show_replicates:
        rng = np.random.default_rng(0)
        n_rep = rep_vals.shape[0]
        jitter = rng.uniform(-0.22, 0.22, size=rep_vals.shape)
        fig.add_trace(
            go.Scatter(
                x=rep_vals.ravel(),
                y=(pos[None, :] + jitter).ravel(),
                mode="markers",
                name="replicates",
                marker={"color": "rgba(78,121,167,0.28)", "size": 5},
                customdata=np.repeat(np.arange(n_rep), k),
                text=np.tile(names, n_rep),
                hovertemplate="%{text}, replicate %{customdata}: %{x:.4g}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    mean = table["mean"].to_numpy()
    fig.add_trace(
        go.Scatter(
            x=mean,
            y=pos,
            mode="markers",
            name=f"mean, {_level_text(result)} interval",
            marker={"color": _INTERVAL_COLOR, "size": 10, "line": {"color": "white", "width": 1}},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": table["upper"].to_numpy() - mean,
                "arrayminus": mean - table["lower"].to_numpy(),
                "color": _INTERVAL_COLOR,
                "thickness": 2.5,
                "width": 6,
            },
            customdata=table[["lower", "upper"]].to_numpy(),
            text=names,
            hovertemplate=(
                "<b>%{text}</b><br>mean %{x:.4g}<br>interval "
                "[%{customdata[0]:.4g}, %{customdata[1]:.4g}]<extra></extra>"
            ),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=median,
            y=pos,
            mode="markers",
            name="median",
            marker={"symbol": "line-ns", "size": 14, "line": {"color": "#1B3A5C", "width": 2.5}},
            text=names,
            hovertemplate="<b>%{text}</b><br>median %{x:.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=table["reference"].to_numpy(),
            y=pos,
            mode="markers",
            name="full-data fit",
            marker={"symbol": "x-thin", "size": 12, "line": {"color": REFERENCE, "width": 2.5}},
            text=names,
            hovertemplate="<b>%{text}</b><br>full-data fit %{x:.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    freq = table["selection_frequency"].to_numpy()
    fig.add_trace(
        go.Bar(
            x=freq,
            y=pos,
            orientation="h",
            name="selection frequency",
            marker={"color": "#9C755F"},
            text=[f"{f:.0%}" for f in freq],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
            hovertemplate="selection frequency %{x:.0%}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.add_vline(x=0, line={"color": "#666", "width": 1}, row=1, col=1)

    ref = result.reference
    note = lambda_note(ref)
    height = max(320, 190 + 30 * k)
    default = (
        f"{method_label(ref)}: stability of {str(ref.values.name or 'value').replace('_', ' ')}s"
        f"<br><sup>{_scheme_text(result)}, {_level_text(result)} percentile intervals"
        + (f"; top {k} of {n_total} features by mean rank" if k < n_total else "")
        + (f"; full-data fit at {note}" if note else "")
        + "</sup>"
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=pos,
        ticktext=names,
        autorange=False,
        range=[k - 0.5, -0.5],
        showgrid=False,
        ticks="",
    )
    fig.update_xaxes(title={"text": value_label(ref)}, row=1, col=1)
    fig.update_xaxes(
        title={"text": "selected (≠ 0)"},
        range=[0, 1.3],
        tickformat=".0%",
        tickvals=[0, 0.5, 1],
        row=1,
        col=2,
    )
    fig.update_layout(
        title={"text": title or default},
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
    if not isinstance(results, Mapping) or not results:
        raise TypeError("compare_stability() takes a non-empty dict of name -> StabilityResult")
    for res in results.values():
        check_stability(res, "compare_stability", _FEATURE_DIMS)
    first = next(iter(results.values()))
    order = [str(f) for f in _feature_table(first, None).index]
    for res in list(results.values())[1:]:
        order += [str(f) for f in res.summary().index if str(f) not in order]
    if top is not None:
        if top < 1:
            raise ValueError(f"top must be a positive integer, got {top}")
        order = order[:top]
    k = len(order)
    m = len(results)
    pos = np.arange(k, dtype=float)
    width = min(0.7 / m, 0.3)
    offsets = (np.arange(m) - (m - 1) / 2) * width

    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, column_widths=[0.74, 0.26], horizontal_spacing=0.03
    )
    fig.update_layout(template=TEMPLATE)
    for i, (name, res) in enumerate(results.items()):
        color = PALETTE[i % len(PALETTE)]
        table = res.summary().reindex(order)  # features a method lacks become NaN
        y = pos + offsets[i]
        mean = table["mean"].to_numpy()
        fig.add_trace(
            go.Scatter(
                x=mean,
                y=y,
                mode="markers",
                name=name,
                legendgroup=name,
                marker={"color": color, "size": 9},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": table["upper"].to_numpy() - mean,
                    "arrayminus": mean - table["lower"].to_numpy(),
                    "color": color,
                    "thickness": 2.5,
                    "width": 4,
                },
                customdata=table[["lower", "upper"]].to_numpy(),
                text=order,
                hovertemplate=(
                    f"<b>%{{text}}</b> ({name})<br>mean %{{x:.4g}}<br>interval "
                    "[%{customdata[0]:.4g}, %{customdata[1]:.4g}]<extra></extra>"
                ),
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=table["reference"].to_numpy(),
                y=y,
                mode="markers",
                name=f"{name} full-data fit",
                legendgroup=name,
                showlegend=i == 0,
                marker={"symbol": "x-thin", "size": 10, "line": {"color": REFERENCE, "width": 2}},
                text=order,
                hovertemplate=(
                    f"<b>%{{text}}</b> ({name})<br>full-data fit %{{x:.4g}}<extra></extra>"
                ),
            ),
            row=1,
            col=1,
        )
        freq = table["selection_frequency"].to_numpy()
        fig.add_trace(
            go.Bar(
                x=freq,
                y=y,
                orientation="h",
                width=width * 0.9,
                name=f"{name} selection frequency",
                legendgroup=name,
                showlegend=False,
                marker={"color": color},
                text=[f"{f:.0%}" if np.isfinite(f) else "" for f in freq],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": 10},
                hovertemplate=f"{name}: selected in %{{x:.0%}}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    # the reference legend entry is shared by all methods
    fig.for_each_trace(
        lambda t: t.update(name="full-data fit") if t.name.endswith("full-data fit") else None
    )
    fig.add_vline(x=0, line={"color": "#666", "width": 1}, row=1, col=1)
    for b in np.arange(k - 1) + 0.5:
        fig.add_hline(y=b, line={"color": "#EEEEEE", "width": 1})

    levels = {_level_text(r) for r in results.values()}
    refs = list(results.values())
    fig.update_yaxes(
        tickmode="array",
        tickvals=pos,
        ticktext=order,
        autorange=False,
        range=[k - 0.5, -0.5],
        showgrid=False,
        ticks="",
    )
    fig.update_xaxes(title={"text": value_label(refs[0].reference)}, row=1, col=1)
    fig.update_xaxes(
        title={"text": "selected (≠ 0)"},
        range=[0, 1.35],
        tickformat=".0%",
        tickvals=[0, 0.5, 1],
        row=1,
        col=2,
    )
    fig.update_layout(
        title={
            "text": title
            or (
                f"Stability compared: {' vs '.join(results)}<br><sup>means with "
                f"{'/'.join(sorted(levels))} percentile intervals over "
                f"{', '.join(dict.fromkeys(_scheme_text(r) for r in refs))}</sup>"
            )
        },
        height=max(320, 170 + 26 * k * m),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        margin={"t": 110},
        hovermode="closest",
    )
    return fig


def _prediction_arrays(result: StabilityResult, func: str):
    check_stability(result, func)
    if result.predictions is None:
        raise ValueError(
            f"{func}() needs held-out predictions: pass X_eval and y_eval to stability()"
        )
    if result.y_eval is None:
        raise ValueError(f"{func}() needs the observed values: pass y_eval to stability()")
    preds = result.predictions.transpose("replicate", "sample").to_numpy()
    observed = np.asarray(result.y_eval, dtype=float)
    return preds, observed


def _add_prediction_traces(
    fig: go.Figure,
    result: StabilityResult,
    preds: np.ndarray,
    observed: np.ndarray,
    color: str,
    *,
    row: int | None = None,
    col: int | None = None,
    legend: bool = True,
    prefix: str = "",
) -> None:
    summary = result.prediction_summary()
    n_rep, n = preds.shape
    samples = [str(s) for s in result.predictions.coords["sample"].to_numpy()]
    where = {} if row is None else {"row": row, "col": col}
    rgb = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    fig.add_trace(
        go.Scatter(
            x=np.tile(observed, n_rep),
            y=preds.ravel(),
            mode="markers",
            name=f"{prefix}replicate predictions",
            legendgroup="replicates",
            showlegend=legend,
            marker={"color": "rgba({},{},{},0.22)".format(*rgb), "size": 5},
            customdata=np.column_stack([np.repeat(np.arange(n_rep), n), np.tile(samples, n_rep)]),
            hovertemplate=(
                "row %{customdata[1]}, replicate %{customdata[0]}<br>observed %{x:.4g}"
                "<br>predicted %{y:.4g}<extra></extra>"
            ),
        ),
        **where,
    )
    mean = summary["mean"].to_numpy()
    fig.add_trace(
        go.Scatter(
            x=observed,
            y=mean,
            mode="markers",
            name=f"{prefix}mean, {_level_text(result)} interval",
            legendgroup="mean",
            showlegend=legend,
            marker={"color": color, "size": 7, "line": {"color": "white", "width": 1}},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": summary["upper"].to_numpy() - mean,
                "arrayminus": mean - summary["lower"].to_numpy(),
                "color": color,
                "thickness": 1.5,
                "width": 3,
            },
            text=samples,
            hovertemplate="row %{text}<br>observed %{x:.4g}<br>mean prediction %{y:.4g}"
            "<extra></extra>",
        ),
        **where,
    )


def _identity_line(fig: go.Figure, lo: float, hi: float, **where) -> None:
    fig.add_trace(
        go.Scatter(
            x=[lo, hi],
            y=[lo, hi],
            mode="lines",
            name="y = x",
            legendgroup="identity",
            showlegend=not where or where.get("col") == 1,
            line={"color": "#555", "dash": "dash", "width": 1.2},
            hoverinfo="skip",
        ),
        **where,
    )


def _rmse_text(preds: np.ndarray, observed: np.ndarray) -> str:
    rmse = np.sqrt(np.mean((preds - observed[None, :]) ** 2, axis=1))
    return f"replicate RMSE median {np.median(rmse):.3g} (range {rmse.min():.3g}–{rmse.max():.3g})"


def _limits(*arrays: np.ndarray) -> tuple[float, float]:
    vals = np.concatenate([np.ravel(a) for a in arrays])
    vals = vals[np.isfinite(vals)]
    lo, hi = float(vals.min()), float(vals.max())
    pad = 0.05 * (hi - lo if hi > lo else 1.0)
    return lo - pad, hi + pad


def prediction_stability(result: StabilityResult, *, title: str | None = None) -> go.Figure:
    """Replicate predictions on held-out rows against the observed values.

    x is the observed value of each held-out row, y the prediction of every
    replicate model (faint points) with their mean and percentile interval;
    points on the dashed ``y = x`` line are predicted perfectly, and a tall
    column means the prediction for that row depends on the resample.

    Parameters
    ----------
    result : StabilityResult
        From ``explainer.stability(..., X_eval=..., y_eval=...)``.
    title : str, optional
        Figure title; by default it gives the spread of replicate RMSEs.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace ``"replicate predictions"`` holds ``result.predictions``
        flattened replicate-major (x = ``y_eval`` tiled), trace ``"mean, …
        interval"`` one point per row with asymmetric ``error_y``, and the
        ``"y = x"`` line.
    """
    preds, observed = _prediction_arrays(result, "prediction_stability")
    fig = make_subplots(rows=1, cols=1)
    fig.update_layout(template=TEMPLATE)
    _add_prediction_traces(fig, result, preds, observed, PALETTE[0])
    lo, hi = _limits(preds, observed)
    _identity_line(fig, lo, hi)
    ref = result.reference
    fig.update_layout(
        title={
            "text": title
            or (
                f"{method_label(ref)}: prediction stability on {len(observed)} held-out rows"
                f"<br><sup>{_scheme_text(result)}; {_rmse_text(preds, observed)}</sup>"
            )
        },
        xaxis={"title": {"text": "observed"}, "range": [lo, hi], "constrain": "domain"},
        yaxis={
            "title": {"text": predicted_label(ref.output_name)},
            "range": [lo, hi],
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
        },
        height=560,
        width=None,
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.14, "yanchor": "top"},
        margin={"b": 100},
        hovermode="closest",
    )
    return fig


def compare_prediction_stability(
    results: Mapping[str, StabilityResult], *, title: str | None = None
) -> go.Figure:
    """:func:`prediction_stability` for several methods, side by side on shared axes.

    Parameters
    ----------
    results : mapping of str to StabilityResult
        E.g. ``{"lasso": res_lasso, "ridge": res_ridge}``, each with
        held-out predictions and ``y_eval``.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per method (titled by its name and replicate RMSEs), with
        the traces of :func:`prediction_stability`.
    """
    if not isinstance(results, Mapping) or not results:
        raise TypeError(
            "compare_prediction_stability() takes a non-empty dict of name -> StabilityResult"
        )
    arrays = {
        name: _prediction_arrays(res, "compare_prediction_stability")
        for name, res in results.items()
    }
    m = len(results)
    lo, hi = _limits(*[a for pair in arrays.values() for a in pair])
    fig = make_subplots(
        rows=1,
        cols=m,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=[
            f"<b>{name}</b><br><span style='font-size:11px'>{_rmse_text(*arrays[name])}</span>"
            for name in results
        ],
    )
    fig.update_layout(template=TEMPLATE)
    for i, (name, res) in enumerate(results.items()):
        preds, observed = arrays[name]
        _add_prediction_traces(
            fig, res, preds, observed, PALETTE[i % len(PALETTE)], row=1, col=i + 1, legend=i == 0
        )
        _identity_line(fig, lo, hi, row=1, col=i + 1)
        fig.update_xaxes(title={"text": "observed"}, range=[lo, hi], row=1, col=i + 1)
    n_obs = {len(a[1]) for a in arrays.values()}
    first = next(iter(results.values()))
    fig.update_yaxes(
        title={"text": predicted_label(first.reference.output_name)},
        range=[lo, hi],
        row=1,
        col=1,
    )
    fig.update_layout(
        title={
            "text": title
            or (
                f"Prediction stability on {'/'.join(map(str, sorted(n_obs)))} held-out rows"
                f"<br><sup>each faint point: one {first.scheme} replicate model's prediction; "
                f"bars: {'/'.join(sorted({_level_text(r) for r in results.values()}))} "
                "percentile interval</sup>"
            )
        },
        height=500,
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        margin={"t": 150, "b": 110},
        hovermode="closest",
    )
    return fig
