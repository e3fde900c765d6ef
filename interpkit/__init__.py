"""interpkit: one API for interpretability methods, and how far to trust them.

>>> import interpkit
>>> from interpkit.datasets import load_prostate
>>> X, y = load_prostate(return_X_y=True)
>>> lasso = interpkit.LassoExplainer(random_state=0).fit(X, y)
>>> result = lasso.stability(X, y, n_boot=20, random_state=0)  # doctest: +SKIP
>>> result.summary()  # doctest: +SKIP

Public names are loaded on first use (PEP 562), so ``import interpkit`` is
quick and imports no backend (glmnet, shap, torch, ...): each adapter imports
its own library when it is first fit.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from interpkit import registry as _registry

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "Explanation": "interpkit.explanation",
    "load": "interpkit.explanation",
    "stack": "interpkit.explanation",
    "Explainer": "interpkit.explainer",
    "StabilityResult": "interpkit.stability",
    # the explainer classes come from interpkit.registry, below
    "drop_and_refit": "interpkit.indispensability",
    "DropRefitResult": "interpkit.indispensability",
    "kernel_convergence": "interpkit.adapters.shap",
    "baseline_sensitivity": "interpkit.adapters.shap",
    "marginal_vs_conditional": "interpkit.adapters.shap",
    "Report": "interpkit.report.html",
    "compare": "interpkit.comparison",
    "Comparison": "interpkit.comparison",
    # one per registered built-in explainer (the registry imports nothing heavy)
    **{e.public_name: e.module for e in _registry.BUILTIN},
}

__all__ = [
    "Comparison",
    "DropRefitResult",
    "EBMExplainer",
    "ElasticNetExplainer",
    "Explainer",
    "Explanation",
    "GPExplainer",
    "ImportanceExplainer",
    "LassoExplainer",
    "LimeExplainer",
    "Report",
    "RidgeExplainer",
    "ShapExplainer",
    "StabilityResult",
    "__version__",
    "baseline_sensitivity",
    "compare",
    "drop_and_refit",
    "kernel_convergence",
    "load",
    "marginal_vs_conditional",
    "stack",
]

if TYPE_CHECKING:
    from interpkit.adapters.ebm import EBMExplainer
    from interpkit.adapters.glmnet import ElasticNetExplainer, LassoExplainer, RidgeExplainer
    from interpkit.adapters.gpytorch import GPExplainer
    from interpkit.adapters.lime import LimeExplainer
    from interpkit.adapters.shap import (
        ShapExplainer,
        baseline_sensitivity,
        kernel_convergence,
        marginal_vs_conditional,
    )
    from interpkit.adapters.sklearn import ImportanceExplainer
    from interpkit.comparison import Comparison, compare
    from interpkit.explainer import Explainer
    from interpkit.explanation import Explanation, load, stack
    from interpkit.indispensability import DropRefitResult, drop_and_refit
    from interpkit.report.html import Report
    from interpkit.stability import StabilityResult


# subpackages reachable as attributes (interpkit.plots.path(...)) without an explicit import
_SUBMODULES = (
    "adapters",
    "boosting",
    "checks",
    "datasets",
    "diagnostics",
    "plots",
    "registry",
    "report",
    "trees",
)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"interpkit.{name}")
    else:
        raise AttributeError(f"module 'interpkit' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return [*__all__, *_SUBMODULES]
