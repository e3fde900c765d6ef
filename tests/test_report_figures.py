"""Figures fitted to the report's column (interpkit.report.figures), without a browser."""

from __future__ import annotations

import plotly.graph_objects as go

from interpkit.report import Report
from interpkit.report.figures import SUBTITLE_CHARS, TITLE_CHARS, fit_to_column, wrap_title


def test_wrap_title_breaks_long_lines_at_separators():
    sub = "; ".join(f"part {i} of a long subtitle" for i in range(8))  # 8 x 25 characters
    text, added = wrap_title(f"Short title<br><sup>{sub}</sup>")
    lines = text.split("<br>")
    assert lines[0] == "Short title" and added == len(lines) - 2 >= 2
    inner = [line.removeprefix("<sup>").removesuffix("</sup>") for line in lines[1:]]
    assert all(line.startswith("<sup>") and line.endswith("</sup>") for line in lines[1:])
    assert all(len(line) <= SUBTITLE_CHARS for line in inner)
    assert " ".join(inner) == sub  # nothing lost: broken after "; ", which ends a line


def test_wrap_title_leaves_short_titles_and_markup_alone():
    assert wrap_title("A title<br><sup>a note</sup>") == ("A title<br><sup>a note</sup>", 0)
    bold = "<b>" + "word " * 30 + "</b>"
    assert wrap_title(bold) == (bold, 0)
    long_title, added = wrap_title("word " * 30)
    assert added == 2 and all(len(x) <= TITLE_CHARS for x in long_title.split("<br>"))


def test_fit_to_column_turns_a_fixed_width_into_a_maximum():
    fig = go.Figure(layout={"width": 540, "height": 300, "title": {"text": "x " * 60}})
    out, max_width = fit_to_column(fig)
    assert max_width == 540 and out.layout.width is None and out.layout.height == 300
    assert out.layout.margin.t == 100 + 18  # one more title line: the margin grows by it
    assert fig.layout.width == 540 and fig.layout.title.text == "x " * 60  # not changed
    page = Report("r").add_figure(fig).to_html()
    assert '<figure class="plot" style="max-width: 554px">' in page
    assert '"width":540' not in page.replace(" ", "")


def test_figure_without_width_fills_the_column():
    out, max_width = fit_to_column(go.Figure(layout={"title": {"text": "short"}}))
    assert max_width is None and out.layout.margin.t is None
    assert '<figure class="plot">' in Report("r").add_figure(go.Figure()).to_html()
