"""interpkit.checks catches broken explainers, by check name, and passes a sound one."""

import math

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from interpkit.checks import ExplainerCheckError, check_explainer, raises
from interpkit.explainer import Explainer, library_versions
from interpkit.explanation import Explanation


def _dot(A, b):
    # exactly rounded sums: BLAS results may move with a worker copy's memory alignment
    return np.array([math.fsum(row * b) for row in np.atleast_2d(A)])


class LeastSquares(Explainer):
    """A sound toy: OLS coefficients (global), coefficient x centred value (local)."""

    def __init__(self, ridge: float = 0.0):
        self.ridge = ridge

    def _fit(self, X, y):
        Xc = X - X.mean(axis=0)
        gram = np.array([_dot(Xc.T, col) for col in Xc.T]) + self.ridge * np.eye(X.shape[1])
        self.coef_ = np.linalg.solve(gram, _dot(Xc.T, y - y.mean()))
        self.means_ = X.mean(axis=0)
        self.intercept_ = y.mean() - _dot(self.means_, self.coef_)[0]

    def _names(self):
        return [str(f) for f in self.feature_names_in_]

    def _expl(self, values):
        return Explanation(values=values, method="ols", backend="numpy",
                           versions=library_versions("numpy"))  # fmt: skip

    def _explain_global(self):
        return self._expl(xr.DataArray(self.coef_, dims=("feature",),
                                       coords={"feature": self._names()}))  # fmt: skip

    def _explain_local(self, X):
        values = (X - self.means_) * self.coef_
        return self._expl(xr.DataArray(values, dims=("sample", "feature"),
                                       coords={"feature": self._names()}))  # fmt: skip

    def _predict(self, X):
        return self.intercept_ + _dot(X, self.coef_)


class DependsOnJobs(LeastSquares):
    """Broken: each replicate's answer depends on which process computed it."""

    def _fit(self, X, y):
        super()._fit(X, y)
        import os

        self.coef_ = self.coef_ + (os.getpid() % 997) * 1e-9


class DropsNames(LeastSquares):
    """Broken: forgets the feature names in its global explanation."""

    def _names(self):
        return [f"f{j}" for j in range(len(self.feature_names_in_))]


class NoBadInputCheck(LeastSquares):
    """Broken: fits NaN rows silently (its own fit skips interpkit's validation)."""

    def fit(self, X, y):
        X_arr = np.nan_to_num(np.asarray(X, dtype=float))
        names = list(X.columns) if isinstance(X, pd.DataFrame) else None
        names = names or [f"x{j}" for j in range(X_arr.shape[1])]
        return self._fit_checked(X_arr, np.asarray(y, dtype=float), names)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 4)), columns=["a", "b", "c", "d"])
    y = 1.5 * X["a"] - X["b"] + rng.normal(scale=0.3, size=60)
    return X, y


def _status(results):
    return {r.name: r.status for r in results}


def test_sound_explainer_passes_every_applicable_check(data):
    results = check_explainer(LeastSquares(), *data)
    status = _status(results)
    assert status["check_stability_independent_of_n_jobs[rows]"] == "passed"
    assert status["check_local_explanations"] == "passed"
    assert status["check_bad_X"] == "passed"
    assert set(status.values()) <= {"passed", "skipped"}
    # on a regression target the binary check does not apply, and says why
    skipped = {r.name: r.reason for r in results if r.status == "skipped"}
    assert skipped == {"check_binary_outputs": "not a binary explainer on a binary y"}


def test_arrays_get_names(data):
    X, y = data
    assert {r.status for r in check_explainer(LeastSquares(), X.to_numpy(), y.to_numpy())} <= {
        "passed",
        "skipped",
    }


@pytest.mark.parametrize(
    "broken, failing",
    [
        (DependsOnJobs, {"check_stability_independent_of_n_jobs[rows]"}),
        (DropsNames, {"check_fit_returns_self_and_keeps_names"}),
        (NoBadInputCheck, {"check_bad_X"}),
    ],
)
def test_broken_explainers_fail_the_right_checks(data, broken, failing):
    with pytest.raises(ExplainerCheckError, match=f"{broken.__name__} failed") as info:
        check_explainer(broken(), *data)
    failed = {r.name for r in info.value.results if r.status == "failed"}
    assert failing <= failed
    # nothing unrelated is blamed
    assert "check_sklearn_conventions" not in failed and "check_not_fitted_errors" not in failed
    # on_fail=None returns the same results instead of raising
    assert {r.name for r in check_explainer(broken(), *data, on_fail=None)
            if r.status == "failed"} == failed  # fmt: skip


def test_tags_choose_the_checks(data):
    import dataclasses

    class NoRows(LeastSquares):
        def __interpkit_tags__(self):
            return dataclasses.replace(super().__interpkit_tags__(), explains_rows=False,
                                       scopes=("rows", "noise"))  # fmt: skip

    status = {r.name: (r.status, r.reason) for r in check_explainer(NoRows(), *data)}
    assert status["check_local_explanations"] == ("skipped", "explains no rows")
    assert status["check_stability_independent_of_n_jobs[noise]"][0] == "skipped"
    assert "recipe" in status["check_stability_independent_of_n_jobs[noise]"][1]


def test_real_explainer_passes():
    from interpkit import LassoExplainer
    from interpkit.datasets import load_prostate

    X, y = load_prostate(return_X_y=True)
    results = check_explainer(LassoExplainer(cv=3, random_state=0), X, y)
    assert _status(results)["check_stability_independent_of_n_jobs[rows]"] == "passed"


def test_raises_helper():
    with raises(ValueError, match="bad"):
        raise ValueError("a bad value")
    with pytest.raises(AssertionError, match="does not match"):
        with raises(ValueError, match="good"):
            raise ValueError("a bad value")
    with pytest.raises(AssertionError, match="did not raise"):
        with raises(ValueError, match=""):
            pass


def test_binary_checks_run_by_tasks(data):
    from interpkit import LassoExplainer

    X, _ = data
    y = (X["a"] - X["b"] > 0).astype(int)
    status = _status(check_explainer(LassoExplainer(family="binomial", cv=3, random_state=0), X, y))
    assert status["check_binary_outputs"] == "passed"
    assert status["check_regression_refuses_labels"] == "skipped"
