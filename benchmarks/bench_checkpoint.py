"""Cost of ``stability(..., checkpoint=path)`` on a run whose replicates take >= 0.5 s.

A lasso with lambda tuned by 10-fold CV on synthetic data (default 10,000
rows x 100 features) is bootstrapped B times, with held-out predictions
(``X_eval``) and local explanations (``X_explain``), once without and once
with a checkpoint (a fresh zarr store each time, so every replicate is
written). Rounds alternate the two so that load from other processes hits
both alike; we report medians and their ratio (goal: <= 1.05), and the time
spent writing each replicate, which on a busy machine measures the
overhead more precisely than the difference of two noisy totals.

    python benchmarks/bench_checkpoint.py [--n 10000] [--p 100] [--B 20] [--repeat 2]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import interpkit
from interpkit.stability import store as store_module

WRITE_TIMES: list[float] = []
_add = store_module.ZarrCollector.add


def _timed_add(self, record):  # the time a replicate spends being written
    start = time.perf_counter()
    _add(self, record)
    WRITE_TIMES.append(time.perf_counter() - start)


store_module.ZarrCollector.add = _timed_add
STORE_TIME = [0.0]  # everything else the store does: open, fingerprint, read back


def _timed(func):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            STORE_TIME[0] += time.perf_counter() - start

    return wrapper


store_module.open_checkpoint = _timed(store_module.open_checkpoint)
for _name in ("stacked", "predictions", "infos"):
    setattr(store_module.ZarrCollector, _name, _timed(getattr(store_module.ZarrCollector, _name)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--p", type=int, default=100)
    parser.add_argument("--B", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.n, args.p))
    y = X[:, :10] @ rng.normal(size=10) + rng.normal(size=args.n)
    kw = dict(
        n_boot=args.B,
        random_state=0,
        progress=False,
        n_jobs=1,
        X_eval=X[:500],
        X_explain=X[:500],
    )
    explainer = interpkit.LassoExplainer(cv=10)
    explainer.stability(X[:2000], y[:2000], **{**kw, "n_boot": 2})  # warm-up
    plain, checkpointed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            start = time.perf_counter()
            a = explainer.stability(X, y, **kw)
            plain.append(time.perf_counter() - start)
            store = Path(tmp) / f"run{r}.zarr"
            start = time.perf_counter()
            b = explainer.stability(X, y, checkpoint=store, **kw)
            checkpointed.append(time.perf_counter() - start)
            assert b.replicates.equals(a.replicates)
            size = sum(f.stat().st_size for f in store.rglob("*") if f.is_file())
            shutil.rmtree(store)
    t0, t1 = statistics.median(plain), statistics.median(checkpointed)
    print(f"{args.B} replicates of a 10-fold CV lasso on {args.n} x {args.p}, n_jobs=1")
    print(f"per replicate: {t0 / args.B:.2f} s without checkpoint, {t1 / args.B:.2f} s with")
    print(f"store: {size / 2**20:.1f} MB ({size / args.B / 2**10:.0f} kB per replicate)")
    print(f"median run: {t0:.2f} s without, {t1:.2f} s with; ratio {t1 / t0:.3f} (goal <= 1.05)")
    write = statistics.median(WRITE_TIMES)
    print(
        f"writing one replicate (ZarrCollector.add): median {write * 1e3:.1f} ms, "
        f"max {max(WRITE_TIMES) * 1e3:.1f} ms = {write / (t0 / args.B):.2%} of a replicate"
    )
    other = STORE_TIME[0] / args.repeat
    print(
        f"opening (fingerprint) and reading back per run: {other:.2f} s; all store work "
        f"{(other + sum(WRITE_TIMES) / args.repeat) / t0:.2%} of the run"
    )
    print("rounds without:", " ".join(f"{t:.2f}" for t in plain))
    print("rounds with:   ", " ".join(f"{t:.2f}" for t in checkpointed))


if __name__ == "__main__":
    main()
