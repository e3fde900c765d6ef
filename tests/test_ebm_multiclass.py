"""EBM on K classes: task detection, per-class term contributions equal InterpretML's."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris

from interpkit import EBMExplainer
from interpkit.classes import aggregate_classes

glassbox = pytest.importorskip("interpret.glassbox")

KW = {"outer_bags": 2, "max_rounds": 150, "interactions": 0, "random_state": 0}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True, as_frame=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = EBMExplainer(**KW).fit(X, y)
        direct = glassbox.ExplainableBoostingClassifier(**KW).fit(X, y)
    return X, y, ours, direct


def test_auto_task_on_three_integer_codes_classifies(iris):
    X, y, ours, direct = iris
    assert y.dtype.kind == "i" and ours.task_ == "multiclass"
    assert type(ours.ebm_).__name__ == "ExplainableBoostingClassifier"
    np.testing.assert_array_equal(ours.classes_, [0, 1, 2])
    np.testing.assert_allclose(ours.predict_proba(X), direct.predict_proba(X), atol=1e-12)
    np.testing.assert_allclose(ours.predict(X), direct.decision_function(X), atol=1e-12)


def test_per_class_contributions_equal_interpret_and_add_up(iris):
    X, _, ours, direct = iris
    local = ours.explain(X.iloc[:8])
    assert local.dims == ("sample", "feature", "class")
    np.testing.assert_allclose(local.to_numpy(), direct.eval_terms(X.iloc[:8]), atol=1e-12)
    logits = local.values.sum("feature").to_numpy() + local.base_value.to_numpy()
    np.testing.assert_allclose(logits, direct.decision_function(X.iloc[:8]), atol=1e-10)
    assert local.output_name == "logit(each of 3 classes)"


def test_per_class_importances_average_to_interprets(iris):
    _, _, ours, direct = iris
    glob = ours.explain()
    assert glob.dims == ("feature", "class") and glob.error is not None
    np.testing.assert_allclose(
        aggregate_classes(glob).to_numpy(), direct.term_importances("avg_weight"), atol=1e-12
    )
    assert ours.term_importances().dims == ("feature", "class")


def test_shape_functions_per_class_equal_row_contributions(iris):
    X, _, ours, direct = iris
    shapes = ours.shape_functions()
    checked = 0
    assert shapes.dims == ("term", "grid", "class")
    rows = X.iloc[:12]
    local = direct.eval_terms(rows)  # (rows, terms, classes), InterpretML directly
    for j, name in enumerate(X.columns):
        x = shapes.values.coords["x"].sel(term=name).to_numpy()
        curve = shapes.values.sel(term=name).transpose("grid", "class").to_numpy()
        # the curve is a step function: a row's contribution is the curve at the last grid
        # point at or below its value (the grid and the bins share the training range)
        for r in range(len(rows)):
            v = rows.iloc[r, j]
            near = np.flatnonzero(np.isclose(x, v))
            if near.size:
                np.testing.assert_allclose(curve[near[0]], local[r, j], atol=1e-12)
                checked += 1
    assert checked > 0  # iris values sit on the grid's endpoints at least


def test_stability_carries_per_class_curves_and_plots(iris):
    from interpkit import plots

    X, y, _, _ = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ex = EBMExplainer(**KW).fit(X, y)
        result = ex.stability(X, y, n_boot=3, random_state=0, progress=False)
    extra = result.extras["shape_functions"]
    assert extra.replicates.dims == ("replicate", "term", "grid", "class")
    shapes = ex.shape_functions()
    term = "petal length (cm)"
    fig = plots.shape_function(shapes, term, result)
    lines = [t for t in fig.data if getattr(t, "mode", None) == "lines"]
    lines = [t for t in lines if t.name in ("0", "1", "2")]
    assert [t.name for t in lines] == ["0", "1", "2"]
    np.testing.assert_allclose(lines[2].y, shapes.values.sel(term=term, **{"class": "2"}))
    one = plots.shape_function(shapes, term, result, class_=2)
    curve = [t for t in one.data if t.name == "shape function (fit on all rows)"][0]
    np.testing.assert_allclose(curve.y, shapes.values.sel(term=term, **{"class": "2"}))
    with pytest.raises(ValueError, match="not one of the classes"):
        plots.shape_function(shapes, term, class_="dog")


def test_string_labels_and_explicit_tasks(iris):
    X, y, _, _ = iris
    names = pd.Series(np.array(["setosa", "versicolor", "virginica"])[y])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ex = EBMExplainer(**KW).fit(X, names)
        assert ex.task_ == "multiclass" and list(ex.classes_) == list(names.unique())
        reg = EBMExplainer(task="regression", **KW).fit(X, y)
    assert reg.task_ == "regression"  # the user said the codes are numbers
    with pytest.raises(ValueError, match="task='binary' but y has 3 classes"):
        EBMExplainer(task="binary", **KW).fit(X, y)


def test_stability_per_class(iris):
    X, y, _, _ = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = EBMExplainer(**KW).stability(X, y, n_boot=2, random_state=0, progress=False)
    assert result.replicates.dims == ("replicate", "feature", "class")
    assert result.summary().index.names == ["class", "feature"]
