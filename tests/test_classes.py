"""The class dim downstream: select/aggregate, per-class stability, plots, compare, report."""

import numpy as np
import pytest
import xarray as xr
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier

import interpkit
from interpkit import plots
from interpkit.adapters.shap import ShapExplainer
from interpkit.classes import AGGREGATE, aggregate_classes, select_class
from interpkit.explanation import Explanation

pytest.importorskip("shap")


def _expl(values, method="m"):
    arr = xr.DataArray(
        np.asarray(values, dtype=float),
        dims=("feature", "class"),
        coords={"feature": ["a", "b", "c"], "class": ["x", "y"]},
    )
    return Explanation(arr, method=method, output_name="probability(each of 2 classes)")


@pytest.fixture(scope="module")
def iris_stability():
    X, y = load_iris(return_X_y=True, as_frame=True)
    rf = RandomForestClassifier(n_estimators=10, max_depth=3, random_state=0).fit(X, y)
    ex = ShapExplainer(model=rf, background=15, random_state=0).fit(X)
    return ex, ex.stability(scope="background", n_boot=4, random_state=0)


def test_select_and_aggregate_are_the_documented_reductions():
    expl = _expl([[1, -3], [0.5, 0.5], [0, -1]])
    one = select_class(expl, "y")
    assert one.dims == ("feature",) and one.to_numpy().tolist() == [-3, 0.5, -1]
    assert one.output_name == "probability(y)"
    agg = aggregate_classes(expl)
    np.testing.assert_allclose(agg.to_numpy(), [2.0, 0.5, 0.5])
    assert AGGREGATE in agg.output_name
    with pytest.raises(ValueError, match=r"class_='z' is not one of the classes \['x', 'y'\]"):
        select_class(expl, "z")
    with pytest.raises(ValueError, match="no 'class' dim"):
        select_class(one, "x")


def test_stability_summary_per_class_and_aggregated(iris_stability):
    _, result = iris_stability
    table = result.summary()
    assert list(table.index.names) == ["class", "feature"]
    assert list(dict.fromkeys(table.index.get_level_values("class"))) == ["0", "1", "2", AGGREGATE]
    reps = result.replicates.values  # per class: the summary of that class's replicates
    c1 = table.loc["1"]
    np.testing.assert_allclose(
        c1.loc["petal width (cm)", "mean"],
        float(reps.sel({"class": "1", "feature": "petal width (cm)"}).mean()),
    )
    agg = table.loc[AGGREGATE]
    expected = float(np.abs(reps.sel(feature="sepal width (cm)")).mean("class").mean())
    np.testing.assert_allclose(agg.loc["sepal width (cm)", "mean"], expected)
    assert (c1["mean_rank"].sort_values().to_numpy() == [1, 2, 3, 4]).all()


def test_plots_facet_or_select_a_class(iris_stability):
    ex, result = iris_stability
    glob = ex.explain()
    faceted = plots.importance(glob)
    assert len(faceted.data) == 3
    assert [a.text for a in faceted.layout.annotations] == ["class 0", "class 1", "class 2"]
    chosen = plots.importance(glob, class_=2)
    expected = glob.values.sel({"class": "2"}).to_numpy()
    assert sorted(chosen.data[0].x) == pytest.approx(sorted(expected))
    assert AGGREGATE in plots.stability(result).layout.title.text
    with pytest.raises(ValueError, match="no 'class' dim"):
        plots.importance(select_class(glob, 0), class_=0)
    local = ex.explain(ex.background_source_[:12])
    assert len(plots.beeswarm(local).layout.annotations) >= 3
    assert plots.waterfall(local, class_="1") is not None


def test_compare_aggregates_or_selects_classes():
    a = _expl([[1, -3], [0.5, 0.5], [0, -1]], "a")
    b = _expl([[2, 0], [0.1, 0.1], [3, 3]], "b")
    comp = interpkit.compare([a, b])
    np.testing.assert_allclose(comp.values["a"], [2.0, 0.5, 0.5])
    picked = interpkit.compare([a, b], class_="x")
    np.testing.assert_allclose(picked.values["b"], [2, 0.1, 3])


def test_report_shows_each_class(iris_stability):
    ex, result = iris_stability
    report = interpkit.report.Report("multiclass")
    report.add(ex.explain())
    report.add(result)
    html = report.to_html()
    for label in ("class 0", "class 1", "class 2", AGGREGATE):
        assert label in html
