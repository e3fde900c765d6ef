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
from typing import Any

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
    "convergence_curve": "interpkit.adapters.captum",
    # one per registered built-in explainer (the registry imports nothing heavy)
    **{e.public_name: e.module for e in _registry.BUILTIN},
}

__all__ = sorted({*_LAZY, "__version__"})  # read from the table above, never kept by hand

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
