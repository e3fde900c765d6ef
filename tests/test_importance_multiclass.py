"""Per-class permutation importance and MDI of K-class classifiers (dims feature x class).

Oracles: scikit-learn's ``permutation_importance`` called directly with one
one-vs-rest log-loss scorer per class; scikit-learn's ``feature_importances_``
(the per-class MDI sums to it over classes); a stump's impurity decrease in
closed form; a planted ground truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris
from sklearn.ensemble import (
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from interpkit import ImportanceExplainer
from interpkit.classes import aggregate_classes


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True, as_frame=True)


def planted(n=300, seed=0):
    """Class 0 iff a > 0; among the rest, class 2 iff b > 0; c is noise."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    y = np.where(X["a"] > 0, 0, np.where(X["b"] > 0, 2, 1))
    return X, y


def ovr_scorer(k):
    def score(est, X, y):
        return -log_loss(y == est.classes_[k], est.predict_proba(X)[:, k], labels=[False, True])

    return score


def test_permutation_per_class_equals_sklearn_with_ovr_scorers(iris):
    X, y = iris
    ours = ImportanceExplainer(
        LogisticRegression(max_iter=500), method="permutation", n_repeats=4, random_state=3
    ).fit(X, y)
    expl = ours.explain()
    assert expl.values.dims == ("feature", "class")
    assert list(expl.values.coords["class"].values) == ["0", "1", "2"]
    test = ours.test_indices_
    direct = permutation_importance(
        ours.estimator_,
        X.to_numpy()[test],
        y.to_numpy()[test],
        scoring={str(k): ovr_scorer(k) for k in range(3)},
        n_repeats=4,
        random_state=3,
    )
    for k in range(3):
        assert_allclose(expl.values.values[:, k], direct[str(k)].importances_mean, atol=1e-12)
        assert_allclose(expl.error.values[:, k], direct[str(k)].importances_std, atol=1e-12)
    assert expl.output_name == "one-vs-rest log-loss increase(each of 3 classes)"


def test_permutation_per_class_finds_the_planted_roles():
    X, y = planted()
    ours = ImportanceExplainer(
        RandomForestClassifier(n_estimators=50, min_samples_leaf=3),
        method="permutation",
        n_repeats=5,
        random_state=0,
    ).fit(X, y)
    imp = ours.explain().values.to_pandas()  # rows features, columns classes
    # a tells class 0 from the rest; b matters for 1 vs 2 only, not for class 0
    assert imp.loc["a", "0"] > 0.3
    assert imp.loc["b", "1"] > 0.2 and imp.loc["b", "2"] > 0.2
    assert abs(imp.loc["b", "0"]) < 0.2 * imp.loc["b", "1"]
    assert imp.loc["c"].abs().max() < 0.1 * imp.loc["a", "0"]


@pytest.mark.parametrize(
    "model",
    [
        DecisionTreeClassifier(max_depth=4, random_state=0),
        DecisionTreeClassifier(criterion="entropy", random_state=0),
        RandomForestClassifier(n_estimators=10, criterion="log_loss", random_state=0),
        ExtraTreesClassifier(n_estimators=10, random_state=0),
        GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0),
    ],
    ids=lambda m: f"{type(m).__name__}-{m.get_params().get('criterion')}",
)
def test_mdi_per_class_sums_to_sklearn_importances(iris, model):
    X, y = iris
    ours = ImportanceExplainer(model, method="mdi", random_state=0).fit(X, y)
    expl = ours.explain()
    assert expl.values.dims == ("feature", "class")
    assert (expl.values.values >= 0).all()
    assert_allclose(
        expl.values.sum("class").values, ours.estimator_.feature_importances_, atol=1e-12
    )
    assert expl.output_name == "impurity decrease(each of 3 classes)"


def test_mdi_per_class_of_a_stump_in_closed_form():
    # a isolates class 0 (a third of the rows); the other two classes stay mixed 50/50.
    # Gini terms p_k (1 - p_k): root 2/9 each; left child pure; right child 0, 1/4, 1/4
    # on 2/3 of the rows. Decreases 2/9, 1/18, 1/18, normalised by their sum 1/3.
    X = pd.DataFrame({"a": np.repeat([0.0, 1.0, 1.0], 20), "b": np.tile([0.0, 1.0], 30)})
    y = np.repeat([0, 1, 2], 20)
    y[20:40:2], y[41:60:2] = 2, 1  # b tells 1 from 2, but the stump splits once, on a
    stump = ImportanceExplainer(DecisionTreeClassifier(max_depth=1), method="mdi").fit(X, y)
    values = stump.explain().values.to_pandas()
    assert_allclose(values.loc["a"].to_numpy(), [2 / 3, 1 / 6, 1 / 6], atol=1e-12)
    assert_allclose(values.loc["b"].to_numpy(), 0, atol=1e-12)


def test_stability_per_class_and_aggregate(iris):
    X, y = iris
    exp = ImportanceExplainer(
        DecisionTreeClassifier(max_depth=3), method="mdi", random_state=0
    ).stability(X, y, n_boot=3, random_state=0, progress=False)
    assert exp.replicates.dims == ("replicate", "feature", "class")
    table = exp.summary()
    assert table.index.names == ["class", "feature"]
    agg = aggregate_classes(exp).replicates.values
    assert_allclose(agg.values, np.abs(exp.replicates.values).mean("class").values)


def test_one_value_per_feature_where_per_class_does_not_apply(iris):
    X, y = iris
    accuracy = ImportanceExplainer(
        LogisticRegression(max_iter=500), method="permutation", scoring="accuracy", random_state=0
    ).fit(X, y)
    assert accuracy.explain().values.dims == ("feature",)
    off = ImportanceExplainer(DecisionTreeClassifier(), method="mdi", per_class=False).fit(X, y)
    assert off.explain().values.dims == ("feature",)
    binary = ImportanceExplainer(DecisionTreeClassifier(), method="mdi").fit(X, y == 0)
    assert binary.explain().values.dims == ("feature",)
    no_proba = ImportanceExplainer(SVC(), method="permutation", random_state=0).fit(X, y)
    assert no_proba.explain().values.dims == ("feature",)


def test_per_class_true_refusals_name_the_way_out(iris):
    X, y = iris
    with pytest.raises(ValueError, match="predict_proba.*per_class=False"):
        ImportanceExplainer(SVC(), method="permutation", per_class=True).fit(X, y)
    with pytest.raises(ValueError, match="three or more classes"):
        ImportanceExplainer(DecisionTreeClassifier(), method="mdi", per_class=True).fit(X, y == 0)
    with pytest.raises(ValueError, match="needs a classifier"):
        ImportanceExplainer(RandomForestRegressor(3), per_class=True).fit(X, y.astype(float))
    with pytest.raises(ValueError, match="per_class must be"):
        ImportanceExplainer(DecisionTreeClassifier(), per_class="yes").fit(X, y)


def test_a_replicate_without_a_class_says_so(iris):
    X, y = iris
    y = y.map({0: "a", 1: "b", 2: "c"}).to_numpy(dtype=object)
    y[:2] = "rare"  # two rows: some bootstraps draw neither
    mdi = ImportanceExplainer(DecisionTreeClassifier(max_depth=2), method="mdi")
    with pytest.raises(ValueError, match="drew no row of class rare.*scheme='subsample'"):
        mdi.stability(X, y, n_boot=30, random_state=0, progress=False)


def test_per_class_permutation_takes_a_frame_as_sklearn_does(iris):
    from interpkit.adapters.sklearn.per_class import permutation_per_class

    X, y = iris
    model = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X.to_numpy(), y)
    kw = {"n_repeats": 2, "random_state": 1}
    array = permutation_per_class(model, X.to_numpy(), y.to_numpy(), **kw)
    frame = permutation_per_class(model.fit(X, y), X, y.to_numpy(), **kw)
    assert_allclose(frame.importances, array.importances, atol=1e-12)


def test_benchmark_quick(capsys):
    from tests.example_scripts import load_script

    out = load_script("benchmarks/bench_per_class_permutation.py").main(["--quick", "--k", "3"])
    assert out["max_abs_difference"] < 1e-12  # the same numbers as scikit-learn's
    assert np.isfinite(out["ratio"]) and out["ratio"] > 0
    assert "ratio" in capsys.readouterr().out


def test_oob_permutation_per_class_is_breimans_class_accuracy_drop(iris):
    """Per tree, the classes' recall drops weighted by their out-of-bag share add up to the
    accuracy drop (the same permutations); the per-class values equal a hand-written loop."""
    from interpkit.adapters.sklearn.mdi_plus import copy_groups

    X, y = iris
    forest = RandomForestClassifier(n_estimators=1, max_depth=3, random_state=0)
    kw = dict(method="permutation", permutation_data="oob", n_repeats=4, random_state=2)
    per = ImportanceExplainer(forest, **kw).fit(X, y)
    overall = ImportanceExplainer(forest, per_class=False, **kw).fit(X, y)
    assert per.per_class_ and per.importances_.shape == (4, 3)
    assert per.explain().values.dims == ("feature", "class")
    tree, inbag = per.estimator_.estimators_[0], per.estimator_.estimators_samples_[0]
    Xa, codes = X.to_numpy(), np.searchsorted(per.classes_, y.to_numpy())
    groups = copy_groups(Xa)  # iris has duplicate rows: a copy of an in-bag row is in-bag
    oob = ~np.isin(groups, groups[inbag])
    share = np.bincount(codes[oob], minlength=3) / oob.sum()
    np.testing.assert_allclose(per.importances_ @ share, overall.importances_, atol=1e-12)
    # the loop: the tree's seed, sklearn's permutations, each class's accuracy on its rows
    seed = np.random.RandomState(2).randint(np.iinfo(np.int32).max, size=1)[0]
    for k in range(3):
        rows = codes[oob] == k

        def recall(est, Xs, ys, rows=rows, k=k):
            return np.mean(est.predict(Xs[rows]) == k)

        ref = permutation_importance(
            tree, Xa[oob], codes[oob], scoring=recall, n_repeats=4, random_state=int(seed)
        )
        np.testing.assert_allclose(per.importances_[:, k], ref.importances_mean, atol=1e-12)
    # a feature the classes depend on differs by class (petal length separates setosa)
    assert not np.allclose(per.importances_[:, 0], per.importances_[:, 1])


def test_oob_per_class_follows_auto_and_scoring(iris):
    X, y = iris
    kw = dict(method="permutation", permutation_data="oob", n_repeats=2, random_state=0)
    forest = RandomForestClassifier(n_estimators=5, random_state=0)
    assert not ImportanceExplainer(forest, scoring="balanced_accuracy", **kw).fit(X, y).per_class_
    assert not ImportanceExplainer(forest, **kw).fit(X, y == 0).per_class_  # two classes
    with pytest.raises(ValueError, match="not available for MDI\\+"):
        ImportanceExplainer(forest, method="mdi_plus", per_class=True).fit(X, y)
