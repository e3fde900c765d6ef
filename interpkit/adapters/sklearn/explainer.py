"""Impurity (MDI), permutation and MDI+ importance of scikit-learn estimators.

Global explanations:

* ``method="mdi"``: the fitted estimator's ``feature_importances_`` (mean
  decrease in impurity for tree ensembles), the estimator fit on all rows;
* ``method="permutation"``: :func:`sklearn.inspection.permutation_importance`
  on a held-out split, the estimator fit on the rest; or, for bagged forests
  (``permutation_data="oob"``), Breiman's out-of-bag version: every tree
  scored on its own out-of-bag rows with each feature shuffled among them,
  the forest fit on all rows;
* ``method="mdi_plus"``: MDI+ of a random forest through imodels
  (:mod:`interpkit.adapters.sklearn.mdi_plus`).

With ``param_grid`` the estimator's hyperparameters are tuned by K-fold CV
inside ``fit`` (:mod:`interpkit.adapters.sklearn.tuning`), so every stability
replicate tunes again.

Local explanations (both methods) are *mean-replacement occlusion*: for row
``i`` and feature ``j``::

    values[i, j] = f(x_i) - f(x_i with x_ij := mean_j)

where ``f`` is the model output (see :class:`ImportanceExplainer`) and
``mean_j`` the mean of feature ``j`` over the rows the estimator was fit on.
It is not additive: the values of a row need not sum to anything in
particular, so the local explanation has no ``base_value``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import xarray as xr
from sklearn.base import clone, is_classifier
from sklearn.utils.validation import check_is_fitted

from interpkit._available import available_if
from interpkit._pipelines import fit_model, is_pipeline, seed_estimator
from interpkit.adapters import _sklearn_compat
from interpkit.adapters.sklearn import per_class as _pc
from interpkit.adapters.sklearn.mdi_plus import (
    fit_mdi_plus,
    oob_permutation,
)
from interpkit.adapters.sklearn.pipeline import (
    check_importance_params,
    mdi_importances,
    pipeline_params,
    replacement_values,
)
from interpkit.adapters.sklearn.tuning import (
    grid_search,
    holdout_split,
    scalar_params,
    tuned_copy,
)
from interpkit.adapters.sklearn.weights import weight_kwarg, weight_refusal
from interpkit.explainer import Explainer, library_versions
from interpkit.explanation import Explanation, jsonable
from interpkit.tags import ExplainerTags

__all__ = ["ImportanceExplainer"]

METHODS = ("mdi", "permutation", "mdi_plus")
PERMUTATION_DATA = ("holdout", "oob")


class ImportanceExplainer(Explainer):
    """Feature importance of a scikit-learn estimator: MDI, permutation or MDI+.

    A :class:`~sklearn.pipeline.Pipeline` as ``estimator`` is fit on, and
    called with, the user's DataFrame as given (text, ``category``, boolean
    and missing values included), so a ``ColumnTransformer`` that selects
    columns by name works.

    Parameters
    ----------
    estimator : scikit-learn estimator, optional
        The model to explain; a :func:`~sklearn.base.clone` of it is fit.
        Default ``RandomForestRegressor(n_estimators=100)``. Its own
        ``n_jobs`` is left as given; keep it at 1 or None for bit-identical
        results (a forest predicting on several threads sums its trees in
        whatever order they finish, which changes the last digits).
    method : {"mdi", "permutation", "mdi_plus"}
        ``"mdi"``: the estimator's ``feature_importances_`` (trees and tree
        ensembles), fit on all rows. ``"permutation"``: the mean drop in
        score over ``n_repeats`` shuffles of each feature, on the rows
        ``permutation_data`` names (any estimator, pipelines included);
        ``error`` holds the standard deviation over the repeats.
        ``"mdi_plus"``: MDI+ (Agarwal et al., 2023) of a random forest or
        extra-trees model, through imodels' ``RandomForestPlus`` (needs the
        ``mdiplus`` extra); about 0 for a useless feature, negative values
        possible. Its cost grows with the leaves per tree: fully grown
        trees are ~25x slower than ``min_samples_leaf=5`` (the MDI+
        paper's setting).
    n_repeats : int, default 5
        Shuffles per feature (permutation only).
    scoring : str or callable, optional
        Score for permutation importance and for tuning; the estimator's
        ``score`` (R^2 or accuracy) when None.
    test_size : float, default 0.25
        Held-out fraction (``permutation_data="holdout"``). Identical rows
        (e.g. copies of one row in a bootstrap sample) always go to the same
        side of the split, so held-out rows are never rows the model was
        trained on. For classifiers the split is stratified when every class
        has two rows.
    permutation_data : {"holdout", "oob"}, default "holdout"
        Where permutation importance is measured. ``"oob"`` needs a bagged
        forest (``RandomForest*`` / ``ExtraTrees*`` with ``bootstrap=True``):
        the forest is fit on all rows and each tree is scored on its
        out-of-bag rows (rows with a copy in the tree's bootstrap sample
        count as in-bag), before and after shuffling each feature among
        them; importance and ``error`` are the mean and SD over trees and
        repeats of the per-tree drop.
    param_grid : dict or list of dicts, optional
        Hyperparameters to tune by CV inside ``fit`` (scikit-learn's
        ``GridSearchCV``, refit on all the rows the model is fit on), e.g.
        ``{"ccp_alpha": [...]}`` for a CART tree (rpart's ``cp``) or
        ``{"max_features": [...]}`` for a forest (``mtry``). Pipeline steps
        use scikit-learn's ``step__param`` names. None: no tuning.
        :meth:`with_tuned_params` gives an explainer fixed at the chosen
        values (e.g. for a bootstrap at fixed hyperparameters).
    cv : int or scikit-learn splitter, default 5
        Folds for tuning. With an int, copies of one row share a fold and
        classifiers get stratified folds.
    random_state : int, optional
        Seeds the split, the folds, the shuffles, and the estimator (set as
        its ``random_state`` when it has that parameter).
    per_class : {"auto", True, False}, default "auto"
        Importances per feature and class, dims ``("feature", "class")``, for
        3+ classes (:mod:`interpkit.adapters.sklearn.per_class`: where, how).
    feature_level : {"original", "encoded"}, default "original"
        For a pipeline and ``method="mdi"``: the last step's importances per
        column it sees (``"encoded"``, e.g. one per one-hot level), or summed
        back to the user's columns (``"original"``; the mapping is in
        ``params["feature_mapping"]``). Permutation importance of a pipeline
        is always per original column (the user's columns are shuffled).

    Attributes
    ----------
    estimator_ : the fitted clone (for ``"mdi_plus"``, imodels' fitted
        ``RandomForestPlusRegressor`` / ``RandomForestPlusClassifier``).
    feature_means_ : ndarray, shape (n_features,)
        Means over the rows ``estimator_`` was fit on (for local explanations).
    importances_ : ndarray, shape (n_features,), or (n_features, n_classes) if ``per_class_``
    importances_std_ : ndarray or None
        Standard deviation over repeats (permutation only).
    train_indices_, test_indices_ : ndarray or None
        Rows of the split (holdout permutation only).
    test_score_ : float or None
        Held-out score of ``estimator_`` (holdout permutation only).
    oob_tree_score_ : float or None
        Mean score of the trees on their out-of-bag rows (``"oob"`` only).
    best_params_ : dict or None
        Hyperparameters chosen by CV (with ``param_grid``).
    best_score_ : float or None
        Their mean CV score.
    cv_results_ : pandas.DataFrame or None
        One row per grid point: ``param_*``, ``mean_test_score``,
        ``std_test_score``, ``rank_test_score``, ``mean_fit_time``.
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
    of the class predicted for the unchanged row. For ``"mdi_plus"`` the
    model is the RF+ model (the forest's trees as features of a ridge fit).

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> cart = ImportanceExplainer(
    ...     DecisionTreeClassifier(), method="mdi",
    ...     param_grid={"ccp_alpha": [0.0, 0.01, 0.05]}, cv=5, random_state=0)
    >>> cart.fit(X, y).best_params_            # doctest: +SKIP
    {'ccp_alpha': 0.01}
    >>> fixed = cart.with_tuned_params()       # no tuning in bootstrap replicates
    """

    def __init__(
        self,
        estimator: Any = None,
        method: str = "mdi",
        n_repeats: int = 5,
        scoring: Any = None,
        test_size: float = 0.25,
        permutation_data: str = "holdout",
        param_grid: Any = None,
        cv: Any = 5,
        random_state: Any = None,
        per_class: Any = "auto",
        feature_level: str = "original",
    ) -> None:
        self.estimator = estimator
        self.method = method
        self.n_repeats = n_repeats
        self.scoring = scoring
        self.test_size = test_size
        self.permutation_data = permutation_data
        self.param_grid = param_grid
        self.cv = cv
        self.random_state = random_state
        self.per_class = per_class
        self.feature_level = feature_level

    def __interpkit_tags__(self) -> ExplainerTags:
        classifier = is_classifier(self._base_estimator())
        tasks = ("binary", "multiclass") if classifier else ("regression",)
        stochastic, scopes = self.method == "permutation", ("rows", "seed")  # seeds: estimator's
        tags = super().__interpkit_tags__()
        return dataclasses.replace(tags, tasks=tasks, stochastic=stochastic, scopes=scopes)

    _sklearn_expected_failures = _sklearn_compat.ROWS_DRAWN  # checks that do not apply

    # -- contract hooks ------------------------------------------------------
    def _task(self) -> str:
        return "classification" if is_classifier(self._base_estimator()) else "regression"

    def _takes_frames(self) -> bool:
        return is_pipeline(self._base_estimator())

    def _fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        self._check_params()
        w = sample_weight
        self.feature_mapping_ = None
        est = self._make_estimator()
        self.is_classifier_ = is_classifier(est)
        if self.is_classifier_:
            self.classes_ = np.unique(y)
        self.per_class_ = _pc.resolve_per_class(self, est, y)
        self.importances_std_ = None
        self.train_indices_ = self.test_indices_ = None
        self.test_score_ = self.oob_tree_score_ = None
        self.best_params_ = self.best_score_ = self.cv_results_ = None
        if self.method == "mdi":
            est = self._tune_and_fit(est, X, y, w)
            self.importances_, self.feature_mapping_ = mdi_importances(
                est, self._names(), self.feature_level
            )
            if self.per_class_:  # (n_features, n_classes), summing to the above over classes
                self.importances_ = _pc.mdi_per_class(est)
            self.feature_means_ = replacement_values(X, w, self.input_codec_)
        elif self.method == "mdi_plus":
            if self.param_grid is not None:
                est = clone(self._tune_and_fit(est, X, y))  # RF+ refits the tuned forest
            codes = np.searchsorted(self.classes_, y) if self.is_classifier_ else y
            est, self.importances_ = fit_mdi_plus(est, X, codes, self.is_classifier_)
            self.feature_means_ = X.mean(axis=0)
        elif self.permutation_data == "oob":
            est = self._tune_and_fit(est, X, y)
            self._oob_permutation(est, X, y)
            self.feature_means_ = X.mean(axis=0)
        else:
            from sklearn.metrics import check_scoring

            from interpkit.adapters.sklearn.permutation import permutation_importance  # batched

            # with weights the rows are distinct; the split is over them as without
            train, test = self._split(X, y)
            w_train, w_test = (None, None) if w is None else (w[train], w[test])
            if w_test is not None and not np.any(w_test > 0):
                raise ValueError("every held-out row has zero sample_weight; nothing to score")
            est = self._tune_and_fit(est, X[train], y[train], w_train)
            # per class: (n_features, n_classes), each class's one-vs-rest log-loss
            importance = _pc.permutation_per_class if self.per_class_ else permutation_importance
            result = importance(
                est,
                self._model_input(X[test]),
                y[test],
                scoring=self.scoring,
                n_repeats=self.n_repeats,
                random_state=self.random_state,
                sample_weight=w_test,
            )
            self.importances_ = np.asarray(result.importances_mean, dtype=np.float64)
            self.importances_std_ = np.asarray(result.importances_std, dtype=np.float64)
            self.train_indices_, self.test_indices_ = train, test
            scorer = check_scoring(est, scoring=self.scoring)
            score = scorer(est, self._model_input(X[test]), y[test], **weight_kwarg(w_test))
            self.test_score_ = float(score)
            self.feature_means_ = replacement_values(X[train], w_train, self.input_codec_)
        self.estimator_ = est

    def _sample_weight_refusal(self) -> str | None:
        return weight_refusal(
            self.method, self.permutation_data, self.param_grid, self._base_estimator()
        )

    @available_if(lambda s: is_classifier(s._base_estimator()), "a regressor has no probabilities")
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of a classifier, shape (n_samples, n_classes), columns ``classes_``.

        For ``method="mdi_plus"`` these are RF+'s ridge fits to the one-hot
        labels, clipped to [0, 1] and renormalised per row.
        """
        check_is_fitted(self)
        if not self.is_classifier_ or not hasattr(self.estimator_, "predict_proba"):
            raise ValueError(f"{type(self.estimator_).__name__} gives no class probabilities")
        rows = self._model_input(self._check_rows(X))
        proba = np.asarray(self.estimator_.predict_proba(rows), dtype=np.float64)
        if self.method == "mdi_plus":
            proba = np.clip(proba, 0.0, 1.0) + 1e-12
            proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def with_tuned_params(self) -> ImportanceExplainer:
        """An unfitted copy whose estimator is fixed at the hyperparameters CV chose.

        ``param_grid`` is dropped, so refits (e.g. stability replicates) use
        these values instead of tuning again.
        """
        check_is_fitted(self)
        return tuned_copy(self)

    def _predict(self, X: np.ndarray) -> np.ndarray:
        est = self.estimator_
        X = self._model_input(X)
        if not self.is_classifier_:
            return np.asarray(est.predict(X), dtype=np.float64)
        if self.classes_.size > 2:
            if self.method == "mdi_plus":  # RF+ was fit on class codes 0..K-1
                return self.classes_[np.argmax(est.predict_proba(X), axis=1)]
            return np.asarray(est.predict(X))
        if hasattr(est, "predict_proba"):
            return np.asarray(est.predict_proba(X)[:, 1], dtype=np.float64)
        return np.asarray(est.decision_function(X), dtype=np.float64)

    def _explain_global(self) -> Explanation:
        method = "permutation_importance" if self.method == "permutation" else self.method
        if self.per_class_:  # dims ("feature", "class")
            values, error = _pc.class_arrays(self, self.importances_, self.importances_std_)
            expl = self._explanation(values, method, error=error)
            return expl.with_values(values, output_name=_pc.output_name(self))
        mapping = self.feature_mapping_
        names = self._names() if self.feature_level == "original" or mapping is None else None
        coords = {"feature": names or list(mapping)}
        values = xr.DataArray(self.importances_, dims=("feature",), coords=coords)
        values = values.rename("importance")
        error = None
        if self.importances_std_ is not None:
            error = xr.DataArray(
                self.importances_std_, dims=("feature",), coords=coords, name="importance_std"
            )
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
        info: dict[str, Any] = {}
        if self.test_score_ is not None:
            info["test_score"] = self.test_score_
        if self.oob_tree_score_ is not None:
            info["oob_tree_score"] = self.oob_tree_score_
        if self.best_params_ is not None:
            info.update(scalar_params(self.best_params_))
            info["best_cv_score"] = self.best_score_
        return info

    # -- helpers --------------------------------------------------------------
    def _base_estimator(self) -> Any:
        if self.estimator is not None:
            return self.estimator
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(n_estimators=100)

    def _make_estimator(self) -> Any:
        est = clone(self._base_estimator())
        seed_estimator(est, self.random_state)  # a pipeline: its steps
        return est

    def _tune_and_fit(
        self, est: Any, X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None
    ) -> Any:
        """Fit ``est``; with ``param_grid``, tune it by CV first (refit on all of X)."""
        if self.param_grid is None:
            return fit_model(est, self._model_input(X), y, **weight_kwarg(w, est))
        best, self.best_params_, self.best_score_, self.cv_results_ = grid_search(
            est,
            self.param_grid,
            X,
            y,
            cv=self.cv,
            scoring=self.scoring,
            classifier=self.is_classifier_,
            random_state=self.random_state,
            data=None if self.input_codec_ is None else self._model_input(X),
        )
        return best

    def _oob_permutation(self, forest: Any, X: np.ndarray, y: np.ndarray) -> None:
        # the trees of a classifier forest were fit on class codes 0..K-1
        codes = np.searchsorted(forest.classes_, y) if self.is_classifier_ else y
        self.importances_, self.importances_std_, self.oob_tree_score_ = oob_permutation(
            forest, X, codes, self.scoring, self.n_repeats, self.random_state, self.per_class_
        )

    def _check_params(self) -> None:
        check_importance_params(self, METHODS, PERMUTATION_DATA)

    def _split(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return holdout_split(X, y, self.test_size, self.random_state, self.is_classifier_)

    def _local_output(self, X: np.ndarray):
        """The function f explained locally (see the module docs)."""
        if not (self.is_classifier_ and self.classes_.size > 2):
            return self._predict
        est = self.estimator_
        scores = est.predict_proba if hasattr(est, "predict_proba") else est.decision_function

        def proba(Z: np.ndarray) -> np.ndarray:
            return np.asarray(scores(self._model_input(Z)))

        column = np.argmax(proba(X), axis=1)  # class predicted for the unchanged row
        rows = np.arange(X.shape[0])
        return lambda Z: proba(Z)[rows, column]

    def _names(self) -> list[str]:
        return [str(f) for f in self.feature_names_in_]

    def _output_name(self) -> str:
        if not self.is_classifier_:
            return "prediction"
        if self.method == "mdi_plus":  # ridge fits to one-hot labels, not probabilities
            target = "predicted class" if self.classes_.size > 2 else self.classes_[1]
            return f"RF+ class score({target})"
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
        model = est.rf_model if self.method == "mdi_plus" else est  # describe the forest
        params = {
            "method": self.method,
            "estimator": type(model).__name__,
            "estimator_params": {
                k: jsonable(v) for k, v in sorted(model.get_params(deep=False).items())
            },
            "random_state": jsonable(self.random_state),
            "kind": kind,
        }
        params.update(pipeline_params(self, kind))
        annotations = {}
        if self.method == "mdi_plus":
            params["model"] = type(est).__name__
        if self.param_grid is not None:
            params["param_grid"] = jsonable(self.param_grid)
            params["cv"] = jsonable(self.cv)
            params["best_params"] = {k: jsonable(v) for k, v in self.best_params_.items()}
            annotations["best_cv_score"] = self.best_score_
        if self.method == "permutation":
            params.update(
                n_repeats=int(self.n_repeats),
                scoring=jsonable(self.scoring),
                permutation_data=self.permutation_data,
            )
            if self.permutation_data == "holdout":
                params.update(test_size=float(self.test_size), n_test=int(self.test_indices_.size))
                annotations["test_score"] = self.test_score_
            else:
                annotations["oob_tree_score"] = self.oob_tree_score_
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
