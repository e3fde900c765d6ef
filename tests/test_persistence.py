"""save() / interpkit.load() for every result type: exact round trips, clear refusals."""

import zipfile

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from sklearn.tree import DecisionTreeRegressor

import interpkit
from interpkit.adapters.shap import ShapExplainer
from interpkit.comparison import Comparison
from interpkit.datasets import load_prostate
from interpkit.stability import StabilityResult


def _assert_same_stability(loaded, result):
    assert isinstance(loaded, StabilityResult)
    assert loaded.replicates.equals(result.replicates)
    assert loaded.reference.equals(result.reference)
    xr.testing.assert_identical(loaded.replicates.values, result.replicates.values)
    if result.predictions is None:
        assert loaded.predictions is None
    else:
        xr.testing.assert_identical(loaded.predictions, result.predictions)
    if result.y_eval is None:
        assert loaded.y_eval is None
    else:
        np.testing.assert_array_equal(loaded.y_eval, result.y_eval)
    pd.testing.assert_frame_equal(loaded.replicate_info, result.replicate_info)
    assert (loaded.scheme, loaded.level, loaded.params) == (
        result.scheme,
        result.level,
        result.params,
    )
    assert list(loaded.extras) == list(result.extras)
    for name in result.extras:
        _assert_same_stability(loaded.extras[name], result.extras[name])
    pd.testing.assert_frame_equal(loaded.summary(), result.summary())


@pytest.fixture(scope="module")
def lasso_result():
    X, y = load_prostate(return_X_y=True)
    return interpkit.LassoExplainer(cv=5).stability(
        X.iloc[:80],
        y[:80],
        n_boot=6,
        random_state=0,
        progress=False,
        X_eval=X.iloc[80:],
        y_eval=y[80:],
        X_explain=X.iloc[80:85],
    )


def test_lasso_stability_round_trips_exactly(lasso_result, tmp_path):
    loaded = interpkit.load(lasso_result.save(tmp_path / "lasso.ipk"))
    _assert_same_stability(loaded, lasso_result)
    assert loaded.replicate_info["seed"].tolist() == lasso_result.replicate_info["seed"].tolist()
    assert loaded.extras["local"].replicates.dims == ("replicate", "sample", "feature")


def test_shap_stability_with_local_base_values_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    y = X["a"] * 2 + rng.normal(size=60) * 0.1
    tree = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, y)
    ex = ShapExplainer(model=tree, background=10).fit(X)
    result = ex.stability(
        X, scope="background", n_boot=4, random_state=0, X_explain=X.iloc[:5], progress=False
    )
    assert isinstance(result.extras["local"].replicates.base_value, xr.DataArray)
    _assert_same_stability(interpkit.load(result.save(tmp_path / "shap.ipk")), result)


def test_comparison_round_trips(lasso_result, tmp_path):
    X, y = load_prostate(return_X_y=True)
    ridge = interpkit.RidgeExplainer(cv=5).fit(X.iloc[:80], y[:80]).explain()
    comp = interpkit.compare({"lasso": lasso_result, "ridge / cv": ridge}, top_k=3)
    loaded = interpkit.load(comp.save(tmp_path / "comp.ipk"))
    assert isinstance(loaded, Comparison)
    assert list(loaded.items) == ["lasso", "ridge / cv"]
    _assert_same_stability(loaded.items["lasso"], lasso_result)
    assert loaded.items["ridge / cv"].equals(ridge)
    pd.testing.assert_frame_equal(loaded.values, comp.values)
    pd.testing.assert_frame_equal(loaded.agreement(), comp.agreement())
    pd.testing.assert_frame_equal(loaded.table(), comp.table())
    for key in ("features", "dropped", "top_k", "join", "level", "basis", "provenance"):
        assert getattr(loaded, key) == getattr(comp, key), key


def test_first_format_files_still_load(tmp_path):
    # a file as interpkit 0.x wrote it: a zip of meta.json and .npy arrays
    import json

    path = tmp_path / "old.ipk"
    meta = {
        "format": 1,
        "fields": {
            "values": {
                "kind": "dataarray",
                "dims": ["feature"],
                "array": "values",
                "coords": {"feature": {"dims": ["feature"], "array": "values.coord0"}},
                "name": None,
                "attrs": {},
            },
            "data": None,
            "error": None,
            "base_value": 0.5,
            "method": "m",
            "backend": "b",
            "versions": {},
            "params": {"a": 1},
            "output_name": None,
            "annotations": {},
        },
    }
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", json.dumps(meta))
        for name, arr in {
            "values": np.array([1.0, 2.0]),
            "values.coord0": np.array(["x", "y"]),
        }.items():
            with zf.open(f"{name}.npy", "w") as fh:
                np.save(fh, arr)
    loaded = interpkit.load(path)
    assert loaded.feature_names == ["x", "y"] and loaded.base_value == 0.5
    np.testing.assert_array_equal(loaded.to_numpy(), [1.0, 2.0])


def _truncated(path, good):
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _missing_array(path, good):
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            if not item.filename.startswith("replicates/values/value/"):
                dst.writestr(item, src.read(item))


def _wrong_attrs(path, good):
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(
                item, b'{"interpkit": {"format": 2}}' if item.filename == ".zattrs" else data
            )


def _bad_json(path, good):
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"{not json" if item.filename == ".zattrs" else data)


def _random_bytes(path, good):
    path.write_bytes(np.random.default_rng(0).bytes(2000))


def _foreign_zip(path, good):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not ours")


@pytest.mark.parametrize(
    "damage", [_random_bytes, _truncated, _missing_array, _wrong_attrs, _bad_json, _foreign_zip]
)
def test_a_file_that_is_not_ours_gives_one_clear_error(damage, lasso_result, tmp_path):
    good = lasso_result.save(tmp_path / "good.ipk")
    bad = tmp_path / "bad.ipk"
    damage(bad, good)
    with pytest.raises(ValueError, match=r"bad\.ipk is not an interpkit result file") as info:
        interpkit.load(bad)
    assert "Traceback" not in str(info.value)


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.ipk"):
        interpkit.load(tmp_path / "nope.ipk")


def test_saving_something_else_is_refused(tmp_path):
    from interpkit.persist import save

    with pytest.raises(TypeError, match="cannot save a dict"):
        save({}, tmp_path / "x.ipk")


def test_a_result_with_values_on_disk_saves_and_loads(tmp_path):
    X, y = load_prostate(return_X_y=True)
    kw = {"n_boot": 4, "random_state": 0, "progress": False, "X_explain": X.iloc[:6]}
    lazy = interpkit.LassoExplainer(cv=3).stability(X, y, keep_local="summary", **kw)
    eager = interpkit.LassoExplainer(cv=3).stability(X, y, keep_local="all", **kw)
    assert lazy.extras["local"].replicates.values.chunks is not None
    loaded = interpkit.load(lazy.save(tmp_path / "lazy.ipk"))
    _assert_same_stability(loaded, eager)
