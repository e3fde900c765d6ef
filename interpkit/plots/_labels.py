"""Category labels of coded feature values, for figures of local explanations.

An explainer that takes the user's table as it comes (a pipeline, a model
with native categories) stores a text, category or boolean column in
``Explanation.data`` as the position of its label, and the labels in
``params["categories"]`` (JSON, so saved files keep them). Figures name the
label, never the code; a missing value is a level of its own, ``"missing"``,
drawn after the labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpkit.explanation import Explanation
from interpkit.plots._common import NEUTRAL, PALETTE, fmt

__all__ = ["MISSING", "categories", "discrete_scale", "levels", "value_text"]

MISSING = "missing"


def categories(expl: Explanation) -> dict[str, list[str]]:
    """Category labels of coded columns (``params["categories"]``), by feature name."""
    cats = expl.params.get("categories") if isinstance(expl.params, dict) else None
    return {str(k): [str(v) for v in vals] for k, vals in (cats or {}).items()}


def value_text(value: Any, labels: list[str] | None) -> str:
    """A feature value as text: its label for a coded column, ``"missing"``, or the number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if np.isnan(number):
        return MISSING
    if labels is not None and number.is_integer() and 0 <= number < len(labels):
        return labels[int(number)]
    return fmt(number)


def levels(codes: np.ndarray, labels: list[str]) -> list[str]:
    """The labels of the levels present in ``codes``, in level order, ``"missing"`` last."""
    codes = np.asarray(codes, dtype=float)
    present = np.unique(codes[np.isfinite(codes)])
    out = [value_text(c, labels) for c in present]
    return out + [MISSING] * bool(np.isnan(codes).any())


def discrete_scale(names: list[str]) -> list[list[Any]]:
    """A stepped colour scale, one flat band per level (``"missing"`` grey), over 0 .. n-1."""
    n = len(names)
    colors = [
        NEUTRAL if name == MISSING else PALETTE[i % len(PALETTE)] for i, name in enumerate(names)
    ]
    scale: list[list[Any]] = []
    for i, c in enumerate(colors):
        scale += [[i / n, c], [(i + 1) / n, c]]
    return scale
