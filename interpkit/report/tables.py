"""HTML tables of a report: numbers rounded, long or wide tables scrollable and sortable.

A table with more than :data:`SCROLL_ROWS` rows or :data:`SCROLL_COLUMNS`
columns goes into a box of bounded height that scrolls (the header stays in
view) and sorts by any column when its header is clicked. Sorting is a few
lines of inline JavaScript (:data:`SORT_JS`, once per page, no network); each
numeric cell carries its exact value in ``data-v`` so that rounding does not
change the order. Without JavaScript the table reads as an ordinary one.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SCROLL_COLUMNS", "SCROLL_ROWS", "SORT_JS", "TABLE_CSS", "format_cell", "table_html"]

SCROLL_ROWS = 15
SCROLL_COLUMNS = 10

TABLE_CSS = """
.table-wrap { overflow-x: auto; }
table.data th, table.data td { overflow-wrap: anywhere; }
table.data td.num, table.data th.num { overflow-wrap: normal; white-space: nowrap; }
table.data tbody th { min-width: 10ch; }
.table-wrap.scroll { max-height: 460px; overflow: auto; border: 1px solid var(--line);
  border-radius: 6px; }
.table-wrap.scroll thead th { position: sticky; top: 0; z-index: 1; }
table.sortable thead th { cursor: pointer; user-select: none; white-space: nowrap; }
table.sortable thead th::after { content: " \\2195"; color: #aaa; font-size: 11px; }
table.sortable thead th[aria-sort="ascending"]::after { content: " \\2191"; color: var(--fg); }
table.sortable thead th[aria-sort="descending"]::after { content: " \\2193"; color: var(--fg); }
.table-note { color: var(--muted); font-size: 12.5px; margin: 2px 4px; }
"""

# click a header: sort by that column (numbers by data-v, text by its content); again: reverse
SORT_JS = """
document.addEventListener("click", function (ev) {
  var th = ev.target.closest("table.sortable thead th");
  if (!th) return;
  var table = th.closest("table"), body = table.tBodies[0];
  var col = Array.prototype.indexOf.call(th.parentNode.children, th);
  var asc = th.getAttribute("aria-sort") !== "ascending";
  Array.prototype.forEach.call(th.parentNode.children, function (h) {
    h.removeAttribute("aria-sort");
  });
  th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  function key(row) {
    var cell = row.children[col];
    var v = cell.getAttribute("data-v");
    return v === null ? cell.textContent : parseFloat(v);
  }
  var rows = Array.prototype.slice.call(body.rows);
  rows.sort(function (a, b) {
    var x = key(a), y = key(b);
    if (typeof x === "number" && typeof y === "number") {
      if (isNaN(x)) return 1; if (isNaN(y)) return -1;
      return asc ? x - y : y - x;
    }
    return asc ? String(x).localeCompare(String(y)) : String(y).localeCompare(String(x));
  });
  rows.forEach(function (r) { body.appendChild(r); });
});
"""


def table_html(
    table: pd.DataFrame,
    *,
    digits: int = 4,
    index: bool | None = None,
    scroll: bool | None = None,
) -> tuple[str, bool]:
    """``(html, sortable)``: the ``<table>`` (in its wrapper) and whether it sorts.

    Parameters
    ----------
    table : DataFrame
    digits : int
        Significant digits of floats.
    index : bool, optional
        Show the index; by default only when it is named or not ``0..n-1``.
    scroll : bool, optional
        Scrollable and sortable; by default when the table has more than
        ``SCROLL_ROWS`` rows or ``SCROLL_COLUMNS`` columns.
    """
    if isinstance(table.columns, pd.MultiIndex):
        # ("lasso", "rank") reads better as "lasso rank" than as a tuple
        table = table.set_axis([" ".join(map(str, c)) for c in table.columns], axis=1)
    if index is None:
        index = table.index.name is not None or not (
            isinstance(table.index, pd.RangeIndex)
            and table.index.start == 0
            and table.index.step == 1
        )
    n_cols = table.shape[1] + int(bool(index))
    if scroll is None:
        scroll = len(table) > SCROLL_ROWS or n_cols > SCROLL_COLUMNS
    numeric = [pd.api.types.is_numeric_dtype(dt) for dt in table.dtypes]
    head = []
    if index:
        head.append(f"<th>{html.escape(str(table.index.name or ''))}</th>")
    head += [
        f'<th class="{"num" if num else ""}">{html.escape(str(col))}</th>'
        for col, num in zip(table.columns, numeric, strict=True)
    ]
    rows = []
    for label, row in zip(table.index, table.itertuples(index=False), strict=True):
        cells = [f"<th>{html.escape(str(label))}</th>"] if index else []
        for value, num in zip(row, numeric, strict=True):
            text = html.escape(format_cell(value, digits))
            if num and scroll:
                cells.append(f'<td class="num" data-v="{_sort_key(value)}">{text}</td>')
            else:
                cells.append(f'<td class="num">{text}</td>' if num else f"<td>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    cls = "data sortable" if scroll else "data"
    wrap = "table-wrap scroll" if scroll else "table-wrap"
    note = (
        f'<p class="table-note">{len(table)} rows × {n_cols} columns; scroll inside the box, '
        "click a column header to sort.</p>"
        if scroll
        else ""
    )
    body = (
        f'<div class="{wrap}"><table class="{cls}">'
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"</table></div>{note}"
    )
    return body, bool(scroll)


def _sort_key(value: Any) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "NaN"
    return repr(x) if np.isfinite(x) else "NaN"


def format_cell(value: Any, digits: int) -> str:
    """A cell's text: ``digits`` significant digits, "–" for missing, yes/no for booleans."""
    if value is None:
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return "–" if np.isnan(value) else str(value)
        if value == int(value) and abs(value) < 10**digits:
            return str(int(value))
        return f"{value:.{digits}g}"
    return str(value)
