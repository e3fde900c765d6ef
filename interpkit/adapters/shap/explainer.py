"""SHAP values of any scikit-learn model, pipeline or interpkit explainer, via the ``shap`` package.

Every shap algorithm sits behind one explainer, and the choices that change
the answer are parameters in plain sight and recorded in each result: the
background (what "feature absent" means), the value function for linear
models (interventional vs correlation-dependent), the output scale for
classifiers (probability or log-odds). Additivity, ``sum(phi) + base =
f(x)``, is checked on every call and its largest violation recorded.

Stability has three scopes (:meth:`ShapExplainer.stability`): refit the
model on bootstrap rows, redraw the background, or rerun a stochastic
algorithm with new seeds.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import replace
from typing import Any

import numpy as np
import xarray as xr
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from interpkit._pipelines import fit_model, seed_estimator
from interpkit.adapters._wrapped_model import WrappedModelExplainer
from interpkit.adapters.shap.background import explainer_background
from interpkit.adapters.shap.checks import check_model_runs, check_params
from interpkit.adapters.shap.compute import ShapSetup, shap_values
from interpkit.adapters.shap.model import (
    STOCHASTIC,
    choose_algorithm,
    class_labels,
    is_interpkit,
    linear_parts,
    model_feature_check,
    n_outputs,
    output_function,
    output_label,
    resolve_output,
    tree_model_output,
)
from interpkit.adapters.shap.multiclass import global_values, local_values
from interpkit.adapters.shap.pipeline import encoded_labels, pipeline_params, pipeline_view
from interpkit.explainer import library_versions
from interpkit.explanation import Explanation
from interpkit.tags import ExplainerTags

__all__ = ["ShapExplainer"]

STOCHASTIC_NOTE = "Monte-Carlo estimate: stability(scope='seed') shows its spread"


class ShapExplainer(WrappedModelExplainer):
    """SHAP attributions with an explicit background, value function and output scale.

    Two ways in:

    * ``ShapExplainer(model=fitted).fit(X)``: explain a model that is already
      fit; ``X`` are the rows the background is drawn from (``y`` is not
      needed).
    * ``ShapExplainer(estimator=unfitted).fit(X, y)``: fit a clone of the
      estimator on ``(X, y)`` and explain it; the background is drawn from
      the training rows. This is what ``stability(scope="rows")`` refits.

    Parameters
    ----------
    model : fitted model, optional
        A scikit-learn estimator or pipeline, or a fitted interpkit explainer
        (e.g. :class:`~interpkit.LassoExplainer`, explained through its
        ``predict``).
    estimator : unfitted scikit-learn estimator, optional
        Fit (cloned) in :meth:`fit`. Default, when neither is given,
        ``RandomForestRegressor(n_estimators=100)``.
    algorithm : {"auto", "tree", "linear", "kernel", "permutation", "exact"}
        ``"auto"``: linear SHAP for linear models, TreeSHAP for scikit-learn
        trees and forests, else the permutation explainer (antithetic
        permutation sampling, additive by construction; ``"exact"``
        enumerates all 2^p coalitions and compiles numba kernels, ~10 s,
        once per process). All use the interventional (marginal) value
        function except ``algorithm="linear"`` with
        ``feature_perturbation="correlation_dependent"``.
    background : int, "mean", "median", "kmeans:K", array or DataFrame, default 100
        The reference distribution: a random sample of that many rows of
        ``X``; one row of column means / medians (the most frequent label of
        a text, category or boolean column); K k-means centroids of the
        numeric columns weighted by cluster size, each with its cluster's
        most frequent labels (kernel and linear only; a ValueError without
        numeric columns); or rows given as is (a DataFrame must have the
        columns of ``X``).
    feature_perturbation : {"interventional", "correlation_dependent"}
        Linear SHAP's value function: features absent are drawn independently
        of the present ones (marginal), or from their conditional Gaussian
        given the present ones.
    output : {"auto", "prediction", "probability", "log_odds"}
        What is explained: the prediction of a regressor; for a binary
        classifier the probability (default) or log-odds of ``classes_[1]``.
    nsamples : int or "auto"
        KernelSHAP's coalition samples (at least ``n_features + 2``; ``"auto"``
        is shap's ``2 p + 2048``), the permutation explainer's model calls
        (``"auto"``: ``10 p + 1``), or the correlation-dependent transform's
        orderings (``"auto"``: 1000). KernelSHAP runs without shap's L1
        feature selection, so its estimates are the plain Monte-Carlo ones.
    n_global_rows : int, default 200
        :meth:`explain` without rows averages ``|phi|`` over at most this
        many of the fit rows (a seeded sample), which bounds its cost.
    additivity_tol : float, default 1e-6
        A row whose ``|sum(phi) + base - f(x)|`` exceeds
        ``additivity_tol * max(1, |f|)`` triggers a RuntimeWarning; the largest
        violation is always in ``annotations["additivity_error"]``.
    random_state : int, optional
        Seeds the background sample, the global rows, stochastic algorithms
        and the estimator (when it has a ``random_state``).
    feature_level : {"original", "encoded"}, default "original"
        A pipeline is explained per column of the user's table (as given:
        text, categories and missing values included). With a tree model as
        its last step TreeSHAP explains that step on the transformed rows and
        sums the encoded columns back (``params["feature_mapping"]``);
        ``"encoded"`` keeps them per encoded column.

    Attributes
    ----------
    model_ : the explained model (the fitted clone, or ``model``).
    algorithm_ : str
        The algorithm used (``"auto"`` resolved).
    output_ : str
        ``"prediction"``, ``"probability"`` or ``"log_odds"``.
    background_ : ndarray, shape (n_background, n_features)
    background_weights_ : ndarray or None
        Weights of the background rows (k-means only).
    background_source_ : ndarray, shape (n_rows, n_features)
        The rows the background was drawn from (redrawn by
        ``stability(scope="background")``).
    global_rows_ : ndarray, shape (<= n_global_rows, n_features)
        Rows the global explanation averages over.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> shap_ex = ShapExplainer(estimator=RandomForestRegressor(50), random_state=0)
    >>> shap_ex.fit(X, y).explain(X.iloc[:5])  # doctest: +SKIP
    """

    _rows_role = "the background rows"
    _fixed_scopes = "scope='background' or 'seed'"

    def __init__(
        self,
        model: Any = None,
        estimator: Any = None,
        algorithm: str = "auto",
        background: Any = 100,
        feature_perturbation: str = "interventional",
        output: str = "auto",
        nsamples: int | str = "auto",
        n_global_rows: int = 200,
        additivity_tol: float = 1e-6,
        random_state: int | None = None,
        feature_level: str = "original",
    ) -> None:
        self.model = model
        self.estimator = estimator
        self.algorithm = algorithm
        self.background = background
        self.feature_perturbation = feature_perturbation
        self.output = output
        self.nsamples = nsamples
        self.n_global_rows = n_global_rows
        self.additivity_tol = additivity_tol
        self.random_state = random_state
        self.feature_level = feature_level

    # -- contract hooks --------------------------------------------------------
    def __interpkit_tags__(self) -> ExplainerTags:
        # "seed" only for Monte-Carlo algorithms ("auto" counts as deterministic until fit)
        fixed = ("background",) + ("seed",) * self._is_stochastic()
        return replace(
            super().__interpkit_tags__(),
            tasks=("regression", "binary", "multiclass"),
            stochastic=self._is_stochastic(),
            scopes=self._fixed_model_scopes(fixed),
        )

    def _scope_refusal(self, scope: str) -> str | None:
        # "seed" is declared for Monte-Carlo algorithms only; say why it is missing
        if scope == "seed" and not self._is_stochastic():
            algorithm = getattr(self, "algorithm_", self.algorithm)
            if algorithm == "auto":
                return "scope='seed' needs a fitted explainer (algorithm='auto' is chosen by fit)"
            return (
                f"scope='seed' reruns a stochastic algorithm, but {algorithm!r} SHAP "
                "is deterministic (every seed gives the same values); use algorithm='kernel' or "
                "'permutation', or scope='background'"
            )
        return super()._scope_refusal(scope)

    def _stability_setup(self, scope: str, X: Any, y: Any, options: dict[str, Any]) -> dict:
        """``"background"``: redraw backgrounds; ``"seed"``: rerun a stochastic algorithm.

        ``"background"`` bootstraps the background's source rows (``X`` when
        given, else the rows ``fit`` saw) and rebuilds the background from
        them; a background given as rows is bootstrapped itself, so a single
        given row gives zero-width intervals. ``"seed"`` keeps the model and
        background and reruns KernelSHAP, permutation or correlation-dependent
        linear SHAP with new seeds.
        """
        super()._stability_setup(scope, X, y, options)
        if scope != "background":
            return {}
        # a background given as rows is bootstrapped itself; a recipe is re-applied
        explicit = not isinstance(self.background, str | int | np.integer)
        if X is not None:
            source = self._check_rows(X)
        else:
            source = self.background_ if explicit else self.background_source_
        return {"source": source, "spec": "given" if explicit else self.background}

    def _replicate(
        self, scope: str, seed: int, index: int, shared: dict[str, Any]
    ) -> tuple[ShapExplainer, dict[str, Any]]:
        flag = self.__dict__.setdefault("_additivity_flag", {})  # replicates warn once too
        if scope == "rows":
            rep, info = super()._replicate(scope, seed, index, shared)
            rep._additivity_flag = flag
            return rep, info
        rep = copy.copy(self)
        rep._scope = scope
        if scope == "background":
            source = shared["source"]
            resampled = source[np.random.RandomState(seed).randint(len(source), size=len(source))]
            if isinstance(shared["spec"], str) and shared["spec"] == "given":
                rep.background_, rep.background_weights_ = resampled, None
            else:
                bg, w, _ = explainer_background(self, shared["spec"], resampled, seed)
                rep.background_, rep.background_weights_ = bg, w
        else:
            rep.seed_ = seed
        return rep, {"seed": seed}

    def _task(self) -> str:
        from interpkit.adapters.shap.model import native_output

        if native_output(self._base_estimator()) != "classifier":
            return "regression"
        model = getattr(self, "model_", self.model)
        if model is None:  # an unfitted classifier: two classes or more, as y says
            return "classification"
        # check_y's names: "classification" is two or more classes (a refit on new rows)
        return "classification" if len(getattr(model, "classes_", ())) > 2 else "binary"

    def _fit(self, X: np.ndarray, y: np.ndarray | None) -> None:
        check_params(self)
        names = self._names()
        if self.model is not None:
            model = self.model
            model_feature_check(model, names)
            if is_interpkit(model):
                check_is_fitted(model)
        else:
            model = clone(self._base_estimator())
            seed_estimator(model, self.random_state)  # a pipeline: its steps
            fit_model(model, self._model_input(X), y)
        self.model_ = model
        self.output_ = resolve_output(model, self.output)
        f = self._f()
        self.view_ = pipeline_view(
            model, self.output_, self.input_codec_, names, self.feature_level
        )
        rng = check_random_state(self.random_state)
        bg_seed, rows_seed, self.seed_ = (int(s) for s in rng.randint(2**31 - 1, size=3))
        self.background_source_ = X
        self.background_, self.background_weights_, self.background_desc_ = explainer_background(
            self, self.background, X, bg_seed
        )
        self.algorithm_ = choose_algorithm(
            model if self.view_ is None else self.view_.model,
            self.output_,
            self.algorithm,
            X.shape[1],
            self.background_weights_ is not None,
        )
        if self.algorithm_ != "tree":
            if self.feature_level == "encoded":
                raise ValueError(
                    "feature_level='encoded' needs TreeSHAP of a pipeline whose last step is a "
                    f"tree model; {self.algorithm_!r} SHAP explains your own columns"
                )
            self.view_ = None
        check_model_runs(self, f)
        n_rows = min(int(self.n_global_rows), X.shape[0])
        idx = np.sort(np.random.RandomState(rows_seed).choice(X.shape[0], n_rows, replace=False))
        self.global_rows_ = X[idx]

    def _predict(self, X: np.ndarray) -> np.ndarray:
        return self._f()(X)

    def _f(self) -> Any:
        codec = self.input_codec_
        return output_function(self.model_, self.output_, None if codec is None else codec.decode)

    def _explain_local(self, X: np.ndarray) -> Explanation:
        return self._local(X, *self._compute(X))

    def _explain_global(self) -> Explanation:
        return self._global(*self._compute(self.global_rows_))

    def _replicate_info(self) -> dict[str, float]:
        return {"n_background": float(self.background_.shape[0])}

    def _is_stochastic(self) -> bool:
        """Monte-Carlo SHAP (after fit: the algorithm "auto" chose)."""
        algorithm = getattr(self, "algorithm_", self.algorithm)
        return algorithm in STOCHASTIC or (
            algorithm == "linear" and self.feature_perturbation == "correlation_dependent"
        )

    # -- computation -------------------------------------------------------------
    def _setup(self, algorithm: str | None = None, nsamples: Any = None) -> ShapSetup:
        algo = self.algorithm_ if algorithm is None else algorithm
        return ShapSetup(
            algorithm=algo,
            model=self.model_,
            f=self._f(),
            output=self.output_,
            feature_perturbation=self.feature_perturbation,
            nsamples=self.nsamples if nsamples is None else nsamples,
            tree_output=tree_model_output(
                self.model_ if self.view_ is None else self.view_.model, self.output_
            ),
            linear=linear_parts(self.model_, self.output_, self.n_features_in_),
            n_outputs=n_outputs(self.model_, self.output_),
            names=tuple(self._names()),
            view=self.view_ if algo == "tree" else None,
        )

    def _compute(
        self,
        X: np.ndarray,
        background: np.ndarray | None = None,
        weights: np.ndarray | None = None,
        seed: int | None = None,
        setup: ShapSetup | None = None,
    ) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
        """``(phi, base, additivity_error, f(X))`` of rows X (fitted background by default).

        A row misses additivity when ``|sum(phi) + base - f(x)|`` exceeds
        ``additivity_tol * max(1, |f(x)|)`` plus, for TreeSHAP, the bound left
        by shap's float32 leaf values; the first miss warns once per
        explainer (and its stability replicates), with its size.
        """
        setup = self._setup() if setup is None else setup
        if background is None:
            background, weights = self.background_, self.background_weights_
        info: dict[str, float] = {}
        seed = self.seed_ if seed is None else seed
        phi, base = shap_values(setup, X, background, weights, seed, info=info)
        fx = setup.f(X)
        gap = np.abs(phi.sum(axis=1) + base - fx)  # (n,) or (n, classes)
        error = float(gap.max())
        tol = self.additivity_tol * np.maximum(1.0, np.abs(fx)) + info.get("float32_slack", 0.0)
        self.additivity_tolerance_ = float(tol.max())
        bad = (gap > tol).reshape(len(gap), -1).any(axis=1)
        flag = self.__dict__.setdefault("_additivity_flag", {})
        if bad.any() and not flag.get("warned"):
            flag["warned"] = True
            warnings.warn(
                f"SHAP values of {int(bad.sum())} of {len(gap)} rows do not add up to the model "
                f"output: |sum(phi) + base - f(x)| up to {error:.3g} ({setup.algorithm}); "
                "recorded in annotations['additivity_error'] (warned once per explainer)",
                RuntimeWarning,
                stacklevel=3,
            )
        return phi, base, error, fx

    def _params(self, setup: ShapSetup | None = None, **extra: Any) -> dict[str, Any]:
        setup = self._setup() if setup is None else setup
        params = {
            "mode": "model" if self.model is not None else "estimator",
            "model": type(self.model_).__name__,
            "algorithm": setup.algorithm,
            "value_function": (
                self.feature_perturbation if setup.algorithm == "linear" else "interventional"
            ),
            "output": self.output_,
            "background": self.background_desc_,
            "n_background": int(self.background_.shape[0]),
            "background_weighted": self.background_weights_ is not None,
            "nsamples": setup.nsamples if setup.algorithm in STOCHASTIC else None,
            "random_state": self.random_state,
            "seed": int(self.seed_),
            "note": STOCHASTIC_NOTE if setup.algorithm in STOCHASTIC else "",
        }
        params.update(pipeline_params(self))
        if getattr(self, "_scope", None):
            params["scope"] = self._scope  # a stability replicate's copy says what varied
        params.update(extra)
        return params

    def _local(
        self,
        X: np.ndarray,
        phi: np.ndarray,
        base: np.ndarray,
        error: float,
        fx: np.ndarray,
        setup: ShapSetup | None = None,
        **params: Any,
    ) -> Explanation:
        names = self._feature_names(phi.shape[1])
        if len(names) != len(self._names()):
            X = self.view_.transform(X)  # per encoded column: the rows the last step sees
        values, base_value = local_values(phi, base, names, self._classes())
        coords = {"sample": values.coords["sample"].values, "feature": names}
        data = xr.DataArray(X, dims=("sample", "feature"), coords=coords, name="feature_value")
        return self._explanation(
            values,
            setup,
            base_value=base_value,
            data=data,
            annotations={
                "additivity_error": error,
                "additivity_tolerance": self.additivity_tolerance_,
                "max_abs_output": float(np.abs(fx).max()),
            },
            kind="local",
            **params,
        )

    def _global(
        self,
        phi: np.ndarray,
        base: np.ndarray,
        error: float,
        fx: np.ndarray,
        setup: ShapSetup | None = None,
        **params: Any,
    ) -> Explanation:
        names = self._feature_names(phi.shape[1])
        values, base_value = global_values(phi, base, names, self._classes())
        return self._explanation(
            values,
            setup,
            base_value=base_value,
            annotations={
                "additivity_error": error,
                "additivity_tolerance": self.additivity_tolerance_,
                "n_rows": float(phi.shape[0]),
            },
            kind="global",
            **params,
        )

    def _explanation(
        self, values: xr.DataArray, setup: ShapSetup | None, *, kind: str, **fields: Any
    ) -> Explanation:
        extra = {k: fields.pop(k) for k in list(fields) if k not in _FIELDS}
        setup = self._setup() if setup is None else setup
        return Explanation(
            values=values,
            method=f"{setup.algorithm}_shap",
            backend="shap",
            versions=library_versions("shap", "scikit-learn"),
            params=self._params(setup, kind=kind, **extra),
            output_name=output_label(self.model_, self.output_),
            **fields,
        )

    # -- helpers ------------------------------------------------------------------
    def _base_estimator(self) -> Any:
        if self.model is not None:
            return self.model
        if self.estimator is not None:
            return self.estimator
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(n_estimators=100)

    def _classes(self) -> list[str] | None:
        """Class labels of a multiclass model's explained probabilities, else None."""
        if n_outputs(self.model_, self.output_) == 1:
            return None
        return class_labels(self.model_)

    def _names(self) -> list[str]:
        return [str(f) for f in self.feature_names_in_]

    def _feature_names(self, n_columns: int) -> list[str]:
        """The user's column names, or the encoded ones (``feature_level="encoded"``)."""
        view = getattr(self, "view_", None)
        if view is not None and view.origins is None and self.algorithm_ == "tree":
            return encoded_labels(view, n_columns)
        return self._names()


_FIELDS = {"base_value", "data", "annotations", "error"}
