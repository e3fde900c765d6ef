"""Sanity checks for attribution maps (Adebayo et al., 2018).

* model-parameter randomisation, cascading either way or layer by layer,
  and data randomisation (``randomization``)
* similarity of maps: Spearman of signed and absolute values, top-k, SSIM
  (``similarity``)
* the result, with the null from unrelated inputs and verdicts (``result``)

Imports torch only when a check runs.
"""

from interpkit.sanity.randomization import data_randomization, model_randomization
from interpkit.sanity.result import SanityResult
from interpkit.sanity.similarity import similarities, spearman, ssim, top_k_overlap

__all__ = [
    "SanityResult",
    "data_randomization",
    "model_randomization",
    "similarities",
    "spearman",
    "ssim",
    "top_k_overlap",
]
