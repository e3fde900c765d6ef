"""FastCAV against TCAV's SGD CAVs on review concepts: staff, location, cleanliness.

A concept activation vector (CAV) is a direction in one layer's embedding space
pointing from random reviews towards reviews that mention a concept. TCAV
(Kim et al. 2018) trains it as a linear classifier (scikit-learn's SGD, as in
Captum's ``captum.concept``); FastCAV (Schmalwasser et al. 2025) takes the
normalised difference of the two class means, with no training. The TCAV score
is the share of positive reviews whose "positive" score rises when the layer's
embedding moves along the CAV; it is tested against CAVs of random review sets
(two-sided t-test over ``--n-random`` runs).

The "positive" score is a logistic head fitted here on the [CLS] embedding of
MiniLM's last layer; the CAVs live in the mean-pooled embeddings of
``--layer``. For each concept the script prints both methods' scores and
p-values, the cosine between the two CAVs and how many times faster FastCAV is.

Reviews: ``--reviews PATH`` (CSV with Review and Rating; concepts found by
keywords) or built-in synthetic sentences. Run
``python examples/review_concepts.py [--reviews PATH] [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from interpkit.datasets import load_minilm
from interpkit.datasets.reviews import CONCEPTS, read_reviews, synthetic_reviews
from interpkit.representations import activations, cav_agreement, layer_gradients, tcav


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=Path, default=None, help="CSV with Review, Rating")
    parser.add_argument("--n", type=int, default=300, help="reviews used (synthetic: made)")
    parser.add_argument("--layer", default="layer_3", help="hidden state holding the CAVs")
    parser.add_argument("--n-random", type=int, default=20, help="random runs of the test")
    parser.add_argument("--max-concept", type=int, default=50, help="cap on a concept's set")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cache", type=Path, default=None, help="folder of stored activations")
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    return parser.parse_args(argv)


def sentiment_target(model: Any, texts: list[str], y: np.ndarray, common: dict) -> Any:
    """A logistic head on the last layer's [CLS]: output -> positive-class logit (torch)."""
    import torch

    cls = activations(model, texts, layers=["layer_6"], pooling="first", **common).layer(0)
    head = LogisticRegression(C=1.0, max_iter=2000).fit(cls, y)
    w = torch.as_tensor(head.coef_[0], dtype=torch.float32)
    b = float(head.intercept_[0])
    return lambda out: out.last_hidden_state[:, 0] @ w + b, head.score(cls, y)


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
    H = acts.layer(args.layer)
    target, head_accuracy = sentiment_target(model, texts, y, common)
    positive = [t for t, label in zip(texts, y, strict=True) if label == 1]
    grads = layer_gradients(model, positive, args.layer, target, tokenizer=tokenizer,
                            batch_size=args.batch_size)  # fmt: skip
    print(f"{len(texts)} reviews; sentiment head training accuracy {head_accuracy:.2f}; "
          f"gradients of {len(positive)} positive reviews at {args.layer}")  # fmt: skip

    rng = np.random.default_rng(0)
    rows, results = [], {}
    for concept in CONCEPTS:
        mentions = reviews[concept].to_numpy()
        pool = H[~mentions]
        k = min(int(mentions.sum()), len(pool) // 2, args.max_concept)
        if k < 4:
            print(f"{concept}: only {int(mentions.sum())} mentions; skipped")
            continue
        C = H[rng.permutation(np.flatnonzero(mentions))[:k]]
        fast = tcav(grads, C, pool, method="fastcav", n_random=args.n_random, random_state=0)
        sgd = tcav(grads, C, pool, method="sgd", n_random=args.n_random, random_state=0)
        agree = cav_agreement(C, pool[:k], gradients=grads, random_state=0)
        results[concept] = {"fastcav": fast, "sgd": sgd, "agreement": agree}
        rows.append(
            {
                "concept": concept,
                "n_concept": k,
                "tcav_fastcav": fast.score,
                "p_fastcav": fast.p_value,
                "tcav_sgd": sgd.score,
                "p_sgd": sgd.p_value,
                "cosine": agree["cosine"],
                "speed_ratio": sgd.seconds / fast.seconds,
            }
        )
    table = pd.DataFrame(rows).set_index("concept")
    print(table.to_string(float_format=lambda v: f"{v:.3g}"))
    print(f"FastCAV trains {table['speed_ratio'].median():.0f} times faster than the SGD CAV "
          "(median over concepts, all runs of the test)")  # fmt: skip

    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-concepts-"))
    out.mkdir(parents=True, exist_ok=True)
    for concept, res in results.items():
        for method in ("fastcav", "sgd"):
            _save(res[method].plot(), out / f"review_tcav_{concept}_{method}", args.png)
    print(f"figures in {out}")
    return {"table": table, "results": results, "head_accuracy": head_accuracy, "out": out}


if __name__ == "__main__":
    main(sys.argv[1:])
