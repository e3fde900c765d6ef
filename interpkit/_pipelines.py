"""scikit-learn pipelines: their last step, their encoded columns and the user's columns.

An explanation of a pipeline is per *original* column (what the user gave)
by default. Methods that explain the last step on the transformed data
(MDI, TreeSHAP) sum the encoded columns that come from one original column
back into it; :func:`encoded_origins` says which original column each
encoded column comes from, and that mapping is stored in the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "FEATURE_LEVELS",
    "encoded_origins",
    "fit_model",
    "has_class_attribute",
    "is_pipeline",
    "last_step",
    "preprocess",
    "seed_estimator",
    "sum_to_original",
]

FEATURE_LEVELS = ("original", "encoded")


def is_pipeline(est: Any) -> bool:
    """A scikit-learn :class:`~sklearn.pipeline.Pipeline` (fitted or not)."""
    from sklearn.pipeline import Pipeline

    return isinstance(est, Pipeline)


def last_step(est: Any) -> Any:
    """The final estimator of a pipeline, else ``est`` itself."""
    if is_pipeline(est):
        return est.steps[-1][1]
    return est


def fit_model(est: Any, X: Any, y: Any, **kwargs: Any) -> Any:
    """``est.fit(X, y)``; a pipeline that fails on the user's table says so in their terms."""
    if not is_pipeline(est):
        return est.fit(X, y, **kwargs)
    try:
        return est.fit(X, y, **kwargs)
    except (ValueError, TypeError) as err:
        text = " ".join(str(err).split())
        hint = ""
        if "NaN" in text or "missing" in text.lower():
            hint = (
                " Some columns have missing values: add a SimpleImputer for them to the "
                "pipeline, or end it in a model that takes them (HistGradientBoosting*)."
            )
        elif "could not convert" in text or "string" in text.lower():
            hint = " A text column reaches a step that needs numbers: encode it in the pipeline."
        raise ValueError(
            f"the pipeline could not be fit on your table ({type(err).__name__}: {text}).{hint}"
        ) from err


def seed_estimator(est: Any, random_state: Any) -> Any:
    """Set ``random_state`` on ``est``, or on a pipeline's steps that take one; returns ``est``."""
    if random_state is None:
        return est
    params = est.get_params(deep=is_pipeline(est))
    keys = [k for k in params if k == "random_state" or k.endswith("__random_state")]
    if keys:
        est.set_params(**dict.fromkeys(keys, random_state))
    return est


def has_class_attribute(est: Any, name: str) -> bool:
    """Whether ``est``'s class defines ``name`` (a property of fitted models, e.g.
    ``feature_importances_``), checked without fitting."""
    return any(name in vars(klass) for klass in type(est).__mro__)


def preprocess(model: Any, frame: Any) -> np.ndarray:
    """The rows as the last step of the fitted pipeline ``model`` sees them (dense float64)."""
    Z = model[:-1].transform(frame)
    if hasattr(Z, "toarray"):
        Z = Z.toarray()
    if hasattr(Z, "to_numpy"):
        Z = Z.to_numpy()
    try:
        return np.asarray(Z, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "the pipeline's preprocessing gives non-numeric columns, so its last step cannot be "
            "explained on them; encode every column (e.g. OneHotEncoder, OrdinalEncoder)"
        ) from None


def encoded_names(model: Any, input_names: Sequence[str]) -> list[str]:
    """Names of the columns the last step of the fitted pipeline ``model`` sees."""
    pre = model[:-1]
    try:
        return [str(n) for n in pre.get_feature_names_out()]
    except (AttributeError, TypeError, ValueError):
        try:
            return [str(n) for n in pre.get_feature_names_out(list(input_names))]
        except (AttributeError, TypeError, ValueError) as err:
            raise ValueError(
                "the pipeline's preprocessing does not name its output columns "
                f"({type(err).__name__}: {err}), so they cannot be summed back to your "
                "columns; use feature_level='encoded'"
            ) from None


def encoded_origins(model: Any, input_names: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(encoded_names, origin)``: each encoded column's name and the user's column it is from.

    Names are matched after dropping ``ColumnTransformer`` prefixes
    (``"onehot__"``): an encoded column comes from input ``c`` when it is
    ``c``, starts with ``c_`` (one-hot levels) or ends with ``_c``
    (missing-value indicators); the longest match wins, so ``age_group``
    is not taken for ``age``.

    Raises
    ------
    ValueError
        When an encoded column matches no input column (e.g. a PCA mixes
        them), with the way out (``feature_level="encoded"``).
    """
    names = encoded_names(model, input_names)
    inputs = sorted((str(n) for n in input_names), key=len, reverse=True)
    origins, unmatched = [], []
    for name in names:
        origin = _origin(name, inputs)
        if origin is None:
            unmatched.append(name)
        origins.append(origin)
    if unmatched:
        raise ValueError(
            f"the pipeline's encoded columns {unmatched[:5]} cannot be traced to one of your "
            "columns (a step mixes columns?), so the explanation cannot be summed back to them; "
            "use feature_level='encoded'"
        )
    return names, origins


def _origin(name: str, inputs: Sequence[str]) -> str | None:
    candidate = name
    while True:
        for c in inputs:  # longest first
            if candidate == c or candidate.startswith(c + "_") or candidate.endswith("_" + c):
                return c
        if "__" not in candidate:
            return None
        candidate = candidate.split("__", 1)[1]


def sum_to_original(
    values: np.ndarray, origins: Sequence[str], names: Sequence[str], axis: int = 1
) -> np.ndarray:
    """``values`` over encoded columns (along ``axis``) summed into the user's ``names``."""
    values = np.moveaxis(np.asarray(values, dtype=np.float64), axis, -1)
    matrix = np.zeros((len(origins), len(names)))
    position = {n: j for j, n in enumerate(names)}
    for i, origin in enumerate(origins):
        matrix[i, position[origin]] = 1.0
    return np.moveaxis(values @ matrix, -1, axis)
