"""interpkit.compare: agreement between methods, checked against hand-computed cases."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy.stats import rankdata

import interpkit
from interpkit.comparison import Comparison, compare
from interpkit.datasets import load_prostate
from interpkit.explanation import Explanation, stack
from interpkit.stability import StabilityResult

FEATURES = ["a", "b", "c", "d", "e"]


def expl(values, features=FEATURES, method="demo", **kw):
    vals = xr.DataArray(np.asarray(values, float), dims=("feature",), coords={"feature": features})
    return Explanation(vals, method=method, backend="numpy", **kw)


def stab(replicate_values, reference, seeds=None, method="demo", features=FEATURES):
    reps = stack([expl(v, features, method) for v in replicate_values])
    seeds = np.arange(len(replicate_values)) if seeds is None else seeds
    # as the engine records them: one row-draw fingerprint per replicate (here: by seed)
    info = pd.DataFrame({"seed": seeds, "rows_fingerprint": np.asarray(seeds) + 1000})
    info.index.name = "replicate"
    return StabilityResult(
        replicates=reps,
        reference=expl(reference, features, method),
        predictions=None,
        y_eval=None,
        replicate_info=info,
        scheme="bootstrap",
    )


def metric(agree, name, col="value", pair=None):
    rows = agree[agree["metric"] == name]
    if pair is not None:
        rows = rows[(rows["method_a"] == pair[0]) & (rows["method_b"] == pair[1])]
    assert len(rows) == 1
    return rows[col].iloc[0]


REPS = [
    [5.0, -4, 3, 0, 1],
    [4.0, -5, 2, 1, 0],
    [6.0, -3, 0, 2, 1],
]


# -- oracles on small cases -----------------------------------------------------------------
def test_identical_inputs_agree_perfectly():
    e = expl([5.0, -4, 3, 0.5, 1])
    agree = compare({"x": e, "y": e}).agreement()
    assert set(agree["metric"]) == {"spearman", "kendall", "jaccard", "sign"}
    np.testing.assert_allclose(agree["value"], 1.0)
    assert agree["lower"].isna().all()  # no replicates, no interval


def test_identical_stability_results_zero_width_intervals():
    s = stab(REPS, [5.0, -4, 3, 0.5, 1])
    agree = compare({"x": s, "y": s}).agreement()
    np.testing.assert_allclose(agree["value"], 1.0)
    np.testing.assert_allclose(agree["mean"], 1.0)
    np.testing.assert_allclose(agree["lower"], agree["upper"])
    np.testing.assert_allclose(agree["lower"], 1.0)
    assert agree["paired"].all()
    assert (agree["n_replicates"] == 3).all()


def test_reversed_ranking_is_minus_one():
    agree = compare({"x": expl([5, 4, 3, 2, 1]), "y": expl([-1, 2, -3, 4, -5])}).agreement()
    assert metric(agree, "spearman") == pytest.approx(-1.0)
    assert metric(agree, "kendall") == pytest.approx(-1.0)


def test_top_k_jaccard_by_hand():
    # top-2 by |value|: x -> {a, b}; y -> {b, e}; Jaccard = |{b}| / |{a, b, e}| = 1/3
    x = expl([9.0, -8, 1, 2, 3])
    y = expl([0.0, 7, 1, 2, -9])
    agree = compare({"x": x, "y": y}, top_k=2).agreement()
    assert metric(agree, "jaccard") == pytest.approx(1 / 3)
    assert "top-2" in metric(agree, "jaccard", "basis")
    # top-3: {a, b, e} vs {b, e, d} -> 2/4
    agree3 = compare({"x": x, "y": y}, top_k=3).agreement()
    assert metric(agree3, "jaccard") == pytest.approx(0.5)


def test_sign_agreement_by_hand():
    # nonzero in both: a (+,+) b (-,+) d (+,+) e (-,-) ; c is zero in x -> 3/4 agree
    x = expl([1.0, -2, 0, 4, -5])
    y = expl([3.0, 1, -2, 2, -1])
    assert metric(compare([x, y]).agreement(), "sign") == pytest.approx(0.75)
    # no feature nonzero in both -> NaN
    z = expl([0.0, 0, 1, 0, 0])
    w = expl([1.0, 2, 0, 3, 4])
    assert np.isnan(metric(compare([z, w]).agreement(), "sign"))


def test_list_names_made_unique_and_matrix():
    x, y = expl([5, 4, 3, 2, 1], method="lasso"), expl([1, 2, 3, 4, 5], method="lasso")
    comp = compare([x, y, x])
    assert comp.names == ["lasso", "lasso_2", "lasso_3"]
    mat = comp.agreement_matrix("spearman")
    assert list(mat.index) == list(mat.columns) == comp.names
    np.testing.assert_allclose(np.diag(mat), 1.0)
    np.testing.assert_allclose(mat.to_numpy(), mat.to_numpy().T)
    assert mat.loc["lasso", "lasso_2"] == pytest.approx(-1.0)
    assert mat.loc["lasso", "lasso_3"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="metric"):
        comp.agreement_matrix("pearson")


def test_table_ranks_shares_and_order():
    x = expl([-4.0, 3, 2, 1, 0])
    y = expl([1.0, 1, 2, 3, 3])
    table = compare({"x": x, "y": y}).table()
    assert table.loc["a", ("x", "rank")] == 1 and table.loc["a", ("y", "rank")] == 4.5
    assert table.loc["d", ("y", "rank")] == 1.5  # ties averaged
    assert table.loc["a", ("x", "share")] == pytest.approx(0.4)
    np.testing.assert_allclose(table[("y", "share")].sum(), 1.0)
    assert list(table[("all", "mean_rank")]) == sorted(table[("all", "mean_rank")])
    assert "rank" in table.attrs["basis"] and "share" in table.attrs["basis"]


# -- input checks ---------------------------------------------------------------------------
def test_type_and_dims_errors():
    e = expl([1.0, 2, 3, 4, 5])
    with pytest.raises(TypeError, match="ndarray"):
        compare({"x": e, "y": np.ones(5)})
    with pytest.raises(TypeError, match="int"):
        compare(3)
    local = Explanation(
        xr.DataArray(np.ones((2, 5)), dims=("sample", "feature"), coords={"feature": FEATURES}),
        method="shap",
    )
    with pytest.raises(ValueError, match=r"\('feature',\).*\('sample', 'feature'\)"):
        compare({"x": e, "y": local})
    with pytest.raises(ValueError, match="at least two"):
        compare([e])
    with pytest.raises(ValueError, match="top_k"):
        compare([e, e], top_k=0)
    with pytest.raises(ValueError, match="join"):
        compare([e, e], join="outer")


def test_mismatched_features_raise_then_inner_join_drops():
    x = expl([1.0, 2, 3, 4, 5])
    y = expl([5.0, 4, 3, 2], features=["b", "a", "d", "z"])
    with pytest.raises(ValueError, match=r"'x' lacks \['z'\].*'y' lacks \['c', 'e'\]"):
        compare({"x": x, "y": y})
    comp = compare({"x": x, "y": y}, join="inner")
    assert comp.features == ["a", "b", "d"]
    assert comp.dropped == {"x": ["c", "e"], "y": ["z"]}
    assert "dropped" in repr(comp) and "z" in repr(comp)
    assert comp.table().attrs["dropped"] == comp.dropped
    assert list(comp.values["y"]) == [4.0, 5.0, 3.0]  # aligned by name, not position


def test_unequal_replicate_counts_no_interval():
    s3 = stab(REPS, [5.0, -4, 3, 0.5, 1])
    s2 = stab(REPS[:2], [5.0, -4, 3, 0.5, 1])
    agree = compare({"x": s3, "y": s2}).agreement()
    assert agree["lower"].isna().all() and not agree["paired"].any()
    assert agree["note"].str.contains("3 vs 2").all()
    np.testing.assert_allclose(agree["value"], 1.0)


def test_unpaired_seeds_recorded():
    s = stab(REPS, [5.0, -4, 3, 0.5, 1])
    t = stab(REPS, [5.0, -4, 3, 0.5, 1], seeds=[7, 8, 9])
    agree = compare({"x": s, "y": t}).agreement()
    assert not agree["paired"].any()
    assert agree["lower"].notna().all()


# -- a real case ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real():
    pytest.importorskip("glmnet")
    X, y = load_prostate(return_X_y=True)
    kw = {"n_boot": 10, "random_state": 0, "progress": False}
    lasso = interpkit.LassoExplainer(cv=5).stability(X, y, **kw)
    ridge = interpkit.RidgeExplainer(cv=5).stability(X, y, **kw)
    return lasso, ridge


@pytest.fixture(scope="module")
def real_comp(real):
    lasso, ridge = real
    return compare({"lasso": lasso, "ridge": ridge}, top_k=3)


def test_real_lasso_vs_ridge(real, real_comp):
    lasso, ridge = real
    agree = real_comp.agreement()
    assert len(agree) == 4
    assert agree["paired"].all() and (agree["n_replicates"] == 10).all()
    assert (agree["lower"] <= agree["upper"]).all()
    assert (agree["lower"] <= agree["mean"]).all() and (agree["mean"] <= agree["upper"]).all()
    # the interval sits around the point agreement here
    sp = agree[agree["metric"] == "spearman"].iloc[0]
    assert sp["lower"] <= sp["value"] <= sp["upper"]

    table = real_comp.table()
    for name, res in (("lasso", lasso), ("ridge", ridge)):
        summ = res.summary()
        ref_rank = pd.Series(rankdata(-np.abs(summ["reference"])), index=summ.index)
        np.testing.assert_allclose(table[(name, "rank")], ref_rank.reindex(table.index))
        np.testing.assert_allclose(table[(name, "lower")], summ["lower"].reindex(table.index))
        np.testing.assert_allclose(
            table[(name, "selection_frequency")], summ["selection_frequency"].reindex(table.index)
        )
        assert (table[(name, "share_lower")] <= table[(name, "share_upper")]).all()
    prov = real_comp.provenance
    assert prov["lasso"]["method"] == "lasso" and prov["ridge"]["kind"] == "stability"
    assert "lambda" in prov["lasso"]["params"]
    assert isinstance(real_comp, Comparison)
    assert "<b>interpkit.Comparison</b>" in real_comp._repr_html_()


# -- plots ----------------------------------------------------------------------------------
def test_heatmap_z_is_agreement_matrix(real_comp):
    from interpkit.plots.compare import agreement_heatmap

    for m in ("spearman", "jaccard"):
        fig = agreement_heatmap(real_comp, m)
        (heat,) = fig.data
        np.testing.assert_allclose(np.asarray(heat.z, float), real_comp.agreement_matrix(m))
        assert list(heat.x) == real_comp.names
    with pytest.raises(TypeError, match="Comparison"):
        agreement_heatmap({"a": 1})


def test_bump_y_are_table_ranks(real_comp):
    from interpkit.plots.compare import rank_bump

    table = real_comp.table()
    fig = rank_bump(real_comp)
    assert [t.name for t in fig.data] == list(table.index)
    for trace in fig.data:
        expected = [table.loc[trace.name, (m, "rank")] for m in real_comp.names]
        np.testing.assert_allclose(np.asarray(trace.y, float), expected)
        assert list(trace.x) == real_comp.names
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # rank 1 at the top
    assert len(rank_bump(real_comp, top=3).data) == 3


def test_compare_intervals_shares(real_comp):
    from interpkit.plots.compare import compare_intervals

    table = real_comp.table()
    fig = compare_intervals(real_comp, top=4)
    assert [t.name for t in fig.data] == real_comp.names
    for trace in fig.data:
        share = table[(trace.name, "share")].iloc[:4].to_numpy()
        np.testing.assert_allclose(np.asarray(trace.x, float), share)
        upper = np.maximum(table[(trace.name, "share_upper")].iloc[:4].to_numpy(), share)
        np.testing.assert_allclose(share + np.asarray(trace.error_x.array, float), upper)
    with pytest.raises(ValueError, match="top"):
        compare_intervals(real_comp, top=0)


def test_compare_is_exported_lazily():
    import interpkit

    e = expl([1.0, 2, 3, 4, 5])
    assert isinstance(interpkit.compare([e, e]), interpkit.Comparison)
