"""One subpackage per backend. Each imports its library only when used.

The adapter classes and ``REGISTRY`` (registry name -> class, third-party
entry points included) are read from :mod:`interpkit.registry` on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from interpkit.registry import BUILTIN, entries

# class name -> module, for the classes of the built-in entries
_CLASSES = {e.public_name: e.module for e in BUILTIN}

__all__ = ["REGISTRY", *sorted(_CLASSES)]


def __getattr__(name: str) -> Any:
    if name == "REGISTRY":
        # every registered adapter class by registry name, for the contract tests
        value = {n: e.load() for n, e in entries().items()}
    elif name in _CLASSES:
        value = getattr(importlib.import_module(_CLASSES[name]), name)
    else:
        raise AttributeError(f"module 'interpkit.adapters' has no attribute {name!r}")
    globals()[name] = value
    return value
