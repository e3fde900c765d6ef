"""Prior and posterior predictive of a GP whose hyperparameters have priors of their own.

The hierarchical model: amplitude A ~ LogNormal(-1, 1), lengthscale
l ~ LogNormal(0, 1), noise sd sigma ~ LogNormal(0, 1), and f | A, l a GP with
k(x, x') = A^2 exp(-(x - x')^2 / (2 l^2)). Raising the first argument of a
LogNormal multiplies its median by e: bigger amplitudes (functions further
from 0), longer lengthscales (smoother functions), more noise.

* Prior predictive: draw (A, l), then a function from that GP -- 50 times.
  The draws mix smooth and wiggly, small and large functions.
* Data: 100 points sampled unevenly -- 50 in [1, 3], 25 in [-1, 1], 25 in
  [7, 12] -- from y = sin(x) + 0.8 cos(x / 2 + pi / 2) + N(0, 0.2^2).
* Posterior predictive under the same hierarchical prior: hyperparameters
  marginalised by self-normalised importance sampling (draws from the prior,
  weighted by the marginal likelihood), then functions from each GP
  posterior.

The script prints the posterior sd of f region by region: tiny where the data
are dense, larger where they are sparse, largest in the gap (3, 7) and
beyond the data, where the posterior falls back to the prior.

Run ``python examples/gp_hierarchical_prior.py [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from interpkit.adapters.gpytorch import GPExplainer
from interpkit.plots import gp as gp_plots
from interpkit.plots import write_image

PRIORS = {
    "amplitude": ("lognormal", -1.0, 1.0),
    "lengthscale": ("lognormal", 0.0, 1.0),
    "noise_sd": ("lognormal", 0.0, 1.0),
}
REGIONS = {
    "left of the data (-3, -1)": (-3.0, -1.0),
    "medium density [-1, 1]": (-1.0, 1.0),
    "dense [1, 3]": (1.0, 3.0),
    "gap (3, 7)": (3.0, 7.0),
    "sparse [7, 12]": (7.0, 12.0),
    "right of the data (12, 15)": (12.0, 15.0),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--n-draws", type=int, default=50, help="prior and posterior draws")
    parser.add_argument("--n-samples", type=int, default=4000, help="importance samples")
    parser.add_argument("--restarts", type=int, default=3, help="restarts for the MAP fit")
    parser.add_argument("--seed", type=int, default=479)
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def simulate(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """100 points with uneven density: dense, medium, sparse."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(1, 3, 50), rng.uniform(-1, 1, 25), rng.uniform(7, 12, 25)])
    y = np.sin(x) + 0.8 * np.cos(0.5 * x + np.pi / 2) + rng.normal(0, 0.2, x.size)
    return x, y


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-gp-prior-"))
    out.mkdir(parents=True, exist_ok=True)
    x, y = simulate(args.seed)
    grid = np.linspace(-3, 15, 241)

    # MAP fit (log ML + log prior) on the raw scale, so the priors mean what they say
    gp = GPExplainer(
        priors=PRIORS,
        n_restarts=args.restarts,
        normalize_X=False,
        normalize_y=False,
        random_state=args.seed,
    ).fit(x[:, None], y)
    prior = gp.prior_draws(grid, n_draws=args.n_draws, marginalise=True, random_state=args.seed)
    post = gp.posterior(
        grid,
        n_draws=args.n_draws,
        hyperparameters="marginalised",
        n_samples=args.n_samples,
        random_state=args.seed,
    )
    post_map = gp.posterior(grid)
    hp = gp.hyperparameters_
    print(f"{x.size} observations; hierarchical prior {PRIORS}")
    print(
        f"MAP: amplitude {np.sqrt(hp['outputscale']):.3f}, lengthscale {hp['lengthscale']:.3f}, "
        f"noise sd {np.sqrt(hp['noise']):.3f}"
    )
    w = post.samples["weight"]
    mean_hp = {
        "amplitude": float(w @ np.sqrt(post.samples["outputscale"])),
        "lengthscale": float(w @ post.samples["lengthscale"]),
        "noise_sd": float(w @ np.sqrt(post.samples["noise"])),
    }
    print(
        f"posterior means of the hyperparameters (importance sampling, ESS {post.ess:.0f} of "
        f"{args.n_samples}): " + ", ".join(f"{k} {v:.3f}" for k, v in mean_hp.items())
    )

    prior_sd = prior.to_numpy().std(axis=0)
    sd = post.mean.error.to_numpy()
    rows = []
    for name, (lo, hi) in REGIONS.items():
        inside = (grid >= lo) & (grid <= hi)
        n_obs = int(((x >= lo) & (x <= hi)).sum())
        rows.append(
            {
                "region": name,
                "observations": n_obs,
                "prior sd": float(prior_sd[inside].mean()),
                "posterior sd": float(sd[inside].mean()),
                "posterior sd (MAP)": float(post_map.mean.error.to_numpy()[inside].mean()),
            }
        )
    table = pd.DataFrame(rows).set_index("region")
    print("\nmean sd of f by region (prior: over the 50 draws; posterior: marginalised and at MAP)")
    print(table.round(3).to_string())

    figures = {
        "gp_prior_vs_posterior": gp_plots.prior_posterior(prior, post),
        "gp_posterior_band": gp_plots.posterior_band(post),
    }
    for name, fig in figures.items():
        fig.write_html(out / f"{name}.html", include_plotlyjs=True)
        if args.png:
            write_image(fig, out / f"{name}.png")
    print(f"\nfigures written to {out}")
    return {
        "x": x,
        "y": y,
        "prior": prior,
        "posterior": post,
        "posterior_map": post_map,
        "regions": table,
        "ess": post.ess,
        "hyper_means": mean_hp,
        "explainer": gp,
        "out": out,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
