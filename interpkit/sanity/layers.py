"""Which layers of a network hold parameters, and how to re-initialise them.

Layers are the modules with parameters of their own, in definition order
(input first, for a ``Sequential``). Re-initialisation uses the layer's own
``reset_parameters`` (the initialisation it was trained from), seeded; a
layer without one gets Gaussian weights of each parameter's own spread.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

CASCADES = ("top_down", "bottom_up", "independent")


def parameter_layers(model: Any) -> list[str]:
    """Names of the modules that own parameters, input side first."""
    names = [n for n, m in model.named_modules() if list(m.parameters(recurse=False))]
    if not names:
        raise ValueError("the model has no parameters to randomise")
    return names


def randomized(model: Any, layers: Sequence[str], seed: int) -> Any:
    """A deep copy of ``model`` with the parameters of ``layers`` redrawn."""
    import torch

    out = copy.deepcopy(model)
    modules = dict(out.named_modules())
    gen = torch.Generator().manual_seed(int(seed))
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(int(seed))
        for name in layers:
            module = modules[name]
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
                continue
            for p in module.parameters(recurse=False):
                sd = float(p.std()) if p.numel() > 1 else 1.0
                p.copy_(torch.randn(p.shape, generator=gen, dtype=p.dtype).to(p.device) * sd)
    out.eval()
    return out


def steps(layers: list[str], cascade: str) -> list[tuple[str, list[str]]]:
    """``(label, layers randomised)`` per step of a cascade."""
    if cascade == "top_down":
        top = layers[::-1]
        return [(top[k], top[: k + 1]) for k in range(len(top))]
    if cascade == "bottom_up":
        return [(layers[k], layers[: k + 1]) for k in range(len(layers))]
    if cascade == "independent":
        return [(name, [name]) for name in layers]
    raise ValueError(f"cascade must be one of {CASCADES}, got {cascade!r}")
