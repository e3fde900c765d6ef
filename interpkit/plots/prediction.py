"""Plots of a :class:`~interpkit.StabilityResult`'s held-out predictions: prediction stability."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import (
    PALETTE,
    TEMPLATE,
    check_results,
    check_stability,
    interval_error,
    level_text,
    method_label,
    predicted_label,
    scheme_text,
)
from interpkit.stability import StabilityResult

__all__ = ["compare_prediction_stability", "prediction_stability"]


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
            name=f"{prefix}mean, {level_text(result)} interval",
            legendgroup="mean",
            showlegend=legend,
            marker={"color": color, "size": 7, "line": {"color": "white", "width": 1}},
            error_y=interval_error(
                mean,
                summary["lower"].to_numpy(),
                summary["upper"].to_numpy(),
                color=color,
                thickness=1.5,
                width=3,
            ),
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
                f"<br><sup>{scheme_text(result)}; {_rmse_text(preds, observed)}</sup>"
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
    check_results(results, "compare_prediction_stability")
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
            f"<b>{name}</b><br><span style='font-size:11px'>"
            # three or more panels are too narrow for the RMSE text on one line
            + (
                _rmse_text(*arrays[name]).replace(" (", "<br>(")
                if m > 2
                else _rmse_text(*arrays[name])
            )
            + "</span>"
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
                f"bars: {'/'.join(sorted({level_text(r) for r in results.values()}))} "
                "percentile interval</sup>"
            )
        },
        height=500,
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        margin={"t": 150 + (16 if m > 2 else 0), "b": 110},
        hovermode="closest",
    )
    return fig
