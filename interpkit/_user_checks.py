"""Checks of the user's parameters, so that a mistake is named before any work starts.

Each raises a ValueError or TypeError in the user's terms instead of the
traceback numpy, scikit-learn or joblib would give later.
"""

from __future__ import annotations

import difflib
from typing import Any

import numpy as np

__all__ = [
    "check_estimator_object",
    "check_model_object",
    "check_n_jobs",
    "check_scoring_name",
    "check_seed",
]


def check_seed(value: Any, name: str = "random_state") -> None:
    """None, an int in [0, 2**32) or a numpy RandomState; else a TypeError/ValueError."""
    if value is None or isinstance(value, np.random.RandomState):
        return
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(
            f"{name} must be None, an int seed or a numpy RandomState, got {value!r} "
            f"({type(value).__name__})"
        )
    if not 0 <= int(value) < 2**32:
        raise ValueError(f"{name} must be an int seed in [0, 2**32), got {value}")


def check_n_jobs(n_jobs: Any) -> None:
    """None or a non-zero int (negative counts back from all cores, as in joblib)."""
    if n_jobs is None:
        return
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer):
        raise TypeError(f"n_jobs must be None or an int, got {n_jobs!r}")
    if n_jobs == 0:
        raise ValueError(
            "n_jobs=0 means no workers; use n_jobs=1 (one process), n_jobs=2 or more, "
            "or n_jobs=-1 (all cores)"
        )


def check_estimator_object(est: Any, name: str = "estimator") -> None:
    """A scikit-learn style estimator instance (``fit`` and ``get_params``)."""
    if est is None:
        return
    if isinstance(est, type):
        raise TypeError(
            f"{name} is the class {est.__name__}, not an estimator; pass an instance: "
            f"{name}={est.__name__}()"
        )
    missing = [m for m in ("fit", "get_params") if not callable(getattr(est, m, None))]
    if missing:
        raise TypeError(
            f"{name} must be a scikit-learn estimator (an object with fit and get_params, "
            f"e.g. RandomForestRegressor() or a Pipeline), got {type(est).__name__} "
            f"{_short(est)}, which has no {' or '.join(missing)}"
        )


def check_model_object(model: Any, name: str = "model") -> None:
    """A fitted model: anything with ``predict``, ``predict_proba`` or ``decision_function``."""
    if model is None:
        return
    if isinstance(model, type):
        raise TypeError(f"{name} is the class {model.__name__}; pass a fitted instance")
    if not any(
        callable(getattr(model, m, None)) for m in ("predict", "predict_proba", "decision_function")
    ):
        raise TypeError(
            f"{name} must be a fitted model with predict, predict_proba or decision_function, "
            f"got {type(model).__name__} {_short(model)}"
        )


def check_scoring_name(scoring: Any) -> None:
    """A scorer name scikit-learn knows, a callable, or None."""
    if scoring is None or callable(scoring):
        return
    if not isinstance(scoring, str):
        raise TypeError(f"scoring must be a metric name (str) or a callable, got {scoring!r}")
    from sklearn.metrics import get_scorer_names

    names = get_scorer_names()
    if scoring not in names:
        close = difflib.get_close_matches(scoring, names, n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"unknown scoring {scoring!r}{hint} (sklearn.metrics.get_scorer_names() lists "
            "the names; e.g. 'r2', 'neg_mean_squared_error', 'accuracy', 'roc_auc')"
        )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
