"""Exact Gaussian-process regression on GPyTorch: :class:`GPExplainer`.

A GP is read through its kernel and its hyperparameters. The explainer fits
an exact GP (zero mean on the standardised target) by type-II maximum
likelihood -- or maximum a posteriori when hyperpriors are given -- from
several random restarts, and keeps every restart's optimum: the spread of
optima is part of the explanation.

* ``explain()``: relevance per feature, by default ``1/lengthscale`` of the
  ARD kernel (see :meth:`GPExplainer.relevance` for the definition and for
  the other kind, the variance of the posterior-mean partial dependence).
* ``explain(X)``: posterior mean of the latent function at the rows of X,
  with its posterior standard deviation in ``error`` (dims ``("sample",)``).
* ``stability(...)``: bootstrap refits give intervals for both relevances
  (``result.extras`` holds the one ``explain()`` does not return) and, in
  ``replicate_info``, for every hyperparameter, the best log marginal
  likelihood and how often restarts reach the best optimum.

Kernel, prior/posterior draws and marginal-likelihood surfaces:
:meth:`GPExplainer.posterior`, :meth:`GPExplainer.prior_draws`,
:meth:`GPExplainer.ml_surface`, and the functions in
:mod:`interpkit.adapters.gpytorch.functions` (``kernel_cross_section``,
``prior_draws``) re-exported here.

This module holds the estimator; the restarts and optimiser loop live in
:mod:`interpkit.adapters.gpytorch.fit`, kernels and hyperparameter tables in
:mod:`interpkit.adapters.gpytorch.kernels`, the marginal-likelihood surface in
:mod:`interpkit.adapters.gpytorch.surface`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from interpkit.adapters.gpytorch import kernels as gk
from interpkit.adapters.gpytorch.fit import (  # noqa: F401 (re-exported: defined here before)
    exact_gp_class,
    exact_settings,
    fit_restarts,
    merge_copies,
    new_likelihood,
    resolve_device,
)
from interpkit.adapters.gpytorch.functions import kernel_cross_section, prior_draws
from interpkit.adapters.gpytorch.kernels import (  # noqa: F401 (cholesky_state: kept importable)
    GPState,
    cholesky_state,
    pd_variance,
    predict_latent,
)
from interpkit.adapters.gpytorch.posterior import GPPosterior, posterior
from interpkit.adapters.gpytorch.surface import MLSurface, ml_surface
from interpkit.explainer import Explainer, library_versions
from interpkit.explanation import Explanation
from interpkit.tags import ExplainerTags

__all__ = [
    "GPExplainer",
    "GPPosterior",
    "MLSurface",
    "kernel_cross_section",
    "prior_draws",
]

RELEVANCE_KINDS = ("inverse_lengthscale", "pd_variance")
OPTIMIZERS = ("lbfgs", "adam")
DEVICES = ("cpu", "cuda", "auto")


class GPExplainer(Explainer):
    """Exact GP regression (GPyTorch) with restarts, hyperpriors and ARD relevance.

    Parameters
    ----------
    kernel : str or gpytorch.kernels.Kernel, default "rbf"
        A sum of products of ``rbf``, ``linear``, ``periodic``, ``matern12``,
        ``matern32``, ``matern52`` (``matern``), e.g. ``"rbf + periodic"`` or
        ``"linear * periodic"``; each product term gets its own outputscale.
        A GPyTorch kernel object is deep-copied at fit and used as given
        (include a ``ScaleKernel`` for an amplitude).
    ard : bool, optional
        One lengthscale per input. Default: on when there is more than one
        feature (string kernels only).
    n_restarts : int, default 5
        Optimisations from different starting points. Restart 0 starts at
        lengthscale 1, outputscale 1, noise 0.1 (standardised scale); the
        others at random (log-uniform, or drawn from the hyperprior).
    hyperparameters : dict, optional
        Values to fix, by name (see :mod:`interpkit.adapters.gpytorch.kernels`):
        e.g. ``{"outputscale": 1, "lengthscale": 1.2, "noise_sd": 0.23}``.
        Fixed values are not optimised; with everything fixed there is no
        optimisation at all. Values are on the scale the GP is fit on (the
        standardised one unless ``normalize_X``/``normalize_y`` are off).
    priors : dict, optional
        Hyperpriors by name: ``("lognormal", mu, sigma)``, ``("gamma",
        shape, rate)`` or a gpytorch prior, e.g. the hierarchical model
        ``{"amplitude": ("lognormal", -1, 1), "lengthscale": ("lognormal", 0,
        1)}``. With priors, restarts maximise log ML + log prior (MAP) and
        :meth:`posterior` can marginalise over them.
    optimizer : {"lbfgs", "adam"}, default "lbfgs"
        L-BFGS with a strong-Wolfe line search, or Adam.
    max_iter : int, default 100
        Iterations per restart.
    learning_rate : float, optional
        Adam's step size (default 0.05); L-BFGS uses 1.
    normalize_X, normalize_y : bool, default True
        Standardise features / centre and scale the target before fitting.
        Lengthscales are then in standard deviations of each feature.
    relevance_kind : {"inverse_lengthscale", "pd_variance"}
        What :meth:`explain` returns globally.
    device : {"cpu", "cuda", "auto"}, default "cpu"
        Where torch computes; ``"auto"`` takes a GPU when there is one.
    random_state : int, optional
        Seeds the restarts.

    Attributes
    ----------
    hyperparameters_ : pandas.Series
        The best restart's hyperparameters, by name.
    restarts_ : pandas.DataFrame
        One row per restart: ``log_marginal_likelihood``, ``log_prior``,
        ``objective`` (their sum), ``optimum`` (0 = best; restarts within
        tolerance of each other share a label), ``n_iter``, ``status`` and
        every hyperparameter.
    log_marginal_likelihood_ : float
        At the best restart (on the scale the GP is fit on).
    kernel_ : gpytorch kernel with the best hyperparameters.
    noise_ : float
        Noise variance on the fitting scale.
    n_rows_used_ : int
        Rows fit after dropping exact copies (same x and y) of a row: a
        bootstrap sample's copies would otherwise pass for noise-free data
        and drive the noise to its lower bound. With ``sample_weight`` a row
        of weight c (copies merged, weights summed) is one observation with
        noise variance σ²/c, the mean of c observations at its x: a bootstrap
        replicate fit as its distinct rows with their counts uses them all.

    Examples
    --------
    >>> gp = GPExplainer(n_restarts=3, random_state=0).fit(X, y)  # doctest: +SKIP
    >>> gp.explain().to_frame()                                   # 1/lengthscale per feature
    >>> gp.explain(X.iloc[:5]).error                              # posterior sd
    """

    def __init__(
        self,
        kernel: Any = "rbf",
        ard: bool | None = None,
        n_restarts: int = 5,
        hyperparameters: dict[str, float] | None = None,
        priors: dict[str, Any] | None = None,
        optimizer: str = "lbfgs",
        max_iter: int = 100,
        learning_rate: float | None = None,
        normalize_X: bool = True,
        normalize_y: bool = True,
        relevance_kind: str = "inverse_lengthscale",
        device: str = "cpu",
        random_state: int | None = None,
    ) -> None:
        self.kernel = kernel
        self.ard = ard
        self.n_restarts = n_restarts
        self.hyperparameters = hyperparameters
        self.priors = priors
        self.optimizer = optimizer
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.normalize_X = normalize_X
        self.normalize_y = normalize_y
        self.relevance_kind = relevance_kind
        self.device = device
        self.random_state = random_state

    # -- public API ------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> GPExplainer:
        """Fit by type-II ML (or MAP) from ``n_restarts`` starts; see the class docs."""
        if np.ndim(X) >= 1 and np.shape(X)[0] < 2:
            raise ValueError(
                f"a GP needs at least 2 rows to fit, got {np.shape(X)[0]} sample(s); "
                "use prior_draws() to look at the prior without data"
            )
        return super().fit(X, y, sample_weight=sample_weight)

    def explain(self, X: Any = None) -> Explanation:
        expl = super().explain(X)
        if X is not None and expl.error is not None:
            # the base class relabels values' rows with the DataFrame index; keep error aligned
            expl = expl.with_values(
                expl.values, error=expl.error.assign_coords(sample=expl.values.coords["sample"])
            )
        return expl

    def relevance(self, kind: str | None = None) -> Explanation:
        """Relevance of each feature, dims ``("feature",)``.

        ``"inverse_lengthscale"``: ``sqrt(sum_c 1/l_cj^2)`` over the kernel
        parts ``c`` with a lengthscale for feature ``j`` -- exactly ``1/l_j``
        for one ARD kernel; in units of 1/SD of the feature when
        ``normalize_X``. Large means the function changes quickly along the
        feature. ``"pd_variance"``: variance, over the feature's observed
        distribution (up to 30 quantiles), of the partial dependence of the
        posterior mean (averaged over up to 100 training rows), in squared
        target units: how much the fitted function actually moves with the
        feature. The two disagree when a short lengthscale comes with a
        small effect, or a long one with a large trend.
        """
        check_is_fitted(self)
        kind = self.relevance_kind if kind is None else kind
        if kind not in RELEVANCE_KINDS:
            raise ValueError(f"kind must be one of {RELEVANCE_KINDS}, got {kind!r}")
        names = [str(f) for f in self.feature_names_in_]
        if kind == "inverse_lengthscale":
            values = self._inverse_lengthscale()
            name = "inverse_lengthscale"
        else:
            if self._pd_cache is None:
                self._pd_cache = pd_variance(self._state)
            values = self._pd_cache
            name = "pd_variance"
        da = xr.DataArray(values, dims=("feature",), coords={"feature": names}, name=name)
        annotations = {f"hyper:{k}": float(v) for k, v in self.hyperparameters_.items()}
        annotations["log_marginal_likelihood"] = self.log_marginal_likelihood_
        annotations["best_optimum_fraction"] = self._best_fraction()
        return self._explanation(da, name, annotations=annotations)

    def posterior(self, X: Any, n_draws: int = 0, **kwargs: Any) -> GPPosterior:
        """Posterior of f at the rows of ``X`` (mean, sd, draws); see ``_gp_functions``."""
        check_is_fitted(self)
        return posterior(self._state, self._grid(X), n_draws=n_draws, **kwargs)

    def prior_draws(self, X: Any, n_draws: int = 5, **kwargs: Any) -> Explanation:
        """Draws of f from the prior at the fitted hyperparameters, or marginalised over priors.

        ``marginalise=True`` draws hyperparameters from ``priors`` first
        (those without a prior stay at their fitted values).
        """
        check_is_fitted(self)
        return prior_draws(
            self.kernel_,
            self._grid(X),
            n_draws=n_draws,
            state=self._state,
            **kwargs,
        )

    def ml_surface(
        self, x_param: str, y_param: str, x_values: Any, y_values: Any, **kwargs: Any
    ) -> MLSurface:
        """Log marginal likelihood over two hyperparameters, others at their fitted values.

        See ``_gp_functions.ml_surface``: batched evaluation, local maxima
        located on the grid and refined, the posterior at each maximum when
        ``X_grid`` is given.
        """
        check_is_fitted(self)
        if kwargs.get("X_grid") is not None:
            kwargs["X_grid"] = self._grid(kwargs["X_grid"])
        return ml_surface(self._state, x_param, y_param, x_values, y_values, **kwargs)

    def restarts(self) -> Explanation:
        """Log marginal likelihood of every restart, dims ``("restart",)``.

        Non-dim coordinates ``optimum`` (0 = best) and ``objective`` go with
        it, for :func:`interpkit.plots.gp.restarts`.
        """
        check_is_fitted(self)
        r = self.restarts_
        da = xr.DataArray(
            r["log_marginal_likelihood"].to_numpy(dtype=float),
            dims=("restart",),
            coords={
                "restart": r.index.to_numpy(),
                "optimum": ("restart", r["optimum"].to_numpy(dtype=int)),
                "objective": ("restart", r["objective"].to_numpy(dtype=float)),
            },
            name="log_marginal_likelihood",
        )
        return self._explanation(da, "gp_restarts")

    def restart_stability(self) -> pd.DataFrame:
        """Per optimum: how many restarts reached it, their share, its best log ML and values."""
        check_is_fitted(self)
        r = self.restarts_[self.restarts_["status"] != "failed"]
        best = r.sort_values("objective", ascending=False).groupby("optimum").head(1)
        best = best.set_index("optimum").sort_index()
        counts = r.groupby("optimum").size()
        out = pd.DataFrame({"n_restarts": counts, "fraction": counts / len(r)})
        hyper_cols = list(self.hyperparameters_.index)
        return out.join(best[["log_marginal_likelihood", "objective", *hyper_cols]])

    def __interpkit_tags__(self) -> ExplainerTags:
        # "seed": the restarts' starting points are drawn from random_state
        return dataclasses.replace(super().__interpkit_tags__(), scopes=("rows", "seed"))

    # -- contract hooks ------------------------------------------------------------------
    def _sample_weight_refusal(self) -> str | None:
        return None  # a row of weight c is one observation with noise variance σ²/c

    def _fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        self._check_params()
        names = [str(f) for f in self.feature_names_in_]
        rng = check_random_state(self.random_state)
        result = fit_restarts(self, X, y, names, rng, sample_weight)
        self._state: GPState = result.state
        self.kernel_ = result.state.kernel
        self.noise_ = float(result.state.noise)
        self.restarts_ = result.restarts
        self.hyperparameters_ = result.hyperparameters
        self.log_marginal_likelihood_ = float(result.log_ml)
        self.device_ = str(result.state.device)
        self.n_rows_used_ = int(result.state.X.shape[0])
        self._pd_cache = None

    def _predict(self, X: np.ndarray) -> np.ndarray:
        return predict_latent(self._state, X)[0]

    def _explain_global(self) -> Explanation:
        return self.relevance(self.relevance_kind)

    def _explain_local(self, X: np.ndarray) -> Explanation:
        mean, sd = predict_latent(self._state, X)
        names = [str(f) for f in self.feature_names_in_]
        coords = {"sample": np.arange(X.shape[0])}
        values = xr.DataArray(mean, dims=("sample",), coords=coords, name="posterior_mean")
        error = xr.DataArray(sd, dims=("sample",), coords=coords, name="posterior_sd")
        data = xr.DataArray(
            X, dims=("sample", "feature"), coords={**coords, "feature": names}, name="feature_value"
        )
        return self._explanation(
            values,
            "gp_posterior",
            error=error,
            data=data,
            base_value=float(self._state.y_mean),
        )

    def _replicate_info(self) -> dict[str, float]:
        info = {str(k): float(v) for k, v in self.hyperparameters_.items()}
        info["log_marginal_likelihood"] = self.log_marginal_likelihood_
        info["n_optima"] = int(self.restarts_["optimum"].max() + 1)
        info["best_optimum_fraction"] = self._best_fraction()
        return info

    def _extra_explanations(self, context: Any) -> dict[str, Explanation]:
        # the relevance explain() does not return, so stability gives intervals for both
        other = [k for k in RELEVANCE_KINDS if k != self.relevance_kind]
        if other[0] == "inverse_lengthscale" and not self._has_lengthscale():
            return {}
        return {other[0]: self.relevance(other[0])}

    # -- helpers -------------------------------------------------------------------------
    def _check_params(self) -> None:
        if not (isinstance(self.n_restarts, int | np.integer) and self.n_restarts >= 1):
            raise ValueError(f"n_restarts must be an integer >= 1, got {self.n_restarts!r}")
        if not (isinstance(self.max_iter, int | np.integer) and self.max_iter >= 1):
            raise ValueError(f"max_iter must be an integer >= 1, got {self.max_iter!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if self.relevance_kind not in RELEVANCE_KINDS:
            raise ValueError(
                f"relevance_kind must be one of {RELEVANCE_KINDS}, got {self.relevance_kind!r}"
            )
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, got {self.device!r}")
        if self.learning_rate is not None and not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate!r}")
        if isinstance(self.kernel, str):
            gk.parse_kernel(self.kernel)

    def _grid(self, X: Any) -> np.ndarray:
        """Rows to evaluate at; a 1-D array is a column when there is one feature."""
        if not isinstance(X, pd.DataFrame) and np.ndim(X) == 1 and self.n_features_in_ == 1:
            X = np.asarray(X).reshape(-1, 1)
        return self._check_rows(X)

    def _has_lengthscale(self) -> bool:
        return any(h.kind == "lengthscale" for h in self._state.table)

    def _inverse_lengthscale(self) -> np.ndarray:
        state = self._state
        d = len(self.feature_names_in_)
        total = np.zeros(d)
        found = False
        for i, h in enumerate(state.table):
            if h.kind != "lengthscale":
                continue
            found = True
            inv2 = 1.0 / state.values[i] ** 2
            if h.index is None:
                total += inv2
            else:
                total[h.index] += inv2
        if not found:
            raise ValueError(
                "this kernel has no lengthscale (e.g. a linear kernel alone); "
                "use relevance_kind='pd_variance'"
            )
        return np.sqrt(total)

    def _best_fraction(self) -> float:
        ok = self.restarts_["status"] != "failed"
        return float((self.restarts_.loc[ok, "optimum"] == 0).mean())

    def _explanation(self, values: xr.DataArray, method: str, **fields: Any) -> Explanation:
        kernel = self.kernel if isinstance(self.kernel, str) else repr(self.kernel)
        params = {
            "kernel": kernel,
            "ard": self._state.ard,
            "n_restarts": int(self.n_restarts),
            "hyperparameters": self.hyperparameters,
            "priors": None if self.priors is None else {k: repr(v) for k, v in self.priors.items()},
            "optimizer": self.optimizer,
            "max_iter": int(self.max_iter),
            "normalize_X": bool(self.normalize_X),
            "normalize_y": bool(self.normalize_y),
            "relevance_kind": self.relevance_kind,
            "random_state": self.random_state,
            "objective": "MAP (log ML + log prior)" if self.priors else "type-II ML",
            "local": "posterior mean of the latent f; error = its posterior sd (noise excluded)",
        }
        return Explanation(
            values=values,
            method=method,
            backend="gpytorch",
            versions=library_versions("gpytorch", "torch"),
            params=params,
            output_name="prediction",
            **fields,
        )
