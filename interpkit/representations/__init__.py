"""What a network represents, layer by layer, and how sure we are.

* :mod:`~interpkit.representations.activations`: :func:`activations` of a
  Hugging Face or any torch model (forward hooks), :func:`from_arrays` for
  activations you already have; ``random_init=True`` for the same architecture
  with fresh weights (the random-network null).
* :mod:`~interpkit.representations.similarity`: linear CKA and RSA between
  layers with bootstrap intervals, pairwise-distance comparison of two layers.
* :mod:`~interpkit.representations.probes`: linear probes per layer with
  control tasks (Hewitt & Liang 2019) and selectivity.
* :mod:`~interpkit.representations.concepts`: concept activation vectors
  (FastCAV, SGD CAV, Captum's classifier), TCAV scores and their test against
  random concepts; :mod:`~interpkit.representations.concept_stability`: the
  bootstrap of the concept set and FastCAV-vs-SGD agreement.

Importing this package imports no torch; plots live in
:mod:`interpkit.plots.representations`.
"""

from __future__ import annotations

from interpkit.representations.activations import Activations, activations, from_arrays
from interpkit.representations.concept_stability import (
    CAVBootstrap,
    cav_agreement,
    cav_bootstrap,
)
from interpkit.representations.concepts import (
    CAV,
    TCAVResult,
    captum_cav,
    fastcav,
    layer_gradients,
    sgd_cav,
    tcav,
    tcav_score,
)
from interpkit.representations.probes import ProbeResult, probe
from interpkit.representations.similarity import (
    DistanceComparison,
    LayerSimilarity,
    distance_comparison,
    layer_similarity,
    linear_cka,
    rsa,
)

__all__ = [
    "CAV",
    "Activations",
    "CAVBootstrap",
    "DistanceComparison",
    "LayerSimilarity",
    "ProbeResult",
    "TCAVResult",
    "activations",
    "captum_cav",
    "cav_agreement",
    "cav_bootstrap",
    "distance_comparison",
    "fastcav",
    "from_arrays",
    "layer_gradients",
    "layer_similarity",
    "linear_cka",
    "probe",
    "rsa",
    "sgd_cav",
    "tcav",
    "tcav_score",
]
