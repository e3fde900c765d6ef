"""Regularisation path and cross-validation curve, in the style of R's glmnet plots."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from interpkit.explanation import Explanation
from interpkit.plots._common import (
    LAMBDA_AXIS_TITLE,
    METRIC_LABELS,
    PALETTE,
    check_explanation,
    darker,
    lambda_lines,
    method_label,
    new_figure,
    spread_labels,
    top_count_axis,
    value_label,
)

__all__ = ["cv_curve", "path"]


def path(expl: Explanation, *, label: bool | int = True, title: str | None = None) -> go.Figure:
    """Coefficient paths against log(λ), like R's ``plot(fit, xvar="lambda", label=TRUE)``.

    Parameters
    ----------
    expl : Explanation
        Dims ``("lambda", "feature")``, e.g. from ``ElasticNetExplainer.path()``.
        ``annotations["lambda_min"]`` and ``["lambda_1se"]``, when present,
        are drawn as dashed vertical lines.
    label : bool or int, default True
        Name each line at its small-λ end. ``True`` labels as many lines as
        fit (about 20, the largest there), an int labels that many,
        ``False`` none.
    title : str, optional
        Figure title; a default names the method.

    Returns
    -------
    plotly.graph_objects.Figure
        One line trace per feature (named by the feature); the top axis
        counts the nonzero coefficients.
    """
    check_explanation(
        expl, ("lambda", "feature"), "path", "use explainer.path() for a coefficient path"
    )
    lam = np.asarray(expl.values.coords["lambda"].to_numpy(), dtype=float)
    if np.any(lam <= 0):
        raise ValueError("path() needs positive lambda values to plot them on a log scale")
    order = np.argsort(lam)  # increasing lambda, left to right as in R
    lam = lam[order]
    loglam = np.log(lam)
    coef = expl.values.transpose("lambda", "feature").to_numpy()[order]
    names = expl.feature_names or []
    n_nonzero = np.count_nonzero(coef, axis=1)

    fig = new_figure()
    for j, name in enumerate(names):
        fig.add_trace(
            go.Scatter(
                x=loglam,
                y=coef[:, j],
                mode="lines",
                name=name,
                line={"width": 2, "color": PALETTE[j % len(PALETTE)]},
                customdata=np.column_stack([lam, n_nonzero]),
                hovertemplate=(
                    f"<b>{name}</b><br>coefficient %{{y:.4g}}<br>log λ %{{x:.3f}} "
                    "(λ = %{customdata[0]:.4g})<br>%{customdata[1]} nonzero<extra></extra>"
                ),
            )
        )
    fig.add_hline(y=0, line={"color": "#888", "width": 1})

    # feature names at the small-lambda (right) end, spread so they do not overlap
    height, top_margin, bottom_margin = 480, 110, 60
    plot_px = height - top_margin - bottom_margin
    room = plot_px // 15  # labels that fit one above the other
    n_label = 0 if label is False else min(len(names), room if label is True else int(label))
    if n_label:
        ends = coef[0]
        keep = np.argsort(-np.abs(ends), kind="stable")[:n_label]
        y_lo, y_hi = float(coef.min()), float(coef.max())
        pad = 0.05 * ((y_hi - y_lo) or 1.0)  # about plotly's autorange padding
        ys = spread_labels(
            ends[keep],
            min_gap=15 * (y_hi - y_lo + 2 * pad) / plot_px,
            bounds=(y_lo - pad, y_hi + pad),
        )
        for j, y_text in zip(keep, ys, strict=True):
            fig.add_annotation(
                x=loglam[0],
                y=y_text,
                text=names[j],
                showarrow=False,
                xanchor="left",
                xshift=8,
                font={"color": darker(PALETTE[j % len(PALETTE)]), "size": 12},
                name="feature_label",
            )

    lambda_lines(fig, expl.annotations)
    top_count_axis(fig, loglam, n_nonzero, "nonzero coefficients")
    label_width = max((len(n) for n in names), default=4) * 7 + 20 if n_label else 0
    fig.update_layout(
        title={"text": title or f"{method_label(expl)}: coefficient path"},
        xaxis={"title": {"text": LAMBDA_AXIS_TITLE}},
        yaxis={"title": {"text": value_label(expl)}},
        showlegend=False,
        height=height,
        margin={"r": 30 + label_width, "t": top_margin, "b": bottom_margin},
        hovermode="closest",
    )
    return fig


def cv_curve(expl: Explanation, *, title: str | None = None) -> go.Figure:
    """Cross-validated error against log(λ) with ±1 SE bars, like R's ``plot(cv_fit)``.

    Parameters
    ----------
    expl : Explanation
        Dims ``("lambda",)``, e.g. from ``ElasticNetExplainer.cv_curve()``:
        values are the mean CV error, ``error`` its standard error, and the
        optional ``n_nonzero`` coordinate is shown along the top axis.
    title : str, optional
        Figure title; a default names the method and the number of folds.

    Returns
    -------
    plotly.graph_objects.Figure
        The first trace holds the mean error with ``error_y`` = ``expl.error``.
    """
    check_explanation(expl, ("lambda",), "cv_curve", "use explainer.cv_curve() for a CV curve")
    lam = np.asarray(expl.values.coords["lambda"].to_numpy(), dtype=float)
    if np.any(lam <= 0):
        raise ValueError("cv_curve() needs positive lambda values to plot them on a log scale")
    order = np.argsort(lam)
    lam = lam[order]
    loglam = np.log(lam)
    mean = expl.values.to_numpy()[order]
    se = None if expl.error is None else expl.error.to_numpy()[order]
    counts = None
    if "n_nonzero" in expl.values.coords:
        counts = np.asarray(expl.values.coords["n_nonzero"].to_numpy())[order]

    custom = np.column_stack([lam, se if se is not None else np.full_like(lam, np.nan)])
    fig = new_figure()
    fig.add_trace(
        go.Scatter(
            x=loglam,
            y=mean,
            mode="markers",
            name="mean CV error ± 1 SE",
            marker={"color": "#D62728", "size": 7},
            error_y=None
            if se is None
            else {
                "type": "data",
                "array": se,
                "symmetric": True,
                "color": "#9E9E9E",
                "thickness": 1.2,
                "width": 3,
            },
            customdata=custom,
            hovertemplate=(
                "log λ %{x:.3f} (λ = %{customdata[0]:.4g})<br>"
                "CV error %{y:.4g} ± %{customdata[1]:.3g}<extra></extra>"
            ),
        )
    )
    lambda_lines(fig, expl.annotations)
    if counts is not None:
        top_count_axis(fig, loglam, counts, "nonzero coefficients")
    metric = expl.params.get("cv_metric") or str(expl.values.name or "").removeprefix("cv_")
    y_label = METRIC_LABELS.get(metric, metric or "CV error")
    folds = expl.params.get("n_folds")
    default_title = (
        f"{method_label(expl)}: {folds}-fold cross-validation"
        if folds
        else (f"{method_label(expl)}: cross-validation")
    )
    fig.update_layout(
        title={"text": title or default_title},
        xaxis={"title": {"text": LAMBDA_AXIS_TITLE}},
        yaxis={"title": {"text": f"{y_label} (CV)"}},
        showlegend=False,
        height=440,
        margin={"t": 110},
    )
    return fig
