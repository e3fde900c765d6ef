"""Boosting stage by stage: each stage's tree on the residuals, and the sum so far.

:func:`boosting_stages` draws a :class:`interpkit.boosting.BoostingStages`;
nothing here fits a model. Shared helpers (number format, type check) come
from :mod:`interpkit.plots.trees`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.boosting import BoostingStages
from interpkit.plots._common import PALETTE, POSITIVE, REFERENCE, TEMPLATE
from interpkit.plots.trees import _check, fmt

__all__ = ["boosting_stages"]

ENSEMBLE_COLOR, HAND_COLOR, TRUTH_COLOR = PALETTE[3], REFERENCE, PALETTE[2]


def boosting_stages(bs: BoostingStages, *, title: str | None = None) -> go.Figure:
    """Boosting stage by stage: each stage's tree on the residuals, and the sum so far.

    One row per chosen stage b. Left: the residuals r⁽ᵇ⁻¹⁾ the stage-b tree
    was fit to and its fit f̂ᵇ. Right: the data, the true function (when
    known) and the ensemble after b stages, f̂₀ + λ Σ_{k ≤ b} f̂ᵏ. The by-hand
    loop is drawn dotted over scikit-learn's line: they coincide.

    Parameters
    ----------
    bs : BoostingStages
        From :func:`interpkit.boosting.boosting_stages`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Per stage (row): traces ``"residuals"``, ``"stage fit"``,
        ``"stage fit (by hand)"``, ``"data"``, ``"ensemble"``,
        ``"ensemble (by hand)"`` and, with a truth, ``"truth"``; only the first
        row's show in the legend.
    """
    _check(bs, BoostingStages, "boosting_stages", "interpkit.boosting.boosting_stages()")
    stages = bs.stages
    lam = fmt(bs.learning_rate)
    start = "0" if bs.init_value == 0 else "ȳ"
    titles = []
    for b in stages:
        total = f"{'' if lam == '1' else lam + '·'}Σ<sub>k≤{b}</sub> f̂<sup>k</sup>"
        total = total if bs.init_value == 0 else f"{start} + {total}"
        plural = "s" if b > 1 else ""
        titles += [
            f"stage {b}: f̂<sup>{b}</sup> fit to residuals r<sup>({b - 1})</sup>",
            f"after {b} stage{plural}: {total}",
        ]
    fig = make_subplots(
        rows=len(stages),
        cols=2,
        shared_xaxes=True,
        vertical_spacing=0.22 / len(stages),
        horizontal_spacing=0.08,
        subplot_titles=titles,
    )
    fig.update_layout(template=TEMPLATE)
    order = np.argsort(bs.x)
    x = bs.x[order]
    for row, b in enumerate(stages, start=1):
        first = row == 1
        resid = bs.residuals.sel(stage=b).to_numpy()[order]
        panels = (
            (1, "residuals", resid, "stage fit", bs.stage_fits),
            (2, "data", bs.y[order], "ensemble", bs.ensemble),
        )
        for col, pts_name, pts, fit_name, arr in panels:
            fig.add_trace(
                go.Scatter(
                    x=x, y=pts, mode="markers",
                    marker={"color": "#8C8C8C", "size": 5, "opacity": 0.7},
                    name=pts_name, legendgroup=pts_name, showlegend=first,
                    hovertemplate="x = %{x:.3g}<br>%{y:.3g}<extra></extra>",
                ),
                row=row, col=col,
            )  # fmt: skip
            if col == 2 and bs.truth is not None:
                fig.add_trace(
                    go.Scatter(
                        x=bs.grid, y=bs.truth, mode="lines",
                        line={"color": TRUTH_COLOR, "width": 2, "dash": "dash"},
                        name="truth", legendgroup="truth", showlegend=first,
                        hoverinfo="skip",
                    ),
                    row=row, col=col,
                )  # fmt: skip
            color = POSITIVE if col == 1 else ENSEMBLE_COLOR
            for source, suffix, line in (
                ("sklearn", "", {"color": color, "width": 2.6}),
                ("by_hand", " (by hand)", {"color": HAND_COLOR, "width": 1.4, "dash": "dot"}),
            ):
                fig.add_trace(
                    go.Scatter(
                        x=bs.grid, y=arr.sel(source=source, stage=b).to_numpy(),
                        mode="lines", line=line, line_shape="hv",
                        name=f"{fit_name}{suffix}", legendgroup=f"{fit_name}{suffix}",
                        showlegend=first,
                        hovertemplate="x = %{x:.3g}<br>%{y:.3g}<extra></extra>",
                    ),
                    row=row, col=col,
                )  # fmt: skip
        fig.update_yaxes(title_text="residual", row=row, col=1)
        fig.update_yaxes(title_text=bs.target_name, row=row, col=2)
    for col in (1, 2):
        fig.update_xaxes(title_text=bs.feature_name, row=len(stages), col=col)
    for t in fig.layout.annotations:
        t.font = {"size": 13}
    depth = "unlimited" if bs.max_depth is None else str(bs.max_depth)
    default = (
        f"Least-squares boosting, depth-{depth} trees, λ = {lam}"
        "<br><span style='font-size:12px'>the by-hand loop (dotted) matches scikit-learn's "
        "GradientBoostingRegressor "
        + ("exactly" if bs.max_abs_diff == 0 else f"to {bs.max_abs_diff:.0e}")
        + "</span>"
    )
    fig.update_layout(
        title={"text": title or default},
        height=170 + 250 * len(stages),
        width=1050,
        legend={"orientation": "h", "y": -0.06 - 0.1 / len(stages), "x": 0, "yanchor": "top"},
        margin={"t": 110},
    )
    return fig
