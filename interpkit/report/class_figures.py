"""The held-out predictions figure of multiclass fits: probability of the observed class.

A K-class model predicts K probabilities per row, so the regression report's
"prediction against observed value" plot has no y = x line to read. Instead,
each held-out row gets the probability its replicate models give to the
class it belongs to (1 is a sure, correct prediction; below 1/K worse than
guessing), with the percentile interval over the replicates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import PALETTE, TEMPLATE
from interpkit.report.multiclass import observed_class_table

__all__ = ["observed_class_figure"]


def observed_class_figure(results: Mapping[str, Any]) -> go.Figure:
    """One panel per method: each held-out row's probability of its observed class.

    Rows are ordered by observed class, then by the first method's mean
    probability; x names the row and its class.
    """
    tables = {name: observed_class_table(res) for name, res in results.items()}
    first = next(iter(tables.values()))
    order = first.sort_values(["observed", "mean"]).index
    m = len(tables)
    fig = make_subplots(
        rows=m, cols=1, shared_xaxes=True, vertical_spacing=0.06, subplot_titles=list(tables)
    )
    fig.update_layout(template=TEMPLATE)
    for i, table in enumerate(tables.values()):
        table = table.loc[order]
        x = [f"{s} ({c})" for s, c in zip(table.index, table["observed"], strict=True)]
        color = PALETTE[i % len(PALETTE)]
        reps = np.stack(table["replicates"].to_numpy())  # (rows, replicates)
        fig.add_trace(
            go.Scatter(
                x=np.repeat(x, reps.shape[1]),
                y=reps.ravel(),
                mode="markers",
                name="replicate models",
                legendgroup="replicates",
                showlegend=i == 0,
                marker={"color": color, "opacity": 0.25, "size": 5},
                hovertemplate="row %{x}<br>probability %{y:.3f}<extra></extra>",
            ),
            row=i + 1,
            col=1,
        )
        mean = table["mean"].to_numpy()
        fig.add_trace(
            go.Scatter(
                x=x,
                y=mean,
                mode="markers",
                name="mean, percentile interval",
                legendgroup="mean",
                showlegend=i == 0,
                marker={"color": color, "size": 8, "line": {"color": "white", "width": 1}},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": table["upper"].to_numpy() - mean,
                    "arrayminus": mean - table["lower"].to_numpy(),
                    "color": color,
                },
                hovertemplate="row %{x}<br>mean probability %{y:.3f}<extra></extra>",
            ),
            row=i + 1,
            col=1,
        )
        fig.update_yaxes(range=[-0.03, 1.03], title={"text": "P(observed class)"}, row=i + 1)
    fig.update_xaxes(title={"text": "held-out row (observed class)"}, row=m, col=1)
    fig.update_layout(
        title={"text": "Held-out rows: probability of the observed class, per bootstrap model"},
        height=220 + 230 * m,
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        hovermode="closest",
    )
    return fig
