"""SAE features against concepts and between groups of inputs.

* :func:`concept_alignment`: for each concept direction (a CAV from
  :mod:`interpkit.representations`, a probe direction or any vector), the
  SAE decoder atom closest to it, and how close a random direction gets
  (exercise 19: a CAV is a direction chosen with labelled examples, an SAE
  atom one found without labels; do they meet?).
* :func:`compare_groups`: how often each SAE feature fires in two groups of
  inputs, with bootstrap intervals over inputs (exercise 18: what differs
  between the representations of two populations).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from interpkit.sae._inputs import Rows, as_rows, check_width
from interpkit.sae.model import SparseAutoencoder

__all__ = ["ConceptAlignment", "GroupComparison", "compare_groups", "concept_alignment"]


def _direction(obj: Any, name: str, d_in: int) -> np.ndarray:
    v = getattr(obj, "direction", obj)
    v = getattr(v, "values", v)  # a DataArray
    if type(v).__module__.startswith("torch"):
        v = v.detach().cpu().numpy()
    try:
        v = np.asarray(v, dtype=np.float64).ravel()
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"concept {name!r} must be a CAV, an object with .direction, or a vector"
        ) from err
    if v.shape != (d_in,):
        raise ValueError(
            f"concept {name!r} has {v.size} units but the SAE has d_in={d_in}; "
            "use a CAV computed on the layer the SAE was trained on"
        )
    norm = np.linalg.norm(v)
    if not np.isfinite(norm) or norm == 0:
        raise ValueError(f"concept {name!r} is zero or not finite")
    return v / norm


@dataclass(frozen=True, eq=False)
class ConceptAlignment:
    """Each concept's best-matching SAE atom.

    Attributes
    ----------
    table : DataFrame
        One row per concept: ``feature`` (the atom with the largest cosine),
        ``cosine``, ``runner_up`` (second-largest cosine), ``null_q95`` (the
        95th percentile of the best cosine a random unit direction reaches
        with the same atoms) and ``p_value`` (share of random directions at
        least as close, with +1 smoothing).
    cosines : DataFrame
        Concepts x features, every cosine.
    params : dict
    """

    table: pd.DataFrame
    cosines: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        from interpkit.plots import sae as sae_plots

        title = title or "Concepts vs SAE atoms"
        report.add_figure(sae_plots.concept_alignment(self), caption=title)
        report.add_table(
            self.table,
            caption=f"{title}: each concept's closest decoder atom; null: "
            f"{self.params['n_null']} random unit directions",
        )
        report.add_provenance(title, {"method": "SAE concept alignment", **self.params})


def concept_alignment(
    sae: SparseAutoencoder,
    concepts: Mapping[str, Any] | Any,
    *,
    n_null: int = 2000,
    random_state: int = 0,
) -> ConceptAlignment:
    """Cosine between each concept direction and its best-matching SAE decoder atom.

    Parameters
    ----------
    sae : SparseAutoencoder
    concepts : mapping of name -> CAV / direction, or one CAV / vector
        CAVs (``interpkit.representations.fastcav``), anything with a
        ``direction`` attribute, or vectors of length ``d_in``.
    n_null : int
        Random unit directions for the null of the best cosine.
    random_state : int
    """
    if not isinstance(sae, SparseAutoencoder):
        raise TypeError(f"concept_alignment() takes a SparseAutoencoder, got {type(sae).__name__}")
    if not isinstance(n_null, int) or n_null < 1:
        raise ValueError(f"n_null must be a positive integer, got {n_null!r}")
    if not isinstance(concepts, Mapping):
        concepts = {"concept": concepts}
    if not concepts:
        raise ValueError("concepts is empty")
    names = [str(n) for n in concepts]
    V = np.stack(
        [_direction(v, n, sae.d_in) for n, v in zip(names, concepts.values(), strict=True)]
    )
    atoms = sae.atoms
    cos = V @ atoms.T
    rng = np.random.default_rng(random_state)
    R = rng.normal(size=(n_null, sae.d_in))
    R /= np.linalg.norm(R, axis=1, keepdims=True)
    null_best = (R @ atoms.T).max(axis=1)
    order = np.argsort(-cos, axis=1)
    best = cos[np.arange(len(V)), order[:, 0]]
    runner = cos[np.arange(len(V)), order[:, 1]] if sae.d_sae > 1 else np.full(len(V), np.nan)
    p = [(1 + np.sum(null_best >= b)) / (1 + n_null) for b in best]
    table = pd.DataFrame(
        {
            "feature": order[:, 0],
            "cosine": best,
            "runner_up": runner,
            "null_q95": float(np.quantile(null_best, 0.95)),
            "p_value": p,
        },
        index=pd.Index(names, name="concept"),
    )
    cosines = pd.DataFrame(cos, index=table.index, columns=pd.RangeIndex(sae.d_sae, name="feature"))
    params = {"n_null": n_null, "random_state": random_state, "sae": dict(sae.params)}
    return ConceptAlignment(table, cosines, params)


@dataclass(frozen=True, eq=False)
class GroupComparison:
    """How often each SAE feature fires in two groups, with bootstrap intervals.

    Attributes
    ----------
    table : DataFrame
        One row per feature (index ``feature``), sorted by ``|difference|``:
        ``freq_a``, ``freq_b`` (share of the group's rows where the feature is
        active), their intervals ``a_lower``..``b_upper``, ``difference``
        (b - a) with ``lower``/``upper``, and ``excludes_zero``.
    names : tuple of str
        The groups' names.
    level : float
    params : dict
    """

    table: pd.DataFrame
    names: tuple[str, str]
    level: float
    params: dict[str, Any] = field(default_factory=dict)

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        from interpkit.plots import sae as sae_plots

        a, b = self.names
        title = title or f"SAE feature frequencies: {b} vs {a}"
        report.add_figure(sae_plots.group_frequencies(self), caption=title)
        report.add_table(
            self.table.head(30),
            caption=f"{title}: {self.level:.0%} bootstrap intervals over inputs "
            f"({self.params['n_boot']} replicates per group)",
        )
        report.add_provenance(title, {"method": "SAE group comparison", **self.params})


def _per_sample(rows: Rows, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Active counts (n_samples, d_sae) and rows per sample (n_samples,)."""
    counts = np.zeros((rows.n_samples, active.shape[1]))
    np.add.at(counts, rows.sample, active)
    n_rows = np.bincount(rows.sample, minlength=rows.n_samples).astype(float)
    keep = n_rows > 0
    return counts[keep], n_rows[keep]


def _boot(counts: np.ndarray, n_rows: np.ndarray, n_boot: int, rng: Any) -> np.ndarray:
    """Frequencies (n_boot, d_sae) over inputs resampled with replacement."""
    n = len(n_rows)
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    return (weights @ counts) / (weights @ n_rows)[:, None]


def compare_groups(
    sae: SparseAutoencoder,
    group_a: Any,
    group_b: Any,
    *,
    layer: str | int | None = None,
    names: tuple[str, str] = ("a", "b"),
    n_boot: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> GroupComparison:
    """Per-feature firing frequency in two groups of inputs, with bootstrap intervals.

    Parameters
    ----------
    sae : SparseAutoencoder
    group_a, group_b : array-like, tensor or Activations
        Activations of the two groups (same layer as the SAE). Per-token
        activations count rows (tokens); the bootstrap resamples inputs
        (whole texts), never single tokens of one text.
    layer : str or int, optional
    names : (str, str)
    n_boot : int
        Bootstrap replicates per group (groups resampled independently).
    level : float
        Interval level (percentile intervals).
    random_state : int
    """
    if not isinstance(sae, SparseAutoencoder):
        raise TypeError(f"compare_groups() takes a SparseAutoencoder, got {type(sae).__name__}")
    if not isinstance(n_boot, int) or n_boot < 2:
        raise ValueError(f"n_boot must be an integer of at least 2, got {n_boot!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    if len(names) != 2 or names[0] == names[1]:
        raise ValueError(f"names must be two different labels, got {names!r}")
    rng = np.random.default_rng(random_state)
    freqs, boots = [], []
    for label, group in zip(names, (group_a, group_b), strict=True):
        rows = as_rows(group, layer, name=f"group {label!r}")
        check_width(rows, sae.d_in, name=f"group {label!r}")
        if rows.n_samples < 2:
            raise ValueError(f"group {label!r} has {rows.n_samples} input; need at least 2")
        counts, n_rows = _per_sample(rows, sae.encode_rows(rows.x) > 0)
        freqs.append(counts.sum(axis=0) / n_rows.sum())
        boots.append(_boot(counts, n_rows, n_boot, rng))
    tail = (1 - level) / 2
    q = [tail, 1 - tail]
    diff = boots[1] - boots[0]
    lo_a, hi_a = np.quantile(boots[0], q, axis=0)
    lo_b, hi_b = np.quantile(boots[1], q, axis=0)
    lo, hi = np.quantile(diff, q, axis=0)
    table = pd.DataFrame(
        {
            "freq_a": freqs[0],
            "a_lower": lo_a,
            "a_upper": hi_a,
            "freq_b": freqs[1],
            "b_lower": lo_b,
            "b_upper": hi_b,
            "difference": freqs[1] - freqs[0],
            "lower": lo,
            "upper": hi,
            "excludes_zero": (lo > 0) | (hi < 0),
        },
        index=pd.RangeIndex(sae.d_sae, name="feature"),
    )
    table = table.iloc[np.argsort(-np.abs(table["difference"].to_numpy()), kind="stable")]
    params = {"n_boot": n_boot, "level": level, "random_state": random_state, "names": names}
    return GroupComparison(table, (str(names[0]), str(names[1])), level, params)
