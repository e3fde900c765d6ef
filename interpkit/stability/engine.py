"""One stability engine for every explainer and scope.

A run draws every replicate's seed up front from one ``random_state``, asks
the explainer for each replicate (``Explainer._replicate``: a resample and
refit for scope ``"rows"``, another seed, background, baseline or noise draw
for the others), explains it and hands the outputs to a collector. Work
goes through joblib, so ``joblib.parallel_config`` moves it to threads,
processes, dask or ray, and every replicate runs under fixed thread counts
(:mod:`interpkit._threads`): results are identical whatever ``n_jobs``, the
backend or the machine load.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr
from joblib import Parallel, delayed
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from interpkit._threads import fixed_threads, sequential_inner_joblib
from interpkit._validation import check_y
from interpkit.explanation import Explanation
from interpkit.stability.collect import MemoryCollector, Record
from interpkit.stability.result import StabilityResult, kendall_tau_matrix
from interpkit.stability.scopes import ALIASES, SCHEMES, data_fingerprint

if TYPE_CHECKING:
    from interpkit.explainer import Explainer
    from interpkit.stability.collect import Collector

__all__ = ["StabilityResult", "keep_reference", "kendall_tau_matrix", "run_stability"]

_INT32 = np.iinfo(np.int32).max
KEEP_LOCAL = ("auto", "all", "summary")
# a list that receives the reference fit of scope "rows", inside keep_reference()
_reference_sink: ContextVar[list | None] = ContextVar("interpkit_reference_sink", default=None)


@contextmanager
def keep_reference() -> Iterator[list]:
    """Collect the explainers that scope ``"rows"`` fits on all rows, in call order.

    The reference fit of a stability run is the explainer fit on all the rows
    given (cloned, seeded when unseeded, fit with one thread); a caller that
    needs that fit too (the CLI's report) takes it from here instead of fitting
    it a second time.

    >>> with keep_reference() as kept:                      # doctest: +SKIP
    ...     result = explainer.stability(X, y, n_boot=20)
    >>> fitted = kept[0]                                     # doctest: +SKIP
    """
    sink: list = []
    token = _reference_sink.set(sink)
    try:
        yield sink
    finally:
        _reference_sink.reset(token)


# keep_local="auto" keeps local explanations in memory up to this many values
MAX_LOCAL_IN_MEMORY = 10**7


def run_stability(
    explainer: Explainer,
    X: Any = None,
    y: Any = None,
    *,
    scope: str = "rows",
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
    checkpoint: Any = None,
    keep_local: str = "auto",
    **options: Any,
) -> StabilityResult:
    """Run a stability analysis; see :meth:`interpkit.Explainer.stability`."""
    from interpkit._user_checks import check_n_jobs, check_seed

    check_seed(random_state)
    check_n_jobs(n_jobs)
    scope = ALIASES.get(scope, scope)
    tags = explainer.__interpkit_tags__()
    if scope not in tags.scopes:
        reason = explainer._scope_refusal(scope)
        if reason:
            raise ValueError(reason)
        raise ValueError(
            f"{type(explainer).__name__} supports scope in {list(tags.scopes)}, got {scope!r}"
        )
    if not (isinstance(n_boot, int | np.integer) and n_boot >= 2):
        raise ValueError(f"n_boot must be an integer >= 2, got {n_boot!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if keep_local not in KEEP_LOCAL:
        raise ValueError(f"keep_local must be one of {KEEP_LOCAL}, got {keep_local!r}")
    # the reference fit and every replicate compute with the same thread counts in any
    # process; threads that joblib's threading backend starts inherit OpenMP's from here
    with fixed_threads():
        rng = check_random_state(random_state)
        seeds = rng.randint(_INT32, size=n_boot)
        if scope == "rows":
            reference, shared = _rows_reference(
                explainer, X, y, rng, scheme, subsample_fraction, tags.sample_weight, n_jobs
            )
            sink = _reference_sink.get()
            if sink is not None:
                sink.append(reference)
        else:
            if scheme != "bootstrap" or subsample_fraction != 0.5:
                raise ValueError("scheme and subsample_fraction apply to scope='rows' only")
            check_is_fitted(explainer)
            reference, shared = explainer, {}
        # the estimator's own joblib calls (e.g. a forest's) run as in a replicate: in sequence
        with sequential_inner_joblib():
            shared.update(reference._stability_setup(scope, X, y, dict(options)))
        n_rep = int(shared.pop("n_replicates", n_boot))
        if n_rep != n_boot:
            seeds = np.resize(seeds, n_rep)
        X_eval_arr, y_eval_arr = _eval_rows(reference, X_eval, y_eval)
        if X_explain is not None:
            reference._check_rows(X_explain)  # fail before any replicate runs
        with sequential_inner_joblib():
            context = reference._stability_context()
        params = {
            "scope": scope,
            "n_boot": n_rep,
            "scheme": scheme if scope == "rows" else scope,
            "subsample_fraction": subsample_fraction if scheme == "subsample" else None,
            "random_state": random_state if isinstance(random_state, int | None) else "RandomState",
        }
        if scope == "rows" and scheme == "bootstrap":
            params["resampling"] = "weights" if shared["weighted"] else "duplicate rows"
        job = _Job(reference, scope, shared, X_eval_arr, X_explain, context)
        lazy = _lazy_names(job, len(seeds), keep_local)
        collector = _collect(job, seeds, n_jobs, progress, checkpoint, params, lazy)
        with sequential_inner_joblib():
            reference_extras = job.extras_of(reference)
            reference_explanation = reference.explain()

    info = pd.DataFrame(collector.infos())
    info.index.name = "replicate"
    kind = params["scheme"]
    extras = {
        name: StabilityResult(
            replicates=collector.stacked(name),
            reference=reference_extras[name],
            predictions=None,
            y_eval=None,
            replicate_info=info,
            scheme=kind,
            level=level,
            params=params,
        )
        for name in reference_extras
    }
    return StabilityResult(
        replicates=collector.stacked(),
        reference=reference_explanation,
        predictions=_prediction_array(collector.predictions(), X_eval, X_eval_arr, reference),
        y_eval=y_eval_arr,
        replicate_info=info,
        scheme=kind,
        level=level,
        params=params,
        extras=extras,
    )


class _Job:
    """Everything one replicate needs, shipped once per task to the worker."""

    def __init__(
        self,
        reference: Explainer,
        scope: str,
        shared: dict[str, Any],
        X_eval: np.ndarray | None,
        X_explain: Any,
        context: Any,
    ) -> None:
        self.reference = reference
        self.scope = scope
        self.shared = shared
        self.X_eval = X_eval
        self.X_explain = X_explain
        self.context = context

    def __sizeof__(self) -> int:
        # its data's bytes: joblib's dask backend scatters an argument over 1 kB once per run
        # (and workers share it) instead of sending it with every task; see docs/clusters.md
        parts = [*self.shared.values(), self.X_eval, self.X_explain]
        return object.__sizeof__(self) + sum(_nbytes(part) for part in parts)

    def extras_of(self, fitted: Explainer) -> dict[str, Explanation]:
        extras = dict(fitted._extra_explanations(self.context))
        if self.X_explain is not None:
            extras["local"] = fitted.explain(self.X_explain)
        return extras

    def __call__(self, index: int, seed: int) -> Record:
        # fixed thread counts and no nested joblib parallelism: a replicate's floats must not
        # depend on the process or backend it runs in
        with fixed_threads(), sequential_inner_joblib():
            est, info = self.reference._replicate(self.scope, seed, index, self.shared)
            preds = None if self.X_eval is None else _eval_predictions(est, self.X_eval)
            info = {**info, **est._replicate_info()}
            return Record(index, est.explain(), preds, info, self.extras_of(est))


def _collect(
    job: _Job,
    seeds: np.ndarray,
    n_jobs: int | None,
    progress: bool | None,
    checkpoint: Any,
    params: dict[str, Any],
    lazy: frozenset,
) -> Collector:
    collector: Collector = MemoryCollector()
    if checkpoint is not None:
        from interpkit.stability.store import open_checkpoint

        collector = open_checkpoint(checkpoint, job, seeds, params, lazy)
    elif lazy:
        from interpkit.stability.store import temporary_store

        collector = temporary_store(len(seeds), lazy)
    todo = [i for i in range(len(seeds)) if i not in collector.done()]
    # the job is an argument, not the callable, so that dask can scatter it (see _Job.__sizeof__)
    tasks = (delayed(_run_job)(job, i, int(seeds[i])) for i in todo)
    # streamed to disk: one record in memory at a time, not a batch of them
    outputs = _parallel(n_jobs, batch_size=1 if lazy else "auto")(tasks)
    if progress is None:
        progress = sys.stderr.isatty()
    if progress:
        from tqdm.auto import tqdm

        name = type(job.reference).__name__
        name += "" if job.scope == "rows" else f", scope={job.scope}"
        outputs = tqdm(outputs, total=len(todo), desc=f"stability ({name})")
    for record in outputs:
        collector.add(record)
    return collector


def _eval_predictions(est: Explainer, X_eval: np.ndarray) -> np.ndarray:
    """A replicate's outputs on ``X_eval``: (n,) or, one per class, (n, K).

    A K-class model whose ``predict`` gives labels is recorded by its class
    probabilities (labels have no interval; with string labels no float).
    """
    preds = np.asarray(est._predict(X_eval))
    classes = getattr(est, "classes_", None)
    if preds.ndim == 1 and classes is not None and len(classes) > 2:
        if hasattr(est, "predict_proba"):
            preds = np.asarray(est.predict_proba(X_eval))
    return np.asarray(preds, float)


def _run_job(job: _Job, index: int, seed: int) -> Record:
    return job(index, seed)


def _nbytes(part: Any) -> int:
    if isinstance(part, np.ndarray):
        return int(part.nbytes)
    if isinstance(part, pd.DataFrame):
        return int(part.memory_usage(index=False).sum())
    if isinstance(part, pd.Series):
        return int(part.memory_usage(index=False))
    return 0


def _parallel(n_jobs: int | None, batch_size: Any = "auto") -> Parallel:
    """joblib's Parallel yielding results as they come (for progress and checkpoints), or
    returning a list where the active backend cannot (ray's)."""
    try:
        return Parallel(n_jobs=n_jobs, return_as="generator", batch_size=batch_size)
    except ValueError as err:
        if "does not support return_as" not in str(err):
            raise
        return Parallel(n_jobs=n_jobs, batch_size=batch_size)


def _lazy_names(job: _Job, n_rep: int, keep_local: str) -> frozenset:
    """``{"local"}`` when local explanations go to disk rather than memory."""
    if job.X_explain is None or keep_local == "all":
        return frozenset()
    if keep_local == "auto":
        # one replicate's local values are about as many as X_explain holds
        n_values = n_rep * int(np.prod(np.shape(job.X_explain)))
        if n_values <= MAX_LOCAL_IN_MEMORY:
            return frozenset()
    return frozenset({"local"})


def _rows_reference(
    explainer: Explainer,
    X: Any,
    y: Any,
    rng: np.random.RandomState,
    scheme: str,
    subsample_fraction: float,
    weighted: bool,
    n_jobs: int | None = None,
) -> tuple[Explainer, dict[str, Any]]:
    """Fit the reference on all rows; the validated data every replicate resamples."""
    from sklearn.base import clone

    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if scheme == "subsample" and not 0 < subsample_fraction < 1:
        raise ValueError(f"subsample_fraction must be in (0, 1), got {subsample_fraction}")
    if X is None:
        raise TypeError("scope='rows' refits on resampled rows: pass the training data X, y")
    explainer = explainer._stability_prototype(X, y)
    reference = clone(explainer)
    if reference.get_params().get("random_state", 0) is None:
        # an unseeded explainer (e.g. its CV folds) is seeded from random_state too,
        # so the whole result is reproducible
        reference.set_params(random_state=int(rng.randint(_INT32)))
    # the same checks as Explainer.fit, done once for the reference and every replicate
    explainer._check_user_params()
    X_arr, names, codec = explainer._encode_fit(X)
    y_arr = check_y(y, X_arr.shape[0], task=explainer._task())
    # the codec only where there is one: adapters' own _fit_checked need not take it
    codec_arg = {"codec": codec} if codec else {}
    parallel = reference._reference_fit_params(n_jobs)
    if parallel:  # the same numbers on n_jobs workers: no core idles during this fit
        before = {k: reference.get_params()[k] for k in parallel}
        reference.set_params(**parallel)
        try:
            reference._fit_checked(X_arr, y_arr, names, **codec_arg)
        finally:
            reference.set_params(**before)
    else:
        with sequential_inner_joblib():  # a forest's own joblib calls: as in every replicate
            reference._fit_checked(X_arr, y_arr, names, **codec_arg)
    n = X_arr.shape[0]
    shared = {
        "X": X_arr,
        "y": y_arr,
        "names": names,
        "data_fingerprint": data_fingerprint(X_arr, y_arr),
        "scheme": scheme,
        "m": n if scheme == "bootstrap" else max(2, int(round(subsample_fraction * n))),
        "weighted": bool(weighted),
        "prototype": explainer,
        "codec": codec,
    }
    return reference, shared


def _eval_rows(
    reference: Explainer, X_eval: Any, y_eval: Any
) -> tuple[np.ndarray | None, np.ndarray | None]:
    X_eval_arr = None if X_eval is None else reference._check_rows(X_eval)
    if y_eval is None:
        return X_eval_arr, None
    if X_eval_arr is None:
        raise ValueError("y_eval given without X_eval")
    y_eval_arr = np.asarray(y_eval).ravel()
    if y_eval_arr.shape[0] != X_eval_arr.shape[0]:
        raise ValueError(
            f"y_eval has {y_eval_arr.shape[0]} values but X_eval has {X_eval_arr.shape[0]} rows"
        )
    return X_eval_arr, y_eval_arr


def _prediction_array(
    predictions: np.ndarray | None,
    X_eval: Any,
    X_eval_arr: np.ndarray | None,
    reference: Explainer,
) -> xr.DataArray | None:
    """Dims ``("replicate", "sample")``, with ``"class"`` for one output per class."""
    if predictions is None or X_eval_arr is None:
        return None
    sample = (
        X_eval.index.to_numpy() if isinstance(X_eval, pd.DataFrame) else np.arange(len(X_eval_arr))
    )
    coords: dict[str, Any] = {"replicate": np.arange(predictions.shape[0]), "sample": sample}
    dims: tuple[str, ...] = ("replicate", "sample")
    if predictions.ndim == 3:  # e.g. one logit per class of a multinomial model
        classes = getattr(reference, "classes_", None)
        if classes is None or len(classes) != predictions.shape[2]:
            classes = np.arange(predictions.shape[2])
        coords["class"] = [str(c) for c in classes]
        dims = (*dims, "class")
    return xr.DataArray(predictions, dims=dims, coords=coords, name="prediction")
