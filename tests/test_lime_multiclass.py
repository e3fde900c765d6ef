"""Multiclass LIME: one fit per class on the same samples, equal to lime called directly."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier

from interpkit.adapters.lime import LimeExplainer

lime_tabular = pytest.importorskip("lime.lime_tabular")


@pytest.fixture(scope="module")
def fitted():
    X, y = load_iris(return_X_y=True)
    rf = RandomForestClassifier(n_estimators=10, max_depth=3, random_state=0).fit(X, y)
    ex = LimeExplainer(model=rf, num_samples=300, random_state=0).fit(X)
    return X, rf, ex, ex.explain(X[:3])


def test_class_dim_and_values_equal_lime_directly(fitted):
    X, rf, ex, local = fitted
    assert local.dims == ("sample", "feature", "class")
    for k in (0, 2):
        direct = lime_tabular.LimeTabularExplainer(
            X, mode="regression", feature_names=ex._names(), random_state=0
        )
        for i in range(3):
            rs = np.random.RandomState((ex.seed_ + 7919 * i) % (2**31 - 1))
            direct.random_state = direct.base.random_state = rs
            direct.discretizer.random_state = rs
            exp = direct.explain_instance(
                X[i], lambda Z, k=k: rf.predict_proba(Z)[:, k], num_features=4, num_samples=300
            )
            weights = np.zeros(4)
            for j, w in exp.local_exp[1]:
                weights[j] = w
            np.testing.assert_allclose(local.to_numpy()[i, :, k], weights, atol=1e-12)


def test_probabilities_sum_to_one_so_weights_sum_to_zero(fitted):
    # the same samples and kernel weights for every class: the ridge fits are linear in
    # the target, and the targets (class probabilities) sum to the constant 1
    _, _, _, local = fitted
    np.testing.assert_allclose(local.values.sum("class").to_numpy(), 0.0, atol=1e-10)
    np.testing.assert_allclose(local.base_value.sum("class").to_numpy(), 1.0, atol=1e-10)


def test_global_has_a_class_dim(fitted):
    X, rf, _, _ = fitted
    glob = LimeExplainer(model=rf, num_samples=100, n_global_rows=4, random_state=0).fit(X)
    glob = glob.explain()
    assert glob.dims == ("feature", "class")
    assert list(glob.values.coords["class"].values) == ["0", "1", "2"]
