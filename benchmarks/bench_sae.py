"""SAE training through interpkit vs SAELens's trainer called directly; memory of caching.

1. Overhead. A TopK SAE (d_in 64, d_sae 256, k 16, batches of 128 rows,
   ``--steps`` steps) on 8,192 rows with planted sparse directions, trained by
   ``interpkit.sae.train_sae`` and by the same SAELens calls written out by
   hand: ``TopKTrainingSAE(TopKTrainingSAEConfig(...))`` under
   ``torch.manual_seed``, ``SAETrainerConfig`` (constant lr, no wandb),
   ``SAETrainer(cfg, sae, data_provider=iterator).fit()``. Both runs use the
   same seed and batch order, so the decoders must be equal (checked).
   interpkit also checks the input, folds the decoder norms and copies the
   weights to numpy. Goal: interpkit / direct <= 1.05.
2. Memory. Per-token activations of all six MiniLM layers for ``--texts``
   texts (synthetic review sentences, or ``--reviews PATH``) through
   ``interpkit.representations.activations(pooling=None)``: the size of the
   cached array and the growth of the process's peak resident memory.

Timings are medians over ``--repeat`` rounds, contestants alternating.
``--quick``: fewer steps and texts.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

GOALS = {"overhead": 1.05}


def _direct(x: np.ndarray, steps: int, d_sae: int, k: int, batch: int, seed: int) -> Any:
    import torch
    from sae_lens.config import LoggingConfig, SAETrainerConfig
    from sae_lens.saes.topk_sae import TopKTrainingSAE, TopKTrainingSAEConfig
    from sae_lens.training.sae_trainer import SAETrainer

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        sae = TopKTrainingSAE(TopKTrainingSAEConfig(d_in=x.shape[1], d_sae=d_sae, k=k))
    data = torch.from_numpy(x.astype(np.float32))

    def batches():
        rng = np.random.default_rng(seed)
        while True:
            order = rng.permutation(len(data))
            for start in range(0, len(data) - batch + 1, batch):
                yield data[order[start : start + batch]]

    cfg = SAETrainerConfig(
        total_training_samples=steps * batch,
        train_batch_size_samples=batch,
        lr=3e-3,
        lr_end=3e-3,
        logger=LoggingConfig(log_to_wandb=False),
    )
    return SAETrainer(cfg, sae, data_provider=batches()).fit()


def overhead(steps: int, repeat: int) -> dict[str, float]:
    from interpkit.sae import train_sae
    from interpkit.sae.synthetic import planted_activations

    x = planted_activations(n_rows=8192, d_in=64, n_features=128, active=8).x
    kw = {"d_sae": 256, "k": 16, "batch": 128, "seed": 0}

    def ours() -> Any:
        return train_sae(x, d_sae=256, k=16, steps=steps, batch_size=128, random_state=0)

    ours()  # warm-up: imports
    _direct(x, 5, **kw)
    a_times, d_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        mine = ours()
        a_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs = _direct(x, steps, **kw)
        d_times.append(time.perf_counter() - start)
    theirs.fold_W_dec_norm()
    diff = float(np.abs(mine.W_dec - theirs.W_dec.detach().numpy()).max())
    a, d = statistics.median(a_times), statistics.median(d_times)
    return {"interpkit_s": a, "direct_s": d, "ratio": a / d, "max_weight_diff": diff}


def memory(n_texts: int, reviews: Path | None, max_length: int) -> dict[str, float]:
    from interpkit.datasets import load_minilm
    from interpkit.datasets.reviews import synthetic_reviews
    from interpkit.representations import activations

    if reviews is not None:  # the first n reviews, whatever their rating
        import pandas as pd

        texts = [str(t) for t in pd.read_csv(reviews)["Review"].head(n_texts)]
    else:
        texts = list(synthetic_reviews(n_texts)["text"])
    model, tok = load_minilm(attentions=False)
    activations(model, texts[:8], layers=[1], pooling=None, tokenizer=tok)  # warm-up
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB on Linux
    start = time.perf_counter()
    acts = activations(
        model, texts, layers=list(range(1, 7)), pooling=None, tokenizer=tok, max_length=max_length
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "texts": len(texts),
        "positions": int(acts.values.sizes["position"]),
        "cached_mib": acts.values.nbytes / 2**20,
        "peak_rss_growth_mib": after - before,
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--reviews", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    steps, repeat, n_texts = args.steps, args.repeat, args.texts
    if args.quick:
        steps, repeat, n_texts = 50, 2, 40
    out: dict[str, Any] = {"overhead": overhead(steps, repeat)}
    r = out["overhead"]
    ok = "ok" if r["ratio"] <= GOALS["overhead"] else "over goal"
    print(f"SAE training, {steps} steps: interpkit {r['interpkit_s']:.3f} s, SAELens direct "
          f"{r['direct_s']:.3f} s, interpkit / direct {r['ratio']:.3f} ({ok}); "
          f"max |W_dec diff| {r['max_weight_diff']:.2e}")  # fmt: skip
    if not args.skip_memory:
        m = out["memory"] = memory(n_texts, args.reviews, args.max_length)
        print(f"caching 6 MiniLM layers per token, {m['texts']} texts x {m['positions']} "
              f"positions: array {m['cached_mib']:.0f} MiB, peak RSS growth "
              f"{m['peak_rss_growth_mib']:.0f} MiB, {m['seconds']:.1f} s")  # fmt: skip
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
