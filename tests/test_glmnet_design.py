"""glmnet on a table with text columns: the one-hot design, against R's glmnet.

Fixture: ``Rscript tests/fixtures/r/make_factor_design.R`` (R's iris, y =
Sepal.Length, Species by treatment contrasts, ``model.matrix``; fold ids
stored). R is not needed to run these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

pytest.importorskip("glmnet")

from interpkit import LassoExplainer  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "r" / "iris_factor_lasso.json"


def iris_case():
    fx = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return fx, pd.DataFrame(fx["frame"]), np.array(fx["y"])


def test_design_coefficients_equal_r_model_matrix():
    fx, X, y = iris_case()
    ex = LassoExplainer(cv=np.array(fx["foldid"]), lambda_choice="lambda_min").fit(X, y)
    expl = ex.explain()
    # R names the columns Speciesversicolor; interpkit says Species=versicolor
    assert expl.feature_names == [
        "Sepal.Width", "Petal.Length", "Petal.Width", "Species=versicolor", "Species=virginica",
    ]  # fmt: skip
    assert expl.params["reference_levels"] == {"Species": "setosa"}
    assert expl.params["feature_mapping"]["Species=virginica"] == "Species"
    assert_allclose(ex.lambda_path_, fx["lambda"], rtol=1e-10)
    assert_allclose(ex.cv_mean_, fx["cvm"], rtol=1e-6)
    for choice in ("lambda_min", "lambda_1se"):
        ex.set_params(lambda_choice=choice).fit(X, y)
        r = fx[f"coef_{choice}"]
        assert_allclose(ex.explain().to_numpy(), [r[c] for c in fx["design_colnames"]], atol=1e-9)
        assert_allclose(ex.intercept_, r["(Intercept)"], atol=1e-9)
    assert_allclose(ex.predict(X), fx["pred_lambda_1se"], atol=1e-9)


def test_original_level_sums_contributions_and_refuses_coefficients():
    fx, X, y = iris_case()
    ex = LassoExplainer(cv=np.array(fx["foldid"]), feature_level="original").fit(X, y)
    rows = X.iloc[[0, 60, 120]]
    local = ex.explain(rows)
    assert local.feature_names == list(X.columns)
    total = local.values.sum("feature").to_numpy() + local.base_value
    assert_allclose(total, ex.predict(rows), atol=1e-12)
    encoded = ex.set_params(feature_level="encoded").explain(rows)
    species = ["Species=versicolor", "Species=virginica"]
    assert_allclose(
        local.values.sel(feature="Species").to_numpy(),
        encoded.values.sel(feature=species).sum("feature").to_numpy(),
    )
    # the species of each row, as a level's position: setosa 0, versicolor 1, virginica 2
    assert local.data.sel(feature="Species").to_numpy().tolist() == [0, 1, 2]
    assert local.params["categories"]["Species"] == ["setosa", "versicolor", "virginica"]
    ex.set_params(feature_level="original")
    with pytest.raises(ValueError, match="reference level"):
        ex.explain()


def test_missing_text_is_a_level_and_planted_effect_is_found():
    rng = np.random.default_rng(0)
    n = 300
    X = pd.DataFrame({
        "size": rng.normal(size=n),
        "colour": rng.choice(["red", "green", "blue"], size=n).astype(object),
        "flag": rng.random(n) > 0.5,
    })  # fmt: skip
    X.loc[rng.choice(n, 40, replace=False), "colour"] = None
    y = 2 * X["size"] + 3 * (X["colour"] == "red") - 2 * X["colour"].isna() + rng.normal(0, 0.1, n)
    ex = LassoExplainer(random_state=0, lambda_choice="lambda_min").fit(X, y)
    coef = ex.explain().values
    assert ex.design_.reference_levels == {"colour": "blue", "flag": "False"}
    assert list(coef.feature.values) == [
        "size", "colour=green", "colour=red", "colour=missing", "flag=True",
    ]  # fmt: skip
    assert_allclose(coef.sel(feature="colour=red"), 3, atol=0.05)
    assert_allclose(coef.sel(feature="colour=missing"), -2, atol=0.05)
    assert abs(float(coef.sel(feature="colour=green"))) < 0.05
    # every bootstrap replicate has the same columns, the levels fixed on all rows
    result = ex.stability(X, y, n_boot=3, random_state=0, progress=False)
    assert list(result.replicates.values.feature.values) == list(coef.feature.values)


def test_mistakes_are_named():
    fx, X, y = iris_case()
    ex = LassoExplainer(cv=np.array(fx["foldid"])).fit(X, y)
    with pytest.raises(ValueError, match="not seen at fit time"):
        ex.explain(X.assign(Species="unknown").iloc[:3])
    with pytest.raises(TypeError, match="DataFrame with text"):
        ex.explain(X.drop(columns="Species").to_numpy())
    with pytest.raises(ValueError, match="no 'missing' level"):
        ex.explain(X.iloc[:3].assign(Species=[None, "setosa", "setosa"]))
    gaps = X.copy()
    gaps.loc[0, "Sepal.Width"] = np.nan
    with pytest.raises(ValueError, match="missing values in the numeric columns"):
        LassoExplainer().fit(gaps, y)
    with pytest.raises(ValueError, match="feature_level must be"):
        LassoExplainer(feature_level="levels").fit(X, y)
