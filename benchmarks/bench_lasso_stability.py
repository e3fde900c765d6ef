"""Lasso bootstrap stability: interpkit against the loops people write by hand.

Each contestant refits the lasso, with lambda tuned by 10-fold CV, on the
same B bootstrap samples (the row draws of ``interpkit``'s stability engine
are reproduced here and checked):

(a) interpkit   ``LassoExplainer(cv=10).stability(X, y, n_boot=B, ...)``;
(b) glmnet loop ``glmnet.ElasticNet(alpha=1, n_splits=10).fit(Xb, yb)`` per
    sample (python-glmnet's own CV: one scikit-learn scoring call per lambda);
(c) LassoCV loop ``make_pipeline(StandardScaler(), LassoCV(cv=10))`` per
    sample (scaled, so its lambdas are on glmnet's scale: glmnet standardises
    internally and reports lambda for the original features);
(d) bare fits   the raw glmnet path fits interpkit does, and nothing else:
    per sample one full path fit and ten fold fits on its lambda sequence,
    timing only the public ``ElasticNet(n_splits=0).fit`` calls. The floor.
(e) Fortran     the same eleven fits per sample through python-glmnet's
    private ``ElasticNet._fit`` (no input validation), folds on their own
    automatic path as interpkit fits them: a stricter floor, for reference.

Everything runs on one core (``n_jobs=1``, BLAS limited to one thread).
Timings are medians over ``--repeat`` rounds; contestants alternate within a
round so that load from other processes hits them alike.

Run ``python benchmarks/bench_lasso_stability.py --help`` for the options;
``--profile`` adds a breakdown of where interpkit's time goes.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

GOALS = {"glmnet_loop": 20.0, "lassocv_loop": 5.0, "floor": 1.5}
DATASETS = ("prostate", "ozone2")
N_FOLDS = 10


# -- data -----------------------------------------------------------------------------------
def load(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """``(X, y)``: prostate (97 x 8, y = lpsa) or ozone ``.^2`` (330 x 45, y = log O3)."""
    from interpkit.datasets import load_ozone, load_prostate

    if name == "prostate":
        X, y = load_prostate(return_X_y=True)
        return X, np.asarray(y, dtype=float)
    if name == "ozone2":
        X, y = load_ozone(interactions=True, return_X_y=True)
        return X, np.log(np.asarray(y, dtype=float))
    raise ValueError(f"unknown dataset {name!r}; choose from {DATASETS}")


def bootstrap_rows(n: int, n_boot: int, random_state: int) -> list[tuple[int, np.ndarray]]:
    """``(seed, rows)`` per replicate, drawn exactly as ``interpkit.stability`` draws them."""
    seeds = np.random.RandomState(random_state).randint(np.iinfo(np.int32).max, size=n_boot)
    return [(int(s), np.random.RandomState(int(s)).randint(n, size=n)) for s in seeds]


def fold_labels(n: int, seed: int) -> np.ndarray:
    """Fold label per row, as interpkit makes them for ``cv=10`` with ``random_state=seed``."""
    from sklearn.model_selection import KFold

    labels = np.empty(n, dtype=int)
    for k, (_, test) in enumerate(KFold(N_FOLDS, shuffle=True, random_state=seed).split(labels)):
        labels[test] = k
    return labels


# -- contestants ------------------------------------------------------------------------------
# Each takes (X DataFrame, y, draws) and returns (seconds, one dict of numbers per replicate).
Stats = list[dict[str, float]]


def run_interpkit(X: pd.DataFrame, y: np.ndarray, draws: list, seed: int) -> tuple[float, Stats]:
    import interpkit

    start = time.perf_counter()
    result = interpkit.LassoExplainer(cv=N_FOLDS).stability(
        X, y, n_boot=len(draws), random_state=seed, n_jobs=1, progress=False
    )
    seconds = time.perf_counter() - start
    info = result.replicate_info
    distinct = [np.unique(rows).size for _, rows in draws]
    if info["n_distinct_rows"].tolist() != distinct or info["seed"].tolist() != [
        s for s, _ in draws
    ]:
        raise RuntimeError("interpkit drew different bootstrap rows than this benchmark")
    stats = [
        {"lambda_min": r.lambda_min, "lambda_1se": r.lambda_1se, "n_nonzero": r.n_nonzero}
        for r in info.itertuples()
    ]
    return seconds, stats


def run_glmnet_loop(X: pd.DataFrame, y: np.ndarray, draws: list, seed: int) -> tuple[float, Stats]:
    import glmnet

    X = X.to_numpy(dtype=float)
    stats, seconds = [], 0.0
    for rep_seed, rows in draws:
        start = time.perf_counter()
        m = glmnet.ElasticNet(alpha=1, n_splits=N_FOLDS, random_state=rep_seed).fit(
            X[rows], y[rows]
        )
        seconds += time.perf_counter() - start
        # python-glmnet's lambda_max_ is R's lambda.min, its lambda_best_ R's lambda.1se
        stats.append(
            {
                "lambda_min": float(m.lambda_max_),
                "lambda_1se": float(np.ravel(m.lambda_best_)[0]),
                "n_nonzero": int(np.count_nonzero(m.coef_)),
            }
        )
    return seconds, stats


def run_lassocv_loop(X: pd.DataFrame, y: np.ndarray, draws: list, seed: int) -> tuple[float, Stats]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LassoCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = X.to_numpy(dtype=float)
    stats, seconds = [], 0.0
    for _, rows in draws:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            start = time.perf_counter()
            pipe = make_pipeline(StandardScaler(), LassoCV(cv=N_FOLDS)).fit(X[rows], y[rows])
            seconds += time.perf_counter() - start
        cv = pipe[-1]
        # LassoCV picks lambda_min; its 1-SE lambda is worked out here, outside the timing
        mse = cv.mse_path_.mean(axis=1)
        se = cv.mse_path_.std(axis=1, ddof=1) / np.sqrt(N_FOLDS)
        i_min = int(np.argmin(mse))
        stats.append(
            {
                "lambda_min": float(cv.alpha_),
                "lambda_1se": float(np.max(cv.alphas_[mse <= mse[i_min] + se[i_min]])),
                "n_nonzero": int(np.count_nonzero(cv.coef_)),
                "not_converged": sum(issubclass(w.category, ConvergenceWarning) for w in caught),
            }
        )
    return seconds, stats


def _bare_fits(X: pd.DataFrame, y: np.ndarray, draws: list, *, strict: bool) -> float:
    """Seconds spent in raw glmnet path fits only: 1 full path + 10 folds per sample.

    ``strict=False``: public ``ElasticNet(n_splits=0).fit`` (which validates its
    input with scikit-learn), folds fit on the full-data lambda sequence.
    ``strict=True``: the private ``ElasticNet._fit`` (Fortran call and unpacking
    only), folds fit on their own automatic path, as interpkit does it.
    """
    import glmnet

    X = X.to_numpy(dtype=float)
    ratio = 1e-2 if X.shape[0] < X.shape[1] else 1e-4  # interpkit's (and R's) default

    def fit(Xf: np.ndarray, yf: np.ndarray, lambdas: np.ndarray | None) -> tuple[Any, float]:
        model = glmnet.ElasticNet(alpha=1, n_splits=0, min_lambda_ratio=ratio, lambda_path=lambdas)
        weights = np.ones(Xf.shape[0]) if strict else None
        start = time.perf_counter()
        if strict:
            model._fit(Xf, yf, weights, None)
        else:
            model.fit(Xf, yf)
        return model, time.perf_counter() - start

    seconds = 0.0
    for rep_seed, rows in draws:
        Xb, yb = X[rows], y[rows]
        folds = fold_labels(len(rows), rep_seed)
        full, secs = fit(Xb, yb, None)
        seconds += secs
        for k in range(N_FOLDS):
            seconds += fit(Xb[folds != k], yb[folds != k], None if strict else full.lambda_path_)[1]
    return seconds


def run_bare_fits(X: pd.DataFrame, y: np.ndarray, draws: list, seed: int) -> tuple[float, Stats]:
    return _bare_fits(X, y, draws, strict=False), []


def run_strict_floor(X: pd.DataFrame, y: np.ndarray, draws: list, seed: int) -> tuple[float, Stats]:
    return _bare_fits(X, y, draws, strict=True), []


CONTESTANTS: dict[str, tuple[str, Callable]] = {
    "interpkit": ("(a) interpkit LassoExplainer.stability", run_interpkit),
    "glmnet_loop": ("(b) python-glmnet ElasticNet(n_splits=10) loop", run_glmnet_loop),
    "lassocv_loop": ("(c) scikit-learn LassoCV(cv=10) loop", run_lassocv_loop),
    "floor": ("(d) bare glmnet path fits (floor)", run_bare_fits),
    "strict_floor": ("(e) Fortran calls only (ElasticNet._fit)", run_strict_floor),
}


# -- memory and profile -----------------------------------------------------------------------
def interpkit_peak_memory(X: pd.DataFrame, y: np.ndarray, n_boot: int, seed: int) -> float:
    """Peak memory (MiB) traced by tracemalloc during one interpkit stability run."""
    import interpkit

    gc.collect()
    tracemalloc.start()
    interpkit.LassoExplainer(cv=N_FOLDS).stability(
        X, y, n_boot=n_boot, random_state=seed, n_jobs=1, progress=False
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _timer(original: Callable, label: str, totals: dict[str, list[float]]) -> Callable:
    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label].append(time.perf_counter() - start)

    return wrapper


@contextlib.contextmanager
def timed_calls(targets: dict[str, tuple[Any, str]]) -> Iterator[dict[str, list[float]]]:
    """Wrap ``getattr(owner, attr)`` for each target; collect (inclusive) seconds per call."""
    totals: dict[str, list[float]] = defaultdict(list)
    saved = [(owner, attr, getattr(owner, attr)) for owner, attr in targets.values()]
    for label, (owner, attr, original) in zip(targets, saved, strict=True):
        setattr(owner, attr, _timer(original, label, totals))
    try:
        yield totals
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)


def profile_interpkit(X: pd.DataFrame, y: np.ndarray, n_boot: int, seed: int) -> None:
    """Print where one interpkit stability run spends its time, per replicate."""
    import glmnet.linear

    import interpkit
    import interpkit.adapters.glmnet.explainer as adapter
    import interpkit.explainer
    import interpkit.stability.collect as collect
    import interpkit.stability.engine as engine
    import interpkit.stability.scopes as scopes

    targets = {
        "replicate (_Job.__call__, all of it)": (engine._Job, "__call__"),
        "  clone (incl. reference fit's)": (scopes, "clone"),
        "  check_y of the sample": (scopes, "check_y"),
        "  ElasticNetExplainer._fit": (adapter.ElasticNetExplainer, "_fit"),
        "    fold_labels (KFold)": (adapter, "fold_labels"),
        "    _fit_path (one glmnet path fit)": (adapter.ElasticNetExplainer, "_fit_path"),
        "      ElasticNet.fit (python-glmnet, public)": (glmnet.linear.ElasticNet, "fit"),
        "        check_X_y inside ElasticNet.fit": (glmnet.linear, "check_X_y"),
        "      ElasticNet._fit (Fortran + unpacking)": (glmnet.linear.ElasticNet, "_fit"),
        "    interpolate_path (folds at full-data lambdas)": (adapter, "interpolate_path"),
        "    pointwise_loss": (adapter, "pointwise_loss"),
        "  Explainer.explain": (interpkit.explainer.Explainer, "explain"),
        "    library_versions (importlib.metadata)": (adapter, "library_versions"),
        "stack replicates (xarray concat)": (collect, "stack"),
    }
    with timed_calls(targets) as totals:
        start = time.perf_counter()
        interpkit.LassoExplainer(cv=N_FOLDS).stability(
            X, y, n_boot=n_boot, random_state=seed, n_jobs=1, progress=False
        )
        total = time.perf_counter() - start
    print(f"  profile of one interpkit run (B={n_boot}; inclusive times, nested by indent)")
    print(f"  {'component':<56} {'calls':>6} {'ms/replicate':>13} {'share':>6}")
    print(f"  {'whole stability() call':<56} {1:>6} {1000 * total / n_boot:>13.2f} {1:>6.0%}")
    for label in targets:
        t = totals.get(label, [])
        if not t:
            continue  # not called by this version of interpkit
        secs = sum(t)
        print(f"  {label:<56} {len(t):>6} {1000 * secs / n_boot:>13.2f} {secs / total:>6.0%}")


# -- report -----------------------------------------------------------------------------------
def environment() -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
            cpu = names[0] if names else cpu
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    dists = ("interpkit", "python-glmnet", "scikit-learn", "numpy", "scipy", "xarray", "joblib")
    for dist in dists:
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    return [
        f"machine: {cpu}; {os.cpu_count()} CPUs ({usable} usable); {platform.platform()}",
        f"python {platform.python_version()}; " + ", ".join(versions),
        "single core: n_jobs=1 everywhere, BLAS/OpenMP limited to 1 thread",
    ]


def median_stat(stats: Stats, key: str) -> float:
    return float(np.median([s[key] for s in stats])) if stats else float("nan")


def print_dataset_table(
    name: str, shape: tuple[int, int], n_boot: int, seconds: dict, stats: dict
) -> dict[str, float]:
    rounds = len(seconds["interpkit"])
    print(f"\n{name}: {shape[0]} x {shape[1]}, B = {n_boot} bootstrap samples, {N_FOLDS}-fold CV")
    print(f"  seconds are the median of {rounds} round(s); lambdas and counts are medians over B")
    head = (
        f"  {'contestant':<48} {'seconds':>8} {'ms/rep':>8} {'lambda_min':>10}"
        f" {'lambda_1se':>10} {'nonzero':>8}"
    )
    print(head)
    med = {key: statistics.median(seconds[key]) for key in CONTESTANTS}
    for key, (label, _) in CONTESTANTS.items():
        s = stats.get(key, [])
        nz = median_stat(s, "n_nonzero")
        print(
            f"  {label:<48} {med[key]:>8.2f} {1000 * med[key] / n_boot:>8.1f}"
            f" {median_stat(s, 'lambda_min'):>10.4g} {median_stat(s, 'lambda_1se'):>10.4g}"
            f" {'' if np.isnan(nz) else f'{nz:g}':>8}"
        )
    print("  nonzero: at lambda_1se for (a) and (b), at lambda_min for (c) (what each returns)")
    warned = sum(s.get("not_converged", 0) for s in stats.get("lassocv_loop", []))
    if warned:
        print(f"  LassoCV warned 'did not converge' {warned} times in the last round")
    ratios = {
        "glmnet_loop": med["glmnet_loop"] / med["interpkit"],
        "lassocv_loop": med["lassocv_loop"] / med["interpkit"],
        "floor": med["interpkit"] / med["floor"],
    }
    lines = [
        ("python-glmnet loop / interpkit", "glmnet_loop", ">="),
        ("LassoCV loop / interpkit", "lassocv_loop", ">="),
        ("interpkit / bare path fits", "floor", "<="),
    ]
    for text, key, op in lines:
        ok = ratios[key] >= GOALS[key] if op == ">=" else ratios[key] <= GOALS[key]
        print(
            f"  {text:<34} {ratios[key]:>6.2f}x   goal {op} {GOALS[key]:g}x: "
            f"{'met' if ok else 'MISSED'}"
        )
    print(
        f"  (interpkit / Fortran calls only = {med['interpkit'] / med['strict_floor']:.2f}x; "
        f"python-glmnet loop / bare path fits = {med['glmnet_loop'] / med['floor']:.2f}x,"
        f" LassoCV loop / bare path fits = {med['lassocv_loop'] / med['floor']:.2f}x:"
    )
    print("   the most that any code doing these path fits could gain on (b) and (c))")
    return ratios


def bench_dataset(name: str, args: argparse.Namespace) -> dict[str, float]:
    from threadpoolctl import threadpool_limits

    X, y = load(name)
    draws = bootstrap_rows(X.shape[0], args.n_boot, args.seed)
    seconds: dict[str, list[float]] = defaultdict(list)
    stats: dict[str, Stats] = {}
    with threadpool_limits(limits=1):
        # warm-up: imports, caches, first-call costs are not what we measure
        for _, run in CONTESTANTS.values():
            run(X, y, draws[:2], args.seed)
        for _ in range(args.repeat):
            for key, (_, run) in CONTESTANTS.items():
                gc.collect()
                secs, s = run(X, y, draws, args.seed)
                seconds[key].append(secs)
                stats[key] = s
        ratios = print_dataset_table(name, X.shape, args.n_boot, seconds, stats)
        peak = interpkit_peak_memory(X, y, args.n_boot, args.seed)
        print(f"  interpkit peak traced memory (tracemalloc, one run): {peak:.1f} MiB")
        if args.profile:
            profile_interpkit(X, y, args.n_boot, args.seed)
    return ratios


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-boot", type=int, default=100, help="bootstrap samples (B)")
    parser.add_argument(
        "--datasets", nargs="+", default=list(DATASETS), choices=DATASETS, help="which data"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (median reported)")
    parser.add_argument("--seed", type=int, default=0, help="random_state of the bootstrap")
    parser.add_argument("--quick", action="store_true", help="B=10, one round: a fast check")
    parser.add_argument("--profile", action="store_true", help="break interpkit's time down")
    args = parser.parse_args(argv)
    if args.quick:
        args.n_boot, args.repeat = 10, 1
    if args.n_boot < 2 or args.repeat < 1:
        parser.error("--n-boot must be >= 2 and --repeat >= 1")
    return args


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    args = parse_args(argv)
    print("interpkit lasso bootstrap-stability benchmark")
    for line in environment():
        print(f"  {line}")
    ratios = {name: bench_dataset(name, args) for name in args.datasets}
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak resident memory (ru_maxrss, whole benchmark): {maxrss:.0f} MiB")
    return ratios


if __name__ == "__main__":
    main(sys.argv[1:])
