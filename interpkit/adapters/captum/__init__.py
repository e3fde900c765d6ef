"""The Captum backend: attributions of torch networks, one explainer per algorithm.

* the shared base: inputs, target, baseline, noise tunnel, result (``base``)
* the algorithms (``methods``); token attributions through a layer (``text``,
  ``tokens``)
* inputs, baselines and the network (``inputs``, ``baselines``, ``model``)
* stability scopes "baseline", "noise", "seed", "rows" (``stability``)
* completeness against integration steps (``convergence``)

Importing this package imports neither torch nor captum.
"""

from interpkit.adapters.captum.base import CaptumExplainer
from interpkit.adapters.captum.convergence import convergence_curve
from interpkit.adapters.captum.methods import *  # noqa: F403
from interpkit.adapters.captum.methods import __all__ as _methods
from interpkit.adapters.captum.text import LayerIntegratedGradientsExplainer

__all__ = ["CaptumExplainer", "LayerIntegratedGradientsExplainer", "convergence_curve", *_methods]
