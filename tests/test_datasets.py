"""interpkit.datasets: shapes, names, dtypes, splits and R's model.matrix layout."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from interpkit.datasets import OZONE_FEATURES, PROSTATE_FEATURES, load_ozone, load_prostate

R_OZONE_FIXTURE = Path(__file__).parent / "fixtures" / "r" / "ozone_interactions_lasso.json"


# -- prostate --------------------------------------------------------------------------
def test_prostate_frame():
    frame = load_prostate()
    assert frame.shape == (97, 10)
    assert list(frame.columns) == [*PROSTATE_FEATURES, "lpsa", "train"]
    assert frame["train"].dtype == bool
    numeric = frame.drop(columns="train")
    assert all(dt == np.float64 for dt in numeric.dtypes)
    assert np.isfinite(numeric.to_numpy()).all()
    assert set(frame["svi"]) == {0.0, 1.0}
    # ESL's corrected value for case 32 (some copies have 6.1076)
    assert frame.loc[31, "lweight"] == pytest.approx(3.804438)


@pytest.mark.parametrize(("split", "n_rows"), [(None, 97), ("train", 67), ("test", 30)])
def test_prostate_splits(split, n_rows):
    frame = load_prostate(split=split)
    assert frame.shape == (n_rows, 10)
    assert isinstance(frame.index, pd.RangeIndex)
    if split is not None:
        assert frame["train"].all() == (split == "train")
        assert (~frame["train"]).all() == (split == "test")
    X, y = load_prostate(split=split, return_X_y=True)
    assert X.shape == (n_rows, 8)
    assert list(X.columns) == list(PROSTATE_FEATURES)
    assert all(dt == np.float64 for dt in X.dtypes)
    assert isinstance(y, pd.Series) and y.name == "lpsa" and y.shape == (n_rows,)
    assert y.dtype == np.float64


def test_prostate_splits_partition_the_rows():
    full = load_prostate()
    train, test = load_prostate(split="train"), load_prostate(split="test")
    together = pd.concat([train, test]).sort_values(["lpsa", "lcavol"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        together, full.sort_values(["lpsa", "lcavol"]).reset_index(drop=True)
    )


@pytest.mark.parametrize("split", ["validation", "Train", "", 1, True])
def test_prostate_bad_split(split):
    with pytest.raises(ValueError, match="split"):
        load_prostate(split=split)


def test_prostate_returns_fresh_copies():
    X, y = load_prostate(return_X_y=True)
    X.iloc[0, 0] = 1e9
    y.iloc[0] = 1e9
    X2, y2 = load_prostate(return_X_y=True)
    assert X2.iloc[0, 0] != 1e9 and y2.iloc[0] != 1e9


# -- ozone -----------------------------------------------------------------------------
def test_ozone_frame():
    frame = load_ozone()
    assert frame.shape == (330, 10)
    assert list(frame.columns) == ["O3", *OZONE_FEATURES]
    assert all(dt == np.float64 for dt in frame.dtypes)
    assert frame["doy"].min() == 33  # faraway's day-of-year, not ESL's LAozone (from 3)
    assert (frame["O3"] > 0).all()  # so log(O3) is defined


def test_ozone_X_y():
    X, y = load_ozone(return_X_y=True)
    assert X.shape == (330, 9)
    assert list(X.columns) == list(OZONE_FEATURES)
    assert all(dt == np.float64 for dt in X.dtypes)
    assert y.name == "O3" and y.dtype == np.float64
    assert_array_equal(y.to_numpy(), load_ozone()["O3"].to_numpy())  # raw, not logged


def test_ozone_interactions():
    X, y = load_ozone(interactions=True, return_X_y=True)
    assert X.shape == (330, 45)
    assert y.shape == (330,)
    assert all(dt == np.float64 for dt in X.dtypes)
    assert list(X.columns[:9]) == list(OZONE_FEATURES)
    assert X.columns[9] == "vh:wind" and X.columns[10] == "vh:humidity"
    assert X.columns[-1] == "vis:doy"
    for name in X.columns[9:]:
        a, b = name.split(":")
        assert_array_equal(X[name].to_numpy(), X[a].to_numpy() * X[b].to_numpy(), err_msg=name)
    assert [tuple(c.split(":")) for c in X.columns[9:]] == list(combinations(OZONE_FEATURES, 2))
    frame = load_ozone(interactions=True)
    assert frame.shape == (330, 46) and frame.columns[0] == "O3"


def test_ozone_interactions_follow_r_model_matrix():
    """Column names and order are R's colnames(model.matrix(O3 ~ .^2, ozone))[-1]."""
    with open(R_OZONE_FIXTURE, encoding="utf-8") as fh:
        r = json.load(fh)
    X, _ = load_ozone(interactions=True, return_X_y=True)
    assert list(X.columns) == r["colnames"]
    assert_array_equal(X.to_numpy(), np.array(r["x"]))


def test_arcene_splits_and_subset():
    from interpkit.datasets import load_arcene

    X, y = load_arcene(return_X_y=True)
    assert X.shape == (100, 10_000) and y.name == "cancer" and int(y.sum()) == 44
    Xs, ys = load_arcene(n_features=200, return_X_y=True)
    assert Xs.shape == (100, 200) and (ys == y).all()
    # the 200 columns of largest train variance, the same ones for the valid split
    top = X.var(ddof=0).sort_values(ascending=False, kind="stable").index[:200]
    assert set(Xs.columns) == set(top)
    assert list(load_arcene(split="valid", n_features=200).columns[:-1]) == list(Xs.columns)
    assert X.iloc[0, :5].tolist() == [0.0, 71.0, 0.0, 95.0, 0.0]  # first row of the file
    with pytest.raises(ValueError, match="split must be"):
        load_arcene(split="test")
    with pytest.raises(ValueError, match="n_features"):
        load_arcene(n_features=0)


def test_adult_encoded_and_labelled():
    from interpkit.datasets import load_adult

    X, y = load_adult(return_X_y=True)
    assert X.shape == (32_561, 13) and "education" not in X
    assert all(dt == np.float64 for dt in X.dtypes)
    assert y.mean() == pytest.approx(7841 / 32561)  # UCI: 7,841 of 32,561 earn >50K
    frame = load_adult(encoded=False, n_rows=3)
    assert frame.loc[0, "workclass"] == "State-gov" and frame.loc[0, "age"] == 39
    # codes follow the alphabetical categories
    cats = load_adult(encoded=False)["workclass"].cat.categories
    assert cats[int(X.loc[0, "workclass"])] == "State-gov"
    with pytest.raises(ValueError, match="n_rows"):
        load_adult(n_rows=0)
