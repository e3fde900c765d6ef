"""The CLI's report takes each method's fit from its stability run instead of fitting twice.

``fit_and_bootstrap`` used to fit every explainer on the training rows and then
run its stability analysis, whose reference fit is the same model fit again.
Now the report reuses that reference fit (``keep_reference``): one fit fewer
per method, and the same numbers as a separate ``fit`` on the training rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from interpkit.report.linear import fit_and_bootstrap
from interpkit.report.methods import make_explainer
from interpkit.stability.engine import keep_reference

pytest.importorskip("glmnet")

METHODS = ["lasso", "ebm", "mdi-rf", "permutation-rf", "shap-rf"]


def _data(n: int = 70, p: int = 5, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, p)), columns=[f"x{i}" for i in range(p)])
    y = pd.Series(2 * X["x0"] - X["x1"] + rng.normal(size=n), name="y")
    return X.iloc[:55], y.iloc[:55], X.iloc[55:], y.iloc[55:]


def _explainers():
    from interpkit.cli_defaults import LIGHT_FOREST
    from interpkit.registry import Lazy

    forest = Lazy("sklearn.ensemble:RandomForestRegressor", {**LIGHT_FOREST, "n_estimators": 20})
    params = {
        "ebm": {"outer_bags": 2, "max_rounds": 200},
        "mdi-rf": {"estimator": forest},
        "permutation-rf": {"estimator": forest, "n_repeats": 2},
        "shap-rf": {"estimator": forest, "background": 10, "n_global_rows": 20},
    }
    return {m: make_explainer(m, 0, params=params.get(m)) for m in METHODS}


@pytest.fixture(scope="module")
def run():
    pytest.importorskip("interpret")
    pytest.importorskip("shap")
    data = _data()
    explainers = _explainers()
    fits, results, rmse = fit_and_bootstrap(
        explainers, data, n_boot=2, seed=0, n_jobs=1, progress=False
    )
    return data, explainers, fits, results, rmse


def test_fitted_explainers_equal_a_separate_fit(run):
    (X, y, X_hold, y_hold), explainers, fits, _, rmse = run
    for m, explainer in explainers.items():
        alone = clone(explainer).fit(X, y)
        np.testing.assert_array_equal(fits[m].explain().to_numpy(), alone.explain().to_numpy())
        np.testing.assert_array_equal(fits[m].predict(X_hold), alone.predict(X_hold))
        resid = alone.predict(X_hold) - y_hold.to_numpy()
        assert rmse[m] == float(np.sqrt(np.mean(resid**2)))
        assert fits[m].get_params()["random_state"] == explainer.get_params()["random_state"]


def test_stability_results_unchanged(run):
    (X, y, X_hold, y_hold), explainers, fits, results, _ = run
    for m in ("lasso", "permutation-rf"):
        before = clone(explainers[m]).fit(X, y).stability(
            X, y, n_boot=2, X_eval=X_hold, y_eval=y_hold, random_state=0, n_jobs=1,
            progress=False,
        )  # fmt: skip
        np.testing.assert_array_equal(results[m].replicates.values, before.replicates.values)
        np.testing.assert_array_equal(results[m].predictions, before.predictions)
        # the report's fit is the stability run's reference: its figures and tables agree
        np.testing.assert_array_equal(fits[m].explain().to_numpy(), results[m].reference.to_numpy())


def test_one_fit_fewer_per_method(monkeypatch):
    from interpkit.explainer import Explainer

    calls = []
    original = Explainer._fit_checked

    def counting(self, *args, **kwargs):
        calls.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Explainer, "_fit_checked", counting)
    explainers = {"lasso": make_explainer("lasso", 0)}
    fit_and_bootstrap(explainers, _data(), n_boot=3, seed=0, n_jobs=1, progress=False)
    assert len(calls) == 3 + 1  # the replicates and the reference, nothing more


def test_keep_reference_collects_only_inside_and_in_order():
    X, y, _, _ = _data()
    lasso, ridge = make_explainer("lasso", 0), make_explainer("ridge", 0)
    with keep_reference() as kept:
        lasso.stability(X, y, n_boot=2, random_state=0, progress=False)
        ridge.stability(X, y, n_boot=2, random_state=0, progress=False)
    ridge.stability(X, y, n_boot=2, random_state=0, progress=False)  # outside: not kept
    assert [type(e).__name__ for e in kept] == ["LassoExplainer", "RidgeExplainer"]
    assert kept[0] is not lasso  # a fitted clone; the caller's explainer stays unfitted
    assert not hasattr(lasso, "lambda_1se_") and hasattr(kept[0], "lambda_1se_")
