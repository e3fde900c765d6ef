"""The methods ``interpkit explain --method ...`` knows, by short name.

They are the registry's entries that have a command-line method
(:class:`interpkit.registry.CliMethod`): a new adapter becomes available to
the command line and :func:`~interpkit.report.analysis_report` by giving its
registry line a ``cli=``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interpkit.registry import BUILTIN, Entry

__all__ = ["METHODS", "MethodSpec", "check_methods", "make_explainer"]


@dataclass(frozen=True)
class MethodSpec:
    """One command-line method.

    Attributes
    ----------
    label : str
        Human-readable name for headings.
    make : callable ``(seed, alpha, overrides=None) -> Explainer``
        Builds the unfitted explainer.
    values : str
        What the global values are, for the reader ("coefficient", ...).
    extra : str or None
        The interpkit extra that must be installed, for the error message.
    module : str or None
        Backend module checked before anything is fit.
    """

    label: str
    make: Callable[..., Any]
    values: str
    extra: str | None = None
    module: str | None = None


def _maker(entry: Entry) -> Callable[..., Any]:
    def make(seed: int, alpha: float, overrides: dict[str, Any] | None = None) -> Any:
        params = {**entry.cli.params, **(overrides or {})}
        if "alpha" in inspect.signature(entry.load()).parameters:  # the elastic net's mixing
            params["alpha"] = alpha
        return entry.create(seed=seed, **params)

    return make


def _spec(entry: Entry) -> MethodSpec:
    cli = entry.cli
    return MethodSpec(cli.label, _maker(entry), cli.values, entry.extra, entry.backend)


# the built-in entries only: the command line's choices do not depend on installed plugins
METHODS: dict[str, MethodSpec] = {e.cli.name: _spec(e) for e in BUILTIN if e.cli is not None}


def make_explainer(name: str, seed: int, alpha: float = 0.5, params: dict[str, Any] | None = None):
    """The unfitted explainer for method ``name``, or a ValueError/ImportError that says why.

    ``params`` override the registry's command-line parameters (e.g. the
    table-size defaults of :mod:`interpkit.cli_defaults`).
    """
    check_methods([name])
    return METHODS[name].make(seed, alpha, params)


def check_methods(names: list[str]) -> None:
    """A ValueError for an unknown name, or one ImportError naming every missing extra."""
    from interpkit._optional import require_backends

    unknown = [n for n in names if n not in METHODS]
    if unknown:
        raise ValueError(
            f"unknown method{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(METHODS)}"
        )
    require_backends({n: METHODS[n].module for n in names})
