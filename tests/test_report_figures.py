"""Figures fitted to the report's column (interpkit.report.figures), without a browser."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

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


# -- how plotly.js is loaded: Report.write(path, plotlyjs=...) ------------------------------
def _two_figures(title: str) -> Report:
    return Report(title).add_figure(go.Figure(go.Bar(y=[1, 2]))).add_figure(go.Figure())


def test_plotlyjs_inline_is_the_default_and_embeds_it_once(tmp_path):
    from plotly.offline import get_plotlyjs

    path = _two_figures("inline").write(tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    assert page.count(get_plotlyjs()) == 1 and "<script charset" not in page
    assert path.stat().st_size > len(get_plotlyjs())
    assert "self-contained and works offline" in page
    assert list(tmp_path.iterdir()) == [path]  # nothing else written


def test_plotlyjs_directory_writes_one_shared_copy(tmp_path):
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    js = tmp_path / f"plotly-{get_plotlyjs_version()}.min.js"
    a = _two_figures("a").write(tmp_path / "a.html", plotlyjs="directory")
    mtime = js.stat().st_mtime_ns
    b = _two_figures("b").write(tmp_path / "b.html", plotlyjs="directory")
    assert js.read_text(encoding="utf-8") == get_plotlyjs()
    assert js.stat().st_mtime_ns == mtime  # the second report reuses the copy
    for path in (a, b):
        page = path.read_text(encoding="utf-8")
        assert f'<script charset="utf-8" src="{js.name}"></script>' in page
        assert get_plotlyjs()[:2000] not in page
        assert path.stat().st_size < 100_000  # the report without plotly.js: small
        assert "keep them together" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a.html", "b.html", js.name])


def test_plotlyjs_directory_replaces_a_damaged_copy(tmp_path):
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    js = tmp_path / f"plotly-{get_plotlyjs_version()}.min.js"
    js.write_text("truncated", encoding="utf-8")
    _two_figures("a").write(tmp_path / "a.html", plotlyjs="directory")
    assert js.read_text(encoding="utf-8") == get_plotlyjs()


def test_plotlyjs_cdn_refers_to_the_version_with_its_hash(tmp_path):
    import base64
    import hashlib

    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    page = _two_figures("cdn").write(tmp_path / "c.html", plotlyjs="cdn").read_text("utf-8")
    digest = base64.b64encode(hashlib.sha256(get_plotlyjs().encode()).digest()).decode()
    url = f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"
    assert f'src="{url}" integrity="sha256-{digest}" crossorigin="anonymous"' in page
    assert "needs a network" in page or "need a network" in page
    assert len(page) < 100_000 and len(list(tmp_path.iterdir())) == 1


def test_plotlyjs_not_needed_without_figures(tmp_path):
    rep = Report("text only").add_text("no figures")
    path = rep.write(tmp_path / "t.html", plotlyjs="directory")
    assert "<script" not in path.read_text("utf-8") and list(tmp_path.iterdir()) == [path]


def test_plotlyjs_unknown_mode_is_refused_before_writing(tmp_path):
    with pytest.raises(ValueError, match="plotlyjs must be one of 'inline', 'directory', 'cdn'"):
        _two_figures("x").write(tmp_path / "x.html", plotlyjs=True)
    with pytest.raises(ValueError, match="got 'CDN'"):
        _two_figures("x").to_html(plotlyjs="CDN")
    assert list(tmp_path.iterdir()) == []
