"""Impurity (MDI) and permutation importance of any scikit-learn estimator.

Global explanations:

* ``method="mdi"``: the fitted estimator's ``feature_importances_`` (mean
  decrease in impurity for tree ensembles), the estimator fit on all rows;
* ``method="permutation"``: :func:`sklearn.inspection.permutation_importance`
  on a held-out split, the estimator fit on the rest.

Local explanations (both methods) are *mean-replacement occlusion*: for row
``i`` and feature ``j``::

    values[i, j] = f(x_i) - f(x_i with x_ij := mean_j)

where ``f`` is the model output (see :class:`ImportanceExplainer`) and
``mean_j`` the mean of feature ``j`` over the rows the estimator was fit on.
It is not additive: the values of a row need not sum to anything in
particular, so the local explanation has no ``base_value``.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import xarray as xr
from sklearn.base import clone, is_classifier

from interpkit.explainer import Explainer, library_versions
from interpkit.explanation import Explanation

__all__ = ["ImportanceExplainer"]

METHODS = ("mdi", "permutation")


class ImportanceExplainer(Explainer):
    """Feature importance of a scikit-learn estimator: MDI or permutation.

    Parameters
    ----------
    estimator : scikit-learn estimator, optional
        The model to explain; a :func:`~sklearn.base.clone` of it is fit.
        Default ``RandomForestRegressor(n_estimators=100)``. Its own
        ``n_jobs`` is left as given; keep it at 1 or None for bit-identical
        results (a forest predicting on several threads sums its trees in
        whatever order they finish, which changes the last digits).
    method : {"mdi", "permutation"}
        ``"mdi"``: the estimator's ``feature_importances_`` (trees and tree
        ensembles), fit on all rows. ``"permutation"``: fit on a training
        split, then the mean drop in score over ``n_repeats`` shuffles of
        each feature on the held-out split (any estimator, pipelines
        included); ``error`` holds the standard deviation over the repeats.
    n_repeats : int, default 5
        Shuffles per feature (permutation only).
    scoring : str or callable, optional
        Score for permutation importance; the estimator's ``score`` when None.
    test_size : float, default 0.25
        Held-out fraction (permutation only). Identical rows (e.g. copies of
        one row in a bootstrap sample) always go to the same side of the
        split, so held-out rows are never rows the model was trained on. For
        classifiers the split is stratified when every class has two rows.
    random_state : int, optional
        Seeds the split, the shuffles, and the estimator (set as its
        ``random_state`` when it has that parameter).

    Attributes
    ----------
    estimator_ : the fitted clone.
    feature_means_ : ndarray, shape (n_features,)
        Means over the rows ``estimator_`` was fit on (for local explanations).
    importances_ : ndarray, shape (n_features,)
    importances_std_ : ndarray or None
        Standard deviation over repeats (permutation only).
    train_indices_, test_indices_ : ndarray or None
        Rows of the split (permutation only).
    test_score_ : float or None
        Held-out score of ``estimator_`` (permutation only).
    is_classifier_ : bool
    classes_ : ndarray
        Classifiers only.

    Notes
    -----
    The model output ``f`` (``predict`` and local explanations) is the
    prediction for regressors; the probability of ``classes_[1]`` for binary
    classifiers (the decision function when there is no ``predict_proba``);
    for multiclass classifiers ``predict`` returns the predicted labels and
    the local explanations use the probability (else the decision function)
    of the class predicted for the unchanged row. Stability analysis is
    limited to regression and binary targets for now.
    """

    def __init__(
        self,
        estimator: Any = None,
        method: str = "mdi",
        n_repeats: int = 5,
        scoring: Any = None,
        test_size: float = 0.25,
        random_state: Any = None,
    ) -> None:
        self.estimator = estimator
        self.method = method
        self.n_repeats = n_repeats
        self.scoring = scoring
        self.test_size = test_size
        self.random_state = random_state

    # -- contract hooks ------------------------------------------------------
    def _task(self) -> str:
        return "classification" if is_classifier(self._base_estimator()) else "regression"

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        self._check_params()
        est = self._make_estimator()
        self.is_classifier_ = is_classifier(est)
        if self.is_classifier_:
            self.classes_ = np.unique(y)
        self.importances_std_ = None
        self.train_indices_ = self.test_indices_ = None
        self.test_score_ = None
        if self.method == "mdi":
            est.fit(X, y)
            if not hasattr(est, "feature_importances_"):
                raise ValueError(
                    f"{type(est).__name__} has no feature_importances_ (only trees and "
                    "tree ensembles have them, not linear models or pipelines); "
                    "use method='permutation'"
                )
            self.importances_ = np.asarray(est.feature_importances_, dtype=np.float64)
            self.feature_means_ = X.mean(axis=0)
        else:
            from sklearn.inspection import permutation_importance
            from sklearn.metrics import check_scoring

            train, test = self._split(X, y)
            est.fit(X[train], y[train])
            result = permutation_importance(
                est,
                X[test],
                y[test],
                scoring=self.scoring,
                n_repeats=self.n_repeats,
                random_state=self.random_state,
            )
            self.importances_ = np.asarray(result.importances_mean, dtype=np.float64)
            self.importances_std_ = np.asarray(result.importances_std, dtype=np.float64)
            self.train_indices_, self.test_indices_ = train, test
            scorer = check_scoring(est, scoring=self.scoring)
            self.test_score_ = float(scorer(est, X[test], y[test]))
            self.feature_means_ = X[train].mean(axis=0)
        self.estimator_ = est

    def _predict(self, X: np.ndarray) -> np.ndarray:
        est = self.estimator_
        if not self.is_classifier_:
            return np.asarray(est.predict(X), dtype=np.float64)
        if self.classes_.size > 2:
            return np.asarray(est.predict(X))
        if hasattr(est, "predict_proba"):
            return np.asarray(est.predict_proba(X)[:, 1], dtype=np.float64)
        return np.asarray(est.decision_function(X), dtype=np.float64)

    def _explain_global(self) -> Explanation:
        coords = {"feature": self._names()}
        values = xr.DataArray(self.importances_, dims=("feature",), coords=coords)
        values = values.rename("importance")
        error = None
        if self.importances_std_ is not None:
            error = xr.DataArray(
                self.importances_std_, dims=("feature",), coords=coords, name="importance_std"
            )
        method = "mdi" if self.method == "mdi" else "permutation_importance"
        return self._explanation(values, method, error=error)

    def _explain_local(self, X: np.ndarray) -> Explanation:
        output = self._local_output(X)
        contrib = np.empty_like(X)
        for j in range(X.shape[1]):
            occluded = X.copy()
            occluded[:, j] = self.feature_means_[j]
            contrib[:, j] = output(X) - output(occluded)
        coords = {"sample": np.arange(X.shape[0]), "feature": self._names()}
        values = xr.DataArray(
            contrib, dims=("sample", "feature"), coords=coords, name="contribution"
        )
        data = xr.DataArray(X, dims=("sample", "feature"), coords=coords, name="feature_value")
        return self._explanation(values, "mean_replacement", kind="local", data=data)

    def _replicate_info(self) -> dict[str, float]:
        return {} if self.test_score_ is None else {"test_score": self.test_score_}

    # -- helpers --------------------------------------------------------------
    def _base_estimator(self) -> Any:
        if self.estimator is not None:
            return self.estimator
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(n_estimators=100)

    def _make_estimator(self) -> Any:
        est = clone(self._base_estimator())
        if self.random_state is not None and "random_state" in est.get_params(deep=False):
            est.set_params(random_state=self.random_state)
        return est

    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if self.method == "permutation":
            if not (isinstance(self.n_repeats, int | np.integer) and self.n_repeats >= 1):
                raise ValueError(f"n_repeats must be an integer >= 1, got {self.n_repeats!r}")
            if not 0 < self.test_size < 1:
                raise ValueError(f"test_size must be in (0, 1), got {self.test_size!r}")
            if isinstance(self.scoring, list | tuple | set | dict):
                raise ValueError("scoring must be one metric (a str or callable), not several")

    def _split(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Train/test rows; identical rows stay on one side (bootstrap copies)."""
        from sklearn.model_selection import train_test_split

        # group ids numbered by first appearance, so without repeats group g is row g
        _, first, inverse = np.unique(X, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        group = rank[inverse]
        n_groups = order.size
        group_first_row = first[order]
        stratify = None
        if self.is_classifier_:
            labels = y[group_first_row]
            _, counts = np.unique(labels, return_counts=True)
            if counts.min() >= 2 and counts.size >= 2:
                stratify = labels
        try:
            train_g, test_g = train_test_split(
                np.arange(n_groups),
                test_size=self.test_size,
                random_state=self.random_state,
                stratify=stratify,
            )
        except ValueError:  # too few rows of a class to stratify at this test_size
            train_g, test_g = train_test_split(
                np.arange(n_groups), test_size=self.test_size, random_state=self.random_state
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
        if self.is_classifier_ and np.unique(y[train]).size < 2:
            raise ValueError(
                "the training split holds only one class; use a smaller test_size or more data"
            )
        return train, test

    def _local_output(self, X: np.ndarray):
        """The function f explained locally (see the module docs)."""
        if not (self.is_classifier_ and self.classes_.size > 2):
            return self._predict
        est = self.estimator_
        proba = est.predict_proba if hasattr(est, "predict_proba") else est.decision_function
        column = np.argmax(proba(X), axis=1)  # class predicted for the unchanged row
        rows = np.arange(X.shape[0])
        return lambda Z: proba(Z)[rows, column]

    def _names(self) -> list[str]:
        return [str(f) for f in self.feature_names_in_]

    def _output_name(self) -> str:
        if not self.is_classifier_:
            return "prediction"
        if self.classes_.size > 2:
            if hasattr(self.estimator_, "predict_proba"):
                return "probability(predicted class)"
            return "decision_function(predicted class)"
        if hasattr(self.estimator_, "predict_proba"):
            return f"probability({self.classes_[1]})"
        return f"decision_function({self.classes_[1]})"

    def _explanation(
        self, values: xr.DataArray, method: str, kind: str = "global", **fields: Any
    ) -> Explanation:
        est = self.estimator_
        params = {
            "method": self.method,
            "estimator": type(est).__name__,
            "estimator_params": {
                k: _jsonable(v) for k, v in sorted(est.get_params(deep=False).items())
            },
            "random_state": _jsonable(self.random_state),
            "kind": kind,
        }
        annotations = {}
        if self.method == "permutation":
            params.update(
                n_repeats=int(self.n_repeats),
                scoring=_jsonable(self.scoring),
                test_size=float(self.test_size),
                n_test=int(self.test_indices_.size),
            )
            annotations["test_score"] = self.test_score_
        return Explanation(
            values=values,
            method=method,
            backend="scikit-learn",
            versions=library_versions("scikit-learn"),
            params=params,
            output_name=self._output_name(),
            annotations=annotations,
            **fields,
        )


def _jsonable(value: Any) -> Any:
    """``value`` itself when JSON can hold it, else its ``repr``."""
    if isinstance(value, np.generic):
        value = value.item()
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value
