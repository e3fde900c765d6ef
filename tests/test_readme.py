"""The Python code in README.md runs as written (on small settings)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

pytest.importorskip("glmnet")
pytest.importorskip("shap")
pytest.importorskip("interpret")
pytest.importorskip("gpytorch")


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.slow
def test_readme_python_blocks_run(tmp_path, monkeypatch):
    import plotly.graph_objects as go

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(go.Figure, "show", lambda self, *a, **k: None)
    code = "\n".join(_blocks())
    # smaller settings, same calls
    code = code.replace("n_boot=100", "n_boot=5").replace("n_boot=50", "n_boot=3")
    code = code.replace("RandomForestRegressor(200)", "RandomForestRegressor(30)")
    code = code.replace("n_permutations=20", "n_permutations=3")
    code = code.replace("n_restarts=5", "n_restarts=1")
    assert len(_blocks()) >= 3
    exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    assert (tmp_path / "lasso.html").is_file()
