"""Self-contained offline HTML reports.

:class:`Report` collects headings, text, tables and plotly figures and writes
ONE HTML file that works without a network: plotly.js is embedded once in the
page head, figures reference it, and nothing is loaded from a URL (or, with
``write(path, plotlyjs="directory")``, one copy of plotly.js is shared by the
reports of a folder; see :mod:`interpkit.report.plotlyjs`).

>>> from interpkit.report import Report
>>> rep = Report("My analysis").add_text("Hello & welcome.")
>>> path = rep.write("analysis.html")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from interpkit.report.tables import SORT_JS, TABLE_CSS, table_html

if TYPE_CHECKING:  # plotly is imported only when a figure is added
    import plotly.graph_objects as go

__all__ = ["Report"]

_CSS = """
:root { --fg: #222; --muted: #666; --line: #e3e3e3; --accent: #4E79A7; --bg-soft: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 15px/1.55 Inter, "Helvetica Neue", Helvetica, Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 28px 16px; }
h1 { font-size: 28px; line-height: 1.25; margin: 0 0 6px; }
h2 { font-size: 21px; margin: 40px 0 10px; padding-top: 14px; border-top: 1px solid var(--line); }
h3 { font-size: 17px; margin: 26px 0 8px; }
p { margin: 8px 0; max-width: 80ch; }
ul { margin: 8px 0; padding-left: 22px; max-width: 80ch; }
li { margin: 4px 0; }
.subtitle { color: var(--muted); margin: 0 0 18px; }
nav.toc { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 18px; margin: 18px 0; font-size: 14px; }
nav.toc ol { margin: 4px 0; padding-left: 20px; }
nav.toc a { color: var(--accent); text-decoration: none; }
figure { margin: 18px 0 26px; }
figure.plot { border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
figcaption { color: var(--muted); font-size: 13.5px; margin: 6px 4px 0; max-width: 90ch; }
table.data { border-collapse: collapse; font-size: 13.5px; margin: 4px 0;
  font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 5px 12px; border-bottom: 1px solid var(--line); }
table.data thead th { border-bottom: 2px solid #bbb; text-align: left; background: var(--bg-soft); }
table.data td.num, table.data th.num { text-align: right; }
table.data tbody th { text-align: left; font-weight: 600; }
table.data tbody tr:hover { background: #fafbfd; }
footer { max-width: 1040px; margin: 40px auto 0; padding: 14px 28px 30px; color: var(--muted);
  font-size: 13px; border-top: 1px solid var(--line); }
details.provenance { margin-top: 8px; }
details.provenance ul { font-size: 12px; max-width: none; word-break: break-word; }
code { background: var(--bg-soft); padding: 1px 4px; border-radius: 3px; font-size: 90%; }
"""


class Report:
    """An offline HTML report: headings, text, tables and plotly figures.

    Every ``add_*`` method returns the report, so calls can be chained.

    Parameters
    ----------
    title : str
        Page title and top heading.
    subtitle : str, optional
        A line under the title.

    Examples
    --------
    >>> import pandas as pd
    >>> rep = Report("Demo").add_heading("Numbers").add_table(pd.DataFrame({"a": [1.23456]}))
    >>> "1.235" in rep.to_html()
    True
    """

    def __init__(self, title: str, *, subtitle: str | None = None) -> None:
        self.title = str(title)
        self.subtitle = subtitle
        self._blocks: list[str] = []
        self._headings: list[tuple[int, str, str]] = []  # (level, text, id)
        self._n_figures = 0
        self._sortable = False
        self._provenance: list[tuple[str, dict[str, Any]]] = []
        from interpkit.report.conclusions import Conclusions

        #: what the added results add up to: the "What this says" section at the top
        self.conclusions = Conclusions()

    # -- content ----------------------------------------------------------------
    def add_heading(self, text: str, level: int = 2) -> Report:
        """A section heading (``level`` 2 or 3; level-2 headings go in the contents)."""
        if level not in (2, 3):
            raise ValueError(f"heading level must be 2 or 3, got {level}")
        anchor = self._anchor(text)
        self._headings.append((level, str(text), anchor))
        self._blocks.append(f'<h{level} id="{anchor}">{html.escape(str(text))}</h{level}>')
        return self

    def add_text(self, text: str) -> Report:
        """Paragraphs of plain text (separated by blank lines); HTML is escaped."""
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
        for para in paragraphs:
            self._blocks.append(f"<p>{html.escape(' '.join(para.split()))}</p>")
        return self

    def add_list(self, items: Sequence[str]) -> Report:
        """A bulleted list of plain-text items; HTML is escaped."""
        lis = "".join(f"<li>{html.escape(str(item))}</li>" for item in items)
        self._blocks.append(f"<ul>{lis}</ul>")
        return self

    def add_figure(self, fig: go.Figure, caption: str | None = None) -> Report:
        """A plotly figure, rendered by the plotly.js embedded in the page.

        The figure fills the page's column and shrinks with the window; a
        fixed ``layout.width`` becomes its maximum width, and long title lines
        are wrapped (see :mod:`interpkit.report.figures`). ``fig`` itself is
        not changed.

        Parameters
        ----------
        fig : plotly.graph_objects.Figure
        caption : str, optional
            Plain text under the figure.
        """
        import plotly.graph_objects as go

        if not isinstance(fig, go.Figure):
            raise TypeError(f"add_figure() takes a plotly Figure, got {type(fig).__name__}")
        from interpkit.report.figures import fit_to_column

        self._n_figures += 1
        fig, max_width = fit_to_column(fig)  # a copy: the caller's figure is not changed
        height = fig.layout.height or 450
        body = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            div_id=f"ik-figure-{self._n_figures}",
            default_width="100%",
            default_height=f"{int(height)}px",
            config={"displaylogo": False, "responsive": True},
        )
        # a figure that asked for a width keeps it as a maximum (14 px: padding and border)
        style = f' style="max-width: {max_width + 14}px"' if max_width else ""
        self._blocks.append(f'<figure class="plot"{style}>{body}{_caption(caption)}</figure>')
        return self

    def add_table(
        self,
        table: pd.DataFrame,
        caption: str | None = None,
        *,
        digits: int = 4,
        index: bool | None = None,
        scroll: bool | None = None,
    ) -> Report:
        """A table with numbers rounded to ``digits`` significant digits.

        Parameters
        ----------
        table : pandas.DataFrame
        caption : str, optional
            Plain text under the table.
        digits : int, default 4
            Significant digits of floats.
        index : bool, optional
            Show the index; by default only when it is named or not a plain
            ``0..n-1`` range.
        scroll : bool, optional
            A scrollable box whose columns sort when their header is clicked;
            by default for tables of more than 15 rows or 10 columns (see
            :mod:`interpkit.report.tables`).
        """
        if isinstance(table, pd.Series):
            table = table.to_frame()
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"add_table() takes a pandas DataFrame, got {type(table).__name__}")
        body, sortable = table_html(table, digits=digits, index=index, scroll=scroll)
        self._sortable = self._sortable or sortable
        self._blocks.append(f'<figure class="table">{body}{_caption(caption)}</figure>')
        return self

    def add(self, result: Any, title: str | None = None) -> Report:
        """Add a result's standard figures and summary table.

        Parameters
        ----------
        result : Explanation, StabilityResult, Comparison, or an object with
            ``_add_to_report_(report, title)``
            What to show; see :mod:`interpkit.report.views` for what each
            kind adds (and :func:`~interpkit.report.views.register_view` to
            show a new kind of explanation). Its method, backend, versions,
            parameters and seeds go into the provenance footer.
        title : str, optional
            Caption prefix for the added figures and tables.
        """
        from interpkit.report.views import add_result

        add_result(self, result, title)
        return self

    def add_provenance(self, name: str, details: dict[str, Any]) -> Report:
        """Record provenance for the footer (e.g. a split seed or a data file)."""
        self._provenance.append((str(name), dict(details)))
        return self

    def _record_provenance(self, result: Any, title: str | None) -> None:
        from interpkit.report.views import provenance_of

        details = provenance_of(result)
        self._provenance.append((title or str(details.get("method", "result")), details))

    # -- output -------------------------------------------------------------------
    def to_html(self, plotlyjs: str = "inline") -> str:
        """The whole page as one string.

        Parameters
        ----------
        plotlyjs : {"inline", "directory", "cdn"}, default "inline"
            How the page loads plotly.js, as in :meth:`write` (``"directory"``
            only refers to the file; :meth:`write` also writes it).
        """
        from interpkit import __version__
        from interpkit.report.plotlyjs import check_plotlyjs, footer_note, plotlyjs_tag

        check_plotlyjs(plotlyjs)
        plotly_js = ""
        plotly_note = ""
        offline_note = footer_note("inline")
        if self._n_figures:
            import plotly

            plotly_js = plotlyjs_tag(plotlyjs)
            plotly_note = f", plotly {plotly.__version__}"
            offline_note = footer_note(plotlyjs)
        toc = ""
        level2 = [(text, anchor) for level, text, anchor in self._headings if level == 2]
        summary_anchor = self._anchor("What this says")
        summary = self.conclusions.to_html(summary_anchor)
        if summary:
            level2.insert(0, ("What this says", summary_anchor))
        if len(level2) >= 3:
            items = "".join(
                f'<li><a href="#{anchor}">{html.escape(text)}</a></li>' for text, anchor in level2
            )
            toc = f'<nav class="toc"><b>Contents</b><ol>{items}</ol></nav>'
        subtitle = f'<p class="subtitle">{html.escape(self.subtitle)}</p>' if self.subtitle else ""
        today = _dt.date.today().isoformat()
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="interpkit {__version__}">\n'
            f"<title>{html.escape(self.title)}</title>\n"
            f"<style>{_CSS}{TABLE_CSS}</style>\n{plotly_js}\n</head>\n<body>\n<main>\n"
            f"<h1>{html.escape(self.title)}</h1>\n{subtitle}\n{toc}\n{summary}\n"
            + "\n".join(self._blocks)
            + "\n</main>\n"
            f"<footer>Generated by interpkit {html.escape(__version__)}{plotly_note} "
            f"on {today}. {html.escape(offline_note)}"
            f"{_provenance_html(self._provenance)}</footer>\n"
            + (f"<script>{SORT_JS}</script>\n" if self._sortable else "")
            + "</body>\n</html>\n"
        )

    def write(self, path: str | Path, plotlyjs: str = "inline") -> Path:
        """Write the report to ``path`` (UTF-8) and return the path.

        Parameters
        ----------
        path : str or Path
        plotlyjs : {"inline", "directory", "cdn"}, default "inline"
            How the page loads plotly.js (about 4.8 MB, most of the file;
            see :mod:`interpkit.report.plotlyjs`). ``"inline"``: embedded,
            one file that opens with no network. ``"directory"``: the page
            refers to ``plotly-<version>.min.js`` in its folder, which is
            written there unless it already is, so several reports share one
            copy and still open offline. ``"cdn"``: loaded from cdn.plot.ly,
            which needs a network connection.

        Examples
        --------
        >>> for name in ("lasso", "ridge"):                                  # doctest: +SKIP
        ...     reports[name].write(f"out/{name}.html", plotlyjs="directory")
        """
        from interpkit.report.plotlyjs import check_plotlyjs, write_bundle

        check_plotlyjs(plotlyjs)
        path = Path(path)
        path.write_text(self.to_html(plotlyjs), encoding="utf-8")
        if plotlyjs == "directory" and self._n_figures:
            write_bundle(path.parent)
        return path

    save = write  # the name the rest of the Python world uses

    def _anchor(self, text: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "section"
        taken = {a for _, _, a in self._headings}
        anchor, i = base, 2
        while anchor in taken:
            anchor, i = f"{base}-{i}", i + 1
        return anchor


def _provenance_html(entries: list[tuple[str, dict[str, Any]]]) -> str:
    """A <details> list (readable without JavaScript) of what produced each result."""
    if not entries:
        return ""
    items = []
    for name, details in entries:
        parts = []
        for key in ("method", "backend", "seeds"):
            if details.get(key):
                parts.append(f"{key}: {details[key]}")
        for key in ("versions", "params", "stability", "items"):
            if details.get(key):
                parts.append(f"{key}: {json.dumps(details[key], default=str, sort_keys=True)}")
        extra = {k: v for k, v in details.items() if k not in _PROVENANCE_KEYS}
        parts += [f"{k}: {v}" for k, v in extra.items()]
        items.append(f"<li><b>{html.escape(name)}</b> &mdash; {html.escape('; '.join(parts))}</li>")
    return (
        '<details class="provenance"><summary>Provenance: versions, parameters and seeds '
        f"of every result ({len(entries)})</summary><ul>{''.join(items)}</ul></details>"
    )


_PROVENANCE_KEYS = ("method", "backend", "seeds", "versions", "params", "stability", "items")


def _caption(caption: str | None) -> str:
    return f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
