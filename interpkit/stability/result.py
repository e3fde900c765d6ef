"""StabilityResult: explanations over replicates, with their summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from interpkit.explanation import Explanation, stack

__all__ = ["StabilityResult", "kendall_tau_matrix"]


@dataclass(frozen=True, eq=False)
class StabilityResult:
    """Explanations refit on resampled data, with summaries.

    Attributes
    ----------
    replicates : Explanation
        Global explanations of every replicate, stacked along a leading
        ``"replicate"`` dim (e.g. dims ``("replicate", "feature")``).
    reference : Explanation
        The explanation of the explainer fit on all rows.
    predictions : xarray.DataArray or None
        Replicate predictions on ``X_eval``, dims ``("replicate", "sample")``.
    y_eval : numpy.ndarray or None
        Observed values for ``X_eval``, when given.
    replicate_info : pandas.DataFrame
        One row per replicate: its seed, number of distinct rows and what the
        explainer reports (e.g. the lambda chosen by CV).
    scheme : str
        ``"bootstrap"``, ``"subsample"`` or ``"permuted_labels"`` (null
        control); adapters that vary something other than the rows name it
        (e.g. ``"background"`` or ``"seed"``).
    level : float
        Coverage of the percentile intervals.
    params : dict
        How the run was set up (``n_boot``, ``scheme``, ``random_state``, ...).
    extras : dict of str to StabilityResult
        Further explanations recorded in the same replicates, each with its
        own summary: ``"local"`` holds the local explanations of ``X_explain``
        (dims ``("replicate", "sample", "feature")``) when it was given, and
        adapters add their own (e.g. an EBM's shape functions on a common
        grid).
    """

    replicates: Explanation
    reference: Explanation
    predictions: xr.DataArray | None
    y_eval: np.ndarray | None
    replicate_info: pd.DataFrame
    scheme: str
    level: float = 0.95
    params: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, StabilityResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # summary() per level, computed once: several plots and report tables read it. Not a
        # field, so dataclasses.replace() starts a fresh cache; frozen, hence object.__setattr__
        object.__setattr__(self, "_summaries", {})

    @classmethod
    def from_explanations(
        cls,
        explanations: list[Explanation],
        reference: Explanation,
        *,
        scheme: str,
        replicate_info: pd.DataFrame | None = None,
        level: float = 0.95,
        params: dict[str, Any] | None = None,
        extras: dict[str, StabilityResult] | None = None,
    ) -> StabilityResult:
        """Collect explanations computed elsewhere (e.g. re-run with other seeds).

        Parameters
        ----------
        explanations : list of Explanation
            One per replicate, all with the same dims and coordinates.
        reference : Explanation
            The explanation the replicates vary around.
        scheme : str
            What varied between replicates, e.g. ``"seed"`` or ``"background"``.
        replicate_info : DataFrame, optional
            One row per replicate (its seed, ...).
        """
        if len(explanations) < 2:
            raise ValueError(f"a stability result needs >= 2 replicates, got {len(explanations)}")
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), got {level}")
        info = (
            pd.DataFrame(index=range(len(explanations)))
            if replicate_info is None
            else replicate_info
        )
        if len(info) != len(explanations):
            raise ValueError(
                f"replicate_info has {len(info)} rows for {len(explanations)} explanations"
            )
        info = info.copy()
        info.index.name = "replicate"
        return cls(
            replicates=stack(list(explanations), dim="replicate"),
            reference=reference,
            predictions=None,
            y_eval=None,
            replicate_info=info,
            scheme=scheme,
            level=level,
            params={"scheme": scheme, "n_boot": len(explanations), **(params or {})},
            extras=dict(extras or {}),
        )

    @property
    def n_replicates(self) -> int:
        return int(self.replicates.values.sizes["replicate"])

    def summary(self, level: float | None = None) -> pd.DataFrame:
        """Per-element summary over replicates.

        For feature explanations (dims ``("replicate", "feature")``) the table
        is indexed by feature, sorted by mean rank, with columns

        ``reference``  value fit on all rows;
        ``mean``, ``sd``  over replicates;
        ``lower``, ``upper``  percentile interval at ``level``;
        ``selection_frequency``  fraction of replicates with a nonzero value;
        ``sign_agreement``  among nonzero replicates, the fraction sharing the
        most common sign (NaN if never nonzero);
        ``mean_rank``, ``rank_lower``, ``rank_upper``  rank of ``|value|``
        within each replicate (1 = largest), its mean and percentile interval;
        ``null_p_value``  only for the ``"permuted_labels"`` null control:
        ``(1 + #{|null value| >= |reference|}) / (1 + n_replicates)``, small
        when the value fit on the real labels is larger than label noise
        gives.

        Multiclass results (a ``"class"`` dim beside ``"feature"``) give that
        table for each class and for the mean ``|value|`` over classes,
        indexed by ``(class, feature)`` (:mod:`interpkit.classes`).

        Other shapes give a long table with one row per element and the
        columns up to ``sign_agreement``.

        Computed once per ``level`` and cached; each call returns a copy, so
        changing the table does not change the next one.
        """
        level = self.level if level is None else level
        table = self._summaries.get(level)
        if table is None:
            table = self._summary(level)
            self._summaries[level] = table
        return table.copy()

    def _summary(self, level: float) -> pd.DataFrame:
        vals = self.replicates.values
        if "class" in vals.dims and "feature" in vals.dims:
            from interpkit.classes import per_class_summary

            # a multiclass result: the feature summary of each class, then the aggregate
            return per_class_summary(self, level)
        lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
        nonzero = vals != 0
        n_nonzero = nonzero.sum("replicate")
        n_pos = (vals > 0).sum("replicate")
        n_neg = (vals < 0).sum("replicate")
        stats = {
            "reference": self.reference.values,
            "mean": vals.mean("replicate"),
            "sd": vals.std("replicate", ddof=1)
            if self.n_replicates > 1
            else vals.mean("replicate") * np.nan,
            "lower": _quantile(vals, lo),
            "upper": _quantile(vals, hi),
            "selection_frequency": nonzero.mean("replicate"),
            "sign_agreement": (np.maximum(n_pos, n_neg) / n_nonzero.where(n_nonzero > 0)),
        }
        if self.scheme == "permuted_labels":
            exceed = (np.abs(vals) >= np.abs(self.reference.values)).sum("replicate")
            stats["null_p_value"] = (1 + exceed) / (1 + self.n_replicates)
        table = xr.Dataset(stats)
        if table.chunks:
            # lazy (on-disk) replicates: one pass over the chunks computes every statistic
            table = table.compute()
        table = table.to_dataframe()
        table = table[list(stats)]
        if vals.dims != ("replicate", "feature"):
            return table.reset_index()
        ranks = self.ranks()
        table["mean_rank"] = ranks.mean("replicate").to_numpy()
        table["rank_lower"] = _quantile(ranks, lo).to_numpy()
        table["rank_upper"] = _quantile(ranks, hi).to_numpy()
        return table.sort_values(["mean_rank", "selection_frequency"], ascending=[True, False])

    def ranks(self) -> xr.DataArray:
        """Rank of ``|value|`` per replicate, 1 = most important; ties share the mean rank."""
        from scipy.stats import rankdata

        vals = self.replicates.values
        if "feature" not in vals.dims:
            raise ValueError(f"ranks need a 'feature' dim, these values have dims {vals.dims}")
        axis = vals.dims.index("feature")
        ranked = rankdata(-np.abs(vals.to_numpy()), axis=axis, method="average")
        return vals.copy(data=ranked)

    def rank_agreement(self) -> float:
        """Mean Kendall tau-b between the feature rankings of all replicate pairs.

        1 means every replicate orders the features identically. Pairs where
        a replicate ranks every feature equal (tau undefined) are left out.
        """
        ranks = self.ranks().transpose("replicate", "feature").to_numpy()
        taus = kendall_tau_matrix(ranks)[np.triu_indices(len(ranks), k=1)]
        taus = taus[np.isfinite(taus)]
        return float(taus.mean()) if taus.size else float("nan")

    def prediction_summary(self, level: float | None = None) -> pd.DataFrame:
        """Per held-out row: observed value, mean, sd and interval of replicate predictions."""
        if self.predictions is None:
            raise ValueError("no predictions: pass X_eval to stability()")
        level = self.level if level is None else level
        preds = self.predictions
        frame = pd.DataFrame(
            {
                "observed": self.y_eval if self.y_eval is not None else np.nan,
                "mean": preds.mean("replicate").to_numpy(),
                "sd": preds.std("replicate", ddof=1).to_numpy(),
                "lower": preds.quantile((1 - level) / 2, "replicate").to_numpy(),
                "upper": preds.quantile(1 - (1 - level) / 2, "replicate").to_numpy(),
            },
            index=pd.Index(preds.coords["sample"].to_numpy(), name="sample"),
        )
        return frame

    def save(self, path: str | Path) -> Path:
        """Write everything (replicates, reference, predictions, info, extras) to one file.

        A zipped zarr store, no pickle; :func:`interpkit.load` reads it back
        exactly. Returns the written path.
        """
        from interpkit.persist import save

        return save(self, path)

    def _repr_html_(self) -> str:
        head = (
            f"<b>interpkit.StabilityResult</b> &mdash; <code>{self.replicates.method}</code>, "
            f"{self.n_replicates} {self.scheme} replicates, "
            f"{self.level:.0%} percentile intervals"
        )
        return f"<div>{head}</div>{self.summary().to_html(float_format=lambda v: f'{v:.4g}')}"

    def __repr__(self) -> str:
        return (
            f"<interpkit.StabilityResult {self.replicates.method!r}: {self.n_replicates} "
            f"{self.scheme} replicates, dims {self.replicates.dims}>"
        )


def _quantile(values: xr.DataArray, q: float) -> xr.DataArray:
    """Percentile over replicates, NaN-aware only when needed.

    xarray's NaN-skipping quantile loops over elements (15 s at p = 10,000);
    without NaN the plain one is vectorised and gives the same numbers.
    """
    skipna = bool(values.isnull().any())
    if not skipna:
        return values.quantile(q, "replicate").drop_vars("quantile")
    import warnings

    with warnings.catch_warnings():  # padding (e.g. categories of unequal count): NaN, quietly
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        return values.quantile(q, "replicate", skipna=True).drop_vars("quantile")


def kendall_tau_matrix(ranks: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """Kendall tau-b between every pair of rows of ``ranks`` (replicates x features).

    Equal to ``scipy.stats.kendalltau`` on each pair, computed for all pairs
    at once: with ``S[b, (i, j)] = sign(r_bi - r_bj)`` over feature pairs,
    tau_b(a, b) = S_a . S_b / sqrt(#nonzero S_a * #nonzero S_b). Feature
    pairs are processed in chunks so memory stays bounded at large p.
    """
    ranks = np.asarray(ranks, dtype=np.float64)
    n_rep, p = ranks.shape
    concord = np.zeros((n_rep, n_rep))
    untied = np.zeros(n_rep)
    i_all, j_all = np.triu_indices(p, k=1)
    for start in range(0, i_all.size, chunk):
        i, j = i_all[start : start + chunk], j_all[start : start + chunk]
        signs = np.sign(ranks[:, i] - ranks[:, j])
        concord += signs @ signs.T
        untied += np.count_nonzero(signs, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return concord / np.sqrt(np.outer(untied, untied))
