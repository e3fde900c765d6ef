"""One module per backend. Each imports its library only when used."""

from interpkit.adapters.glmnet import ElasticNetExplainer, LassoExplainer, RidgeExplainer
from interpkit.adapters.sklearn_importance import ImportanceExplainer

# every adapter class, for the shared contract tests and the CLI
REGISTRY = {
    "lasso": LassoExplainer,
    "ridge": RidgeExplainer,
    "enet": ElasticNetExplainer,
    # one class, two methods: ImportanceExplainer(method="mdi" | "permutation")
    "mdi": ImportanceExplainer,
    "permutation": ImportanceExplainer,
}

__all__ = [
    "REGISTRY",
    "ElasticNetExplainer",
    "ImportanceExplainer",
    "LassoExplainer",
    "RidgeExplainer",
]
