"""SHAP figures of a pipeline explained per original column name the categories, not codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("shap")
pytest.importorskip("plotly")

from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder  # noqa: E402

from interpkit.adapters.shap import ShapExplainer  # noqa: E402
from interpkit.plots import shap as shap_plots  # noqa: E402


@pytest.fixture(scope="module")
def explained():
    rng = np.random.default_rng(0)
    n = 200
    colour = rng.choice(["red", "green", "blue", "?"], size=n)
    X = pd.DataFrame({"x": rng.normal(size=n), "colour": pd.Categorical(colour)})
    y = ((colour == "red") | (X["x"].to_numpy() > 1)).astype(int)  # planted: red decides
    encode = ColumnTransformer(
        [("text", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["colour"])],
        remainder="passthrough",
    )
    model = GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=0)
    pipeline = Pipeline([("encode", encode), ("model", model)]).fit(X, y)
    rows = X.iloc[:30]
    local = ShapExplainer(model=pipeline, output="log_odds", background=30, random_state=0)
    return rows, local.fit(X).explain(rows)


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_waterfall_labels_name_the_row_category(explained):
    rows, local = explained
    for row in (0, 1, 2):
        labels = shap_plots.waterfall(local, row).data[0].y
        assert f"colour = {rows['colour'].iloc[row]}" in labels
        assert any(label.startswith("x = ") for label in labels)


def test_beeswarm_category_column_is_grey_and_hover_names_it(explained):
    rows, local = explained
    fig = shap_plots.beeswarm(local)
    colour = trace(fig, "colour")
    assert colour.marker.color == "#8C8C8C"
    assert list(colour.customdata) == list(rows["colour"].astype(str))
    numeric = trace(fig, "x")
    assert numeric.marker.showscale is True
    np.testing.assert_allclose(numeric.customdata, rows["x"].to_numpy())
    assert "category columns" in fig.layout.title.text


def test_dependence_of_a_category_column_has_its_labels_on_the_axis(explained):
    rows, local = explained
    fig = shap_plots.dependence(local, "colour", color_by="x")
    assert list(fig.data[0].x) == list(rows["colour"].astype(str))
    assert list(fig.layout.xaxis.categoryarray) == sorted(rows["colour"].unique())
    # the planted rule: red pushes the output up, every other colour down
    phi = np.asarray(fig.data[0].y)
    red = rows["colour"].to_numpy() == "red"
    assert phi[red].min() > 0 > phi[~red].max()


def test_dependence_coloured_by_a_category_names_it_on_the_colour_bar(explained):
    rows, local = explained
    bar = shap_plots.dependence(local, "x", color_by="colour").data[0].marker.colorbar
    assert set(bar.ticktext) == set(rows["colour"].unique())
