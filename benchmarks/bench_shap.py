"""ShapExplainer: overhead over shap, parallel speed-up of refit stability, and its memory.

1. Overhead. TreeSHAP (interventional, a background of 100 rows) of a
   200-tree random forest on 10,000 x 20 rows, through
   ``ShapExplainer(model=forest).explain(X)`` and through
   ``shap.TreeExplainer(...).shap_values(X)`` called directly (with shap's
   own additivity check, as a user would; interpkit does its own instead).
   Goal: interpkit / shap <= 1.05.
2. Speed-up. ``ShapExplainer(estimator=RandomForestRegressor(...))
   .stability(scope="rows", n_boot=50)`` with ``n_jobs=1`` and ``n_jobs=2``.
   Goal: >= 1.7x. Needs two idle cores.
3. Memory. Peak traced memory (tracemalloc, main process, ``n_jobs=1``) of
   that stability run against one replicate (a fit and its explanations).
   Each replicate keeps only its global mean |phi| and the local values of
   ``X_explain`` (here 100 rows), so the run holds ``B x 101 x p`` numbers,
   not ``B x N x p``.

Timings are medians over ``--repeat`` rounds, contestants alternating.
``--quick``: a 50-tree forest on 2,000 rows, B = 10, one round.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import time
import tracemalloc
import warnings
from typing import Any

import numpy as np
import pandas as pd

GOALS = {"overhead": 1.05, "speedup": 1.7}


def data(n: int, p: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, p)), columns=[f"x{j}" for j in range(p)])
    y = X["x0"] + X["x1"] * X["x2"] + np.sin(X["x3"]) + 0.3 * rng.normal(size=n)
    return X, y.to_numpy()


def overhead(args: argparse.Namespace) -> dict[str, Any]:
    import shap
    from sklearn.ensemble import RandomForestRegressor

    from interpkit.adapters.shap import ShapExplainer

    X, y = data(args.n_rows, 20)
    forest = RandomForestRegressor(n_estimators=args.n_trees, max_depth=args.max_depth,
                                   n_jobs=1, random_state=0).fit(X.to_numpy(), y)  # fmt: skip
    ex = ShapExplainer(model=forest, background=100, random_state=0).fit(X)
    bg = ex.background_

    def run_interpkit() -> np.ndarray:
        return ex.explain(X).to_numpy()

    def run_shap() -> np.ndarray:
        direct = shap.TreeExplainer(forest, data=bg, feature_perturbation="interventional")
        return direct.shap_values(X.to_numpy())

    times: dict[str, list[float]] = {"interpkit": [], "shap": []}
    results = {}
    for _ in range(args.repeat):
        for name, func in (("interpkit", run_interpkit), ("shap", run_shap)):
            gc.collect()
            t0 = time.perf_counter()
            results[name] = func()
            times[name].append(time.perf_counter() - t0)
    diff = float(np.abs(results["interpkit"] - results["shap"]).max())
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"seconds": med, "ratio": med["interpkit"] / med["shap"], "max_abs_diff": diff}


def stability(args: argparse.Namespace) -> dict[str, Any]:
    from sklearn.ensemble import RandomForestRegressor

    from interpkit.adapters.shap import ShapExplainer

    X, y = data(args.stab_rows, 20, seed=1)
    rows = X.iloc[:100]
    ex = ShapExplainer(
        estimator=RandomForestRegressor(n_estimators=args.stab_trees, max_depth=8, n_jobs=1),
        background=50, n_global_rows=200, random_state=0,
    )  # fmt: skip
    kw = {"n_boot": args.n_boot, "random_state": 0, "X_explain": rows, "progress": False}
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeat):
        for jobs in (1, 2):
            t0 = time.perf_counter()
            ex.stability(X, y, n_jobs=jobs, **kw)
            times[jobs].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}

    tracemalloc.start()
    one = ex.fit(X, y)
    one.explain()
    one.explain(rows)
    _, peak_one = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    result = ex.stability(X, y, n_jobs=1, **kw)
    _, peak_run = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": med,
        "speedup": med[1] / med[2],
        "peak_one_mb": peak_one / 2**20,
        "peak_run_mb": peak_run / 2**20,
        "memory_ratio": peak_run / peak_one,
        "local_dims": dict(result.extras["local"].replicates.values.sizes),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one round")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--skip-stability", action="store_true")
    args = parser.parse_args(argv)
    big = not args.quick
    args.n_rows, args.n_trees, args.max_depth = (10_000, 200, 10) if big else (2_000, 50, 8)
    args.stab_rows, args.stab_trees, args.n_boot = (2_000, 50, 50) if big else (500, 20, 10)
    if args.quick:
        args.repeat = 1
    warnings.simplefilter("ignore")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores "
          f"(shared: timings are under whatever load other processes add)")  # fmt: skip
    out: dict[str, Any] = {}
    if not args.skip_overhead:
        out["overhead"] = o = overhead(args)
        print(f"TreeSHAP {args.n_trees} trees, {args.n_rows} x 20, background 100: "
              f"interpkit {o['seconds']['interpkit']:.2f} s, shap {o['seconds']['shap']:.2f} s, "
              f"ratio {o['ratio']:.3f} (goal <= {GOALS['overhead']}); "
              f"max |difference| {o['max_abs_diff']:.1e}")  # fmt: skip
    if not args.skip_stability:
        out["stability"] = s = stability(args)
        print(f"refit stability B={args.n_boot} ({args.stab_trees}-tree forest, "
              f"{args.stab_rows} x 20, 100 rows explained): n_jobs=1 {s['seconds'][1]:.1f} s, "
              f"n_jobs=2 {s['seconds'][2]:.1f} s, speed-up {s['speedup']:.2f}x "
              f"(goal >= {GOALS['speedup']}x)")  # fmt: skip
        print(f"peak traced memory: one replicate {s['peak_one_mb']:.1f} MiB, whole run "
              f"{s['peak_run_mb']:.1f} MiB (x{s['memory_ratio']:.2f}); local replicates "
              f"{s['local_dims']}")  # fmt: skip
    return out


if __name__ == "__main__":
    main()
