"""drop_and_refit (Efron's experiment) and its plot, against hand-written CV loops."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import KFold, StratifiedKFold

import interpkit
from interpkit.adapters import ImportanceExplainer
from interpkit.indispensability import DropRefitResult, drop_and_refit


def _redundant(n=200, seed=0):
    """y depends on s only; s_copy is an exact copy of s; n0..n3 are noise."""
    rng = np.random.default_rng(seed)
    s = rng.normal(size=n)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=[f"n{j}" for j in range(4)])
    X.insert(0, "s", s)
    X.insert(1, "s_copy", s)
    y = 2 * s + rng.normal(scale=0.5, size=n)
    return X, y


def _rf(**kw):
    return ImportanceExplainer(RandomForestRegressor(n_estimators=25), random_state=0, **kw)


def test_a_perfectly_redundant_copy_is_dispensable():
    X, y = _redundant()
    res = drop_and_refit(_rf(), X, y, k=1, cv=3, random_state=0)
    assert res.dropped[0] in {"s", "s_copy"}
    other = ({"s", "s_copy"} - set(res.dropped)).pop()
    assert abs(res.relative_change) < 0.03  # the copy takes over: almost no loss
    assert res.takeover.index[0] == other  # the biggest riser is the other copy
    assert res.takeover.loc[other, "rank_after"] == 1
    assert res.importance_after[other] > 0.9  # MDI: it now carries everything
    # control: without the copy, dropping the signal costs a lot (the test can fail)
    lone = drop_and_refit(_rf(), X.drop(columns="s_copy"), y, k=1, cv=3, random_state=0)
    assert lone.dropped == ["s"] and lone.relative_change > 1.0


def test_regression_scores_equal_a_hand_written_cv_loop():
    from interpkit.datasets import load_prostate

    X, y = load_prostate(return_X_y=True)
    lasso = interpkit.LassoExplainer(cv=5, random_state=0)
    res = drop_and_refit(lasso, X, y, k=2, cv=4, random_state=1)
    coef = clone(lasso).fit(X, y).coef_
    top2 = [X.columns[j] for j in np.argsort(-np.abs(coef), kind="stable")[:2]]
    assert res.dropped == top2 and res.method == "lasso" and res.value_name == "coefficient"
    kept = [c for c in X.columns if c not in top2]
    for model, cols in (("full", list(X.columns)), ("trimmed", kept)):
        pred = np.empty(len(y))
        fold_rmse = []
        for train, test in KFold(4, shuffle=True, random_state=1).split(X):
            fit = clone(lasso).fit(X.iloc[train][cols], y.iloc[train])
            pred[test] = fit.predict(X.iloc[test][cols])
            fold_rmse.append(np.sqrt(np.mean((pred[test] - y.iloc[test]) ** 2)))
        rmse = np.sqrt(np.mean((pred - y) ** 2))
        assert res.scores.loc[model, "rmse"] == pytest.approx(rmse, rel=1e-12)
        assert res.scores.loc[model, "rmse_fold_sd"] == pytest.approx(np.std(fold_rmse, ddof=1))
    full, trim = res.scores.loc["full", "rmse"], res.scores.loc["trimmed", "rmse"]
    assert res.relative_change == pytest.approx((trim - full) / full)
    assert list(res.scores["n_features"]) == [8, 6]
    summary = res.summary()
    assert summary.loc["trimmed", "relative_change"] == pytest.approx(res.relative_change)
    np.testing.assert_allclose(res.importance_after.to_numpy(), clone(lasso).fit(X[kept], y).coef_)
    assert set(res.fold_scores["model"]) == {"full", "trimmed"}
    assert len(res.fold_scores) == 2 * 4


def test_classification_scores_equal_sklearn_metrics():
    X, y = _redundant(n=160)
    labels = np.where(y > 0, "pos", "neg")
    expl = ImportanceExplainer(
        RandomForestClassifier(n_estimators=20, max_features=None),
        method="permutation",
        random_state=0,
    )
    res = drop_and_refit(expl, X, labels, k=2, cv=3, random_state=0)
    assert res.task == "classification" and res.metric == "log_loss"
    kept = res.kept
    for model, cols in (("full", list(X.columns)), ("trimmed", kept)):
        proba = np.empty((len(y), 2))
        for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(X, labels):
            fit = clone(expl).fit(X.iloc[train][cols], labels[train])
            proba[test] = fit.predict_proba(X.iloc[test][cols])
        clipped = np.clip(proba, 1e-15, 1)
        clipped /= clipped.sum(axis=1, keepdims=True)
        assert res.scores.loc[model, "log_loss"] == pytest.approx(
            log_loss(labels, clipped, labels=["neg", "pos"])
        )
        assert res.scores.loc[model, "accuracy"] == pytest.approx(
            accuracy_score(labels, np.array(["neg", "pos"])[proba.argmax(axis=1)])
        )
    assert "accuracy_fold_sd" in res.scores


def test_binomial_lasso_works():
    X, y = _redundant(n=120)
    labels = (y > 0).astype(int)
    lasso = interpkit.LassoExplainer(family="binomial", cv=3, random_state=0)
    res = drop_and_refit(lasso, X, labels, k=1, cv=3, random_state=0)
    assert res.metric == "log_loss" and res.dropped[0] in {"s", "s_copy"}
    assert abs(res.relative_change) < 0.1


def test_result_display_and_plot():
    from interpkit.plots.indispensability import indispensability

    X, y = _redundant(n=100)
    res = drop_and_refit(_rf(), X, y, k=2, cv=3, random_state=0)
    assert isinstance(res, DropRefitResult)
    html = res._repr_html_()
    assert "relative change in rmse" in html and "took over" in html
    assert "dropped 2" in repr(res)
    fig = indispensability(res, top=3)
    names = [t.name for t in fig.data]
    assert "cv score" in names and "trimmed model" in names
    bars = next(t for t in fig.data if t.name == "cv score")
    np.testing.assert_allclose(bars.y, res.scores["rmse"].to_numpy())
    after = next(t for t in fig.data if t.name == "trimmed model")
    assert list(after.y[2:]) == list(res.takeover.index[:3])
    assert np.isnan(after.x[:2]).all()  # dropped features have no "after"
    assert f"{res.relative_change:+.1%}" in fig.layout.annotations[-1].text
    with pytest.raises(TypeError, match="drop_and_refit"):
        indispensability(res.scores)
    with pytest.raises(ValueError, match="top"):
        indispensability(res, top=0)


def test_bad_input():
    X, y = _redundant(n=60)
    with pytest.raises(ValueError, match="k = 6 would drop every feature.*smaller than"):
        drop_and_refit(_rf(), X, y, k=6)
    with pytest.raises(ValueError, match="at least 1"):
        drop_and_refit(_rf(), X, y, k=0)
    with pytest.raises(TypeError, match="k must be an integer"):
        drop_and_refit(_rf(), X, y, k=2.5)
    with pytest.raises(ValueError, match="cv must be"):
        drop_and_refit(_rf(), X, y, k=1, cv=1)
    # p >> n: 30 rows, 200 features
    rng = np.random.default_rng(0)
    wide = rng.normal(size=(30, 200))
    with pytest.raises(
        ValueError,
        match=r"k = 200 would drop every feature \(with p = 200 "
        r"features and only n = 30 rows\)",
    ):
        drop_and_refit(_rf(), wide, rng.normal(size=30), k=200)
    with_nan = X.copy()
    with_nan.iloc[0, 2] = np.nan
    with pytest.raises(ValueError, match="missing values"):
        drop_and_refit(_rf(), with_nan, y, k=1)
    classifier = ImportanceExplainer(RandomForestClassifier(n_estimators=5))
    with pytest.raises(ValueError, match="looks continuous"):
        drop_and_refit(classifier, X, y, k=1)
    with pytest.raises(TypeError, match="interpkit explainer"):
        drop_and_refit(RandomForestRegressor(), X, y, k=1)
