"""Two moons: a small MLP, its decision boundary, IG and saliency across the plane, and
how much they move when the network is retrained with another seed.

Integrated gradients (from the data mean) and saliency are computed on a grid
over the plane for the logit of the upper moon. Retraining with new seeds
(same rows, new initialisation) gives one attribution field per seed; their
spread, point by point, is what an explanation of *this* network says about
the *task*: near the boundary the fields agree, far from the data less so.

Run ``python examples/two_moons_attributions.py [--out DIR] [--seeds B]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.base import clone
from sklearn.datasets import make_moons

from interpkit.adapters.captum import IntegratedGradientsExplainer, SaliencyExplainer


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--n", type=int, default=300, help="points")
    parser.add_argument("--epochs", type=int, default=300, help="full-batch Adam steps")
    parser.add_argument("--seeds", type=int, default=5, help="retraining seeds")
    parser.add_argument("--grid", type=int, default=25, help="grid points per axis")
    return parser.parse_args(argv)


def make_mlp(seed: int):
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(2, 32), torch.nn.Tanh(), torch.nn.Linear(32, 32), torch.nn.Tanh(),
        torch.nn.Linear(32, 1),
    )  # fmt: skip


def trainer(epochs: int):
    def train(model_factory, X, y, seed):
        net = model_factory(seed)
        x, t = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.float32)
        opt = torch.optim.Adam(net.parameters(), lr=0.02)
        for _ in range(epochs):
            opt.zero_grad()
            torch.nn.functional.binary_cross_entropy_with_logits(net(x)[:, 0], t).backward()
            opt.step()
        return net.eval()

    return train


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    X, y = make_moons(n_samples=args.n, noise=0.15, random_state=0)
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    g1, g2 = np.meshgrid(*(np.linspace(lo[j], hi[j], args.grid) for j in range(2)))
    grid = np.column_stack([g1.ravel(), g2.ravel()])

    ig = IntegratedGradientsExplainer(model_factory=make_mlp, train=trainer(args.epochs),
                                      baseline="means", n_steps=32, delta_tol=1.0)  # fmt: skip
    fields = {"integrated_gradients": [], "saliency": []}
    accuracy = []
    for seed in range(args.seeds):
        fitted = clone(ig).set_params(random_state=seed).fit(X, y)
        accuracy.append(float(((fitted.predict(X) > 0) == y).mean()))
        fields["integrated_gradients"].append(fitted.explain(grid).to_numpy())
        sal = SaliencyExplainer(model=fitted.model_, abs=False).fit(X)
        fields["saliency"].append(sal.explain(grid).to_numpy())
    stacked = {k: np.stack(v) for k, v in fields.items()}  # (seed, grid point, feature)
    # do all seeds agree on the sign of the x1 attribution? near the data vs. far from it
    near = np.min(np.linalg.norm(grid[:, None] - X[None], axis=2), axis=1) < 0.3
    agree = {k: (np.abs(np.sign(v[..., 0]).mean(axis=0)) == 1) for k, v in stacked.items()}
    summary = {
        "accuracy": float(np.mean(accuracy)),
        **{f"{k}_sign_agreement_near_data": float(a[near].mean()) for k, a in agree.items()},
        **{f"{k}_sign_agreement_far": float(a[~near].mean()) for k, a in agree.items()},
    }
    for key, value in summary.items():
        print(f"{key:45s} {value:.3f}")
    if args.out is not None:
        _figures(args.out, X, y, g1, g2, fitted, stacked)
    return {"summary": summary, "fields": stacked, "grid": grid}


def _figures(out: Path, X, y, g1, g2, fitted, stacked) -> None:
    import plotly.graph_objects as go

    out.mkdir(parents=True, exist_ok=True)
    logit = fitted.predict(np.column_stack([g1.ravel(), g2.ravel()])).reshape(g1.shape)
    fig = go.Figure(go.Contour(x=g1[0], y=g2[:, 0], z=logit, colorscale="RdBu", contours_start=0,
                               contours_end=0, ncontours=1, showscale=False))  # fmt: skip
    fig.add_trace(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", marker={"color": y}))
    fig.update_layout(title="Two moons: decision boundary of the last seed")
    fig.write_html(out / "two_moons_boundary.html")
    for name, field in stacked.items():
        spread = field[..., 0].std(axis=0).reshape(g1.shape)
        fig = go.Figure(go.Heatmap(x=g1[0], y=g2[:, 0], z=spread, colorscale="Viridis"))
        fig.add_trace(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", marker={"size": 3}))
        fig.update_layout(title=f"{name}: spread of the x1 attribution over retraining seeds")
        fig.write_html(out / f"two_moons_{name}_spread.html")


if __name__ == "__main__":
    main(sys.argv[1:])
