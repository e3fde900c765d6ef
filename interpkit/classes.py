"""Results of multiclass models: select one class, or aggregate over classes.

Explainers of a K-class model put a ``"class"`` dim on their values (e.g.
global SHAP dims ``("feature", "class")``). Everything that expects one value
per feature takes either one class (:func:`select_class`) or the aggregate
over classes (:func:`aggregate_classes`: the mean of ``|value|`` over the
classes, so a feature that pushes one class up and another down counts for
both).

>>> from interpkit.classes import aggregate_classes, select_class   # doctest: +SKIP
>>> select_class(shap_global, "versicolor").dims                    # doctest: +SKIP
('feature',)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from interpkit.explanation import Explanation
from interpkit.stability import StabilityResult

__all__ = [
    "AGGREGATE",
    "aggregate_classes",
    "class_labels",
    "has_classes",
    "per_class_summary",
    "reduce_classes",
    "select_class",
]

AGGREGATE = "mean |value| over classes"

Item = Explanation | StabilityResult


def _values(item: Item) -> xr.DataArray:
    return item.replicates.values if isinstance(item, StabilityResult) else item.values


def has_classes(item: Any) -> bool:
    """True for an Explanation or StabilityResult with a ``"class"`` dim."""
    return isinstance(item, Explanation | StabilityResult) and "class" in _values(item).dims


def class_labels(item: Item) -> list[str]:
    """The class coordinate as str."""
    return [str(c) for c in _values(item).coords["class"].values]


def _label(item: Item, class_: Any) -> Any:
    labels = class_labels(item)
    if str(class_) not in labels:
        raise ValueError(f"class_={class_!r} is not one of the classes {labels}")
    coords = list(_values(item).coords["class"].values)
    return coords[labels.index(str(class_))]


def _reduce_explanation(expl: Explanation, fn: Any, label: str) -> Explanation:
    changes: dict[str, Any] = {"values": fn(expl.values)}
    if isinstance(expl.base_value, xr.DataArray) and "class" in expl.base_value.dims:
        changes["base_value"] = None if label == AGGREGATE else _to_float(fn(expl.base_value))
    if expl.error is not None:
        changes["error"] = None if label == AGGREGATE else fn(expl.error)
    changes["output_name"] = _output_name(expl.output_name, label)
    return replace(expl, **changes)


def _output_name(name: str | None, label: str) -> str:
    """``"probability(each of 3 classes)"`` -> ``"probability(setosa)"`` or the aggregate."""
    what = (name or "value").split("(each of", 1)[0].strip() or "value"
    if label == AGGREGATE:
        return f"{what}, {AGGREGATE}"
    return f"{what}({label.removeprefix('class ')})"


def _to_float(arr: xr.DataArray) -> Any:
    return float(arr) if arr.ndim == 0 else arr


def _reduce(item: Item, fn: Any, label: str) -> Item:
    if isinstance(item, Explanation):
        return _reduce_explanation(item, fn, label)
    if not isinstance(item, StabilityResult):
        raise TypeError(f"expected an Explanation or StabilityResult, got {type(item).__name__}")
    extras = {k: _reduce(v, fn, label) if has_classes(v) else v for k, v in item.extras.items()}
    return replace(
        item,
        replicates=_reduce_explanation(item.replicates, fn, label),
        reference=_reduce_explanation(item.reference, fn, label),
        extras=extras,
    )


def select_class(item: Item, class_: Any) -> Item:
    """The result for one class: the ``"class"`` dim dropped at ``class_``.

    Raises
    ------
    ValueError
        When ``item`` has no class dim, or ``class_`` is not one of its classes.
    """
    if not has_classes(item):
        raise ValueError("class_ selects a class, but this result has no 'class' dim")
    label = _label(item, class_)
    return _reduce(item, lambda a: a.sel({"class": label}, drop=True), f"class {label}")


def aggregate_classes(item: Item) -> Item:
    """The mean of ``|value|`` over classes (no sign: see the module docs)."""
    if not has_classes(item):
        raise ValueError("aggregate_classes needs a result with a 'class' dim")
    return _reduce(item, lambda a: np.abs(a).mean("class"), AGGREGATE)


def reduce_classes(
    items: Mapping[str, Any] | Sequence[Any], class_: Any = None
) -> Mapping[str, Any] | list[Any]:
    """Each multiclass item reduced to one class (``class_``) or to the aggregate."""

    def one(item: Any) -> Any:
        if not has_classes(item):
            return item
        return aggregate_classes(item) if class_ is None else select_class(item, class_)

    if isinstance(items, Mapping):
        return {k: one(v) for k, v in items.items()}
    if isinstance(items, Sequence) and not isinstance(items, str | bytes):
        return [one(v) for v in items]
    return items


def per_class_summary(result: StabilityResult, level: float) -> pd.DataFrame:
    """One feature summary per class, then the aggregate: indexed by ``(class, feature)``."""
    tables = []
    for label in [*class_labels(result), AGGREGATE]:
        reduced = aggregate_classes(result) if label == AGGREGATE else select_class(result, label)
        table = reduced.summary(level)
        if "feature" in table.columns:
            table = table.set_index("feature")
        tables.append(table.assign(**{"class": label}).set_index("class", append=True))
    out = pd.concat(tables)
    return out.reorder_levels(["class", *[n for n in out.index.names if n != "class"]])
