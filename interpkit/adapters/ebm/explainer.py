"""Explainable Boosting Machines (InterpretML) behind the Explainer contract.

An EBM is a generalised additive model fit by cyclic gradient boosting::

    g(E[y | x]) = intercept + sum_j f_j(x_j) + sum_(j,k) f_jk(x_j, x_k)

with ``g`` the identity (regression) or the logit (binary classification).
Each ``f`` is a step function on bins of its feature(s), averaged over
``outer_bags`` fits to random splits of the training rows; InterpretML keeps
the standard deviation across those bags as its error bar.

What interpkit returns (decisions documented here once):

* ``explain()`` -- global, dims ``("feature",)`` over the *input features*:
  the importance of each feature's main term, mean ``|f_j(x_ij)|`` over the
  training rows (0 for a feature without a main term). ``error`` is the SD
  of that importance across outer bags. Pairwise terms are not folded into
  it; :meth:`EBMExplainer.term_importances` covers every term.
* ``explain(X)`` -- local, dims ``("sample", "feature")`` where the
  ``feature`` coordinate holds the *term names*: one column per main term
  (named by its feature) and one per pair (``"a & b"``).
  ``values.sum("feature") + base_value`` is the model output on the link
  scale (the prediction, or the log-odds) exactly. ``data`` has the same
  coordinates: the feature value for main terms, NaN for pairs.
* :meth:`EBMExplainer.shape_functions` -- dims ``("term", "grid")``, main
  terms on a grid of feature values (coordinate ``x``), ``error`` = SD
  across outer bags (not a confidence interval).
  :meth:`EBMExplainer.pair_functions` -- one ``("grid_0", "grid_1")``
  Explanation per pairwise term. A multiclass EBM adds a last ``"class"``
  dim to both: one curve (surface) per class logit.
* ``stability(...)`` -- refits on resamples; ``result.extras`` holds
  ``"shape_functions"`` (numeric main terms of every replicate on the
  reference fit's grid, so the percentile band is a pointwise refit
  interval), ``"categorical_effects"`` (the same for categorical features,
  when there are any) and
  ``"term_importances"`` (all terms of the reference fit; a pair that a
  replicate did not select counts as 0, so its ``selection_frequency`` is
  how often it was chosen).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import numpy as np
import xarray as xr

from interpkit._available import available_if
from interpkit._optional import import_backend
from interpkit._validation import check_y
from interpkit.adapters import _sklearn_compat
from interpkit.adapters.ebm import inputs
from interpkit.adapters.ebm import multiclass as _mc
from interpkit.adapters.ebm import shapes as _ebm_shapes
from interpkit.adapters.ebm.shapes import Grid, bag_importance_sd, make_grid
from interpkit.explainer import Explainer, check_sample_weight, library_versions
from interpkit.explanation import Explanation, jsonable
from interpkit.tags import ExplainerTags

__all__ = ["EBMExplainer"]

# explicit constructor parameters forwarded to InterpretML when not None
_FORWARDED = (
    "interactions",
    "outer_bags",
    "max_bins",
    "max_interaction_bins",
    "learning_rate",
    "max_rounds",
    "min_samples_leaf",
    "validation_size",
)


class EBMExplainer(Explainer):
    """Explainable Boosting Machine: shape functions, term importances, edits.

    Parameters
    ----------
    task : {"auto", "regression", "binary"}
        ``"auto"`` picks ``"binary"`` for a target with two integer/boolean/
        text labels and ``"regression"`` otherwise. Multiclass and
        multi-output targets are not supported.
    interactions, outer_bags, max_bins, max_interaction_bins, learning_rate, \
max_rounds, min_samples_leaf, validation_size : optional
        Passed to ``ExplainableBoostingRegressor/Classifier``; ``None`` keeps
        InterpretML's default (e.g. ``interactions="5x"``, ``outer_bags=14``).
        For quick looks use ``interactions=0, outer_bags=4``.
    feature_types : list or dict, optional
        InterpretML feature types, one per column (list) or by name (dict;
        others ``"auto"``). Categorical features are passed as numeric codes
        with type ``"nominal"`` (or ``"ordinal"``).
    categories : dict of str to list of float, optional
        Known codes of each categorical feature. Default: the codes seen in
        training. A row with any other code is rejected at explain/predict
        time. :meth:`stability` fills this from all rows, so a replicate
        whose resample lacks a rare code still accepts it (scoring it 0,
        InterpretML's "unknown" bin).
    ebm_params : dict, optional
        Any other ``ExplainableBoosting*`` parameter (e.g. ``{"exclude":
        ...}``, ``{"smoothing_rounds": 0}``).
    n_grid : int, default 100
        Grid points per numeric feature for :meth:`shape_functions`.
    n_jobs : int, default 1
        InterpretML's own parallelism while fitting the outer bags. Kept at
        1 because :meth:`stability` parallelises across replicates (its own
        ``n_jobs``); both at once oversubscribe small machines.
    random_state : int or None, default 42
        Seeds the EBM (InterpretML's default seed); stability gives every
        replicate its own seed.

    Attributes
    ----------
    ebm_ : the fitted ``ExplainableBoostingRegressor/Classifier``.
    task_ : str
        ``"regression"`` or ``"binary"``.
    term_names_ : list of str
        Main terms named by their feature, pairs as ``"a & b"``.
    term_features_ : list of tuple of int
    intercept_ : float
        On the link scale.
    classes_ : ndarray
        Binary only; the log-odds are those of ``classes_[1]``.
    feature_kinds_ : dict of str to str
        ``"numeric"`` or ``"categorical"`` per feature.
    categories_ : dict of str to ndarray
        Accepted codes per categorical feature.
    grid_ : Grid
        Where :meth:`shape_functions` evaluates the main terms.
    edits_ : list of str
        Edits applied (by :meth:`without_terms`, :meth:`center_terms`).

    Examples
    --------
    >>> ebm = EBMExplainer(interactions=0, outer_bags=4).fit(X, y)  # doctest: +SKIP
    >>> ebm.shape_functions().to_frame()                            # doctest: +SKIP
    """

    def __init__(
        self,
        task: str = "auto",
        interactions: Any = None,
        outer_bags: int | None = None,
        max_bins: int | None = None,
        max_interaction_bins: int | None = None,
        learning_rate: float | None = None,
        max_rounds: int | None = None,
        min_samples_leaf: int | None = None,
        validation_size: float | None = None,
        feature_types: Any = None,
        categories: dict[str, Any] | None = None,
        ebm_params: dict[str, Any] | None = None,
        n_grid: int = 100,
        n_jobs: int = 1,
        random_state: int | None = 42,
    ) -> None:
        self.task = task
        self.interactions = interactions
        self.outer_bags = outer_bags
        self.max_bins = max_bins
        self.max_interaction_bins = max_interaction_bins
        self.learning_rate = learning_rate
        self.max_rounds = max_rounds
        self.min_samples_leaf = min_samples_leaf
        self.validation_size = validation_size
        self.feature_types = feature_types
        self.categories = categories
        self.ebm_params = ebm_params
        self.n_grid = n_grid
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- public API -----------------------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> EBMExplainer:
        """Fit the EBM; see :meth:`interpkit.Explainer.fit` (rows of weight 0 are left out)."""
        self._check_user_params()
        X_arr, names, codec = self._encode_fit(X)  # text, categories, missing values: as given
        self._auto_task = self._resolve_task(y)
        y_arr = check_y(y, X_arr.shape[0], task=self._task())
        w = None if sample_weight is None else check_sample_weight(sample_weight, len(X_arr))
        return self._fit_checked(X_arr, y_arr, names, sample_weight=w, codec=codec)

    def _takes_frames(self) -> bool:
        return True  # InterpretML bins text/category columns as nominal, NaN as "missing"

    def decision_function(self, X: Any) -> np.ndarray:
        """Model output on the link scale, shape (n_samples,): prediction or log-odds."""
        return self.predict(X)

    @available_if(
        # task="auto": known once fit has seen y
        lambda self: getattr(self, "task_", self.task) in ("binary", "multiclass"),
        "predict_proba is only defined for classification",
    )
    def predict_proba(self, X: Any) -> np.ndarray:
        """Binary: probability of ``classes_[1]``, (n_samples,); multiclass: (n_samples, K)."""
        out = self.predict(X)
        if self.task_ == "multiclass":
            return _mc.softmax(out)
        if self.task_ != "binary":
            raise ValueError("predict_proba is only defined for classification")
        return 1.0 / (1.0 + np.exp(-out))

    def term_importances(self) -> Explanation:
        """Importance of every term (pairs included), dims ``("feature",)``.

        The ``feature`` coordinate holds term names. Values are mean
        ``|f(x_i)|`` over the training rows (InterpretML's ``"avg_weight"``);
        ``error`` is the SD across outer bags.
        """
        self._check_fitted()
        if self.task_ == "multiclass":  # dims ("feature", "class")
            return _mc.term_importances(self)
        ebm = self.ebm_
        values = np.asarray(ebm.term_importances("avg_weight"), dtype=np.float64)
        sd = np.array([bag_importance_sd(ebm, t) for t in range(len(values))])
        coords = {"feature": list(self.term_names_)}
        return self._explanation(
            xr.DataArray(values, dims=("feature",), coords=coords, name="importance"),
            "ebm_term_importance",
            error=xr.DataArray(sd, dims=("feature",), coords=coords, name="sd_across_outer_bags"),
            kind="term_importance",
        )

    def shape_functions(
        self, grid: Grid | None = None, terms: list[str] | None = None
    ) -> Explanation:
        """Main-term shape functions on a grid, dims ``("term", "grid")``.

        Parameters
        ----------
        grid : Grid, optional
            Where to evaluate; default :attr:`grid_` (``n_grid`` evenly spaced
            points over each numeric feature's training range, the codes of
            each categorical feature).
        terms : list of str, optional
            Main terms (feature names) to include; default all features.

        Returns
        -------
        Explanation
            ``values[t, g]`` = ``f_t(x[t, g])`` on the link scale, with
            coordinates ``x`` (dims ``("term", "grid")``, the feature values;
            NaN pads categorical terms with fewer codes than grid points) and
            ``kind`` (``"numeric"``/``"categorical"`` per term). ``error``
            is InterpretML's standard deviation across outer bags (not a
            confidence interval). ``data`` holds up to 1,000 training rows
            (for a rug), dims ``("sample", "feature")``.

            A multiclass EBM gives one curve per class, dims ``("term",
            "grid", "class")``: ``f_t`` of each class's logit. A shift
            shared by every class cancels in the softmax, so what a curve
            says about the probabilities is its difference from the other
            classes' curves.
        """
        return _ebm_shapes.shape_functions(self, grid, terms)

    def pair_functions(self, n_grid: int = 40) -> dict[str, Explanation]:
        """Every pairwise term on a grid: name -> Explanation, dims ``("grid_0", "grid_1")``.

        ``grid_0``/``grid_1`` coordinates are values of the pair's first and
        second feature (``n_grid`` evenly spaced points over the training
        range, or the category codes); ``params["features"]`` names them.
        ``error`` is the SD across outer bags. A multiclass EBM adds a last
        ``"class"`` dim (one surface per class logit).
        """
        return _ebm_shapes.pair_functions(self, n_grid)

    # editing: implemented in _ebm_edit, documented there
    def without_terms(self, terms: Any) -> EBMExplainer:
        """A fitted copy whose named terms contribute 0; see :func:`_ebm_edit.without_terms`."""
        from interpkit.adapters.ebm import edit as _ebm_edit  # edit reads this class

        return _ebm_edit.without_terms(self, terms)

    def center_terms(
        self, references: dict[str, float], keep_predictions: bool = True
    ) -> EBMExplainer:
        """A fitted copy with terms re-centred at reference values; see
        :func:`_ebm_edit.center_terms`."""
        from interpkit.adapters.ebm import edit as _ebm_edit  # edit reads this class

        return _ebm_edit.center_terms(self, references, keep_predictions=keep_predictions)

    def edit_report(self, X: Any, y: Any = None, original: EBMExplainer | None = None):
        """How this edited model's predictions differ from the model it was edited from.

        See :func:`_ebm_edit.edit_report`; returns an :class:`EditReport`.
        """
        from interpkit.adapters.ebm import edit as _ebm_edit  # edit reads this class

        return _ebm_edit.edit_report(self, X, y, original=original)

    def __interpkit_tags__(self) -> ExplainerTags:
        tasks = ("regression", "binary", "multiclass") if self.task == "auto" else (self.task,)
        scopes = ("rows", "seed")  # "seed": the outer bags' splits come from random_state
        return dataclasses.replace(super().__interpkit_tags__(), tasks=tasks, scopes=scopes)

    _sklearn_expected_failures = _sklearn_compat.EBM_BAGS  # checks that do not apply

    # -- contract hooks ---------------------------------------------------------------
    def _task(self) -> str:
        return inputs.check_y_task(self)

    def _sample_weight_refusal(self) -> str | None:
        return None  # InterpretML weights binning, boosting and early stopping

    def _fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        self._check_params()
        weight = {}
        if sample_weight is not None:  # InterpretML refuses zero weights: drop those rows
            X, y = X[sample_weight > 0], y[sample_weight > 0]
            weight = {"sample_weight": sample_weight[sample_weight > 0]}
        names = [str(f) for f in self.feature_names_in_]
        task = inputs.fit_task(self, y)
        import_backend("interpret", "EBMExplainer")  # a clear ImportError when missing
        from interpret import glassbox

        cls = (
            glassbox.ExplainableBoostingClassifier
            if task in ("binary", "multiclass")
            else glassbox.ExplainableBoostingRegressor
        )
        params = {k: getattr(self, k) for k in _FORWARDED if getattr(self, k) is not None}
        params.update(self.ebm_params or {})
        params.update(
            feature_names=names,
            feature_types=inputs.coded_feature_types(self, names, self.input_codec_),
            n_jobs=self.n_jobs,
            random_state=self.random_state,
        )
        ebm = cls(**params).fit(X, y, **weight)
        self.ebm_ = ebm
        self.task_ = task
        if task in ("binary", "multiclass"):
            self.classes_ = np.asarray(ebm.classes_)
        self.feature_kinds_ = {
            n: "categorical" if t in inputs.CATEGORICAL_TYPES else "numeric"
            for n, t in zip(names, ebm.feature_types_in_, strict=True)
        }
        self.categories_ = inputs.known_categories(self, X, names)
        self.grid_ = make_grid(ebm, names, self.feature_kinds_, self.n_grid, X)
        self.rug_ = inputs.rug_rows(X)
        self.edits_ = []
        self._sync_terms()

    def _sync_terms(self) -> None:
        ebm = self.ebm_
        self.term_names_ = [str(t) for t in ebm.term_names_]
        self.term_features_ = [tuple(int(f) for f in t) for t in ebm.term_features_]
        icpt = np.asarray(ebm.intercept_, dtype=np.float64).ravel()
        self.intercept_ = icpt if self.task_ == "multiclass" else float(icpt[0])

    def _predict(self, X: np.ndarray) -> np.ndarray:
        inputs.check_categories(self, X)
        return self._eval_terms(X).sum(axis=1) + self.intercept_

    def _explain_global(self) -> Explanation:
        if self.task_ == "multiclass":
            return _mc.global_explanation(self)
        names = [str(f) for f in self.feature_names_in_]
        imp = np.asarray(self.ebm_.term_importances("avg_weight"), dtype=np.float64)
        values, sd = np.zeros(len(names)), np.zeros(len(names))
        for name, t in self._main_terms().items():
            j = names.index(name)
            values[j], sd[j] = imp[t], bag_importance_sd(self.ebm_, t)
        coords = {"feature": names}
        return self._explanation(
            xr.DataArray(values, dims=("feature",), coords=coords, name="importance"),
            "ebm_term_importance",
            error=xr.DataArray(sd, dims=("feature",), coords=coords, name="sd_across_outer_bags"),
            base_value=self.intercept_,
            kind="global",
        )

    def _explain_local(self, X: np.ndarray) -> Explanation:
        inputs.check_categories(self, X)
        contrib = self._eval_terms(X)
        if self.task_ == "multiclass":  # (n, terms, classes)
            return _mc.local_explanation(self, X, contrib)
        coords = {"sample": np.arange(X.shape[0]), "feature": list(self.term_names_)}
        data = np.full_like(contrib, np.nan)
        for t, feats in enumerate(self.term_features_):
            if len(feats) == 1:
                data[:, t] = X[:, feats[0]]
        return self._explanation(
            xr.DataArray(contrib, dims=("sample", "feature"), coords=coords, name="contribution"),
            "ebm_contribution",
            base_value=self.intercept_,
            data=xr.DataArray(
                data, dims=("sample", "feature"), coords=coords, name="feature_value"
            ),
            kind="local",
        )

    def _reference_fit_params(self, n_jobs: int | None) -> dict[str, Any]:
        # InterpretML fits the outer bags side by side and merges them in bag order: the
        # same model for any n_jobs (tested), so the reference fit takes the run's workers
        if self.n_jobs == 1 and n_jobs is not None and n_jobs != 1:
            return {"n_jobs": n_jobs}
        return {}

    def _stability_context(self) -> dict[str, Any]:
        return {"grid": self.grid_, "terms": list(self.term_names_)}

    def _extra_explanations(self, context: Any) -> dict[str, Explanation]:
        context = context or self._stability_context()
        grid = context["grid"]
        numeric = [t for t, k in grid.kinds.items() if k == "numeric"]
        categorical = [t for t, k in grid.kinds.items() if k == "categorical"]
        out = {}
        if numeric:
            out["shape_functions"] = self.shape_functions(grid, numeric)
        if categorical:  # apart, so numeric curves are not padded to the categories
            out["categorical_effects"] = self.shape_functions(grid, categorical)
        imp = self.term_importances()
        # the reference fit's terms, in its order; a term this refit lacks counts 0
        terms = context["terms"]
        coords = {"feature": terms}
        values = imp.values.reindex(feature=terms, fill_value=0.0)
        error = imp.error.reindex(feature=terms, fill_value=0.0)
        values = values.assign_coords(coords)
        imp = imp.with_values(values, error=error.assign_coords(coords))
        out["term_importances"] = imp
        return out

    def _replicate_info(self) -> dict[str, float]:
        return {"n_terms": float(len(self.term_names_))}

    # -- helpers ------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)

    def _check_params(self) -> None:
        inputs.check_params(self, _FORWARDED)

    def _resolve_task(self, y: Any) -> str:
        return inputs.resolve_task(self, y)

    def _stability_prototype(self, X: Any, y: Any) -> EBMExplainer:
        # task fixed from y and categories from all rows, so every replicate agrees on both
        return inputs.prepared(self, X, y)

    def _eval_terms(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.ebm_.eval_terms(X), dtype=np.float64)

    def _main_terms(self) -> dict[str, int]:
        names = [str(f) for f in self.feature_names_in_]
        return {names[f[0]]: t for t, f in enumerate(self.term_features_) if len(f) == 1}

    def _points(self, feature: int, n_grid: int) -> np.ndarray:
        name = str(self.feature_names_in_[feature])
        if self.feature_kinds_[name] == "categorical":
            return self.categories_[name]
        lo, hi = (float(v) for v in self.ebm_.feature_bounds_[feature])
        return np.linspace(lo, hi, n_grid)

    def _output_name(self) -> str:
        if self.task_ == "multiclass":
            return f"logit(each of {len(self.classes_)} classes)"
        return f"log_odds({self.classes_[1]})" if self.task_ == "binary" else "prediction"

    def _explanation(
        self, values: xr.DataArray, method: str, kind: str, **fields: Any
    ) -> Explanation:
        extra = {k: fields.pop(k) for k in ("features", "feature_kinds") if k in fields}
        ebm = self.ebm_
        params = {
            "task": self.task_,
            "kind": kind,
            "n_terms": len(self.term_names_),
            "terms": list(self.term_names_),
            "outer_bags": int(ebm.outer_bags),
            "interactions": jsonable(ebm.interactions),
            "max_bins": int(ebm.max_bins),
            "learning_rate": float(ebm.learning_rate),
            "random_state": jsonable(self.random_state),
            "edits": list(self.edits_),
            **inputs.table_params(self),
            "error": "sd_across_outer_bags (InterpretML's bag spread, not a confidence interval)",
            **extra,
        }
        return Explanation(
            values=values,
            method=method,
            backend="interpret",
            versions=library_versions("interpret-core", "numpy"),
            params=params,
            output_name=self._output_name(),
            **fields,
        )

    def __deepcopy__(self, memo: dict) -> EBMExplainer:
        # the plain deepcopy, minus the link to an edited-from model (kept by reference)
        parent = self.__dict__.get("edited_from_")
        new = copy.copy(self)
        state = {k: v for k, v in self.__dict__.items() if k != "edited_from_"}
        new.__dict__ = copy.deepcopy(state, memo)
        if parent is not None:
            new.edited_from_ = parent
        return new
