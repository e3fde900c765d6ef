"""`import interpkit` stays light; public names resolve; extras are declared."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import interpkit
from interpkit._optional import BACKENDS

HEAVY = (
    "torch",
    "shap",
    "interpret",
    "glmnet",
    "gpytorch",
    "captum",
    "transformer_lens",
    "sae_lens",
    "plotly",
    "sklearn",
)


def test_import_loads_no_backend_and_is_fast():
    code = (
        "import sys, time; t = time.perf_counter(); import interpkit; "
        "dt = time.perf_counter() - t; "
        f"print(dt, [m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, loaded = out.stdout.split(" ", 1)
    assert loaded.strip() == "[]"
    assert float(seconds) < 0.5


@pytest.mark.parametrize("name", interpkit.__all__)
def test_public_names_resolve(name):
    assert getattr(interpkit, name) is not None


def test_subpackages_load_on_attribute_access():
    code = "import interpkit; print(interpkit.plots.path.__name__, interpkit.datasets.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["path", "interpkit.datasets"]


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        interpkit.Nope  # noqa: B018


def test_every_backend_has_a_declared_extra():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    extras = pyproject["project"]["optional-dependencies"]
    for module, (dist, extra) in BACKENDS.items():
        assert extra in extras, module
        assert any(req.startswith(dist) for req in extras[extra]), (module, dist, extra)
    # torch is pinned to the CPU wheel wherever it appears
    torch_reqs = [r for reqs in extras.values() for r in reqs if r.startswith("torch")]
    assert torch_reqs and all(r == "torch==2.13.0" for r in torch_reqs)
