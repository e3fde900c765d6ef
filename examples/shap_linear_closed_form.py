"""Linear SHAP in closed form, checked numerically, and marginal vs conditional SHAP.

For a linear model f(x) = b0 + sum_j b_j x_j two value functions give closed
forms:

* a single reference point x0, v(S) = f(x_S, x0_rest): phi_j = b_j (x_j - x0_j);
* the interventional expectation over the data, v(S) = E f(x_S, X_rest):
  phi_j = b_j (x_j - E[X_j]).

The script fits a linear regression, asks interpkit's ShapExplainer (shap's
linear explainer, and KernelSHAP as an independent route) for both, and
prints the largest gap to the formulas. Then, on data where x1 is almost a
copy of x0 and the model leans on x0 alone, it sets the interventional
values next to the correlation-dependent ones: the conditional value
function hands x1 a large share although its coefficient is near zero,
because fixing x1 tells you what x0 probably is.

Run ``python examples/shap_linear_closed_form.py [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

from interpkit.adapters.shap import ShapExplainer, marginal_vs_conditional
from interpkit.plots import shap as shap_plots
from interpkit.plots import write_image


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--n", type=int, default=500, help="rows of simulated data")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def simulate(n: int, rng: np.random.Generator, collinear: bool) -> tuple[pd.DataFrame, pd.Series]:
    """Four features; with ``collinear`` x1 is x0 plus a little noise and y ignores x1."""
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["x0", "x1", "x2", "x3"])
    if collinear:
        X["x1"] = X["x0"] + 0.15 * rng.normal(size=n)
        y = 2.0 * X["x0"] - 1.0 * X["x2"] + 0.1 * rng.normal(size=n)
    else:
        y = 1.5 * X["x0"] - 2.0 * X["x1"] + 0.5 * X["x2"] + 0.1 * rng.normal(size=n)
    return X, y


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-linear-shap-"))
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)

    X, y = simulate(args.n, rng, collinear=False)
    model = LinearRegression().fit(X, y)
    beta, rows = model.coef_, X.iloc[:20]
    x0 = X.iloc[[0]]  # the single reference point

    gaps = {}
    point = ShapExplainer(model=model, background=x0).fit(X).explain(rows)
    by_hand = beta * (rows.to_numpy() - x0.to_numpy())
    gaps["reference point, linear"] = np.abs(point.to_numpy() - by_hand).max()
    kernel = ShapExplainer(model=model, algorithm="kernel", background=x0).fit(X).explain(rows)
    gaps["reference point, kernel"] = np.abs(kernel.to_numpy() - point.to_numpy()).max()
    expect = ShapExplainer(model=model, background=len(X)).fit(X).explain(rows)
    closed = beta * (rows - X.mean()).to_numpy()
    gaps["expectation, linear"] = np.abs(expect.to_numpy() - closed).max()
    print("largest |SHAP - closed form| over 20 rows x 4 features:")
    for name, gap in gaps.items():
        print(f"  {name:28s} {gap:.2e}")

    Xc, yc = simulate(args.n, rng, collinear=True)
    collinear_model = LinearRegression().fit(Xc, yc)
    study = marginal_vs_conditional(collinear_model, Xc, Xc.iloc[:200], random_state=args.seed)
    table = study.summary()
    print(f"\ncollinear data (corr(x0, x1) = {Xc['x0'].corr(Xc['x1']):.3f}):")
    print(table.round(3).to_string())

    fig = shap_plots.marginal_vs_conditional(study)
    fig.write_html(out / "marginal_vs_conditional.html", include_plotlyjs=True)
    if args.png:
        write_image(fig, out / "marginal_vs_conditional.png")
    print(f"\nfigure written to {out}")
    return {
        "gaps": {k: float(v) for k, v in gaps.items()},
        "table": table,
        "study": study,
        "out": out,
    }


if __name__ == "__main__":
    main()
