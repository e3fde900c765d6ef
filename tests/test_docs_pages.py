"""The documentation's pages say what the code does: their code runs, their tables are complete."""

from __future__ import annotations

import re

import pytest

from tests.example_scripts import ROOT

DOCS = ROOT / "docs"


def _python_blocks(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_getting_started_runs_as_written(tmp_path, monkeypatch):
    pytest.importorskip("glmnet")
    monkeypatch.chdir(tmp_path)
    code = "\n".join(_python_blocks("getting_started.md"))
    assert "stability(X, y, n_boot=50" in code and "n_permutations=20" in code
    code = code.replace("n_boot=50", "n_boot=4").replace("n_permutations=20", "n_permutations=4")
    namespace: dict = {"__name__": "getting_started"}
    exec(compile(code, "getting_started.md", "exec"), namespace)
    assert (tmp_path / "lasso.html").stat().st_size > 0
    assert (tmp_path / "stability.html").stat().st_size > 0
    assert namespace["result"].n_replicates == 4
    assert "null_p_value" in namespace["null"].summary()


def test_methods_table_covers_the_registry():
    from interpkit import registry

    text = (DOCS / "guide" / "methods.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)`: `([A-Za-z]+)` \|", text, flags=re.M))
    builtin = {e.name: e.public_name for e in registry.BUILTIN}
    assert rows == builtin  # every method once, with its class
    for line in text.splitlines():
        if re.match(r"^\| `[a-z_]+`: ", line):
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert len(cells) == 5 and all(cells), line  # assumes, answers, cost, failures


def test_exercise_page_links_every_example():
    from tests.example_scripts import NOT_EXECUTED, SMALL_ARGS

    text = (DOCS / "exercises.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"sphx_glr_auto_examples_([a-z_]+)\.py", text))
    examples = {
        name.removesuffix(".py").replace("/", "__") for name in {*SMALL_ARGS, *NOT_EXECUTED}
    }
    assert examples <= linked, f"not on the exercise page: {sorted(examples - linked)}"


def test_trust_page_states_the_formulas_the_code_uses():
    import numpy as np
    import xarray as xr

    from interpkit import Explanation
    from interpkit.stability import StabilityResult

    text = (DOCS / "guide" / "trust.md").read_text(encoding="utf-8")
    assert "(1 + #{b : |v_b^null| ≥ |v_reference|}) / (1 + B)" in text
    assert "max(#positive, #negative) / #nonzero" in text
    # the same formulas, on numbers: 5 replicates of two features
    vals = np.array([[1.0, 0.0], [2.0, -1.0], [0.0, 1.0], [3.0, -2.0], [-1.0, -3.0]])
    ref = Explanation(
        xr.DataArray([1.5, 0.5], dims=("feature",), coords={"feature": ["a", "b"]}), method="m"
    )
    reps = [
        Explanation(xr.DataArray(v, dims=("feature",), coords={"feature": ["a", "b"]}), method="m")
        for v in vals
    ]
    res = StabilityResult.from_explanations(reps, ref, scheme="permuted_labels")
    table = res.summary()
    assert table.loc["a", "selection_frequency"] == pytest.approx(4 / 5)
    assert table.loc["a", "sign_agreement"] == pytest.approx(3 / 4)  # 3 positive of 4 nonzero
    assert table.loc["b", "sign_agreement"] == pytest.approx(3 / 4)  # 3 negative of 4 nonzero
    # |null| >= |reference|: a: 2, 3 (>= 1.5) -> 2; b: 1, 1, 2, 3 (>= 0.5) -> 4
    assert table.loc["a", "null_p_value"] == pytest.approx((1 + 2) / 6)
    assert table.loc["b", "null_p_value"] == pytest.approx((1 + 4) / 6)
