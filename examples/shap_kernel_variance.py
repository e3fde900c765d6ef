"""KernelSHAP is a Monte-Carlo estimate; and the baseline is part of the question.

Part 1. A random forest is fit to Friedman's benchmark function (ten
features, five of them unused). For a few rows, KernelSHAP is run
``--repeats`` times at each ``nsamples`` on a grid, always against the same
background. The spread across runs is the estimator's own noise: the script
prints the mean variance per grid value, the fitted log-log slope (about -1
means variance ~ 1/nsamples once nsamples is well above the number of
features), and the error against TreeSHAP, which is exact for the same
forest and background, with the smallest nsamples within ``--tol``.

Part 2. Two analysts explain the same forest and the same rows with
different baselines: the mean of everyone, and rows from one corner of the
data (the top quarter of x3). Their SHAP values differ, and so do their base
values, because each phi answers "compared with what?".

Run ``python examples/shap_kernel_variance.py [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor

from interpkit.adapters.shap import ShapExplainer, baseline_sensitivity, kernel_convergence
from interpkit.plots import shap as shap_plots
from interpkit.plots import write_image


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--n", type=int, default=600, help="rows of simulated data")
    parser.add_argument("--grid", type=int, nargs="+", default=[50, 100, 200, 400, 800])
    parser.add_argument("--repeats", type=int, default=10, help="KernelSHAP runs per nsamples")
    parser.add_argument("--rows", type=int, default=4, help="rows explained in part 1")
    parser.add_argument("--tol", type=float, default=0.02, help="target RMS error")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-kernel-shap-"))
    out.mkdir(parents=True, exist_ok=True)

    X_arr, y = make_friedman1(n_samples=args.n, n_features=10, noise=0.5, random_state=args.seed)
    X = pd.DataFrame(X_arr, columns=[f"x{j}" for j in range(10)])
    forest = RandomForestRegressor(n_estimators=100, max_depth=8, random_state=args.seed)
    forest.fit(X, y)

    # part 1: KernelSHAP's spread over seeds, TreeSHAP as the truth
    kernel = ShapExplainer(model=forest, algorithm="kernel", background=20,
                           random_state=args.seed).fit(X)  # fmt: skip
    conv = kernel_convergence(
        kernel, X.iloc[: args.rows], args.grid, n_repeats=args.repeats, reference="tree",
        tol=args.tol, random_state=args.seed, n_jobs=args.n_jobs,
    )  # fmt: skip
    print(f"KernelSHAP, {args.repeats} runs per nsamples, {args.rows} rows, 10 features:")
    print(conv.summary().to_string(float_format=lambda v: f"{v:.3g}"))
    print(f"log-log slope of variance on nsamples: {conv.slope:.2f} (1/nsamples would be -1)")
    print(f"smallest nsamples with RMS error <= {args.tol}: {conv.nsamples_for_tol}")

    # part 2: two baselines, two explanations (TreeSHAP, so no Monte-Carlo noise)
    tree = ShapExplainer(model=forest, random_state=args.seed).fit(X)
    corner = X[X["x3"] > X["x3"].quantile(0.75)]
    study = baseline_sensitivity(
        tree, X.iloc[:100], {"everyone (mean)": "mean", "top quarter of x3": corner}
    )
    agree = study.agreement.iloc[0]
    bases = {k: float(np.mean(e.base_value)) for k, e in study.explanations.items()}
    print("\nbase values:", {k: round(v, 3) for k, v in bases.items()})
    print(
        f"mean |phi difference| {agree['mean_abs_diff']:.3f}; phi(x3) shifts by "
        f"{_mean_shift(study, 'x3'):.3f} on average; same top feature in "
        f"{100 * agree['top_feature_agreement']:.0f}% of rows"
    )

    figs = {
        "kernel_convergence": shap_plots.kernel_convergence(conv),
        "baselines_mean_abs": shap_plots.baseline_comparison(study),
        "baselines_row0": shap_plots.baseline_comparison(study, row=0),
    }
    for name, fig in figs.items():
        fig.write_html(out / f"{name}.html", include_plotlyjs=True)
        if args.png:
            write_image(fig, out / f"{name}.png")
    print(f"figures written to {out}")
    return {"convergence": conv, "baselines": study, "base_values": bases, "out": out}


def _mean_shift(study: Any, feature: str) -> float:
    a, b = study.explanations.values()
    j = a.feature_names.index(feature)
    return float(np.mean(a.to_numpy()[:, j] - b.to_numpy()[:, j]))


if __name__ == "__main__":
    main()
