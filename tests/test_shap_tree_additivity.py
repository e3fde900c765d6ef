"""TreeSHAP adds up on bootstrapped forests and float64 split points (issue 17, section 5).

Oracles: additivity against the model's own predictions, and brute-force
interventional Shapley values (every coalition) on the rows shap alone gets
wrong.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor

import interpkit
from interpkit.adapters.shap import ShapExplainer
from interpkit.adapters.shap.tree_exact import interventional_tree_shap
from tests.test_shap import _brute_force_shapley

shap = pytest.importorskip("shap")


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


def _shap_direct_gap(model, X, background):
    ex = shap.TreeExplainer(model, data=background, feature_perturbation="interventional")
    phi = ex.shap_values(X, check_additivity=False)
    return np.abs(phi.sum(axis=1) + ex.expected_value - model.predict(X))


def test_reproducer_bootstrapped_tree_adds_up(diabetes):
    X, y = diabetes
    tree = RandomForestRegressor(n_estimators=1, max_depth=10, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no additivity warning
        ex = ShapExplainer(model=tree, background=X[:100]).fit(X)
        local = ex.explain(X[:200])
    assert ex.algorithm_ == "tree"
    gap = np.abs(local.to_numpy().sum(axis=1) + local.base_value - tree.predict(X[:200]))
    assert gap.max() < 1e-4  # shap alone: up to 72 (measured 70.7 with shap 0.51)
    assert local.annotations["additivity_error"] == pytest.approx(gap.max(), abs=1e-9)
    assert local.annotations["additivity_error"] <= local.annotations["additivity_tolerance"]
    assert local.base_value == pytest.approx(tree.predict(X[:100]).mean(), rel=1e-12)


def test_values_equal_brute_force_where_shap_alone_is_wrong(diabetes):
    X, y = diabetes
    tree = RandomForestRegressor(n_estimators=1, max_depth=10, random_state=0).fit(X, y)
    background = X[45:52]
    bad = np.flatnonzero(_shap_direct_gap(tree, X[:200], background) > 1e-3)
    rows = X[bad[:3]] if bad.size else X[:3]
    ex = ShapExplainer(model=tree, background=background).fit(X)
    phi = ex.explain(rows).to_numpy()
    truth = np.array([_brute_force_shapley(tree.predict, x, background) for x in rows])
    np.testing.assert_allclose(phi, truth, atol=1e-4, rtol=0)


def test_forest_and_hist_gradient_boosting_add_up(diabetes):
    X, y = diabetes
    models = [
        RandomForestRegressor(n_estimators=20, random_state=0).fit(X, y),
        HistGradientBoostingRegressor(max_iter=30, random_state=0).fit(X, y),
    ]
    for model in models:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            local = ShapExplainer(model=model, background=X[:50]).fit(X).explain(X[:150])
        gap = np.abs(local.to_numpy().sum(axis=1) + local.base_value - model.predict(X[:150]))
        assert gap.max() < 1e-4, type(model).__name__


def test_missing_values_take_the_models_branch(diabetes):
    X, y = diabetes
    X = X.copy()
    X[::5, 2] = np.nan
    model = HistGradientBoostingRegressor(max_iter=20, random_state=0).fit(X, y)
    # interpkit's validation refuses NaN before this point; the kernel itself keeps
    # missing values on the model's default branch
    phi, base, slack = interventional_tree_shap(shap, model, X[:100], X[:40], "raw")
    gap = np.abs(phi.sum(axis=1) + base[0] - model.predict(X[:100]))
    assert gap.max() < 1e-4 and slack < 1e-3
    assert _shap_direct_gap(model, X[:100], X[:40]).max() > 10 * gap.max()


def test_residual_warns_once_and_report_flags_it(diabetes, monkeypatch):
    from interpkit.adapters.shap import explainer as shap_explainer

    X, y = diabetes
    tree = RandomForestRegressor(n_estimators=3, max_depth=4, random_state=0).fit(X, y)
    real = shap_explainer.shap_values

    def off_by_half(*args, **kwargs):
        phi, base = real(*args, **kwargs)
        return phi, base + 0.5

    monkeypatch.setattr(shap_explainer, "shap_values", off_by_half)
    ex = ShapExplainer(model=tree, background=20, random_state=0).fit(X)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        local = ex.explain(X[:30])
        ex.explain(X[30:60])
        result = ex.stability(X, scope="background", n_boot=3, random_state=0)
    additivity = [w for w in caught if "do not add up" in str(w.message)]
    assert len(additivity) == 1 and "0.5" in str(additivity[0].message)
    assert local.annotations["additivity_error"] == pytest.approx(0.5, abs=1e-4)
    report = interpkit.report.Report("t")
    report.add(local)
    report.add(result)
    html = report.to_html()
    assert html.count("do not add up to the model output") == 2
    assert "reaches 0.5" in html
