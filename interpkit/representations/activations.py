"""Layer activations of a model as one labeled result.

:func:`activations` runs a model over inputs and keeps the output of chosen
layers: for a Hugging Face model (transformers >= 5) its ``hidden_states``,
for any other ``torch.nn.Module`` the outputs of named submodules (forward
hooks). Texts are tokenized with the model's tokenizer, padding is left out of
pooling and texts longer than the model's context are truncated with a
warning. :func:`from_arrays` wraps activations you already have (any model,
synthetic data) in the same :class:`Activations` result, so similarity,
probes and concept vectors work on both.

>>> import numpy as np
>>> from interpkit.representations import from_arrays
>>> acts = from_arrays({"a": np.ones((4, 3)), "b": np.zeros((4, 3))})
>>> acts.values.dims
('layer', 'sample', 'unit')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["POOLINGS", "Activations", "activations", "from_arrays"]

POOLINGS = ("mean", "first", "last", None)


@dataclass(frozen=True, eq=False)
class Activations:
    """Activations of several layers on the same samples.

    Attributes
    ----------
    values : DataArray
        dims ``("layer", "sample", "unit")`` when pooled, or
        ``("layer", "sample", "position", "unit")`` when not (padded positions
        are NaN there). Coordinates: ``layer`` (names), ``sample`` (0..n-1) and,
        when the inputs were texts, ``text`` along ``sample``. Layers of
        different widths are zero-padded to the widest and flagged in
        ``n_units``.
    n_units : dict
        Layer name -> its true number of units.
    mask : DataArray or None
        ``("sample", "position")`` attention mask (1 = real token) when unpooled.
    meta : dict
        Provenance: model class, pooling, random_init, random_state, max_length,
        number of truncated texts.
    """

    values: xr.DataArray
    n_units: dict[str, int]
    mask: xr.DataArray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def layers(self) -> list[str]:
        """Layer names, in order."""
        return [str(v) for v in self.values.coords["layer"].values]

    @property
    def n_samples(self) -> int:
        return int(self.values.sizes["sample"])

    @property
    def texts(self) -> list[str] | None:
        """The input texts, when the inputs were texts."""
        if "text" not in self.values.coords:
            return None
        return [str(t) for t in self.values.coords["text"].values]

    @property
    def pooled(self) -> bool:
        return "position" not in self.values.dims

    def layer(self, name: str | int) -> np.ndarray:
        """One layer's activations as an array, shape (n_samples, n_units[, ...]).

        ``name`` is a layer name or its position in :attr:`layers`.
        """
        name = self._layer_name(name)
        arr = self.values.sel(layer=name).values
        return arr[..., : self.n_units[name]]

    def _layer_name(self, name: str | int) -> str:
        layers = self.layers
        if isinstance(name, int | np.integer) and not isinstance(name, bool):
            if not -len(layers) <= name < len(layers):
                raise IndexError(f"layer {name} out of range: there are {len(layers)} layers")
            return layers[int(name)]
        if name not in layers:
            raise ValueError(f"unknown layer {name!r}; available: {layers}")
        return str(name)

    def subset(self, index: Sequence[int] | np.ndarray) -> Activations:
        """The same layers on the samples ``index`` (renumbered 0..k-1)."""
        index = np.asarray(index, dtype=int)
        values = self.values.isel(sample=index).assign_coords(sample=np.arange(len(index)))
        mask = None if self.mask is None else self.mask.isel(sample=index)
        return Activations(values, dict(self.n_units), mask, dict(self.meta))

    def save(self, path: str | Path) -> Path:
        """Write to ``path`` as a zipped zarr store; :func:`interpkit.load` reads it back."""
        from interpkit.persist import save

        return save(self, path)

    def summary(self) -> pd.DataFrame:
        """One row per layer: units, mean and sd of the activation norm, mean unit sd."""
        rows = []
        for name in self.layers:
            arr = self.layer(name)
            if not self.pooled:
                arr = arr.reshape(-1, arr.shape[-1])
                arr = arr[~np.isnan(arr).any(axis=1)]
            norms = np.linalg.norm(arr, axis=1)
            rows.append(
                {
                    "layer": name,
                    "n_units": self.n_units[name],
                    "mean_norm": float(norms.mean()),
                    "sd_norm": float(norms.std(ddof=1)) if len(norms) > 1 else np.nan,
                    "mean_unit_sd": float(arr.std(axis=0, ddof=1).mean())
                    if len(arr) > 1
                    else np.nan,
                }
            )
        return pd.DataFrame(rows).set_index("layer")


def from_arrays(
    layers: Mapping[str, Any],
    texts: Sequence[str] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Activations:
    """Wrap per-layer arrays of shape (n_samples, n_units) as :class:`Activations`.

    Parameters
    ----------
    layers : mapping of layer name -> array-like, shape (n_samples, n_units)
        All layers must have the same number of samples; widths may differ.
    texts : sequence of str, optional
        One label per sample, kept as the ``text`` coordinate.
    meta : mapping, optional
        Provenance to keep.
    """
    if not layers:
        raise ValueError("from_arrays() needs at least one layer")
    arrays = {}
    for name, arr in layers.items():
        arr = np.asarray(arr, dtype=float)
        if arr.ndim != 2:
            raise ValueError(f"layer {name!r} has shape {arr.shape}; expected (n_samples, n_units)")
        if not np.isfinite(arr).all():
            raise ValueError(f"layer {name!r} has NaN or infinite values")
        arrays[str(name)] = arr
    sizes = {name: arr.shape[0] for name, arr in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"layers have different numbers of samples: {sizes}")
    n = next(iter(sizes.values()))
    if texts is not None and len(texts) != n:
        raise ValueError(f"{len(texts)} texts for {n} samples")
    return _stack(arrays, texts, None, dict(meta or {}))


def _stack(
    arrays: Mapping[str, np.ndarray],
    texts: Sequence[str] | None,
    mask: np.ndarray | None,
    meta: dict[str, Any],
) -> Activations:
    """Stack per-layer arrays (n, [position,] units) into one DataArray."""
    stacked = getattr(arrays, "stacked", None)
    if stacked is not None:  # extraction built the stacked array already (no copy)
        data, n_units = stacked, dict(arrays.n_units)
    else:
        n_units = {name: int(arr.shape[-1]) for name, arr in arrays.items()}
        width = max(n_units.values())
        padded = [
            np.pad(arr, [(0, 0)] * (arr.ndim - 1) + [(0, width - arr.shape[-1])])
            for arr in arrays.values()
        ]
        data = np.stack(padded)
    dims = (
        ("layer", "sample", "unit") if data.ndim == 3 else ("layer", "sample", "position", "unit")
    )
    n = data.shape[1]
    coords: dict[str, Any] = {"layer": list(arrays), "sample": np.arange(n)}
    if texts is not None:
        coords["text"] = ("sample", np.asarray(list(texts), dtype=object))
    values = xr.DataArray(data, dims=dims, coords=coords, name="activation")
    mask_da = None
    if mask is not None:
        mask_da = xr.DataArray(mask.astype(bool), dims=("sample", "position"))
    return Activations(values, n_units, mask_da, meta)


def activations(
    model: Any,
    inputs: Any,
    layers: Sequence[str | int] | None = None,
    pooling: str | None = "mean",
    *,
    batch_size: int = 32,
    tokenizer: Any = None,
    max_length: int | None = None,
    random_init: bool = False,
    random_state: int | None = None,
    progress: bool = False,
    cache: str | Path | None = None,
) -> Activations:
    """Activations of ``layers`` of ``model`` on ``inputs``.

    Parameters
    ----------
    model : torch.nn.Module
        A Hugging Face ``PreTrainedModel`` (its ``hidden_states``: layer
        ``"embeddings"`` then ``"layer_1"`` .. ``"layer_L"``), a TransformerLens
        ``HookedTransformer`` or ``TransformerBridge`` (hook names, e.g.
        ``"blocks.0.hook_resid_post"``, read with ``run_with_cache``; default
        every block's ``hook_resid_post``, an int i meaning block i's) or any
        module (the outputs of its named submodules, e.g. ``"encoder.layer.2"``).
    inputs : sequence of str, tensor or array
        Texts (tokenized with ``tokenizer``, by default the model's own, loaded
        offline from ``model.name_or_path``), or a tensor/array batched along
        its first dim (for a Hugging Face model: token ids).
    layers : sequence of str or int, optional
        Layer names (or, for a Hugging Face model, hidden-state indices).
        Default: all hidden states of a Hugging Face model; required otherwise.
    pooling : {"mean", "first", "last", None}
        Over positions (tokens), padding excluded: the mean, the first token
        (e.g. [CLS]) or the last real token. ``None`` keeps positions.
        Outputs without a position dim (batch, units) are kept as they are;
        outputs with more dims are flattened to units after the position dim.
    batch_size : int
    tokenizer : tokenizer, optional
    max_length : int, optional
        Truncate texts to this many tokens (default: the model's context).
        Truncation is announced with a warning.
    random_init : bool
        Use the same architecture with freshly initialised weights (seeded by
        ``random_state``): the "dead salmon" null for probes and concepts.
    random_state : int, optional
    progress : bool
        Show a tqdm progress bar over batches.
    cache : str or Path, optional
        A folder of stored activations. The result is stored there as
        ``activations-<fingerprint>.zarr`` (the format of :func:`interpkit.load`),
        keyed by a hash of the model's class and weights, the inputs, the layers,
        the pooling, ``max_length``, the tokenizer and the random-init settings;
        a later call with the same fingerprint loads it instead of running the
        model. ``meta["cache_hit"]`` says which happened.

    Returns
    -------
    Activations
    """
    if cache is not None:
        from interpkit.representations import _extract, _store

        if not isinstance(model, _extract.torch_backend().nn.Module):
            raise TypeError(f"activations() takes a torch.nn.Module, got {type(model).__name__}")
        settings = {
            "layers": None if layers is None else [str(v) for v in np.atleast_1d(layers)],
            "pooling": pooling,
            "max_length": max_length,
            "random_init": bool(random_init),
            "random_state": random_state if random_init else None,
            "tokenizer": _tokenizer_key(model if tokenizer is None else tokenizer),
        }
        key = _store.fingerprint(model, inputs, settings)

        def compute() -> Activations:
            return activations(
                model, inputs, layers, pooling, batch_size=batch_size, tokenizer=tokenizer,
                max_length=max_length, random_init=random_init, random_state=random_state,
                progress=progress,
            )  # fmt: skip

        return _store.cached(cache, key, compute)
    from interpkit.representations import _extract, _lens

    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    torch = _extract.torch_backend()
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"activations() takes a torch.nn.Module, got {type(model).__name__}")
    if _lens.is_lens_model(model):
        if random_init:
            model = _lens.reinitialised(model, random_state)
        arrays, texts, mask, info = _lens.lens_activations(
            model, inputs, layers, pooling, batch_size, tokenizer, max_length, progress
        )
        return _stack(arrays, texts, mask, _meta(model, pooling, random_init, random_state, info))
    if random_init:
        model = _extract.reinitialised(model, random_state)
    if _extract.is_hf_model(model):
        arrays, texts, mask, info = _extract.hf_activations(
            model, inputs, layers, pooling, batch_size, tokenizer, max_length, progress
        )
    else:
        if layers is None:
            raise ValueError(
                "layers= is required for a plain torch module; available: "
                f"{_extract.module_names(model)}"
            )
        arrays, mask, info = _extract.hooked_activations(
            model, inputs, layers, pooling, batch_size, progress
        )
        texts = None
    return _stack(arrays, texts, mask, _meta(model, pooling, random_init, random_state, info))


def _tokenizer_key(obj: Any) -> list[Any]:
    """What identifies a tokenizer (or the model's own): class, source, vocabulary size."""
    tok = getattr(obj, "tokenizer", obj) if not hasattr(obj, "vocab_size") else obj
    return [
        type(tok).__name__,
        str(getattr(tok, "name_or_path", getattr(obj, "name_or_path", ""))),
        int(getattr(tok, "vocab_size", 0) or 0),
    ]


def _meta(
    model: Any, pooling: str | None, random_init: bool, random_state: Any, info: dict[str, Any]
) -> dict[str, Any]:
    return {
        "model": type(model).__name__,
        "pooling": pooling,
        "random_init": bool(random_init),
        "random_state": random_state,
        **info,
    }
