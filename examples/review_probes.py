"""Linear probes for review sentiment at every layer, beside a control task and a random network.

A probe is a logistic regression (its penalty chosen by inner CV) trained on a
layer's mean-pooled embeddings to tell positive from negative reviews; its
held-out accuracy per layer says where the sentiment becomes linearly
readable. Two nulls keep that honest (Hewitt & Liang 2019; the "dead salmon"):

* control task: the same probe on labels shuffled across reviews; the gap
  task − control is the probe's selectivity;
* random init: the same probe on the same architecture with random weights.
  A random network is usually far above chance too (it still separates
  different words), which is exactly why it is the null to beat.

Reviews: ``--reviews PATH`` (a CSV with Review and Rating; ratings 4-5 positive,
1-2 negative) or built-in synthetic sentences. Run
``python examples/review_probes.py [--reviews PATH] [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from interpkit.datasets import load_minilm
from interpkit.datasets.reviews import read_reviews, synthetic_reviews
from interpkit.representations import activations, probe


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=Path, default=None, help="CSV with Review, Rating")
    parser.add_argument("--n", type=int, default=300, help="reviews used (synthetic: made)")
    parser.add_argument("--cv", type=int, default=5, help="outer folds")
    parser.add_argument("--n-boot", type=int, default=20, help="bootstrap replicates")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cache", type=Path, default=None, help="folder of stored activations")
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the figure")
    return parser.parse_args(argv)


def _save(fig: Any, stem: Path, png: bool) -> None:
    fig.write_html(stem.with_name(stem.name + ".html"))
    if png:
        fig.write_image(stem.with_name(stem.name + ".png"))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    reviews = (
        synthetic_reviews(args.n) if args.reviews is None else read_reviews(args.reviews, args.n)
    )
    model, tokenizer = load_minilm()
    texts, y = list(reviews["text"]), reviews["positive"].to_numpy().astype(int)
    common = {"tokenizer": tokenizer, "batch_size": args.batch_size, "cache": args.cache}
    acts = activations(model, texts, **common)
    null = activations(model, texts, random_init=True, random_state=0, **common)
    res = probe(acts, y, control="item", random_acts=null, cv=args.cv, n_boot=args.n_boot,
                random_state=0)  # fmt: skip
    table = res.summary()
    print(f"{len(y)} reviews, {y.mean():.0%} positive; held-out accuracy per layer:")
    print(table.round(3).to_string())
    best = table["accuracy"].idxmax()
    margin = table.loc[best, "accuracy"] - table.loc[best, "random_init"]
    print(f"best layer {best}: trained {table.loc[best, 'accuracy']:.3f} vs random init "
          f"{table.loc[best, 'random_init']:.3f} (margin {margin:+.3f}); control "
          f"{table.loc[best, 'control']:.3f}, chance {res.chance:.3f}")  # fmt: skip

    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-probes-"))
    out.mkdir(parents=True, exist_ok=True)
    _save(res.plot(), out / "review_probes_by_layer", args.png)
    print(f"figure in {out}")
    return {"probe": res, "summary": table, "best": best, "margin": margin, "out": out}


if __name__ == "__main__":
    main(sys.argv[1:])
