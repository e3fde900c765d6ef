"""The methods ``interpkit explain --method ...`` knows, by short name.

Each entry builds an unfitted explainer from a seed. A new adapter becomes
available to the command line and :func:`~interpkit.report.analysis_report`
by adding one :class:`MethodSpec` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["METHODS", "MethodSpec", "make_explainer"]

N_TREES = 200


@dataclass(frozen=True)
class MethodSpec:
    """One command-line method.

    Attributes
    ----------
    label : str
        Human-readable name for headings.
    make : callable ``(seed, alpha) -> Explainer``
        Builds the unfitted explainer.
    values : str
        What the global values are, for the reader ("coefficient", ...).
    extra : str or None
        The interpkit extra that must be installed, for the error message.
    module : str or None
        Backend module checked before anything is fit.
    """

    label: str
    make: Callable[[int, float], Any]
    values: str
    extra: str | None = None
    module: str | None = None


def _forest(seed: int):
    from sklearn.ensemble import RandomForestRegressor

    # n_jobs=1: the bootstrap parallelises across replicates instead
    return RandomForestRegressor(n_estimators=N_TREES, random_state=seed, n_jobs=1)


def _glmnet(kind: str) -> Callable[[int, float], Any]:
    def make(seed: int, alpha: float):
        import interpkit

        common = {"random_state": seed, "standardized_coef": True}
        if kind == "lasso":
            return interpkit.LassoExplainer(**common)
        if kind == "ridge":
            return interpkit.RidgeExplainer(**common)
        return interpkit.ElasticNetExplainer(alpha=alpha, **common)

    return make


def _importance(method: str) -> Callable[[int, float], Any]:
    def make(seed: int, alpha: float):
        from interpkit import ImportanceExplainer

        return ImportanceExplainer(_forest(seed), method=method, random_state=seed)

    return make


def _shap_forest(seed: int, alpha: float):
    from interpkit import ShapExplainer

    return ShapExplainer(estimator=_forest(seed), algorithm="tree", random_state=seed)


def _ebm(seed: int, alpha: float):
    from interpkit import EBMExplainer

    # main effects only, 8 bags: InterpretML's defaults (pairs, 14 bags) take ~40x longer
    # per fit, and a stability run refits the model n_boot times
    return EBMExplainer(interactions=0, outer_bags=8, random_state=seed)


METHODS: dict[str, MethodSpec] = {
    "lasso": MethodSpec("Lasso", _glmnet("lasso"), "coefficient (per SD)", "glmnet", "glmnet"),
    "ridge": MethodSpec("Ridge", _glmnet("ridge"), "coefficient (per SD)", "glmnet", "glmnet"),
    "enet": MethodSpec("Elastic net", _glmnet("enet"), "coefficient (per SD)", "glmnet", "glmnet"),
    "mdi-rf": MethodSpec(
        "Random forest, impurity importance (MDI)", _importance("mdi"), "mean decrease in impurity"
    ),
    "permutation-rf": MethodSpec(
        "Random forest, permutation importance",
        _importance("permutation"),
        "drop in held-out R² when the feature is shuffled",
    ),
    "shap-rf": MethodSpec(
        "Random forest, TreeSHAP", _shap_forest, "mean |SHAP value|", "shap", "shap"
    ),
    "ebm": MethodSpec(
        "Explainable boosting machine (EBM, main effects)",
        _ebm,
        "mean |shape-function contribution| over the training rows",
        "ebm",
        "interpret",
    ),
}


def make_explainer(name: str, seed: int, alpha: float = 0.5):
    """The unfitted explainer for method ``name``, or a ValueError/ImportError that says why."""
    from interpkit._optional import has_backend

    if name not in METHODS:
        raise ValueError(f"unknown method {name!r}; choose from {', '.join(METHODS)}")
    spec = METHODS[name]
    if spec.module and not has_backend(spec.module):
        raise ImportError(
            f"method {name!r} needs the '{spec.extra}' extra: pip install 'interpkit[{spec.extra}]'"
        )
    return spec.make(seed, alpha)
