"""The result of a sanity check: numbers, the null, verdicts, maps, a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr


@dataclass(frozen=True, eq=False)
class SanityResult:
    """Similarity of attribution maps before and after randomisation.

    Attributes
    ----------
    similarities : DataFrame
        One row per method, cascade, step and metric: ``layer`` (the layer
        added at that step, or ``"permuted labels"``), ``n_randomized``,
        ``mean``, ``lower``, ``upper`` (quantiles of the per-image, per-seed
        similarities at ``level``) and ``n``.
    null : DataFrame
        Per method and metric, the similarity between maps of *unrelated*
        inputs under the original model: what "no longer similar" looks like.
    verdicts : dict of str to str
        ``"pass"`` or ``"fail"`` per method; ``notes`` says why in words.
    maps : dict of str to xarray.DataArray
        Per method, the first few maps, dims ``("step", "sample", ...)``;
        step ``"original"`` first, then each randomisation step.
    records : DataFrame
        Every similarity: method, cascade, step, seed, sample, metric, value.
    """

    similarities: pd.DataFrame
    null: pd.DataFrame
    verdicts: dict[str, str]
    notes: dict[str, str]
    maps: dict[str, xr.DataArray]
    records: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """One row per method: verdict, similarity at the end of the cascade, and the null."""
        metric = self.params["metric"]
        rows = []
        for method, verdict in self.verdicts.items():
            sim = self.similarities.query("method == @method and metric == @metric")
            last = sim[sim["step"] == sim["step"].max()].iloc[0]
            null = self.null.query("method == @method and metric == @metric").iloc[0]
            rows.append(
                {
                    "method": method,
                    "verdict": verdict,
                    "metric": metric,
                    "final": last["mean"],
                    "final_lower": last["lower"],
                    "final_upper": last["upper"],
                    "null": null["mean"],
                    "null_upper": null["upper"],
                }
            )
        return pd.DataFrame(rows)

    def plot(self, metric: str | None = None):
        """The cascade figure (see :func:`interpkit.plots.sanity.cascade`)."""
        from interpkit.plots.sanity import cascade

        return cascade(self, metric=metric)

    def __repr__(self) -> str:
        verdicts = ", ".join(f"{m}: {v}" for m, v in self.verdicts.items())
        return f"<interpkit.SanityResult ({self.params.get('cascade')}) {verdicts}>"


def summarise(records: pd.DataFrame, keys: list[str], level: float) -> pd.DataFrame:
    """Mean and quantile interval of ``value`` per group (NaNs left out)."""
    lo, hi = (1 - level) / 2, (1 + level) / 2

    def agg(v: pd.Series) -> pd.Series:
        x = v.dropna().to_numpy()
        if x.size == 0:
            return pd.Series({"mean": np.nan, "lower": np.nan, "upper": np.nan, "n": 0})
        return pd.Series(
            {
                "mean": x.mean(),
                "lower": np.quantile(x, lo),
                "upper": np.quantile(x, hi),
                "n": x.size,
            }
        )

    return records.groupby(keys, sort=False)["value"].apply(agg).unstack().reset_index()
