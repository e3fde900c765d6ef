"""LimeExplainer: LIME on a linear model recovers the slopes; its seed spread is exposed."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.tree import DecisionTreeRegressor

from interpkit.adapters.lime import LimeExplainer
from tests import contract

pytest.importorskip("lime")


def _data(n=150, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 4)) * [1.0, 2.0, 0.5, 1.0], columns=list("abcd"))
    y = 1.5 * X["a"] - 2.0 * X["b"] + 0.0 * X["c"] + X["d"] + rng.normal(scale=0.1, size=n)
    return X, y


def test_lime_on_a_linear_model_recovers_slope_times_sd():
    # without discretisation LIME regresses on (x - mean) / sd, so on an exactly
    # linear model its weight is the slope times the training sd
    X, y = _data()
    lr = LinearRegression().fit(X, y)
    ex = LimeExplainer(model=lr, discretize_continuous=False, num_samples=2000, random_state=0)
    local = ex.fit(X).explain(X.iloc[:3])
    expected = lr.coef_ * X.to_numpy().std(axis=0)
    np.testing.assert_allclose(local.to_numpy(), np.tile(expected, (3, 1)), rtol=0.02, atol=0.02)
    assert local.annotations["mean_local_r2"] > 0.99
    assert local.params["output"] == "prediction" and local.method == "lime"


def test_classifier_probability_weights_follow_coefficient_signs():
    X, y = _data()
    clf = LogisticRegression().fit(X, (y > 0).astype(int))
    local = LimeExplainer(model=clf, discretize_continuous=False, random_state=0).fit(X)
    weights = local.explain(X.iloc[:5]).to_numpy()
    big = np.abs(clf.coef_[0]) > 0.5
    assert (np.sign(weights[:, big]) == np.sign(clf.coef_[0][big])).all()
    assert local.explain(X.iloc[:1]).output_name == "probability(1)"


def test_seed_scope_spread_and_reproducibility():
    X, y = _data()
    tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    ex = LimeExplainer(model=tree, num_samples=200, n_global_rows=5, random_state=0).fit(X)
    np.testing.assert_array_equal(
        ex.explain(X.iloc[:2]).to_numpy(), ex.explain(X.iloc[:2]).to_numpy()
    )
    result = ex.stability(scope="seed", n_boot=4, random_state=0, X_explain=X.iloc[:2])
    assert result.scheme == "seed" and result.summary()["sd"].max() > 0
    local = result.extras["local"]
    assert local.replicates.dims == ("replicate", "sample", "feature")
    assert list(local.replicates.values.coords["sample"].values) == [0, 1]
    widths = ex.stability(scope="kernel_width", kernel_widths=[0.5, 1.0, 3.0])
    assert widths.n_replicates == 3
    assert widths.replicate_info["kernel_width"].tolist() == [0.5, 1.0, 3.0]


def test_bad_input():
    X, y = _data()
    lr = LinearRegression().fit(X, y)
    with pytest.raises(NotFittedError):
        LimeExplainer(model=lr).explain(X)
    clf = LogisticRegression().fit(X, (y > 0).astype(int))
    with pytest.raises(ValueError, match="regression link"):
        LimeExplainer(model=clf, output="prediction").fit(X)
    ex = LimeExplainer(model=lr, num_samples=50).fit(X)
    with pytest.raises(ValueError, match="kernel_widths"):
        ex.stability(scope="kernel_width")
    with pytest.raises(ValueError, match="estimator= instead"):
        ex.stability(X, y, scope="refit")
    with pytest.raises(ValueError, match="num_samples"):
        LimeExplainer(model=lr, num_samples=2).fit(X)


def _contract_case():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(80, 5)), columns=["a", "b", "c", "d", "e"])
    X.index = [f"row{i}" for i in range(80)]
    y = pd.Series(2 * X["a"] - X["c"] + rng.normal(scale=0.5, size=80), index=X.index)
    est = LimeExplainer(
        estimator=DecisionTreeRegressor(max_depth=3), num_samples=100, n_global_rows=8,
        random_state=0,
    )  # fmt: skip
    return est, X, y


@pytest.mark.parametrize("check", contract.CHECKS, ids=lambda c: c.__name__)
def test_contract(check):
    check(*_contract_case())


def test_contract_save_load(tmp_path):
    contract.check_save_load(*_contract_case(), tmp_path)
