"""A production model explained as it is: census data as it comes, a scikit-learn pipeline.

The UCI Adult census extract as a data team receives it: text categories
(``workclass``, ``occupation``, ...) with missing values written ``"?"``,
numbers beside them. The model is what such a team ships: a scikit-learn
``Pipeline`` whose ``ColumnTransformer`` one-hot encodes the category
columns, chosen by dtype, before a ``HistGradientBoostingClassifier``. No
column is encoded by hand: interpkit hands the pipeline the DataFrame as it
is, and explains it per original column.

* TreeSHAP explains the fitted pipeline: its last step on the encoded rows,
  the values of each column's one-hot levels summed back into that column
  (so they still add up to the predicted probability), the mapping stored
  in the result.
* Permutation importance of the pipeline (held-out ROC AUC lost when a
  column is shuffled), refit on ``--n-boot`` bootstrap resamples for
  intervals.
* A glass-box model beside it: an explainable boosting machine fit on the
  same raw table (its shape functions show the category labels), refit on
  the same resamples.
* ``compare`` sets the two importances side by side, and one report holds
  everything.

Run from the repository root (extras ``shap`` and ``ebm``)::

    python examples/production_model.py --out /tmp/interpkit-examples --n-boot 20
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import interpkit
from interpkit.datasets import load_adult


def make_pipeline(seed: int, n_iter: int) -> Pipeline:
    """One-hot encode the category columns (by dtype), then gradient boosting."""
    encode = ColumnTransformer(
        [
            (
                "categories",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                make_column_selector(dtype_include=["category", "object"]),
            )
        ],
        remainder="passthrough",
    )
    model = HistGradientBoostingClassifier(max_iter=n_iter, random_state=seed)
    return Pipeline([("encode", encode), ("model", model)])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the report")
    parser.add_argument("--n-rows", type=int, default=8000, help="rows of the census file used")
    parser.add_argument("--n-boot", type=int, default=20, help="bootstrap replicates")
    parser.add_argument("--n-iter", type=int, default=100, help="boosting iterations")
    parser.add_argument("--n-explain", type=int, default=200, help="held-out people explained")
    parser.add_argument("--background", type=int, default=100, help="SHAP background rows")
    parser.add_argument("--outer-bags", type=int, default=4, help="EBM outer bags")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-examples-"))
    out.mkdir(parents=True, exist_ok=True)

    X, y = load_adult(encoded=False, n_rows=args.n_rows, return_X_y=True)  # text, "?" kept
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=args.seed, stratify=y
    )
    pipeline = make_pipeline(args.seed, args.n_iter).fit(X_train, y_train)
    accuracy = float(pipeline.score(X_test, y_test))
    print(f"adult: {len(X_train)} training rows, {X.shape[1]} columns as they come; "
          f"held-out accuracy {accuracy:.3f}")  # fmt: skip

    # TreeSHAP of the fitted pipeline, per original column
    shap_ex = interpkit.ShapExplainer(
        model=pipeline, background=args.background, random_state=args.seed
    ).fit(X_train)
    people = X_test.iloc[: args.n_explain]
    local = shap_ex.explain(people)
    print(
        f"{local.method} of the pipeline ({shap_ex.algorithm_}), {local.params['output_scale']}; "
        f"largest additivity gap {local.annotations['additivity_error']:.1e}; "
        f"{len(local.params['feature_mapping'])} encoded columns summed into {X.shape[1]}"
    )

    # permutation importance of the pipeline, and an EBM on the same raw table, both
    # refit on the same bootstrap resamples (one random_state)
    permutation = interpkit.ImportanceExplainer(
        make_pipeline(args.seed, args.n_iter),
        method="permutation",
        scoring="roc_auc",
        n_repeats=3,
        random_state=args.seed,
    )
    ebm = interpkit.EBMExplainer(interactions=0, outer_bags=args.outer_bags, random_state=args.seed)
    stab = {"n_boot": args.n_boot, "random_state": args.seed, "n_jobs": args.n_jobs}
    results = {
        "pipeline permutation": permutation.stability(X_train, y_train, **stab),
        "EBM": ebm.stability(X_train, y_train, **stab),
    }
    comparison = interpkit.compare(results, top_k=5)
    spearman = comparison.agreement().query("metric == 'spearman'").iloc[0]
    print(
        f"permutation vs EBM, Spearman of importances {spearman['value']:.2f} "
        f"[{spearman['lower']:.2f}, {spearman['upper']:.2f}]"
    )
    ranking = results["pipeline permutation"].summary().index.tolist()
    print("pipeline permutation importance, most important first:", ", ".join(ranking[:5]))

    ebm_fit = ebm.fit(X_train, y_train)
    shapes = ebm_fit.shape_functions(terms=["relationship", "age"])
    report = interpkit.Report(
        "Census income: a production pipeline explained as it is",
        subtitle=f"{len(X_train)} people, {X.shape[1]} columns (text and '?' as given); "
        f"{args.n_boot} bootstrap replicates",
    )
    report.add_text(__doc__.split("\n\n", 1)[1].split("Run from")[0])
    report.add(local, title="TreeSHAP of the pipeline, per original column")
    for name, result in results.items():
        report.add(result, title=name)
    report.add(shapes, title="EBM shape functions: category labels, not codes")
    report.add(comparison, title="Do the pipeline and the glass box agree?")
    path = report.save(out / "production_model.html")
    print(f"report: {path}")
    phi = local.values.sum("feature").to_numpy() + np.asarray(local.base_value)
    return {
        "accuracy": accuracy,
        "local": local,
        "shap_sum": phi,
        "model_probability": pipeline.predict_proba(people)[:, 1],
        "results": results,
        "comparison": comparison,
        "shapes": shapes,
        "report": path,
    }


if __name__ == "__main__":
    main()
