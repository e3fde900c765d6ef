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
    "skimage": ("scikit-image", "torch"),
    "transformer_lens": ("transformer-lens", "llm"),
    "sae_lens": ("sae-lens", "llm"),
    "dask": ("dask", "distributed"),
    "lightgbm": ("lightgbm", "boosting"),
}


def import_backend(name: str, needed_for: str) -> ModuleType:
    """Import backend module ``name`` or raise an ImportError naming the extra.

    Parameters
    ----------
    name : str
        Import name, e.g. ``"glmnet"``.
    needed_for : str
        What the caller wanted, for the message (e.g. ``"LassoExplainer"``).
    """
    dist, extra = BACKENDS[name]
    fresh = name not in sys.modules
    try:
        module = importlib.import_module(name)
    except ImportError as err:
        raise ImportError(
            f"{needed_for} needs the '{dist}' package, which is not installed. "
            f"Install it with:  pip install 'interpkit[{extra}]'"
        ) from err
    if fresh:
        # a backend first imported inside a replicate gets the replicate's thread limits
        apply_to_new_imports()
    return module


def has_backend(name: str) -> bool:
    """True when backend ``name`` can be imported (checked without importing it)."""
    return importlib.util.find_spec(name) is not None
