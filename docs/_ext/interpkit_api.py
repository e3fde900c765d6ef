"""Write ``docs/api/index.rst`` from interpkit's public names (never kept by hand).

The top-level names come from ``interpkit.__all__`` (whose explainers are the
registry's ``BUILTIN`` entries); each subpackage contributes its ``__all__``.
A name documented at the top level is not documented again under the
subpackage that defines it, so every cross-reference has one target.
autosummary then writes one page per name from its docstring.
"""

from __future__ import annotations

import importlib
from pathlib import Path

API = Path(__file__).resolve().parents[1] / "api"

SUBPACKAGES: dict[str, str] = {
    "interpkit.plots": "Figures",
    "interpkit.report": "Reports",
    "interpkit.stability": "Stability engine",
    "interpkit.representations": "Representations of neural networks",
    "interpkit.sae": "Sparse autoencoders",
    "interpkit.circuits": "Circuits of transformers",
    "interpkit.sanity": "Sanity checks for attribution maps",
    "interpkit.trees": "How trees decide",
    "interpkit.boosting": "Boosting stage by stage",
    "interpkit.diagnostics": "Correlation diagnostics",
    "interpkit.agreement": "Agreement metrics",
    "interpkit.datasets": "Bundled data",
    "interpkit.checks": "The explainer contract",
    "interpkit.registry": "The registry",
}

_RESULTS = ("Explanation", "StabilityResult", "Comparison", "DropRefitResult")
_FUNCTIONS_FIRST = ("compare", "load", "stack", "Report")


def _table(module: str, names: list[str]) -> list[str]:
    lines = [
        f".. currentmodule:: {module}",
        "",
        ".. autosummary::",
        "   :toctree: generated",
        "   :nosignatures:",
        "",
    ]
    lines += [f"   {n}" for n in names]
    return [*lines, ""]


def _heading(text: str, char: str) -> list[str]:
    return [text, char * len(text), ""]


def write_api_index() -> Path:
    """Write ``api/index.rst``; return its path."""
    import interpkit
    from interpkit import registry

    explainers = [e.public_name for e in registry.BUILTIN]
    top = [n for n in interpkit.__all__ if not n.startswith("_")]
    results = [n for n in _RESULTS if n in top]
    first = [n for n in _FUNCTIONS_FIRST if n in top]
    explainer_names = list(dict.fromkeys(n for n in explainers if n in top))
    helpers = sorted(set(top) - set(results) - set(first) - set(explainer_names))

    out = [
        *_heading("API reference", "="),
        "Every public name, with its docstring. ``import interpkit`` gives the names",
        "of the first sections; the subpackages follow.",
        "",
    ]
    out += _heading("Results and reports", "-") + _table("interpkit", results + first)
    out += _heading("Explainers", "-")
    out += [
        "One per registry entry (``interpkit.registry.BUILTIN``); each imports its",
        "backend when first fit.",
        "",
    ]
    out += _table("interpkit", explainer_names)
    out += _heading("Other functions", "-") + _table("interpkit", helpers)

    documented = {id(getattr(interpkit, n)) for n in top}
    for module, title in SUBPACKAGES.items():
        mod = importlib.import_module(module)
        names = [
            n
            for n in getattr(mod, "__all__", [])
            if not n.isupper() and id(getattr(mod, n, None)) not in documented
        ]
        if not names:
            continue
        out += _heading(f"{title}: ``{module}``", "-")
        out += [f".. automodule:: {module}", "   :no-members:", "   :no-inherited-members:", ""]
        out += _table(module, names)

    API.mkdir(exist_ok=True)
    path = API / "index.rst"
    text = "\n".join(out)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
