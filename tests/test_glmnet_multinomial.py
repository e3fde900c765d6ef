"""glmnet's multinomial family against R's glmnet / cv.glmnet, and its per-class results.

Fixtures: ``Rscript tests/fixtures/r/make_multinomial.R`` (R 4.2.2, glmnet
4.1-6; R's iris, the fold ids stored). R is not needed to run these tests.

Tolerances, measured (see tests/fixtures/r/README.md):

* lambda sequence, lambda.min, lambda.1se: equal to rounding (``RTOL_LAMBDA``);
* coefficients, intercepts and probabilities at lambda.min / lambda.1se:
  3e-14 absolute here, tested at ``ATOL = 1e-9``;
* the whole path: 1e-13 of the coefficient scale up to lambda index 77, then
  up to 1.1e-7 where iris is nearly separable (coefficients ~17, glmnet's
  convergence threshold ``thresh = 1e-7`` is what bounds two implementations
  there), tested at ``RTOL = 1e-6`` of the largest standardised coefficient,
  as the gaussian/binomial fixtures;
* CV mean and SD: 1.2e-7 relative (the tail of the fold paths again), tested
  at ``RTOL = 1e-6``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

pytest.importorskip("glmnet")

from interpkit import ElasticNetExplainer, LassoExplainer  # noqa: E402
from interpkit.classes import aggregate_classes, select_class  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "r"
CASES = ["iris_multinomial_lasso", "iris_multinomial_enet"]
RTOL_LAMBDA = 1e-10
RTOL = 1e-6
ATOL = 1e-9


@cache
def fixture(case: str) -> dict:
    with open(FIXTURES / f"{case}.json", encoding="utf-8") as fh:
        return json.load(fh)


def data(case: str) -> tuple[pd.DataFrame, np.ndarray]:
    fx = fixture(case)
    return pd.DataFrame(np.array(fx["x"]), columns=fx["colnames"]), np.array(fx["y"])


@cache
def fitted(case: str, mode: str, choice: str, metric: str = "deviance") -> ElasticNetExplainer:
    fx = fixture(case)
    X, y = data(case)
    return ElasticNetExplainer(
        alpha=fx["alpha"],
        family="multinomial",
        cv=np.array(fx["foldid"]),
        lambda_path=None if mode == "auto" else np.array(fx["lambda"]),
        lambda_choice=choice,
        cv_metric=metric,
    ).fit(X, y)


def reference(case: str, mode: str) -> dict:
    fx = fixture(case)
    return fx if mode == "auto" else fx["given_lambda"]


def r_coef(case: str, ref: dict, choice: str) -> tuple[np.ndarray, np.ndarray]:
    fx = fixture(case)
    coef = ref[f"coef_{choice}"]
    beta = np.array([[coef[k][f] for k in fx["classes"]] for f in fx["colnames"]])
    return beta, np.array([coef[k]["(Intercept)"] for k in fx["classes"]])


@pytest.mark.parametrize("mode", ["auto", "given"])
@pytest.mark.parametrize("case", CASES)
def test_path_equals_r(case, mode):
    fx, ref = fixture(case), reference(case, mode)
    ours = fitted(case, mode, "lambda_1se")
    assert_allclose(ours.lambda_path_, ref["lambda"], rtol=RTOL_LAMBDA)
    beta = np.stack([np.array(ref["beta"][k]) for k in fx["classes"]], axis=1)  # (p, K, L)
    sd = np.array(fx["x"]).std(axis=0)[:, None, None]
    scale = np.abs(beta * sd).max()
    assert_allclose(ours.coef_path_ * sd, beta * sd, rtol=0, atol=RTOL * scale)
    # R's coef() centres the intercepts over classes, as interpkit does
    assert_allclose(ours.intercept_path_.sum(axis=0), 0, atol=1e-10)
    allowance = RTOL * scale * np.abs(np.array(fx["x"]).mean(0) / sd[:, 0, 0]).sum()
    assert_allclose(ours.intercept_path_, ref["a0"], rtol=0, atol=allowance)


@pytest.mark.parametrize("mode", ["auto", "given"])
@pytest.mark.parametrize("case", CASES)
def test_cv_and_chosen_coefficients_equal_r(case, mode):
    ref = reference(case, mode)
    for choice in ("lambda_min", "lambda_1se"):
        ours = fitted(case, mode, choice)
        assert_allclose(ours.cv_mean_, ref["cvm"], rtol=RTOL)
        assert_allclose(ours.cv_se_, ref["cvsd"], rtol=RTOL)
        assert ours.lambda_min_ == pytest.approx(ref["lambda_min"], rel=RTOL_LAMBDA)
        assert ours.lambda_1se_ == pytest.approx(ref["lambda_1se"], rel=RTOL_LAMBDA)
        beta, a0 = r_coef(case, ref, choice)
        assert_allclose(ours.coef_, beta, rtol=0, atol=ATOL)
        assert_allclose(ours.intercept_, a0, rtol=0, atol=ATOL)
    X, _ = data(case)
    proba = fitted(case, mode, "lambda_1se").predict_proba(X)
    assert_allclose(proba, ref["prob_lambda_1se"], rtol=0, atol=ATOL)


@pytest.mark.parametrize("metric", ["class", "mse", "mae"])
def test_other_type_measures_equal_r(metric):
    case = "iris_multinomial_lasso"
    ref = fixture(case)["given_lambda"]["measures"][metric]
    ours = fitted(case, "given", "lambda_1se", metric)
    assert_allclose(ours.cv_mean_, ref["cvm"], rtol=RTOL, atol=1e-12)
    assert_allclose(ours.cv_se_, ref["cvsd"], rtol=RTOL, atol=1e-12)
    assert ours.lambda_min_ == pytest.approx(ref["lambda_min"], rel=RTOL_LAMBDA)
    assert ours.lambda_1se_ == pytest.approx(ref["lambda_1se"], rel=RTOL_LAMBDA)


def test_explanations_carry_a_class_dim_and_add_up():
    case = "iris_multinomial_lasso"
    ours = fitted(case, "auto", "lambda_1se")
    X, _ = data(case)
    fx = fixture(case)
    glob = ours.explain()
    assert glob.values.dims == ("feature", "class")
    assert list(glob.values.coords["class"].values) == fx["classes"]
    beta, a0 = r_coef(case, fx, "lambda_1se")
    assert_allclose(glob.values.values, beta, atol=ATOL)
    assert_allclose(glob.base_value.values, a0, atol=ATOL)
    local = ours.explain(X.iloc[:7])
    assert local.values.dims == ("sample", "feature", "class")
    logits = local.values.sum("feature").values + local.base_value.values
    assert_allclose(logits, ours.predict(X.iloc[:7]), atol=1e-12)
    assert ours.explain().output_name == "logit(each of 3 classes)"
    assert select_class(glob, "virginica").output_name == "logit(virginica)"
    assert ours.path().values.dims == ("lambda", "feature", "class")
    # selected in any class: the nonzero count per lambda
    nonzero = ours.cv_curve().values.coords["n_nonzero"].values
    assert_allclose(nonzero, np.any(ours.coef_path_ != 0, axis=1).sum(axis=0))
    assert ours._replicate_info()["n_nonzero"] == int(np.any(beta != 0, axis=1).sum())


def test_stability_per_class_and_selected_in_any_class():
    X, y = data("iris_multinomial_lasso")
    lasso = LassoExplainer(family="multinomial", cv=3, random_state=0)
    result = lasso.stability(X, y, n_boot=3, random_state=0, progress=False)
    assert result.replicates.dims == ("replicate", "feature", "class")
    table = result.summary()
    assert table.index.names == ["class", "feature"]
    values = result.replicates.values
    names = list(X.columns)
    for k in ["setosa", "versicolor", "virginica"]:
        freq = (values.sel({"class": k}) != 0).mean("replicate").values
        assert_allclose(table.loc[k].loc[names, "selection_frequency"].to_numpy(), freq)
    # the aggregate (mean |b| over classes) is selected when any class selects it
    any_class = (values != 0).any("class").mean("replicate").values
    agg = aggregate_classes(result).summary()
    agg = (agg.set_index("feature") if "feature" in agg.columns else agg).loc[names]
    assert_allclose(agg["selection_frequency"].to_numpy(), any_class)
    assert any_class.sum() > freq.sum()  # "any class" selects more than one class does


def test_multinomial_refusals_say_what_to_do():
    X, y = data("iris_multinomial_lasso")
    two = y != "setosa"
    with pytest.raises(ValueError, match="three or more classes.*binomial"):
        LassoExplainer(family="multinomial", cv=3).fit(X[two], y[two])
    folds = np.repeat([0, 1, 2], 50)  # iris is sorted by species: each fold is one class
    with pytest.raises(ValueError, match="CV fold 0 hold 2 of the 3 classes"):
        LassoExplainer(family="multinomial", cv=folds).fit(X, y)
    with pytest.raises(ValueError, match="cv_metric"):
        LassoExplainer(family="multinomial", cv_metric="auc").fit(X, y)
    assert LassoExplainer(family="multinomial").__interpkit_tags__().tasks == ("multiclass",)


def test_prediction_stability_keeps_the_class_dim():
    X, y = data("iris_multinomial_lasso")
    lasso = LassoExplainer(family="multinomial", cv=3, random_state=0)
    result = lasso.stability(X, y, n_boot=2, X_eval=X.iloc[:5], random_state=1, progress=False)
    preds = result.predictions
    assert preds.dims == ("replicate", "sample", "class")
    assert list(preds.coords["class"].values) == ["setosa", "versicolor", "virginica"]
    # each replicate's logits are its own coefficients and intercepts applied to X_eval
    coef = result.replicates.values.transpose("replicate", "feature", "class").values
    icpt = result.replicates.base_value.values
    logits = np.einsum("sp,rpk->rsk", X.iloc[:5].to_numpy(), coef) + icpt[:, None, :]
    assert_allclose(preds.values, logits, atol=1e-10)
