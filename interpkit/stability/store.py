"""Replicates on disk: checkpoints that resume, and local explanations kept out of memory.

A :class:`ZarrCollector` writes every finished replicate into a zarr
(format 2) directory store, one chunk per replicate (and per block of
samples), before :meth:`~ZarrCollector.add` returns: the global values,
error and base value of each explanation (``"global"`` and every extra, the
local explanations included), the predictions, and the replicate's info as
JSON. The info is written last and marks the replicate done, so a process
killed mid-write loses only the replicate in flight.

:func:`open_checkpoint` opens (or creates) such a store for
``stability(..., checkpoint=path)`` and refuses one written by another run,
saying what differs (parameters, data, seeds, explainer, versions: the
fingerprint kept in the store's attributes). Explanations named ``lazy``
come back as dask-backed DataArrays chunked by sample with the replicate dim
whole, so their summaries are computed chunk by chunk.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from interpkit import _zarr as z
from interpkit.explanation import Explanation, _json_default, stack
from interpkit.stability.collect import Record

if TYPE_CHECKING:
    from interpkit.stability.engine import _Job

__all__ = ["ZarrCollector", "fingerprint", "open_checkpoint", "temporary_store"]

_CHUNK_VALUES = 4_000_000  # values per chunk read when summarising lazily (32 MB of float64)
_GLOBAL = "global"


def open_checkpoint(
    path: str | Path,
    job: _Job,
    seeds: np.ndarray,
    params: dict[str, Any],
    lazy: frozenset = frozenset(),
) -> ZarrCollector:
    """The checkpoint store at ``path``: created, or reopened when it holds the same run."""
    path = Path(path)
    mine = fingerprint(job, seeds, params)
    if path.is_file() or (path.is_dir() and any(path.iterdir())):
        try:
            meta = z.read_meta(str(path), "", "checkpoint")
        except Exception as err:  # noqa: BLE001 - anything else is not ours to overwrite
            raise ValueError(
                f"{path} exists and is not an interpkit checkpoint; remove it or choose "
                "another path"
            ) from err
        differences = _differences(mine, meta["fingerprint"])
        if differences:
            raise ValueError(
                f"checkpoint {path} was written by another run: "
                + "; ".join(differences)
                + ". Use another path, or remove it to start over."
            )
    else:
        z.write_meta(str(path), "", {"kind": "checkpoint", "fingerprint": mine})
    return ZarrCollector(path, len(seeds), lazy)


def temporary_store(n: int, lazy: frozenset) -> ZarrCollector:
    """A store in a temporary directory, removed once nothing reads from it any more."""
    path = Path(tempfile.mkdtemp(prefix="interpkit-replicates-"))
    z.write_meta(str(path), "", {"kind": "checkpoint", "fingerprint": {}})
    return ZarrCollector(path, n, lazy, owner=_TemporaryDir(path))


class _TemporaryDir:
    """Removes its directory when garbage collected (every lazy array holds one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        weakref.finalize(self, shutil.rmtree, path, True)


class ZarrCollector:
    """A :class:`~interpkit.stability.collect.Collector` that keeps records in a zarr store.

    Parameters
    ----------
    path : Path
        The store's directory (its attributes already written).
    n : int
        Number of replicates.
    lazy : set of str
        Names (``"global"`` or an extra's) returned dask-backed by :meth:`stacked`.
    owner : object, optional
        Kept alive by every lazy array read from the store (a temporary directory).
    """

    def __init__(self, path: Path, n: int, lazy: frozenset = frozenset(), owner: Any = None):
        import zarr

        self.path = Path(path)
        self.n = n
        self.lazy = frozenset(lazy)
        self._owner = owner
        self._root = zarr.open_group(str(self.path), mode="a", zarr_format=2)
        if "info" not in self._root:
            self._root.create_array("info", shape=(n,), chunks=(1,), dtype=str, fill_value="")
        self._info = self._root["info"]
        self._templates: dict[int, Explanation] = {}
        self._arrays: dict[str, Any] = {}
        self._names_cache: list[str] | None = None

    # -- writing ---------------------------------------------------------------------------
    def done(self) -> set[int]:
        return {int(i) for i in np.flatnonzero(self._info[:] != "")}

    def add(self, record: Record) -> None:
        named = {_GLOBAL: record.explanation, **record.extras}
        if record.index == 0:
            # replicate 0 sets the layout and provenance, as stack() takes it from the first
            z.write_meta(str(self.path), "names", {"kind": "names", "names": list(named)})
            self._names_cache = list(named)
            for i, expl in enumerate(named.values()):
                z.write_explanation(str(self.path), f"explanations/{i}/template", expl)
                self._templates[i] = expl
        names = self._names()
        if list(named) != names:
            raise ValueError(
                f"replicate {record.index} gives explanations {list(named)}, replicate 0 {names}"
            )
        for i, expl in enumerate(named.values()):
            self._write_explanation(i, record.index, expl)
        if record.predictions is not None:
            self._array("predictions", np.asarray(record.predictions))[record.index] = (
                record.predictions
            )
        # last: the info marks the replicate done
        self._info[record.index] = json.dumps(record.info, default=_json_default)

    def _names(self) -> list[str]:
        if self._names_cache is None:
            self._names_cache = z.read_meta(str(self.path), "names", "names")["names"]
        return self._names_cache

    def _array(self, name: str, first: np.ndarray) -> Any:
        if name in self._arrays:
            return self._arrays[name]
        if name in self._root:
            self._arrays[name] = self._root[name]
            return self._arrays[name]
        shape = (self.n, *first.shape)
        per_rep = int(np.prod(first.shape[1:], dtype=np.int64)) or 1
        rows = first.shape[0] if first.ndim else 1
        if first.ndim >= 2:
            # blocks of samples, so a lazy summary reads (all replicates x one block)
            rows = max(1, min(rows, _CHUNK_VALUES // (self.n * per_rep)))
        chunks = (1, rows, *first.shape[1:]) if first.ndim else (1,)
        fill = np.nan if first.dtype.kind == "f" else 0
        self._arrays[name] = self._root.create_array(
            name, shape=shape, chunks=chunks, dtype=first.dtype, fill_value=fill
        )
        return self._arrays[name]

    def _write_explanation(self, i: int, index: int, expl: Explanation) -> None:
        template = self._template(i) if index != 0 else expl
        if expl.values.dims != template.values.dims or expl.values.shape != template.values.shape:
            raise ValueError(
                f"replicate {index} has values of dims {dict(expl.values.sizes)}, replicate 0 "
                f"{dict(template.values.sizes)}: a store needs the same shape in every replicate"
            )
        for field in ("values", "error", "base_value"):
            value = getattr(expl, field)
            if value is None:
                continue
            arr = np.asarray(value.to_numpy() if isinstance(value, xr.DataArray) else value)
            self._array(f"explanations/{i}/{field}", arr)[index] = arr

    def _template(self, i: int) -> Explanation:
        if i not in self._templates:
            self._templates[i] = z.read_explanation(str(self.path), f"explanations/{i}/template")
        return self._templates[i]

    # -- reading ---------------------------------------------------------------------------
    def stacked(self, name: str | None = None) -> Explanation:
        name = _GLOBAL if name is None else name
        i = self._names().index(name)
        template = self._template(i)
        group = f"explanations/{i}"
        if name in self.lazy:
            return self._lazy(template, group)
        arrays = {
            field: self._root[f"{group}/{field}"][:]
            for field in ("values", "error", "base_value")
            if f"{group}/{field}" in self._root
        }
        # the same stack() as in memory, so the result is identical
        return stack([_replicate(template, arrays, r) for r in range(self.n)], dim="replicate")

    def _lazy(self, template: Explanation, group: str) -> Explanation:
        from interpkit._optional import import_backend

        dask_array = import_backend("dask", "keep_local='summary'").array

        def lazy(field: str) -> xr.DataArray | None:
            if f"{group}/{field}" not in self._root:
                return None
            arr = self._root[f"{group}/{field}"]
            chunks = (self.n, *arr.chunks[1:])  # the replicate dim whole, for quantiles
            data = dask_array.from_array(
                _Held(arr, self._owner),
                chunks=chunks,
                asarray=True,
                name=f"interpkit-replicates-{self.path}-{group}-{field}",
            )
            like = getattr(template, field)
            return xr.DataArray(
                data,
                dims=("replicate", *like.dims),
                coords={**like.coords, "replicate": np.arange(self.n)},
                name=like.name,
                attrs=like.attrs,
            )

        base_value = None
        if f"{group}/base_value" in self._root:
            # as stack() builds it, without stacking copies of the template's values
            like = template.base_value
            like = like if isinstance(like, xr.DataArray) else xr.DataArray(like)
            base_value = xr.DataArray(
                self._root[f"{group}/base_value"][:],
                dims=("replicate", *like.dims),
                coords={**like.coords, "replicate": np.arange(self.n)},
                name=like.name,
                attrs=like.attrs,
            )
        return Explanation(
            **{
                **{f: getattr(template, f) for f in ("method", "backend", "versions", "params")},
                "output_name": template.output_name,
                "data": template.data,
                "values": lazy("values"),
                "error": lazy("error"),
                "base_value": base_value,
            }
        )

    def predictions(self) -> np.ndarray | None:
        return self._root["predictions"][:] if "predictions" in self._root else None

    def infos(self) -> list[dict[str, Any]]:
        return [json.loads(text) for text in self._info[:]]


class _Held:
    """A zarr array that keeps ``owner`` (e.g. its temporary directory) alive while read."""

    def __init__(self, array: Any, owner: Any) -> None:
        self.array, self.owner = array, owner
        self.shape, self.dtype, self.ndim = array.shape, array.dtype, array.ndim

    def __getitem__(self, key: Any) -> np.ndarray:
        return self.array[key]


def _replicate(template: Explanation, arrays: dict[str, np.ndarray], r: int) -> Explanation:
    """Replicate ``r`` as the explanation it was: the template with its own arrays."""
    changes: dict[str, Any] = {}
    for field, arr in arrays.items():
        like = getattr(template, field)
        changes[field] = like.copy(data=arr[r]) if isinstance(like, xr.DataArray) else arr[r]
    return template.with_values(changes.pop("values", template.values), **changes)


# -- the fingerprint -------------------------------------------------------------------------
def fingerprint(job: _Job, seeds: np.ndarray, params: dict[str, Any]) -> dict[str, Any]:
    """What must match for a checkpoint to belong to this run."""
    from interpkit.explainer import library_versions

    # data_fingerprint is X and y hashed, which are compared already
    data = {key: _digest(v) for key, v in job.shared.items() if key != "data_fingerprint"}
    data["X_eval"] = _digest(job.X_eval)
    data["X_explain"] = _digest(job.X_explain)
    explainer = type(job.reference).__name__ + repr(job.reference.get_params(deep=False))
    return z.plain_json(
        {
            "params": params,
            "seeds": _digest(np.asarray(seeds)),
            "data": {k: v for k, v in data.items() if v is not None},
            "explainer": re.sub(r" at 0x[0-9a-f]+", "", explainer),
            "versions": library_versions("numpy", "scipy", "scikit-learn", "xarray", "pandas"),
        }
    )


def _digest(obj: Any) -> str | None:
    """A hash of data (arrays, frames, lists of names, scalars); None for anything else."""
    h = hashlib.sha256()
    if isinstance(obj, pd.DataFrame | pd.Series):
        h.update(repr(list(obj.columns) if obj.ndim == 2 else obj.name).encode())
        h.update(pd.util.hash_pandas_object(obj, index=True).to_numpy().tobytes())
    elif isinstance(obj, np.ndarray):
        h.update(f"{obj.dtype.str}{obj.shape}".encode())
        h.update(repr(obj.tolist()).encode() if obj.dtype == object else obj.tobytes())
    elif isinstance(obj, str | int | float | bool | list | tuple | dict) or obj is None:
        try:
            h.update(json.dumps(obj, default=_json_default, sort_keys=True).encode())
        except TypeError:
            return None
    else:
        return None
    return h.hexdigest()


def _differences(mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    out = []
    if mine["seeds"] != theirs.get("seeds") and mine["params"].get("random_state") is None:
        out.append("random_state=None draws new seeds on every call: pass an integer random_state")
    for key in sorted(set(mine["params"]) | set(theirs.get("params", {}))):
        a, b = mine["params"].get(key), theirs.get("params", {}).get(key)
        if a != b:
            out.append(f"{key}: {json.dumps(a)} here, {json.dumps(b)} in the checkpoint")
    changed = [k for k in mine["data"] if mine["data"][k] != theirs.get("data", {}).get(k)]
    changed += [k for k in theirs.get("data", {}) if k not in mine["data"]]
    if changed:
        out.append(f"the data differ ({', '.join(changed)})")
    if mine["explainer"] != theirs.get("explainer"):
        out.append(
            f"the explainer differs: {mine['explainer'][:200]} here, "
            f"{str(theirs.get('explainer'))[:200]} in the checkpoint"
        )
    for dist, version in mine["versions"].items():
        other = theirs.get("versions", {}).get(dist)
        if other is not None and other != version:
            out.append(f"{dist} {version} here, {other} in the checkpoint")
    if not out and mine["seeds"] != theirs.get("seeds"):
        out.append("the seeds differ")
    return out
