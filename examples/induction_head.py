"""Finding an induction head in a tiny transformer, with intervals and a random-init null.

A 2-layer attention-only transformer (one head per layer, d_model 32, context
16, no LayerNorm) is trained for a few hundred steps on random token
sequences that repeat with a random period, the loss counted only on the
repeated part. The only way to predict a repeated token is induction: find
the earlier copy of the current token and predict the token that followed
it. Olsson et al. (2022) showed that transformers do this with two heads in
series, a previous-token head and an induction head. This script looks for
them the way one would in a real model, and checks each finding against the
same architecture with random weights:

1. Attention patterns of both heads on one repeated sequence.
2. Head scores (previous-token, induction, duplicate-token) with a bootstrap
   interval over prompts and the range over training seeds.
3. Activation patching: the induction head's output, patched from a clean
   prompt (``r, r``) into a corrupted one (first half replaced), restores the
   clean logit difference; the residual-stream map shows which position
   carries the answer.
4. Logit lens and direct logit attribution: the answer appears only after
   block 1, written directly by its head.

Run ``python examples/induction_head.py [--seeds 3] [--out DIR]``; the report
``induction_head.html`` goes to ``--out``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from interpkit import circuits
from interpkit.plots import circuits as circuit_plots
from interpkit.report import Report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="models trained (one per seed)")
    parser.add_argument("--steps", type=int, default=300, help="training steps per model")
    parser.add_argument("--n-prompts", type=int, default=64, help="prompts per analysis")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates")
    parser.add_argument("--out", type=Path, default=None, help="folder for the report")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    start = time.perf_counter()
    models = circuits.tiny_induction_models(range(args.seeds), steps=args.steps)
    print(f"trained {args.seeds} models in {time.perf_counter() - start:.1f} s")
    common = {"n_boot": args.n_boot, "random_state": 0}

    # 1-2. attention and head scores on random sequences repeated once
    repeated = circuits.repeated_tokens(args.n_prompts, 8, random_state=1)
    patterns = circuits.attention_patterns(models[0], repeated)
    scores = circuits.head_scores(models, repeated, **common)
    table = scores.table.pivot_table(
        index=["layer", "head"], columns=["score", "model"], values="value"
    )
    print("head scores (mean over seeds):")
    print(table.round(3).to_string())
    induction = scores.head(1, 0, "induction")
    null = scores.head(1, 0, "induction", model="random init")
    print(
        f"layer-1 head induction score {induction['value']:.3f} "
        f"[prompts {induction['lower']:.3f}, {induction['upper']:.3f}; "
        f"seeds {induction['seed_lower']:.3f}, {induction['seed_upper']:.3f}], "
        f"random init {null['value']:.3f}"
    )

    # 3. patching: clean (r, r) into corrupted (s, r), logit difference r[-1] - s[-1]
    clean, corrupted, answer, wrong = circuits.induction_prompts(args.n_prompts, random_state=2)
    pairs = {"answer": answer, "wrong": wrong, **common}
    heads = circuits.activation_patching(models, clean, corrupted, kind="heads", **pairs)
    resid = circuits.activation_patching(models, clean, corrupted, kind="resid", **pairs)
    head = heads.values().set_index(["layer", "head"]).loc[(1, 0)]
    print(
        f"patching the layer-1 head recovers {head['value']:.2f} of the clean logit difference "
        f"[{head['lower']:.2f}, {head['upper']:.2f}]"
    )
    gaps = {m: v["clean"] - v["corrupted"] for m, v in heads.params["metrics"].items()}
    print(
        f"clean - corrupted logit difference: trained {gaps['trained']:.2f}, random init "
        f"{gaps['random init']:.4f} (nothing to recover)"
    )

    # 4. where the answer appears, and who writes it
    lens = circuits.logit_lens(models, clean, **common)
    dla = circuits.direct_logit_attribution(models, clean, answer, wrong, **common)

    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-induction-"))
    out.mkdir(parents=True, exist_ok=True)
    report = Report(
        "Finding an induction head",
        subtitle=f"tiny attention-only transformer, {args.seeds} training seeds, "
        f"{args.n_prompts} prompts per analysis",
    )
    report.add_text(
        "Every figure shows the trained models beside the same architecture with random "
        "weights. Intervals: bootstrap over prompts; diamonds: range over training seeds."
    )
    report.add(patterns, "Attention patterns")
    report.add(scores, "Head scores")
    report.add(heads, "Patching attention heads")
    report.add(resid, "Patching the residual stream")
    report.add(lens, "Logit lens")
    report.add(dla, "Direct logit attribution")
    path = report.write(out / "induction_head.html")
    circuit_plots.head_scores(scores).write_html(out / "induction_head_scores.html")
    print(f"report: {path}")
    return {
        "models": models,
        "patterns": patterns,
        "scores": scores,
        "heads": heads,
        "resid": resid,
        "lens": lens,
        "dla": dla,
        "induction": induction,
        "induction_null": null,
        "head_recovery": head,
        "out": out,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
