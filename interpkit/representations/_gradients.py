"""Gradients of a model output with respect to a layer's (pooled) activations, for TCAV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from interpkit.representations import _extract

__all__ = ["layer_gradients"]


def _target_score(out: Any, target: int | Callable[[Any], Any]) -> Any:
    """The scalar per sample whose gradient TCAV reads: a logit column or a callable."""
    if callable(target):
        score = target(out)
    else:
        logits = getattr(out, "logits", out)
        if isinstance(logits, tuple | list):
            logits = logits[0]
        if not hasattr(logits, "ndim") or logits.ndim != 2:
            raise ValueError(
                "target as an int needs an output of shape (batch, n_outputs); "
                "give target as a callable output -> (batch,) tensor instead"
            )
        if not 0 <= int(target) < logits.shape[1]:
            raise ValueError(f"target {target} out of range: the output has {logits.shape[1]}")
        score = logits[:, int(target)]
    if score.ndim != 1:
        raise ValueError(f"target must give one value per sample, got shape {tuple(score.shape)}")
    return score


def _shape_gradient(grad: Any, mask: Any, pooling: str) -> Any:
    if grad.ndim == 2:
        return grad
    if grad.ndim == 3:
        return _extract.pool_gradient(grad, mask, pooling)
    return grad.reshape(grad.shape[0], -1)


def layer_gradients(
    model: Any,
    inputs: Any,
    layer: str | int,
    target: int | Callable[[Any], Any],
    *,
    pooling: str = "mean",
    batch_size: int = 32,
    tokenizer: Any = None,
    max_length: int | None = None,
) -> np.ndarray:
    """d(output)/d(activation of ``layer``) per input, in the pooled space of :func:`activations`.

    Parameters
    ----------
    model : torch.nn.Module
        A Hugging Face model (``layer`` a hidden-state name or index) or any
        module (``layer`` a submodule name).
    inputs : texts, tensor or array
    layer : str or int
    target : int or callable
        An output column (class logit), or ``callable(output) -> (batch,)``
        tensor (e.g. a score built on ``last_hidden_state``).
    pooling : {"mean", "first", "last"}
        As for the activations the CAV was trained on. For "mean" the gradient
        is summed over real positions: the derivative of moving every position
        (hence the mean) along the CAV.

    Returns
    -------
    ndarray, shape (n_samples, n_units)
    """
    torch = _extract.torch_backend()
    if pooling not in ("mean", "first", "last"):
        raise ValueError(f"pooling must be 'mean', 'first' or 'last', got {pooling!r}")
    parts = []
    with _extract.eval_mode(model), torch.enable_grad():
        if _extract.is_hf_model(model):
            (index,) = _extract._hf_layer_index(model, [layer]).values()
            encode, n, _, _ = _extract._hf_encoder(model, inputs, tokenizer, max_length)
            for batch in _extract._batches(n, batch_size):
                enc = _extract._to_device(encode(batch), model)
                out = model(**enc, output_hidden_states=True)
                hidden = out.hidden_states[index]
                grad = _grad(torch, _target_score(out, target), hidden, layer)
                parts.append(_shape_gradient(grad, enc["attention_mask"], pooling))
        else:
            (module,) = _extract._resolve_modules(model, [str(layer)]).values()
            inputs = _extract._as_batchable(model, inputs)
            captured: dict[str, Any] = {}

            def hook(_m: Any, _i: Any, out: Any) -> None:
                captured["h"] = _extract._flat(out, str(layer))

            handle = module.register_forward_hook(hook)
            try:
                for batch in _extract._batches(len(inputs), batch_size):
                    out = model(inputs[batch])
                    h = captured["h"]
                    grad = _grad(torch, _target_score(out, target), h, layer)
                    parts.append(_shape_gradient(grad, grad.new_ones(grad.shape[:2]), pooling))
            finally:
                handle.remove()
    return np.concatenate([p.detach().float().cpu().numpy() for p in parts])


def _grad(torch: Any, score: Any, hidden: Any, layer: Any) -> Any:
    if not hidden.requires_grad:
        raise ValueError(
            f"the activations of layer {layer!r} do not depend on trainable tensors "
            "(requires_grad is off); enable gradients on the model's parameters"
        )
    # samples are independent in eval mode, so the gradient of the sum is per-sample
    return torch.autograd.grad(score.sum(), hidden)[0]
