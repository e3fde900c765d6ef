"""Report sections of multiclass fits in ``interpkit explain`` (a ``"class"`` dim).

Every method of a K-class target explains each class: a glmnet multinomial
model has one coefficient per feature and class, forests and EBMs one
importance per feature and class. A method's section shows

* the per-class values of the fit on all training rows (one panel per
  class, and a feature x class table with the mean absolute value over
  classes beside it);
* the bootstrap stability of that aggregate (a single ranking, as
  :func:`interpkit.compare` uses) and one stability table per class;
* its held-out root multiclass Brier score
  (:mod:`interpkit.report.multiclass`).

Class labels are the user's (the ``"class"`` coordinate), never codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from interpkit.classes import AGGREGATE, aggregate_classes, class_labels, select_class
from interpkit.report.classes import MAX_CLASS_TABLES, class_table
from interpkit.report.views import _top_rows, add_shape_functions, stability_table

if TYPE_CHECKING:
    from interpkit.report.html import Report
    from interpkit.stability import StabilityResult

__all__ = ["add_class_section", "class_prediction_table", "class_values_text", "classes_of"]

# what each method's per-class values are, for the reader
CLASS_VALUES = {
    "mdi-rf": "each class's share of the mean decrease in Gini impurity (summed over the "
    "classes, scikit-learn's feature_importances_)",
    "permutation-rf": "increase of each class's one-vs-rest log-loss when the feature is "
    "shuffled, on training rows held out from the forest's own fit",
    "shap-rf": "mean absolute SHAP value of each class's predicted probability",
    "ebm": "mean absolute shape-function contribution to each class's logit over the training rows",
}
LINEAR_VALUES = "coefficient per standard deviation of the feature, one per class (multinomial)"


def classes_of(result: StabilityResult) -> list[str]:
    """The class labels of a multiclass result (the user's, as str)."""
    return class_labels(result)


def class_values_text(method: str) -> str:
    """What a method's per-class values are."""
    return CLASS_VALUES.get(method, LINEAR_VALUES)


def _stability_tables(report: Report, result: StabilityResult, label: str, linear: bool) -> None:
    from interpkit.report.linear import _summary_table

    table = _summary_table if linear else stability_table
    report.add_table(  # no signs to agree on in a mean absolute value
        _top_rows(stability_table(aggregate_classes(result))),
        f"{label}: bootstrap summary over {result.n_replicates} replicates of the {AGGREGATE}, "
        "by mean rank.",
    )
    labels = class_labels(result)
    for c in labels[:MAX_CLASS_TABLES]:
        report.add_table(
            _top_rows(table(select_class(result, c))),
            f"{label}: bootstrap summary, class {c}.",
        )
    if len(labels) > MAX_CLASS_TABLES:
        report.add_text(
            f"Per-class tables are shown for the first {MAX_CLASS_TABLES} of {len(labels)} classes."
        )


def add_class_section(
    report: Report,
    method: str,
    explainer: Any,
    result: StabilityResult,
    label: str,
    brier: float | None,
    *,
    p: int,
    top: int | None,
) -> None:
    """One multiclass method's section (see the module docs)."""
    from interpkit import plots

    linear = method in ("lasso", "ridge", "enet")
    expl = explainer.explain()
    labels = class_labels(result)
    agg = aggregate_classes(result)
    report.add_heading(label)
    text = (
        f"Values: {class_values_text(method)}, for each of the {len(labels)} classes "
        f"({', '.join(labels)}); a single ranking uses the {AGGREGATE}."
    )
    if linear:
        used = int(np.count_nonzero(np.abs(expl.values).sum("class").to_numpy()))
        text += (
            f" Cross-validation (multinomial deviance) gives λ_min = "
            f"{explainer.lambda_min_:.3g} and λ_1se = {explainer.lambda_1se_:.3g}; at λ_1se "
            f"{used} of {p} features have a nonzero coefficient in at least one class."
        )
    if brier is not None:
        text += f" Held-out root multiclass Brier score {brier:.3g}."
    text += (
        f" Mean rank agreement between resamples of the {AGGREGATE} (Kendall's τ): "
        f"{agg.rank_agreement():.2f} (1 = every resample orders the features the same)."
    )
    report.add_text(text)
    if linear:
        report.add_figure(
            plots.cv_curve(explainer.cv_curve()),
            "Cross-validated multinomial deviance for each λ, ±1 standard error. The numbers "
            "along the top count the features with a nonzero coefficient.",
        )
        report.add_figure(
            plots.path(explainer.path()),
            "Each line is one coefficient as the penalty λ varies, one panel per class.",
        )
    report.add_figure(
        plots.importance(expl, top=top),
        f"{label}: the fit on all training rows, one panel per class.",
    )
    report.add_table(
        _top_rows(class_table(expl)),
        f"{label}: values of the fit on all training rows per class, and the {AGGREGATE}.",
    )
    if method == "ebm":
        _ebm_shapes(report, explainer, result, expl, label)
    report.add_figure(
        plots.stability(result, top=top),
        f"Stability of the {AGGREGATE}. Left: each faint dot is one bootstrap replicate; the "
        f"bar is the {result.level:.0%} percentile interval around the mean, × the fit on all "
        "training rows. Right: the share of replicates with a nonzero value.",
    )
    _stability_tables(report, result, label, linear)


def _ebm_shapes(report: Report, explainer: Any, result: Any, expl: Any, label: str) -> None:
    """One figure per main term, a curve per class, most important (over classes) first."""
    shapes = result.extras.get("shape_functions")
    add_shape_functions(
        report,
        explainer.shape_functions() if shapes is None else shapes.reference,
        shapes,
        f"{label}: shape functions, one curve per class (a shift shared by every class "
        "cancels in the softmax)",
        aggregate_classes(expl),
    )


def class_prediction_table(results: dict[str, Any], labels: dict[str, str], brier) -> pd.DataFrame:
    """Held-out root Brier score and replicate spread per method."""
    from interpkit.report.multiclass import replicate_prediction_stats

    rows = [
        {
            "method": labels[m],
            "held-out root Brier": brier.get(m, np.nan),
            **replicate_prediction_stats(res),
        }
        for m, res in results.items()
    ]
    return pd.DataFrame(rows)
