"""``run_with_cache`` with interpkit's checks: prompts, context length and hook names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from interpkit.circuits import _backend as B

__all__ = ["run_with_cache"]


def run_with_cache(
    model: Any, prompts: Any, names: Sequence[str] | str | None = None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Logits and cached activations of a TransformerLens model, as numpy arrays.

    The prompts are checked first (one token length, within ``n_ctx``, ids in
    the vocabulary) and so are the hook names (an unknown one is refused with
    its closest matches); then TransformerLens's own ``run_with_cache`` runs
    without gradients. On CPU the arrays share the tensors' memory.

    Parameters
    ----------
    model : HookedTransformer
    prompts : token ids or strings
    names : str or sequence of str, optional
        Hook names to cache (default: every hook).

    Returns
    -------
    logits : ndarray, shape (n_prompts, n_positions, d_vocab)
    cache : dict
        Hook name -> activation array.
    """
    B.check_model(model)
    tokens = B.as_prompts(model, prompts)
    if isinstance(names, str):
        names = [names]
    chosen = None if names is None else B.check_hooks(model, names)
    logits, cache = B.forward(model, tokens, chosen)
    return logits.cpu().numpy(), {k: v.cpu().numpy() for k, v in cache.items()}
