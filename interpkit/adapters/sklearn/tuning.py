"""Hyperparameter tuning by CV inside ``ImportanceExplainer.fit``, and its holdout split.

A stability replicate clones the explainer and fits it again, so the grid
search runs again on the replicate's rows, as the glmnet adapter re-tunes
lambda. Copies of one original row (a bootstrap sample repeats rows) are
kept in one fold: split apart, CV scores a row the model was trained on and
rewards overfitting (e.g. a too-small ``ccp_alpha`` or too-deep trees).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "check_param_grid",
    "copy_groups",
    "grid_search",
    "holdout_split",
    "scalar_params",
    "tuned_copy",
]


def copy_groups(X: np.ndarray) -> np.ndarray:
    """Group id per row; identical rows share one, numbered by first appearance."""
    _, first, inverse = np.unique(X, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[inverse]


def holdout_split(
    X: np.ndarray, y: np.ndarray, test_size: float, random_state: Any, classifier: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Train/test rows; identical rows stay on one side (bootstrap copies)."""
    from sklearn.model_selection import train_test_split

    # group ids numbered by first appearance, so without repeats group g is row g
    group = copy_groups(X)
    n_groups = int(group.max()) + 1
    group_first_row = np.unique(group, return_index=True)[1]
    stratify = None
    if classifier:
        labels = y[group_first_row]
        _, counts = np.unique(labels, return_counts=True)
        if counts.min() >= 2 and counts.size >= 2:
            stratify = labels
    try:
        train_g, test_g = train_test_split(
            np.arange(n_groups),
            test_size=test_size,
            random_state=random_state,
            stratify=stratify,
        )
    except ValueError:  # too few rows of a class to stratify at this test_size
        train_g, test_g = train_test_split(
            np.arange(n_groups), test_size=test_size, random_state=random_state
        )
    # rows in train_test_split's order (the order changes RF fits and shuffles)
    position = np.empty(n_groups, dtype=np.int64)
    position[train_g] = np.arange(train_g.size)
    position[test_g] = np.arange(test_g.size)
    in_test = np.zeros(n_groups, dtype=bool)
    in_test[test_g] = True
    rows = np.arange(X.shape[0])
    train, test = rows[~in_test[group]], rows[in_test[group]]
    train = train[np.argsort(position[group[train]], kind="stable")]
    test = test[np.argsort(position[group[test]], kind="stable")]
    if classifier and np.unique(y[train]).size < 2:
        raise ValueError(
            "the training split holds only one class; use a smaller test_size or more data"
        )
    return train, test


def check_param_grid(param_grid: Any, estimator: Any) -> None:
    """ValueError unless ``param_grid`` is a dict (or list of dicts) of the estimator's params."""
    grids = param_grid if isinstance(param_grid, list | tuple) else [param_grid]
    if not grids or not all(isinstance(g, dict) and g for g in grids):
        raise ValueError(
            "param_grid must be a non-empty dict of parameter name -> list of values "
            "(or a list of such dicts), e.g. {'max_features': [0.2, 0.5, 1.0]}"
        )
    known = set(estimator.get_params(deep=True))
    for grid in grids:
        unknown = sorted(k for k in grid if k not in known)
        if unknown:
            raise ValueError(
                f"param_grid names {unknown}, which {type(estimator).__name__} does not have; "
                f"its parameters are {sorted(known)[:20]}"
            )
        for name, values in grid.items():
            if isinstance(values, str) or not hasattr(values, "__len__") or len(values) == 0:
                raise ValueError(
                    f"param_grid[{name!r}] must be a non-empty list of values, got {values!r}"
                )


def _folds(cv: Any, X: np.ndarray, y: np.ndarray, classifier: bool, seed: Any) -> Any:
    """A CV splitter, or a list of (train, test) pairs with row copies kept together."""
    if hasattr(cv, "split") or not isinstance(cv, int | np.integer):
        return cv  # the user's splitter or iterable, as given
    from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

    if cv < 2:
        raise ValueError(f"cv must be at least 2 folds, got {cv}")
    groups = copy_groups(X)
    n_groups = int(groups.max()) + 1
    if n_groups < cv:
        raise ValueError(f"cv={cv} folds need at least {cv} distinct rows, got {n_groups}")
    if classifier:
        _, counts = np.unique(y, return_counts=True)
        if counts.min() < cv:
            raise ValueError(
                f"the smallest class has {counts.min()} rows, fewer than cv={cv} folds; "
                "use fewer folds"
            )
        splitter = StratifiedGroupKFold(n_splits=int(cv), shuffle=True, random_state=seed)
    else:
        splitter = GroupKFold(n_splits=int(cv), shuffle=True, random_state=seed)
    return list(splitter.split(X, y, groups))


def grid_search(
    estimator: Any,
    param_grid: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    cv: Any,
    scoring: Any,
    classifier: bool,
    random_state: Any,
    data: Any = None,
) -> tuple[Any, dict[str, Any], float, pd.DataFrame]:
    """Tune by CV and refit on all rows.

    ``data``, when given, is what the estimator is fit on (the user's table
    for a pipeline); the folds are drawn from ``X`` (its float codes).

    Returns
    -------
    (fitted best estimator, best params, best mean CV score, cv_results as a DataFrame)
    """
    from sklearn.model_selection import GridSearchCV

    folds = _folds(cv, X, y, classifier, random_state)
    search = GridSearchCV(estimator, param_grid, cv=folds, scoring=scoring, refit=True, n_jobs=1)
    search.fit(X if data is None else data, y)
    results = pd.DataFrame(search.cv_results_)
    keep = [c for c in results.columns if c.startswith("param_")]
    keep += ["mean_test_score", "std_test_score", "rank_test_score", "mean_fit_time"]
    return (
        search.best_estimator_,
        dict(search.best_params_),
        float(search.best_score_),
        results[keep],
    )


def scalar_params(params: dict[str, Any]) -> dict[str, Any]:
    """Chosen hyperparameters as scalars for ``replicate_info`` (numbers as float, else str)."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, bool | np.bool_):
            out[name] = float(value)
        elif isinstance(value, int | float | np.integer | np.floating):
            out[name] = float(value)
        else:
            out[name] = str(value)
    return out


def tuned_copy(explainer: Any) -> Any:
    """An unfitted copy of a fitted explainer, its estimator fixed at ``best_params_``."""
    from sklearn.base import clone

    if explainer.best_params_ is None:
        raise ValueError("this explainer was fit without param_grid: nothing was tuned")
    estimator = clone(explainer._base_estimator()).set_params(**explainer.best_params_)
    return clone(explainer).set_params(estimator=estimator, param_grid=None)
