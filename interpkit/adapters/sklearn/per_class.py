"""Per-class importances of K-class classifiers: permutation and MDI on a ``"class"`` dim.

Permutation importance per class
    Each class ``k`` is scored *one-vs-rest* by the binary log-loss of its
    own probability column, ``L_k = -mean(1{y=k} log p_k + 1{y!=k}
    log(1 - p_k))`` on the held-out rows (probabilities clipped to
    ``[eps, 1 - eps]`` as scikit-learn's ``log_loss``). The importance of
    feature ``j`` for class ``k`` is how much ``L_k`` grows when ``j`` is
    shuffled: "how much does ``j`` help tell class ``k`` from the others".
    All rows count for every class (not only the rows of class ``k``), so a
    feature that raises ``p_k`` on rows of other classes counts too. The
    shuffles are scikit-learn's (``permutation_importance`` with the same
    ``random_state`` draws the same permutations), and one
    ``predict_proba`` call per shuffle scores all K classes.

MDI per class
    Trees grown with the Gini or entropy criterion split on an impurity that
    is a sum over classes, ``sum_k p_k (1 - p_k)`` or ``-sum_k p_k log2
    p_k``; each class's term is concave, so every split lowers each term,
    and the decrease of class ``k``'s term is that split's share for ``k``.
    Summed over classes, the per-class MDI equals scikit-learn's
    ``feature_importances_`` exactly (same normalisation). A multiclass
    gradient boosting model grows one regression tree per class and stage;
    there the per-class MDI is the importance of class ``k``'s trees.

:func:`interpkit.classes.aggregate_classes` gives the mean of ``|value|``
over classes; permutation values may be negative (a shuffle that happens to
help), MDI values are not.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils import Bunch, check_random_state

__all__ = [
    "MDI_PER_CLASS_TYPES",
    "class_arrays",
    "mdi_per_class",
    "output_name",
    "permutation_per_class",
    "resolve_per_class",
]

_FORESTS = ("RandomForestClassifier", "ExtraTreesClassifier")
MDI_PER_CLASS_TYPES = ("DecisionTreeClassifier", "ExtraTreeClassifier", *_FORESTS)
MDI_PER_CLASS_TYPES += ("GradientBoostingClassifier",)
_CRITERIA = ("gini", "entropy", "log_loss")


def _mdi_applies(est: Any) -> bool:
    name = type(est).__name__
    if name not in MDI_PER_CLASS_TYPES:
        return False
    return name == "GradientBoostingClassifier" or est.get_params().get("criterion") in _CRITERIA


def resolve_per_class(explainer: Any, est: Any, y: np.ndarray) -> bool:
    """Whether importances get a class dim; a ValueError when ``per_class=True`` cannot apply.

    ``"auto"``: per class for a classifier of three or more classes, by
    holdout permutation when it has ``predict_proba`` and ``scoring`` is None
    (``scoring`` with ``per_class=True`` only scores tuning and
    ``test_score_``), by out-of-bag permutation (each class's accuracy on
    its rows) when ``scoring`` is None, by MDI when the estimator is one of
    :data:`MDI_PER_CLASS_TYPES` with a Gini or entropy criterion. Never for
    MDI+.
    """
    per_class, method, scoring = explainer.per_class, explainer.method, explainer.scoring
    auto = isinstance(per_class, str) and per_class == "auto"
    if not (per_class is True or per_class is False or auto):
        raise ValueError(f"per_class must be 'auto', True or False, got {per_class!r}")
    n_classes = np.unique(y).size if explainer.is_classifier_ else 0
    if per_class is False or (auto and n_classes < 3):
        return False
    if method == "mdi_plus":
        if per_class is True:
            raise ValueError("per_class=True is not available for MDI+; use per_class=False")
        return False
    if method == "mdi":
        ok = _mdi_applies(est)
        why = (
            f"per-class MDI needs one of {MDI_PER_CLASS_TYPES} grown with criterion in "
            f"{_CRITERIA}, got {type(est).__name__}"
        )
    elif explainer.permutation_data == "oob":  # class recalls: predict is enough
        ok = scoring is None or per_class is True
        why = "per_class with permutation_data='oob'"
    else:
        ok = hasattr(est, "predict_proba") and (scoring is None or per_class is True)
        why = f"per-class permutation importance needs predict_proba ({type(est).__name__})"
    if n_classes < 3:
        ok = False
        why = f"per_class needs a classifier of three or more classes (y has {n_classes})"
        why = why if explainer.is_classifier_ else "per_class needs a classifier"
    if per_class is True and not ok:
        raise ValueError(f"{why}; use per_class=False for one importance per feature")
    return ok


def ovr_log_loss(onehot: np.ndarray, proba: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """One-vs-rest binary log-loss of every class column, shape (K,)."""
    eps = np.finfo(proba.dtype).eps
    p = np.clip(proba, eps, 1 - eps)
    loss = -(onehot * np.log(p) + (1 - onehot) * np.log(1 - p))
    return np.average(loss, axis=0, weights=w)


def permutation_per_class(
    est: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    n_repeats: int,
    random_state: Any,
    sample_weight: np.ndarray | None = None,
    scoring: Any = None,
) -> Bunch:
    """Increase of each class's one-vs-rest log-loss per shuffled feature.

    Called as ``sklearn.inspection.permutation_importance`` (``scoring`` is
    not used: every class is scored by its log-loss). Returns
    ``importances_mean`` and ``importances_std`` (ddof 0, as scikit-learn)
    over repeats, each of shape ``(n_features, n_classes)`` with classes in
    ``est.classes_`` order, and ``importances`` ``(n_features, n_repeats,
    n_classes)``.
    The permutations are those of ``sklearn.inspection.permutation_importance``
    for the same ``random_state``: one seed, the same for every column, each
    repeat shuffling the previous repeat's column again.
    """
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    onehot = (np.asarray(y)[:, None] == np.asarray(est.classes_)[None, :]).astype(np.float64)
    base = ovr_log_loss(onehot, np.asarray(est.predict_proba(X), float), sample_weight)
    if isinstance(X, np.ndarray) and X.dtype.kind in "fiu":  # the copies predicted together
        from interpkit.adapters.sklearn.permutation import shuffled_scores

        def loss(proba: np.ndarray) -> np.ndarray:
            return ovr_log_loss(onehot, np.asarray(proba, float), sample_weight)

        drops = shuffled_scores(est.predict_proba, X, loss, n_repeats, seed) - base
        return Bunch(
            importances_mean=drops.mean(axis=1), importances_std=drops.std(axis=1),
            importances=drops,
        )  # fmt: skip
    drops = np.empty((X.shape[1], n_repeats, onehot.shape[1]))
    for j in range(X.shape[1]):
        rng = check_random_state(seed)
        shuffled = X.copy()
        order = np.arange(X.shape[0])
        for r in range(n_repeats):
            rng.shuffle(order)
            if hasattr(shuffled, "iloc"):  # a DataFrame (e.g. for a pipeline), as scikit-learn
                col = shuffled.iloc[order, j]
                col.index = shuffled.index
                shuffled[shuffled.columns[j]] = col
            else:
                shuffled[:, j] = shuffled[order, j]
            proba = np.asarray(est.predict_proba(shuffled), float)
            drops[j, r] = ovr_log_loss(onehot, proba, sample_weight) - base
    return Bunch(
        importances_mean=drops.mean(axis=1), importances_std=drops.std(axis=1), importances=drops
    )


def _tree_class_decrease(tree: Any, n_features: int, criterion: str) -> np.ndarray:
    """Unnormalised per-class impurity decrease of one classification tree, (p, K)."""
    t = tree.tree_
    value = t.value[:, 0, :]
    p = value / value.sum(axis=1, keepdims=True)
    if criterion == "gini":
        term = p * (1 - p)
    else:  # entropy and log_loss: scikit-learn's impurity is in bits
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(p > 0, -p * np.log2(p), 0.0)
    return _decrease(t, term, n_features)


def _decrease(t: Any, term: np.ndarray, n_features: int) -> np.ndarray:
    """Sum over split nodes of ``w * term - w_left * term_left - w_right * term_right``."""
    left, right = t.children_left, t.children_right
    split = left != -1
    w = t.weighted_n_node_samples[:, None]
    wt = w * term
    dec = wt[split] - wt[left[split]] - wt[right[split]]
    out = np.zeros((n_features, term.shape[1]))
    np.add.at(out, t.feature[split], dec)
    return out / t.weighted_n_node_samples[0]


def _normalised(total: np.ndarray) -> np.ndarray:
    s = total.sum()
    return total / s if s > 0 else total


def mdi_per_class(est: Any) -> np.ndarray:
    """Per-class MDI, shape ``(n_features, n_classes)``; sums over classes to
    ``est.feature_importances_``."""
    name, p = type(est).__name__, est.n_features_in_
    if name == "GradientBoostingClassifier":
        stages = est.estimators_  # (n_stages, K) regression trees
        trees = [(k, t) for stage in stages for k, t in enumerate(stage) if t.tree_.node_count > 1]
        out = np.zeros((p, stages.shape[1]))
        for k, tree in trees:
            out[:, k] += _decrease(tree.tree_, tree.tree_.impurity[:, None], p)[:, 0]
        return _normalised(out / max(len(trees), 1))
    criterion = est.get_params()["criterion"]
    k = len(est.classes_)
    if name not in _FORESTS:
        return _normalised(_tree_class_decrease(est, p, criterion))
    per_tree = [
        _normalised(_tree_class_decrease(tree, p, criterion))
        for tree in est.estimators_
        if tree.tree_.node_count > 1
    ]
    if not per_tree:
        return np.zeros((p, k))
    return _normalised(np.mean(per_tree, axis=0))


def class_arrays(explainer: Any, values: np.ndarray, error: np.ndarray | None) -> tuple:
    """Per-class importances (and their SD) as DataArrays, dims ``("feature", "class")``."""
    import xarray as xr

    coords = {"feature": explainer._names(), "class": [str(c) for c in explainer.classes_]}
    dims = ("feature", "class")
    out = xr.DataArray(values, dims=dims, coords=coords, name="importance")
    if error is None:
        return out, None
    return out, xr.DataArray(error, dims=dims, coords=coords, name="importance_std")


def output_name(explainer: Any) -> str:
    """What a per-class global value measures, ``"...(each of K classes)"``."""
    what = "impurity decrease" if explainer.method == "mdi" else "one-vs-rest log-loss increase"
    return f"{what}(each of {len(explainer.classes_)} classes)"
