"""What differs between two groups of inputs, read through SAE features (exercise 18).

The question of the exercise: given a model's activations on two groups
(there, patients from a vulnerable population and healthy controls), which
aspects of the representation differ? Here the groups are negative and
positive hotel reviews and the model is MiniLM. An SAE trained on the
per-token activations of both groups together gives a dictionary of
features; each feature's firing frequency is compared between the groups with
bootstrap intervals that resample whole reviews (tokens of one review are not
independent). The control: the same comparison between two random halves of
the negative group, where any "difference" is noise. Feature cards show what
the most different features fire on.

Data: ``--reviews PATH`` to a CSV with ``Review`` and ``Rating`` columns (e.g.
the TripAdvisor hotel reviews, kept outside this package); without it,
built-in synthetic review sentences. Run
``python examples/sae_group_comparison.py [--reviews PATH] [--out DIR]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from interpkit.datasets import load_minilm
from interpkit.datasets.reviews import read_reviews, synthetic_reviews
from interpkit.plots import sae as sae_plots
from interpkit.report import Report
from interpkit.representations import activations
from interpkit.sae import compare_groups, survey, token_strings, train_sae


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=Path, default=None, help="CSV with Review, Rating")
    parser.add_argument("--out", type=Path, default=None, help="folder for the report")
    parser.add_argument("--n", type=int, default=400, help="reviews used (half per group)")
    parser.add_argument("--layer", type=int, default=3, help="MiniLM layer (1-6)")
    parser.add_argument("--max-length", type=int, default=64, help="tokens kept per review")
    parser.add_argument("--d-sae", type=int, default=768, help="SAE features")
    parser.add_argument("--k", type=int, default=16, help="active features per token")
    parser.add_argument("--steps", type=int, default=1500, help="SAE training steps")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates")
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
    acts = activations(
        model,
        texts,
        layers=[layer],
        pooling=None,
        tokenizer=tokenizer,
        max_length=args.max_length,
    )
    sae = train_sae(acts, layer=layer, kind="topk", d_sae=args.d_sae, k=args.k, steps=args.steps)
    negative = np.flatnonzero(~is_positive)
    positive = np.flatnonzero(is_positive)
    names = ("negative", "positive")
    groups = compare_groups(
        sae,
        acts.subset(negative),
        acts.subset(positive),
        layer=layer,
        names=names,
        n_boot=args.n_boot,
    )
    # control: two random halves of the negative reviews
    halves = np.random.default_rng(0).permutation(negative)
    half = len(halves) // 2
    control = compare_groups(
        sae,
        acts.subset(halves[:half]),
        acts.subset(halves[half:]),
        layer=layer,
        names=("negative half 1", "negative half 2"),
        n_boot=args.n_boot,
    )
    n_diff = int(groups.table["excludes_zero"].sum())
    n_control = int(control.table["excludes_zero"].sum())
    print(f"features whose interval excludes 0: {n_diff} (control halves: {n_control})")
    print(groups.table.head(8).round(3).to_string())

    tokens = token_strings(tokenizer, texts, args.max_length)
    feats = survey(sae, acts, layer=layer, tokens=tokens, top=4, window=5)
    top = [int(f) for f in groups.table.index[:4]]
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        report = Report("Negative vs positive reviews through SAE features")
        report.add(groups, "Negative vs positive")
        report.add(control, "Control: two halves of the negative reviews")
        report.add_figure(
            sae_plots.feature_cards(feats, top),
            caption="The four features whose frequency differs most, in context",
        )
        report.write(args.out / "sae_group_comparison.html")
    return {
        "groups": groups,
        "control": control,
        "n_different": n_diff,
        "n_different_control": n_control,
        "top_features": top,
        "survey": feats,
    }


if __name__ == "__main__":
    main()
