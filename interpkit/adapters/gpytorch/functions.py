"""Kernels and functions you can see: cross-sections, prior and posterior draws.

Results are :class:`~interpkit.Explanation` objects or small frozen
dataclasses of them, which :mod:`interpkit.plots.gp` draws. torch and
gpytorch are imported on first use.

Marginalising over hyperpriors (``posterior(..., hyperparameters=
"marginalised")``) uses self-normalised importance sampling: hyperparameters
are drawn from their priors and weighted by the marginal likelihood
p(y | θ); the posterior of f is the weighted mixture of the GP posteriors.
The effective sample size ``1 / Σ w²`` says how many draws carry the
weight. (NUTS through pyro would be the alternative; it needs pyro and is
much slower for two or three hyperparameters.)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from sklearn.utils import check_random_state

from interpkit.adapters.gpytorch import kernels as gk
from interpkit.explainer import library_versions
from interpkit.explanation import Explanation

__all__ = [
    "GPPosterior",
    "batched_log_ml",
    "kernel_cross_section",
    "posterior",
    "prior_draws",
]

IS_METHOD = "self-normalised importance sampling from the hyperprior, weighted by p(y | θ)"
IS_MIXTURE = (
    "self-normalised importance sampling, proposal = ½ hyperprior + ½ log-normal around the "
    "MAP (sd {:g} on the log scale), weights p(y | θ) p(θ) / q(θ)"
)


@dataclass(frozen=True, eq=False)
class GPPosterior:
    """Posterior of f on a grid of rows.

    Attributes
    ----------
    mean : Explanation
        Dims ``("grid",)``: posterior mean, ``error`` the posterior sd.
    draws : Explanation or None
        Dims ``("draw", "grid")``: joint posterior draws of f.
    X_train, y_train : ndarray
        The data conditioned on, shapes (n, n_features) and (n,).
    method : str
        How hyperparameters were handled.
    ess : float or None
        Effective sample size of the importance weights (marginalised only).
    samples : DataFrame or None
        The hyperparameter draws with their ``log_marginal_likelihood`` and
        normalised ``weight`` (marginalised only).
    hyperparameters : dict
        The point values used (fitted/fixed), or the weighted means.
    """

    mean: Explanation
    draws: Explanation | None
    X_train: np.ndarray
    y_train: np.ndarray
    method: str
    ess: float | None = None
    samples: pd.DataFrame | None = None
    hyperparameters: dict[str, float] = field(default_factory=dict)


# -- helpers --------------------------------------------------------------------------------
def _explanation(values: xr.DataArray, method: str, **fields: Any) -> Explanation:
    return Explanation(
        values=values,
        method=method,
        backend="gpytorch",
        versions=library_versions("gpytorch", "torch"),
        **fields,
    )


def _grid_rows(x: Any) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] < 1:
        raise ValueError(
            f"the grid must be 1-D (points) or 2-D (points x features), got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("the grid contains NaN or infinite values")
    return arr


def _grid_coords(rows: np.ndarray, names: list[str] | None = None) -> dict[str, Any]:
    if rows.shape[1] == 1:
        return {"grid": rows[:, 0]}
    names = names or [f"x{j}" for j in range(rows.shape[1])]
    coords: dict[str, Any] = {"grid": np.arange(rows.shape[0])}
    for j, n in enumerate(names):
        coords[f"grid_{n}"] = ("grid", rows[:, j])
    return coords


def _standalone(kernel: Any, n_features: int, hyperparameters: dict | None) -> tuple:
    """A kernel (no ARD) with ``hyperparameters`` set, its table and current values."""
    torch, gpytorch = gk.gpytorch_modules()
    k = gk.build_kernel(kernel, n_features, ard=False)
    table = gk.hyper_table(k, [f"x{j}" for j in range(n_features)])
    lik = gpytorch.likelihoods.GaussianLikelihood().to(torch.float64)
    gk.set_values(table, k, lik, gk.user_values(hyperparameters or {}, table))
    return k, table, gk.get_values(table, k, lik)


def _kernel_params(table: list[gk.Hyper], values: np.ndarray) -> dict[str, float]:
    return {h.name: float(v) for h, v in zip(table, values, strict=True) if h.kind != "noise"}


def set_batch(table: list[gk.Hyper], kernel_b: Any, values: np.ndarray) -> None:
    """Set every kernel hyperparameter of a batched kernel from ``values`` (batch, n_hyper)."""
    gk.set_values(
        table,
        kernel_b,
        None,
        {i: values[:, i] for i, h in enumerate(table) if not _is_noise(h)},
    )


def _row_noise(state: gk.GPState, noise: Any) -> Any:
    """Noise variance per draw and training row, shape (b, n): noise x the row's scale."""
    return noise[:, None] if state.noise_scale is None else noise[:, None] * state.noise_scale


def _is_noise(h: gk.Hyper) -> bool:
    return h.kind == "noise" and h.path == ""


def _chunk(n: int, m: int = 0, device: Any = None) -> int:
    # CPU: ~16 MB of float64 per batch, large enough to amortise the per-call overhead, small
    # enough to stay in cache (bigger batches spend their time on page faults); GPU: ~1 GB
    budget = 1.25e8 if getattr(device, "type", "cpu") == "cuda" else 2e6
    return max(1, int(budget // max(1, n * n + m * n)))


# -- kernel cross-sections --------------------------------------------------------------------
def kernel_cross_section(
    kernels: Any, x: Any, x0: Any = 1.0, hyperparameters: dict | None = None
) -> Explanation:
    """x -> k(x, x0) for one or several kernels.

    Parameters
    ----------
    kernels : str, gpytorch Kernel, or dict of label -> either
        E.g. ``{"linear": "linear", "rbf": "rbf", "sum": "linear + rbf"}``.
    x : array, shape (m,) or (m, d)
        Where to evaluate.
    x0 : float or array of shape (d,)
        The fixed second argument.
    hyperparameters : dict, optional
        Values by name applied to every kernel that has them (a name no
        kernel has is an error), or a dict of kernel label -> such a dict.

    Returns
    -------
    Explanation
        Dims ``("kernel", "grid")``; ``grid`` holds x (1-D inputs).
    """
    torch, _ = gk.gpytorch_modules()
    rows = _grid_rows(x)
    d = rows.shape[1]
    point = np.broadcast_to(np.asarray(x0, dtype=np.float64).reshape(-1), (d,)).copy()
    named = kernels if isinstance(kernels, dict) else {_label(kernels): kernels}
    per_kernel = _split_hyper(hyperparameters, list(named))
    shared = per_kernel is None
    used: set[str] = set()
    out, params = [], {}
    for label, spec in named.items():
        hyper = per_kernel[label] if not shared else _applicable(hyperparameters, spec, d, used)
        k, table, values = _standalone(spec, d, hyper)
        with torch.no_grad():
            col = k(torch.as_tensor(rows), torch.as_tensor(point[None])).to_dense()[:, 0]
        out.append(col.numpy())
        params[label] = _kernel_params(table, values)
    unused = sorted(set(hyperparameters or {}) - used) if shared else []
    if unused:
        raise ValueError(f"no kernel has the hyperparameters {unused}")
    coords = {"kernel": list(named), **_grid_coords(rows)}
    values = xr.DataArray(np.stack(out), dims=("kernel", "grid"), coords=coords, name="k(x, x0)")
    return _explanation(
        values,
        "kernel_cross_section",
        params={"x0": point.tolist(), "hyperparameters": params},
    )


def _label(kernel: Any) -> str:
    return kernel if isinstance(kernel, str) else gk.kernel_label(kernel)


def _split_hyper(hyper: dict | None, labels: list[str]) -> dict[str, dict | None] | None:
    """Per-kernel dicts, or None when one flat dict is shared by every kernel."""
    if not hyper:
        return dict.fromkeys(labels)
    if all(isinstance(v, dict) for v in hyper.values()):
        unknown = set(hyper) - set(labels)
        if unknown:
            raise ValueError(
                f"hyperparameters for unknown kernels {sorted(unknown)}; have {labels}"
            )
        return {lab: hyper.get(lab) for lab in labels}
    return None


def _applicable(hyper: dict | None, spec: Any, d: int, used: set[str]) -> dict:
    """The entries of a shared dict that this kernel has."""
    _, table, _ = _standalone(spec, d, None)
    out = {}
    for name, value in (hyper or {}).items():
        try:
            gk.resolve(name, table)
        except ValueError:
            continue
        out[name] = value
        used.add(name)
    return out


# -- prior draws ------------------------------------------------------------------------------
def prior_draws(
    kernel: Any,
    x: Any,
    n_draws: int = 5,
    *,
    hyperparameters: dict | None = None,
    priors: dict | None = None,
    marginalise: bool | None = None,
    random_state: Any = None,
    jitter: float = 1e-8,
    state: gk.GPState | None = None,
) -> Explanation:
    """Functions drawn from a GP prior on a grid.

    Parameters
    ----------
    kernel : str or gpytorch Kernel
    x : array, shape (m,) or (m, d)
    n_draws : int
    hyperparameters : dict, optional
        Fixed values by name (others at 1; noise plays no part).
    priors : dict, optional
        Hyperpriors, as for :class:`~interpkit.GPExplainer`.
    marginalise : bool, optional
        Draw hyperparameters from ``priors`` for each function (the
        hierarchical prior); default: when priors are given.
    random_state : int, optional
    jitter : float
        Added to the diagonal (relative to the mean variance) so the
        Cholesky exists for smooth kernels on a dense grid.
    state : GPState, optional
        From a fitted :class:`~interpkit.GPExplainer` (its
        ``prior_draws``): its kernel, fitted values, priors and scaling.

    Returns
    -------
    Explanation
        Dims ``("draw", "grid")``; ``params["hyperparameters"]`` says
        ``"fixed"`` or ``"marginalised"`` and lists the values per draw.
    """
    torch, _ = gk.gpytorch_modules()
    if not (isinstance(n_draws, int | np.integer) and n_draws >= 1):
        raise ValueError(f"n_draws must be a positive integer, got {n_draws!r}")
    rng = check_random_state(random_state)
    rows = _grid_rows(x)
    if state is None:
        k, table, base = _standalone(kernel, rows.shape[1], hyperparameters)
        terms = gk.prior_terms(priors, table)
        Z = torch.as_tensor(rows)
        shift, scale, names = 0.0, 1.0, None
    else:
        k, table, base = state.kernel, state.table, state.values
        terms = gk.prior_terms(priors, table) if priors is not None else state.terms
        Z = state.scale_X(rows)
        shift, scale, names = state.y_mean, state.y_sd, state.feature_names
    marginalise = bool(terms) if marginalise is None else marginalise
    if marginalise and not terms:
        raise ValueError("marginalise=True needs priors on at least one hyperparameter")
    values = gk.sample_priors(terms, base, n_draws, rng) if marginalise else base[None]
    eye = torch.eye(rows.shape[0], dtype=torch.float64, device=Z.device)
    with torch.no_grad():
        if marginalise:
            kb = gk.batched_kernel(k, n_draws)
            set_batch(table, kb, values)
            K = kb(Z).to_dense()
        else:
            K = k(Z).to_dense()
        K = K + jitter * K.diagonal(dim1=-2, dim2=-1).mean(-1)[..., None, None] * eye
        L = gk.safe_cholesky(K)
        z = torch.as_tensor(rng.standard_normal((n_draws, rows.shape[0])), device=Z.device)
        f = (L @ z.unsqueeze(-1)).squeeze(-1) if marginalise else z @ L.T
    draws = f.cpu().numpy() * scale + shift
    coords = {"draw": np.arange(n_draws), **_grid_coords(rows, names)}
    da = xr.DataArray(draws, dims=("draw", "grid"), coords=coords, name="f")
    per_draw = {h.name: values[:, i].tolist() for i, h in enumerate(table) if not _is_noise(h)}
    how = "marginalised" if marginalise else "fixed"
    return _explanation(
        da,
        "gp_prior_draws",
        params={
            "hyperparameters": how,
            "values": per_draw,
            "priors": [t.label for t in terms] if marginalise else [],
        },
    )


# -- posterior ------------------------------------------------------------------------------
def state_at(state: gk.GPState, values: np.ndarray) -> gk.GPState:
    """A copy of a fitted state with other hyperparameter values (kernel copied)."""
    import copy

    kernel = copy.deepcopy(state.kernel)
    gk.set_values(
        state.table,
        kernel,
        None,
        {
            i: float(v)
            for i, (h, v) in enumerate(zip(state.table, values, strict=True))
            if not _is_noise(h)
        },
    )
    noise = float(values[-1])
    L, alpha = gk.cholesky_state(kernel, noise, state.X, state.y, state.noise_scale)
    return replace(
        state, kernel=kernel, values=np.asarray(values, float), noise=noise, L=L, alpha=alpha
    )


def batched_log_ml(state: gk.GPState, values: np.ndarray, chunk: int | None = None) -> np.ndarray:
    """log p(y | θ) per row θ of ``values`` (k, n_hyper): batched kernels and Cholesky.

    On the fitting scale (standardised y when ``normalize_y``).
    """
    torch, _ = gk.gpytorch_modules()
    n = state.X.shape[0]
    chunk = chunk or _chunk(n, 0, state.device)
    out = np.empty(values.shape[0])
    with torch.no_grad():
        for start in range(0, values.shape[0], chunk):
            block = values[start : start + chunk]
            kb = gk.batched_kernel(state.kernel, block.shape[0])
            set_batch(state.table, kb, block)
            noise = torch.as_tensor(block[:, -1], device=state.device)
            K = kb(state.X).to_dense()
            K.diagonal(dim1=-2, dim2=-1).add_(_row_noise(state, noise))
            L = gk.safe_cholesky(K)
            out[start : start + chunk] = gk.log_ml_from_cholesky(L, state.y).cpu().numpy()
    return out


def posterior(
    state: gk.GPState,
    X: np.ndarray,
    n_draws: int = 0,
    *,
    hyperparameters: str = "fitted",
    n_samples: int = 2000,
    include_noise: bool = False,
    random_state: Any = None,
    values: np.ndarray | None = None,
    proposal: str = "mixture",
    proposal_scale: float = 0.3,
) -> GPPosterior:
    """Posterior of f (or of y, with ``include_noise``) at rows ``X`` (original units).

    ``hyperparameters="fitted"`` uses the fitted (or fixed) values;
    ``"marginalised"`` averages over the hyperpriors by importance sampling
    with ``n_samples`` draws (see the module docs). ``proposal="prior"``
    draws from the hyperprior itself (weights = marginal likelihood); the
    default ``"mixture"`` draws half from the prior and half from a
    log-normal of sd ``proposal_scale`` around the fitted (MAP) values, and
    corrects by p(θ)/q(θ) -- the same target, with far more effective
    samples when the data pin the hyperparameters down.
    """
    if proposal not in ("prior", "mixture"):
        raise ValueError(f"proposal must be 'prior' or 'mixture', got {proposal!r}")
    torch, _ = gk.gpytorch_modules()
    if hyperparameters not in ("fitted", "marginalised"):
        raise ValueError(
            f"hyperparameters must be 'fitted' or 'marginalised', got {hyperparameters!r}"
        )
    rng = check_random_state(random_state)
    rows = _grid_rows(X)
    Z = state.scale_X(rows)
    X_train = state.X.cpu().numpy() * state.x_sd + state.x_mean
    y_train = state.y.cpu().numpy() * state.y_sd + state.y_mean
    ess, samples = None, None
    if hyperparameters == "fitted":
        st = state if values is None else state_at(state, values)
        mean, var = gk.latent_moments(st, Z)
        mean, var = mean.cpu().numpy(), var.cpu().numpy() + (st.noise if include_noise else 0.0)
        choice = [st.values] * n_draws
        method = "fitted hyperparameters" if values is None else "given hyperparameters"
        point = dict(zip([h.name for h in state.table], st.values.tolist(), strict=True))
    else:
        if not state.terms:
            raise ValueError("marginalising needs hyperpriors: fit with priors={...}")
        if not (isinstance(n_samples, int | np.integer) and n_samples >= 2):
            raise ValueError(f"n_samples must be an integer >= 2, got {n_samples!r}")
        theta, log_ratio = _proposal(state, n_samples, rng, proposal, proposal_scale)
        lml = batched_log_ml(state, theta)
        logw = lml + log_ratio
        w = np.exp(logw - np.max(logw))
        w /= w.sum()
        ess = float(1.0 / np.sum(w**2))
        # the smallest weights, 1e-10 of the mass together, change nothing: skip them
        order = np.argsort(-w, kind="stable")
        keep = order[: int(np.searchsorted(np.cumsum(w[order]), 1 - 1e-10)) + 1]
        mean, var = _mixture(state, Z, theta[keep], w[keep] / w[keep].sum(), include_noise)
        names = [h.name for h in state.table]
        samples = pd.DataFrame(theta, columns=names).assign(log_marginal_likelihood=lml, weight=w)
        samples["log_prior_over_proposal"] = log_ratio
        choice = [theta[i] for i in rng.choice(n_samples, size=n_draws, p=w)] if n_draws else []
        method = IS_METHOD if proposal == "prior" else IS_MIXTURE.format(proposal_scale)
        point = dict(zip(names, (w @ theta).tolist(), strict=True))
    coords = _grid_coords(rows, state.feature_names)
    sd = np.sqrt(np.clip(var, 0, None)) * state.y_sd
    mean_da = xr.DataArray(mean * state.y_sd + state.y_mean, dims=("grid",), coords=coords)
    err = xr.DataArray(sd, dims=("grid",), coords=coords, name="posterior_sd")
    params = {"hyperparameters": hyperparameters, "method": method, "include_noise": include_noise}
    mean_expl = _explanation(
        mean_da.rename("posterior_mean"), "gp_posterior", params=params, error=err
    )
    draws = None
    if n_draws:
        f = np.stack([_joint_draw(state, Z, th, rng, include_noise) for th in choice])
        dcoords = {"draw": np.arange(n_draws), **coords}
        da = xr.DataArray(f * state.y_sd + state.y_mean, dims=("draw", "grid"), coords=dcoords)
        draws = _explanation(da.rename("f"), "gp_posterior_draws", params=params)
    return GPPosterior(mean_expl, draws, X_train, y_train, method, ess, samples, point)


def _proposal(
    state: gk.GPState, n: int, rng: Any, proposal: str, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Hyperparameter draws and log p(θ)/q(θ) for each (0 when q is the prior)."""
    import torch
    from scipy.stats import norm

    theta = gk.sample_priors(state.terms, state.values, n, rng)
    if proposal == "prior":
        return theta, np.zeros(n)
    local = rng.rand(n) < 0.5
    log_p = np.zeros(n)
    log_local = np.zeros(n)
    for t in state.terms:
        for i in t.indices:
            centre = np.log(state.values[i] ** t.power)
            u = np.exp(centre + scale * rng.standard_normal(n))
            u = np.where(local, u, theta[:, i] ** t.power)
            theta[:, i] = u ** (1.0 / t.power)
            log_p += t.dist.log_prob(torch.as_tensor(u)).detach().cpu().numpy().reshape(n)
            log_local += norm.logpdf(np.log(u), centre, scale) - np.log(u)
    log_q = np.logaddexp(np.log(0.5) + log_p, np.log(0.5) + log_local)
    return theta, log_p - log_q


def _mixture(
    state: gk.GPState, Z: Any, theta: np.ndarray, w: np.ndarray, include_noise: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the w-weighted mixture of GP posteriors, batched over θ."""
    torch, _ = gk.gpytorch_modules()
    n, m = state.X.shape[0], Z.shape[0]
    first = np.zeros(m)
    second = np.zeros(m)
    eye = torch.eye(n, dtype=torch.float64, device=state.device)
    chunk = _chunk(n, m, state.device)
    with torch.no_grad():
        for start in range(0, theta.shape[0], chunk):
            block = theta[start : start + chunk]
            kb = gk.batched_kernel(state.kernel, block.shape[0])
            set_batch(state.table, kb, block)
            noise = torch.as_tensor(block[:, -1], device=state.device)
            K = kb(state.X).to_dense()
            if state.noise_scale is None:
                L = gk.safe_cholesky(K + noise[:, None, None] * eye)
            else:
                L = gk.safe_cholesky(K + torch.diag_embed(_row_noise(state, noise)))
            alpha = torch.cholesky_solve(state.y.expand(block.shape[0], n).unsqueeze(-1), L)
            Ks = kb(Z, state.X).to_dense()  # (b, m, n)
            mean = (Ks @ alpha).squeeze(-1)
            V = torch.linalg.solve_triangular(L, Ks.transpose(-1, -2), upper=False)
            var = kb(Z, diag=True) - (V * V).sum(-2)
            if include_noise:
                var = var + noise[:, None]
            wb = torch.as_tensor(w[start : start + chunk], device=state.device)
            first += (wb @ mean).cpu().numpy()
            second += (wb @ (var.clamp_min(0) + mean**2)).cpu().numpy()
    return first, second - first**2


def _joint_draw(
    state: gk.GPState, Z: Any, theta: np.ndarray, rng: Any, include_noise: bool
) -> np.ndarray:
    torch, _ = gk.gpytorch_modules()
    st = state if np.array_equal(theta, state.values) else state_at(state, theta)
    mean, cov = gk.latent_moments(st, Z, full_cov=True)
    cov = 0.5 * (cov + cov.T)
    eye = torch.eye(cov.shape[0], dtype=cov.dtype, device=cov.device)
    cov = cov + (st.noise if include_noise else 0.0) * eye
    L = gk.safe_cholesky(cov + 1e-9 * cov.diagonal().mean().clamp_min(1e-12) * eye)
    z = torch.as_tensor(rng.standard_normal(cov.shape[0]), device=cov.device)
    return (mean + L @ z).cpu().numpy()
