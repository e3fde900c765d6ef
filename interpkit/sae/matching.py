"""Do SAE features replicate across seeds? Decoder atoms matched by the Hungarian algorithm.

Two SAEs trained with different seeds are compared by pairing their decoder
atoms one-to-one so that the summed cosine similarity is largest
(:func:`scipy.optimize.linear_sum_assignment`). :func:`seed_stability`
trains one SAE per seed, matches every pair, and does the same on a null:
activations with the data's mean and covariance but no sparse structure
(``null="gaussian"``), every unit shuffled independently (``"shuffled"``), or
activations you give (e.g. the same model with random weights,
``interpkit.representations.activations(..., random_init=True)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from interpkit.sae._inputs import as_rows
from interpkit.sae.model import SparseAutoencoder

__all__ = ["NULLS", "AtomMatch", "SeedStability", "match_atoms", "null_rows", "seed_stability"]

NULLS = ("gaussian", "shuffled")
THRESHOLDS = (0.7, 0.9)


@dataclass(frozen=True, eq=False)
class AtomMatch:
    """A one-to-one pairing of the atoms of two dictionaries.

    Attributes
    ----------
    best : ndarray, shape (n_a,)
        Each atom of ``a``'s largest cosine with any atom of ``b`` (not one-to-one:
        two atoms of ``a`` may share their best atom of ``b``).
    partner : ndarray of int, shape (n_a,)
        The atom of ``b`` paired with each atom of ``a`` (-1 when ``b`` has
        fewer atoms and this one is left out).
    cosine : ndarray, shape (n_a,)
        Cosine similarity of each pair (NaN when unpaired).
    """

    partner: np.ndarray
    cosine: np.ndarray
    best: np.ndarray

    def share_above(self, threshold: float) -> float:
        """Share of ``a``'s atoms whose partner has cosine above ``threshold``."""
        return float(np.mean(np.nan_to_num(self.cosine, nan=-1.0) > threshold))


def _atoms(obj: Any, name: str) -> np.ndarray:
    if isinstance(obj, SparseAutoencoder):
        return obj.atoms
    if type(obj).__module__.startswith("torch"):
        obj = obj.detach().cpu().numpy()
    arr = np.asarray(obj, dtype=np.float64)
    if arr.ndim != 2 or not np.isfinite(arr).all():
        raise ValueError(f"{name} must be a SparseAutoencoder or a finite (n_atoms, d_in) array")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    if (norms == 0).any():
        raise ValueError(f"{name} has an all-zero atom; its cosine is undefined")
    return arr / norms


def match_atoms(a: Any, b: Any) -> AtomMatch:
    """Pair the decoder atoms of ``a`` and ``b`` one-to-one, maximising total cosine.

    ``a`` and ``b`` are SparseAutoencoders or arrays ``(n_atoms, d_in)`` of
    directions (normalised here).
    """
    from scipy.optimize import linear_sum_assignment

    wa, wb = _atoms(a, "a"), _atoms(b, "b")
    if wa.shape[1] != wb.shape[1]:
        raise ValueError(
            f"a has atoms of width {wa.shape[1]} and b of width {wb.shape[1]}; "
            "match SAEs trained on the same layer"
        )
    cos = wa @ wb.T
    rows, cols = linear_sum_assignment(cos, maximize=True)
    partner = np.full(len(wa), -1)
    cosine = np.full(len(wa), np.nan)
    partner[rows] = cols
    cosine[rows] = cos[rows, cols]
    return AtomMatch(partner, cosine, cos.max(axis=1))


@dataclass(frozen=True, eq=False)
class SeedStability:
    """SAEs trained with several seeds, their atoms matched pair by pair.

    Attributes
    ----------
    seeds : list of int
    saes : list of SparseAutoencoder
        One per seed, on the data.
    cosines : DataFrame
        One row per (seed pair, feature of the first SAE): ``seed_a``,
        ``seed_b``, ``feature``, ``partner``, ``cosine`` (of the one-to-one pair),
        ``best_cosine`` (the largest cosine with any atom of the other SAE), ``live``
        (the feature fires on some training row).
    null : str or None
        What the null SAEs were trained on.
    null_saes : list of SparseAutoencoder
    null_cosines : DataFrame or None
        The same for the null SAEs.
    params : dict
    """

    seeds: list[int]
    saes: list[SparseAutoencoder]
    cosines: pd.DataFrame
    null: str | None = None
    null_saes: list[SparseAutoencoder] = field(default_factory=list)
    null_cosines: pd.DataFrame | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def summary(self, thresholds: Sequence[float] = THRESHOLDS) -> pd.DataFrame:
        """Per data/null: share of features matched above each threshold (mean, min, max over
        seed pairs), the same share among live features (those of the first SAE of a pair
        that fire on some training row: dead atoms stay near their random start and match
        nothing), and the median matched and best cosines."""
        out = []
        for label, table in (("data", self.cosines), (f"null: {self.null}", self.null_cosines)):
            if table is None:
                continue
            pairs = table.groupby(["seed_a", "seed_b"])["cosine"]
            row: dict[str, Any] = {"activations": label, "pairs": pairs.ngroups}
            for t in thresholds:
                share = pairs.apply(lambda c, t=t: float(np.mean(c.fillna(-1) > t)))
                row[f"share > {t:g}"] = share.mean()
                row[f"share > {t:g} min"] = share.min()
                row[f"share > {t:g} max"] = share.max()
            live = table[table["live"]].groupby(["seed_a", "seed_b"])["cosine"]
            row["live features"] = live.size().mean() if live.ngroups else 0.0
            for t in thresholds:
                share = live.apply(lambda c, t=t: float(np.mean(c.fillna(-1) > t)))
                row[f"share > {t:g} (live)"] = share.mean() if live.ngroups else np.nan
            row["median cosine"] = float(table["cosine"].median())
            row["median best cosine"] = float(table["best_cosine"].median())
            out.append(row)
        return pd.DataFrame(out).set_index("activations")

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        from interpkit.plots import sae as sae_plots

        title = title or f"SAE seed stability ({len(self.seeds)} seeds)"
        report.add_figure(sae_plots.seed_matching(self), caption=f"{title}: matched cosines")
        report.add_table(
            self.summary(),
            caption=f"{title}: atoms paired one-to-one (Hungarian algorithm on cosine) for "
            "every pair of seeds; min and max over pairs.",
        )
        report.add_provenance(title, {"method": "SAE seed stability", **self.params})


def null_rows(x: np.ndarray, kind: str, random_state: int) -> np.ndarray:
    """Null activations for ``x`` (n_rows, d_in): Gaussian with its mean and covariance, or
    every unit permuted independently across rows."""
    rng = np.random.default_rng(random_state)
    x = np.asarray(x, dtype=np.float64)
    if kind == "gaussian":
        cov = np.cov(x, rowvar=False).reshape(x.shape[1], x.shape[1])
        return rng.multivariate_normal(x.mean(axis=0), cov, size=len(x), method="eigh")
    if kind == "shuffled":
        return np.column_stack([rng.permutation(col) for col in x.T])
    raise ValueError(f"null must be one of {NULLS}, activations, or None; got {kind!r}")


def _live(sae: SparseAutoencoder, x: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Features that fire on at least one of the rows ``x``."""
    live = np.zeros(sae.d_sae, dtype=bool)
    for start in range(0, len(x), chunk):
        live |= (sae.encode_rows(x[start : start + chunk]) > 0).any(axis=0)
    return live


def _pair_table(seeds: list[int], saes: list[SparseAutoencoder], x: np.ndarray) -> pd.DataFrame:
    frames = []
    live = [_live(sae, x) for sae in saes]
    for (i, sa), (j, sb) in combinations(enumerate(saes), 2):
        m = match_atoms(sa, sb)
        frames.append(
            pd.DataFrame(
                {
                    "seed_a": seeds[i],
                    "seed_b": seeds[j],
                    "feature": np.arange(len(m.partner)),
                    "partner": m.partner,
                    "cosine": m.cosine,
                    "best_cosine": m.best,
                    "live": live[i],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _train_all(x: np.ndarray, seeds: list[int], n_jobs: int, kwargs: dict) -> list:
    from joblib import Parallel, delayed

    from interpkit.sae.train import train_sae

    def one(seed: int) -> SparseAutoencoder:
        return train_sae(x, random_state=seed, **kwargs)

    if n_jobs == 1:
        return [one(s) for s in seeds]
    # threads: torch releases the GIL; initial weights are drawn under a lock, so
    # every SAE equals its n_jobs=1 twin
    return Parallel(n_jobs=n_jobs, prefer="threads")(delayed(one)(s) for s in seeds)


def seed_stability(
    activations: Any,
    seeds: Sequence[int] = (0, 1, 2),
    *,
    layer: str | int | None = None,
    null: str | Any | None = "gaussian",
    null_layer: str | int | None = None,
    null_name: str = "given activations",
    random_state: int = 0,
    n_jobs: int = 1,
    **train_kwargs: Any,
) -> SeedStability:
    """Train an SAE per seed on ``activations`` (and on a null) and match atoms across seeds.

    Parameters
    ----------
    activations : array-like, tensor or Activations
        As for :func:`~interpkit.sae.train_sae`.
    seeds : sequence of int
        At least two distinct seeds.
    layer : str or int, optional
        The layer of an Activations result.
    null : {"gaussian", "shuffled"}, activations, or None
        ``"gaussian"``: rows drawn from a Gaussian with the data's mean and
        covariance (what an SAE finds from second-order structure alone);
        ``"shuffled"``: each unit permuted across rows; or null activations of
        the same width, e.g. of the random-init model.
    null_layer : str or int, optional
        The layer of a null Activations result (default: ``layer``).
    null_name : str
        How given null activations are labelled (e.g. ``"random-init model"``).
    random_state : int
        Seeds the generated null.
    n_jobs : int
        SAEs trained in parallel threads; results do not depend on it.
    **train_kwargs
        Passed to :func:`~interpkit.sae.train_sae` (kind, d_sae, k, l1, steps, ...).
    """
    seeds = [int(s) for s in seeds]
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be at least two distinct integers, got {seeds}")
    if "random_state" in train_kwargs or "output_dir" in train_kwargs:
        raise ValueError("seed_stability() sets random_state from seeds= and writes no files")
    if not isinstance(n_jobs, int) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero integer, got {n_jobs!r}")
    rows = as_rows(activations, layer)
    null_x, null_label = None, None
    if isinstance(null, str):
        null_x, null_label = null_rows(rows.x, null, random_state), null
    elif null is not None:
        null_r = as_rows(null, layer if null_layer is None else null_layer, name="null")
        if null_r.x.shape[1] != rows.x.shape[1]:
            raise ValueError(
                f"null activations have {null_r.x.shape[1]} units, the data {rows.x.shape[1]}; "
                "pass null activations of the same layer"
            )
        null_x, null_label = null_r.x, str(null_name)
    saes = _train_all(rows.x, seeds, n_jobs, train_kwargs)
    null_saes = [] if null_x is None else _train_all(null_x, seeds, n_jobs, train_kwargs)
    params = {
        "seeds": seeds,
        "null": null_label,
        "layer": rows.layer,
        "n_rows": int(len(rows.x)),
        "train": dict(saes[0].params, random_state=None),
    }
    return SeedStability(
        seeds,
        saes,
        _pair_table(seeds, saes, rows.x),
        null_label,
        null_saes,
        _pair_table(seeds, null_saes, null_x) if null_saes else None,
        params,
    )
