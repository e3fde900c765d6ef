"""Arcene (p > n): how stable are the lasso's top coefficient and CART's top importance?

Arcene holds mass-spectrometry profiles of serum from cancer patients and
healthy controls (NIPS 2003 feature-selection challenge). We use the 200
highest-variance spectral bins of the 100 training samples and keep the
100 "valid" samples as a holdout.

1. Tune a binomial lasso (lambda by 10-fold CV, glmnet) and a CART tree
   (``ccp_alpha``, scikit-learn's counterpart of rpart's ``cp``, by 10-fold
   CV over the tree's own pruning path) and report holdout accuracy.
2. Find j*_L, the feature with the largest ``|coefficient|`` (coefficients
   per standard deviation of the feature, so their sizes compare), and
   j*_T, the feature with the largest CART importance (MDI).
3. Refit both models on B = 50 bootstrap samples *at the tuned values* (no
   re-tuning) and count how often j*_L and j*_T get a zero coefficient or
   a zero importance.
4. Show every top feature's spread over the bootstrap samples, and relate
   it to correlation: rho_j is the median ``|corr|`` of feature j with the
   other 199. Neighbouring bins of a spectrum are strongly correlated, so
   the lasso and the tree can swap one bin for its neighbour from one
   sample to the next.

Run ``python examples/arcene_stability.py [--out DIR] [--n-boot B] [--png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.tree import DecisionTreeClassifier

import interpkit
from interpkit import diagnostics, plots
from interpkit.datasets import load_arcene
from interpkit.plots import write_image


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--n-features", type=int, default=200, help="highest-variance bins kept")
    parser.add_argument("--n-boot", type=int, default=50, help="bootstrap samples B")
    parser.add_argument("--cv", type=int, default=10, help="folds for tuning")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=1, help="parallel workers (joblib)")
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def load(n_features: int) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    """Training and holdout ("valid") splits with the same columns."""
    X, y = load_arcene(split="train", n_features=n_features, return_X_y=True)
    X_hold, y_hold = load_arcene(split="valid", n_features=n_features, return_X_y=True)
    return X, y, X_hold, y_hold


def tune(X: pd.DataFrame, y: pd.Series, cv: int, seed: int) -> tuple[Any, Any]:
    """Binomial lasso with lambda by CV, CART with ccp_alpha by CV (both fit on all rows)."""
    lasso = interpkit.LassoExplainer(
        family="binomial",
        lambda_choice="lambda_min",
        standardized_coef=True,
        cv=cv,
        random_state=seed,
    ).fit(X, y)
    path = DecisionTreeClassifier(random_state=seed).cost_complexity_pruning_path(X, y)
    alphas = np.unique(np.round(path.ccp_alphas[:-1], 10))  # the last one prunes to the root
    cart = interpkit.ImportanceExplainer(
        DecisionTreeClassifier(),
        method="mdi",
        param_grid={"ccp_alpha": list(alphas)},
        cv=cv,
        random_state=seed,
    ).fit(X, y)
    return lasso, cart


def fixed_copies(lasso: Any, cart: Any) -> tuple[Any, Any]:
    """The same models at the tuned hyperparameters, with no tuning left to do."""
    lasso_fixed = interpkit.LassoExplainer(
        family="binomial",
        lambda_path=lasso.lambda_path_,  # lambda* lies on this path: no interpolation
        lambda_choice=float(lasso.lambda_),
        standardized_coef=True,
        cv=3,  # still run (and ignored); the coefficients are taken at lambda*
        random_state=lasso.random_state,
    )
    return lasso_fixed, cart.with_tuned_params()


def zero_fractions(results: dict[str, Any], features: dict[str, str]) -> pd.DataFrame:
    """Fraction of replicates in which each named feature is exactly 0, per model."""
    table = {}
    for model, result in results.items():
        vals = result.replicates.values
        table[f"{model}: zero fraction"] = {
            label: float((vals.sel(feature=f) == 0).mean()) for label, f in features.items()
        }
    return pd.DataFrame(table)


def correlation_report(result: Any, X: pd.DataFrame, top: int) -> tuple[pd.DataFrame, dict]:
    """rho_j for the ``top`` features by mean |value| over replicates, and summary numbers."""
    table = diagnostics.correlation_table(result, X)
    mean_abs = np.abs(result.replicates.values).mean("replicate").to_series()
    table["mean_abs"] = mean_abs.reindex(table.index)
    best = table.sort_values("mean_abs", ascending=False).head(top)
    rho_all = table["median_abs_corr"]
    numbers = {
        "rho top (median)": float(best["median_abs_corr"].median()),
        "rho all (median)": float(rho_all.median()),
        "max |corr| top (median)": float(best["max_abs_corr"].median()),
        "spearman(rho, mean|value|)": float(spearmanr(rho_all, table["mean_abs"]).statistic),
        "spearman(rho, selection freq.)": float(
            spearmanr(rho_all, table["selection_frequency"]).statistic
        ),
    }
    return best[["median_abs_corr", "max_abs_corr", "mean_abs", "selection_frequency"]], numbers


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-arcene-"))
    out.mkdir(parents=True, exist_ok=True)
    X, y, X_hold, y_hold = load(args.n_features)
    print(
        f"Arcene: {X.shape[0]} training samples x {X.shape[1]} bins "
        f"({int(y.sum())} cancer), {len(y_hold)} holdout samples"
    )

    lasso, cart = tune(X, y, args.cv, args.seed)
    accuracy = {
        "lasso": float(np.mean((lasso.predict_proba(X_hold) > 0.5) == (y_hold == 1))),
        "CART": float(np.mean((cart.predict(X_hold) > 0.5) == (y_hold == 1))),
    }
    coef = lasso.explain().values.to_series()
    mdi = cart.explain().values.to_series()
    j_lasso, j_cart = str(coef.abs().idxmax()), str(mdi.idxmax())
    print(
        f"lasso: lambda_min = {lasso.lambda_:.4g} ({int(np.count_nonzero(lasso.coef_))} nonzero),"
        f" holdout accuracy {accuracy['lasso']:.2f}"
    )
    print(
        f"CART:  ccp_alpha = {cart.best_params_['ccp_alpha']:.4g} "
        f"({cart.estimator_.get_n_leaves()} leaves), holdout accuracy {accuracy['CART']:.2f}"
    )
    print(f"j*_L = {j_lasso} (coefficient {coef[j_lasso]:+.3f} per SD)")
    print(f"j*_T = {j_cart} (MDI {mdi[j_cart]:.3f})")

    lasso_fixed, cart_fixed = fixed_copies(lasso, cart)
    kw = {"n_boot": args.n_boot, "random_state": args.seed, "n_jobs": args.n_jobs}
    results = {
        "lasso": lasso_fixed.stability(X, y, progress=False, **kw),
        "CART": cart_fixed.stability(X, y, progress=False, **kw),
    }
    zeros = zero_fractions(results, {f"j*_L = {j_lasso}": j_lasso, f"j*_T = {j_cart}": j_cart})
    print(f"\nB = {args.n_boot} bootstrap refits at the tuned lambda and ccp_alpha:")
    print(zeros.to_string(float_format="{:.2f}".format))

    corr_tables, corr_numbers = {}, {}
    for model, top in (("lasso", 25), ("CART", 10)):
        corr_tables[model], corr_numbers[model] = correlation_report(results[model], X, top)
    print("\nrho_j = median |corr| with the other bins")
    print(pd.DataFrame(corr_numbers).to_string(float_format="{:.3f}".format))
    print("\nCART's top 10 by mean MDI over the bootstrap samples:")
    print(corr_tables["CART"].to_string(float_format="{:.3f}".format))

    sub = f"<br><sup>{args.n_boot} bootstrap samples at fixed hyperparameters; top {{}} of "
    sub += f"{X.shape[1]} features by mean rank; × fit on all 100 samples</sup>"
    figures = {
        "arcene_lasso_distribution": plots.replicate_distribution(
            results["lasso"],
            top=25,
            title=f"Binomial lasso (λ = {lasso.lambda_:.3g}): coefficients per SD" + sub.format(25),
        ),
        "arcene_cart_distribution": plots.replicate_distribution(
            results["CART"],
            top=15,
            title=f"CART (ccp_alpha = {cart.best_params_['ccp_alpha']:.3g}): MDI importance"
            + sub.format(15),
        ),
        "arcene_correlation_heatmap": plots.correlation_heatmap(diagnostics.feature_correlation(X)),
        "arcene_lasso_rho_vs_importance": plots.correlation_vs_importance(
            diagnostics.correlation_table(results["lasso"], X)
        ),
        "arcene_cart_rho_vs_importance": plots.correlation_vs_importance(
            diagnostics.correlation_table(results["CART"], X)
        ),
    }
    for stem, fig in figures.items():
        fig.write_html(out / f"{stem}.html", include_plotlyjs=True)
        if args.png:
            write_image(fig, out / f"{stem}.png")
    print(f"\nfigures written to {out}")
    return {
        "accuracy": accuracy,
        "lambda": float(lasso.lambda_),
        "ccp_alpha": float(cart.best_params_["ccp_alpha"]),
        "j_lasso": j_lasso,
        "j_cart": j_cart,
        "zero_fractions": zeros,
        "results": results,
        "correlation": corr_tables,
        "correlation_numbers": corr_numbers,
        "out": out,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
