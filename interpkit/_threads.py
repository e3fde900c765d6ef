"""Fixed thread counts for the duration of a computation.

A stability replicate must compute the same numbers in any process. BLAS,
MKL and torch split reductions (sums, Cholesky, matrix products) across
their thread pools, and the split changes the order of float additions:
torch with two threads in the main process and one in a joblib worker
(joblib limits its workers to ``cpu_count // n_jobs`` threads) gave GP fits
that differ in the last bits. :func:`fixed_threads` pins BLAS and OpenMP
(through threadpoolctl) and torch, including the MKL linked into it, which
threadpoolctl does not see, to one thread while any replicate runs,
whatever the process, joblib backend or machine, and restores the previous
counts after.

BLAS limits are process-wide but OpenMP's are per thread, so every thread
that enters sets its own, and one process-wide count remembers the user's
settings until the last thread leaves. A library imported while limits are
active (torch is imported lazily, on the first GP fit) is limited when it is
first seen.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["apply_to_new_imports", "fixed_threads", "sequential_inner_joblib"]

# one thread per replicate: parallelism comes from running replicates side by side
REPLICATE_THREADS = 1

_lock = threading.Lock()
_active = 0  # threads inside fixed_threads, all of them together
_original: list[Any] = []  # [threadpoolctl limiter, torch count or None] of the first to enter
_local = threading.local()
_controller: list[Any] = []  # [ThreadpoolController, len(sys.modules) when it was built]


@contextmanager
def fixed_threads(n: int = REPLICATE_THREADS) -> Iterator[None]:
    """Run the body with BLAS, OpenMP and torch limited to ``n`` threads, then restore them."""
    global _active
    depth = getattr(_local, "depth", 0)
    if depth == 0:
        with _lock:
            limiter, torch_before = _limit(n)
            if _active == 0:
                _original[:] = [limiter, torch_before]
            _active += 1
    _local.depth = depth + 1
    try:
        yield
    finally:
        _local.depth = depth
        if depth == 0:
            with _lock:
                _active -= 1
                if _active == 0:
                    _restore()


@contextmanager
def sequential_inner_joblib() -> Iterator[None]:
    """Run joblib calls made inside the body (e.g. a random forest's) one after another.

    joblib hands a task's own ``Parallel`` calls the backend's nested backend:
    one thread for loky, but for dask every core of the cluster, whatever
    ``n_jobs`` the estimator asks. A forest's ``predict`` then sums its trees
    in the order threads finish, so a replicate's floats changed with the
    backend. The config is per thread, so the body's thread alone is affected
    and the replicates themselves still run side by side.
    """
    from joblib import parallel_config

    with parallel_config(backend="sequential"):
        yield


def apply_to_new_imports() -> None:
    """Limit libraries imported since this thread's limits were set (no-op outside)."""
    if getattr(_local, "depth", 0) > 0:
        with _lock:
            _, torch_before = _limit(REPLICATE_THREADS)
            if _original and _original[1] is None:
                _original[1] = torch_before  # torch's own default, restored at the end


def _limit(n: int) -> tuple[Any, int | None]:
    torch = sys.modules.get("torch")
    # read before limiting OpenMP: torch's count follows it
    torch_before = None if torch is None else torch.get_num_threads()
    limiter = _thread_controller().limit(limits=n)
    if torch is not None:
        # always: only torch.set_num_threads reaches the MKL linked into torch
        torch.set_num_threads(n)
    return limiter, torch_before


def _restore() -> None:
    limiter, torch_before = _original
    limiter.restore_original_limits()
    torch = sys.modules.get("torch")
    if torch is not None and torch_before is not None:
        torch.set_num_threads(torch_before)
    _original.clear()


def _thread_controller() -> Any:
    """threadpoolctl's view of the loaded libraries, rebuilt when modules were imported.

    Building it scans every loaded shared library (~0.7 ms); limiting through
    a built one costs ~0.01 ms, which matters at thousands of replicates.
    """
    from threadpoolctl import ThreadpoolController

    if not _controller or _controller[1] != len(sys.modules):
        _controller[:] = [ThreadpoolController(), len(sys.modules)]
    return _controller[0]
