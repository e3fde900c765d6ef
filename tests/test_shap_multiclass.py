"""Multiclass SHAP: a "class" dim, per-class additivity, values equal shap called directly."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from interpkit.adapters.shap import ShapExplainer
from tests.test_shap import _brute_force_shapley

shap = pytest.importorskip("shap")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    rf = RandomForestClassifier(n_estimators=15, max_depth=4, random_state=0).fit(X, y)
    lr = LogisticRegression(max_iter=1000).fit(X, y)
    return X, y, rf, lr


def _additivity(local, f):
    total = local.values.sum("feature").transpose("sample", "class").to_numpy()
    base = local.base_value
    base = base.to_numpy() if base.dims == ("class",) else base.transpose("sample", "class")
    return np.abs(total + np.asarray(base) - f).max()


def test_tree_equals_shap_directly_per_class():
    # values on a grid of quarters: every split point is exact in float32, where shap's
    # kernel is exact too (see test_shap_tree_additivity for the other case)
    rng = np.random.default_rng(0)
    X = rng.integers(0, 12, size=(200, 4)) / 4
    y = (X[:, 0] > 1.4).astype(int) + (X[:, 1] + X[:, 2] > 3)
    rf = RandomForestClassifier(n_estimators=10, max_depth=5, random_state=0).fit(X, y)
    ex = ShapExplainer(model=rf, background=X[::10]).fit(X)
    local = ex.explain(X[:12])
    assert ex.algorithm_ == "tree" and local.dims == ("sample", "feature", "class")
    assert list(local.values.coords["class"].values) == ["0", "1", "2"]
    direct = shap.TreeExplainer(rf, data=X[::10], feature_perturbation="interventional")
    phi = np.asarray(direct.shap_values(X[:12], check_additivity=False))
    np.testing.assert_allclose(local.to_numpy(), phi, atol=1e-6, rtol=0)
    np.testing.assert_allclose(local.base_value.to_numpy(), direct.expected_value, atol=1e-12)
    assert _additivity(local, rf.predict_proba(X[:12])) < 1e-6
    glob = ex.explain()
    assert glob.dims == ("feature", "class")
    assert glob.output_name == "probability(each of 3 classes)"


def test_tree_on_iris_equals_brute_force_shapley_per_class(iris):
    X, _, rf, _ = iris
    background = X[::5]
    local = ShapExplainer(model=rf, background=background).fit(X).explain(X[:3])
    for k in range(3):
        truth = [
            _brute_force_shapley(lambda Z, k=k: rf.predict_proba(Z)[:, k], x, background)
            for x in X[:3]
        ]
        np.testing.assert_allclose(local.to_numpy()[:, :, k], truth, atol=1e-7)
    # shap alone is off here by 7e-4 (a split point between float32 neighbours)
    assert _additivity(local, rf.predict_proba(X[:3])) < 1e-7


@pytest.mark.parametrize("algorithm", ["permutation", "exact"])
def test_permutation_and_exact_equal_shap_directly(iris, algorithm):
    X, _, rf, _ = iris
    ex = ShapExplainer(model=rf, algorithm=algorithm, background=10, random_state=0).fit(X)
    local = ex.explain(X[:6])
    masker = shap.maskers.Independent(ex.background_, max_samples=10)
    if algorithm == "permutation":
        direct = shap.PermutationExplainer(rf.predict_proba, masker, seed=ex.seed_)
        out = direct(X[:6], max_evals=10 * 4 + 1, silent=True)
    else:
        out = shap.ExactExplainer(rf.predict_proba, masker)(X[:6], silent=True)
    np.testing.assert_allclose(local.to_numpy(), out.values, atol=1e-12)
    assert _additivity(local, rf.predict_proba(X[:6])) < 1e-9


def test_kernel_is_additive_per_class_and_matches_shap(iris):
    X, _, rf, _ = iris
    ex = ShapExplainer(model=rf, algorithm="kernel", nsamples=60, background=8, random_state=0)
    local = ex.fit(X).explain(X[:5])
    assert _additivity(local, rf.predict_proba(X[:5])) < 1e-9
    np.random.seed(ex.seed_)  # noqa: NPY002 - shap's KernelExplainer draws from it
    direct = shap.KernelExplainer(rf.predict_proba, ex.background_)
    phi = np.asarray(direct.shap_values(X[:5], nsamples=60, l1_reg=False, silent=True))
    np.testing.assert_allclose(local.to_numpy(), phi, atol=1e-10)


def test_linear_margins_are_coef_times_centred_x(iris):
    X, _, _, lr = iris
    ex = ShapExplainer(model=lr, output="log_odds", background="mean").fit(X)
    local = ex.explain(X[:7])
    assert ex.algorithm_ == "linear"
    expected = (X[:7] - X.mean(axis=0))[:, :, None] * lr.coef_.T[None, :, :]
    np.testing.assert_allclose(local.to_numpy(), expected, atol=1e-10)
    assert _additivity(local, lr.decision_function(X[:7])) < 1e-10
    assert local.output_name == "decision_function(each of 3 classes)"


def test_estimator_fits_three_classes(iris):
    X, y, _, _ = iris
    est = RandomForestClassifier(n_estimators=5, max_depth=3)
    ex = ShapExplainer(estimator=est, background=10, random_state=0).fit(X, y)
    assert ex._task() == "classification"  # check_y's name: two or more classes
    glob = ex.explain()
    assert glob.values.sizes == {"feature": 4, "class": 3}
    result = ex.stability(scope="background", n_boot=3, random_state=0)
    assert result.replicates.dims == ("replicate", "feature", "class")
    # refits of the fitted explainer on resampled rows (y checked as 3 classes, not refused)
    refit = ex.stability(X, y, scope="rows", n_boot=2, random_state=0, progress=False)
    assert refit.replicates.dims == ("replicate", "feature", "class")


def test_multiclass_refusals_name_the_way_out(iris):
    X, y, rf, _ = iris
    gb = GradientBoostingClassifier(n_estimators=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="algorithm='tree' cannot explain"):
        ShapExplainer(model=gb, algorithm="tree", output="log_odds").fit(X)
    with pytest.raises(ValueError, match="no decision_function"):
        ShapExplainer(model=rf, output="log_odds").fit(X)
    with pytest.raises(ValueError, match="is a classifier"):
        ShapExplainer(model=rf, output="prediction").fit(X)
