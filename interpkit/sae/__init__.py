"""Sparse autoencoders (SAELens) on activations interpkit caches, with surveys and nulls.

* :func:`train_sae`: a TopK or L1 SAE trained by SAELens's own trainer on
  activations held in memory (an array, a tensor or an
  :class:`~interpkit.representations.Activations` result); one seed, one SAE.
* :class:`SparseAutoencoder`: the trained weights as arrays; ``encode`` /
  ``decode`` need no torch.

Importing this package imports neither torch nor sae_lens.
"""

from __future__ import annotations

from interpkit.sae.model import SparseAutoencoder
from interpkit.sae.train import KINDS, train_sae

__all__ = ["KINDS", "SparseAutoencoder", "train_sae"]
