"""The "What this says" section: sentences and flags generated from a report's numbers.

Oracles are planted: a feature that drives y must be named stable, a pure-noise
feature unstable; a λ grid that stops short must raise the grid-edge flag and
the default grid must not; a GP stopped after 2 iterations must be flagged.
"""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import interpkit
from interpkit.report import Report
from interpkit.report.conclusions import feature_verdicts
from interpkit.report.flags import explainer_flags, explanation_flags, target_flags


@pytest.fixture(scope="module")
def planted():
    pytest.importorskip("glmnet")
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(100, 5)), columns=["signal", "n1", "n2", "n3", "noise"])
    y = pd.Series(2.0 * X["signal"] + rng.normal(size=100), name="y")
    kw = {"n_boot": 12, "random_state": 1, "progress": False}
    lasso = interpkit.LassoExplainer(cv=5, random_state=0)
    boot = lasso.stability(X, y, **kw)
    null = lasso.stability(X, y, scheme="permuted_labels", **{**kw, "n_boot": 20})
    return X, y, lasso.fit(X, y), boot, null


def test_planted_signal_is_stable_and_noise_is_not(planted):
    X, y, fitted, boot, null = planted
    v = feature_verdicts(boot)
    assert v.at["signal", "stable"]
    assert not v.at["noise", "stable"] and v.at["noise", "reason"]
    # with the permuted-label null as a third criterion the verdicts hold
    vn = feature_verdicts(boot, null)
    assert vn.at["signal", "stable"] and vn.at["signal", "above_null"]
    assert not vn["stable"].drop("signal").any()
    # judged alone, the null control names the signal (p = 1/21 < 0.05) and nothing else
    alone = feature_verdicts(null)
    assert alone.at["signal", "stable"] and not alone["stable"].drop("signal").any()


def test_report_opens_with_what_this_says(planted):
    X, y, fitted, boot, null = planted
    rep = Report("t").add_text("intro").add(boot, title="Lasso").add(null, title="Lasso null")
    page = rep.to_html()
    section = page[page.index("What this says") : page.index("<p>intro</p>")]
    assert "1 of 5 features is stable" in section and ": signal." in section
    assert "above the permuted-label null" in section
    assert "Not stable: " in section and "noise" in section
    assert "No flags" in section


def test_a_null_with_too_few_shuffles_is_flagged_not_used():
    rng = np.random.default_rng(0)
    vals = rng.normal(size=(5, 3))
    feats = ["a", "b", "c"]
    expls = [
        interpkit.Explanation(
            xr.DataArray(v, dims=("feature",), coords={"feature": feats}), method="m", backend="x"
        )
        for v in vals
    ]
    ref = interpkit.Explanation(
        xr.DataArray([9.0, 0.0, 0.1], dims=("feature",), coords={"feature": feats}),
        method="m",
        backend="x",
    )
    nul = interpkit.StabilityResult.from_explanations(expls, ref, scheme="permuted_labels")
    v = feature_verdicts(nul)
    # p-values (1 + #exceed) / 6 >= 1/6 > 0.05: the null cannot reject, so it is not used
    assert v["stable"].all()
    page = Report("t").add(nul, title="N").to_html()
    assert "N: a null control of 5 shuffles cannot give a p-value below 0.05" in page
    assert "use n_boot ≥ 20" in page


def test_lambda_grid_edge_is_flagged_and_default_grid_is_not(planted):
    X, y, fitted, boot, null = planted
    assert explainer_flags("Lasso", fitted) == []
    assert explanation_flags("Lasso", fitted.cv_curve()) == []
    short = interpkit.LassoExplainer(cv=5, random_state=0, lambda_path=np.geomspace(2, 0.3, 8))
    short.fit(X, y)
    assert short.lambda_min_ == pytest.approx(0.3)
    (flag,) = explainer_flags("Lasso", short)
    assert "smallest λ of the grid" in flag and "extend" in flag
    page = Report("t").add(short.cv_curve(), title="Lasso CV").to_html()
    assert "Lasso CV: λ_min = 0.3 is the smallest λ" in page


def test_failed_replicates_and_shap_additivity_are_flagged():
    feats = ["a", "b"]

    def expl(v, **kw):
        da = xr.DataArray(np.asarray(v, float), dims=("feature",), coords={"feature": feats})
        return interpkit.Explanation(da, method="m", backend="x", **kw)

    res = interpkit.StabilityResult.from_explanations(
        [expl([1, 2]), expl([np.nan, np.nan]), expl([1.5, 2])], expl([1, 2]), scheme="bootstrap"
    )
    page = Report("t").add(res, title="M").to_html()
    assert "M: 1 of 3 replicates failed" in page
    bad = expl(
        [1, 2],
        params={"additivity_tol": 1e-6},
        annotations={"additivity_error": 0.2, "max_abs_output": 4.0},
    )
    ok = expl(
        [1, 2],
        params={"additivity_tol": 1e-6},
        annotations={"additivity_error": 1e-9, "max_abs_output": 4.0},
    )
    assert "miss the model output by up to 0.2" in explanation_flags("SHAP", bad)[0]
    assert explanation_flags("SHAP", ok) == []


def test_classification_target_analysed_as_regression_is_flagged():
    rng = np.random.default_rng(0)
    assert target_flags(pd.Series(rng.normal(size=50), name="y")) == []
    (flag,) = target_flags(pd.Series(rng.integers(0, 2, 50).astype(float), name="Default"))
    assert flag.startswith("The target Default has only 2 distinct values")


def test_gp_restarts_at_the_iteration_limit_are_flagged():
    pytest.importorskip("gpytorch")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(30, 2)), columns=["a", "b"])
    y = np.sin(X["a"]) + 0.1 * rng.normal(size=30)
    # Adam takes all max_iter steps, so 5 steps end every restart at the limit
    gp = interpkit.GPExplainer(n_restarts=2, optimizer="adam", max_iter=5, random_state=0)
    flags = explainer_flags("GP", gp.fit(X, y))
    assert "GP: 2 of 2 GP restarts stopped at the iteration limit (max_iter = 5)" in flags[0]
    gp_ok = interpkit.GPExplainer(n_restarts=2, max_iter=500, random_state=0).fit(X, y)
    assert not any("iteration limit" in f for f in explainer_flags("GP", gp_ok))


def test_analysis_report_says_where_methods_disagree(planted):
    pytest.importorskip("sklearn")
    X, y, *_ = planted
    rep = interpkit.report.analysis_report(
        X, y, methods=["lasso", "mdi-rf"], n_boot=6, holdout=10, progress=False
    )
    says = " ".join(rep.conclusions.statements())
    assert "Rank agreement of |value|" in says and "lasso vs mdi-rf: " in says
    assert "Stable in every method:" in says and "signal" in says
    verdicts = feature_verdicts(rep.results["mdi-rf"])
    assert verdicts.at["signal", "stable"] and not verdicts.at["noise", "stable"]
