"""Pipelines and the user's table as it comes (issue 17, sections 1 and 2).

Oracles: scikit-learn's permutation_importance and shap's TreeExplainer
called directly on the same model and rows; the last step's own
feature_importances_; a transformer that records what the pipeline is given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import interpkit

COLUMNS = ["a", "color", "size", "flag"]


def _table(n: int = 120, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Numbers with missing values, strings with missing values, a category, a bool."""
    rng = np.random.RandomState(seed)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "color": rng.choice(["red", "blue", None], size=n).astype(object),
            "size": pd.Categorical(rng.choice(["S", "M", "L"], size=n), categories=["S", "M", "L"]),
            "flag": rng.rand(n) > 0.5,
        },
        index=[f"r{i}" for i in range(n)],
    )
    X.loc[X.index[::9], "a"] = np.nan
    y = 2.0 * (X["color"] == "red") + X["a"].fillna(0.0) + 0.1 * rng.normal(size=n)
    return X, y


def _encoder(**kwargs) -> ColumnTransformer:
    # columns chosen by name: this fails inside scikit-learn when given a numpy array
    return ColumnTransformer(
        [
            (
                "oh",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ["color", "size", "flag"],
            ),
            ("num", SimpleImputer(), ["a"]),
        ],
        **kwargs,
    )


class Recorder(BaseEstimator, TransformerMixin):
    """Passes its input on and keeps what ``fit`` was given."""

    def fit(self, X, y=None):
        self.seen_ = X.copy()
        return self

    def transform(self, X):
        return X


def test_pipeline_is_fit_on_the_users_frame_unchanged():
    X, y = _table()
    pipe = Pipeline([("rec", Recorder()), ("ct", _encoder()), ("rf", RandomForestRegressor(5))])
    ex = interpkit.ImportanceExplainer(pipe, method="permutation", random_state=0).fit(X, y)
    seen = ex.estimator_.named_steps["rec"].seen_
    assert isinstance(seen, pd.DataFrame)
    assert list(seen.columns) == COLUMNS
    assert list(seen.dtypes) == list(X.dtypes)
    rows = X.iloc[ex.train_indices_].reset_index(drop=True)
    pd.testing.assert_frame_equal(seen.reset_index(drop=True), rows)


def test_permutation_importance_of_a_pipeline_equals_sklearn_direct():
    from sklearn.base import clone
    from sklearn.inspection import permutation_importance

    X, y = _table()
    pipe = Pipeline([("ct", _encoder()), ("m", HistGradientBoostingRegressor(max_iter=20))])
    ex = interpkit.ImportanceExplainer(pipe, method="permutation", n_repeats=3, random_state=0)
    ex.fit(X, y)
    train, test = ex.train_indices_, ex.test_indices_
    est = clone(pipe).set_params(m__random_state=0).fit(X.iloc[train], y.iloc[train])
    direct = permutation_importance(est, X.iloc[test], y.iloc[test], n_repeats=3, random_state=0)
    expl = ex.explain()
    assert list(expl.values.feature.values) == COLUMNS
    np.testing.assert_allclose(expl.values.values, direct.importances_mean, atol=1e-12)
    assert expl.values.sel(feature="color") > 0.3  # the planted signal
    assert expl.params["categories"]["color"] == ["blue", "red"]


def test_mdi_of_a_pipeline_sums_the_last_steps_importances_back():
    X, y = _table()
    pipe = Pipeline([("ct", _encoder()), ("rf", RandomForestRegressor(10))])
    original = interpkit.ImportanceExplainer(pipe, method="mdi", random_state=0).fit(X, y)
    encoded = interpkit.ImportanceExplainer(
        pipe, method="mdi", feature_level="encoded", random_state=0
    ).fit(X, y)
    own = original.estimator_[-1].feature_importances_
    e_enc, e_orig = encoded.explain(), original.explain()
    np.testing.assert_allclose(e_enc.values.values, own)
    mapping = e_orig.params["feature_mapping"]
    assert mapping["oh__color_red"] == "color" and mapping["num__a"] == "a"
    for col in COLUMNS:
        parts = [j for j, name in enumerate(mapping) if mapping[name] == col]
        assert float(e_orig.values.sel(feature=col)) == pytest.approx(own[parts].sum())
    assert float(e_orig.values.sum()) == pytest.approx(1.0)
    local = original.explain(X.iloc[:4])  # occlusion per original column, labels kept
    assert list(local.values.sample.values) == ["r0", "r1", "r2", "r3"]


def test_treeshap_of_a_pipeline_equals_shap_direct_and_adds_up():
    shap = pytest.importorskip("shap")
    X, y = _table()
    pipe = Pipeline([("ct", _encoder()), ("rf", RandomForestRegressor(10, random_state=0))])
    kw = dict(estimator=pipe, background=25, random_state=0)
    ex = interpkit.ShapExplainer(**kw).fit(X, y)
    enc = interpkit.ShapExplainer(feature_level="encoded", **kw).fit(X, y)
    assert ex.algorithm_ == "tree"
    rows = X.iloc[:6]
    model = ex.model_
    Z = model[:-1].transform(rows)
    B = model[:-1].transform(ex.input_codec_.decode(ex.background_))
    direct = shap.TreeExplainer(
        model[-1], data=B, feature_perturbation="interventional"
    ).shap_values(Z, check_additivity=False)
    e_enc = enc.explain(rows)
    np.testing.assert_allclose(e_enc.values.values, direct, atol=1e-6)
    e = ex.explain(rows)
    mapping = e.params["feature_mapping"]
    names = list(mapping)
    for col in COLUMNS:
        parts = [j for j, n in enumerate(names) if mapping[n] == col]
        np.testing.assert_allclose(
            e.values.sel(feature=col).values, direct[:, parts].sum(axis=1), atol=1e-6
        )
    fx = model.predict(rows)
    np.testing.assert_allclose(
        e.values.sum("feature").values + np.asarray(e.base_value), fx, atol=1e-5
    )
    assert e.params["output_scale"].startswith("raw")


def test_shap_of_a_classifier_pipeline_with_missing_values():
    pytest.importorskip("shap")
    X, y = _table()
    labels = np.where(y > 1, "high", "low")
    pipe = Pipeline(
        [
            ("ct", _encoder(remainder="drop")),
            ("m", HistGradientBoostingClassifier(max_iter=15, random_state=0)),
        ]
    )
    ex = interpkit.ShapExplainer(estimator=pipe, background=20, random_state=0).fit(X, labels)
    e = ex.explain(X.iloc[:5])
    assert ex.algorithm_ == "tree"
    assert e.annotations["additivity_error"] <= e.annotations["additivity_tolerance"]
    assert e.params["output_scale"].startswith("probability")
    perm = interpkit.ShapExplainer(
        estimator=pipe, algorithm="permutation", background=20, random_state=0
    ).fit(X, labels)
    p = perm.explain(X.iloc[:5])  # model-agnostic, on the user's own columns
    assert list(p.values.feature.values) == COLUMNS
    assert p.annotations["additivity_error"] < 1e-9


def test_model_may_be_any_object_with_predict_proba():
    pytest.importorskip("shap")
    X, y = _table()
    Xn = X[["a"]].fillna(0.0)
    fitted = HistGradientBoostingClassifier(max_iter=10).fit(Xn.to_numpy(), y > 1)

    class Proba:  # no predict, no get_params
        classes_ = fitted.classes_

        def predict_proba(self, Z):
            return fitted.predict_proba(Z)

    e = (
        interpkit.ShapExplainer(model=Proba(), background=10, random_state=0)
        .fit(Xn)
        .explain(Xn.iloc[:3])
    )
    assert e.params["output"] == "probability"
    assert "probability" in e.params["output_scale"]
    np.testing.assert_allclose(
        e.values.sum("feature").values + np.asarray(e.base_value),
        fitted.predict_proba(Xn.iloc[:3].to_numpy())[:, 1],
        atol=1e-9,
    )


def test_model_may_be_any_object_with_only_a_decision_function():
    pytest.importorskip("shap")
    X, y = _table()
    Xn = X[["a"]].fillna(0.0).to_numpy()
    slope = np.array([2.0])

    class Score:  # a scoring function, nothing else
        def decision_function(self, Z):
            return np.asarray(Z) @ slope

    e = (
        interpkit.ShapExplainer(model=Score(), background=10, random_state=0)
        .fit(Xn)
        .explain(Xn[:3])
    )
    assert "decision_function" in e.params["output_scale"]
    # a linear score: phi_j = slope_j (x_j - mean of the background), exactly
    bg = interpkit.ShapExplainer(model=Score(), background=10, random_state=0).fit(Xn)
    expected = slope[0] * (Xn[:3, 0] - bg.background_[:, 0].mean())
    np.testing.assert_allclose(e.values.values[:, 0], expected, atol=1e-9)


def test_pipeline_stability_is_the_same_for_any_n_jobs():
    X, y = _table(n=80)
    pipe = Pipeline([("ct", _encoder()), ("rf", RandomForestRegressor(5))])
    ex = interpkit.ImportanceExplainer(pipe, method="permutation", n_repeats=2)
    one = ex.stability(X, y, n_boot=3, random_state=1, n_jobs=1)
    two = ex.stability(X, y, n_boot=3, random_state=1, n_jobs=2)
    np.testing.assert_array_equal(one.replicates.values.values, two.replicates.values.values)


# -- checked at fit, before any fitting -------------------------------------------


class Exploding(BaseEstimator):
    """An estimator whose fit must never run."""

    def fit(self, X, y):
        raise AssertionError("fit ran before the method was checked")

    def predict(self, X):  # pragma: no cover
        return np.zeros(len(X))


def test_mdi_on_a_pipeline_without_feature_importances_is_refused_before_fitting():
    X, y = _table()
    pipe = Pipeline([("ct", _encoder()), ("m", HistGradientBoostingRegressor())])
    with pytest.raises(ValueError, match="HistGradientBoostingRegressor.*method='permutation'"):
        interpkit.ImportanceExplainer(pipe, method="mdi").fit(X, y)
    with pytest.raises(ValueError, match="feature_importances_"):
        interpkit.ImportanceExplainer(Exploding(), method="mdi").fit(X[["a"]].fillna(0), y)


def test_treeshap_on_a_non_tree_is_refused_before_fitting():
    X, y = _table()
    with pytest.raises(ValueError, match="cannot explain Exploding.*'permutation'"):
        interpkit.ShapExplainer(estimator=Exploding(), algorithm="tree").fit(X[["a"]].fillna(0), y)
    pipe = Pipeline([("imp", SimpleImputer()), ("lm", LinearRegression())])
    with pytest.raises(ValueError, match=r"LinearRegression \(the last step"):
        interpkit.ShapExplainer(estimator=pipe, algorithm="tree").fit(X[["a"]], y)


# -- what cannot be handled: one clear error ----------------------------------------


def test_text_columns_without_a_pipeline_name_the_columns_and_the_way_out():
    X, y = _table()
    with pytest.raises(TypeError, match=r"\['color', 'size'\].*Pipeline.*EBMExplainer"):
        interpkit.ImportanceExplainer(RandomForestRegressor(5)).fit(X.fillna({"a": 0}), y)


def test_datetime_columns_are_refused_with_the_way_out():
    X, y = _table()
    X["when"] = pd.date_range("2020-01-01", periods=len(X))
    pipe = Pipeline([("ct", _encoder()), ("rf", RandomForestRegressor(5))])
    for ex in (
        interpkit.ImportanceExplainer(pipe, method="permutation"),
        interpkit.ImportanceExplainer(RandomForestRegressor(5)),
    ):
        with pytest.raises(ValueError, match=r"date/time columns \['when'\].*days since"):
            ex.fit(X, y)


def test_lime_refuses_missing_values_in_its_training_rows():
    pytest.importorskip("lime")
    X, y = _table()
    pipe = Pipeline([("ct", _encoder()), ("rf", RandomForestRegressor(5))])
    with pytest.raises(ValueError, match=r"missing values.*\['a', 'color'\]"):
        interpkit.LimeExplainer(estimator=pipe).fit(X, y)


def test_unseen_categories_at_explain_time_are_named():
    X, y = _table()
    pipe = Pipeline([("ct", _encoder()), ("rf", RandomForestRegressor(5))])
    ex = interpkit.ImportanceExplainer(pipe, method="mdi").fit(X, y)
    new = X.iloc[:2].copy()
    new["color"] = ["green", "red"]
    with pytest.raises(ValueError, match="'color' has values not seen at fit time: \\['green'\\]"):
        ex.explain(new)


def test_a_pipeline_bootstrap_weights_its_last_step_as_duplicated_rows_would():
    from sklearn.tree import DecisionTreeRegressor

    X, y = _table(n=60)
    pipe = Pipeline([("ct", _encoder()), ("tree", DecisionTreeRegressor(max_depth=3))])
    ex = interpkit.ImportanceExplainer(pipe, method="mdi", random_state=0)
    assert ex.__interpkit_tags__().sample_weight
    result = ex.stability(X, y, n_boot=2, random_state=0)
    assert result.params["resampling"] == "weights"
    rows = np.array([0, 0, 1, 2, 2, 2] + list(range(3, 40)))
    counts = np.bincount(rows)
    kept = np.flatnonzero(counts)
    weighted = interpkit.ImportanceExplainer(pipe, method="mdi", random_state=0).fit(
        X.iloc[kept], y.iloc[kept], sample_weight=counts[kept]
    )
    duplicated = interpkit.ImportanceExplainer(pipe, method="mdi", random_state=0).fit(
        X.iloc[rows], y.iloc[rows]
    )
    np.testing.assert_allclose(weighted.importances_, duplicated.importances_, atol=1e-12)


def test_a_pipeline_that_fails_on_the_table_says_so():
    from sklearn.preprocessing import StandardScaler

    X, y = _table()
    pipe = Pipeline(
        [
            ("ct", ColumnTransformer([("num", StandardScaler(), ["a"])])),
            ("lm", LinearRegression()),
        ]
    )  # no imputer: the NaN in 'a' reaches the linear model
    with pytest.raises(ValueError, match="pipeline could not be fit on your table.*SimpleImputer"):
        interpkit.ImportanceExplainer(pipe, method="permutation").fit(X, y)
