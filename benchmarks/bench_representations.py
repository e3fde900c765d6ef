"""Representations: FastCAV vs SGD CAV, activation extraction overhead, and its peak memory.

1. CAV training time. On the same MiniLM activations (mean-pooled ``--layer``),
   a concept set (texts that mention the staff) against as many random texts:
   the FastCAV direction (normalised mean difference) against the SGD CAV
   (scikit-learn ``SGDClassifier``, alpha 0.01, as Kim et al. and Captum),
   and Captum's own ``captum.concept`` classifier for reference. Times are of
   the direction alone (what ``CAV.seconds`` records), medians over
   ``--repeat`` rounds; the cosine between the CAVs says whether the speed
   costs anything.
2. Extraction overhead. ``activations(model, texts, layers=layer_1..layer_6,
   pooling="mean")`` against the same work written with transformers directly:
   tokenize a batch (padding, truncation), ``model(**enc,
   output_hidden_states=True)``, masked mean per layer, ``.numpy()``. Goal:
   interpkit / direct <= 1.05. interpkit also tokenizes every text once
   without truncation, to say how many are cut.
3. Peak memory of extracting 6 layers x ``--n`` texts with pooling, in a fresh
   process: the peak resident set (``resource.getrusage``) and tracemalloc's
   peak of Python/numpy allocations, beside the size of the result.

Texts: ``--reviews PATH`` (a CSV with Review and Rating, read, never copied) or
``--n`` synthetic review sentences. ``--quick``: 300 texts, 2 rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

LAYERS = [f"layer_{i}" for i in range(1, 7)]
GOALS = {"overhead": 1.05}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=Path, default=None, help="CSV with Review, Rating")
    parser.add_argument("--n", type=int, default=2000, help="texts")
    parser.add_argument("--n-overhead", type=int, default=None, help="texts timed (default --n)")
    parser.add_argument("--layer", default="layer_3")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.repeat = 300, 2
    return args


def texts_of(args: argparse.Namespace) -> Any:
    from interpkit.datasets.reviews import read_reviews, synthetic_reviews

    return synthetic_reviews(args.n) if args.reviews is None else read_reviews(args.reviews, args.n)


def _median_time(fn: Any, repeat: int) -> tuple[float, Any]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def direct(model: Any, tokenizer: Any, texts: list[str], batch_size: int) -> dict[str, Any]:
    """The same extraction with transformers called directly."""
    import torch

    parts: dict[str, list[np.ndarray]] = {name: [] for name in LAYERS}
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            enc = tokenizer(texts[start : start + batch_size], padding=True, truncation=True,
                            max_length=512, return_tensors="pt")  # fmt: skip
            hidden = model(**enc, output_hidden_states=True).hidden_states
            mask = enc["attention_mask"].to(hidden[0].dtype)[..., None]
            for k, name in enumerate(LAYERS, start=1):
                parts[name].append(((hidden[k] * mask).sum(1) / mask.sum(1)).numpy())
    return {name: np.concatenate(p) for name, p in parts.items()}


def bench_cavs(acts: Any, concept: np.ndarray, layer: str, repeat: int) -> dict[str, float]:
    from interpkit.representations._captum_cav import captum_direction
    from interpkit.representations.concepts import _mean_direction, _sgd_direction

    H = acts.layer(layer)
    rng = np.random.default_rng(0)
    idx_c = np.flatnonzero(concept)
    idx_r = rng.permutation(np.flatnonzero(~concept))
    k = min(len(idx_c), len(idx_r))
    C, R = H[idx_c[:k]], H[idx_r[:k]]
    t_fast, (v_fast, _) = _median_time(lambda: _mean_direction(C, R), max(repeat, 20))
    t_sgd, (v_sgd, _) = _median_time(lambda: _sgd_direction(C, R, 0), repeat)
    t_cap, (v_cap, _) = _median_time(lambda: captum_direction(C, R, 0), repeat)
    return {
        "n_concept": k,
        "fastcav_s": t_fast,
        "sgd_s": t_sgd,
        "captum_s": t_cap,
        "ratio_sgd_over_fastcav": t_sgd / t_fast,
        "ratio_captum_over_fastcav": t_cap / t_fast,
        "cosine_fastcav_sgd": float(v_fast @ v_sgd),
        "cosine_fastcav_captum": float(v_fast @ v_cap),
        "cosine_sgd_captum": float(v_sgd @ v_cap),
    }


def memory_only(args: argparse.Namespace) -> None:
    """Run in a fresh process: peak memory of one extraction, printed as JSON."""
    import resource
    import tracemalloc

    import torch

    from interpkit.datasets import load_minilm
    from interpkit.representations import activations

    torch.set_num_threads(args.threads)
    texts = list(texts_of(args)["text"])
    model, tokenizer = load_minilm()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    acts = activations(model, texts, layers=LAYERS, tokenizer=tokenizer,
                       batch_size=args.batch_size)  # fmt: skip
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "n_texts": len(texts),
        "result_mb": acts.values.nbytes / 2**20,
        "tracemalloc_peak_mb": peak / 2**20,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": after / 1024,
        "rss_growth_mb": (after - before) / 1024,
    }))  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    if args.memory_only:
        memory_only(args)
        return {}
    import torch

    from interpkit.datasets import load_minilm
    from interpkit.representations import activations

    torch.set_num_threads(args.threads)
    reviews = texts_of(args)
    texts = list(reviews["text"])
    model, tokenizer = load_minilm()
    n_over = args.n_overhead or len(texts)
    timed = texts[:n_over]

    def ours() -> Any:
        return activations(model, timed, layers=LAYERS, tokenizer=tokenizer,
                           batch_size=args.batch_size)  # fmt: skip

    # contestants alternate, so drift in the machine's load hits both
    t_ours, t_direct = [], []
    acts = ours()
    ref = direct(model, tokenizer, timed, args.batch_size)
    for _ in range(args.repeat):
        start = time.perf_counter()
        ours()
        t_ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        direct(model, tokenizer, timed, args.batch_size)
        t_direct.append(time.perf_counter() - start)
    max_diff = max(float(np.abs(acts.layer(name) - ref[name]).max()) for name in LAYERS)
    overhead = statistics.median(t_ours) / statistics.median(t_direct)
    print(f"extraction of {len(LAYERS)} layers x {n_over} texts (batch {args.batch_size}, "
          f"{args.threads} threads): interpkit {statistics.median(t_ours):.2f} s, direct "
          f"{statistics.median(t_direct):.2f} s, ratio {overhead:.3f} (goal <= "
          f"{GOALS['overhead']}); max |difference| {max_diff:.1e}")  # fmt: skip

    cavs = bench_cavs(acts, reviews["staff"].to_numpy()[:n_over], args.layer, args.repeat)
    print(f"CAVs on {cavs['n_concept']} + {cavs['n_concept']} texts at {args.layer}: FastCAV "
          f"{cavs['fastcav_s'] * 1e3:.3f} ms, SGD {cavs['sgd_s'] * 1e3:.2f} ms "
          f"({cavs['ratio_sgd_over_fastcav']:.0f}x), Captum's classifier "
          f"{cavs['captum_s'] * 1e3:.2f} ms ({cavs['ratio_captum_over_fastcav']:.0f}x); cosine "
          f"FastCAV-SGD {cavs['cosine_fastcav_sgd']:.3f}, FastCAV-Captum "
          f"{cavs['cosine_fastcav_captum']:.3f}, SGD-Captum "
          f"{cavs['cosine_sgd_captum']:.3f}")  # fmt: skip

    cmd = [sys.executable, __file__, "--memory-only", "--n", str(args.n), "--threads",
           str(args.threads), "--batch-size", str(args.batch_size)]  # fmt: skip
    if args.reviews is not None:
        cmd += ["--reviews", str(args.reviews)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    memory = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"peak memory, {len(LAYERS)} layers x {memory['n_texts']} texts pooled: result "
          f"{memory['result_mb']:.1f} MiB, tracemalloc peak {memory['tracemalloc_peak_mb']:.1f} "
          f"MiB, resident set {memory['rss_before_mb']:.0f} -> {memory['rss_peak_mb']:.0f} MiB "
          f"(+{memory['rss_growth_mb']:.0f})")  # fmt: skip
    return {"overhead": overhead, "max_diff": max_diff, "cavs": cavs, "memory": memory}


if __name__ == "__main__":
    main(sys.argv[1:])
