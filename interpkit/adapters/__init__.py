"""One module per backend. Each imports its library only when used."""

from interpkit.adapters.glmnet import ElasticNetExplainer, LassoExplainer, RidgeExplainer

# every adapter class, for the shared contract tests and the CLI
REGISTRY = {
    "lasso": LassoExplainer,
    "ridge": RidgeExplainer,
    "enet": ElasticNetExplainer,
}

__all__ = ["REGISTRY", "ElasticNetExplainer", "LassoExplainer", "RidgeExplainer"]
