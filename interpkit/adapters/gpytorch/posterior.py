"""The GP posterior at new points: at the fitted hyperparameters or marginalised over them.

:func:`posterior` gives the mean, sd and draws of f, at the fit's optimum or
averaged over hyperparameters drawn from the hyperprior (self-normalised
importance sampling), in a :class:`GPPosterior`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from sklearn.utils import check_random_state

from interpkit.adapters.gpytorch import kernels as gk
from interpkit.adapters.gpytorch.functions import (
    _chunk,
    _explanation,
    _grid_coords,
    _grid_rows,
    _row_noise,
    batched_log_ml,
    set_batch,
    state_at,
)
from interpkit.explanation import Explanation

__all__ = ["GPPosterior", "posterior"]

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
    chunk = _chunk(n, m, state.device)
    with torch.no_grad():
        for start in range(0, theta.shape[0], chunk):
            block = theta[start : start + chunk]
            kb = gk.batched_kernel(state.kernel, block.shape[0])
            set_batch(state.table, kb, block)
            noise = torch.as_tensor(block[:, -1], device=state.device)
            K = kb(state.X).to_dense()
            K.diagonal(dim1=-2, dim2=-1).add_(_row_noise(state, noise))  # as batched_log_ml
            L = gk.safe_cholesky(K)
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
