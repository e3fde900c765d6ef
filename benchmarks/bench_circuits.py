"""interpkit.circuits vs TransformerLens called directly; batched patching vs a per-position loop.

1. ``run_with_cache``: ``interpkit.circuits.run_with_cache(model, tokens, names)``
   (prompts and hook names checked, arrays returned as numpy) against
   ``model.run_with_cache(tokens, names_filter=names)`` under ``torch.no_grad()``.
   Goal: interpkit / direct <= 1.05.
2. A full (layer x position) residual-stream patching sweep on a logit
   difference: ``activation_patching(kind="resid", batched=False, null=None,
   n_boot=0)``, one forward per patch, against
   ``transformer_lens.patching.get_act_patch_resid_pre`` (the same loop in
   TransformerLens, its progress bar off). Both maps are normalised the same
   way and must agree (checked). Goal: interpkit / direct <= 1.05.
3. The same sweep batched (patches stacked, ``--batch-size`` rows per forward;
   ``"auto"``: the widest activation of a pass near 2**20 numbers)
   against the per-position loop of 2: the speed-up, on the model of 2 and on
   the tiny induction model of the tests (2 layers, d_model 32, 16 prompts x
   15 positions), where a forward pass is mostly Python overhead.

The model: a randomly initialised ``HookedTransformer`` (``--layers`` layers,
d_model 256, 8 heads, MLPs, LayerNorm, vocabulary 2,000, context
``--positions``), no download; ``--prompts`` prompts. Timings are medians over
``--repeat`` rounds, contestants alternating, torch on ``--threads`` threads.
``--quick``: a smaller model and fewer rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

os.environ.setdefault("TQDM_DISABLE", "1")  # TransformerLens's sweep draws a progress bar

GOALS = {"run_with_cache": 1.05, "patching": 1.05}


def _model(layers: int, positions: int, d_model: int) -> Any:
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    cfg = HookedTransformerConfig(
        n_layers=layers,
        d_model=d_model,
        d_head=d_model // 8,
        n_heads=8,
        d_mlp=4 * d_model,
        d_vocab=2000,
        n_ctx=positions,
        act_fn="gelu",
        normalization_type="LN",
        seed=0,
        device="cpu",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return HookedTransformer(cfg).eval()


def _time(funcs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    times: dict[str, list[float]] = {k: [] for k in funcs}
    for f in funcs.values():
        f()  # warm-up
    for _ in range(repeat):
        for name, f in funcs.items():
            start = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in times.items()}


def cache_overhead(model: Any, tokens: np.ndarray, repeat: int) -> dict[str, float]:
    import torch

    from interpkit.circuits import run_with_cache

    names = [f"blocks.{i}.hook_resid_post" for i in range(model.cfg.n_layers)]
    names += [f"blocks.{i}.attn.hook_pattern" for i in range(model.cfg.n_layers)]
    t = torch.as_tensor(tokens)

    def direct() -> Any:
        with torch.no_grad():
            return model.run_with_cache(t, names_filter=names)

    def ours() -> Any:
        return run_with_cache(model, tokens, names)

    s = _time({"interpkit": ours, "direct": direct}, repeat)
    return {
        "interpkit_s": s["interpkit"],
        "direct_s": s["direct"],
        "ratio": s["interpkit"] / s["direct"],
    }


def patching(
    model: Any, clean: np.ndarray, corrupted: np.ndarray, repeat: int, batch_size: int
) -> dict:
    import torch
    from transformer_lens import patching as tl_patching

    from interpkit.circuits import activation_patching

    rng = np.random.default_rng(1)
    answer = rng.integers(0, model.cfg.d_vocab, len(clean))
    wrong = (answer + 1) % model.cfg.d_vocab
    a, w = torch.as_tensor(answer), torch.as_tensor(wrong)
    ct, xt = torch.as_tensor(clean), torch.as_tensor(corrupted)

    def metric(lg: Any) -> Any:
        rows = torch.arange(lg.shape[0])
        return (lg[rows, -1, a] - lg[rows, -1, w]).mean()

    def direct() -> np.ndarray:
        with torch.no_grad():
            _, cache = model.run_with_cache(ct)
            raw = tl_patching.get_act_patch_resid_pre(model, xt, cache, metric).numpy()
            m_clean, m_corrupt = metric(model(ct)).item(), metric(model(xt)).item()
        return (raw - m_corrupt) / (m_clean - m_corrupt)

    kw = {"answer": answer, "wrong": wrong, "null": None, "n_boot": 0}

    def loop() -> np.ndarray:
        res = activation_patching(model, clean, corrupted, batched=False, **kw)
        return res.grid("layer", "position").to_numpy()

    def batched() -> np.ndarray:
        res = activation_patching(model, clean, corrupted, batch_size=batch_size, **kw)
        return res.grid("layer", "position").to_numpy()

    maps = [direct(), loop(), batched()]
    diff = max(float(np.abs(m - maps[0]).max()) for m in maps[1:])
    s = _time({"loop": loop, "direct": direct, "batched": batched}, repeat)
    tiny = tiny_speedup(repeat * 4, batch_size)
    return {
        "interpkit_loop_s": s["loop"],
        "direct_s": s["direct"],
        "batched_s": s["batched"],
        "ratio": s["loop"] / s["direct"],
        "batched_vs_direct": s["direct"] / s["batched"],
        "speedup": s["loop"] / s["batched"],
        "max_abs_diff": diff,
        "patches": int(model.cfg.n_layers * clean.shape[1]),
        **tiny,
    }


def tiny_speedup(repeat: int, batch_size: int) -> dict[str, float]:
    """Batched against per-position patching on the tiny induction model."""
    from interpkit.circuits import activation_patching, induction_prompts, tiny_induction_model

    model = tiny_induction_model(0, steps=0)
    clean, corrupted, answer, wrong = induction_prompts(16)
    kw = {"answer": answer, "wrong": wrong, "null": None, "n_boot": 0}
    s = _time(
        {
            "loop": lambda: activation_patching(model, clean, corrupted, batched=False, **kw),
            "batched": lambda: activation_patching(
                model, clean, corrupted, batch_size=batch_size, **kw
            ),
        },
        repeat,
    )
    return {"tiny_loop_s": s["loop"], "tiny_batched_s": s["batched"],
            "tiny_speedup": s["loop"] / s["batched"]}  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--positions", type=int, default=32)
    parser.add_argument("--d-model", type=int, default=256)
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--batch-size", default="auto", help="rows per batched forward, or 'auto'")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.batch_size != "auto":
        args.batch_size = int(args.batch_size)
    if args.quick:
        args.layers, args.positions, args.d_model, args.prompts, args.repeat = 2, 12, 64, 8, 1
    import torch

    torch.set_num_threads(args.threads)
    model = _model(args.layers, args.positions, args.d_model)
    rng = np.random.default_rng(0)
    clean = rng.integers(0, 2000, (args.prompts, args.positions))
    corrupted = clean.copy()
    corrupted[:, : args.positions // 2] = rng.integers(0, 2000, (args.prompts, args.positions // 2))
    print(
        f"model: {args.layers} layers, d_model {args.d_model}, {args.prompts} prompts x "
        f"{args.positions} positions, {args.threads} thread(s), median of {args.repeat}"
    )
    c = cache_overhead(model, clean, max(args.repeat, 5) * 4)
    print(
        f"run_with_cache: interpkit {c['interpkit_s'] * 1e3:.2f} ms, direct "
        f"{c['direct_s'] * 1e3:.2f} ms; interpkit / direct = {c['ratio']:.3f} "
        f"(goal <= {GOALS['run_with_cache']})"
    )
    p = patching(model, clean, corrupted, args.repeat, args.batch_size)
    print(
        f"residual patching sweep ({p['patches']} patches): interpkit per-position loop "
        f"{p['interpkit_loop_s']:.3f} s, TransformerLens get_act_patch_resid_pre "
        f"{p['direct_s']:.3f} s; interpkit / direct = {p['ratio']:.3f} "
        f"(goal <= {GOALS['patching']})"
    )
    print(
        f"batched (batch_size={args.batch_size}): {p['batched_s']:.3f} s; speed-up "
        f"{p['speedup']:.1f}x over the per-position loop, {p['batched_vs_direct']:.1f}x over "
        f"TransformerLens's sweep; largest difference of the maps {p['max_abs_diff']:.2e}"
    )
    print(
        f"tiny induction model: per-position loop {p['tiny_loop_s'] * 1e3:.1f} ms, batched "
        f"{p['tiny_batched_s'] * 1e3:.1f} ms; speed-up {p['tiny_speedup']:.1f}x"
    )
    return {
        "run_with_cache": c,
        "patching": p,
        "max_abs_diff": p["max_abs_diff"],
        "batched_speedup": p["tiny_speedup"],
    }


if __name__ == "__main__":
    main()
