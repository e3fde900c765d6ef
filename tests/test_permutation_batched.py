"""interpkit.adapters.sklearn.permutation: scikit-learn's permutation importance, batched.

The oracle is scikit-learn's own function: the same importances, to the last
bit, for regressors and classifiers, with and without sample weights, in one
batch or many; other scorings and DataFrames go to scikit-learn itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.inspection import permutation_importance as sklearn_pi
from sklearn.linear_model import Ridge

from interpkit.adapters.sklearn import permutation
from interpkit.adapters.sklearn.permutation import permutation_importance


def _data(n=80, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = 2 * X[:, 0] - X[:, 1] + 0.5 * X[:, 2] ** 2 + rng.normal(size=n)
    return X, y


def _same(a, b):
    for key in ("importances", "importances_mean", "importances_std"):
        np.testing.assert_array_equal(a[key], b[key])


@pytest.mark.parametrize("max_bytes", [permutation.MAX_BYTES, 1])  # one batch; one copy each
def test_regressor_equals_sklearn(max_bytes):
    X, y = _data()
    est = RandomForestRegressor(25, random_state=0).fit(X[:60], y[:60])
    kw = {"n_repeats": 4, "random_state": 3}
    ours = permutation_importance(est, X[60:], y[60:], max_bytes=max_bytes, **kw)
    _same(ours, sklearn_pi(est, X[60:], y[60:], **kw))
    assert ours.importances.shape == (6, 4) and ours.importances_mean[0] > 0.2


def test_classifier_and_weights_equal_sklearn():
    X, y = _data()
    labels = (y > np.median(y)).astype(int)
    w = np.random.default_rng(1).integers(1, 4, size=20).astype(float)
    est = RandomForestClassifier(25, random_state=0).fit(X[:60], labels[:60])
    kw = {"n_repeats": 3, "random_state": 0, "sample_weight": w}
    _same(permutation_importance(est, X[60:], labels[60:], **kw),
          sklearn_pi(est, X[60:], labels[60:], **kw))  # fmt: skip
    reg = Ridge().fit(X[:60], y[:60])
    kw = {"n_repeats": 2, "random_state": np.random.RandomState(5), "sample_weight": w}
    ours = permutation_importance(reg, X[60:], y[60:], **kw)
    kw["random_state"] = np.random.RandomState(5)
    _same(ours, sklearn_pi(reg, X[60:], y[60:], **kw))


def test_predicts_in_few_calls():
    X, y = _data()
    est = RandomForestRegressor(10, random_state=0).fit(X, y)
    calls = []
    predict = est.predict
    est.predict = lambda Z: calls.append(len(Z)) or predict(Z)
    permutation_importance(est, X[:20], y[:20], n_repeats=3, random_state=0)
    assert calls == [20, 20 * 6 * 3]  # the baseline, then all 18 copies at once


def test_other_scorings_and_frames_go_to_sklearn(monkeypatch):
    X, y = _data()
    est = RandomForestRegressor(10, random_state=0).fit(X, y)
    seen = []
    real = sklearn_pi

    def spy(*args, **kwargs):
        seen.append(kwargs.get("scoring"))
        return real(*args, **kwargs)

    monkeypatch.setattr("sklearn.inspection.permutation_importance", spy)
    kw = {"n_repeats": 2, "random_state": 0}
    a = permutation_importance(est, X[:30], y[:30], scoring="neg_mean_absolute_error", **kw)
    _same(a, real(est, X[:30], y[:30], scoring="neg_mean_absolute_error", **kw))
    frame = pd.DataFrame(X[:30], columns=list("abcdef"))
    est_df = RandomForestRegressor(10, random_state=0).fit(
        pd.DataFrame(X, columns=list("abcdef")), y
    )
    _same(permutation_importance(est_df, frame, y[:30], **kw), real(est_df, frame, y[:30], **kw))
    assert seen == ["neg_mean_absolute_error", None]


def test_importance_explainer_unchanged():
    """ImportanceExplainer(method="permutation") still gives scikit-learn's numbers."""
    import interpkit

    X, y = _data(120, 5)
    Xf = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)])
    ex = interpkit.ImportanceExplainer(
        RandomForestRegressor(30), method="permutation", n_repeats=3, random_state=0
    ).fit(Xf, y)
    test = ex.test_indices_
    expected = sklearn_pi(ex.estimator_, X[test], y[test], n_repeats=3, random_state=0)
    np.testing.assert_array_equal(ex.explain().to_numpy(), expected.importances_mean)
