"""Permutation-importance stability of a random forest: interpkit against a plain loop.

The same work three ways, on the same bootstrap samples (interpkit's row
draws are reproduced here): one fit on all rows, then for each of B
bootstrap samples, split off 25% of the rows, fit a clone of the forest on
the rest and run :func:`sklearn.inspection.permutation_importance` on the
held-out rows.

(a) plain loop   ``clone`` / ``fit`` / ``permutation_importance`` written out
                 by hand, one process;
(b) interpkit    ``ImportanceExplainer(forest, method="permutation")
                 .stability(X, y, n_boot=B, n_jobs=1)``;
(c) interpkit    the same with ``n_jobs=2`` (joblib processes).

The forest's own ``n_jobs`` stays 1 everywhere, so (c) measures interpkit's
replicate-level parallelism. Goals: (b) / (a) <= 1.05 (adapter overhead at
most 5%), (b) / (c) >= 1.7 (speed-up with two workers).

The default is the issue's setting: 2,000 x 20 data, a 200-tree forest,
B = 50, 5 shuffles per feature. ``--quick`` shrinks it for a check.
Timings are medians over ``--repeat`` rounds, contestants alternating.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

import numpy as np

GOALS = {"overhead": 1.05, "speedup": 1.7}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="rows")
    parser.add_argument("--p", type=int, default=20, help="features")
    parser.add_argument("--n-trees", type=int, default=200, help="trees per forest")
    parser.add_argument("--n-boot", type=int, default=50, help="bootstrap samples B")
    parser.add_argument("--n-repeats", type=int, default=5, help="shuffles per feature")
    parser.add_argument("--repeat", type=int, default=1, help="timing rounds (median)")
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (n=1000, 50 trees, B=10) unless given"
    )
    args = parser.parse_args(argv)
    if args.quick:
        given = set(argv or [])
        for flag, attr, value in (
            ("--n", "n", 1000),
            ("--n-trees", "n_trees", 50),
            ("--n-boot", "n_boot", 10),
        ):
            if flag not in given:
                setattr(args, attr, value)
    return args


def simulate(n: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Five informative features (Friedman-style mix), the rest noise."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, p))
    y = (
        10 * np.sin(np.pi * X[:, 0] * X[:, 1])
        + 20 * (X[:, 2] - 0.5) ** 2
        + 10 * X[:, 3]
        + 5 * X[:, 4]
        + rng.normal(size=n)
    )
    return X, y


def plain_loop(X: np.ndarray, y: np.ndarray, forest: Any, args: argparse.Namespace) -> list:
    """What one writes by hand: interpkit's seeds and rows, sklearn's own split."""
    from sklearn.base import clone
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import train_test_split

    def one(Xs: np.ndarray, ys: np.ndarray, seed: int) -> np.ndarray:
        X_tr, X_te, y_tr, y_te = train_test_split(Xs, ys, test_size=0.25, random_state=seed)
        model = clone(forest).set_params(random_state=seed).fit(X_tr, y_tr)
        res = permutation_importance(model, X_te, y_te, n_repeats=args.n_repeats, random_state=seed)
        return res.importances_mean

    rng = np.random.RandomState(0)
    seeds = rng.randint(np.iinfo(np.int32).max, size=args.n_boot)
    reference_seed = int(rng.randint(np.iinfo(np.int32).max))
    out = [one(X, y, reference_seed)]  # interpkit fits on all rows first, too
    for seed in seeds:
        rows = np.random.RandomState(int(seed)).randint(len(y), size=len(y))
        out.append(one(X[rows], y[rows], int(seed)))
    return out


def interpkit_run(X: np.ndarray, y: np.ndarray, forest: Any, args: argparse.Namespace, jobs: int):
    import interpkit

    expl = interpkit.ImportanceExplainer(forest, method="permutation", n_repeats=args.n_repeats)
    return expl.stability(X, y, n_boot=args.n_boot, random_state=0, n_jobs=jobs, progress=False)


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    from sklearn.ensemble import RandomForestRegressor
    from threadpoolctl import threadpool_limits

    X, y = simulate(args.n, args.p)
    forest = RandomForestRegressor(n_estimators=args.n_trees, n_jobs=1)
    contestants = {
        "(a) plain loop (clone/fit/permutation_importance)": lambda: plain_loop(X, y, forest, args),
        "(b) interpkit stability, n_jobs=1": lambda: interpkit_run(X, y, forest, args, 1),
        "(c) interpkit stability, n_jobs=2": lambda: interpkit_run(X, y, forest, args, 2),
    }
    # warm up: imports and first-call costs in this process and in the joblib workers
    small = forest.set_params(n_estimators=2)
    for jobs in (1, 2):
        interpkit_run(X[:200], y[:200], small, args, jobs)
    plain_loop(X[:200], y[:200], small, args)
    forest.set_params(n_estimators=args.n_trees)
    times: dict[str, list[float]] = {name: [] for name in contestants}
    results: dict[str, Any] = {}
    with threadpool_limits(1):
        for _ in range(args.repeat):
            for name, run in contestants.items():
                seconds, results[name] = timed(run)
                times[name].append(seconds)
    sec = {name: statistics.median(t) for name, t in times.items()}
    a, b, c = sec.values()
    serial, parallel = list(results.values())[1:]
    same = serial.replicates.values.equals(parallel.replicates.values)

    print(
        f"permutation-importance stability: {args.n} x {args.p}, {args.n_trees}-tree forest "
        f"(n_jobs=1), B = {args.n_boot}, {args.n_repeats} shuffles per feature, 25% held out"
    )
    print(f"  seconds are the median of {args.repeat} round(s); {os.cpu_count()} CPUs")
    print(f"  {'contestant':<52}{'seconds':>9}{'s/rep':>8}")
    for name, s in sec.items():
        print(f"  {name:<52}{s:9.2f}{s / (args.n_boot + 1):8.3f}")
    overhead, speedup = b / a, b / c
    checks = (
        ("adapter / plain loop", overhead, "<=", GOALS["overhead"], overhead <= GOALS["overhead"]),
        ("n_jobs=1 / n_jobs=2", speedup, ">=", GOALS["speedup"], speedup >= GOALS["speedup"]),
    )
    for label, value, op, goal, ok in checks:
        print(f"  {label:<28}{value:6.3f}x   goal {op} {goal}x: {'met' if ok else 'MISSED'}")
    print(f"  n_jobs=1 and n_jobs=2 give identical replicates: {same}")
    versions = ", ".join(
        f"{d} {metadata.version(d)}" for d in ("interpkit", "scikit-learn", "numpy", "joblib")
    )
    print(f"  Python {platform.python_version()}, {versions}")
    return {"overhead": overhead, "speedup": speedup}


if __name__ == "__main__":
    main(sys.argv[1:])
