"""Least-squares boosting stage by stage: small trees fit to residuals, added up.

* :func:`boost_by_hand`: the "fit a small tree to the residuals, add λ times
  it" loop written out, which is scikit-learn's ``GradientBoostingRegressor``
  with squared-error loss;
* :func:`boosting_stages`: the stage fits and cumulative ensembles of that
  boosting on one feature, from scikit-learn and from :func:`boost_by_hand`,
  returned as a :class:`BoostingStages` of labeled xarray/pandas data.

The plot is :func:`interpkit.plots.boosting.boosting_stages`. Single trees
(partitions, split choice) live in :mod:`interpkit.trees`.

>>> import numpy as np
>>> from interpkit.boosting import boosting_stages
>>> rng = np.random.default_rng(0)
>>> x = rng.uniform(-5, 5, 100); y1 = 3 * np.sin(x) + rng.normal(0, 0.5, 100)
>>> boosting_stages(x, y1, stages=(1, 2, 3)).max_abs_diff < 1e-10  # by hand = sklearn
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from sklearn.base import is_classifier
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from interpkit._tree_utils import _tree_input
from interpkit._validation import check_X, check_y

__all__ = ["BoostingStages", "boost_by_hand", "boosting_stages"]


@dataclass(frozen=True, eq=False)
class BoostingStages:
    """Stage fits and cumulative ensembles of least-squares boosting on one feature.

    Attributes
    ----------
    grid : ndarray, shape (n_grid,)
        Where the fits are evaluated.
    stage_fits : DataArray, dims ("source", "stage", "grid")
        f̂ᵇ, the tree fit at stage b to the residuals r⁽ᵇ⁻¹⁾ (not yet scaled by
        the learning rate λ); ``source`` is ``"sklearn"`` (from
        ``estimators_``) and ``"by_hand"`` (:func:`boost_by_hand`).
    ensemble : DataArray, dims ("source", "stage", "grid")
        f̂₀ + λ Σ_{k ≤ b} f̂ᵏ, i.e. ``staged_predict`` after b stages.
    residuals : DataArray, dims ("stage", "sample")
        r⁽ᵇ⁻¹⁾ = y - (ensemble after b - 1 stages) at the training points: what
        the stage-b tree was fit to (``r⁽⁰⁾ = y - f̂₀``).
    x, y : ndarray, shape (n_samples,)
        Training data.
    train_mse : Series, indexed by stage 0..n_estimators
        Training MSE of the sklearn ensemble after each stage.
    truth : ndarray or None, shape (n_grid,)
        The true regression function on the grid, when given.
    init_value : float
        f̂₀: 0 for ``init="zero"``, else the mean of y.
    learning_rate, max_depth : the boosting settings.
    max_abs_diff : float
        Largest gap between by-hand and sklearn predictions over all stages,
        on the training points and the grid.
    feature_name, target_name : str
    """

    grid: np.ndarray
    stage_fits: xr.DataArray
    ensemble: xr.DataArray
    residuals: xr.DataArray
    x: np.ndarray
    y: np.ndarray
    train_mse: pd.Series
    truth: np.ndarray | None
    init_value: float
    learning_rate: float
    max_depth: int | None
    max_abs_diff: float
    feature_name: str = "x"
    target_name: str = "y"

    @property
    def stages(self) -> tuple[int, ...]:
        return tuple(int(b) for b in self.stage_fits.coords["stage"].values)


_TREE_PARAMS = (
    "max_depth",
    "min_samples_split",
    "min_samples_leaf",
    "min_weight_fraction_leaf",
    "min_impurity_decrease",
    "max_features",
    "max_leaf_nodes",
    "ccp_alpha",
)


def boost_by_hand(
    X: np.ndarray,
    y: np.ndarray,
    n_stages: int,
    *,
    learning_rate: float = 1.0,
    init: str = "zero",
    random_state: Any = None,
    **tree_params: Any,
) -> tuple[float, list[DecisionTreeRegressor]]:
    """Least-squares boosting written out: fit a tree to the residuals, add λ times it.

    ``f̂ ← f̂₀``; for b = 1..B: fit ``f̂ᵇ`` to ``r = y - f̂(x)``, ``f̂ ← f̂ + λ f̂ᵇ``.
    With the same settings (``init="zero"`` or ``"mean"``, ``subsample=1``,
    the same tree parameters and ``random_state``) it is scikit-learn's
    ``GradientBoostingRegressor(loss="squared_error")``.

    Returns
    -------
    (f̂₀, [f̂¹, ..., f̂ᴮ]) : float and the fitted trees.
    """
    if init not in ("zero", "mean"):
        raise ValueError(f"init must be 'zero' or 'mean', got {init!r}")
    rng = check_random_state(random_state)  # one stream for all trees, as sklearn
    f0 = 0.0 if init == "zero" else float(np.mean(y))
    fit = np.full(len(y), f0)
    trees = []
    for _ in range(n_stages):
        tree = DecisionTreeRegressor(random_state=rng, **tree_params).fit(X, y - fit)
        fit = fit + learning_rate * tree.predict(X)
        trees.append(tree)
    return f0, trees


def boosting_stages(
    X: Any,
    y: Any,
    model: GradientBoostingRegressor | None = None,
    *,
    stages: Sequence[int] = (1, 2, 3),
    max_depth: int = 2,
    learning_rate: float = 1.0,
    init: str = "zero",
    random_state: Any = 0,
    grid: Any = None,
    n_grid: int = 400,
    truth: Callable[[np.ndarray], np.ndarray] | None = None,
) -> BoostingStages:
    """Stage fits f̂ᵇ and ensembles after b stages, from sklearn and by hand, on one feature.

    Parameters
    ----------
    X : array-like, shape (n_samples,) or (n_samples, 1)
    y : array-like, shape (n_samples,)
    model : fitted GradientBoostingRegressor, optional
        With ``loss="squared_error"``, ``subsample=1``, ``init`` None or
        ``"zero"``, no early stopping. Without it one is fit with
        ``n_estimators=max(stages)`` and the settings below (the defaults are
        the textbook loop: depth-2 trees, λ = 1, starting from zero).
    stages : ints
        The b to report, 1 ≤ b ≤ number of stages.
    max_depth, learning_rate, init, random_state :
        Settings of the model fit when ``model`` is None.
    grid : array-like, shape (n_grid,), optional
        Where to evaluate (default ``n_grid`` points over the range of X).
    truth : callable, optional
        The true function, evaluated on the grid for the plot.

    Returns
    -------
    BoostingStages
    """
    func = "boosting_stages"
    arr = np.asarray(X)
    if arr.ndim == 2 and arr.shape[1] != 1:
        raise ValueError(
            f"{func}() draws fits along one feature; X has {arr.shape[1]} columns, pass one"
        )
    feature_name = str(X.columns[0]) if isinstance(X, pd.DataFrame) else "x"
    feature_name = str(getattr(X, "name", None) or feature_name)
    Xa = check_X(arr.reshape(-1, 1) if arr.ndim == 1 else X, what="X")
    y_arr = check_y(y, Xa.shape[0], task="regression")
    stages = sorted({int(b) for b in stages})
    if not stages or stages[0] < 1:
        raise ValueError(f"{func}(): stages must be positive integers, got {stages}")
    if model is None:
        model = GradientBoostingRegressor(
            n_estimators=stages[-1],
            max_depth=max_depth,
            learning_rate=learning_rate,
            init="zero" if init == "zero" else None,
            random_state=random_state,
        ).fit(Xa, y_arr)
    _check_boosting_model(model, func, stages[-1])
    n_est = int(model.n_estimators_)
    init_kind = "zero" if model.init == "zero" else "mean"
    params = {k: getattr(model, k) for k in _TREE_PARAMS}
    f0, trees = boost_by_hand(
        Xa, y_arr, n_est, learning_rate=model.learning_rate, init=init_kind,
        random_state=model.random_state, **params,
    )  # fmt: skip

    g = np.linspace(Xa.min(), Xa.max(), n_grid) if grid is None else np.asarray(grid, float)
    if g.ndim != 1 or not np.all(np.isfinite(g)):
        raise ValueError(f"{func}(): grid must be a 1-D array of finite numbers")
    G = g.reshape(-1, 1)
    lr = float(model.learning_rate)
    fits = {
        "sklearn": np.array([t.predict(G) for t in model.estimators_[:, 0]]),
        "by_hand": np.array([t.predict(G) for t in trees]),
    }
    sk_init = 0.0 if model.init_ == "zero" else float(model.init_.predict(G[:1])[0])
    base = {"sklearn": sk_init, "by_hand": f0}
    ens = {s: base[s] + lr * np.cumsum(fits[s], axis=0) for s in fits}
    # the check: by-hand ensembles vs staged_predict, on training points and grid
    hand_train = f0 + lr * np.cumsum([t.predict(Xa) for t in trees], axis=0)
    sk_train = np.array(list(model.staged_predict(_tree_input(model, Xa))))
    sk_grid = np.array(list(model.staged_predict(_tree_input(model, G))))
    diff = max(np.abs(hand_train - sk_train).max(), np.abs(ens["by_hand"] - sk_grid).max())
    pick = [b - 1 for b in stages]
    coords = {"source": ["sklearn", "by_hand"], "stage": stages, "grid": g}
    dims = ("source", "stage", "grid")
    prev = np.vstack([np.full(len(y_arr), f0), hand_train[:-1]])  # ensemble before stage b
    mse = np.mean((y_arr - np.vstack([np.full(len(y_arr), f0), sk_train])) ** 2, axis=1)
    return BoostingStages(
        grid=g,
        stage_fits=xr.DataArray(np.stack([fits[s][pick] for s in coords["source"]]), coords, dims),
        ensemble=xr.DataArray(np.stack([ens[s][pick] for s in coords["source"]]), coords, dims),
        residuals=xr.DataArray(
            (y_arr - prev)[pick], {"stage": stages}, ("stage", "sample"), name="residual"
        ),
        x=Xa[:, 0],
        y=y_arr,
        train_mse=pd.Series(mse, index=pd.RangeIndex(n_est + 1, name="stage"), name="train_mse"),
        truth=_truth_on(truth, g, func),
        init_value=f0,
        learning_rate=lr,
        max_depth=model.max_depth,
        max_abs_diff=float(diff),
        feature_name=feature_name,
        target_name=str(getattr(y, "name", None) or "y"),
    )


def _check_boosting_model(model: Any, func: str, max_stage: int) -> None:
    if is_classifier(model) or not isinstance(model, GradientBoostingRegressor):
        raise TypeError(
            f"{func}() needs a GradientBoostingRegressor (least-squares boosting), "
            f"got {type(model).__name__}"
        )
    check_is_fitted(model)
    problems = {
        "loss": (model.loss == "squared_error", "loss='squared_error'"),
        "subsample": (model.subsample == 1.0, "subsample=1 (row sampling is random)"),
        "init": (model.init in (None, "zero"), "init=None or 'zero'"),
        "n_iter_no_change": (model.n_iter_no_change is None, "no early stopping"),
    }
    bad = [need for ok, need in problems.values() if not ok]
    if bad:
        raise ValueError(f"{func}() reproduces plain least-squares boosting; the model needs {bad}")
    if model.n_features_in_ != 1:
        raise ValueError(f"{func}(): the model was fit on {model.n_features_in_} features, not 1")
    if max_stage > model.n_estimators_:
        raise ValueError(
            f"{func}(): stage {max_stage} asked for, the model has {model.n_estimators_} stages"
        )


def _truth_on(truth: Callable[[np.ndarray], np.ndarray] | None, g: np.ndarray, func: str) -> Any:
    if truth is None:
        return None
    values = np.asarray(truth(g), dtype=float)
    if values.shape != g.shape:
        raise ValueError(f"{func}(): truth(grid) has shape {values.shape}, expected {g.shape}")
    return values
