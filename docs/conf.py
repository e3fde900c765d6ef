"""Sphinx configuration: pydata-sphinx-theme, MyST pages, an executed sphinx-gallery.

Build with ``python -m sphinx -W --keep-going -b html . _build/html`` from
``docs/``. The gallery runs every script in ``examples/`` with the small
settings of ``tests/example_scripts.py`` (see ``_ext/interpkit_gallery.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(DOCS.parent))  # the checkout's interpkit, and tests.example_scripts

import interpkit_api  # noqa: E402
import interpkit_gallery  # noqa: E402

import interpkit  # noqa: E402

project = "interpkit"
author = "interpkit developers"
copyright = "interpkit developers"  # noqa: A001 - Sphinx's name
release = version = interpkit.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx_gallery.gen_gallery",
    "interpkit_gallery",
    "interpkit_docstrings",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = [
    "_build",
    "_gallery_reports",
    "_gallery_src",
    "_build_static",
    "**.ipynb",
    "**.md5",
    "auto_examples/*.py",
    "auto_examples/*.json",
]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# --- API reference from the docstrings (backends are installed where the docs build) ---
interpkit_api.write_api_index()
autosummary_generate = True
autosummary_imported_members = True
# inherited members too (fit, explain, stability come from interpkit.Explainer),
# but not scikit-learn's BaseEstimator plumbing
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
    "inherited-members": "BaseEstimator",
    "exclude-members": "__init__",  # the class signature already shows the parameters
}
# one page per class: its docstring and members (autosummary's default adds method tables)
templates_path = ["_templates"]
autodoc_typehints = "signature"
autodoc_member_order = "groupwise"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False

# --- the gallery: examples/ staged, run with small settings, figures embedded ---
interpkit_gallery.copy_plotly_js()
_NOT_RUN = interpkit_gallery.stage()
sphinx_gallery_conf = {
    "examples_dirs": str(interpkit_gallery.STAGED),
    "gallery_dirs": interpkit_gallery.GALLERY,
    "filename_pattern": interpkit_gallery.executed_pattern(_NOT_RUN),
    "reset_argv": "interpkit_gallery.small_argv",
    "reset_modules": ("interpkit_gallery.reset_figures",),
    "image_scrapers": ("interpkit_gallery.scrape_figures",),
    "capture_repr": (),  # printed output only; figures come through the scraper
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    # its timing page loads DataTables from a CDN; the build's own log has the times
    "write_computation_times": False,
    "plot_gallery": "True",
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
}

# --- HTML: offline (no CDN, no fonts or analytics fetched) ---
html_theme = "pydata_sphinx_theme"
html_title = f"interpkit {release}"
html_static_path = ["_static", str(interpkit_gallery.STATIC)]
html_css_files = ["interpkit.css"]
# the reports the gallery's scripts write, at <site>/reports/
html_extra_path = [str(interpkit_gallery.REPORTS)]
html_theme_options = {
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "icon_links": [],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    # the method tables need the width of the page's right-hand column
    "secondary_sidebar_items": {"**": ["page-toc"], "guide/methods": []},
}
html_show_sourcelink = False
html_copy_source = False
# the theme's light/dark switch starts from this (an unset mode logs a console error)
html_context = {"default_mode": "auto"}
# search results without page summaries: fetching them is refused on file:// pages
html_show_search_summary = False
