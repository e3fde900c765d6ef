"""Flags for the "What this says" section: things in an analysis a reader must know.

Each function returns a list of plain-text flags (empty when all is well):

* :func:`explanation_flags` — λ_min at the edge of the λ grid (glmnet paths
  and CV curves), SHAP additivity errors above the explainer's tolerance;
* :func:`result_flags` — failed replicates (NaN values or a failed status),
  and the same checks on a stability result's reference explanation;
* :func:`explainer_flags` — a fitted explainer's own state: λ_min at the grid
  edge, GP restarts that hit the iteration limit or failed;
* :func:`target_flags` — a classification-looking target analysed as
  regression.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["explainer_flags", "explanation_flags", "result_flags", "target_flags"]


def _lambda_edge(label: str, lambdas: np.ndarray, lambda_min: float) -> list[str]:
    lambdas = np.asarray(lambdas, dtype=float)
    if lambdas.size < 3 or not np.isfinite(lambda_min):
        return []
    lo, hi = float(lambdas.min()), float(lambdas.max())
    if np.isclose(lambda_min, lo, rtol=1e-9, atol=0):
        return [
            f"{label}: λ_min = {lambda_min:.3g} is the smallest λ of the grid, so the CV error "
            "may still fall at smaller λ; extend the grid (a smaller min_lambda_ratio or a "
            "lambda_path reaching lower)."
        ]
    if np.isclose(lambda_min, hi, rtol=1e-9, atol=0):
        return [
            f"{label}: λ_min = {lambda_min:.3g} is the largest λ of the grid (the model with no "
            "features predicts best); extend the grid upwards or check that the features carry "
            "any signal."
        ]
    return []


def explanation_flags(label: str, expl: Any) -> list[str]:
    """Flags from one Explanation's annotations and coordinates."""
    out: list[str] = []
    notes = dict(getattr(expl, "annotations", {}) or {})
    values = expl.values
    if "lambda" in values.dims and "lambda_min" in notes:
        out += _lambda_edge(label, values.coords["lambda"].to_numpy(), float(notes["lambda_min"]))
    if "additivity_error" in notes:
        tol = float(expl.params.get("additivity_tol", 1e-6))
        scale = max(1.0, float(notes.get("max_abs_output", 1.0)))
        err = float(notes["additivity_error"])
        if np.isfinite(err) and err > tol * scale:
            out.append(
                f"{label}: SHAP values miss the model output by up to {err:.3g} "
                f"(tolerance {tol * scale:.3g}); they do not add up to the predictions, so "
                "read them as approximate (more samples, or an exact algorithm)."
            )
    return out


def result_flags(label: str, result: Any) -> list[str]:
    """Failed replicates of a stability result, and its reference's flags."""
    out = explanation_flags(label, result.reference)
    vals = result.replicates.values
    other = [d for d in vals.dims if d != "replicate"]
    bad = vals.isnull().all(other) if other else vals.isnull()
    n_bad = int(np.asarray(bad).sum())
    info = result.replicate_info
    if "status" in info:
        n_bad = max(n_bad, int((info["status"].astype(str) == "failed").sum()))
    if result.scheme == "permuted_labels":
        from interpkit.report.conclusions import NULL_ALPHA, null_can_reject

        if not null_can_reject(result):
            need = int(np.ceil(1 / NULL_ALPHA)) - 1
            out.append(
                f"{label}: a null control of {result.n_replicates} shuffles cannot give a "
                f"p-value below {NULL_ALPHA:g} (the smallest is 1/{result.n_replicates + 1} = "
                f"{1 / (result.n_replicates + 1):.3f}), so it was not used to judge features; "
                f"use n_boot ≥ {need + 1}."
            )
    if n_bad:
        out.append(
            f"{label}: {n_bad} of {result.n_replicates} replicates failed (no values); the "
            "intervals rest on the others."
        )
    return out


def explainer_flags(label: str, explainer: Any) -> list[str]:
    """Flags from a fitted explainer's state (glmnet's λ grid, a GP's restarts)."""
    out: list[str] = []
    path = getattr(explainer, "lambda_path_", None)
    if path is not None and hasattr(explainer, "lambda_min_"):
        out += _lambda_edge(label, path, float(explainer.lambda_min_))
    restarts = getattr(explainer, "restarts_", None)
    if restarts is not None and "status" in restarts:
        status = restarts["status"].astype(str)
        n, n_max, n_fail = (
            len(status),
            int((status == "max_iter").sum()),
            int((status == "failed").sum()),
        )
        if n_max:
            limit = getattr(explainer, "max_iter", None)
            out.append(
                f"{label}: {n_max} of {n} GP restarts stopped at the iteration limit"
                + (f" (max_iter = {limit})" if limit is not None else "")
                + " before converging; raise max_iter."
            )
        if n_fail:
            out.append(
                f"{label}: {n_fail} of {n} GP restarts failed (kernel matrix not positive "
                "definite); the hyperparameters come from the others."
            )
    return out


def target_flags(y: Any, methods: list[str] | tuple[str, ...] = ()) -> list[str]:
    """A target that looks like class labels, analysed by regression."""
    from interpkit._task import detect_task

    try:
        task = detect_task(y)
    except (TypeError, ValueError):
        return []
    if task == "regression":
        return []
    n = int(np.unique(np.asarray(y)).size)
    name = getattr(y, "name", None)
    what = f"The target {name}" if name is not None else "The target"
    return [
        f"{what} has only {n} distinct values ({task} labels?) but was analysed "
        "as regression (squared error); if it is a class label, fit a classifier "
        "(family='binomial', a classification forest) instead."
    ]
