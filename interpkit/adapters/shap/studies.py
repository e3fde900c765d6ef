"""SHAP studies in one call each.

* :func:`kernel_convergence`: KernelSHAP's Monte-Carlo variance against
  ``nsamples``, and its error against an exact reference;
* :func:`baseline_sensitivity`: the same rows under several backgrounds;
* :func:`marginal_vs_conditional`: interventional vs correlation-dependent
  linear SHAP next to the coefficients.

Each returns a small frozen dataclass with ``summary()``, drawn by
:mod:`interpkit.plots.shap`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from interpkit.adapters.shap.background import explainer_background
from interpkit.adapters.shap.model import choose_algorithm
from interpkit.explanation import Explanation

if TYPE_CHECKING:
    from interpkit.adapters.shap.explainer import ShapExplainer

__all__ = [
    "BaselineSensitivity",
    "KernelConvergence",
    "MarginalVsConditional",
    "baseline_sensitivity",
    "kernel_convergence",
    "marginal_vs_conditional",
]

_INT32 = np.iinfo(np.int32).max


def _labels(X: Any) -> np.ndarray | None:
    if not isinstance(X, pd.DataFrame):
        return None
    labels = X.index.to_numpy()
    return labels.astype(str) if labels.dtype == object else labels


def _relabel(expl: Explanation, labels: np.ndarray | None) -> Explanation:
    if labels is None:
        return expl
    return expl.with_values(
        expl.values.assign_coords(sample=labels), data=expl.data.assign_coords(sample=labels)
    )


# -- KernelSHAP convergence --------------------------------------------------------
@dataclass(frozen=True)
class KernelConvergence:
    """KernelSHAP estimates over an ``nsamples`` grid, ``n_repeats`` seeds each.

    Attributes
    ----------
    nsamples : ndarray, shape (k,)
    exhaustive : ndarray of bool, shape (k,)
        Grid values of at least ``2**p - 2``, where shap enumerates every
        coalition: the estimate is exact and its variance is set to 0.
    features : list of str
    variance : ndarray, shape (k, n_features)
        Variance across repeats (ddof 1), averaged over the explained rows.
    slope : float
        Fitted slope of log(mean variance) on log(nsamples); about -1 for a
        Monte-Carlo estimate once nsamples is well above the number of
        features (exhaustive grid points are left out). At small nsamples
        it is steeper: shap enumerates the smallest and largest coalition
        sizes deterministically whenever the budget allows, so a growing
        share of the estimate is exact.
    error : ndarray, shape (k,) or None
        Root-mean-square error of single runs against the reference.
    mean_error : ndarray, shape (k,) or None
        RMS error of the average over the repeats against the reference.
    reference : str or None
        ``"exact"`` or ``"tree"`` SHAP used as truth.
    tol : float or None
    nsamples_for_tol : int or None
        Smallest grid value whose ``error`` (or, without a reference, RMS
        standard deviation) is at most ``tol``; None when none reaches it.
    n_repeats, n_rows : int
    output_name : str
    """

    nsamples: np.ndarray
    exhaustive: np.ndarray
    features: list[str]
    variance: np.ndarray
    slope: float
    error: np.ndarray | None
    mean_error: np.ndarray | None
    reference: str | None
    tol: float | None
    nsamples_for_tol: int | None
    n_repeats: int
    n_rows: int
    output_name: str

    def summary(self) -> pd.DataFrame:
        """One row per grid value: mean variance, RMS sd and errors."""
        frame = pd.DataFrame(
            {
                "mean_variance": self.variance.mean(axis=1),
                "rms_sd": np.sqrt(self.variance.mean(axis=1)),
                "error": np.nan if self.error is None else self.error,
                "mean_error": np.nan if self.mean_error is None else self.mean_error,
            },
            index=pd.Index(self.nsamples, name="nsamples"),
        )
        frame.attrs["slope"] = self.slope
        return frame


def kernel_convergence(
    explainer: ShapExplainer,
    X_rows: Any,
    nsamples_grid: Any,
    n_repeats: int = 10,
    reference: str | None = "exact",
    tol: float | None = None,
    random_state: Any = None,
    n_jobs: int | None = None,
) -> KernelConvergence:
    """How KernelSHAP's estimate settles as ``nsamples`` grows.

    Parameters
    ----------
    explainer : fitted ShapExplainer
        Its model, output and background are used; the algorithm is forced
        to ``"kernel"`` (and to ``reference`` for the truth).
    X_rows : rows to explain, shape (n_rows, n_features); keep it small.
    nsamples_grid : sequence of int, each >= n_features + 2
    n_repeats : int, default 10
        Seeds per grid value (>= 2).
    reference : {"exact", "tree"} or None
    tol : float, optional
        Target error for ``nsamples_for_tol``.

    Returns
    -------
    KernelConvergence
    """
    check_is_fitted(explainer)
    X = explainer._check_rows(X_rows)
    grid = np.asarray(sorted({int(n) for n in nsamples_grid}))
    if grid.size < 2:
        raise ValueError("nsamples_grid needs at least two distinct values")
    if not (isinstance(n_repeats, int | np.integer) and n_repeats >= 2):
        raise ValueError(f"n_repeats must be an integer >= 2, got {n_repeats!r}")
    if reference not in ("exact", "tree", None):
        raise ValueError(f"reference must be 'exact', 'tree' or None, got {reference!r}")
    seeds = check_random_state(random_state).randint(_INT32, size=(grid.size, n_repeats))
    bg, w = explainer.background_, explainer.background_weights_
    for n in grid:  # fail fast on a too-small grid value
        from interpkit.adapters.shap.compute import kernel_nsamples

        kernel_nsamples(int(n), X.shape[1])
    jobs = (
        delayed(_kernel_run)(explainer, X, bg, w, int(n), int(seeds[i, r]))
        for i, n in enumerate(grid)
        for r in range(n_repeats)
    )
    phi = np.stack(Parallel(n_jobs=n_jobs)(jobs)).reshape(grid.size, n_repeats, *X.shape)
    variance = phi.var(axis=1, ddof=1).mean(axis=1)  # (k, p)
    # from 2**p - 2 samples on shap enumerates every coalition: exact, no variance
    exhaustive = grid >= 2 ** X.shape[1] - 2
    variance[exhaustive] = 0.0
    mean_var = variance.mean(axis=1)
    keep = (mean_var > 0) & ~exhaustive
    slope = (
        float(np.polyfit(np.log(grid[keep]), np.log(mean_var[keep]), 1)[0])
        if keep.sum() >= 2
        else float("nan")
    )
    error = mean_error = None
    if reference is not None:
        choose_algorithm(explainer.model_, explainer.output_, reference, X.shape[1], w is not None)
        truth = explainer._compute(X, setup=explainer._setup(reference))[0]
        error = np.sqrt(((phi - truth) ** 2).mean(axis=(1, 2, 3)))
        mean_error = np.sqrt(((phi.mean(axis=1) - truth) ** 2).mean(axis=(1, 2)))
    reached = None
    if tol is not None:
        crit = error if error is not None else np.sqrt(mean_var)
        hits = grid[crit <= tol]
        reached = int(hits[0]) if hits.size else None
    return KernelConvergence(
        nsamples=grid,
        exhaustive=exhaustive,
        features=explainer._names(),
        variance=variance,
        slope=slope,
        error=error,
        mean_error=mean_error,
        reference=reference,
        tol=tol,
        nsamples_for_tol=reached,
        n_repeats=int(n_repeats),
        n_rows=int(X.shape[0]),
        output_name=explainer.explain(X[:1]).output_name or "",
    )


def _kernel_run(explainer, X, bg, w, n, seed) -> np.ndarray:
    return explainer._compute(X, bg, w, seed, setup=explainer._setup("kernel", n))[0]


# -- baselines ----------------------------------------------------------------------
@dataclass(frozen=True)
class BaselineSensitivity:
    """The same rows explained under several backgrounds.

    Attributes
    ----------
    explanations : dict of str to Explanation
        Local explanations (dims ``("sample", "feature")``), one per background.
    agreement : DataFrame
        One row per pair: ``mean_abs_diff`` and ``max_abs_diff`` of phi,
        ``base_diff`` (difference of base values), ``row_spearman`` (mean
        over rows of the Spearman correlation of the two phi vectors) and
        ``top_feature_agreement`` (fraction of rows with the same largest
        ``|phi|`` feature).
    """

    explanations: dict[str, Explanation]
    agreement: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Per background and feature: mean ``|phi|`` and mean ``phi``; base value."""
        rows = []
        for name, expl in self.explanations.items():
            vals = expl.to_numpy()
            for j, feat in enumerate(expl.feature_names):
                rows.append(
                    {
                        "background": name,
                        "feature": feat,
                        "mean_abs_shap": float(np.abs(vals[:, j]).mean()),
                        "mean_shap": float(vals[:, j].mean()),
                        "base_value": float(np.mean(expl.base_value)),
                    }
                )
        return pd.DataFrame(rows)


def baseline_sensitivity(
    explainer: ShapExplainer, X_rows: Any, backgrounds: dict[str, Any]
) -> BaselineSensitivity:
    """Explain ``X_rows`` under each background in ``backgrounds`` (name -> spec).

    A spec is anything ``ShapExplainer(background=...)`` takes; recipes
    (``"mean"``, an int, ``"kmeans:K"``) are applied to the explainer's
    ``background_source_``. The explainer's model, output and algorithm are
    kept.
    """
    check_is_fitted(explainer)
    if not isinstance(backgrounds, dict) or len(backgrounds) < 2:
        raise ValueError("backgrounds must be a dict of at least two name -> background")
    X = explainer._check_rows(X_rows)
    out = {}
    for name, spec in backgrounds.items():
        # a recipe on the source rows (modes of text columns); a DataFrame coded as X is
        bg, w, desc = explainer_background(
            explainer, spec, explainer.background_source_, explainer.seed_
        )
        view = getattr(explainer, "view_", None)  # TreeSHAP of a pipeline: its last step
        model = explainer.model_ if view is None else view.model
        algo = choose_algorithm(
            model, explainer.output_, explainer.algorithm_, X.shape[1], w is not None
        )
        setup = explainer._setup(algo)
        expl = explainer._local(X, *explainer._compute(X, bg, w, setup=setup), setup=setup)
        params = {**expl.params, "background": desc, "n_background": int(bg.shape[0])}
        out[str(name)] = _relabel(expl.with_values(expl.values, params=params), _labels(X_rows))
    rows = []
    for a, b in combinations(out, 2):
        pa, pb = out[a].to_numpy(), out[b].to_numpy()
        rows.append(
            {
                "background_a": a,
                "background_b": b,
                "mean_abs_diff": float(np.abs(pa - pb).mean()),
                "max_abs_diff": float(np.abs(pa - pb).max()),
                "base_diff": float(np.mean(out[a].base_value) - np.mean(out[b].base_value)),
                "row_spearman": _row_spearman(pa, pb),
                "top_feature_agreement": float(
                    np.mean(np.abs(pa).argmax(axis=1) == np.abs(pb).argmax(axis=1))
                ),
            }
        )
    return BaselineSensitivity(explanations=out, agreement=pd.DataFrame(rows))


def _row_spearman(a: np.ndarray, b: np.ndarray) -> float:
    import warnings

    from scipy.stats import spearmanr

    with warnings.catch_warnings():  # a constant row has no rank correlation: NaN, skipped
        warnings.simplefilter("ignore")
        rhos = [spearmanr(x, z).statistic for x, z in zip(a, b, strict=True)]
    rhos = [r for r in rhos if np.isfinite(r)]
    return float(np.mean(rhos)) if rhos else float("nan")


# -- marginal vs conditional --------------------------------------------------------
@dataclass(frozen=True)
class MarginalVsConditional:
    """Interventional and correlation-dependent linear SHAP of one linear model.

    Attributes
    ----------
    coefficients : Series, indexed by feature
    interventional, conditional : Explanation
        Local explanations of the same rows, dims ``("sample", "feature")``.
    """

    coefficients: pd.Series
    interventional: Explanation
    conditional: Explanation

    def summary(self) -> pd.DataFrame:
        """Per feature: coefficient, mean ``|phi|`` under both value functions, their ratio."""
        marg = np.abs(self.interventional.to_numpy()).mean(axis=0)
        cond = np.abs(self.conditional.to_numpy()).mean(axis=0)
        return pd.DataFrame(
            {
                "coefficient": self.coefficients.to_numpy(),
                "mean_abs_interventional": marg,
                "mean_abs_conditional": cond,
                "conditional_over_interventional": cond / np.where(marg > 0, marg, np.nan),
            },
            index=self.coefficients.index,
        )


def marginal_vs_conditional(
    linear_model: Any,
    X: Any,
    X_rows: Any = None,
    nsamples: int | str = "auto",
    random_state: int | None = 0,
) -> MarginalVsConditional:
    """Linear SHAP of ``linear_model`` under both value functions.

    Parameters
    ----------
    linear_model : fitted linear model
        A scikit-learn linear regressor (or logistic regression, on the
        log-odds scale) or a fitted interpkit glmnet explainer.
    X : rows whose mean and covariance define the background.
    X_rows : rows to explain; default all of ``X``.
    nsamples : orderings for the correlation-dependent transform (shap's 1000).
    """
    from interpkit.adapters.shap.explainer import ShapExplainer

    common = {"model": linear_model, "algorithm": "linear", "random_state": random_state}
    n = len(X)
    marg = ShapExplainer(background=n, **common).fit(X)
    cond = ShapExplainer(
        background=n, feature_perturbation="correlation_dependent", nsamples=nsamples, **common
    ).fit(X)
    rows = X if X_rows is None else X_rows
    coef, _ = marg._setup().linear
    return MarginalVsConditional(
        coefficients=pd.Series(coef, index=pd.Index(marg._names(), name="feature"), name="coef"),
        interventional=marg.explain(rows),
        conditional=cond.explain(rows),
    )
