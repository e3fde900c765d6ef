"""Two optima of a GP's marginal likelihood, on seven points.

An RBF kernel with the signal variance fixed at 1 leaves two hyperparameters:
the lengthscale l and the noise standard deviation sigma_y. On the seven
points below, log p(y | l, sigma_y) has two local maxima:

* a long lengthscale with a lot of noise: a slowly varying trend, and most
  of the wiggle in y written off as noise;
* a short lengthscale with little noise: a curve that bends to pass close
  to every point.

The script computes the surface on a grid (all grid points in batched
Cholesky factorisations), finds and refines every local maximum, draws the
posterior at each, and checks that random restarts of the optimiser reach
both -- which one wins depends on where it starts. The reference values
(l, sigma_y) = (12.4, 0.62) and (1.2, 0.23) are printed next to the located
maxima.

Run ``python examples/gp_marginal_likelihood.py [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from interpkit.adapters.gpytorch import GPExplainer
from interpkit.plots import gp as gp_plots
from interpkit.plots import write_image

X_OBS = np.array([-1.3089, 6.7612, 1.0553, -1.1734, -2.9339, 7.2530, -6.5843])
Y_OBS = np.array([1.6218, 1.8558, 0.4102, 1.2526, -0.0133, 1.6380, 0.2189])
REFERENCE = {"paramsA": (12.4, 0.62), "paramsB": (1.2, 0.23)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--grid", type=int, default=60, help="grid points per axis")
    parser.add_argument("--restarts", type=int, default=20, help="optimiser restarts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def gp_at(lengthscale: float, noise_sd: float) -> GPExplainer:
    """The GP with every hyperparameter fixed, on the raw scale of x and y (no standardising)."""
    hyper = {"outputscale": 1.0, "lengthscale": lengthscale, "noise_sd": noise_sd}
    gp = GPExplainer(hyperparameters=hyper, normalize_X=False, normalize_y=False)
    return gp.fit(X_OBS[:, None], Y_OBS)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-gp-ml-"))
    out.mkdir(parents=True, exist_ok=True)
    x_test = np.linspace(-7.5, 7.5, 201)

    gp = gp_at(*REFERENCE["paramsA"])
    surface = gp.ml_surface(
        "lengthscale",
        "noise_sd",
        np.geomspace(0.3, 60, args.grid),
        np.geomspace(0.05, 2.0, args.grid),
        X_grid=x_test,
    )
    maxima = surface.maxima
    print("log marginal likelihood over (lengthscale, noise_sd), signal variance fixed at 1")
    print(f"{len(maxima)} local maxima, refined from the {args.grid} x {args.grid} grid:")
    print(maxima.round(4).to_string())

    # the reference hyperparameters: which located maximum is each near?
    at_reference = {}
    for name, (ls, sd) in REFERENCE.items():
        lml = gp_at(ls, sd).log_marginal_likelihood_
        dist = np.hypot(np.log(maxima["lengthscale"] / ls), np.log(maxima["noise_sd"] / sd))
        nearest = str(maxima.index[int(np.argmin(dist))])
        at_reference[name] = {"log_ml": lml, "nearest_maximum": nearest}
        print(
            f"exercise's {name}: l = {ls}, sigma_y = {sd}: log ML = {lml:.4f}, "
            f"nearest located maximum: {nearest}"
        )

    # let the optimiser find the optima from random starts
    fitted = GPExplainer(
        hyperparameters={"outputscale": 1.0},
        n_restarts=args.restarts,
        normalize_X=False,
        normalize_y=False,
        max_iter=200,
        random_state=args.seed,
    ).fit(X_OBS[:, None], Y_OBS)
    optima = fitted.restart_stability()
    optima["noise_sd"] = np.sqrt(optima["noise"])
    print(f"\n{args.restarts} restarts of L-BFGS from random starting points land in:")
    print(
        optima[["n_restarts", "fraction", "log_marginal_likelihood", "lengthscale", "noise_sd"]]
        .round(4)
        .to_string()
    )

    figures = {
        "gp_ml_surface": gp_plots.ml_surface(surface),
        "gp_restarts": gp_plots.restarts(fitted.restarts()),
    }
    for label, post in surface.posteriors.items():
        row = maxima.loc[label]
        figures[f"gp_posterior_{label}"] = gp_plots.posterior_band(
            post,
            title=f"Posterior at maximum {label}: lengthscale = {row['lengthscale']:.3g}, "
            f"noise sd = {row['noise_sd']:.3g}, log ML = {row['log_marginal_likelihood']:.3f}",
        )
    for name, fig in figures.items():
        fig.write_html(out / f"{name}.html", include_plotlyjs=True)
        if args.png:
            write_image(fig, out / f"{name}.png")
    print(f"\nfigures written to {out}")
    return {
        "maxima": maxima,
        "at_reference": at_reference,
        "restart_optima": optima,
        "surface": surface,
        "explainer": fitted,
        "out": out,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
