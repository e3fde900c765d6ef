"""The shared result type: every shape later adapters need, tidy frames, exact save/load."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import interpkit
from interpkit import Explanation

RNG = np.random.default_rng(0)


def _da(shape, dims, **coords):
    return xr.DataArray(RNG.normal(size=shape), dims=dims, coords=coords)


SHAPES = {
    "local": _da((4, 3), ("sample", "feature"), feature=["a", "b", "c"]),
    "global": _da((3,), ("feature",), feature=["a", "b", "c"]),
    "path": _da((5, 3), ("lambda", "feature"), **{"lambda": np.geomspace(1, 1e-3, 5)}),
    "cv_curve": _da((5,), ("lambda",), **{"lambda": np.geomspace(1, 1e-3, 5)}),
    "shape_function": _da((3, 7), ("feature", "grid"), feature=["a", "b", "c"]),
    "tokens": _da((2, 6), ("sample", "token")),
    "activations": _da((2, 4, 8), ("layer", "sample", "unit")),
    "image": _da((2, 3, 4, 4), ("sample", "channel", "height", "width")),
}


def _full(values):
    """An Explanation using every optional field."""
    data = None
    if values.dims == ("sample", "feature"):
        data = values.copy(data=RNG.integers(0, 5, size=values.shape).astype(float))
    return Explanation(
        values=values,
        method="synthetic",
        backend="numpy",
        versions={"interpkit": interpkit.__version__},
        params={"alpha": 0.5, "grid": [1, 2], "name": "x", "flag": True, "none": None},
        output_name="y",
        base_value=1.25,
        data=data,
        error=abs(values) / 10,
        annotations={"lambda_min": 0.1, "nan_is_kept": float("nan")},
    )


@pytest.mark.parametrize("kind", SHAPES)
def test_every_shape_round_trips_exactly(kind, tmp_path):
    expl = _full(SHAPES[kind])
    loaded = interpkit.load(expl.save(tmp_path / f"{kind}.ipk"))
    assert loaded.equals(expl)
    assert loaded.dims == SHAPES[kind].dims
    np.testing.assert_array_equal(loaded.to_numpy(), expl.to_numpy())
    xr.testing.assert_identical(loaded.values, expl.values)
    xr.testing.assert_identical(loaded.error, expl.error)
    assert loaded.params == expl.params
    assert np.isnan(loaded.annotations["nan_is_kept"])


@pytest.mark.parametrize("kind", SHAPES)
def test_to_frame_is_tidy(kind):
    expl = _full(SHAPES[kind])
    frame = expl.to_frame()
    assert list(frame.columns) == [*expl.dims, "value", "error"]
    assert len(frame) == expl.values.size
    # the value at the first coordinates of every dim matches the array
    first = frame.iloc[0]
    assert first["value"] == expl.to_numpy().ravel()[0]
    assert first["error"] == pytest.approx(abs(first["value"]) / 10)


def test_save_does_not_use_pickle(tmp_path):
    import json
    import zipfile

    # object-dtype string coordinates would need pickle; zarr stores them as UTF-8
    values = xr.DataArray(
        [1.0, 2.0], dims=("feature",), coords={"feature": np.array(["a", "b"], dtype=object)}
    )
    path = Explanation(values, method="m").save(tmp_path / "e.ipk")
    with zipfile.ZipFile(path) as zf:
        specs = [json.loads(zf.read(n)) for n in zf.namelist() if n.endswith(".zarray")]
    assert specs and all(f["id"] != "pickle" for spec in specs for f in spec.get("filters") or [])
    assert {f["id"] for spec in specs for f in spec.get("filters") or []} == {"vlen-utf8"}
    loaded = interpkit.load(path)
    assert loaded.feature_names == ["a", "b"]


def test_base_value_as_dataarray_round_trips(tmp_path):
    lam = np.geomspace(1, 0.01, 4)
    values = xr.DataArray(np.ones((4, 2)), dims=("lambda", "feature"), coords={"lambda": lam})
    base = xr.DataArray(np.arange(4.0), dims=("lambda",), coords={"lambda": lam})
    expl = Explanation(values, method="m", base_value=base)
    loaded = interpkit.load(expl.save(tmp_path / "p.ipk"))
    xr.testing.assert_identical(loaded.base_value, base)


def test_load_rejects_foreign_zip(tmp_path):
    import zipfile

    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", '{"format": 999}')
    with pytest.raises(ValueError, match="not an interpkit explanation"):
        interpkit.load(path)


def test_stack_adds_replicate_dim():
    reps = [_full(SHAPES["global"].copy(data=np.full(3, float(i)))) for i in range(4)]
    stacked = interpkit.stack(reps)
    assert stacked.dims == ("replicate", "feature")
    np.testing.assert_array_equal(stacked.to_numpy()[:, 0], [0, 1, 2, 3])
    assert stacked.error.dims == ("replicate", "feature")
    assert stacked.base_value.dims == ("replicate",)
    assert stacked.method == "synthetic"


def test_stack_needs_input():
    with pytest.raises(ValueError, match="at least one"):
        interpkit.stack([])


def test_values_must_be_dataarray():
    with pytest.raises(TypeError, match="xarray.DataArray"):
        Explanation(np.ones(3), method="m")


def test_error_must_match_dims():
    values = SHAPES["global"]
    with pytest.raises(ValueError, match="error dims"):
        Explanation(values, method="m", error=SHAPES["local"])


def test_params_must_be_serialisable():
    with pytest.raises(TypeError, match="not JSON-serialisable"):
        Explanation(SHAPES["global"], method="m", params={"f": object()})


def test_equals_sees_small_differences():
    a = _full(SHAPES["global"])
    b = a.with_values(a.values + 1e-15)
    assert a.equals(a) and not a.equals(b)
    assert not a.equals(a.with_values(a.values, base_value=1.0 + 1e-12))


def test_displays_in_jupyter_and_repr():
    expl = _full(SHAPES["local"])
    html = expl._repr_html_()
    assert "interpkit.Explanation" in html and "synthetic" in html and "lambda_min" in html
    assert "sample: 4, feature: 3" in repr(expl)


def test_feature_names_and_frame_types():
    expl = _full(SHAPES["global"])
    assert expl.feature_names == ["a", "b", "c"]
    assert _full(SHAPES["tokens"]).feature_names is None
    assert isinstance(expl.to_frame(), pd.DataFrame)
