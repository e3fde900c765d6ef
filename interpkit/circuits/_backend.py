"""Shared plumbing of :mod:`interpkit.circuits`: backends, prompts, hook names, models.

torch and transformer_lens are imported inside functions, through
:func:`interpkit._optional.import_backend`, so ``import interpkit.circuits``
imports neither.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = [
    "as_prompts",
    "check_hooks",
    "forward",
    "lens",
    "model_sets",
    "quiet",
    "token_labels",
    "torch",
]

NEEDED_FOR = "interpkit.circuits"
NULLS = ("random_init", "shuffled_weights")
_CLOSE = 5


def torch() -> Any:
    """The torch module (ImportError naming the ``llm`` extra when missing)."""
    from interpkit._optional import import_backend

    return import_backend("torch", NEEDED_FOR, extra="llm")


def lens() -> Any:
    """The transformer_lens module (ImportError naming the ``llm`` extra when missing)."""
    from interpkit._optional import import_backend

    torch()
    with quiet():
        return import_backend("transformer_lens", NEEDED_FOR)


@contextmanager
def quiet() -> Iterator[None]:
    """Silence TransformerLens's notice that ``HookedTransformer`` moves in 4.0."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*deprecated.*", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*deprecated.*", category=FutureWarning)
        yield


def check_model(model: Any, name: str = "model") -> None:
    """A TransformerLens ``HookedTransformer`` (any model with ``cfg``, hooks and ``W_U``)."""
    if not (hasattr(model, "cfg") and hasattr(model, "hook_dict") and hasattr(model, "W_U")):
        raise TypeError(
            f"{name} must be a TransformerLens HookedTransformer (e.g. "
            f"interpkit.circuits.tiny_induction_model()), got {type(model).__name__}"
        )


def as_prompts(model: Any, prompts: Any, name: str = "prompts") -> Any:
    """Prompts as a (n_prompts, n_positions) long tensor, checked against the model.

    ``prompts`` is a tensor or array of token ids, a list of token-id lists, or
    a list of strings (tokenised by the model's tokenizer). Every prompt must
    have the same number of tokens, since positions are compared across
    prompts, and no more than the model's context ``n_ctx``.
    """
    th = torch()
    check_model(model)
    if isinstance(prompts, str):
        prompts = [prompts]
    if isinstance(prompts, th.Tensor):
        ids = prompts.detach().cpu()
    elif isinstance(prompts, np.ndarray):
        ids = th.as_tensor(prompts)
    elif isinstance(prompts, Sequence) and len(prompts) > 0:
        if all(isinstance(p, str) for p in prompts):
            if getattr(model, "tokenizer", None) is None:
                raise ValueError(
                    f"{name} are strings but the model has no tokenizer: pass token ids "
                    "(an integer array of shape (n_prompts, n_positions))"
                )
            rows = [[int(t) for t in model.to_tokens(p)[0]] for p in prompts]
        else:
            try:
                rows = [[int(t) for t in p] for p in prompts]
            except (TypeError, ValueError):
                raise TypeError(
                    f"{name} must be token ids (integers) or strings; got an element of type "
                    f"{type(prompts[0]).__name__}"
                ) from None
        lengths = [len(r) for r in rows]
        if len(set(lengths)) > 1:
            common = max(set(lengths), key=lengths.count)
            odd = [i for i, n in enumerate(lengths) if n != common]
            shown = ", ".join(f"prompt {i} has {lengths[i]}" for i in odd[:5])
            raise ValueError(
                f"{name} must all have the same number of tokens, since positions are compared "
                f"across prompts: most have {common}, but {shown}"
                f"{' ...' if len(odd) > 5 else ''}. Pad or trim them to one length"
            )
        ids = th.tensor(rows)
    else:
        raise TypeError(
            f"{name} must be token ids (an integer array or tensor of shape "
            "(n_prompts, n_positions)) or a non-empty list of strings; got "
            f"{type(prompts).__name__}"
        )
    if ids.ndim == 1:
        ids = ids[None, :]
    if ids.ndim != 2 or ids.shape[0] == 0 or ids.shape[1] == 0:
        raise ValueError(f"{name} must have shape (n_prompts, n_positions), got {tuple(ids.shape)}")
    if ids.is_floating_point() or ids.dtype == th.bool:
        raise TypeError(f"{name} must hold integer token ids, got dtype {ids.dtype}")
    ids = ids.long()
    n_ctx, d_vocab = int(model.cfg.n_ctx), int(model.cfg.d_vocab)
    if ids.shape[1] > n_ctx:
        raise ValueError(
            f"{name} have {ids.shape[1]} tokens, longer than the model's context "
            f"n_ctx={n_ctx}; trim them to at most {n_ctx}"
        )
    if ids.min() < 0 or ids.max() >= d_vocab:
        raise ValueError(
            f"{name} hold token ids outside the vocabulary 0..{d_vocab - 1} "
            f"(min {int(ids.min())}, max {int(ids.max())})"
        )
    return ids.to(_device(model))


def same_shape(clean: Any, corrupted: Any) -> None:
    """Clean and corrupted prompts pair up one to one, position by position."""
    if tuple(clean.shape) != tuple(corrupted.shape):
        what = "prompts" if clean.shape[0] != corrupted.shape[0] else "tokens per prompt"
        raise ValueError(
            f"clean and corrupted prompts must align position by position: clean has shape "
            f"{tuple(clean.shape)}, corrupted {tuple(corrupted.shape)} (different numbers of "
            f"{what})"
        )


def check_hooks(model: Any, names: Sequence[str]) -> list[str]:
    """Hook names checked against the model; an unknown one lists its close matches."""
    known = list(model.hook_dict)
    out = []
    for name in names:
        if name not in model.hook_dict:
            close = difflib.get_close_matches(str(name), known, n=_CLOSE, cutoff=0.5)
            hint = f"did you mean {close}?" if close else f"e.g. {known[:_CLOSE]}"
            raise ValueError(
                f"unknown hook {name!r}; {hint} ({len(known)} hooks: see model.hook_dict)"
            )
        out.append(str(name))
    return out


def _device(model: Any) -> Any:
    return next(model.parameters()).device


def forward(model: Any, tokens: Any, names: Sequence[str] | None = None) -> tuple[Any, dict]:
    """Logits and the cached activations ``names`` (all when None), no gradients."""
    th = torch()
    with th.no_grad(), quiet():
        if names is None:
            logits, cache = model.run_with_cache(tokens)
        else:
            logits, cache = model.run_with_cache(tokens, names_filter=list(names))
    return logits, dict(cache.items())


def token_labels(model: Any, tokens: Any) -> list[str]:
    """One prompt's tokens as strings (token ids when the model has no tokenizer)."""
    ids = [int(t) for t in tokens]
    tok = getattr(model, "tokenizer", None)
    if tok is None:
        return [str(i) for i in ids]
    return [tok.decode([i]) for i in ids]


def model_sets(
    model: Any, null: Any, random_state: int
) -> tuple[list[Any], list[Any] | None, str | None]:
    """The analysed models (one per training seed) and their random-init null twins.

    ``model`` is one HookedTransformer or a sequence of them (the same config
    trained with different seeds). ``null="random_init"`` re-initialises each
    with its own seed (``random_state + i``); ``"shuffled_weights"`` permutes the
    entries of every weight tensor (same values, structure destroyed); a model
    or sequence of models is used as given; None skips the null.
    """
    models = list(model) if isinstance(model, Sequence) and not hasattr(model, "cfg") else [model]
    if not models:
        raise ValueError("model must be a HookedTransformer or a non-empty list of them")
    for i, m in enumerate(models):
        check_model(m, "model" if len(models) == 1 else f"model[{i}]")
    first = models[0].cfg
    for i, m in enumerate(models[1:], 1):
        for key in ("n_layers", "n_heads", "d_model", "d_vocab", "n_ctx"):
            if getattr(m.cfg, key) != getattr(first, key):
                raise ValueError(
                    f"model[{i}] has {key}={getattr(m.cfg, key)}, model[0] {getattr(first, key)}: "
                    "several models must share one config (one model per training seed)"
                )
    if null is None:
        return models, None, None
    if isinstance(null, str):
        if null not in NULLS:
            raise ValueError(
                f"null must be one of {NULLS}, a model, a list of models or None; got {null!r}"
            )
        if null == "shuffled_weights":
            nulls = [shuffled_weights(m, int(random_state) + i) for i, m in enumerate(models)]
            return models, nulls, "shuffled weights"
        from interpkit.representations._lens import reinitialised

        with quiet():
            nulls = [reinitialised(m, int(random_state) + i) for i, m in enumerate(models)]
        return models, nulls, "random init"
    nulls = list(null) if isinstance(null, Sequence) else [null]
    for i, m in enumerate(nulls):
        check_model(m, f"null[{i}]")
        if m.cfg.n_layers != first.n_layers or m.cfg.n_heads != first.n_heads:
            raise ValueError("the null model must have the analysed model's layers and heads")
    return models, nulls, "given null model"


def shuffled_weights(model: Any, seed: int) -> Any:
    """A copy of ``model`` with the entries of each parameter tensor permuted (seeded)."""
    import copy

    th = torch()
    gen = th.Generator().manual_seed(int(seed))
    fresh = copy.deepcopy(model)
    with th.no_grad():
        for param in fresh.parameters():
            flat = param.detach().reshape(-1)
            order = th.randperm(flat.numel(), generator=gen).to(flat.device)
            param.copy_(flat[order].reshape(param.shape))
    return fresh
