"""Figures for :mod:`interpkit.sae` results (they draw, never compute).

=============================  ===============================================
function                       input
=============================  ===============================================
:func:`density_histogram`      FeatureSurvey (``interpkit.sae.survey``)
:func:`feature_cards`          FeatureSurvey: top contexts as shaded tokens
:func:`seed_matching`          SeedStability (``interpkit.sae.seed_stability``)
:func:`concept_alignment`      ConceptAlignment (``interpkit.sae.concept_alignment``)
:func:`group_frequencies`      GroupComparison (``interpkit.sae.compare_groups``)
=============================  ===============================================
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from interpkit.plots._common import NEUTRAL, PALETTE, TEMPLATE, new_figure

if TYPE_CHECKING:
    from interpkit.sae import ConceptAlignment, FeatureSurvey, GroupComparison, SeedStability

__all__ = [
    "concept_alignment",
    "density_histogram",
    "feature_cards",
    "group_frequencies",
    "seed_matching",
]

_ORANGE = (242, 142, 43)
_CHAR_WIDTH = 8.0  # px per character of the monospace card font


def _check(obj: Any, cls_name: str, func: str) -> None:
    if type(obj).__name__ != cls_name:
        raise TypeError(f"{func}() takes a {cls_name}, got {type(obj).__name__}")


def density_histogram(survey: FeatureSurvey) -> go.Figure:
    """Histogram of log10 feature density (share of rows a feature is active on)."""
    _check(survey, "FeatureSurvey", "density_histogram")
    bins, counts = survey.density_bins, survey.density_counts
    fig = new_figure(
        title=(
            f"Feature density: L0 {survey.l0:.2f}, FVU {survey.fvu:.3f}, "
            f"{survey.n_dead} dead and {survey.n_dense} dense of {len(survey.features)}"
        ),
        xaxis_title="log10 density (share of rows where the feature is active)",
        yaxis_title="features",
        bargap=0.05,
    )
    fig.add_trace(
        go.Bar(
            x=(bins[:-1] + bins[1:]) / 2,
            y=counts,
            width=np.diff(bins),
            marker_color=PALETTE[0],
            name="live features",
            hovertemplate="log10 density %{x:.2f}: %{y} features<extra></extra>",
        )
    )
    threshold = np.log10(survey.params["dense_threshold"])
    fig.add_vline(
        x=threshold,
        line_dash="dash",
        line_color=NEUTRAL,
        annotation_text=f"dense > {survey.params['dense_threshold']:g}",
    )
    return fig


def feature_cards(survey: FeatureSurvey, features: Sequence[int] | None = None) -> go.Figure:
    """Each feature's top-activating contexts as tokens shaded by its activation.

    Tokens are HTML-escaped before plotly renders them; the top-activating
    token of each line is bold. ``features`` defaults to
    ``survey.top_features(4)``.
    """
    _check(survey, "FeatureSurvey", "feature_cards")
    features = survey.top_features(4) if features is None else [int(f) for f in features]
    annotations: list[dict[str, Any]] = []
    line = 0
    longest = 10.0
    for f in features:
        ctx = survey.contexts_of(f)
        row = survey.features.loc[f]
        annotations.append(
            _token(
                f"<b>feature {f}</b>  density {row['density']:.3g}, max {row['max']:.3g}",
                0.0,
                line,
                None,
            )
        )
        line += 1
        scale = max((c.activation for c in ctx), default=1.0)
        for c in ctx:
            x = 0.0
            for i, (tok, val) in enumerate(zip(c.tokens, c.values, strict=True)):
                text = html.escape(tok)
                if i == c.focus:
                    text = f"<b>{text}</b>"
                annotations.append(_token(text, x, line, min(max(val / scale, 0.0), 1.0)))
                x += len(tok) + 1
            annotations.append(_token(f"({c.activation:.3g})", x + 1, line, None, NEUTRAL))
            longest = max(longest, x + 10)
            line += 1
        if not ctx:
            annotations.append(_token("(never active)", 0.0, line, None, NEUTRAL))
            line += 1
    height = max(200, 26 * line + 90)
    fig = go.Figure()
    fig.update_layout(
        template=TEMPLATE,
        title="Top-activating contexts per feature (shade: the feature's activation)",
        annotations=annotations,
        height=height,
        width=int(min(max(longest * _CHAR_WIDTH + 120, 600), 1400)),
        xaxis={"visible": False, "range": [-1, longest]},
        yaxis={"visible": False, "range": [line, -1]},
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
    )
    return fig


def _token(text: str, x: float, y: float, alpha: float | None, color: str = "#222") -> dict:
    bg = "rgba(0,0,0,0)" if alpha is None else f"rgba{(*_ORANGE, round(alpha, 2))}"
    return {
        "text": text,
        "x": x,
        "y": y,
        "xref": "x",
        "yref": "y",
        "xanchor": "left",
        "showarrow": False,
        "bgcolor": bg,
        "font": {"family": "DejaVu Sans Mono, monospace", "size": 12, "color": color},
    }


def seed_matching(stability: SeedStability) -> go.Figure:
    """Histogram of matched-atom cosines over all seed pairs, the null's beside it."""
    _check(stability, "SeedStability", "seed_matching")
    n_pairs = stability.cosines.groupby(["seed_a", "seed_b"]).ngroups
    fig = new_figure(
        title=(
            f"Decoder atoms matched across {len(stability.seeds)} seeds "
            f"({n_pairs} pairs, Hungarian matching on cosine)"
        ),
        xaxis_title="cosine of the matched atom in the other seed's SAE",
        yaxis_title="share of features",
        barmode="overlay",
    )
    bins = {"start": -0.2, "end": 1.0001, "size": 0.025}
    fig.add_trace(
        go.Histogram(
            x=stability.cosines["cosine"],
            xbins=bins,
            histnorm="probability",
            name="data",
            marker_color=PALETTE[0],
            opacity=0.8,
        )
    )
    if stability.null_cosines is not None:
        fig.add_trace(
            go.Histogram(
                x=stability.null_cosines["cosine"],
                xbins=bins,
                histnorm="probability",
                name=f"null: {stability.null}",
                marker_color=NEUTRAL,
                opacity=0.6,
            )
        )
    for t in (0.7, 0.9):
        fig.add_vline(x=t, line_dash="dot", line_color="#555", annotation_text=f"{t:g}")
    return fig


def concept_alignment(alignment: ConceptAlignment) -> go.Figure:
    """Each concept's best cosine with an SAE atom, the random-direction null's 95th
    percentile marked."""
    _check(alignment, "ConceptAlignment", "concept_alignment")
    table = alignment.table
    names = [str(n) for n in table.index]
    fig = new_figure(
        title="Concept directions vs their closest SAE decoder atom",
        xaxis_title="cosine with the best-matching atom",
        yaxis={"autorange": "reversed"},
        xaxis={"range": [min(0.0, float(table["cosine"].min()) - 0.05), 1.0]},
    )
    fig.add_trace(
        go.Bar(
            x=table["cosine"],
            y=names,
            orientation="h",
            marker_color=PALETTE[0],
            name="best atom",
            text=[f"feature {f}" for f in table["feature"]],
            hovertemplate="%{y}: cosine %{x:.3f} with %{text}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=table["runner_up"],
            y=names,
            mode="markers",
            marker={"color": PALETTE[1], "symbol": "diamond", "size": 9},
            name="second-best atom",
        )
    )
    q95 = float(table["null_q95"].iloc[0])
    fig.add_vline(
        x=q95,
        line_dash="dash",
        line_color=NEUTRAL,
        annotation_text="random direction, 95%",
        annotation_position="bottom right",
    )
    fig.update_layout(height=max(260, 60 * len(names) + 160))
    return fig


def group_frequencies(comparison: GroupComparison, top: int = 20) -> go.Figure:
    """Difference in firing frequency (b - a) of the ``top`` most different features,
    with bootstrap intervals."""
    _check(comparison, "GroupComparison", "group_frequencies")
    table = comparison.table.head(top)
    a, b = comparison.names
    labels = [f"feature {f}" for f in table.index]
    colors = [PALETTE[3] if e else NEUTRAL for e in table["excludes_zero"]]
    fig = new_figure(
        title=f"SAE feature frequency: {b} minus {a} ({comparison.level:.0%} bootstrap intervals)",
        xaxis_title=f"share of rows where the feature fires, {b} - {a}",
        yaxis={"autorange": "reversed"},
    )
    fig.add_trace(
        go.Scatter(
            x=table["difference"],
            y=labels,
            mode="markers",
            marker={"color": colors, "size": 9},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": table["upper"] - table["difference"],
                "arrayminus": table["difference"] - table["lower"],
                "color": "#777",
            },
            customdata=np.column_stack([table["freq_a"], table["freq_b"]]),
            hovertemplate=(
                f"%{{y}}: {a} %{{customdata[0]:.3f}}, {b} %{{customdata[1]:.3f}}<extra></extra>"
            ),
            showlegend=False,
        )
    )
    fig.add_vline(x=0, line_color="#444")
    fig.update_layout(height=max(300, 24 * len(labels) + 160))
    return fig
