"""Plot of :func:`interpkit.drop_and_refit`: importance is not indispensability."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.indispensability import DropRefitResult
from interpkit.plots._common import NEUTRAL, PALETTE, TEMPLATE, fmt

__all__ = ["indispensability"]

_METRIC_TITLES = {"rmse": "RMSE", "log_loss": "log-loss", "accuracy": "accuracy"}
_FULL, _TRIM = PALETTE[0], PALETTE[1]


def indispensability(
    result: DropRefitResult, top: int = 10, *, title: str | None = None
) -> go.Figure:
    """Full vs trimmed model, and which features took over.

    Parameters
    ----------
    result : DropRefitResult
        From :func:`interpkit.drop_and_refit`.
    top : int, default 10
        Kept features shown on the right: the ``top`` largest rises of
        ``|value|``.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Left: trace ``"cv score"``, bars of the main metric (pooled
        out-of-fold) for ``["full", "trimmed"]`` with the SD over folds as
        error bars, the relative change written above. Right: per feature
        (dropped features first, greyed, then the risers), trace
        ``"before"`` (``|value|`` in the full model) and trace ``"after"``
        (in the trimmed model; none for dropped features), joined by lines.
    """
    if not isinstance(result, DropRefitResult):
        raise TypeError(
            "indispensability() takes the result of interpkit.drop_and_refit(), "
            f"got {type(result).__name__}"
        )
    if not (isinstance(top, int | np.integer) and top >= 1):
        raise ValueError(f"top must be a positive integer, got {top!r}")
    metric = result.metric
    scores = result.scores
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.3, 0.7],
        horizontal_spacing=0.16,
        subplot_titles=(
            f"Cross-validated {_METRIC_TITLES[metric]}",
            f"|{result.value_name}| before and after dropping",
        ),
    )
    models = ["full", "trimmed"]
    values = scores.loc[models, metric].to_numpy(dtype=float)
    sds = scores.loc[models, f"{metric}_fold_sd"].to_numpy(dtype=float)
    labels = [
        f"full<br>({int(scores.loc['full', 'n_features'])} features)",
        f"trimmed<br>({int(scores.loc['trimmed', 'n_features'])} features)",
    ]
    fig.add_trace(
        go.Bar(
            x=labels,
            y=values,
            name="cv score",
            marker={"color": [_FULL, _TRIM]},
            error_y={"type": "data", "array": sds, "color": "#444", "thickness": 1.5},
            text=[fmt(v) for v in values],
            textposition="inside",
            insidetextanchor="start",
            textfont={"color": "white"},
            hovertemplate="%{x}<br>%{y:.4g}<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    top_y = float(np.max(values + sds))
    fig.add_annotation(
        x=0.5,
        y=top_y * 1.12,
        xref="x",
        yref="y",
        text=f"<b>{result.relative_change:+.1%}</b> relative change",
        showarrow=False,
        font={"size": 14},
    )
    fig.update_yaxes(
        title={"text": _METRIC_TITLES[metric] + " (lower is better)"},
        range=[0, top_y * 1.25],
        row=1,
        col=1,
    )
    _takeover_panel(fig, result, top)
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": title
            or (
                f"Importance is not indispensability: dropping the top {len(result.dropped)} "
                f"features<br><sup>ranked by {result.method.replace('_', ' ')} on all rows; "
                f"both models refit (and re-tuned) in each of {result.params.get('cv')} CV folds"
                "; error bars: SD over folds</sup>"
            )
        },
        height=max(440, 170 + 26 * (len(result.dropped) + min(top, len(result.kept)))),
        width=1050,
        legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": -0.12},
        margin={"t": 110, "b": 80},
    )
    return fig


def _takeover_panel(fig: go.Figure, result: DropRefitResult, top: int) -> None:
    risers = result.takeover.head(top)
    before_all = result.importance_before.abs()
    names: list[str] = [f"{f} (dropped)" for f in result.dropped] + list(risers.index)
    before = np.r_[before_all[result.dropped].to_numpy(), risers["before"].abs().to_numpy()]
    after = np.r_[np.full(len(result.dropped), np.nan), risers["after"].abs().to_numpy()]
    for name, b, a in zip(names, before, after, strict=True):
        if np.isfinite(a):
            fig.add_trace(
                go.Scatter(
                    x=[b, a],
                    y=[name, name],
                    mode="lines",
                    line={"color": "#BBB", "width": 2},
                    showlegend=False,
                    hoverinfo="skip",
                ),
                row=1,
                col=2,
            )
    n_drop = len(result.dropped)
    for label, rows, color in (
        ("dropped (full model)", slice(0, n_drop), NEUTRAL),
        ("full model (all features)", slice(n_drop, None), _FULL),
    ):
        fig.add_trace(
            go.Scatter(
                x=before[rows],
                y=names[rows],
                mode="markers",
                name=label,
                marker={"color": color, "size": 10, "symbol": "circle-open", "line": {"width": 2}},
                hovertemplate="<b>%{y}</b><br>before: %{x:.4g}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    fig.add_trace(
        go.Scatter(
            x=after,
            y=names,
            mode="markers",
            name="trimmed model",
            marker={"color": _TRIM, "size": 10},
            hovertemplate="<b>%{y}</b><br>after: %{x:.4g}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=names,
        autorange="reversed",
        showgrid=False,
        ticks="",
        row=1,
        col=2,
    )
    fig.update_xaxes(title={"text": f"|{result.value_name}|"}, rangemode="tozero", row=1, col=2)
