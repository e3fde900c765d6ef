"""The SHAP backend.

* every SHAP algorithm (``explainer``)
* model output and backgrounds (``model``)
* the computation (``compute``)
* studies: KernelSHAP convergence, baselines, marginal vs conditional (``studies``)
"""

from interpkit.adapters.shap.explainer import *  # noqa: F403
from interpkit.adapters.shap.explainer import __all__  # noqa: F401
