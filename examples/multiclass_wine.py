"""Three classes, three explanations: per-class SHAP, permutation importance, multinomial lasso.

scikit-learn's wine data: 178 wines from three cultivars (``class_0``,
``class_1``, ``class_2``), 13 chemical measurements. Every explanation of a
K-class model has a ``"class"`` dim: one value per feature *and class*.

1. A random forest explained by TreeSHAP: per-class mean |SHAP| of the
   class probabilities, refit on bootstrap samples of the training rows.
2. The same forest's permutation importance per class: how much each class's
   one-vs-rest log-loss grows when a feature is shuffled, with bootstrap
   intervals (an importance may be negative: the summary ranks by value).
3. A multinomial lasso (glmnet, lambda by 5-fold CV, the 1-SE rule):
   standardised coefficients per class, and how often each feature is
   selected for each class and in any class.
4. ``interpkit.compare`` on the mean |value| over classes; the three
   bootstraps drew the same rows (their row fingerprints match), so the
   agreement between methods has a paired interval.

Run ``python examples/multiclass_wine.py [--out DIR] [--n-boot B] [--png]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

import interpkit
from interpkit import plots
from interpkit.adapters.shap import ShapExplainer
from interpkit.classes import aggregate_classes
from interpkit.plots import write_image


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--n-boot", type=int, default=50, help="bootstrap samples B")
    parser.add_argument("--n-trees", type=int, default=200)
    parser.add_argument("--n-test", type=int, default=50, help="held-out wines")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def top_per_class(result: interpkit.StabilityResult, k: int = 2) -> dict[str, list[str]]:
    """The ``k`` best-ranked features of each class (the summary's own ranking)."""
    table = result.summary()
    classes = [c for c in table.index.get_level_values("class").unique() if "mean" not in c]
    return {c: list(table.loc[c].sort_values("mean_rank").index[:k]) for c in classes}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-multiclass-wine-"))
    out.mkdir(parents=True, exist_ok=True)

    wine = load_wine(as_frame=True)
    X, y = wine.data, wine.target.map(dict(enumerate(wine.target_names)))
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=args.n_test, stratify=y, random_state=args.seed
    )
    forest = RandomForestClassifier(n_estimators=args.n_trees, min_samples_leaf=2)
    boot = {"n_boot": args.n_boot, "random_state": args.seed, "n_jobs": args.n_jobs}
    boot["progress"] = False

    # 1. per-class SHAP of the forest's class probabilities
    shap = ShapExplainer(estimator=forest, algorithm="tree", background=50, random_state=0)
    shap.fit(X_train, y_train)
    accuracy = {"random forest": float(np.mean(shap.model_.predict(X_test.to_numpy()) == y_test))}
    shap_global = shap.explain()  # dims ("feature", "class")
    shap_res = shap.stability(X_train, y_train, scope="rows", **boot)

    # 2. per-class permutation importance, with bootstrap intervals
    perm = interpkit.ImportanceExplainer(forest, method="permutation", n_repeats=5, random_state=0)
    perm_res = perm.stability(X_train, y_train, **boot)

    # 3. the multinomial lasso: coefficients per class, selection per class and in any class
    lasso = interpkit.LassoExplainer(
        family="multinomial", cv=5, standardized_coef=True, random_state=0
    )
    lasso.fit(X_train, y_train)
    predicted = lasso.classes_[np.argmax(lasso.predict_proba(X_test), axis=1)]
    accuracy["multinomial lasso"] = float(np.mean(predicted == y_test))
    lasso_res = lasso.stability(X_train, y_train, **boot)
    selection = lasso_res.summary()["selection_frequency"].unstack("class")

    for name, acc in accuracy.items():
        print(f"{name:18s} held-out accuracy {acc:.2f}")
    tops = {"SHAP": top_per_class(shap_res), "permutation": top_per_class(perm_res)}
    tops["lasso"] = top_per_class(lasso_res)
    for method, per_class in tops.items():
        print(f"{method:12s} " + "; ".join(f"{c}: {', '.join(f)}" for c, f in per_class.items()))
    print(f"permutation summary: {perm_res.summary().attrs['rank_basis']}")
    any_class = selection["mean |value| over classes"]
    print(
        f"lasso selects {int((any_class > 0.5).sum())} of {len(any_class)} features in most "
        f"bootstraps (in any class); per class: "
        + ", ".join(f"{c} {int((selection[c] > 0.5).sum())}" for c in lasso.classes_)
    )

    # 4. the methods compared on the mean |value| over classes
    results = {"SHAP": shap_res, "permutation": perm_res, "lasso": lasso_res}
    comparison = interpkit.compare(results, top_k=3)
    agreement = comparison.agreement().query("metric == 'spearman'")
    for row in agreement.itertuples():
        print(
            f"{row.method_a} vs {row.method_b}: Spearman {row.value:.2f} "
            f"[{row.lower:.2f}, {row.upper:.2f}], {row.note}"
        )

    figs = {
        "shap_per_class": plots.importance(shap_global),
        "permutation_class_0": plots.stability(perm_res, class_="class_0"),
        "lasso_aggregate": plots.stability(lasso_res),
        "compare_methods": plots.compare_stability(
            {name: aggregate_classes(res) for name, res in results.items()},
            top=8,
            title="Three methods, each on its own scale",
        ).update_xaxes(title_text="mean |value| over classes", row=1, col=1),
    }
    for name, fig in figs.items():
        fig.write_html(out / f"{name}.html", include_plotlyjs=True)
        if args.png:
            write_image(fig, out / f"{name}.png")
    print(f"figures written to {out}")
    return {
        "accuracy": accuracy,
        "shap_global": shap_global,
        "shap": shap_res,
        "permutation": perm_res,
        "lasso": lasso_res,
        "selection": selection,
        "tops": tops,
        "comparison": comparison,
        "agreement": agreement,
        "out": out,
    }


if __name__ == "__main__":
    main()
