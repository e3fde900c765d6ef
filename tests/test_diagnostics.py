"""interpkit.diagnostics and its plots: correlation explains unstable importances."""

import time

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import interpkit
from interpkit.diagnostics import (
    cluster_order,
    correlation_matrix,
    correlation_table,
    feature_correlation,
)
from interpkit.explanation import Explanation
from interpkit.plots.diagnostics import (
    correlation_heatmap,
    correlation_vs_importance,
    replicate_distribution,
)
from interpkit.stability import StabilityResult


def fake_result(values: np.ndarray, names: list[str], reference=None) -> StabilityResult:
    """A StabilityResult straight from a (replicate x feature) array, no fitting."""
    reps = xr.DataArray(
        values,
        dims=("replicate", "feature"),
        coords={"replicate": np.arange(len(values)), "feature": names},
        name="importance",
    )
    ref = values.mean(axis=0) if reference is None else reference
    return StabilityResult(
        replicates=Explanation(reps, method="demo"),
        reference=Explanation(
            xr.DataArray(ref, dims=("feature",), coords={"feature": names}, name="importance"),
            method="demo",
        ),
        predictions=None,
        y_eval=None,
        replicate_info=pd.DataFrame(),
        scheme="bootstrap",
    )


@pytest.fixture(scope="module")
def dup_X():
    """a and b near-duplicates, c a noisier copy of a (|ρ| ~ 0.9), d independent."""
    rng = np.random.default_rng(0)
    n = 200
    a = rng.normal(size=n)
    return pd.DataFrame(
        {
            "c": a + 0.5 * rng.normal(size=n),
            "a": a,
            "d": rng.normal(size=n),
            "b": a + 0.05 * rng.normal(size=n),
        }
    )


@pytest.fixture(scope="module")
def dup_result():
    rng = np.random.default_rng(1)
    vals = rng.normal(size=(12, 4))
    vals[:5, 2] = 0.0  # d unselected in 5 of 12 replicates
    return fake_result(vals, ["c", "a", "d", "b"])


# -- correlation_table / correlation_matrix / cluster_order -------------------------------
def test_median_abs_corr_by_hand(dup_X, dup_result):
    table = correlation_table(dup_result, dup_X)
    corr = np.corrcoef(dup_X.to_numpy(), rowvar=False)
    names = list(dup_X.columns)
    for j, name in enumerate(names):
        others = np.abs(np.delete(corr[j], j))
        assert table.loc[name, "median_abs_corr"] == pytest.approx(np.median(others), abs=1e-12)
        assert table.loc[name, "max_abs_corr"] == pytest.approx(others.max(), abs=1e-12)
    assert table.loc["a", "most_correlated_with"] == "b"
    assert table.loc["b", "most_correlated_with"] == "a"
    # the near-duplicates have the highest maximum; the correlated ones a high median
    assert table.loc[["a", "b"], "max_abs_corr"].min() > 0.99
    assert table.loc["c", "max_abs_corr"] < 0.95
    assert table.loc["d", "max_abs_corr"] < 0.2
    assert table.loc[["a", "b", "c"], "median_abs_corr"].min() > 0.8
    assert table.loc["d", "median_abs_corr"] < 0.15


def test_table_joins_summary(dup_X, dup_result):
    table = correlation_table(dup_result, dup_X)
    summary = dup_result.summary()
    assert list(table.index) == list(summary.index)  # mean-rank order
    assert list(table.columns) == [
        "median_abs_corr",
        "max_abs_corr",
        "most_correlated_with",
        "mean",
        "sd",
        "selection_frequency",
        "mean_rank",
    ]
    for col in ("mean", "sd", "selection_frequency", "mean_rank"):
        np.testing.assert_array_equal(table[col].to_numpy(), summary[col].to_numpy())
    assert table.loc["d", "selection_frequency"] == pytest.approx(7 / 12)


def test_column_order_and_array_input(dup_X, dup_result):
    shuffled = dup_X[["b", "d", "a", "c"]]
    pd.testing.assert_frame_equal(
        correlation_table(dup_result, shuffled), correlation_table(dup_result, dup_X)
    )
    # an array is taken in the result's feature order
    pd.testing.assert_frame_equal(
        correlation_table(dup_result, dup_X.to_numpy()), correlation_table(dup_result, dup_X)
    )


def test_spearman_is_pearson_on_ranks(dup_X):
    ranks = dup_X.rank()
    np.testing.assert_allclose(
        correlation_matrix(dup_X, method="spearman").to_numpy(),
        np.corrcoef(ranks.to_numpy(), rowvar=False),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        correlation_matrix(dup_X).to_numpy(), dup_X.corr().to_numpy(), atol=1e-12
    )
    with pytest.raises(ValueError, match="method"):
        correlation_matrix(dup_X, method="kendall")


def test_cluster_order_puts_duplicates_together(dup_X):
    order = cluster_order(dup_X)
    assert sorted(order) == sorted(dup_X.columns)
    assert abs(order.index("a") - order.index("b")) == 1
    # arrays get x0, x1, ... (a, b are columns 1 and 3)
    arr_order = cluster_order(dup_X.to_numpy())
    assert abs(arr_order.index("x1") - arr_order.index("x3")) == 1


def test_cluster_order_blocks():
    rng = np.random.default_rng(3)
    n = 150
    z1, z2 = rng.normal(size=n), rng.normal(size=n)
    cols = {}
    for i in range(4):  # interleave two blocks
        cols[f"u{i}"] = z1 + 0.3 * rng.normal(size=n)
        cols[f"v{i}"] = z2 + 0.3 * rng.normal(size=n)
    order = cluster_order(pd.DataFrame(cols))
    first = {name[0] for name in order[:4]}
    assert len(first) == 1  # one whole block, then the other


def test_correlated_block_is_selected_less_often():
    """The phenomenon: a correlated block carrying the signal is selected erratically.

    y = z + lone + noise; block0..2 are noisy copies of z (|ρ| ~ 0.96), so the
    block as a whole has the lone feature's effect, and the lasso picks
    different members in different replicates.
    """
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)
        n = 100
        z = rng.normal(size=n)
        X = pd.DataFrame({f"block{i}": z + 0.2 * rng.normal(size=n) for i in range(3)})
        X["lone"] = rng.normal(size=n)
        for i in range(3):
            X[f"noise{i}"] = rng.normal(size=n)
        y = z + X["lone"] + rng.normal(size=n)
        result = interpkit.LassoExplainer(cv=5).stability(
            X, y, n_boot=15, random_state=0, progress=False
        )
        table = correlation_table(result, X)
        block = ["block0", "block1", "block2"]
        assert table.loc[block, "max_abs_corr"].min() > 0.9
        assert table.loc["lone", "max_abs_corr"] < 0.35
        assert set(table.loc[block, "most_correlated_with"]) <= set(block)
        assert table.loc["lone", "selection_frequency"] == 1.0
        assert table.loc[block, "selection_frequency"].mean() < 0.9
        assert table.loc[block, "selection_frequency"].min() < 1.0


# -- bad input ----------------------------------------------------------------------------
def test_mismatched_features(dup_X, dup_result):
    with pytest.raises(ValueError, match=r"missing from X: \['d'\]; not in the result: \['e'\]"):
        correlation_table(dup_result, dup_X.rename(columns={"d": "e"}))
    with pytest.raises(ValueError, match=r"3 columns but the result has 4 features"):
        correlation_table(dup_result, dup_X.to_numpy()[:, :3])


def test_constant_column(dup_X, dup_result):
    X = dup_X.assign(d=1.5)
    with pytest.raises(ValueError, match=r"constant columns \['d'\].*undefined"):
        correlation_table(dup_result, X)
    with pytest.raises(ValueError, match="constant columns"):
        cluster_order(X)
    with pytest.raises(ValueError, match="constant columns"):
        feature_correlation(X)


def test_non_numeric_and_nan(dup_X, dup_result):
    with pytest.raises(TypeError, match=r"non-numeric columns \['c'\]"):
        correlation_table(dup_result, dup_X.assign(c=["x"] * len(dup_X)))
    with pytest.raises(TypeError, match="non-numeric"):
        cluster_order(np.array([["a", "1"], ["b", "2"], ["c", "3"]]))
    X = dup_X.copy()
    X.iloc[3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        correlation_table(dup_result, X)


def test_wrong_result_type(dup_X):
    with pytest.raises(TypeError, match="StabilityResult"):
        correlation_table(dup_X, dup_X)
    with pytest.raises(TypeError, match="StabilityResult"):
        replicate_distribution(dup_X)
    with pytest.raises(TypeError, match="correlation_table"):
        correlation_vs_importance([1, 2])
    with pytest.raises(ValueError, match="lacks columns"):
        correlation_vs_importance(pd.DataFrame({"mean": [1.0]}))


def test_p_much_larger_than_n():
    rng = np.random.default_rng(0)
    n, p = 60, 1500
    X = rng.normal(size=(n, p))
    names = [f"x{j}" for j in range(p)]
    result = fake_result(rng.normal(size=(5, p)), names)
    start = time.perf_counter()
    table = correlation_table(result, X)
    order = cluster_order(X)
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0
    assert table.shape == (p, 7)
    assert sorted(order) == sorted(names)
    # at p >> n random columns are still nearly uncorrelated on average
    assert table["median_abs_corr"].between(0.05, 0.15).all()
    j = 17
    corr_j = np.corrcoef(X, rowvar=False)[j]
    assert table.loc["x17", "median_abs_corr"] == pytest.approx(
        np.median(np.abs(np.delete(corr_j, j))), abs=1e-10
    )


# -- plots --------------------------------------------------------------------------------
def test_heatmap_z_is_correlation_in_plotted_order(dup_X):
    corr = feature_correlation(dup_X)
    order = cluster_order(dup_X)
    assert corr.order == order and corr.clustered and corr.method == "pearson"
    expected = dup_X[order].corr().to_numpy()
    np.testing.assert_allclose(corr.matrix.to_numpy(), expected, atol=1e-12)
    fig = correlation_heatmap(corr)
    (heat,) = fig.data
    assert list(heat.x) == order and list(heat.y) == order
    np.testing.assert_array_equal(np.asarray(heat.z), corr.matrix.to_numpy())
    assert heat.zmid == 0 and heat.zmin == -1 and heat.zmax == 1
    assert "hierarchical-clustering order" in fig.layout.title.text

    corr = feature_correlation(dup_X, features=["d", "a", "b"], order=["b", "d", "a"])
    assert not corr.clustered
    fig = correlation_heatmap(corr, absolute=True)
    (heat,) = fig.data
    assert list(heat.x) == ["b", "d", "a"]
    np.testing.assert_allclose(
        np.asarray(heat.z), np.abs(dup_X[["b", "d", "a"]].corr().to_numpy()), atol=1e-12
    )
    assert heat.zmin == 0 and "hierarchical" not in fig.layout.title.text
    # Spearman is Pearson on ranks, and the plot says which it shows
    spearman = feature_correlation(dup_X, method="spearman")
    np.testing.assert_allclose(
        spearman.matrix.to_numpy(),
        dup_X[spearman.order].rank().corr().to_numpy(),
        atol=1e-12,
    )
    assert "Spearman" in correlation_heatmap(spearman).layout.title.text
    with pytest.raises(ValueError, match="features not in X"):
        feature_correlation(dup_X, features=["a", "zz"])
    with pytest.raises(ValueError, match="features has duplicates"):
        feature_correlation(dup_X, features=["a", "a"])
    with pytest.raises(ValueError, match="order must list"):
        feature_correlation(dup_X, order=["a", "b"])
    with pytest.raises(ValueError, match="method must be one of"):
        feature_correlation(dup_X, method="kendall")
    # the plot takes the diagnostics result, not raw data
    with pytest.raises(TypeError, match=r"feature_correlation\(X\), got DataFrame"):
        correlation_heatmap(dup_X)


def test_correlation_vs_importance(dup_X, dup_result):
    table = correlation_table(dup_result, dup_X)
    fig = correlation_vs_importance(table)
    left, right = fig.data
    assert left.name == "importance" and right.name == "selection frequency"
    assert list(left.text) == list(table.index) == list(right.text)
    np.testing.assert_array_equal(left.x, table["median_abs_corr"].to_numpy())
    np.testing.assert_array_equal(left.y, np.abs(table["mean"].to_numpy()))
    np.testing.assert_array_equal(right.y, table["selection_frequency"].to_numpy())
    assert "%{text}" in left.hovertemplate


def test_replicate_distribution_box_data(dup_result):
    fig = replicate_distribution(dup_result, top=3)
    boxes = [t for t in fig.data if t.type == "box"]
    order = list(dup_result.summary().index[:3])
    assert [b.name for b in boxes] == order
    reps = dup_result.replicates.values
    for box in boxes:
        np.testing.assert_array_equal(box.x, reps.sel(feature=box.name).to_numpy())
    (ref,) = [t for t in fig.data if t.name == "full-data fit"]
    np.testing.assert_array_equal(ref.x, dup_result.reference.values.sel(feature=order).to_numpy())
    assert list(fig.layout.yaxis.categoryarray) == order
    assert (
        len([t for t in replicate_distribution(dup_result, top=None).data if t.type == "box"]) == 4
    )
    with pytest.raises(ValueError, match="top"):
        replicate_distribution(dup_result, top=0)


@pytest.mark.parametrize("p", [2, 3, 4, 7, 10])
def test_median_off_diagonal_equals_numpy_median(p):
    from interpkit.diagnostics import _median_off_diagonal

    rng = np.random.default_rng(p)
    corr = np.abs(np.corrcoef(rng.normal(size=(6, p)), rowvar=False))
    expected = [np.median(np.delete(corr[j], j)) for j in range(p)]
    np.testing.assert_allclose(_median_off_diagonal(corr.copy()), expected, atol=1e-15)
