"""Attribution maps of networks: image overlays, highlighted tokens, IG convergence.

* :func:`image_attributions`: a grid, one row per image: the input, the
  signed map (diverging, centred on 0) and the absolute map, each laid over
  the input in grey (dark = high)
* :func:`token_html`: token attributions as highlighted text, an HTML
  fragment in which every token is escaped
* :func:`token_importance`: mean |attribution| per token string (the global
  text view)
* :func:`convergence`: the completeness error of integrated gradients
  against the number of integration steps

The images are shown as stored (row 0 on top); values are summed over
channels (the absolute map sums ``|attribution|``).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from interpkit.plots._common import PALETTE, TEMPLATE, check_explanation, new_figure

__all__ = ["convergence", "image_attributions", "token_html", "token_importance"]

IMAGE_DIMS = ("sample", "channel", "height", "width")
TEXT_DIMS = ("sample", "token")
KINDS = ("signed", "absolute")
# colours of positive and negative token attributions (the package's blue and red)
_POS_RGB, _NEG_RGB = (33, 102, 172), (178, 24, 43)


def image_attributions(
    expl: Any,
    samples: Any = None,
    kinds: tuple[str, ...] = KINDS,
    max_images: int = 6,
    overlay: float = 0.7,
) -> go.Figure:
    """A grid of attribution maps over their images.

    Parameters
    ----------
    expl : Explanation, dims ``("sample", "channel", "height", "width")``
    samples : list of int, optional
        Positions of the images to show; default the first ``max_images``.
    kinds : tuple of {"signed", "absolute"}
        The maps per image, after a column with the input itself.
    overlay : float in (0, 1]
        Opacity of the map over the grey input (1: the map alone).
    """
    check_explanation(expl, IMAGE_DIMS, "image_attributions", "pass explain(images)")
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ValueError(f"kinds must be a non-empty tuple of {KINDS}, got {kinds!r}")
    if not 0 < overlay <= 1:
        raise ValueError(f"overlay must be in (0, 1], got {overlay}")
    n = expl.values.sizes["sample"]
    idx = list(range(min(n, max_images))) if samples is None else [int(s) for s in samples]
    if any(not 0 <= i < n for i in idx) or not idx:
        raise ValueError(f"samples must be positions 0..{n - 1}, got {samples!r}")
    values = expl.values.transpose(*IMAGE_DIMS).to_numpy()[idx]
    maps = {"signed": values.sum(axis=1), "absolute": np.abs(values).sum(axis=1)}
    images = None if expl.data is None else expl.data.transpose(*IMAGE_DIMS).to_numpy()[idx]
    labels = [str(s) for s in np.asarray(expl.values.coords["sample"].values)[idx]]
    cols = (["input"] if images is not None else []) + list(kinds)
    titles = {"input": "input", "signed": "signed attribution", "absolute": "|attribution|"}
    fig = make_subplots(
        rows=len(idx), cols=len(cols), horizontal_spacing=0.03, vertical_spacing=0.04,
        column_titles=[titles[c] for c in cols], row_titles=[f"sample {s}" for s in labels],
    )  # fmt: skip
    lim = float(np.abs(maps["signed"]).max()) or 1.0
    for r in range(len(idx)):
        grey = None if images is None else images[r].mean(axis=0)
        for c, col in enumerate(cols, start=1):
            if grey is not None:
                fig.add_trace(
                    go.Heatmap(z=grey, colorscale="Greys", showscale=False,
                               hoverinfo="skip", name="input"),
                    row=r + 1, col=c,
                )  # fmt: skip
            if col == "input":
                continue
            axis = "coloraxis" if col == "signed" else "coloraxis2"
            fig.add_trace(
                go.Heatmap(z=maps[col][r], coloraxis=axis, opacity=overlay if grey is not None
                           else 1.0, name=f"{col} attribution",
                           hovertemplate="row %{y}, col %{x}: %{z:.3g}<extra></extra>"),
                row=r + 1, col=c,
            )  # fmt: skip
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False, ticks="")
    fig.update_xaxes(showticklabels=False, showgrid=False, ticks="")
    for i in range(1, len(idx) * len(cols) + 1):
        fig.update_yaxes(scaleanchor=f"x{'' if i == 1 else i}", row=(i - 1) // len(cols) + 1,
                         col=(i - 1) % len(cols) + 1)  # fmt: skip
    bar = {"len": 0.45, "thickness": 14, "yanchor": "top"}
    fig.update_layout(
        template=TEMPLATE,
        title=f"{expl.method}: attributions ({expl.output_name or 'output'})",
        coloraxis={"colorscale": "RdBu", "cmin": -lim, "cmax": lim,
                   "colorbar": {**bar, "title": {"text": "signed"}, "x": 1.02, "y": 1.0}},
        coloraxis2={"colorscale": "Reds", "cmin": 0,
                    "colorbar": {**bar, "title": {"text": "|attr|"}, "x": 1.02, "y": 0.48}},
        height=max(260, 170 * len(idx) + 80), width=max(420, 190 * len(cols) + 160),
        margin={"l": 30, "r": 110, "t": 90, "b": 20},
    )  # fmt: skip
    return fig


def token_html(expl: Any, samples: Any = None, max_rows: int = 20) -> str:
    """Token attributions as highlighted text: an HTML fragment, every token escaped.

    Blue: the token raises the explained output; red: it lowers it; the
    colour's strength is ``|attribution|`` over the row's largest. Padding
    (``mask`` False) is left out. Each token carries its value in
    ``title`` and ``data-value``.

    Parameters
    ----------
    expl : Explanation, dims ``("sample", "token")`` with a ``token_text`` coordinate
    samples : list of int, optional
        Positions of the rows to show; default the first ``max_rows``.
    """
    check_explanation(expl, TEXT_DIMS, "token_html", "pass LayerIntegratedGradients explain(texts)")
    if "token_text" not in expl.values.coords:
        raise ValueError("token_html() needs the 'token_text' coordinate of a text explanation")
    da = expl.values.transpose(*TEXT_DIMS)
    n = da.sizes["sample"]
    idx = list(range(min(n, max_rows))) if samples is None else [int(s) for s in samples]
    if any(not 0 <= i < n for i in idx):
        raise ValueError(f"samples must be positions 0..{n - 1}, got {samples!r}")
    values, text = da.to_numpy(), da.coords["token_text"].to_numpy()
    mask = da.coords["mask"].to_numpy() if "mask" in da.coords else np.ones(values.shape, bool)
    labels = np.asarray(da.coords["sample"].values)
    rows = []
    for i in idx:
        row = values[i][mask[i]]
        scale = float(np.abs(row).max()) or 1.0
        spans = []
        for v, tok in zip(row, text[i][mask[i]], strict=True):
            rgb = _POS_RGB if v >= 0 else _NEG_RGB
            alpha = min(1.0, abs(v) / scale)
            spans.append(
                f'<span class="ik-token" data-value="{v:.6g}" title="{v:.4g}" '
                f'style="background-color: rgba({rgb[0]}, {rgb[1]}, {rgb[2]}, {alpha:.3f}); '
                f'padding: 1px 2px; margin: 1px; border-radius: 3px">{html.escape(str(tok))}</span>'
            )
        label = html.escape(f"sample {labels[i]}")
        rows.append(
            f'<div class="ik-tokens" style="line-height: 1.9; margin: 4px 0">'
            f'<b style="margin-right: 6px">{label}</b>{" ".join(spans)}</div>'
        )
    return "\n".join(rows)


def token_importance(expl: Any, top: int = 20) -> go.Figure:
    """Mean |attribution| per token string (``explain()`` of a text explainer)."""
    check_explanation(expl, ("token",), "token_importance", "pass explain() of a text explainer")
    da = expl.values
    order = np.argsort(-np.abs(da.to_numpy()), kind="stable")[:top][::-1]
    tokens = [str(t) for t in np.asarray(da.coords["token"].values)[order]]
    counts = da.coords["count"].to_numpy()[order] if "count" in da.coords else None
    fig = new_figure(
        title=f"{expl.method}: mean |attribution| per token",
        xaxis_title="mean |attribution|",
        height=max(300, 22 * len(tokens) + 120),
    )
    fig.add_trace(
        go.Bar(
            x=da.to_numpy()[order], y=tokens, orientation="h", marker_color=PALETTE[0],
            customdata=counts, hovertemplate="%{y}: %{x:.3g}"
            + (" (%{customdata} times)" if counts is not None else "") + "<extra></extra>",
        )
    )  # fmt: skip
    fig.update_yaxes(type="category")
    return fig


def convergence(curve: pd.DataFrame) -> go.Figure:
    """Absolute convergence delta of integrated gradients against n_steps, log-log axes.

    ``curve`` is the frame returned by ``convergence_curve``.
    """
    needed = {"n_steps", "mean_abs_delta", "max_abs_delta"}
    if not isinstance(curve, pd.DataFrame) or not needed <= set(curve.columns):
        raise TypeError(
            "convergence() takes the table of interpkit.adapters.captum.convergence_curve"
        )
    fig = new_figure(
        title="Completeness of integrated gradients against integration steps",
        xaxis_title="n_steps",
        yaxis_title="|sum(attributions) − (f(x) − f(baseline))|",
    )
    for col, name, color in (
        ("max_abs_delta", "largest over rows", PALETTE[3]),
        ("mean_abs_delta", "mean over rows", PALETTE[0]),
    ):
        fig.add_trace(
            go.Scatter(x=curve["n_steps"], y=curve[col], mode="lines+markers", name=name,
                       line={"color": color})
        )  # fmt: skip
    fig.update_xaxes(type="log", tickvals=list(curve["n_steps"]))
    fig.update_yaxes(type="log", exponentformat="power", dtick="D2")
    return fig
