"""Kernels you can see: linear, RBF, periodic, and what sums and products of them do.

A GP prior is its kernel. The cross-section x -> k(x, x0) shows how strongly
the function value at x is tied to the value at x0:

* linear, k(x, x') = s * x * x': grows with x (a straight line through the
  origin); its draws are lines with random slope;
* RBF, k(x, x') = s * exp(-(x - x')^2 / (2 l^2)): a bump of width l around
  x0; draws are smooth wiggles on the scale l;
* periodic, k(x, x') = s * exp(-2 sin^2(pi |x - x'| / p) / l): repeats every
  period p; draws repeat exactly.

A sum adds independent functions (a trend plus a cycle); a product modulates
one by the other (a cycle whose amplitude grows with |x|). The script draws
the cross-sections at x0 = 1 and a few sample paths for each of the five
kernels, and checks the algebra: the cross-section of a sum (product) is the
sum (product) of its parts' cross-sections.

Run ``python examples/gp_kernels.py [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from interpkit.adapters.gpytorch import kernel_cross_section, prior_draws
from interpkit.plots import gp as gp_plots
from interpkit.plots import write_image

# one shared set of hyperparameters; each kernel takes the ones it has
HYPER = {"outputscale": 1.0, "lengthscale": 1.0, "period": 2.5}
KERNELS = {
    "linear": "linear",
    "RBF": "rbf",
    "periodic": "periodic",
    "linear + periodic": "linear + periodic",
    "linear × periodic": "linear * periodic",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--x0", type=float, default=1.0, help="second argument of k(x, x0)")
    parser.add_argument("--n-draws", type=int, default=4, help="sample paths per kernel")
    parser.add_argument("--n-grid", type=int, default=200, help="grid points on [-5, 5]")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-gp-kernels-"))
    out.mkdir(parents=True, exist_ok=True)
    x = np.linspace(-5, 5, args.n_grid)

    sections = kernel_cross_section(KERNELS, x, x0=args.x0, hyperparameters=HYPER)
    k = {name: sections.values.sel(kernel=name).to_numpy() for name in KERNELS}
    sum_error = float(np.max(np.abs(k["linear + periodic"] - (k["linear"] + k["periodic"]))))
    prod_error = float(np.max(np.abs(k["linear × periodic"] - k["linear"] * k["periodic"])))
    print(f"cross-sections x -> k(x, {args.x0:g}) on [-5, 5], hyperparameters {HYPER}")
    print(f"  sum of parts vs sum kernel:         max |difference| = {sum_error:.1e}")
    print(f"  product of parts vs product kernel: max |difference| = {prod_error:.1e}")
    slope = float(np.polyfit(x, k["linear"], 1)[0])
    print(f"  linear: k(x, x0) is a line through 0 with slope s * x0 = {slope:.4g}")
    near = np.abs(x - args.x0) <= HYPER["lengthscale"]
    print(
        f"  RBF: k >= {k['RBF'][near].min():.3f} within one lengthscale of x0, "
        f"{k['RBF'][np.abs(x - args.x0) > 3].max():.4f} beyond 3"
    )
    shifted = kernel_cross_section(
        "periodic", np.array([args.x0 + HYPER["period"]]), x0=args.x0, hyperparameters=HYPER
    ).to_numpy()[0, 0]
    print(f"  periodic: k(x0 + p, x0) = {shifted:.6f} (= k(x0, x0): it repeats every p)")

    draws = {
        name: prior_draws(
            spec, x, n_draws=args.n_draws, hyperparameters=_own(spec), random_state=args.seed + i
        )
        for i, (name, spec) in enumerate(KERNELS.items())
    }
    # the linear kernel's draws are lines through the origin: check the straightness
    lin = draws["linear"].to_numpy()
    resid = max(float(np.abs(f - np.polyval(np.polyfit(x, f, 1), x)).max()) for f in lin)
    print(f"\nlinear draws are straight lines: max residual from a fitted line {resid:.1e}")
    per = draws["periodic"].to_numpy()
    step = int(round(HYPER["period"] / (x[1] - x[0])))
    if np.isclose(step * (x[1] - x[0]), HYPER["period"]):
        gap = float(np.abs(per[:, step:] - per[:, :-step]).max())
        print(f"periodic draws repeat: max |f(x + p) - f(x)| = {gap:.1e}")
    else:
        gap = float("nan")

    figures = {
        "gp_kernel_sections": gp_plots.kernel_sections(sections),
        "gp_kernel_sample_paths": gp_plots.sample_paths(
            draws, title=f"{args.n_draws} prior sample paths per kernel"
        ),
    }
    for name, fig in figures.items():
        fig.write_html(out / f"{name}.html", include_plotlyjs=True)
        if args.png:
            write_image(fig, out / f"{name}.png")
    print(f"\nfigures written to {out}")
    return {
        "sections": sections,
        "draws": draws,
        "sum_error": sum_error,
        "product_error": prod_error,
        "linear_slope": slope,
        "periodic_shift": float(shifted),
        "linear_residual": resid,
        "periodic_gap": gap,
        "out": out,
    }


def _own(spec: str) -> dict[str, float]:
    """The entries of HYPER this kernel has (prior_draws wants exactly its own)."""
    out = {"outputscale": HYPER["outputscale"]}
    if "rbf" in spec or "periodic" in spec:
        out["lengthscale"] = HYPER["lengthscale"]
    if "periodic" in spec:
        out["period"] = HYPER["period"]
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
