"""Checks of ShapExplainer's parameters and of the explained model, before any shap call."""

from __future__ import annotations

from typing import Any

import numpy as np

from interpkit.adapters.shap.model import PERTURBATIONS, n_outputs
from interpkit.adapters.shap.pipeline import check_tree_applies

__all__ = ["check_model_runs", "check_params"]


def check_params(explainer: Any) -> None:
    """ShapExplainer's own parameters, checked before the model is fit."""
    if explainer.model is not None and explainer.estimator is not None:
        raise ValueError("pass either model= (already fit) or estimator= (to fit), not both")
    if explainer.feature_perturbation not in PERTURBATIONS:
        raise ValueError(
            f"feature_perturbation must be one of {PERTURBATIONS}, "
            f"got {explainer.feature_perturbation!r}"
        )
    if explainer.feature_perturbation == "correlation_dependent" and explainer.algorithm not in (
        "auto",
        "linear",
    ):
        raise ValueError(
            "feature_perturbation='correlation_dependent' is linear SHAP's; "
            f"algorithm={explainer.algorithm!r} is always interventional"
        )
    check_tree_applies(explainer)
    if not (isinstance(explainer.n_global_rows, int | np.integer) and explainer.n_global_rows >= 1):
        raise ValueError(f"n_global_rows must be a positive int, got {explainer.n_global_rows!r}")


def check_model_runs(explainer: Any, f: Any) -> None:
    """The explained output is computable and finite on the background rows."""
    try:
        out = np.asarray(f(explainer.background_), dtype=np.float64)
    except Exception as err:  # any failure inside the user's model
        raise ValueError(
            f"the model's output could not be computed on the background rows "
            f"({type(err).__name__}: {err}); check that the model takes these "
            f"{explainer.n_features_in_} features"
        ) from err
    k = n_outputs(explainer.model_, explainer.output_)
    shape = (explainer.background_.shape[0],) + ((k,) if k > 1 else ())
    if out.shape != shape or not np.all(np.isfinite(out)):
        raise ValueError(
            f"the model's output on the background rows must be {explainer.background_.shape[0]} "
            f"finite numbers, got shape {out.shape}"
        )
