"""Figures for :mod:`interpkit.circuits` results (they draw, never compute).

=============================  ===============================================
function                       input
=============================  ===============================================
:func:`logit_lens`             LogitLens: layer x position heatmap, null beside
:func:`attention_patterns`     AttentionPatterns: one heatmap per layer and head,
                               token labels, the null model's row below
:func:`head_scores`            HeadScores: bars with prompt and seed intervals
:func:`patching`               Patching: heatmap (bars for MLPs), null beside
:func:`logit_attribution`      LogitAttribution: direct effect per component
=============================  ===============================================

Values beyond the colour range of a normalised patching map (a null whose
clean and corrupted runs barely differ can give any ratio) saturate the
colour; hovering shows the value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import NEUTRAL, PALETTE, TEMPLATE, new_figure

if TYPE_CHECKING:
    from interpkit.circuits import (
        AttentionPatterns,
        HeadScores,
        LogitAttribution,
        LogitLens,
        Patching,
    )

__all__ = ["attention_patterns", "head_scores", "logit_attribution", "logit_lens", "patching"]

_MODELS_TITLE = {"trained": "trained model"}


def _check(obj: Any, cls_name: str, func: str) -> None:
    if type(obj).__name__ != cls_name:
        raise TypeError(f"{func}() takes a {cls_name}, got {type(obj).__name__}")


def _models(result: Any) -> list[str]:
    return ["trained", *([result.null] if result.null else [])]


def _title(model: str) -> str:
    return _MODELS_TITLE.get(model, f"{model} (null)")


def _tick_labels(tokens: list[str], positions: list[int], max_ticks: int = 32) -> tuple[list, list]:
    step = max(1, int(np.ceil(len(positions) / max_ticks)))
    shown = positions[::step]
    return shown, [f"{p}: {tokens[p]}" if p < len(tokens) else str(p) for p in shown]


def logit_lens(lens: LogitLens, measure: str = "probability") -> go.Figure:
    """Heatmap of the correct next token's probability (or rank) per layer and position."""
    _check(lens, "LogitLens", "logit_lens")
    if measure not in ("probability", "rank"):
        raise ValueError(f"measure must be 'probability' or 'rank', got {measure!r}")
    models = _models(lens)
    fig = make_subplots(
        rows=1, cols=len(models), subplot_titles=[_title(m) for m in models], horizontal_spacing=0.1
    )
    zmax = 1.0 if measure == "probability" else float(lens.table["value"].max())
    for k, model in enumerate(models, start=1):
        grid = lens.grid("layer", "position", model=model, measure=measure)
        positions = [int(p) for p in grid.columns]
        fig.add_trace(
            go.Heatmap(
                z=grid.to_numpy(),
                x=positions,
                y=list(grid.index),
                zmin=0,
                zmax=zmax,
                colorscale="Viridis" if measure == "probability" else "Viridis_r",
                showscale=k == 1,
                colorbar={"title": measure, "len": 0.9},
                hovertemplate=f"%{{y}}, position %{{x}}: {measure} %{{z:.3f}}<extra></extra>",
            ),
            row=1,
            col=k,
        )
        vals, text = _tick_labels(lens.tokens, positions, 16)
        fig.update_xaxes(tickvals=vals, ticktext=text, tickangle=-60, row=1, col=k)
        fig.update_xaxes(title_text="position: token (scored on the next one)", row=1, col=k)
    fig.update_layout(
        template=TEMPLATE,
        title=f"Logit lens: {measure} of the correct next token, read off each layer "
        f"(mean over {lens.params['n_prompts']} prompts)",
        height=380 + 30 * len(lens.table["layer"].unique()),
        width=520 * len(models) + 120,
        margin={"b": 130},
    )
    return fig


def attention_patterns(patterns: AttentionPatterns, prompt: int = 0) -> go.Figure:
    """Attention of each query (row) to each key (column) for every layer and head, one prompt."""
    _check(patterns, "AttentionPatterns", "attention_patterns")
    n_prompts, n_layers, n_heads, p, _ = patterns.patterns.shape
    if not 0 <= prompt < n_prompts:
        raise ValueError(f"prompt must be in 0..{n_prompts - 1}, got {prompt}")
    rows = [("trained", patterns.patterns)]
    if patterns.null_patterns is not None:
        rows.append((patterns.null, patterns.null_patterns))
    cols = n_layers * n_heads
    titles = [
        f"{_title(m)}: L{i}H{h}" for m, _ in rows for i in range(n_layers) for h in range(n_heads)
    ]
    fig = make_subplots(
        rows=len(rows),
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.08,
        vertical_spacing=0.16,
    )
    tokens = patterns.tokens[prompt]
    vals, text = _tick_labels(tokens, list(range(p)), 16)
    for r, (_, pats) in enumerate(rows, start=1):
        for l in range(n_layers):  # noqa: E741
            for h in range(n_heads):
                c = l * n_heads + h + 1
                fig.add_trace(
                    go.Heatmap(
                        z=pats[prompt, l, h],
                        x=list(range(p)),
                        y=list(range(p)),
                        zmin=0,
                        zmax=1,
                        colorscale="Blues",
                        showscale=(r == 1 and c == 1),
                        colorbar={"title": "attention", "len": 0.8},
                        hovertemplate="query %{y} -> key %{x}: %{z:.3f}<extra></extra>",
                    ),
                    row=r,
                    col=c,
                )
                fig.update_xaxes(
                    tickvals=vals, ticktext=text, tickangle=-60, tickfont={"size": 9}, row=r, col=c
                )
                fig.update_yaxes(
                    tickvals=vals,
                    ticktext=text,
                    autorange="reversed",
                    tickfont={"size": 9},
                    row=r,
                    col=c,
                )
    fig.update_layout(
        template=TEMPLATE,
        title="Attention patterns (rows: queries, columns: keys)",
        height=440 * len(rows) + 60,
        width=max(560, 430 * cols + 120),
    )
    return fig


def _head_labels(table: Any) -> list[str]:
    return [f"L{int(l)}H{int(h)}" for l, h in zip(table["layer"], table["head"], strict=True)]  # noqa: E741


def _interval(sub: Any, lo: str, hi: str, **style: Any) -> dict:
    return {
        "type": "data",
        "symmetric": False,
        "array": sub[hi] - sub["value"],
        "arrayminus": sub["value"] - sub[lo],
        **style,
    }


def head_scores(scores: HeadScores) -> go.Figure:
    """One panel per score: a bar per head with its prompt interval, the null beside, seed range."""
    _check(scores, "HeadScores", "head_scores")
    names = list(dict.fromkeys(scores.table["score"]))
    fig = make_subplots(
        rows=1,
        cols=len(names),
        subplot_titles=[n.replace("_", "-") for n in names],
        shared_yaxes=True,
    )
    models = _models(scores)
    colors = {"trained": PALETTE[0], scores.null: NEUTRAL}
    width = 0.8 / len(models)
    for k, name in enumerate(names, start=1):
        for j, model in enumerate(models):
            sub = scores.values(model)
            sub = sub[sub["score"] == name]
            labels = _head_labels(sub)
            x = np.arange(len(sub)) + (j - (len(models) - 1) / 2) * width
            fig.add_trace(
                go.Bar(
                    x=x,
                    y=sub["value"],
                    width=width * 0.95,
                    name=_title(model),
                    marker_color=colors[model],
                    legendgroup=model,
                    showlegend=k == 1,
                    error_y=_interval(sub, "lower", "upper", color="#444"),
                    customdata=labels,
                    hovertemplate="%{customdata}: %{y:.3f}<extra>" + _title(model) + "</extra>",
                ),
                row=1,
                col=k,
            )
            if np.isfinite(sub["seed_lower"]).any():
                fig.add_trace(
                    go.Scatter(
                        x=x,
                        y=sub["value"],
                        mode="markers",
                        marker={"symbol": "diamond-open", "size": 9, "color": "#222"},
                        error_y=_interval(
                            sub, "seed_lower", "seed_upper", color="#222", thickness=1, width=10
                        ),
                        name=f"range over {scores.params['n_models']} training seeds",
                        legendgroup="seeds",
                        showlegend=k == 1 and j == 0,
                        hoverinfo="skip",
                    ),
                    row=1,
                    col=k,
                )
        heads = _head_labels(scores.values()[scores.values()["score"] == name])
        fig.update_xaxes(
            title_text="layer, head", tickvals=list(range(len(heads))), ticktext=heads, row=1, col=k
        )
    fig.update_yaxes(title_text="score (share of attention)", range=[0, 1], row=1, col=1)
    fig.update_layout(
        template=TEMPLATE,
        title=f"Attention head scores ({scores.params['level']:.0%} bootstrap intervals over "
        f"{scores.params['n_prompts']} prompts)",
        height=430,
        width=max(640, 330 * len(names)),
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def patching(result: Patching, zrange: float = 1.0, null_scale: str = "trained") -> go.Figure:
    """The normalised patching map (1 = clean, 0 = corrupted), the null's map beside it.

    ``null_scale="trained"`` (default) shows the null's effect (patched -
    corrupted) divided by the trained model's clean - corrupted gap, so both
    panels share one unit; a random model's own gap is near 0 and its own
    normalisation (``null_scale="own"``) divides by it.
    """
    _check(result, "Patching", "patching")
    if null_scale not in ("trained", "own"):
        raise ValueError(f"null_scale must be 'trained' or 'own', got {null_scale!r}")
    models = _models(result)
    kind = result.kind
    metrics = result.params.get("metrics", {})
    gaps = {m: v["clean"] - v["corrupted"] for m, v in metrics.items()}
    rescale = null_scale == "trained" and "trained" in gaps and "effect" in result.table
    titles = []
    for m in models:
        if m not in gaps:
            titles.append(_title(m))
        elif m != "trained" and rescale:
            titles.append(f"{_title(m)}, in units of the trained gap (own gap {gaps[m]:.3g})")
        else:
            titles.append(f"{_title(m)}: clean - corrupted = {gaps[m]:.3g}")
    fig = make_subplots(rows=1, cols=len(models), subplot_titles=titles, horizontal_spacing=0.1)
    for k, model in enumerate(models, start=1):
        sub = result.values(model)
        if model != "trained" and rescale:
            sub = sub.assign(
                value=sub["effect"] / gaps["trained"],
                lower=sub["effect_lower"] / gaps["trained"],
                upper=sub["effect_upper"] / gaps["trained"],
            )
        if kind == "mlp":
            fig.add_trace(
                go.Bar(
                    x=[f"MLP {int(l)}" for l in sub["layer"]],  # noqa: E741
                    y=sub["value"],
                    marker_color=PALETTE[0] if model == "trained" else NEUTRAL,
                    error_y=_interval(sub, "lower", "upper", color="#444"),
                    showlegend=False,
                ),
                row=1,
                col=k,
            )
            continue
        column = "position" if kind == "resid" else "head"
        grid = _pivot(sub, column, "value")
        lower = _pivot(sub, column, "lower").to_numpy()
        upper = _pivot(sub, column, "upper").to_numpy()
        fig.add_trace(
            go.Heatmap(
                z=grid.to_numpy(),
                x=[int(c) for c in grid.columns],
                y=[f"layer {int(i)}" for i in grid.index],
                customdata=np.stack([lower, upper], axis=-1),
                zmin=-zrange,
                zmax=zrange,
                colorscale="RdBu",
                showscale=k == 1,
                colorbar={"title": "recovered", "len": 0.9},
                hovertemplate=f"%{{y}}, {column} %{{x}}: %{{z:.3f}} "
                "[%{customdata[0]:.3f}, %{customdata[1]:.3f}]<extra></extra>",
            ),
            row=1,
            col=k,
        )
        fig.update_xaxes(title_text=column, dtick=1, row=1, col=k)
    what = {
        "resid": "residual stream by layer and position",
        "heads": "attention heads",
        "mlp": "MLPs",
    }
    fig.update_layout(
        template=TEMPLATE,
        title=f"Activation patching, {what[kind]}: share of the clean metric recovered",
        height=380 if kind != "mlp" else 420,
        width=520 * len(models) + 120,
    )
    return fig


def _pivot(sub: Any, column: str, col: str) -> Any:
    rows, cols = list(dict.fromkeys(sub["layer"])), list(dict.fromkeys(sub[column]))
    return sub.pivot(index="layer", columns=column, values=col).loc[rows, cols]


def logit_attribution(dla: LogitAttribution, level: str = "component") -> go.Figure:
    """Each component's direct effect on the logit difference, with intervals; null beside."""
    _check(dla, "LogitAttribution", "logit_attribution")
    if level not in ("component", "layer"):
        raise ValueError(f"level must be 'component' or 'layer', got {level!r}")
    fig = new_figure(
        title="Direct logit attribution to the logit difference "
        f"(mean over {dla.params['n_prompts']} prompts)",
        xaxis_title="direct effect on logit(answer) - logit(wrong)",
        yaxis={"autorange": "reversed"},
        barmode="group",
    )
    for model in _models(dla):
        sub = dla.values(model)
        sub = sub[sub["level"] == level]
        fig.add_trace(
            go.Bar(
                y=list(sub["component"]),
                x=sub["value"],
                orientation="h",
                name=_title(model),
                marker_color=PALETTE[0] if model == "trained" else NEUTRAL,
                error_x=_interval(sub, "lower", "upper", color="#444"),
            )
        )
    fig.add_vline(x=0, line_color="#444")
    n = len(dla.table[dla.table["level"] == level]["component"].unique())
    fig.update_layout(height=max(320, 34 * n * len(_models(dla)) + 160))
    return fig
