"""Direct logit attribution: each component's direct share of a logit difference.

The final residual stream is a sum of component outputs (token and position
embeddings, every head's ``z @ W_O``, each layer's attention bias, each MLP).
Read through the unembedding along ``W_U[:, answer] - W_U[:, wrong]`` (with
the final LayerNorm's scale taken from the run, so the map is linear), each
component's term is its direct effect on the logit difference; the terms and
the unembedding bias add up to the model's logit difference exactly (tested).
Indirect effects (through later layers) are not counted: patching measures
those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from interpkit.circuits import _backend as B
from interpkit.circuits._intervals import summarise, tidy
from interpkit.circuits._results import TRAINED, CircuitResult
from interpkit.circuits.patching import _per_prompt_ids

__all__ = ["LogitAttribution", "direct_logit_attribution", "logit_attribution_terms"]


def logit_attribution_terms(
    model: Any, prompts: Any, answer: Any, wrong: Any, position: int = -1
) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Per prompt, each component's direct term of the logit difference.

    Returns
    -------
    names : list of str
        ``"embed"``, ``"pos_embed"``, ``"L{l}H{h}"``, ``"L{l} attn bias"``,
        ``"L{l} mlp"``, ``"unembed bias"``.
    layers : list of str
        The layer each component belongs to (``"embed"``, ``"layer 0"``, ...).
    terms : ndarray, shape (n_prompts, n_components)
    logit_difference : ndarray, shape (n_prompts,)
        The model's own ``logit[answer] - logit[wrong]`` at ``position``; equal
        to ``terms.sum(axis=1)``.
    """
    tokens = B.as_prompts(model, prompts)
    n = int(tokens.shape[0])
    a = _per_prompt_ids(answer, "answer", n, model)
    w = _per_prompt_ids(wrong, "wrong", n, model)
    if not -tokens.shape[1] <= int(position) < tokens.shape[1]:
        raise ValueError(
            f"position {position} out of range for prompts of {tokens.shape[1]} tokens"
        )
    return _terms(model, tokens, a, w, int(position))


def _terms(model: Any, tokens: Any, a: np.ndarray, w: np.ndarray, pos: int) -> tuple:
    th = B.torch()
    cfg = model.cfg
    n_layers, n_heads = int(cfg.n_layers), int(cfg.n_heads)
    logits, cache = B.forward(model, tokens)
    names, layers, parts = [], [], []

    def add(name: str, layer: str, vec: Any) -> None:
        names.append(name)
        layers.append(layer)
        parts.append(vec.expand(tokens.shape[0], -1) if vec.ndim == 1 else vec)

    with th.no_grad():
        add("embed", "embed", cache["hook_embed"][:, pos])
        if "hook_pos_embed" in cache:
            add("pos_embed", "embed", cache["hook_pos_embed"][:, pos])
        for layer in range(n_layers):
            z = cache[f"blocks.{layer}.attn.hook_z"][:, pos]  # (n, head, d_head)
            out = th.einsum("nhd,hdm->nhm", z, model.blocks[layer].attn.W_O)
            for h in range(n_heads):
                add(f"L{layer}H{h}", f"layer {layer}", out[:, h])
            add(f"L{layer} attn bias", f"layer {layer}", model.blocks[layer].attn.b_O)
            if f"blocks.{layer}.hook_mlp_out" in cache:
                add(
                    f"L{layer} mlp", f"layer {layer}", cache[f"blocks.{layer}.hook_mlp_out"][:, pos]
                )
        stack = th.stack(parts)  # (components, n, d_model)
        device = model.W_U.device
        a_t, w_t = th.as_tensor(a, device=device), th.as_tensor(w, device=device)
        direction = (model.W_U[:, a_t] - model.W_U[:, w_t]).T  # (n, d_model)
        const = model.b_U[a_t] - model.b_U[w_t]
        norm = cfg.normalization_type
        if norm is not None:
            if norm in ("LN", "LNPre"):
                stack = stack - stack.mean(-1, keepdim=True)
            stack = stack / cache["ln_final.hook_scale"][:, pos][None]
            if hasattr(model.ln_final, "w"):
                direction = direction * model.ln_final.w
                const = const + (model.W_U[:, a_t] - model.W_U[:, w_t]).T @ model.ln_final.b
        terms = th.einsum("cnm,nm->nc", stack, direction)
        terms = th.cat([terms, const[:, None]], dim=1)
        at = logits[:, pos]
        rows = th.arange(at.shape[0], device=device)
        diff = at[rows, a_t] - at[rows, w_t]
    names.append("unembed bias")
    layers.append("unembed")
    return names, layers, terms.double().cpu().numpy(), diff.double().cpu().numpy()


@dataclass(frozen=True, eq=False)
class LogitAttribution(CircuitResult):
    """Direct logit attribution per component and per layer (see :func:`direct_logit_attribution`).

    ``table``: ``model``, ``level`` (``"component"``: each head, bias, MLP and
    embedding; ``"layer"``: summed per layer), ``component``, and the mean
    direct term with intervals. ``params["logit_difference"]``: each model's
    mean logit difference, which the terms add up to.
    """

    def summary(self) -> pd.DataFrame:
        """Per component, the trained model's term beside the null's."""
        sub = self.table[self.table["level"] == "component"]
        wide = sub.pivot_table(index="component", columns="model", values="value", sort=False)
        return wide.reset_index()

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        from interpkit.plots import circuits as plots

        title = title or "Direct logit attribution"
        report.add_figure(
            plots.logit_attribution(self),
            caption=f"{title}: each component's direct effect on the logit difference "
            f"(mean over prompts, {self.params['level']:.0%} bootstrap interval)"
            + (f"; grey, the {self.null} model" if self.null else ""),
        )
        report.add_table(self.summary(), caption=f"{title}: per component")
        report.add_provenance(title, {"method": "direct logit attribution", **self.params})


def direct_logit_attribution(
    model: Any,
    prompts: Any,
    answer: Any,
    wrong: Any,
    *,
    position: int = -1,
    null: Any = "random_init",
    n_boot: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> LogitAttribution:
    """Each head's, layer's and embedding's direct effect on ``logit[answer] - logit[wrong]``.

    Parameters
    ----------
    model : HookedTransformer or list of them
        One model or one per training seed (intervals over seeds).
    prompts : token ids or strings
    answer, wrong : int or array of int (one per prompt)
        The two tokens whose logit difference at ``position`` is attributed.
    position : int
        Default: the last position.
    null : "random_init", "shuffled_weights", model(s) or None
    n_boot, level, random_state
        Bootstrap over prompts.

    Returns
    -------
    LogitAttribution
    """
    models, nulls, null_label = B.model_sets(model, null, random_state)
    tokens = B.as_prompts(models[0], prompts)
    n = int(tokens.shape[0])
    if not -tokens.shape[1] <= int(position) < tokens.shape[1]:
        raise ValueError(
            f"position {position} out of range for prompts of {tokens.shape[1]} tokens"
        )
    a = _per_prompt_ids(answer, "answer", n, models[0])
    w = _per_prompt_ids(wrong, "wrong", n, models[0])
    frames, diffs = [], {}
    for label, group in ((TRAINED, models), (null_label, nulls)):
        if group is None:
            continue
        parts = [_terms(m, tokens, a, w, int(position)) for m in group]
        names, layers = parts[0][0], parts[0][1]
        terms = np.stack([p[2] for p in parts])  # (models, n, components)
        order = list(dict.fromkeys(layers))
        by_layer = np.stack(
            [terms[..., [i for i, x in enumerate(layers) if x == lay]].sum(-1) for lay in order], -1
        )
        for level_name, arr, labels in (("component", terms, names), ("layer", by_layer, order)):
            summ = summarise(arr, n_boot=n_boot, level=level, random_state=random_state)
            frames.append(tidy([("component", labels)], summ, model=label, level=level_name))
        diffs[label] = float(np.mean([p[3].mean() for p in parts]))
    params = {
        "position": int(position),
        "n_prompts": n,
        "n_models": len(models),
        "null": null_label,
        "logit_difference": diffs,
        "scope": "prompts",
        "n_boot": int(n_boot),
        "level": float(level),
        "random_state": random_state,
    }
    return LogitAttribution(pd.concat(frames, ignore_index=True), params)
