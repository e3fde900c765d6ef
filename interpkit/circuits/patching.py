"""Activation patching: how much of a clean run's behaviour one activation carries.

The model runs on the corrupted prompts with one activation replaced by its
value on the clean prompts; the metric (by default the logit difference
``logit[answer] - logit[wrong]`` at one position) is normalised so the
clean run scores 1 and the corrupted run 0:
``(patched - corrupted) / (clean - corrupted)``, a ratio of prompt means.

``kind``:

``"resid"``  the residual stream entering each block (``blocks.l.hook_resid_pre``)
             at each position: a (layer, position) map;
``"heads"``  each attention head's output (``blocks.l.attn.hook_z``) at every
             position: a (layer, head) map;
``"mlp"``    each MLP's output (``blocks.l.hook_mlp_out``): one value per layer.

Patches are batched: the corrupted prompts are stacked once per patch and one
forward pass serves up to ``batch_size`` rows (``batched=False`` runs one
forward per patch, as ``transformer_lens.patching`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from interpkit.circuits import _backend as B
from interpkit.circuits._intervals import summarise, tidy
from interpkit.circuits._results import TRAINED, CircuitResult

__all__ = ["KINDS", "Patching", "activation_patching", "logit_difference", "run_patched"]

KINDS = ("resid", "heads", "mlp")
Patch = tuple[str, int | None]  # (hook name, position / head index, None: everything)
Group = list[Patch]  # the patches of one stacked copy of the corrupted prompts


def run_patched(model: Any, corrupted: Any, clean: Any, hooks: Sequence[str]) -> np.ndarray:
    """Logits of the corrupted prompts with whole hook activations taken from the clean run.

    Parameters
    ----------
    model : HookedTransformer
    corrupted, clean : token ids or strings
        Prompts of the same shape (pairs aligned position by position).
    hooks : sequence of str
        Hook names (``model.hook_dict``); an unknown name is refused with the
        closest known ones. An empty list runs the corrupted prompts as they are.

    Returns
    -------
    ndarray, shape (n_prompts, n_positions, d_vocab)
    """
    B.check_model(model)
    hooks = [hooks] if isinstance(hooks, str) else list(hooks)
    names = B.check_hooks(model, hooks)
    clean_t = B.as_prompts(model, clean, "clean prompts")
    corrupt_t = B.as_prompts(model, corrupted, "corrupted prompts")
    B.same_shape(clean_t, corrupt_t)
    _, cache = B.forward(model, clean_t, names)
    logits = _run(model, corrupt_t, [[(n, None) for n in names]], cache, len(corrupt_t), "all")
    return logits.cpu().numpy()


def logit_difference(answer: Any, wrong: Any, position: int = -1) -> Callable[[Any], Any]:
    """Metric ``logits[i, position, answer[i]] - logits[i, position, wrong[i]]`` per prompt."""
    th = B.torch()
    a = th.as_tensor(np.asarray(answer, dtype=np.int64).reshape(-1))
    w = th.as_tensor(np.asarray(wrong, dtype=np.int64).reshape(-1))

    def metric(logits: Any) -> Any:
        at = logits[:, position]
        rows = th.arange(at.shape[0], device=at.device)
        ai, wi = a.to(at.device).expand(at.shape[0]), w.to(at.device).expand(at.shape[0])
        return at[rows, ai] - at[rows, wi]

    metric.answers = (a, w)  # type: ignore[attr-defined]
    metric.position = int(position)  # type: ignore[attr-defined]
    return metric


def _setter(index: int | None, kind: str) -> Callable[[Any, Any, slice], None]:
    def patch(act: Any, clean: Any, rows: slice) -> None:
        if index is None:
            act[rows] = clean
        elif kind == "heads":
            act[rows, :, index] = clean[:, :, index]
        else:
            act[rows, index] = clean[:, index]

    return patch


def _run(
    model: Any,
    start: Any,
    groups: Sequence[Group],
    cache: dict,
    n: int,
    kind: str,
    layer: int | None = None,
    position: int | None = None,
) -> Any:
    """One forward of ``len(groups)`` stacked copies of the corrupted run, copy g patched by
    group g.

    ``start`` is the corrupted tokens, or with ``layer`` the corrupted residual
    stream entering block ``layer`` (the blocks before it are the same for every
    patch, so they run once). With ``position`` only the logits there are
    computed, shape (rows, 1, d_vocab).
    """
    th = B.torch()
    by_hook: dict[str, list[tuple[int, Callable]]] = {}
    for g, group in enumerate(groups):
        for name, index in group:
            by_hook.setdefault(name, []).append((g, _setter(index, kind)))

    def make_hook(name: str) -> Callable:
        clean = cache[name]

        def hook(act: Any, hook: Any) -> Any:
            for g, patch in by_hook[name]:
                patch(act, clean, slice(g * n, (g + 1) * n))
            return act

        return hook

    copies = max(len(groups), 1)
    stacked = start.repeat(copies, *([1] * (start.ndim - 1)))
    kwargs: dict[str, Any] = {} if layer is None else {"start_at_layer": int(layer)}
    if position is not None:
        kwargs["stop_at_layer"] = int(model.cfg.n_layers)
    hooks = [(name, make_hook(name)) for name in by_hook]
    with th.no_grad(), B.quiet():
        out = model.run_with_hooks(stacked, fwd_hooks=hooks, **kwargs)
        if position is not None:
            out = _unembed(model, out[:, [position]])
    return out


AUTO_NUMBERS = 2**20


def auto_rows(model: Any, n_positions: int) -> int:
    """Rows per stacked pass whose widest activation holds about ``AUTO_NUMBERS`` numbers."""
    cfg = model.cfg
    width = max(
        int(cfg.d_model),
        int(cfg.d_mlp or 0) if not getattr(cfg, "attn_only", False) else 0,
        int(cfg.n_heads) * int(n_positions),  # attention scores per query
    )
    return max(1, AUTO_NUMBERS // (int(n_positions) * width))


def _unembed(model: Any, residual: Any) -> Any:
    """The model's own final normalisation and unembedding of a residual stream."""
    if model.cfg.normalization_type is not None:
        residual = model.ln_final(residual)
    return model.unembed(residual)


def _block(name: str) -> int | None:
    parts = name.split(".")
    return int(parts[1]) if parts[0] == "blocks" and parts[1].isdigit() else None


def _groups(model: Any, kind: str, n_positions: int) -> tuple[list[Group], list[tuple[str, list]]]:
    n_layers, n_heads = int(model.cfg.n_layers), int(model.cfg.n_heads)
    layers = list(range(n_layers))
    if kind == "resid":
        groups = [[(f"blocks.{i}.hook_resid_pre", p)] for i in layers for p in range(n_positions)]
        return groups, [("layer", layers), ("position", list(range(n_positions)))]
    if kind == "heads":
        groups = [[(f"blocks.{i}.attn.hook_z", h)] for i in layers for h in range(n_heads)]
        return groups, [("layer", layers), ("head", list(range(n_heads)))]
    if getattr(model.cfg, "attn_only", False) or "blocks.0.hook_mlp_out" not in model.hook_dict:
        raise ValueError("kind='mlp' needs a model with MLPs; this one is attention-only")
    return [[(f"blocks.{i}.hook_mlp_out", None)] for i in layers], [("layer", layers)]


def _sweep(
    model: Any,
    clean: Any,
    corrupted: Any,
    kind: str,
    metric: Callable,
    batched: bool,
    batch_size: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per prompt: the patched metric of every group (n_prompts, n_groups), clean, corrupted.

    Each patch starts from the corrupted residual stream entering its block. For the
    built-in logit difference only the logits at its position are computed.
    """
    n = int(clean.shape[0])
    groups, _ = _groups(model, kind, int(clean.shape[1]))
    names = list(dict.fromkeys(name for group in groups for name, _ in group))
    n_layers = int(model.cfg.n_layers)
    clean_logits, cache = B.forward(model, clean, names)
    entries = [f"blocks.{i}.hook_resid_pre" for i in range(n_layers)]
    corrupt_logits, corrupt_cache = B.forward(model, corrupted, entries)
    _check_metric(_numpy(metric(clean_logits)), n)
    position, narrow = None, metric
    answers = getattr(metric, "answers", None)
    if answers is not None and float(getattr(model.cfg, "output_logits_soft_cap", -1)) <= 0:
        position, narrow = metric.position, logit_difference(*answers, position=0)
    if batch_size == "auto":
        batch_size = auto_rows(model, int(clean.shape[1]))
    per_chunk = max(1, int(batch_size) // n) if batched else 1
    out = np.empty((n, len(groups)))
    start = 0
    while start < len(groups):
        layer = _block(groups[start][0][0])
        stop = start + 1  # a chunk: consecutive patches of one block, per_chunk at most
        while (
            stop < len(groups) and stop - start < per_chunk and _block(groups[stop][0][0]) == layer
        ):
            stop += 1
        chunk = groups[start:stop]
        entry = corrupted if layer is None else corrupt_cache[f"blocks.{layer}.hook_resid_pre"]
        logits = _run(model, entry, chunk, cache, n, kind, layer, position)
        for g in range(len(chunk)):
            out[:, start + g] = _numpy(narrow(logits[g * n : (g + 1) * n]))
        start = stop
    return out, _numpy(metric(clean_logits)), _numpy(metric(corrupt_logits))


def _numpy(x: Any) -> np.ndarray:
    return np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") else x, dtype=np.float64)


def _effect(means: dict[str, np.ndarray]) -> np.ndarray:
    return means["patched"] - means["corrupted"]


def _normalised(means: dict[str, np.ndarray]) -> np.ndarray:
    return (means["patched"] - means["corrupted"]) / (means["clean"] - means["corrupted"])


@dataclass(frozen=True, eq=False)
class Patching(CircuitResult):
    """An activation-patching map with intervals (see :func:`activation_patching`).

    ``table``: ``model``, the map's coordinates (``layer`` and ``position`` or
    ``head``), the normalised metric (``value``: 1 = clean, 0 = corrupted) and
    its intervals, and the raw effect ``patched - corrupted`` in the metric's
    units (``effect``, ``effect_lower``, ``effect_upper``).
    ``params["metrics"]`` has the mean clean and corrupted metric per model: a
    null whose clean and corrupted runs barely differ has a noisy normalised
    map, so its figure panel shows its effect in units of the trained model's
    clean - corrupted gap instead.
    """

    kind: str = "resid"

    def summary(self) -> pd.DataFrame:
        """The cells that recover most of the clean metric, per model (top 5 each)."""
        top = self.table.sort_values("value", ascending=False).groupby("model", sort=False).head(5)
        return top.reset_index(drop=True)

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        from interpkit.plots import circuits as plots

        what = {
            "resid": "residual stream (layer x position)",
            "heads": "attention heads",
            "mlp": "MLPs",
        }
        title = title or f"Activation patching: {what[self.kind]}"
        report.add_figure(
            plots.patching(self),
            caption=f"{title}: share of the clean metric recovered by patching each activation "
            "from the clean run into the corrupted one (1 = clean, 0 = corrupted)"
            + (
                f"; right, the {self.null} model's effect in units of the trained model's clean "
                "- corrupted gap (its own gap is printed above it)"
                if self.null
                else ""
            ),
        )
        report.add_table(
            self.summary(),
            caption=f"{title}: largest recoveries; lower/upper: {self.params['level']:.0%} "
            "bootstrap interval over prompts; seed_lower/seed_upper: over training seeds",
        )
        report.add_provenance(
            title, {"method": f"activation patching ({self.kind})", **self.params}
        )


def activation_patching(
    model: Any,
    clean: Any,
    corrupted: Any,
    *,
    kind: str = "resid",
    answer: Any = None,
    wrong: Any = None,
    position: int = -1,
    metric: Callable[[Any], Any] | None = None,
    null: Any = "random_init",
    batched: bool = True,
    batch_size: int | str = "auto",
    n_boot: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> Patching:
    """Patch activations from clean into corrupted prompts; normalised metric with intervals.

    Parameters
    ----------
    model : HookedTransformer or list of them
        One model or one per training seed (intervals over seeds).
    clean, corrupted : token ids or strings
        Paired prompts of one shape (positions must align).
    kind : {"resid", "heads", "mlp"}
        What is patched (see the module docstring).
    answer, wrong : int or array of int, one per prompt
        Token ids of the logit difference ``answer - wrong`` at ``position``.
    position : int
        Where the logit difference is read (default: the last position).
    metric : callable, optional
        Instead of answer/wrong: logits (n_prompts, n_positions, d_vocab) ->
        one value per prompt (n_prompts,), larger on the clean prompts.
    null : "random_init", "shuffled_weights", model(s) or None
        The same sweep on the same config with random weights (default).
    batched : bool
        Stack patches into one forward pass of ``batch_size`` rows at most.
    batch_size : int or "auto"
        Rows per stacked forward pass. ``"auto"`` keeps the largest activation
        of a pass near 2**20 numbers (4 MiB): on CPU, larger passes are limited
        by memory traffic and gain nothing over the loop, smaller ones lose
        to Python overhead (measured in ``benchmarks/bench_circuits.py``).
    n_boot, level, random_state
        Bootstrap over prompts (pairs resampled together).

    Returns
    -------
    Patching
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if batch_size != "auto" and (
        not isinstance(batch_size, int | np.integer)
        or isinstance(batch_size, bool)
        or batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive integer or 'auto', got {batch_size!r}")
    models, nulls, null_label = B.model_sets(model, null, random_state)
    clean_t = B.as_prompts(models[0], clean, "clean prompts")
    corrupt_t = B.as_prompts(models[0], corrupted, "corrupted prompts")
    B.same_shape(clean_t, corrupt_t)
    n_prompts, n_positions = (int(s) for s in clean_t.shape)
    if not -n_positions <= int(position) < n_positions:
        raise ValueError(f"position {position} out of range for prompts of {n_positions} tokens")
    if metric is None:
        if answer is None or wrong is None:
            raise ValueError("give answer= and wrong= token ids (the logit difference) or metric=")
        metric = logit_difference(
            _per_prompt_ids(answer, "answer", n_prompts, models[0]),
            _per_prompt_ids(wrong, "wrong", n_prompts, models[0]),
            position,
        )
    elif answer is not None or wrong is not None:
        raise ValueError("give either metric= or answer= and wrong=, not both")
    _, coords = _groups(models[0], kind, n_positions)
    shape = tuple(len(lab) for _, lab in coords)
    frames, metrics = [], {}
    for label, group in ((TRAINED, models), (null_label, nulls)):
        if group is None:
            continue
        parts = [_sweep(m, clean_t, corrupt_t, kind, metric, batched, batch_size) for m in group]
        arrays = {
            "patched": np.stack([p.reshape(n_prompts, *shape) for p, _, _ in parts]),
            "clean": np.stack([c for _, c, _ in parts]),
            "corrupted": np.stack([c for _, _, c in parts]),
        }
        summ = summarise(
            arrays,
            stat=_normalised,
            main="patched",
            n_boot=n_boot,
            level=level,
            random_state=random_state,
        )
        frame = tidy(coords, summ, model=label)
        # the raw effect, patched - corrupted metric, comparable across models
        effect = summarise(arrays, stat=_effect, main="patched", n_boot=n_boot, level=level,
                           random_state=random_state)  # fmt: skip
        for col in ("value", "lower", "upper"):
            frame["effect" if col == "value" else f"effect_{col}"] = effect[col].ravel()
        frames.append(frame)
        metrics[label] = {
            "clean": float(arrays["clean"].mean()),
            "corrupted": float(arrays["corrupted"].mean()),
        }
    params = {
        "kind": kind,
        "position": int(position),
        "n_prompts": n_prompts,
        "n_positions": n_positions,
        "n_models": len(models),
        "null": null_label,
        "metrics": metrics,
        "scope": "prompts",
        "n_boot": int(n_boot),
        "level": float(level),
        "random_state": random_state,
    }
    return Patching(pd.concat(frames, ignore_index=True), params, kind)


def _per_prompt_ids(ids: Any, name: str, n: int, model: Any) -> np.ndarray:
    arr = np.asarray(ids.detach().cpu().numpy() if hasattr(ids, "detach") else ids)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer token ids, got dtype {arr.dtype}")
    arr = np.broadcast_to(arr.reshape(-1), (n,)) if arr.size == 1 else arr.reshape(-1)
    if arr.size != n:
        raise ValueError(f"{name} has {arr.size} token ids for {n} prompts; give one per prompt")
    d_vocab = int(model.cfg.d_vocab)
    if arr.min() < 0 or arr.max() >= d_vocab:
        raise ValueError(f"{name} holds token ids outside the vocabulary 0..{d_vocab - 1}")
    return arr


def _check_metric(values: np.ndarray, n: int) -> None:
    if values.shape != (n,):
        raise ValueError(
            f"metric must return one value per prompt, shape ({n},); it returned shape "
            f"{values.shape}"
        )
