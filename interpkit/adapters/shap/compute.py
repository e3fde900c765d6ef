"""Run one shap algorithm on validated arrays: ``(phi, base)`` for some rows.

shap's stochastic parts (KernelSHAP's coalition sampling, the permutation
explainer, the correlation-dependent linear transforms) draw from numpy's
global random state; :func:`_seeded` sets it for the call and restores it
afterwards, so a seed gives the same numbers on any worker.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from interpkit._optional import import_backend


@dataclass(frozen=True)
class ShapSetup:
    """Everything one shap call needs (built by ShapExplainer.fit)."""

    algorithm: str
    model: Any
    f: Callable[[np.ndarray], np.ndarray]
    output: str
    feature_perturbation: str
    nsamples: int | str
    tree_output: str | None = None
    linear: tuple[np.ndarray, Any] | None = None
    n_outputs: int = 1  # K: the per-class probabilities of a multiclass model
    names: tuple[str, ...] = ()
    view: Any = None  # a pipeline ending in a tree model (interpkit.adapters.shap.pipeline)


@contextlib.contextmanager
def _seeded(seed: int | None) -> Iterator[None]:
    state = np.random.get_state()  # noqa: NPY002 - shap draws from the global state
    np.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def kernel_nsamples(nsamples: int | str, n_features: int) -> int:
    """KernelSHAP's sample count; shap's own default for ``"auto"``."""
    if nsamples == "auto":
        return 2 * n_features + 2048
    if not isinstance(nsamples, int | np.integer) or isinstance(nsamples, bool):
        raise ValueError(f"nsamples must be an int or 'auto', got {nsamples!r}")
    if nsamples < n_features + 2:
        raise ValueError(
            f"KernelSHAP needs nsamples >= number of features + 2 = {n_features + 2} to solve "
            f"its weighted regression, got nsamples={nsamples}"
        )
    return int(nsamples)


def shap_values(
    setup: ShapSetup,
    X: np.ndarray,
    background: np.ndarray,
    weights: np.ndarray | None,
    seed: int | None,
    info: dict[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """SHAP values ``phi`` (n, p) and base values (n,) of ``X`` against ``background``.

    With ``setup.n_outputs = K > 1`` (a multiclass model): ``phi`` (n, p, K)
    and base values (n, K), the last axis in ``classes_`` order.

    ``info``, when given, receives ``"float32_slack"`` for TreeSHAP: the bound
    on the additivity residual left by shap's float32 leaf values.
    """
    shap = import_backend("shap", "ShapExplainer")
    n, p = X.shape
    algo = setup.algorithm
    with _seeded(seed), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*feature names.*")
        if algo == "linear" and setup.n_outputs > 1:  # one linear model per class margin
            coef, intercept = setup.linear
            parts = [
                _linear(shap, replace(setup, linear=(c, float(b))), X, background, weights)
                for c, b in zip(coef, intercept, strict=True)
            ]
            phi = np.stack([part[0] for part in parts], axis=2)
            base = np.stack([part[1] for part in parts], axis=1)
        elif algo == "linear":
            phi, base = _linear(shap, setup, X, background, weights)
        elif algo == "tree":
            from interpkit.adapters.shap.tree_exact import interventional_tree_shap

            # exact branch decisions inside shap's float32 kernel (see tree_exact)
            view = setup.view
            if view is None:
                phi, base, slack = interventional_tree_shap(
                    shap, setup.model, X, background, setup.tree_output
                )
            else:  # the last step on the transformed rows, summed back to the user's columns
                phi, base, slack = interventional_tree_shap(
                    shap,
                    view.model,
                    view.transform(X),
                    view.transform(background),
                    setup.tree_output,
                )
                if view.origins is not None:
                    from interpkit._pipelines import sum_to_original

                    phi = sum_to_original(phi, view.origins, setup.names, axis=1)
            if info is not None:
                info["float32_slack"] = slack
            # the base value is E[f] over the background, from the model itself: shap's own
            # (its tree copy's mean) misses XGBoost's per-class base scores and CatBoost's
            # regression bias (measured: 0.02 and 1.5)
            base = np.atleast_1d(np.asarray(setup.f(background), dtype=np.float64).mean(axis=0))
            if setup.n_outputs > 1:
                base = np.broadcast_to(base, (n, setup.n_outputs))
            else:
                if phi.ndim == 3:  # (n, p, classes): the positive class
                    phi, base = phi[:, :, -1], base[-1:]
                base = np.broadcast_to(base[-1], (n,))
        elif algo == "kernel":
            k = kernel_nsamples(setup.nsamples, p)
            data = background
            if weights is not None:
                from shap.utils._legacy import DenseData

                data = DenseData(background, [f"x{j}" for j in range(p)], None, weights.copy())
            ex = shap.KernelExplainer(setup.f, data)
            phi = np.asarray(ex.shap_values(X, nsamples=k, l1_reg=False, silent=True))
            if setup.n_outputs > 1:
                phi = phi.reshape(n, p, setup.n_outputs)
                base = np.broadcast_to(np.ravel(ex.expected_value), (n, setup.n_outputs))
            else:
                phi = phi.reshape(n, p)
                base = np.broadcast_to(float(np.ravel(ex.expected_value)[0]), (n,))
        elif algo in ("permutation", "exact"):
            masker = shap.maskers.Independent(background, max_samples=background.shape[0])
            if algo == "permutation":
                ex = shap.PermutationExplainer(setup.f, masker, seed=seed)
                evals = 10 * p + 1 if setup.nsamples == "auto" else int(setup.nsamples)
                if evals < 2 * p + 1:
                    raise ValueError(
                        f"the permutation explainer needs nsamples >= 2 * features + 1 = "
                        f"{2 * p + 1}, got {evals}"
                    )
                out = ex(X, max_evals=evals, silent=True)
            else:
                ex = shap.ExactExplainer(setup.f, masker)
                out = ex(X, silent=True)
            phi = np.asarray(out.values, dtype=np.float64)
            base = np.asarray(out.base_values, dtype=np.float64)
            base = base.reshape(n, setup.n_outputs) if setup.n_outputs > 1 else base.ravel()
        else:  # pragma: no cover - validated before
            raise ValueError(f"unknown algorithm {algo!r}")
    return np.ascontiguousarray(phi, dtype=np.float64), np.array(base, dtype=np.float64)


def _linear(
    shap: Any,
    setup: ShapSetup,
    X: np.ndarray,
    background: np.ndarray,
    weights: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    coef, intercept = setup.linear
    w = None if weights is None else weights / weights.sum()
    mean = np.average(background, axis=0, weights=w)
    if setup.feature_perturbation == "interventional":
        masker = shap.maskers.Independent({"mean": mean, "cov": None})
        ex = shap.LinearExplainer((coef, intercept), masker)
    else:
        if background.shape[0] < 2:
            raise ValueError(
                "feature_perturbation='correlation_dependent' estimates the features' "
                "covariance from the background, which has a single row; use a background "
                "of many rows (an int sample size or the data)"
            )
        cov = np.atleast_2d(np.cov(background, rowvar=False, aweights=w))
        masker = shap.maskers.Impute({"mean": mean, "cov": cov}, method="linear")
        # shap draws feature orders to estimate its transforms, with a progress bar
        with contextlib.redirect_stderr(io.StringIO()):
            ex = shap.LinearExplainer(
                (coef, intercept),
                masker,
                nsamples=1000 if setup.nsamples == "auto" else int(setup.nsamples),
            )
    phi = np.asarray(ex.shap_values(X), dtype=np.float64).reshape(X.shape)
    base = np.broadcast_to(float(np.ravel(ex.expected_value)[0]), (X.shape[0],))
    return phi, base
