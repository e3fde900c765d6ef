"""Reports written for people: titles, null controls, long tables, one-number panels,
value labels clear of error bars, EBM shape functions by term importance."""

import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import interpkit
from interpkit import plots
from interpkit.report import Report
from interpkit.report.tables import SORT_JS


def feature_expl(values, method, name, error=None, features=None):
    features = features or [f"f{i}" for i in range(len(values))]
    da = xr.DataArray(np.asarray(values, float), dims=("feature",),
                      coords={"feature": features}, name=name)  # fmt: skip
    err = None if error is None else da.copy(data=np.asarray(error, float))
    return interpkit.Explanation(da, method=method, backend="x", error=err)


def test_titles_are_written_for_people():
    cases = {
        ("ebm_term_importance", "importance"): "EBM: term importance",
        ("tree_shap", "mean_abs_shap_value"): "TreeSHAP: mean |SHAP value|",
        ("mdi", "importance"): "MDI: impurity importance",
        ("lasso", "coefficient"): "Lasso: coefficients",
    }
    for (method, name), title in cases.items():
        fig = plots.importance(feature_expl([0.3, 0.1], method, name))
        assert fig.layout.title.text == title, (method, fig.layout.title.text)


def test_value_labels_sit_past_the_error_bars():
    vals, err = np.array([2.0, -1.0, 0.5]), np.array([0.4, 0.3, 0.2])
    fig = plots.importance(feature_expl(vals, "ebm_term_importance", "importance", err))
    bars, labels = fig.data
    assert bars.text is None  # the bar carries no label at its end, where the whisker is
    order = np.argsort(-np.abs(vals), kind="stable")
    ends = vals[order] + np.sign(vals[order]) * err[order]
    np.testing.assert_allclose(labels.x, ends)
    assert list(labels.textposition) == ["middle right", "middle left", "middle right"]
    lo, hi = fig.layout.xaxis.range
    assert lo < ends.min() and hi > ends.max()  # the labels' anchors are inside the axes
    # without error bars the labels stay on the bars
    assert plots.importance(feature_expl(vals, "lasso", "coefficient")).data[0].text


def test_long_tables_scroll_and_sort_short_ones_do_not():
    long = pd.DataFrame({"value": np.arange(34.0)[::-1] / 7}, index=[f"x{i}" for i in range(34)])
    long.index.name = "feature"
    wide = pd.DataFrame(np.ones((3, 34)), columns=[f"c{i}" for i in range(34)])
    short = pd.DataFrame({"a": [1.0, 2.0]})
    page = Report("t").add_table(long).add_table(wide).add_table(short).to_html()
    assert page.count('<table class="data sortable">') == 2
    assert page.count('<table class="data">') == 1
    assert page.count(SORT_JS) == 1 and "34 rows × 2 columns" in page
    # exact values for sorting, whatever the rounding shows
    assert 'data-v="4.714285714285714">4.714<' in page
    assert SORT_JS not in Report("t").add_table(short).to_html()


@pytest.fixture(scope="module")
def lasso_results():
    pytest.importorskip("glmnet")
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(70, 4)), columns=["a", "b", "c", "d"])
    y = 2 * X["a"] - X["b"] + rng.normal(size=70)
    kw = {"random_state": 0, "progress": False}
    lasso = interpkit.LassoExplainer(cv=5, random_state=0)
    ridge = interpkit.RidgeExplainer(cv=5, random_state=0)
    enet = interpkit.ElasticNetExplainer(alpha=0.5, cv=5, random_state=0)
    return {
        "lasso": lasso.stability(X, y, n_boot=5, **kw),
        "ridge": ridge.stability(X, y, n_boot=5, **kw),
        "enet": enet.stability(X, y, n_boot=5, **kw),
        "null": lasso.stability(X, y, n_boot=5, scheme="permuted_labels", **kw),
    }


def test_null_control_is_titled_as_one(lasso_results):
    page = Report("t").add(lasso_results["null"]).to_html()
    assert "Lasso: null control (5 fits on shuffled labels)" in page
    assert "null control, values on shuffled labels" in page  # the figure's own title
    boot = Report("t").add(lasso_results["lasso"]).to_html()
    assert "Lasso: stability over 5 bootstrap replicates" in boot and "null control" not in boot


def test_one_number_gets_no_heatmap_and_rows_say_which_pair(lasso_results):
    two = interpkit.compare({k: lasso_results[k] for k in ("lasso", "ridge")})
    three = interpkit.compare({k: lasso_results[k] for k in ("lasso", "ridge", "enet")})
    assert '"type":"heatmap"' not in Report("t").add(two).to_html()
    page = Report("t").add(three).to_html()
    assert '"type":"heatmap"' in page
    assert "<th>lasso vs ridge</th>" in page and "<th>ridge vs enet</th>" in page
    # side by side: two columns per method, not eight
    head = re.findall(r"side by side", page)
    assert head and ">lasso rank<" in page and ">lasso share_lower<" not in page


def test_ebm_shape_functions_follow_term_importance():
    pytest.importorskip("interpret")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(150, 3)), columns=["minor", "none", "major"])
    y = 4 * X["major"] + 1 * X["minor"] + 0.3 * rng.normal(size=150)
    ebm = interpkit.EBMExplainer(interactions=0, outer_bags=2, max_rounds=200, random_state=0)
    result = ebm.stability(X, y, n_boot=2, random_state=0, progress=False)
    page = Report("t").add(result, title="EBM").to_html()
    caps = re.findall(r"EBM: shape functions: (\w+), #(\d) by term importance", page)
    assert [c[0] for c in caps] == ["major", "minor", "none"]
    assert [c[1] for c in caps] == ["1", "2", "3"]
