"""GP fitting and marginal-likelihood surfaces: interpkit against GPyTorch code written directly.

Two timings, both on one thread by default (``--threads``):

1. Fit an exact GP (ARD RBF, 1,000 x 5 by default) from 10 restarts of
   L-BFGS. (a) ``GPExplainer(n_restarts=10).fit``; (b) the same GPyTorch code
   written out directly -- ExactGP model, ``ExactMarginalLogLikelihood``,
   ``torch.optim.LBFGS`` with the same settings, the same standardisation
   and the same starting values (drawn with interpkit's helper, untimed).
   The final log marginal likelihoods are compared, to show the work is the
   same. Goal: interpkit / direct <= 1.05.
2. A 50 x 50 log-ML surface over (lengthscale, noise sd) on 200 points.
   (a) ``GPExplainer.ml_surface`` (batched kernels, one batched Cholesky per
   chunk); (b) the direct loop: set the two hyperparameters, call
   ``ExactMarginalLogLikelihood`` -- 2,500 times; (c) interpkit's own code
   with batches of one, to separate batching from everything else. The
   speed-up (b) / (a) is reported, and the surfaces are compared.

Run ``python benchmarks/bench_gp.py`` (about 3 minutes on a 2-core VM) or
``--quick`` for a smaller check.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from importlib import metadata
from typing import Any

import numpy as np


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="rows for the fitting benchmark")
    parser.add_argument("--d", type=int, default=5, help="features for the fitting benchmark")
    parser.add_argument("--restarts", type=int, default=10)
    parser.add_argument("--max-iter", type=int, default=15, help="L-BFGS iterations per restart")
    parser.add_argument("--grid", type=int, default=50, help="surface points per axis")
    parser.add_argument("--surface-n", type=int, default=200, help="rows for the surface")
    parser.add_argument("--repeat", type=int, default=1, help="rounds (median is reported)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--quick", action="store_true", help="n=300, 4 restarts, 20x20 grid")
    parser.add_argument(
        "--gpu-check",
        action="store_true",
        help="CPU vs CUDA: same numbers? how fast? (needs a GPU)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.restarts, args.grid, args.max_iter, args.repeat = 300, 4, 20, 15, 2
    return args


def fit_data(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = np.sin(2 * X[:, 0]) + 0.5 * X[:, 1] + 0.1 * rng.normal(size=n)
    return X, y


# -- 1. fitting -----------------------------------------------------------------------------
def starting_values(X: np.ndarray, y: np.ndarray, restarts: int, seed: int) -> list[np.ndarray]:
    """The starting hyperparameters interpkit uses for each restart (not timed)."""
    import torch

    from interpkit.adapters.gpytorch import kernels as gk
    from interpkit.adapters.gpytorch.fit import _default_values, _random_start

    Z = (X - X.mean(0)) / X.std(0)
    t = (y - y.mean()) / y.std()
    table = gk.hyper_table(
        gk.build_kernel("rbf", X.shape[1], True), [str(j) for j in range(X.shape[1])]
    )
    scales = _default_values(table, torch.as_tensor(Z), torch.as_tensor(t))
    rng = np.random.RandomState(seed)
    return [scales if r == 0 else _random_start(table, [], scales, rng) for r in range(restarts)]


def direct_fit(
    X: np.ndarray, y: np.ndarray, starts: list[np.ndarray], max_iter: int
) -> list[float]:
    """10 restarts written directly in GPyTorch; returns each restart's final log ML."""
    import gpytorch
    import torch

    class Model(gpytorch.models.ExactGP):
        def __init__(self, X, y, likelihood, kernel):
            super().__init__(X, y, likelihood)
            self.mean_module = gpytorch.means.ZeroMean()
            self.covar_module = kernel

        def forward(self, x):
            return gpytorch.distributions.MultivariateNormal(
                self.mean_module(x), self.covar_module(x)
            )

    Xt = torch.as_tensor((X - X.mean(0)) / X.std(0))
    yt = torch.as_tensor((y - y.mean()) / y.std())
    d = X.shape[1]
    out = []
    with (
        gpytorch.settings.max_cholesky_size(10**7),
        gpytorch.settings.fast_computations(False, False, False),
    ):
        for start in starts:
            kernel = gpytorch.kernels.ScaleKernel(
                gpytorch.kernels.RBFKernel(ard_num_dims=d)
            ).double()
            lik = gpytorch.likelihoods.GaussianLikelihood(
                noise_constraint=gpytorch.constraints.GreaterThan(1e-8)
            ).double()
            kernel.outputscale = float(start[0])
            kernel.base_kernel.lengthscale = torch.as_tensor(start[1 : 1 + d])[None]
            lik.noise = float(start[-1])
            model = Model(Xt, yt, lik, kernel)
            mll = gpytorch.mlls.ExactMarginalLogLikelihood(lik, model)
            model.train()
            opt = torch.optim.LBFGS(
                model.parameters(),
                lr=1.0,
                max_iter=max_iter,
                line_search_fn="strong_wolfe",
                tolerance_grad=1e-6,
                tolerance_change=1e-12,
                history_size=20,
            )

            def closure(opt=opt, mll=mll, model=model):
                opt.zero_grad()
                loss = -mll(model(Xt), yt)
                loss.backward()
                return loss

            opt.step(closure)
            with torch.no_grad():
                out.append(float(mll(model(Xt), yt)) * len(yt))
    return out


def bench_fit(args: argparse.Namespace) -> dict[str, float]:
    from interpkit.adapters.gpytorch import GPExplainer

    X, y = fit_data(args.n, args.d)
    starts = starting_values(X, y, args.restarts, seed=0)
    times: dict[str, list[float]] = {"interpkit": [], "direct": []}
    # warm-up (allocator, first-call costs), then alternate who goes first
    GPExplainer(n_restarts=1, max_iter=2, random_state=0).fit(X[:100], y[:100])
    direct_fit(X[:100], y[:100], starting_values(X[:100], y[:100], 1, 0), 2)
    for r in range(args.repeat):
        for who in ("interpkit", "direct") if r % 2 == 0 else ("direct", "interpkit"):
            t0 = time.perf_counter()
            if who == "interpkit":
                gp = GPExplainer(
                    n_restarts=args.restarts, max_iter=args.max_iter, random_state=0
                ).fit(X, y)
            else:
                direct = direct_fit(X, y, starts, args.max_iter)
            times[who].append(time.perf_counter() - t0)
    ours = gp.restarts_["log_marginal_likelihood"].to_numpy()
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"1. fit: {args.n} x {args.d}, ARD RBF, {args.restarts} restarts of L-BFGS "
        f"(max_iter {args.max_iter}), median of {args.repeat} round(s)"
    )
    print(f"   (a) interpkit GPExplainer.fit          {med['interpkit']:8.2f} s")
    print(f"   (b) GPyTorch written directly          {med['direct']:8.2f} s")
    ratio = med["interpkit"] / med["direct"]
    print(
        f"   interpkit / direct = {ratio:.3f}   goal <= 1.05: "
        + ("met" if ratio <= 1.05 else "MISSED")
    )
    diff = np.nanmax(np.abs(ours - np.asarray(direct)))
    print(
        f"   best log ML {np.nanmax(ours):.4f} (interpkit) vs {max(direct):.4f} (direct); "
        f"max |difference| over restarts {diff:.2e}"
    )
    return {
        "fit_interpkit_s": med["interpkit"],
        "fit_direct_s": med["direct"],
        "fit_ratio": ratio,
        "fit_max_lml_diff": float(diff),
    }


# -- 2. the surface ---------------------------------------------------------------------------
def direct_surface(X: np.ndarray, y: np.ndarray, ls: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """The loop people write: set two hyperparameters, evaluate GPyTorch's exact MLL."""
    import gpytorch
    import torch

    from interpkit.adapters.gpytorch.fit import exact_gp_class

    Xt, yt = torch.as_tensor(X), torch.as_tensor(y)
    kernel = gpytorch.kernels.ScaleKernel(gpytorch.kernels.RBFKernel()).double()
    kernel.outputscale = 1.0
    lik = gpytorch.likelihoods.GaussianLikelihood(
        noise_constraint=gpytorch.constraints.GreaterThan(1e-8)
    ).double()
    model = exact_gp_class()(Xt, yt, lik, kernel)
    mll = gpytorch.mlls.ExactMarginalLogLikelihood(lik, model)
    model.train()
    out = np.empty((sd.size, ls.size))
    with (
        torch.no_grad(),
        gpytorch.settings.max_cholesky_size(10**7),
        gpytorch.settings.fast_computations(False, False, False),
    ):
        for i, s in enumerate(sd):
            for j, ell in enumerate(ls):
                kernel.base_kernel.lengthscale = float(ell)
                lik.noise = float(s) ** 2
                out[i, j] = float(mll(model(Xt), yt)) * len(yt)
    return out


def bench_surface(args: argparse.Namespace) -> dict[str, float]:
    from interpkit.adapters.gpytorch import GPExplainer
    from interpkit.adapters.gpytorch.functions import batched_log_ml

    rng = np.random.default_rng(1)
    x = rng.uniform(-5, 5, args.surface_n)
    y = np.sin(x) + 0.2 * rng.normal(size=x.size)
    hyper = {"outputscale": 1.0, "lengthscale": 1.0, "noise_sd": 0.2}
    gp = GPExplainer(hyperparameters=hyper, normalize_X=False, normalize_y=False).fit(x[:, None], y)
    ls, sd = np.geomspace(0.1, 20, args.grid), np.geomspace(0.02, 2, args.grid)
    times: dict[str, list[float]] = {"batched": [], "direct": [], "unbatched": []}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        surf = gp.ml_surface("lengthscale", "noise_sd", ls, sd, refine=False)
        times["batched"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        direct = direct_surface(x[:, None], y, ls, sd)
        times["direct"].append(time.perf_counter() - t0)
        gx, gy = np.meshgrid(ls, sd)
        theta = np.tile(gp._state.values, (gx.size, 1))
        theta[:, 1], theta[:, -1] = gx.ravel(), gy.ravel() ** 2
        t0 = time.perf_counter()
        batched_log_ml(gp._state, theta, chunk=1)
        times["unbatched"].append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    refined = gp.ml_surface("lengthscale", "noise_sd", ls, sd)
    t_refine = time.perf_counter() - t0
    med = {k: statistics.median(v) for k, v in times.items()}
    diff = float(np.max(np.abs(surf.values.values.to_numpy() - direct)))
    print(
        f"\n2. log-ML surface: {args.grid} x {args.grid} grid over (lengthscale, noise sd), "
        f"{args.surface_n} points, median of {args.repeat} round(s)"
    )
    print(f"   (a) interpkit ml_surface, batched      {med['batched']:8.2f} s")
    print(f"   (b) GPyTorch loop written directly     {med['direct']:8.2f} s")
    print(f"   (c) interpkit code, batches of one     {med['unbatched']:8.2f} s")
    print(
        f"   speed-up of batching: (b) / (a) = {med['direct'] / med['batched']:.1f}x, "
        f"(c) / (a) = {med['unbatched'] / med['batched']:.1f}x"
    )
    print(f"   max |surface difference| (a) vs (b): {diff:.2e}")
    print(f"   with the {len(refined.maxima)} local maxima located and refined: {t_refine:.2f} s")
    return {
        "surface_batched_s": med["batched"],
        "surface_direct_s": med["direct"],
        "surface_unbatched_s": med["unbatched"],
        "surface_speedup": med["direct"] / med["batched"],
        "surface_max_diff": diff,
    }


def gpu_check(args: argparse.Namespace) -> dict[str, float]:
    """The same fits, posteriors and surfaces with ``device="cpu"`` and ``device="cuda"``."""
    from interpkit.adapters.gpytorch import GPExplainer

    out: dict[str, float] = {}
    x7 = np.array([-1.3089, 6.7612, 1.0553, -1.1734, -2.9339, 7.2530, -6.5843])[:, None]
    y7 = np.array([1.6218, 1.8558, 0.4102, 1.2526, -0.0133, 1.6380, 0.2189])
    hyper = {"outputscale": 1.0, "lengthscale": 1.2, "noise_sd": 0.23}
    priors = {"lengthscale": ("lognormal", 0.0, 1.0), "amplitude": ("lognormal", -1.0, 1.0)}
    grid = np.linspace(-7.5, 7.5, 101)
    res = {}
    for dev in ("cpu", "cuda"):
        gp = GPExplainer(hyperparameters=hyper, normalize_X=False, normalize_y=False, device=dev)
        gp.fit(x7, y7)
        e = gp.explain(grid[:, None])
        gpp = GPExplainer(
            priors=priors,
            hyperparameters={"noise_sd": 0.2},
            n_restarts=3,
            normalize_X=False,
            normalize_y=False,
            device=dev,
            random_state=0,
        )
        gpp.fit(x7, y7)
        marg = gpp.posterior(
            grid, n_draws=5, hyperparameters="marginalised", n_samples=500, random_state=0
        )
        prior = gpp.prior_draws(grid, n_draws=5, random_state=0)
        surf = gp.ml_surface(
            "lengthscale",
            "noise_sd",
            np.geomspace(0.3, 60, 40),
            np.geomspace(0.05, 2, 40),
            X_grid=grid,
        )
        res[dev] = (e, gp.log_marginal_likelihood_, gpp.log_marginal_likelihood_, marg, prior, surf)
        print(f"{dev}: device_ {gp.device_}, {gpp.device_}; maxima {len(surf.maxima)}")
    c, g = res["cpu"], res["cuda"]
    out["posterior_mean_diff"] = float(np.abs(c[0].to_numpy() - g[0].to_numpy()).max())
    out["posterior_sd_diff"] = float(np.abs(c[0].error.to_numpy() - g[0].error.to_numpy()).max())
    out["lml_diff"] = abs(c[1] - g[1])
    out["map_lml_diff"] = abs(c[2] - g[2])
    out["marginalised_mean_diff"] = float(np.abs(c[3].mean.to_numpy() - g[3].mean.to_numpy()).max())
    out["prior_draw_diff"] = float(np.abs(c[4].to_numpy() - g[4].to_numpy()).max())
    out["surface_diff"] = float(np.abs(c[5].values.to_numpy() - g[5].values.to_numpy()).max())
    out["maxima_diff"] = float(
        np.abs(c[5].maxima.iloc[:, :3].to_numpy() - g[5].maxima.iloc[:, :3].to_numpy()).max()
    )
    for k, v in out.items():
        print(f"  cpu vs cuda, max |difference|: {k:<24} {v:.2e}")
    X, y = fit_data(args.n, args.d)
    for dev in ("cpu", "cuda"):
        t0 = time.perf_counter()
        gp = GPExplainer(
            n_restarts=args.restarts, max_iter=args.max_iter, random_state=0, device=dev
        ).fit(X, y)
        t_fit = time.perf_counter() - t0
        rel = gp.explain().to_numpy()
        t0 = time.perf_counter()
        gp.ml_surface(
            "outputscale",
            "noise",
            np.geomspace(0.1, 10, args.grid),
            np.geomspace(1e-3, 1, args.grid),
            refine=False,
        )
        t_surf = time.perf_counter() - t0
        print(
            f"{dev}: fit {args.n} x {args.d}, {args.restarts} restarts: {t_fit:.2f} s; "
            f"{args.grid}x{args.grid} surface on {args.n} points: {t_surf:.2f} s; "
            f"best log ML {gp.log_marginal_likelihood_:.4f}; 1/l {np.round(rel, 4)}"
        )
        out[f"{dev}_fit_s"], out[f"{dev}_surface_s"] = t_fit, t_surf
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    import torch

    args = parse_args(argv)
    if args.gpu_check:
        return gpu_check(args)
    before = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("gpytorch", "torch", "numpy"))
        print(
            f"Python {platform.python_version()} on {platform.machine()}, "
            f"{args.threads} torch thread(s); {versions}\n"
        )
        results = bench_fit(args)
        results.update(bench_surface(args))
    finally:
        torch.set_num_threads(before)
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
