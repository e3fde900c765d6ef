"""Importance is not indispensability: drop the top features, refit, compare.

Efron (2020, "Prediction, estimation, and attribution") ranked the genes of
a microarray study by random-forest importance, removed the top ones, refit
the forest, and lost almost no accuracy: other, correlated genes took over.
:func:`drop_and_refit` runs that experiment for any interpkit explainer with
a global importance or coefficient (dims ``("feature",)``).

Protocol
--------
1. Fit the explainer on all rows and rank features by ``|global value|``.
2. Drop the top ``k``; fit a clone on the remaining features (its own
   tuning, e.g. ``param_grid`` or lambda by CV, runs again) and record the
   importances before and after.
3. Score both models by K-fold cross-validation on the same folds: every
   fold refits (and re-tunes) the full and the trimmed model on the other
   folds and predicts the held-out one. RMSE (regression) or log-loss and
   accuracy (classification) are computed on all out-of-fold predictions
   pooled; the per-fold values give their spread.

The dropped set is chosen once on all rows, as in Efron's experiment; it is
not re-selected inside each fold. That favours the full model slightly if
anything, so a small relative change is not an artefact of the protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from interpkit._validation import check_X, check_y, feature_names_of

__all__ = ["DropRefitResult", "drop_and_refit"]

_EPS = 1e-15


@dataclass(frozen=True, eq=False)
class DropRefitResult:
    """What :func:`drop_and_refit` found.

    Attributes
    ----------
    task : {"regression", "classification"}
    metric : {"rmse", "log_loss"}
        The main metric (lower is better).
    dropped : list of str
        The ``k`` top features, most important first.
    kept : list of str
        The other features, in the original column order.
    scores : pandas.DataFrame
        Index ``["full", "trimmed"]``; columns ``n_features``, the metric(s)
        on the pooled out-of-fold predictions (``rmse``, or ``log_loss`` and
        ``accuracy``) and their SD over folds (``*_fold_sd``).
    fold_scores : pandas.DataFrame
        Long table: ``model``, ``fold``, ``metric``, ``value``.
    relative_change : float
        ``(metric_trimmed - metric_full) / metric_full``.
    importance_before : pandas.Series
        Global value of every feature, full model fit on all rows.
    importance_after : pandas.Series
        Global value of every kept feature, trimmed model fit on all rows.
    takeover : pandas.DataFrame
        Kept features sorted by ``change`` (largest rise first), columns
        ``before``, ``after``, ``change`` (of ``|value|``), ``rank_before``
        (among all features), ``rank_after`` (among the kept).
    method : str
        The explanation's method (e.g. ``"permutation_importance"``).
    value_name : str
        What the values are (``"importance"``, ``"coefficient"``).
    full_model, trimmed_model : Explainer
        The explainer fit on all rows with all / with the kept features
        (their tuned hyperparameters, e.g. ``best_params_``, are there).
    params : dict
        ``k``, ``cv``, ``random_state``, ``n_samples``, ``n_features``.
    """

    task: str
    metric: str
    dropped: list[str]
    kept: list[str]
    scores: pd.DataFrame
    fold_scores: pd.DataFrame
    relative_change: float
    importance_before: pd.Series
    importance_after: pd.Series
    takeover: pd.DataFrame
    method: str
    value_name: str
    full_model: Any = field(repr=False, default=None)
    trimmed_model: Any = field(repr=False, default=None)
    params: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Full vs trimmed: ``scores`` plus a ``relative_change`` column (0 for full)."""
        table = self.scores.copy()
        base = table.loc["full", self.metric]
        table["relative_change"] = (table[self.metric] - base) / base
        return table

    def _repr_html_(self) -> str:
        fmt = lambda v: f"{v:.4g}"  # noqa: E731
        head = (
            f"<b>interpkit drop-and-refit</b> &mdash; <code>{self.method}</code>, "
            f"dropped the top {len(self.dropped)} of {len(self.dropped) + len(self.kept)} "
            f"features: {', '.join(self.dropped)}<br>"
            f"relative change in {self.metric}: {self.relative_change:+.1%} "
            f"({self.params.get('cv')}-fold CV)"
        )
        return (
            f"<div>{head}</div>{self.summary().to_html(float_format=fmt)}"
            f"<div>features that took over</div>{self.takeover.head(10).to_html(float_format=fmt)}"
        )

    def __repr__(self) -> str:
        return (
            f"<interpkit.DropRefitResult {self.method!r}: dropped {len(self.dropped)}, "
            f"{self.metric} {self.scores.loc['full', self.metric]:.4g} -> "
            f"{self.scores.loc['trimmed', self.metric]:.4g} ({self.relative_change:+.1%})>"
        )


def drop_and_refit(
    explainer: Any,
    X: Any,
    y: Any,
    k: int = 10,
    cv: int = 5,
    random_state: int | None = None,
) -> DropRefitResult:
    """Drop the ``k`` most important features, refit, and compare CV accuracy.

    Parameters
    ----------
    explainer : interpkit Explainer
        Unfitted or fitted; clones are fit. Its ``explain()`` must give dims
        ``("feature",)`` (importances, coefficients). Classifiers need
        ``predict_proba`` and ``classes_`` (ImportanceExplainer, the binomial
        LassoExplainer).
    X : DataFrame or array, shape (n_samples, n_features)
    y : array-like, shape (n_samples,)
    k : int, default 10
        Features to drop; ``1 <= k < n_features``.
    cv : int, default 5
        Outer folds for scoring the full and trimmed models (stratified for
        classifiers). Any tuning inside the explainer uses its own ``cv``.
    random_state : int, optional
        Seeds the outer folds.

    Returns
    -------
    DropRefitResult

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> rf = ImportanceExplainer(RandomForestRegressor(), method="permutation",
    ...                          param_grid={"max_features": [0.1, 0.3, 0.6]})
    >>> res = drop_and_refit(rf, X, y, k=10, cv=5, random_state=0)  # doctest: +SKIP
    >>> res.relative_change, res.takeover.head()                    # doctest: +SKIP
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    from interpkit.explainer import Explainer

    if not isinstance(explainer, Explainer):
        raise TypeError(
            f"drop_and_refit() takes an interpkit explainer (e.g. ImportanceExplainer), "
            f"got {type(explainer).__name__}"
        )
    X_arr = check_X(X, allow_constant=False)
    n, p = X_arr.shape
    names = feature_names_of(X, p)
    task = "classification" if explainer._task() in ("binary", "classification") else "regression"
    y_arr = check_y(y, n, task=explainer._task())
    _check_k(k, n, p)
    if not (isinstance(cv, int | np.integer) and 2 <= cv <= n):
        raise ValueError(f"cv must be an integer from 2 to the number of rows ({n}), got {cv!r}")
    if task == "classification" and np.unique(y_arr, return_counts=True)[1].min() < cv:
        raise ValueError(f"a class has fewer than cv={cv} rows; use fewer folds")
    frame = pd.DataFrame(X_arr, columns=names)

    full = clone(explainer).fit(frame, y_arr)
    before_expl = full.explain()
    if before_expl.dims != ("feature",):
        raise ValueError(
            f"drop_and_refit() needs an explainer whose explain() has dims ('feature',), "
            f"{type(explainer).__name__} gives {before_expl.dims}"
        )
    before = pd.Series(before_expl.to_numpy(), index=names, name="before")
    order = np.argsort(-np.abs(before.to_numpy()), kind="stable")
    dropped = [names[j] for j in order[:k]]
    kept = [f for f in names if f not in set(dropped)]
    trimmed = clone(explainer).fit(frame[kept], y_arr)
    after = pd.Series(trimmed.explain().to_numpy(), index=kept, name="after")

    if task == "classification":
        splitter = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    else:
        splitter = KFold(n_splits=cv, shuffle=True, random_state=random_state)
    oof = {"full": [None] * n, "trimmed": [None] * n}
    fold_of = np.empty(n, dtype=int)
    for fold, (train, test) in enumerate(splitter.split(X_arr, y_arr)):
        fold_of[test] = fold
        for model, cols in (("full", names), ("trimmed", kept)):
            fitted = clone(explainer).fit(frame.iloc[train][cols], y_arr[train])
            pred = _predictions(fitted, frame.iloc[test][cols], task)
            for i, row in enumerate(test):
                oof[model][row] = pred[i]
    scores, fold_scores = _score(oof, y_arr, fold_of, task, full)
    metric = "rmse" if task == "regression" else "log_loss"
    rel = float(
        (scores.loc["trimmed", metric] - scores.loc["full", metric]) / scores.loc["full", metric]
    )
    scores.insert(0, "n_features", [p, p - k])
    return DropRefitResult(
        task=task,
        metric=metric,
        dropped=dropped,
        kept=kept,
        scores=scores,
        fold_scores=fold_scores,
        relative_change=rel,
        importance_before=before,
        importance_after=after,
        takeover=_takeover(before, after),
        method=before_expl.method,
        value_name=str(before_expl.values.name or "value"),
        full_model=full,
        trimmed_model=trimmed,
        params={
            "k": int(k),
            "cv": int(cv),
            "random_state": random_state,
            "n_samples": n,
            "n_features": p,
        },
    )


def _check_k(k: Any, n: int, p: int) -> None:
    if not isinstance(k, int | np.integer) or isinstance(k, bool):
        raise TypeError(f"k must be an integer number of features to drop, got {k!r}")
    if k < 1:
        raise ValueError(f"k must be at least 1 (features to drop), got {k}")
    if k >= p:
        extra = f" (with p = {p} features and only n = {n} rows)" if p > n else ""
        raise ValueError(
            f"k = {k} would drop every feature{extra}: k must be smaller than the number "
            f"of features, {p}, so that a trimmed model is left to refit"
        )


def _predictions(fitted: Any, X: pd.DataFrame, task: str) -> np.ndarray:
    """Regression: predictions, shape (n,). Classification: probabilities, shape (n, K)."""
    if task == "regression":
        return np.asarray(fitted.predict(X), dtype=np.float64)
    if not hasattr(fitted, "predict_proba") or not hasattr(fitted, "classes_"):
        raise TypeError(
            f"{type(fitted).__name__} gives no class probabilities (predict_proba), "
            "which drop_and_refit needs to score a classifier by log-loss"
        )
    proba = np.asarray(fitted.predict_proba(X), dtype=np.float64)
    if proba.ndim == 1:  # probability of classes_[1]
        proba = np.column_stack([1.0 - proba, proba])
    return proba


def _score(
    oof: dict[str, list], y: np.ndarray, fold_of: np.ndarray, task: str, full: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, long = {}, []
    if task == "classification":
        classes = np.asarray(full.classes_)
        codes = np.searchsorted(classes, y)
    for model, preds in oof.items():
        if task == "regression":
            err = (np.asarray(preds, dtype=np.float64) - y) ** 2
            per_row = {"rmse": err}
            pooled = {"rmse": float(np.sqrt(err.mean()))}
            fold_value = {"rmse": lambda e: float(np.sqrt(e.mean()))}
        else:
            proba = np.clip(np.vstack(preds), _EPS, 1.0)
            proba /= proba.sum(axis=1, keepdims=True)
            loss = -np.log(proba[np.arange(len(y)), codes])
            hit = (np.argmax(proba, axis=1) == codes).astype(np.float64)
            per_row = {"log_loss": loss, "accuracy": hit}
            pooled = {"log_loss": float(loss.mean()), "accuracy": float(hit.mean())}
            fold_value = {"log_loss": np.mean, "accuracy": np.mean}
        row = dict(pooled)
        for metric, values in per_row.items():
            per_fold = [float(fold_value[metric](values[fold_of == f])) for f in np.unique(fold_of)]
            row[f"{metric}_fold_sd"] = float(np.std(per_fold, ddof=1))
            long += [
                {"model": model, "fold": f, "metric": metric, "value": v}
                for f, v in enumerate(per_fold)
            ]
        rows[model] = row
    scores = pd.DataFrame.from_dict(rows, orient="index")
    scores.index.name = "model"
    return scores, pd.DataFrame(long)


def _takeover(before: pd.Series, after: pd.Series) -> pd.DataFrame:
    rank_before = before.abs().rank(ascending=False, method="min")
    rank_after = after.abs().rank(ascending=False, method="min")
    table = pd.DataFrame(
        {
            "before": before.reindex(after.index),
            "after": after,
            "change": after.abs() - before.reindex(after.index).abs(),
            "rank_before": rank_before.reindex(after.index).astype(int),
            "rank_after": rank_after.astype(int),
        }
    )
    table.index.name = "feature"
    return table.sort_values("change", ascending=False, kind="stable")
