"""Private helpers shared by :mod:`interpkit.trees` and :mod:`interpkit.boosting`.

Unwrapping a fitted scikit-learn tree (or an interpkit explainer around one),
checking X against its features, resolving feature names/indices and passing
rows to the tree the way it was fit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils.validation import check_is_fitted

from interpkit._validation import check_X
from interpkit.explainer import Explainer


def _unwrap_tree(model: Any, func: str) -> tuple[Any, list[str] | None]:
    """The fitted sklearn tree inside ``model`` and feature names it knows, if any."""
    names = None
    tree = model
    if isinstance(model, Explainer):  # e.g. ImportanceExplainer(DecisionTreeRegressor())
        check_is_fitted(model)
        tree = getattr(model, "estimator_", None)
        names = [str(f) for f in model.feature_names_in_]
    if not isinstance(tree, DecisionTreeRegressor | DecisionTreeClassifier):
        hint = ""
        if hasattr(tree, "estimators_") or hasattr(tree, "n_estimators"):
            hint = "; for an ensemble pass one of its trees, e.g. forest.estimators_[0]"
        raise TypeError(
            f"{func}() needs one fitted decision tree (DecisionTreeRegressor or "
            f"DecisionTreeClassifier, or an interpkit explainer wrapping one), "
            f"got {type(tree).__name__}{hint}"
        )
    check_is_fitted(tree)
    if tree.n_outputs_ != 1:
        raise ValueError(f"{func}() handles single-output trees; this one has {tree.n_outputs_}")
    if names is None and hasattr(tree, "feature_names_in_"):
        names = [str(f) for f in tree.feature_names_in_]
    return tree, names


def _check_X_for(X: Any, names: list[str] | None, n_features: int) -> tuple[np.ndarray, list[str]]:
    """X as floats with the tree's columns, and the feature names to show."""
    if names is None and isinstance(X, pd.DataFrame) and X.shape[1] == n_features:
        names = [str(c) for c in X.columns]
    names = names or [f"x{j}" for j in range(n_features)]
    arr = check_X(X, feature_names=names)
    return arr, names


def _feature_index(f: int | str, names: list[str], func: str) -> int:
    if isinstance(f, int | np.integer) and not isinstance(f, bool):
        if not 0 <= f < len(names):
            raise ValueError(f"{func}(): feature index {f} out of range for {len(names)} features")
        return int(f)
    if str(f) not in names:
        raise ValueError(f"{func}(): unknown feature {f!r}; the tree's features are {names}")
    return names.index(str(f))


def _tree_input(tree: Any, arr: np.ndarray) -> Any:
    """Rows as the tree was fit: a DataFrame when it knows feature names (no sklearn warning)."""
    if hasattr(tree, "feature_names_in_"):
        return pd.DataFrame(arr, columns=tree.feature_names_in_)
    return arr
