"""Random forest vs lasso, each explained by SHAP and by its own importance, compared.

Five explanations of what drives log PSA in the prostate data, from two
models:

* lasso: its standardised coefficients, and LinearSHAP (mean |SHAP|);
* random forest: impurity importance (MDI), permutation importance on
  held-out rows, and TreeSHAP (mean |SHAP|).

Every explanation is bootstrapped with one shared ``random_state``, so
replicate b of every method is fit on the same resampled rows; the agreement
between two methods (Spearman, Kendall, top-k Jaccard, sign) is then computed
within each replicate, which gives it a *paired* interval. The output is one
offline report and the agreement table.

Questions it answers: do the two models agree on what matters? Does SHAP
agree with each model's own importance? Which agreement is itself stable?

Run from the repository root (extras ``glmnet`` and ``shap``)::

    python examples/model_comparison.py --out /tmp/interpkit-examples --n-boot 30
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from sklearn.ensemble import RandomForestRegressor

import interpkit
from interpkit.datasets import load_prostate


def make_explainers(seed: int, n_trees: int) -> dict:
    """The five explanations: name -> unfitted explainer."""

    def forest():
        return RandomForestRegressor(n_estimators=n_trees, min_samples_leaf=3, random_state=seed)

    lasso = interpkit.LassoExplainer(cv=10, standardized_coef=True, random_state=seed)
    return {
        "lasso coef": lasso,
        "lasso SHAP": interpkit.ShapExplainer(
            estimator=interpkit.LassoExplainer(cv=10, random_state=seed),
            algorithm="linear",
            random_state=seed,
        ),
        "forest MDI": interpkit.ImportanceExplainer(forest(), method="mdi", random_state=seed),
        "forest permutation": interpkit.ImportanceExplainer(
            forest(), method="permutation", n_repeats=5, random_state=seed
        ),
        "forest SHAP": interpkit.ShapExplainer(
            estimator=forest(), algorithm="tree", random_state=seed
        ),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the report")
    parser.add_argument("--n-boot", type=int, default=30)
    parser.add_argument("--n-trees", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-examples-"))
    out.mkdir(parents=True, exist_ok=True)

    X, y = load_prostate(return_X_y=True)
    results = {
        name: explainer.stability(X, y, n_boot=args.n_boot, random_state=args.seed)
        for name, explainer in make_explainers(args.seed, args.n_trees).items()
    }
    comparison = interpkit.compare(results, top_k=3)
    agreement = comparison.agreement()
    spearman = agreement[agreement["metric"] == "spearman"].set_index(["method_a", "method_b"])

    report = interpkit.Report(
        "Random forest vs lasso on the prostate data: five explanations compared",
        subtitle=f"{len(X)} men, {X.shape[1]} measures; {args.n_boot} shared bootstrap "
        "replicates per method",
    )
    report.add_text(__doc__.split("\n\n", 1)[1].split("Run from")[0])
    report.add(comparison, title="Five explanations")
    for name, result in results.items():
        report.add(result, title=name)
    path = report.save(out / "model_comparison.html")

    print("Spearman agreement of |importance| (full-data fit, paired bootstrap interval):")
    for (a, b), row in spearman.iterrows():
        print(f"  {a:>18} vs {b:<18} {row['value']:5.2f}  [{row['lower']:.2f}, {row['upper']:.2f}]")
    print(f"report: {path}")
    return {"results": results, "comparison": comparison, "spearman": spearman, "report": path}


if __name__ == "__main__":
    main()
