"""Open a report built with Report.add in headless Chromium, as a reader would.

Checks what only a browser can: no console errors, every plot drew an SVG, no
network request, and a feature named ``<script>alert(1)</script>`` is shown as
text everywhere and never runs. Skips (with the reason) only when Chromium,
chromedriver or selenium is missing.
"""

from __future__ import annotations

import json
import shutil
import time

import numpy as np
import pandas as pd
import pytest

import interpkit
from tests._browser import INTERNAL_SCHEMES, chromium

pytest.importorskip("glmnet")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

EVIL = "<script>alert(1)</script>"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="Debian chromium and chromium-driver are not installed",
    ),
]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(80, 4)), columns=["age", EVIL, "bmi", "noise"])
    y = 2 * X[EVIL] - X["age"] + rng.normal(size=80)
    kw = {"n_boot": 10, "random_state": 0, "progress": False}
    lasso = interpkit.LassoExplainer(cv=5, random_state=0)
    ridge = interpkit.RidgeExplainer(cv=5, random_state=0)
    lasso_stab = lasso.stability(X, y, **kw)
    ridge_stab = ridge.stability(X, y, **kw)
    fitted = lasso.fit(X, y)
    report = (
        interpkit.Report(f"Report about {EVIL}")
        .add_text(f"A note mentioning {EVIL} & friends.")
        .add(fitted.explain(), title=f"coefficients {EVIL}")
        .add(fitted.explain(X.iloc[:3]))
        .add(fitted.explain(X.iloc[:30]), title="30 rows")  # waterfall and beeswarm
        .add(lasso_stab, title="lasso stability")
        .add(lasso.null_control(X, y, n_permutations=10, random_state=0), title="null control")
        .add(interpkit.compare({"lasso": lasso_stab, EVIL: ridge_stab}))
    )
    return report.save(tmp_path_factory.mktemp("browser") / "report.html")


@pytest.fixture(scope="module")
def browser(report_file, tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("profile"), logs=True)
    driver.get(report_file.resolve().as_uri())
    # plotly draws after load; wait until every figure has its SVG (or give up after 20 s)
    deadline = time.time() + 20
    while time.time() < deadline and not _all_plots_drawn(driver):
        time.sleep(0.2)
    yield driver
    driver.quit()


def _all_plots_drawn(driver) -> bool:
    return driver.execute_script(
        "const g = document.querySelectorAll('.plotly-graph-div');"
        "return g.length > 0 && Array.from(g).every(d => d.querySelector('svg.main-svg'));"
    )


def test_every_plot_rendered_an_svg(browser):
    n_divs = browser.execute_script("return document.querySelectorAll('.plotly-graph-div').length")
    # 4 for the explanations, 2 stability results, 2 comparison plots (two methods: their
    # agreement is one number, given in the table, not a heatmap)
    assert n_divs == 8
    assert _all_plots_drawn(browser)


def test_no_console_errors(browser):
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []


def test_no_network_request(browser, report_file):
    events = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    urls = {
        e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
    }
    assert report_file.resolve().as_uri() in urls
    # the page itself and the browser's own chrome:// pages; nothing from a network
    # (plotly.js is inline, no fonts, images or scripts are fetched)
    outside = [u for u in urls if not u.startswith(("file://", *INTERNAL_SCHEMES))]
    assert outside == []
    assert [u for u in urls if u.startswith("file://")] == [report_file.resolve().as_uri()]


def test_script_named_feature_is_text_and_did_not_run(browser):
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    # the only <script> elements are ours: plotly.js and one per figure
    scripts = browser.execute_script("return Array.from(document.scripts).map(s => s.textContent)")
    assert not any(s.strip() == "alert(1)" for s in scripts)
    texts = browser.execute_script(
        "return {title: document.title, h1: document.querySelector('h1').textContent,"
        " cells: Array.from(document.querySelectorAll('th, td, p, figcaption'))"
        "   .map(e => e.textContent),"
        " svg: Array.from(document.querySelectorAll('svg text')).map(t => t.textContent)}"
    )
    assert texts["title"] == texts["h1"] == f"Report about {EVIL}"
    assert sum(EVIL in c for c in texts["cells"]) >= 5  # tables, captions, the note
    assert sum(EVIL in t for t in texts["svg"]) >= 3  # axis labels and legends in the plots


def test_text_and_tables_readable_without_javascript(report_file, tmp_path):
    """With JavaScript off the text, tables and provenance are still there."""
    driver = chromium(tmp_path / "profile", javascript=False)
    try:
        driver.get(report_file.resolve().as_uri())
        body = driver.find_element("tag name", "body").text
        assert "A note mentioning" in body and "full-data fit" in body
        assert "Provenance" in body
        assert not driver.find_elements("css selector", "svg.main-svg")  # plotly did not run
    finally:
        driver.quit()
