"""Stability on a cluster: dask and ray through joblib give the numbers n_jobs=1 gives.

Each cluster starts once per module (a few seconds) and is shut down at the end.
The explainers are interpkit classes, so the workers (separate processes)
import them from the installed package; nothing from this file travels.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from joblib._parallel_backends import ThreadingBackend
from sklearn.ensemble import RandomForestRegressor

from interpkit.adapters import REGISTRY


def _data(n: int = 40, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    X.index = [f"row{i}" for i in range(n)]
    y = pd.Series(2 * X["a"] - X["c"] + rng.normal(scale=0.5, size=n), index=X.index)
    return X, y


# tiny settings: the point is identical numbers, not good models
CASES = {
    "lasso": lambda: REGISTRY["lasso"](cv=3, random_state=0),
    # a forest: its fit and predict call joblib themselves (nested under the cluster backend)
    "permutation": lambda: REGISTRY["permutation"](
        RandomForestRegressor(n_estimators=10), method="permutation", n_repeats=2, random_state=0
    ),
    "gp": lambda: REGISTRY["gp"](n_restarts=1, max_iter=5, random_state=0),
}
KWARGS = {"n_boot": 4, "random_state": 3, "progress": False}


def _run(name: str, n_jobs: int | None = None):
    X, y = _data()
    return CASES[name]().stability(X, y, X_eval=X.iloc[:3], n_jobs=n_jobs, **KWARGS)


@pytest.fixture(scope="module")
def serial():
    with joblib.parallel_config(backend="loky", n_jobs=1):
        return {name: _run(name, n_jobs=1) for name in CASES}


def _assert_identical(got, want) -> None:
    # exact equality: seeds are drawn up front and thread counts fixed per replicate
    assert got.replicates.equals(want.replicates)
    assert got.reference.equals(want.reference)
    np.testing.assert_array_equal(got.predictions.values, want.predictions.values)
    pd.testing.assert_frame_equal(got.replicate_info, want.replicate_info)
    pd.testing.assert_frame_equal(got.summary(), want.summary())


@pytest.fixture(scope="module")
def dask_client():
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    cluster = LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None
    )
    client = Client(cluster)
    print(f"dask LocalCluster up in {time.perf_counter() - start:.1f} s")
    yield client
    client.close()
    cluster.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_dask_local_cluster_equals_serial(name, serial, dask_client):
    from distributed import get_task_stream

    with get_task_stream(dask_client) as stream, joblib.parallel_config(backend="dask"):
        result = _run(name, n_jobs=-1)
    _assert_identical(result, serial[name])
    # the replicates ran on the cluster's worker processes
    workers = {task["worker"] for task in stream.data}
    assert workers and workers <= set(dask_client.scheduler_info()["workers"])


@pytest.mark.slow
def test_dask_sends_the_data_once_per_run(dask_client, monkeypatch):
    scattered = []
    scatter = dask_client.scatter

    def counting(data, *args, **kwargs):
        scattered.append(type(data).__name__)
        return scatter(data, *args, **kwargs)

    monkeypatch.setattr(dask_client, "scatter", counting)
    X, y = _data()
    with joblib.parallel_config(backend="dask"):
        REGISTRY["lasso"](cv=3, random_state=0).stability(
            X, y, n_jobs=-1, **{**KWARGS, "n_boot": 8}
        )
    # one replicate job (the checked data and the reference) for all 8 tasks
    assert scattered == ["_Job"]


@pytest.fixture(scope="module")
def ray_backend():
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    start = time.perf_counter()
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    except Exception as err:  # e.g. no shared memory or ports in a sandbox: say so, skip
        pytest.skip(f"ray is installed but a local ray could not start here: {err}")
    register_ray()
    print(f"ray up in {time.perf_counter() - start:.1f} s")
    yield
    ray.shutdown()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_ray_equals_serial(name, serial, ray_backend):
    with joblib.parallel_config(backend="ray"):
        result = _run(name, n_jobs=-1)
        # what the engine's Parallel(n_jobs=-1) gets here runs in ray's worker processes
        pids = joblib.Parallel(n_jobs=-1)(joblib.delayed(os.getpid)() for _ in range(4))
    _assert_identical(result, serial[name])
    assert os.getpid() not in pids


class _ListOnlyBackend(ThreadingBackend):
    """A backend that, like ray's, cannot yield results as they come."""

    supports_return_generator = False


def test_backend_without_generators_gives_the_same_result():
    joblib.register_parallel_backend("list_only", _ListOnlyBackend)
    X, y = _data()
    lasso = REGISTRY["lasso"](cv=3, random_state=0)
    serial = lasso.stability(X, y, n_jobs=1, **KWARGS)
    with joblib.parallel_config(backend="list_only"):
        with pytest.raises(ValueError, match="does not support return_as"):
            joblib.Parallel(n_jobs=2, return_as="generator")
        result = lasso.stability(X, y, n_jobs=2, **KWARGS)
    assert result.replicates.equals(serial.replicates)


@pytest.mark.slow
def test_example_script_runs_as_main():
    # as a script, not imported: the LocalCluster's worker processes re-import __main__,
    # which the example's `if __name__ == "__main__":` guard makes safe
    pytest.importorskip("distributed")
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(
        [sys.executable, "examples/stability_on_a_cluster.py", "--n-boot", "6"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "dask: 2 workers" in done.stdout
    assert "6 bootstrap replicates (dask)" in done.stdout
    assert "identical to n_jobs=1: True" in done.stdout
    assert "lcavol" in done.stdout
