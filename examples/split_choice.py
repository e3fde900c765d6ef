"""How a regression tree picks a split: RSS(j, s) drawn for every feature j and threshold s.

A regression tree grows greedily. At a node it tries every feature j and
every threshold s, cuts the node's rows into the two half-planes

    R1(j, s) = {x : x_j ≤ s}        R2(j, s) = {x : x_j > s},

predicts each half by its mean, ŷ_R1 and ŷ_R2, and keeps the (j, s) with the
smallest residual sum of squares

    RSS(j, s) = Σ_{i: x_i ∈ R1} (y_i − ŷ_R1)²  +  Σ_{i: x_i ∈ R2} (y_i − ŷ_R2)²

(ISLR eq. 8.2-8.3). How the figure shows each symbol:

* j: one column of panels per candidate feature;
* s: the dashed vertical line, placed at that feature's best threshold;
* R1 and R2: the blue and orange shading and point colours on either side;
* ŷ_R1, ŷ_R2: the two black segments, the means of the points under them;
* RSS(j, s): the curve in the bottom panel, traced as s slides across the
  feature's values; its lowest point is that feature's best split, and the
  lowest of those (the red star) is the split the tree makes.

Simplifications: only thresholds half-way between neighbouring observed
values are tried (any s between the same two values gives the same halves,
so nothing is lost); the figure shows the three features with the lowest
minimum, though all nine are searched; the tree sends x_j = s to the left
(ISLR writes x_j < s, which does not matter at a midpoint); and RSS is the
criterion for regression -- classification trees use Gini or entropy.

Data: Los Angeles ozone, log(O3) on nine weather variables (330 days). The
script does it at the root and at the root's left child (the cooler days),
and checks that the minimum is the split scikit-learn's tree chose. Run
``python examples/split_choice.py [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeRegressor

from interpkit.datasets import load_ozone
from interpkit.plots import split_choice as plot_split_choice
from interpkit.plots import write_image
from interpkit.trees import split_choice


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--top", type=int, default=3, help="features drawn per figure")
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def load() -> tuple[pd.DataFrame, pd.Series]:
    X, o3 = load_ozone(return_X_y=True)
    return X, np.log(o3).rename("log(O3)")


def rss_by_brute_force(x: np.ndarray, y: np.ndarray, s: float) -> float:
    """RSS(j, s) straight from the formula, for one threshold."""
    left, right = y[x <= s], y[x > s]
    return float(((left - left.mean()) ** 2).sum() + ((right - right.mean()) ** 2).sum())


def report(sc: Any, X: pd.DataFrame, label: str) -> pd.DataFrame:
    table = sc.best[["threshold", "rss", "n_left", "n_right"]].sort_values("rss")
    table = table.assign(rss_drop=sc.rss_parent - table["rss"])
    print(f"\n{label}: {len(sc.data)} days, RSS unsplit {sc.rss_parent:.3f}")
    print(table.round(3).to_string())
    print(
        f"best: {sc.feature} ≤ {sc.threshold:g} (RSS {sc.rss:.3f}); scikit-learn chose "
        f"{sc.sklearn_feature} ≤ {sc.sklearn_threshold:g}; the same: {sc.agrees}"
    )
    return table


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-split-"))
    out.mkdir(parents=True, exist_ok=True)

    X, y = load()
    tree = DecisionTreeRegressor(max_depth=2, random_state=0).fit(X, y)
    root = split_choice(X, y, tree, node=0)
    left = split_choice(X, y, tree, node=int(tree.tree_.children_left[0]))

    print(f"log(O3) on {X.shape[1]} weather variables, {len(y)} days")
    tables = {
        "root": report(root, X, "root"),
        "left": report(
            left, X, f"node {left.node} (the days with {root.feature} ≤ {root.threshold:g})"
        ),
    }

    # the curve is computed with cumulative sums; check a few points against the formula
    x, yy = root.data[root.feature].to_numpy(), root.data["target"].to_numpy()
    curve = root.curves[root.curves.feature == root.feature]
    picks = curve.iloc[np.linspace(0, len(curve) - 1, 7).astype(int)]
    brute_gap = max(
        abs(rss_by_brute_force(x, yy, s) - r)
        for s, r in zip(picks.threshold, picks.rss, strict=True)
    )
    print(
        f"\nRSS(j, s) from cumulative sums vs the formula at 7 thresholds: max gap {brute_gap:.1e}"
    )

    names = {}
    for key, sc in (("root", root), ("left", left)):
        fig = plot_split_choice(sc, top=args.top)
        names[key] = f"split_choice_{key}.html"
        fig.write_html(out / names[key], include_plotlyjs=True)
        if args.png:
            write_image(fig, out / names[key].replace(".html", ".png"))
    print(f"\nfigures written to {out}")
    return {"root": root, "left": left, "tables": tables, "brute_gap": brute_gap, "out": out}


if __name__ == "__main__":
    main(sys.argv[1:])
