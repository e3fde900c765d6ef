"""Concept activation vectors: FastCAV, SGD CAVs, TCAV scores and their significance.

* :func:`fastcav`: the normalised difference of the concept and random class
  means (Schmalwasser et al. 2025): no training, so tens of times faster.
* :func:`sgd_cav`: the normal of a linear classifier (scikit-learn
  ``SGDClassifier``, hinge loss, alpha 0.01, as in Kim et al. 2018's code)
  separating concept from random activations.
* :func:`captum_cav`: the CAV Captum's ``captum.concept`` classifier trains
  (its ``DefaultClassifier``), on the same activations, seeded.
* :func:`tcav_score`: the share of inputs whose directional derivative along
  the CAV is positive (gradients from :func:`layer_gradients`).
* :func:`tcav`: CAVs against ``n_random`` random sets, and random-vs-random
  CAVs as the null; a two-sided t-test on the two sets of TCAV scores.

>>> import numpy as np
>>> from interpkit.representations import fastcav
>>> rng = np.random.default_rng(0)
>>> concept = rng.normal(size=(30, 4)) + [3, 0, 0, 0]
>>> cav = fastcav(concept, rng.normal(size=(30, 4)), random_state=0)
>>> bool(cav.direction.values[0] > 0.9)
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from interpkit.representations._gradients import layer_gradients
from interpkit.representations.activations import Activations

__all__ = [
    "CAV",
    "TCAVResult",
    "captum_cav",
    "fastcav",
    "layer_gradients",
    "sgd_cav",
    "tcav",
    "tcav_score",
]

METHODS = ("fastcav", "sgd", "captum")


@dataclass(frozen=True, eq=False)
class CAV:
    """A concept activation vector.

    Attributes
    ----------
    direction : DataArray, dims ("unit",)
        Unit vector pointing from the random towards the concept activations.
    accuracy : float
        Held-out accuracy of telling concept from random along it (a CAV
        refit on a stratified 70 % split, scored on the rest).
    method : "fastcav", "sgd" or "captum"
    n_concept, n_random : int
    seconds : float
        Time to compute the direction on all examples.
    """

    direction: xr.DataArray
    accuracy: float
    method: str
    n_concept: int
    n_random: int
    seconds: float
    meta: dict[str, Any] = field(default_factory=dict)

    def cosine(self, other: CAV | Any) -> float:
        """Cosine with another CAV or a vector."""
        v = other.direction.values if isinstance(other, CAV) else np.asarray(other, float)
        return float(self.direction.values @ v / np.linalg.norm(v))


def _as_examples(x: Any, layer: str | int | None, name: str) -> np.ndarray:
    if isinstance(x, Activations):
        if layer is None:
            raise ValueError(f"{name} is an Activations result: say which layer= to use")
        x = x.layer(layer)
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be (n_examples, n_units), got shape {arr.shape}")
    if len(arr) == 0:
        raise ValueError(f"{name} is empty: a concept needs examples")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} has NaN or infinite values")
    return arr


def _pair(concept: Any, random: Any, layer: Any) -> tuple[np.ndarray, np.ndarray]:
    C = _as_examples(concept, layer, "the concept set")
    R = _as_examples(random, layer, "the random set")
    if C.shape[1] != R.shape[1]:
        raise ValueError(f"concept has {C.shape[1]} units and random {R.shape[1]}")
    if len(C) < 2 or len(R) < 2:
        raise ValueError("a CAV needs at least 2 concept and 2 random examples")
    return C, R


def _mean_direction(C: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, float]:
    diff = C.mean(axis=0) - R.mean(axis=0)
    norm = np.linalg.norm(diff)
    if norm == 0:
        raise ValueError("concept and random sets have the same mean: no direction")
    v = diff / norm
    # threshold halfway between the projected class means
    return v, float(v @ (C.mean(axis=0) + R.mean(axis=0)) / 2)


def _sgd_direction(C: np.ndarray, R: np.ndarray, seed: int) -> tuple[np.ndarray, float]:
    X = np.vstack([C, R])
    y = np.r_[np.ones(len(C)), np.zeros(len(R))]
    clf = SGDClassifier(alpha=0.01, max_iter=1000, tol=1e-3, random_state=seed).fit(X, y)
    w = clf.coef_.ravel()
    norm = np.linalg.norm(w)
    if norm == 0:
        raise ValueError("the linear classifier found no direction (all weights 0)")
    return w / norm, float(-clf.intercept_[0] / norm)


def _fit_cav(C: np.ndarray, R: np.ndarray, method: str, seed: int) -> CAV:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "captum":
        from interpkit.representations._captum_cav import captum_direction

        direction: Any = captum_direction
    else:
        direction = _mean_direction if method == "fastcav" else _sgd_direction
    args = () if method == "fastcav" else (seed,)
    start = time.perf_counter()
    v, _ = direction(C, R, *args)
    seconds = time.perf_counter() - start
    X = np.vstack([C, R])
    y = np.r_[np.ones(len(C)), np.zeros(len(R))]
    accuracy = np.nan
    if min(len(C), len(R)) >= 4:
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
        vt, threshold = direction(Xtr[ytr == 1], Xtr[ytr == 0], *args)
        accuracy = float(np.mean((Xte @ vt > threshold) == (yte == 1)))
    return CAV(
        xr.DataArray(v, dims=("unit",), name="cav"),
        accuracy,
        method,
        len(C),
        len(R),
        seconds,
        {"seed": seed},
    )


def fastcav(
    concept: Any, random: Any, *, layer: str | int | None = None, random_state: Any = None
) -> CAV:
    """FastCAV: the normalised difference of class means, (μ_C − μ_R) / ‖μ_C − μ_R‖.

    Parameters
    ----------
    concept, random : array-like (n, n_units) or Activations (with ``layer``)
        Activations of concept examples and of random examples.
    layer : str or int, optional
    random_state : int, optional
        For the held-out accuracy split only; the direction is deterministic.
    """
    C, R = _pair(concept, random, layer)
    return _fit_cav(C, R, "fastcav", int(check_random_state(random_state).randint(2**31 - 1)))


def sgd_cav(
    concept: Any, random: Any, *, layer: str | int | None = None, random_state: Any = None
) -> CAV:
    """CAV as the normal of scikit-learn's SGDClassifier (concept = 1, random = 0)."""
    C, R = _pair(concept, random, layer)
    return _fit_cav(C, R, "sgd", int(check_random_state(random_state).randint(2**31 - 1)))


def captum_cav(
    concept: Any, random: Any, *, layer: str | int | None = None, random_state: Any = None
) -> CAV:
    """CAV from Captum's ``captum.concept`` classifier (the one ``captum.concept.TCAV`` trains).

    Captum's ``DefaultClassifier`` (scikit-learn ``SGDClassifier``, alpha 0.01,
    fit on a random 67 % of the examples), seeded by ``random_state``; the same
    seed gives the same CAV as Captum's ``TCAV`` run with
    ``classifier=interpkit.representations._captum_cav.seeded_classifier(seed)``.
    """
    C, R = _pair(concept, random, layer)
    return _fit_cav(C, R, "captum", int(check_random_state(random_state).randint(2**31 - 1)))


def tcav_score(gradients: Any, cav: CAV | Any) -> float:
    """Share of inputs whose directional derivative along ``cav`` is positive.

    ``gradients`` is (n_inputs, n_units), e.g. from :func:`layer_gradients`.
    """
    G = np.asarray(gradients, dtype=float)
    v = cav.direction.values if isinstance(cav, CAV) else np.asarray(cav, dtype=float)
    if G.ndim != 2 or G.shape[1] != len(v):
        raise ValueError(f"gradients of shape {G.shape} do not match a CAV of {len(v)} units")
    if len(G) == 0:
        raise ValueError("gradients is empty")
    return float(np.mean(G @ v > 0))


@dataclass(frozen=True, eq=False)
class TCAVResult:
    """TCAV scores of a concept against random concepts, with a two-sided t-test.

    Attributes
    ----------
    concept_scores, random_scores : DataArray, dims ("run",)
        TCAV score of the concept CAV against random set r, and of a
        random-vs-random CAV (set r' against set r).
    cavs : DataArray, dims ("run", "unit")
        The concept CAVs; their mean pairwise cosine is in ``summary()``.
    accuracies, random_accuracies : DataArray, dims ("run",)
    t_statistic, p_value : float
        ``scipy.stats.ttest_ind`` of concept vs random scores, two-sided.
    method : str
    seconds : float
        Total time computing CAV directions.
    level : float
    """

    concept_scores: xr.DataArray
    random_scores: xr.DataArray
    cavs: xr.DataArray
    accuracies: xr.DataArray
    random_accuracies: xr.DataArray
    t_statistic: float
    p_value: float
    method: str
    seconds: float
    level: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return float(self.concept_scores.mean())

    def summary(self) -> pd.Series:
        scores = self.concept_scores.values
        alpha = (1 - self.level) / 2
        V = self.cavs.values
        cos = V @ V.T
        mean_cos = float(cos[np.triu_indices(len(V), 1)].mean()) if len(V) > 1 else np.nan
        return pd.Series(
            {
                "method": self.method,
                "tcav_score": self.score,
                "lower": float(np.quantile(scores, alpha)),
                "upper": float(np.quantile(scores, 1 - alpha)),
                "random_mean": float(self.random_scores.mean()),
                "random_sd": float(self.random_scores.std(ddof=1)),
                "t_statistic": self.t_statistic,
                "p_value": self.p_value,
                "cav_accuracy": float(self.accuracies.mean()),
                "cav_cosine": mean_cos,
                "n_runs": len(scores),
                "seconds": self.seconds,
            }
        )

    def plot(self) -> Any:
        from interpkit.plots.representations import tcav_significance

        return tcav_significance(self)


def _random_sets(
    random: Any, n_concept: int, n_random: int, layer: Any, rng: np.random.RandomState
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(negative set, random 'concept' set) per run, each the concept set's size."""
    if isinstance(random, list | tuple):
        sets = [_as_examples(r, layer, f"random set {k}") for k, r in enumerate(random)]
        sizes = {len(s) for s in sets}
        if sizes != {n_concept}:
            raise ValueError(
                f"random sets have sizes {sorted(sizes)}; the test needs each the size of the "
                f"concept set ({n_concept})"
            )
        if len(sets) < 2:
            raise ValueError("give at least 2 random sets (the test needs random-vs-random CAVs)")
        return [(sets[r], sets[(r + 1) % len(sets)]) for r in range(len(sets))]
    pool = _as_examples(random, layer, "the random pool")
    if len(pool) < 2 * n_concept:
        raise ValueError(
            f"the random pool has {len(pool)} examples; each run draws two disjoint random sets "
            f"of the concept set's size ({n_concept}), so it needs at least {2 * n_concept}"
        )
    runs = []
    for _ in range(n_random):
        order = rng.permutation(len(pool))
        runs.append((pool[order[:n_concept]], pool[order[n_concept : 2 * n_concept]]))
    return runs


def tcav(
    gradients: Any,
    concept: Any,
    random: Any,
    *,
    layer: str | int | None = None,
    method: str = "fastcav",
    n_random: int = 20,
    level: float = 0.95,
    random_state: Any = None,
) -> TCAVResult:
    """TCAV score of a concept and its test against random concepts (Kim et al. 2018).

    Run r trains the concept CAV against random set r and a random CAV (another
    random set against set r); each is scored with :func:`tcav_score` on
    ``gradients``. A two-sided t-test compares the concept's scores with the
    random ones.

    Parameters
    ----------
    gradients : array-like, shape (n_inputs, n_units)
        From :func:`layer_gradients` on the inputs of the class of interest.
    concept : array-like (n_concept, n_units) or Activations
    random : array-like pool (>= 2 n_concept examples, two disjoint sets drawn
        per run) or a list of random sets, each of size n_concept (one run each).
    layer : str or int, optional
        When ``concept``/``random`` are Activations.
    method : {"fastcav", "sgd", "captum"}
    n_random : int
        Runs when ``random`` is a pool (at least 20 recommended; at least 2).
    level : float
        For the interval of the concept's score over runs.
    random_state : int, optional
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    C = _as_examples(concept, layer, "the concept set")
    G = np.asarray(gradients, dtype=float)
    if G.ndim != 2 or G.shape[1] != C.shape[1]:
        raise ValueError(f"gradients of shape {G.shape} do not match {C.shape[1]} units")
    if n_random < 2:
        raise ValueError(f"n_random must be at least 2, got {n_random}")
    rng = check_random_state(random_state)
    runs = _random_sets(random, len(C), n_random, layer, rng)
    seeds = rng.randint(0, 2**31 - 1, size=len(runs))
    concept_cavs = [
        _fit_cav(C, neg, method, int(s)) for (neg, _), s in zip(runs, seeds, strict=True)
    ]
    random_cavs = [
        _fit_cav(pos, neg, method, int(s)) for (neg, pos), s in zip(runs, seeds, strict=True)
    ]
    scores = np.array([tcav_score(G, cav) for cav in concept_cavs])
    null = np.array([tcav_score(G, cav) for cav in random_cavs])
    if np.ptp(np.r_[scores, null]) == 0:
        t_stat, p_value = np.nan, 1.0
    else:
        test = stats.ttest_ind(scores, null)
        t_stat, p_value = float(test.statistic), float(test.pvalue)
    run = {"run": np.arange(len(runs))}
    return TCAVResult(
        concept_scores=xr.DataArray(scores, dims=("run",), coords=run),
        random_scores=xr.DataArray(null, dims=("run",), coords=run),
        cavs=xr.DataArray(
            np.stack([c.direction.values for c in concept_cavs]), dims=("run", "unit")
        ),
        accuracies=xr.DataArray([c.accuracy for c in concept_cavs], dims=("run",), coords=run),
        random_accuracies=xr.DataArray(
            [c.accuracy for c in random_cavs], dims=("run",), coords=run
        ),
        t_statistic=t_stat,
        p_value=p_value,
        method=method,
        seconds=float(sum(c.seconds for c in concept_cavs + random_cavs)),
        level=level,
        meta={"n_concept": len(C), "n_inputs": len(G), "random_state": random_state},
    )
