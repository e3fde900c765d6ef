"""The checks of the Explainer contract, one function per property.

In the spirit of scikit-learn's ``estimator_checks``: each check takes an
explainer, data it can fit (``X`` a DataFrame, ``y`` its target) and asserts
one property with plain ``assert``. :func:`interpkit.checks.check_explainer`
chooses which apply from the explainer's tags.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
)

from interpkit.checks._asserts import raises
from interpkit.explanation import Explanation, load


def check_sklearn_conventions(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    name = type(explainer).__name__
    check_no_attributes_set_in_init(name, explainer)
    check_get_params_invariance(name, explainer)
    check_parameters_default_constructible(name, explainer)
    assert not [k for k in vars(explainer) if k.endswith("_") and not k.startswith("_")]


def check_not_fitted_errors(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    for what, call in (
        ("explain()", lambda: explainer.explain()),
        ("explain(X)", lambda: explainer.explain(X)),
        ("predict(X)", lambda: explainer.predict(X)),
    ):
        try:
            call()
        except NotFittedError:
            continue
        raise AssertionError(f"{what} on an unfitted explainer did not raise NotFittedError")


def check_fit_returns_self_and_keeps_names(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    assert explainer.fit(X, y) is explainer
    assert list(explainer.feature_names_in_) == list(X.columns)
    assert explainer.n_features_in_ == X.shape[1]
    glob = explainer.explain()
    assert isinstance(glob, Explanation)
    assert "feature" in glob.dims and glob.feature_names == list(X.columns)
    assert glob.method and glob.backend and "interpkit" in glob.versions


def check_local_explanations(explainer: Any, X: pd.DataFrame, y: Any) -> None:
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


def check_clone(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    fitted = clone(explainer).fit(X, y)
    copy = clone(fitted)
    # repr, not ==: estimator-valued parameters compare by identity
    assert repr(copy.get_params(deep=False)) == repr(fitted.get_params(deep=False))
    with raises(NotFittedError, match=""):
        copy.explain()
    assert copy.fit(X, y).explain().equals(fitted.explain())


def check_deterministic(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    a = clone(explainer).fit(X, y).explain()
    b = clone(explainer).fit(X, y).explain()
    assert a.equals(b), "two fits with the same parameters gave different explanations"


def check_save_load(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    expl = clone(explainer).fit(X, y).explain(X.iloc[:3])
    with tempfile.TemporaryDirectory() as tmp:
        assert load(expl.save(Path(tmp) / "e.ipk")).equals(expl)


def check_bad_X(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    """Missing, infinite, text and 1-D features are refused at fit, in the user's terms."""
    est = clone(explainer)
    raw = est.__interpkit_tags__().raw_table  # takes text and missing values as they are
    with_nan = X.copy()
    with_nan.iloc[2, 1] = np.nan
    if not raw:
        with raises(ValueError, match="missing values"):
            est.fit(with_nan, y)
    with_inf = X.copy()
    with_inf.iloc[0, 0] = np.inf
    with raises(ValueError, match="infinite"):
        est.fit(with_inf, y)
    with_text = X.assign(colour=["red", "blue"] * (len(X) // 2) + ["red"] * (len(X) % 2))
    if est.__interpkit_tags__().encodes_text:  # one level against the other, named
        names = clone(explainer).fit(with_text, y).explain().feature_names
        if "colour=red" not in names or "colour=blue" in names:
            raise AssertionError(
                f"a text column with levels blue, red should be explained as 'colour=red' "
                f"(blue the reference level), got features {names}"
            )
    elif not raw:
        with raises(TypeError, match="non-numeric columns.*colour"):
            est.fit(with_text, y)
    with raises(ValueError, match="1-D"):
        est.fit(X.iloc[:, 0].to_numpy(), y)


def check_bad_y(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    """A target of the wrong length, or none, is refused; so is a constant feature."""
    est = clone(explainer)
    with raises(ValueError, match="y has 3 values but X has"):
        est.fit(X, y[:3])
    with raises(ValueError, match="constant columns.*flat"):
        est.fit(X.assign(flat=1.0), y)
    with raises(ValueError, match="y is None"):
        est.fit(X, None)


def check_bad_rows_after_fit(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    """Rows to explain or predict must have the columns seen at fit."""
    est = clone(explainer).fit(X, y)
    with raises(ValueError, match="missing columns"):
        est.explain(X.drop(columns=X.columns[0]))
    with raises(ValueError, match="columns but the explainer was fit on"):
        est.explain(X.to_numpy()[:, :2])
    with_nan = X.copy()
    with_nan.iloc[2, 1] = np.nan
    if not est.__interpkit_tags__().raw_table:
        with raises(ValueError, match="missing values"):
            est.predict(with_nan)


def check_regression_refuses_labels(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    """A regression-only explainer refuses class labels instead of fitting them as numbers."""
    labels = np.where(np.arange(len(X)) % 2 == 0, "yes", "no")
    with raises((TypeError, ValueError), match="non-numeric|regression"):
        clone(explainer).fit(X, labels)


def check_binary_outputs(explainer: Any, X: pd.DataFrame, y: Any) -> None:
    """On two classes: one finite output per row, probabilities in [0, 1]."""
    classes = np.unique(np.asarray(y))
    assert classes.size == 2, "check_binary_outputs needs a binary y"
    est = clone(explainer).fit(X, y)
    out = np.asarray(est.predict(X))
    assert out.shape == (len(X),) and np.all(np.isfinite(out.astype(np.float64)))
    if hasattr(est, "predict_proba"):
        proba = np.asarray(est.predict_proba(X))
        assert proba.shape[0] == len(X)
        assert np.all((proba >= 0) & (proba <= 1))
