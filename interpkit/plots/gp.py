"""Gaussian-process figures: kernels, function draws, posteriors, ML surfaces, relevance, restarts.

Every function reads results only: :class:`~interpkit.Explanation`,
:class:`~interpkit.StabilityResult`, or the GP result dataclasses
(``GPPosterior`` from :mod:`interpkit.adapters.gpytorch.functions`, ``MLSurface``
from :mod:`interpkit.adapters.gpytorch.surface`),
never a model.

==============================  ==================================================
function                        input
==============================  ==================================================
:func:`kernel_sections`         Explanation ``("kernel", "grid")`` (cross-sections)
:func:`sample_paths`            Explanation ``("draw", "grid")`` or a dict of them
:func:`prior_posterior`         prior draws + GPPosterior with draws
:func:`posterior_band`          GPPosterior
:func:`ml_surface`              MLSurface
:func:`relevance`               StabilityResult or Explanation ``("feature",)``
:func:`restarts`                Explanation ``("restart",)`` (``GPExplainer.restarts()``)
==============================  ==================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.explanation import Explanation
from interpkit.plots._common import (
    PALETTE,
    REFERENCE,
    TEMPLATE,
    check_explanation,
    fmt,
    interval_error,
    new_figure,
)

__all__ = [
    "kernel_sections",
    "ml_surface",
    "posterior_band",
    "prior_posterior",
    "relevance",
    "restarts",
    "sample_paths",
]

DATA_COLOR = "#111111"
BAND_COLOR = "rgba(78,121,167,0.22)"


def _grid_x(expl: Explanation) -> np.ndarray:
    return np.asarray(expl.values.coords["grid"].values, dtype=float)


def _panels(
    n: int, titles: list[str], shared_y: bool = False, cols: int | None = None
) -> go.Figure:
    cols = cols or min(n, 3)
    rows = int(np.ceil(n / cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        shared_yaxes=shared_y,
        horizontal_spacing=0.06 if shared_y else 0.08,
        vertical_spacing=0.16 if rows > 1 else 0.1,
    )
    fig.update_layout(template=TEMPLATE, height=max(340, 300 * rows), showlegend=False)
    return fig


def _cell(k: int, cols: int) -> dict[str, int]:
    return {"row": k // cols + 1, "col": k % cols + 1}


def kernel_sections(expl: Explanation, *, title: str | None = None) -> go.Figure:
    """x -> k(x, x0) for each kernel, one panel each, x0 marked.

    Parameters
    ----------
    expl : Explanation
        From ``kernel_cross_section``: dims ``("kernel", "grid")``.
    """
    check_explanation(expl, ("kernel", "grid"), "kernel_sections", "use kernel_cross_section()")
    names = [str(k) for k in expl.values.coords["kernel"].values]
    x = _grid_x(expl)
    x0 = float(np.ravel(expl.params.get("x0", [np.nan]))[0])
    cols = min(len(names), 3)
    fig = _panels(len(names), names, cols=cols)
    for k, name in enumerate(names):
        y = expl.values.sel(kernel=name).to_numpy()
        color = PALETTE[k % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                line={"color": color, "width": 2.5},
                name=name,
                hovertemplate=f"{name}<br>x = %{{x:.3g}}<br>k(x, x0) = %{{y:.4g}}<extra></extra>",
            ),
            **_cell(k, cols),
        )
        if np.isfinite(x0):
            fig.add_vline(x=x0, line={"dash": "dot", "color": "#777", "width": 1}, **_cell(k, cols))
    fig.update_xaxes(title_text="x")
    fig.update_yaxes(title_text="k(x, x0)", col=1)
    fig.update_layout(
        title={"text": title or f"Kernel cross-sections x ↦ k(x, x0), x0 = {fmt(x0)}"}
    )
    return fig


def sample_paths(
    draws: Explanation | dict[str, Explanation], *, title: str | None = None
) -> go.Figure:
    """Function draws, one panel per entry of a dict (e.g. one per kernel).

    Parameters
    ----------
    draws : Explanation or dict of str to Explanation
        Dims ``("draw", "grid")``, e.g. from ``prior_draws``.
    """
    named = draws if isinstance(draws, dict) else {"draws": draws}
    for expl in named.values():
        check_explanation(expl, ("draw", "grid"), "sample_paths", "use prior_draws()")
    cols = min(len(named), 3)
    fig = _panels(len(named), list(named), cols=cols)
    for k, expl in enumerate(named.values()):
        x = _grid_x(expl)
        for d, f in enumerate(expl.to_numpy()):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=f,
                    mode="lines",
                    line={"color": PALETTE[d % 10], "width": 1.6},
                    name=f"draw {d}",
                    hoverinfo="skip",
                ),
                **_cell(k, cols),
            )
    fig.update_xaxes(title_text="x")
    fig.update_yaxes(title_text="f(x)", col=1)
    fig.update_layout(title={"text": title or "Sample paths"})
    return fig


def _draw_lines(fig: go.Figure, expl: Explanation, color: str, cell: dict, opacity: float) -> None:
    x = _grid_x(expl)
    for f in expl.to_numpy():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=f,
                mode="lines",
                line={"color": color, "width": 1},
                opacity=opacity,
                hoverinfo="skip",
                showlegend=False,
            ),
            **cell,
        )


def _data_points(fig: go.Figure, post: Any, cell: dict | None = None) -> None:
    if post.X_train.shape[1] != 1:
        return
    fig.add_trace(
        go.Scatter(
            x=post.X_train[:, 0],
            y=post.y_train,
            mode="markers",
            name="data",
            marker={"color": DATA_COLOR, "size": 5, "line": {"color": "white", "width": 0.5}},
            hovertemplate="x = %{x:.3g}<br>y = %{y:.3g}<extra>data</extra>",
        ),
        **(cell or {}),
    )


def _band(fig: go.Figure, post: Any, z: float, cell: dict | None = None, name: str = "") -> None:
    mean = post.mean.to_numpy()
    sd = post.mean.error.to_numpy()
    x = _grid_x(post.mean)
    cell = cell or {}
    fig.add_trace(
        go.Scatter(
            x=np.r_[x, x[::-1]],
            y=np.r_[mean + z * sd, (mean - z * sd)[::-1]],
            fill="toself",
            fillcolor=BAND_COLOR,
            line={"width": 0},
            hoverinfo="skip",
            name=name or f"± {z:.3g} sd",
        ),
        **cell,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=mean,
            mode="lines",
            line={"color": PALETTE[0], "width": 2.5},
            name="posterior mean",
            hovertemplate="x = %{x:.3g}<br>mean = %{y:.3g}<extra></extra>",
        ),
        **cell,
    )


def _method_note(post: Any) -> str:
    if getattr(post, "ess", None) is not None:
        n = len(post.samples) if post.samples is not None else 0
        return f"hyperparameters marginalised by importance sampling (ESS {post.ess:.0f} of {n})"
    return str(post.method)


def prior_posterior(prior: Explanation, posterior: Any, *, title: str | None = None) -> go.Figure:
    """Prior draws (left) and posterior draws with the data (right), same axes.

    Parameters
    ----------
    prior : Explanation
        Dims ``("draw", "grid")`` (``GPExplainer.prior_draws``).
    posterior : GPPosterior
        With draws (``GPExplainer.posterior(X, n_draws=...)``).
    """
    check_explanation(prior, ("draw", "grid"), "prior_posterior", "use prior_draws()")
    if getattr(posterior, "draws", None) is None:
        raise ValueError("prior_posterior() needs posterior draws: posterior(X, n_draws=50)")
    how = prior.params.get("hyperparameters", "")
    fig = _panels(2, [f"prior ({how} hyperparameters)", "posterior, with the data"], True, 2)
    _draw_lines(fig, prior, PALETTE[4], {"row": 1, "col": 1}, 0.55)
    _draw_lines(fig, posterior.draws, PALETTE[0], {"row": 1, "col": 2}, 0.45)
    _data_points(fig, posterior, {"row": 1, "col": 2})
    lo = np.percentile(np.r_[prior.to_numpy().ravel(), posterior.y_train], 1)
    hi = np.percentile(np.r_[prior.to_numpy().ravel(), posterior.y_train], 99)
    pad = 0.1 * (hi - lo)
    fig.update_yaxes(range=[lo - pad, hi + pad])
    fig.update_xaxes(title_text="x")
    fig.update_yaxes(title_text="f(x)", col=1)
    n = prior.values.sizes["draw"]
    fig.update_layout(
        title={
            "text": title
            or f"{n} prior draws vs {posterior.draws.values.sizes['draw']} "
            f"posterior draws<br><sup>{_method_note(posterior)}</sup>"
        },
        margin={"t": 110},
        height=440,
    )
    return fig


def posterior_band(
    posterior: Any, *, level: float = 0.95, title: str | None = None, draws: bool = True
) -> go.Figure:
    """Posterior mean with a pointwise band of ``level`` (normal quantiles), data and draws."""
    from scipy.stats import norm

    if not hasattr(posterior, "mean") or not isinstance(posterior.mean, Explanation):
        raise TypeError(f"posterior_band() takes a GPPosterior, got {type(posterior).__name__}")
    z = float(norm.ppf(0.5 + level / 2))
    fig = new_figure()
    if draws and posterior.draws is not None:
        _draw_lines(fig, posterior.draws, PALETTE[0], {}, 0.25)
    _band(fig, posterior, z, name=f"{round(100 * level)}% band")
    _data_points(fig, posterior)
    fig.update_layout(
        title={
            "text": title
            or f"Posterior mean and {round(100 * level)}% band"
            f"<br><sup>{_method_note(posterior)}</sup>"
        },
        xaxis={"title": {"text": "x"}},
        yaxis={"title": {"text": "f(x)"}},
        legend={"orientation": "h", "y": -0.18},
        height=440,
        margin={"t": 90},
    )
    return fig


def ml_surface(surface: Any, *, title: str | None = None, levels: int = 30) -> go.Figure:
    """Contour of the log marginal likelihood (log axes) with each local maximum marked.

    Parameters
    ----------
    surface : MLSurface
        From ``GPExplainer.ml_surface``.
    levels : int
        Number of contour levels; values far below the best are clipped so
        the maxima's basins stay readable.
    """
    if not hasattr(surface, "maxima") or not isinstance(
        getattr(surface, "values", None), Explanation
    ):
        raise TypeError(f"ml_surface() takes an MLSurface, got {type(surface).__name__}")
    xp, yp = surface.x_param, surface.y_param
    vals = surface.values.values
    z = vals.transpose(yp, xp).to_numpy()
    top = float(np.nanmax(z))
    floor = max(float(np.nanmin(z)), top - 25.0)
    fig = new_figure()
    fig.add_trace(
        go.Contour(
            x=np.log10(vals.coords[xp].values),
            y=np.log10(vals.coords[yp].values),
            z=np.clip(z, floor, None),
            colorscale="Viridis",
            ncontours=levels,
            contours={"coloring": "heatmap", "showlines": True},
            line={"width": 0.5, "color": "rgba(255,255,255,0.5)"},
            colorbar={"title": {"text": "log ML", "side": "right"}},
            hovertemplate=f"{xp} = %{{customdata[0]:.3g}}<br>{yp} = %{{customdata[1]:.3g}}"
            "<br>log ML = %{z:.3f}<extra></extra>",
            customdata=np.dstack(np.meshgrid(vals.coords[xp].values, vals.coords[yp].values)),
        ),
    )
    m = surface.maxima
    if len(m):
        fig.add_trace(
            go.Scatter(
                x=np.log10(m[xp]),
                y=np.log10(m[yp]),
                mode="markers+text",
                text=[
                    f"{lab}: {fmt(v)}"
                    for lab, v in zip(m.index, m["log_marginal_likelihood"], strict=True)
                ],
                textposition="top right",
                textfont={"color": "white", "size": 13},
                marker={"symbol": "x", "size": 12, "color": "white", "line": {"width": 2}},
                name="local maxima",
                hovertemplate="%{text}<extra></extra>",
            ),
        )
    ticks = _log_ticks(vals.coords[xp].values), _log_ticks(vals.coords[yp].values)
    fig.update_layout(
        title={
            "text": title
            or f"Log marginal likelihood over ({xp}, {yp})"
            + (
                "<br><sup>fixed: "
                + ", ".join(f"{k} = {fmt(v)}" for k, v in surface.fixed.items())
                + "</sup>"
                if surface.fixed
                else ""
            )
        },
        xaxis={
            "title": {"text": f"{xp} (log scale)"},
            "tickvals": np.log10(ticks[0]),
            "ticktext": [fmt(t) for t in ticks[0]],
            "showgrid": False,
        },
        yaxis={
            "title": {"text": f"{yp} (log scale)"},
            "tickvals": np.log10(ticks[1]),
            "ticktext": [fmt(t) for t in ticks[1]],
            "showgrid": False,
        },
        height=480,
        width=640,
        showlegend=False,
        margin={"t": 90},
    )
    return fig


def _log_ticks(values: np.ndarray) -> np.ndarray:
    lo, hi = np.log10(values.min()), np.log10(values.max())
    cand = np.array(
        [m * 10.0**e for e in range(int(np.floor(lo)), int(np.ceil(hi)) + 1) for m in (1, 2, 5)]
    )
    inside = cand[(cand >= values.min() * 0.999) & (cand <= values.max() * 1.001)]
    return inside if inside.size >= 2 else np.array([values.min(), values.max()])


def relevance(result: Any, *, title: str | None = None) -> go.Figure:
    """Relevance per feature as bars, with bootstrap intervals (or ``error`` bars).

    Parameters
    ----------
    result : StabilityResult or Explanation
        ``GPExplainer.stability(...)`` (or its ``extras["pd_variance"]``):
        bars at the fit on all rows, whiskers the percentile interval; or a
        global Explanation, dims ``("feature",)``.
    """
    from interpkit.stability import StabilityResult

    if isinstance(result, StabilityResult):
        table = result.summary()
        ref = result.reference
        names = [str(i) for i in table.index]
        vals = table["reference"].to_numpy(float)
        err = interval_error(
            vals,
            table["lower"].to_numpy(float),
            table["upper"].to_numpy(float),
            color="#444",
            thickness=1.5,
            width=6,
        )
        note = (
            f"{round(100 * result.level)}% interval over {result.n_replicates} {result.scheme} fits"
        )
    else:
        check_explanation(result, ("feature",), "relevance", "use explainer.explain()")
        ref = result
        order = np.argsort(-result.to_numpy(), kind="stable")
        names = [result.feature_names[i] for i in order]
        vals = result.to_numpy()[order]
        err = (
            None
            if result.error is None
            else {"type": "data", "array": result.error.to_numpy()[order]}
        )
        note = "no interval: run stability() for one"
    label = {
        "inverse_lengthscale": "1 / lengthscale",
        "pd_variance": "variance of the partial dependence",
    }
    name = str(ref.values.name)
    fig = new_figure()
    fig.add_trace(
        go.Bar(
            x=vals,
            y=names,
            orientation="h",
            marker={"color": PALETTE[0]},
            error_x=err,
            hovertemplate="<b>%{y}</b><br>%{x:.4g}<extra></extra>",
            name=name,
        ),
    )
    fig.update_layout(
        title={"text": title or f"GP relevance: {label.get(name, name)}<br><sup>{note}</sup>"},
        xaxis={"title": {"text": label.get(name, name)}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "showgrid": False, "ticks": ""},
        height=max(280, 140 + 30 * len(names)),
        showlegend=False,
        bargap=0.35,
        margin={"t": 90},
    )
    return fig


def restarts(expl: Explanation, *, title: str | None = None) -> go.Figure:
    """Log marginal likelihood reached by each restart, coloured by the optimum it landed in.

    Parameters
    ----------
    expl : Explanation
        Dims ``("restart",)`` with an ``optimum`` coordinate (``GPExplainer.restarts()``).
    """
    check_explanation(expl, ("restart",), "restarts", "use GPExplainer.restarts()")
    lml = expl.to_numpy()
    optimum = np.asarray(expl.values.coords["optimum"].values, dtype=int)
    order = np.argsort(-np.nan_to_num(lml, nan=-np.inf), kind="stable")
    fig = new_figure()
    for o in sorted(set(optimum[np.isfinite(lml)])):
        pick = [k for k, i in enumerate(order) if optimum[i] == o]
        share = np.mean(optimum[np.isfinite(lml)] == o)
        fig.add_trace(
            go.Scatter(
                x=np.array(pick) + 1,
                y=lml[order][pick],
                mode="markers",
                marker={
                    "size": 11,
                    "color": PALETTE[o % 10],
                    "line": {"color": "white", "width": 1},
                },
                name=f"optimum {o} ({share:.0%} of restarts)",
                customdata=expl.values.coords["restart"].values[order][pick],
                hovertemplate="restart %{customdata}<br>log ML = %{y:.4f}<extra></extra>",
            ),
        )
    fig.add_hline(y=float(np.nanmax(lml)), line={"dash": "dot", "color": REFERENCE, "width": 1})
    fig.update_layout(
        title={"text": title or f"{lml.size} restarts: log marginal likelihood at each optimum"},
        xaxis={
            "title": {"text": "restart, ranked by log ML"},
            "range": [0.3, lml.size + 0.7],
            "dtick": 1 if lml.size <= 30 else None,
        },
        yaxis={"title": {"text": "log marginal likelihood"}},
        legend={"orientation": "h", "y": -0.22},
        showlegend=True,
        height=400,
    )
    return fig
