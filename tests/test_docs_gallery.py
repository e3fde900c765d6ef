"""The documentation's gallery machinery (docs/_ext), without building the site."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pytest

from tests.example_scripts import NOT_EXECUTED, ROOT, SMALL_ARGS

sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import interpkit_docstrings  # noqa: E402
import interpkit_gallery  # noqa: E402


def test_every_example_has_small_settings_or_a_reason():
    scripts = set(interpkit_gallery.example_scripts())
    assert scripts, "no examples found"
    assert scripts == set(SMALL_ARGS) | set(NOT_EXECUTED)
    assert not set(SMALL_ARGS) & set(NOT_EXECUTED)


@pytest.mark.parametrize("relname", sorted(SMALL_ARGS))
def test_small_settings_parse(relname, monkeypatch):
    """Each script's own argparse accepts its gallery settings (and --out)."""
    parsed: dict = {}

    def stop(self, args=None, namespace=None):
        parsed["ns"] = argparse.ArgumentParser.parse_known_args(self, args, namespace)
        raise SystemExit(0)

    source = (ROOT / "examples" / relname).read_text(encoding="utf-8")
    assert "argparse" in source
    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", stop)
    from tests.example_scripts import load_script

    module = load_script(f"examples/{relname}")
    with pytest.raises(SystemExit):
        module.main(["--out", "/tmp/unused", *SMALL_ARGS[relname]])
    _, unknown = parsed["ns"]
    assert unknown == [], f"{relname} does not take {unknown}"


def test_executed_pattern_excludes_exactly_the_skipped():
    pattern = re.compile(interpkit_gallery.executed_pattern(["stability_on_a_cluster.py"]))
    assert pattern.search("/x/_gallery_src/gp_kernels.py")
    assert not pattern.search("/x/_gallery_src/stability_on_a_cluster.py")
    assert re.compile(interpkit_gallery.executed_pattern([])).search("/a/b.py")


def test_retitle_makes_a_title_and_keeps_the_code():
    source = '"""First line |x|.\n\nMore text.\n"""\n\nimport sys\nprint(sys.argv)\n'
    staged = interpkit_gallery._retitle(source, "demo.py", ".. note:: small")
    doc, _, code = staged.partition('"""\n')
    assert doc.startswith('"""First line \\\\|x\\\\|.\n=================\n')
    assert "More text." in doc and ".. note:: small" in doc
    assert code == "\nimport sys\nprint(sys.argv)\n"
    compile(staged, "demo.py", "exec")


def test_bars_escaped_outside_literals_only():
    lines = ["mean |SHAP| and ``a|b``", "| a line block", "no bar"]
    assert interpkit_docstrings.to_rst(lines) == [
        "mean \\|SHAP\\| and ``a|b``", "| a line block", "no bar",
    ]  # fmt: skip


def test_simple_table_realigned_to_widest_cell():
    lines = [
        "=====  =====",
        "name   what",
        "=====  =====",
        ":func:`long_function_name`  text here",
        "x      y",
        "=====  =====",
        "",
        "after",
    ]
    out = interpkit_docstrings.to_rst(lines)
    width = len(":func:`long_function_name`")
    assert out[0] == "=" * width + "  " + "=" * len("text here")
    assert out[3] == ":func:`long_function_name`  text here"
    assert out[4].startswith("x" + " " * (width + 1) + "y")
    assert out[-2:] == ["", "after"]


def test_docs_conf_lists_the_gallery_and_theme():
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert '"sphinx_gallery.gen_gallery"' in conf and "pydata_sphinx_theme" in conf
    assert Path(interpkit_gallery.STAGED).name in (ROOT / ".gitignore").read_text()
