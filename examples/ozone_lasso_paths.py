"""Lasso paths on the ozone data with all pairwise interactions.

Models log(O3) on the nine weather variables and their 36 pairwise products
(R's ``model.matrix(O3 ~ .^2, ozone)[, -1]``, 330 x 45), tunes lambda by
10-fold CV and looks at the two classic lasso pictures:

* the CV curve, with lambda_min (lowest mean CV error) and lambda_1se (the
  sparsest model within one standard error of it);
* the coefficient paths, on the standardised scale so sizes are comparable.

It then names a feature whose path is not monotone (its size grows, then
shrinks again as the penalty weakens: a correlated feature takes over its
role) and checks that as lambda goes to 0 the lasso approaches ordinary
least squares (``numpy.linalg.lstsq``).

Run ``python examples/ozone_lasso_paths.py [--out DIR]``; figures are
written as HTML into DIR.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import interpkit
from interpkit import plots
from interpkit.datasets import load_ozone
from interpkit.plots import write_image


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--seed", type=int, default=0, help="seeds the CV folds")
    parser.add_argument(
        "--ols-tol",
        type=float,
        default=1e-12,
        help="glmnet convergence threshold for the near-OLS fit (smaller: closer, slower)",
    )
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def non_monotone_paths(lasso: interpkit.LassoExplainer, min_drop: float = 0.5) -> pd.DataFrame:
    """Features whose |standardised coefficient| peaks inside the path and then falls.

    Walking from the largest lambda to the smallest, a monotone path only
    grows in size. Listed here are the features whose size at the end of the
    path is less than ``(1 - min_drop)`` times their peak, sorted by the drop.
    """
    coef = lasso.coef_path_ * lasso.feature_scales_[:, None]  # (feature, lambda), lambda falling
    size = np.abs(coef)
    peak_at = size.argmax(axis=1)
    peak = size.max(axis=1)
    end = size[:, -1]
    keep = (peak > 0) & (peak_at < size.shape[1] - 1) & (end < (1 - min_drop) * peak)
    rows = np.flatnonzero(keep)
    table = pd.DataFrame(
        {
            "lambda_at_peak": lasso.lambda_path_[peak_at[rows]],
            "peak": coef[rows, peak_at[rows]],
            "at_smallest_lambda": coef[rows, -1],
            "drop": peak[rows] - end[rows],
        },
        index=pd.Index(np.asarray(lasso.feature_names_in_)[rows], name="feature"),
    )
    return table.sort_values("drop", ascending=False)


def distance_to_ols(
    coef: np.ndarray, intercept: float, ols: np.ndarray, X: np.ndarray, scales: np.ndarray
) -> tuple[float, float]:
    """(relative distance of standardised coefficients, RMS gap of fitted values) to OLS."""
    rel = np.linalg.norm((coef - ols[1:]) * scales) / np.linalg.norm(ols[1:] * scales)
    fitted_gap = X @ coef + intercept - (ols[0] + X @ ols[1:])
    return float(rel), float(np.sqrt(np.mean(fitted_gap**2)))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-ozone-"))
    out.mkdir(parents=True, exist_ok=True)

    X, o3 = load_ozone(interactions=True, return_X_y=True)
    y = np.log(o3)
    lasso = interpkit.LassoExplainer(cv=10, random_state=args.seed, standardized_coef=True)
    lasso.fit(X, y)

    lam = lasso.lambda_path_
    nonzero = np.count_nonzero(lasso.coef_path_, axis=0)
    i_min = int(np.flatnonzero(lam == lasso.lambda_min_)[0])
    i_1se = int(np.flatnonzero(lam == lasso.lambda_1se_)[0])
    print(f"log(O3) ~ (9 weather variables)^2: {X.shape[0]} rows, {X.shape[1]} features")
    print(f"lambda_min = {lasso.lambda_min_:.5g}  ({nonzero[i_min]} nonzero coefficients)")
    print(f"lambda_1se = {lasso.lambda_1se_:.5g}  ({nonzero[i_1se]} nonzero coefficients)")
    print(
        f"mean CV error: {lasso.cv_mean_[i_min]:.4f} at lambda_min, "
        f"{lasso.cv_mean_[i_1se]:.4f} at lambda_1se (SE at lambda_min {lasso.cv_se_[i_min]:.4f})"
    )
    kept = lasso.explain().to_frame().query("value != 0")["feature"].tolist()
    print(f"features kept at lambda_1se: {', '.join(kept)}")

    figures = {
        "ozone_cv_curve": plots.cv_curve(lasso.cv_curve()),
        "ozone_lasso_path": plots.path(lasso.path(), label=12),
    }

    # a non-monotone path, and what it is correlated with
    bumps = non_monotone_paths(lasso)
    name = str(bumps.index[0])
    row = bumps.iloc[0]
    print(
        f"\nnon-monotone path: {name} -- its standardised coefficient grows to "
        f"{row['peak']:+.3g} at lambda = {row['lambda_at_peak']:.4g}, then shrinks to "
        f"{row['at_smallest_lambda']:+.3g} at the smallest lambda"
    )
    corr = X.corrwith(X[name]).drop(name)
    active_end = np.abs(lasso.coef_path_[:, -1]) > 0
    partners = corr[active_end[X.columns != name]].abs().sort_values(ascending=False).head(3)
    print(
        "  correlated features that are in the model at small lambda: "
        + ", ".join(f"{f} (r = {corr[f]:+.2f})" for f in partners.index)
    )
    print("  (they explain the same variation once the penalty lets them in)")
    if len(bumps) > 1:
        print(f"  other non-monotone paths: {', '.join(map(str, bumps.index[1:6]))}")

    # lambda -> 0: the lasso approaches ordinary least squares
    Xa = X.to_numpy(dtype=float)
    design = np.column_stack([np.ones(len(y)), Xa])
    ols = np.linalg.lstsq(design, y.to_numpy(), rcond=None)[0]
    scales = lasso.feature_scales_
    print("\ndistance to OLS (lstsq): relative, standardised coefficients | RMS fitted values")
    checkpoints = {
        "lambda_1se": ("lambda_1se", i_1se),
        "lambda_min": ("lambda_min", i_min),
        "path_end": (f"smallest path lambda ({lam[-1]:.3g})", lam.size - 1),
    }
    distances = {}
    for key, (label, i) in checkpoints.items():
        coef, icpt = lasso.coef_path_[:, i], lasso.intercept_path_[i]
        distances[key] = rel, gap = distance_to_ols(coef, icpt, ols, Xa, scales)
        print(f"  {label:<34} {rel:10.4f} | {gap:.5f}")
    # glmnet ends its path early (when the deviance barely changes) and the
    # design is ill-conditioned (products of uncentred variables), so going
    # all the way needs a tiny lambda and a tight convergence threshold
    tiny = lam[0] * np.array([1e-6, 1e-8])
    near_ols = interpkit.LassoExplainer(
        lambda_path=tiny,
        lambda_choice=float(tiny[-1]),
        cv=3,
        random_state=args.seed,
        tol=args.ols_tol,
        max_iter=10**7,
    ).fit(X, y)
    rel, gap = distance_to_ols(near_ols.coef_, near_ols.intercept_, ols, Xa, scales)
    distances["near_ols"] = (rel, gap)
    label = f"lambda = {tiny[-1]:.2g} (tol {args.ols_tol:g})"
    print(f"  {label:<34} {rel:10.4f} | {gap:.5f}")
    cond = np.linalg.cond((Xa - Xa.mean(axis=0)) / scales)
    print(f"  condition number of the standardised design: {cond:.0f}")

    for stem, fig in figures.items():
        fig.write_html(out / f"{stem}.html")
        if args.png:
            write_image(fig, out / f"{stem}.png")
    print(f"\nfigures written to {out}")
    return {
        "lambda_min": lasso.lambda_min_,
        "lambda_1se": lasso.lambda_1se_,
        "n_nonzero_min": int(nonzero[i_min]),
        "n_nonzero_1se": int(nonzero[i_1se]),
        "non_monotone": name,
        "non_monotone_table": bumps,
        "ols_distance": distances,
        "out": out,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
