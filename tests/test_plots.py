"""interpkit.plots: the figures show exactly the numbers of the explanation they are given."""

import re

import numpy as np
import pytest
import xarray as xr

import interpkit
from interpkit import plots
from interpkit.datasets import load_prostate

pytest.importorskip("glmnet")


@pytest.fixture(scope="module")
def data():
    X, y = load_prostate(return_X_y=True)
    rng = np.random.RandomState(0)
    hold = np.sort(rng.permutation(len(X))[:20])
    train = np.setdiff1d(np.arange(len(X)), hold)
    return X.iloc[train], y.iloc[train], X.iloc[hold], y.iloc[hold]


@pytest.fixture(scope="module")
def lasso(data):
    X, y, _, _ = data
    return interpkit.LassoExplainer(random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def ridge(data):
    X, y, _, _ = data
    return interpkit.RidgeExplainer(random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def lasso_stab(lasso, data):
    X, y, Xh, yh = data
    return lasso.stability(X, y, n_boot=10, X_eval=Xh, y_eval=yh, random_state=0)


@pytest.fixture(scope="module")
def ridge_stab(ridge, data):
    X, y, Xh, yh = data
    return ridge.stability(X, y, n_boot=10, X_eval=Xh, y_eval=yh, random_state=0)


def arr(values):
    return np.asarray(values, dtype=float)


def by_name(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def shape_x(fig, name):
    return [s.x0 for s in fig.layout.shapes if s.name == name]


# -- path -----------------------------------------------------------------------
def test_path_lines_are_the_coefficients_against_log_lambda(lasso):
    expl = lasso.path()
    fig = plots.path(expl)
    lam = expl.values.coords["lambda"].to_numpy()
    order = np.argsort(lam)
    for feature in expl.feature_names:
        trace = by_name(fig, feature)
        np.testing.assert_allclose(arr(trace.x), np.log(lam[order]))
        np.testing.assert_allclose(arr(trace.y), expl.values.sel(feature=feature).to_numpy()[order])
    labels = {a.text for a in fig.layout.annotations if a.name == "feature_label"}
    assert labels == set(expl.feature_names)


def test_path_marks_lambda_min_and_1se(lasso):
    expl = lasso.path()
    fig = plots.path(expl)
    assert shape_x(fig, "lambda_min") == pytest.approx([np.log(lasso.lambda_min_)])
    assert shape_x(fig, "lambda_1se") == pytest.approx([np.log(lasso.lambda_1se_)])
    texts = " ".join(
        a.text for a in fig.layout.annotations if a.name in ("lambda_min", "lambda_1se")
    )
    assert "λ_min" in texts and "λ_1se" in texts


def test_lambda_lines_when_min_equals_1se_or_absent(lasso):
    expl = lasso.path()
    lines = ("lambda_min", "lambda_1se")
    same = {**expl.annotations, "lambda_1se": expl.annotations["lambda_min"]}
    fig = plots.path(expl.with_values(expl.values, annotations=same))
    assert shape_x(fig, "lambda_min") == shape_x(fig, "lambda_1se")
    texts = [a.text for a in fig.layout.annotations if a.name in lines]
    assert len(texts) == 1 and texts[0].startswith("λ_min = λ_1se")
    fig = plots.path(expl.with_values(expl.values, annotations={}))
    assert not [s for s in fig.layout.shapes if s.name in lines]


def test_path_top_axis_counts_nonzero(lasso):
    expl = lasso.path()
    fig = plots.path(expl)
    top = fig.layout.xaxis2
    assert top.side == "top" and top.overlaying == "x"
    lam = expl.values.coords["lambda"].to_numpy()
    counts = np.count_nonzero(expl.values.to_numpy(), axis=1)
    for x, text in zip(top.tickvals, top.ticktext, strict=True):
        i = int(np.argmin(np.abs(np.log(lam) - x)))
        assert int(text) == counts[i]
    assert "0" in top.ticktext and str(len(expl.feature_names)) in top.ticktext


def test_path_label_count(lasso):
    fig = plots.path(lasso.path(), label=3)
    labels = [a.text for a in fig.layout.annotations if a.name == "feature_label"]
    assert len(labels) == 3
    fig = plots.path(lasso.path(), label=False)
    assert not [a for a in fig.layout.annotations if a.name == "feature_label"]


# -- CV curve ---------------------------------------------------------------------
def test_cv_curve_error_bars_are_the_standard_errors(lasso):
    expl = lasso.cv_curve()
    fig = plots.cv_curve(expl)
    trace = fig.data[0]
    order = np.argsort(lasso.lambda_path_)
    np.testing.assert_allclose(arr(trace.x), np.log(lasso.lambda_path_[order]))
    np.testing.assert_allclose(arr(trace.y), lasso.cv_mean_[order])
    np.testing.assert_allclose(arr(trace.error_y.array), expl.error.to_numpy()[order])
    np.testing.assert_allclose(arr(trace.error_y.array), lasso.cv_se_[order])
    assert trace.error_y.symmetric is True


def test_cv_curve_lambda_lines_and_nonzero_axis(lasso):
    expl = lasso.cv_curve()
    fig = plots.cv_curve(expl)
    assert shape_x(fig, "lambda_min") == pytest.approx([np.log(lasso.lambda_min_)])
    assert shape_x(fig, "lambda_1se") == pytest.approx([np.log(lasso.lambda_1se_)])
    counts = expl.values.coords["n_nonzero"].to_numpy()
    loglam = np.log(expl.values.coords["lambda"].to_numpy())
    top = fig.layout.xaxis2
    assert len(top.tickvals) >= 4
    for x, text in zip(top.tickvals, top.ticktext, strict=True):
        assert int(text) == counts[int(np.argmin(np.abs(loglam - x)))]
    assert "Mean-squared error" in fig.layout.yaxis.title.text


def test_cv_curve_without_error_has_no_bars(lasso):
    expl = lasso.cv_curve()
    fig = plots.cv_curve(expl.with_values(expl.values, error=None))
    assert fig.data[0].error_y.array is None


# -- importance -------------------------------------------------------------------
def test_importance_bars_sorted_by_absolute_value(ridge):
    expl = ridge.explain()
    fig = plots.importance(expl)
    bar = fig.data[0]
    values = expl.values.to_numpy()
    order = np.argsort(-np.abs(values), kind="stable")
    np.testing.assert_allclose(arr(bar.x), values[order])
    assert list(bar.y) == [expl.feature_names[i] for i in order]
    assert fig.layout.yaxis.autorange == "reversed"  # largest on top
    colors = list(bar.marker.color)
    assert all((c == plots._common.POSITIVE) == (v > 0) for c, v in zip(colors, bar.x, strict=True))
    assert any(v < 0 for v in bar.x) and any(v > 0 for v in bar.x)


def test_importance_top_and_zero_bars(lasso):
    expl = lasso.explain()
    fig = plots.importance(expl, top=2)
    values = expl.values.to_numpy()
    np.testing.assert_allclose(arr(fig.data[0].x), values[np.argsort(-np.abs(values))[:2]])
    full = plots.importance(expl).data[0]
    assert list(full.marker.color).count(plots._common.NEUTRAL) == int(np.sum(values == 0))
    with pytest.raises(ValueError, match="top"):
        plots.importance(expl, top=0)


# -- contributions ----------------------------------------------------------------
def test_contributions_waterfall_ends_at_the_prediction(lasso, ridge, data):
    _, _, Xh, _ = data
    for model in (lasso, ridge):
        expl = model.explain(Xh)
        for row in (0, 5, -1):
            fig = plots.contributions(expl, row)
            wf = fig.data[0]
            x = arr(wf.x)
            assert list(wf.measure) == ["absolute", *["relative"] * (len(x) - 2), "total"]
            assert x[0] == pytest.approx(expl.base_value)
            contrib = expl.values.isel(sample=row).to_numpy()
            assert x[1:-1].sum() == pytest.approx(contrib.sum())
            expected = model.predict(Xh.iloc[[row]])[0]
            assert x[-1] == pytest.approx(expected)
            assert x[0] + x[1:-1].sum() == pytest.approx(x[-1])


def test_contributions_labels_carry_feature_values_and_sort(ridge, data):
    _, _, Xh, _ = data
    expl = ridge.explain(Xh)
    fig = plots.contributions(expl, 3)
    wf = fig.data[0]
    contrib = expl.values.isel(sample=3).to_numpy()
    order = np.argsort(-np.abs(contrib))
    feats = expl.feature_names
    row = Xh.iloc[3]
    for label, j in zip(list(wf.y)[1:-1], order, strict=True):
        assert label.startswith(f"{feats[j]} = ")
        assert float(label.split(" = ")[1]) == pytest.approx(row[feats[j]], rel=1e-2)
    np.testing.assert_allclose(arr(wf.x)[1:-1], contrib[order])
    # the title names the row by its DataFrame label
    assert str(Xh.index[3]) in fig.layout.title.text


def test_contributions_top_folds_the_rest_and_drops_zeros(lasso, ridge, data):
    _, _, Xh, _ = data
    fig = plots.contributions(ridge.explain(Xh), 0, top=3)
    wf = fig.data[0]
    assert len(wf.x) == 1 + 3 + 1 + 1
    assert wf.y[-2] == "5 other features"
    assert arr(wf.x)[0] + arr(wf.x)[1:-1].sum() == pytest.approx(wf.x[-1])
    lasso_expl = lasso.explain(Xh)
    n_nonzero = int(np.count_nonzero(lasso.coef_))
    assert len(plots.contributions(lasso_expl, 0).data[0].x) == n_nonzero + 2
    with pytest.raises(IndexError):
        plots.contributions(lasso_expl, 20)


# -- wrong input ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("func", "expected"),
    [
        (plots.path, "('lambda', 'feature')"),
        (plots.cv_curve, "('lambda',)"),
        (plots.importance, "('feature',)"),
        (plots.contributions, "('sample', 'feature')"),
    ],
)
def test_wrong_dims_name_the_dims_expected(func, expected, lasso):
    wrong = lasso.explain() if func is not plots.importance else lasso.path()
    pattern = rf"needs an Explanation with dims {re.escape(expected)}, got dims"
    with pytest.raises(ValueError, match=pattern):
        func(wrong)
    with pytest.raises(TypeError, match="interpkit.Explanation"):
        func(lasso)  # an explainer is not an explanation


def test_stability_plots_reject_other_inputs(lasso, lasso_stab):
    with pytest.raises(TypeError, match="StabilityResult"):
        plots.stability(lasso.explain())
    local = interpkit.Explanation(
        xr.DataArray(np.zeros((2, 3)), dims=("sample", "feature")), method="x"
    )
    bad = type(lasso_stab)(
        replicates=interpkit.stack([local, local]),
        reference=local,
        predictions=None,
        y_eval=None,
        replicate_info=lasso_stab.replicate_info,
        scheme="bootstrap",
    )
    with pytest.raises(ValueError, match=r"\('replicate', 'feature'\)"):
        plots.stability(bad)
    with pytest.raises(ValueError, match="X_eval"):
        plots.prediction_stability(bad)
    with pytest.raises(TypeError, match="dict"):
        plots.compare_stability([lasso_stab])


# -- stability ----------------------------------------------------------------------------
def test_stability_intervals_reference_and_frequency(lasso_stab):
    fig = plots.stability(lasso_stab)
    summary = lasso_stab.summary()
    names = [str(f) for f in summary.index]
    assert list(fig.layout.yaxis.ticktext) == names  # ordered by mean rank
    pos = np.arange(len(names))

    mean = next(t for t in fig.data if t.name.startswith("mean"))
    np.testing.assert_allclose(arr(mean.x), summary["mean"])
    np.testing.assert_allclose(arr(mean.y), pos)
    np.testing.assert_allclose(arr(mean.x) + arr(mean.error_x.array), summary["upper"])
    np.testing.assert_allclose(arr(mean.x) - arr(mean.error_x.arrayminus), summary["lower"])

    ref = by_name(fig, "full-data fit")
    np.testing.assert_allclose(arr(ref.x), summary["reference"])
    np.testing.assert_allclose(arr(ref.x), lasso_stab.reference.values.sel(feature=names))

    freq = by_name(fig, "selection frequency")
    np.testing.assert_allclose(arr(freq.x), summary["selection_frequency"])
    assert freq.xaxis == "x2"

    med = by_name(fig, "median")
    reps = lasso_stab.replicates.values.sel(feature=names)
    np.testing.assert_allclose(arr(med.x), reps.median("replicate"))

    points = by_name(fig, "replicates")
    np.testing.assert_allclose(arr(points.x), reps.transpose("replicate", "feature").values.ravel())
    # jitter stays within each feature's row
    row_of = np.tile(pos, lasso_stab.n_replicates)
    assert np.all(np.abs(arr(points.y) - row_of) < 0.3)


def test_stability_top(lasso_stab):
    fig = plots.stability(lasso_stab, top=3, show_replicates=False)
    assert list(fig.layout.yaxis.ticktext) == [str(f) for f in lasso_stab.summary().index[:3]]
    assert all(t.name != "replicates" for t in fig.data)


def test_compare_stability(lasso_stab, ridge_stab):
    fig = plots.compare_stability({"lasso": lasso_stab, "ridge": ridge_stab})
    order = [str(f) for f in lasso_stab.summary().index]
    assert list(fig.layout.yaxis.ticktext) == order
    for name, res in (("lasso", lasso_stab), ("ridge", ridge_stab)):
        summ = res.summary().reindex(order)
        trace = by_name(fig, name)
        np.testing.assert_allclose(arr(trace.x), summ["mean"])
        np.testing.assert_allclose(arr(trace.x) + arr(trace.error_x.array), summ["upper"])
        np.testing.assert_allclose(arr(trace.x) - arr(trace.error_x.arrayminus), summ["lower"])
        freq = by_name(fig, f"{name} selection frequency")
        np.testing.assert_allclose(arr(freq.x), summ["selection_frequency"])
    # the two methods sit side by side, not on top of each other
    assert np.all(arr(by_name(fig, "lasso").y) < arr(by_name(fig, "ridge").y))


# -- prediction stability ---------------------------------------------------------------------
def test_prediction_stability_points_are_the_replicate_predictions(lasso_stab):
    fig = plots.prediction_stability(lasso_stab)
    preds = lasso_stab.predictions.transpose("replicate", "sample").to_numpy()
    obs = lasso_stab.y_eval
    points = by_name(fig, "replicate predictions")
    np.testing.assert_allclose(arr(points.y), preds.ravel())
    np.testing.assert_allclose(arr(points.x), np.tile(obs, preds.shape[0]))

    summ = lasso_stab.prediction_summary()
    mean = next(t for t in fig.data if t.name.startswith("mean"))
    np.testing.assert_allclose(arr(mean.x), obs)
    np.testing.assert_allclose(arr(mean.y), summ["mean"])
    np.testing.assert_allclose(arr(mean.y) + arr(mean.error_y.array), summ["upper"])
    np.testing.assert_allclose(arr(mean.y) - arr(mean.error_y.arrayminus), summ["lower"])

    line = by_name(fig, "y = x")
    np.testing.assert_allclose(arr(line.x), arr(line.y))
    lo, hi = arr(line.x)
    assert lo <= min(preds.min(), obs.min()) and hi >= max(preds.max(), obs.max())
    assert fig.layout.xaxis.title.text == "observed"


def test_prediction_stability_needs_y_eval(lasso, data):
    X, y, Xh, _ = data
    res = lasso.stability(X, y, n_boot=2, X_eval=Xh, random_state=0)
    with pytest.raises(ValueError, match="y_eval"):
        plots.prediction_stability(res)


def test_compare_prediction_stability_panels(lasso_stab, ridge_stab):
    fig = plots.compare_prediction_stability({"lasso": lasso_stab, "ridge": ridge_stab})
    points = [t for t in fig.data if t.name == "replicate predictions"]
    assert [t.xaxis for t in points] == ["x", "x2"]
    for trace, res in zip(points, (lasso_stab, ridge_stab), strict=True):
        np.testing.assert_allclose(arr(trace.y), res.predictions.values.ravel())
    # shared axes: the same range in both panels
    assert list(fig.layout.xaxis.range) == list(fig.layout.xaxis2.range)


def test_every_figure_serialises(lasso, lasso_stab, ridge_stab, data):
    figs = [
        plots.path(lasso.path()),
        plots.cv_curve(lasso.cv_curve()),
        plots.importance(lasso.explain()),
        plots.contributions(lasso.explain(data[2])),
        plots.stability(lasso_stab),
        plots.compare_stability({"a": lasso_stab, "b": ridge_stab}),
        plots.prediction_stability(lasso_stab),
        plots.compare_prediction_stability({"a": lasso_stab, "b": ridge_stab}),
    ]
    for fig in figs:
        assert fig.to_json()
        assert fig.layout.title.text


def test_spread_labels_keeps_order_gap_and_bounds():
    from interpkit.plots._common import spread_labels

    rng = np.random.default_rng(1)
    y = np.concatenate([rng.normal(0, 0.01, 12), [1.0, -2.0]])
    out = spread_labels(y, min_gap=0.1, bounds=(-2.0, 1.0))
    order = np.argsort(y, kind="stable")
    assert np.all(np.diff(out[order]) >= 0.1 - 1e-9)
    assert out.min() >= -2.0 - 1e-9 and out.max() <= 1.0 + 1e-9
    # labels that do not collide stay where they are
    np.testing.assert_allclose(spread_labels(np.array([0.0, 1.0, 2.0]), 0.5), [0.0, 1.0, 2.0])
