"""The log marginal likelihood over two hyperparameters, and its local maxima.

:func:`ml_surface` evaluates log p(y | θ) on a grid of two hyperparameters
(the others at their fitted values) with batched kernels and Cholesky
factors, locates the grid's local maxima, refines each with L-BFGS-B in log
coordinates and, given rows, computes the posterior at each maximum. The
result is an :class:`MLSurface`, drawn by :func:`interpkit.plots.gp.ml_surface`.
torch and gpytorch are imported on first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from interpkit.adapters.gpytorch import kernels as gk
from interpkit.adapters.gpytorch.functions import _explanation, batched_log_ml
from interpkit.adapters.gpytorch.posterior import GPPosterior, posterior
from interpkit.explanation import Explanation

__all__ = ["MLSurface", "ml_surface"]


@dataclass(frozen=True, eq=False)
class MLSurface:
    """Log marginal likelihood over two hyperparameters (the others fixed).

    Attributes
    ----------
    values : Explanation
        Dims ``(y_param, x_param)`` with the grid values as coordinates.
    x_param, y_param : str
    maxima : DataFrame
        One row per local maximum (``"A"``, ``"B"``, ... by decreasing log
        ML): refined location, ``log_marginal_likelihood``, the grid point it
        started from and ``on_boundary`` (refinement stopped at the grid's
        edge).
    posteriors : dict of str to GPPosterior
        The posterior at each maximum, when a grid of rows was given.
    fixed : dict
        The other hyperparameters' values.
    """

    values: Explanation
    x_param: str
    y_param: str
    maxima: pd.DataFrame
    posteriors: dict[str, GPPosterior] = field(default_factory=dict)
    fixed: dict[str, float] = field(default_factory=dict)


# -- the marginal-likelihood surface ----------------------------------------------------------
def _axis(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size < 3:
        raise ValueError(
            f"the grid for {name!r} must be a 1-D array of >= 3 values, got shape {arr.shape}"
        )
    if not (np.all(np.isfinite(arr)) and np.all(arr > 0) and np.all(np.diff(arr) > 0)):
        raise ValueError(f"the grid for {name!r} must be positive, finite and increasing")
    return arr


def _overrides(state: gk.GPState, param: str) -> tuple[list[int], float]:
    hypers, power = gk.resolve(param, state.table)
    return [state.table.index(h) for h in hypers], power


def ml_surface(
    state: gk.GPState,
    x_param: str,
    y_param: str,
    x_values: Any,
    y_values: Any,
    *,
    X_grid: np.ndarray | None = None,
    refine: bool = True,
    chunk: int | None = None,
) -> MLSurface:
    """Log marginal likelihood on a grid of two hyperparameters, with its local maxima.

    Parameters
    ----------
    state : fitted GP state (use :meth:`GPExplainer.ml_surface`).
    x_param, y_param : str
        Hyperparameter names or aliases (``"lengthscale"``, ``"noise_sd"``,
        ...); a kind shared by several hyperparameters (ARD lengthscales)
        sets them all to the grid value.
    x_values, y_values : 1-D arrays
        Positive increasing grid values (on the fitting scale).
    X_grid : array, optional
        Rows at which to compute the posterior at each maximum.
    refine : bool
        Polish each grid maximum with L-BFGS-B in log coordinates, within
        the grid's range.
    chunk : int, optional
        Grid points per batched Cholesky (default: ~200 MB per batch).

    Returns
    -------
    MLSurface
    """
    xs, ys = _axis(x_values, x_param), _axis(y_values, y_param)
    ix, px = _overrides(state, x_param)
    iy, py = _overrides(state, y_param)
    if set(ix) & set(iy):
        raise ValueError(
            f"x_param {x_param!r} and y_param {y_param!r} overlap; pick two different ones"
        )

    def thetas(xv: np.ndarray, yv: np.ndarray) -> np.ndarray:
        out = np.tile(state.values, (xv.size, 1))
        out[:, ix] = (xv ** (1.0 / px))[:, None]
        out[:, iy] = (yv ** (1.0 / py))[:, None]
        return out

    gx, gy = np.meshgrid(xs, ys)  # (ny, nx)
    surface = batched_log_ml(state, thetas(gx.ravel(), gy.ravel()), chunk).reshape(gx.shape)
    maxima = _local_maxima(
        surface, xs, ys, lambda a, b: batched_log_ml(state, thetas(a, b)), refine
    )
    maxima = maxima.rename(
        columns={
            "x": x_param,
            "y": y_param,
            "grid_x": f"grid_{x_param}",
            "grid_y": f"grid_{y_param}",
        }
    )
    posteriors = {}
    if X_grid is not None:
        for label, row in maxima.iterrows():
            th = thetas(np.array([row[x_param]]), np.array([row[y_param]]))[0]
            posteriors[str(label)] = posterior(state, X_grid, values=th)
    fixed = {
        h.name: float(v)
        for i, (h, v) in enumerate(zip(state.table, state.values, strict=True))
        if i not in ix and i not in iy
    }
    da = xr.DataArray(
        surface,
        dims=(y_param, x_param),
        coords={y_param: ys, x_param: xs},
        name="log_marginal_likelihood",
    )
    expl = _explanation(
        da,
        "gp_ml_surface",
        params={"x_param": x_param, "y_param": y_param, "fixed": fixed, "refined": refine},
    )
    return MLSurface(expl, x_param, y_param, maxima, posteriors, fixed)


def _local_maxima(
    surface: np.ndarray, xs: np.ndarray, ys: np.ndarray, f: Any, refine: bool
) -> pd.DataFrame:
    """Interior grid points above all 8 neighbours, refined in (log x, log y)."""
    from scipy.optimize import minimize

    ny, nx = surface.shape
    pad = np.pad(surface, 1, constant_values=-np.inf)
    centre = pad[1:-1, 1:-1]
    is_max = np.ones_like(surface, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_max &= centre > pad[1 + di : 1 + di + ny, 1 + dj : 1 + dj + nx]
    is_max[[0, -1], :] = False  # a maximum on the edge may continue beyond the grid
    is_max[:, [0, -1]] = False
    rows = []
    bounds = [(np.log(xs[0]), np.log(xs[-1])), (np.log(ys[0]), np.log(ys[-1]))]
    for i, j in zip(*np.nonzero(is_max), strict=True):
        start = np.array([np.log(xs[j]), np.log(ys[i])])
        point, value = start, float(surface[i, j])
        if refine:
            res = minimize(
                lambda p: -f(np.exp(p[:1]), np.exp(p[1:]))[0],
                start,
                method="L-BFGS-B",
                bounds=bounds,
                options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 200},
            )
            if -res.fun >= value:
                point, value = res.x, float(-res.fun)
        edge = any(abs(p - b) < 1e-6 for p, bd in zip(point, bounds, strict=True) for b in bd)
        rows.append(
            {
                "x": float(np.exp(point[0])),
                "y": float(np.exp(point[1])),
                "log_marginal_likelihood": value,
                "grid_x": float(xs[j]),
                "grid_y": float(ys[i]),
                "on_boundary": edge,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["x", "y", "log_marginal_likelihood", "grid_x", "grid_y", "on_boundary"]
    ).sort_values("log_marginal_likelihood", ascending=False)
    # grid maxima that refine to the same point are one maximum
    keep: list[int] = []
    logs = np.log(frame[["x", "y"]].to_numpy()) if len(frame) else np.empty((0, 2))
    for k in range(len(frame)):
        if all(np.max(np.abs(logs[k] - logs[q])) > 1e-3 for q in keep):
            keep.append(k)
    frame = frame.iloc[keep].reset_index(drop=True)
    frame.index = [chr(ord("A") + k) if k < 26 else f"M{k}" for k in range(len(frame))]
    frame.index.name = "maximum"
    return frame
