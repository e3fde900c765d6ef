"""Global importance bars and a waterfall of one prediction's contributions."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from interpkit.explanation import Explanation
from interpkit.plots._common import (
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    check_explanation,
    fmt,
    lambda_note,
    method_label,
    new_figure,
    row_base_value,
    signed_colors,
    value_label,
    value_phrase,
)
from interpkit.plots._labels import categories, value_text

__all__ = ["contributions", "importance"]


def importance(expl: Explanation, top: int | None = None, *, title: str | None = None) -> go.Figure:
    """Horizontal bars of a global explanation, largest ``|value|`` on top.

    Parameters
    ----------
    expl : Explanation
        Dims ``("feature",)``, e.g. ``explainer.explain()``. An ``error``
        is drawn as error bars.
    top : int, optional
        Show only the ``top`` features with the largest ``|value|``.
    title : str, optional
        Figure title; a default names the method (and λ for glmnet).

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace, ``x`` the values sorted by decreasing ``|value|``
        (ties keep feature order), positive bars blue, negative red.
    """
    check_explanation(expl, ("feature",), "importance", "use explainer.explain() without rows")
    values = expl.values.to_numpy().astype(float)
    names = np.asarray(expl.feature_names, dtype=object)
    order = np.argsort(-np.abs(values), kind="stable")
    if top is not None:
        if top < 1:
            raise ValueError(f"top must be a positive integer, got {top}")
        order = order[:top]
    vals = values[order]
    err = None if expl.error is None else expl.error.to_numpy()[order]

    fig = new_figure()
    fig.add_trace(
        go.Bar(
            x=vals,
            y=list(names[order]),
            orientation="h",
            marker={"color": signed_colors(vals)},
            text=[fmt(v) for v in vals] if err is None else None,
            textposition="outside",
            cliponaxis=False,
            error_x=None if err is None else {"type": "data", "array": err, "color": "#555"},
            hovertemplate="<b>%{y}</b><br>%{x:.4g}<extra></extra>",
            name=value_label(expl),
        )
    )
    if err is not None:  # value labels beyond the error bars, never on them
        fig.add_trace(_labels_past_errors(vals, err, list(names[order])))
    fig.add_vline(x=0, line={"color": "#666", "width": 1})
    note = lambda_note(expl)
    shown = f" (top {len(order)} of {len(values)})" if len(order) < len(values) else ""
    default = f"{method_label(expl)}: {value_phrase(expl)}{shown}" + (f" at {note}" if note else "")
    reach = vals if err is None else vals + np.sign(vals) * np.nan_to_num(np.abs(err))
    lim = float(np.max(np.abs(reach))) if len(vals) else 1.0
    lim = lim or 1.0
    lo = min(0.0, float(reach.min())) if len(vals) else 0.0
    hi = max(0.0, float(reach.max())) if len(vals) else 1.0
    # room past the bars for the value labels: about 3 % of the largest value per character
    chars = [len(fmt(v)) + 2 for v in vals] or [8]
    neg = max((c for c, v in zip(chars, vals, strict=True) if v < 0), default=6)
    pos = max((c for c, v in zip(chars, vals, strict=True) if v >= 0), default=6)
    pad_lo, pad_hi = max(0.18, 0.03 * neg) * lim, max(0.18, 0.03 * pos) * lim
    fig.update_layout(
        title={"text": title or default},
        xaxis={
            "title": {"text": value_label(expl)},
            "range": [lo - pad_lo if lo < 0 else 0 - 0.02 * lim, hi + pad_hi],
        },
        yaxis={"autorange": "reversed", "showgrid": False, "ticks": ""},
        showlegend=False,
        height=max(260, 130 + 28 * len(order)),
        bargap=0.3,
    )
    return fig


def _labels_past_errors(vals: np.ndarray, err: np.ndarray, names: list[str]) -> go.Scatter:
    """Text labels of bar values placed just past the end of each error bar."""
    ends = vals + np.where(vals < 0, -1.0, 1.0) * np.nan_to_num(np.abs(err))
    return go.Scatter(
        x=ends,
        y=names,
        mode="text",
        text=[f" {fmt(v)} " for v in vals],
        textposition=["middle left" if v < 0 else "middle right" for v in vals],
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
    )


def contributions(
    expl: Explanation,
    sample: int = 0,
    *,
    top: int | None = None,
    title: str | None = None,
) -> go.Figure:
    """Waterfall of one row's contributions, from the base value to the prediction.

    Parameters
    ----------
    expl : Explanation
        Local explanation with dims ``("sample", "feature")`` and a
        ``base_value``, e.g. ``explainer.explain(X_rows)``; ``expl.data``
        (the feature values) goes into the bar labels.
    sample : int, default 0
        Position of the row (as in ``iloc``; negative counts from the end).
    top : int, optional
        Show the ``top`` largest contributions and fold the rest into one
        "other features" bar. Features contributing exactly 0 are left out.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        A horizontal ``Waterfall`` trace: the first bar is the base value,
        then contributions by decreasing ``|value|``, and the final "total"
        bar is the prediction ``base_value + sum(contributions)``.
    """
    check_explanation(
        expl, ("sample", "feature"), "contributions", "use explainer.explain(X) for rows"
    )
    if expl.base_value is None:
        raise ValueError("contributions() needs an Explanation with a base_value")
    n = expl.values.sizes["sample"]
    if not -n <= sample < n:
        raise IndexError(f"sample {sample} is out of range for {n} explained rows")
    row = expl.values.isel(sample=sample)
    label = row.coords["sample"].item()
    contrib = row.to_numpy().astype(float)
    names = expl.feature_names or []
    base = row_base_value(expl, sample)
    data = None if expl.data is None else expl.data.isel(sample=sample).to_numpy()

    order = np.argsort(-np.abs(contrib), kind="stable")
    order = order[contrib[order] != 0]
    n_zero = len(contrib) - len(order)
    rest = 0.0
    n_rest = 0
    if top is not None and len(order) > top:
        rest = float(contrib[order[top:]].sum())
        n_rest = len(order) - top
        order = order[:top]

    cats = categories(expl)  # a coded text column is named by its label, not its code

    def feat_label(j: int) -> str:
        if data is None:
            return names[j]
        return f"{names[j]} = {value_text(data[j], cats.get(names[j]))}"

    labels = ["base value", *[feat_label(j) for j in order]]
    values = [base, *contrib[order].tolist()]
    measures = ["absolute", *["relative"] * len(order)]
    if n_rest:
        labels.append(f"{n_rest} other features")
        values.append(rest)
        measures.append("relative")
    prediction = base + float(contrib.sum())
    labels.append("prediction")
    values.append(prediction)
    measures.append("total")

    texts = [fmt(base)] + [f"{v:+.3g}" for v in values[1:-1]] + [fmt(prediction)]
    fig = new_figure()
    fig.add_trace(
        go.Waterfall(
            orientation="h",
            measure=measures,
            y=labels,
            x=values,
            base=0,
            text=texts,
            textposition="outside",
            cliponaxis=False,
            increasing={"marker": {"color": POSITIVE}},
            decreasing={"marker": {"color": NEGATIVE}},
            totals={"marker": {"color": "#555555"}},
            connector={"line": {"color": NEUTRAL, "width": 1, "dash": "dot"}},
            hovertemplate="<b>%{y}</b><br>%{x:.4g}<extra></extra>",
            name="contributions",
        )
    )
    # zoom on the interesting part: the running totals, not 0 .. base
    running = np.cumsum(values[:-1])
    ends = np.concatenate([[base, prediction], running])
    lo, hi = float(ends.min()), float(ends.max())
    pad = 0.25 * (hi - lo if hi > lo else max(abs(hi), 1.0))
    output = expl.output_name or "prediction"
    note = f"{n_zero} features with zero contribution not shown" if n_zero else ""
    fig.update_layout(
        title={
            "text": title
            or (
                f"{method_label(expl)}: why row {label} gets {output} {fmt(prediction)}"
                + (f"<br><sup>{note}</sup>" if note else "")
            )
        },
        xaxis={"title": {"text": output}, "range": [lo - pad, hi + pad]},
        yaxis={"autorange": "reversed", "showgrid": False, "ticks": "", "type": "category"},
        showlegend=False,
        height=max(280, 150 + 30 * len(labels)),
        waterfallgap=0.3,
    )
    return fig
