"""K-fold cross-validation for the lasso, written out by hand, checked against interpkit.

The by-hand version fits the lasso one lambda at a time (scikit-learn's
``Lasso`` on standardised features, which is the problem glmnet solves) on
the rows outside each fold, scores the rows inside it, and then applies

* lambda_min: the lambda with the lowest mean CV error;
* the one-standard-error rule, lambda_1se: the largest lambda whose mean CV
  error is within one standard error of the minimum -- a sparser model that
  does about as well.

With the same folds (``cv=`` accepts an array of fold labels) and the same
lambda grid, interpkit's ``cv_mean_``, ``cv_se_``, ``lambda_min_`` and
``lambda_1se_`` should agree with it to rounding.

It also runs the tempting but wrong design: fit on *all* rows, then "validate"
on each fold. The validation rows were used for fitting, so the error only
falls as lambda shrinks, and it picks the smallest lambda on the grid.

Data: Los Angeles ozone, log(O3) on the nine weather variables (330 days). Run
``python examples/cv_lambda_by_hand.py [--out DIR]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

import interpkit
from interpkit import plots
from interpkit.datasets import load_ozone
from interpkit.plots import write_image


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figure")
    parser.add_argument("--folds", type=int, default=10, help="number of folds K")
    parser.add_argument("--n-lambda", type=int, default=60, help="length of the lambda grid")
    parser.add_argument("--seed", type=int, default=0, help="seeds the fold assignment")
    parser.add_argument("--png", action="store_true", help="also write a PNG file (kaleido)")
    return parser.parse_args(argv)


# -- the by-hand version ------------------------------------------------------------------------
def lambda_grid(X: np.ndarray, y: np.ndarray, n_lambda: int, ratio: float = 1e-3) -> np.ndarray:
    """Log-spaced, decreasing grid from the smallest lambda that zeroes every coefficient."""
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    lambda_max = np.max(np.abs(Z.T @ (y - y.mean()))) / len(y)
    return np.geomspace(lambda_max, ratio * lambda_max, n_lambda)


def fit_lasso(X: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """Lasso at one lambda on standardised features; coefficients back on the original scale."""
    mean, sd = X.mean(axis=0), X.std(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Lasso(alpha=lam, tol=1e-15, max_iter=100_000).fit((X - mean) / sd, y)
    coef = model.coef_ / sd
    return coef, float(model.intercept_ - mean @ coef)


def cv_errors(X: np.ndarray, y: np.ndarray, folds: np.ndarray, lambdas: np.ndarray) -> np.ndarray:
    """Mean squared error on each held-out fold at each lambda, shape (K, n_lambda)."""
    K = folds.max() + 1
    errors = np.empty((K, lambdas.size))
    for k in range(K):
        train, test = folds != k, folds == k
        for i, lam in enumerate(lambdas):
            coef, intercept = fit_lasso(X[train], y[train], lam)
            errors[k, i] = np.mean((y[test] - X[test] @ coef - intercept) ** 2)
    return errors


def summarise(errors: np.ndarray, fold_sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean CV error and its standard error per lambda.

    The mean weights each fold by its size (so it is the mean over all
    held-out rows); the standard error is that of a weighted mean of K fold
    errors, as R's ``cv.glmnet`` computes it.
    """
    weight = fold_sizes / fold_sizes.sum()
    mean = weight @ errors
    se = np.sqrt(weight @ (errors - mean) ** 2 / (len(fold_sizes) - 1))
    return mean, se


def pick_lambdas(lambdas: np.ndarray, mean: np.ndarray, se: np.ndarray) -> tuple[float, float]:
    """(lambda_min, lambda_1se); ties go to the larger lambda, the simpler model."""
    best = mean.min()
    i_min = np.flatnonzero(mean == best)[0]  # the grid decreases: first is largest
    lambda_1se = lambdas[np.flatnonzero(mean <= best + se[i_min])[0]]
    return float(lambdas[i_min]), float(lambda_1se)


def wrong_design_errors(
    X: np.ndarray, y: np.ndarray, folds: np.ndarray, lambdas: np.ndarray
) -> np.ndarray:
    """The flawed design: fit once on all rows, then score each fold (rows it was fit on)."""
    fits = [fit_lasso(X, y, lam) for lam in lambdas]
    K = folds.max() + 1
    errors = np.empty((K, lambdas.size))
    for k in range(K):
        test = folds == k
        for i, (coef, intercept) in enumerate(fits):
            errors[k, i] = np.mean((y[test] - X[test] @ coef - intercept) ** 2)
    return errors


# -- the figure ---------------------------------------------------------------------------------
def figure(lasso: interpkit.LassoExplainer, wrong: np.ndarray) -> go.Figure:
    """interpkit's CV curve, with the error of the wrong design drawn over it."""
    fig = plots.cv_curve(lasso.cv_curve())
    fig.add_trace(
        go.Scatter(
            x=np.log(lasso.lambda_path_),
            y=wrong,
            mode="lines",
            name="wrong design",
            line={"color": "#444", "dash": "dot"},
            hovertemplate="wrong design: %{y:.4f}<extra></extra>",
        )
    )
    fig.update_layout(
        title="Lasso on log(O3): honest 10-fold CV vs the wrong design (dotted)",
        showlegend=True,
    )
    return fig


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-cv-"))
    out.mkdir(parents=True, exist_ok=True)

    X_frame, o3 = load_ozone(return_X_y=True)
    X, y = X_frame.to_numpy(dtype=float), np.log(o3.to_numpy(dtype=float))
    rng = np.random.default_rng(args.seed)
    folds = rng.permutation(np.arange(len(y)) % args.folds)  # balanced random folds
    lambdas = lambda_grid(X, y, args.n_lambda)

    errors = cv_errors(X, y, folds, lambdas)
    mean, se = summarise(errors, np.bincount(folds))
    lambda_min, lambda_1se = pick_lambdas(lambdas, mean, se)

    # interpkit on the same folds and grid; glmnet's tol bounds the *squared*
    # coefficient change per sweep, so a tiny value is needed for 1e-8 agreement
    lasso = interpkit.LassoExplainer(cv=folds, lambda_path=lambdas, tol=1e-20).fit(X_frame, y)
    diff_mean = float(np.max(np.abs(lasso.cv_mean_ - mean)))
    diff_se = float(np.max(np.abs(lasso.cv_se_ - se)))
    print(f"log(O3) on the ozone data: {len(y)} rows, {X.shape[1]} features, {args.folds} folds")
    print(f"{lambdas.size} lambdas from {lambdas[0]:.4g} down to {lambdas[-1]:.4g}")
    print(f"{'':<22}{'by hand':>12}{'interpkit':>12}")
    print(f"{'lambda_min':<22}{lambda_min:>12.6g}{lasso.lambda_min_:>12.6g}")
    print(f"{'lambda_1se':<22}{lambda_1se:>12.6g}{lasso.lambda_1se_:>12.6g}")
    i_min = int(np.argmin(np.abs(lambdas - lambda_min)))
    print(f"{'CV error at lambda_min':<22}{mean[i_min]:>12.6f}{lasso.cv_mean_[i_min]:>12.6f}")
    print(f"max |difference| over the grid: CV mean {diff_mean:.2e}, CV SE {diff_se:.2e}")

    n_min = int(np.count_nonzero(fit_lasso(X, y, lambda_min)[0]))
    n_1se = int(np.count_nonzero(fit_lasso(X, y, lambda_1se)[0]))
    print(f"nonzero coefficients: {n_min} at lambda_min, {n_1se} at lambda_1se")

    wrong_mean, _ = summarise(wrong_design_errors(X, y, folds, lambdas), np.bincount(folds))
    i_wrong = int(np.argmin(wrong_mean))
    lambda_wrong = float(lambdas[i_wrong])
    n_wrong = int(np.count_nonzero(fit_lasso(X, y, lambda_wrong)[0]))
    falls = bool(np.all(np.diff(wrong_mean) <= 1e-12))
    print("\nwrong design (fit on all rows, then 'validate' on the folds):")
    print(
        f"  its error only falls as lambda shrinks: {falls}; it picks lambda = "
        f"{lambda_wrong:.4g} (the smallest on the grid: {i_wrong == lambdas.size - 1})"
    )
    print(
        f"  that is {lambda_min / lambda_wrong:.0f}x smaller than lambda_min and keeps "
        f"{n_wrong} of {X.shape[1]} features"
    )
    print(
        f"  its error there, {wrong_mean[i_wrong]:.4f}, is optimistic: honest CV says "
        f"{mean[i_wrong]:.4f} (and {mean[i_min]:.4f} at lambda_min)"
    )

    fig = figure(lasso, wrong_mean)
    fig.write_html(out / "cv_by_hand.html")
    if args.png:
        write_image(fig, out / "cv_by_hand.png")
    print(f"\nfigure written to {out}")
    return {
        "lambdas": lambdas,
        "cv_mean": mean,
        "cv_se": se,
        "lambda_min": lambda_min,
        "lambda_1se": lambda_1se,
        "interpkit": lasso,
        "max_diff_mean": diff_mean,
        "max_diff_se": diff_se,
        "lambda_wrong": lambda_wrong,
        "wrong_mean": wrong_mean,
        "n_nonzero": {"lambda_min": n_min, "lambda_1se": n_1se, "wrong": n_wrong},
        "out": out,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
