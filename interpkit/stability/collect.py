"""Where replicate outputs go as they finish: a collector.

The engine hands every finished replicate to a collector as a
:class:`Record` and asks it, at the end, for the stacked explanations. The
in-memory :class:`MemoryCollector` keeps everything; a checkpoint store
(:mod:`interpkit.stability.store`) has the same methods, writes each record
to disk as it arrives and reports which replicates a killed run already
finished, so only the missing ones are computed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from interpkit.explanation import Explanation, stack

__all__ = ["Collector", "MemoryCollector", "Record"]


@dataclass(frozen=True, eq=False)
class Record:
    """What one replicate produced.

    Attributes
    ----------
    index : int
        Position of the replicate (its seed is ``seeds[index]``).
    explanation : Explanation
        Its global explanation.
    predictions : numpy.ndarray or None
        Its predictions on ``X_eval``.
    info : dict
        Scalars for ``replicate_info`` (seed, rows used, chosen lambda, ...).
    extras : dict of str to Explanation
        Further explanations by name; ``"local"`` holds ``explain(X_explain)``.
    """

    index: int
    explanation: Explanation
    predictions: np.ndarray | None
    info: dict[str, Any]
    extras: dict[str, Explanation] = field(default_factory=dict)


class Collector(Protocol):
    """What the engine needs from a place that keeps replicate records."""

    def done(self) -> set[int]:
        """Indices of replicates already recorded (non-empty only when resuming)."""

    def add(self, record: Record) -> None:
        """Keep one finished replicate."""

    def stacked(self, name: str | None = None) -> Explanation:
        """Global explanations (``name=None``) or extra ``name`` stacked along "replicate"."""

    def predictions(self) -> np.ndarray | None:
        """Predictions stacked as (replicate, sample), or None."""

    def infos(self) -> list[dict[str, Any]]:
        """``info`` of every replicate, in index order."""


class MemoryCollector:
    """Keeps every record in memory."""

    def __init__(self) -> None:
        self._records: dict[int, Record] = {}

    def done(self) -> set[int]:
        return set(self._records)

    def add(self, record: Record) -> None:
        self._records[record.index] = record

    def _ordered(self) -> list[Record]:
        return [self._records[i] for i in sorted(self._records)]

    def stacked(self, name: str | None = None) -> Explanation:
        records = self._ordered()
        if name is None:
            return stack([r.explanation for r in records], dim="replicate")
        return stack([r.extras[name] for r in records], dim="replicate")

    def predictions(self) -> np.ndarray | None:
        records = self._ordered()
        if records[0].predictions is None:
            return None
        return np.stack([r.predictions for r in records])

    def infos(self) -> list[dict[str, Any]]:
        return [r.info for r in self._ordered()]
