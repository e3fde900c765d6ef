"""Lasso stability on prostate, run on a dask cluster, equal to the run on one core.

The replicates of ``explainer.stability`` go through joblib, so
``joblib.parallel_config(backend="dask")`` sends them to whatever cluster the
active ``distributed.Client`` is connected to: here a ``LocalCluster`` of
worker processes, or an existing cluster given by ``--scheduler`` (e.g.
``tcp://scheduler:8786``). ``--backend ray`` uses a local ray instead (or
the ray cluster ``--ray-address``, e.g. ``auto``). The script then reruns the
stability with ``n_jobs=1`` and checks that the numbers are identical: seeds
are drawn up front and each replicate computes with fixed thread counts, so
where a replicate runs does not change it.

Run ``python examples/stability_on_a_cluster.py [--n-boot B] [--n-workers K]
[--scheduler ADDRESS] [--backend {dask,ray}]``. See ``docs/clusters.md``.

Why the ``if __name__ == "__main__":`` guard at the bottom: a LocalCluster
(and ray, and joblib's loky) start worker *processes* that import the main
module again to set themselves up. Without the guard each of them would run
the script's body, start its own cluster, and so on; Python stops this with
"An attempt has been made to start a new process before the current process
has finished its bootstrapping phase". Keep work that starts processes under
the guard (or in a function called from it).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import joblib
import pandas as pd

import interpkit
from interpkit.datasets import load_prostate


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-boot", type=int, default=50, help="bootstrap replicates B")
    parser.add_argument("--backend", choices=("dask", "ray"), default="dask")
    parser.add_argument("--n-workers", type=int, default=2, help="local worker processes")
    parser.add_argument("--scheduler", default=None, help="address of an existing dask cluster")
    parser.add_argument("--ray-address", default=None, help="an existing ray cluster, or 'auto'")
    parser.add_argument("--seed", type=int, default=0, help="seeds the bootstrap")
    return parser.parse_args(argv)


def _stability(X: pd.DataFrame, y: pd.Series, args: argparse.Namespace, n_jobs: int):
    lasso = interpkit.LassoExplainer(cv=5, random_state=args.seed)
    return lasso.stability(X, y, n_boot=args.n_boot, random_state=args.seed, n_jobs=n_jobs)


def on_dask(X: pd.DataFrame, y: pd.Series, args: argparse.Namespace):
    from distributed import Client, LocalCluster

    if args.scheduler:  # an existing cluster: dask-jobqueue, Kubernetes, `dask scheduler`
        client, cluster = Client(args.scheduler), None
    else:
        cluster = LocalCluster(
            n_workers=args.n_workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        print(
            f"dask: {len(client.scheduler_info()['workers'])} workers at {client.scheduler.address}"
        )
        with joblib.parallel_config(backend="dask"):
            # n_jobs=-1: as many replicates at once as the cluster has cores
            return _stability(X, y, args, n_jobs=-1)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def on_ray(X: pd.DataFrame, y: pd.Series, args: argparse.Namespace):
    import ray
    from ray.util.joblib import register_ray

    if args.ray_address:
        ray.init(address=args.ray_address)
    else:
        ray.init(num_cpus=args.n_workers, include_dashboard=False, log_to_driver=False)
    register_ray()
    try:
        print(f"ray: {ray.cluster_resources().get('CPU', 0):g} CPUs")
        with joblib.parallel_config(backend="ray"):
            # n_jobs=-1: ray's backend runs n_jobs=None in this process
            return _stability(X, y, args, n_jobs=-1)
    finally:
        ray.shutdown()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    X, y = load_prostate(return_X_y=True)

    start = time.perf_counter()
    result = on_dask(X, y, args) if args.backend == "dask" else on_ray(X, y, args)
    cluster_s = time.perf_counter() - start
    start = time.perf_counter()
    serial = _stability(X, y, args, n_jobs=1)
    serial_s = time.perf_counter() - start

    identical = (
        result.replicates.equals(serial.replicates)
        and result.replicate_info.equals(serial.replicate_info)
        and result.summary().equals(serial.summary())
    )
    summary = result.summary()
    cols = ["reference", "mean", "sd", "lower", "upper", "selection_frequency", "mean_rank"]
    print(f"\nlasso on prostate, {result.n_replicates} bootstrap replicates ({args.backend}):")
    print(summary[cols].to_string(float_format=lambda v: f"{v:.3f}"))
    print(f"\n{args.backend}: {cluster_s:.1f} s (with start-up); n_jobs=1: {serial_s:.1f} s")
    print(f"identical to n_jobs=1: {identical}")
    return {"result": result, "serial": serial, "identical": identical, "summary": summary}


if __name__ == "__main__":
    main()
