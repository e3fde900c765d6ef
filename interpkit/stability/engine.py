"""Bootstrap / subsample stability of any explanation.

Every replicate resamples rows, fits a *clone* of the explainer (so tuning
such as choosing lambda by CV happens again inside the replicate, as a
careful analyst would do it) and explains it. Seeds for all replicates are
drawn up front from one ``random_state``, so results are identical whatever
``n_jobs`` is, and work goes through joblib, so ``joblib.parallel_config``
moves it to threads, processes, dask or ray.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils import check_random_state

from interpkit._threads import fixed_threads, sequential_inner_joblib
from interpkit._validation import check_X, check_y, feature_names_of
from interpkit.explanation import Explanation, stack
from interpkit.stability.result import StabilityResult, kendall_tau_matrix

if TYPE_CHECKING:
    from interpkit.explainer import Explainer

__all__ = ["StabilityResult", "kendall_tau_matrix", "run_stability"]

SCHEMES = ("bootstrap", "subsample", "permuted_labels")


def run_stability(
    explainer: Explainer,
    X: Any,
    y: Any,
    *,
    n_boot: int = 100,
    scheme: str = "bootstrap",
    X_eval: Any = None,
    y_eval: Any = None,
    random_state: Any = None,
    n_jobs: int | None = None,
    subsample_fraction: float = 0.5,
    level: float = 0.95,
    progress: bool | None = None,
    X_explain: Any = None,
) -> StabilityResult:
    """Run a stability analysis; see :meth:`interpkit.Explainer.stability`."""
    # the reference fit and every replicate compute with the same thread counts in any
    # process; threads that joblib's threading backend starts inherit OpenMP's from here
    with fixed_threads():
        return _run(**locals())


def _run(
    explainer: Explainer,
    X: Any,
    y: Any,
    *,
    n_boot: int,
    scheme: str,
    X_eval: Any,
    y_eval: Any,
    random_state: Any,
    n_jobs: int | None,
    subsample_fraction: float,
    level: float,
    progress: bool | None,
    X_explain: Any,
) -> StabilityResult:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if not (isinstance(n_boot, int | np.integer) and n_boot >= 2):
        raise ValueError(f"n_boot must be an integer >= 2, got {n_boot!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if scheme == "subsample" and not 0 < subsample_fraction < 1:
        raise ValueError(f"subsample_fraction must be in (0, 1), got {subsample_fraction}")

    rng = check_random_state(random_state)
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_boot)
    reference_fit = clone(explainer)
    if reference_fit.get_params().get("random_state", 0) is None:
        # an unseeded explainer (e.g. its CV folds) is seeded from random_state too,
        # so the whole result is reproducible
        reference_fit.set_params(random_state=int(rng.randint(np.iinfo(np.int32).max)))
    # the same checks as Explainer.fit, done once for the reference and every replicate
    X_arr = check_X(X, allow_constant=False)
    y_arr = check_y(y, X_arr.shape[0], task=explainer._task())
    names = feature_names_of(X, X_arr.shape[1])
    # the estimator's own joblib calls run as in a replicate, whatever the user's backend
    with sequential_inner_joblib():
        reference_fit._fit_checked(X_arr, y_arr, names)
        if X_explain is not None:
            reference_fit._check_rows(X_explain)  # fail before any replicate runs
        # e.g. a common grid for shape functions, fixed by the fit on all rows
        context = reference_fit._stability_context()
    X_eval_arr = None if X_eval is None else reference_fit._check_rows(X_eval)
    y_eval_arr = None
    if y_eval is not None:
        if X_eval_arr is None:
            raise ValueError("y_eval given without X_eval")
        y_eval_arr = np.asarray(y_eval).ravel()
        if y_eval_arr.shape[0] != X_eval_arr.shape[0]:
            raise ValueError(
                f"y_eval has {y_eval_arr.shape[0]} values but X_eval has {X_eval_arr.shape[0]} rows"
            )

    n = X_arr.shape[0]
    m = n if scheme == "bootstrap" else max(2, int(round(subsample_fraction * n)))

    if progress is None:
        progress = sys.stderr.isatty()
    tasks = (
        delayed(_one_replicate)(
            explainer, X_arr, y_arr, names, X_eval_arr, int(seed), scheme, m, X_explain, context
        )
        for seed in seeds
    )
    outputs = _parallel(n_jobs)(tasks)
    if progress:
        from tqdm.auto import tqdm

        outputs = tqdm(outputs, total=n_boot, desc=f"stability ({type(explainer).__name__})")
    results = list(outputs)

    replicates = stack([r[0] for r in results], dim="replicate")
    predictions = None
    if X_eval_arr is not None:
        sample = (
            X_eval.index.to_numpy()
            if isinstance(X_eval, pd.DataFrame)
            else np.arange(len(X_eval_arr))
        )
        predictions = xr.DataArray(
            np.stack([r[1] for r in results]),
            dims=("replicate", "sample"),
            coords={"replicate": np.arange(n_boot), "sample": sample},
            name="prediction",
        )
    info = pd.DataFrame([r[2] for r in results])
    info.index.name = "replicate"
    params = {
        "n_boot": n_boot,
        "scheme": scheme,
        "subsample_fraction": subsample_fraction if scheme == "subsample" else None,
        "random_state": random_state if isinstance(random_state, int | None) else "RandomState",
    }
    with sequential_inner_joblib():
        reference_extras = _extras_of(reference_fit, X_explain, context)
        reference = reference_fit.explain()
    extras = {
        name: StabilityResult(
            replicates=stack([r[3][name] for r in results], dim="replicate"),
            reference=reference_extras[name],
            predictions=None,
            y_eval=None,
            replicate_info=info,
            scheme=scheme,
            level=level,
            params=params,
        )
        for name in reference_extras
    }
    return StabilityResult(
        replicates=replicates,
        reference=reference,
        predictions=predictions,
        y_eval=y_eval_arr,
        replicate_info=info,
        scheme=scheme,
        level=level,
        params=params,
        extras=extras,
    )


def _parallel(n_jobs: int | None) -> Parallel:
    """joblib's Parallel yielding results as they come (for progress), or a list where the
    active backend cannot (ray's)."""
    try:
        return Parallel(n_jobs=n_jobs, return_as="generator")
    except ValueError as err:
        if "does not support return_as" not in str(err):
            raise
        return Parallel(n_jobs=n_jobs)


def _extras_of(fitted: Explainer, X_explain: Any, context: Any) -> dict[str, Explanation]:
    extras = dict(fitted._extra_explanations(context))
    if X_explain is not None:
        extras["local"] = fitted.explain(X_explain)
    return extras


def _one_replicate(
    explainer: Explainer,
    X: np.ndarray,
    y: np.ndarray,
    names: list[str],
    X_eval: np.ndarray | None,
    seed: int,
    scheme: str,
    m: int,
    X_explain: Any = None,
    context: Any = None,
) -> tuple[Explanation, np.ndarray | None, dict[str, Any], dict[str, Explanation]]:
    # fixed thread counts and no nested joblib parallelism: a replicate's floats must not
    # depend on the process or backend it runs in
    with fixed_threads(), sequential_inner_joblib():
        return _replicate_body(explainer, X, y, names, X_eval, seed, scheme, m, X_explain, context)


def _replicate_body(
    explainer: Explainer,
    X: np.ndarray,
    y: np.ndarray,
    names: list[str],
    X_eval: np.ndarray | None,
    seed: int,
    scheme: str,
    m: int,
    X_explain: Any,
    context: Any,
) -> tuple[Explanation, np.ndarray | None, dict[str, Any], dict[str, Explanation]]:
    rng = np.random.RandomState(seed)
    n = X.shape[0]
    targets = y
    if scheme == "bootstrap":
        rows = rng.randint(n, size=n)
    elif scheme == "subsample":
        rows = np.sort(rng.choice(n, size=m, replace=False))
    else:  # null control: every row, the target shuffled, so no feature truly matters
        rows = np.arange(n)
        targets = y[rng.permutation(n)]
    est = clone(explainer)
    changes = explainer._params_for_rows(rows, seed)
    if "random_state" in est.get_params():
        # a fresh seed per replicate, e.g. for the CV folds
        changes["random_state"] = seed
    est.set_params(**changes)
    try:
        check_y(targets[rows], len(rows), task=explainer._task())
        est._fit_checked(X[rows], targets[rows], names)
    except ValueError as err:
        raise ValueError(
            f"a {scheme} replicate (seed {seed}) could not be fit: {err}. "
            "Small or unbalanced data: use scheme='subsample' with a larger fraction, "
            "fewer CV folds, or more data."
        ) from None
    preds = None if X_eval is None else np.asarray(est._predict(X_eval), dtype=float)
    info = {"seed": seed, "n_distinct_rows": int(np.unique(rows).size), **est._replicate_info()}
    return est.explain(), preds, info, _extras_of(est, X_explain, context)
