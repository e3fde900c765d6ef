"""A text column's planted effect seen through its labels: figures, LIME, saved files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("shap")
pytest.importorskip("plotly")

from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder  # noqa: E402

import interpkit  # noqa: E402
from interpkit.adapters.shap import ShapExplainer  # noqa: E402
from interpkit.plots import contributions  # noqa: E402
from interpkit.plots import shap as shap_plots  # noqa: E402

LEVELS = ["a", "b", "c"]


def _table(n: int, missing: bool, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    # "c" is the most frequent level: code order and frequency order differ
    colour = rng.choice(LEVELS, size=n, p=[0.25, 0.3, 0.45]).astype(object)
    if missing:
        colour[rng.random(n) < 0.1] = None
    X = pd.DataFrame({"x": rng.normal(size=n), "colour": colour})
    y = X["x"].to_numpy() + 3.0 * (colour == "b")  # planted: level "b" adds +3
    return X, y + 0.05 * rng.normal(size=n)


def _pipeline(X: pd.DataFrame, y: np.ndarray) -> Pipeline:
    encode = ColumnTransformer(
        [("text", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["colour"])],
        remainder="passthrough",
    )
    return Pipeline([("encode", encode), ("model", LinearRegression())]).fit(X, y)


@pytest.fixture(scope="module")
def shap_local():
    X, y = _table(300, missing=True)
    ex = ShapExplainer(model=_pipeline(X, y), background=40, random_state=0).fit(X)
    rows = X.iloc[:60]
    return rows, ex.explain(rows)


def _labels(rows: pd.DataFrame) -> list[str]:
    return ["missing" if pd.isna(v) else str(v) for v in rows["colour"]]


def test_dependence_has_the_labels_in_level_order_and_b_highest(shap_local):
    rows, local = shap_local
    fig = shap_plots.dependence(local, "colour")
    spec = fig.to_dict()
    points = spec["data"][0]
    assert points["type"] == "box" and points["boxpoints"] == "all" and points["jitter"] > 0
    assert list(points["x"]) == _labels(rows)
    axis = spec["layout"]["xaxis"]
    assert axis["type"] == "category" and list(axis["categoryarray"]) == [*LEVELS, "missing"]
    phi = np.asarray(fig.data[0].y, dtype=float)  # to_dict() packs arrays as bytes
    is_b = rows["colour"].to_numpy() == "b"
    assert phi[is_b].min() > phi[~is_b].max()  # the planted +3
    # each level's phi is the backend's value for those rows (not reordered by the labels)
    np.testing.assert_array_equal(phi, local.values.sel(feature="colour").to_numpy())


def test_beeswarm_of_a_text_column_uses_no_colour_scale_over_codes(shap_local):
    rows, local = shap_local
    traces = {t["name"]: t for t in shap_plots.beeswarm(local).to_dict()["data"]}
    colour = traces["colour"]
    assert isinstance(colour["marker"]["color"], str)  # one neutral colour, not per-code values
    assert "colorscale" not in colour["marker"]
    assert list(colour["customdata"]) == _labels(rows)
    assert "colorscale" in traces["x"]["marker"]  # the numeric column keeps its value scale


def test_dependence_coloured_by_a_text_column_gets_one_flat_colour_per_level(shap_local):
    rows, local = shap_local
    marker = shap_plots.dependence(local, "x", color_by="colour").to_dict()["data"][0]["marker"]
    names = [*LEVELS, "missing"]
    assert list(marker["colorbar"]["ticktext"]) == names
    # a row's colour index is its level's position; the scale is flat over each level's band
    index = shap_plots.dependence(local, "x", color_by="colour").data[0].marker.color
    assert [names[i] for i in index] == _labels(rows)
    scale = marker["colorscale"]
    band = {}
    for (lo, c_lo), (_hi, c_hi) in zip(scale[::2], scale[1::2], strict=True):
        assert c_lo == c_hi
        band[round(lo * len(names))] = c_lo
    assert len(set(band.values())) == len(names) and (marker["cmin"], marker["cmax"]) == (
        -0.5,
        len(names) - 0.5,
    )


def test_a_saved_explanation_keeps_the_labels(shap_local, tmp_path):
    rows, local = shap_local
    loaded = interpkit.load(local.save(tmp_path / "colour.ipk"))
    assert loaded.params["categories"] == local.params["categories"] == {"colour": LEVELS}
    before = shap_plots.dependence(local, "colour").to_dict()["data"][0]
    after = shap_plots.dependence(loaded, "colour").to_dict()["data"][0]
    assert list(after["x"]) == list(before["x"]) == _labels(rows)


def test_lime_of_a_text_column_is_drawn_by_its_labels():
    pytest.importorskip("lime")
    X, y = _table(300, missing=False)  # LIME cannot perturb missing values
    lime = interpkit.LimeExplainer(model=_pipeline(X, y), num_samples=400, random_state=0)
    rows = X.iloc[:20]
    local = lime.fit(X).explain(rows)
    assert local.params["categories"] == {"colour": LEVELS}
    # the stored values are the codes of the rows' labels
    codes = local.data.sel(feature="colour").to_numpy()
    assert [LEVELS[int(c)] for c in codes] == list(rows["colour"])
    traces = {t.name: t for t in shap_plots.beeswarm(local).data}
    assert traces["colour"].marker.color == "#8C8C8C"
    assert list(traces["colour"].customdata) == list(rows["colour"])
    # LIME's weight of "colour = b" is the planted +3, for rows of level b
    is_b = (rows["colour"] == "b").to_numpy()
    weights = local.values.sel(feature="colour").to_numpy()
    assert weights[is_b].min() > 2.0 > weights[~is_b].max()
    dep = shap_plots.dependence(local, "colour")
    assert list(dep.data[0].x) == list(rows["colour"])
    for row in np.flatnonzero(is_b)[:2]:
        labels = contributions(local, int(row)).data[0].y
        assert "colour = b" in labels
