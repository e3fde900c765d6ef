"""ShapExplainer against closed forms, brute-force Shapley values and the shared contract."""

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

import interpkit
from interpkit.adapters.shap import ShapExplainer
from tests import contract

pytest.importorskip("shap")


def _data(n=120, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, p)), columns=[f"f{j}" for j in range(p)])
    y = 2 * X["f0"] - X["f1"] + X["f2"] * X["f3"] + rng.normal(scale=0.3, size=n)
    return X, y


def _brute_force_shapley(f, x, background):
    """Interventional Shapley values by enumerating every coalition."""
    p = x.size

    def value(subset):
        Z = background.copy()
        Z[:, list(subset)] = x[list(subset)]
        return f(Z).mean()

    phi = np.zeros(p)
    for j in range(p):
        others = [k for k in range(p) if k != j]
        for size in range(p):
            w = factorial(size) * factorial(p - size - 1) / factorial(p)
            for S in combinations(others, size):
                phi[j] += w * (value((*S, j)) - value(S))
    return phi


# -- closed forms -----------------------------------------------------------------
def test_linear_shap_mean_background_is_beta_times_centred_x():
    X, y = _data()
    lr = LinearRegression().fit(X, y)
    ex = ShapExplainer(model=lr, background="mean").fit(X)
    assert ex.algorithm_ == "linear"
    local = ex.explain(X.iloc[:10])
    expected = lr.coef_ * (X.iloc[:10].to_numpy() - X.to_numpy().mean(axis=0))
    np.testing.assert_allclose(local.to_numpy(), expected, atol=1e-10, rtol=0)
    assert local.base_value == pytest.approx(lr.predict(X).mean(), abs=1e-10)
    assert local.params["value_function"] == "interventional"


def test_linear_shap_single_background_row():
    X, y = _data()
    lr = LinearRegression().fit(X, y)
    x0 = X.iloc[[7]]
    local = ShapExplainer(model=lr, background=x0).fit(X).explain(X.iloc[:10])
    expected = lr.coef_ * (X.iloc[:10].to_numpy() - x0.to_numpy())
    np.testing.assert_allclose(local.to_numpy(), expected, atol=1e-10, rtol=0)
    assert local.base_value == pytest.approx(float(lr.predict(x0)[0]), abs=1e-10)


def test_interpkit_lasso_model_matches_its_own_local_explanation():
    X, y = _data(n=100)
    lasso = interpkit.LassoExplainer(cv=5, random_state=0).fit(X, y)
    local = ShapExplainer(model=lasso, background="mean").fit(X).explain(X.iloc[:8])
    np.testing.assert_allclose(
        local.to_numpy(), lasso.explain(X.iloc[:8]).to_numpy(), atol=1e-10, rtol=0
    )


def test_kmeans_background_is_weighted_by_cluster_size():
    # k-means centroids weighted by cluster size average to the data mean exactly
    X, y = _data()
    lr = LinearRegression().fit(X, y)
    ex = ShapExplainer(model=lr, algorithm="kernel", background="kmeans:5", random_state=0)
    local = ex.fit(X).explain(X.iloc[:5])
    expected = lr.coef_ * (X.iloc[:5].to_numpy() - X.to_numpy().mean(axis=0))
    np.testing.assert_allclose(local.to_numpy(), expected, atol=1e-8)
    assert ex.background_.shape == (5, 4) and ex.background_weights_.sum() == pytest.approx(1)


@pytest.mark.parametrize("algorithm", ["tree", "exact"])
def test_tree_and_exact_shap_equal_brute_force_shapley(algorithm):
    X, y = _data(n=80)
    tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X.to_numpy(), y)
    ex = ShapExplainer(model=tree, algorithm=algorithm, background=6, random_state=1).fit(X)
    rows = X.to_numpy()[:4]
    local = ex.explain(rows)
    truth = np.array([_brute_force_shapley(tree.predict, x, ex.background_) for x in rows])
    np.testing.assert_allclose(local.to_numpy(), truth, atol=1e-6)
    assert local.base_value == pytest.approx(tree.predict(ex.background_).mean(), abs=1e-6)


@pytest.mark.parametrize(
    ("model", "algorithm"),
    [
        (DecisionTreeRegressor(max_depth=5, random_state=0), "tree"),
        (LinearRegression(), "linear"),
        (DecisionTreeRegressor(max_depth=5, random_state=0), "exact"),
    ],
)
def test_additivity_holds_and_is_recorded(model, algorithm):
    X, y = _data()
    fitted = model.fit(X.to_numpy(), y)
    local = ShapExplainer(model=fitted, algorithm=algorithm, background=20).fit(X).explain(X)
    total = local.to_numpy().sum(axis=1) + np.asarray(local.base_value)
    np.testing.assert_allclose(total, fitted.predict(X.to_numpy()), atol=1e-6)
    assert local.annotations["additivity_error"] < 1e-6


def test_classifier_log_odds_and_probability_scales():
    X, y = _data()
    yc = (y > 0).astype(int)
    gbc = GradientBoostingClassifier(n_estimators=30, random_state=0).fit(X, yc)
    log_odds = ShapExplainer(model=gbc, output="log_odds").fit(X).explain(X.iloc[:6])
    assert log_odds.params["algorithm"] == "tree" and log_odds.output_name == "log_odds(1)"
    total = log_odds.to_numpy().sum(axis=1) + log_odds.base_value
    np.testing.assert_allclose(total, gbc.decision_function(X.iloc[:6]), atol=1e-6)
    rf = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, yc)
    proba = ShapExplainer(model=rf).fit(X).explain(X.iloc[:6])
    assert proba.params["output"] == "probability"
    total = proba.to_numpy().sum(axis=1) + proba.base_value
    np.testing.assert_allclose(total, rf.predict_proba(X.iloc[:6])[:, 1], atol=1e-6)
    # a random forest's leaves hold probabilities: no TreeSHAP on the log-odds scale
    auto = ShapExplainer(model=rf, output="log_odds", background=10).fit(X)
    assert auto.algorithm_ == "permutation"


def test_pipeline_and_logistic_regression():
    X, y = _data()
    pipe = make_pipeline(StandardScaler(), LinearRegression()).fit(X, y)
    local = ShapExplainer(model=pipe, background="mean").fit(X).explain(X.iloc[:5])
    beta = pipe[-1].coef_ / pipe[0].scale_
    expected = beta * (X.iloc[:5].to_numpy() - X.to_numpy().mean(axis=0))
    np.testing.assert_allclose(local.to_numpy(), expected, atol=1e-10)
    logit = LogisticRegression().fit(X, (y > 0).astype(int))
    lo = ShapExplainer(model=logit, output="log_odds", background="mean").fit(X)
    assert lo.algorithm_ == "linear"
    expected = logit.coef_[0] * (X.iloc[:5].to_numpy() - X.to_numpy().mean(axis=0))
    np.testing.assert_allclose(lo.explain(X.iloc[:5]).to_numpy(), expected, atol=1e-10)


# -- stability scopes ---------------------------------------------------------------
def test_background_scope_with_one_fixed_row_gives_zero_width_intervals():
    X, y = _data()
    tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X.to_numpy(), y)
    ex = ShapExplainer(model=tree, background=X.iloc[[3]]).fit(X)
    result = ex.stability(scope="background", n_boot=5, random_state=0, X_explain=X.iloc[:4])
    table = result.summary()
    np.testing.assert_array_equal(table["lower"], table["upper"])
    local = result.extras["local"].summary()
    np.testing.assert_array_equal(local["lower"], local["upper"])
    assert list(result.extras["local"].replicates.values.coords["sample"].values) == list(
        X.index[:4]
    )
    # rows passed to stability() are what backgrounds are redrawn from: now they move
    table = ex.stability(X, scope="background", n_boot=4, random_state=0).summary()
    assert (table["upper"] - table["lower"]).max() > 0
    # a sampled background does move
    moving = ShapExplainer(model=tree, background=10, random_state=0).fit(X)
    table = moving.stability(scope="background", n_boot=5, random_state=0).summary()
    assert (table["upper"] - table["lower"]).max() > 0


def test_refit_scope_noise_features_cover_zero():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["signal", "noise1", "noise2"])
    y = 3 * X["signal"] + rng.normal(size=200)
    ex = ShapExplainer(estimator=LinearRegression(), background="mean", random_state=0)
    rows = X.iloc[:10]
    result = ex.stability(X, y, n_boot=30, random_state=0, X_explain=rows, progress=False)
    local = result.extras["local"].summary().set_index(["feature", "sample"])
    for noise in ("noise1", "noise2"):
        assert (local.loc[noise, "lower"] <= 0).all() and (local.loc[noise, "upper"] >= 0).all()
    far = rows.index[np.abs(rows["signal"] - X["signal"].mean()) > 0.5]
    signal = local.loc["signal"].loc[far]
    assert ((signal["lower"] > 0) | (signal["upper"] < 0)).all()


def test_seed_scope_shows_kernel_variance_and_refuses_deterministic_algorithms():
    X, y = _data(n=60, p=6)
    tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X.to_numpy(), y)
    kern = ShapExplainer(model=tree, algorithm="kernel", nsamples=20, background=5).fit(X)
    result = kern.stability(scope="seed", n_boot=4, random_state=0)
    assert result.scheme == "seed" and result.summary()["sd"].max() > 0
    with pytest.raises(ValueError, match="deterministic"):
        ShapExplainer(model=tree, algorithm="tree").fit(X).stability(scope="seed", n_boot=3)
    with pytest.raises(ValueError, match="estimator= instead"):
        kern.stability(X, y, scope="refit", n_boot=3)


# -- bad input -------------------------------------------------------------------------
class _Broken:
    def predict(self, X):
        raise RuntimeError("model expects 10 columns")


def test_bad_input_is_reported_in_user_terms():
    X, y = _data()
    lr = LinearRegression().fit(X, y)
    with pytest.raises(NotFittedError):
        ShapExplainer(model=lr).explain(X)
    other = X.rename(columns={"f0": "age"})
    with pytest.raises(ValueError, match="background has other columns than X.*age"):
        ShapExplainer(model=lr.fit(X.to_numpy(), y), background=other).fit(X)
    with pytest.raises(ValueError, match="could not be computed on the background.*10 columns"):
        ShapExplainer(model=_Broken()).fit(X)
    clf = LogisticRegression().fit(X, (y > 0).astype(int))
    with pytest.raises(ValueError, match="classifier.*regression link"):
        ShapExplainer(model=clf, output="prediction").fit(X)
    with pytest.raises(ValueError, match="needs a classifier"):
        ShapExplainer(model=lr, output="log_odds").fit(X)
    kern = ShapExplainer(model=lr, algorithm="kernel", nsamples=5).fit(X)
    with pytest.raises(ValueError, match=r"nsamples >= number of features \+ 2 = 6"):
        kern.explain(X.iloc[:2])
    with pytest.raises(ValueError, match="either model= .* or estimator="):
        ShapExplainer(model=lr, estimator=LinearRegression()).fit(X)
    with pytest.raises(ValueError, match="algorithm='tree' cannot explain"):
        ShapExplainer(model=lr, algorithm="tree").fit(X)
    with pytest.raises(ValueError, match="kmeans:K"):
        ShapExplainer(model=lr, background="kmeans:x").fit(X)
    with pytest.raises(ValueError, match="single row"):
        ShapExplainer(
            model=lr, background="mean", feature_perturbation="correlation_dependent"
        ).fit(X).explain(X.iloc[:2])


class _NotReallyLinear:
    """Has coef_ / intercept_, so linear SHAP is used, but predict adds a square."""

    coef_ = np.array([1.0, -1.0, 0.5, 0.0])
    intercept_ = 0.0

    def predict(self, X):
        return X @ self.coef_ + X[:, 0] ** 2


def test_additivity_violation_is_warned_not_hidden():
    X, _ = _data()
    ex = ShapExplainer(model=_NotReallyLinear(), background="mean").fit(X)
    assert ex.algorithm_ == "linear"
    with pytest.warns(RuntimeWarning, match="do not add up"):
        local = ex.explain(X.iloc[:3])
    x0 = X["f0"].to_numpy()
    expected = (x0[:3] ** 2).max()  # the base is linear SHAP's coef @ mean
    assert local.annotations["additivity_error"] == pytest.approx(expected)


# -- shared contract ---------------------------------------------------------------------
def _contract_case():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(80, 5)), columns=["a", "b", "c", "d", "e"])
    X.index = [f"row{i}" for i in range(80)]
    y = pd.Series(2 * X["a"] - X["c"] + rng.normal(scale=0.5, size=80), index=X.index)
    est = ShapExplainer(
        estimator=DecisionTreeRegressor(max_depth=3), background=20, n_global_rows=40,
        random_state=0,
    )  # fmt: skip
    return est, X, y


@pytest.mark.parametrize("check", contract.CHECKS, ids=lambda c: c.__name__)
def test_contract(check):
    check(*_contract_case())


def test_contract_save_load(tmp_path):
    contract.check_save_load(*_contract_case(), tmp_path)
