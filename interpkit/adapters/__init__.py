"""One module per backend. Each imports its library only when used."""

from interpkit.adapters.ebm import EBMExplainer
from interpkit.adapters.glmnet import ElasticNetExplainer, LassoExplainer, RidgeExplainer
from interpkit.adapters.gpytorch import GPExplainer
from interpkit.adapters.lime import LimeExplainer
from interpkit.adapters.shap import ShapExplainer
from interpkit.adapters.sklearn import ImportanceExplainer

# every adapter class, for the shared contract tests and the CLI
REGISTRY = {
    "lasso": LassoExplainer,
    "ridge": RidgeExplainer,
    "enet": ElasticNetExplainer,
    # one class, three methods: ImportanceExplainer(method="mdi" | "permutation" | "mdi_plus")
    "mdi": ImportanceExplainer,
    "permutation": ImportanceExplainer,
    "mdi_plus": ImportanceExplainer,
    "gp": GPExplainer,
    "ebm": EBMExplainer,
    "shap": ShapExplainer,
    "lime": LimeExplainer,
}

__all__ = [
    "REGISTRY",
    "EBMExplainer",
    "ElasticNetExplainer",
    "GPExplainer",
    "ImportanceExplainer",
    "LassoExplainer",
    "LimeExplainer",
    "RidgeExplainer",
    "ShapExplainer",
]
