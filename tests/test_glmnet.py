"""glmnet adapter against closed forms and against python-glmnet called directly.

R's own cv.glmnet results are checked in tests/test_glmnet_vs_r.py.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold

import interpkit
from interpkit import ElasticNetExplainer, LassoExplainer, RidgeExplainer

glmnet = pytest.importorskip("glmnet")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    n, p = 100, 6
    X = pd.DataFrame(rng.normal(size=(n, p)) * [1, 2, 0.5, 1, 3, 1], columns=list("abcdef"))
    y = 1.5 * X["a"] - 0.8 * X["b"] + 2.0 * X["c"] + rng.normal(size=n)
    return X, y


@pytest.fixture(scope="module")
def lasso(data):
    return LassoExplainer(cv=10, random_state=0).fit(*data)


def test_small_lambda_limit_is_ols(data):
    X, y = data
    fit = LassoExplainer(lambda_path=[1.0, 1e-9], lambda_choice=1e-9, tol=1e-14, cv=3).fit(X, y)
    design = np.column_stack([np.ones(len(X)), X])
    ols = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(fit.intercept_, ols[0], atol=1e-6)
    np.testing.assert_allclose(fit.coef_, ols[1:], atol=1e-6)


def test_lambda_min_and_1se_follow_from_fold_errors(lasso):
    K, L = lasso.cv_fold_errors_.shape
    assert K == 10 and L == lasso.lambda_path_.size
    # equal folds of 10 rows: plain mean and standard error of the fold errors
    cvm = lasso.cv_fold_errors_.mean(axis=0)
    se = lasso.cv_fold_errors_.std(axis=0, ddof=1) / np.sqrt(K)
    np.testing.assert_allclose(lasso.cv_mean_, cvm, rtol=1e-12)
    np.testing.assert_allclose(lasso.cv_se_, se, rtol=1e-12)
    i_min = int(np.argmin(cvm))  # first (= largest-lambda) minimiser
    assert lasso.lambda_min_ == lasso.lambda_path_[i_min]
    within = np.flatnonzero(cvm <= cvm[i_min] + se[i_min])
    assert lasso.lambda_1se_ == lasso.lambda_path_[within.min()]
    assert lasso.lambda_1se_ >= lasso.lambda_min_
    assert lasso.lambda_ == lasso.lambda_1se_  # R's default choice


def test_fold_errors_match_backend_called_per_lambda(data, lasso):
    """Automatic sequence: each fold fits its own path, read at the full-data lambdas."""
    X, y = data
    folds = KFold(10, shuffle=True, random_state=0).split(X)
    for k, (train, test) in enumerate(folds):
        model = glmnet.ElasticNet(alpha=1, n_splits=0)  # python-glmnet interpolates in predict
        model.fit(X.iloc[train], y.iloc[train])
        for i in (5, 20, 40, 55):  # inside every fold's own path
            pred = model.predict(X.iloc[test], lamb=lasso.lambda_path_[i])
            mse = np.mean((y.iloc[test] - pred) ** 2)
            assert lasso.cv_fold_errors_[k, i] == pytest.approx(mse, rel=1e-10)


def test_python_glmnet_names_are_swapped_relative_to_r(data, lasso):
    """python-glmnet's lambda_max_ is R's lambda.min; its lambda_best_ is lambda.1se."""
    X, y = data
    # python-glmnet fits its folds on the given sequence, so give interpkit the same one
    lasso = LassoExplainer(cv=10, random_state=0, lambda_path=lasso.lambda_path_).fit(X, y)
    theirs = glmnet.ElasticNet(
        alpha=1,
        n_splits=10,
        random_state=0,
        scoring="mean_squared_error",
        lambda_path=lasso.lambda_path_,
    ).fit(X, y)
    assert lasso.lambda_min_ == pytest.approx(float(theirs.lambda_max_), rel=1e-12)
    assert lasso.lambda_1se_ == pytest.approx(float(np.squeeze(theirs.lambda_best_)), rel=1e-12)


def test_contributions_sum_to_prediction(data, lasso):
    X, _ = data
    local = lasso.explain(X.iloc[:7])
    pred = lasso.predict(X.iloc[:7])
    np.testing.assert_allclose(local.values.sum("feature") + local.base_value, pred, atol=1e-12)
    # LinearSHAP closed form: beta_j * (x_j - E x_j); base value = prediction at the mean
    expected = (X.iloc[:7] - X.mean()).to_numpy() * lasso.coef_
    np.testing.assert_allclose(local.to_numpy(), expected, atol=1e-12)
    assert local.base_value == pytest.approx(lasso.predict(X.mean().to_frame().T)[0])
    np.testing.assert_array_equal(local.data.to_numpy(), X.iloc[:7].to_numpy())


def test_planted_signal_is_found(lasso):
    coef = lasso.explain().values
    assert set(coef.feature[coef != 0].values) == {"a", "b", "c"}
    assert coef.sel(feature="a") > 0 and coef.sel(feature="b") < 0


def test_global_explanation_metadata(lasso):
    glob = lasso.explain()
    assert glob.method == "lasso" and glob.backend == "glmnet"
    assert glob.annotations["lambda_min"] == lasso.lambda_min_
    assert glob.base_value == lasso.intercept_
    assert "python-glmnet" in glob.versions
    assert glob.params["n_folds"] == 10


def test_standardized_coefficients(data):
    X, y = data
    plain = LassoExplainer(random_state=0).fit(X, y)
    std = LassoExplainer(random_state=0, standardized_coef=True).fit(X, y)
    np.testing.assert_allclose(std.explain().to_numpy(), plain.coef_ * X.std(ddof=0).to_numpy())
    np.testing.assert_allclose(
        std.path().to_numpy(), (plain.coef_path_ * X.std(ddof=0).to_numpy()[:, None]).T
    )


def test_path_and_cv_curve_explanations(lasso):
    path = lasso.path()
    assert path.dims == ("lambda", "feature")
    np.testing.assert_array_equal(path.values["lambda"], lasso.lambda_path_)
    np.testing.assert_array_equal(path.to_numpy(), lasso.coef_path_.T)
    np.testing.assert_array_equal(path.base_value.to_numpy(), lasso.intercept_path_)
    curve = lasso.cv_curve()
    assert curve.dims == ("lambda",)
    np.testing.assert_array_equal(curve.error.to_numpy(), lasso.cv_se_)
    np.testing.assert_array_equal(
        curve.values["n_nonzero"].to_numpy(), np.count_nonzero(lasso.coef_path_, axis=0)
    )
    assert curve.annotations["lambda_1se"] == lasso.lambda_1se_


def test_cv_int_splitter_and_fold_labels_agree(data):
    X, y = data
    by_int = LassoExplainer(cv=5, random_state=4).fit(X, y)
    splitter = KFold(5, shuffle=True, random_state=4)
    by_splitter = LassoExplainer(cv=splitter).fit(X, y)
    labels = np.empty(len(X), dtype=int)
    for k, (_, test) in enumerate(splitter.split(X)):
        labels[test] = k + 10  # any labels work, like R's foldid
    by_labels = LassoExplainer(cv=labels).fit(X, y)
    for other in (by_splitter, by_labels):
        np.testing.assert_array_equal(other.cv_fold_errors_, by_int.cv_fold_errors_)
        assert other.lambda_1se_ == by_int.lambda_1se_


def test_user_lambda_sequence_is_honoured(data):
    X, y = data
    lambdas = [0.01, 0.5, 0.2, 0.05, 0.3]  # unsorted, not geometric
    fit = LassoExplainer(lambda_path=lambdas, cv=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(fit.lambda_path_, sorted(lambdas, reverse=True))
    assert fit.lambda_min_ in lambdas and fit.lambda_1se_ in lambdas


def test_lambda_choice_float_interpolates(data):
    X, y = data
    fit = LassoExplainer(lambda_path=[0.4, 0.2], lambda_choice=0.3, cv=5).fit(X, y)
    np.testing.assert_allclose(fit.coef_, fit.coef_path_.mean(axis=1), atol=1e-12)
    assert fit.lambda_ == 0.3


def test_ridge_and_enet_keep_all_features(data):
    X, y = data
    ridge = RidgeExplainer(random_state=0).fit(X, y)
    assert ridge.alpha == 0.0 and np.all(ridge.coef_ != 0)
    assert ridge.explain().method == "ridge"
    assert "alpha" not in ridge.get_params()
    enet = ElasticNetExplainer(alpha=0.5, random_state=0).fit(X, y)
    assert enet.explain().method == "elastic_net"


def test_binomial_matches_python_glmnet(data):
    X, y = data
    labels = np.where(y > y.median(), "high", "low")
    fit = LassoExplainer(family="binomial", cv=5, random_state=0).fit(X, labels)
    assert list(fit.classes_) == ["high", "low"]
    assert fit.explain().output_name == "log_odds(low)"
    theirs = glmnet.LogitNet(alpha=1, lambda_path=fit.lambda_path_, n_splits=0).fit(X, labels)
    expected = theirs.predict_proba(X, lamb=fit.lambda_)[:, 1]
    np.testing.assert_allclose(fit.predict_proba(X), expected, rtol=1e-10)
    local = fit.explain(X.iloc[:4])
    np.testing.assert_allclose(
        local.values.sum("feature") + local.base_value, fit.predict(X.iloc[:4])
    )
    assert fit.cv_curve().values.name == "cv_deviance"


def test_binomial_cv_deviance_matches_definition(data):
    X, y = data
    yb = (y > y.median()).astype(int).to_numpy()
    fit = LassoExplainer(family="binomial", cv=5, random_state=0).fit(X, yb)
    train, test = next(KFold(5, shuffle=True, random_state=0).split(X))
    model = glmnet.LogitNet(alpha=1, n_splits=0)  # the fold's own automatic path
    model.fit(X.iloc[train], yb[train])
    p = np.clip(model.predict_proba(X.iloc[test], lamb=fit.lambda_path_[10])[:, 1], 1e-5, 1 - 1e-5)
    dev = -2 * np.mean(yb[test] * np.log(p) + (1 - yb[test]) * np.log(1 - p))
    assert fit.cv_fold_errors_[0, 10] == pytest.approx(dev, rel=1e-9)


@pytest.mark.parametrize(
    "kwargs, y_kind, exc, match",
    [
        ({"family": "binomial"}, "one_class", ValueError, "only one class"),
        ({"family": "binomial"}, "three_class", ValueError, "needs exactly two"),
        ({"family": "poisson"}, "reg", ValueError, "family must be one of"),
        ({"cv": 2}, "reg", ValueError, "at least 3 folds"),
        ({"cv": 200}, "reg", ValueError, "only 100 rows for 200-fold"),
        ({"cv": np.zeros(5)}, "reg", ValueError, "one entry per row"),
        ({"lambda_choice": "best"}, "reg", ValueError, "lambda_choice must be one of"),
        ({"cv_metric": "deviance"}, "reg", ValueError, "cv_metric"),
        ({"lambda_path": [1.0]}, "reg", ValueError, "at least two"),
        ({}, "constant", ValueError, "y is constant"),
        ({}, "text", TypeError, "non-numeric"),
    ],
)
def test_bad_input_messages(data, kwargs, y_kind, exc, match):
    X, y = data
    targets = {
        "reg": y,
        "one_class": np.ones(len(y)),
        "three_class": np.arange(len(y)) % 3,
        "constant": np.full(len(y), 2.0),
        "text": np.array(["a"] * len(y), dtype=object),
    }
    with pytest.raises(exc, match=match):
        LassoExplainer(**kwargs).fit(X, targets[y_kind])


def test_alpha_out_of_range(data):
    with pytest.raises(ValueError, match="alpha must be between"):
        ElasticNetExplainer(alpha=1.5).fit(*data)


def test_binomial_fold_with_one_class(data):
    X, _ = data
    y = np.r_[np.zeros(10), np.ones(90)]  # fold of the first 10 rows holds every zero
    labels = np.repeat(np.arange(10), 10)
    with pytest.raises(ValueError, match="fold 0 hold only one class"):
        LassoExplainer(family="binomial", cv=labels).fit(X, y)


def test_predict_proba_needs_binomial(lasso, data):
    assert not hasattr(lasso, "predict_proba")  # scikit-learn's available_if convention
    with pytest.raises(AttributeError, match="only defined for family='binomial'"):
        lasso.predict_proba(data[0])


def test_missing_backend_names_the_extra(monkeypatch, data):
    import sys

    monkeypatch.setitem(sys.modules, "glmnet", None)  # makes `import glmnet` fail
    with pytest.raises(ImportError, match=r"pip install 'interpkit\[glmnet\]'"):
        interpkit.LassoExplainer().fit(*data)
