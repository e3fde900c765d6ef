"""``fig.show()`` that does something in a plain script, and static export that says what it needs.

plotly picks a renderer when it is imported: a notebook's, or ``"browser"``
when Python's :mod:`webbrowser` finds one. Otherwise (a server, WSL, a
container) it picks none and ``fig.show()`` silently does nothing. When no
renderer is configured (and ``PLOTLY_RENDERER`` is unset), interpkit selects
``"interpkit_file"``: each shown figure is written to a self-contained HTML
file in the temporary folder, its path printed, and the file opened in a
browser when one is found. Any renderer the user or plotly chose is left alone.
"""

from __future__ import annotations

import os
import tempfile
import webbrowser
from pathlib import Path
from typing import Any

__all__ = ["FileRenderer", "use_file_renderer_if_unset", "write_image"]

RENDERER = "interpkit_file"


class FileRenderer:
    """A plotly renderer: write the figure to an HTML file, print where, open it if possible."""

    def __init__(self, folder: str | Path | None = None, open_browser: bool = True) -> None:
        self.folder = folder
        self.open_browser = open_browser

    def render(self, fig_dict: dict) -> Path:
        import plotly.io as pio

        folder = Path(self.folder) if self.folder else Path(tempfile.gettempdir())
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="interpkit-figure-", suffix=".html", dir=folder)
        os.close(fd)
        path = Path(name)
        pio.write_html(fig_dict, path, include_plotlyjs=True, full_html=True, validate=False)
        opened = False
        if self.open_browser:
            try:
                opened = webbrowser.open(path.resolve().as_uri())
            except webbrowser.Error:
                opened = False
        how = "opened in your browser" if opened else "open it in a web browser"
        print(f"interpkit: figure written to {path} ({how})")
        return path


def _register() -> None:
    import plotly.io as pio
    from plotly.io.base_renderers import ExternalRenderer

    if RENDERER in pio.renderers:
        return

    class _Plotly(ExternalRenderer):  # plotly accepts only its own renderer classes
        def __init__(self) -> None:
            self.file = FileRenderer()

        def render(self, fig_dict: dict) -> None:
            self.file.render(fig_dict)

    pio.renderers[RENDERER] = _Plotly()


def use_file_renderer_if_unset() -> bool:
    """Select the file renderer when plotly has none; return whether it was selected."""
    import plotly.io as pio

    if pio.renderers.default or os.environ.get("PLOTLY_RENDERER"):
        return False
    _register()
    pio.renderers.default = RENDERER
    return True


def write_image(fig: Any, path: str | Path, **kwargs: Any) -> Path:
    """``fig.write_image(path)``, with an error naming the ``static`` extra when kaleido is missing.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    path : str or Path
        ``.png``, ``.svg``, ``.pdf`` or ``.jpeg``.
    **kwargs
        Passed to :meth:`plotly.graph_objects.Figure.write_image` (``width``,
        ``height``, ``scale``).
    """
    from interpkit._optional import has_backend, install_line

    if not has_backend("kaleido"):
        raise ImportError(
            f"writing {Path(path).name} (a static image) needs kaleido, which the 'static' "
            f"extra installs: {install_line(['static'])}. Or write the interactive figure "
            "with fig.write_html(...), which needs nothing else."
        )
    try:
        fig.write_image(path, **kwargs)
    except Exception as err:  # kaleido >= 1 drives a Chrome it must find
        if "chrome" in str(err).lower() or "browser" in str(err).lower():
            raise RuntimeError(
                f"writing {Path(path).name} needs Chrome or Chromium for kaleido: install one "
                "(e.g. `plotly_get_chrome`, or your system's chromium package) or set "
                f"BROWSER_PATH to it. kaleido said: {err}"
            ) from err
        raise
    return Path(path)
