"""No text of a report collides, and nothing leaves the page: checked in headless Chromium.

Three reports are opened at two window widths: the demo's (``interpkit demo``),
one with many results (long feature names, a 30-feature lasso, stability and
its null control, local explanations, an EBM with shape functions and its
bootstrap bands, a three-method comparison) and the multi-method report of
``interpkit explain`` on a 30-feature table.
With the boxes the browser computed (``getBoundingClientRect``):

* in every plotly figure no two SVG labels overlap and none leaves its figure
  (:mod:`tests._overlap`);
* no two blocks of the page (headings, paragraphs, lists, figures, captions,
  tables) overlap;
* nothing is wider than the page's column: a table that does not fit sits in
  a box that scrolls (``.table-wrap.scroll``), anything else must fit.

The checks are themselves tested on planted faults (two labels drawn on top of
each other, a block pulled over another, a table too wide for the page), so a
check that cannot fail would fail here. Skips when Chromium, chromedriver or
selenium is missing.
"""

from __future__ import annotations

import re
import shutil
import time

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import interpkit
from interpkit.report import Report
from tests._browser import chromium
from tests._overlap import TEXT_BOXES_JS, outside, overlaps

pytest.importorskip("glmnet")
pytest.importorskip("interpret")  # the EBM results
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

WIDTHS = (1280, 820)  # a laptop window and a narrow one (half a screen)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="Debian chromium and chromium-driver are not installed",
    ),
]

# the blocks of the page and whether any leaves the column of <main> (or of <footer>)
LAYOUT_JS = r"""
const TOL = 1.0;
const out = {overlaps: [], overflows: [], n_blocks: 0};
function label(el) {
  const cls = (el.getAttribute('class') || '').trim();
  const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
  return el.tagName.toLowerCase() + (cls ? '.' + cls.split(/\s+/).join('.') : '') +
    (el.id ? '#' + el.id : '') + ' "' + text + '"';
}
function inScrollBox(el) {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const ox = getComputedStyle(p).overflowX;
    if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') return p;
  }
  return null;
}
const BLOCKS = 'main > *, footer > *, figure > *, figure.table .table-wrap > table, ' +
  'li, details > *';
// the part of an element one sees: its box cut by every ancestor that clips (a scroll box)
function visible(el) {
  const r = el.getBoundingClientRect();
  let box = {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  for (let p = el.parentElement; p; p = p.parentElement) {
    const cs = getComputedStyle(p);
    if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
    const c = p.getBoundingClientRect();
    box = {left: Math.max(box.left, c.left), right: Math.min(box.right, c.right),
           top: Math.max(box.top, c.top), bottom: Math.min(box.bottom, c.bottom)};
  }
  return box;
}
const blocks = Array.from(document.querySelectorAll(BLOCKS)).filter(function (el) {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
});
out.n_blocks = blocks.length;
const boxes = blocks.map(visible);
for (let i = 0; i < blocks.length; i++) {
  const a = blocks[i], ra = boxes[i];
  for (let j = i + 1; j < blocks.length; j++) {
    const b = blocks[j];
    if (a.contains(b) || b.contains(a)) continue;
    const rb = boxes[j];
    const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (w > TOL && h > TOL) {
      out.overlaps.push(label(a) + ' overlaps ' + label(b) + ' by ' +
        Math.round(w) + 'x' + Math.round(h) + 'px');
    }
  }
}
['main', 'footer'].forEach(function (sel) {
  const col = document.querySelector(sel);
  if (!col) return;
  const cs = getComputedStyle(col), r = col.getBoundingClientRect();
  const left = r.left + parseFloat(cs.paddingLeft), right = r.right - parseFloat(cs.paddingRight);
  col.querySelectorAll('*').forEach(function (el) {
    if (el.closest('.plotly-graph-div') && !el.matches('.plotly-graph-div, svg.main-svg')) return;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return;
    const clip = inScrollBox(el);
    if (clip && clip !== col && col.contains(clip)) {
      // clipped by a box that scrolls: fine where the box is meant to scroll
      if (clip.matches('.table-wrap.scroll')) return;
      if (clip.scrollWidth > clip.clientWidth + TOL) {
        out.overflows.push(label(clip) + ' needs a horizontal scroll bar: ' +
          clip.scrollWidth + 'px of content in ' + clip.clientWidth + 'px');
      }
      return;
    }
    const over = Math.max(left - box.left, box.right - right);
    if (over > TOL) {
      out.overflows.push(label(el) + ' leaves the ' + sel + ' column by ' + Math.round(over) +
        'px');
    }
  });
});
out.overflows = Array.from(new Set(out.overflows));
return out;
"""

LONG = [
    "serum_low_density_lipoprotein_cholesterol_mg_per_dl",
    "systolic blood pressure at the second visit (mmHg)",
    "body_mass_index",
    "age in years at enrolment",
    "number of cigarettes smoked per day, self-reported",
    "fasting_plasma_glucose_mmol_per_l",
]


def _table(n: int, p: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    names = LONG + [f"biomarker_{i:02d}_concentration_log" for i in range(p - len(LONG))]
    X = pd.DataFrame(rng.normal(size=(n, p)), columns=names)
    y = 2 * X[LONG[0]] - 1.5 * X[LONG[1]] + np.sin(2 * X[LONG[2]]) + rng.normal(size=n)
    return X, y.rename("outcome")


def _many_results_report() -> Report:
    """One of everything Report.add shows, with long names."""
    X, y = _table(120, 30)
    kw = {"n_boot": 4, "random_state": 0, "progress": False}
    lasso = interpkit.LassoExplainer(cv=5, random_state=0)
    ridge = interpkit.RidgeExplainer(cv=5, random_state=0)
    ebm = interpkit.EBMExplainer(interactions=0, outer_bags=2, max_rounds=300, random_state=0)
    Xe = X.iloc[:, :8]
    lasso_stab = lasso.stability(X, y, **kw)
    ridge_stab = ridge.stability(X, y, **kw)
    enet_stab = interpkit.ElasticNetExplainer(alpha=0.5, cv=5, random_state=0).stability(X, y, **kw)
    fitted = lasso.fit(X, y)
    ebm_fit = ebm.fit(Xe, y)
    long_table = lasso_stab.summary().reset_index()
    wide_table = pd.DataFrame(
        np.random.default_rng(1).normal(size=(4, 14)),
        columns=[f"{name[:24]} ({i})" for i, name in enumerate(LONG * 3)][:14],
    )
    return (
        Report(
            "A report with many results and long feature names, to check that nothing collides",
            subtitle="120 rows, 30 features with long names; target outcome",
        )
        .add_text("Which measures go with a high outcome? " * 6)
        .add_heading("Lasso")
        .add(fitted.explain(), title="Lasso coefficients at lambda_1se")
        .add(fitted.path())
        .add(fitted.cv_curve())
        .add(fitted.explain(X.iloc[:30]), title="Lasso, 30 explained rows")
        .add(lasso_stab)
        .add(lasso.null_control(X, y, n_permutations=4, random_state=0))
        .add_heading("EBM")
        .add(ebm_fit.explain(), title="EBM term importance")
        .add(ebm_fit.shape_functions(), title="EBM shape functions")
        .add(ebm.stability(Xe, y, n_boot=3, random_state=0, progress=False))
        .add_heading("Do the methods agree?")
        .add(interpkit.compare({"lasso": lasso_stab, "ridge": ridge_stab, "enet": enet_stab}))
        .add_heading("Tables")
        .add_table(long_table, caption="A long table: it scrolls and sorts.")
        .add_table(wide_table, caption="A wide table with long column names.")
        .add_list([f"{name}: one of the features" for name in LONG])
    )


def _analysis_report() -> Report:
    """The multi-method report of ``interpkit explain`` on a 30-feature table."""
    from interpkit.cli_defaults import method_params
    from interpkit.report import analysis_report

    X, y = _table(100, 30, seed=1)
    methods = ["lasso", "ebm", "mdi-rf", "permutation-rf"]
    params = {m: method_params(m, *X.shape) for m in methods}
    params["ebm"] = {**params["ebm"], "outer_bags": 2, "max_rounds": 300}
    return analysis_report(
        X, y, methods=methods, n_boot=3, holdout=20, seed=0, n_jobs=1, progress=False,
        method_params=params,
    )  # fmt: skip


def _driver(profile):
    return chromium(profile, extra_flags=("--hide-scrollbars",))


def _open(driver, path, width: int) -> None:
    driver.set_window_size(width, 1000)
    driver.get(path.resolve().as_uri())
    # plotly draws after load; wait until every figure has its SVG (or give up after 30 s)
    deadline = time.time() + 30
    while time.time() < deadline and not driver.execute_script(
        "const g = document.querySelectorAll('.plotly-graph-div');"
        "return Array.from(g).every(d => d.querySelector('svg.main-svg .xtick, "
        "svg.main-svg .ytick, svg.main-svg text'));"
    ):
        time.sleep(0.2)
    time.sleep(0.3)  # responsive figures settle on the window's width


def _faults(driver) -> list[str]:
    """Every overlap and overflow on the open page, in words."""
    faults = []
    for fig in driver.execute_script(TEXT_BOXES_JS):
        faults += [f"{fig['id']} ({fig['title']}): {m}" for m in overlaps(fig) + outside(fig)]
    layout = driver.execute_script(LAYOUT_JS)
    assert layout["n_blocks"] > 0
    return faults + layout["overlaps"] + layout["overflows"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("overlap")
    from interpkit.cli import main

    demo = folder / "demo.html"  # the demo itself, as `interpkit demo` writes it
    argv = ["demo", "--n-boot", "10", "--out", str(demo), "--no-progress", "--n-jobs", "1"]
    assert main(argv) == 0
    return {
        "demo": demo,
        "many results": _many_results_report().write(folder / "many.html"),
        "interpkit explain": _analysis_report().write(folder / "analysis.html"),
    }


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = _driver(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["demo", "many results", "interpkit explain"])
def test_nothing_overlaps_or_overflows(browser, reports, name, width):
    _open(browser, reports[name], width)
    n_figures = browser.execute_script(
        "return document.querySelectorAll('.plotly-graph-div').length;"
    )
    assert n_figures >= 10  # the reports are the busy ones they are meant to be
    assert _faults(browser) == []


# -- the checks fail on planted faults ---------------------------------------------------
def _planted_report() -> Report:
    fig = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    fig.add_annotation(x=1, y="a", text="first label", showarrow=False)
    fig.add_annotation(x=1, y="a", text="second label", showarrow=False, yshift=3)
    fig.add_annotation(x=1.5, y="b", text="a label far outside", showarrow=False, xshift=2000)
    # numbers do not wrap: 40 columns of them cannot fit unless the table scrolls
    wide = pd.DataFrame(np.full((1, 40), 123456.789), columns=[f"c{i}" for i in range(40)])
    rep = Report("Planted faults").add_figure(fig, caption="two labels on top of each other")
    rep.add_table(wide, caption="a table far wider than the page", scroll=False)
    rep._blocks.append('<div style="width:3000px">a block far wider than the page</div>')
    rep._blocks.append('<p style="margin-top:-40px">pulled over the block above</p>')
    return rep


def test_checks_find_planted_faults(browser, tmp_path):
    path = _planted_report().write(tmp_path / "planted.html")
    _open(browser, path, 1280)
    faults = _faults(browser)
    text = "\n".join(faults)
    assert re.search(r"'first label' \[annotation-text[^]]*\] overlaps 'second label'", text)
    assert re.search(r"'a label far outside' \[annotation-text[^]]*\] leaves the figure", text)
    assert "needs a horizontal scroll bar" in text  # the wide table in its wrapper
    assert 'div "a block far wider than the page" leaves the main column' in text
    assert any("overlaps" in f and "pulled over the block above" in f for f in faults)


def test_checks_pass_a_clean_page(browser, tmp_path):
    fig = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    rep = Report("Clean").add_figure(fig, caption="a bar chart").add_text("A paragraph.")
    rep.add_table(pd.DataFrame({"a": [1.0, 2.0]}), caption="a small table")
    _open(browser, rep.write(tmp_path / "clean.html"), 1280)
    assert _faults(browser) == []


def test_reports_sharing_plotlyjs_in_their_folder_draw(browser, tmp_path):
    """``write(path, plotlyjs="directory")``: the page loads the shared file and draws."""
    fig = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    for name in ("a", "b"):
        Report(name).add_figure(fig).write(tmp_path / f"{name}.html", plotlyjs="directory")
    assert len(list(tmp_path.glob("plotly-*.min.js"))) == 1
    for name in ("a", "b"):
        _open(browser, tmp_path / f"{name}.html", 1280)
        drawn = browser.execute_script(
            "return typeof Plotly === 'object' && !!document.querySelector('svg.main-svg .ytick');"
        )
        assert drawn
