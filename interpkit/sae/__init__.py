"""Sparse autoencoders (SAELens) on activations interpkit caches, with surveys and nulls.

* :func:`train_sae`: a TopK or L1 SAE trained by SAELens's own trainer on
  activations held in memory (an array, a tensor or an
  :class:`~interpkit.representations.Activations` result); one seed, one SAE.
* :class:`SparseAutoencoder`: the trained weights as arrays; ``encode`` /
  ``decode`` need no torch.

* :func:`survey`: L0, fraction of variance unexplained, dead and dense
  features, the density histogram, each feature's top-activating contexts
  (highlighted tokens, escaped HTML) and its effect on logits
  (:func:`logit_effects`, decoder atom @ W_U).

* :func:`seed_stability`: SAEs trained with several seeds, decoder atoms
  paired by the Hungarian algorithm (:func:`match_atoms`), the share matched
  above 0.7 / 0.9, beside the same on a null (Gaussian with the data's
  covariance, shuffled units, or a random-init model's activations).

* :func:`concept_alignment`: each CAV / probe direction's best-matching
  decoder atom against random directions; :func:`compare_groups`: feature
  firing frequencies in two groups of inputs with bootstrap intervals.

Importing this package imports neither torch nor sae_lens.
"""

from __future__ import annotations

from interpkit.sae.compare import (
    ConceptAlignment,
    GroupComparison,
    compare_groups,
    concept_alignment,
)
from interpkit.sae.contexts import Context, context_html
from interpkit.sae.matching import AtomMatch, SeedStability, match_atoms, seed_stability
from interpkit.sae.model import SparseAutoencoder
from interpkit.sae.survey import FeatureSurvey, logit_effects, survey
from interpkit.sae.train import KINDS, train_sae

__all__ = [
    "KINDS",
    "AtomMatch",
    "ConceptAlignment",
    "GroupComparison",
    "compare_groups",
    "concept_alignment",
    "SeedStability",
    "match_atoms",
    "seed_stability",
    "Context",
    "FeatureSurvey",
    "SparseAutoencoder",
    "context_html",
    "logit_effects",
    "survey",
    "train_sae",
]
