"""Linear probes per layer, with control tasks and a random-network null.

A probe is a linear model trained to read a label off a layer's activations.
High accuracy alone says little: a flexible probe memorises, and random
networks carry much linear structure. So every layer gets, on the same
cross-validation folds,

* the task: scikit-learn logistic (classification) or ridge (regression)
  regression, the regularisation chosen by inner cross-validation;
* a control task (Hewitt & Liang 2019): the same probe on labels assigned at
  random per item, or per type (every occurrence of a word type shares one
  random label), drawn from the labels' empirical distribution; selectivity =
  task − control;
* optionally the same probe on a random-init model's activations.

Scores have an interval over the outer folds (t) and, with ``n_boot``, over
bootstrap replicates (fit in-bag, scored out-of-bag; inner folds keep copies
of a row together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats
from sklearn.linear_model import LogisticRegressionCV, RidgeCV
from sklearn.metrics import r2_score
from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target

from interpkit._threads import fixed_threads
from interpkit.representations.activations import Activations

__all__ = ["ProbeResult", "probe"]

C_GRID = np.logspace(-3, 2, 6)
ALPHA_GRID = np.logspace(-2, 4, 7)
CONTROLS = ("item", "type", None)


@dataclass(frozen=True, eq=False)
class ProbeResult:
    """Probe scores per layer for the task, its control and the random-init null.

    Attributes
    ----------
    fold_scores : DataArray, dims ("condition", "layer", "fold")
        Held-out accuracy (classification) or R² (regression) on each outer
        fold; conditions ``"task"``, ``"control"`` and ``"random_init"`` (those
        run). Same folds for every condition, so differences are paired.
    boot_scores : DataArray or None, dims ("condition", "layer", "replicate")
        Out-of-bag scores of bootstrap replicates.
    penalty : DataArray, dims ("condition", "layer", "fold")
        The regularisation chosen by inner CV (C for logistic, alpha for ridge).
    metric : "accuracy" or "r2"
    chance : float
        Majority-class share (classification) or 0 (R²).
    level : float
    meta : dict
    """

    fold_scores: xr.DataArray
    boot_scores: xr.DataArray | None
    penalty: xr.DataArray
    metric: str
    chance: float
    level: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def layers(self) -> list[str]:
        return [str(v) for v in self.fold_scores.coords["layer"].values]

    @property
    def conditions(self) -> list[str]:
        return [str(v) for v in self.fold_scores.coords["condition"].values]

    def fold_interval(self, condition: str = "task") -> pd.DataFrame:
        """Mean over outer folds and its t interval, per layer."""
        scores = self.fold_scores.sel(condition=condition).values
        k = scores.shape[1]
        mean = scores.mean(axis=1)
        half = stats.t.ppf((1 + self.level) / 2, k - 1) * scores.std(axis=1, ddof=1) / np.sqrt(k)
        return pd.DataFrame(
            {"mean": mean, "lower": mean - half, "upper": mean + half}, index=self.layers
        )

    def boot_interval(self, condition: str = "task") -> pd.DataFrame | None:
        """Percentile interval of the bootstrap replicates, per layer."""
        if self.boot_scores is None:
            return None
        scores = self.boot_scores.sel(condition=condition).values
        alpha = (1 - self.level) / 2
        return pd.DataFrame(
            {
                "mean": np.nanmean(scores, axis=1),
                "lower": np.nanquantile(scores, alpha, axis=1),
                "upper": np.nanquantile(scores, 1 - alpha, axis=1),
            },
            index=self.layers,
        )

    def summary(self) -> pd.DataFrame:
        """Per layer: task score with fold (and bootstrap) intervals, control, selectivity,
        random-init score, chance."""
        task = self.fold_interval("task")
        out = task.rename(columns={"mean": self.metric})
        boot = self.boot_interval("task")
        if boot is not None:
            out["boot_lower"], out["boot_upper"] = boot["lower"], boot["upper"]
        if "control" in self.conditions:
            control = self.fold_scores.sel(condition="control").values
            task_folds = self.fold_scores.sel(condition="task").values
            out["control"] = control.mean(axis=1)
            out["selectivity"] = (task_folds - control).mean(axis=1)
        if "random_init" in self.conditions:
            out["random_init"] = self.fold_scores.sel(condition="random_init").values.mean(axis=1)
        out["chance"] = self.chance
        out.index.name = "layer"
        return out

    def plot(self) -> Any:
        from interpkit.plots.representations import probe_layers

        return probe_layers(self)


def _task_kind(y: np.ndarray, task: str) -> str:
    if task not in ("auto", "classification", "regression"):
        raise ValueError(f"task must be 'auto', 'classification' or 'regression', got {task!r}")
    if task != "auto":
        return task
    kind = type_of_target(y)
    if kind in ("binary", "multiclass"):
        return "classification"
    if kind == "continuous":
        return "regression"
    raise ValueError(f"cannot probe a target of type {kind!r}; give one label per sample")


def _control_labels(
    y: np.ndarray, control: str | None, types: Sequence[Any] | None, rng: np.random.RandomState
) -> np.ndarray | None:
    if control not in CONTROLS:
        raise ValueError(f"control must be one of {CONTROLS}, got {control!r}")
    if control is None:
        return None
    if control == "item":
        return rng.permutation(y)
    if types is None:
        raise ValueError("control='type' needs types= (one type label per sample, e.g. the word)")
    types = np.asarray(types)
    if len(types) != len(y):
        raise ValueError(f"{len(types)} types for {len(y)} samples")
    uniques, inverse = np.unique(types, return_inverse=True)
    # one random label per type, from the empirical label distribution
    return rng.choice(y, size=len(uniques), replace=True)[inverse]


def _probe_model(kind: str, grid: np.ndarray, splits: list[Any], seed: int) -> Any:
    if kind == "classification":
        model = LogisticRegressionCV(
            Cs=grid,
            cv=splits,
            l1_ratios=(0.0,),
            scoring="neg_log_loss",  # a smoother criterion than accuracy for choosing C
            use_legacy_attributes=False,
            max_iter=5000,
            random_state=seed,
        )
    else:
        model = RidgeCV(alphas=grid, cv=splits)
    return make_pipeline(StandardScaler(), model)


def _fit_score(
    kind: str,
    grid: np.ndarray,
    inner_cv: int,
    X: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    seed: int,
) -> tuple[float, float]:
    """Fit on rows ``train`` (inner CV groups copies of a row), score on ``test``."""
    Xtr, ytr = X[train], y[train]
    if kind == "classification":
        splitter: Any = StratifiedGroupKFold(inner_cv, shuffle=True, random_state=seed)
        if len(np.unique(ytr)) < 2:
            return np.nan, np.nan
    else:
        splitter = GroupKFold(inner_cv, shuffle=True, random_state=seed)
    splits = list(splitter.split(Xtr, ytr, groups=train))
    model = _probe_model(kind, grid, splits, seed).fit(Xtr, ytr)
    if kind == "classification":  # model.score would use the CV criterion (log loss)
        score = float(np.mean(model.predict(X[test]) == y[test]))
    else:
        score = r2_score(y[test], model.predict(X[test]))
    last = model[-1]
    penalty = float(np.ravel(last.C_)[0]) if kind == "classification" else float(last.alpha_)
    return float(score), penalty


def probe(
    acts: Activations,
    y: Any,
    *,
    task: str = "auto",
    control: str | None = "item",
    types: Sequence[Any] | None = None,
    random_acts: Activations | None = None,
    cv: int = 5,
    inner_cv: int = 3,
    n_boot: int = 0,
    grid: Sequence[float] | None = None,
    level: float = 0.95,
    random_state: Any = None,
) -> ProbeResult:
    """Train a linear probe on every layer of ``acts``, beside its control task.

    Parameters
    ----------
    acts : Activations
        Pooled activations, dims ``("layer", "sample", "unit")``.
    y : array-like, shape (n_samples,)
        The property to read off: class labels or a continuous value.
    task : {"auto", "classification", "regression"}
    control : {"item", "type", None}
        Control task labels: shuffled per item, or one random label per type
        (``types=``).
    types : sequence, optional
        One type per sample (e.g. the word), for ``control="type"``.
    random_acts : Activations, optional
        The same inputs through the random-init model
        (``activations(..., random_init=True)``): probed on the same folds.
    cv, inner_cv : int
        Outer folds (scores) and inner folds (choice of regularisation).
    n_boot : int
        Bootstrap replicates (in-bag fit, out-of-bag score).
    grid : sequence of float, optional
        Regularisation grid: C for logistic (default 1e-3..1e2), alpha for
        ridge (default 1e-2..1e4).
    level : float
    random_state : int, optional

    Returns
    -------
    ProbeResult
    """
    if not isinstance(acts, Activations):
        raise TypeError(f"probe() takes an Activations result, got {type(acts).__name__}")
    if not acts.pooled:
        raise ValueError("probe() needs pooled activations; extract them with pooling='mean'")
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != acts.n_samples:
        raise ValueError(f"y must have one value per sample ({acts.n_samples}), got {y.shape}")
    kind = _task_kind(y, task)
    if kind == "regression" and not np.isfinite(y.astype(float)).all():
        raise ValueError("y has NaN or infinite values")
    if random_acts is not None:
        if not isinstance(random_acts, Activations) or random_acts.n_samples != acts.n_samples:
            raise ValueError("random_acts must be Activations of the same samples as acts")
        if random_acts.layers != acts.layers:
            raise ValueError(f"random_acts has layers {random_acts.layers}, acts has {acts.layers}")
    if kind == "classification":
        smallest = int(np.unique(y, return_counts=True)[1].min())
        if smallest < cv or smallest * (cv - 1) // cv < inner_cv:
            raise ValueError(
                f"the rarest class has {smallest} samples: too few for {cv} outer x "
                f"{inner_cv} inner folds; give more samples or fewer folds"
            )
    grid_arr = np.asarray(
        grid if grid is not None else (C_GRID if kind == "classification" else ALPHA_GRID), float
    )
    rng = check_random_state(random_state)
    seed = int(rng.randint(2**31 - 1))
    labels = {"task": y}
    control_y = _control_labels(y, control, types, rng)
    if control_y is not None:
        labels["control"] = control_y
    sources = {name: acts for name in labels}
    if random_acts is not None:
        labels["random_init"], sources["random_init"] = y, random_acts
    n = acts.n_samples
    outer = (StratifiedKFold if kind == "classification" else KFold)(
        cv, shuffle=True, random_state=seed
    )
    folds = list(outer.split(np.zeros(n), y))
    boots = [rng.randint(0, n, n) for _ in range(n_boot)]
    conditions, layers = list(labels), acts.layers
    scores = np.full((len(conditions), len(layers), cv), np.nan)
    penalty = np.full_like(scores, np.nan)
    boot = np.full((len(conditions), len(layers), n_boot), np.nan)
    with fixed_threads(1):  # small fits: one thread is fastest and identical everywhere
        for c, cond in enumerate(conditions):
            lab = labels[cond]
            for l_, layer in enumerate(layers):
                X = sources[cond].layer(layer)
                for f, (train, test) in enumerate(folds):
                    scores[c, l_, f], penalty[c, l_, f] = _fit_score(
                        kind, grid_arr, inner_cv, X, lab, train, test, seed
                    )
                for b, idx in enumerate(boots):
                    oob = np.setdiff1d(np.arange(n), idx)
                    if len(oob):
                        boot[c, l_, b] = _fit_score(
                            kind, grid_arr, inner_cv, X, lab, idx, oob, seed
                        )[0]
    coords = {"condition": conditions, "layer": layers}
    fold_da = xr.DataArray(scores, dims=("condition", "layer", "fold"), coords=coords)
    pen_da = xr.DataArray(penalty, dims=("condition", "layer", "fold"), coords=coords)
    boot_da = (
        xr.DataArray(boot, dims=("condition", "layer", "replicate"), coords=coords)
        if n_boot
        else None
    )
    chance = (
        float(np.unique(y, return_counts=True)[1].max() / n) if kind == "classification" else 0.0
    )
    meta = {
        "task": kind,
        "control": control,
        "cv": cv,
        "inner_cv": inner_cv,
        "n_boot": n_boot,
        "grid": grid_arr.tolist(),
        "random_state": random_state,
        "n_samples": n,
    }
    metric = "accuracy" if kind == "classification" else "r2"
    return ProbeResult(fold_da, boot_da, pen_da, metric, chance, level, meta)
