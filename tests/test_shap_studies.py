"""The one-call SHAP studies: KernelSHAP convergence, baselines, marginal vs conditional."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeRegressor

from interpkit.adapters.shap import (
    ShapExplainer,
    baseline_sensitivity,
    kernel_convergence,
    marginal_vs_conditional,
)

pytest.importorskip("shap")


class _Wiggly:
    """A nonlinear function of 40 features with interactions (KernelSHAP is not exact on it)."""

    def predict(self, X):
        return (
            X[:, 0]
            + X[:, 1] * X[:, 2]
            + np.sin(2 * X[:, 3])
            + X[:, 4] * X[:, 5] * X[:, 6]
            + 0.5 * X[:, 7] ** 2
            + np.tanh(X[:, 8:].sum(axis=1))
        )


@pytest.mark.slow
def test_kernel_variance_falls_as_one_over_nsamples():
    # 40 features: shap enumerates the 80 coalitions of size 1 and 39 at every grid
    # value and samples the rest, so the variance is the Monte-Carlo part alone
    X = np.random.default_rng(0).normal(size=(60, 40))
    ex = ShapExplainer(model=_Wiggly(), algorithm="kernel", background=8, random_state=0).fit(X)
    conv = kernel_convergence(ex, X[:2], [800, 1600, 3200], n_repeats=8, reference=None,
                              random_state=0)  # fmt: skip
    assert -1.3 <= conv.slope <= -0.7
    assert conv.error is None and conv.summary()["mean_variance"].is_monotonic_decreasing


def test_kernel_estimate_converges_to_tree_shap():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(100, 6)), columns=list("abcdef"))
    y = X["a"] * X["b"] + X["c"] + rng.normal(scale=0.1, size=100)
    tree = DecisionTreeRegressor(max_depth=5, random_state=0).fit(X.to_numpy(), y)
    ex = ShapExplainer(model=tree, background=10, random_state=0).fit(X)
    # 2**6 - 2 = 62 coalitions: at 62 KernelSHAP enumerates them all and is exact
    conv = kernel_convergence(ex, X.iloc[:3], [10, 20, 40, 62], n_repeats=5,
                              reference="tree", tol=1e-6, random_state=0)  # fmt: skip
    assert conv.error[0] > 10 * conv.error[-1]
    assert conv.mean_error[-1] < 1e-6 and conv.nsamples_for_tol == 62
    assert np.all(conv.mean_error <= conv.error + 1e-12)  # averaging seeds helps
    assert conv.summary().index.tolist() == [10, 20, 40, 62]
    with pytest.raises(ValueError, match="nsamples >= number of features"):
        kernel_convergence(ex, X.iloc[:1], [4, 20], n_repeats=2)


def test_two_baselines_differ_by_beta_times_baseline_gap():
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["x", "y", "z"])
    target = X @ [1.0, -2.0, 0.5]
    lr = LinearRegression().fit(X, target)
    ex = ShapExplainer(model=lr).fit(X)
    row = X.iloc[[5]]
    study = baseline_sensitivity(ex, X.iloc[:6], {"mean": "mean", "row 5": row})
    a, b = study.explanations["mean"], study.explanations["row 5"]
    gap = lr.coef_ * (row.to_numpy()[0] - X.to_numpy().mean(axis=0))
    np.testing.assert_allclose(a.to_numpy() - b.to_numpy(), np.tile(gap, (6, 1)), atol=1e-10)
    agree = study.agreement.iloc[0]
    assert agree["max_abs_diff"] == pytest.approx(np.abs(gap).max())
    assert agree["base_diff"] == pytest.approx(-gap.sum())
    assert b.params["background"] == "1 given rows"
    assert set(study.summary()["background"]) == {"mean", "row 5"}


def test_conditional_shap_credits_a_collinear_feature_with_no_coefficient():
    rng = np.random.default_rng(3)
    x0 = rng.normal(size=400)
    X = pd.DataFrame({"x0": x0, "x1": x0 + 0.1 * rng.normal(size=400), "x2": rng.normal(size=400)})
    lr = LinearRegression().fit(X, 2 * X["x0"] + X["x2"] + 0.01 * rng.normal(size=400))
    study = marginal_vs_conditional(lr, X, X.iloc[:50])
    table = study.summary()
    assert abs(table.loc["x1", "coefficient"]) < 0.05
    x1 = table.loc["x1"]
    assert x1["mean_abs_interventional"] < 0.1 * x1["mean_abs_conditional"]
    assert x1["mean_abs_conditional"] > 0.3
    np.testing.assert_allclose(
        study.interventional.to_numpy(),
        lr.coef_ * (X.iloc[:50].to_numpy() - X.to_numpy().mean(axis=0)),
        atol=1e-10,
    )
    # both value functions are additive
    for expl in (study.interventional, study.conditional):
        total = expl.to_numpy().sum(axis=1) + expl.base_value
        np.testing.assert_allclose(total, lr.predict(X.iloc[:50]), atol=1e-6)
    assert study.conditional.params["value_function"] == "correlation_dependent"


# -- plots ---------------------------------------------------------------------------
def test_plots_read_the_explanation_values():
    from interpkit.plots import shap as P

    X, y = _friedman()
    tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X.to_numpy(), y)
    ex = ShapExplainer(model=tree, background=10, random_state=0).fit(X)
    local = ex.explain(X.iloc[:30])
    phi, base = local.to_numpy(), local.base_value
    fig = P.waterfall(local, 2, max_features=3)
    steps = np.asarray(fig.data[0].x)
    assert steps.size == 4
    assert steps.sum() + base == pytest.approx(tree.predict(X.to_numpy()[[2]])[0])
    assert fig.data[0].y[-1].startswith(X.columns[np.abs(phi[2]).argmax()])
    bees = P.beeswarm(local)
    assert len(bees.data) == X.shape[1]
    np.testing.assert_allclose(bees.data[0].x, phi[:, np.abs(phi).mean(axis=0).argmax()])
    heat = P.shap_heatmap(local, order="prediction")
    assert np.all(np.diff(heat.data[0].y) >= 0)  # output rises left to right
    dep = P.dependence(local, "a", color_by="b")
    np.testing.assert_array_equal(dep.data[0].x, X["a"].to_numpy()[:30])
    result = ex.stability(scope="background", n_boot=4, random_state=0)
    bar = P.shap_bar(result)
    table = result.summary()
    np.testing.assert_allclose(bar.data[0].x, table["reference"].to_numpy())
    np.testing.assert_allclose(bar.data[0].error_x.array, (table["upper"] - table["reference"]))
    assert P.shap_bar(ex.explain()).data[0].error_x.array is None
    with pytest.raises(ValueError, match="dims"):
        P.beeswarm(ex.explain())
    with pytest.raises(ValueError, match="unknown feature"):
        P.dependence(local, "zzz")
    study = baseline_sensitivity(ex, X.iloc[:5], {"mean": "mean", "median": "median"})
    assert len(P.baseline_comparison(study).data) == 2
    conv = kernel_convergence(ex, X.iloc[:2], [10, 20, 62], n_repeats=3, reference="tree")
    kfig = P.kernel_convergence(conv)
    assert conv.exhaustive.tolist() == [False, False, True]
    assert len(kfig.data[0].x) == 2  # the exhaustive point has no variance to draw
    with pytest.raises(TypeError, match="KernelConvergence"):
        P.kernel_convergence(study)


def _friedman():
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(120, 6)), columns=list("abcdef"))
    y = X["a"] * X["b"] + np.sin(X["c"]) + X["d"]
    return X, y
