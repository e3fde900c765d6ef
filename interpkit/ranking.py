"""How features are ranked: by ``|value|`` for signed effects, by value for importances.

A coefficient, a SHAP value or a contribution has a direction: ``-3`` matters
as much as ``+3``, so features rank by ``|value|``. An importance that is a
drop in score (permutation importance, MDI+) has no direction: a negative
value means that shuffling the feature *helped*, i.e. it is less useful than
a feature at 0, and ranking by ``|value|`` would put it above features that
do help. Those rank by value (1 = largest). Summaries say which basis they
used (``StabilityResult.summary().attrs["rank_basis"]``).

>>> from interpkit.ranking import rank
>>> rank(np.array([0.3, -0.2, 0.1]), by_value=True).tolist()
[1.0, 3.0, 2.0]
>>> rank(np.array([0.3, -0.2, 0.1]), by_value=False).tolist()
[1.0, 2.0, 3.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["SIGNED_IMPORTANCES", "rank", "rank_basis", "rank_key", "ranks_by_value"]

# methods whose values are score drops: larger is more important, negative is "less than useless"
SIGNED_IMPORTANCES = ("permutation_importance", "mdi_plus")

BY_VALUE = "rank of value (1 = largest; a negative importance ranks below 0)"
BY_ABS = "rank of |value| (1 = largest)"


def ranks_by_value(expl: Any) -> bool:
    """True when ``expl``'s features rank by value (an importance that may be negative).

    Multiclass aggregates (mean ``|value|`` over classes) are non-negative,
    so either basis gives the same order for them.
    """
    return getattr(expl, "method", None) in SIGNED_IMPORTANCES


def rank_basis(by_value: bool) -> str:
    """The sentence a summary states for its ranks."""
    return BY_VALUE if by_value else BY_ABS


def rank_key(values: np.ndarray, by_value: bool) -> np.ndarray:
    """What is ranked: the values, or their absolute values."""
    values = np.asarray(values, dtype=np.float64)
    return values if by_value else np.abs(values)


def rank(values: np.ndarray, *, by_value: bool, axis: int = -1) -> np.ndarray:
    """Rank along ``axis``, 1 = largest, ties averaged; NaN values get NaN and are skipped."""
    from scipy.stats import rankdata

    key = rank_key(values, by_value)
    if not np.isnan(key).any():
        return rankdata(-key, axis=axis, method="average")
    return rankdata(-key, axis=axis, method="average", nan_policy="omit")
