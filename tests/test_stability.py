"""The stability engine: resampling, summaries, determinism, joblib back ends, null controls."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config

from interpkit import LassoExplainer, RidgeExplainer

pytest.importorskip("glmnet")


def _data(n=90, seed=0, signal=True):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 6)), columns=[f"f{j}" for j in range(6)])
    noise = rng.normal(size=n)
    y = (3 * X["f0"] - 2 * X["f1"] + noise) if signal else pd.Series(noise)
    return X, y


@pytest.fixture(scope="module")
def result():
    X, y = _data()
    return LassoExplainer(cv=5).stability(
        X.iloc[:70],
        y.iloc[:70],
        n_boot=30,
        X_eval=X.iloc[70:],
        y_eval=y.iloc[70:],
        random_state=0,
        progress=False,
    )


def test_summary_matches_replicates(result):
    vals = result.replicates.values.transpose("replicate", "feature").to_numpy()
    table = result.summary().loc[[f"f{j}" for j in range(6)]]
    np.testing.assert_allclose(table["mean"], vals.mean(axis=0))
    np.testing.assert_allclose(table["sd"], vals.std(axis=0, ddof=1))
    np.testing.assert_allclose(table["lower"], np.quantile(vals, 0.025, axis=0))
    np.testing.assert_allclose(table["upper"], np.quantile(vals, 0.975, axis=0))
    np.testing.assert_allclose(table["selection_frequency"], (vals != 0).mean(axis=0))
    # ranks of |value| within each replicate, 1 = largest
    ranks = np.argsort(np.argsort(-np.abs(vals), axis=1, kind="stable"), axis=1) + 1
    top = table.index.get_loc("f0")
    assert table["mean_rank"].iloc[top] == pytest.approx(ranks[:, 0].mean())
    np.testing.assert_allclose(table["reference"], result.reference.to_numpy())


def test_planted_features_are_stable_and_lead(result):
    table = result.summary()
    assert list(table.index[:2]) == ["f0", "f1"]
    assert table.loc["f0", "selection_frequency"] == 1.0
    assert table.loc["f1", "sign_agreement"] == 1.0
    assert table.loc["f0", "lower"] > 2 and table.loc["f1", "upper"] < -1
    assert table.loc[["f2", "f3", "f4", "f5"], "selection_frequency"].max() < 0.8
    assert result.rank_agreement() > 0.3


def test_permuted_labels_null_control():
    """With y permuted the lasso should mostly select nothing."""
    X, y = _data()
    rng = np.random.default_rng(5)
    null = LassoExplainer(cv=5).stability(
        X, rng.permutation(y.to_numpy()), n_boot=20, random_state=1, progress=False
    )
    assert null.summary()["selection_frequency"].max() < 0.6


def test_replicate_info_and_predictions(result):
    info = result.replicate_info
    assert len(info) == 30 and {"seed", "lambda", "lambda_min", "lambda_1se", "n_nonzero"} <= set(
        info
    )
    assert (info["lambda"] == info["lambda_1se"]).all()
    assert (info["n_distinct_rows"] < 70).all()  # bootstrap repeats rows
    assert info["lambda_1se"].nunique() > 1  # lambda re-tuned in every replicate
    assert result.predictions.dims == ("replicate", "sample")
    assert result.predictions.shape == (30, 20)
    pred = result.prediction_summary()
    np.testing.assert_allclose(pred["mean"], result.predictions.mean("replicate"))
    assert len(pred) == 20 and pred["observed"].notna().all()
    np.testing.assert_array_equal(pred.index, np.arange(70, 90))  # the user's row labels


def test_subsample_scheme_draws_distinct_rows():
    X, y = _data()
    res = RidgeExplainer(cv=5).stability(
        X, y, n_boot=5, scheme="subsample", subsample_fraction=0.6, random_state=2, progress=False
    )
    assert (res.replicate_info["n_distinct_rows"] == 54).all()
    assert res.summary()["selection_frequency"].eq(1.0).all()  # ridge keeps every feature


def test_same_seed_same_result_across_backends():
    X, y = _data(n=60)
    est = LassoExplainer(cv=4)
    kw = dict(n_boot=6, random_state=7, progress=False)
    base = est.stability(X, y, n_jobs=1, **kw)
    with parallel_config(backend="threading"):
        threaded = est.stability(X, y, n_jobs=2, **kw)
    assert base.replicates.equals(threaded.replicates)
    other_seed = est.stability(X, y, n_jobs=1, n_boot=6, random_state=8, progress=False)
    assert not base.replicates.equals(other_seed.replicates)


@pytest.mark.slow
def test_dask_cluster_gives_identical_result():
    distributed = pytest.importorskip("distributed")
    X, y = _data(n=60)
    est = LassoExplainer(cv=4)
    kw = dict(n_boot=6, random_state=7, progress=False)
    local = est.stability(X, y, n_jobs=1, **kw)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        with distributed.Client(cluster), parallel_config(backend="dask"):
            remote = est.stability(X, y, **kw)
    assert local.replicates.equals(remote.replicates)


def test_fold_labels_follow_the_resampled_rows():
    X, y = _data(n=60)
    folds = np.arange(60) % 5
    res = LassoExplainer(cv=folds).stability(X, y, n_boot=3, random_state=0, progress=False)
    assert res.n_replicates == 3  # would fail if the labels were not subset per replicate


def test_progress_bar_on_request(capsys):
    X, y = _data(n=50)
    LassoExplainer(cv=3).stability(X, y, n_boot=3, random_state=0, progress=True)
    assert "stability (LassoExplainer)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"scheme": "jackknife"}, "scheme must be one of"),
        ({"n_boot": 1}, "n_boot must be an integer >= 2"),
        ({"level": 1.5}, "level must be in"),
        ({"scheme": "subsample", "subsample_fraction": 1.0}, "subsample_fraction"),
        ({"y_eval": [1.0, 2.0]}, "y_eval given without X_eval"),
    ],
)
def test_bad_arguments(kwargs, match):
    X, y = _data(n=40)
    with pytest.raises(ValueError, match=match):
        LassoExplainer(cv=3).stability(X, y, **kwargs)


def test_eval_rows_are_checked():
    X, y = _data(n=40)
    with pytest.raises(ValueError, match="missing columns"):
        LassoExplainer(cv=3).stability(X, y, n_boot=2, X_eval=X.iloc[:3, :2])
    with pytest.raises(ValueError, match="y_eval has 2 values but X_eval has 3"):
        LassoExplainer(cv=3).stability(X, y, n_boot=2, X_eval=X.iloc[:3], y_eval=[1, 2])


@pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")
def test_binomial_replicate_with_one_class_is_reported():
    from sklearn.model_selection import StratifiedKFold

    X, _ = _data(n=40)
    y = np.r_[np.ones(3), np.zeros(37)]  # some bootstrap samples hold too few 1s
    with pytest.raises(ValueError, match="bootstrap replicate .* could not be fit: .*one class"):
        LassoExplainer(family="binomial", cv=StratifiedKFold(3)).stability(
            X, y, n_boot=20, random_state=0, progress=False
        )


def test_bootstrap_copies_of_a_row_share_a_cv_fold():
    rows = np.array([0, 0, 3, 5, 5, 5, 7, 8, 9, 9, 11, 12])
    labels = LassoExplainer(cv=3)._params_for_rows(rows, seed=1)["cv"]
    for r in np.unique(rows):
        assert np.unique(labels[rows == r]).size == 1
    assert np.unique(labels).size == 3
    # the fold labels a user gave follow their rows instead
    given = np.arange(13) % 4
    np.testing.assert_array_equal(
        LassoExplainer(cv=given)._params_for_rows(rows, seed=1)["cv"], given[rows]
    )


def test_grouped_folds_keep_bootstrap_cv_honest():
    """Pure noise, 20 features: with copies split across folds, CV rewards fitting the copies.

    Measured with folds split by position instead: median 2 nonzero coefficients and mean
    selection frequency 0.16; grouped: 0 and 0.01.
    """
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 20)), columns=[f"f{j}" for j in range(20)])
    y = rng.normal(size=60)
    res = LassoExplainer(cv=5).stability(X, y, n_boot=20, random_state=0, progress=False)
    assert res.replicate_info["n_nonzero"].median() == 0
    assert res.summary()["selection_frequency"].mean() < 0.05


def test_permuted_labels_scheme_is_a_null_control():
    X, y = _data()
    real = LassoExplainer(cv=5).stability(X, y, n_boot=10, random_state=0, progress=False)
    null = LassoExplainer(cv=5).stability(
        X, y, n_boot=10, scheme="permuted_labels", random_state=0, progress=False
    )
    assert (null.replicate_info["n_distinct_rows"] == len(X)).all()  # every row, once
    assert real.summary().loc["f0", "selection_frequency"] == 1.0
    assert null.summary().loc["f0", "selection_frequency"] <= 0.3
    # the reference is still the fit on the real labels
    assert null.reference.equals(real.reference)


def test_displays_in_jupyter(result):
    html = result._repr_html_()
    assert "30 bootstrap replicates" in html and "selection_frequency" in html
    assert html.count("<tr") == 2 + 6  # two header rows, then one row per feature


def test_local_explanations_of_every_replicate():
    X, y = _data(n=60)
    rows = X.iloc[:4]
    res = RidgeExplainer(cv=5).stability(
        X, y, n_boot=6, random_state=1, X_explain=rows, progress=False
    )
    local = res.extras["local"]
    assert local.replicates.dims == ("replicate", "sample", "feature")
    assert list(local.reference.values.coords["sample"].values) == list(rows.index)
    # each replicate's local explanation is the one of the same replicate's model:
    # ridge contributions are coefficient * (x - training mean), so dividing by the
    # replicate coefficients gives the same centred rows whatever the replicate
    coef = res.replicates.values.transpose("replicate", "feature").to_numpy()
    contrib = local.replicates.values.transpose("replicate", "sample", "feature").to_numpy()
    centred = contrib / coef[:, None, :]
    np.testing.assert_allclose(
        centred - centred.mean(axis=1, keepdims=True),
        np.broadcast_to(rows.to_numpy() - rows.to_numpy().mean(axis=0), centred.shape),
        atol=1e-8,
    )
    assert len(local.summary()) == 4 * X.shape[1]


def test_local_rows_are_checked_before_any_replicate():
    X, y = _data(n=40)
    with pytest.raises(ValueError, match="missing columns"):
        RidgeExplainer(cv=5).stability(
            X, y, n_boot=3, random_state=0, X_explain=X[["f0"]], progress=False
        )


def test_null_control_reports_p_values():
    X, y = _data(n=80)
    null = LassoExplainer(cv=5).null_control(X, y, n_permutations=19, random_state=0)
    assert null.scheme == "permuted_labels" and null.n_replicates == 19
    table = null.summary()
    ref = np.abs(null.reference.values.to_series())
    vals = np.abs(null.replicates.values.transpose("replicate", "feature").to_numpy())
    for j, name in enumerate(null.reference.feature_names):
        expected = (1 + np.sum(vals[:, j] >= ref[name])) / 20
        assert table.loc[name, "null_p_value"] == pytest.approx(expected)
    # the planted features beat every permutation; bootstrap results have no p-value
    assert table.loc["f0", "null_p_value"] == pytest.approx(1 / 20)
    assert (
        "null_p_value"
        not in LassoExplainer(cv=5)
        .stability(X, y, n_boot=3, random_state=0, progress=False)
        .summary()
    )


def test_from_explanations_summarises_given_replicates(result):
    reps = [result.reference] * 3
    fixed = type(result).from_explanations(reps, result.reference, scheme="seed")
    table = fixed.summary()
    assert fixed.n_replicates == 3 and fixed.scheme == "seed"
    np.testing.assert_array_equal(table["lower"], table["upper"])  # nothing varied
    assert (table["mean_rank"] == table["rank_lower"]).all()
    with pytest.raises(ValueError, match=">= 2 replicates"):
        type(result).from_explanations(reps[:1], result.reference, scheme="seed")
    with pytest.raises(ValueError, match="replicate_info has 2 rows"):
        type(result).from_explanations(
            reps, result.reference, scheme="seed", replicate_info=pd.DataFrame({"a": [1, 2]})
        )


def test_adapter_extras_are_summarised_on_the_reference_context():
    class GridRidge(RidgeExplainer):
        # a toy "shape function": the fitted line of f0 on a grid fixed by the full fit
        def _stability_context(self):
            return np.linspace(-1, 1, 5)

        def _extra_explanations(self, grid):
            import xarray as xr

            from interpkit import Explanation

            slope = float(self.explain().values.sel(feature="f0"))
            vals = xr.DataArray(slope * grid, dims=("grid",), coords={"grid": grid})
            return {"line": Explanation(vals, method="line")}

    X, y = _data(n=60)
    res = GridRidge(cv=5).stability(X, y, n_boot=4, random_state=0, progress=False)
    line = res.extras["line"]
    slopes = res.replicates.values.sel(feature="f0").to_numpy()
    np.testing.assert_allclose(
        line.replicates.values.to_numpy(), slopes[:, None] * np.linspace(-1, 1, 5)
    )
    assert line.replicate_info is res.replicate_info


def test_rank_agreement_is_scipy_kendall_tau_b_over_all_pairs():
    from scipy.stats import kendalltau, rankdata

    from interpkit.stability import kendall_tau_matrix

    rng = np.random.default_rng(3)
    ranks = rankdata(-np.abs(np.round(rng.normal(size=(9, 12)))), axis=1)  # many ties
    ranks[4] = 6.5  # a replicate that ties everything: tau undefined
    mat = kendall_tau_matrix(ranks, chunk=5)  # several chunks of feature pairs
    for a in range(9):
        for b in range(9):
            expected = kendalltau(ranks[a], ranks[b]).statistic
            if np.isnan(expected):
                assert np.isnan(mat[a, b])
            else:
                assert mat[a, b] == pytest.approx(expected, abs=1e-12)
