"""Torch side of :mod:`interpkit.representations`: hooks, hidden states, pooling, gradients.

Everything here imports torch (and transformers for texts) lazily; nothing is
imported at ``import interpkit``.
"""

from __future__ import annotations

import copy
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from interpkit.representations._assemble import assemble

NEEDED_FOR = "interpkit.representations.activations"
_MAX_LISTED = 60


def torch_backend() -> Any:
    from interpkit._optional import import_backend

    return import_backend("torch", NEEDED_FOR)


def is_hf_model(model: Any) -> bool:
    """A transformers PreTrainedModel, checked without importing transformers."""
    transformers = sys.modules.get("transformers")
    if transformers is None:
        return False
    return isinstance(model, transformers.PreTrainedModel)


def module_names(model: Any) -> str:
    """The named submodules, for error messages (long lists shortened)."""
    names = [name for name, _ in model.named_modules() if name]
    if len(names) > _MAX_LISTED:
        return f"{names[:_MAX_LISTED]} ... and {len(names) - _MAX_LISTED} more"
    return str(names)


def _seed(random_state: Any) -> int:
    return int(check_random_state(random_state).randint(2**31 - 1))


def reinitialised(model: Any, random_state: Any) -> Any:
    """The same architecture with fresh weights, seeded (the original is untouched)."""
    torch = torch_backend()
    seed = _seed(random_state)
    param = next(model.parameters(), None)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if is_hf_model(model):
            fresh = type(model)(copy.deepcopy(model.config))
        else:
            fresh = copy.deepcopy(model)
            stuck = [
                name or type(mod).__name__
                for name, mod in fresh.named_modules()
                if any(True for _ in mod.parameters(recurse=False))
                and not hasattr(mod, "reset_parameters")
            ]
            if stuck:
                raise ValueError(
                    "random_init=True cannot re-initialise modules without reset_parameters(): "
                    f"{stuck}; re-initialise the model yourself and pass it"
                )
            for mod in fresh.modules():
                if hasattr(mod, "reset_parameters"):
                    mod.reset_parameters()
    if param is not None:
        fresh = fresh.to(device=param.device, dtype=param.dtype)
    return fresh


@contextmanager
def eval_mode(model: Any) -> Iterator[None]:
    """Dropout off while extracting; the model's training flag restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


def pool(hidden: Any, mask: Any, pooling: str) -> Any:
    """Pool (batch, position, unit) over real positions; ``mask`` is (batch, position)."""
    mask = mask.to(hidden.dtype)
    if pooling == "mean":
        return (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
    if pooling == "first":
        return hidden[:, 0]
    # last real position, whichever side the padding is on
    positions = hidden.new_tensor(range(hidden.shape[1]))
    last = (mask * (positions + 1)).argmax(1)
    return hidden[range(hidden.shape[0]), last]


def pool_gradient(grad: Any, mask: Any, pooling: str) -> Any:
    """Derivative along a shift of the pooled representation.

    Shifting every real position by ε·v moves the mean-pooled vector by ε·v, so
    the derivative is Σ_p g_p·v; for "first"/"last" only that position moves.
    """
    if pooling == "mean":
        return (grad * mask.to(grad.dtype)[..., None]).sum(1)
    return pool(grad, mask, pooling)


def _progress(iterable: Sequence[Any], show: bool, desc: str) -> Any:
    if not show:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc)


def _batches(n: int, batch_size: int) -> list[slice]:
    return [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


# --- Hugging Face models -------------------------------------------------------------


def _hf_layer_names(model: Any) -> list[str]:
    n = int(model.config.num_hidden_layers)
    return ["embeddings"] + [f"layer_{i}" for i in range(1, n + 1)]


def _hf_layer_index(model: Any, layers: Sequence[str | int] | None) -> dict[str, int]:
    names = _hf_layer_names(model)
    if layers is None:
        return {name: i for i, name in enumerate(names)}
    if isinstance(layers, str | int):
        layers = [layers]
    chosen: dict[str, int] = {}
    for layer in layers:
        if isinstance(layer, int | np.integer) and not isinstance(layer, bool):
            if not -len(names) <= layer < len(names):
                raise ValueError(
                    f"hidden-state index {layer} out of range; available: {names} "
                    f"(indices 0..{len(names) - 1})"
                )
            index = int(layer) % len(names)
        elif layer in names:
            index = names.index(layer)
        else:
            raise ValueError(f"unknown layer {layer!r}; available: {names}")
        chosen[names[index]] = index
    return chosen


def load_tokenizer(model: Any, tokenizer: Any) -> Any:
    if tokenizer is not None:
        return tokenizer
    from interpkit._optional import import_backend

    AutoTokenizer = import_backend("transformers", NEEDED_FOR).AutoTokenizer  # noqa: N806
    try:
        return AutoTokenizer.from_pretrained(model.name_or_path, local_files_only=True)
    except OSError as err:
        raise ValueError(
            f"no tokenizer found offline at {model.name_or_path!r}; pass tokenizer="
        ) from err


def _context_length(model: Any, tokenizer: Any, max_length: int | None) -> int:
    if max_length is not None:
        return int(max_length)
    limits = [getattr(model.config, "max_position_embeddings", None)]
    model_max = getattr(tokenizer, "model_max_length", None)
    if model_max is not None and model_max < 10**6:  # tokenizers use 1e30 for "none"
        limits.append(model_max)
    limits = [int(v) for v in limits if v]
    if not limits:
        raise ValueError("cannot tell the model's context length; pass max_length=")
    return min(limits)


def encode_texts(
    model: Any, texts: Sequence[str], tokenizer: Any, max_length: int | None
) -> tuple[Callable[[slice], dict[str, Any]], dict[str, Any]]:
    """A batch encoder for ``texts`` and the truncation info (warns if any is cut)."""
    if isinstance(texts, str):
        raise TypeError("inputs must be a sequence of texts, got a single str; wrap it in a list")
    texts = list(texts)
    if not texts:
        raise ValueError("inputs is empty")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must all be str")
    tokenizer = load_tokenizer(model, tokenizer)
    length = _context_length(model, tokenizer, max_length)
    lengths = [len(ids) for ids in tokenizer(texts, truncation=False, verbose=False)["input_ids"]]
    too_long = [i for i, n_tok in enumerate(lengths) if n_tok > length]
    if too_long:
        warnings.warn(
            f"{len(too_long)} of {len(texts)} texts exceed the model's context of {length} "
            f"tokens and were truncated (e.g. sample {too_long[0]}: {lengths[too_long[0]]} "
            "tokens)",
            UserWarning,
            stacklevel=4,
        )

    def encode(batch: slice) -> dict[str, Any]:
        return dict(
            tokenizer(
                texts[batch],
                padding=True,
                truncation=True,
                max_length=length,
                return_tensors="pt",
            )
        )

    return encode, {"max_length": length, "n_truncated": len(too_long)}


def _hf_encoder(
    model: Any, inputs: Any, tokenizer: Any, max_length: int | None
) -> tuple[Callable[[slice], dict[str, Any]], int, list[str] | None, dict[str, Any]]:
    torch = torch_backend()
    if isinstance(inputs, torch.Tensor | np.ndarray):
        ids = torch.as_tensor(inputs, dtype=torch.long)
        if ids.ndim != 2:
            raise ValueError(f"token ids must be (n_samples, n_positions), got {tuple(ids.shape)}")

        def encode(batch: slice) -> dict[str, Any]:
            return {"input_ids": ids[batch], "attention_mask": torch.ones_like(ids[batch])}

        return encode, len(ids), None, {"n_truncated": 0}
    texts = list(inputs)
    encode, info = encode_texts(model, texts, tokenizer, max_length)
    return encode, len(texts), texts, info


def _to_device(batch: dict[str, Any], model: Any) -> dict[str, Any]:
    device = next(model.parameters()).device
    return {k: v.to(device) for k, v in batch.items()}


def hf_activations(
    model: Any,
    inputs: Any,
    layers: Sequence[str | int] | None,
    pooling: str | None,
    batch_size: int,
    tokenizer: Any,
    max_length: int | None,
    progress: bool,
) -> tuple[dict[str, np.ndarray], list[str] | None, np.ndarray | None, dict[str, Any]]:
    torch = torch_backend()
    chosen = _hf_layer_index(model, layers)
    encode, n, texts, info = _hf_encoder(model, inputs, tokenizer, max_length)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in chosen}
    masks: list[np.ndarray] = []
    with eval_mode(model), torch.no_grad():
        for batch in _progress(_batches(n, batch_size), progress, "activations"):
            enc = _to_device(encode(batch), model)
            out = model(**enc, output_hidden_states=True)
            hidden = getattr(out, "hidden_states", None)
            if hidden is None:
                raise TypeError(
                    f"{type(model).__name__} returns no hidden_states; use an encoder or "
                    "decoder model, or pass layers= as module names to a plain module"
                )
            mask = enc["attention_mask"]
            for name, index in chosen.items():
                h = hidden[index]
                if pooling is not None:
                    h = pool(h, mask, pooling)
                parts[name].append(h.float().cpu().numpy())
            masks.append(mask.cpu().numpy())
    arrays, mask_all = assemble(parts, masks, pooling)
    return arrays, texts, mask_all, info


# --- any torch module: forward hooks --------------------------------------------------


def _resolve_modules(model: Any, layers: Sequence[str] | str) -> dict[str, Any]:
    if isinstance(layers, str):
        layers = [layers]
    named = dict(model.named_modules())
    unknown = [name for name in layers if name not in named or name == ""]
    if unknown:
        raise ValueError(f"unknown layer(s) {unknown}; available: {module_names(model)}")
    return {name: named[name] for name in layers}


def _as_batchable(model: Any, inputs: Any) -> Any:
    torch = torch_backend()
    if isinstance(inputs, np.ndarray | list) or hasattr(inputs, "to_numpy"):
        inputs = np.asarray(inputs.to_numpy() if hasattr(inputs, "to_numpy") else inputs)
        inputs = torch.as_tensor(inputs)
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(
            "inputs for a plain torch module must be a tensor or array, got "
            f"{type(inputs).__name__}"
        )
    if len(inputs) == 0:
        raise ValueError("inputs is empty")
    param = next(model.parameters(), None)
    if param is not None and inputs.is_floating_point():
        inputs = inputs.to(device=param.device, dtype=param.dtype)
    return inputs


def _flat(out: Any, name: str) -> Any:
    torch = torch_backend()
    if isinstance(out, tuple | list):
        out = out[0]
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"layer {name!r} returns {type(out).__name__}, not a tensor")
    return out


def _shape_output(h: Any, pooling: str | None) -> Any:
    """(B, U) as is; (B, P, U) pooled; more dims flattened to units (no positions)."""
    if h.ndim == 3 and pooling is not None:
        return pool(h, h.new_ones(h.shape[:2]), pooling)
    if h.ndim > 3:
        return h.reshape(h.shape[0], -1)
    return h


def hooked_activations(
    model: Any,
    inputs: Any,
    layers: Sequence[str] | str,
    pooling: str | None,
    batch_size: int,
    progress: bool,
) -> tuple[dict[str, np.ndarray], np.ndarray | None, dict[str, Any]]:
    torch = torch_backend()
    modules = _resolve_modules(model, layers)
    inputs = _as_batchable(model, inputs)
    captured: dict[str, Any] = {}
    parts: dict[str, list[np.ndarray]] = {name: [] for name in modules}

    def hook_for(name: str) -> Callable[..., None]:
        def hook(_module: Any, _inp: Any, out: Any) -> None:
            captured[name] = _flat(out, name)

        return hook

    handles = [mod.register_forward_hook(hook_for(name)) for name, mod in modules.items()]
    try:
        with eval_mode(model), torch.no_grad():
            for batch in _progress(_batches(len(inputs), batch_size), progress, "activations"):
                captured.clear()
                model(inputs[batch])
                for name in modules:
                    if name not in captured:
                        raise ValueError(f"layer {name!r} was not called in the forward pass")
                    parts[name].append(_shape_output(captured[name], pooling).float().cpu().numpy())
    finally:
        for handle in handles:
            handle.remove()
    arrays, mask = assemble(parts, None, pooling)
    return arrays, mask, {"n_truncated": 0}
