"""Sparse autoencoder features of MiniLM token activations over hotel reviews.

A TopK SAE (SAELens's trainer, through interpkit) is trained on the per-token
residual activations of one MiniLM layer. The feature survey gives its L0,
the fraction of variance it leaves unexplained, dead and dense features and
the density histogram; feature cards show each top feature's
highest-activating tokens in context. Seed stability trains the SAE again
with other seeds and pairs decoder atoms one-to-one (Hungarian algorithm on
cosine); the same is done on the activations of MiniLM with random weights,
the null: features that "replicate" there say nothing about what the trained
model learned. Last, a FastCAV for "positive review" (mean-pooled activations
of positive minus negative reviews) is compared with its closest SAE atoms.

Data: ``--reviews PATH`` to a CSV with ``Review`` and ``Rating`` columns (e.g.
the TripAdvisor hotel reviews; non-commercial, read from where you keep it,
never copied); without it, built-in synthetic review sentences. Run
``python examples/sae_features.py [--reviews PATH] [--out DIR]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from interpkit.datasets import load_minilm
from interpkit.datasets.reviews import read_reviews, synthetic_reviews
from interpkit.plots import sae as sae_plots
from interpkit.report import Report
from interpkit.representations import activations, fastcav
from interpkit.sae import concept_alignment, seed_stability, survey, token_strings, train_sae


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=Path, default=None, help="CSV with Review, Rating")
    parser.add_argument("--out", type=Path, default=None, help="folder for the report")
    parser.add_argument("--n", type=int, default=400, help="reviews used")
    parser.add_argument("--layer", type=int, default=3, help="MiniLM layer (1-6)")
    parser.add_argument("--max-length", type=int, default=64, help="tokens kept per review")
    parser.add_argument("--d-sae", type=int, default=768, help="SAE features")
    parser.add_argument("--k", type=int, default=16, help="active features per token")
    parser.add_argument("--steps", type=int, default=1500, help="SAE training steps")
    parser.add_argument("--seeds", type=int, default=3, help="seeds for seed stability")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    if args.reviews is None:
        reviews = synthetic_reviews(args.n)
    else:
        reviews = read_reviews(args.reviews, args.n)
    texts, is_positive = list(reviews["text"]), reviews["positive"].to_numpy()
    model, tokenizer = load_minilm()
    layer = f"layer_{args.layer}"
    common = {"layers": [layer], "tokenizer": tokenizer, "max_length": args.max_length}
    acts = activations(model, texts, pooling=None, **common)
    tokens = token_strings(tokenizer, texts, args.max_length)
    train = {"kind": "topk", "d_sae": args.d_sae, "k": args.k, "steps": args.steps}
    sae = train_sae(acts, layer=layer, random_state=0, **train)
    feats = survey(sae, acts, layer=layer, tokens=tokens, top=5, window=5)
    print(feats.summary().to_string(index=False))

    # the null: the same architecture with random weights, same texts
    rand = activations(model, texts, pooling=None, random_init=True, random_state=0, **common)
    seeds = seed_stability(
        acts,
        seeds=range(args.seeds),
        layer=layer,
        null=rand,
        null_name="random-init MiniLM",
        **train,
    )
    print(seeds.summary().round(3).to_string())

    # a review-level concept: positive minus negative reviews, mean-pooled tokens
    pooled = activations(model, texts, pooling="mean", **common).layer(layer)
    positive = fastcav(pooled[is_positive], pooled[~is_positive], random_state=0)
    negative = fastcav(pooled[~is_positive], pooled[is_positive], random_state=0)
    concepts = concept_alignment(sae, {"positive review": positive, "negative review": negative})
    print(concepts.table.round(3).to_string())

    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        report = Report("SAE features of MiniLM", subtitle=f"{len(texts)} reviews, {layer}")
        report.add(feats, "Feature survey")
        report.add_figure(
            sae_plots.feature_cards(feats, feats.top_features(6)),
            caption="Six frequent features, top-activating tokens in context",
        )
        report.add(seeds, "Seed stability (null: MiniLM with random weights)")
        report.add(concepts, "Review sentiment CAVs vs SAE atoms")
        report.write(args.out / "sae_features.html")
    return {
        "sae": sae,
        "survey": feats,
        "seed_stability": seeds,
        "concepts": concepts,
        "cav_accuracy": positive.accuracy,
        "n_tokens": int(sae.meta["n_rows"]),
    }


if __name__ == "__main__":
    main()
