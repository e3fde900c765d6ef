"""Peak memory of a stability run with local explanations: keep_local="summary" vs "all".

B bootstrap replicates of a lasso (3-fold CV, fixed lambda) fit on 1,000
rows x P features, each explaining N rows locally (B x N x P values in
all). With ``keep_local="summary"`` each replicate's local values go to an
on-disk zarr store as it finishes and ``extras["local"].summary()`` (mean,
sd, exact quantiles) is computed chunk by chunk with dask; with ``"all"``
every replicate stays in memory.

Each configuration runs in its own process; we report its peak RSS, the
RSS before the run (imports, data and a small warm-up run: the fixed cost), and one replicate's
local values (N x P float64). Goal: the run's peak <= fixed + 2 x one
replicate; the summary then adds what its N x P table of statistics and
its read chunks take, a cost that does not grow with B.

    python benchmarks/bench_memory.py                 # B = 10, 100, 300, 1000
    python benchmarks/bench_memory.py --B 10 100      # a quicker trend
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time

MB = 2**20


def child(n_boot: int, n: int, p: int, keep: str) -> None:
    import numpy as np
    import psutil

    import interpkit

    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, p))
    y = X[:, :5].sum(axis=1) + rng.normal(size=1000)
    X_explain = rng.normal(size=(n, p))
    explainer = interpkit.LassoExplainer(cv=3, lambda_choice=0.05)
    # warm-up: imports, one explanation of all rows, a small streamed run and its summary
    explainer.fit(X, y).explain(X_explain)
    explainer.stability(
        X,
        y,
        n_boot=2,
        random_state=0,
        progress=False,
        X_explain=X_explain[:100],
        keep_local="summary",
    ).extras["local"].summary()
    fixed = psutil.Process().memory_info().rss
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tempfile.tempdir = tmp  # the temporary store lands (and is removed) here
        result = explainer.stability(
            X,
            y,
            n_boot=n_boot,
            random_state=0,
            progress=False,
            X_explain=X_explain,
            keep_local=keep,
        )
        run = time.perf_counter() - start
        peak_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        table = result.extras["local"].summary()
        total = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        assert len(table) == n * p
        del result, table
    print(
        json.dumps(
            {"fixed": fixed, "peak_run": peak_run, "peak": peak, "run_s": run, "total_s": total}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--B", type=int, nargs="+", default=[10, 100, 300, 1000])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--p", type=int, default=50)
    parser.add_argument("--all-up-to", type=int, default=100, help="largest B run with 'all'")
    parser.add_argument("--child", nargs=2, metavar=("B", "KEEP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), args.n, args.p, args.child[1])
        return
    one = args.n * args.p * 8
    print(f"N={args.n} rows x P={args.p} features; one replicate's local values: {one / MB:.1f} MB")
    print(
        f"{'B':>6} {'keep_local':>10} {'fixed MB':>9} {'run peak':>9} {'(run-fixed)/one':>16}"
        f" {'+summary peak':>14} {'run s':>7} {'+summary s':>10}"
    )
    for n_boot in args.B:
        for keep in ("summary", "all"):
            if keep == "all" and n_boot > args.all_up_to:
                continue
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(n_boot),
                    keep,
                    "--n",
                    str(args.n),
                    "--p",
                    str(args.p),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{n_boot:>6} {keep:>10} {r['fixed'] / MB:>9.0f} {r['peak_run'] / MB:>9.0f} "
                f"{(r['peak_run'] - r['fixed']) / one:>16.1f} {r['peak'] / MB:>14.0f} "
                f"{r['run_s']:>7.1f} "
                f"{r['total_s'] - r['run_s']:>10.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
