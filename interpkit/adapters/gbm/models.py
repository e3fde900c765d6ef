"""LightGBM, XGBoost and CatBoost models, told apart without importing them.

Their scikit-learn wrappers are recognised by class name and module, so
nothing here imports a boosting library; the functions that need one call
the model's own methods.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["LIBRARIES", "is_boosting", "library_of", "raw_margin"]

# class name -> library, for the scikit-learn wrappers
LIBRARIES = {
    "LGBMRegressor": "lightgbm",
    "LGBMClassifier": "lightgbm",
    "XGBRegressor": "xgboost",
    "XGBClassifier": "xgboost",
    "CatBoostRegressor": "catboost",
    "CatBoostClassifier": "catboost",
}


def library_of(model: Any) -> str | None:
    """``"lightgbm"``, ``"xgboost"``, ``"catboost"`` or None."""
    name = type(model).__name__
    lib = LIBRARIES.get(name)
    if lib is None or not type(model).__module__.startswith(lib):
        return None
    return lib


def is_boosting(model: Any) -> bool:
    return library_of(model) is not None


def raw_margin(model: Any, X: Any) -> np.ndarray:
    """The boosted sum (log-odds for two classes, one margin per class for K), float64."""
    lib = library_of(model)
    if lib == "lightgbm":
        out = model.predict(X, raw_score=True)
    elif lib == "xgboost":
        out = model.predict(X, output_margin=True)
    elif lib == "catboost":
        out = model.predict(X, prediction_type="RawFormulaVal")
    else:  # pragma: no cover - callers check is_boosting
        raise TypeError(f"{type(model).__name__} is not a LightGBM/XGBoost/CatBoost model")
    return np.asarray(out, dtype=np.float64)
