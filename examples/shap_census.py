"""Census income: one person's SHAP waterfall, and every person at once.

A gradient-boosting classifier predicts whether a person in the 1994 US
census extract (UCI Adult) earns more than $50K. The data come as they are:
text categories (``workclass``, ``occupation``, ...) with missing values
written ``"?"``, numbers beside them. The model is a scikit-learn
``Pipeline``: a ``ColumnTransformer`` one-hot encodes the text columns
(unknown categories ignored) and passes the numbers through, then the
trees. TreeSHAP explains the pipeline's log-odds (the scale the trees add up
on, so the attributions are exact and additive) against a background of
``--background`` training rows, per *original* column: the values of a
column's one-hot levels are summed back into that column, so
``occupation`` gets one value, and the values still add up.

* The waterfall starts at the base value, the average log-odds over the
  background, and adds one feature at a time until it reaches this
  person's log-odds.
* The heatmap is the same decomposition for every explained person, one
  column each, people grouped by the similarity of their explanations and
  the model's output drawn above. Bands of colour are groups of people the
  model treats alike; a feature that is blue for one group and red for
  another pushes in opposite directions depending on its value.
* Dependence plots: phi of ``age`` against age (coloured by years of
  education), and phi of ``relationship`` per category (coloured by sex).
* The beeswarm shows every person's value per column; numbers are coloured
  from low (blue) to high (red), category columns are grey (a category has
  no low or high) and the waterfall and hover text name the category.

Run ``python examples/shap_census.py [--out DIR] [--png]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from interpkit.adapters.shap import ShapExplainer
from interpkit.datasets import load_adult
from interpkit.plots import shap as shap_plots
from interpkit.plots import write_image


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--n-rows", type=int, default=6000, help="rows of the census file used")
    parser.add_argument("--n-explain", type=int, default=400, help="held-out people explained")
    parser.add_argument("--background", type=int, default=100, help="background rows")
    parser.add_argument("--n-trees", type=int, default=150)
    parser.add_argument("--person", type=int, default=0, help="row of the waterfall")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def make_pipeline(n_trees: int, seed: int) -> Pipeline:
    """One-hot encode the text columns (chosen by dtype), numbers as they are, then trees."""
    encode = ColumnTransformer(
        [
            (
                "text",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                make_column_selector(dtype_include=["category", "object"]),
            )
        ],
        remainder="passthrough",
    )
    trees = GradientBoostingClassifier(n_estimators=n_trees, max_depth=3, random_state=seed)
    return Pipeline([("encode", encode), ("model", trees)])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-census-"))
    out.mkdir(parents=True, exist_ok=True)

    X, y = load_adult(encoded=False, n_rows=args.n_rows, return_X_y=True)  # text, "?" kept
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=args.seed, stratify=y
    )
    model = make_pipeline(args.n_trees, args.seed).fit(X_train, y_train)
    accuracy = float(model.score(X_test, y_test))
    n_text = sum(dtype.kind not in "biuf" for dtype in X.dtypes)
    print(f"adult: {len(X_train)} training rows, {X.shape[1]} columns ({n_text} text); "
          f"held-out accuracy {accuracy:.3f}")  # fmt: skip

    explainer = ShapExplainer(model=model, output="log_odds", background=args.background,
                              random_state=args.seed).fit(X_train)  # fmt: skip
    people = X_test.iloc[: args.n_explain]
    local = explainer.explain(people)
    phi = local.to_numpy()
    person = phi[args.person]
    log_odds = float(person.sum() + local.base_value)
    print(
        f"{local.method} on the {local.output_name} scale; base value {local.base_value:.3f}; "
        f"largest additivity gap {local.annotations['additivity_error']:.1e}; "
        f"{len(local.params['feature_mapping'])} encoded columns summed into {X.shape[1]}"
    )
    top = np.argsort(-np.abs(person))[:3]
    row = people.iloc[args.person]
    values = [f"{v:g}" if isinstance(v, float) else str(v) for v in row]  # text as it came
    drivers = [f"{local.feature_names[j]} = {values[j]} ({person[j]:+.2f})" for j in top]
    print(f"person {people.index[args.person]}: log-odds {log_odds:.3f}, driven by "
          + ", ".join(drivers))  # fmt: skip
    mean_abs = np.abs(phi).mean(axis=0)
    ranking = [local.feature_names[j] for j in np.argsort(-mean_abs)]
    print("features by mean |phi|:", ", ".join(ranking[:6]))

    figs = {
        "waterfall": shap_plots.waterfall(local, args.person, max_features=10),
        "all_people_heatmap": shap_plots.shap_heatmap(local, order="clustering"),
        "beeswarm": shap_plots.beeswarm(local, max_features=12),
        "dependence_age": shap_plots.dependence(local, "age", color_by="education_num"),
        "dependence_relationship": shap_plots.dependence(local, "relationship", color_by="sex"),
    }
    for name, fig in figs.items():
        fig.write_html(out / f"{name}.html", include_plotlyjs=True)
        if args.png:
            write_image(fig, out / f"{name}.png", width=900)
    print(f"figures written to {out}")
    return {
        "accuracy": accuracy,
        "local": local,
        "person_log_odds": log_odds,
        "model_log_odds": float(model.decision_function(people.iloc[[args.person]])[0]),
        "ranking": ranking,
        "out": out,
    }


if __name__ == "__main__":
    main()
