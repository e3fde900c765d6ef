"""Figures for :mod:`interpkit.representations` results (they draw, never compute)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import NEUTRAL, PALETTE, REFERENCE, TEMPLATE, new_figure

if TYPE_CHECKING:
    from interpkit.representations import (
        DistanceComparison,
        LayerSimilarity,
        ProbeResult,
        TCAVResult,
    )

__all__ = ["distance_scatter", "layer_similarity", "probe_layers", "tcav_significance"]

_LABEL = {"cka": "Linear CKA", "rsa": "RSA (Spearman)"}


def _check(obj: Any, cls_name: str, func: str) -> None:
    if type(obj).__name__ != cls_name:
        raise TypeError(f"{func}() takes a {cls_name}, got {type(obj).__name__}")


def _hover(sim: LayerSimilarity) -> np.ndarray:
    text = np.vectorize(lambda v: f"{v:.3f}")(sim.matrix.values).astype(object)
    if sim.lower is not None:
        lo, hi = sim.lower.values, sim.upper.values
        for idx in np.ndindex(text.shape):
            text[idx] += f" [{lo[idx]:.3f}, {hi[idx]:.3f}]"
    return text


def layer_similarity(sim: LayerSimilarity, other: LayerSimilarity | None = None) -> go.Figure:
    """Layer x layer heatmap (values and bootstrap intervals on hover), ``other`` beside it."""
    _check(sim, "LayerSimilarity", "layer_similarity")
    sims = [sim] if other is None else [sim, other]
    titles = ["model"] if other is None else ["model", "comparison (e.g. random init)"]
    fig = make_subplots(rows=1, cols=len(sims), subplot_titles=titles, horizontal_spacing=0.12)
    for k, s in enumerate(sims, start=1):
        fig.add_trace(
            go.Heatmap(
                z=s.matrix.values,
                x=list(s.matrix.coords["layer_b"].values),
                y=list(s.matrix.coords["layer_a"].values),
                zmin=0 if s.method == "cka" else -1,
                zmax=1,
                colorscale="Viridis",
                text=_hover(s),
                hovertemplate="%{y} vs %{x}: %{text}<extra></extra>",
                showscale=k == 1,
                colorbar={"title": _LABEL[s.method]},
            ),
            row=1,
            col=k,
        )
    n_boot = sim.meta.get("n_boot", 0)
    note = f", {n_boot} bootstrap replicates on hover" if n_boot else ""
    fig.update_layout(
        template=TEMPLATE,
        title=f"{_LABEL[sim.method]} between layers ({sim.meta['n_samples']} samples{note})",
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def distance_scatter(dc: DistanceComparison) -> go.Figure:
    """‖h_i − h_j‖ at layer a vs layer b, the trend line, the farthest pairs marked."""
    _check(dc, "DistanceComparison", "distance_scatter")
    fig = new_figure(
        title=(
            f"Pairwise distances: {dc.layer_a} vs {dc.layer_b} (Spearman {dc.spearman:.2f}; "
            f"{len(dc.pairs):,} of {dc.n_pairs_total:,} pairs shown, cap {dc.max_pairs:,})"
        ),
        xaxis_title=f"‖h_i − h_j‖ at {dc.layer_a}",
        yaxis_title=f"‖h_i − h_j‖ at {dc.layer_b}",
    )
    fig.add_trace(
        go.Scattergl(
            x=dc.pairs["dist_a"],
            y=dc.pairs["dist_b"],
            mode="markers",
            marker={"size": 3, "color": NEUTRAL, "opacity": 0.5},
            name="pairs",
        )
    )
    grid = np.linspace(dc.pairs["dist_a"].min(), dc.pairs["dist_a"].max(), 2)
    fig.add_trace(
        go.Scatter(
            x=grid,
            y=dc.intercept + dc.slope * grid,
            mode="lines",
            name="trend",
            line={"color": REFERENCE},
        )
    )
    ext = dc.extremes
    hover = [f"pair ({i}, {j})" for i, j in zip(ext["i"], ext["j"], strict=True)]
    if "text_i" in ext:
        hover = [
            f"{h}<br>{a[:80]}<br>{b[:80]}"
            for h, a, b in zip(hover, ext["text_i"], ext["text_j"], strict=True)
        ]
    fig.add_trace(
        go.Scatter(
            x=ext["dist_a"],
            y=ext["dist_b"],
            mode="markers",
            name="farthest from trend",
            marker={"size": 9, "color": PALETTE[3]},
            text=hover,
            hovertemplate="%{text}",
        )
    )
    return fig


def _band(fig: go.Figure, layers: list[str], lower: Any, upper: Any, color: str, name: str) -> None:
    fig.add_trace(
        go.Scatter(
            x=layers + layers[::-1],
            y=list(upper) + list(lower)[::-1],
            fill="toself",
            fillcolor=color,
            opacity=0.2,
            line={"width": 0},
            name=name,
            hoverinfo="skip",
        )
    )


def probe_layers(result: ProbeResult) -> go.Figure:
    """Probe score per layer with its band, control, selectivity and random-init lines."""
    _check(result, "ProbeResult", "probe_layers")
    table = result.summary()
    layers = list(table.index)
    metric = "Accuracy" if result.metric == "accuracy" else "R²"
    fig = new_figure(
        title=f"Linear probe per layer ({metric}, {result.meta['cv']}-fold CV)",
        xaxis_title="layer",
        yaxis_title=metric,
    )
    band = result.boot_interval("task")
    band_name = f"{round(100 * result.level)}% " + (
        "bootstrap interval" if band is not None else "fold interval"
    )
    band = band if band is not None else result.fold_interval("task")
    _band(fig, layers, band["lower"], band["upper"], PALETTE[0], band_name)
    fig.add_trace(
        go.Scatter(x=layers, y=table[result.metric], name="task", line={"color": PALETTE[0]})
    )
    if "control" in table:
        fig.add_trace(
            go.Scatter(
                x=layers, y=table["control"], name="control task", line={"color": PALETTE[1]}
            )
        )
        fig.add_trace(
            go.Scatter(
                x=layers,
                y=table["selectivity"],
                name="selectivity (task − control)",
                line={"color": PALETTE[2], "dash": "dot"},
            )
        )
    if "random_init" in table:
        fig.add_trace(
            go.Scatter(
                x=layers,
                y=table["random_init"],
                name="random-init model",
                line={"color": PALETTE[3], "dash": "dash"},
            )
        )
    fig.add_hline(y=result.chance, line={"color": NEUTRAL, "dash": "dot"}, annotation_text="chance")
    return fig


def tcav_significance(result: TCAVResult) -> go.Figure:
    """Concept TCAV scores vs random-concept scores over runs, with the t-test's p-value."""
    _check(result, "TCAVResult", "tcav_significance")
    fig = new_figure(
        title=(
            f"TCAV ({result.method}): score {result.score:.2f} vs random "
            f"{float(result.random_scores.mean()):.2f}, p = {result.p_value:.3g}"
        ),
        yaxis_title="TCAV score",
        yaxis_range=[-0.05, 1.05],
    )
    for name, scores, color in (
        ("concept", result.concept_scores.values, PALETTE[0]),
        ("random concepts", result.random_scores.values, NEUTRAL),
    ):
        fig.add_trace(
            go.Box(y=scores, name=name, boxpoints="all", jitter=0.4, marker={"color": color})
        )
    return fig
