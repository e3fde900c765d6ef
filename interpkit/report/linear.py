"""The lasso / ridge analysis report behind ``interpkit demo`` and ``interpkit explain``.

:func:`linear_report` fits lasso / ridge / elastic net with CV-tuned λ,
assesses the bootstrap stability of coefficients and of held-out predictions,
and composes a :class:`~interpkit.report.Report` of the results.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from interpkit.report.conclusions import note_analysis
from interpkit.report.html import Report

if TYPE_CHECKING:
    from interpkit.stability import StabilityResult

__all__ = ["METHODS", "linear_report"]

METHODS = ("lasso", "ridge", "enet")


def _reading_guide(methods: Sequence[str], holdout: int) -> list[str]:
    """Plain-language notes for the report's readers, for the methods shown."""
    sparse = [m for m in methods if m != "ridge"]
    guide = [
        "λ (lambda) is the penalty strength. Larger λ shrinks coefficients towards zero"
        + ("; the lasso sets some exactly to zero (dropping those features)" if sparse else "")
        + ("; ridge only shrinks them." if "ridge" in methods else "."),
        "λ_min is the λ with the lowest cross-validated error. λ_1se is the largest λ whose "
        "error is within one standard error of that minimum: a simpler model that predicts "
        "about as well. The models here use λ_1se, as R's glmnet does by default.",
        "The CV curve shows the cross-validated error for each λ (dots) with ±1 standard "
        "error (bars); the numbers along the top count the nonzero coefficients.",
        "The coefficient path shows every coefficient as λ varies; the dashed lines mark "
        "λ_min and λ_1se.",
        "Coefficients are per standard deviation of each feature, so their sizes are "
        "comparable across features.",
        "Stability: the whole analysis (including choosing λ by cross-validation) is repeated "
        "on bootstrap resamples of the training rows. A wide interval means the coefficient "
        "depends a lot on which rows happened to be in the data; the × marks the fit on all "
        "training rows.",
        "Selection frequency is the share of resamples in which a feature got a nonzero "
        "coefficient. A feature selected in, say, 40% of resamples is not reliably important, "
        "even if the model fit on all rows kept it."
        + (" Ridge never drops features, so its frequency is 100%." if "ridge" in methods else ""),
    ]
    if holdout:
        guide.append(
            "Prediction stability: each faint point is the prediction of one resampled model "
            "for a held-out row, plotted against the row's observed value. Points on the "
            "dashed line y = x would be perfect; a tall column means that prediction depends "
            "on the resample."
        )
    return guide


def _method_label(method: str, alpha: float) -> str:
    return {"lasso": "Lasso", "ridge": "Ridge"}.get(method, f"Elastic net (α = {alpha:g})")


def _make_explainer(method: str, alpha: float, seed: int):
    import interpkit

    common = {"random_state": seed, "standardized_coef": True}
    if method == "lasso":
        return interpkit.LassoExplainer(**common)
    if method == "ridge":
        return interpkit.RidgeExplainer(**common)
    if method == "enet":
        return interpkit.ElasticNetExplainer(alpha=alpha, **common)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def _summary_table(result: StabilityResult) -> pd.DataFrame:
    table = result.summary()
    pct = f"{(1 - result.level) / 2:.1%}".replace(".0%", "%")
    pct_hi = f"{1 - (1 - result.level) / 2:.1%}".replace(".0%", "%")
    out = pd.DataFrame(
        {
            "full-data fit": table["reference"],
            "mean": table["mean"],
            "sd": table["sd"],
            pct: table["lower"],
            pct_hi: table["upper"],
            "selected": table["selection_frequency"].map(lambda f: f"{f:.0%}"),
            "sign agreement": table["sign_agreement"].map(
                lambda f: "–" if not np.isfinite(f) else f"{f:.0%}"
            ),
            "mean rank": table["mean_rank"],
        },
        index=table.index,
    )
    out.index.name = "feature"
    return out


def linear_report(
    X: pd.DataFrame,
    y: pd.Series,
    *,
    methods: Sequence[str] = ("lasso", "ridge"),
    alpha: float = 0.5,
    holdout: int = 20,
    n_boot: int = 100,
    seed: int = 0,
    n_jobs: int | None = None,
    progress: bool | None = None,
    title: str | None = None,
    intro: str | None = None,
) -> Report:
    """Fit, explain and bootstrap penalised linear models; compose their report.

    The rows are split (seeded) into ``holdout`` held-out rows and the
    training rows. Each method is fit on the training rows with λ chosen by
    10-fold CV (``λ_1se``), coefficients standardised, and its stability
    assessed by ``n_boot`` bootstrap replicates (λ re-tuned inside each),
    which also predict the held-out rows.

    Parameters
    ----------
    X : DataFrame
        Numeric features.
    y : Series
        Numeric target.
    methods : sequence of {"lasso", "ridge", "enet"}
        Methods to fit and compare.
    alpha : float, default 0.5
        Elastic-net mixing for ``"enet"``.
    holdout : int, default 20
        Number of held-out rows (0 for none: no prediction stability).
    n_boot : int, default 100
        Bootstrap replicates per method.
    seed : int, default 0
        Seeds the split, the CV folds and the bootstrap.
    n_jobs : int, optional
        Parallel workers for the bootstrap.
    progress : bool, optional
        Progress bars; by default only on an interactive terminal.
    title, intro : str, optional
        Report title and introductory text.

    Returns
    -------
    Report
        Also holds ``results`` (method -> StabilityResult) and ``rmse``
        (method -> held-out RMSE of the model fit on the training rows) as
        attributes of the report, for callers that want the numbers.
    """
    methods = _check_methods(methods)
    n, p = X.shape
    if not 0 <= holdout < n:
        raise ValueError(f"holdout must be between 0 and {n - 1} rows, got {holdout}")
    X_train, y_train, X_hold, y_hold = _split(X, y, holdout, seed)
    target = str(y.name) if y.name is not None else "the target"
    labels = {m: _method_label(m, alpha) for m in methods}
    top = 20 if p > 25 else None  # plots of many features show the 20 largest

    report = Report(
        title or f"{' vs '.join(labels.values())}: what drives {target}, and how stable is it?",
        subtitle=f"{n} rows, {p} features; target {target}",
    )
    report.add_text(intro or _intro_text(labels, target, n, p, holdout, seed, n_boot))
    report.add_heading("How to read this report")
    report.add_list(_reading_guide(methods, holdout))

    fits, results, rmse = _fit_methods(
        methods,
        alpha,
        (X_train, y_train, X_hold, y_hold),
        n_boot=n_boot,
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
    )
    report.add_provenance("hold-out split", {"seed": seed, "rows held out": holdout})
    note_analysis(report.conclusions, methods, labels, fits, results, y)
    for m in methods:
        _add_method_section(
            report, fits[m], results[m], labels[m], rmse.get(m), p=p, n_train=n - holdout, top=top
        )
        report._record_provenance(results[m], labels[m])
    _add_comparison_section(report, methods, labels, fits, results, rmse, X_hold, target, top)

    report.results = results  # type: ignore[attr-defined]
    report.rmse = rmse  # type: ignore[attr-defined]
    return report


def _check_methods(methods: Sequence[str]) -> list[str]:
    """The distinct methods, in order; an error for none or an unknown one."""
    methods = list(dict.fromkeys(methods))
    if not methods:
        raise ValueError("no methods given")
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {m!r}")
    return methods


def _split(X: pd.DataFrame, y: pd.Series, holdout: int, seed: int):
    """Seeded split into training rows and ``holdout`` held-out rows (None if 0)."""
    perm = np.random.RandomState(seed).permutation(len(X))
    hold_rows, train_rows = np.sort(perm[:holdout]), np.sort(perm[holdout:])
    X_hold = X.iloc[hold_rows] if holdout else None
    y_hold = y.iloc[hold_rows] if holdout else None
    return X.iloc[train_rows], y.iloc[train_rows], X_hold, y_hold


def _fit_methods(methods, alpha, data, *, n_boot, seed, n_jobs, progress):
    """Fit each linear method on the training rows and bootstrap it (see fit_and_bootstrap)."""
    explainers = {m: _make_explainer(m, alpha, seed) for m in methods}
    return fit_and_bootstrap(
        explainers, data, n_boot=n_boot, seed=seed, n_jobs=n_jobs, progress=progress
    )


def fit_and_bootstrap(explainers, data, *, n_boot, seed, n_jobs, progress, timings=None):
    """Fit each explainer on the training rows and bootstrap it on shared resamples.

    ``explainers`` maps method -> unfitted explainer; ``data`` is
    ``(X_train, y_train, X_hold, y_hold)``. Every method's stability run uses
    ``random_state=seed``, so replicate b of each is fit on the same rows.
    Returns the fitted explainers, their StabilityResults and (with held-out
    rows) their held-out RMSE, each a dict keyed by method. With ``progress``
    each method's start and end go to stderr with the time left; ``timings``
    (a dict), when given, receives each method's seconds.

    The fitted explainer of a method is its stability run's reference fit on
    the training rows (:func:`interpkit.stability.engine.keep_reference`), not
    a second fit of the same model: ``n_boot + 1`` fits per method, and the
    report's figures and its stability tables describe one and the same model.
    """
    import dataclasses

    from interpkit.cli_data import as_probability, expit
    from interpkit.report.multiclass import is_multiclass, multiclass_fit
    from interpkit.report.progress import MethodProgress
    from interpkit.stability.engine import keep_reference

    X_train, y_train, X_hold, y_hold = data
    fits, results, rmse = {}, {}, {}
    tracker = MethodProgress(list(explainers), n_boot, progress)
    for m, explainer in explainers.items():
        tracker.start(m)
        with keep_reference() as kept:
            results[m] = explainer.stability(
                X_train,
                y_train,
                n_boot=n_boot,
                X_eval=X_hold,
                y_eval=y_hold,
                random_state=seed,
                n_jobs=n_jobs,
                progress=progress,
            )
        fits[m] = kept[0]  # fit on all training rows, as explainer.fit(X_train, y_train)
        if is_multiclass(results[m]):  # K classes: probabilities, the root Brier score
            results[m], rmse_m = multiclass_fit(fits[m], results[m], X_hold, y_hold)
            if rmse_m is not None:
                rmse[m] = rmse_m
            tracker.done(m)
            continue
        to_probability = as_probability(fits[m])
        if to_probability and results[m].predictions is not None:
            # a two-class model's log-odds on the probability scale: every method's
            # held-out error is then the RMSE of a probability (the root Brier score)
            preds = results[m].predictions
            results[m] = dataclasses.replace(results[m], predictions=preds.copy(data=expit(preds)))
        if X_hold is not None:
            pred = fits[m].predict(X_hold)
            resid = (expit(pred) if to_probability else pred) - y_hold.to_numpy()
            rmse[m] = float(np.sqrt(np.mean(resid**2)))
        tracker.done(m)
    if timings is not None:
        timings.update(tracker.seconds)
    return fits, results, rmse


def replicate_prediction_stats(result: StabilityResult) -> dict[str, float]:
    """Median replicate RMSE on the held-out rows and mean prediction-interval width."""
    preds = result.predictions.transpose("replicate", "sample").to_numpy()
    rep_rmse = np.sqrt(np.mean((preds - result.y_eval[None, :]) ** 2, axis=1))
    summ = result.prediction_summary()
    return {
        "replicate RMSE (median)": float(np.median(rep_rmse)),
        "replicate RMSE (range)": f"{rep_rmse.min():.3g}–{rep_rmse.max():.3g}",
        "mean interval width": float((summ["upper"] - summ["lower"]).mean()),
    }


def _intro_text(
    labels: dict[str, str], target: str, n: int, p: int, holdout: int, seed: int, n_boot: int
) -> str:
    """The report's default introductory paragraph."""
    return (
        f"This report fits {_join(list(labels.values()))} regression of {target} on "
        f"{p} features. "
        + (
            f"{holdout} of the {n} rows were held out at random (seed {seed}) to check "
            f"predictions; the models are fit on the other {n - holdout}. "
            if holdout
            else f"The models are fit on all {n} rows (none held out). "
        )
        + "The penalty λ is chosen by 10-fold cross-validation. To see how much the "
        "results depend on "
        f"the particular sample, the whole fit (including choosing λ) is repeated on "
        f"{n_boot} bootstrap resamples of the training rows."
    )


def _add_method_section(
    report: Report,
    explainer,
    result: StabilityResult,
    label: str,
    rmse: float | None,
    *,
    p: int,
    n_train: int,
    top: int | None,
) -> None:
    """One method's section: CV curve, path, coefficients, stability and its table."""
    from interpkit import plots

    coef = explainer.explain()
    n_used = int(np.count_nonzero(coef.to_numpy()))
    report.add_heading(label)
    report.add_text(
        f"Cross-validation gives λ_min = {explainer.lambda_min_:.3g} and "
        f"λ_1se = {explainer.lambda_1se_:.3g}. At λ_1se the {label.lower()} uses "
        f"{n_used} of {p} features"
        + (f" and predicts the held-out rows with RMSE {rmse:.3g}." if rmse is not None else ".")
        + f" Mean rank agreement between resamples (Kendall's τ): "
        f"{result.rank_agreement():.2f} (1 = every resample orders the features the same)."
    )
    report.add_figure(
        plots.cv_curve(explainer.cv_curve()),
        "Cross-validated mean-squared error for each λ, ±1 standard error. The numbers "
        "along the top count the nonzero coefficients.",
    )
    report.add_figure(
        plots.path(explainer.path()),
        "Each line is one coefficient as the penalty λ varies; the model grows from left "
        "(strong penalty) to right (weak penalty).",
    )
    report.add_figure(
        plots.importance(coef, top=top),
        f"Coefficients of the model fit on all {n_train} training rows at λ_1se, "
        "largest first; blue raises the prediction, red lowers it.",
    )
    report.add_figure(
        plots.stability(result, top=top),
        "Left: every faint dot is one bootstrap replicate's coefficient; the bar is the "
        f"{result.level:.0%} percentile interval around the mean, | the median and × the "
        "fit on all training rows. Right: how often each feature was selected (nonzero).",
    )
    report.add_table(
        _summary_table(result),
        f"Bootstrap summary over {result.n_replicates} replicates, features by mean rank "
        "of |coefficient|.",
    )


def _add_comparison_section(
    report: Report, methods, labels, fits, results, rmse, X_hold, target: str, top: int | None
) -> None:
    """Methods side by side, and the held-out predictions (when any rows were held out)."""
    from interpkit import plots

    holdout = 0 if X_hold is None else len(X_hold)
    if len(methods) > 1 or holdout:
        report.add_heading("Comparison" if len(methods) > 1 else "Predictions")
    if len(methods) > 1:
        import interpkit

        report.add_figure(
            plots.compare_stability({labels[m]: results[m] for m in methods}, top=top),
            "Bootstrap means and percentile intervals of the coefficients of each method, "
            "side by side; right: selection frequency.",
        )
        comparison = interpkit.compare({labels[m]: results[m] for m in methods})
        report.conclusions.add_comparison("methods", comparison)
        # the replicates' row fingerprints say whether they share their rows across methods
        paired = bool(comparison.agreement()["paired"].all())
        shared = (
            "the bootstrap replicates share their resampled rows across methods, so the "
            "agreement has a paired interval"
            if paired
            else "the replicates did not draw the same rows in every method, so the interval "
            "is unpaired"
        )
        if len(methods) > 2:  # with two methods the heatmap would show one number
            report.add_figure(
                plots.agreement_heatmap(comparison),
                "Spearman correlation of |coefficient| between the methods, on all training "
                f"rows; {shared} (table below).",
            )
        from interpkit.report.views import agreement_table

        report.add_table(
            agreement_table(comparison),
            "Agreement between methods, one row per pair: the value on all training rows and "
            f"[the {comparison.level:.0%} percentile interval over the bootstrap "
            f"replicates]; {shared}.",
        )
    if not holdout:
        return
    if len(methods) > 1:
        fig = plots.compare_prediction_stability({labels[m]: results[m] for m in methods})
    else:
        fig = plots.prediction_stability(results[methods[0]])
    report.add_figure(
        fig,
        f"Each column is one of the {holdout} held-out rows: x is its observed {target}, "
        "the faint points are the predictions of the bootstrap models, the bar their "
        "percentile interval. Dashed: y = x.",
    )
    report.add_table(
        _prediction_table(methods, labels, fits, results, rmse),
        f"Held-out RMSE: error of the model fit on all training rows on the {holdout} "
        "held-out rows. Replicate RMSE: the same for each bootstrap model. Mean interval "
        "width: average width of the percentile interval of the replicate predictions.",
    )
    report.add_heading("One held-out prediction explained", level=3)
    for m in methods:
        report.add_figure(
            plots.contributions(fits[m].explain(X_hold), 0),
            "How each feature moves this prediction away from the base value (the "
            "prediction for a row at the training means): blue up, red down."
            if m == methods[0]
            else None,
        )


def _prediction_table(methods, labels, fits, results, rmse) -> pd.DataFrame:
    rows = []
    for m in methods:
        rows.append(
            {
                "method": labels[m],
                "λ_1se": fits[m].lambda_1se_,
                "nonzero coefficients": int(np.count_nonzero(fits[m].coef_)),
                "held-out RMSE": rmse[m],
                **replicate_prediction_stats(results[m]),
            }
        )
    return pd.DataFrame(rows)


def _join(items: list[str]) -> str:
    items = [i.lower() for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
