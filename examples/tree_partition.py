"""Partition ⇔ tree: a small regression tree on two features, drawn both ways.

Every decision tree cuts feature space into boxes, one per leaf, and predicts
one number in each. With two features the boxes are rectangles we can draw,
and the correspondence goes both ways:

* tree → partition: each internal node "x_j ≤ s" draws a line at s across
  the box of that node (only across it: the line stops where the box of the
  node's parent ends), so a leaf's rectangle is the box left after all the
  splits on its path;
* partition → tree: the first cut that runs all the way across the plane is
  the root; each half is then cut on its own, recursively. (Not every
  partition into rectangles comes from a tree: the cuts must nest.)

Data: Los Angeles ozone, log(O3) against daily maximum temperature (°F) and
the inversion base height (ft), a depth-3 tree. The script checks what the
picture claims -- the rectangles tile the data range without overlapping,
each day falls in the rectangle of the leaf the tree sends it to, and a
rectangle's colour is that leaf's prediction -- and prints the leaves as
rules. Run ``python examples/tree_partition.py [--out DIR] [--depth 3] [--png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeRegressor, export_text

from interpkit.datasets import load_ozone
from interpkit.plots import trees as tree_plots
from interpkit.plots import write_image
from interpkit.trees import tree_partition

FEATURES = ["temp", "ibh"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figure")
    parser.add_argument("--depth", type=int, default=3, help="maximum depth of the tree")
    parser.add_argument("--png", action="store_true", help="also write a PNG file (kaleido)")
    return parser.parse_args(argv)


def load() -> tuple[pd.DataFrame, pd.Series]:
    X, o3 = load_ozone(return_X_y=True)
    return X[FEATURES], np.log(o3).rename("log(O3)")


def checks(part: Any, tree: DecisionTreeRegressor, X: pd.DataFrame) -> dict[str, float]:
    """The three facts the figure rests on, as numbers (all should be 0 or True)."""
    leaves = part.leaves
    (x0, x1), (y0, y1) = part.bounds
    area = ((leaves.x_max - leaves.x_min) * (leaves.y_max - leaves.y_min)).sum()
    # pairwise overlap of rectangles (open interiors), summed
    lo_x = np.maximum.outer(leaves.x_min.to_numpy(), leaves.x_min.to_numpy())
    hi_x = np.minimum.outer(leaves.x_max.to_numpy(), leaves.x_max.to_numpy())
    lo_y = np.maximum.outer(leaves.y_min.to_numpy(), leaves.y_min.to_numpy())
    hi_y = np.minimum.outer(leaves.y_max.to_numpy(), leaves.y_max.to_numpy())
    overlap = np.clip(hi_x - lo_x, 0, None) * np.clip(hi_y - lo_y, 0, None)
    np.fill_diagonal(overlap, 0)
    box = leaves.loc[tree.apply(X)]
    inside = (
        (X[FEATURES[0]].to_numpy() >= box.x_min.to_numpy())
        & (X[FEATURES[0]].to_numpy() <= box.x_max.to_numpy())
        & (X[FEATURES[1]].to_numpy() >= box.y_min.to_numpy())
        & (X[FEATURES[1]].to_numpy() <= box.y_max.to_numpy())
    )
    value_gap = np.abs(leaves.value.to_numpy() - tree.tree_.value[leaves.index, 0, 0]).max()
    return {
        "area_gap": float(abs(area - (x1 - x0) * (y1 - y0)) / ((x1 - x0) * (y1 - y0))),
        "overlap": float(overlap.sum()),
        "all_points_inside": bool(inside.all()),
        "value_gap": float(value_gap),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-partition-"))
    out.mkdir(parents=True, exist_ok=True)

    X, y = load()
    tree = DecisionTreeRegressor(max_depth=args.depth, random_state=0).fit(X, y)
    part = tree_partition(tree, X, y)
    ok = checks(part, tree, X)

    print(f"log(O3) on {', '.join(FEATURES)}: {len(y)} days, a depth-{args.depth} tree")
    print("\nthe tree, as scikit-learn prints it:")
    print(export_text(tree, feature_names=FEATURES, decimals=1))
    # leaves in the order the figure numbers them (left to right in the tree)
    leaves = part.leaves.loc[part.nodes.loc[part.leaves.index, "x"].sort_values().index]
    table = pd.DataFrame(
        {
            "region": [f"R{k + 1}" for k in range(len(leaves))],
            "rule": leaves.rule.to_numpy(),
            "prediction": leaves.value.round(3).to_numpy(),
            "days": leaves.n_samples.to_numpy(),
        },
        index=leaves.index.rename("leaf"),
    )
    print("the same tree as a partition, one rectangle per leaf:")
    print(table.to_string())
    print(
        f"\nchecks: rectangles cover the data range (relative area gap {ok['area_gap']:.1e}), "
        f"overlap {ok['overlap']:.1e}; every day inside its leaf's rectangle: "
        f"{ok['all_points_inside']}; colours = leaf values (gap {ok['value_gap']:.1e})"
    )

    fig = tree_plots.tree_partition(
        part,
        title=f"Ozone: a depth-{args.depth} tree for log(O3) on temperature and "
        "inversion base height",
    )
    fig.write_html(out / "tree_partition.html", include_plotlyjs=True)
    if args.png:
        write_image(fig, out / "tree_partition.png")
    print(f"\nfigure written to {out}")
    return {"partition": part, "tree": tree, "table": table, "checks": ok, "out": out}


if __name__ == "__main__":
    main(sys.argv[1:])
