"""Cross-validation over a whole regularisation path, with R ``cv.glmnet`` semantics.

Each fold is fit once along the full-data lambda sequence; held-out losses
for every lambda come from one matrix product with the fold's coefficient
path, instead of one scoring call per lambda.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from interpkit.adapters.glmnet.multinomial import pointwise_loss as multinomial_loss

MIN_FOLDS = 3
_PROB_CLIP = 1e-5  # as R's cv.glmnet for binomial deviance

LOSSES = {
    "gaussian": ("mse", "mae"),
    "binomial": ("deviance", "class", "mse", "mae"),
    "multinomial": ("deviance", "class", "mse", "mae"),
}


def fold_labels(cv: Any, X: np.ndarray, y: np.ndarray, random_state: Any) -> np.ndarray:
    """Turn ``cv`` (int, splitter or fold labels) into one fold label per row.

    Raises ValueError for fewer than three folds, fewer rows than folds, or
    splitters whose test sets do not partition the rows.
    """
    n = X.shape[0]
    if isinstance(cv, int | np.integer):
        if cv < MIN_FOLDS:
            raise ValueError(f"cv must be at least {MIN_FOLDS} folds, got {cv}")
        if n < cv:
            raise ValueError(f"only {n} rows for {cv}-fold cross-validation; use fewer folds")
        from sklearn.model_selection import KFold  # slow to import; only needed here

        splits: Iterator = KFold(int(cv), shuffle=True, random_state=random_state).split(X)
    elif hasattr(cv, "split"):
        splits = cv.split(X, y)
    else:
        labels = np.asarray(cv)
        if labels.ndim != 1 or labels.shape[0] != n:
            raise ValueError(
                f"cv fold labels must have one entry per row ({n}), got shape {labels.shape}"
            )
        _, labels = np.unique(labels, return_inverse=True)
        if labels.max() + 1 < MIN_FOLDS:
            raise ValueError(f"cv fold labels name {labels.max() + 1} folds; at least 3 are needed")
        return labels
    labels = np.full(n, -1)
    for k, (_, test) in enumerate(splits):
        if np.any(labels[test] >= 0):
            raise ValueError("the cv splitter's test sets overlap; each row must be in one fold")
        labels[test] = k
    if np.any(labels < 0):
        raise ValueError("the cv splitter leaves rows out of every test fold")
    if labels.max() + 1 < MIN_FOLDS:
        raise ValueError(f"the cv splitter gives {labels.max() + 1} folds; at least 3 are needed")
    return labels


def pointwise_loss(y: np.ndarray, link: np.ndarray, family: str, metric: str) -> np.ndarray:
    """Loss of each held-out row at each lambda.

    Parameters
    ----------
    y : array, shape (n,)
        Observed values (0/1 for binomial, class positions for multinomial).
    link : array, shape (n, n_lambda), or (n, n_classes, n_lambda) for multinomial
        Linear predictor along the path.
    """
    if metric not in LOSSES[family]:
        raise ValueError(f"cv_metric for family {family!r} must be one of {LOSSES[family]}")
    if family == "multinomial":
        return multinomial_loss(y, link, metric)
    y = y[:, None]
    if family == "gaussian":
        resid = y - link
        return resid**2 if metric == "mse" else np.abs(resid)
    prob = 1.0 / (1.0 + np.exp(-link))
    if metric == "class":
        return ((prob > 0.5) != (y > 0.5)).astype(float)
    if metric == "mse":
        return (y - prob) ** 2
    if metric == "mae":
        return np.abs(y - prob)
    prob = np.clip(prob, _PROB_CLIP, 1 - _PROB_CLIP)
    return -2.0 * (y * np.log(prob) + (1 - y) * np.log(1 - prob))


def summarise_folds(
    fold_errors: np.ndarray, fold_sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean CV error and its standard error per lambda (``cv.glmnet``, grouped).

    ``cvm`` is the fold-size weighted mean of the fold errors and
    ``cvsd = sqrt(weighted mean of (fold error - cvm)^2 / (K - 1))``.
    """
    w = fold_sizes / fold_sizes.sum()
    cvm = w @ fold_errors
    cvsd = np.sqrt((w @ (fold_errors - cvm) ** 2) / (len(fold_sizes) - 1))
    return cvm, cvsd


def choose_lambdas(lambdas: np.ndarray, cvm: np.ndarray, cvsd: np.ndarray) -> tuple[float, float]:
    """``(lambda_min, lambda_1se)`` exactly as R's ``getOptcv.glmnet``.

    lambda_min is the largest lambda attaining the minimum mean error;
    lambda_1se the largest lambda whose mean error is within one standard
    error of that minimum.
    """
    cvmin = np.nanmin(cvm)
    lambda_min = np.max(lambdas[cvm <= cvmin])
    i_min = int(np.flatnonzero(lambdas == lambda_min)[0])
    lambda_1se = np.max(lambdas[cvm <= cvm[i_min] + cvsd[i_min]])
    return float(lambda_min), float(lambda_1se)


def interpolate_path(
    lambdas: np.ndarray, coef_path: np.ndarray, intercept_path: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients at each value of ``s`` by linear interpolation in lambda.

    As R's ``lambda.interp`` (used by ``coef(fit, s)`` and by ``cv.glmnet``
    to read fold paths): ``lambdas`` is decreasing, and values of ``s``
    outside the path take the nearest end. Lambda is the last axis of both
    paths (``(n_features, n_classes, n_lambda)`` for multinomial).

    Returns
    -------
    coef : ndarray, shape (n_features, len(s)) (or ``(n_features, n_classes, len(s))``)
    intercept : ndarray, shape (len(s),) (or ``(n_classes, len(s))``)
    """
    s = np.clip(np.asarray(s, dtype=np.float64), lambdas[-1], lambdas[0])
    if lambdas.size == 1:
        return np.repeat(coef_path, s.size, axis=-1), np.repeat(intercept_path, s.size, axis=-1)
    # index of the first lambda <= s, so that lambdas[right - 1] > s >= lambdas[right]
    right = np.clip(np.searchsorted(-lambdas, -s, side="left"), 1, lambdas.size - 1)
    left = right - 1
    frac = (lambdas[left] - s) / (lambdas[left] - lambdas[right])
    coef = coef_path[..., left] * (1 - frac) + coef_path[..., right] * frac
    icpt = intercept_path[..., left] * (1 - frac) + intercept_path[..., right] * frac
    return coef, icpt


def ordered_matmul(X: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``X @ B`` summed feature by feature in a fixed order.

    BLAS and SIMD reductions may round differently with the thread count or
    the memory alignment of a worker's copy of ``X``; elementwise updates do
    not, so CV errors and predictions are bit-identical for any ``n_jobs``.
    """
    out = np.zeros((X.shape[0], *B.shape[1:]))
    for j in range(X.shape[1]):
        out += np.multiply.outer(X[:, j], B[j])
    return out
