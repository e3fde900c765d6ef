"""Stage ``examples/`` for sphinx-gallery and show the figures the scripts write.

The scripts in ``examples/`` are command-line programs: ``main(argv)`` parses
its options and writes each figure with ``fig.write_html``. This extension

* copies every script (``examples/*.py`` and ``examples/*/*.py``) into a
  staging folder, turning the first line of its docstring into the page title
  and adding a note with the small settings the page ran it with;
* gives each script those small settings as ``sys.argv`` (``reset_argv``),
  read from ``tests/example_scripts.py``'s ``SMALL_ARGS``, the same sizes the
  example tests use, plus ``--out`` pointing at a temporary folder;
* records every figure a script writes with ``write_html`` and embeds it in
  the page, interactive, with plotly.js served from the site itself
  (``_static/plotly.min.js``), so a page makes no network request.

A script missing from ``SMALL_ARGS`` (and from ``NOT_EXECUTED``) is a build
warning, which ``-W`` turns into an error.
"""

from __future__ import annotations

import ast
import functools
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
EXAMPLES = ROOT / "examples"
STAGED = DOCS / "_gallery_src"  # staged copies (git-ignored)
GALLERY = "auto_examples"  # sphinx-gallery's output folder under docs/
STATIC = DOCS / "_build_static"  # plotly.min.js, copied from the plotly package
REPORTS = DOCS / "_gallery_reports"  # reports the examples write, served as <site>/reports/

# figures and reports written by the running example, emptied by the scraper after each block
_FIGURES: list[dict] = []
_REPORTS: list[Path] = []
_PLOTLY_SCRIPT = '<script src="../_static/plotly.min.js"></script>'


def _settings() -> tuple[dict[str, list[str]], dict[str, str]]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.example_scripts import NOT_EXECUTED, SMALL_ARGS

    return SMALL_ARGS, NOT_EXECUTED


def example_scripts() -> dict[str, Path]:
    """Every example script by its name relative to ``examples/``."""
    found = sorted(EXAMPLES.glob("*.py")) + sorted(EXAMPLES.glob("*/*.py"))
    return {p.relative_to(EXAMPLES).as_posix(): p for p in found if not p.name.startswith("_")}


def _staged_name(relname: str) -> str:
    return relname.replace("/", "__")


def _retitle(source: str, relname: str, note: str) -> str:
    """The script with its docstring's first paragraph as a reST title, and ``note`` added."""
    tree = ast.parse(source)
    doc = ast.get_docstring(tree, clean=False)
    if not doc or not isinstance(tree.body[0], ast.Expr):
        raise ValueError(f"examples/{relname} has no module docstring to title its page")
    first, _, rest = doc.strip().partition("\n\n")
    title = " ".join(first.split()).replace("|", "\\|")
    lines = source.splitlines(keepends=True)
    node = tree.body[0]
    body = "".join(lines[node.end_lineno :])
    from interpkit_docstrings import to_rst

    rest = "\n".join(to_rst(rest.strip().splitlines()))
    text = f"{title}\n{'=' * len(title)}\n\n{rest}\n\n{note}\n"
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{text}"""\n{body}'


def stage() -> list[str]:
    """Copy the examples into ``docs/_gallery_src``; return the names of those not executed."""
    small, skipped = _settings()
    if STAGED.exists():
        shutil.rmtree(STAGED)
    STAGED.mkdir()
    REPORTS.mkdir(exist_ok=True)  # kept: pages of examples not re-run still link their reports
    (STAGED / "GALLERY_HEADER.rst").write_text(
        "Gallery\n=======\n\n"
        "Each page is one script from the repository's ``examples/`` folder, run while\n"
        "the documentation was built, with the small settings shown on the page (the\n"
        "same sizes the test suite runs them with). Numbers printed and figures drawn\n"
        "are the script's own; run it with its defaults for the full-size analysis.\n",
        encoding="utf-8",
    )
    not_run = []
    for relname, path in example_scripts().items():
        run_as = f"python examples/{relname}"
        if relname in skipped:
            note = f".. note::\n\n   Not run while building this page: {skipped[relname]}."
            not_run.append(_staged_name(relname))
        elif relname in small:
            args = " ".join(small[relname])
            note = (
                f".. note::\n\n   This page ran ``{run_as} {args}``: small settings, so the\n"
                f"   documentation builds in minutes. The defaults give the full analysis."
            )
        else:
            _warn(
                f"examples/{relname} has no small settings in tests/example_scripts.py "
                "SMALL_ARGS (or a reason in NOT_EXECUTED); it is not run in the gallery"
            )
            note = ".. note::\n\n   Not run while building this page."
            not_run.append(_staged_name(relname))
        source = path.read_text(encoding="utf-8")
        staged = STAGED / _staged_name(relname)
        staged.write_text(_retitle(source, relname, note), encoding="utf-8")
    return not_run


_PENDING: list[str] = []  # warnings found while staging, logged once Sphinx's logging is up


def _warn(message: str) -> None:
    _PENDING.append(message)


def _log_pending(app: Any) -> None:
    from sphinx.util import logging

    for message in _PENDING:
        logging.getLogger(__name__).warning(message)


def small_argv(gallery_conf: dict, script_vars: dict) -> list[str]:
    """``sys.argv[1:]`` for one staged script: its small settings and a temporary ``--out``."""
    small, _ = _settings()
    staged = Path(script_vars["src_file"]).name
    relname = staged.replace("__", "/")
    out = tempfile.mkdtemp(prefix="interpkit-gallery-")
    # sphinx-gallery runs the script with __doc__ = ""; the scripts' --help reads it
    original = example_scripts().get(relname)
    if original is not None and "example_globals" in script_vars:
        doc = ast.get_docstring(ast.parse(original.read_text(encoding="utf-8")))
        script_vars["example_globals"]["__doc__"] = doc or ""
    return ["--out", out, *small.get(relname, [])]


def reset_figures(gallery_conf: dict, fname: str) -> None:
    """Before each example: record figures that are written with ``write_html``."""
    from plotly.basedatatypes import BaseFigure

    from interpkit.report.html import Report

    del _FIGURES[:]
    del _REPORTS[:]
    if getattr(BaseFigure.write_html, "_interpkit_gallery", False):
        return
    original = BaseFigure.write_html
    original_report = Report.write

    def write_html(self: Any, *args: Any, **kwargs: Any) -> Any:
        _FIGURES.append(self.to_dict())
        return original(self, *args, **kwargs)

    def write_report(self: Any, path: Any) -> Path:
        written = original_report(self, path)
        _REPORTS.append(Path(written))
        return written

    write_html._interpkit_gallery = True  # type: ignore[attr-defined]
    BaseFigure.write_html = write_html  # type: ignore[method-assign]
    Report.write = Report.save = write_report  # type: ignore[method-assign]


_THUMBNAILED: set[str] = set()  # examples whose first figure became the gallery thumbnail


@functools.cache
def _static_export() -> bool:
    """Whether kaleido can export images here (one shared browser for the whole build)."""
    import logging

    for name in ("choreographer", "kaleido", "logistro"):  # their INFO lines flood the log
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        import kaleido
        import plotly.io as pio

        kaleido.start_sync_server(silence_warnings=True)
        pio.to_image({"data": []}, format="png", validate=False)
    except Exception:  # no kaleido or no Chrome: thumbnails stay the placeholder
        return False
    return True


def _thumbnail(fig: dict, block_vars: dict) -> None:
    """Write the example's first figure as its thumbnail image (when kaleido works)."""
    import plotly.io as pio

    src = str(block_vars.get("src_file", ""))
    if src in _THUMBNAILED or not _static_export():
        return
    _THUMBNAILED.add(src)
    path = next(block_vars["image_path_iterator"])  # sphinx-gallery's first image: the thumbnail
    with warnings.catch_warnings():  # the shared server already has plotly's export options
        warnings.filterwarnings("ignore", message="The kopts argument", category=UserWarning)
        pio.write_image(fig, path, format="png", width=640, height=440, validate=False)


def scrape_figures(block: Any, block_vars: dict, gallery_conf: dict, **kwargs: Any) -> str:
    """Embed the figures this code block wrote, as interactive plotly HTML."""
    import plotly.io as pio

    rst = _embed_reports(block_vars)
    if not _FIGURES:
        return rst
    _thumbnail(_FIGURES[0], block_vars)
    parts = [_PLOTLY_SCRIPT]
    for fig in _FIGURES:
        html = pio.to_html(
            fig, include_plotlyjs=False, full_html=False, default_width="100%", validate=False
        )
        parts.append(
            f'<div class="output_subarea output_html rendered_html interpkit-figure">{html}</div>'
        )
    del _FIGURES[:]
    return rst + _raw_html("\n".join(parts))


def _raw_html(body: str) -> str:
    return "\n\n.. raw:: html\n\n" + "\n".join(f"    {line}" for line in body.splitlines()) + "\n"


def _embed_reports(block_vars: dict) -> str:
    """Copy the reports this block wrote into the site; show each in a frame, with a link."""
    if not _REPORTS:
        return ""
    example = Path(str(block_vars.get("src_file", "example"))).stem
    (REPORTS / "reports").mkdir(parents=True, exist_ok=True)
    parts = []
    for written in _REPORTS:
        name = f"{example}__{written.name}"
        shutil.copyfile(written, REPORTS / "reports" / name)
        href = f"../reports/{name}"
        parts.append(
            f'<p class="interpkit-report">The report this script wrote, <a href="{href}">'
            f"{written.name}</a> (one offline HTML file):</p>"
            f'<iframe class="interpkit-report" src="{href}" title="{written.name}" '
            'style="width:100%;height:900px;border:1px solid #ccc;border-radius:4px"></iframe>'
        )
    del _REPORTS[:]
    return _raw_html("\n".join(parts))


def copy_plotly_js() -> None:
    """``docs/_build_static/plotly.min.js`` from the installed plotly (served locally)."""
    import plotly

    src = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    STATIC.mkdir(exist_ok=True)
    dst = STATIC / "plotly.min.js"
    if not dst.exists() or dst.stat().st_size != src.stat().st_size:
        shutil.copyfile(src, dst)


def executed_pattern(not_run: list[str]) -> str:
    """sphinx-gallery's ``filename_pattern``: every staged script except ``not_run``."""
    if not not_run:
        return r".*\.py$"
    names = "|".join(re.escape(n) for n in not_run)
    return rf"^(?!.*(?:{names})$).*\.py$"


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _log_pending)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
