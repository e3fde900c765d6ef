"""Sanity checks for saliency maps (Adebayo et al., 2018).

A map that explains the model must change when the model is destroyed.
:func:`model_randomization` re-initialises the network layer by layer (from
the top down, from the input up, or one layer at a time) and measures how
similar each method's maps stay; :func:`data_randomization` retrains on
permuted labels. Both report the similarity between maps of unrelated inputs
as the reference for "no longer similar".
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from sklearn.utils import check_random_state

from interpkit.sanity.layers import CASCADES, parameter_layers, randomized, steps
from interpkit.sanity.result import SanityResult, summarise
from interpkit.sanity.similarity import METRICS, similarities

__all__ = ["data_randomization", "model_randomization"]


def model_randomization(
    explainers: Any,
    X: Any,
    *,
    cascade: str = "top_down",
    n_seeds: int = 1,
    top_k: int | float = 0.1,
    metric: str = "spearman_signed",
    threshold: float = 0.3,
    level: float = 0.95,
    n_maps: int = 4,
    random_state: int | None = None,
) -> SanityResult:
    """Model-parameter randomisation test of one or more fitted Captum explainers.

    Parameters
    ----------
    explainers : fitted CaptumExplainer, list of them, or dict name -> explainer
    X : rows or images to explain (several: the intervals run over them)
    cascade : {"top_down", "bottom_up", "independent"}
        Randomise the layers cumulatively from the output layer down, from
        the input layer up, or each layer alone.
    n_seeds : int
        Independent re-initialisations per step.
    top_k : int or float
        Features in the top-k overlap (a float is a share of the features).
    metric, threshold : the verdict
        A method passes when, with every layer randomised (cascades; the mean
        over layers for ``"independent"``), its mean ``metric`` is below
        ``threshold`` or within the null's interval.
    level : float
        Coverage of the intervals (quantiles over images and seeds).
    n_maps : int
        Maps kept per method and step in ``result.maps``.

    Returns
    -------
    SanityResult
    """
    named = _named(explainers)
    if cascade not in CASCADES:
        raise ValueError(f"cascade must be one of {CASCADES}, got {cascade!r}")
    seeds = check_random_state(random_state).randint(2**31 - 1, size=max(int(n_seeds), 1))
    records, maps, null = [], {}, []
    for name, ex in named.items():
        original, k = _maps(ex, X), _k(top_k, ex)
        kept = [original[:n_maps]]
        plan = steps(parameter_layers(ex.model_), cascade)
        for step, (layer, layers) in enumerate(plan, start=1):
            for s, seed in enumerate(seeds):
                rep = copy.copy(ex)
                rep.model_ = randomized(ex.model_, layers, int(seed) + step)
                rand = _maps(rep, X)
                if s == 0:
                    kept.append(rand[:n_maps])
                _record(records, name, cascade, step, layer, len(layers), s, original, rand, k)
        null.append(_null(name, original, k, int(seeds[0])))
        maps[name] = _stack(kept, ["original", *(lab for lab, _ in plan)], ex)
    return _result(records, null, maps, cascade, metric, threshold, level, int(n_seeds))


def data_randomization(
    explainers: Any,
    X: Any,
    *,
    n_seeds: int = 3,
    top_k: int | float = 0.1,
    metric: str = "spearman_signed",
    threshold: float = 0.3,
    level: float = 0.95,
    n_maps: int = 4,
    random_state: int | None = None,
) -> SanityResult:
    """Data randomisation test: retrain on permuted labels, compare the maps.

    Needs explainers fit with ``train=`` and ``model_factory=``: each seed
    permutes the training labels and retrains the network. Parameters as in
    :func:`model_randomization`.
    """
    named = _named(explainers)
    rng = check_random_state(random_state)
    seeds = rng.randint(2**31 - 1, size=max(int(n_seeds), 1))
    records, maps, null = [], {}, []
    for name, ex in named.items():
        if getattr(ex, "train", None) is None:
            raise ValueError(
                f"data randomisation retrains the network; "
                f"fit {name} with train= and model_factory="
            )
        original, k = _maps(ex, X), _k(top_k, ex)
        kept = [original[:n_maps]]
        for s, seed in enumerate(seeds):
            rep = copy.copy(ex)
            y = np.random.RandomState(seed).permutation(ex.y_fit_)
            rep.model_ = ex._train(ex.X_fit_, y, int(seed))
            rand = _maps(rep, X)
            if s == 0:
                kept.append(rand[:n_maps])
            _record(records, name, "data", 1, "permuted labels", 0, s, original, rand, k)
        null.append(_null(name, original, k, int(seeds[0])))
        maps[name] = _stack(kept, ["original", "permuted labels"], ex)
    return _result(records, null, maps, "data", metric, threshold, level, int(n_seeds))


# -- helpers -------------------------------------------------------------------------
def _named(explainers: Any) -> dict[str, Any]:
    if isinstance(explainers, Mapping):
        named = dict(explainers)
    elif isinstance(explainers, Sequence) and not isinstance(explainers, str):
        named = {}
        for ex in explainers:
            name = getattr(ex, "_method", type(ex).__name__)
            named[name if name not in named else f"{name}_{len(named)}"] = ex
    else:
        named = {getattr(explainers, "_method", type(explainers).__name__): explainers}
    for name, ex in named.items():
        if not hasattr(ex, "model_"):
            raise ValueError(f"{name}: pass fitted Captum explainers (call fit first)")
    return named


def _maps(ex: Any, X: Any) -> np.ndarray:
    return ex._explain_local(ex._check_rows(X)).to_numpy()


def _k(top_k: int | float, ex: Any) -> int:
    n = int(ex.n_features_in_)
    k = max(1, int(np.ceil(top_k * n))) if isinstance(top_k, float) else int(top_k)
    if not 1 <= k <= n:
        raise ValueError(f"top_k must select between 1 and {n} features, got {top_k!r}")
    return k


def _record(records, name, cascade, step, layer, n_layers, seed, a, b, k) -> None:
    for metric, vals in similarities(a, b, k).items():
        for i, v in enumerate(vals):
            records.append((name, cascade, step, layer, n_layers, seed, i, metric, float(v)))


def _null(name: str, original: np.ndarray, k: int, seed: int) -> pd.DataFrame:
    n = original.shape[0]
    if n < 2:
        raise ValueError("the null compares maps of different inputs: pass at least 2 rows")
    order = np.random.RandomState(seed).permutation(n)
    partner = np.empty(n, dtype=int)
    partner[order] = np.roll(order, 1)  # a derangement: nobody is paired with itself
    rows = [
        (name, metric, i, float(v))
        for metric, vals in similarities(original, original[partner], k).items()
        for i, v in enumerate(vals)
    ]
    return pd.DataFrame(rows, columns=["method", "metric", "sample", "value"])


def _stack(kept: list[np.ndarray], labels: list[str], ex: Any) -> xr.DataArray:
    arr = np.stack(kept)
    dims = ("step", "sample", "channel", "height", "width")[: arr.ndim]
    if arr.ndim == 3:
        dims = ("step", "sample", "feature")
    coords: dict[str, Any] = {"step": labels}
    if "feature" in dims:
        coords["feature"] = [str(f) for f in ex.feature_names_in_]
    return xr.DataArray(arr, dims=dims, coords=coords, name="attribution")


def _result(records, null, maps, cascade, metric, threshold, level, n_seeds) -> SanityResult:
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    cols = [
        "method",
        "cascade",
        "step",
        "layer",
        "n_randomized",
        "seed",
        "sample",
        "metric",
        "value",
    ]
    rec = pd.DataFrame(records, columns=cols)
    sim = summarise(rec, ["method", "cascade", "step", "layer", "n_randomized", "metric"], level)
    null_df = summarise(pd.concat(null), ["method", "metric"], level)
    verdicts, notes = {}, {}
    for method in maps:
        s = sim.query("method == @method and metric == @metric")
        final = s["mean"].mean() if cascade == "independent" else s.iloc[-1]["mean"]
        ref = null_df.query("method == @method and metric == @metric").iloc[0]
        ok = bool(final < threshold or final <= ref["upper"])
        verdicts[method] = "pass" if ok else "fail"
        notes[method] = (
            f"{metric} after randomisation {final:.2f} "
            f"{'below' if ok else 'above'} the threshold {threshold:g} / unrelated inputs' "
            f"{ref['mean']:.2f} (up to {ref['upper']:.2f})"
        )
    params = {"cascade": cascade, "metric": metric, "threshold": threshold, "level": level,
              "n_seeds": n_seeds}  # fmt: skip
    return SanityResult(sim, null_df, verdicts, notes, maps, rec, params)
