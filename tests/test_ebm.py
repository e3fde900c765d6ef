"""EBMExplainer: oracles against InterpretML itself, planted truth, edits, null control."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.base import clone

pytest.importorskip("interpret")

from interpkit import load  # noqa: E402
from interpkit.adapters.ebm import EBMExplainer  # noqa: E402
from interpkit.adapters.ebm.shapes import bin_index  # noqa: E402
from interpkit.stability.engine import keep_reference  # noqa: E402
from tests import contract  # noqa: E402

FAST = {"outer_bags": 3, "max_rounds": 200, "interactions": 0}


def _additive(n=400, seed=0, noise=0.2):
    """y = sin(x0) + 0.5 x1^2 + noise, plus an irrelevant x2."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {"x0": rng.uniform(-3, 3, n), "x1": rng.uniform(-2, 2, n), "x2": rng.normal(size=n)}
    )
    y = np.sin(X["x0"]) + 0.5 * X["x1"] ** 2 + rng.normal(scale=noise, size=n)
    return X, pd.Series(y.to_numpy(), index=X.index)


@pytest.fixture(scope="module")
def additive_fit():
    X, y = _additive()
    return EBMExplainer(outer_bags=4, max_rounds=1000, interactions=0).fit(X, y), X, y


def _with_pair_and_category(n=300, seed=1, binary=False):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "a": rng.uniform(-2, 2, n),
            "b": rng.uniform(-2, 2, n),
            "g": rng.integers(0, 3, n).astype(float),
        }
    )
    eta = X["a"] + X["a"] * X["b"] + 0.5 * (X["g"] == 1)
    if binary:
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    else:
        y = eta + rng.normal(scale=0.3, size=n)
    return X, y


# -- shared contract -------------------------------------------------------------------------
# the n_jobs check starts joblib worker processes (seconds on a busy machine)
_CHECKS = [
    pytest.param(c, marks=pytest.mark.slow)
    if c is contract.check_stability_independent_of_n_jobs
    else c
    for c in contract.CHECKS
]


@pytest.mark.parametrize("check", _CHECKS, ids=lambda c: c.__name__)
def test_contract(check):
    X, y = _additive(n=80)
    X.index = [f"row{i}" for i in range(len(X))]
    check(EBMExplainer(**FAST, random_state=0), X, y)


def test_contract_save_load(tmp_path):
    X, y = _additive(n=80)
    contract.check_save_load(EBMExplainer(**FAST, random_state=0), X, y, tmp_path)


# -- exactness against InterpretML ---------------------------------------------------------
@pytest.mark.parametrize("binary", [False, True], ids=["regression", "binary"])
def test_local_contributions_sum_to_backend_output(binary):
    X, y = _with_pair_and_category(binary=binary)
    ebm = EBMExplainer(
        outer_bags=3, max_rounds=300, interactions=[(0, 1)], feature_types={"g": "nominal"}
    ).fit(X, y)
    assert ebm.task_ == ("binary" if binary else "regression")
    assert ebm.term_names_ == ["a", "b", "g", "a & b"]
    local = ebm.explain(X)
    assert local.feature_names == ebm.term_names_
    total = local.values.sum("feature").to_numpy() + local.base_value
    backend = ebm.ebm_.decision_function(X.to_numpy()) if binary else ebm.ebm_.predict(X)
    np.testing.assert_allclose(total, backend, rtol=0, atol=1e-8)
    np.testing.assert_allclose(ebm.predict(X), backend, rtol=0, atol=1e-8)
    if binary:
        np.testing.assert_allclose(
            ebm.predict_proba(X), ebm.ebm_.predict_proba(X.to_numpy())[:, 1], atol=1e-10
        )
        assert local.output_name == f"log_odds({ebm.classes_[1]})"
    # feature values next to main terms, NaN next to the pair
    np.testing.assert_array_equal(local.data.sel(feature="a").to_numpy(), X["a"].to_numpy())
    assert np.isnan(local.data.sel(feature="a & b").to_numpy()).all()


def test_global_importance_is_mean_abs_main_term_contribution(additive_fit):
    ebm, X, _ = additive_fit
    glob = ebm.explain()
    mean_abs = np.abs(ebm.ebm_.eval_terms(X.to_numpy())).mean(axis=0)
    np.testing.assert_allclose(glob.to_numpy(), mean_abs, rtol=1e-10)
    assert glob.base_value == pytest.approx(float(ebm.ebm_.intercept_))
    assert (glob.error.to_numpy() > 0).all()  # SD across the 4 outer bags


def test_binning_matches_eval_terms_at_cut_points(additive_fit):
    ebm, _, _ = additive_fit
    cuts = ebm.ebm_.bins_[0][0]
    pts = np.r_[cuts, cuts - 1e-9, cuts + 1e-9, -50.0, 50.0]
    Z = np.zeros((pts.size, 3))
    Z[:, 0] = pts
    ours = ebm.ebm_.term_scores_[0][bin_index(ebm.ebm_, 0, pts)]
    np.testing.assert_array_equal(ours, ebm.ebm_.eval_terms(Z)[:, 0])


# -- planted truth ----------------------------------------------------------------------------
def test_shape_functions_recover_true_components(additive_fit):
    ebm, X, _ = additive_fit
    shapes = ebm.shape_functions()
    assert shapes.dims == ("term", "grid")
    assert shapes.params["error"].startswith("sd_across_outer_bags")
    truths = {"x0": np.sin, "x1": lambda v: 0.5 * v**2}
    for term, f in truths.items():
        x = shapes.values.coords["x"].sel(term=term).to_numpy()
        assert x.min() == pytest.approx(X[term].min()) and x.max() == pytest.approx(X[term].max())
        fitted = shapes.values.sel(term=term).to_numpy()
        truth = f(x) - f(X[term].to_numpy()).mean()  # centred like the EBM
        assert np.corrcoef(fitted, truth)[0, 1] > 0.95
    # the irrelevant feature stays small next to the real ones
    imp = ebm.explain().values
    assert float(imp.sel(feature="x2")) < 0.25 * float(imp.sel(feature="x1"))


def test_pair_functions_and_categorical_bars():
    X, y = _with_pair_and_category()
    ebm = EBMExplainer(
        outer_bags=3, max_rounds=300, interactions=[(0, 1)], feature_types={"g": "nominal"}
    ).fit(X, y)
    pairs = ebm.pair_functions(n_grid=15)
    assert list(pairs) == ["a & b"]
    heat = pairs["a & b"]
    assert heat.dims == ("grid_0", "grid_1") and heat.values.shape == (15, 15)
    assert heat.params["features"] == ["a", "b"]
    # the planted a*b surface: corners of equal sign are high, opposite sign low
    v = heat.to_numpy()
    assert v[0, 0] + v[-1, -1] > v[0, -1] + v[-1, 0]
    shapes = ebm.shape_functions()
    g = shapes.values.sel(term="g")
    assert str(shapes.values.coords["kind"].sel(term="g").item()) == "categorical"
    codes = shapes.values.coords["x"].sel(term="g").to_numpy()
    np.testing.assert_array_equal(codes[:3], [0.0, 1.0, 2.0])
    assert np.isnan(codes[3:]).all() and np.isnan(g.to_numpy()[3:]).all()
    assert int(np.nanargmax(g.to_numpy())) == 1  # the planted +0.5 for g == 1
    # a pair term in the local explanation equals the backend's eval_terms column
    local = ebm.explain(X.iloc[:7])
    np.testing.assert_allclose(
        local.values.sel(feature="a & b"), ebm.ebm_.eval_terms(X.iloc[:7].to_numpy())[:, 3]
    )


# -- editing ------------------------------------------------------------------------------------
def test_without_terms_removes_exactly_the_term():
    X, y = _with_pair_and_category()
    ebm = EBMExplainer(
        outer_bags=3, max_rounds=300, interactions=[(0, 1)], feature_types={"g": "nominal"}
    ).fit(X, y)
    before = ebm.explain(X)
    edited = ebm.without_terms(["g", "a & b"])
    removed = before.values.sel(feature=["g", "a & b"]).sum("feature").to_numpy()
    np.testing.assert_allclose(edited.predict(X), ebm.predict(X) - removed, rtol=0, atol=1e-12)
    # the original is untouched; other terms identical
    np.testing.assert_array_equal(ebm.explain(X).to_numpy(), before.to_numpy())
    after = edited.explain(X)
    np.testing.assert_array_equal(after.values.sel(feature="a"), before.values.sel(feature="a"))
    assert (after.values.sel(feature=["g", "a & b"]) == 0).all()
    assert float(edited.term_importances().values.sel(feature="g")) == 0.0
    report = edited.edit_report(X, y)
    np.testing.assert_allclose(report.difference.to_numpy(), -removed, atol=1e-12)
    assert report.metric == "rmse" and report.metric_edited > report.metric_original
    assert report.edits == ["without g, a & b"]
    assert report.summary()["mean_abs_difference"] == pytest.approx(np.abs(removed).mean())


def test_center_terms_keeps_predictions_and_zeroes_reference():
    X, y = _with_pair_and_category()
    ebm = EBMExplainer(**FAST, feature_types={"g": "nominal"}).fit(X, y)
    centred = ebm.center_terms({"g": 2.0})
    np.testing.assert_allclose(centred.predict(X), ebm.predict(X), atol=1e-12)
    local = centred.explain(X)
    at_ref = local.values.sel(feature="g").to_numpy()[X["g"].to_numpy() == 2.0]
    np.testing.assert_array_equal(at_ref, 0.0)
    # centring then removing: everyone predicted as if g were 2
    as_if = centred.without_terms("g").predict(X)
    np.testing.assert_allclose(as_if, ebm.predict(X.assign(g=2.0)), atol=1e-12)
    shifted = ebm.center_terms({"g": 2.0}, keep_predictions=False)
    shift = ebm.explain(X.assign(g=2.0)).values.sel(feature="g").to_numpy()[0]
    np.testing.assert_allclose(shifted.predict(X), ebm.predict(X) - shift, atol=1e-12)


# -- stability and null control -----------------------------------------------------------------
@pytest.mark.slow
def test_stability_extras_on_common_grid(additive_fit):
    ebm, X, y = additive_fit
    result = (
        clone(ebm)
        .set_params(outer_bags=2, max_rounds=300)
        .stability(X, y, n_boot=4, random_state=0, progress=False)
    )
    shapes = result.extras["shape_functions"]
    assert shapes.replicates.dims == ("replicate", "term", "grid")
    ref_x = shapes.reference.values.coords["x"].to_numpy()
    np.testing.assert_array_equal(shapes.replicates.values.coords["x"].to_numpy(), ref_x)
    table = shapes.summary()
    assert {"lower", "upper", "reference"} <= set(table.columns)
    assert (table["upper"] >= table["lower"]).all()
    terms = result.extras["term_importances"]
    assert terms.replicates.feature_names == ["x0", "x1", "x2"]
    # the reference equals a fit on all rows with the seed stability gave it
    assert result.reference.feature_names == ["x0", "x1", "x2"]


@pytest.mark.slow
def test_permuted_labels_null_collapses_importances_and_flattens_shapes(additive_fit):
    ebm, X, y = additive_fit
    small = clone(ebm).set_params(outer_bags=4, max_rounds=300)
    null = small.null_control(X, y, n_permutations=4, random_state=0)
    real = null.reference.values
    perm = null.replicates.values.mean("replicate")
    for term in ("x0", "x1"):
        assert float(perm.sel(feature=term)) < 0.2 * float(real.sel(feature=term))
    assert (null.summary().loc[["x0", "x1"], "null_p_value"] == 1 / 5).all()
    # permuted shape functions are flat within their pointwise null band around 0,
    # while the real sin(x0) curve leaves it
    shapes = null.extras["shape_functions"]
    band = np.abs(shapes.replicates.values).max("replicate")
    real_x0 = np.abs(shapes.reference.values.sel(term="x0"))
    assert float(shapes.replicates.values.std("grid").max()) < 0.15
    assert float((real_x0 > band.sel(term="x0")).mean()) > 0.5


# -- bad input ----------------------------------------------------------------------------------
def test_bad_input_errors():
    X, y = _with_pair_and_category()
    ebm = EBMExplainer(**FAST, feature_types={"g": "nominal"})
    with pytest.raises(ValueError, match="multi-output"):
        ebm.fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="task must be one of"):
        EBMExplainer(task="ordinal").fit(X, y)
    with pytest.raises(ValueError, match="task='multiclass' but y looks continuous"):
        EBMExplainer(task="multiclass").fit(X, y)
    with pytest.raises(ValueError, match="feature_types names unknown features"):
        EBMExplainer(feature_types={"zz": "nominal"}).fit(X, y)
    ebm.fit(X, y)
    with pytest.raises(ValueError, match=r"unknown term names \['nope'\].*'a', 'b', 'g'"):
        ebm.without_terms(["nope"])
    with pytest.raises(ValueError, match="unknown term names"):
        ebm.center_terms({"nope": 1.0})
    with pytest.raises(ValueError, match="not a known category"):
        ebm.center_terms({"g": 9.0})
    unseen = X.iloc[:4].copy()
    unseen.iloc[1, 2] = 7.0
    with pytest.raises(ValueError, match=r"'g' has categories \[7.0\] not seen in training"):
        ebm.explain(unseen)
    with pytest.raises(ValueError, match="not seen in training"):
        ebm.predict(unseen)
    with pytest.raises(ValueError, match="not made by without_terms"):
        ebm.edit_report(X, y)
    # a regression EBM has no predict_proba at all (scikit-learn's available_if)
    with pytest.raises(AttributeError, match="predict_proba is only defined for classification"):
        ebm.predict_proba(X)
    with pytest.raises(ValueError, match="ebm_params sets"):
        EBMExplainer(ebm_params={"outer_bags": 2}).fit(X, y)


def test_auto_task_and_binary_with_three_classes():
    X, _ = _with_pair_and_category()
    y3 = np.arange(len(X)) % 3
    with pytest.raises(ValueError, match="3 classes"):
        EBMExplainer(task="binary", **FAST).fit(X, y3)
    assert EBMExplainer(**FAST)._resolve_task(np.array(["yes", "no"] * 5)) == "binary"
    assert EBMExplainer(**FAST)._resolve_task(np.linspace(0, 1, 10)) == "regression"


def test_shape_function_save_load_roundtrip(tmp_path, additive_fit):
    ebm, _, _ = additive_fit
    shapes = ebm.shape_functions()
    assert load(shapes.save(tmp_path / "s.ipk")).equals(shapes)


def test_prostate_is_quick():
    from interpkit.datasets import load_prostate

    X, y = load_prostate(return_X_y=True)
    ebm = EBMExplainer(interactions=0, outer_bags=4).fit(X, y)
    assert ebm.explain().feature_names == list(X.columns)
    assert np.corrcoef(ebm.predict(X), y)[0, 1] > 0.7


def test_stability_accepts_a_rare_category_missing_from_some_resamples():
    X, y = _with_pair_and_category(n=120)
    X.loc[X.index[:2], "g"] = 5.0  # two rows: many bootstrap samples miss code 5
    ebm = EBMExplainer(**FAST, feature_types={"g": "nominal"})
    result = ebm.stability(X, y, n_boot=4, random_state=2, X_explain=X.iloc[:3], X_eval=X.iloc[:3])
    assert result.extras["local"].replicates.dims == ("replicate", "sample", "feature")
    assert result.extras["categorical_effects"].replicates.dims == ("replicate", "term", "grid")
    missing = [
        i
        for i, seed in enumerate(result.replicate_info["seed"])
        if not np.isin(np.random.RandomState(seed).randint(120, size=120), [0, 1]).any()
    ]
    assert missing == [0]  # random_state=2: the first resample lacks both code-5 rows
    # a replicate that never saw code 5 scores it 0 (InterpretML's unknown bin)
    for i in missing:
        local = result.extras["local"].replicates.values.isel(replicate=i)
        assert float(local.sel(feature="g").isel(sample=0)) == 0.0
    # the explainer itself was not changed by stability()
    assert ebm.categories is None


def test_reference_fit_uses_the_run_workers_with_the_same_numbers():
    """The fit to all rows takes the run's n_jobs for its outer bags; the model is the same."""
    X, y = _additive(n=120)
    ebm = EBMExplainer(**{**FAST, "outer_bags": 4}, random_state=0)
    assert ebm._reference_fit_params(2) == {"n_jobs": 2}
    assert ebm._reference_fit_params(1) == {} and ebm._reference_fit_params(None) == {}
    assert EBMExplainer(n_jobs=3)._reference_fit_params(2) == {}  # the user's own choice
    kw = dict(n_boot=2, random_state=1, progress=False)
    with keep_reference() as serial_ref:
        serial = ebm.stability(X, y, n_jobs=1, **kw)
    with keep_reference() as parallel_ref, parallel_config(backend="threading"):
        parallel = ebm.stability(X, y, n_jobs=2, **kw)
    assert parallel_ref[0].ebm_.n_jobs == 2 and serial_ref[0].ebm_.n_jobs == 1
    assert parallel_ref[0].n_jobs == 1  # the explainer's parameter is restored
    np.testing.assert_array_equal(
        np.concatenate(serial_ref[0].ebm_.term_scores_),
        np.concatenate(parallel_ref[0].ebm_.term_scores_),
    )
    assert serial.reference.values.equals(parallel.reference.values)
    assert serial.replicates.equals(parallel.replicates)
