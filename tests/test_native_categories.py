"""Text, category, boolean and missing values where the backend handles them natively.

Oracles: a planted category effect (EBM), the library called directly on the
same frame (LightGBM with pandas categoricals, CatBoost with cat_features),
and the EBM's own additivity.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import interpkit


def _table(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.RandomState(seed)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "color": rng.choice(["red", "blue", None], size=n).astype(object),
            "size": pd.Categorical(rng.choice(["S", "M", "L"], size=n), categories=["S", "M", "L"]),
            "flag": rng.rand(n) > 0.5,
        }
    )
    X.loc[::9, "a"] = np.nan
    y = 2.0 * (X["color"] == "red") + X["a"].fillna(0.0) + 0.1 * rng.normal(size=n)
    return X, y


def test_ebm_takes_the_table_as_it_comes_and_shows_labels():
    pytest.importorskip("interpret")
    X, y = _table()
    ex = interpkit.EBMExplainer(interactions=0, outer_bags=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # InterpretML's note on missing values
        ex.fit(X, y)
    assert ex.feature_kinds_ == {
        "a": "numeric",
        "color": "categorical",
        "size": "categorical",
        "flag": "categorical",
    }
    shapes = ex.shape_functions(terms=["color", "size"])
    labels = shapes.values.coords["label"].sel(term="color").values
    assert list(labels[:3]) == ["missing", "blue", "red"]  # a missing value: its own level
    t = ex.term_names_.index("color")
    missing_score = float(shapes.values.sel(term="color").values[0])
    assert missing_score == pytest.approx(float(ex.ebm_.term_scores_[t][0]))  # InterpretML's bin 0
    assert list(shapes.values.coords["label"].sel(term="size").values[:3]) == ["S", "M", "L"]
    color = shapes.values.sel(term="color").values[1:3]
    assert color[1] - color[0] == pytest.approx(2.0, abs=0.3)  # the planted red effect
    assert missing_score == pytest.approx(color[0], abs=0.3)  # planted: missing acts as blue
    local = ex.explain(X.iloc[:5])
    np.testing.assert_allclose(
        local.values.sum("feature").values + local.base_value, ex.predict(X.iloc[:5]), atol=1e-9
    )
    assert local.params["categories"]["color"] == ["blue", "red"]
    from interpkit import plots

    fig = plots.shape_function(shapes, "color")
    assert list(fig.data[0].x) == ["missing", "blue", "red"]


def test_lightgbm_takes_text_columns_as_pandas_categoricals():
    lgb = pytest.importorskip("lightgbm")
    X, y = _table()
    est = lgb.LGBMRegressor(n_estimators=20, verbose=-1, random_state=0)
    ex = interpkit.BoostingImportanceExplainer(est, random_state=0).fit(X, y)
    direct = X.copy()
    direct["color"] = pd.Categorical(direct["color"], categories=["blue", "red"])
    direct["flag"] = pd.Categorical(direct["flag"].astype(str), categories=["False", "True"])
    own = lgb.LGBMRegressor(n_estimators=20, verbose=-1, random_state=0).fit(direct, y)
    np.testing.assert_allclose(ex.predict(X.iloc[:20]), own.predict(direct.iloc[:20]))
    np.testing.assert_allclose(
        ex.explain().values.values, own.booster_.feature_importance("gain"), rtol=1e-9
    )


def test_catboost_takes_text_columns_as_cat_features():
    cb = pytest.importorskip("catboost")
    X, y = _table(n=150)
    est = cb.CatBoostRegressor(iterations=15, depth=3)
    ex = interpkit.BoostingImportanceExplainer(
        est, importance_type="prediction_values_change", random_state=0
    ).fit(X, y)
    direct = X.copy()
    for c in ("color", "size", "flag"):
        direct[c] = direct[c].astype(str).where(X[c].notna(), "missing")
    own = cb.CatBoostRegressor(
        iterations=15, depth=3, random_seed=0, verbose=False, allow_writing_files=False
    ).fit(direct, y, cat_features=["color", "size", "flag"])
    np.testing.assert_allclose(ex.predict(X.iloc[:20]), own.predict(direct.iloc[:20]))
    local = ex.explain(X.iloc[:4])
    np.testing.assert_allclose(
        local.values.sum("feature").values + local.base_value.values, ex.predict(X.iloc[:4])
    )


def test_xgboost_refuses_text_columns_before_fitting():
    xgb = pytest.importorskip("xgboost")
    X, y = _table(n=60)
    with pytest.raises(
        TypeError, match=r"text/category columns \['color', 'size', 'flag'\].*Pipeline"
    ):
        interpkit.BoostingImportanceExplainer(xgb.XGBRegressor(n_estimators=5)).fit(X, y)
    # numbers with missing values: XGBoost handles them
    ex = interpkit.BoostingImportanceExplainer(xgb.XGBRegressor(n_estimators=5)).fit(X[["a"]], y)
    assert np.isfinite(ex.predict(X[["a"]])).all()
