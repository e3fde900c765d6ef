"""The explained network: eval mode, device, dtype, output and target.

``target`` selects what is explained: a class index, one index per row, the
predicted class (``"predicted"``), or a callable on the model output that
returns one number per row (e.g. ``lambda out: out[:, 1] - out[:, 0]``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from interpkit._optional import import_backend

_STOCHASTIC_LAYERS = ("Dropout", "BatchNorm", "AlphaDropout")


def torch_module(needed_for: str = "the Captum explainers"):
    return import_backend("torch", needed_for)


def prepare_model(model: Any, needed_for: str) -> Any:
    """Check ``model`` is a torch module and put it in eval mode (warning if needed)."""
    torch = torch_module(needed_for)
    if not isinstance(model, torch.nn.Module):
        raise TypeError(
            f"{needed_for} explains a torch.nn.Module; got {type(model).__name__} "
            "(pass model=your_network)"
        )
    in_train = sorted(
        {type(m).__name__ for m in model.modules()
         if m.training and any(k in type(m).__name__ for k in _STOCHASTIC_LAYERS)}
    )  # fmt: skip
    if in_train:
        warnings.warn(
            f"the model has {', '.join(in_train)} layers in training mode; switched to eval "
            "mode (model.eval()) so that attributions are deterministic",
            UserWarning,
            stacklevel=4,
        )
    model.eval()
    return model


def model_device_dtype(model: Any) -> tuple[Any, Any]:
    """Device and floating dtype of the model's parameters (CPU float32 without any)."""
    torch = torch_module()
    for p in model.parameters():
        return p.device, p.dtype if p.dtype.is_floating_point else torch.float32
    return torch.device("cpu"), torch.float32


def wrap(model: Any, select: Callable | None) -> Any:
    """The module Captum differentiates: ``select(model(x))`` or the model itself."""
    torch = torch_module()
    if select is None:
        return model

    class _Selected(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, x):
            return select(self.model(x))

    return _Selected()


def output_of(model: Any, x: Any) -> np.ndarray:
    """Model output as float64, shape (n,) or (n, k)."""
    torch = torch_module()
    with torch.no_grad():
        out = model(x)
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"the model must return a tensor, got {type(out).__name__}")
    out = out.detach().cpu().double().numpy()
    if out.ndim not in (1, 2) or out.shape[0] != x.shape[0]:
        raise ValueError(
            f"the model must return one row per input, shape (n,) or (n, n_outputs); "
            f"got {out.shape} for {x.shape[0]} rows"
        )
    return out


def check_target_spec(target: Any, n_outputs: int) -> None:
    """Refuse a target that cannot select one output, at fit time."""
    if callable(target) or (isinstance(target, str) and target == "predicted"):
        return
    if target is None:
        if n_outputs > 1:
            raise ValueError(
                f"the model has {n_outputs} outputs; pass target= (a class index, one index "
                "per row, 'predicted', or a callable on the output)"
            )
        return
    idx = np.atleast_1d(np.asarray(target))
    if idx.dtype.kind not in "iu" or idx.ndim != 1:
        raise TypeError(
            f"target must be an int, a list of ints, 'predicted' or a callable, got {target!r}"
        )
    bad = idx[(idx < 0) | (idx >= max(n_outputs, 1))]
    if bad.size:
        raise ValueError(
            f"target {int(bad[0])} is out of range: the model has {n_outputs} output(s), "
            f"indices 0..{n_outputs - 1}"
        )


def resolve_target(target: Any, out: np.ndarray, n_rows: int) -> Any:
    """Captum's ``target`` for these rows (``out`` is the model output on them)."""
    n_outputs = 1 if out.ndim == 1 else out.shape[1]
    if callable(target):
        return None
    if isinstance(target, str):
        return [int(i) for i in out.argmax(axis=1)] if out.ndim == 2 else None
    if target is None:
        return None if out.ndim == 1 else 0
    check_target_spec(target, n_outputs)
    if np.ndim(target) == 0:
        return int(target)
    target = [int(t) for t in target]
    if len(target) != n_rows:
        raise ValueError(f"target has {len(target)} entries but {n_rows} rows are explained")
    return target


def selected(out: np.ndarray, target: Any) -> np.ndarray:
    """The explained output per row, shape (n,)."""
    if out.ndim == 1:
        return out
    if isinstance(target, list):
        return out[np.arange(out.shape[0]), target]
    return out[:, int(target or 0)]


def check_differentiable(model: Any, x: Any, needed_for: str) -> None:
    """A gradient method needs an output with a gradient path back to the input."""
    torch = torch_module()
    x = x.clone().requires_grad_(True)
    with torch.enable_grad():
        out = model(x)
    if not isinstance(out, torch.Tensor) or out.grad_fn is None:
        raise ValueError(
            f"{needed_for} needs gradients, but the model's output does not depend "
            "differentiably on its input (no autograd graph: detach(), numpy or a "
            "non-differentiable step inside); use OcclusionExplainer or "
            "FeatureAblationExplainer instead"
        )
