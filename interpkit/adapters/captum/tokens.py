"""Token inputs of the text explainers: texts or token ids, a tokenizer, a token baseline.

Texts are tokenized with the explainer's (Hugging Face) tokenizer, padded to
the longest text of the call (or ``max_length``); ids may be given directly
as a 2-D integer array or tensor, or as the tokenizer's own output (a dict
with ``input_ids`` and ``attention_mask``). Padding is masked: the mask is
``attention_mask`` when given, else ``ids != pad_token_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from interpkit.adapters.captum.inputs import is_tensor, tensor_to_numpy

# baseline names -> the tokenizer attribute holding that token
TOKEN_ROLES = {"[PAD]": "pad_token", "[UNK]": "unk_token", "[MASK]": "mask_token"}


@dataclass(frozen=True)
class Tokens:
    """Token ids ``(n, L)`` (int64), the mask of real tokens, and the token strings."""

    ids: np.ndarray
    mask: np.ndarray
    text: np.ndarray


def check_tokenizer(tokenizer: Any, name: str) -> None:
    """A tokenizer must map texts to ids and ids back to token strings."""
    if tokenizer is None:
        raise TypeError(
            f"{name} needs tokenizer= (a Hugging Face tokenizer, e.g. "
            "AutoTokenizer.from_pretrained(path, local_files_only=True))"
        )
    needed = ("convert_ids_to_tokens", "convert_tokens_to_ids")
    missing = [a for a in needed if not hasattr(tokenizer, a)]
    missing += [] if callable(tokenizer) else ["__call__"]
    if missing:
        raise TypeError(
            f"tokenizer must be a Hugging Face tokenizer; {type(tokenizer).__name__} has no "
            f"{', '.join(missing)}"
        )


def vocab_size(tokenizer: Any) -> int:
    return int(len(tokenizer))


def token_inputs(
    X: Any, tokenizer: Any, max_length: int | None, device: Any = None, what: str = "X"
) -> Tokens:
    """Check and tokenize ``X``: texts, 2-D integer ids, or the tokenizer's output."""
    if X is None:
        raise TypeError(f"{what} is None; pass texts (a list of str) or a 2-D array of token ids")
    if isinstance(X, str):
        raise TypeError(f"{what} is one string; pass a list of texts, e.g. [{X[:20]!r}]")
    if isinstance(X, pd.Series | pd.Index):
        X = X.tolist()
    mask = None
    if isinstance(X, Mapping):
        if "input_ids" not in X:
            raise ValueError(f"{what} is a mapping without 'input_ids' (tokenizer output)")
        mask = X.get("attention_mask")
        X = X["input_ids"]
        mask = None if mask is None else _numpy(mask, device, what)
    elif isinstance(X, list | tuple) and X and all(isinstance(t, str) for t in X):
        enc = tokenizer(
            list(X),
            padding="max_length" if max_length else "longest",
            truncation=bool(max_length),
            max_length=max_length,
        )
        X, mask = enc["input_ids"], enc["attention_mask"]
    elif isinstance(X, list | tuple) and any(isinstance(t, str) for t in X):
        raise TypeError(f"{what} mixes texts and other values; pass a list of str")
    ids = _numpy(X, device, what)
    if ids.dtype.kind not in "iu":
        raise TypeError(
            f"{what} has dtype {ids.dtype}; token ids must be integers (pass the texts, or "
            "tokenizer(texts)['input_ids'] as an int64 array)"
        )
    if ids.ndim != 2 or ids.shape[0] == 0 or ids.shape[1] == 0:
        raise ValueError(
            f"{what} must be 2-D token ids (samples x tokens) or a list of texts, "
            f"got shape {ids.shape}"
        )
    n_vocab = vocab_size(tokenizer)
    bad = ids[(ids < 0) | (ids >= n_vocab)]
    if bad.size:
        raise ValueError(
            f"{what} holds token id {int(bad[0])}, outside the tokenizer's vocabulary "
            f"(0..{n_vocab - 1})"
        )
    ids = ids.astype(np.int64)
    if mask is None:
        pad = tokenizer.pad_token_id
        mask = np.ones_like(ids, dtype=bool) if pad is None else ids != pad
    mask = np.asarray(mask).astype(bool)
    if mask.shape != ids.shape:
        raise ValueError(f"attention_mask has shape {mask.shape} but input_ids {ids.shape}")
    text = np.array(
        [tokenizer.convert_ids_to_tokens([int(i) for i in row]) for row in ids], dtype=str
    )
    return Tokens(ids=ids, mask=mask, text=text)


def baseline_token(spec: Any, tokenizer: Any) -> tuple[int, str]:
    """``(token id, description)`` of a token baseline: a role name, a token or an id."""
    if isinstance(spec, bool) or spec is None:
        raise TypeError(
            f"baseline must be one of {list(TOKEN_ROLES)}, a token of the vocabulary or a "
            f"token id, got {spec!r}"
        )
    if isinstance(spec, int | np.integer):
        n_vocab = vocab_size(tokenizer)
        if not 0 <= int(spec) < n_vocab:
            raise ValueError(
                f"baseline token id {spec} is outside the vocabulary (0..{n_vocab - 1})"
            )
        return int(spec), f"token id {int(spec)} ({tokenizer.convert_ids_to_tokens(int(spec))})"
    if not isinstance(spec, str):
        raise TypeError(
            f"baseline must be {list(TOKEN_ROLES)}, a token string or a token id, "
            f"got {type(spec).__name__}"
        )
    if spec in TOKEN_ROLES:
        attr = TOKEN_ROLES[spec]
        token = getattr(tokenizer, attr, None)
        if token is None:
            raise ValueError(
                f"baseline={spec!r}: this tokenizer ({type(tokenizer).__name__}) has no "
                f"{attr}; pick another of {list(TOKEN_ROLES)} or pass a token id"
            )
        return int(tokenizer.convert_tokens_to_ids(token)), f"{spec} ({token})"
    vocab = tokenizer.get_vocab() if hasattr(tokenizer, "get_vocab") else {}
    if spec not in vocab:
        raise ValueError(
            f"baseline={spec!r} is neither one of {list(TOKEN_ROLES)} nor a token of the "
            "tokenizer's vocabulary; pass one of those or a token id"
        )
    return int(vocab[spec]), f"token {spec!r}"


def special_ids(tokenizer: Any) -> set[int]:
    """Ids of the tokenizer's special tokens ([CLS], [SEP], [PAD], ...)."""
    return {int(i) for i in getattr(tokenizer, "all_special_ids", [])}


def baseline_ids(tokens: Tokens, token_id: int, keep: set[int]) -> np.ndarray:
    """The baseline sequence: ``token_id`` at every real, non-kept position."""
    out = tokens.ids.copy()
    replace = tokens.mask & ~np.isin(tokens.ids, sorted(keep))
    out[replace] = token_id
    return out


def _numpy(X: Any, device: Any, what: str) -> np.ndarray:
    if is_tensor(X):
        return tensor_to_numpy(X, device, what)
    try:
        return np.asarray(X)
    except ValueError:
        raise ValueError(
            "token ids have rows of different lengths; pad them (tokenizer(..., padding=True))"
        ) from None
