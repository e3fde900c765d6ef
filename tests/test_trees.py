"""interpkit.trees (partition, split choice) and their plots, against sklearn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import NotFittedError
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from interpkit.trees import split_choice, tree_partition


def _data(n: int = 150, p: int = 2, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(-2, 3, (n, p)), columns=[f"f{j}" for j in range(p)])
    y = np.sin(2 * X["f0"]) + (X["f1"] > 0.5) + rng.normal(0, 0.3, n)
    return X, pd.Series(y, name="target_y")


def _overlap(leaves: pd.DataFrame) -> np.ndarray:
    """Pairwise overlap area of the rectangles' interiors (diagonal zeroed)."""
    w = np.minimum.outer(leaves.x_max.values, leaves.x_max.values) - np.maximum.outer(
        leaves.x_min.values, leaves.x_min.values
    )
    h = np.minimum.outer(leaves.y_max.values, leaves.y_max.values) - np.maximum.outer(
        leaves.y_min.values, leaves.y_min.values
    )
    area = np.clip(w, 0, None) * np.clip(h, 0, None)
    np.fill_diagonal(area, 0)
    return area


def _area(leaves: pd.DataFrame) -> float:
    return float(((leaves.x_max - leaves.x_min) * (leaves.y_max - leaves.y_min)).sum())


# -- partition ----------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_partition_tiles_the_data_range_and_holds_every_point(seed):
    X, y = _data(seed=seed)
    tree = DecisionTreeRegressor(max_depth=4, min_samples_leaf=3, random_state=seed).fit(X, y)
    part = tree_partition(tree, X, y)
    leaves = part.leaves
    (x0, x1), (y0, y1) = part.bounds
    assert (x0, x1, y0, y1) == (X.f0.min(), X.f0.max(), X.f1.min(), X.f1.max())
    assert _area(leaves) == pytest.approx((x1 - x0) * (y1 - y0), rel=1e-12)
    assert np.all(_overlap(leaves) <= 1e-12)
    # every leaf of the tree is one rectangle; leaf values, counts are the tree's
    leaf_ids = np.flatnonzero(tree.tree_.children_left == -1)
    assert sorted(leaves.index) == sorted(leaf_ids)
    np.testing.assert_array_equal(leaves.value, tree.tree_.value[leaves.index, 0, 0])
    np.testing.assert_array_equal(leaves.n_samples, tree.tree_.n_node_samples[leaves.index])
    # each point lies in (the closure of) the rectangle of the leaf sklearn's apply gives it
    box = leaves.loc[tree.apply(X)]
    assert np.all((X.f0.values >= box.x_min.values) & (X.f0.values <= box.x_max.values))
    assert np.all((X.f1.values >= box.y_min.values) & (X.f1.values <= box.y_max.values))
    np.testing.assert_array_equal(part.data["leaf"], tree.apply(X))
    assert leaves.n_data.sum() == len(X)
    # a rectangle's centre is predicted its leaf's value
    centres = pd.DataFrame(
        {"f0": (leaves.x_min + leaves.x_max) / 2, "f1": (leaves.y_min + leaves.y_max) / 2}
    )
    np.testing.assert_array_equal(tree.apply(centres), leaves.index)
    assert part.features == ("f0", "f1") and part.target_name == "target_y"
    assert part.at == {}


def test_partition_node_table_matches_the_tree_and_lays_it_out():
    X, y = _data()
    tree = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X.values, y.values)
    part = tree_partition(tree, X.values, y.values)
    nodes, t = part.nodes, tree.tree_
    assert len(nodes) == t.node_count
    assert list(part.features) == ["x0", "x1"]  # numpy input: default names
    for node in range(t.node_count):
        left, right = t.children_left[node], t.children_right[node]
        if left == -1:
            assert nodes.is_leaf[node] and np.isnan(nodes.threshold[node])
            continue
        assert nodes.parent[left] == node and nodes.side[left] == "left"
        assert nodes.parent[right] == node and nodes.side[right] == "right"
        assert nodes.depth[left] == nodes.depth[node] + 1
        assert nodes.feature[node] == f"x{t.feature[node]}"
        assert nodes.threshold[node] == t.threshold[node]
        # a parent sits midway over its children, one level up
        assert nodes.x[node] == (nodes.x[left] + nodes.x[right]) / 2
        assert nodes.y[left] == nodes.y[node] - 1
    leaf_x = np.sort(nodes.x[nodes.is_leaf].to_numpy())
    np.testing.assert_array_equal(leaf_x, np.arange(nodes.is_leaf.sum()))
    np.testing.assert_array_equal(nodes.n_samples, t.n_node_samples)
    assert nodes.in_plane.all()


def test_partition_of_a_classifier_labels_leaves_by_class():
    X, _ = _data()
    labels = np.where(X.f0 + X.f1 > 1, "yes", "no")
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, labels)
    part = tree_partition(tree, X, labels)
    expected = tree.classes_[np.argmax(tree.tree_.value[part.leaves.index, 0], axis=1)]
    np.testing.assert_array_equal(part.leaves.value, expected)
    np.testing.assert_array_equal(tree.predict(X), part.leaves.value.loc[tree.apply(X)])
    assert part.task == "classification" and part.classes == ("no", "yes")
    assert part.leaves.share.between(0.5, 1).all()


def test_partition_slice_of_a_wider_tree():
    X, y = _data(p=3)
    y = y + 2 * (X.f2 > 0)
    tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    assert 2 in tree.tree_.feature  # the tree does split on the held feature
    part = tree_partition(tree, X, y, features=("f1", "f0"), at={"f2": 1.0})
    assert part.features == ("f1", "f0") and part.at == {"f2": 1.0}
    (x0, x1), (y0, y1) = part.bounds
    assert _area(part.leaves) == pytest.approx((x1 - x0) * (y1 - y0), rel=1e-12)
    assert np.all(_overlap(part.leaves) <= 1e-12)
    # the rectangles are the tree's leaves on the plane f2 = 1
    lv = part.leaves
    centres = pd.DataFrame(
        {"f0": (lv.y_min + lv.y_max) / 2, "f1": (lv.x_min + lv.x_max) / 2, "f2": 1.0}
    )
    np.testing.assert_array_equal(tree.apply(centres), lv.index)
    # nodes only reachable with f2 on the other side are marked out of the plane
    assert not part.nodes.in_plane.all()
    assert set(lv.index) <= set(part.nodes.index[part.nodes.in_plane])


def test_partition_through_an_interpkit_explainer():
    from interpkit.adapters.sklearn import ImportanceExplainer

    X, y = _data()
    expl = ImportanceExplainer(DecisionTreeRegressor(max_depth=2), random_state=0).fit(X, y)
    part = tree_partition(expl, X, y)
    assert part.features == ("f0", "f1")
    np.testing.assert_array_equal(
        part.leaves.value, expl.estimator_.tree_.value[part.leaves.index, 0, 0]
    )
    with pytest.raises(NotFittedError):
        tree_partition(ImportanceExplainer(DecisionTreeRegressor()), X, y)


def test_partition_bad_input():
    X, y = _data(p=3)
    tree = DecisionTreeRegressor(max_depth=2).fit(X, y)
    with pytest.raises(NotFittedError):
        tree_partition(DecisionTreeRegressor(), X, y)
    with pytest.raises(TypeError, match=r"estimators_\[0\]"):
        tree_partition(RandomForestRegressor(n_estimators=2).fit(X, y), X, y)
    with pytest.raises(ValueError, match="features=\\(a, b\\)"):
        tree_partition(tree, X, y)
    with pytest.raises(ValueError, match="must differ"):
        tree_partition(tree, X, y, features=("f0", 0))
    with pytest.raises(ValueError, match="unknown feature 'zz'"):
        tree_partition(tree, X, y, features=("f0", "zz"))
    with pytest.raises(ValueError, match="exactly two"):
        tree_partition(tree, X, y, features=("f0",))
    bad = X.copy()
    bad.iloc[3, 1] = np.nan
    with pytest.raises(ValueError, match="missing values"):
        tree_partition(tree, bad, y, features=(0, 1))
    with pytest.raises(ValueError, match="missing columns"):
        tree_partition(tree, X[["f0", "f1"]], y, features=(0, 1))
    with pytest.raises(ValueError, match="y has 10 values"):
        tree_partition(tree, X, y[:10], features=(0, 1))
    with pytest.raises(ValueError, match="constant"):
        tree_partition(tree, X.assign(f1=1.0), y, features=(0, 1))
    with pytest.raises(ValueError, match="at= fixes 'f0'"):
        tree_partition(tree, X, y, features=(0, 1), at={"f0": 0.0})
    from sklearn.pipeline import make_pipeline

    with pytest.raises(TypeError, match="got Pipeline"):
        tree_partition(make_pipeline(DecisionTreeRegressor()).fit(X, y), X, y)


# -- split choice -------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_split_choice_minimum_is_sklearns_split(seed):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(30, 200)), int(rng.integers(2, 6))
    X = rng.normal(size=(n, p))
    y = X[:, 0] - 2 * (X[:, p - 1] > 0.3) + rng.normal(size=n)
    tree = DecisionTreeRegressor(max_depth=3, min_samples_leaf=int(rng.integers(1, 6))).fit(X, y)
    tree.set_params(random_state=seed)
    for node in (0, tree.tree_.children_left[0], tree.tree_.children_right[0]):
        if tree.tree_.children_left[node] == -1:
            continue
        sc = split_choice(X, y, tree, node=int(node))
        assert sc.sklearn_feature == f"x{tree.tree_.feature[node]}"
        assert sc.feature == sc.sklearn_feature
        assert sc.threshold == pytest.approx(tree.tree_.threshold[node], rel=1e-6)
        assert sc.agrees
        assert len(sc.data) == tree.tree_.n_node_samples[node]
        # RSS at the minimum is the drop in impurity the tree recorded
        t = tree.tree_
        left, right = t.children_left[node], t.children_right[node]
        children_rss = (
            t.impurity[left] * t.n_node_samples[left] + t.impurity[right] * t.n_node_samples[right]
        )
        assert sc.rss == pytest.approx(children_rss, rel=1e-9)
        assert sc.rss_parent == pytest.approx(t.impurity[node] * t.n_node_samples[node], rel=1e-9)


def test_split_choice_rss_curve_equals_brute_force():
    X = pd.DataFrame({"a": [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], "b": np.arange(12.0)[::-1]})
    y = pd.Series([2.0, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5], name="yield")
    sc = split_choice(X, y)
    assert sc.sklearn_feature is None and sc.agrees is None and sc.target_name == "yield"
    for f in ("a", "b"):
        x = X[f].to_numpy(float)
        values = np.unique(x)
        curve = sc.curves[sc.curves.feature == f]
        np.testing.assert_allclose(curve.threshold, (values[:-1] + values[1:]) / 2)
        for row in curve.itertuples():
            left, right = y[x <= row.threshold], y[x > row.threshold]
            rss = ((left - left.mean()) ** 2).sum() + ((right - right.mean()) ** 2).sum()
            assert row.rss == pytest.approx(rss, rel=1e-12, abs=1e-12)
            assert (row.n_left, row.n_right) == (len(left), len(right))
            assert row.mean_left == pytest.approx(left.mean())
            assert row.mean_right == pytest.approx(right.mean())
        assert sc.best.loc[f, "rss"] == curve.rss.min()
    assert sc.rss == sc.curves.rss.min()
    assert sc.rss_parent == pytest.approx(((y - y.mean()) ** 2).sum())
    # the same split scikit-learn makes on these rows
    tree = DecisionTreeRegressor(max_depth=1).fit(X, y)
    assert split_choice(X, y, tree).agrees


def test_split_choice_min_samples_leaf_and_feature_subset():
    X, y = _data(n=80, p=3)
    tree = DecisionTreeRegressor(max_depth=2, min_samples_leaf=15).fit(X, y)
    sc = split_choice(X, y, tree)
    assert sc.agrees
    assert min(sc.best.n_left.min(), sc.best.n_right.min()) >= 15
    assert (~sc.curves.valid).any()  # thresholds near the ends are not allowed
    sub = split_choice(X, y, features=["f2", 0])
    assert list(sub.best.index) == ["f2", "f0"]
    assert set(sub.data.columns) == {"f2", "f0", "target"}


def test_split_choice_bad_input():
    X, y = _data()
    with pytest.raises(TypeError, match="regression trees"):
        split_choice(X, y > 0.5, DecisionTreeClassifier(max_depth=1).fit(X, y > 0.5))
    with pytest.raises(ValueError, match="criterion='absolute_error'"):
        split_choice(X, y, DecisionTreeRegressor(criterion="absolute_error", max_depth=1).fit(X, y))
    with pytest.raises(ValueError, match="needs the fitted tree"):
        split_choice(X, y, node=2)
    with pytest.raises(ValueError, match="node 99 not in the tree"):
        split_choice(X, y, DecisionTreeRegressor(max_depth=1).fit(X, y), node=99)
    with pytest.raises(TypeError, match="non-numeric"):
        split_choice(X, np.where(y > 0, "hi", "lo"))
    with pytest.raises(NotFittedError):
        split_choice(X, y, DecisionTreeRegressor())
    bad = X.copy()
    bad.iloc[0, 0] = np.nan
    with pytest.raises(ValueError, match="missing values"):
        split_choice(bad, y)


# -- plots ----------------------------------------------------------------------------------------
def _names(fig) -> list[str]:
    return [t.name for t in fig.data]


def test_partition_plot_draws_every_leaf_and_node():
    from interpkit.plots.trees import tree_partition as plot_partition

    X, y = _data()
    tree = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, y)
    part = tree_partition(tree, X, y)
    fig = plot_partition(part)
    shapes = [s.name for s in fig.layout.shapes]
    assert sorted(s for s in shapes if s.startswith("leaf ")) == sorted(
        f"leaf {n}" for n in part.leaves.index
    )
    assert sum(s.startswith("node ") for s in shapes) == len(part.nodes)
    assert {"data", "leaf labels", "edges", "nodes"} <= set(_names(fig))
    edges = next(t for t in fig.data if t.name == "edges")
    assert len(edges.x) == 3 * (len(part.nodes) - 1)
    labels = next(t for t in fig.data if t.name == "leaf labels")
    assert [txt.split("<br>")[1] for txt in labels.text] == [f"{v:.4g}" for v in part.leaves.value]
    data = next(t for t in fig.data if t.name == "data")
    np.testing.assert_array_equal(data.marker.color, y)
    # a classifier gets one legend entry per class
    labels_c = np.where(X.f0 > 0.5, "hi", "lo")
    tc = DecisionTreeClassifier(max_depth=2).fit(X, labels_c)
    fig_c = plot_partition(tree_partition(tc, X, labels_c))
    assert {"hi", "lo"} <= set(_names(fig_c))
    with pytest.raises(TypeError, match="TreePartition"):
        plot_partition(tree)


def test_split_choice_plot_marks_the_minimum():
    from interpkit.plots.split_choice import split_choice as plot_split

    X, y = _data(p=3)
    sc = split_choice(X, y, DecisionTreeRegressor(max_depth=1).fit(X, y))
    fig = plot_split(sc)
    for f in ("f0", "f1", "f2"):
        assert {f"data {f}", f"means {f}", f"RSS {f}", f"minimum {f}"} <= set(_names(fig))
    best = next(t for t in fig.data if t.name == f"minimum {sc.feature}")
    assert (best.x[0], best.y[0]) == (sc.threshold, sc.rss)
    assert best.marker.symbol == "star"
    assert {s.name for s in fig.layout.shapes} >= {f"R1 {sc.feature}", f"R2 {sc.feature}"}
    top = plot_split(sc, top=1)
    assert {t.name for t in top.data if t.name.startswith("RSS")} == {f"RSS {sc.feature}"}
    with pytest.raises(ValueError, match="top must be"):
        plot_split(sc, top=0)
