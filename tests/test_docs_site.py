"""Open the built documentation site in headless Chromium, as a reader would.

The home page, one gallery page and one API page must render with no console
error and no request outside the site's own folder (plotly.js, fonts, search
index: all local), every gallery figure must draw its SVG, and the search page
must find a term offline.

The site is built by ``cd docs && python -m sphinx -W -b html . _build/html``.
Without a build the tests skip; with ``INTERPKIT_DOCS_REQUIRE_SITE=1`` (set by
``.ci/run`` after building) a missing site is a failure. Without Chromium the
browser tests skip, and the file checks (a page per example, no remote
``src``/``href``) still run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests._browser import INTERNAL_SCHEMES, chromium

SITE = Path(__file__).resolve().parents[1] / "docs" / "_build" / "html"
REQUIRE = os.environ.get("INTERPKIT_DOCS_REQUIRE_SITE") == "1"
GALLERY_PAGE = "auto_examples/gp_kernels.html"
API_PAGE = "api/generated/interpkit.LassoExplainer.html"


def _browser_missing() -> str | None:
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return "Debian chromium and chromium-driver are not installed"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        reason = f"the documentation site is not built ({SITE / 'index.html'} is missing)"
        if REQUIRE:
            pytest.fail(f"INTERPKIT_DOCS_REQUIRE_SITE=1 but {reason}")
        pytest.skip(reason)
    return SITE


@pytest.fixture(scope="module")
def driver(site, tmp_path_factory):
    reason = _browser_missing()
    if reason:
        pytest.skip(reason)
    drv = chromium(tmp_path_factory.mktemp("profile"), logs=True)
    yield drv
    drv.quit()


def test_every_example_has_its_page_and_nothing_is_fetched(site):
    """Without a browser: each example ran into a page; no page loads anything from a network."""
    from tests.example_scripts import NOT_EXECUTED, SMALL_ARGS

    for relname in [*SMALL_ARGS, *NOT_EXECUTED]:
        page = site / "auto_examples" / (relname.removesuffix(".py").replace("/", "__") + ".html")
        assert page.is_file(), f"no gallery page for examples/{relname}"
        html = page.read_text(encoding="utf-8")
        if relname in SMALL_ARGS:
            assert "sphx-glr-script-out" in html, f"examples/{relname} printed nothing"
    remote = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["'](?:https?:)?//""")
    for page in site.rglob("*.html"):
        found = remote.findall(page.read_text(encoding="utf-8"))
        assert not found, f"{page.relative_to(site)} loads from a network: {found[:3]}"


def _open(driver, page: str, ready_js: str = "return true", timeout: float = 20) -> dict:
    """Load ``page``; wait for ``ready_js``; return its console errors and outside requests."""
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get_log("performance")
    path, _, query = page.partition("?")
    driver.get((SITE / path).resolve().as_uri() + (f"?{query}" if query else ""))
    deadline = time.time() + timeout
    while time.time() < deadline and not driver.execute_script(ready_js):
        time.sleep(0.2)
    ready = driver.execute_script(ready_js)
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    events = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    urls = {
        e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
    }
    site = SITE.resolve().as_uri()
    outside = sorted(u for u in urls if not u.startswith((site, *INTERNAL_SCHEMES)))
    return {"ready": ready, "errors": errors, "outside": outside, "urls": urls}


def test_home_page(driver):
    seen = _open(driver, "index.html")
    assert seen["errors"] == []
    assert seen["outside"] == []
    assert driver.title.startswith("interpkit")
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('a.reference.internal'))"
        ".map(a => a.getAttribute('href'))"
    )
    assert "getting_started.html" in links and "auto_examples/index.html" in links


def test_gallery_page_draws_its_figures(driver):
    drawn = (
        "const g = document.querySelectorAll('.plotly-graph-div');"
        "return g.length > 0 && Array.from(g).every(d => d.querySelector('svg.main-svg'));"
    )
    seen = _open(driver, GALLERY_PAGE, drawn)
    assert seen["ready"], "the gallery's plotly figures did not draw"
    assert seen["errors"] == []
    assert seen["outside"] == []  # plotly.js comes from the site's _static
    assert any(u.endswith("_static/plotly.min.js") for u in seen["urls"])
    n_figures = driver.execute_script(
        "return document.querySelectorAll('.plotly-graph-div').length"
    )
    assert n_figures == 2  # the script writes two figures
    printed = driver.execute_script(
        "return Array.from(document.querySelectorAll('.sphx-glr-script-out pre'))"
        ".map(p => p.textContent).join('\\n')"
    )
    assert printed.strip(), "the script's printed output is missing"


def test_api_page(driver):
    seen = _open(driver, API_PAGE)
    assert seen["errors"] == []
    assert seen["outside"] == []
    names = driver.execute_script(
        "return Array.from(document.querySelectorAll('dt.sig')).map(d => d.id)"
    )
    assert "interpkit.LassoExplainer" in names
    assert "interpkit.LassoExplainer.stability" in names


def test_search_works_offline(driver):
    results = "return document.querySelectorAll('#search-results ul.search li').length > 0"
    seen = _open(driver, "search.html?q=bootstrap", results)
    assert seen["ready"], "the offline search found nothing for 'bootstrap'"
    assert seen["errors"] == []
    assert seen["outside"] == []
    hrefs = driver.execute_script(
        "return Array.from(document.querySelectorAll('#search-results ul.search li a'))"
        ".map(a => a.getAttribute('href'))"
    )
    assert any("LassoExplainer" in h or "auto_examples" in h for h in hrefs)


def test_reports_the_examples_write_are_in_the_site(site):
    page = (site / "auto_examples" / "model_comparison.html").read_text(encoding="utf-8")
    frames = re.findall(r'<iframe class="interpkit-report" src="\.\./(reports/[^"]+)"', page)
    assert frames == ["reports/model_comparison__model_comparison.html"]
    report = (site / frames[0]).read_text(encoding="utf-8")
    assert "works offline" in report and "Plotly.newPlot(" in report


def test_gallery_thumbnails_are_the_scripts_figures(site):
    pytest.importorskip("kaleido")
    thumbs = {p.name for p in (site / "_images").glob("sphx_glr_*_thumb.png")}
    assert "sphx_glr_gp_kernels_thumb.png" in thumbs
    png = (site / "_images" / "sphx_glr_gp_kernels_thumb.png").read_bytes()
    placeholder = (site / "_images" / "sphx_glr_stability_on_a_cluster_thumb.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    if png == placeholder:  # the build could not export: only fine where kaleido cannot
        import plotly.io as pio

        try:
            pio.to_image({"data": []}, format="png")
        except Exception as err:
            pytest.skip(f"kaleido cannot export images here: {err}")
    assert png != placeholder  # the script's own figure, not sphinx-gallery's placeholder
