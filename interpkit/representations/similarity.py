"""How alike are two layers? Linear CKA, RSA, and pairwise distances compared.

* :func:`linear_cka`: linear centred kernel alignment (Kornblith et al. 2019),
  1 for a layer with itself, invariant to orthogonal transforms and isotropic
  scaling of either layer.
* :func:`rsa`: representational similarity analysis, the Spearman correlation
  of the two layers' pairwise-distance matrices.
* :func:`layer_similarity`: layer x layer matrix of either, with bootstrap
  intervals over samples (:class:`LayerSimilarity`).
* :func:`distance_comparison`: ‖h_i − h_j‖ at layer a against layer b over
  pairs, the trend, and the pairs farthest from it (:class:`DistanceComparison`).

>>> import numpy as np
>>> from interpkit.representations import linear_cka
>>> X = np.random.default_rng(0).normal(size=(50, 5))
>>> round(linear_cka(X, 3 * X), 12)
1.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy.spatial.distance import pdist
from scipy.stats import rankdata
from sklearn.utils import check_random_state

from interpkit.representations.activations import Activations

__all__ = [
    "DistanceComparison",
    "LayerSimilarity",
    "distance_comparison",
    "layer_similarity",
    "linear_cka",
    "rsa",
]

METHODS = ("cka", "rsa")
EXACT_PAIR_LIMIT = 5_000_000  # up to ~3,160 samples every pair is computed


def _matrix(X: Any, name: str) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-d (n_samples, n_units), got shape {X.shape}")
    if len(X) < 3:
        raise ValueError(f"{name} needs at least 3 samples, got {len(X)}")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} has NaN or infinite values")
    return X


def _centred(X: np.ndarray) -> tuple[np.ndarray, float]:
    """Column-centred X and ‖XᵀX‖_F (the self-HSIC, up to a constant)."""
    Xc = X - X.mean(axis=0)
    small = Xc @ Xc.T if len(Xc) < Xc.shape[1] else Xc.T @ Xc
    norm = float(np.linalg.norm(small))
    return Xc, norm


def _cka_centred(a: tuple[np.ndarray, float], b: tuple[np.ndarray, float]) -> float:
    (Xc, nx), (Yc, ny) = a, b
    if nx == 0 or ny == 0:
        raise ValueError("CKA is undefined for a layer with constant activations")
    cross = float(np.linalg.norm(Yc.T @ Xc)) ** 2
    return cross / (nx * ny)


def linear_cka(X: Any, Y: Any) -> float:
    """Linear CKA between two representations of the same samples.

    ``CKA = ‖YᶜᵀXᶜ‖²_F / (‖XᶜᵀXᶜ‖_F ‖YᶜᵀYᶜ‖_F)`` with column-centred Xᶜ, Yᶜ.

    Parameters
    ----------
    X : array-like, shape (n_samples, p)
    Y : array-like, shape (n_samples, q)

    Returns
    -------
    float in [0, 1]
    """
    X, Y = _matrix(X, "X"), _matrix(Y, "Y")
    if len(X) != len(Y):
        raise ValueError(f"X has {len(X)} samples and Y has {len(Y)}; they must be the same")
    return _cka_centred(_centred(X), _centred(Y))


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = rankdata(a), rankdata(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denom = np.sqrt((ra @ ra) * (rb @ rb))
    if denom == 0:
        raise ValueError("RSA is undefined for a layer whose pairwise distances are all equal")
    return float(ra @ rb / denom)


def rsa(X: Any, Y: Any, metric: str = "euclidean") -> float:
    """Spearman correlation between the pairwise-distance matrices of X and Y.

    Parameters
    ----------
    X, Y : array-like, shape (n_samples, p) and (n_samples, q)
    metric : str
        Any :func:`scipy.spatial.distance.pdist` metric.
    """
    X, Y = _matrix(X, "X"), _matrix(Y, "Y")
    if len(X) != len(Y):
        raise ValueError(f"X has {len(X)} samples and Y has {len(Y)}; they must be the same")
    return _spearman(pdist(X, metric), pdist(Y, metric))


@dataclass(frozen=True, eq=False)
class LayerSimilarity:
    """Layer x layer similarity with bootstrap intervals over samples.

    Attributes
    ----------
    matrix : DataArray, dims ("layer_a", "layer_b")
        On all samples.
    replicates : DataArray or None, dims ("replicate", "layer_a", "layer_b")
        On bootstrap resamples of the samples (the same rows for every layer).
    lower, upper : DataArray or None
        Percentile interval of the replicates at ``level``.
    method : "cka" or "rsa"
    level : float
    meta : dict
    """

    matrix: xr.DataArray
    replicates: xr.DataArray | None
    lower: xr.DataArray | None
    upper: xr.DataArray | None
    method: str
    level: float
    meta: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Tidy table: layer_a, layer_b, value, lower, upper."""
        frame = self.matrix.to_dataframe(name="value").reset_index()
        for name, da in (("lower", self.lower), ("upper", self.upper)):
            frame[name] = np.nan if da is None else da.values.ravel()
        return frame

    def plot(self, other: LayerSimilarity | None = None) -> Any:
        """Heatmap (beside ``other``'s, e.g. the random-init model's)."""
        from interpkit.plots.representations import layer_similarity as plot

        return plot(self, other)


def _boot_pairs(n: int, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Condensed-pair positions of a resample, without pairs of a row with its copy."""
    i, j = np.triu_indices(n, k=1)
    a, b = idx[i], idx[j]
    keep = a != b
    a, b = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    return a, b


def _condensed(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return n * a - a * (a + 1) // 2 + (b - a - 1)


def _similarity_matrix(
    xs: list[Any], ys: list[Any], method: str, metric: str, idx: np.ndarray | None
) -> np.ndarray:
    if method == "cka":
        same = ys is xs
        if idx is not None:
            xs = [x[idx] for x in xs]
            ys = xs if same else [y[idx] for y in ys]
        sx = [_centred(x) for x in xs]
        sy = sx if same else [_centred(y) for y in ys]
        return np.array([[_cka_centred(a, b) for b in sy] for a in sx])
    # rsa: distances computed once on all samples, indexed per resample
    n = int(xs[0][1])
    dx, dy = xs, ys
    if idx is None:
        return np.array([[_spearman(a[0], b[0]) for b in dy] for a in dx])
    a, b = _boot_pairs(n, idx)
    pos = _condensed(n, a, b)
    return np.array([[_spearman(u[0][pos], v[0][pos]) for v in dy] for u in dx])


def layer_similarity(
    acts: Activations,
    method: str = "cka",
    other: Activations | None = None,
    *,
    n_boot: int = 0,
    level: float = 0.95,
    metric: str = "euclidean",
    random_state: Any = None,
) -> LayerSimilarity:
    """Layer x layer linear CKA or RSA, with bootstrap intervals over samples.

    Parameters
    ----------
    acts : Activations
        Pooled activations (dims ``("layer", "sample", "unit")``).
    method : {"cka", "rsa"}
    other : Activations, optional
        Compare ``acts``' layers (rows) with ``other``'s (columns) on the same
        samples, e.g. a trained model against its random initialisation.
    n_boot : int
        Bootstrap replicates over samples (0: none). RSA resamples leave out
        the pairs of a row with its own copy (distance 0 in every layer).
    level : float
    metric : str
        Distance for RSA.
    random_state : int, optional
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    _check_pooled(acts, "layer_similarity")
    names_a = acts.layers
    xs_raw = [_matrix(acts.layer(name), f"layer {name!r}") for name in names_a]
    if other is None:
        names_b, ys_raw = names_a, xs_raw
    else:
        _check_pooled(other, "layer_similarity")
        if other.n_samples != acts.n_samples:
            raise ValueError(
                f"other has {other.n_samples} samples and acts {acts.n_samples}; "
                "they must be the same samples"
            )
        names_b = other.layers
        ys_raw = [_matrix(other.layer(name), f"layer {name!r}") for name in names_b]
    n = acts.n_samples
    if method == "rsa":
        xs = [(pdist(x, metric), n) for x in xs_raw]
        ys = xs if other is None else [(pdist(y, metric), n) for y in ys_raw]
    else:
        xs, ys = xs_raw, ys_raw
    coords = {"layer_a": names_a, "layer_b": names_b}
    dims = ("layer_a", "layer_b")
    full = xr.DataArray(
        _similarity_matrix(xs, ys, method, metric, None), dims=dims, coords=coords, name=method
    )
    replicates = lower = upper = None
    if n_boot:
        rng = check_random_state(random_state)
        reps = np.stack(
            [
                _similarity_matrix(xs, ys, method, metric, rng.randint(0, n, n))
                for _ in range(n_boot)
            ]
        )
        replicates = xr.DataArray(reps, dims=("replicate", *dims), coords=coords, name=method)
        alpha = (1 - level) / 2
        lower = replicates.quantile(alpha, dim="replicate").drop_vars("quantile")
        upper = replicates.quantile(1 - alpha, dim="replicate").drop_vars("quantile")
    meta = {"n_samples": n, "n_boot": n_boot, "metric": metric, "random_state": random_state}
    return LayerSimilarity(full, replicates, lower, upper, method, level, meta)


def _check_pooled(acts: Any, func: str) -> None:
    if not isinstance(acts, Activations):
        raise TypeError(f"{func}() takes an Activations result, got {type(acts).__name__}")
    if not acts.pooled:
        raise ValueError(f"{func}() needs pooled activations; extract them with pooling='mean'")


@dataclass(frozen=True, eq=False)
class DistanceComparison:
    """Pairwise distances at two layers, their trend and the pairs farthest from it.

    Attributes
    ----------
    pairs : DataFrame
        Columns i, j, dist_a, dist_b, residual (standardised distance from
        the least-squares line of dist_b on dist_a); at most ``max_pairs``
        rows, the extreme pairs always included.
    extremes : DataFrame
        The ``n_extreme`` pairs with the largest |residual| over all pairs
        fitted, with their texts when known.
    layer_a, layer_b : str
    slope, intercept : float
        The trend dist_b ≈ intercept + slope · dist_a.
    spearman, pearson : float
        Over the pairs fitted.
    n_pairs_total, n_pairs_fitted, max_pairs : int
        All pairs; pairs used for the trend (all up to 5,000,000, else a random
        ``max_pairs``); the cap on plotted pairs.
    """

    pairs: pd.DataFrame
    extremes: pd.DataFrame
    layer_a: str
    layer_b: str
    slope: float
    intercept: float
    spearman: float
    pearson: float
    n_pairs_total: int
    n_pairs_fitted: int
    max_pairs: int

    def summary(self) -> pd.Series:
        return pd.Series(
            {
                "layer_a": self.layer_a,
                "layer_b": self.layer_b,
                "spearman": self.spearman,
                "pearson": self.pearson,
                "slope": self.slope,
                "intercept": self.intercept,
                "n_pairs_total": self.n_pairs_total,
                "n_pairs_fitted": self.n_pairs_fitted,
                "n_pairs_plotted": len(self.pairs),
            }
        )

    def plot(self) -> Any:
        from interpkit.plots.representations import distance_scatter

        return distance_scatter(self)


def _pair_distances(X: np.ndarray, i: np.ndarray, j: np.ndarray, metric: str) -> np.ndarray:
    if metric == "euclidean":
        return np.linalg.norm(X[i] - X[j], axis=1)
    return np.array([pdist(X[[u, v]], metric)[0] for u, v in zip(i, j, strict=True)])


def distance_comparison(
    acts: Activations,
    layer_a: str | int,
    layer_b: str | int,
    *,
    max_pairs: int = 20_000,
    n_extreme: int = 5,
    metric: str = "euclidean",
    random_state: Any = None,
) -> DistanceComparison:
    """Compare ‖h_i − h_j‖ at ``layer_a`` with ``layer_b`` over pairs of samples.

    Every pair is used for the trend and the extremes up to 5,000,000 pairs
    (about 3,160 samples); beyond that a random ``max_pairs`` pairs. At most
    ``max_pairs`` pairs are kept for the scatter (a random subset, the extreme
    pairs always in it).
    """
    _check_pooled(acts, "distance_comparison")
    if max_pairs < 10:
        raise ValueError(f"max_pairs must be at least 10, got {max_pairs}")
    name_a, name_b = acts._layer_name(layer_a), acts._layer_name(layer_b)
    A = _matrix(acts.layer(name_a), f"layer {name_a!r}")
    B = _matrix(acts.layer(name_b), f"layer {name_b!r}")
    n = len(A)
    total = n * (n - 1) // 2
    rng = check_random_state(random_state)
    if total <= EXACT_PAIR_LIMIT:
        i, j = np.triu_indices(n, k=1)
        da, db = pdist(A, metric), pdist(B, metric)
    else:
        i, j = rng.randint(0, n, max_pairs), rng.randint(0, n, max_pairs)
        keep = i != j
        i, j = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
        da, db = _pair_distances(A, i, j, metric), _pair_distances(B, i, j, metric)
    slope, intercept = np.polyfit(da, db, 1)
    resid = db - (intercept + slope * da)
    resid = resid / resid.std(ddof=2) if resid.std() > 0 else resid
    frame = pd.DataFrame({"i": i, "j": j, "dist_a": da, "dist_b": db, "residual": resid})
    order = np.argsort(-np.abs(resid))
    extremes = frame.iloc[order[:n_extreme]].reset_index(drop=True)
    texts = acts.texts
    if texts is not None:
        extremes["text_i"] = [texts[k] for k in extremes["i"]]
        extremes["text_j"] = [texts[k] for k in extremes["j"]]
    if len(frame) > max_pairs:
        rest = rng.choice(order[n_extreme:], max_pairs - n_extreme, replace=False)
        frame = frame.iloc[np.sort(np.concatenate([order[:n_extreme], rest]))]
    return DistanceComparison(
        pairs=frame.reset_index(drop=True),
        extremes=extremes,
        layer_a=name_a,
        layer_b=name_b,
        slope=float(slope),
        intercept=float(intercept),
        spearman=_spearman(da, db),
        pearson=float(np.corrcoef(da, db)[0, 1]),
        n_pairs_total=total,
        n_pairs_fitted=len(da),
        max_pairs=max_pairs,
    )
