"""Forest-only importances: MDI+ through imodels, and out-of-bag permutation.

MDI+ (Agarwal et al., 2023) through imodels' RandomForestPlus.

MDI+ refits, for every tree of a fitted forest, a regularised linear model on
the tree's split indicators ("decision stumps") plus the raw features, and
scores feature ``j`` by how well the partial model that keeps only ``j``'s
block predicts ``y`` (leave-one-out, which removes MDI's bias towards
features with many split points). For regression it is imodels' default:
ridge with R^2. Two habits of imodels 3.0.4 are handled here: ``fit``
returns None, and it imports ``six`` without declaring it (the ``mdiplus``
extra installs it).

For classification interpkit does not use imodels' default (a logistic
partial model scored by negative log-loss): in our checks on simulated data
its clipped, overconfident LOO probabilities ranked pure-noise features
*above* the signal, and it was ~30x slower. Instead the partial model is
ridge on the one-hot labels (imodels' ``RidgeClassifierPPM``), scored by
R^2 of the one-hot labels averaged over classes (a Brier skill score), so a
useless feature scores about 0 as in regression.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from interpkit._optional import import_backend
from interpkit.adapters.sklearn.tuning import copy_groups

__all__ = ["FOREST_TYPES", "check_forest", "fit_mdi_plus", "oob_permutation"]

FOREST_TYPES = (
    "RandomForestRegressor",
    "RandomForestClassifier",
    "ExtraTreesRegressor",
    "ExtraTreesClassifier",
)


def check_forest(estimator: Any) -> None:
    """ValueError unless ``estimator`` is a scikit-learn random forest / extra trees."""
    name = type(estimator).__name__
    if name not in FOREST_TYPES:
        raise ValueError(
            f"method='mdi_plus' needs a random forest (one of {FOREST_TYPES}), "
            f"got {name}; pipelines and other models: use method='permutation'"
        )


def _one_hot_r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """R^2 of one-hot labels against predicted class scores, averaged over classes."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_pred.ndim == 1:
        y_pred = np.column_stack([1.0 - y_pred, y_pred])
    if y_true.ndim == 1:
        y_true = (y_true[:, None] == np.arange(y_pred.shape[1])).astype(np.float64)
    resid = ((y_true - y_pred) ** 2).sum(axis=0)
    total = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    return float(np.mean(1.0 - resid / total))


def fit_mdi_plus(forest: Any, X: np.ndarray, y: np.ndarray, classifier: bool) -> tuple[Any, Any]:
    """Fit RF+ around ``forest`` (unfitted, fit in place) and return (model, scores).

    ``y`` of a classifier must already be encoded as 0..K-1.

    Returns
    -------
    model : imodels RandomForestPlusRegressor or RandomForestPlusClassifier, fitted.
    scores : ndarray, shape (n_features,)
        MDI+ importance per feature (R^2-type; about 0 for a useless feature).
    """
    import_backend("imodels", "ImportanceExplainer(method='mdi_plus')")
    from imodels.importance import (
        RandomForestPlusClassifier,
        RandomForestPlusRegressor,
        RidgeClassifierPPM,
    )

    with warnings.catch_warnings():
        # imodels 3.0.4 trips pandas/scikit-learn deprecation warnings on every tree
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        if classifier:
            ppm = RidgeClassifierPPM()
            model = RandomForestPlusClassifier(rf_model=forest, prediction_model=ppm)
            scoring = {"importance": _one_hot_r2}
        else:
            model = RandomForestPlusRegressor(rf_model=forest)
            scoring = "auto"
        returned = model.fit(X, y)
        model = model if returned is None else returned  # imodels' fit returns None
        if not model.estimators_:
            raise ValueError(
                "MDI+ needs at least one tree with a split; every tree of the forest is a "
                "single leaf (too few rows, or min_samples_leaf too large)"
            )
        table = model.get_mdi_plus_scores(X, y, scoring_fns=scoring)
    if "var" in table and np.issubdtype(table["var"].dtype, np.integer):
        table = table.sort_values("var")  # rows in feature order
    scores = np.asarray(table["importance"], dtype=np.float64)
    if scores.shape != (X.shape[1],):
        raise RuntimeError(f"imodels returned {scores.shape} MDI+ scores for {X.shape[1]} features")
    return model, scores


def oob_permutation(
    forest: Any,
    X: np.ndarray,
    codes: np.ndarray,
    scoring: Any,
    n_repeats: int,
    random_state: Any,
    per_class: bool = False,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Breiman's permutation importance: each tree on its out-of-bag rows.

    For every tree, :func:`sklearn.inspection.permutation_importance` on the
    rows outside its bootstrap sample (a row with a copy in the sample counts
    as in-bag), with a seed per tree drawn from ``random_state``. With
    ``per_class`` (classifiers), Breiman's per-class version, as in R's
    ``randomForest``: the drop in each class's accuracy on its own
    out-of-bag rows (its recall), with the permutations of the overall score,
    so per tree the classes' drops weighted by their share of the
    out-of-bag rows add up to the drop in accuracy.

    Parameters
    ----------
    forest : fitted bagged forest (``bootstrap=True``).
    X : ndarray, shape (n_samples, n_features)
        The rows the forest was fit on.
    codes : ndarray, shape (n_samples,)
        Targets as the trees saw them (class codes 0..K-1 for classifiers).

    Returns
    -------
    mean, std : ndarray, shape (n_features,), or (n_features, n_classes) with ``per_class``
        Over all (tree, repeat) pairs of the drop in score.
    tree_score : float
        Mean score of the trees on their out-of-bag rows.
    """
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import check_scoring
    from sklearn.utils import check_random_state

    groups = copy_groups(X)
    seeds = check_random_state(random_state).randint(
        np.iinfo(np.int32).max, size=len(forest.estimators_)
    )
    drops, scores = [], []
    trees = zip(forest.estimators_, forest.estimators_samples_, seeds, strict=True)
    for tree, inbag, seed in trees:
        oob = ~np.isin(groups, groups[inbag])
        if oob.sum() < 2:
            continue
        scorer = _class_recalls(len(forest.classes_)) if per_class else scoring
        result = permutation_importance(
            tree, X[oob], codes[oob], scoring=scorer, n_repeats=n_repeats, random_state=int(seed)
        )
        if per_class:  # one result per class: (n_features, n_repeats, n_classes)
            drops.append(np.stack([result[k].importances for k in sorted(result)], axis=-1))
        else:
            drops.append(result.importances)
        scores.append(check_scoring(tree, scoring=scoring)(tree, X[oob], codes[oob]))
    if not drops:
        raise ValueError("no tree has two or more out-of-bag rows; use more data")
    drops = np.concatenate(drops, axis=1)  # (n_features, n_trees * n_repeats[, n_classes])
    return drops.mean(axis=1), drops.std(axis=1), float(np.mean(scores))


def _class_recalls(n_classes: int) -> Any:
    """A scorer of each class code's accuracy on its own rows (0 without rows), one
    ``predict`` per shuffled copy; zero-padded names, so sorted() gives class order."""

    def score(est: Any, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
        pred = est.predict(X)
        out = {}
        for k in range(n_classes):
            rows = y == k
            out[f"class_{k:04d}"] = float(np.mean(pred[rows] == k)) if rows.any() else 0.0
        return out

    return score
