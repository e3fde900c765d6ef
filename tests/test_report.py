"""interpkit.report: one self-contained, offline HTML file that renders in a real browser."""

import datetime as dt
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

import interpkit
from interpkit.report import Report

CHROMIUM = "/usr/bin/chromium"


def small_figure(title="A figure"):
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="line"))
    fig.update_layout(title=title, height=320)
    return fig


@pytest.fixture(scope="module")
def report_path(tmp_path_factory):
    table = pd.DataFrame(
        {"feature": ["age", "bmi <risk>"], "coef": [0.123456789, -12345.678], "n": [3, 40]}
    )
    rep = (
        Report("Test <report>", subtitle="a subtitle")
        .add_heading("First")
        .add_text("One & two.\n\nSecond <b>paragraph</b>.")
        .add_figure(small_figure("Figure one"), caption="caption one")
        .add_heading("Second")
        .add_table(table, caption="table caption")
        .add_list(["item <1>", "item 2"])
        .add_heading("Third")
        .add_figure(small_figure("Figure two"))
    )
    return rep.write(tmp_path_factory.mktemp("report") / "report.html")


@pytest.fixture(scope="module")
def page(report_path):
    return report_path.read_text(encoding="utf-8")


def test_write_returns_the_path(report_path):
    assert isinstance(report_path, Path) and report_path.is_file()


def test_plotlyjs_embedded_exactly_once(page):
    js = get_plotlyjs()
    assert page.count(js) == 1
    assert page.index(js) < page.index("</head>")  # loaded before the figures run
    assert page.count("Plotly.newPlot(") == 2


def test_no_external_references(page):
    assert not re.search(r"""src\s*=\s*["']?\s*(https?:)?//""", page)
    assert "<link" not in page
    assert "mathjax" not in page.lower().replace(get_plotlyjs().lower(), "")
    # outside the plotly.js bundle (which mentions URLs in attribution strings) no URL at all
    rest = page.replace(get_plotlyjs(), "")
    assert "http://" not in rest and "https://" not in rest


def test_content_is_escaped_and_present(page):
    assert "<title>Test &lt;report&gt;</title>" in page
    assert "<p>One &amp; two.</p>" in page
    assert "<p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>" in page
    assert "<li>item &lt;1&gt;</li>" in page
    assert "bmi &lt;risk&gt;" in page
    assert "caption one" in page and "table caption" in page
    assert page.count('class="plotly-graph-div"') == 2
    # contents list, with working anchors
    for anchor in ("first", "second", "third"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page


def test_table_numbers_are_formatted(page):
    assert ">0.1235<" in page
    assert ">-1.235e+04<" in page
    assert ">40<" in page
    assert 'class="num"' in page


def test_footer_has_version_and_date(page):
    footer = page[page.index("<footer>") :]
    assert f"interpkit {interpkit.__version__}" in footer
    assert dt.date.today().isoformat() in footer


def test_format_rules():
    rep = Report("t").add_table(
        pd.DataFrame({"x": [np.nan, 2.0, 1e-7], "ok": [True, False, True]}, index=["a", "b", "c"])
    )
    html = rep.to_html()
    assert ">–<" in html and ">2<" in html and ">1e-07<" in html and ">yes<" in html
    assert "<th>a</th>" in html  # a non-default index is shown
    assert get_plotlyjs()[:200] not in html  # no figure, no plotly.js
    with pytest.raises(TypeError, match="DataFrame"):
        Report("t").add_table([1, 2])
    with pytest.raises(TypeError, match="plotly Figure"):
        Report("t").add_figure("not a figure")
    with pytest.raises(ValueError, match="level"):
        Report("t").add_heading("x", level=5)


def test_duplicate_headings_get_unique_anchors():
    html = Report("t").add_heading("Lasso").add_heading("Lasso").to_html()
    assert 'id="lasso"' in html and 'id="lasso-2"' in html


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")
def test_renders_offline_in_headless_chromium(report_path, tmp_path):
    """Open the report with the network cut off; plotly must draw both figures."""
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        # no network at all: every host fails to resolve, every proxy connection fails
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--window-size=1200,2000",
        "--virtual-time-budget=10000",
        "--dump-dom",
        report_path.resolve().as_uri(),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    dom = out.stdout
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'class="main-svg"' in dom
    # each figure drew its own SVG with its title
    assert dom.count('class="plot-container plotly"') == 2
    assert "Figure one" in dom and "Figure two" in dom


@pytest.fixture(scope="module")
def results():
    pytest.importorskip("glmnet")
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(60, 4)), columns=["a", "b", "c", "d"])
    y = 2 * X["a"] + rng.normal(size=60)
    kw = {"n_boot": 6, "random_state": 7, "progress": False}
    lasso = interpkit.LassoExplainer(cv=5, random_state=0)
    stab = lasso.stability(X, y, X_explain=X.iloc[:2], **kw)
    ridge = interpkit.RidgeExplainer(cv=5, random_state=0).stability(X, y, **kw)
    return {"X": X, "y": y, "fitted": lasso.fit(X, y), "lasso": stab, "ridge": ridge}


def test_add_shows_standard_figures_and_tables(results):
    fitted = results["fitted"]
    cases = [
        (fitted.explain(), 1, 1),  # importance bar + values
        (fitted.explain(results["X"].iloc[:3]), 1, 1),  # waterfall + mean |value|
        (fitted.path(), 1, 0),
        (fitted.cv_curve(), 1, 0),
        (results["ridge"], 1, 1),  # stability plot + summary
        # two methods: no one-number heatmap; bump chart + intervals, agreement + side by side
        (interpkit.compare({"l": results["lasso"], "r": results["ridge"]}), 2, 2),
    ]
    for obj, n_fig, n_tab in cases:
        page = Report("t").add(obj).to_html()
        assert page.count('class="plotly-graph-div"') == n_fig, obj
        assert page.count('<table class="data">') == n_tab, obj
    # a stability result's extras (here the local explanations) come along
    page = Report("t").add(results["lasso"], title="Lasso").to_html()
    assert "Lasso: local" in page


def test_provenance_footer_has_versions_params_and_seeds(results):
    page = Report("t").add(results["lasso"], title="Lasso run").to_html()
    footer = page[page.index("<footer>") :]
    seeds = results["lasso"].replicate_info["seed"].tolist()
    assert "<details" in footer and "Lasso run" in footer
    assert str(seeds[0]) in footer and "6 replicate seeds" in footer
    assert "&quot;random_state&quot;: 7" in footer  # the stability run's seed
    assert "python-glmnet" in footer and "bootstrap" in footer
    custom = Report("t").add_provenance("split", {"seed": 3}).to_html()
    assert "split" in custom and "seed: 3" in custom


def test_add_accepts_objects_that_know_how_to_show_themselves():
    class Custom:
        def _add_to_report_(self, report, title):
            report.add_text(f"custom {title}")

    assert "<p>custom hello</p>" in Report("t").add(Custom(), title="hello").to_html()
    with pytest.raises(TypeError, match="Report.add\\(\\) takes an Explanation"):
        Report("t").add(pd.DataFrame({"a": [1]}))


def test_register_view_for_new_dims():
    import xarray as xr

    from interpkit.report.views import _EXPLANATION_VIEWS, register_view

    expl = interpkit.Explanation(
        xr.DataArray(np.zeros((2, 3)), dims=("layer", "unit")), method="acts", backend="x"
    )
    generic = Report("t").add(expl).to_html()
    assert '<table class="data">' in generic  # falls back to a table
    register_view(("layer", "unit"), lambda rep, e, title: rep.add_text(f"units of {title}"))
    try:
        assert "<p>units of acts (x)</p>" in Report("t").add(expl).to_html()
    finally:
        del _EXPLANATION_VIEWS[("layer", "unit")]


def test_multiindex_columns_are_flattened_and_save_is_write(tmp_path):
    table = pd.DataFrame([[1.0, 2.0]], columns=pd.MultiIndex.from_tuples([("m", "a"), ("m", "b")]))
    page = Report("t").add_table(table).to_html()
    assert ">m a<" in page and "(&#x27;m&#x27;" not in page
    assert Report("t").save(tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")


def test_ebm_shape_functions_get_one_curve_per_term_with_refit_bands():
    pytest.importorskip("interpret")
    from interpkit.datasets import load_prostate

    X, y = load_prostate(return_X_y=True)
    X = X[["lcavol", "lweight", "svi"]]
    ebm = interpkit.EBMExplainer(interactions=0, outer_bags=2, max_rounds=100, random_state=0)
    result = ebm.stability(X, y, n_boot=3, random_state=0, progress=False)
    page = Report("t").add(ebm.fit(X, y).shape_functions(), title="shapes").to_html()
    assert page.count('class="plotly-graph-div"') == 3 and "grey band" in page
    page = Report("t").add(result, title="EBM").to_html()
    # importance stability + 3 shape functions with refit bands; the term importances
    # extra equals the main result here (no pairs) and is not shown twice
    assert page.count('class="plotly-graph-div"') == 1 + 3
    assert "orange band: the pointwise 95% interval over 3 bootstrap refits" in page
