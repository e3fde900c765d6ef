"""Load the scripts in examples/ and benchmarks/ as modules, for the example tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(relpath: str) -> ModuleType:
    """Import ``ROOT/relpath`` as a module (its ``main`` returns the numbers it reports)."""
    path = ROOT / relpath
    name = f"_interpkit_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up here
    spec.loader.exec_module(module)
    return module


def html_files(folder: Path) -> set[str]:
    """Names of the non-empty HTML files an example wrote to ``folder``."""
    return {p.name for p in folder.glob("*.html") if p.stat().st_size > 0}
