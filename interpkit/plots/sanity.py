"""Sanity-check figures: the randomisation cascade and the maps side by side.

Both read a :class:`~interpkit.sanity.SanityResult`; nothing here computes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import PALETTE, TEMPLATE, new_figure

if TYPE_CHECKING:
    from interpkit.sanity import SanityResult

__all__ = ["cascade", "sanity_maps"]

_METRIC_NAMES = {
    "spearman_signed": "Spearman ρ (signed)",
    "spearman_abs": "Spearman ρ (absolute)",
    "top_k": "top-k overlap",
    "ssim": "SSIM (absolute, scaled)",
}


def cascade(result: SanityResult, metric: str | None = None) -> go.Figure:
    """Similarity to the original maps against the layers randomised, one line per method.

    The band is the interval over images and seeds; the dotted line of the
    same colour is the null (maps of unrelated inputs), so a line that ends
    on its dotted line has forgotten the input as much as it can.
    """
    _check(result, "cascade")
    metric = metric or result.params["metric"]
    sim = result.similarities.query("metric == @metric")
    if sim.empty:
        raise ValueError(f"no {metric!r} similarities in this result")
    kind = result.params["cascade"]
    fig = new_figure(
        title=f"Sanity check ({kind.replace('_', ' ')}): {_METRIC_NAMES.get(metric, metric)}",
        xaxis_title="layer randomised" + ("" if kind == "independent" else " (cumulative)"),
        yaxis_title=_METRIC_NAMES.get(metric, metric),
    )
    for i, (method, part) in enumerate(sim.groupby("method", sort=False)):
        color = PALETTE[i % len(PALETTE)]
        x = ["original", *part["layer"].astype(str)]
        mean = [1.0, *part["mean"]]
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=[1.0, *part["upper"], *part["lower"][::-1], 1.0],
                fill="toself", fillcolor=color, opacity=0.15, line={"width": 0},
                hoverinfo="skip", showlegend=False,
            )
        )  # fmt: skip
        verdict = result.verdicts.get(method, "")
        fig.add_trace(
            go.Scatter(x=x, y=mean, mode="lines+markers", name=f"{method} ({verdict})",
                       line={"color": color})
        )  # fmt: skip
        null = result.null.query("method == @method and metric == @metric")
        if not null.empty:
            fig.add_trace(
                go.Scatter(x=[x[0], x[-1]], y=[null["mean"].iloc[0]] * 2, mode="lines",
                           line={"color": color, "dash": "dot"}, name=f"{method}: unrelated inputs")
            )  # fmt: skip
    fig.add_hline(y=result.params["threshold"], line={"color": "#999", "dash": "dash"})
    # layer names such as "5", "2", "0" would make a numeric axis that drops "original"
    fig.update_xaxes(type="category")
    return fig


def sanity_maps(result: SanityResult, method: str, sample: int = 0) -> go.Figure:
    """One input's map for each step, side by side (images: channels summed)."""
    _check(result, "sanity_maps")
    if method not in result.maps:
        raise ValueError(f"method must be one of {list(result.maps)}, got {method!r}")
    maps = result.maps[method].isel(sample=sample)
    steps = [str(s) for s in maps.coords["step"].values]
    fig = make_subplots(rows=1, cols=len(steps), subplot_titles=steps)
    for j, step in enumerate(steps, start=1):
        m = maps.sel(step=step).to_numpy()
        m = m.sum(axis=0) if m.ndim == 3 else m[None, :]
        lim = float(np.abs(m).max()) or 1.0
        fig.add_trace(
            go.Heatmap(z=m[::-1], zmin=-lim, zmax=lim, colorscale="RdBu", showscale=j == 1),
            row=1, col=j,
        )  # fmt: skip
    fig.update_layout(template=TEMPLATE, title=f"{method}: maps after each randomisation step")
    return fig


def _check(result: object, func: str) -> None:
    from interpkit.sanity import SanityResult

    if not isinstance(result, SanityResult):
        raise TypeError(f"{func}() takes an interpkit SanityResult, got {type(result).__name__}")
