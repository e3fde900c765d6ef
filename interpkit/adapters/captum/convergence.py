"""How completeness improves with integration steps: |delta| against n_steps."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


class ConvergenceCurve(pd.DataFrame):
    """The table of :func:`convergence_curve`; ``Report.add`` shows it as a figure."""

    @property
    def _constructor(self) -> type:
        return pd.DataFrame  # slices and copies are plain tables

    def plot(self) -> Any:
        """|delta| against n_steps (see :func:`interpkit.plots.attributions.convergence`)."""
        from interpkit.plots.attributions import convergence

        return convergence(self)

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        title = title or "Integrated gradients: completeness against n_steps"
        report.add_figure(self.plot(), caption=title)
        report.add_table(pd.DataFrame(self).set_index("n_steps"), caption=f"{title}: values")


def convergence_curve(
    explainer: Any, X: Any, n_steps: Sequence[int] = (2, 4, 8, 16, 32, 64, 128)
) -> pd.DataFrame:
    """Completeness error of integrated gradients for each number of steps.

    Parameters
    ----------
    explainer : fitted IntegratedGradientsExplainer
    X : rows or images to explain
    n_steps : increasing ints

    Returns
    -------
    ConvergenceCurve (a pandas.DataFrame)
        One row per ``n_steps``: ``mean_abs_delta``, ``max_abs_delta`` and
        ``max_rel_delta`` (|delta| / |f(x) - f(baseline)|) over the rows.
    """
    if not hasattr(explainer, "n_steps") or not hasattr(explainer, "model_"):
        raise TypeError("convergence_curve takes a fitted IntegratedGradientsExplainer")
    if explainer._noise_tunnel() is not None:
        raise ValueError("the completeness delta is undefined under a noise tunnel")
    rows = explainer._check_rows(X)
    out = []
    for steps in n_steps:
        if int(steps) < 1:
            raise ValueError(f"n_steps must be positive ints, got {steps!r}")
        ig = copy.copy(explainer)
        ig.n_steps = int(steps)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the curve shows what it warns
            _, delta, fx, f0, _ = ig._attribute(rows)
        gap = np.abs(fx - f0)
        rel = np.abs(delta) / np.where(gap > 0, gap, np.nan)
        out.append(
            {
                "n_steps": int(steps),
                "mean_abs_delta": float(np.abs(delta).mean()),
                "max_abs_delta": float(np.abs(delta).max()),
                "max_rel_delta": float(np.nanmax(rel)) if np.isfinite(rel).any() else np.nan,
            }
        )
    return ConvergenceCurve(out)
