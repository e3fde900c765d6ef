"""Attribution figures: the plotted numbers are the attributions, tokens are escaped."""

from __future__ import annotations

import re

import numpy as np
import pytest
import xarray as xr

from interpkit.explanation import Explanation
from interpkit.plots.attributions import (
    convergence,
    image_attributions,
    token_html,
    token_importance,
)
from interpkit.report import Report

NASTY = ["[CLS]", "<script>alert(1)</script>", "a&b", '"quoted"', "[SEP]", "[PAD]"]


def text_explanation() -> Explanation:
    values = np.array([[0.0, 2.0, -1.0, 0.5, 0.0, 0.0], [0.0, -0.25, 1.0, 0.0, 0.0, 0.0]])
    mask = np.array([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 0, 0]], dtype=bool)
    text = np.array([NASTY, NASTY])
    coords = {
        "sample": [0, 1],
        "token": np.arange(6),
        "token_text": (("sample", "token"), text),
        "mask": (("sample", "token"), mask),
    }
    da = xr.DataArray(values, dims=("sample", "token"), coords=coords)
    return Explanation(da, method="layer_integrated_gradients", backend="captum",
                       params={"baseline": "[PAD] <pad>"})  # fmt: skip


def test_token_html_escapes_tokens_and_carries_the_values():
    out = token_html(text_explanation())
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "a&amp;b" in out and "&quot;quoted&quot;" in out
    values = [float(v) for v in re.findall(r'data-value="([^"]+)"', out)]
    # padding (mask False) is left out: 5 + 4 tokens
    assert values == [0.0, 2.0, -1.0, 0.5, 0.0, 0.0, -0.25, 1.0, 0.0]
    # strongest token of a row is fully coloured; sign picks blue or red
    assert "rgba(33, 102, 172, 1.000)" in out and "rgba(178, 24, 43, 0.500)" in out
    with pytest.raises(ValueError, match="dims"):
        token_html(text_explanation().with_values(text_explanation().values.isel(sample=0)))


def test_report_add_shows_tokens_escaped():
    rep = Report("tokens").add(text_explanation(), title="a <b>title</b>")
    page = rep.to_html()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a &lt;b&gt;title&lt;/b&gt;" in page and "[PAD] &lt;pad&gt;" in page


def test_image_figure_data_equals_the_attributions(tmp_path):
    rng = np.random.RandomState(0)
    values = rng.normal(size=(3, 2, 5, 4))
    images = rng.uniform(size=(3, 2, 5, 4))
    dims = ("sample", "channel", "height", "width")
    expl = Explanation(
        xr.DataArray(values, dims=dims), method="integrated_gradients", backend="captum",
        data=xr.DataArray(images, dims=dims),
    )  # fmt: skip
    fig = image_attributions(expl)
    signed = [t for t in fig.data if t.name == "signed attribution"]
    absolute = [t for t in fig.data if t.name == "absolute attribution"]
    grey = [t for t in fig.data if t.name == "input"]
    assert len(signed) == len(absolute) == 3 and len(grey) == 9
    for i in range(3):
        np.testing.assert_allclose(np.asarray(signed[i].z), values[i].sum(axis=0))
        np.testing.assert_allclose(np.asarray(absolute[i].z), np.abs(values[i]).sum(axis=0))
        np.testing.assert_allclose(np.asarray(grey[3 * i].z), images[i].mean(axis=0))
    lim = np.abs(values.sum(axis=1)).max()
    assert fig.layout.coloraxis.cmin == -lim and fig.layout.coloraxis.cmax == lim
    one = image_attributions(expl, samples=[2], kinds=("signed",), overlay=1.0)
    np.testing.assert_allclose(np.asarray(one.data[-1].z), values[2].sum(axis=0))
    with pytest.raises(ValueError, match="kinds"):
        image_attributions(expl, kinds=("blurry",))
    with pytest.raises(ValueError, match="samples must be positions 0..2"):
        image_attributions(expl, samples=[3])
    page = Report("images").add(expl).to_html()
    assert "signed attribution" in page


def test_token_importance_and_convergence_figures():
    da = xr.DataArray(
        [0.5, 2.0, 1.0], dims=("token",),
        coords={"token": ["room", "<b>", "staff"], "count": ("token", [3, 1, 2])},
    )  # fmt: skip
    fig = token_importance(Explanation(da, method="lig", backend="captum"))
    assert list(fig.data[0].y) == ["room", "staff", "<b>"]  # largest at the top
    np.testing.assert_allclose(fig.data[0].x, [0.5, 1.0, 2.0])
    import pandas as pd

    curve = pd.DataFrame(
        {"n_steps": [2, 8, 32], "mean_abs_delta": [1e-2, 1e-3, 1e-5],
         "max_abs_delta": [2e-2, 3e-3, 4e-5], "max_rel_delta": [0.1, 0.01, 0.001]}
    )  # fmt: skip
    fig = convergence(curve)
    np.testing.assert_allclose(fig.data[0].y, curve["max_abs_delta"])
    np.testing.assert_allclose(fig.data[1].y, curve["mean_abs_delta"])
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    with pytest.raises(TypeError, match="convergence_curve"):
        convergence(curve.drop(columns="max_abs_delta"))


@pytest.mark.filterwarnings("ignore:completeness fails")
def test_real_explanations_through_report_add(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("captum")
    from interpkit.adapters.captum import IntegratedGradientsExplainer, convergence_curve
    from tests import _nets

    cnn, X, y = _nets.digits_cnn()
    ig = IntegratedGradientsExplainer(model=cnn, target=1, n_steps=16).fit(X)
    expl = ig.explain(X[y == 1][:3])
    fig = image_attributions(expl)
    signed = [t for t in fig.data if t.name == "signed attribution"]
    np.testing.assert_allclose(np.asarray(signed[0].z), expl.to_numpy()[0].sum(axis=0))
    curve = convergence_curve(ig, X[:4], n_steps=(4, 16, 64))
    rep = Report("captum").add(expl).add(curve)
    assert rep._n_figures == 2
    assert "Completeness of integrated gradients" in rep.to_html()
    del torch
