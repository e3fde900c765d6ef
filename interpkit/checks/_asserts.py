"""Plain-assert helpers, so the shipped checks need no pytest at run time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def raises(exc: type[BaseException] | tuple[type[BaseException], ...], match: str) -> Iterator:
    """Assert that the block raises ``exc`` with a message matching ``match`` (``re.search``)."""
    try:
        yield
    except exc as err:
        if not re.search(match, str(err)):
            raise AssertionError(
                f"raised {type(err).__name__} as expected, but its message {str(err)!r} "
                f"does not match {match!r}"
            ) from err
    else:
        raise AssertionError(f"did not raise {exc} (expected a message matching {match!r})")
