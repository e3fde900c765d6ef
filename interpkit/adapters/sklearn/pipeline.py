"""Pipelines in :class:`~interpkit.ImportanceExplainer`: checks at fit, MDI per user column.

The explainer fits a pipeline on the user's DataFrame as given (text,
categories and missing values included; see :mod:`interpkit._frames`).
Permutation importance shuffles the user's columns, so it is per original
column as it stands. MDI is the last step's, per encoded column; it is
summed back to the user's columns (impurity decreases add up over the
encoded columns of one original column) unless ``feature_level="encoded"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpkit._pipelines import (
    FEATURE_LEVELS,
    encoded_names,
    encoded_origins,
    has_class_attribute,
    is_pipeline,
    last_step,
    sum_to_original,
)
from interpkit._user_checks import check_scoring_name
from interpkit.adapters.sklearn.mdi_plus import FOREST_TYPES, check_forest
from interpkit.adapters.sklearn.tuning import check_param_grid

__all__ = [
    "check_importance_params",
    "check_method_applies",
    "mdi_importances",
    "pipeline_params",
    "replacement_values",
]


def check_method_applies(explainer: Any) -> None:
    """Raise before any fitting when ``explainer.method`` cannot explain its estimator."""
    if explainer.feature_level not in FEATURE_LEVELS:
        raise ValueError(
            f"feature_level must be one of {FEATURE_LEVELS}, got {explainer.feature_level!r}"
        )
    base = explainer._base_estimator()
    if explainer.feature_level == "encoded" and explainer.method != "mdi":
        raise ValueError(
            "feature_level='encoded' applies to method='mdi' on a pipeline; permutation "
            "importance shuffles your own columns, so it is per original column"
        )
    if explainer.method == "mdi":
        last = last_step(base)
        if not has_class_attribute(last, "feature_importances_"):
            where = " (the last step of the pipeline)" if is_pipeline(base) else ""
            raise ValueError(
                f"method='mdi' reads feature_importances_, which {type(last).__name__}{where} "
                "does not have (trees and tree ensembles such as RandomForest*, "
                "GradientBoosting*, LightGBM and XGBoost models have it; linear models and "
                "HistGradientBoosting* do not). Use method='permutation' (any model, pipelines "
                "included), ShapExplainer, or BoostingImportanceExplainer for LightGBM, XGBoost "
                "and CatBoost"
            )
    if isinstance(explainer.scoring, str):
        check_scoring_name(explainer.scoring)


def mdi_importances(
    est: Any, names: list[str], level: str
) -> tuple[np.ndarray, dict[str, str] | None]:
    """MDI of a fitted estimator or pipeline, and the encoded -> original column mapping."""
    importances = np.asarray(last_step(est).feature_importances_, dtype=np.float64)
    if not is_pipeline(est):
        return importances, None
    try:
        encoded, origins = encoded_origins(est, names)
    except ValueError:
        if level == "original":
            raise
        encoded = encoded_names(est, names)
        origins = [""] * len(encoded)
    if len(encoded) != importances.size:  # pragma: no cover - a step that misnames
        raise ValueError(
            f"the pipeline's preprocessing names {len(encoded)} columns but its last step "
            f"has {importances.size} importances; use feature_level='encoded'"
        )
    mapping = dict(zip(encoded, origins, strict=True))
    if level == "encoded":
        return importances, mapping
    return sum_to_original(importances[None, :], origins, names)[0], mapping


def replacement_values(X: np.ndarray, w: np.ndarray | None, codec: Any) -> np.ndarray:
    """Per column: the (weighted) mean of numbers, the most frequent level of categories.

    Missing values are left out. These replace one column at a time in the
    local (occlusion) explanations.
    """
    w = np.ones(X.shape[0]) if w is None else np.asarray(w, dtype=np.float64)
    coded = set(codec.categorical_indices) if codec is not None else set()
    out = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        col = X[:, j]
        seen = ~np.isnan(col)
        if not seen.any():
            out[j] = np.nan
        elif j in coded:
            counts = np.bincount(col[seen].astype(np.intp), weights=w[seen])
            out[j] = float(np.argmax(counts))
        else:
            out[j] = float(np.average(col[seen], weights=w[seen]))
    return out


def pipeline_params(explainer: Any, kind: str) -> dict[str, Any]:
    """What an Explanation records about the user's table and the encoded columns."""
    codec = getattr(explainer, "input_codec_", None)
    if codec is None:
        return {}
    params: dict[str, Any] = {
        "input": "the user's table as given (pipeline)",
        "feature_level": explainer.feature_level if kind == "global" else "original",
    }
    if codec.categories:
        params["categories"] = codec.describe()
        params["local_replacement"] = "mean of numbers, most frequent level of categories"
    if explainer.feature_mapping_ is not None:
        params["feature_mapping"] = dict(explainer.feature_mapping_)
    return params


def check_importance_params(
    explainer: Any, methods: tuple[str, ...], permutation_data: tuple[str, ...]
) -> None:
    """ImportanceExplainer's parameters, checked before any fitting."""
    if explainer.method not in methods:
        raise ValueError(f"method must be one of {methods}, got {explainer.method!r}")
    check_method_applies(explainer)
    if explainer.param_grid is not None:
        check_param_grid(explainer.param_grid, explainer._base_estimator())
    if explainer.method == "mdi_plus":
        check_forest(explainer._base_estimator())
    if explainer.method == "permutation":
        if explainer.permutation_data not in permutation_data:
            raise ValueError(
                f"permutation_data must be one of {permutation_data}, "
                f"got {explainer.permutation_data!r}"
            )
        if explainer.permutation_data == "oob":
            base = explainer._base_estimator()
            if type(base).__name__ not in FOREST_TYPES or not base.get_params().get(
                "bootstrap", False
            ):
                raise ValueError(
                    "permutation_data='oob' needs a bagged forest (one of "
                    f"{FOREST_TYPES} with bootstrap=True), got {type(base).__name__}; "
                    "use permutation_data='holdout'"
                )
        if not (isinstance(explainer.n_repeats, int | np.integer) and explainer.n_repeats >= 1):
            raise ValueError(f"n_repeats must be an integer >= 1, got {explainer.n_repeats!r}")
        if not 0 < explainer.test_size < 1:
            raise ValueError(f"test_size must be in (0, 1), got {explainer.test_size!r}")
        if isinstance(explainer.scoring, list | tuple | set | dict):
            raise ValueError("scoring must be one metric (a str or callable), not several")
