"""Top-activating contexts of SAE features, and their tokens as escaped, highlighted HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from interpkit.sae._inputs import Rows

__all__ = ["Context", "check_tokens", "context_html", "top_contexts"]


@dataclass(frozen=True)
class Context:
    """One top-activating row of a feature, with its neighbouring tokens.

    Attributes
    ----------
    feature : int
    rank : int
        0 for the row where the feature is largest.
    sample : int
        The input (text) the row belongs to.
    position : int or None
        The token position, for per-token activations.
    activation : float
        The feature's activation at this row.
    tokens : tuple of str
        The tokens around ``position`` (for pooled activations: the text, or
        ``"sample i"``).
    values : tuple of float
        The feature's activation on each of ``tokens`` (0 where unknown).
    focus : int
        Index in ``tokens`` of the row itself.
    """

    feature: int
    rank: int
    sample: int
    position: int | None
    activation: float
    tokens: tuple[str, ...]
    values: tuple[float, ...]
    focus: int


def check_tokens(rows: Rows, tokens: Sequence[Sequence[str]] | None, texts: Any) -> None:
    """Refuse tokens/texts that do not line up with the rows' samples and positions."""
    if texts is not None and len(texts) != rows.n_samples:
        raise ValueError(f"texts has {len(texts)} entries for {rows.n_samples} samples")
    if tokens is None:
        return
    if isinstance(tokens, str) or len(tokens) != rows.n_samples:
        raise ValueError(
            f"tokens must be one list of token strings per sample ({rows.n_samples} samples)"
        )
    if rows.position is None:
        raise ValueError(
            "tokens= needs per-token activations (pooling=None); these are pooled, "
            "pass texts= to label each sample instead"
        )
    last = np.full(rows.n_samples, -1)
    np.maximum.at(last, rows.sample, rows.position)
    for s, seq in enumerate(tokens):
        if isinstance(seq, str):
            raise ValueError(f"tokens[{s}] is a string; pass a list of token strings per sample")
        if last[s] >= len(seq):
            raise ValueError(
                f"tokens[{s}] has {len(seq)} tokens but sample {s} has activations at "
                f"position {int(last[s])}; tokens must align with positions"
            )


def top_contexts(
    rows: Rows,
    features: np.ndarray,
    top: int,
    window: int,
    tokens: Sequence[Sequence[str]] | None = None,
    texts: Sequence[str] | None = None,
) -> list[Context]:
    """The ``top`` rows with the largest activation of every feature (active rows only).

    ``features`` is the (n_rows, d_sae) activation matrix of ``rows``.
    """
    texts = texts if texts is not None else rows.texts
    by_sample: dict[int, np.ndarray] = {}
    if rows.position is not None:
        order = np.lexsort((rows.position, rows.sample))
        bounds = np.searchsorted(rows.sample[order], np.arange(rows.n_samples + 1))
        by_sample = {s: order[bounds[s] : bounds[s + 1]] for s in range(rows.n_samples)}
    out: list[Context] = []
    n_top = min(top, features.shape[0])
    for f in range(features.shape[1]):
        col = features[:, f]
        best = np.argsort(-col, kind="stable")[:n_top]
        for rank, r in enumerate(best[col[best] > 0]):
            out.append(_context(rows, features, f, rank, int(r), window, by_sample, tokens, texts))
    return out


def _context(
    rows: Rows,
    features: np.ndarray,
    f: int,
    rank: int,
    r: int,
    window: int,
    by_sample: dict[int, np.ndarray],
    tokens: Sequence[Sequence[str]] | None,
    texts: Sequence[str] | None,
) -> Context:
    s = int(rows.sample[r])
    act = float(features[r, f])
    if rows.position is None:
        label = str(texts[s]) if texts is not None else f"sample {s}"
        return Context(f, rank, s, None, act, (label,), (act,), 0)
    p = int(rows.position[r])
    near = by_sample[s]
    near = near[np.abs(rows.position[near] - p) <= window]
    positions = rows.position[near]
    if tokens is not None:
        words = tuple(str(tokens[s][q]) for q in positions)
    else:
        words = tuple(f"[{q}]" for q in positions)
    values = tuple(float(v) for v in features[near, f])
    return Context(f, rank, s, p, act, words, values, int(np.flatnonzero(positions == p)[0]))


def context_html(context: Context, scale: float | None = None) -> str:
    """The context's tokens as HTML spans shaded by the feature's activation.

    Tokens are escaped (a token ``"<b>"`` shows as text); the row itself is
    underlined. ``scale`` is the activation shown at full colour (default:
    the context's own largest value).
    """
    top = scale if scale is not None else max(max(context.values), 1e-12)
    spans = []
    for i, (tok, val) in enumerate(zip(context.tokens, context.values, strict=True)):
        alpha = min(max(val / top, 0.0), 1.0) if top > 0 else 0.0
        style = f"background: rgba(242, 142, 43, {alpha:.2f});"
        if i == context.focus:
            style += " text-decoration: underline;"
        spans.append(
            f'<span style="{style}" title="{val:.3g}">{html.escape(tok, quote=True)}</span>'
        )
    return " ".join(spans)
