"""Circuits of TransformerLens models, with intervals and a random-init null.

* :func:`tiny_induction_model`: a 2-layer attention-only transformer trained
  in about a second to copy repeated sequences (an induction head forms in
  layer 1): a planted ground truth for the tools below.
* :func:`logit_lens`: the next-token probability and rank read off every
  layer's residual stream.
* :func:`attention_patterns`, :func:`head_scores`: patterns per layer and
  head; previous-token, induction and duplicate-token scores.
* :func:`direct_logit_attribution`: each head's and layer's direct effect on
  a logit difference.
* :func:`activation_patching`: residual stream by (layer, position), heads by
  (layer, head), MLPs by layer; the metric normalised so clean = 1 and
  corrupted = 0. :func:`run_patched` patches whole hooks;
  :func:`run_with_cache` caches them, prompts and hook names checked.

Every score and map has a bootstrap interval over prompts (scope
``"prompts"``: the prompt set is the data) and, given one model per training
seed, an interval over seeds; each is computed beside the same config with
random weights (``null="random_init"``). Results have ``.table``,
``.summary()`` and go into :class:`~interpkit.Report` with ``Report.add``;
their figures are in :mod:`interpkit.plots.circuits`.

Importing this package imports neither torch nor transformer_lens.
"""

from __future__ import annotations

from interpkit.circuits.attention import (
    SCORES,
    AttentionPatterns,
    HeadScores,
    attention_patterns,
    head_scores,
)
from interpkit.circuits.attribution import (
    LogitAttribution,
    direct_logit_attribution,
    logit_attribution_terms,
)
from interpkit.circuits.cache import run_with_cache
from interpkit.circuits.lens import LogitLens, lens_logits, logit_lens
from interpkit.circuits.patching import (
    KINDS,
    Patching,
    activation_patching,
    logit_difference,
    run_patched,
)
from interpkit.circuits.tiny import (
    induction_config,
    induction_prompts,
    repeated_tokens,
    tiny_induction_model,
    tiny_induction_models,
)

__all__ = [
    "KINDS",
    "SCORES",
    "AttentionPatterns",
    "HeadScores",
    "LogitAttribution",
    "LogitLens",
    "Patching",
    "activation_patching",
    "attention_patterns",
    "direct_logit_attribution",
    "head_scores",
    "induction_config",
    "induction_prompts",
    "lens_logits",
    "logit_attribution_terms",
    "logit_difference",
    "logit_lens",
    "repeated_tokens",
    "run_patched",
    "run_with_cache",
    "tiny_induction_model",
    "tiny_induction_models",
]
