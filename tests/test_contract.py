"""Run the shared Explainer contract (tests/contract.py) over every registered adapter."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.tree import DecisionTreeRegressor

from interpkit.adapters import REGISTRY
from tests import contract


def _regression_data(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 5)), columns=["a", "b", "c", "d", "e"])
    X.index = [f"row{i}" for i in range(n)]
    y = pd.Series(2 * X["a"] - X["c"] + rng.normal(scale=0.5, size=n), index=X.index)
    return X, y


# adapter name -> (unfitted explainer, data). A new adapter adds its case here.
CASES = {
    "lasso": lambda: (REGISTRY["lasso"](cv=5, random_state=0), *_regression_data()),
    "ridge": lambda: (REGISTRY["ridge"](cv=5, random_state=0), *_regression_data()),
    "enet": lambda: (REGISTRY["enet"](alpha=0.5, cv=5, random_state=0), *_regression_data()),
    # the default estimator (a random forest): check_clone compares get_params() with ==,
    # which an estimator-valued parameter only passes when it is None
    "mdi": lambda: (REGISTRY["mdi"](method="mdi", random_state=0), *_regression_data()),
    "permutation": lambda: (
        REGISTRY["permutation"](method="permutation", n_repeats=3, random_state=0),
        *_regression_data(),
    ),
    "mdi_plus": lambda: (
        REGISTRY["mdi_plus"](
            RandomForestRegressor(n_estimators=8), method="mdi_plus", random_state=0
        ),
        *_regression_data(),
    ),
    "shap": lambda: (
        REGISTRY["shap"](
            estimator=DecisionTreeRegressor(max_depth=3),
            background=20,
            n_global_rows=40,
            random_state=0,
        ),
        *_regression_data(),
    ),
    "lime": lambda: (
        REGISTRY["lime"](
            estimator=DecisionTreeRegressor(max_depth=3),
            num_samples=100,
            n_global_rows=8,
            random_state=0,
        ),
        *_regression_data(),
    ),
    "ebm": lambda: (
        REGISTRY["ebm"](interactions=0, outer_bags=3, max_rounds=200, random_state=0),
        *_regression_data(),
    ),
    "gp": lambda: (REGISTRY["gp"](n_restarts=1, max_iter=10, random_state=0), *_regression_data()),
}


def test_every_registered_adapter_has_a_case():
    assert set(REGISTRY) == set(CASES)


@pytest.mark.parametrize("check", contract.CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", sorted(CASES))
def test_contract(name, check):
    explainer, X, y = CASES[name]()
    check(explainer, X, y)


@pytest.mark.parametrize("name", sorted(CASES))
def test_contract_save_load(name, tmp_path):
    explainer, X, y = CASES[name]()
    contract.check_save_load(explainer, X, y, tmp_path)
