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

    if not has_fit_parameter(estimator, "sample_weight"):
        return f"{type(estimator).__name__}.fit takes no sample_weight"
    return None


def weight_kwarg(w: np.ndarray | None) -> dict[str, Any]:
    """``{"sample_weight": w}``, or nothing, so estimators whose fit takes none keep working."""
    return {} if w is None else {"sample_weight": w}


def weighted_mean(X: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Column means, weighted when ``w`` is given."""
    return X.mean(axis=0) if w is None else np.average(X, axis=0, weights=w)
