"""``fig.show()`` in a plain script, and static export that names the extra it needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import interpkit._optional as optional
from tests.example_scripts import ROOT

SCRIPT = """
import plotly.io as pio
import plotly.graph_objects as go
import interpkit.plots
print("renderer:", pio.renderers.default)
if pio.renderers.default == "interpkit_file":  # others need a notebook (ipython)
    go.Figure(go.Scatter(y=[1, 3, 2], name="a curve")).show()
"""


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    # no DISPLAY, no BROWSER, a PATH without browsers: Python's webbrowser finds none,
    # so plotly picks no renderer, as on a server or in a container
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "PLOTLY_RENDERER")}  # fmt: skip
    clean.update(PATH=str(Path(sys.executable).parent), TMPDIR=str(tmp_path),
                 PYTHONPATH=str(ROOT), **env)  # fmt: skip
    return subprocess.run([sys.executable, "-c", SCRIPT], env=clean, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)  # fmt: skip


def test_show_in_a_plain_script_writes_the_figure_and_says_where(tmp_path):
    done = _run(tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "renderer: interpkit_file" in done.stdout
    written = list(tmp_path.glob("interpkit-figure-*.html"))
    assert len(written) == 1
    assert f"figure written to {written[0]}" in done.stdout
    assert "open it in a web browser" in done.stdout  # no browser here
    html = written[0].read_text(encoding="utf-8")
    assert "a curve" in html and "Plotly.newPlot" in html
    assert '<script src="http' not in html  # plotly.js inline: opens offline


def test_a_configured_renderer_is_left_alone(tmp_path):
    done = _run(tmp_path, PLOTLY_RENDERER="json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "renderer: json" in done.stdout
    assert not list(tmp_path.glob("interpkit-figure-*.html"))


def test_write_image_without_kaleido_names_the_static_extra(tmp_path, monkeypatch):
    import plotly.graph_objects as go

    from interpkit.plots import write_image

    real = optional.has_backend
    monkeypatch.setattr(optional, "has_backend", lambda n: n != "kaleido" and real(n))
    with pytest.raises(ImportError, match=r"'static' extra.*pip install 'interpkit\[static\]'"):
        write_image(go.Figure(), tmp_path / "fig.png")
    assert not (tmp_path / "fig.png").exists()


@pytest.mark.slow
def test_write_image_writes_a_png(tmp_path):
    pytest.importorskip("kaleido")
    import plotly.graph_objects as go

    from interpkit.plots import write_image

    try:
        path = write_image(go.Figure(go.Scatter(y=[1, 2])), tmp_path / "fig.png")
    except RuntimeError as err:  # kaleido found no Chrome on this machine
        pytest.skip(str(err))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_example_png_without_kaleido_names_the_static_extra(tmp_path, monkeypatch):
    pytest.importorskip("gpytorch")
    from tests.example_scripts import SMALL_ARGS, load_script

    real = optional.has_backend
    monkeypatch.setattr(optional, "has_backend", lambda n: n != "kaleido" and real(n))
    ex = load_script("examples/gp_kernels.py")
    with pytest.raises(ImportError, match=r"pip install 'interpkit\[static\]'"):
        ex.main(["--out", str(tmp_path), *SMALL_ARGS["gp_kernels.py"], "--png"])
