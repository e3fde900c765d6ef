"""How a report loads plotly.js: inline (the default, offline), from a CDN, or from a shared file.

plotly.js is about 4.8 MB, most of a report's size. ``Report.write(path,
plotlyjs=...)`` takes

* ``"inline"`` (default): embedded once in the page; one file that opens with
  no network;
* ``"directory"``: a ``<script src="plotly-<version>.min.js">`` next to the
  report, and that file written into the report's folder unless it is already
  there. Several reports in one folder share one copy and still open offline,
  as long as the ``.js`` file travels with them. The version is in the name,
  so reports made with another plotly.py keep the plotly.js they were made
  with;
* ``"cdn"``: a ``<script>`` from ``cdn.plot.ly`` with its subresource-integrity
  hash; the smallest file, but it needs a network connection to draw figures.

>>> from interpkit.report.plotlyjs import check_plotlyjs
>>> check_plotlyjs("inline")
'inline'
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

__all__ = [
    "PLOTLYJS_MODES",
    "bundle_name",
    "check_plotlyjs",
    "footer_note",
    "plotlyjs_tag",
    "write_bundle",
]

PLOTLYJS_MODES = ("inline", "directory", "cdn")


def check_plotlyjs(mode: str) -> str:
    """``mode`` if it is one of :data:`PLOTLYJS_MODES`, else a ValueError that lists them."""
    if not isinstance(mode, str) or mode not in PLOTLYJS_MODES:
        raise ValueError(
            f"plotlyjs must be one of {', '.join(map(repr, PLOTLYJS_MODES))}, got {mode!r}: "
            "'inline' embeds plotly.js (one file, offline), 'directory' writes it once next "
            "to the report, 'cdn' loads it from cdn.plot.ly (needs a network)"
        )
    return mode


def bundle_name() -> str:
    """The file name of plotly.js in ``"directory"`` mode, e.g. ``plotly-3.1.0.min.js``."""
    from plotly.offline import get_plotlyjs_version

    return f"plotly-{get_plotlyjs_version()}.min.js"


def plotlyjs_tag(mode: str) -> str:
    """The ``<script>`` element of the page head that loads plotly.js."""
    from plotly.offline import get_plotlyjs

    if check_plotlyjs(mode) == "inline":
        return f'<script type="text/javascript">{get_plotlyjs()}</script>'
    if mode == "directory":
        return f'<script charset="utf-8" src="{bundle_name()}"></script>'
    from plotly.offline import get_plotlyjs_version

    url = f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"  # as plotly.py's own
    digest = hashlib.sha256(get_plotlyjs().encode("utf-8")).digest()
    sri = "sha256-" + base64.b64encode(digest).decode("ascii")
    return (
        f'<script charset="utf-8" src="{url}" integrity="{sri}" crossorigin="anonymous"></script>'
    )


def footer_note(mode: str) -> str:
    """What the footer says about opening the file."""
    if mode == "inline":
        return "This file is self-contained and works offline."
    if mode == "directory":
        return f"This file loads plotly.js from {bundle_name()} in its folder; keep them together."
    return "This file loads plotly.js from cdn.plot.ly: figures need a network connection."


def write_bundle(folder: Path) -> Path:
    """Write plotly.js into ``folder`` unless the same file is already there; return its path."""
    from plotly.offline import get_plotlyjs

    path = Path(folder) / bundle_name()
    js = get_plotlyjs()
    if not (path.is_file() and path.stat().st_size == len(js.encode("utf-8"))):
        path.write_text(js, encoding="utf-8")
    return path
