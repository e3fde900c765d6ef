"""Stability checks: every declared scope gives the same numbers whatever ``n_jobs``."""

from __future__ import annotations

import inspect
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.base import clone

# what a check passes to stability() for each scope it knows how to run on given data;
# a scope missing here ("baseline", "noise", "weights", "prompts") needs inputs of its own
SCOPE_OPTIONS: dict[str, dict[str, Any]] = {
    "rows": {},
    "seed": {},
    "background": {},
    "kernel_width": {"kernel_widths": (0.5, 1.0, 2.0)},
}
N_BOOT = 4


def takes_scope(explainer: Any) -> bool:
    """Whether this explainer's ``stability()`` has a ``scope`` parameter."""
    return "scope" in inspect.signature(explainer.stability).parameters


def check_stability_independent_of_n_jobs(
    explainer: Any, X: pd.DataFrame, y: Any, scope: str = "rows"
) -> None:
    """Serial, process-parallel and thread-parallel runs are equal to the last bit.

    Scope ``"rows"`` refits clones of the unfitted explainer; every other
    scope varies something of a fitted one.
    """
    kwargs: dict[str, Any] = dict(n_boot=N_BOOT, random_state=3, X_eval=X.iloc[:3], progress=False)
    if scope == "rows":
        est = clone(explainer)
    else:  # the fixed-model scopes start from a fitted explainer
        est = clone(explainer).fit(X, y)
        kwargs.update(scope=scope, **SCOPE_OPTIONS[scope])
    serial = est.stability(X, y, n_jobs=1, **kwargs)
    processes = est.stability(X, y, n_jobs=2, **kwargs)
    with joblib.parallel_config(backend="threading"):
        threads = est.stability(X, y, n_jobs=2, **kwargs)
    assert serial.replicates.dims[0] == "replicate"
    if scope == "rows":
        assert serial.n_replicates == N_BOOT
    else:  # a scope may set its own count (one replicate per kernel width)
        assert serial.n_replicates >= 2
    # exact equality: thread counts are fixed per replicate, so no float may move
    for parallel in (processes, threads):
        assert serial.replicates.equals(parallel.replicates), f"scope={scope!r}: replicates differ"
        assert (serial.predictions is None) == (parallel.predictions is None)
        if serial.predictions is not None:
            np.testing.assert_array_equal(serial.predictions.values, parallel.predictions.values)
        pd.testing.assert_frame_equal(serial.summary(), parallel.summary())
        # the fit to all rows may use the workers too (an EBM's bags), never other numbers
        assert serial.reference.values.equals(parallel.reference.values), "reference differs"
    index = serial.summary().index  # (class, feature) for K-class results
    if "feature" in (index.names or []):
        index = index.get_level_values("feature")
    assert set(index) == set(X.columns)
