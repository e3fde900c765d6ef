"""Background summaries of a table with text columns: the mode of a text column, never its code."""

from __future__ import annotations

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
import pytest

shap = pytest.importorskip("shap")

from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import GradientBoostingRegressor  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder  # noqa: E402

from interpkit.adapters.shap import ShapExplainer  # noqa: E402
from interpkit.adapters.shap.background import build_background  # noqa: E402

TEXT = ["colour", "shade", "flag"]


def _table(n: int = 240, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    x[:7] = np.nan  # the numeric summaries skip missing values, as pandas does
    colour = rng.choice(["a", "b", "c"], size=n, p=[0.2, 0.3, 0.5])  # mode "c": not code 0
    shade = rng.choice(["dark", "light"], size=n).astype(object)
    shade[: n // 2] = None  # missing is the most frequent level of this column
    frame = pd.DataFrame(
        {
            "x": x,
            "z": rng.exponential(size=n),  # skewed: its median is not its mean
            "colour": colour,
            "shade": shade,
            "flag": rng.random(n) < 0.7,
        }
    )
    y = np.nan_to_num(x) * frame["z"] + 3.0 * (colour == "b") - (colour == "a") * frame["z"]
    return frame, y + 0.05 * rng.normal(size=n)


def _pipeline() -> Pipeline:
    encode = ColumnTransformer(
        [
            ("num", SimpleImputer(), ["x", "z"]),
            ("text", OneHotEncoder(handle_unknown="ignore", sparse_output=False), TEXT),
        ]
    )
    model = GradientBoostingRegressor(n_estimators=60, max_depth=3, random_state=0)
    return Pipeline([("encode", encode), ("model", model)])


@pytest.fixture(scope="module")
def fitted():
    X, y = _table()
    return X, _pipeline().fit(X, y)


def _decoded(ex: ShapExplainer) -> pd.DataFrame:
    return ex.input_codec_.decode(ex.background_)


@pytest.mark.parametrize("how", ["mean", "median"])
def test_summary_row_is_pandas_mean_or_median_and_mode(fitted, how):
    X, pipe = fitted
    ex = ShapExplainer(model=pipe, background=how, random_state=0).fit(X)
    row = _decoded(ex).iloc[0]
    for col in ("x", "z"):
        assert row[col] == pytest.approx(getattr(X[col], how)())  # pandas skips NaN
    for col in ("colour", "flag"):
        assert row[col] == X[col].mode()[0]
    assert row["colour"] == "c" and bool(row["flag"]) is True
    # missing is a level of its own, and here the most frequent one
    assert pd.isna(X["shade"].mode(dropna=False)[0]) and pd.isna(row["shade"])
    assert "mode of" in ex.background_desc_


def _frame_shapley(f, x: pd.DataFrame, background: pd.DataFrame) -> np.ndarray:
    """Interventional Shapley values of one row against a one-row background, by enumeration."""
    cols = list(x.columns)
    p = len(cols)

    def value(coalition: tuple[str, ...]) -> float:
        z = background.copy()
        for c in coalition:
            z[c] = x[c].to_numpy()
        return float(f(z)[0])

    phi = np.zeros(p)
    for j, col in enumerate(cols):
        rest = [c for c in cols if c != col]
        for size in range(p):
            weight = factorial(size) * factorial(p - size - 1) / factorial(p)
            for subset in combinations(rest, size):
                phi[j] += weight * (value((*subset, col)) - value(subset))
    return phi


def test_mean_background_values_are_the_shapley_values_against_the_pandas_row(fitted):
    X, pipe = fitted
    ex = ShapExplainer(model=pipe, background="mean", algorithm="kernel", nsamples=200)
    local = ex.fit(X).explain(X.iloc[10:14])
    # the background built by hand: pandas' mean of numbers, mode of text (missing a level)
    by_hand = X.iloc[:1].copy()
    for col in ("x", "z"):
        by_hand[col] = X[col].mean()
    for col in TEXT:
        by_hand[col] = X[col].mode(dropna=False).iloc[:1].to_numpy()
    for i in range(4):
        truth = _frame_shapley(pipe.predict, X.iloc[[10 + i]], by_hand)
        np.testing.assert_allclose(local.to_numpy()[i], truth, atol=1e-8)
    assert np.ravel(local.base_value)[0] == pytest.approx(pipe.predict(by_hand)[0])


def test_kmeans_clusters_the_numeric_columns_as_shap_kmeans_with_modes_per_cluster(fitted):
    X, pipe = fitted
    ex = ShapExplainer(model=pipe, background=20, random_state=0).fit(X)
    rows = ex.background_source_
    centres, weights, desc = build_background("kmeans:4", rows, list(X.columns), 0, [2, 3, 4])
    direct = shap.kmeans(X[["x", "z"]], 4, round_values=False)  # random_state=0, mean imputed
    np.testing.assert_allclose(centres[:, :2], direct.data, atol=1e-10)
    np.testing.assert_allclose(weights, direct.weights)  # shap's weights sum to 1
    # each centroid's text columns: the mode of the rows of its cluster (nearest centre)
    filled = X[["x", "z"]].fillna(X[["x", "z"]].mean()).to_numpy()
    cluster = np.argmin(((filled[:, None, :] - direct.data[None]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_allclose(np.bincount(cluster, minlength=4) / len(X), direct.weights)
    decoded = ex.input_codec_.decode(centres)
    for c in range(4):
        members = X[cluster == c]
        for col in TEXT:
            expected = members[col].mode(dropna=False).iloc[0]
            got = decoded[col].iloc[c]
            assert (pd.isna(got) and pd.isna(expected)) or got == expected, (c, col)
    assert "numeric columns" in desc


def test_kmeans_background_values_match_shap_kernel_called_directly(fitted):
    X, pipe = fitted
    ex = ShapExplainer(model=pipe, background="kmeans:3", nsamples=200, random_state=0).fit(X)
    assert ex.algorithm_ == "kernel" and ex.background_weights_.sum() == pytest.approx(1.0)
    local = ex.explain(X.iloc[:3])
    labels = {c: list(ex.input_codec_.categories[c]) for c in TEXT}

    def by_hand(codes: np.ndarray) -> pd.DataFrame:  # codes -> the user's table, written out
        frame = pd.DataFrame(codes[:, :2], columns=["x", "z"])
        for j, col in enumerate(TEXT, start=2):
            values = [np.nan if np.isnan(v) else labels[col][int(v)] for v in codes[:, j]]
            frame[col] = pd.Series(values, dtype=object).astype(X[col].dtype)
        return frame

    from shap.utils._legacy import DenseData

    data = DenseData(ex.background_, list(X.columns), None, ex.background_weights_.copy())
    direct = shap.KernelExplainer(lambda Z: pipe.predict(by_hand(Z)), data)
    rows = ex.input_codec_.encode(X.iloc[:3])
    phi = direct.shap_values(rows, nsamples=200, l1_reg=False, silent=True)
    np.testing.assert_allclose(local.to_numpy(), np.asarray(phi), atol=1e-8)


def test_stability_over_backgrounds_redraws_modes_of_text_columns(fitted):
    X, pipe = fitted
    ex = ShapExplainer(model=pipe, background="median", random_state=0).fit(X)
    result = ex.stability(scope="background", n_boot=3, random_state=0, X_explain=X.iloc[:4])
    assert np.isfinite(result.replicates.values.to_numpy()).all()


def test_kmeans_without_a_numeric_column_says_what_to_use():
    X, y = _table()
    X = X[TEXT]
    encode = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    pipe = Pipeline([("encode", encode), ("model", GradientBoostingRegressor())]).fit(X, y)
    with pytest.raises(ValueError, match=r"clusters the numeric columns.*'mean' or 'median'"):
        ShapExplainer(model=pipe, background="kmeans:3").fit(X)
    # the summary row of an all-text table is its modes
    ex = ShapExplainer(model=pipe, background="mean", random_state=0).fit(X)
    assert _decoded(ex).iloc[0]["colour"] == "c"


def test_baseline_sensitivity_compares_summaries_and_a_given_frame_of_a_text_table(fitted):
    from interpkit.adapters.shap.studies import baseline_sensitivity

    X, pipe = fitted
    ex = ShapExplainer(model=pipe, background=30, random_state=0).fit(X)
    given = X.iloc[[5]]
    study = baseline_sensitivity(ex, X.iloc[:3], {"mean": "mean", "row 5": given})
    mean = ShapExplainer(model=pipe, background="mean").fit(X).explain(X.iloc[:3])
    np.testing.assert_allclose(study.explanations["mean"].to_numpy(), mean.to_numpy(), atol=1e-9)
    # one given row: the output of row 5 is the base value
    base = np.ravel(study.explanations["row 5"].base_value)[0]
    assert base == pytest.approx(pipe.predict(given)[0])
