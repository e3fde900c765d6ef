"""Held-out predictions of multiclass fits in the reports: probabilities and Brier scores.

A K-class explainer predicts one number per class, on the scale of its model:
glmnet's multinomial family and multiclass EBMs give logits (a softmax gives
the probabilities), forests and TreeSHAP of a forest give probabilities.
:func:`class_probabilities` and :func:`replicate_probabilities` put every
method on the probability scale, checked to sum to 1 over the classes, so
the held-out error of every method is the same quantity, the root
multiclass Brier score

    sqrt(mean over rows i of sum over classes k of (p_ik - 1[y_i = k])²),

which :func:`root_brier` computes (0 is perfect; always predicting 1/K
gives sqrt(1 - 1/K) when the classes are balanced). Class labels are
compared as str, as the ``"class"`` coordinates of the explanations.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

__all__ = [
    "class_probabilities",
    "is_multiclass",
    "onehot",
    "replicate_prediction_stats",
    "replicate_probabilities",
    "root_brier",
]

_SUM_TOL = 1e-6


def is_multiclass(result: Any) -> bool:
    """Whether a StabilityResult's held-out predictions have a ``"class"`` dim."""
    preds = getattr(result, "predictions", None)
    return preds is not None and "class" in preds.dims


def _on_logit_scale(fit: Any) -> bool:
    """Whether a fitted K-class explainer's ``predict`` gives per-class logits."""
    return getattr(fit, "family", None) == "multinomial" or getattr(fit, "task_", None) == (
        "multiclass"
    )


def _softmax(link: np.ndarray, axis: int = -1) -> np.ndarray:
    z = np.exp(link - link.max(axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


def _checked(proba: np.ndarray, what: str) -> np.ndarray:
    proba = np.asarray(proba, dtype=np.float64)
    sums = proba.sum(axis=-1)
    if proba.ndim < 2 or not np.allclose(sums, 1.0, atol=_SUM_TOL):
        raise ValueError(
            f"{what}: the predictions are not class probabilities (they do not sum to 1 over "
            "the classes), so no Brier score can be computed"
        )
    return proba


def class_probabilities(fit: Any, X: Any) -> np.ndarray:
    """A fitted K-class explainer's class probabilities on ``X``, shape (n, K).

    Columns in the order of the explanations' ``"class"`` coordinate (the
    model's ``classes_``).
    """
    if _on_logit_scale(fit):
        proba = _softmax(np.asarray(fit.predict(X), dtype=np.float64))
    elif hasattr(fit, "predict_proba"):
        proba = fit.predict_proba(X)
    else:  # e.g. TreeSHAP of a classifier forest: predict gives the probabilities
        proba = fit.predict(X)
    return _checked(proba, type(fit).__name__)


def replicate_probabilities(fit: Any, predictions: xr.DataArray) -> xr.DataArray:
    """Replicate predictions ``("replicate", "sample", "class")`` on the probability scale."""
    data = predictions.transpose("replicate", "sample", "class").to_numpy()
    if _on_logit_scale(fit):
        data = _softmax(data)
    data = _checked(data, f"{type(fit).__name__} bootstrap replicates")
    out = predictions.transpose("replicate", "sample", "class").copy(data=data)
    out.name = "probability"
    return out


def onehot(y: Any, classes: Any) -> np.ndarray:
    """Indicators ``1[y_i = class k]``, shape (n, K), labels compared as str."""
    labels = np.asarray([str(c) for c in classes])
    observed = np.asarray([str(v) for v in np.asarray(y).ravel()])
    missing = sorted(set(observed) - set(labels))
    if missing:
        raise ValueError(f"held-out rows of class {', '.join(missing)} unseen by the model")
    return (observed[:, None] == labels[None, :]).astype(np.float64)


def root_brier(proba: np.ndarray, y: Any, classes: Any) -> float | np.ndarray:
    """The root multiclass Brier score of ``proba`` (..., n, K) against labels ``y``.

    ``sqrt(mean_i sum_k (p_ik - 1[y_i = k])²)``; leading axes (replicates)
    give one score each.
    """
    sq = (np.asarray(proba, dtype=np.float64) - onehot(y, classes)) ** 2
    score = np.sqrt(sq.sum(axis=-1).mean(axis=-1))
    return float(score) if np.ndim(score) == 0 else score


def replicate_prediction_stats(result: Any) -> dict[str, Any]:
    """Replicate root Brier scores and the mean width of the probability intervals.

    ``result.predictions`` must be on the probability scale
    (:func:`replicate_probabilities`).
    """
    preds = result.predictions.transpose("replicate", "sample", "class")
    classes = preds.coords["class"].to_numpy()
    scores = root_brier(preds.to_numpy(), result.y_eval, classes)
    q = (1 - result.level) / 2
    lower = preds.quantile(q, "replicate").to_numpy()
    upper = preds.quantile(1 - q, "replicate").to_numpy()
    return {
        "replicate root Brier (median)": float(np.median(scores)),
        "replicate root Brier (range)": f"{scores.min():.3g}–{scores.max():.3g}",
        "mean probability interval width": float((upper - lower).mean()),
    }


def observed_class_table(result: Any) -> pd.DataFrame:
    """Per held-out row: observed class and the replicates' probability of it."""
    preds = result.predictions.transpose("replicate", "sample", "class")
    classes = preds.coords["class"].to_numpy()
    hit = onehot(result.y_eval, classes)
    p_obs = (preds.to_numpy() * hit[None]).sum(axis=-1)  # (replicate, sample)
    q = (1 - result.level) / 2
    return pd.DataFrame(
        {
            "observed": [str(v) for v in np.asarray(result.y_eval).ravel()],
            "mean": p_obs.mean(axis=0),
            "lower": np.quantile(p_obs, q, axis=0),
            "upper": np.quantile(p_obs, 1 - q, axis=0),
        },
        index=pd.Index([str(s) for s in preds.coords["sample"].to_numpy()], name="sample"),
    ).assign(replicates=list(p_obs.T))


def multiclass_fit(fit: Any, result: Any, X_hold: Any, y_hold: Any) -> tuple[Any, float | None]:
    """A K-class result with its replicate predictions as probabilities, and the fit's
    held-out root Brier score (None without held-out rows).

    The predictions' ``"class"`` coordinate is set to the explanations' (the
    user's labels; a model without ``classes_`` would otherwise number them).
    """
    import dataclasses

    preds = replicate_probabilities(fit, result.predictions)
    classes = result.reference.values.coords.get("class")
    if classes is not None and classes.size == preds.sizes["class"]:
        preds = preds.assign_coords({"class": [str(c) for c in classes.to_numpy()]})
    result = dataclasses.replace(result, predictions=preds)
    if X_hold is None:
        return result, None
    proba = class_probabilities(fit, X_hold)
    return result, root_brier(proba, y_hold, preds.coords["class"].to_numpy())
