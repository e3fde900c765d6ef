"""Row weights for :class:`~interpkit.adapters.sklearn.ImportanceExplainer`.

Integer weights are frequency weights: a tree fit with weight ``c`` on a row
is the tree fit on ``c`` copies of it (impurities are weighted sums). A
method takes weights only where the whole computation weights rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["weight_kwarg", "weight_refusal", "weighted_mean"]


def weight_refusal(
    method: str, permutation_data: str, param_grid: Any, estimator: Any
) -> str | None:
    """Why these settings cannot weight rows, or None when they can."""
    if method == "mdi_plus":
        return "imodels' MDI+ weights only the forest, not its per-tree ridge fits and scores"
    if method == "permutation" and permutation_data == "oob":
        return (
            "out-of-bag permutation scores each tree on its out-of-bag rows unweighted; "
            "use permutation_data='holdout'"
        )
    if param_grid is not None:
        return "tuning by CV (param_grid) does not weight its fold scores; tune without weights"
    from sklearn.utils.validation import has_fit_parameter

    from interpkit._pipelines import is_pipeline, last_step

    final = last_step(estimator)  # a pipeline passes weights to its last step
    if not has_fit_parameter(final, "sample_weight"):
        where = " (the pipeline's last step)" if is_pipeline(estimator) else ""
        return f"{type(final).__name__}.fit{where} takes no sample_weight"
    return None


def weight_kwarg(w: np.ndarray | None, estimator: Any = None) -> dict[str, Any]:
    """``{"sample_weight": w}`` (``{"<last step>__sample_weight": w}`` for a pipeline's
    ``fit``), or nothing, so estimators whose fit takes none keep working."""
    if w is None:
        return {}
    from interpkit._pipelines import is_pipeline

    if estimator is not None and is_pipeline(estimator):
        return {f"{estimator.steps[-1][0]}__sample_weight": w}
    return {"sample_weight": w}


def weighted_mean(X: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Column means, weighted when ``w`` is given."""
    return X.mean(axis=0) if w is None else np.average(X, axis=0, weights=w)
