"""Fitting an exact GP for :class:`~interpkit.adapters.gpytorch.GPExplainer` (``est`` below).

Type-II maximum likelihood (or MAP, log ML + log hyperprior, when priors are
given) from several starts: the plain GPyTorch ``ExactGP`` model with exact
Cholesky settings, an L-BFGS or Adam loop per restart with fixed
hyperparameters frozen, default and random starting values, and the
bookkeeping that labels which restarts reached the same optimum.
:func:`fit_restarts` returns the best restart's state and every restart's row.
torch and gpytorch are imported on first use.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from interpkit.adapters.gpytorch import kernels as gk
from interpkit.adapters.gpytorch.kernels import GPState, cholesky_state

__all__ = [
    "exact_gp_class",
    "exact_settings",
    "fit_restarts",
    "merge_copies",
    "new_likelihood",
    "resolve_device",
]


@dataclass(frozen=True, eq=False)
class _FitResult:
    state: GPState
    restarts: pd.DataFrame
    hyperparameters: pd.Series
    log_ml: float


_MODEL_CLASS: list[Any] = []


def exact_gp_class() -> Any:
    """The plain ExactGP model GPyTorch's tutorials use: zero mean, the given kernel."""
    if not _MODEL_CLASS:
        _, gpytorch = gk.gpytorch_modules()

        class ExactGPModel(gpytorch.models.ExactGP):
            def __init__(self, X: Any, y: Any, likelihood: Any, kernel: Any) -> None:
                super().__init__(X, y, likelihood)
                self.mean_module = gpytorch.means.ZeroMean()
                self.covar_module = kernel

            def forward(self, x: Any) -> Any:
                return gpytorch.distributions.MultivariateNormal(
                    self.mean_module(x), self.covar_module(x)
                )

        _MODEL_CLASS.append(ExactGPModel)
    return _MODEL_CLASS[0]


# gpytorch's settings are process-wide class attributes that each context restores on exit:
# fits in threads (joblib's threading backend) that interleave them would undo each other's
_SETTINGS_LOCK = threading.RLock()


def exact_settings() -> contextlib.ExitStack:
    """GPyTorch settings for exact Cholesky-based inference at any n (no CG, no Lanczos).

    Held under a process-wide lock: one thread at a time computes under them.
    """
    _, gpytorch = gk.gpytorch_modules()
    stack = contextlib.ExitStack()
    stack.enter_context(_SETTINGS_LOCK)
    stack.enter_context(gpytorch.settings.max_cholesky_size(10**7))
    stack.enter_context(gpytorch.settings.fast_computations(False, False, False))
    return stack


def resolve_device(device: str, torch: Any) -> Any:
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' but torch sees no GPU; use device='cpu' or 'auto'")
    return torch.device(device)


def new_likelihood(device: Any, noise_scale: Any = None) -> Any:
    """Gaussian likelihood; with ``noise_scale`` row i's noise variance is σ² x noise_scale[i]."""
    torch, gpytorch = gk.gpytorch_modules()
    constraint = gpytorch.constraints.GreaterThan(1e-8)
    if noise_scale is None:
        lik = gpytorch.likelihoods.GaussianLikelihood(noise_constraint=constraint)
    else:
        lik = _scaled_likelihood_class()(noise_scale, noise_constraint=constraint)
    return lik.to(device=device, dtype=torch.float64)


_LIKELIHOOD_CLASS: list[Any] = []


def _scaled_likelihood_class() -> Any:
    """GaussianLikelihood whose training noise is σ² diag(scale): one learned σ², known scales."""
    if not _LIKELIHOOD_CLASS:
        torch, gpytorch = gk.gpytorch_modules()
        from linear_operator.operators import DiagLinearOperator

        class ScaledNoiseGaussianLikelihood(gpytorch.likelihoods.GaussianLikelihood):
            def __init__(self, noise_scale: Any, **kwargs: Any) -> None:
                super().__init__(**kwargs)
                self.register_buffer("noise_scale", torch.as_tensor(noise_scale))

            def _shaped_noise_covar(self, base_shape: Any, *params: Any, **kwargs: Any) -> Any:
                if base_shape[-1] != self.noise_scale.shape[-1]:
                    raise ValueError("row noise scales are defined for the training rows only")
                return DiagLinearOperator(self.noise * self.noise_scale)

        _LIKELIHOOD_CLASS.append(ScaledNoiseGaussianLikelihood)
    return _LIKELIHOOD_CLASS[0]


def fit_restarts(
    est: Any,
    X: np.ndarray,
    y: np.ndarray,
    names: list[str],
    rng: Any,
    sample_weight: np.ndarray | None = None,
) -> _FitResult:
    """Fit ``est``'s GP from every restart; keep each optimum, return the best.

    With ``sample_weight`` a row of weight c is one observation with noise
    variance σ²/c: the mean of c observations at that x (rows of weight 0
    are left out).
    """
    torch, _ = gk.gpytorch_modules()
    device = resolve_device(est.device, torch)
    scale = None
    if sample_weight is None:
        X, y = merge_copies(X, y)
        x_mean, x_sd, y_mean, y_sd = _moments(X, y, None)
    else:
        X, y, w = merge_weighted_copies(X, y, sample_weight)
        x_mean, x_sd, y_mean, y_sd = _moments(X, y, w)
        scale = torch.as_tensor(1.0 / w, dtype=torch.float64, device=device)
    n, d = X.shape
    if not est.normalize_X:
        x_mean, x_sd = np.zeros(d), np.ones(d)
    if not est.normalize_y:
        y_mean, y_sd = 0.0, 1.0
    Xt = torch.as_tensor((X - x_mean) / x_sd, dtype=torch.float64, device=device)
    yt = torch.as_tensor((y - y_mean) / y_sd, dtype=torch.float64, device=device)
    ard = bool(est.ard) if est.ard is not None else d > 1
    table = gk.hyper_table(gk.build_kernel(est.kernel, d, ard), names)
    fixed = gk.user_values(est.hyperparameters or {}, table)
    terms = gk.prior_terms(est.priors, table)
    free = [i for i in range(len(table)) if i not in fixed]
    scales = _default_values(table, Xt, yt)
    rows, best = [], None
    with exact_settings():
        for r in range(est.n_restarts if free else 1):
            start = scales if r == 0 else _random_start(table, terms, scales, rng)
            kernel = gk.build_kernel(est.kernel, d, ard).to(device)
            lik = new_likelihood(device, scale)
            gk.set_values(table, kernel, lik, {**dict(enumerate(start)), **fixed})
            status, n_iter = ("fixed", 0)
            if free:
                status, n_iter = _optimise(est, kernel, lik, Xt, yt, table, fixed, terms)
            values = gk.get_values(table, kernel, lik)
            lml = lp = np.nan
            if status != "failed" and np.all(np.isfinite(values)):
                L, alpha = cholesky_state(kernel, values[-1], Xt, yt, scale)
                lml = float(gk.log_ml_from_cholesky(L, yt))
                lp = float(gk.log_prior(terms, lambda i, v=values: torch.tensor(v[i])))
                if best is None or lml + lp > best[0]:
                    best = (lml + lp, kernel, values, L, alpha, lml)
            else:
                status = "failed"
            row = {
                "log_marginal_likelihood": lml,
                "log_prior": lp,
                "objective": lml + lp,
                "n_iter": n_iter,
                "status": status,
            }
            rows.append({**row, **dict(zip(_names(table), values, strict=True))})
    if best is None:
        raise ValueError(
            "every restart failed (the kernel matrix was not positive definite); "
            "fix the noise to a larger value or rescale the inputs"
        )
    restarts = pd.DataFrame(rows)
    restarts.index.name = "restart"
    restarts.insert(3, "optimum", _cluster(restarts, table, scales))
    _, kernel, values, L, alpha, lml = best
    state = GPState(
        kernel=kernel,
        table=table,
        values=values,
        noise=float(values[-1]),
        terms=terms,
        X=Xt,
        y=yt,
        x_mean=x_mean,
        x_sd=x_sd,
        y_mean=y_mean,
        y_sd=y_sd,
        device=device,
        ard=ard,
        feature_names=names,
        L=L,
        alpha=alpha,
        noise_scale=scale,
    )
    return _FitResult(state, restarts, pd.Series(values, index=_names(table)), lml)


def merge_copies(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop exact copies of a row (same x and y), keeping first appearances in order.

    Bootstrap samples repeat rows; an exact GP reads a repeated (x, y) as
    noise-free evidence, and the marginal likelihood then grows without
    bound as the noise goes to 0. Rows with the same x but different y (real
    replicates) are kept: they are what tells the noise apart.
    """
    _, first = np.unique(np.column_stack([X, y]), axis=0, return_index=True)
    if first.size == X.shape[0]:
        return X, y
    keep = np.sort(first)
    if keep.size < 2:
        raise ValueError("after dropping copies of rows, fewer than 2 distinct rows remain")
    return X[keep], y[keep]


def merge_weighted_copies(
    X: np.ndarray, y: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of positive weight, exact copies (same x and y) merged into one with summed weight."""
    X, y, w = X[w > 0], y[w > 0], w[w > 0]
    _, first, group = np.unique(
        np.column_stack([X, y]), axis=0, return_index=True, return_inverse=True
    )
    if first.size < 2:
        raise ValueError("fewer than 2 distinct rows have positive sample_weight")
    keep = np.sort(first)
    totals = np.bincount(group.ravel(), weights=w)
    return X[keep], y[keep], totals[group.ravel()[keep]]


def _moments(
    X: np.ndarray, y: np.ndarray, w: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Means and (population) SDs of X's columns and y, weighted by counts when given."""
    if w is None:
        return X.mean(axis=0), X.std(axis=0), float(y.mean()), float(y.std())
    x_mean = np.average(X, axis=0, weights=w)
    y_mean = float(np.average(y, weights=w))
    x_sd = np.sqrt(np.average((X - x_mean) ** 2, axis=0, weights=w))
    return x_mean, x_sd, y_mean, float(np.sqrt(np.average((y - y_mean) ** 2, weights=w)))


def _names(table: list[gk.Hyper]) -> list[str]:
    return [h.name for h in table]


def _optimise(
    est: Any,
    kernel: Any,
    lik: Any,
    X: Any,
    y: Any,
    table: list[gk.Hyper],
    fixed: dict[int, float],
    terms: list[gk.PriorTerm],
) -> tuple[str, int]:
    """Maximise log ML (+ log prior) from the current values; ``(status, iterations)``."""
    torch, gpytorch = gk.gpytorch_modules()
    model = exact_gp_class()(X, y, lik, kernel)
    mll = gpytorch.mlls.ExactMarginalLogLikelihood(lik, model)
    hooks = _freeze(table, kernel, lik, fixed)
    params = [p for p in model.parameters() if p.requires_grad]
    model.train()
    n = y.shape[0]

    def loss_fn() -> Any:
        loss = -mll(model(X), y)
        if terms:
            # priors live on the CPU; autograd carries the gradient back to the device
            value = lambda i: gk.hyper_value(table[i], kernel, lik).cpu()  # noqa: E731
            loss = loss - gk.log_prior(terms, value).to(loss.device) / n
        return loss

    try:
        if est.optimizer == "lbfgs":
            opt = torch.optim.LBFGS(
                params,
                lr=1.0,
                max_iter=est.max_iter,
                line_search_fn="strong_wolfe",
                tolerance_grad=1e-6,
                tolerance_change=1e-12,
                history_size=20,
            )

            def closure() -> Any:
                opt.zero_grad()
                try:
                    loss = loss_fn()
                    if not bool(torch.isfinite(loss)):
                        raise ValueError("non-finite loss")
                    loss.backward()
                except (RuntimeError, ValueError):
                    # a line-search step too far (K singular or NaN): a large loss makes it
                    # backtrack instead of aborting the restart
                    opt.zero_grad()
                    return torch.tensor(1e10, dtype=torch.float64)
                return loss

            opt.step(closure)
            n_iter = int(opt.state[opt._params[0]].get("n_iter", 0))
        else:
            opt = torch.optim.Adam(params, lr=est.learning_rate or 0.05)
            for n_iter in range(1, est.max_iter + 1):  # noqa: B007
                opt.zero_grad()
                loss_fn().backward()
                opt.step()
    except (RuntimeError, ValueError):  # not positive definite even at the start
        return "failed", 0
    finally:
        for hook in hooks:
            hook.remove()
        model.eval()
    return ("converged" if n_iter < est.max_iter else "max_iter"), n_iter


def _freeze(table: list[gk.Hyper], kernel: Any, lik: Any, fixed: dict[int, float]) -> list:
    """Stop fixed hyperparameters from moving: no grad, or a gradient mask for ARD entries."""
    masks: dict[int, tuple[Any, Any]] = {}
    for i in fixed:
        h = table[i]
        module = gk._owner(h, kernel, lik)
        raw = getattr(module, f"raw_{h.attr}")
        mask = masks.setdefault(id(raw), (raw, raw.new_ones(raw.shape)))[1]
        if h.index is None:
            mask.zero_()
        else:
            mask[..., h.index] = 0.0
    hooks = []
    for raw, mask in masks.values():
        if not bool(mask.any()):
            raw.requires_grad_(False)
        else:
            hooks.append(raw.register_hook(lambda g, m=mask: g * m))
    return hooks


def _default_values(table: list[gk.Hyper], X: Any, y: Any) -> np.ndarray:
    """Starting values on the fitting scale: data spread for lengthscales, var(y) for scales."""
    Xn, yn = X.cpu().numpy(), y.cpu().numpy()
    sd = np.where(Xn.std(axis=0) > 0, Xn.std(axis=0), 1.0)
    var_y = float(np.var(yn)) or 1.0
    span = float(np.mean(np.ptp(Xn, axis=0))) or 1.0
    out = np.ones(len(table))
    for i, h in enumerate(table):
        if h.kind == "lengthscale":
            out[i] = sd[h.index] if h.index is not None and h.index < sd.size else sd.mean()
        elif h.kind == "outputscale":
            out[i] = var_y
        elif h.kind == "noise":
            out[i] = 0.1 * var_y
        elif h.kind == "period":
            out[i] = span / 4
        elif h.kind == "variance":
            out[i] = var_y / float(np.mean(sd**2))
    return out


def _random_start(
    table: list[gk.Hyper], terms: list[gk.PriorTerm], scales: np.ndarray, rng: Any
) -> np.ndarray:
    """Log-uniform over two decades around ``scales``; hyperprior draws where there are priors."""
    lo = np.array([np.log(1e-2) if h.kind == "noise" else np.log(0.1) for h in table])
    start = scales * np.exp(rng.uniform(lo, np.log(10.0)))
    return gk.sample_priors(terms, start, 1, rng)[0] if terms else start


def _cluster(restarts: pd.DataFrame, table: list[gk.Hyper], scales: np.ndarray) -> np.ndarray:
    """Optimum label per restart (0 = best objective; -1 = failed).

    Two restarts share an optimum when their objectives differ by < 0.05 nats
    and every hyperparameter by < 10% -- on a log scale clipped to
    [1e-3, 1e3] x its default, so lengthscales drifting to infinity on an
    irrelevant input do not split an optimum.
    """
    values = restarts[_names(table)].to_numpy(dtype=float)
    logv = np.clip(np.log(np.abs(values) / scales + 1e-300), np.log(1e-3), np.log(1e3))
    objective = restarts["objective"].to_numpy(dtype=float)
    labels = np.full(len(restarts), -1)
    centres: list[tuple[np.ndarray, float]] = []
    for i in np.argsort(-np.nan_to_num(objective, nan=-np.inf), kind="stable"):
        if not np.isfinite(objective[i]):
            continue
        for c, (lv, obj) in enumerate(centres):
            close = np.max(np.abs(logv[i] - lv)) < 0.1
            if close and abs(objective[i] - obj) < 0.05 + 1e-4 * abs(obj):
                labels[i] = c
                break
        else:
            labels[i] = len(centres)
            centres.append((logv[i], objective[i]))
    return labels
