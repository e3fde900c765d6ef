"""Report views of multiclass results (a ``"class"`` dim), registered on import.

An explanation shows one panel per class and a feature x class table with the
mean ``|value|`` over classes beside it; a stability result shows the
aggregate's intervals and one summary table per class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from interpkit.classes import AGGREGATE, aggregate_classes, class_labels, select_class
from interpkit.explanation import Explanation
from interpkit.report.views import (
    BEESWARM_MIN_ROWS,
    MAX_TABLE_ROWS,
    _top_rows,
    register_view,
    stability_table,
)
from interpkit.stability import StabilityResult

if TYPE_CHECKING:
    from interpkit.report.html import Report

__all__ = ["class_table"]

MAX_CLASS_TABLES = 10


def class_table(expl: Explanation) -> pd.DataFrame:
    """Features x classes (mean ``|value|`` over rows for local values), plus the aggregate."""
    values = expl.values
    if "sample" in values.dims:
        values = abs(values).mean("sample")
    table = values.transpose("feature", "class").to_pandas()
    table.columns = [str(c) for c in table.columns]
    table[AGGREGATE] = table.abs().mean(axis=1)
    table.index.name = "feature"
    return table.sort_values(AGGREGATE, ascending=False)


def _global_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit import plots

    report.add_figure(plots.importance(expl, top=MAX_TABLE_ROWS), caption=f"{title}: per class")
    report.add_table(_top_rows(class_table(expl)), caption=f"{title}: per class and {AGGREGATE}")


def _local_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit import plots

    n = expl.values.sizes["sample"]
    if expl.data is not None and n >= BEESWARM_MIN_ROWS:
        report.add_figure(plots.beeswarm(expl), caption=f"{title}: every row, one panel per class")
    report.add_table(
        _top_rows(class_table(expl)),
        caption=f"{title}: mean |value| over {n} rows, per class and {AGGREGATE}",
    )


def _stability_view(report: Report, result: StabilityResult, title: str) -> None:
    from interpkit import plots

    report.add_figure(plots.stability(result, top=MAX_TABLE_ROWS), caption=f"{title}: {AGGREGATE}")
    report.add_table(
        _top_rows(stability_table(aggregate_classes(result))), caption=f"{title}: {AGGREGATE}"
    )
    for label in class_labels(result)[:MAX_CLASS_TABLES]:
        table = stability_table(select_class(result, label))
        report.add_table(_top_rows(table), caption=f"{title}: class {label}")


register_view(("feature", "class"), _global_view)
register_view(("sample", "feature", "class"), _local_view)
register_view(("feature", "class"), _stability_view, stability=True)


def _path_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit import plots

    report.add_figure(plots.path(expl), caption=f"{title}: one panel per class")


register_view(("lambda", "feature", "class"), _path_view)  # a multinomial glmnet path
