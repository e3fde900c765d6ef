"""Logit lens: each layer's residual stream read through the unembedding.

The residual stream after the embedding and after every block is passed
through the model's final normalisation (when it has one) and its
unembedding, as if the model stopped there (nostalgebraist, 2020). For each
layer and position: the probability of the correct next token and its rank
among the vocabulary (0 = top). At the last block this is the model's own
output (tested: the logits equal ``model(tokens)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from interpkit.circuits import _backend as B
from interpkit.circuits._intervals import summarise, tidy
from interpkit.circuits._results import TRAINED, CircuitResult

__all__ = ["LogitLens", "lens_logits", "logit_lens"]

MEASURES = ("probability", "rank")


def layer_labels(n_layers: int) -> list[str]:
    """``"embed"`` then ``"block 0"`` ... ``"block n-1"``."""
    return ["embed", *[f"block {i}" for i in range(n_layers)]]


def lens_logits(model: Any, prompts: Any) -> np.ndarray:
    """Logits read off every layer: shape (n_layers + 1, n_prompts, n_positions, d_vocab).

    Layer 0 is the embedding (``blocks.0.hook_resid_pre``), layer ``i + 1``
    the output of block ``i`` (``blocks.i.hook_resid_post``).
    """
    tokens = B.as_prompts(model, prompts)
    return _lens_logits(model, tokens).cpu().numpy()


def _lens_logits(model: Any, tokens: Any) -> Any:
    th = B.torch()
    n_layers = int(model.cfg.n_layers)
    names = ["blocks.0.hook_resid_pre", *[f"blocks.{i}.hook_resid_post" for i in range(n_layers)]]
    _, cache = B.forward(model, tokens, names)
    stack = th.stack([cache[n] for n in names])  # (layers, batch, pos, d_model)
    with th.no_grad():
        if model.cfg.normalization_type is not None and hasattr(model, "ln_final"):
            stack = th.stack([model.ln_final(s) for s in stack])
        return model.unembed(stack.reshape(-1, *stack.shape[2:])).reshape(*stack.shape[:3], -1)


def _per_prompt(model: Any, tokens: Any) -> tuple[np.ndarray, np.ndarray]:
    """Probability and rank of the next token, (n_prompts, layers, positions - 1)."""
    th = B.torch()
    logits = _lens_logits(model, tokens)[:, :, :-1]  # position t predicts token t + 1
    target = tokens[None, :, 1:, None].expand(logits.shape[0], -1, -1, 1)
    chosen = logits.gather(-1, target)
    prob = logits.log_softmax(-1).gather(-1, target).exp()[..., 0]
    rank = (logits > chosen).sum(-1).to(th.float64)
    return prob.permute(1, 0, 2).cpu().numpy(), rank.permute(1, 0, 2).cpu().numpy()


@dataclass(frozen=True, eq=False)
class LogitLens(CircuitResult):
    """Next-token probability and rank read off every layer (see :func:`logit_lens`).

    ``table`` has columns ``model``, ``measure`` (``"probability"`` or
    ``"rank"``), ``layer`` (``"embed"``, ``"block 0"``, ...), ``position`` (the
    position predicting the token after it) and the values with intervals.
    ``tokens`` are the first prompt's tokens, for labels.
    """

    tokens: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Per model and layer: mean probability and mean rank of the next token over positions."""
        out = self.table.groupby(["model", "layer", "measure"], sort=False)["value"].mean()
        return out.unstack("measure").reset_index()

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        from interpkit.plots import circuits as plots

        title = title or "Logit lens"
        report.add_figure(
            plots.logit_lens(self),
            caption=f"{title}: probability of the correct next token read off each layer "
            "(residual stream through the unembedding), mean over prompts"
            + (f"; {self.null} beside" if self.null else ""),
        )
        report.add_table(self.summary(), caption=f"{title}: mean over positions")
        report.add_provenance(title, {"method": "logit lens", **self.params})


def logit_lens(
    model: Any,
    prompts: Any,
    *,
    null: Any = "random_init",
    n_boot: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> LogitLens:
    """Probability and rank of the correct next token per layer and position.

    Parameters
    ----------
    model : HookedTransformer or list of them
        One model, or one per training seed (the same config): values are
        averaged over them and get an interval over seeds.
    prompts : array-like of int, tensor, or list of str
        ``(n_prompts, n_positions)`` token ids (or strings of one token
        length); position ``t`` is scored on token ``t + 1``.
    null : "random_init", "shuffled_weights", model(s) or None
        The same analysis on the same config with fresh random weights (default), or
        with each weight tensor's entries permuted.
    n_boot, level, random_state
        Bootstrap over prompts: replicates, coverage, seed.

    Returns
    -------
    LogitLens
    """
    models, nulls, null_label = B.model_sets(model, null, random_state)
    tokens = B.as_prompts(models[0], prompts)
    if tokens.shape[1] < 2:
        raise ValueError("prompts need at least 2 tokens: position t is scored on token t + 1")
    layers = layer_labels(int(models[0].cfg.n_layers))
    positions = list(range(tokens.shape[1] - 1))
    frames = []
    for label, group in ((TRAINED, models), (null_label, nulls)):
        if group is None:
            continue
        parts = [_per_prompt(m, tokens) for m in group]
        for k, measure in enumerate(MEASURES):
            arr = np.stack([p[k] for p in parts])
            summ = summarise(arr, n_boot=n_boot, level=level, random_state=random_state)
            coords = [("layer", layers), ("position", positions)]
            frames.append(tidy(coords, summ, model=label, measure=measure))
    params = {
        "n_prompts": int(tokens.shape[0]),
        "n_positions": int(tokens.shape[1]),
        "n_models": len(models),
        "null": null_label,
        "scope": "prompts",
        "n_boot": int(n_boot),
        "level": float(level),
        "random_state": random_state,
    }
    labels = B.token_labels(models[0], tokens[0])
    return LogitLens(pd.concat(frames, ignore_index=True), params, labels)
