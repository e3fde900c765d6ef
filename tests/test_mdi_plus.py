"""ImportanceExplainer(method="mdi_plus") against imodels' RandomForestPlus called directly."""

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import (
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.metrics import r2_score

from interpkit.adapters import ImportanceExplainer
from tests import contract

imodels_importance = pytest.importorskip("imodels.importance")
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def _planted(n=150, p=6, seed=0):
    """Only x0, x1, x2 matter."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, p)), columns=[f"x{j}" for j in range(p)])
    y = 3 * X["x0"] + 2 * X["x1"] - 2 * X["x2"] + rng.normal(scale=0.5, size=n)
    return X, y


def _forest(cls=RandomForestRegressor, **kw):
    return cls(**{"n_estimators": 10, "min_samples_leaf": 3, **kw})


def test_regression_equals_imodels_defaults():
    X, y = _planted()
    expl = ImportanceExplainer(_forest(), method="mdi_plus", random_state=0).fit(X, y)
    direct = imodels_importance.RandomForestPlusRegressor(rf_model=_forest(random_state=0))
    assert direct.fit(X.to_numpy(), y.to_numpy()) is None  # imodels' fit returns None
    scores = direct.get_mdi_plus_scores(X.to_numpy(), y.to_numpy())["importance"]
    glob = expl.explain()
    np.testing.assert_allclose(glob.to_numpy(), scores.to_numpy())
    assert glob.method == "mdi_plus" and glob.dims == ("feature",)
    assert glob.params["estimator"] == "RandomForestRegressor"
    assert glob.params["model"] == "RandomForestPlusRegressor"
    np.testing.assert_allclose(expl.predict(X.iloc[:5]), direct.predict(X.to_numpy()[:5]))
    assert set(np.argsort(-glob.to_numpy())[:3]) == {0, 1, 2}
    assert np.all(np.abs(glob.to_numpy()[3:]) < 0.02)  # R^2-type: noise about 0


def test_one_hot_r2_is_sklearn_r2_of_one_hot_labels():
    from interpkit.adapters.sklearn.mdi_plus import _one_hot_r2

    rng = np.random.default_rng(0)
    codes = rng.integers(3, size=40)
    proba = rng.dirichlet(np.ones(3), size=40)
    onehot = np.eye(3)[codes]
    assert _one_hot_r2(codes, proba) == pytest.approx(r2_score(onehot, proba))
    p1 = proba[:, 0]
    binary = (codes == 0).astype(int)
    # a 1-D score is the probability of class 1; both columns give the same R^2
    assert _one_hot_r2(binary, p1) == pytest.approx(r2_score(binary, p1))


def test_binary_classifier_equals_imodels_with_ridge_partial_model():
    from interpkit.adapters.sklearn.mdi_plus import _one_hot_r2

    X, y = _planted()
    labels = np.where(y > 0, "yes", "no")
    cls_forest = _forest(RandomForestClassifier)
    expl = ImportanceExplainer(cls_forest, method="mdi_plus", random_state=1).fit(X, labels)
    direct = imodels_importance.RandomForestPlusClassifier(
        rf_model=_forest(RandomForestClassifier, random_state=1),
        prediction_model=imodels_importance.RidgeClassifierPPM(),
    )
    codes = (labels == "yes").astype(int)
    direct.fit(X.to_numpy(), codes)
    scores = direct.get_mdi_plus_scores(
        X.to_numpy(), codes, scoring_fns={"importance": _one_hot_r2}
    )["importance"]
    glob = expl.explain()
    np.testing.assert_allclose(glob.to_numpy(), scores.to_numpy())
    assert set(np.argsort(-glob.to_numpy())[:3]) == {0, 1, 2}
    assert glob.output_name == "RF+ class score(yes)"
    np.testing.assert_allclose(
        expl.predict(X.iloc[:4]), direct.predict_proba(X.to_numpy()[:4])[:, 1]
    )
    proba = expl.predict_proba(X.iloc[:4])
    assert proba.shape == (4, 2) and np.allclose(proba.sum(axis=1), 1)


def test_multiclass_predicts_original_labels():
    X, y = _planted()
    labels = np.array(["low", "mid", "high"])[np.digitize(y, [-1.0, 1.0])]
    expl = ImportanceExplainer(
        _forest(RandomForestClassifier), method="mdi_plus", random_state=0
    ).fit(X, labels)
    assert list(expl.classes_) == ["high", "low", "mid"]
    pred = expl.predict(X)
    assert set(pred) <= set(labels) and np.mean(pred == labels) > 0.7
    assert set(np.argsort(-expl.explain().to_numpy())[:3]) == {0, 1, 2}


def test_tuned_forest_is_the_one_rf_plus_uses():
    X, y = _planted(n=120)
    grid = {"max_features": [0.3, 1.0]}
    expl = ImportanceExplainer(_forest(), method="mdi_plus", param_grid=grid, cv=3, random_state=0)
    expl.fit(X, y)
    forest = expl.estimator_.rf_model
    assert forest.max_features == expl.best_params_["max_features"]
    assert forest.random_state == 0 and len(forest.estimators_) == 10
    assert expl.explain().params["best_params"] == expl.best_params_


def test_stability_and_local_explanations():
    X, y = _planted(n=100)
    expl = ImportanceExplainer(_forest(), method="mdi_plus", random_state=0)
    result = expl.stability(X, y, n_boot=3, random_state=0, progress=False)
    assert result.n_replicates == 3 and result.replicates.method == "mdi_plus"
    table = result.summary()
    assert set(table.index[:3]) == {"x0", "x1", "x2"}
    expl.fit(X, y)
    local = expl.explain(X.iloc[:2])
    # mean replacement of x3 (noise) barely moves the RF+ prediction
    assert np.abs(local.to_numpy()[:, 3]).max() < np.abs(local.to_numpy()[:, 0]).max()


def test_needs_a_forest():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _planted(n=60)
    pipe = make_pipeline(StandardScaler(), _forest())
    for estimator in (GradientBoostingRegressor(n_estimators=5), pipe):
        with pytest.raises(ValueError, match="needs a random forest.*method='permutation'"):
            ImportanceExplainer(estimator, method="mdi_plus").fit(X, y)


def test_missing_imodels_names_the_extra(monkeypatch):
    X, y = _planted(n=60)
    monkeypatch.setitem(sys.modules, "imodels", None)  # import imodels -> ImportError
    with pytest.raises(ImportError, match=r"mdi_plus.*imodels.*interpkit\[mdiplus\]"):
        ImportanceExplainer(_forest(), method="mdi_plus").fit(X, y)


def test_classifier_given_continuous_target():
    X, y = _planted(n=60)
    with pytest.raises(ValueError, match="looks continuous"):
        ImportanceExplainer(_forest(RandomForestClassifier), method="mdi_plus").fit(X, y)


# the shared Explainer contract (tests/contract.py) on a fast MDI+ configuration
def _contract_case():
    rng = np.random.default_rng(0)
    n = 80
    X = pd.DataFrame(rng.normal(size=(n, 5)), columns=["a", "b", "c", "d", "e"])
    X.index = [f"row{i}" for i in range(n)]
    y = pd.Series(2 * X["a"] - X["c"] + rng.normal(scale=0.5, size=n), index=X.index)
    expl = ImportanceExplainer(
        RandomForestRegressor(n_estimators=8), method="mdi_plus", random_state=0
    )
    return expl, X, y


SLOW_CHECK = contract.check_stability_independent_of_n_jobs
FAST_CHECKS = [c for c in contract.CHECKS if c is not SLOW_CHECK]


@pytest.mark.parametrize("check", FAST_CHECKS, ids=lambda c: c.__name__)
def test_contract(check):
    check(*_contract_case())


@pytest.mark.slow
def test_contract_stability_n_jobs():
    SLOW_CHECK(*_contract_case())


def test_contract_save_load(tmp_path):
    contract.check_save_load(*_contract_case(), tmp_path)
    expl, X, y = _contract_case()
    assert clone(expl).get_params()["method"] == "mdi_plus"
