"""What every circuit result shares: a tidy table of values with intervals, and a null."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["CircuitResult", "TRAINED"]

TRAINED = "trained"


@dataclass(frozen=True, eq=False)
class CircuitResult:
    """Base of the circuit results.

    Attributes
    ----------
    table : DataFrame
        Long table, one row per cell of the analysis and per model: ``model``
        (``"trained"`` or the null's label, e.g. ``"random init"``), the cell's
        coordinates, ``value``, ``lower`` / ``upper`` (bootstrap interval over
        prompts) and ``seed_lower`` / ``seed_upper`` (interval over training
        seeds; NaN with one model).
    params : dict
        Settings and provenance: ``scope`` (``"prompts"``: what the bootstrap
        resamples), number of prompts and models (seeds), ``null``, ``n_boot``,
        ``level``, ``random_state``.
    """

    table: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def null(self) -> str | None:
        """The null's label, or None when no null was run."""
        labels = [m for m in self.table["model"].unique() if m != TRAINED]
        return labels[0] if labels else None

    def values(self, model: str = TRAINED) -> pd.DataFrame:
        """The rows of one model (``"trained"`` or the null's label)."""
        known = list(self.table["model"].unique())
        if model not in known:
            raise ValueError(f"model must be one of {known}, got {model!r}")
        return self.table[self.table["model"] == model].reset_index(drop=True)

    def grid(
        self, row: str, column: str, model: str = TRAINED, col: str = "value", **where: Any
    ) -> pd.DataFrame:
        """A ``row`` x ``column`` pivot of one column of the table (e.g. layer x position)."""
        sub = self.values(model)
        for key, val in where.items():
            sub = sub[sub[key] == val]
        order_r = list(dict.fromkeys(sub[row]))
        order_c = list(dict.fromkeys(sub[column]))
        return sub.pivot(index=row, columns=column, values=col).loc[order_r, order_c]
