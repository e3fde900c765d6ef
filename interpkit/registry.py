"""Every explainer interpkit knows, one line each, and those of third parties.

The lazy public names of :mod:`interpkit`, ``interpkit.adapters.REGISTRY``,
the command line's methods, the report's method table and the contract
tests all read this table; tags are read from the classes themselves.

A third-party package adds explainers through the entry-point group
``interpkit.explainers``: each entry point loads an :class:`Entry` (or a
list of them). They are read only when :func:`entries` is called, never at
``import interpkit``::

    [project.entry-points."interpkit.explainers"]
    mymethod = "mypkg.interpkit_plugin:ENTRY"
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["ENTRY_POINT_GROUP", "CliMethod", "Entry", "Lazy", "check_installed", "entries", "get"]

ENTRY_POINT_GROUP = "interpkit.explainers"


@dataclass(frozen=True)
class Lazy:
    """A parameter value built when the explainer is: ``Lazy("module:Class", **params)``.

    It gets ``random_state=seed`` when its class takes one.
    """

    target: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def build(self, seed: int | None = None) -> Any:
        cls = _load(self.target)
        params = dict(self.params)
        if seed is not None and "random_state" in cls().get_params(deep=False):
            params["random_state"] = seed
        return cls(**params)


@dataclass(frozen=True)
class CliMethod:
    """How ``interpkit explain --method NAME`` offers an explainer.

    ``params`` override the entry's for the command line; ``label`` heads its
    report section and ``values`` says what the global values are.
    """

    name: str
    label: str
    values: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One explainer: ``name`` -> ``"module:Class"`` with default parameters.

    Attributes
    ----------
    name : str
        Registry name (``"lasso"``, ``"permutation"``).
    target : str
        ``"module:Class"``; imported only by :meth:`load`.
    summary : str
        One line for listings.
    params : mapping
        Default parameters (``method="permutation"`` for one class serving many).
    backend : str or None
        Import name of the backend (a key of ``interpkit._optional.BACKENDS``);
        the extra to install follows from it.
    cli : CliMethod or None
        Its command-line method, if it has one.
    """

    name: str
    target: str
    summary: str
    params: Mapping[str, Any] = field(default_factory=dict)
    backend: str | None = None
    cli: CliMethod | None = None

    @property
    def public_name(self) -> str:
        """The class name, as exported by ``interpkit``."""
        return self.target.rpartition(":")[2]

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    @property
    def extra(self) -> str | None:
        """The interpkit extra that installs its backend."""
        from interpkit._optional import BACKENDS

        return None if self.backend is None else BACKENDS[self.backend][1]

    def load(self) -> type:
        """The explainer class (imports its module, not its backend)."""
        return _load(self.target)

    def create(self, *, seed: int | None = None, **params: Any) -> Any:
        """An unfitted explainer with the default parameters, updated by ``params``."""
        merged = {**self.params, **params}
        if seed is not None:
            merged.setdefault("random_state", seed)
        built = {k: v.build(seed) if isinstance(v, Lazy) else v for k, v in merged.items()}
        return self.load()(**built)

    def tags(self) -> Any:
        """The tags of the explainer with default parameters."""
        return self.create().__interpkit_tags__()


def _load(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


_GLMNET = "interpkit.adapters.glmnet"
_SKLEARN = "interpkit.adapters.sklearn:ImportanceExplainer"
_CAPTUM = "interpkit.adapters.captum"
_PER_SD = "coefficient (per SD)"
# the command line's forests: n_jobs=1, as the bootstrap parallelises across replicates
_FOREST = Lazy("sklearn.ensemble:RandomForestRegressor", {"n_estimators": 200, "n_jobs": 1})
_STD = {"standardized_coef": True}

BUILTIN: tuple[Entry, ...] = (
    Entry("lasso", f"{_GLMNET}:LassoExplainer", "Lasso (glmnet), lambda by cross-validation",
          backend="glmnet", cli=CliMethod("lasso", "Lasso", _PER_SD, _STD)),
    Entry("ridge", f"{_GLMNET}:RidgeExplainer", "Ridge regression (glmnet), lambda by CV",
          backend="glmnet", cli=CliMethod("ridge", "Ridge", _PER_SD, _STD)),
    Entry("enet", f"{_GLMNET}:ElasticNetExplainer", "Elastic net (glmnet), lambda by CV",
          backend="glmnet", cli=CliMethod("enet", "Elastic net", _PER_SD, _STD)),
    Entry("mdi", _SKLEARN, "Tree-ensemble impurity importance (MDI)", {"method": "mdi"},
          cli=CliMethod("mdi-rf", "Random forest, impurity importance (MDI)",
                        "mean decrease in impurity", {"estimator": _FOREST})),
    Entry("permutation", _SKLEARN, "Held-out permutation importance of any estimator",
          {"method": "permutation"},
          cli=CliMethod("permutation-rf", "Random forest, permutation importance",
                        "drop in held-out R² when the feature is shuffled",
                        {"estimator": _FOREST})),
    Entry("mdi_plus", _SKLEARN, "MDI+ (RF+, imodels): impurity importance with GLM stumps",
          {"method": "mdi_plus"}, backend="imodels"),
    Entry("shap", "interpkit.adapters.shap:ShapExplainer",
          "SHAP values (tree, linear, kernel, permutation, exact)", backend="shap",
          cli=CliMethod("shap-rf", "Random forest, TreeSHAP", "mean |SHAP value|",
                        {"estimator": _FOREST, "algorithm": "tree"})),
    # main effects only, 8 bags: InterpretML's defaults (pairs, 14 bags) take ~40x longer
    # per fit, and a stability run refits the model n_boot times
    Entry("ebm", "interpkit.adapters.ebm:EBMExplainer",
          "Explainable boosting machine (InterpretML)", backend="interpret",
          cli=CliMethod("ebm", "Explainable boosting machine (EBM, main effects)",
                        "mean |shape-function contribution| over the training rows",
                        {"interactions": 0, "outer_bags": 8})),
    Entry("boosting_importance", "interpkit.adapters.gbm:BoostingImportanceExplainer",
          "LightGBM/XGBoost/CatBoost built-in importance (gain, split)", backend="lightgbm"),
    Entry("gp", "interpkit.adapters.gpytorch:GPExplainer",
          "Gaussian process with ARD lengthscales (GPyTorch)", backend="gpytorch"),
    Entry("lime", "interpkit.adapters.lime:LimeExplainer", "LIME local surrogate models",
          backend="lime"),
    # attributions of a given torch network (model=); captum is imported on first explain
    Entry("integrated_gradients", f"{_CAPTUM}:IntegratedGradientsExplainer",
          "Integrated gradients (Captum), baseline recorded, completeness checked",
          backend="captum"),
    Entry("saliency", f"{_CAPTUM}:SaliencyExplainer", "Gradient saliency (Captum)",
          backend="captum"),
    Entry("input_x_gradient", f"{_CAPTUM}:InputXGradientExplainer",
          "Input x gradient (Captum)", backend="captum"),
    Entry("deeplift", f"{_CAPTUM}:DeepLiftExplainer", "DeepLift (Captum)", backend="captum"),
    Entry("deeplift_shap", f"{_CAPTUM}:DeepLiftShapExplainer",
          "DeepLIFT-SHAP (Captum): DeepLift averaged over a baseline distribution",
          backend="captum"),
    Entry("gradient_shap", f"{_CAPTUM}:GradientShapExplainer",
          "GradientSHAP (Captum): expected gradients over random baselines", backend="captum"),
    Entry("occlusion", f"{_CAPTUM}:OcclusionExplainer", "Occlusion (Captum)", backend="captum"),
    Entry("layer_integrated_gradients", f"{_CAPTUM}:LayerIntegratedGradientsExplainer",
          "Layer integrated gradients (Captum): token attributions through an embedding",
          backend="captum"),
    Entry("feature_ablation", f"{_CAPTUM}:FeatureAblationExplainer",
          "Feature ablation (Captum)", backend="captum"),
)  # fmt: skip


def entries(*, plugins: bool = True) -> Mapping[str, Entry]:
    """Every registered explainer by name: the built-in ones, then the entry points'.

    A plugin may not reuse a built-in name (it is refused with a message).
    """
    table = {e.name: e for e in BUILTIN}
    if plugins:
        from importlib import metadata

        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            loaded = ep.load()
            for entry in loaded if isinstance(loaded, list | tuple) else [loaded]:
                if not isinstance(entry, Entry):
                    raise TypeError(
                        f"entry point {ep.name!r} of group {ENTRY_POINT_GROUP!r} must load "
                        f"an interpkit.registry.Entry (or a list of them), got {type(entry)}"
                    )
                if entry.name in table:
                    raise ValueError(
                        f"entry point {ep.name!r} registers {entry.name!r}, which is taken"
                    )
                table[entry.name] = entry
    return MappingProxyType(table)


def get(name: str) -> Entry:
    """The entry called ``name``, or a ValueError listing the known names."""
    table = entries()
    if name not in table:
        raise ValueError(f"unknown explainer {name!r}; choose from {', '.join(table)}")
    return table[name]


def check_installed(*names: str) -> None:
    """Raise one ImportError naming every extra the explainers ``names`` still need.

    >>> check_installed("lasso", "ebm")  # doctest: +SKIP
    ImportError: explainer 'lasso' needs the 'glmnet' extra; explainer 'ebm' needs the 'ebm'
    extra, which are not installed. Install them with: pip install 'interpkit[glmnet,ebm]'

    Unknown names raise the ValueError of :func:`get`. Nothing is imported.
    """
    from interpkit._optional import require_backends

    require_backends({name: get(name).backend for name in names}, kind="explainer")
