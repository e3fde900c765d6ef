"""Per-method progress of a multi-method analysis, with an estimate of the time left.

One line on stderr when a method starts and when it ends; the estimate of the
time left weights the methods still to run by their relative cost per fit
(:data:`interpkit.cli_defaults.RELATIVE_COST`), scaled by how fast the methods
done so far actually ran on this machine.

>>> p = MethodProgress(["lasso", "ebm"], n_boot=20, enabled=False)
>>> p.start("lasso"); p.done("lasso"); sorted(p.seconds)
['lasso']
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["MethodProgress"]


class MethodProgress:
    """Announce each method's start and end, and the time left.

    Parameters
    ----------
    methods : list of str
        The methods, in the order they run.
    n_boot : int
        Replicates per method (each method is fit ``n_boot + 1`` times).
    enabled : bool or None
        Print; ``None``: only when ``stream`` is a terminal.
    stream : file, default sys.stderr
    """

    def __init__(
        self,
        methods: list[str],
        n_boot: int,
        enabled: bool | None = None,
        stream: TextIO | None = None,
    ) -> None:
        from interpkit.cli_defaults import RELATIVE_COST

        self.methods = list(methods)
        self.n_boot = int(n_boot)
        self.stream = sys.stderr if stream is None else stream
        self.enabled = self.stream.isatty() if enabled is None else bool(enabled)
        self.weights = {m: RELATIVE_COST.get(m, 1.0) for m in self.methods}
        self.seconds: dict[str, float] = {}
        self._t0 = time.perf_counter()
        self._started: float | None = None

    def _say(self, text: str) -> None:
        if self.enabled:
            print(f"interpkit: {text}", file=self.stream, flush=True)

    def start(self, method: str) -> None:
        self._started = time.perf_counter()
        i = self.methods.index(method) + 1 if method in self.methods else 0
        left = self.time_left(include=method)
        eta = f"; about {_duration(left)} left in all" if left is not None else ""
        self._say(f"[{i}/{len(self.methods)}] {method}: fit + {self.n_boot} bootstrap refits{eta}")

    def done(self, method: str) -> None:
        took = time.perf_counter() - (self._started or self._t0)
        self.seconds[method] = took
        left = self.time_left()
        tail = f"; about {_duration(left)} left" if left else ""
        i = self.methods.index(method) + 1 if method in self.methods else 0
        self._say(f"[{i}/{len(self.methods)}] {method}: done in {_duration(took)}{tail}")

    def time_left(self, include: str | None = None) -> float | None:
        """Seconds left for the methods not done yet (None before any is done)."""
        done_w = sum(self.weights[m] for m in self.seconds)
        if not done_w:
            return None
        rate = sum(self.seconds.values()) / done_w
        todo = [m for m in self.methods if m not in self.seconds]
        return rate * sum(self.weights[m] for m in todo)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"
