"""Zarr groups for interpkit's results: the one on-disk format, shared by save and checkpoints.

Every result is a zarr (format 2) group: JSON metadata in the group's
``interpkit`` attribute and each labeled array as an xarray dataset in a
subgroup, so ``xarray.open_zarr(store, group=...)`` (or R's and Julia's
zarr readers) open any piece without interpkit. Nothing is pickled: strings
are stored as UTF-8, numbers as their own dtype.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from interpkit.explanation import Explanation, _json_default

__all__ = [
    "FORMAT",
    "plain_json",
    "read_dataarray",
    "read_explanation",
    "read_frame",
    "read_meta",
    "write_dataarray",
    "write_explanation",
    "write_frame",
    "write_meta",
]

FORMAT = 2  # format 1 was the zip of JSON and .npy files (still read)
_VAR = "value"
_ZARR = {"zarr_format": 2, "consolidated": False}


def plain_json(obj: Any) -> Any:
    """``obj`` with numpy scalars and arrays turned into JSON types."""
    return json.loads(json.dumps(obj, default=_json_default))


def _group(store: Any, group: str, mode: str = "a") -> Any:
    import zarr

    return zarr.open_group(store, path=group, mode=mode, zarr_format=2)


def write_meta(store: Any, group: str, meta: dict[str, Any]) -> None:
    """Store ``meta`` (JSON) as the ``interpkit`` attribute of ``group``."""
    _group(store, group).attrs["interpkit"] = plain_json({"format": FORMAT, **meta})


def read_meta(store: Any, group: str, kind: str | None = None) -> dict[str, Any]:
    """The ``interpkit`` attribute of ``group``; KeyError/ValueError when absent or foreign."""
    meta = dict(_group(store, group, mode="r").attrs["interpkit"])
    if meta.get("format") != FORMAT:
        raise ValueError(f"unknown format {meta.get('format')!r}")
    if kind is not None and meta.get("kind") != kind:
        raise ValueError(f"group {group!r} holds {meta.get('kind')!r}, expected {kind!r}")
    return meta


def write_dataarray(store: Any, group: str, da: xr.DataArray) -> None:
    """One DataArray, coordinates and attrs included, as a dataset in ``group``."""
    ds = da.to_dataset(name=_VAR)
    ds.attrs["interpkit_name"] = json.dumps(da.name)
    ds.attrs["interpkit_coords"] = json.dumps([str(c) for c in da.coords])
    for var in ds.variables.values():
        var.encoding = {}  # xarray stores object arrays of str as UTF-8, never pickled
    ds.to_zarr(store, group=group, mode="w", **_ZARR)


def read_dataarray(store: Any, group: str, lazy: bool = False) -> xr.DataArray:
    """The DataArray :func:`write_dataarray` stored (dask-backed when ``lazy``)."""
    if lazy:
        ds = xr.open_zarr(store, group=group, **_ZARR)
    else:
        ds = xr.open_dataset(store, group=group, engine="zarr", chunks=None, **_ZARR).load()
    name = json.loads(ds.attrs["interpkit_name"])
    for var in ds.variables.values():
        var.encoding = {}
    # coordinates in the order they were written (zarr lists them sorted)
    order = json.loads(ds.attrs["interpkit_coords"])
    values = ds[_VAR].variable
    values.attrs = dict(values.attrs)
    return xr.DataArray(values, coords={c: ds[c].variable for c in order}, name=name)


def write_frame(store: Any, group: str, frame: pd.DataFrame) -> None:
    """A DataFrame with a plain index, its column order and dtypes kept."""
    ds = xr.Dataset.from_dataframe(frame.rename(columns=str))
    ds.attrs["interpkit_columns"] = json.dumps([str(c) for c in frame.columns])
    ds.attrs["interpkit_index"] = json.dumps(frame.index.name)
    for var in ds.variables.values():
        var.encoding = {}
    ds.to_zarr(store, group=group, mode="w", **_ZARR)


def read_frame(store: Any, group: str) -> pd.DataFrame:
    ds = xr.open_dataset(store, group=group, engine="zarr", chunks=None, **_ZARR).load()
    columns = json.loads(ds.attrs["interpkit_columns"])
    frame = ds.to_dataframe()[columns] if columns else pd.DataFrame(index=ds.to_dataframe().index)
    frame.index.name = json.loads(ds.attrs["interpkit_index"])
    return frame


_ARRAY_FIELDS = ("values", "data", "error", "base_value")
_META_FIELDS = ("method", "backend", "versions", "params", "output_name", "annotations")


def write_explanation(store: Any, group: str, expl: Explanation) -> None:
    """An :class:`Explanation` in ``group``: metadata as JSON, each array in a subgroup."""
    fields: dict[str, Any] = {key: getattr(expl, key) for key in _META_FIELDS}
    arrays = []
    for key in _ARRAY_FIELDS:
        value = getattr(expl, key)
        if isinstance(value, xr.DataArray):
            arrays.append(key)
            write_dataarray(store, f"{group}/{key}", value)
        else:
            fields[key] = value.item() if isinstance(value, np.generic) else value
    write_meta(store, group, {"kind": "explanation", "fields": fields, "arrays": arrays})


def read_explanation(store: Any, group: str, lazy: bool = False) -> Explanation:
    meta = read_meta(store, group, "explanation")
    fields = dict(meta["fields"])
    for key in meta["arrays"]:
        fields[key] = read_dataarray(store, f"{group}/{key}", lazy=lazy and key == "values")
    return Explanation(**fields)


def is_zarr_dir(path: Path) -> bool:
    return path.is_dir() and (path / ".zgroup").is_file()
