"""EBMs of K classes: per-class term contributions on a ``"class"`` dim.

InterpretML's multiclass EBM has one score per bin *and class*: the logit of
each class is the intercept plus the sum of the terms' scores (a softmax over
classes gives ``predict_proba``). Its term importance (``"avg_weight"``) is
the mean over classes of the per-class mean ``|score|``, which is what
:func:`interpkit.classes.aggregate_classes` gives from the per-class values
here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

__all__ = ["class_importances", "global_explanation", "local_explanation", "term_importances"]


def class_importances(ebm: Any, term: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-class mean ``|score|`` of a term (bin-weighted) and its SD over outer bags."""
    weights = np.asarray(ebm.bin_weights_[term], dtype=np.float64)
    k = len(ebm.classes_)
    scores = np.abs(np.asarray(ebm.term_scores_[term], dtype=np.float64)).reshape(-1, k)
    total = weights.sum()
    values = (scores * weights.reshape(-1, 1)).sum(axis=0) / total
    bagged = np.abs(np.asarray(ebm.bagged_scores_[term], dtype=np.float64))
    if bagged.shape[0] < 2:
        return values, np.full(k, np.nan)
    per_bag = (bagged.reshape(bagged.shape[0], -1, k) * weights.reshape(1, -1, 1)).sum(axis=1)
    return values, np.std(per_bag / total, axis=0, ddof=1)


def _classes(explainer: Any) -> list[str]:
    return [str(c) for c in explainer.classes_]


def _pair(explainer: Any, values: np.ndarray, sd: np.ndarray, names: list[str]) -> tuple:
    coords = {"feature": names, "class": _classes(explainer)}
    dims = ("feature", "class")
    return (
        xr.DataArray(values, dims=dims, coords=coords, name="importance"),
        xr.DataArray(sd, dims=dims, coords=coords, name="sd_across_outer_bags"),
    )


def _intercept(explainer: Any) -> xr.DataArray:
    return xr.DataArray(
        np.asarray(explainer.intercept_, dtype=np.float64),
        dims=("class",),
        coords={"class": _classes(explainer)},
    )


def term_importances(explainer: Any) -> Any:
    """Every term's per-class importance, dims ``("feature", "class")``."""
    ebm, k = explainer.ebm_, len(explainer.classes_)
    n = len(explainer.term_names_)
    values, sd = np.zeros((n, k)), np.zeros((n, k))
    for t in range(n):
        values[t], sd[t] = class_importances(ebm, t)
    vals, err = _pair(explainer, values, sd, list(explainer.term_names_))
    return explainer._explanation(vals, "ebm_term_importance", error=err, kind="term_importance")


def global_explanation(explainer: Any) -> Any:
    """Main-term per-class importances, dims ``("feature", "class")`` (0 for a dropped term)."""
    names = [str(f) for f in explainer.feature_names_in_]
    k = len(explainer.classes_)
    values, sd = np.zeros((len(names), k)), np.zeros((len(names), k))
    for name, t in explainer._main_terms().items():
        j = names.index(name)
        values[j], sd[j] = class_importances(explainer.ebm_, t)
    vals, err = _pair(explainer, values, sd, names)
    return explainer._explanation(
        vals, "ebm_term_importance", error=err, base_value=_intercept(explainer), kind="global"
    )


def local_explanation(explainer: Any, X: np.ndarray, contrib: np.ndarray) -> Any:
    """Per-class term contributions, dims ``("sample", "feature", "class")``."""
    coords = {
        "sample": np.arange(X.shape[0]),
        "feature": list(explainer.term_names_),
        "class": _classes(explainer),
    }
    data = np.full(contrib.shape[:2], np.nan)
    for t, feats in enumerate(explainer.term_features_):
        if len(feats) == 1:
            data[:, t] = X[:, feats[0]]
    return explainer._explanation(
        xr.DataArray(
            contrib, dims=("sample", "feature", "class"), coords=coords, name="contribution"
        ),
        "ebm_contribution",
        base_value=_intercept(explainer),
        data=xr.DataArray(
            data,
            dims=("sample", "feature"),
            coords={k: coords[k] for k in ("sample", "feature")},
            name="feature_value",
        ),
        kind="local",
    )


def softmax(logits: np.ndarray) -> np.ndarray:
    """Class probabilities from per-class logits, rows summing to 1."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
