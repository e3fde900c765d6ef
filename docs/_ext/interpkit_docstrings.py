"""Read interpkit's plain-text docstrings as reStructuredText.

interpkit's docstrings write math as plain text (``|x - x'|``, ``|SHAP|``), which
reST would read as substitution references, and their simple tables grow rows
longer than the first column. ``autodoc-process-docstring`` (and the gallery's
staging) pass them through :func:`to_rst`: bars outside literals become ``\\|``
and simple tables are realigned to their widest cell.
"""

from __future__ import annotations

import re
from typing import Any

_LITERAL = re.compile(r"(``.*?``|`[^`]*`_?|:[a-z:]+:`[^`]*`)")
_BORDER = re.compile(r"^(\s*)(=+)((?:\s+=+)+)\s*$")


def _escape_bars(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(("|", "+")) or "|" not in line:
        return line  # a grid table or line block, or nothing to do
    parts = _LITERAL.split(line)
    return "".join(p if i % 2 else re.sub(r"(?<!\\)\|", r"\\|", p) for i, p in enumerate(parts))


def _realign_tables(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _BORDER.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent = m.group(1)
        n_cols = len(lines[i].split())
        j = i + 1
        block = [lines[i]]
        borders = 1
        while j < len(lines) and lines[j].strip() and borders < 3:
            block.append(lines[j])
            borders += bool(_BORDER.match(lines[j]))
            j += 1
        rows = [
            None if _BORDER.match(b) else re.split(r"\s{2,}", b.strip(), maxsplit=n_cols - 1)
            for b in block
        ]
        widths = [0] * n_cols
        for row in rows:
            for k, cell in enumerate(row or []):
                widths[k] = max(widths[k], len(cell))
        for row in rows:
            if row is None:
                out.append(indent + "  ".join("=" * w for w in widths))
            else:
                cells = [*row, *[""] * (n_cols - len(row))]
                out.append(
                    (
                        indent + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
                    ).rstrip()
                )
        i = j
    return out


def to_rst(lines: list[str]) -> list[str]:
    """The docstring's lines with bars escaped and simple tables realigned."""
    return _realign_tables([_escape_bars(line) for line in lines])


def process_docstring(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """``autodoc-process-docstring`` handler: rewrite ``lines`` in place."""
    lines[:] = to_rst(lines)


def skip_member(app: Any, what: str, name: str, obj: Any, skip: bool, options: Any) -> Any:
    """Leave out scikit-learn's metadata-routing methods (``set_*_request`` and its getter)."""
    if (name.startswith("set_") and name.endswith("_request")) or name == "get_metadata_routing":
        return True
    return None


def setup(app: Any) -> dict[str, Any]:
    app.connect("autodoc-process-docstring", process_docstring)
    app.connect("autodoc-skip-member", skip_member)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
