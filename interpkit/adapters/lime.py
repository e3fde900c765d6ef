"""LIME (``lime.lime_tabular``) behind the Explainer contract, with its seed sensitivity exposed.

LIME fits a weighted ridge regression to the model's outputs on random
perturbations around each row. The perturbations are random, and the
weights depend on a kernel width nobody tunes; ``stability(scope="seed")``
and ``stability(scope="kernel_width")`` show how much the answer moves.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import numpy as np
import xarray as xr
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from interpkit._optional import import_backend
from interpkit._pipelines import fit_model, seed_estimator
from interpkit.adapters._wrapped_model import WrappedModelExplainer
from interpkit.adapters.shap.model import (
    class_labels,
    is_interpkit,
    model_feature_check,
    n_outputs,
    native_output,
    output_function,
    output_label,
    resolve_output,
)
from interpkit.explainer import library_versions
from interpkit.explanation import Explanation
from interpkit.tags import ExplainerTags

__all__ = ["LimeExplainer"]

_INT32 = np.iinfo(np.int32).max


class LimeExplainer(WrappedModelExplainer):
    """LIME tabular explanations of a fitted model or of an estimator fit here.

    ``LimeExplainer(model=fitted).fit(X)`` explains a fitted model, ``X``
    being the training-like rows LIME takes its feature statistics from;
    ``LimeExplainer(estimator=unfitted).fit(X, y)`` fits a clone first.

    Parameters
    ----------
    model, estimator : as for :class:`~interpkit.ShapExplainer`. Default
        estimator ``RandomForestRegressor(n_estimators=100)``.
    output : {"auto", "prediction", "probability", "log_odds"}
        Regressors: the prediction; binary classifiers: the probability
        (default) or log-odds of ``classes_[1]`` (LIME's regression mode on
        that output).
    num_samples : int, default 1000
        Perturbations per explained row.
    kernel_width : float, optional
        Width of LIME's exponential kernel; LIME's default ``0.75 sqrt(p)``.
    discretize_continuous : bool, default True
        LIME's default: weights refer to the row's quartile bin of each
        feature; False gives weights of the standardised features.
    n_global_rows : int, default 50
        :meth:`explain` without rows averages ``|weight|`` over at most this
        many fit rows.
    random_state : int, optional
        Seeds the perturbations (row ``i`` of a call uses a seed derived from
        it), the global rows and the estimator.

    Attributes
    ----------
    model_, output_ : the explained model and output.
    training_data_ : ndarray, shape (n_rows, n_features)
    global_rows_ : ndarray, shape (<= n_global_rows, n_features)

    Notes
    -----
    Values are LIME's feature weights (``as_map()``), not additive
    attributions; ``base_value`` is each row's local intercept and
    ``annotations["mean_local_r2"]`` the mean fit of the local surrogate.
    A text, category or boolean column of a pipeline's table is LIME
    categorical: its weight is that of "the row's label", ``data`` holds
    the label's code and ``params["categories"]`` the labels, which the
    figures show.
    """

    _rows_role = "LIME's training rows"
    _fixed_scopes = "scope='seed'"

    def __init__(
        self,
        model: Any = None,
        estimator: Any = None,
        output: str = "auto",
        num_samples: int = 1000,
        kernel_width: float | None = None,
        discretize_continuous: bool = True,
        n_global_rows: int = 50,
        random_state: int | None = None,
    ) -> None:
        self.model = model
        self.estimator = estimator
        self.output = output
        self.num_samples = num_samples
        self.kernel_width = kernel_width
        self.discretize_continuous = discretize_continuous
        self.n_global_rows = n_global_rows
        self.random_state = random_state

    # -- contract hooks ------------------------------------------------------------
    def __interpkit_tags__(self) -> ExplainerTags:
        return replace(
            super().__interpkit_tags__(),
            tasks=("regression", "binary", "multiclass"),
            stochastic=True,
            scopes=self._fixed_model_scopes(("seed", "kernel_width")),
        )

    def _stability_setup(self, scope: str, X: Any, y: Any, options: dict[str, Any]) -> dict:
        """``"seed"``: reruns with new perturbation seeds; ``"kernel_width"``: one per width.

        ``"kernel_width"`` takes ``kernel_widths`` (>= 2 positive values) and
        runs one replicate per value with the fitted seed, showing how the
        width alone changes the answer. Both keep the fitted model and ignore
        ``X``/``y``.
        """
        options = dict(options)
        widths = options.pop("kernel_widths", None)
        super()._stability_setup(scope, X, y, options)
        if scope != "kernel_width":
            if widths is not None:
                raise TypeError("kernel_widths goes with scope='kernel_width'")
            return {}
        widths = [] if widths is None else [float(w) for w in widths]
        if len(widths) < 2 or min(widths) <= 0:
            raise ValueError("scope='kernel_width' needs kernel_widths: >= 2 positive values")
        return {"widths": widths, "n_replicates": len(widths)}

    def _replicate(
        self, scope: str, seed: int, index: int, shared: dict[str, Any]
    ) -> tuple[LimeExplainer, dict[str, Any]]:
        if scope == "rows":
            return super()._replicate(scope, seed, index, shared)
        rep = copy.copy(self)
        if scope == "kernel_width":
            rep.kernel_width, seed = shared["widths"][index], self.seed_
        else:
            rep.seed_ = seed
        return rep, {"seed": seed, "kernel_width": rep.kernel_width}

    def _task(self) -> str:
        if native_output(self._base_estimator()) != "classifier":
            return "regression"
        model = getattr(self, "model_", self.model)
        if model is None:  # an unfitted classifier: two classes or more, as y says
            return "classification"
        return "multiclass" if len(getattr(model, "classes_", ())) > 2 else "binary"

    def _fit(self, X: np.ndarray, y: np.ndarray | None) -> None:
        if self.model is not None and self.estimator is not None:
            raise ValueError("pass either model= (already fit) or estimator= (to fit), not both")
        if not (isinstance(self.num_samples, int | np.integer) and self.num_samples >= 10):
            raise ValueError(f"num_samples must be an integer >= 10, got {self.num_samples!r}")
        if self.kernel_width is not None and not self.kernel_width > 0:
            raise ValueError(f"kernel_width must be positive, got {self.kernel_width!r}")
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
        check_lime_rows(X, self.input_codec_)
        try:
            np.asarray(self._f()(X[:5]), dtype=np.float64)
        except Exception as err:
            raise ValueError(
                f"the model's output could not be computed on X ({type(err).__name__}: {err})"
            ) from err
        rng = check_random_state(self.random_state)
        rows_seed, self.seed_ = (int(s) for s in rng.randint(_INT32, size=2))
        self.training_data_ = X
        n_rows = min(int(self.n_global_rows), X.shape[0])
        idx = np.sort(np.random.RandomState(rows_seed).choice(X.shape[0], n_rows, replace=False))
        self.global_rows_ = X[idx]

    def _predict(self, X: np.ndarray) -> np.ndarray:
        return self._f()(X)

    def _f(self) -> Any:
        decode = None if self.input_codec_ is None else self.input_codec_.decode
        return output_function(self.model_, self.output_, decode)

    def _explain_local(self, X: np.ndarray) -> Explanation:
        return self._local(X, *self._lime(X, self.seed_, self.kernel_width))

    def _explain_global(self) -> Explanation:
        return self._global(*self._lime(self.global_rows_, self.seed_, self.kernel_width))

    # -- computation -------------------------------------------------------------
    def _lime(
        self, X: np.ndarray, seed: int, width: float | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float | None]:
        """LIME weights (n, p), intercepts (n,), local R^2 (n,) for rows X.

        A multiclass model's probabilities: one LIME fit per class on the same
        perturbed samples (the same seeds), weights (n, p, K), intercepts and
        R^2 (n, K).
        """
        f = self._f()
        k = n_outputs(self.model_, self.output_)
        if k == 1:
            return (*self._lime_one(X, f, seed, width), width)
        parts = [self._lime_one(X, lambda Z, c=c: f(Z)[:, c], seed, width) for c in range(k)]
        weights, intercepts, scores = (np.stack(p, axis=-1) for p in zip(*parts, strict=True))
        return weights, intercepts, scores, width

    def _lime_one(
        self, X: np.ndarray, f: Any, seed: int, width: float | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        import_backend("lime", "LimeExplainer")  # a clear error when lime is missing
        from lime import lime_tabular

        codec = self.input_codec_
        explainer = lime_tabular.LimeTabularExplainer(
            self.training_data_,
            mode="regression",
            feature_names=self._names(),
            kernel_width=width,
            discretize_continuous=self.discretize_continuous,
            categorical_features=None if codec is None else codec.categorical_indices,
            random_state=0,
        )
        n, p = X.shape
        weights, intercepts, scores = np.zeros((n, p)), np.zeros(n), np.zeros(n)
        for i in range(n):
            # a seed per row, so a row's weights do not depend on the rows before it
            rs = np.random.RandomState((seed + 7919 * i) % _INT32)
            explainer.random_state = explainer.base.random_state = rs
            if explainer.discretizer is not None:
                explainer.discretizer.random_state = rs
            exp = explainer.explain_instance(
                X[i], f, num_features=p, num_samples=int(self.num_samples)
            )
            for j, w in exp.local_exp[1]:
                weights[i, int(j)] = w
            intercepts[i] = float(exp.intercept[1])
            scores[i] = float(exp.score)
        return weights, intercepts, scores

    def _local(self, X, weights, intercepts, scores, width) -> Explanation:
        coords = {"sample": np.arange(X.shape[0]), "feature": self._names()}
        dims, bdims = ("sample", "feature"), ("sample",)
        if weights.ndim == 3:  # multiclass: one LIME fit per class
            dims, bdims = (*dims, "class"), ("sample", "class")
            coords["class"] = class_labels(self.model_)
        values = xr.DataArray(weights, dims=dims, coords=coords, name="lime_weight")
        data_coords = {d: coords[d] for d in ("sample", "feature")}
        data = xr.DataArray(X, dims=("sample", "feature"), coords=data_coords, name="feature_value")
        base = xr.DataArray(intercepts, dims=bdims, coords={d: coords[d] for d in bdims})
        return self._explanation(values, width, "local", scores, base_value=base, data=data)

    def _global(self, weights, intercepts, scores, width) -> Explanation:
        dims: tuple[str, ...] = ("feature",)
        coords: dict[str, Any] = {"feature": self._names()}
        if weights.ndim == 3:
            dims, coords["class"] = ("feature", "class"), class_labels(self.model_)
        values = xr.DataArray(
            np.abs(weights).mean(axis=0), dims=dims, coords=coords, name="mean_abs_lime_weight"
        )
        return self._explanation(values, width, "global", scores)

    def _explanation(self, values, width, kind, scores, **fields) -> Explanation:
        return Explanation(
            values=values,
            method="lime",
            backend="lime",
            versions=library_versions("lime", "scikit-learn"),
            params={
                "mode": "model" if self.model is not None else "estimator",
                "model": type(self.model_).__name__,
                "output": self.output_,
                "num_samples": int(self.num_samples),
                "kernel_width": width,
                "discretize_continuous": bool(self.discretize_continuous),
                "random_state": self.random_state,
                "kind": kind,
                # data holds a text column's codes; figures name them by these labels
                **_category_params(self.input_codec_),
            },
            output_name=output_label(self.model_, self.output_),
            annotations={"mean_local_r2": float(np.mean(scores))},
            **fields,
        )

    def _base_estimator(self) -> Any:
        if self.model is not None:
            return self.model
        if self.estimator is not None:
            return self.estimator
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(n_estimators=100)

    def _names(self) -> list[str]:
        return [str(f) for f in self.feature_names_in_]


def _category_params(codec: Any) -> dict[str, Any]:
    """The labels of the coded text/category columns, as an Explanation's params hold them."""
    if codec is None or not codec.categories:
        return {}
    return {"categories": codec.describe()}


def check_lime_rows(X: np.ndarray, codec: Any) -> None:
    """LIME samples perturbations from its training rows' statistics: no missing values."""
    missing = np.isnan(X).any(axis=0)
    if missing.any():
        names = [codec.names[j] for j in np.flatnonzero(missing)] if codec else []
        raise ValueError(
            f"LIME perturbs rows from the statistics of its training rows, which cannot hold "
            f"missing values; columns {names[:10]} have some. Impute them in the data, or use "
            "ShapExplainer, which handles a pipeline's missing values"
        )
