"""Permutation importance with the shuffled copies predicted together, not one call each.

:func:`sklearn.inspection.permutation_importance` calls ``predict`` once per
feature and repeat: 90 calls for 30 features and 3 repeats. For a forest each
call costs a joblib dispatch and a validation per tree, which on a few hundred
held-out rows is most of the time. :func:`permutation_importance` here makes
the same shuffled copies (scikit-learn's permutations: one seed drawn from
``random_state``, the same for every column, each repeat shuffling the
previous repeat's column again), stacks them and predicts them in a few large
calls (at most ``max_bytes`` of copies at a time), then scores each copy with
the metric the estimator's ``score`` uses. The importances equal
scikit-learn's to the last bit (a row's prediction does not depend on the rows
predicted with it); on the CLI's 500 x 30 table the permutation step of a
100-tree forest runs about 8x faster.

It takes this path when scikit-learn's would score with ``estimator.score``
as defined by :class:`~sklearn.base.RegressorMixin` (R²) or
:class:`~sklearn.base.ClassifierMixin` (accuracy) on a numeric array; for any
other ``scoring``, a DataFrame (a pipeline's input) or an estimator with its
own ``score`` it calls scikit-learn's function itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.utils import Bunch, check_random_state

__all__ = ["permutation_importance", "shuffled_scores"]

MAX_BYTES = 64 * 2**20  # shuffled copies predicted in one call


def permutation_importance(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    scoring: Any = None,
    n_repeats: int = 5,
    random_state: Any = None,
    sample_weight: np.ndarray | None = None,
    max_bytes: int = MAX_BYTES,
) -> Bunch:
    """As :func:`sklearn.inspection.permutation_importance`, the copies predicted in batches.

    Parameters
    ----------
    estimator : fitted estimator
    X : array of shape (n_samples, n_features)
    y : array of shape (n_samples,)
    scoring, n_repeats, random_state, sample_weight
        As in scikit-learn.
    max_bytes : int
        At most this many bytes of shuffled copies per ``predict`` call.

    Returns
    -------
    Bunch
        ``importances_mean``, ``importances_std`` (over repeats) and
        ``importances`` (n_features, n_repeats), as scikit-learn's.
    """
    metric = _plain_metric(estimator, X, scoring)
    if metric is None:
        from sklearn.inspection import permutation_importance as sklearn_permutation_importance

        return sklearn_permutation_importance(
            estimator, X, y, scoring=scoring, n_repeats=n_repeats,
            random_state=random_state, sample_weight=sample_weight,
        )  # fmt: skip
    X = np.asarray(X)
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    baseline = metric(y, estimator.predict(X), sample_weight)
    scores = shuffled_scores(
        estimator.predict, X, lambda pred: metric(y, pred, sample_weight), n_repeats, seed,
        max_bytes,
    )  # fmt: skip
    importances = baseline - scores
    return Bunch(
        importances_mean=np.mean(importances, axis=1),
        importances_std=np.std(importances, axis=1),
        importances=importances,
    )


def shuffled_scores(
    predict: Callable,
    X: np.ndarray,
    score: Callable,
    n_repeats: int,
    seed: int,
    max_bytes: int = MAX_BYTES,
) -> np.ndarray:
    """``score(predict(copy))`` of every shuffled copy, shape (n_features, n_repeats, ...).

    The copies are scikit-learn's (``seed`` the one it draws from
    ``random_state``), predicted together in calls of at most ``max_bytes``
    of copies; ``score`` may return a scalar or an array (e.g. one per class).
    """
    n, p = X.shape
    columns = np.empty((p, n_repeats, n), dtype=X.dtype)
    for j in range(p):  # scikit-learn's shuffles, column by column
        rng = check_random_state(seed)
        order = np.arange(n)
        column = X[:, j].copy()
        for r in range(n_repeats):
            rng.shuffle(order)
            column = column[order]
            columns[j, r] = column
    jobs = [(j, r) for j in range(p) for r in range(n_repeats)]
    per_batch = max(1, int(max_bytes) // max(1, X.nbytes))
    scores: dict[tuple[int, int], Any] = {}
    for start in range(0, len(jobs), per_batch):
        batch = jobs[start : start + per_batch]
        copies = np.broadcast_to(X, (len(batch), n, p)).copy()
        for k, (j, r) in enumerate(batch):
            copies[k, :, j] = columns[j, r]
        pred = np.asarray(predict(copies.reshape(-1, p)))
        pred = pred.reshape(len(batch), n, *pred.shape[1:])
        for k, (j, r) in enumerate(batch):
            scores[j, r] = score(pred[k])
    return np.array([[scores[j, r] for r in range(n_repeats)] for j in range(p)], dtype=float)


def _plain_metric(estimator: Any, X: Any, scoring: Any) -> Callable | None:
    """``metric(y, pred, w)`` that ``estimator.score`` applies, or None to use scikit-learn's."""
    from sklearn.base import ClassifierMixin, RegressorMixin

    if scoring is not None or not isinstance(X, np.ndarray) or X.ndim != 2:
        return None
    if X.dtype.kind not in "fiu":
        return None
    score = getattr(type(estimator), "score", None)
    if score is RegressorMixin.score:
        from sklearn.metrics import r2_score

        return lambda y, pred, w: r2_score(y, pred, sample_weight=w)
    if score is ClassifierMixin.score:
        from sklearn.metrics import accuracy_score

        return lambda y, pred, w: accuracy_score(y, pred, sample_weight=w)
    return None
