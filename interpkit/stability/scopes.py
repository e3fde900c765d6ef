"""What varies between replicates: the scopes, and the default ``"rows"`` scope.

A scope names the source of variation a stability run measures:

``"rows"``        resample the training rows (``scheme``: bootstrap, subsample, or
                  the permuted-labels null control) and refit, tuning included;
``"seed"``        the explainer's or the model's own randomness;
``"background"``  SHAP backgrounds redrawn; ``"baseline"``: attribution baselines;
``"noise"``       SmoothGrad-style input noise; ``"kernel_width"``: LIME's kernel;
``"weights"``     model-parameter randomisation; ``"prompts"``: the inputs of a
                  language-model analysis.

Each explainer declares its scopes in its tags (:mod:`interpkit.tags`) and
implements all but ``"rows"`` through ``Explainer._replicate``; ``"rows"`` is
implemented here once for every refittable explainer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import clone

from interpkit._validation import check_y

if TYPE_CHECKING:
    from interpkit.explainer import Explainer

__all__ = ["ALIASES", "SCHEMES", "draw_rows", "rows_replicate"]

SCHEMES = ("bootstrap", "subsample", "permuted_labels")
# names earlier versions used
ALIASES = {"refit": "rows"}


def draw_rows(
    scheme: str, rng: np.random.RandomState, n: int, m: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Row indices of one replicate and, for the null control, the target permutation.

    The draws are the same whatever the backend does with them (duplicate
    rows or weights), so a seed gives the same resample either way.
    """
    if scheme == "bootstrap":
        return rng.randint(n, size=n), None
    if scheme == "subsample":
        return np.sort(rng.choice(n, size=m, replace=False)), None
    # null control: every row, the target shuffled, so no feature truly matters
    return np.arange(n), rng.permutation(n)


def rows_replicate(
    explainer: Explainer, seed: int, shared: dict[str, Any]
) -> tuple[Explainer, dict[str, Any]]:
    """One ``"rows"`` replicate: resample, clone the explainer, refit it.

    ``shared`` holds the validated data (``X``, ``y``, ``names``), the
    ``scheme`` and subsample size ``m``, and optional ``params`` that every
    replicate sets (e.g. an EBM's task fixed from all rows). Where the
    explainer's tags say ``sample_weight``, a bootstrap replicate fits the
    distinct drawn rows weighted by their counts instead of duplicated rows,
    so no copy of a row sits on both sides of a model's internal split.
    """
    X, y, names, scheme = shared["X"], shared["y"], shared["names"], shared["scheme"]
    rng = np.random.RandomState(seed)
    rows, permutation = draw_rows(scheme, rng, X.shape[0], shared["m"])
    targets = y if permutation is None else y[permutation]
    weights = None
    if scheme == "bootstrap" and shared["weighted"]:
        counts = np.bincount(rows, minlength=X.shape[0])
        rows = np.flatnonzero(counts)
        weights = counts[rows].astype(float)
    # clone the explainer the user called stability() on, not the reference fit
    prototype = shared.get("prototype", explainer)
    est = clone(prototype)
    changes = dict(shared.get("params") or {})
    changes.update(prototype._params_for_rows(rows, seed))
    if "random_state" in est.get_params():
        changes["random_state"] = seed  # a fresh seed per replicate, e.g. for the CV folds
    est.set_params(**changes)
    try:
        check_y(targets[rows], len(rows), task=prototype._task())
        codec = {"codec": shared["codec"]} if shared.get("codec") is not None else {}
        est._fit_checked(X[rows], targets[rows], names, sample_weight=weights, **codec)
    except ValueError as err:
        raise ValueError(
            f"a {scheme} replicate (seed {seed}) could not be fit: {err}. "
            "Small or unbalanced data: use scheme='subsample' with a larger fraction, "
            "fewer CV folds, or more data."
        ) from None
    return est, {"seed": seed, "n_distinct_rows": int(np.unique(rows).size)}
