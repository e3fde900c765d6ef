"""Methods that exist only where they apply, with a reason where they do not.

As scikit-learn's ``available_if``: ``hasattr(lasso, "predict_proba")`` is
False for a gaussian lasso, so scikit-learn's checks and duck typing see no
such method; calling it anyway gives an AttributeError that says why.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import MethodType
from typing import Any


class available_if:  # noqa: N801 - used as a decorator, named like scikit-learn's
    """``@available_if(check, reason)``: the method exists on ``obj`` when ``check(obj)``."""

    def __init__(self, check: Callable[[Any], bool], reason: str) -> None:
        self.check = check
        self.reason = reason

    def __call__(self, fn: Callable) -> available_if:
        self.fn = fn
        functools.update_wrapper(self, fn)
        return self

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:  # the class: the plain function, for docs and help()
            return self.fn
        if not self.check(obj):
            raise AttributeError(f"{type(obj).__name__} has no {self.name}(): {self.reason}")
        return MethodType(self.fn, obj)
