"""Figures made to fit a report's column: no fixed width wider than the page, titles that wrap.

A report's column is at most about 980 px wide and narrower in a small
window, while plotly draws a title on one line however long it is and keeps a
figure's fixed ``layout.width`` whatever the window. :func:`fit_to_column`
returns a copy of the figure that

* has no fixed width: it fills the column and shrinks with it; a figure that
  asked for a width keeps it as a *maximum* (the returned ``max_width``, put
  on the figure's container), so a small heatmap is not stretched;
* breaks every title line longer than :data:`TITLE_CHARS` (subtitles in
  ``<sup>``: :data:`SUBTITLE_CHARS`) at ``"; "``, ``", "`` or a space, and
  makes room for the added lines in the top margin.

>>> import plotly.graph_objects as go
>>> long = "A<br><sup>" + "word " * 40 + "</sup>"
>>> fig = go.Figure(layout={"width": 500, "title": {"text": long}})
>>> out, max_width = fit_to_column(fig)
>>> max_width, out.layout.width is None, out.layout.title.text.count("<br>")
(500, True, 3)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["SUBTITLE_CHARS", "TITLE_CHARS", "fit_to_column", "wrap_title"]

# characters per line that fit a 750 px figure (the column in an 820 px window)
TITLE_CHARS = 70  # 17 px title font
SUBTITLE_CHARS = 95  # <sup>, about 12 px
LINE_PX = 18  # height of one more title line


def fit_to_column(fig: go.Figure) -> tuple[go.Figure, int | None]:
    """A copy of ``fig`` that fits the report's column, and its maximum width in px (or None)."""
    import plotly.graph_objects as go

    fig = go.Figure(fig)
    max_width = int(fig.layout.width) if fig.layout.width else None
    if max_width is not None:
        fig.layout.width = None
        fig.layout.autosize = True
    title = fig.layout.title.text
    if title:
        wrapped, added = wrap_title(str(title))
        if added:
            top = fig.layout.margin.t
            if top is None:
                template = fig.layout.template
                top = template.layout.margin.t if template and template.layout.margin.t else 100
            fig.update_layout(title_text=wrapped, margin_t=int(top) + LINE_PX * added)
    return fig, max_width


def wrap_title(text: str) -> tuple[str, int]:
    """``(text, added)``: long lines of a plotly title broken with ``<br>``; ``added`` new lines."""
    out, added = [], 0
    for line in text.split("<br>"):
        sup = re.fullmatch(r"\s*<sup>(.*)</sup>\s*", line, flags=re.S)
        inner = sup.group(1) if sup else line
        width = SUBTITLE_CHARS if sup else TITLE_CHARS
        if "<" in inner:  # other markup: leave it whole rather than break a tag
            out.append(line)
            continue
        pieces = _break(inner, width)
        added += len(pieces) - 1
        out += [f"<sup>{p}</sup>" for p in pieces] if sup else pieces
    return "<br>".join(out), added


def _break(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, broken after "; ", then ", ", then a space."""
    lines: list[str] = []
    rest = text
    while len(rest) > width:
        cut = -1
        for sep in ("; ", ", ", " "):
            cut = rest.rfind(sep, 0, width + 1)
            if cut > width // 3:
                cut += len(sep.rstrip())
                break
        if cut <= 0:
            break  # one long word: leave it
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    lines.append(rest)
    return lines
