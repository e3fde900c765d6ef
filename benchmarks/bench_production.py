"""A production model on the census data: interpkit against the code one writes by hand.

Two measurements on UCI Adult (32,561 rows by default), each a ratio:

1. **Pipeline + permutation-importance stability.** The data as they come
   (text categories, ``"?"``), a ``Pipeline(ColumnTransformer(OneHotEncoder),
   HistGradientBoostingClassifier)``, ``B`` bootstrap replicates of held-out
   permutation importance. (a) a plain loop doing the same work by hand:
   interpkit's seeds and row draws, each replicate the distinct drawn rows
   weighted by their counts (as interpkit fits them), a 75/25 split,
   ``pipeline.fit`` and :func:`sklearn.inspection.permutation_importance` on
   the DataFrame; (b) ``ImportanceExplainer(pipeline, method="permutation")
   .stability(X, y, n_boot=B, n_jobs=1)``, which codes the table as floats
   and hands the pipeline the user's DataFrame back in every call. Goal:
   (b) / (a) <= 1.05.
2. **TreeSHAP of LightGBM on every row.** ``shap.TreeExplainer(model,
   data=background, feature_perturbation="interventional").shap_values(X)``
   against ``ShapExplainer(model=model, algorithm="tree").explain(X)`` with
   the same 100 background rows (interpkit adds the exact-branch coding of
   :mod:`interpkit.adapters.shap.tree_exact` and its additivity check).
   Goal: <= 1.05.

``--quick`` shrinks both for a check. Timings are medians over ``--repeat``
rounds, contestants alternating; thread pools are limited to one thread.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

import numpy as np

GOALS = {"pipeline_permutation": 1.05, "tree_shap_lightgbm": 1.05}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-rows", type=int, default=None, help="census rows (default: all)")
    parser.add_argument("--n-boot", type=int, default=20, help="bootstrap replicates B")
    parser.add_argument("--n-iter", type=int, default=100, help="boosting iterations")
    parser.add_argument("--n-repeats", type=int, default=3, help="shuffles per feature")
    parser.add_argument("--shap-rows", type=int, default=None, help="rows TreeSHAP explains")
    parser.add_argument("--background", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1, help="timing rounds (median)")
    parser.add_argument("--only", choices=("pipeline", "shap"), default=None)
    parser.add_argument("--quick", action="store_true", help="4,000 rows, B=4, 1,000 SHAP rows")
    args = parser.parse_args(argv)
    if args.quick:
        args.n_rows = args.n_rows or 4000
        args.n_boot = 4 if "--n-boot" not in (argv or []) else args.n_boot
        args.shap_rows = args.shap_rows or 1000
    return args


def make_pipeline(n_iter: int, seed: int | None = None) -> Any:
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    encode = ColumnTransformer(
        [
            (
                "categories",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                make_column_selector(dtype_include=["category", "object"]),
            )
        ],
        remainder="passthrough",
    )
    model = HistGradientBoostingClassifier(max_iter=n_iter, random_state=seed)
    return Pipeline([("encode", encode), ("model", model)])


def plain_loop(X: Any, y: Any, args: argparse.Namespace) -> list[np.ndarray]:
    """interpkit's seeds and weighted row draws, written out by hand on the DataFrame."""
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import train_test_split

    def one(rows: np.ndarray, weights: np.ndarray | None, seed: int) -> np.ndarray:
        train, test = train_test_split(
            np.arange(rows.size), test_size=0.25, random_state=seed, stratify=y.iloc[rows]
        )
        fit_kw = {} if weights is None else {"model__sample_weight": weights[train]}
        model = make_pipeline(args.n_iter, seed)
        model.fit(X.iloc[rows[train]], y.iloc[rows[train]], **fit_kw)
        res = permutation_importance(
            model,
            X.iloc[rows[test]],
            y.iloc[rows[test]],
            n_repeats=args.n_repeats,
            random_state=seed,
            sample_weight=None if weights is None else weights[test],
        )
        return res.importances_mean

    n = len(y)
    rng = np.random.RandomState(0)
    seeds = rng.randint(np.iinfo(np.int32).max, size=args.n_boot)
    reference_seed = int(rng.randint(np.iinfo(np.int32).max))
    out = [one(np.arange(n), None, reference_seed)]
    for seed in seeds:
        draw = np.random.RandomState(int(seed)).randint(n, size=n)
        counts = np.bincount(draw, minlength=n)
        rows = np.flatnonzero(counts)
        out.append(one(rows, counts[rows].astype(float), int(seed)))
    return out


def interpkit_run(X: Any, y: Any, args: argparse.Namespace) -> Any:
    import interpkit

    expl = interpkit.ImportanceExplainer(
        make_pipeline(args.n_iter), method="permutation", n_repeats=args.n_repeats
    )
    return expl.stability(X, y, n_boot=args.n_boot, random_state=0, n_jobs=1, progress=False)


def timed(func: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of ``func()`` (CPU time is less swayed by other load)."""
    start, cpu = time.perf_counter(), time.process_time()
    value = func()
    return time.perf_counter() - start, time.process_time() - cpu, value


CPU: dict[str, float] = {}  # the last comparison's CPU-time ratio


def _median_ratio(a: Callable[[], Any], b: Callable[[], Any], repeat: int) -> tuple:
    times_a, times_b, cpu_a, cpu_b = [], [], [], []
    for _ in range(repeat):
        ta, ca, out_a = timed(a)
        tb, cb, out_b = timed(b)
        times_a.append(ta)
        times_b.append(tb)
        cpu_a.append(ca)
        cpu_b.append(cb)
    CPU["ratio"] = statistics.median(cpu_b) / statistics.median(cpu_a)
    ta, tb = statistics.median(times_a), statistics.median(times_b)
    return ta, tb, out_a, out_b


def bench_pipeline(args: argparse.Namespace) -> dict[str, float]:
    from interpkit.datasets import load_adult

    X, y = load_adult(encoded=False, n_rows=args.n_rows, return_X_y=True)
    print(f"1. pipeline + permutation stability: {len(X)} rows x {X.shape[1]} columns "
          f"(text, '?'), B={args.n_boot}, {args.n_iter} boosting iterations, "
          f"{args.n_repeats} shuffles")  # fmt: skip
    t_loop, t_ipk, _, result = _median_ratio(
        lambda: plain_loop(X, y, args), lambda: interpkit_run(X, y, args), args.repeat
    )
    ratio = t_ipk / t_loop
    print(f"   plain loop {t_loop:7.1f} s   interpkit {t_ipk:7.1f} s   ratio {ratio:.3f} "
          f"(goal <= {GOALS['pipeline_permutation']}); CPU ratio {CPU['ratio']:.3f}")  # fmt: skip
    top = result.summary().index[:3].tolist()
    print(f"   most important: {', '.join(top)}")
    return {
        "pipeline_loop_s": t_loop,
        "pipeline_interpkit_s": t_ipk,
        "pipeline_ratio": ratio,
        "pipeline_cpu_ratio": CPU["ratio"],
    }


def bench_shap(args: argparse.Namespace) -> dict[str, float]:
    import lightgbm
    import shap

    import interpkit
    from interpkit.datasets import load_adult

    X, y = load_adult(n_rows=args.n_rows, return_X_y=True)  # LightGBM on the coded table
    model = lightgbm.LGBMClassifier(n_estimators=args.n_iter, verbose=-1, random_state=0)
    model.fit(X, y)
    rows = X if args.shap_rows is None else X.iloc[: args.shap_rows]
    bg_idx = np.sort(np.random.RandomState(0).choice(len(X), args.background, replace=False))
    background = X.iloc[bg_idx]
    print(f"2. TreeSHAP of LightGBM ({args.n_iter} trees): {len(rows)} rows explained, "
          f"{args.background} background rows, raw margin")  # fmt: skip

    def direct() -> np.ndarray:
        ex = shap.TreeExplainer(
            model, data=background.to_numpy(), feature_perturbation="interventional",
            model_output="raw",
        )  # fmt: skip
        return np.asarray(ex.shap_values(rows.to_numpy(), check_additivity=False))

    def ours() -> Any:
        ex = interpkit.ShapExplainer(
            model=model, algorithm="tree", output="log_odds", background=background
        ).fit(X)
        return ex.explain(rows)

    t_shap, t_ipk, phi, expl = _median_ratio(direct, ours, args.repeat)
    ratio = t_ipk / t_shap
    gap = float(np.abs(expl.values.to_numpy() - phi.reshape(expl.values.shape)).max())
    print(f"   shap {t_shap:7.1f} s   interpkit {t_ipk:7.1f} s   ratio {ratio:.3f} "
          f"(goal <= {GOALS['tree_shap_lightgbm']}), CPU {CPU['ratio']:.3f}; "
          f"max |difference| {gap:.1e}, "
          f"additivity error {expl.annotations['additivity_error']:.1e}")  # fmt: skip
    return {
        "shap_direct_s": t_shap,
        "shap_interpkit_s": t_ipk,
        "shap_ratio": ratio,
        "shap_cpu_ratio": CPU["ratio"],
    }


def _load_thread_pools() -> None:
    """Load every library's OpenMP runtime (HistGradientBoosting's, LightGBM's) up front."""
    import lightgbm
    import pandas as pd

    X = pd.DataFrame({"a": np.arange(40.0), "b": pd.Categorical(["x", "y"] * 20)})
    y = np.arange(40) % 2
    make_pipeline(2).fit(X, y)
    small = lightgbm.LGBMClassifier(n_estimators=2, verbose=-1).fit(X[["a"]], y)
    # interpkit's first call imports xarray, joblib's workers and shap: not part of the timing
    import interpkit

    interpkit.ShapExplainer(model=small, algorithm="tree", background=5).fit(X[["a"]]).explain(
        X[["a"]].iloc[:3]
    )
    interpkit.ImportanceExplainer(make_pipeline(2), method="permutation", n_repeats=1).stability(
        X, y, n_boot=2, random_state=0, n_jobs=1, progress=False
    )


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    from threadpoolctl import threadpool_limits

    versions = ", ".join(
        f"{d} {metadata.version(d)}" for d in ("interpkit", "scikit-learn", "shap", "lightgbm")
    )
    print(f"{platform.python_implementation()} {platform.python_version()}; {versions}")
    _load_thread_pools()  # threadpoolctl limits only the OpenMP/BLAS libraries already loaded
    out: dict[str, float] = {}
    with threadpool_limits(1):
        if args.only in (None, "pipeline"):
            out.update(bench_pipeline(args))
        if args.only in (None, "shap"):
            out.update(bench_shap(args))
    return out


if __name__ == "__main__":
    main()
