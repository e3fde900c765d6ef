"""Signed importances rank by value, effects by |value|; NaN is never selected nor signed."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from sklearn.linear_model import LinearRegression

import interpkit
from interpkit.agreement import pairwise_metrics
from interpkit.explanation import Explanation
from interpkit.stability import StabilityResult

FEATURES = ["a", "b", "c"]


def expl(values, method):
    vals = xr.DataArray(np.asarray(values, float), dims=("feature",), coords={"feature": FEATURES})
    return Explanation(vals, method=method, backend="numpy")


def result(reps, method, reference=None, scheme="bootstrap"):
    ref = expl(reps[0] if reference is None else reference, method)
    return StabilityResult.from_explanations([expl(r, method) for r in reps], ref, scheme=scheme)


# permutation importances: c helps a little, b hurts when kept (negative), a helps most
PERM = [[0.30, -0.20, 0.10], [0.25, -0.15, 0.05], [0.35, -0.25, 0.08]]


def test_permutation_importance_ranks_by_value():
    res = result(PERM, "permutation_importance")
    table = res.summary()
    assert list(table.index) == ["a", "c", "b"]  # by |value| b would come second
    assert table.loc["b", "mean_rank"] == 3 and table.loc["c", "mean_rank"] == 2
    assert table.attrs["rank_basis"].startswith("rank of value")
    np.testing.assert_array_equal(res.ranks().sel(feature="b").values, [3, 3, 3])


def test_coefficients_rank_by_abs_value():
    res = result(PERM, "lasso")
    table = res.summary()
    assert list(table.index) == ["a", "b", "c"]
    assert table.attrs["rank_basis"].startswith("rank of |value|")


def test_a_real_permutation_importance_is_ranked_by_value():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(120, 3)), columns=FEATURES)
    y = 3 * X["a"] + rng.normal(size=120)
    res = interpkit.ImportanceExplainer(
        LinearRegression(), method="permutation", n_repeats=2
    ).stability(X, y, n_boot=4, random_state=0, progress=False)
    vals = res.replicates.values.transpose("replicate", "feature").to_numpy()
    assert (vals[:, 1:] < 0).any()  # noise features go negative in some replicates
    expected = (-vals).argsort(axis=1).argsort(axis=1) + 1.0  # rank by value, no ties here
    np.testing.assert_array_equal(res.ranks().transpose("replicate", "feature"), expected)
    assert res.summary().attrs["rank_basis"].startswith("rank of value")


def test_null_p_value_of_an_importance_is_one_sided():
    # null importances near 0; the real fit's b is clearly negative: not "significant"
    null = [[0.01, 0.02, -0.01], [-0.02, 0.01, 0.02], [0.0, -0.01, 0.01]]
    res = result(
        null, "permutation_importance", reference=[0.3, -0.2, 0.0], scheme="permuted_labels"
    )
    p = res.summary()["null_p_value"]
    assert p["a"] == pytest.approx(1 / 4)  # no null value reaches 0.3
    assert p["b"] == pytest.approx(1.0)  # every null value is >= -0.2
    coef = result(null, "lasso", reference=[0.3, -0.2, 0.0], scheme="permuted_labels")
    assert coef.summary()["null_p_value"]["b"] == pytest.approx(1 / 4)  # |-0.2| is large


def test_nan_is_never_selected_nor_signed():
    reps = [[1.0, np.nan, 0.0], [2.0, np.nan, np.nan], [-1.0, 3.0, 0.0], [1.0, -3.0, 0.0]]
    table = result(reps, "lasso").summary()
    # a: 4 of 4 nonzero, signs + + - +; b: values in 2 replicates, both nonzero, + and -
    assert table.loc["a", "selection_frequency"] == 1.0
    assert table.loc["a", "sign_agreement"] == 0.75
    assert table.loc["b", "selection_frequency"] == 1.0
    assert table.loc["b", "sign_agreement"] == 0.5
    # c: values 0, NaN, 0, 0: never selected, no sign
    assert table.loc["c", "selection_frequency"] == 0.0
    assert np.isnan(table.loc["c", "sign_agreement"])
    all_nan = result([[1.0, np.nan, 0.0], [2.0, np.nan, 1.0]], "lasso").summary()
    assert np.isnan(all_nan.loc["b", "selection_frequency"])
    assert np.isnan(all_nan.loc["b", "sign_agreement"])
    assert np.isfinite(all_nan.loc["a", "mean_rank"])  # one NaN does not blank the ranks


def test_agreement_skips_nan_and_ranks_importances_by_value():
    m = pairwise_metrics(np.array([1.0, np.nan, -2.0]), np.array([1.0, 5.0, -2.0]), 2)
    assert m["sign"] == 1.0  # the NaN feature is not a disagreement
    assert m["spearman"] == pytest.approx(1.0)
    perm = np.array([0.3, -0.2, 0.1])
    lasso = np.array([3.0, 0.0, 1.0])  # b unused: same order as the importances by value
    assert pairwise_metrics(perm, lasso, 2, (True, False))["spearman"] == pytest.approx(1.0)
    assert pairwise_metrics(perm, lasso, 2, (False, False))["spearman"] < 1
    comp = interpkit.compare(
        {"perm": result(PERM, "permutation_importance"), "lasso": result(PERM, "lasso")}
    )
    assert comp.ranks().loc["b"].tolist() == [3.0, 2.0]
    agree = comp.agreement()
    assert agree.loc[agree["metric"] == "spearman", "basis"].str.contains("perm: of value").all()
