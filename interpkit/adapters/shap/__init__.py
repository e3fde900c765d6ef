"""The SHAP backend.

* every SHAP algorithm (``explainer``)
* model output and backgrounds (``model``)
* the computation (``compute``)
* studies: KernelSHAP convergence, baselines, marginal vs conditional (``studies``)
"""

from interpkit.adapters.shap.explainer import ShapExplainer
from interpkit.adapters.shap.studies import (
    BaselineSensitivity,
    KernelConvergence,
    MarginalVsConditional,
    baseline_sensitivity,
    kernel_convergence,
    marginal_vs_conditional,
)

__all__ = [
    "BaselineSensitivity",
    "KernelConvergence",
    "MarginalVsConditional",
    "ShapExplainer",
    "baseline_sensitivity",
    "kernel_convergence",
    "marginal_vs_conditional",
]
