"""Every user mistake gets an error in the user's terms (issue 17, section 5).

Each test makes one mistake and checks the error type and that the message
names the mistake and the way out, not numpy's, scikit-learn's or joblib's
wording.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

import interpkit


def _data(n: int = 40) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    return X, X["a"] + 0.1 * pd.Series(rng.normal(size=n))


def _explainers():
    return [
        interpkit.ImportanceExplainer(RandomForestRegressor(5)),
        interpkit.LassoExplainer(cv=3),
        interpkit.ShapExplainer(estimator=RandomForestRegressor(5)),
    ]


@pytest.mark.parametrize("ex", _explainers(), ids=lambda e: type(e).__name__)
def test_duplicate_column_names(ex):
    X, y = _data()
    X.columns = ["a", "b", "a"]
    with pytest.raises(ValueError, match=r"duplicate column names \['a'\]"):
        ex.fit(X, y)


@pytest.mark.parametrize("ex", _explainers(), ids=lambda e: type(e).__name__)
def test_one_row_says_one_row(ex):
    X, y = _data()
    with pytest.raises(ValueError, match="one row"):
        ex.fit(X.iloc[:1], y.iloc[:1])


@pytest.mark.parametrize("ex", _explainers(), ids=lambda e: type(e).__name__)
def test_dict_input(ex):
    X, y = _data()
    with pytest.raises(TypeError, match=r"X is a dict; pass a pandas DataFrame"):
        ex.fit({c: X[c].to_numpy() for c in X}, y)


def test_sparse_input():
    from scipy import sparse

    X, y = _data()
    with pytest.raises(TypeError, match="sparse.*toarray"):
        interpkit.ImportanceExplainer(RandomForestRegressor(5)).fit(sparse.csr_matrix(X), y)


@pytest.mark.parametrize("ex", _explainers(), ids=lambda e: type(e).__name__)
def test_a_column_of_1e300_is_refused(ex):
    X, y = _data()
    X["c"] = X["c"] * 1e300  # its variance overflows float64
    with pytest.raises(ValueError, match=r"\['c'\].*so large.*overflows.*rescale"):
        ex.fit(X, y)


def test_n_jobs_zero():
    X, y = _data()
    ex = interpkit.ImportanceExplainer(RandomForestRegressor(5))
    with pytest.raises(ValueError, match="n_jobs=0 means no workers; use n_jobs=1"):
        ex.stability(X, y, n_boot=2, n_jobs=0)


@pytest.mark.parametrize("seed", ["abc", 1.5, True])
def test_random_state_that_is_not_a_seed(seed):
    X, y = _data()
    with pytest.raises(TypeError, match="random_state must be None, an int seed"):
        interpkit.ImportanceExplainer(RandomForestRegressor(5), random_state=seed).fit(X, y)
    with pytest.raises(TypeError, match="random_state must be None, an int seed"):
        interpkit.ImportanceExplainer(RandomForestRegressor(5)).stability(
            X, y, n_boot=2, random_state=seed
        )
    with pytest.raises(ValueError, match=r"in \[0, 2\*\*32\)"):
        interpkit.LassoExplainer(random_state=-3).fit(X, y)


def test_estimator_that_is_not_an_estimator():
    X, y = _data()
    with pytest.raises(TypeError, match="estimator must be a scikit-learn estimator.*str"):
        interpkit.ImportanceExplainer("random forest").fit(X, y)
    with pytest.raises(
        TypeError, match=r"the class RandomForestRegressor.*RandomForestRegressor\(\)"
    ):
        interpkit.ImportanceExplainer(RandomForestRegressor).fit(X, y)
    with pytest.raises(TypeError, match="model must be a fitted model with predict"):
        interpkit.ShapExplainer(model=object()).fit(X)


def test_unknown_scoring_name_before_any_fit():
    X, y = _data()
    yc = (y > 0).astype(int)
    ex = interpkit.ImportanceExplainer(
        RandomForestClassifier(5), method="permutation", scoring="acuracy"
    )
    with pytest.raises(ValueError, match="unknown scoring 'acuracy'; did you mean 'accuracy'"):
        ex.fit(X, yc)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda X: X.drop(columns="c"), r"missing columns seen at fit time: \['c'\]"),
        (lambda X: X.assign(d=1.0), r"columns not seen at fit time: \['d'\]"),
        (lambda X: X.rename(columns={"b": "B"}), r"missing.*\['b'\].*not seen.*\['B'\]"),
    ],
)
def test_explain_time_columns_that_differ_from_fit_time(change, message):
    X, y = _data()
    ex = interpkit.ImportanceExplainer(RandomForestRegressor(5), random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=message):
        ex.explain(change(X.iloc[:3]))
    ex.explain(X.iloc[:3][["c", "a", "b"]])  # the same columns in another order are fine
