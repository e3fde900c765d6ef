"""SHAP of a scikit-learn pipeline: the user's columns, or TreeSHAP of the last step.

A pipeline is explained as a function of the user's own columns: the rows
are float codes (:mod:`interpkit._frames`) decoded into the user's
DataFrame before the pipeline sees them, so the model-agnostic algorithms
(permutation, exact, kernel) give one value per original column directly.

When the last step is a tree model (scikit-learn trees and forests,
LightGBM, XGBoost, CatBoost), TreeSHAP explains it on the transformed rows
(the pipeline's preprocessing applied to the rows and the background) and
the values of the encoded columns that come from one original column are
summed into it (``feature_level="original"``, the default): additivity is
kept, as a sum of sums. ``feature_level="encoded"`` keeps them per encoded
column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from interpkit._pipelines import (
    FEATURE_LEVELS,
    encoded_names,
    encoded_origins,
    is_pipeline,
    last_step,
    preprocess,
)

__all__ = ["OUTPUT_SCALES", "PipelineView", "check_tree_applies", "pipeline_view"]

# what the explained number is, stated in every result's params
OUTPUT_SCALES = {
    "prediction": "raw: the model's predict()",
    "probability": "probability (predict_proba)",
    "log_odds": "log-odds / raw margin (decision_function or the boosted sum)",
}

_TREE_NAMES = (
    "DecisionTree",
    "ExtraTree",
    "RandomForest",
    "ExtraTrees",
    "GradientBoosting",
    "HistGradientBoosting",
)


@dataclass(frozen=True)
class PipelineView:
    """How TreeSHAP sees a fitted pipeline: its last step, the transform, the column names."""

    model: Any
    transform: Callable[[np.ndarray], np.ndarray]
    encoded: list[str]
    origins: list[str] | None  # None: keep the encoded columns (feature_level="encoded")


def check_tree_applies(explainer: Any) -> None:
    """Before fitting: ``algorithm="tree"`` needs a tree model (or a pipeline ending in one)."""
    if explainer.feature_level not in FEATURE_LEVELS:
        raise ValueError(
            f"feature_level must be one of {FEATURE_LEVELS}, got {explainer.feature_level!r}"
        )
    if explainer.algorithm != "tree":
        return
    from interpkit.adapters.gbm.models import is_boosting

    base = explainer._base_estimator()
    last = last_step(base)
    name = type(last).__name__
    if is_boosting(last) or name.startswith(_TREE_NAMES):
        return
    where = " (the last step of the pipeline)" if is_pipeline(base) else ""
    raise ValueError(
        f"algorithm='tree' cannot explain {name}{where}: TreeSHAP reads the trees of a tree "
        "model (scikit-learn trees, forests and gradient boosting, LightGBM, XGBoost, "
        "CatBoost); use algorithm='permutation', 'exact' or 'kernel' (any model), or "
        "'linear' for a linear model"
    )


def pipeline_view(
    model: Any, output: str, codec: Any, names: list[str], feature_level: str
) -> PipelineView | None:
    """The view TreeSHAP needs of a fitted pipeline ending in a tree model, else None."""
    from interpkit.adapters.shap.model import tree_model_output

    if not is_pipeline(model) or tree_model_output(last_step(model), output) is None:
        return None

    transform = _Transform(model, codec)
    if feature_level == "encoded":
        try:
            encoded = encoded_names(model, names)
        except ValueError:
            encoded = None
        return PipelineView(last_step(model), transform, encoded, None)
    try:
        encoded, origins = encoded_origins(model, names)
    except ValueError:
        return None  # cannot be summed back: the model-agnostic algorithms explain it
    return PipelineView(last_step(model), transform, encoded, origins)


class _Transform:
    """Float code rows -> the rows the pipeline's last step sees (picklable, unlike a closure)."""

    def __init__(self, model: Any, codec: Any) -> None:
        self.model, self.codec = model, codec

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return preprocess(self.model, X if self.codec is None else self.codec.decode(X))


def encoded_labels(view: PipelineView, n_columns: int) -> list[str]:
    """Names of the encoded columns (``e0, e1, ...`` when the pipeline names none)."""
    if view.encoded is not None and len(view.encoded) == n_columns:
        return list(view.encoded)
    return [f"e{j}" for j in range(n_columns)]


def pipeline_params(explainer: Any) -> dict[str, Any]:
    """What a result records about the user's table and the pipeline's columns."""
    scale = OUTPUT_SCALES.get(explainer.output_, "")
    model = explainer.model_
    if explainer.output_ == "prediction" and not callable(getattr(model, "predict", None)):
        scale = "raw: the model's decision_function() (it has no predict)"
    out: dict[str, Any] = {"output_scale": scale}
    codec = getattr(explainer, "input_codec_", None)
    if codec is None:
        return out
    out["input"] = "the user's table as given (pipeline)"
    if codec.categories:
        out["categories"] = codec.describe()
    view = getattr(explainer, "view_", None)
    out["feature_level"] = "encoded" if view is not None and view.origins is None else "original"
    if view is not None and view.origins is not None:
        out["feature_mapping"] = dict(zip(view.encoded, view.origins, strict=True))
    return out
