"""EBM bootstrap stability: interpkit against a plain loop of EBM fits.

Every contestant fits B ExplainableBoostingRegressor models on the *same*
bootstrap samples with the same seeds (interpkit's row draws are reproduced
here), so the fitted models are identical and the check at the end compares
their term importances:

(a) loop, 1 core      for each sample: ``EBM(n_jobs=1).fit(Xb, yb)`` and
                      ``term_importances()``; the floor for serial work.
(b) loop, EBM 2 jobs  the same with InterpretML's own ``n_jobs=2``
                      (parallel over outer bags inside each fit).
(c) interpkit, 1 job  ``EBMExplainer(n_jobs=1).stability(X, y, n_boot=B, n_jobs=1)``.
(d) interpkit, 2 jobs the same with ``stability(..., n_jobs=2)``: replicates
                      in two joblib workers, each EBM single-threaded.

interpkit also fits the reference model on all rows (B + 1 fits) and
computes shape functions on a common grid per replicate; the loop does
neither. EBM's internal ``n_jobs`` stays 1 in (c)/(d): parallelism across
replicates is the better use of few cores, and running both at once
oversubscribes them.

``--quick`` runs a small size (n=1000, B=4) as a smoke check.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from importlib import metadata
from typing import Any

import numpy as np

EBM_PARAMS = {"interactions": 0, "outer_bags": 8, "max_rounds": 2000}


def simulate(n: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] ** 2 + 0.3 * X[:, 2] + rng.normal(scale=0.5, size=n)
    return X, y


def seeds_of(random_state: int, n_boot: int) -> np.ndarray:
    # what interpkit.stability draws: one seed per replicate from RandomState(random_state)
    return np.random.RandomState(random_state).randint(np.iinfo(np.int32).max, size=n_boot)


def plain_loop(X, y, n_boot, random_state, ebm_jobs) -> np.ndarray:
    from interpret.glassbox import ExplainableBoostingRegressor

    out = []
    for seed in seeds_of(random_state, n_boot):
        rows = np.random.RandomState(int(seed)).randint(len(y), size=len(y))
        ebm = ExplainableBoostingRegressor(
            **EBM_PARAMS,
            feature_names=[f"x{j}" for j in range(X.shape[1])],
            n_jobs=ebm_jobs,
            random_state=int(seed),
        ).fit(X[rows], y[rows])
        out.append(ebm.term_importances())
    return np.array(out)


def with_interpkit(X, y, n_boot, random_state, n_jobs) -> np.ndarray:
    import interpkit

    ebm = interpkit.EBMExplainer(task="regression", **EBM_PARAMS, n_jobs=1)
    result = ebm.stability(X, y, n_boot=n_boot, random_state=random_state, n_jobs=n_jobs,
                           progress=False)  # fmt: skip
    assert "shape_functions" in result.extras
    return result.replicates.values.to_numpy()


def timed(func, *args) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func(*args)
    return time.perf_counter() - start, value


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--p", type=int, default=10)
    parser.add_argument("--n-boot", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="n=1000, B=4")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.n_boot = 1000, 4
    X, y = simulate(args.n, args.p)
    print(
        f"EBM stability: {args.n} x {args.p}, B = {args.n_boot}, EBM {EBM_PARAMS}; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"interpret-core {metadata.version('interpret-core')}"
    )
    runs = {
        "(a) loop, EBM n_jobs=1": (plain_loop, 1),
        "(b) loop, EBM n_jobs=2": (plain_loop, 2),
        "(c) interpkit stability n_jobs=1": (with_interpkit, 1),
        "(d) interpkit stability n_jobs=2": (with_interpkit, 2),
    }
    times, values = {}, {}
    for name, (func, jobs) in runs.items():
        times[name], values[name] = timed(func, X, y, args.n_boot, 0, jobs)
        print(f"  {name:36s} {times[name]:8.2f} s  {times[name] / args.n_boot:6.2f} s/replicate")
    a, b, c, d = (times[k] for k in runs)
    ratios = {
        "interpkit_1 / loop_1": c / a,
        "interpkit_2 / loop_1": d / a,
        "interpkit_1 / interpkit_2 (speed-up)": c / d,
        "loop_1 / loop_ebm2 (EBM's own speed-up)": a / b,
    }
    for k, v in ratios.items():
        print(f"  {k:42s} {v:6.2f}x")
    va, _, vc, vd = (values[k] for k in runs)
    diff = float(np.max(np.abs(va - vc)))
    same = float(np.max(np.abs(vc - vd)))
    print(
        f"  max |importance difference| loop vs interpkit: {diff:.2e}; "
        f"interpkit 1 vs 2 jobs: {same:.2e}"
    )
    print(f"  (interpkit fits B + 1 = {args.n_boot + 1} models; ideal ratio (B+1)/B = "
          f"{(args.n_boot + 1) / args.n_boot:.2f})")  # fmt: skip
    return {**times, **ratios, "max_diff": diff}


if __name__ == "__main__":
    main()
