"""TransformerLens side of :func:`~interpkit.representations.activations`: hook names.

A ``HookedTransformer`` and a ``TransformerBridge`` (TransformerLens >= 3) are
read through ``run_with_cache`` with a names filter, so the activations are
those TransformerLens itself caches. transformer_lens is never imported here:
models are recognised by looking in ``sys.modules``.
"""

from __future__ import annotations

import copy
import difflib
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from interpkit.representations import _extract

__all__ = ["hook_names", "is_lens_model", "lens_activations", "reinitialised"]

_CLOSE = 5


def _bridge_class() -> Any:
    module = sys.modules.get("transformer_lens.model_bridge.bridge")
    return None if module is None else getattr(module, "TransformerBridge", None)


def is_bridge(model: Any) -> bool:
    cls = _bridge_class()
    return cls is not None and isinstance(model, cls)


def is_lens_model(model: Any) -> bool:
    """A HookedTransformer (any HookedRootModule) or a TransformerBridge."""
    lens = sys.modules.get("transformer_lens")
    root = None if lens is None else getattr(lens, "HookedRootModule", None)
    return (root is not None and isinstance(model, root)) or is_bridge(model)


def hook_names(model: Any) -> list[str]:
    """Every hook name the model answers to (a bridge's legacy aliases included)."""
    names = list(model.hook_dict)
    if is_bridge(model):
        bridge = sys.modules["transformer_lens.model_bridge.bridge"]
        names += [a for a in bridge.build_alias_to_canonical_map(model.hook_dict) if a not in names]
    return names


def _resolve(model: Any, layers: Sequence[str | int] | str | int | None) -> list[str]:
    n_layers = int(model.cfg.n_layers)
    if layers is None:
        return [f"blocks.{i}.hook_resid_post" for i in range(n_layers)]
    if isinstance(layers, str | int):
        layers = [layers]
    names = hook_names(model)
    known = set(names)
    chosen = []
    for layer in layers:
        if isinstance(layer, int | np.integer) and not isinstance(layer, bool):
            if not -n_layers <= layer < n_layers:
                raise ValueError(
                    f"block index {layer} out of range: the model has {n_layers} blocks "
                    f"(indices 0..{n_layers - 1}, read as blocks.i.hook_resid_post)"
                )
            layer = f"blocks.{int(layer) % n_layers}.hook_resid_post"
        if layer not in known:
            close = difflib.get_close_matches(str(layer), names, n=_CLOSE, cutoff=0.5)
            hint = f"did you mean {close}?" if close else f"e.g. {names[:_CLOSE]}"
            raise ValueError(
                f"unknown hook {layer!r}; {hint} ({len(names)} hooks: see model.hook_dict)"
            )
        chosen.append(str(layer))
    return chosen


def reinitialised(model: Any, random_state: Any) -> Any:
    """The same TransformerLens model with fresh weights, seeded (the original untouched)."""
    torch = _extract.torch_backend()
    seed = _extract._seed(random_state)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        fresh = copy.deepcopy(model)
        if is_bridge(fresh):
            # the bridge wraps the Hugging Face model: reset its modules in place
            for mod in fresh.original_model.modules():
                if hasattr(mod, "reset_parameters"):
                    mod.reset_parameters()
        elif hasattr(fresh, "init_weights") and hasattr(fresh, "cfg"):
            fresh.cfg.seed = seed  # init_weights() reseeds torch from cfg.seed
            fresh.init_weights()
        else:
            raise ValueError(
                f"random_init=True does not know how to re-initialise a {type(model).__name__}; "
                "re-initialise it yourself and pass it"
            )
    return fresh


def _shape(h: Any, mask: Any, pooling: str | None, name: str) -> Any:
    """(B, P, ...) pooled over real positions; outputs without a position dim flattened."""
    if h.ndim >= 3 and h.shape[1] == mask.shape[1]:
        h = h.reshape(h.shape[0], h.shape[1], -1)
        return h if pooling is None else _extract.pool(h, mask, pooling)
    if pooling is None:
        raise ValueError(
            f"hook {name!r} has shape {tuple(h.shape)} without a position dim after the batch; "
            "use pooling= (it is then flattened to units)"
        )
    return h.reshape(h.shape[0], -1)


def lens_activations(
    model: Any,
    inputs: Any,
    layers: Sequence[str | int] | str | int | None,
    pooling: str | None,
    batch_size: int,
    tokenizer: Any,
    max_length: int | None,
    progress: bool,
) -> tuple[dict[str, np.ndarray], list[str] | None, np.ndarray | None, dict[str, Any]]:
    """Cached hook activations of a TransformerLens model, batch by batch."""
    torch = _extract.torch_backend()
    chosen = _resolve(model, layers)
    if not isinstance(inputs, torch.Tensor | np.ndarray):
        tokenizer = tokenizer if tokenizer is not None else getattr(model, "tokenizer", None)
        if tokenizer is None:
            raise ValueError(
                "this TransformerLens model has no tokenizer: pass tokenizer= or token ids "
                "(a tensor of shape (n_samples, n_positions))"
            )
    if max_length is None:
        max_length = int(model.cfg.n_ctx)
    encode, n, texts, info = _extract._hf_encoder(model, inputs, tokenizer, max_length)
    info = {"max_length": max_length, **info}
    parts: dict[str, list[np.ndarray]] = {name: [] for name in chosen}
    masks: list[np.ndarray] = []
    device = next(model.parameters()).device
    with _extract.eval_mode(model), torch.no_grad():
        for batch in _extract._progress(_extract._batches(n, batch_size), progress, "activations"):
            enc = encode(batch)
            ids = enc["input_ids"].to(device)
            mask = enc["attention_mask"].to(device)
            _, cache = model.run_with_cache(ids, attention_mask=mask, names_filter=chosen)
            for name in chosen:
                parts[name].append(_shape(cache[name], mask, pooling, name).float().cpu().numpy())
            masks.append(mask.cpu().numpy())
    arrays, mask_all = _extract.assemble(parts, masks, pooling)
    return arrays, texts, mask_all, info
