"""The multi-method analysis report behind ``interpkit explain --method a,b,c``.

:func:`analysis_report` fits any methods of :data:`~interpkit.report.methods.METHODS`
on the same training rows, bootstraps each (tuning inside every replicate),
and compares what they say matters, with intervals for the agreement itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from interpkit.classes import has_classes
from interpkit.report.class_sections import add_class_section, class_prediction_table
from interpkit.report.conclusions import note_analysis
from interpkit.report.html import Report
from interpkit.report.linear import (
    _add_method_section,
    _split,
    fit_and_bootstrap,
    replicate_prediction_stats,
)
from interpkit.report.methods import METHODS, check_methods, make_explainer
from interpkit.report.views import add_shape_functions, stability_table

__all__ = ["analysis_report"]

LINEAR = ("lasso", "ridge", "enet")


def analysis_report(
    X: pd.DataFrame,
    y: pd.Series,
    *,
    methods: Sequence[str],
    alpha: float = 0.5,
    holdout: int = 20,
    n_boot: int = 20,
    seed: int = 0,
    n_jobs: int | None = None,
    progress: bool | None = None,
    title: str | None = None,
    intro: str | None = None,
    method_params: dict[str, dict[str, Any]] | None = None,
) -> Report:
    """Fit, explain, bootstrap and compare several methods; compose their report.

    Parameters
    ----------
    X : DataFrame
        Numeric features.
    y : Series
        Numeric target (regression), or class labels: 0/1 for two classes (with
        the binomial / classifier ``method_params`` of
        :func:`interpkit.cli_data.classifier_params`), the labels themselves
        for three or more (multiclass: every explanation has a ``"class"``
        dim, each method's section shows the classes and the mean absolute
        value over them, see :mod:`interpkit.report.class_sections`).
    methods : sequence of str
        Names from :data:`interpkit.report.methods.METHODS`, e.g.
        ``["lasso", "ebm", "shap-rf", "permutation-rf"]``.
    alpha : float, default 0.5
        Elastic-net mixing for ``"enet"``.
    holdout : int, default 20
        Held-out rows for out-of-sample error and prediction stability.
    n_boot : int, default 20
        Bootstrap replicates per method. All methods share ``seed``, so
        replicate ``b`` of every method is fit on the same rows and the
        agreement between methods gets a paired interval.
    seed : int, default 0
        Seeds the split, the models, the folds and the bootstrap.
    n_jobs, progress, title, intro
        As in :func:`~interpkit.report.linear_report`; with ``progress`` each
        method's start and end are reported with an estimate of the time left.
    method_params : dict, optional
        Method -> parameters overriding the registry's command-line ones,
        e.g. ``{"ebm": {"outer_bags": 4}}`` (``interpkit explain`` passes
        :func:`interpkit.cli_defaults.method_params` for the table size).

    Returns
    -------
    Report
        With attributes ``results`` (method -> StabilityResult), ``rmse``
        (method -> held-out RMSE; for a class target of the probabilities, the
        root Brier score, :mod:`interpkit.report.multiclass`), ``fits``
        (method -> the explainer fit on the training rows), ``comparison`` (a
        :class:`~interpkit.Comparison`, or None for one method) and
        ``timings`` (method -> seconds to fit and bootstrap).
    """
    import interpkit

    methods = list(dict.fromkeys(methods))
    if not methods:
        raise ValueError("no methods given")
    check_methods(methods)  # one error naming every missing extra, before any fitting
    extra = method_params or {}
    explainers = {m: make_explainer(m, seed, alpha, extra.get(m)) for m in methods}
    n, p = X.shape
    if not 0 <= holdout < n:
        raise ValueError(f"holdout must be between 0 and {n - 1} rows, got {holdout}")
    X_train, y_train, X_hold, y_hold = _split(X, y, holdout, seed)
    target = str(y.name) if y.name is not None else "the target"
    labels = {m: METHODS[m].label for m in methods}
    top = 20 if p > 25 else None

    report = Report(
        title or f"What drives {target}? {len(methods)} methods compared",
        subtitle=f"{n} rows, {p} features; target {target}",
    )
    report.add_text(intro or _intro(labels, target, n, p, holdout, seed, n_boot))
    report.add_provenance("hold-out split", {"seed": seed, "rows held out": holdout})

    timings: dict[str, float] = {}
    fits, results, rmse = fit_and_bootstrap(
        explainers,
        (X_train, y_train, X_hold, y_hold),
        n_boot=n_boot,
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
        timings=timings,
    )
    note_analysis(report.conclusions, methods, labels, fits, results, y)
    for m in methods:
        if has_classes(results[m]):  # a multiclass target: values per class
            add_class_section(report, m, fits[m], results[m], labels[m], rmse.get(m), p=p, top=top)
        elif m in LINEAR:
            _add_method_section(
                report, fits[m], results[m], labels[m], rmse.get(m), p=p,
                n_train=n - holdout, top=top,
            )  # fmt: skip
        else:
            _add_generic_section(report, m, fits[m], results[m], rmse.get(m), top)
        report._record_provenance(results[m], labels[m])

    comparison = None
    if len(methods) == 1 and X_hold is not None and has_classes(results[methods[0]]):
        report.add_heading("Held-out predictions", level=3)
        _add_class_predictions(report, results, labels, rmse)
    if len(methods) > 1:
        # short method names keep the comparison plots readable
        comparison = interpkit.compare(dict(results))
        _add_comparison(report, comparison, results, labels, rmse, X_hold)
    report.results = results  # type: ignore[attr-defined]
    report.rmse = rmse  # type: ignore[attr-defined]
    report.fits = fits  # type: ignore[attr-defined]
    report.comparison = comparison  # type: ignore[attr-defined]
    report.timings = timings  # type: ignore[attr-defined]
    return report


def _intro(labels, target, n, p, holdout, seed, n_boot) -> str:
    names = ", ".join(labels.values())
    split = (
        f"{holdout} of the {n} rows are held out at random (seed {seed}) to measure "
        f"out-of-sample error; every model is fit on the other {n - holdout}. "
        if holdout
        else f"Every model is fit on all {n} rows. "
    )
    return (
        f"Which of the {p} features drive {target}, according to: {names}? {split}"
        f"Each method's whole fit (tuning included) is repeated on {n_boot} bootstrap "
        "resamples of the training rows, the same resamples for every method, so both the "
        "explanations and the agreement between methods come with intervals."
    )


def _add_generic_section(report: Report, name: str, explainer, result, rmse, top) -> None:
    from interpkit import plots

    spec = METHODS[name]
    values = spec.values
    if getattr(explainer, "scoring", None) == "neg_brier_score":  # the CLI's two-class score
        values = values.replace("drop in held-out R²", "rise in held-out Brier score")
    elif getattr(explainer, "is_classifier_", False):  # a classifier's default score
        values = values.replace("R²", "accuracy")
    report.add_heading(spec.label)
    report.add_text(
        f"Values: {values}."
        + (f" Held-out RMSE {rmse:.3g}." if rmse is not None else "")
        + f" Mean rank agreement between resamples (Kendall's τ): "
        f"{result.rank_agreement():.2f} (1 = every resample orders the features the same)."
    )
    report.add_figure(
        plots.importance(explainer.explain(), top=top),
        f"{spec.label}: global importance of the model fit on all training rows.",
    )
    if hasattr(explainer, "shape_functions"):  # additive models: one curve per feature
        shapes = result.extras.get("shape_functions")
        add_shape_functions(
            report,
            explainer.shape_functions() if shapes is None else shapes.reference,
            shapes,
            f"{spec.label}: shape functions",
            importance=explainer.explain(),  # most important term first
        )
    report.add_figure(
        plots.stability(result, top=top),
        "Left: each faint dot is one bootstrap replicate; the bar is the "
        f"{result.level:.0%} percentile interval around the mean, × the fit on all "
        "training rows. Right: the share of replicates with a nonzero value.",
    )
    report.add_table(
        stability_table(result),
        f"Bootstrap summary over {result.n_replicates} replicates, by mean rank.",
    )


def _add_comparison(report: Report, comparison, results, labels, rmse, X_hold) -> None:
    from interpkit import plots

    report.add_heading("Do the methods agree?")
    report.add_text(
        "The methods measure importance on different scales (coefficients, impurity, "
        "SHAP values), so they are compared by rank and by each feature's share of the "
        "method's total |value|. The agreement is computed in every bootstrap replicate, "
        "paired across methods because they share the resampled rows, which gives its "
        "interval."
    )
    report.add_list([f"{m}: {label}" for m, label in labels.items()])
    report.add(comparison, title="Methods")
    if X_hold is None:
        return
    report.add_heading("Held-out predictions", level=3)
    if all(has_classes(r) for r in results.values()):
        _add_class_predictions(report, results, labels, rmse)
        return
    report.add_figure(
        plots.compare_prediction_stability(dict(results)),
        "Each column is one held-out row: x is its observed value, the faint points the "
        "predictions of the bootstrap models, the bar their percentile interval. Dashed: y = x.",
    )
    report.add_table(_prediction_table(results, labels, rmse), "Out-of-sample error per method.")


def _add_class_predictions(report: Report, results, labels, brier) -> None:
    from interpkit.report.class_figures import observed_class_figure

    report.add_figure(
        observed_class_figure({m: results[m] for m in results}),
        "Each column is one held-out row (its observed class in brackets): the faint points "
        "are the probabilities the bootstrap models give to that class, the bar their "
        "percentile interval. 1 is a sure, correct prediction.",
    )
    report.add_table(
        class_prediction_table(results, labels, brier),
        "Out-of-sample error per method: the root multiclass Brier score, the square root "
        "of the mean over held-out rows of the sum over classes of (predicted probability "
        "− 1[observed class])², of the fit on all training rows and of each bootstrap "
        "model; mean width of the percentile intervals of the replicate probabilities.",
    )


def _prediction_table(results: dict[str, Any], labels, rmse) -> pd.DataFrame:
    rows = [
        {"method": labels[m], "held-out RMSE": rmse[m], **replicate_prediction_stats(res)}
        for m, res in results.items()
    ]
    return pd.DataFrame(rows)
