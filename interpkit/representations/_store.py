"""Activations on disk: the project's zarr store, and a cache keyed by a fingerprint.

:func:`write_activations` / :func:`read_activations` put an
:class:`~interpkit.representations.Activations` in a zarr group the way
:mod:`interpkit.persist` stores every result (so ``interpkit.load`` reads it
and xarray opens it without interpkit). :func:`fingerprint` hashes what
determines the activations: the model's class and weights, the inputs, the
layers, the pooling and the extraction settings; :func:`cached` loads a stored
result with that fingerprint or computes and stores it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from interpkit import _zarr as z

__all__ = ["cache_path", "cached", "fingerprint", "read_activations", "write_activations"]

KIND = "activations"
_KEY_VERSION = 1


def _sub(group: str, name: str) -> str:
    return f"{group}/{name}" if group else name


def _jsonable(value: Any) -> Any:
    try:
        return z.plain_json(value)
    except TypeError:
        return repr(value)


def write_activations(store: Any, group: str, acts: Any) -> None:
    """``acts`` in ``group`` of a zarr store: values (and mask) as arrays, the rest as JSON."""
    z.write_dataarray(store, _sub(group, "values"), acts.values)
    if acts.mask is not None:
        z.write_dataarray(store, _sub(group, "mask"), acts.mask)
    meta = {key: _jsonable(value) for key, value in acts.meta.items()}
    z.write_meta(
        store,
        group,
        {"kind": KIND, "n_units": acts.n_units, "meta": meta, "mask": acts.mask is not None},
    )


def read_activations(store: Any, group: str) -> Any:
    from interpkit.representations.activations import Activations

    info = z.read_meta(store, group, KIND)
    values = z.read_dataarray(store, _sub(group, "values"))
    values = values.assign_coords(layer=[str(v) for v in values.coords["layer"].values])
    mask = z.read_dataarray(store, _sub(group, "mask")) if info["mask"] else None
    n_units = {str(k): int(v) for k, v in info["n_units"].items()}
    return Activations(values, n_units, mask, dict(info["meta"]))


def _hash_array(h: Any, arr: np.ndarray) -> None:
    arr = np.ascontiguousarray(arr)
    h.update(f"{arr.dtype.str}{arr.shape}".encode())
    h.update(arr.tobytes())


def _hash_inputs(h: Any, inputs: Any) -> None:
    if hasattr(inputs, "detach"):  # a torch tensor
        _hash_array(h, inputs.detach().cpu().numpy())
    elif isinstance(inputs, np.ndarray) or hasattr(inputs, "to_numpy"):
        _hash_array(h, np.asarray(inputs.to_numpy() if hasattr(inputs, "to_numpy") else inputs))
    elif isinstance(inputs, list | tuple) and all(isinstance(t, str) for t in inputs):
        h.update(b"texts")
        for text in inputs:
            data = text.encode("utf-8")
            h.update(len(data).to_bytes(8, "little") + data)
    else:
        _hash_array(h, np.asarray(inputs))


def fingerprint(model: Any, inputs: Any, settings: dict[str, Any]) -> str:
    """A hex digest of the model (class, parameters, buffers), the inputs and ``settings``."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"interpkit-activations-{_KEY_VERSION}:{type(model).__qualname__}".encode())
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        _hash_array(h, tensor.detach().cpu().numpy())
    _hash_inputs(h, inputs)
    h.update(json.dumps(_jsonable(settings), sort_keys=True).encode())
    return h.hexdigest()


def cache_path(cache: str | Path, key: str) -> Path:
    """Where the result with fingerprint ``key`` lives in the cache folder ``cache``."""
    return Path(cache) / f"activations-{key}.zarr"


def cached(cache: str | Path, key: str, compute: Callable[[], Any]) -> Any:
    """The stored result for ``key`` in folder ``cache``, or ``compute()`` stored there."""
    folder = Path(cache)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"cache= must be a folder (one store per fingerprint); {folder} is a file")
    path = cache_path(folder, key)
    if z.is_zarr_dir(path):
        acts = read_activations(str(path), "")
        return _with_cache_meta(acts, path, hit=True)
    acts = compute()
    folder.mkdir(parents=True, exist_ok=True)
    # written next to the target, then moved: an interrupted run leaves no half store
    tmp = Path(tempfile.mkdtemp(prefix=".activations-", dir=folder))
    try:
        write_activations(str(tmp), "", acts)
        if not path.exists():
            tmp.rename(path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return _with_cache_meta(acts, path, hit=False)


def _with_cache_meta(acts: Any, path: Path, hit: bool) -> Any:
    from interpkit.representations.activations import Activations

    meta = {**acts.meta, "cache": str(path), "cache_hit": hit}
    return Activations(acts.values, acts.n_units, acts.mask, meta)
