"""Reading a fitted InterpretML EBM: bins, term scores on a grid, bag SDs.

A fitted EBM stores, per term, a tensor of scores indexed by bin (index 0 is
the "missing" bin, the last the "unknown" bin) and, per feature, a list of
binnings (level 0 for main effects, level 1 for pairs when it exists). These
helpers turn that into values on a grid of feature values, so interpkit can
draw the shape functions and compare replicates point by point. Nothing here
imports ``interpret``: it works on the fitted object's attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

# where a categorical feature's grid holds its missing values (InterpretML's bin 0)
MISSING_CODE = -1.0

__all__ = [
    "MISSING_CODE",
    "Grid",
    "bin_index",
    "make_grid",
    "pair_functions",
    "shape_functions",
    "term_on_grid",
]


@dataclass(frozen=True)
class Grid:
    """Where shape functions are evaluated, per feature.

    Attributes
    ----------
    points : dict of str to ndarray
        Feature name -> grid values (sorted numbers; category codes for
        categorical features).
    kinds : dict of str to str
        Feature name -> ``"numeric"`` or ``"categorical"``.
    """

    points: dict[str, np.ndarray]
    kinds: dict[str, str]


def _bins_for(ebm: Any, feature: int, n_dims: int) -> Any:
    levels = ebm.bins_[feature]
    # EBM's rule: a term of d features uses binning level d (or the last one)
    return levels[min(len(levels), n_dims) - 1]


def bin_index(ebm: Any, feature: int, values: np.ndarray, n_dims: int = 1) -> np.ndarray:
    """Index into a term's score tensor for ``values`` of one feature.

    Continuous: ``searchsorted(cuts, x, side="right") + 1`` (checked against
    ``ebm.eval_terms`` in the tests). Categorical: the category's bin, or the
    last ("unknown") bin for a code the EBM never saw.
    """
    bins = _bins_for(ebm, feature, n_dims)
    values = np.asarray(values, dtype=np.float64)
    if isinstance(bins, dict):
        lookup = {float(k): v for k, v in bins.items()}
        unknown = max(bins.values()) + 1
        # a known category first; else NaN or MISSING_CODE is the "missing" bin, 0
        missing = {MISSING_CODE} - set(lookup)
        return np.array(
            [
                lookup.get(float(v), 0 if (v != v or float(v) in missing) else unknown)
                for v in values
            ],
            dtype=np.intp,
        )
    return np.searchsorted(np.asarray(bins, dtype=np.float64), values, side="right") + 1


def categories_of(ebm: Any, feature: int) -> np.ndarray:
    """Sorted category codes a categorical feature's main binning knows."""
    bins = ebm.bins_[feature][0]
    return np.sort(np.array([float(k) for k in bins], dtype=np.float64))


def make_grid(
    ebm: Any, names: list[str], kinds: dict[str, str], n_grid: int, X: np.ndarray | None = None
) -> Grid:
    """A grid per feature: ``n_grid`` evenly spaced points over the training range.

    Categorical features get their category codes (those seen in ``X`` when
    given, else those the EBM knows).
    """
    points = {}
    for j, name in enumerate(names):
        if kinds[name] == "categorical":
            codes = np.unique(X[:, j]) if X is not None else categories_of(ebm, j)
            codes = codes.astype(np.float64)
            if np.isnan(codes).any() and MISSING_CODE not in codes:
                codes = np.r_[MISSING_CODE, codes[~np.isnan(codes)]]  # missing: a level, first
            points[name] = codes
        else:
            lo, hi = (float(v) for v in ebm.feature_bounds_[j])
            points[name] = np.linspace(lo, hi, n_grid)
    return Grid(points=points, kinds=dict(kinds))


def term_on_grid(
    ebm: Any, term: int, grids: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores, bag SDs and per-bag scores of one term on a grid.

    Parameters
    ----------
    ebm : fitted EBM
    term : int
        Index into ``ebm.term_features_``.
    grids : list of ndarray
        One grid per feature of the term.

    Returns
    -------
    scores : ndarray, shape (len(grids[0]), ...) one axis per feature
    sd : ndarray, same shape (standard deviation over outer bags)
    bagged : ndarray, shape (n_bags, *scores.shape)
    """
    features = ebm.term_features_[term]
    idx = [bin_index(ebm, f, g, n_dims=len(features)) for f, g in zip(features, grids, strict=True)]
    mesh = np.ix_(*idx)
    scores = np.asarray(ebm.term_scores_[term], dtype=np.float64)[mesh]
    sd = np.asarray(ebm.standard_deviations_[term], dtype=np.float64)[mesh]
    bagged = np.asarray(ebm.bagged_scores_[term], dtype=np.float64)
    bagged = bagged[(slice(None), *mesh)]
    return scores, sd, bagged


def bag_importance_sd(ebm: Any, term: int) -> float:
    """SD over outer bags of a term's importance (mean |score| weighted by bin counts)."""
    weights = np.asarray(ebm.bin_weights_[term], dtype=np.float64)
    bagged = np.abs(np.asarray(ebm.bagged_scores_[term], dtype=np.float64))
    if bagged.shape[0] < 2 or weights.sum() <= 0:
        return float("nan")
    per_bag = (bagged * weights).reshape(bagged.shape[0], -1).sum(axis=1) / weights.sum()
    return float(np.std(per_bag, ddof=1))


def _class_dim(explainer: Any) -> tuple[tuple[str, ...], dict[str, Any], int | None]:
    """The trailing ``"class"`` dim of a multiclass EBM's curves (one logit per class)."""
    if getattr(explainer, "task_", None) != "multiclass":
        return (), {}, None
    labels = [str(c) for c in explainer.classes_]
    return ("class",), {"class": labels}, len(labels)


def shape_functions(explainer: Any, grid: Grid | None, terms: list[str] | None) -> Any:
    """Body of :meth:`EBMExplainer.shape_functions` (documented there)."""
    explainer._check_fitted()
    grid = explainer.grid_ if grid is None else grid
    names = [str(f) for f in explainer.feature_names_in_]
    terms = list(grid.points) if terms is None else list(terms)
    size = max(len(grid.points[t]) for t in terms)
    # multiclass: term_scores_ has a last axis of classes, kept as a "class" dim
    class_dim, class_coords, k = _class_dim(explainer)
    vals = np.full((len(terms), size) + ((k,) if k else ()), np.nan)
    err = np.full_like(vals, np.nan)
    x = np.full((len(terms), size), np.nan)
    mains = explainer._main_terms()
    for i, name in enumerate(terms):
        pts = grid.points[name]
        x[i, : len(pts)] = pts
        t = mains.get(name)
        if t is None:  # no main term (excluded, or absent in this refit): f = 0
            vals[i, : len(pts)] = 0.0
            err[i, : len(pts)] = 0.0
            continue
        scores, sd, _ = term_on_grid(explainer.ebm_, t, [pts])
        vals[i, : len(pts)], err[i, : len(pts)] = scores, sd
    coords = {
        "term": terms,
        "grid": np.arange(size),
        "x": (("term", "grid"), x),
        "kind": ("term", [grid.kinds[t] for t in terms]),
        **class_coords,
    }
    codec = getattr(explainer, "input_codec_", None)
    if codec is not None and any(t in codec.categories for t in terms):
        # text/category columns: the category labels beside their codes
        labels = np.full(x.shape, "", dtype=object)
        for i, name in enumerate(terms):
            if name in codec.categories:
                for g in np.flatnonzero(np.isfinite(x[i])):
                    labels[i, g] = codec.label(name, x[i, g])
        coords["label"] = (("term", "grid"), labels.astype(str))
    rug = explainer.rug_
    data = xr.DataArray(
        rug,
        dims=("sample", "feature"),
        coords={"sample": np.arange(rug.shape[0]), "feature": names},
        name="feature_value",
    )
    dims = ("term", "grid", *class_dim)
    return explainer._explanation(
        xr.DataArray(vals, dims=dims, coords=coords, name="score"),
        "ebm_shape_function",
        error=xr.DataArray(err, dims=dims, coords=coords, name="sd"),
        data=data,
        kind="shape_function",
    )


def pair_functions(explainer: Any, n_grid: int) -> dict[str, Any]:
    """Body of :meth:`EBMExplainer.pair_functions` (documented there)."""
    explainer._check_fitted()
    names = [str(f) for f in explainer.feature_names_in_]
    class_dim, class_coords, _ = _class_dim(explainer)
    out = {}
    for t, feats in enumerate(explainer.term_features_):
        if len(feats) != 2:
            continue
        pts = [explainer._points(f, n_grid) for f in feats]
        scores, sd, _ = term_on_grid(explainer.ebm_, t, pts)
        coords = {"grid_0": pts[0], "grid_1": pts[1], **class_coords}
        dims = ("grid_0", "grid_1", *class_dim)
        out[explainer.term_names_[t]] = explainer._explanation(
            xr.DataArray(scores, dims=dims, coords=coords, name="score"),
            "ebm_pair_function",
            error=xr.DataArray(sd, dims=dims, coords=coords, name="sd"),
            kind="pair_function",
            features=[names[f] for f in feats],
            feature_kinds=[explainer.feature_kinds_[names[f]] for f in feats],
        )
    return out
