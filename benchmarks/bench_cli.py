"""Wall time of the four-method ``interpkit explain`` on a 500 x 30 table at B = 20.

Goal: at most 60 s on 2 cores (issue 15; before this change 266-356 s).

Two runs of the real command (``interpkit.cli.main``, in this process):

* ``before``: the previous defaults, i.e. one worker (``--n-jobs 1``) and the
  registry's settings whatever the table size (200 trees, 8 EBM bags, ...);
* ``after``: the defaults now, all cores and the table-size settings of
  :mod:`interpkit.cli_defaults`.

Each prints the wall time, the per-method breakdown (fit + bootstrap, from
the report's ``timings``) and the rest (reading, comparison, writing the
report), with ``uptime``'s load average: other jobs on the machine slow both
runs, so note it next to the numbers. The CPU seconds of the run and of each
method (this process and its joblib workers, with psutil) do not depend on
the load: divided by the cores they bound the wall time on an idle machine.

Run from the repository root::

    python benchmarks/bench_cli.py                 # before and after
    python benchmarks/bench_cli.py --only after    # the current defaults only
    python benchmarks/bench_cli.py --rows 200 --n-boot 5   # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

GOAL_SECONDS = 60.0
METHODS = "lasso,ebm,shap-rf,permutation-rf"  # the README's multi-method command


def make_table(path: Path, n_rows: int = 500, n_features: int = 30, seed: int = 0) -> Path:
    """A synthetic regression table: 3 features matter (one nonlinearly), the rest is noise."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n_rows, n_features)),
                     columns=[f"x{i:02d}" for i in range(n_features)])  # fmt: skip
    X["y"] = 3 * X["x00"] - 2 * X["x01"] + np.sin(2 * X["x02"]) + rng.normal(size=n_rows)
    X.to_csv(path, index=False)
    return path


def run_cli(csv: Path, out: Path, n_boot: int, mode: str, methods: str = METHODS) -> dict:
    """One ``interpkit explain`` run; ``mode`` is "before" or "after"."""
    import interpkit.report.analysis as analysis
    from interpkit import cli

    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}
    original = analysis.fit_and_bootstrap

    def recording(explainers, *args, **kwargs):
        kwargs["timings"] = timings
        explainers = {m: _CpuTimed(e, m, cpu) for m, e in explainers.items()}
        return original(explainers, *args, **kwargs)

    argv = ["explain", "--data", str(csv), "--target", "y", "--method", methods,
            "--n-boot", str(n_boot), "--out", str(out), "--no-progress"]  # fmt: skip
    patches = [mock.patch.object(analysis, "fit_and_bootstrap", recording)]
    if mode == "before":
        argv += ["--n-jobs", "1"]
        patches.append(mock.patch("interpkit.cli_defaults.light_table", lambda n, p: False))
    with contextlib.ExitStack() as stack:
        for p in patches:
            stack.enter_context(p)
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        start, cpu_start = time.perf_counter(), cpu_seconds()
        code = cli.main(argv)
        wall, cpu_total = time.perf_counter() - start, cpu_seconds() - cpu_start
    if code != 0:
        raise SystemExit(f"interpkit explain failed ({mode}) with status {code}")
    return {"wall": wall, "methods": timings, "cpu": cpu, "cpu_total": cpu_total,
            "size_mb": out.stat().st_size / 1e6}  # fmt: skip


def cpu_seconds() -> float:
    """User + system seconds of this process and its live children (joblib's workers)."""
    try:
        import psutil
    except ImportError:
        return float("nan")
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:
            pass
    return total


class _CpuTimed:
    """An explainer whose ``stability`` adds its CPU seconds (with the workers') to ``cpu``."""

    def __init__(self, explainer, name: str, cpu: dict) -> None:
        self._explainer, self._name, self._cpu = explainer, name, cpu

    def __getattr__(self, attr):
        return getattr(self._explainer, attr)

    def stability(self, *args, **kwargs):
        before = cpu_seconds()
        try:
            return self._explainer.stability(*args, **kwargs)
        finally:
            self._cpu[self._name] = cpu_seconds() - before


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--n-boot", type=int, default=20)
    parser.add_argument("--only", choices=["before", "after"])
    parser.add_argument("--methods", default=METHODS, help=f"default {METHODS}")
    args = parser.parse_args(argv)
    modes = [args.only] if args.only else ["before", "after"]
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()}")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        csv = make_table(Path(tmp) / "table.csv", args.rows, args.features)
        for mode in modes:
            res = run_cli(csv, Path(tmp) / f"{mode}.html", args.n_boot, mode, args.methods)
            rest = res["wall"] - sum(res["methods"].values())
            parts = ", ".join(f"{m} {s:.1f} s" for m, s in res["methods"].items())
            cpu = ", ".join(f"{m} {s:.1f} s" for m, s in res["cpu"].items())
            print(f"{mode}: {res['wall']:.1f} s wall ({parts}; rest {rest:.1f} s); "
                  f"report {res['size_mb']:.2f} MB; load {os.getloadavg()}")  # fmt: skip
            print(f"  CPU (this process and the joblib workers): {res['cpu_total']:.1f} s "
                  f"({cpu}); on {os.cpu_count()} idle cores at least "
                  f"{res['cpu_total'] / (os.cpu_count() or 1):.1f} s")  # fmt: skip
            out[mode] = res
    if "after" in out:
        ok = out["after"]["wall"] <= GOAL_SECONDS
        print(f"goal <= {GOAL_SECONDS:.0f} s: {'met' if ok else 'NOT met'}")
    if len(out) == 2:
        print(f"speed-up: {out['before']['wall'] / out['after']['wall']:.1f}x")
    return out


if __name__ == "__main__":
    main()
