"""Save and load every interpkit result: :func:`save` and :func:`load`.

An :class:`~interpkit.Explanation`, a :class:`~interpkit.StabilityResult` and
a :class:`~interpkit.Comparison` are written as one zipped zarr store (zarr
format 2, the zip holding the store's files uncompressed, as
``zarr.storage.ZipStore`` reads it), so xarray, R and Julia open the arrays
without interpkit::

    import xarray as xr, zarr
    store = zarr.storage.ZipStore("lasso.ipk", mode="r")
    xr.open_zarr(store, group="replicates/values", zarr_format=2, consolidated=False)

:func:`load` reads what the file holds and returns the same type. Files of
the first format (a zip of ``meta.json`` and ``.npy`` arrays) still load.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from interpkit import _zarr as z
from interpkit.explanation import Explanation

__all__ = ["load", "save"]

_STABILITY_FIELDS = ("scheme", "level", "params")


def save(obj: Any, path: str | Path) -> Path:
    """Write ``obj`` (Explanation, StabilityResult or Comparison) to ``path``; returns it."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    if _has_lazy(obj):
        # values kept on disk (keep_local="summary") go through a directory, chunk by
        # chunk, so saving does not load them into memory
        with tempfile.TemporaryDirectory(prefix=".interpkit-save-", dir=path.parent) as tmp:
            write(tmp, "", obj)
            files = {f.relative_to(tmp).as_posix(): f for f in Path(tmp).rglob("*")}
            _zip({k: f for k, f in files.items() if f.is_file()}, part)
    else:
        import zarr

        buffers: dict[str, Any] = {}
        write(zarr.storage.MemoryStore(store_dict=buffers), "", obj)
        _zip({key: buffer.to_bytes() for key, buffer in buffers.items()}, part)
    # written next to the target, then moved: a failed save leaves no half-written file
    part.replace(path)
    return path


def _zip(files: dict[str, Any], path: Path) -> None:
    """A zip of the store's files (bytes or paths), uncompressed as zarr's ZipStore reads it."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for key in sorted(files):
            if isinstance(files[key], Path):
                zf.write(files[key], key)
            else:
                zf.writestr(key, files[key])


def _has_lazy(obj: Any) -> bool:
    from interpkit.comparison import Comparison
    from interpkit.stability.result import StabilityResult

    if isinstance(obj, Comparison):
        return any(_has_lazy(item) for item in obj.items.values())
    if isinstance(obj, StabilityResult):
        return _has_lazy(obj.replicates) or any(_has_lazy(e) for e in obj.extras.values())
    return isinstance(obj, Explanation) and (
        obj.values.chunks is not None or (obj.error is not None and obj.error.chunks is not None)
    )


def load(path: str | Path) -> Any:
    """Read a result written by ``save()``: an Explanation, StabilityResult or Comparison.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When the file is not one interpkit wrote (or is damaged), naming it.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        if z.is_zarr_dir(path):
            return read(str(path), "")
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
        if "meta.json" in names:
            return _load_format1(path)
        return read(_memory_store(path), "")
    except Exception as err:  # noqa: BLE001 - any failure reading a foreign file is one error
        reason = str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"
        raise ValueError(f"{path} is not an interpkit result file ({reason})") from err


def _memory_store(path: Path) -> Any:
    """The zipped store read into memory: one read of the file, then no I/O per array."""
    import zarr
    from zarr.core.buffer import default_buffer_prototype

    buffer = default_buffer_prototype().buffer
    with zipfile.ZipFile(path) as zf:
        files = {name: buffer.from_bytes(zf.read(name)) for name in zf.namelist()}
    return zarr.storage.MemoryStore(store_dict=files)


def write(store: Any, group: str, obj: Any) -> None:
    """Write ``obj`` into ``group`` of a zarr store (a path or store object)."""
    from interpkit.comparison import Comparison
    from interpkit.stability.result import StabilityResult

    if isinstance(obj, Explanation):
        z.write_explanation(store, group, obj)
    elif isinstance(obj, StabilityResult):
        _write_stability(store, group, obj)
    elif isinstance(obj, Comparison):
        _write_comparison(store, group, obj)
    elif type(obj).__name__ == "Activations":
        from interpkit.representations import _store

        _store.write_activations(store, group, obj)
    else:
        raise TypeError(f"cannot save a {type(obj).__name__}")


def read(store: Any, group: str) -> Any:
    kind = z.read_meta(store, group).get("kind")
    readers = {
        "explanation": z.read_explanation,
        "stability": _read_stability,
        "comparison": _read_comparison,
        "activations": _read_activations,
    }
    if kind not in readers:
        raise ValueError(f"unknown kind {kind!r}")
    return readers[kind](store, group)


def _read_activations(store: Any, group: str) -> Any:
    from interpkit.representations import _store

    return _store.read_activations(store, group)


def _sub(group: str, name: str) -> str:
    return f"{group}/{name}" if group else name


def _write_stability(store: Any, group: str, res: Any) -> None:
    z.write_explanation(store, _sub(group, "replicates"), res.replicates)
    z.write_explanation(store, _sub(group, "reference"), res.reference)
    if res.predictions is not None:
        z.write_dataarray(store, _sub(group, "predictions"), res.predictions)
    if res.y_eval is not None:
        import xarray as xr

        z.write_dataarray(store, _sub(group, "y_eval"), xr.DataArray(np.asarray(res.y_eval)))
    z.write_frame(store, _sub(group, "replicate_info"), res.replicate_info)
    extras = list(res.extras)
    for i, name in enumerate(extras):
        _write_stability(store, _sub(group, f"extras/{i}"), res.extras[name])
    meta = {key: getattr(res, key) for key in _STABILITY_FIELDS}
    meta.update(
        kind="stability",
        extras=extras,
        predictions=res.predictions is not None,
        y_eval=res.y_eval is not None,
    )
    z.write_meta(store, group, meta)


def _read_stability(store: Any, group: str) -> Any:
    from interpkit.stability.result import StabilityResult

    meta = z.read_meta(store, group, "stability")
    predictions = y_eval = None
    if meta["predictions"]:
        predictions = z.read_dataarray(store, _sub(group, "predictions"))
    if meta["y_eval"]:
        y_eval = z.read_dataarray(store, _sub(group, "y_eval")).to_numpy()
    extras = {
        name: _read_stability(store, _sub(group, f"extras/{i}"))
        for i, name in enumerate(meta["extras"])
    }
    return StabilityResult(
        replicates=z.read_explanation(store, _sub(group, "replicates")),
        reference=z.read_explanation(store, _sub(group, "reference")),
        predictions=predictions,
        y_eval=y_eval,
        replicate_info=z.read_frame(store, _sub(group, "replicate_info")),
        extras=extras,
        **{key: meta[key] for key in _STABILITY_FIELDS},
    )


def _write_comparison(store: Any, group: str, comp: Any) -> None:
    import xarray as xr

    names = list(comp.items)
    for i, name in enumerate(names):
        write(store, _sub(group, f"items/{i}"), comp.items[name])
    z.write_dataarray(store, _sub(group, "values"), xr.DataArray(comp.values))
    meta = {
        key: getattr(comp, key)
        for key in ("features", "dropped", "top_k", "join", "level", "basis", "provenance")
    }
    meta.update(kind="comparison", items=names)
    z.write_meta(store, group, meta)


def _read_comparison(store: Any, group: str) -> Any:
    from interpkit.comparison import Comparison

    meta = z.read_meta(store, group, "comparison")
    items = {name: read(store, _sub(group, f"items/{i}")) for i, name in enumerate(meta["items"])}
    values = z.read_dataarray(store, _sub(group, "values")).to_pandas()
    values.columns = pd.Index(list(values.columns), name=values.columns.name)
    return Comparison(
        items=items,
        values=values,
        **{
            key: meta[key]
            for key in ("features", "dropped", "top_k", "join", "level", "basis", "provenance")
        },
    )


def _load_format1(path: Path) -> Explanation:
    """Read the first format: a zip of ``meta.json`` and ``.npy`` arrays."""
    import xarray as xr

    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("meta.json"))
        if meta.get("format") != 1:
            raise ValueError("not an interpkit explanation (unknown format)")
        arrays = {}
        for name in zf.namelist():
            if name.endswith(".npy"):
                with zf.open(name) as fh:
                    arrays[name[:-4]] = np.load(fh, allow_pickle=False)
    fields = meta["fields"]
    for key in ("values", "data", "error", "base_value"):
        spec = fields.get(key)
        if isinstance(spec, dict) and spec.get("kind") == "dataarray":
            coords = {
                name: (tuple(c["dims"]), arrays[c["array"]]) for name, c in spec["coords"].items()
            }
            fields[key] = xr.DataArray(
                arrays[spec["array"]],
                dims=tuple(spec["dims"]),
                coords=coords,
                name=spec["name"],
                attrs=spec["attrs"],
            )
    return Explanation(**fields)
