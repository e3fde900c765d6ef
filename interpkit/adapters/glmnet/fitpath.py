"""One glmnet path fit through python-glmnet, for every family.

Arrays come back feature axis first, lambda last: coefficients ``(p, L)``
(``(p, K, L)`` for multinomial), intercepts ``(L,)`` (``(K, L)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpkit._optional import import_backend
from interpkit.adapters.glmnet import multinomial as _mn

__all__ = ["fit_path"]


def fit_path(
    explainer: Any,
    X: np.ndarray,
    y: np.ndarray,
    lambdas: np.ndarray | None,
    w: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One glmnet path fit with ``explainer``'s parameters: (lambdas, coef, intercept).

    ``y`` is the response (0/1 for binomial, class positions for
    multinomial); ``lambdas`` a user sequence (decreasing) or None for
    glmnet's automatic one.
    """
    glmnet = import_backend("glmnet", type(explainer).__name__)
    ratio = explainer.min_lambda_ratio
    if ratio is None:
        ratio = 1e-2 if _n_observations(X, w) < X.shape[1] else 1e-4
    cls = glmnet.ElasticNet if explainer.family == "gaussian" else glmnet.LogitNet
    model = cls(
        alpha=explainer.alpha,
        n_lambda=explainer.n_lambda,
        min_lambda_ratio=ratio,
        lambda_path=lambdas,
        standardize=explainer.standardize,
        n_splits=0,
        tol=explainer.tol,
        max_iter=explainer.max_iter,
    )
    # X and y passed interpkit's checks already; python-glmnet's public fit()
    # would re-validate them with scikit-learn on every fold, which costs
    # about twice the Fortran path fit itself (see benchmarks/).
    weights = np.ones(X.shape[0]) if w is None else w
    model._fit(X, y, weights, None)  # raises on glmnet's error flags
    coef = np.asarray(model.coef_path_, dtype=np.float64)
    icpt = np.asarray(model.intercept_path_, dtype=np.float64)
    if explainer.family == "binomial":  # (1, p, L) and (1, L) for two classes
        coef, icpt = coef[0], icpt[0]
    elif explainer.family == "multinomial":  # (p, K, L) and (K, L), intercepts centred
        coef, icpt = _mn.path_arrays(model)
    n_fit = coef.shape[-1]
    if lambdas is None:
        return np.asarray(model.lambda_path_, dtype=np.float64), coef, icpt
    if n_fit < lambdas.size:
        # glmnet stopped early (saturated fit): smaller lambdas keep the last solution
        pad = lambdas.size - n_fit
        coef = np.concatenate([coef, np.repeat(coef[..., -1:], pad, axis=-1)], axis=-1)
        icpt = np.concatenate([icpt, np.repeat(icpt[..., -1:], pad, axis=-1)], axis=-1)
    # python-glmnet overwrites the first user lambda in lambda_path_; keep ours
    return lambdas, coef, icpt


def _n_observations(X: np.ndarray, w: np.ndarray | None) -> float:
    """Rows for R's default ``lambda.min.ratio`` rule (fewer rows than features).

    Whole-number weights are counts, so a row weighted 3 counts three times,
    as its three copies would; other weights leave the number of rows.
    """
    if w is not None and np.all(w == np.round(w)):
        return float(w.sum())
    return float(X.shape[0])
