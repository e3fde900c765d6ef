"""Attention patterns per layer and head, and the scores that name what a head does.

Scores, per prompt from the head's attention pattern ``A[q, k]`` and the tokens:

``"previous_token"``   mean over queries ``q >= 1`` of ``A[q, q - 1]``;
``"duplicate_token"``  attention from ``q`` to earlier copies of its token
                       (keys ``k < q`` with ``tok[k] == tok[q]``);
``"induction"``        attention from ``q`` to the token after an earlier copy of
                       its token (keys ``k < q`` with ``tok[k - 1] == tok[q]``).

The last two average over the queries that have such a key. The default
prompts are random sequences repeated once (:func:`repeated_tokens`), where
the second half is predictable by induction only; there the induction score
is the classic ``A[q, q - L + 1]`` averaged over the second half. Each score
is a ratio of prompt means (attention summed over qualifying queries / their
number), so the bootstrap resamples whole prompts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from interpkit.circuits import _backend as B
from interpkit.circuits._intervals import summarise, tidy
from interpkit.circuits._results import TRAINED, CircuitResult
from interpkit.circuits.tiny import repeated_tokens

__all__ = ["SCORES", "AttentionPatterns", "HeadScores", "attention_patterns", "head_scores"]

SCORES = ("previous_token", "induction", "duplicate_token")


def _patterns(model: Any, tokens: Any) -> np.ndarray:
    """Attention patterns, shape (n_prompts, n_layers, n_heads, q, k)."""
    names = [f"blocks.{i}.attn.hook_pattern" for i in range(int(model.cfg.n_layers))]
    _, cache = B.forward(model, tokens, names)
    return np.stack([cache[n].cpu().numpy() for n in names], axis=1).astype(np.float64)


def _masks(tokens: np.ndarray) -> dict[str, np.ndarray]:
    """Per score, a (n_prompts, q, k) 0/1 mask of the keys the score counts."""
    n, p = tokens.shape
    q = np.arange(p)[:, None]
    k = np.arange(p)[None, :]
    earlier = k < q
    prev = np.broadcast_to((k == q - 1), (n, p, p))
    dup = (tokens[:, :, None] == tokens[:, None, :]) & earlier
    shifted = np.full_like(tokens, -1)
    shifted[:, 1:] = tokens[:, :-1]  # shifted[k] = tok[k - 1]
    ind = (tokens[:, :, None] == shifted[:, None, :]) & earlier
    return {"previous_token": prev, "duplicate_token": dup, "induction": ind}


def score_parts(
    patterns: np.ndarray, tokens: np.ndarray, score: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per prompt: summed attention on the score's keys and the number of queries that have one.

    ``patterns`` (n_prompts, layers, heads, q, k); returns arrays
    (n_prompts, layers, heads) and (n_prompts, 1, 1).
    """
    mask = _masks(tokens)[score].astype(np.float64)
    has = mask.any(axis=2)  # (n, q)
    num = np.einsum("nlhqk,nqk->nlh", patterns, mask)
    den = has.sum(axis=1).astype(np.float64)[:, None, None]
    return num, den


def _ratio(means: dict[str, np.ndarray]) -> np.ndarray:
    return means["num"] / means["den"]


@dataclass(frozen=True, eq=False)
class HeadScores(CircuitResult):
    """Previous-token, induction and duplicate-token scores per head (see :func:`head_scores`).

    ``table`` has columns ``model``, ``score``, ``layer``, ``head`` and the
    values with intervals over prompts and training seeds.
    """

    def head(
        self, layer: int, head: int, score: str = "induction", model: str = TRAINED
    ) -> pd.Series:
        """One head's row of the table."""
        sub = self.values(model)
        row = sub[(sub["layer"] == layer) & (sub["head"] == head) & (sub["score"] == score)]
        if row.empty:
            raise ValueError(f"no score {score!r} for layer {layer}, head {head}")
        return row.iloc[0]

    def summary(self) -> pd.DataFrame:
        """One row per head: each score's value, trained and null side by side."""
        table = self.table.assign(column=self.table["score"] + " (" + self.table["model"] + ")")
        wide = table.pivot_table(
            index=["layer", "head"], columns="column", values="value", sort=False
        )
        return wide.reset_index()

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        from interpkit.plots import circuits as plots

        title = title or "Attention head scores"
        seeds = self.params.get("n_models", 1)
        report.add_figure(
            plots.head_scores(self),
            caption=f"{title}: bars, the score; whiskers, {self.params['level']:.0%} bootstrap "
            "interval over prompts"
            + (f"; diamonds, the range over {seeds} training seeds" if seeds > 1 else "")
            + (f"; grey, the {self.null} model" if self.null else ""),
        )
        report.add_table(self.summary(), caption=f"{title}: per head")
        report.add_provenance(title, {"method": "attention head scores", **self.params})


def head_scores(
    model: Any,
    prompts: Any = None,
    *,
    scores: Sequence[str] = SCORES,
    null: Any = "random_init",
    n_prompts: int = 64,
    n_boot: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> HeadScores:
    """Previous-token, induction and duplicate-token scores of every head, with intervals.

    Parameters
    ----------
    model : HookedTransformer or list of them
        One model or one per training seed (intervals over seeds).
    prompts : token ids or strings, optional
        Default: ``n_prompts`` random sequences of ``n_ctx // 2`` tokens, each
        repeated once (drawn with ``random_state``).
    scores : sequence of str
        Among ``"previous_token"``, ``"induction"``, ``"duplicate_token"``.
    null : "random_init", "shuffled_weights", model(s) or None
        The same scores for the same config with random weights (default).
    n_prompts : int
        Number of default prompts.
    n_boot, level, random_state
        Bootstrap over prompts.

    Returns
    -------
    HeadScores
    """
    scores = [scores] if isinstance(scores, str) else list(scores)
    unknown = [s for s in scores if s not in SCORES]
    if unknown or not scores:
        raise ValueError(f"scores must be among {SCORES}, got {unknown or scores}")
    models, nulls, null_label = B.model_sets(model, null, random_state)
    cfg = models[0].cfg
    if prompts is None:
        prompts = repeated_tokens(
            n_prompts, int(cfg.n_ctx) // 2, d_vocab=int(cfg.d_vocab), random_state=random_state
        )
    tokens = B.as_prompts(models[0], prompts)
    ids = tokens.cpu().numpy()
    layers, heads = list(range(int(cfg.n_layers))), list(range(int(cfg.n_heads)))
    frames = []
    for label, group in ((TRAINED, models), (null_label, nulls)):
        if group is None:
            continue
        patterns = [_patterns(m, tokens) for m in group]
        for score in scores:
            parts = [score_parts(p, ids, score) for p in patterns]
            arrays = {
                "num": np.stack([a for a, _ in parts]),
                "den": np.stack([b for _, b in parts]),
            }
            summ = summarise(
                arrays,
                stat=_ratio,
                main="num",
                n_boot=n_boot,
                level=level,
                random_state=random_state,
            )
            frames.append(
                tidy([("layer", layers), ("head", heads)], summ, model=label, score=score)
            )
    params = {
        "scores": scores,
        "n_prompts": int(tokens.shape[0]),
        "n_positions": int(tokens.shape[1]),
        "n_models": len(models),
        "null": null_label,
        "scope": "prompts",
        "n_boot": int(n_boot),
        "level": float(level),
        "random_state": random_state,
    }
    return HeadScores(pd.concat(frames, ignore_index=True), params)


@dataclass(frozen=True, eq=False)
class AttentionPatterns:
    """Attention patterns of every layer and head (see :func:`attention_patterns`).

    Attributes
    ----------
    patterns : ndarray, shape (n_prompts, n_layers, n_heads, n_positions, n_positions)
        ``patterns[i, l, h, q, k]``: attention of query ``q`` to key ``k``.
    null_patterns : ndarray or None
        The same for the null model.
    tokens : list of list of str
        Each prompt's tokens (token ids as text when the model has no tokenizer).
    null : str or None
    params : dict
    """

    patterns: np.ndarray
    null_patterns: np.ndarray | None
    tokens: list[list[str]]
    null: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def mean(self) -> np.ndarray:
        """Patterns averaged over prompts, shape (n_layers, n_heads, q, k)."""
        return self.patterns.mean(axis=0)

    def summary(self) -> pd.DataFrame:
        """Per head: mean attention to the previous token, to itself and to the first token."""
        rows = []
        for source, pat in ((TRAINED, self.patterns), (self.null, self.null_patterns)):
            if pat is None:
                continue
            p = pat.shape[-1]
            for layer in range(pat.shape[1]):
                for head in range(pat.shape[2]):
                    a = pat[:, layer, head]
                    rows.append(
                        {
                            "model": source,
                            "layer": layer,
                            "head": head,
                            "previous": float(a[:, np.arange(1, p), np.arange(p - 1)].mean()),
                            "self": float(a[:, np.arange(p), np.arange(p)].mean()),
                            "first": float(a[:, :, 0].mean()),
                        }
                    )
        return pd.DataFrame(rows)

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        from interpkit.plots import circuits as plots

        title = title or "Attention patterns"
        report.add_figure(
            plots.attention_patterns(self),
            caption=f"{title}: attention of each query (row) to each key (column), prompt 0"
            + (f"; bottom row, the {self.null} model" if self.null else ""),
        )
        report.add_table(self.summary(), caption=f"{title}: mean attention by key")
        report.add_provenance(title, {"method": "attention patterns", **self.params})


def attention_patterns(
    model: Any, prompts: Any, *, null: Any = "random_init", random_state: int = 0
) -> AttentionPatterns:
    """Attention patterns of every layer and head on ``prompts`` (and of the null model).

    With several models (one per seed) the first is shown.
    """
    models, nulls, null_label = B.model_sets(model, null, random_state)
    tokens = B.as_prompts(models[0], prompts)
    pats = _patterns(models[0], tokens)
    null_pats = None if nulls is None else _patterns(nulls[0], tokens)
    labels = [B.token_labels(models[0], row) for row in tokens]
    params = {
        "n_prompts": int(tokens.shape[0]),
        "n_positions": int(tokens.shape[1]),
        "null": null_label,
    }
    return AttentionPatterns(pats, null_pats, labels, null_label, params)
