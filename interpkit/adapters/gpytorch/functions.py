"""Kernels and functions you can see: cross-sections and prior draws.

The posterior at new points is in :mod:`interpkit.adapters.gpytorch.posterior`.

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

from dataclasses import replace
from typing import Any

import numpy as np
import xarray as xr
from sklearn.utils import check_random_state

from interpkit.adapters.gpytorch import kernels as gk
from interpkit.explainer import library_versions
from interpkit.explanation import Explanation

__all__ = ["batched_log_ml", "kernel_cross_section", "prior_draws", "state_at"]


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
