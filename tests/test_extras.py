"""A missing backend: one error naming every extra the request needs, and the one install line."""

from __future__ import annotations

import tomllib

import pytest

import interpkit._optional as optional
from interpkit import registry
from tests.example_scripts import ROOT


@pytest.fixture
def without(monkeypatch):
    """``without("shap", "glmnet")``: those import names look uninstalled."""

    def hide(*names: str) -> None:
        real = optional.has_backend
        monkeypatch.setattr(optional, "has_backend", lambda n: n not in names and real(n))

    return hide


def _extras() -> dict[str, list[str]]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def test_every_backend_names_an_extra_that_installs_it():
    extras = _extras()
    for module, (dist, extra) in optional.BACKENDS.items():
        assert extra in extras, f"{module}: extra {extra!r} is not in pyproject.toml"
        pins = " ".join(extras[extra])
        assert dist in pins, f"extra {extra!r} does not install {dist} (for import {module})"
        for needed in optional.REQUIRES.get(module, ()):
            assert optional.BACKENDS[needed][0] in pins, f"{extra!r} lacks {needed} for {module}"


def test_every_registry_entry_names_the_extra_of_its_backend():
    expected = {"lasso": "glmnet", "ridge": "glmnet", "enet": "glmnet", "mdi_plus": "mdiplus",
                "shap": "shap", "lime": "shap", "ebm": "ebm", "gp": "gp",
                "mdi": None, "permutation": None, "boosting_importance": "boosting"}  # fmt: skip
    for entry in registry.BUILTIN:
        want = expected.get(entry.name, "torch")  # the Captum explainers
        assert entry.extra == want, entry.name


def test_one_error_names_every_missing_extra_and_one_install_line(without):
    without("glmnet", "interpret", "shap")
    with pytest.raises(ImportError) as err:
        registry.check_installed("lasso", "ridge", "ebm", "shap", "mdi")
    msg = str(err.value)
    assert msg == (
        "explainers 'lasso', 'ridge' need the 'glmnet' extra; explainer 'ebm' needs the 'ebm' "
        "extra; explainer 'shap' needs the 'shap' extra, which are not installed. Install them "
        "with: pip install 'interpkit[glmnet,ebm,shap]'"
    )


def test_nothing_missing_is_silent(without):
    without("not_a_backend")
    registry.check_installed("mdi", "permutation")  # scikit-learn only


def test_gp_error_names_gp_not_torch(without):
    without("gpytorch")
    with pytest.raises(ImportError, match=r"'gp' extra.*interpkit\[gp\]'.*constraints\.txt"):
        registry.check_installed("gp")
    without("torch")  # torch missing: still the gp extra, which brings torch
    with pytest.raises(ImportError, match=r"explainer 'gp' needs the 'gp' extra"):
        registry.check_installed("gp")


def test_gp_fit_without_torch_names_the_gp_extra(monkeypatch):
    import importlib

    real = importlib.import_module

    def fake(name, *args, **kwargs):
        if name == "torch":
            raise ImportError("No module named 'torch'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", fake)
    monkeypatch.delitem(__import__("sys").modules, "torch", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'interpkit\[gp\]'"):
        optional.import_backend("torch", "GPExplainer", extra="gp")


def test_cli_methods_all_missing_in_one_error(without):
    from interpkit.report.methods import check_methods

    without("glmnet", "interpret", "shap")
    with pytest.raises(ImportError, match=r"interpkit\[glmnet,ebm,shap\]") as err:
        check_methods(["lasso", "ebm", "shap-rf", "permutation-rf"])
    assert "'permutation-rf'" not in str(err.value)  # scikit-learn only
    with pytest.raises(ValueError, match="unknown methods 'nope', 'nada'; choose from lasso"):
        check_methods(["lasso", "nope", "nada"])


def test_static_and_docs_extras_install_kaleido():
    extras = _extras()
    assert any(p.startswith("kaleido") for p in extras["static"])
    assert any(p.startswith("kaleido") for p in extras["docs"])
    assert any(p.startswith("sphinx") for p in extras["docs"])
