"""compare() calls replicates paired only when they drew the same rows from the same data.

The stability engine records a fingerprint of every replicate's row draw
(``replicate_info["rows_fingerprint"]``: a hash of the data, the scheme and
the drawn rows); compare() pairs two results only when all of them match.
"""

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsRegressor

import interpkit
from interpkit.datasets import load_prostate
from interpkit.stability.scopes import draw_rows, rows_fingerprint

pytest.importorskip("glmnet")

KW = {"n_boot": 3, "random_state": 0, "progress": False}


@pytest.fixture(scope="module")
def prostate():
    return load_prostate(return_X_y=True)


@pytest.fixture(scope="module")
def lasso_boot(prostate):
    return interpkit.LassoExplainer(cv=3).stability(*prostate, **KW)


def agreement(a, b):
    return interpkit.compare({"a": a, "b": b}).agreement()


def test_same_scheme_and_seed_are_paired_across_explainers(prostate, lasso_boot):
    ridge = interpkit.RidgeExplainer(cv=3).stability(*prostate, **KW)
    agree = agreement(lasso_boot, ridge)
    assert agree["paired"].all()
    assert agree["note"].str.contains("row fingerprints match").all()
    # glmnet weights a bootstrap's distinct rows by their counts; k-NN takes no weights and
    # gets the duplicated rows: the same draw, so still paired
    knn = interpkit.ImportanceExplainer(KNeighborsRegressor(), method="permutation")
    knn_res = knn.stability(*prostate, **KW)
    assert lasso_boot.params["resampling"] == "weights"
    assert knn_res.params["resampling"] == "duplicate rows"
    assert agreement(lasso_boot, knn_res)["paired"].all()


def test_bootstrap_vs_subsample_is_unpaired(prostate, lasso_boot):
    sub = interpkit.LassoExplainer(cv=3).stability(*prostate, scheme="subsample", **KW)
    # the same seeds, which earlier versions took for "paired"
    assert (sub.replicate_info["seed"] == lasso_boot.replicate_info["seed"]).all()
    agree = agreement(lasso_boot, sub)
    assert not agree["paired"].any()
    assert agree["note"].str.contains("different schemes \\(bootstrap vs subsample\\)").all()


def test_other_seeds_or_other_data_are_unpaired(prostate, lasso_boot):
    X, y = prostate
    other_seed = interpkit.LassoExplainer(cv=3).stability(X, y, **{**KW, "random_state": 1})
    agree = agreement(lasso_boot, other_seed)
    assert not agree["paired"].any() and agree["note"].str.contains("different seeds").all()
    other_data = interpkit.LassoExplainer(cv=3).stability(X, y + 1.0, **KW)
    agree = agreement(lasso_boot, other_data)
    assert not agree["paired"].any() and agree["note"].str.contains("different data").all()


def test_results_without_fingerprints_are_not_called_paired(lasso_boot):
    # e.g. collected elsewhere, or saved by an older interpkit: seeds but no fingerprints
    old = interpkit.StabilityResult.from_explanations(
        [lasso_boot.reference] * 3,
        lasso_boot.reference,
        scheme="bootstrap",
        replicate_info=lasso_boot.replicate_info[["seed"]],
    )
    agree = agreement(lasso_boot, old)
    assert not agree["paired"].any()
    assert agree["note"].str.contains("no row fingerprints").all()


def test_fingerprint_is_the_draw():
    rng = np.random.RandomState(5)
    rows, perm = draw_rows("bootstrap", rng, 10, 10)
    fp = rows_fingerprint("data", "bootstrap", rows, perm)
    assert fp == rows_fingerprint("data", "bootstrap", rows.copy(), None)
    assert fp != rows_fingerprint("other data", "bootstrap", rows, None)
    assert fp != rows_fingerprint("data", "subsample", rows, None)
    assert fp != rows_fingerprint("data", "bootstrap", np.roll(rows, 1), None)
    null_rows, shuffle = draw_rows("permuted_labels", rng, 10, 10)
    assert rows_fingerprint("d", "permuted_labels", null_rows, shuffle) != rows_fingerprint(
        "d", "permuted_labels", null_rows, np.roll(shuffle, 1)
    )
    assert 0 <= fp < 2**63
