"""How sure is a CAV? The bootstrap of its concept set, and FastCAV against SGD.

* :func:`cav_bootstrap`: CAVs refit on bootstrap resamples of the concept (and
  random) examples: their cosine with the CAV on all examples, their mean
  pairwise cosine, and a percentile interval of the TCAV score.
* :func:`cav_agreement`: two CAV methods on the same examples (by default
  FastCAV and the SGD CAV): the cosine between them, their TCAV scores and the
  difference, and the ratio of their training times.

>>> import numpy as np
>>> from interpkit.representations import cav_agreement
>>> rng = np.random.default_rng(0)
>>> concept, random = rng.normal(size=(40, 5)) + [2, 0, 0, 0, 0], rng.normal(size=(40, 5))
>>> bool(cav_agreement(concept, random, random_state=0)["cosine"] > 0.9)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from sklearn.utils import check_random_state

from interpkit.representations.concepts import CAV, METHODS, _fit_cav, _pair, tcav_score

__all__ = ["CAVBootstrap", "cav_agreement", "cav_bootstrap"]


@dataclass(frozen=True, eq=False)
class CAVBootstrap:
    """CAVs refit on bootstrap resamples of the concept and random sets.

    Attributes
    ----------
    reference : CAV
        The CAV on all examples.
    cavs : DataArray, dims ("replicate", "unit")
    cosines : DataArray, dims ("replicate",)
        Cosine of each replicate CAV with ``reference``.
    scores : DataArray or None, dims ("replicate",)
        TCAV score of each replicate (when gradients were given).
    reference_score : float
        TCAV score of ``reference`` (NaN without gradients).
    level : float
    """

    reference: CAV
    cavs: xr.DataArray
    cosines: xr.DataArray
    scores: xr.DataArray | None
    reference_score: float
    level: float
    meta: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> pd.Series:
        """Cosines (with the reference, pairwise), score and its percentile interval."""
        alpha = (1 - self.level) / 2
        V = self.cavs.values
        pairwise = (V @ V.T)[np.triu_indices(len(V), 1)]
        row = {
            "method": self.reference.method,
            "n_boot": len(V),
            "cosine_mean": float(self.cosines.mean()),
            "cosine_lower": float(np.quantile(self.cosines.values, alpha)),
            "pairwise_cosine": float(pairwise.mean()) if len(pairwise) else np.nan,
            "tcav_score": self.reference_score,
            "score_lower": np.nan,
            "score_upper": np.nan,
        }
        if self.scores is not None:
            row["score_lower"] = float(np.quantile(self.scores.values, alpha))
            row["score_upper"] = float(np.quantile(self.scores.values, 1 - alpha))
        return pd.Series(row)


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def _gradients(gradients: Any, n_units: int) -> np.ndarray | None:
    if gradients is None:
        return None
    G = np.asarray(gradients, dtype=float)
    if G.ndim != 2 or G.shape[1] != n_units or len(G) == 0:
        raise ValueError(
            f"gradients must be (n_inputs >= 1, {n_units}) to match the concept's units, "
            f"got shape {G.shape}"
        )
    return G


def cav_bootstrap(
    concept: Any,
    random: Any,
    *,
    gradients: Any = None,
    layer: str | int | None = None,
    method: str = "fastcav",
    n_boot: int = 50,
    level: float = 0.95,
    random_state: Any = None,
) -> CAVBootstrap:
    """Refit the CAV on ``n_boot`` resamples (with replacement) of both example sets.

    Parameters
    ----------
    concept, random : array-like (n, n_units) or Activations (with ``layer``)
    gradients : array-like (n_inputs, n_units), optional
        From :func:`layer_gradients`; gives each replicate's TCAV score.
    layer : str or int, optional
    method : {"fastcav", "sgd", "captum"}
    n_boot : int
        Replicates (at least 2).
    level : float
        Of the percentile intervals in :meth:`CAVBootstrap.summary`.
    random_state : int, optional
        The same seed gives the same replicates.
    """
    _check_method(method)
    if not isinstance(n_boot, int | np.integer) or n_boot < 2:
        raise ValueError(f"n_boot must be an integer >= 2, got {n_boot!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    C, R = _pair(concept, random, layer)
    G = _gradients(gradients, C.shape[1])
    rng = check_random_state(random_state)
    reference = _fit_cav(C, R, method, int(rng.randint(2**31 - 1)))
    v0 = reference.direction.values
    cavs, scores = [], []
    for _ in range(n_boot):
        ic = rng.randint(0, len(C), len(C))
        ir = rng.randint(0, len(R), len(R))
        cav = _fit_cav(C[ic], R[ir], method, int(rng.randint(2**31 - 1)))
        cavs.append(cav.direction.values)
        if G is not None:
            scores.append(tcav_score(G, cav))
    V = np.stack(cavs)
    rep = {"replicate": np.arange(n_boot)}
    return CAVBootstrap(
        reference=reference,
        cavs=xr.DataArray(V, dims=("replicate", "unit"), coords=rep),
        cosines=xr.DataArray(V @ v0, dims=("replicate",), coords=rep),
        scores=None if G is None else xr.DataArray(scores, dims=("replicate",), coords=rep),
        reference_score=np.nan if G is None else tcav_score(G, reference),
        level=level,
        meta={"n_concept": len(C), "n_random": len(R), "random_state": random_state},
    )


def cav_agreement(
    concept: Any,
    random: Any,
    *,
    gradients: Any = None,
    layer: str | int | None = None,
    methods: Sequence[str] = ("fastcav", "sgd"),
    random_state: Any = None,
) -> pd.Series:
    """Two CAV methods on the same examples: cosine, TCAV scores, their difference, speed.

    Returns
    -------
    Series
        ``cosine``, ``score_<a>``, ``score_<b>``, ``score_difference`` (a − b;
        NaN without ``gradients``), ``seconds_<a>``, ``seconds_<b>`` and
        ``speed_ratio`` (seconds of b / seconds of a: how many times faster a is).
    """
    if len(methods) != 2 or methods[0] == methods[1]:
        raise ValueError(f"methods must name two different CAV methods, got {methods!r}")
    for method in methods:
        _check_method(method)
    C, R = _pair(concept, random, layer)
    G = _gradients(gradients, C.shape[1])
    seed = int(check_random_state(random_state).randint(2**31 - 1))
    a, b = (_fit_cav(C, R, method, seed) for method in methods)
    score_a = np.nan if G is None else tcav_score(G, a)
    score_b = np.nan if G is None else tcav_score(G, b)
    ma, mb = methods
    return pd.Series(
        {
            "cosine": a.cosine(b),
            f"score_{ma}": score_a,
            f"score_{mb}": score_b,
            "score_difference": score_a - score_b,
            f"accuracy_{ma}": a.accuracy,
            f"accuracy_{mb}": b.accuracy,
            f"seconds_{ma}": a.seconds,
            f"seconds_{mb}": b.seconds,
            "speed_ratio": b.seconds / a.seconds if a.seconds > 0 else np.inf,
        }
    )
