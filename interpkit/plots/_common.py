"""Shared look and input checks for :mod:`interpkit.plots`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from interpkit.explanation import Explanation

if TYPE_CHECKING:
    from interpkit.stability import StabilityResult

# Tableau-10: distinct, colour-blind-tolerant, readable on white
PALETTE = [
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#E15759",
    "#76B7B2",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
]
POSITIVE = "#2166AC"  # blue: pushes the output up
NEGATIVE = "#B2182B"  # red: pushes the output down
NEUTRAL = "#9E9E9E"
REFERENCE = "#111111"
LAMBDA_MIN_COLOR = "#555555"
LAMBDA_1SE_COLOR = "#C2185B"

FONT = "Inter, 'Helvetica Neue', Helvetica, Arial, sans-serif"

# x and y axes alike: light grid, grey axis lines with outside ticks
_AXIS = {
    "showgrid": True,
    "gridcolor": "#EBEBEB",
    "zeroline": False,
    "linecolor": "#888",
    "showline": True,
    "ticks": "outside",
    "tickcolor": "#888",
    "title": {"standoff": 10},
    # names are text even when they look like numbers (columns 10, 2, 33; layers "5", "0"):
    # plotly would otherwise put them on a numeric axis, out of order or dropped
    "autotypenumbers": "strict",
}

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 13, "color": "#222"},
        # titles start at the figure's left edge, not after long tick labels
        title={
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "pad": {"l": 14},
            "font": {"size": 17},
        },  # fmt: skip
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=PALETTE,
        margin={"l": 80, "r": 30, "t": 80, "b": 60},
        hoverlabel={"font": {"family": FONT}},
        legend={"bgcolor": "rgba(255,255,255,0.8)"},
        xaxis=_AXIS,
        yaxis={**_AXIS, "automargin": True},
    )
)

METRIC_LABELS = {
    "mse": "Mean-squared error",
    "mae": "Mean absolute error",
    "deviance": "Binomial deviance",
    "class": "Misclassification error",
}

METHOD_LABELS = {
    "lasso": "Lasso",
    "ridge": "Ridge",
    "elastic_net": "Elastic net",
    "mdi": "MDI",
    "mdi_plus": "MDI+",
    "permutation_importance": "Permutation importance",
    # for people: "EBM: term importance", not "Ebm term importance: importances"
    "ebm_term_importance": "EBM",
    "ebm_shape_function": "EBM",
    "tree_shap": "TreeSHAP",
    "kernel_shap": "KernelSHAP",
    "linear_shap": "LinearSHAP",
    "permutation_shap": "PermutationSHAP",
    "exact_shap": "Exact SHAP",
    "lime": "LIME",
    "gp_relevance": "GP",
}

# what the values are, as a title phrase, by (method, values name) or values name
VALUE_PHRASES = {
    ("ebm_term_importance", "importance"): "term importance",
    ("mdi", "importance"): "impurity importance",
    ("mdi_plus", "importance"): "impurity importance",
    "coefficient": "coefficients",
    "mean_abs_shap_value": "mean |SHAP value|",
    "shap_value": "SHAP values",
    "contribution": "contributions",
}


def new_figure(**layout: Any) -> go.Figure:
    """An empty figure in the interpkit template."""
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, **layout)
    return fig


def check_explanation(expl: Any, dims: tuple[str, ...], func: str, hint: str = "") -> None:
    """Raise unless ``expl`` is an Explanation with exactly ``dims``."""
    if not isinstance(expl, Explanation):
        raise TypeError(
            f"{func}() takes an interpkit.Explanation, got {type(expl).__name__}"
            + (f"; {hint}" if hint else "")
        )
    if expl.dims != dims:
        raise ValueError(
            f"{func}() needs an Explanation with dims {dims}, got dims {expl.dims}"
            + (f"; {hint}" if hint else "")
        )


def check_stability(result: Any, func: str, dims: tuple[str, ...] | None = None) -> None:
    """Raise unless ``result`` is a StabilityResult (with replicate ``dims``)."""
    from interpkit.stability import StabilityResult

    if not isinstance(result, StabilityResult):
        raise TypeError(
            f"{func}() takes an interpkit.StabilityResult (from explainer.stability()), "
            f"got {type(result).__name__}"
        )
    if dims is not None and result.replicates.dims != dims:
        raise ValueError(
            f"{func}() needs replicates with dims {dims}, got dims {result.replicates.dims}"
        )


def check_results(results: Any, func: str) -> None:
    """Raise unless ``results`` is a non-empty mapping (of name -> StabilityResult)."""
    if not isinstance(results, Mapping) or not results:
        raise TypeError(f"{func}() takes a non-empty dict of name -> StabilityResult")


def level_text(result: StabilityResult) -> str:
    """The interval level as a percentage, e.g. ``"95%"``."""
    return f"{round(100 * result.level):g}%"


def scheme_text(result: StabilityResult) -> str:
    """E.g. ``"100 bootstrap replicates"``."""
    return f"{result.n_replicates} {result.scheme} replicates"


def interval_error(
    mean: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    color: str,
    thickness: float,
    width: float,
) -> dict[str, Any]:
    """``error_x``/``error_y`` for an asymmetric interval ``[lower, upper]`` around ``mean``."""
    return {
        "type": "data",
        "symmetric": False,
        "array": upper - mean,
        "arrayminus": mean - lower,
        "color": color,
        "thickness": thickness,
        "width": width,
    }


def method_label(expl: Explanation) -> str:
    """Readable method name, e.g. ``"Lasso"`` or ``"Elastic net (α = 0.5)"``."""
    label = METHOD_LABELS.get(expl.method, expl.method.replace("_", " ").capitalize())
    if expl.method == "elastic_net" and "alpha" in expl.params:
        label += f" (α = {expl.params['alpha']:g})"
    return label


def value_phrase(expl: Explanation) -> str:
    """What the values are, for a title: ``"coefficients"``, ``"mean |SHAP value|"``."""
    name = str(expl.values.name or "value")
    phrase = VALUE_PHRASES.get((expl.method, name), VALUE_PHRASES.get(name))
    return phrase or name.replace("_", " ")


def value_label(expl: Explanation) -> str:
    """Axis label for the values, e.g. ``"Coefficient (per SD of feature)"``."""
    name = str(expl.values.name or "value").replace("_", " ")
    label = name[:1].upper() + name[1:]
    if expl.params.get("standardized_coef") and name == "coefficient":
        label += " (per SD of feature)"
    return label


def lambda_note(expl: Explanation) -> str:
    """``"λ = λ_1se = 0.209"`` from the explanation's params/annotations, or ``""``."""
    lam = expl.annotations.get("lambda", expl.params.get("lambda"))
    if lam is None:
        return ""
    choice = expl.params.get("lambda_choice")
    if isinstance(choice, str) and choice in ("lambda_min", "lambda_1se"):
        return f"λ = {choice.replace('lambda_', 'λ_')} = {lam:.3g}"
    return f"λ = {lam:.3g}"


def predicted_label(output_name: str | None) -> str:
    """y-axis label for predictions of ``output_name``."""
    if not output_name or output_name == "prediction":
        return "predicted"
    return f"predicted {output_name}"


def row_base_value(expl: Explanation, row: int) -> float | None:
    """The base value of explained row ``row``: the scalar, or the row's own when per row."""
    if expl.base_value is None:
        return None
    base = np.asarray(expl.base_value, dtype=float)
    return float(base) if base.ndim == 0 else float(base.ravel()[row])


def top_order(values: np.ndarray, k: int | None) -> np.ndarray:
    """Indices of ``values`` from largest to smallest (ties in order), the first ``k``."""
    order = np.argsort(-values, kind="stable")
    if k is not None:
        if k < 1:
            raise ValueError(f"max_features must be a positive integer, got {k}")
        order = order[:k]
    return order


def fmt(x: float) -> str:
    """Compact number for labels."""
    if x == 0:
        return "0"
    if abs(x) >= 1e4 or abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.3g}"


def short_label(text: str, n: int) -> str:
    """``text`` cut to ``n`` characters, the cut marked by "…" (hover text keeps the full name)."""
    text = str(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def darker(color: str, amount: float = 0.3) -> str:
    """``#RRGGBB`` mixed with black, for text in a line's colour."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02X}{:02X}{:02X}".format(*(round(c * (1 - amount)) for c in (r, g, b)))


LAMBDA_AXIS_TITLE = (
    "log(λ)   <span style='font-size:11px'>← stronger penalty · weaker penalty →</span>"
)


def signed_colors(values: np.ndarray) -> list[str]:
    return [POSITIVE if v > 0 else NEGATIVE if v < 0 else NEUTRAL for v in values]


def spread_labels(
    y: np.ndarray, min_gap: float, bounds: tuple[float, float] | None = None
) -> np.ndarray:
    """Move label positions apart so neighbours are at least ``min_gap`` apart.

    Keeps the labels' order, moves each as little as it can (crowded groups
    are centred on their members) and, given ``bounds``, keeps them inside
    when there is room.
    """
    y = np.asarray(y, dtype=float)
    order = np.argsort(y, kind="stable")
    target = y[order]
    pos = target.copy()
    n = len(pos)
    # merge clusters of labels that overlap and centre each on its members' mean
    groups = [[i] for i in range(n)]
    changed = True
    while changed:
        changed = False
        centres = [target[g].mean() for g in groups]
        for k in range(len(groups) - 1):
            top_k = centres[k] + (len(groups[k]) - 1) / 2 * min_gap
            bottom_next = centres[k + 1] - (len(groups[k + 1]) - 1) / 2 * min_gap
            if bottom_next - top_k < min_gap - 1e-12:
                groups[k] = groups[k] + groups.pop(k + 1)
                changed = True
                break
    for g in groups:
        centre = target[g].mean()
        pos[g] = centre + (np.arange(len(g)) - (len(g) - 1) / 2) * min_gap
    if bounds is not None and n:
        lo, hi = bounds
        pos[0] = max(pos[0], lo)
        for i in range(1, n):
            pos[i] = max(pos[i], pos[i - 1] + min_gap)
        pos[-1] = min(pos[-1], hi)
        for i in range(n - 2, -1, -1):
            pos[i] = min(pos[i], pos[i + 1] - min_gap)
    out = np.empty_like(pos)
    out[order] = pos
    return out


def lambda_lines(fig: go.Figure, annotations: dict[str, float]) -> None:
    """Dashed vertical lines at log(lambda_min) and log(lambda_1se), labelled along the line.

    Labels run upwards on the large-lambda side of each line, so they stay
    inside the plot whatever the axis direction.
    """
    lines = [
        ("lambda_min", "λ_min", LAMBDA_MIN_COLOR),
        ("lambda_1se", "λ_1se", LAMBDA_1SE_COLOR),
    ]
    present = [(k, t, c) for k, t, c in lines if annotations.get(k) is not None]
    same = len(present) == 2 and np.isclose(
        annotations["lambda_min"], annotations["lambda_1se"], rtol=1e-12
    )
    for key, text, color in present:
        x = float(np.log(annotations[key]))
        fig.add_shape(
            type="line",
            x0=x,
            x1=x,
            y0=0,
            y1=1,
            xref="x",
            yref="y domain",
            line={"dash": "dash", "color": color, "width": 1.5},
            name=key,
        )
        if same and key == "lambda_min":
            continue
        label = "λ_min = λ_1se" if same else text
        fig.add_annotation(
            x=x,
            y=1.0,
            xref="x",
            yref="y domain",
            text=f"{label} = {fmt(annotations[key])}",
            textangle=-90,
            showarrow=False,
            xanchor="right",
            yanchor="top",
            xshift=-2,
            font={"color": color, "size": 11},
            bgcolor="rgba(255,255,255,0.8)",
            name=key,
        )


def lambda_range(log_lambda: np.ndarray) -> list[float]:
    """x range for log(lambda), *decreasing* left to right (the model grows to the right)."""
    lo, hi = float(log_lambda.min()), float(log_lambda.max())
    pad = 0.03 * (hi - lo if hi > lo else 1.0)
    return [hi + pad, lo - pad]


def top_count_axis(fig: go.Figure, log_lambda: np.ndarray, counts: np.ndarray, title: str) -> None:
    """A top x axis (xaxis2) over the same range showing ``counts`` at a few log-lambdas."""
    rng = lambda_range(log_lambda)
    lo, hi = float(log_lambda.min()), float(log_lambda.max())
    # about eight ticks, at actual path points so the counts are exact
    n_ticks = min(8, len(log_lambda))
    targets = np.linspace(lo, hi, n_ticks)
    idx = sorted({int(np.argmin(np.abs(log_lambda - t))) for t in targets})
    fig.update_layout(
        xaxis={"range": rng},
        xaxis2={
            "overlaying": "x",
            "side": "top",
            "range": rng,
            "tickmode": "array",
            "tickvals": [float(log_lambda[i]) for i in idx],
            "ticktext": [str(int(counts[i])) for i in idx],
            "title": {"text": title, "font": {"size": 12}, "standoff": 4},
            "showgrid": False,
            "showline": True,
            "linecolor": "#888",
            "ticks": "outside",
            "tickcolor": "#888",
            "tickfont": {"size": 11},
        },
    )
    # an invisible trace pins xaxis2 so it is drawn
    fig.add_trace(
        go.Scatter(
            x=rng,
            y=[None, None],
            xaxis="x2",
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            name="_top_axis",
        )
    )
