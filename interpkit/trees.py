"""Seeing how a decision tree decides: the partition it makes and how it picks a split.

Two computations behind :mod:`interpkit.plots.trees` (scikit-learn only):

* :func:`tree_partition`: the axis-aligned rectangles a decision tree cuts two
  features into, with leaf values, next to a node table for drawing the tree;
* :func:`split_choice`: for one node, the residual sum of squares
  RSS(j, s) of every candidate split (ISLR eq. 8.2-8.3) and its minimum, which
  is the split scikit-learn chooses (:func:`rss_curve` gives one feature's).

Each returns a small frozen dataclass of labeled pandas data, which the plots
in :mod:`interpkit.plots.trees` draw. Boosting stages (sums of small trees)
live in :mod:`interpkit.boosting`.

>>> import numpy as np
>>> from sklearn.tree import DecisionTreeRegressor
>>> from interpkit.trees import split_choice, tree_partition
>>> rng = np.random.default_rng(0)
>>> X = rng.uniform(size=(200, 2)); y = (X[:, 0] > 0.5) + X[:, 1] + rng.normal(0, 0.1, 200)
>>> tree = DecisionTreeRegressor(max_depth=2).fit(X, y)
>>> len(tree_partition(tree, X, y).leaves)         # one rectangle per leaf
4
>>> split_choice(X, y, tree).agrees                # RSS minimum = sklearn's root split
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import is_classifier

from interpkit._tree_utils import _check_X_for, _feature_index, _tree_input, _unwrap_tree
from interpkit._validation import check_X, check_y, feature_names_of

__all__ = [
    "SplitChoice",
    "TreePartition",
    "split_choice",
    "tree_partition",
]

_LEAF = -1  # sklearn's TREE_LEAF


def _node_values(tree: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Per node: the prediction (class label for classifiers) and the class share (or None)."""
    value = tree.tree_.value[:, 0, :]
    if is_classifier(tree):
        return tree.classes_[np.argmax(value, axis=1)], value.max(axis=1) / value.sum(axis=1)
    return value[:, 0].astype(float), None


# -- partition ----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TreePartition:
    """A tree's partition of two features, and the tree as a node table.

    Attributes
    ----------
    features : (str, str)
        Horizontal (``x_*`` columns) and vertical (``y_*`` columns) feature.
    leaves : DataFrame, one row per leaf met in the plane, indexed by node id
        ``x_min, x_max, y_min, y_max`` (the rectangle, clipped to the data
        range), ``value`` (prediction; class label for classifiers),
        ``share`` (class share of that label; NaN for regression),
        ``n_samples`` (training rows in the leaf, from ``tree_``),
        ``n_data`` (rows of the given X drawn in it), ``depth``, ``rule``.
    nodes : DataFrame, one row per node, indexed by node id
        ``parent`` (-1 for the root), ``side`` ("root", "left": feature ≤
        threshold, "right"), ``depth``, ``feature`` ("" at leaves),
        ``threshold`` (NaN at leaves), ``value``, ``share``, ``n_samples``,
        ``impurity``, ``is_leaf``, ``x``, ``y`` (layout: leaves at 0, 1, ...
        left to right, a parent centred over its children, ``y = -depth``),
        ``in_plane`` (whether the node's region meets the drawn plane).
    data : DataFrame
        The two features of X, ``target`` (when y was given) and ``leaf``.
    bounds : ((float, float), (float, float))
        Data range of the two features.
    at : dict of str to float
        Values the other features are held at; empty when the tree splits on
        no other feature (the drawn partition is then exact, not a slice).
    task : {"regression", "classification"}
    classes : tuple or None
    target_name : str
    """

    features: tuple[str, str]
    leaves: pd.DataFrame
    nodes: pd.DataFrame
    data: pd.DataFrame
    bounds: tuple[tuple[float, float], tuple[float, float]]
    at: dict[str, float] = field(default_factory=dict)
    task: str = "regression"
    classes: tuple[Any, ...] | None = None
    target_name: str = "y"


def tree_partition(
    tree: Any,
    X: Any,
    y: Any = None,
    *,
    features: Sequence[int | str] | None = None,
    at: dict[str, float] | None = None,
) -> TreePartition:
    """Rectangles of a fitted tree's partition of two features, and its node table.

    Parameters
    ----------
    tree : fitted DecisionTreeRegressor or DecisionTreeClassifier
        Or an interpkit explainer whose ``estimator_`` is one.
    X : array-like or DataFrame, shape (n_samples, n_features_of_tree)
        Rows to draw; their range is the plotted box.
    y : array-like, shape (n_samples,), optional
        Their target, drawn as the points' colour.
    features : two feature names or indices, optional
        Needed when the tree has more than two features. The drawn plane is
        then the slice through ``at``: the other features are held fixed and
        each split on them sends the whole plane one way.
    at : dict, optional
        Values of the other features (default: their medians in X).

    Returns
    -------
    TreePartition

    Notes
    -----
    scikit-learn sends ``x_j <= threshold`` to the left child (ISLR writes
    ``X_j < s``); on training data the two agree because thresholds fall
    half-way between observed values.
    """
    func = "tree_partition"
    est, names = _unwrap_tree(tree, func)
    Xa, names = _check_X_for(X, names, est.n_features_in_)
    p = len(names)
    if features is None:
        if p != 2:
            raise ValueError(
                f"{func}(): the tree uses {p} features; a partition is drawn in two, so "
                "pass features=(a, b) (the others are held at `at`, default their medians)"
            )
        features = (0, 1)
    if len(features) != 2:
        raise ValueError(f"{func}(): features must name exactly two features, got {features!r}")
    ia, ib = (_feature_index(f, names, func) for f in features)
    if ia == ib:
        raise ValueError(f"{func}(): the two features must differ, got {names[ia]!r} twice")
    point = np.median(Xa, axis=0)
    for name, v in (at or {}).items():
        j = _feature_index(name, names, func)
        if j in (ia, ib):
            raise ValueError(f"{func}(): at= fixes {names[j]!r}, which is a drawn feature")
        point[j] = float(v)

    lo, hi = Xa[:, [ia, ib]].min(axis=0), Xa[:, [ia, ib]].max(axis=0)
    flat = [names[k] for k, w in zip((ia, ib), hi - lo, strict=True) if w == 0]
    if flat:
        raise ValueError(f"{func}(): X is constant in {flat}; there is no area to partition")

    in_plane, rows = _walk_plane(est.tree_, ia, ib, point, lo, hi)
    nodes = _node_table(est, names, in_plane)

    held = [j for j in range(p) if j not in (ia, ib)]
    slice_X = Xa.copy()
    slice_X[:, held] = point[held]  # the rows as the drawn plane sees them
    leaf_of = est.apply(_tree_input(est, slice_X))
    data = pd.DataFrame({names[ia]: Xa[:, ia], names[ib]: Xa[:, ib]})
    target_name = "y"
    if y is not None:
        task = "classification" if is_classifier(est) else "regression"
        y_arr = check_y(y, Xa.shape[0], task=task)
        target_name = str(getattr(y, "name", None) or "y")
        data["target"] = y_arr
    data["leaf"] = leaf_of

    leaves = pd.DataFrame(rows, columns=["node", "x_min", "x_max", "y_min", "y_max"])
    leaves = leaves.set_index("node").sort_index()
    for col in ("value", "share", "n_samples", "depth"):
        leaves[col] = nodes.loc[leaves.index, col].to_numpy()
    leaves["n_data"] = data["leaf"].value_counts().reindex(leaves.index, fill_value=0).to_numpy()
    leaves["rule"] = [
        _rule(r, (names[ia], names[ib]), lo, hi) for r in leaves.itertuples(index=False)
    ]
    return TreePartition(
        features=(names[ia], names[ib]),
        leaves=leaves,
        nodes=nodes,
        data=data,
        bounds=((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))),
        at={names[j]: float(point[j]) for j in held}
        if set(nodes.loc[~nodes.is_leaf, "feature"]) - {names[ia], names[ib]}
        else {},
        task="classification" if is_classifier(est) else "regression",
        classes=tuple(est.classes_.tolist()) if is_classifier(est) else None,
        target_name=target_name,
    )


def _walk_plane(
    t: Any, ia: int, ib: int, point: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, list[tuple[int, float, float, float, float]]]:
    """Nodes whose region meets the drawn plane, and (leaf, x0, x1, y0, y1) per leaf met."""
    in_plane = np.zeros(t.node_count, dtype=bool)
    rows = []
    stack = [(0, lo[0], hi[0], lo[1], hi[1])]
    while stack:  # narrow the box down each path
        node, x0, x1, y0, y1 = stack.pop()
        in_plane[node] = True
        left, right = t.children_left[node], t.children_right[node]
        if left == _LEAF:
            rows.append((node, x0, x1, y0, y1))
            continue
        f, s = t.feature[node], t.threshold[node]
        if f == ia:
            kids = [(left, x0, min(x1, s), y0, y1), (right, max(x0, s), x1, y0, y1)]
        elif f == ib:
            kids = [(left, x0, x1, y0, min(y1, s)), (right, x0, x1, max(y0, s), y1)]
        else:  # a split on a held feature sends the whole plane one way (float32, as sklearn)
            kids = [((left if np.float32(point[f]) <= s else right), x0, x1, y0, y1)]
        stack.extend(k for k in reversed(kids) if k[1] < k[2] and k[3] < k[4])
    return in_plane, rows


def _node_table(est: Any, names: list[str], in_plane: np.ndarray) -> pd.DataFrame:
    t = est.tree_
    values, share = _node_values(est)
    parent = np.full(t.node_count, -1)
    side = np.array(["root"] * t.node_count, dtype=object)
    depth = np.zeros(t.node_count, dtype=int)
    for node in range(t.node_count):  # sklearn numbers children after their parent
        for child, where in ((t.children_left[node], "left"), (t.children_right[node], "right")):
            if child != _LEAF:
                parent[child], side[child], depth[child] = node, where, depth[node] + 1
    is_leaf = t.children_left == _LEAF
    return pd.DataFrame(
        {
            "parent": parent,
            "side": side,
            "depth": depth,
            "feature": [names[f] if f >= 0 else "" for f in t.feature],
            "threshold": np.where(is_leaf, np.nan, t.threshold),
            "value": values,
            "share": np.nan if share is None else share,
            "n_samples": t.n_node_samples.astype(int),
            "impurity": t.impurity,
            "is_leaf": is_leaf,
            "in_plane": in_plane,
            "x": _layout(t.children_left, t.children_right),
            "y": -depth.astype(float),
        },
        index=pd.RangeIndex(t.node_count, name="node"),
    )


def _layout(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """x positions: leaves 0, 1, 2, ... left to right; a parent midway over its children."""
    x = np.zeros(len(left))
    next_leaf = 0

    def place(node: int) -> float:
        nonlocal next_leaf
        if left[node] == _LEAF:
            x[node] = next_leaf
            next_leaf += 1
        else:
            x[node] = (place(left[node]) + place(right[node])) / 2
        return x[node]

    place(0)
    return x


def _rule(r: Any, names: tuple[str, str], lo: np.ndarray, hi: np.ndarray) -> str:
    parts = []
    for name, a, b, dlo, dhi in (
        (names[0], r.x_min, r.x_max, lo[0], hi[0]),
        (names[1], r.y_min, r.y_max, lo[1], hi[1]),
    ):
        left = f"{a:.4g} < " if a > dlo else ""
        right = f" ≤ {b:.4g}" if b < dhi else ""
        if left or right:
            parts.append(f"{left}{name}{right}")
    return " and ".join(parts) or "everywhere"


# -- split choice -------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SplitChoice:
    """RSS(j, s) of every candidate split of one node, and the best one.

    Attributes
    ----------
    node : int
        Node id (0: the root, all rows).
    data : DataFrame, shape (n_node_rows, n_features + 1)
        The node's rows: the candidate features and ``target``.
    curves : DataFrame, tidy, one row per (feature, threshold)
        ``feature``, ``threshold`` s (midway between neighbouring distinct
        values), ``rss`` (RSS of R1 = {x_j ≤ s} plus RSS of R2 = {x_j > s}),
        ``n_left``, ``n_right``, ``mean_left``, ``mean_right`` (ŷ_R1, ŷ_R2)
        and ``valid`` (both sides have at least ``min_samples_leaf`` rows).
    best : DataFrame, indexed by feature
        The best valid threshold per feature and its columns from ``curves``.
    feature, threshold, rss : the overall minimum (ties: first feature, lowest s).
    rss_parent : float
        RSS of the node unsplit (its total sum of squares).
    sklearn_feature, sklearn_threshold : the tree's split of this node, or None.
    target_name : str
    """

    node: int
    data: pd.DataFrame
    curves: pd.DataFrame
    best: pd.DataFrame
    feature: str
    threshold: float
    rss: float
    rss_parent: float
    sklearn_feature: str | None = None
    sklearn_threshold: float | None = None
    target_name: str = "y"

    @property
    def agrees(self) -> bool | None:
        """Whether the RSS minimum is the tree's split (None without a tree)."""
        if self.sklearn_feature is None or self.sklearn_threshold is None:
            return None
        return self.sklearn_feature == self.feature and math.isclose(
            self.sklearn_threshold, self.threshold, rel_tol=1e-6, abs_tol=1e-9
        )


def rss_curve(x: np.ndarray, y: np.ndarray, min_samples_leaf: int = 1) -> pd.DataFrame:
    """RSS of the two halves for every threshold on one feature, by cumulative sums.

    Sorting is O(n log n); every threshold then costs O(1). ``y`` is centred
    first so that ``sum(y²) - (sum y)²/n`` loses little to cancellation.
    """
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order] - y.mean()
    n = len(xs)
    cs, cq = np.cumsum(ys), np.cumsum(ys**2)
    i = np.flatnonzero(xs[:-1] < xs[1:])  # split after sorted position i
    n_left = i + 1
    n_right = n - n_left
    s_left, q_left = cs[i], cq[i]
    s_right, q_right = cs[-1] - s_left, cq[-1] - q_left
    rss = np.maximum(q_left - s_left**2 / n_left, 0) + np.maximum(q_right - s_right**2 / n_right, 0)
    thr = xs[i] / 2 + xs[i + 1] / 2
    thr = np.where(thr == xs[i + 1], xs[i], thr)  # as sklearn, when the midpoint rounds up
    return pd.DataFrame(
        {
            "threshold": thr,
            "rss": rss,
            "n_left": n_left,
            "n_right": n_right,
            "mean_left": s_left / n_left + y.mean(),
            "mean_right": s_right / np.maximum(n_right, 1) + y.mean(),
            "valid": (n_left >= min_samples_leaf) & (n_right >= min_samples_leaf),
        }
    )


def split_choice(
    X: Any,
    y: Any,
    tree: Any = None,
    *,
    node: int = 0,
    features: Sequence[int | str] | None = None,
    min_samples_leaf: int | None = None,
) -> SplitChoice:
    """RSS(j, s) of every split of a node's rows, its minimum and the tree's split.

    Parameters
    ----------
    X : array-like or DataFrame, shape (n_samples, n_features)
        With a ``tree``, the rows it was fit on.
    y : array-like, shape (n_samples,)
        Numeric target (RSS is the regression criterion).
    tree : fitted DecisionTreeRegressor, optional
        Or an interpkit explainer wrapping one. Gives the rows of ``node``
        (those whose path passes through it), its ``min_samples_leaf`` and the
        split it chose, to compare with the RSS minimum. scikit-learn fits on
        float32 features, so X is rounded to float32 too when a tree is given.
    node : int, default 0
        Node id in ``tree.tree_``; without a tree only the root (all rows).
    features : list of str or int, optional
        Candidate features by name or column index (default all).
    min_samples_leaf : int, optional
        Fewest rows on each side of a valid split (default: the tree's, else 1).

    Returns
    -------
    SplitChoice
    """
    func = "split_choice"
    names: list[str] | None = None
    est = None
    if tree is not None:
        est, names = _unwrap_tree(tree, func)
        if is_classifier(est):
            raise TypeError(
                f"{func}() explains regression trees (RSS); {type(est).__name__} splits "
                "by Gini or entropy, pass a DecisionTreeRegressor"
            )
        if est.criterion not in ("squared_error", "friedman_mse"):
            raise ValueError(
                f"{func}(): the tree was grown with criterion={est.criterion!r}, not by RSS; "
                "use criterion='squared_error'"
            )
        Xa, names = _check_X_for(X, names, est.n_features_in_)
    else:
        Xa = check_X(X)
        names = feature_names_of(X, Xa.shape[1])
    y_arr = check_y(y, Xa.shape[0], task="regression")
    target_name = str(getattr(y, "name", None) or "y")

    if est is not None:
        if not 0 <= node < est.tree_.node_count:
            raise ValueError(
                f"{func}(): node {node} not in the tree (0..{est.tree_.node_count - 1})"
            )
        Xa = Xa.astype(np.float32).astype(np.float64)
        rows = est.decision_path(_tree_input(est, Xa))[:, node].toarray().ravel().astype(bool)
        if min_samples_leaf is None:
            msl = est.min_samples_leaf
            n_root = int(est.tree_.n_node_samples[0])
            min_samples_leaf = msl if isinstance(msl, int) else math.ceil(msl * n_root)
    elif node != 0:
        raise ValueError(f"{func}(): node={node} needs the fitted tree (tree=...)")
    else:
        rows = np.ones(Xa.shape[0], dtype=bool)
    if rows.sum() < 2:
        raise ValueError(f"{func}(): node {node} has {int(rows.sum())} rows of X; nothing to split")
    cand = (
        range(len(names))
        if features is None
        else [_feature_index(f, names, func) for f in features]
    )
    cand = list(dict.fromkeys(cand))
    Xn, yn = Xa[rows], y_arr[rows]

    curves, best = [], {}
    for j in cand:
        c = rss_curve(Xn[:, j], yn, min_samples_leaf or 1)
        c.insert(0, "feature", names[j])
        curves.append(c)
        ok = c[c["valid"]]
        if len(ok):
            best[names[j]] = ok.loc[ok["rss"].idxmin()].drop("feature")
    if not best:
        raise ValueError(f"{func}(): no valid split of node {node} for the candidate features")
    best_df = pd.DataFrame(best).T.rename_axis("feature")
    best_df = best_df.drop(columns="valid").astype(float)
    best_df = best_df.astype({"n_left": int, "n_right": int})
    top = str(best_df["rss"].astype(float).idxmin())
    sk_feature = sk_threshold = None
    if est is not None and est.tree_.children_left[node] != _LEAF:
        sk_feature = names[est.tree_.feature[node]]
        sk_threshold = float(est.tree_.threshold[node])
    data = pd.DataFrame(Xn[:, cand], columns=[names[j] for j in cand])
    data["target"] = yn
    return SplitChoice(
        node=node,
        data=data,
        curves=pd.concat(curves, ignore_index=True),
        best=best_df,
        feature=top,
        threshold=float(best_df.loc[top, "threshold"]),
        rss=float(best_df.loc[top, "rss"]),
        rss_parent=float(np.sum((yn - yn.mean()) ** 2)),
        sklearn_feature=sk_feature,
        sklearn_threshold=sk_threshold,
        target_name=target_name,
    )
