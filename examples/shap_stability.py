"""How stable are SHAP explanations? A random forest and a lasso on the prostate data.

1. Split the 97 men into training and test rows; fit a random forest and a
   lasso (lambda by 10-fold CV, the 1-SE rule) and compare test RMSE.
2. SHAP for one run: TreeSHAP for the forest, linear SHAP for the lasso
   (interpkit's ``LassoExplainer`` wrapped as the model), global mean |phi|.
3. A fixed model on different subsamples: ``stability(scope="background")``
   keeps each fitted model and redraws the background from bootstrap
   samples of the training rows.
4. A bootstrap of the training set: ``stability(scope="rows")`` refits the
   forest (and the lasso, lambda re-tuned inside every replicate) on each
   bootstrap sample and recomputes SHAP; the intervals and the rank
   agreement show how much of the explanation is the data's noise.

Run ``python examples/shap_stability.py [--out DIR] [--n-boot B] [--png]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import RandomForestRegressor

import interpkit
from interpkit import plots
from interpkit.adapters.shap import ShapExplainer
from interpkit.datasets import load_prostate
from interpkit.plots import shap as shap_plots
from interpkit.plots import write_image


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--n-boot", type=int, default=50, help="bootstrap samples B")
    parser.add_argument("--n-trees", type=int, default=200)
    parser.add_argument("--n-test", type=int, default=25, help="held-out rows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-shap-stability-"))
    out.mkdir(parents=True, exist_ok=True)

    X, y = load_prostate(return_X_y=True)
    rng = np.random.default_rng(args.seed)
    test = np.zeros(len(y), dtype=bool)
    test[rng.choice(len(y), size=args.n_test, replace=False)] = True
    X_train, y_train, X_test, y_test = X[~test], y[~test], X[test], y[test]

    # an unfitted estimator for each method: ShapExplainer fits a clone
    estimators = {
        "random forest": RandomForestRegressor(n_estimators=args.n_trees, min_samples_leaf=3),
        "lasso": interpkit.LassoExplainer(cv=10),
    }
    explainers, rmse, single = {}, {}, {}
    for name, est in estimators.items():
        ex = ShapExplainer(estimator=est, background=len(X_train), random_state=args.seed)
        ex.fit(X_train, y_train)
        explainers[name] = ex
        rmse[name] = float(np.sqrt(np.mean((ex.predict(X_test) - y_test) ** 2)))
        single[name] = ex.explain()
        print(f"{name:14s} test RMSE {rmse[name]:.3f}; {single[name].method}; top features: "
              + ", ".join(single[name].to_frame().nlargest(3, "value")["feature"]))  # fmt: skip

    kw = {"n_boot": args.n_boot, "random_state": args.seed, "n_jobs": args.n_jobs}
    fixed = {name: ex.stability(scope="background", **kw) for name, ex in explainers.items()}
    refit = {
        name: ex.stability(X_train, y_train, scope="rows", progress=False, **kw)
        for name, ex in explainers.items()
    }
    agreement = {}
    for name in explainers:
        agreement[name] = {
            "background": fixed[name].rank_agreement(),
            "refit": refit[name].rank_agreement(),
        }
        width = refit[name].summary()
        widest = (width["upper"] - width["lower"]).idxmax()
        tau = agreement[name]
        print(
            f"{name:14s} rank agreement (Kendall tau): fixed model {tau['background']:.2f}, "
            f"bootstrap refit {tau['refit']:.2f}; widest interval: {widest}"
        )
    comparison = interpkit.compare(refit)
    spearman = comparison.agreement().query("metric == 'spearman'").iloc[0]
    print(f"forest vs lasso, Spearman of mean |phi|: {spearman['value']:.2f} "
          f"(bootstrap interval {spearman['lower']:.2f} to {spearman['upper']:.2f})")  # fmt: skip

    figs = {
        "refit_forest": shap_plots.shap_bar(refit["random forest"]),
        "refit_lasso": shap_plots.shap_bar(refit["lasso"]),
        "fixed_model_forest": shap_plots.shap_bar(fixed["random forest"]),
        "compare_refit": plots.compare_stability(refit),
    }
    for name, fig in figs.items():
        fig.write_html(out / f"{name}.html", include_plotlyjs=True)
        if args.png:
            write_image(fig, out / f"{name}.png")
    print(f"figures written to {out}")
    return {
        "rmse": rmse,
        "single": single,
        "fixed": fixed,
        "refit": refit,
        "rank_agreement": agreement,
        "spearman": float(spearman["value"]),
        "out": out,
    }


if __name__ == "__main__":
    main()
