"""Row weights: a fit with integer weights is the fit on the rows duplicated by those counts."""

from __future__ import annotations

import numpy as np
import pytest

from interpkit.adapters.glmnet import ElasticNetExplainer, LassoExplainer, RidgeExplainer
from interpkit.explainer import Explainer


def _data(n=40, p=4, seed=0, binary=False):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, p))
    signal = X @ np.array([1.5, -1.0, 0.5, 0.0][:p] + [0.0] * max(0, p - 4))
    if binary:
        y = (signal + rng.normal(size=n) > 0).astype(float)
    else:
        y = signal + rng.normal(scale=0.7, size=n)
    counts = rng.randint(0, 4, size=n)
    counts[:3] = np.maximum(counts[:3], 1)  # a few rows surely present
    return X, y, counts


def _duplicated(X, y, counts):
    rows = np.repeat(np.arange(len(X)), counts)
    return X[rows], y[rows], rows


# -- the base class checks weights in the user's terms ----------------------


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (np.ones((40, 1)), "1-D with one weight per row"),
        (np.ones(39), "1-D with one weight per row"),
        (np.r_[np.nan, np.ones(39)], "NaN or infinite"),
        (np.r_[-1.0, np.ones(39)], "non-negative"),
        (np.zeros(40), "zero for every row"),
    ],
)
def test_bad_weights_are_refused(weights, match):
    X, y, _ = _data()
    with pytest.raises(ValueError, match=match):
        LassoExplainer().fit(X, y, sample_weight=weights)


class _Unweighted(Explainer):
    def _fit(self, X, y):
        self.fitted_ = True


def test_explainer_without_weights_refuses_them():
    X, y, _ = _data()
    assert not _Unweighted()._accepts_sample_weight()
    with pytest.raises(ValueError, match="_Unweighted cannot use sample_weight"):
        _Unweighted().fit(X, y, sample_weight=np.ones(40))
    assert _Unweighted().fit(X, y).fitted_  # unweighted fits call the two-argument _fit


# -- glmnet ------------------------------------------------------------------

LAMBDAS = np.geomspace(1.0, 1e-3, 30)


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_glmnet_weighted_path_equals_duplicated_rows(family, alpha):
    X, y, counts = _data(binary=family == "binomial")
    X_dup, y_dup, _ = _duplicated(X, y, counts)
    params = dict(alpha=alpha, family=family, lambda_path=LAMBDAS, tol=1e-14, cv=3, random_state=0)
    weighted = ElasticNetExplainer(**params).fit(X, y, sample_weight=counts)
    dup = ElasticNetExplainer(**params).fit(X_dup, y_dup)
    np.testing.assert_allclose(weighted.coef_path_, dup.coef_path_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(weighted.intercept_path_, dup.intercept_path_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(weighted.feature_means_, dup.feature_means_, atol=1e-12)
    np.testing.assert_allclose(weighted.feature_scales_, dup.feature_scales_, atol=1e-12)


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
@pytest.mark.parametrize("user_lambdas", [True, False])
def test_glmnet_weighted_cv_equals_duplicated_rows_in_shared_folds(family, user_lambdas):
    X, y, counts = _data(n=60, binary=family == "binomial", seed=1)
    X_dup, y_dup, rows = _duplicated(X, y, counts)
    folds = np.arange(len(X)) % 5  # copies of a row share its fold
    params = dict(family=family, tol=1e-14, lambda_path=LAMBDAS if user_lambdas else None)
    weighted = LassoExplainer(cv=folds, **params).fit(X, y, sample_weight=counts)
    dup = LassoExplainer(cv=folds[rows], **params).fit(X_dup, y_dup)
    np.testing.assert_allclose(weighted.lambda_path_, dup.lambda_path_, rtol=1e-12)
    np.testing.assert_allclose(weighted.cv_fold_errors_, dup.cv_fold_errors_, rtol=1e-8)
    np.testing.assert_allclose(weighted.cv_mean_, dup.cv_mean_, rtol=1e-8)
    np.testing.assert_allclose(weighted.cv_se_, dup.cv_se_, rtol=1e-8)
    assert weighted.lambda_min_ == pytest.approx(dup.lambda_min_, rel=1e-12)
    assert weighted.lambda_1se_ == pytest.approx(dup.lambda_1se_, rel=1e-12)
    np.testing.assert_allclose(weighted.coef_, dup.coef_, atol=1e-9)


def test_glmnet_weighted_cv_is_cv_glmnet_weighting():
    # R: fold error = weighted mean of the fold's losses; folds weighted by their weight sums
    X, y, _ = _data(n=30, seed=2)
    w = np.random.RandomState(3).uniform(0.2, 3.0, size=30)
    folds = np.arange(30) % 3
    fit = LassoExplainer(cv=folds, lambda_path=LAMBDAS, tol=1e-14).fit(X, y, sample_weight=w)
    direct = []
    for k in range(3):
        train = folds != k
        part = LassoExplainer(lambda_path=LAMBDAS, tol=1e-14)
        path, icpt = part._fold_path(X[train], y[train], LAMBDAS, w[train])
        resid2 = (y[~train, None] - X[~train] @ path - icpt) ** 2
        direct.append(np.average(resid2, axis=0, weights=w[~train]))
    direct = np.array(direct)
    np.testing.assert_allclose(fit.cv_fold_errors_, direct, rtol=1e-9)
    sizes = np.array([w[folds == k].sum() for k in range(3)])
    cvm = sizes @ direct / sizes.sum()
    cvsd = np.sqrt(sizes @ (direct - cvm) ** 2 / sizes.sum() / 2)
    np.testing.assert_allclose(fit.cv_mean_, cvm, rtol=1e-12)
    np.testing.assert_allclose(fit.cv_se_, cvsd, rtol=1e-10)


def test_glmnet_tiny_lambda_ridge_is_weighted_least_squares():
    X, y, _ = _data(n=50, seed=4)
    w = np.random.RandomState(5).uniform(0.1, 4.0, size=50)
    ridge = RidgeExplainer(
        lambda_path=[1e-6, 1e-10], lambda_choice=1e-10, tol=1e-16, cv=3, random_state=0
    ).fit(X, y, sample_weight=w)
    design = np.column_stack([np.ones(50), X]) * np.sqrt(w)[:, None]
    beta = np.linalg.lstsq(design, y * np.sqrt(w), rcond=None)[0]
    np.testing.assert_allclose(ridge.intercept_, beta[0], atol=1e-7)
    np.testing.assert_allclose(ridge.coef_, beta[1:], atol=1e-7)


def test_glmnet_unit_weights_equal_no_weights():
    X, y, _ = _data()
    plain = LassoExplainer(random_state=0).fit(X, y)
    ones = LassoExplainer(random_state=0).fit(X, y, sample_weight=np.ones(len(X)))
    np.testing.assert_allclose(ones.coef_path_, plain.coef_path_, atol=1e-12)
    np.testing.assert_allclose(ones.cv_mean_, plain.cv_mean_, rtol=1e-12)


def test_glmnet_replicate_folds_from_distinct_rows_match_duplicated_rows():
    # the engine passes the distinct drawn rows; their folds are those of the copies
    X, y, counts = _data(n=30, seed=6)
    rows = np.repeat(np.arange(30), counts)
    lasso = LassoExplainer(cv=5)
    dup_folds = lasso._params_for_rows(rows, seed=11)["cv"]
    distinct = np.unique(rows)
    distinct_folds = lasso._params_for_rows(distinct, seed=11)["cv"]
    np.testing.assert_array_equal(distinct_folds[np.searchsorted(distinct, rows)], dup_folds)


def test_glmnet_zero_weight_fold_is_refused():
    X, y, _ = _data(n=30)
    folds = np.arange(30) % 3
    w = np.where(folds == 1, 0.0, 1.0)
    with pytest.raises(ValueError, match="CV fold 1 all have zero sample_weight"):
        LassoExplainer(cv=folds).fit(X, y, sample_weight=w)


# -- scikit-learn importance -----------------------------------------------


@pytest.mark.parametrize(("classifier", "max_depth"), [(False, 3), (True, None)])
def test_tree_with_integer_weights_is_the_tree_on_duplicated_rows(classifier, max_depth):
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    from interpkit.adapters.sklearn import ImportanceExplainer

    X, y, counts = _data(n=80, binary=classifier, seed=7)
    counts = np.maximum(counts, 1)  # a replicate's distinct drawn rows
    X_dup, y_dup, _ = _duplicated(X, y, counts)
    cls = DecisionTreeClassifier if classifier else DecisionTreeRegressor
    tree = cls(random_state=0, max_depth=max_depth)
    weighted = ImportanceExplainer(tree, method="mdi").fit(X, y, sample_weight=counts)
    dup = ImportanceExplainer(tree, method="mdi").fit(X_dup, y_dup)
    np.testing.assert_array_equal(weighted.estimator_.tree_.feature, dup.estimator_.tree_.feature)
    np.testing.assert_allclose(weighted.importances_, dup.importances_, rtol=0, atol=1e-14)
    grid = np.random.RandomState(8).normal(size=(200, 4))
    np.testing.assert_allclose(weighted.predict(grid), dup.predict(grid), rtol=0, atol=1e-14)
    np.testing.assert_allclose(weighted.feature_means_, dup.feature_means_, rtol=1e-12)


def test_fully_grown_regression_tree_with_weights_fits_the_duplicated_rows_values():
    # fully grown, nodes of two rows split equally well on several features; rounding of
    # weighted vs repeated sums breaks those ties differently, so only fitted values agree
    from sklearn.tree import DecisionTreeRegressor

    from interpkit.adapters.sklearn import ImportanceExplainer

    X, y, counts = _data(n=80, seed=7)
    counts = np.maximum(counts, 1)
    X_dup, y_dup, _ = _duplicated(X, y, counts)
    tree = DecisionTreeRegressor(random_state=0)
    weighted = ImportanceExplainer(tree, method="mdi").fit(X, y, sample_weight=counts)
    dup = ImportanceExplainer(tree, method="mdi").fit(X_dup, y_dup)
    np.testing.assert_array_equal(weighted.predict(X), dup.predict(X))
    assert weighted.estimator_.tree_.node_count == dup.estimator_.tree_.node_count


def test_holdout_permutation_weights_the_fit_and_the_scores():
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import r2_score
    from sklearn.tree import DecisionTreeRegressor

    from interpkit.adapters.sklearn import ImportanceExplainer

    X, y, counts = _data(n=80, seed=9)
    params = dict(method="permutation", n_repeats=3, random_state=0)
    fit = ImportanceExplainer(DecisionTreeRegressor(random_state=0), **params)
    fit.fit(X, y, sample_weight=counts)
    train, test = fit.train_indices_, fit.test_indices_
    assert np.intersect1d(train, test).size == 0
    tree = DecisionTreeRegressor(random_state=0).fit(
        X[train], y[train], sample_weight=counts[train]
    )
    np.testing.assert_array_equal(fit.predict(X), tree.predict(X))
    # the held-out score counts a row as often as its weight says
    rows = np.repeat(test, counts[test])
    assert fit.test_score_ == pytest.approx(r2_score(y[rows], tree.predict(X[rows])), rel=1e-12)
    direct = permutation_importance(
        tree, X[test], y[test], n_repeats=3, random_state=0, sample_weight=counts[test]
    )
    np.testing.assert_allclose(fit.importances_, direct.importances_mean, rtol=1e-12)
    unweighted = ImportanceExplainer(DecisionTreeRegressor(random_state=0), **params).fit(X, y)
    assert not np.allclose(unweighted.importances_, fit.importances_)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        (dict(method="mdi_plus"), "MDI\\+ weights only the forest"),
        (
            dict(method="permutation", permutation_data="oob"),
            "out-of-bag permutation .* use permutation_data='holdout'",
        ),
        (dict(param_grid={"max_depth": [2, 3]}), "param_grid"),
    ],
)
def test_importance_modes_that_cannot_weight_refuse(params, match):
    from sklearn.ensemble import RandomForestRegressor

    from interpkit.adapters.sklearn import ImportanceExplainer

    X, y, counts = _data()
    explainer = ImportanceExplainer(RandomForestRegressor(n_estimators=5), **params)
    assert not explainer._accepts_sample_weight()
    with pytest.raises(ValueError, match=match):
        explainer.fit(X, y, sample_weight=counts)


def test_estimator_without_sample_weight_is_refused():
    from sklearn.neighbors import KNeighborsRegressor

    from interpkit.adapters.sklearn import ImportanceExplainer

    X, y, counts = _data()
    explainer = ImportanceExplainer(KNeighborsRegressor(), method="permutation")
    assert not explainer._accepts_sample_weight()
    assert ImportanceExplainer(method="mdi")._accepts_sample_weight()  # default forest
    with pytest.raises(ValueError, match="KNeighborsRegressor.fit takes no sample_weight"):
        explainer.fit(X, y, sample_weight=counts)


# -- Gaussian process: a row of count c is one observation with noise σ²/c --


def _rbf(a, b, lengthscale, outputscale=1.0):
    return outputscale * np.exp(-0.5 * (a[:, None] - b[None, :]) ** 2 / lengthscale**2)


def _gp_closed_form(x, y, xs, lengthscale, noise_diag, outputscale=1.0):
    K = _rbf(x, x, lengthscale, outputscale) + np.diag(noise_diag)
    Ks = _rbf(xs, x, lengthscale, outputscale)
    mean = Ks @ np.linalg.solve(K, y)
    var = outputscale - np.einsum("ij,ji->i", Ks, np.linalg.solve(K, Ks.T))
    _, logdet = np.linalg.slogdet(K)
    lml = -0.5 * y @ np.linalg.solve(K, y) - 0.5 * logdet - 0.5 * len(x) * np.log(2 * np.pi)
    return mean, var, lml


GP_X = np.array([-3.0, -1.8, -0.4, 0.3, 1.1, 2.5, 3.2])
GP_Y = np.sin(GP_X) + np.array([0.1, -0.2, 0.05, 0.3, -0.1, 0.0, 0.2])
GP_COUNTS = np.array([1, 3, 2, 1, 4, 1, 2])


def _weighted_gp(**kw):
    pytest.importorskip("gpytorch")
    from interpkit.adapters.gpytorch import GPExplainer

    hyper = {"outputscale": 1.0, "lengthscale": 1.3, "noise_sd": 0.4}
    gp = GPExplainer(hyperparameters=hyper, normalize_X=False, normalize_y=False, **kw)
    return gp.fit(GP_X[:, None], GP_Y, sample_weight=GP_COUNTS)


def test_weighted_gp_is_the_closed_form_with_noise_over_counts():
    gp = _weighted_gp()
    xs = np.linspace(-4, 4, 17)
    mean, var, lml = _gp_closed_form(GP_X, GP_Y, xs, 1.3, 0.4**2 / GP_COUNTS)
    local = gp.explain(xs[:, None])
    np.testing.assert_allclose(local.to_numpy(), mean, atol=1e-9)
    np.testing.assert_allclose(local.error.to_numpy() ** 2, var, atol=1e-9)
    assert gp.log_marginal_likelihood_ == pytest.approx(lml, abs=1e-9)
    assert gp.n_rows_used_ == GP_X.size  # every distinct row, none dropped
    # and it is the posterior of the duplicated rows, each copy with noise σ²
    rows = np.repeat(np.arange(GP_X.size), GP_COUNTS)
    dup_mean, dup_var, _ = _gp_closed_form(
        GP_X[rows], GP_Y[rows], xs, 1.3, np.full(rows.size, 0.4**2)
    )
    np.testing.assert_allclose(local.to_numpy(), dup_mean, atol=1e-9)
    np.testing.assert_allclose(local.error.to_numpy() ** 2, dup_var, atol=1e-9)


def test_weighted_gp_training_likelihood_and_batched_log_ml_use_the_counts():
    import gpytorch
    import torch

    from interpkit.adapters.gpytorch.fit import exact_gp_class, new_likelihood
    from interpkit.adapters.gpytorch.functions import batched_log_ml

    gp = _weighted_gp()
    state = gp._state
    lik = new_likelihood(state.device, state.noise_scale)
    lik.noise = state.noise
    model = exact_gp_class()(state.X, state.y, lik, state.kernel)
    model.train()
    mll = gpytorch.mlls.ExactMarginalLogLikelihood(lik, model)
    with torch.no_grad():
        direct = float(mll(model(state.X), state.y)) * GP_X.size
    assert direct == pytest.approx(gp.log_marginal_likelihood_, abs=1e-6)  # as test_gp.py
    theta = np.tile(state.values, (3, 1))
    theta[:, -1] = [0.05, 0.2, 0.6]
    want = [_gp_closed_form(GP_X, GP_Y, GP_X, 1.3, t / GP_COUNTS)[2] for t in theta[:, -1]]
    np.testing.assert_allclose(batched_log_ml(state, theta, chunk=2), want, atol=1e-9)


def test_weighted_gp_merges_copies_and_drops_zero_weights():
    pytest.importorskip("gpytorch")
    from interpkit.adapters.gpytorch import GPExplainer

    hyper = {"outputscale": 1.0, "lengthscale": 1.3, "noise_sd": 0.4}
    params = dict(hyperparameters=hyper, normalize_X=False, normalize_y=False)
    # rows 0 and 1 are copies (weights add up); row 2 has weight 0
    X = np.r_[GP_X[0], GP_X]
    y = np.r_[GP_Y[0], GP_Y]
    w = np.r_[1.0, GP_COUNTS[0] - 1.0, 0.0, GP_COUNTS[2:]]
    merged = GPExplainer(**params).fit(X[:, None], y, sample_weight=w)
    keep = np.arange(GP_X.size) != 1
    counts = GP_COUNTS.astype(float)
    xs = np.linspace(-4, 4, 9)
    mean, _, lml = _gp_closed_form(GP_X[keep], GP_Y[keep], xs, 1.3, 0.4**2 / counts[keep])
    assert merged.n_rows_used_ == keep.sum()
    np.testing.assert_allclose(merged.predict(xs[:, None]), mean, atol=1e-9)
    assert merged.log_marginal_likelihood_ == pytest.approx(lml, abs=1e-9)


def test_weighted_gp_fits_its_hyperparameters_with_the_counts():
    pytest.importorskip("gpytorch")
    from interpkit.adapters.gpytorch import GPExplainer

    rng = np.random.RandomState(0)
    x = np.sort(rng.uniform(-3, 3, 25))
    y = np.sin(x) + rng.normal(scale=0.3, size=25)
    counts = np.bincount(rng.randint(25, size=25), minlength=25)
    gp = GPExplainer(n_restarts=2, random_state=0, normalize_X=False, normalize_y=False)
    gp.fit(x[:, None], y, sample_weight=counts)
    v = gp.hyperparameters_
    seen = counts > 0
    _, _, lml = _gp_closed_form(
        x[seen], y[seen], x[:1], v["lengthscale"], v["noise"] / counts[seen], v["outputscale"]
    )
    assert gp.n_rows_used_ == seen.sum()
    assert gp.log_marginal_likelihood_ == pytest.approx(lml, abs=1e-6)
    assert v["noise"] > 0.01  # copies are not read as noise-free evidence


# -- EBM ---------------------------------------------------------------------

EBM_SETTINGS = dict(interactions=0, outer_bags=1, validation_size=0, max_rounds=200, n_jobs=1)


def _ebm_data(n=150, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 6, size=(n, 3)).astype(float)
    y = X @ np.array([1.0, -0.5, 0.2]) + rng.normal(size=n)
    return X, y


def test_ebm_integer_weights_are_duplicated_rows():
    pytest.importorskip("interpret")
    from interpkit.adapters.ebm import EBMExplainer

    X, y = _ebm_data()
    counts = np.random.RandomState(1).randint(1, 4, size=len(y))
    rows = np.repeat(np.arange(len(y)), counts)
    weighted = EBMExplainer(task="regression", **EBM_SETTINGS).fit(X, y, sample_weight=counts)
    dup = EBMExplainer(task="regression", **EBM_SETTINGS).fit(X[rows], y[rows])
    plain = EBMExplainer(task="regression", **EBM_SETTINGS).fit(X, y)
    grid = np.random.RandomState(2).randint(0, 6, size=(40, 3)).astype(float)
    np.testing.assert_allclose(weighted.predict(grid), dup.predict(grid), atol=1e-5)
    assert np.abs(weighted.predict(grid) - plain.predict(grid)).max() > 1e-2  # weights matter


def test_ebm_zero_weight_rows_are_left_out():
    pytest.importorskip("interpret")
    from interpkit.adapters.ebm import EBMExplainer

    X, y = _ebm_data(seed=3)
    w = (np.arange(len(y)) % 4 != 0).astype(float)  # InterpretML itself refuses zero weights
    weighted = EBMExplainer(task="regression", **EBM_SETTINGS).fit(X, y, sample_weight=w)
    dropped = EBMExplainer(task="regression", **EBM_SETTINGS).fit(X[w > 0], y[w > 0])
    grid = np.random.RandomState(4).randint(0, 6, size=(40, 3)).astype(float)
    np.testing.assert_allclose(weighted.predict(grid), dropped.predict(grid), atol=1e-10)
    assert EBMExplainer()._accepts_sample_weight()
