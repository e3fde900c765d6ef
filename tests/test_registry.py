"""One registry: every list of explainers reads it."""

import subprocess
import sys

import pytest

import interpkit
from interpkit import registry
from interpkit.adapters import REGISTRY
from interpkit.report.methods import METHODS, make_explainer


def test_every_entry_loads_and_builds_with_its_tags():
    for name, entry in registry.entries().items():
        cls = entry.load()
        assert cls.__name__ == entry.public_name
        explainer = entry.create()
        assert isinstance(explainer, interpkit.Explainer)
        assert entry.tags() == explainer.__interpkit_tags__()
        assert REGISTRY[name] is cls
        assert entry.summary and "\n" not in entry.summary


def test_lazy_names_and_adapters_come_from_the_registry():
    import interpkit.adapters as adapters

    for entry in registry.BUILTIN:
        assert getattr(interpkit, entry.public_name) is entry.load()
        assert getattr(adapters, entry.public_name) is entry.load()
        assert entry.public_name in interpkit.__all__ and entry.public_name in adapters.__all__


def test_cli_methods_are_the_entries_with_a_cli():
    # the command line's names, order and labels are kept
    assert list(METHODS) == [
        "lasso", "ridge", "enet", "mdi-rf", "permutation-rf", "shap-rf", "ebm"
    ]  # fmt: skip
    assert METHODS["mdi-rf"].label == "Random forest, impurity importance (MDI)"
    assert (METHODS["ebm"].extra, METHODS["ebm"].module) == ("ebm", "interpret")
    forest = make_explainer("permutation-rf", seed=7)
    assert forest.method == "permutation" and forest.random_state == 7
    assert forest.estimator.n_estimators == 200 and forest.estimator.random_state == 7
    enet = make_explainer("enet", seed=1, alpha=0.3)
    assert (enet.alpha, enet.standardized_coef, enet.random_state) == (0.3, True, 1)
    assert make_explainer("shap-rf", seed=2).algorithm == "tree"
    ebm = make_explainer("ebm", seed=3)
    assert (ebm.interactions, ebm.outer_bags, ebm.random_state) == (0, 8, 3)


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown explainer 'nope'; choose from lasso, ridge"):
        registry.get("nope")


class _EP:
    def __init__(self, name, value):
        self.name, self._value = name, value

    def load(self):
        return self._value


def _plugins(monkeypatch, *eps):
    from importlib import metadata

    monkeypatch.setattr(metadata, "entry_points", lambda group: list(eps))


def test_third_party_entry_points(monkeypatch):
    mine = registry.Entry("mine", "interpkit.adapters.glmnet:LassoExplainer", "a plugin")
    _plugins(monkeypatch, _EP("mine", mine))
    assert registry.entries()["mine"] is mine
    assert list(registry.entries(plugins=False)) == [e.name for e in registry.BUILTIN]


def test_bad_entry_points_are_refused(monkeypatch):
    _plugins(monkeypatch, _EP("bad", object()))
    with pytest.raises(TypeError, match="entry point 'bad' .* must load an interpkit.registry"):
        registry.entries()
    taken = registry.Entry("lasso", "interpkit.adapters.glmnet:LassoExplainer", "again")
    _plugins(monkeypatch, _EP("dup", taken))
    with pytest.raises(ValueError, match="registers 'lasso', which is taken"):
        registry.entries()


def test_entry_points_are_not_read_at_import():
    # entry points are read only when the registry is listed, not by import or lazy names
    code = (
        "import importlib.metadata as m\n"
        "def boom(**kw): raise SystemExit('entry points were read')\n"
        "m.entry_points = boom\n"
        "import interpkit\n"
        "print(interpkit.LassoExplainer.__name__, interpkit.adapters.ShapExplainer.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["LassoExplainer", "ShapExplainer"]
