"""The shared contract every registered adapter must pass.

In the spirit of scikit-learn's ``estimator_checks``: each function takes an
unfitted explainer and data it can fit, and asserts one property of the
``Explainer`` contract. ``tests/test_contract.py`` runs every check over
every adapter in ``interpkit.adapters.REGISTRY``; a new adapter only adds a
case there.
"""

from __future__ import annotations

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
)

import interpkit


def check_sklearn_conventions(explainer, X, y):
    name = type(explainer).__name__
    check_no_attributes_set_in_init(name, explainer)
    check_get_params_invariance(name, explainer)
    check_parameters_default_constructible(name, explainer)
    assert not [k for k in vars(explainer) if k.endswith("_") and not k.startswith("_")]


def check_not_fitted_errors(explainer, X, y):
    for call in (
        lambda: explainer.explain(),
        lambda: explainer.explain(X),
        lambda: explainer.predict(X),
    ):
        with pytest.raises(NotFittedError):
            call()


def check_fit_returns_self_and_keeps_names(explainer, X, y):
    assert explainer.fit(X, y) is explainer
    assert list(explainer.feature_names_in_) == list(X.columns)
    assert explainer.n_features_in_ == X.shape[1]
    glob = explainer.explain()
    assert isinstance(glob, interpkit.Explanation)
    assert "feature" in glob.dims and glob.feature_names == list(X.columns)
    assert glob.method and glob.backend and "interpkit" in glob.versions


def check_local_explanations(explainer, X, y):
    explainer.fit(X, y)
    rows = X.iloc[:5]
    local = explainer.explain(rows)
    assert local.dims[0] == "sample" and local.values.sizes["sample"] == 5
    assert list(local.values.coords["sample"].values) == list(rows.index)
    # numpy input gives the same numbers as the DataFrame
    np.testing.assert_array_equal(explainer.explain(rows.to_numpy()).to_numpy(), local.to_numpy())
    # DataFrame columns are matched by name, not position
    shuffled = rows[list(reversed(rows.columns))]
    np.testing.assert_allclose(explainer.explain(shuffled).to_numpy(), local.to_numpy())


def check_clone(explainer, X, y):
    fitted = clone(explainer).fit(X, y)
    copy = clone(fitted)
    # repr, not ==: estimator-valued parameters compare by identity
    assert repr(copy.get_params(deep=False)) == repr(fitted.get_params(deep=False))
    with pytest.raises(NotFittedError):
        copy.explain()
    assert copy.fit(X, y).explain().equals(fitted.explain())


def check_deterministic(explainer, X, y):
    a = clone(explainer).fit(X, y).explain()
    b = clone(explainer).fit(X, y).explain()
    assert a.equals(b)


def check_stability_independent_of_n_jobs(explainer, X, y):
    kwargs = dict(n_boot=4, random_state=3, X_eval=X.iloc[:3], progress=False)
    serial = explainer.stability(X, y, n_jobs=1, **kwargs)
    processes = explainer.stability(X, y, n_jobs=2, **kwargs)
    with joblib.parallel_config(backend="threading"):
        threads = explainer.stability(X, y, n_jobs=2, **kwargs)
    assert serial.replicates.dims[0] == "replicate"
    assert serial.n_replicates == 4
    # exact equality: thread counts are fixed per replicate, so no float may move
    for parallel in (processes, threads):
        assert serial.replicates.equals(parallel.replicates)
        np.testing.assert_array_equal(serial.predictions.values, parallel.predictions.values)
        pd.testing.assert_frame_equal(serial.summary(), parallel.summary())
    assert set(serial.summary().index) == set(X.columns)


def check_save_load(explainer, X, y, tmp_path):
    expl = clone(explainer).fit(X, y).explain(X.iloc[:3])
    assert interpkit.load(expl.save(tmp_path / "e.ipk")).equals(expl)


def _expect(exc, match, func, *args):
    with pytest.raises(exc, match=match):
        func(*args)


def check_bad_input(explainer, X, y):
    est = clone(explainer)
    with_nan = X.copy()
    with_nan.iloc[2, 1] = np.nan
    _expect(ValueError, "missing values", est.fit, with_nan, y)
    with_inf = X.copy()
    with_inf.iloc[0, 0] = np.inf
    _expect(ValueError, "infinite", est.fit, with_inf, y)
    with_text = X.assign(colour=["red", "blue"] * (len(X) // 2) + ["red"] * (len(X) % 2))
    _expect(TypeError, "non-numeric columns.*colour", est.fit, with_text, y)
    _expect(ValueError, "y has 3 values but X has", est.fit, X, y[:3])
    _expect(ValueError, "constant columns.*flat", est.fit, X.assign(flat=1.0), y)
    _expect(ValueError, "1-D", est.fit, X.iloc[:, 0].to_numpy(), y)
    _expect(TypeError, "y is None", est.fit, X, None)
    est.fit(X, y)
    _expect(ValueError, "missing columns", est.explain, X.drop(columns=X.columns[0]))
    _expect(ValueError, "columns but the explainer was fit on", est.explain, X.to_numpy()[:, :2])
    _expect(ValueError, "missing values", est.predict, with_nan)


CHECKS = [
    check_sklearn_conventions,
    check_not_fitted_errors,
    check_fit_returns_self_and_keeps_names,
    check_local_explanations,
    check_clone,
    check_deterministic,
    check_stability_independent_of_n_jobs,
    check_bad_input,
]
