"""What :class:`~interpkit.ShapExplainer` explains: the model output, the algorithm, the background.

Nothing here imports shap; :mod:`interpkit.adapters.shap.compute` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

ALGORITHMS = ("auto", "tree", "linear", "kernel", "permutation", "exact")
OUTPUTS = ("auto", "prediction", "probability", "log_odds")
PERTURBATIONS = ("interventional", "correlation_dependent")
STOCHASTIC = ("kernel", "permutation")

# scikit-learn trees TreeSHAP reads, by what their leaves hold
_TREE_REGRESSORS = {
    "DecisionTreeRegressor",
    "ExtraTreeRegressor",
    "RandomForestRegressor",
    "ExtraTreesRegressor",
    "GradientBoostingRegressor",
    "HistGradientBoostingRegressor",
}
_TREE_PROBABILITY = {
    "DecisionTreeClassifier",
    "ExtraTreeClassifier",
    "RandomForestClassifier",
    "ExtraTreesClassifier",
}
_TREE_LOG_ODDS = {"GradientBoostingClassifier", "HistGradientBoostingClassifier"}


def _boosted(model: Any) -> bool:
    from interpkit.adapters.gbm.models import is_boosting

    return is_boosting(model)


def is_interpkit(model: Any) -> bool:
    from interpkit.explainer import Explainer

    return isinstance(model, Explainer)


def _is_classifier(model: Any) -> bool:
    from sklearn.base import is_classifier

    try:
        return bool(is_classifier(model))
    except (AttributeError, TypeError):  # not a scikit-learn estimator
        return hasattr(model, "classes_") and hasattr(model, "predict_proba")


def native_output(model: Any) -> str:
    """``"prediction"``, ``"classifier"`` or ``"log_odds"`` (a binomial interpkit GLM)."""
    if is_interpkit(model):
        return "log_odds" if getattr(model, "family", "gaussian") == "binomial" else "prediction"
    return "classifier" if _is_classifier(model) else "prediction"


def resolve_output(model: Any, output: str) -> str:
    """The model output explained: ``"prediction"``, ``"probability"`` or ``"log_odds"``."""
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}")
    name = type(model).__name__
    methods = ("predict", "predict_proba", "decision_function")
    if not any(callable(getattr(model, m, None)) for m in methods):
        raise TypeError(
            f"the model must have predict, predict_proba or decision_function; {name} has none"
        )
    native = native_output(model)
    if native == "prediction":
        if output in ("probability", "log_odds"):
            raise ValueError(
                f"output={output!r} needs a classifier, but {name} is a regression model; "
                "use output='prediction' (or 'auto')"
            )
        return "prediction"
    if output == "prediction":
        raise ValueError(
            f"{name} is a classifier: its predict() gives class labels, which SHAP cannot "
            "split into additive parts (a regression link on a classification model); "
            "use output='probability' or output='log_odds'"
        )
    if native == "classifier":
        if n_classes(model) > 2:
            if output == "log_odds":
                if not (callable(getattr(model, "decision_function", None)) or _boosted(model)):
                    raise ValueError(
                        f"{name} has {n_classes(model)} classes and no decision_function, so "
                        "there are no per-class margins to explain; use output='probability'"
                    )
                return "log_odds"
            if not hasattr(model, "predict_proba"):
                raise ValueError(f"{name} has no predict_proba; SHAP needs class probabilities")
            return "probability"
        if not hasattr(model, "predict_proba"):
            raise ValueError(f"{name} has no predict_proba; SHAP needs class probabilities")
        return "probability" if output == "auto" else output
    return "log_odds" if output == "auto" else output


def n_classes(model: Any) -> int:
    """Number of classes of a classifier (0 for anything without ``classes_``)."""
    classes = getattr(model, "classes_", None)
    return 0 if classes is None or is_interpkit(model) else len(classes)


def n_outputs(model: Any, output: str) -> int:
    """1, or K for the per-class probabilities of a K-class classifier (K > 2)."""
    k = n_classes(model)
    return k if output in ("probability", "log_odds") and k > 2 else 1


def class_labels(model: Any) -> list[str]:
    """The classes of a multiclass model as str, in ``classes_`` order."""
    return [str(c) for c in model.classes_]


def output_function(
    model: Any, output: str, decode: Callable[[np.ndarray], Any] | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """``f(X)``: the explained output for float rows ``X``, shape (n,) or (n, K) (multiclass).

    ``decode``, when given, turns the float rows into what the model takes
    (the user's DataFrame, for a pipeline; see :mod:`interpkit._frames`).
    """
    if is_interpkit(model):

        def raw(X: np.ndarray) -> np.ndarray:
            return np.asarray(model.predict(X), dtype=np.float64).ravel()

        if output == "probability":
            from scipy.special import expit

            return lambda X: expit(raw(X))
        return raw

    columns = getattr(model, "feature_names_in_", None)

    def frame(X: np.ndarray) -> Any:
        if decode is not None:
            return decode(X)
        # a model fit on a DataFrame warns (or fails) on bare arrays
        return X if columns is None else pd.DataFrame(X, columns=list(columns))

    if output == "prediction":
        # a model with only a decision function (a score, a margin): that is its output
        raw = model.predict if callable(getattr(model, "predict", None)) else None
        raw = raw or model.decision_function
        return lambda X: np.asarray(raw(frame(X)), dtype=np.float64).ravel()

    if output == "log_odds" and _boosted(model):  # the boosted sum itself, no round trip
        from interpkit.adapters.gbm.models import raw_margin

        return lambda X: raw_margin(model, frame(X))
    if n_outputs(model, output) > 1:
        if output == "log_odds":  # per-class margins (softmax logits up to a constant)
            return lambda X: np.asarray(model.decision_function(frame(X)), dtype=np.float64)
        return lambda X: np.asarray(model.predict_proba(frame(X)), dtype=np.float64)

    def proba(X: np.ndarray) -> np.ndarray:
        return np.asarray(model.predict_proba(frame(X)), dtype=np.float64)[:, 1]

    if output == "probability":
        return proba
    from scipy.special import logit

    return lambda X: logit(np.clip(proba(X), 1e-15, 1 - 1e-15))


def output_label(model: Any, output: str) -> str:
    """E.g. ``"prediction"``, ``"probability(>50K)"``, ``"log_odds(1)"``."""
    if output == "prediction":
        return "prediction"
    if n_outputs(model, output) > 1:
        what = "decision_function" if not _boosted(model) else "raw_margin"
        what = "probability" if output == "probability" else what
        return f"{what}(each of {n_classes(model)} classes)"
    classes = getattr(model, "classes_", None)
    positive = classes[1] if classes is not None and len(classes) == 2 else 1
    return f"{output}({positive})"


def linear_parts(model: Any, output: str, n_features: int) -> tuple[np.ndarray, Any] | None:
    """Coefficients and intercept when the explained output is linear in X, else None.

    Multiclass margins: coefficients (K, p) and intercepts (K,).
    """
    if not (hasattr(model, "coef_") and hasattr(model, "intercept_")):
        return None
    k = n_outputs(model, output)
    if k > 1:  # class probabilities are not linear in X, the per-class margins are
        coef = np.asarray(getattr(model, "coef_", None), dtype=np.float64)
        intercept = np.asarray(model.intercept_, dtype=np.float64).ravel()
        if output != "log_odds" or coef.shape != (k, n_features) or intercept.shape != (k,):
            return None
        return coef, intercept
    native = native_output(model)
    linear_output = {"prediction": "prediction", "log_odds": "log_odds", "classifier": "log_odds"}
    if output != linear_output[native]:
        return None
    coef = np.asarray(model.coef_, dtype=np.float64)
    if coef.ndim == 2 and coef.shape[0] == 1:
        coef = coef[0]
    if coef.shape != (n_features,):
        return None
    intercept = np.asarray(model.intercept_, dtype=np.float64).ravel()
    if intercept.size != 1:
        return None
    return coef, float(intercept[0])


def tree_model_output(model: Any, output: str) -> str | None:
    """TreeSHAP's ``model_output`` for this model and output, None when TreeSHAP cannot."""
    name = type(model).__name__
    if _boosted(model):  # LightGBM, XGBoost, CatBoost: shap reads their trees
        from interpkit.adapters.gbm.models import library_of

        if library_of(model) == "catboost" and n_classes(model) > 2:
            return None  # shap 0.51's interventional kernel crashes (SIGSEGV) on these
        if not _is_classifier(model):
            return "raw" if output == "prediction" else None
        if output == "log_odds":
            return "raw"
        # shap's probability transform is the logistic one: two classes only
        return "probability" if output == "probability" and n_classes(model) == 2 else None
    if n_outputs(model, output) > 1:  # leaves of forests hold every class's probability
        # shap 0.51 reads scikit-learn's boosted classifiers for two classes only
        return "raw" if output == "probability" and name in _TREE_PROBABILITY else None
    if name in _TREE_REGRESSORS and output == "prediction":
        return "raw"
    if name in _TREE_PROBABILITY and output == "probability":
        return "raw"  # the leaves hold class probabilities
    if name in _TREE_LOG_ODDS:
        return {"log_odds": "raw", "probability": "probability"}.get(output)
    return None


def choose_algorithm(
    model: Any, output: str, algorithm: str, n_features: int, weighted: bool
) -> str:
    """Validate ``algorithm`` for this model, or pick one for ``"auto"``."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {ALGORITHMS}, got {algorithm!r}")
    name = type(model).__name__
    linear = linear_parts(model, output, n_features) is not None
    tree = tree_model_output(model, output) is not None
    if algorithm == "auto":
        if linear:
            return "linear"
        if tree and not weighted:
            return "tree"
        if weighted:
            return "kernel"
        # not "exact": its numba kernels take ~10 s to compile in every new process
        return "permutation"
    if algorithm == "linear" and not linear:
        raise ValueError(
            f"algorithm='linear' needs a model whose {output} is linear in X "
            f"(coef_ and intercept_); {name} is not (a pipeline, or a probability output?); "
            "use 'permutation', 'exact' or 'kernel'"
        )
    if algorithm == "tree" and not tree:
        raise ValueError(
            f"algorithm='tree' cannot explain the {output} of {name} (TreeSHAP reads "
            "scikit-learn trees and forests, not pipelines; random-forest classifiers only on "
            "the probability scale); use 'permutation', 'exact' or 'kernel'"
        )
    if weighted and algorithm in ("tree", "permutation", "exact"):
        raise ValueError(
            f"a 'kmeans:K' background is weighted, and algorithm={algorithm!r} cannot use "
            "weights; use an int sample size as background, or algorithm='kernel'/'linear'"
        )
    return algorithm


def model_feature_check(model: Any, names: Sequence[str]) -> None:
    """A model fit on a DataFrame must see the same columns."""
    seen = getattr(model, "feature_names_in_", None)
    if seen is None or is_interpkit(model):
        return
    seen = [str(c) for c in seen]
    if set(seen) != set(names):
        raise ValueError(f"the model was fit on columns {seen}, but X has columns {list(names)}")
    if seen != list(names):
        raise ValueError(f"X has the model's columns in another order; reorder X as {seen}")
