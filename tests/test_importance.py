"""ImportanceExplainer: MDI and permutation importance against scikit-learn itself."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from interpkit.adapters import ImportanceExplainer


def _planted(n=200, p=6, seed=0):
    """Only x0, x1, x2 matter."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, p)), columns=[f"x{j}" for j in range(p)])
    y = 3 * X["x0"] + 2 * X["x1"] - 2 * X["x2"] + rng.normal(scale=0.5, size=n)
    return X, y


def _forest(**kw):
    return RandomForestRegressor(**{"n_estimators": 30, **kw})


def test_mdi_equals_feature_importances():
    X, y = _planted()
    expl = ImportanceExplainer(_forest(), method="mdi", random_state=1).fit(X, y)
    direct = _forest(random_state=1).fit(X.to_numpy(), y.to_numpy())
    glob = expl.explain()
    assert glob.dims == ("feature",) and glob.feature_names == list(X.columns)
    np.testing.assert_allclose(glob.to_numpy(), direct.feature_importances_)
    assert glob.error is None
    assert glob.method == "mdi" and glob.backend == "scikit-learn"
    assert "scikit-learn" in glob.versions
    assert glob.params["estimator"] == "RandomForestRegressor"
    assert glob.params["estimator_params"]["random_state"] == 1
    np.testing.assert_allclose(expl.predict(X.iloc[:5]), direct.predict(X.to_numpy()[:5]))


def test_permutation_equals_sklearn_on_same_split():
    X, y = _planted()
    expl = ImportanceExplainer(
        _forest(), method="permutation", n_repeats=4, test_size=0.3, random_state=2
    ).fit(X, y)
    Xa, ya = X.to_numpy(), y.to_numpy()
    # without repeated rows the split is train_test_split's
    X_tr, X_te, y_tr, y_te = train_test_split(Xa, ya, test_size=0.3, random_state=2)
    np.testing.assert_array_equal(Xa[expl.test_indices_], X_te)
    np.testing.assert_array_equal(Xa[expl.train_indices_], X_tr)
    model = _forest(random_state=2).fit(X_tr, y_tr)
    direct = permutation_importance(model, X_te, y_te, n_repeats=4, random_state=2)
    glob = expl.explain()
    np.testing.assert_allclose(glob.to_numpy(), direct.importances_mean)
    np.testing.assert_allclose(glob.error.to_numpy(), direct.importances_std)
    assert glob.method == "permutation_importance"
    assert glob.annotations["test_score"] == pytest.approx(model.score(X_te, y_te))
    assert glob.params["n_repeats"] == 4 and glob.params["n_test"] == len(y_te)


def test_permutation_works_for_pipelines_and_records_params():
    X, y = _planted(n=120)
    pipe = make_pipeline(StandardScaler(), LinearRegression())
    expl = ImportanceExplainer(pipe, method="permutation", random_state=0).fit(X, y)
    glob = expl.explain()
    assert glob.params["estimator"] == "Pipeline"
    json.dumps(glob.params)  # estimator params made JSON-safe (repr of the steps)
    assert set(np.argsort(-glob.to_numpy())[:3]) == {0, 1, 2}


@pytest.mark.parametrize("method", ["mdi", "permutation"])
def test_planted_features_rank_on_top(method):
    X, y = _planted()
    glob = ImportanceExplainer(_forest(), method=method, random_state=0).fit(X, y).explain()
    assert set(np.argsort(-glob.to_numpy())[:3]) == {0, 1, 2}


def test_noise_feature_interval_covers_zero():
    X, y = _planted()
    expl = ImportanceExplainer(_forest(), method="permutation", n_repeats=3, random_state=0)
    result = expl.stability(X, y, n_boot=10, random_state=0, progress=False)
    table = result.summary()
    for noise in ("x3", "x4", "x5"):
        assert table.loc[noise, "lower"] <= 0 <= table.loc[noise, "upper"]
    for signal in ("x0", "x1", "x2"):
        assert table.loc[signal, "lower"] > 0
    assert "test_score" in result.replicate_info
    assert (result.replicate_info["test_score"] > 0.5).all()


def test_bootstrap_copies_stay_on_one_side_of_the_split():
    X, y = _planted(n=100)
    rows = np.random.default_rng(0).integers(100, size=100)
    expl = ImportanceExplainer(_forest(), method="permutation", random_state=0)
    expl.fit(X.iloc[rows], y.iloc[rows])
    assert not set(rows[expl.train_indices_]) & set(rows[expl.test_indices_])


def _mean_replacement(model_output, X, means):
    out = np.empty_like(X)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            z = X[i].copy()
            z[j] = means[j]
            out[i, j] = model_output(X[i : i + 1])[0] - model_output(z[None, :])[0]
    return out


@pytest.mark.parametrize("method", ["mdi", "permutation"])
def test_local_mean_replacement_matches_direct_computation(method):
    X, y = _planted(n=150)
    expl = ImportanceExplainer(_forest(), method=method, random_state=0).fit(X, y)
    rows = X.iloc[:4].to_numpy()
    train = X.to_numpy() if method == "mdi" else X.to_numpy()[expl.train_indices_]
    np.testing.assert_allclose(expl.feature_means_, train.mean(axis=0))
    direct = _mean_replacement(expl.estimator_.predict, rows, train.mean(axis=0))
    local = expl.explain(X.iloc[:4])
    assert local.dims == ("sample", "feature") and local.method == "mean_replacement"
    np.testing.assert_allclose(local.to_numpy(), direct)
    np.testing.assert_array_equal(local.data.to_numpy(), rows)


def test_binary_classifier_explains_probability_of_second_class():
    X, y = _planted()
    labels = np.where(y > 0, "yes", "no")
    forest = RandomForestClassifier(n_estimators=30)
    expl = ImportanceExplainer(forest, method="permutation", random_state=0).fit(X, labels)
    assert list(expl.classes_) == ["no", "yes"]
    proba = expl.estimator_.predict_proba(X.to_numpy()[:5])[:, 1]
    np.testing.assert_allclose(expl.predict(X.iloc[:5]), proba)
    glob = expl.explain()
    assert glob.output_name == "probability(yes)"
    assert set(np.argsort(-glob.to_numpy())[:3]) == {0, 1, 2}
    # stratified split keeps both classes in the held-out rows
    assert set(labels[expl.test_indices_]) == {"no", "yes"}
    result = expl.stability(X, labels, n_boot=3, random_state=0, progress=False)
    assert result.n_replicates == 3


def test_multiclass_fit_explain_and_stability():
    X, y = _planted()
    labels = np.digitize(y, [-1.0, 1.0])  # three classes
    expl = ImportanceExplainer(RandomForestClassifier(n_estimators=30), random_state=0)
    expl.fit(X, labels)
    assert expl.classes_.size == 3
    assert set(expl.predict(X.iloc[:10])) <= {0, 1, 2}
    proba = expl.estimator_.predict_proba
    predicted = np.argmax(proba(X.to_numpy()[:3]), axis=1)

    def output(rows):  # probability of the class predicted for the unchanged row
        k = predicted[output.i]
        return proba(rows)[:, k]

    direct = np.empty((3, X.shape[1]))
    means = X.to_numpy().mean(axis=0)
    for i in range(3):
        output.i = i
        direct[i] = _mean_replacement(output, X.to_numpy()[i : i + 1], means)[0]
    np.testing.assert_allclose(expl.explain(X.iloc[:3]).to_numpy(), direct)
    result = expl.stability(X, labels, n_boot=3, random_state=0, progress=False)
    # MDI per class (interpkit.adapters.sklearn.per_class): a summary per class, then aggregated
    table = result.summary()
    assert result.n_replicates == 3 and table.index.names == ["class", "feature"]
    assert set(table.index.get_level_values("feature")) == set(X.columns)
    # no predict_proba: the decision function of the predicted class
    from sklearn.svm import LinearSVC

    svc = ImportanceExplainer(LinearSVC(), method="permutation", random_state=0).fit(X, labels)
    local = svc.explain(X.iloc[:3])
    assert local.output_name == "decision_function(predicted class)"
    assert np.isfinite(local.to_numpy()).all()


def test_seed_reaches_estimator_and_clone_refits_identically():
    X, y = _planted(n=100)
    expl = ImportanceExplainer(_forest(), method="permutation", random_state=5)
    a = expl.fit(X, y).explain()
    assert expl.estimator_.random_state == 5
    assert expl.estimator.get_params()["random_state"] is None  # user's estimator untouched
    copy = clone(expl)
    assert repr(copy.get_params(deep=False)) == repr(expl.get_params(deep=False))
    assert copy.fit(X, y).explain().equals(a)


def test_classifier_given_continuous_target():
    X, y = _planted()
    with pytest.raises(ValueError, match="looks continuous"):
        ImportanceExplainer(RandomForestClassifier(n_estimators=5)).fit(X, y)
    with pytest.raises(ValueError, match="only one class"):
        ImportanceExplainer(RandomForestClassifier(n_estimators=5)).fit(X, np.ones(len(X)))


@pytest.mark.parametrize(
    "estimator", [LinearRegression(), make_pipeline(StandardScaler(), LinearRegression())]
)
def test_mdi_without_feature_importances(estimator):
    X, y = _planted(n=60)
    with pytest.raises(ValueError, match="does not have.*method='permutation'"):
        ImportanceExplainer(estimator, method="mdi").fit(X, y)


def test_bad_input_and_params():
    X, y = _planted(n=60)
    with_nan = X.copy()
    with_nan.iloc[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"missing values \(NaN\) in \['x2'\]"):
        ImportanceExplainer(_forest()).fit(with_nan, y)
    with pytest.raises(ValueError, match="method must be one of"):
        ImportanceExplainer(_forest(), method="shap").fit(X, y)
    with pytest.raises(ValueError, match="test_size"):
        ImportanceExplainer(_forest(), method="permutation", test_size=1.5).fit(X, y)
    with pytest.raises(ValueError, match="n_repeats"):
        ImportanceExplainer(_forest(), method="permutation", n_repeats=0).fit(X, y)
    with pytest.raises(ValueError, match="one metric"):
        ImportanceExplainer(_forest(), method="permutation", scoring=["r2", "max_error"]).fit(X, y)
    with pytest.raises(ValueError, match="y contains"):
        ImportanceExplainer(LogisticRegression()).fit(X, np.r_[np.nan, np.zeros(59)])


# -- tuning by CV inside fit --------------------------------------------------------------
def test_tuning_equals_gridsearchcv_and_refits_on_all_rows():
    from sklearn.model_selection import GridSearchCV, KFold
    from sklearn.tree import DecisionTreeRegressor

    X, y = _planted(n=150)
    grid = {"ccp_alpha": [0.0, 0.05, 0.5, 2.0], "max_depth": [2, 4]}
    folds = KFold(4, shuffle=True, random_state=0)
    expl = ImportanceExplainer(
        DecisionTreeRegressor(), method="mdi", param_grid=grid, cv=folds, random_state=3
    ).fit(X, y)
    search = GridSearchCV(DecisionTreeRegressor(random_state=3), grid, cv=folds).fit(X, y)
    assert expl.best_params_ == search.best_params_
    assert expl.best_score_ == pytest.approx(search.best_score_)
    np.testing.assert_allclose(
        expl.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )
    assert len(expl.cv_results_) == 8 and "param_ccp_alpha" in expl.cv_results_
    # MDI of the refit best tree, fit on all rows
    np.testing.assert_allclose(
        expl.explain().to_numpy(), search.best_estimator_.feature_importances_
    )
    glob = expl.explain()
    assert glob.params["best_params"] == search.best_params_
    assert glob.annotations["best_cv_score"] == pytest.approx(search.best_score_)


def test_permutation_tunes_on_the_training_split_only():
    from sklearn.model_selection import GridSearchCV, KFold

    X, y = _planted(n=160)
    grid = {"max_features": [0.2, 1.0]}
    folds = KFold(3, shuffle=True, random_state=1)
    expl = ImportanceExplainer(
        _forest(), method="permutation", param_grid=grid, cv=folds, random_state=2
    ).fit(X, y)
    X_tr, _, y_tr, _ = train_test_split(X.to_numpy(), y.to_numpy(), test_size=0.25, random_state=2)
    search = GridSearchCV(_forest(random_state=2), grid, cv=folds).fit(X_tr, y_tr)
    np.testing.assert_allclose(
        expl.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )
    assert expl.best_params_ == search.best_params_


def test_int_cv_keeps_bootstrap_copies_in_one_fold():
    from interpkit.adapters.sklearn.tuning import _folds, copy_groups

    X, y = _planted(n=80)
    rows = np.random.default_rng(1).integers(80, size=80)
    Xb = X.to_numpy()[rows]
    groups = copy_groups(Xb)
    np.testing.assert_array_equal(groups == groups[:, None], rows == rows[:, None])
    for classifier, target in ((False, y.to_numpy()[rows]), (True, (y.to_numpy()[rows] > 0))):
        folds = _folds(4, Xb, target, classifier, 0)
        assert len(folds) == 4
        for train, test in folds:
            assert not set(rows[train]) & set(rows[test])


def test_stability_retunes_and_tuned_params_can_be_fixed():
    from sklearn.exceptions import NotFittedError
    from sklearn.tree import DecisionTreeClassifier

    X, y = _planted(n=120)
    labels = np.where(y > 0, "yes", "no")
    grid = {"ccp_alpha": [0.0, 0.02, 0.1]}
    cart = ImportanceExplainer(DecisionTreeClassifier(), param_grid=grid, cv=3, random_state=0)
    with pytest.raises(NotFittedError):
        cart.with_tuned_params()
    result = cart.stability(X, labels, n_boot=4, random_state=0, progress=False)
    info = result.replicate_info
    assert set(info["ccp_alpha"]) <= {0.0, 0.02, 0.1}
    assert info["best_cv_score"].between(0, 1).all()
    cart.fit(X, labels)
    fixed = cart.with_tuned_params()
    assert fixed.param_grid is None and cart.param_grid == grid  # the original is untouched
    assert fixed.estimator.ccp_alpha == cart.best_params_["ccp_alpha"]
    refit = clone(fixed).fit(X, labels)
    assert refit.best_params_ is None
    np.testing.assert_allclose(refit.explain().to_numpy(), cart.explain().to_numpy())
    fixed_result = fixed.stability(X, labels, n_boot=3, random_state=0, progress=False)
    assert "ccp_alpha" not in fixed_result.replicate_info
    with pytest.raises(ValueError, match="without param_grid"):
        refit.with_tuned_params()


def test_bad_param_grid():
    X, y = _planted(n=60)
    with pytest.raises(ValueError, match=r"does not have.*\['mtry'\]|\['mtry'\].*does not have"):
        ImportanceExplainer(_forest(), param_grid={"mtry": [1, 2]}).fit(X, y)
    with pytest.raises(ValueError, match="non-empty list"):
        ImportanceExplainer(_forest(), param_grid={"max_features": 0.5}).fit(X, y)
    with pytest.raises(ValueError, match="non-empty dict"):
        ImportanceExplainer(_forest(), param_grid=[]).fit(X, y)
    with pytest.raises(ValueError, match="at least 2 folds"):
        ImportanceExplainer(_forest(), param_grid={"max_depth": [2, 3]}, cv=1).fit(X, y)


# -- out-of-bag permutation importance ------------------------------------------------------
def _oob_by_hand(forest, X, y, n_repeats, random_state):
    """Per tree, permutation_importance on rows whose values never appear in its bag."""
    n_trees = len(forest.estimators_)
    seeds = np.random.RandomState(random_state).randint(np.iinfo(np.int32).max, size=n_trees)
    drops = []
    trees = zip(forest.estimators_, forest.estimators_samples_, seeds, strict=True)
    for tree, inbag, seed in trees:
        bag = {tuple(r) for r in X[inbag]}
        oob = np.array([tuple(r) not in bag for r in X])
        res = permutation_importance(
            tree, X[oob], y[oob], n_repeats=n_repeats, random_state=int(seed)
        )
        drops.append(res.importances)
    drops = np.concatenate(drops, axis=1)
    return drops.mean(axis=1), drops.std(axis=1)


@pytest.mark.parametrize("bootstrap_rows", [False, True])
def test_oob_permutation_equals_per_tree_permutation_importance(bootstrap_rows):
    X, y = _planted(n=150)
    Xa, ya = X.to_numpy(), y.to_numpy()
    if bootstrap_rows:  # copies of a row: a copy of an in-bag row is not out of bag
        rows = np.random.default_rng(0).integers(150, size=150)
        Xa, ya = Xa[rows], ya[rows]
    expl = ImportanceExplainer(
        _forest(n_estimators=15),
        method="permutation",
        permutation_data="oob",
        n_repeats=2,
        random_state=4,
    ).fit(Xa, ya)
    forest = expl.estimator_
    assert forest.n_estimators == 15 and forest.random_state == 4
    np.testing.assert_allclose(
        forest.predict(Xa[:5]), _forest(n_estimators=15, random_state=4).fit(Xa, ya).predict(Xa[:5])
    )  # fit on all rows
    mean, std = _oob_by_hand(forest, Xa, ya, 2, 4)
    glob = expl.explain()
    np.testing.assert_allclose(glob.to_numpy(), mean)
    np.testing.assert_allclose(glob.error.to_numpy(), std)
    assert glob.params["permutation_data"] == "oob"
    assert 0.3 < glob.annotations["oob_tree_score"] < 1
    assert expl.test_indices_ is None


def test_oob_classifier_and_noise_interval_covers_zero():
    X, y = _planted()
    labels = np.where(y > 0, "yes", "no")
    expl = ImportanceExplainer(
        RandomForestClassifier(n_estimators=20),
        method="permutation",
        permutation_data="oob",
        n_repeats=2,
        random_state=0,
    )
    assert set(np.argsort(-expl.fit(X, labels).explain().to_numpy())[:3]) == {0, 1, 2}
    result = expl.stability(X, labels, n_boot=8, random_state=0, progress=False)
    table = result.summary()
    for noise in ("x3", "x4", "x5"):
        assert table.loc[noise, "lower"] <= 0 <= table.loc[noise, "upper"]
    for signal in ("x0", "x1", "x2"):
        assert table.loc[signal, "lower"] > 0
    assert result.replicate_info["oob_tree_score"].between(0.5, 1).all()


@pytest.mark.parametrize(
    "estimator",
    [_forest(bootstrap=False), LinearRegression(), make_pipeline(StandardScaler(), _forest())],
)
def test_oob_needs_a_bagged_forest(estimator):
    X, y = _planted(n=60)
    with pytest.raises(ValueError, match="needs a bagged forest.*permutation_data='holdout'"):
        ImportanceExplainer(estimator, method="permutation", permutation_data="oob").fit(X, y)
    with pytest.raises(ValueError, match="permutation_data must be one of"):
        ImportanceExplainer(_forest(), method="permutation", permutation_data="test").fit(X, y)
