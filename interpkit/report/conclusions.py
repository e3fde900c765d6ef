"""The "What this says" section: sentences generated from a report's numbers.

Every stability result, comparison and fitted explainer that goes into a
:class:`~interpkit.report.Report` is noted by its :class:`Conclusions`; when
the page is written they become a few sentences at the top (which features
are stable, which are not, where methods disagree and how much) and a list of
flags raised by the analysis (see :mod:`interpkit.report.flags`).

A feature is **stable** in a bootstrap (or subsample) result when

* its percentile interval is away from zero (for signed values such as
  coefficients or permutation importances); for importances that are never
  negative (impurity, mean |SHAP|), where any interval is above zero, when the
  interval of its share of the total importance stays above an equal share
  ``1 / n_features``;
* it is nonzero in at least ``MIN_SELECTION`` (90 %) of the replicates;
* and, when a permuted-label null control of the same method is in the
  report, its value on the real labels is above that null
  (``null_p_value < NULL_ALPHA``).

>>> from interpkit.report.conclusions import feature_verdicts   # doctest: +SKIP
>>> feature_verdicts(result)["stable"]                          # doctest: +SKIP
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MIN_SELECTION", "NULL_ALPHA", "Conclusions", "feature_verdicts", "note_analysis"]

MIN_SELECTION = 0.9
NULL_ALPHA = 0.05
MAX_NAMED = 6  # features named in one sentence before "and N more"
RESAMPLING = ("bootstrap", "subsample")


# methods whose global values are never negative by construction (impurity decrease,
# mean |contribution|): an interval above zero says nothing for them
NONNEGATIVE_METHODS = frozenset({"mdi", "mdi_plus", "ebm_term_importance"})


def _is_signed(result: Any) -> bool:
    """Whether the values can take either sign (coefficients, permutation importances)."""
    ref = result.reference
    name = str(ref.values.name or "")
    if ref.method in NONNEGATIVE_METHODS or "abs" in name or "inverse_lengthscale" in name:
        return False
    return True


def _share_lower(result: Any) -> pd.Series:
    """Lower percentile bound of each feature's share of the replicate's total |value|."""
    vals = np.abs(result.replicates.values.transpose("replicate", "feature").to_numpy())
    total = vals.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, vals / total, np.nan)
    lo = np.nanquantile(share, (1 - result.level) / 2, axis=0)
    features = [str(f) for f in result.replicates.values.coords["feature"].values]
    return pd.Series(lo, index=features)


def null_can_reject(null: Any) -> bool:
    """Whether a permuted-label null with its number of shuffles can give p < NULL_ALPHA."""
    return 1.0 / (1 + null.n_replicates) < NULL_ALPHA


def feature_verdicts(result: Any, null: Any | None = None) -> pd.DataFrame:
    """Which features of a feature-level stability result are stable, and why not.

    Parameters
    ----------
    result : StabilityResult
        Replicates with dims ``("replicate", "feature")``, bootstrap or
        subsample (or a ``"permuted_labels"`` null control, judged by its
        ``null_p_value`` alone).
    null : StabilityResult, optional
        A permuted-label null control of the same method and features.

    Returns
    -------
    pandas.DataFrame
        Indexed by feature in the summary's order (mean rank), with boolean
        columns ``away_from_zero``, ``selected``, ``above_null`` (NaN-free:
        True when no null applies) and ``stable``, and ``selection``
        (the selection frequency) and ``reason`` (why a feature is not
        stable, in words; empty for stable features).
    """
    table = result.summary()
    table.index = table.index.astype(str)
    n = len(table)
    if result.scheme == "permuted_labels":
        above = table["null_p_value"] < NULL_ALPHA if null_can_reject(result) else True
        out = pd.DataFrame(
            {"away_from_zero": True, "selected": True, "above_null": above}, index=table.index
        )
        out["selection"] = table["selection_frequency"]
    else:
        if _is_signed(result):
            away = (table["lower"] > 0) | (table["upper"] < 0)
        else:
            away = _share_lower(result).reindex(table.index) > 1.0 / n
        selected = table["selection_frequency"] >= MIN_SELECTION
        above = pd.Series(True, index=table.index)
        if null is not None and null_can_reject(null):
            p = null.summary()["null_p_value"]
            p.index = p.index.astype(str)
            above = p.reindex(table.index) < NULL_ALPHA
        out = pd.DataFrame(
            {"away_from_zero": away.fillna(False), "selected": selected, "above_null": above},
            index=table.index,
        )
        out["selection"] = table["selection_frequency"]
    out["above_null"] = out["above_null"].fillna(False).astype(bool)
    out["stable"] = out["away_from_zero"] & out["selected"] & out["above_null"]
    out["reason"] = [_reason(row, _is_signed(result), result.scheme) for row in out.itertuples()]
    return out


def _reason(row: Any, signed: bool, scheme: str) -> str:
    if row.stable:
        return ""
    parts = []
    if not row.selected:
        parts.append(f"selected in {row.selection:.0%} of replicates")
    if not row.away_from_zero:
        parts.append("interval includes zero" if signed else "share below an equal share")
    if not row.above_null:
        parts.append("not above the permuted-label null" if scheme != "permuted_labels"
                     else "within the label-noise null")  # fmt: skip
    return ", ".join(parts)


def _names(items: list[str], limit: int = MAX_NAMED) -> str:
    if not items:
        return "none"
    shown = items[:limit]
    rest = len(items) - len(shown)
    text = ", ".join(shown)
    return f"{text} and {rest} more" if rest else text


@dataclass
class Conclusions:
    """What a report's results add up to; rendered first by :meth:`Report.to_html`."""

    results: list[tuple[str, Any]] = field(default_factory=list)
    comparisons: list[tuple[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    # -- what the report saw ----------------------------------------------------------
    def observe(self, obj: Any, title: str | None) -> None:
        """Note a result added with :meth:`Report.add` (others are ignored)."""
        from interpkit.comparison import Comparison
        from interpkit.explanation import Explanation
        from interpkit.report import flags
        from interpkit.stability import StabilityResult

        if isinstance(obj, StabilityResult):
            self.add_result(title or str(obj.replicates.method), obj)
        elif isinstance(obj, Comparison):
            self.add_comparison(title or "methods", obj)
        elif isinstance(obj, Explanation):
            self.add_flags(flags.explanation_flags(title or obj.method, obj))

    def add_result(self, label: str, result: Any) -> None:
        """Note a stability result (its flags are raised at once)."""
        from interpkit.report import flags

        if any(r is result for _, r in self.results):
            return
        self.results.append((str(label), result))
        self.add_flags(flags.result_flags(str(label), result))

    def add_comparison(self, label: str, comparison: Any) -> None:
        if not any(c is comparison for _, c in self.comparisons):
            self.comparisons.append((str(label), comparison))

    def add_flags(self, items: list[str]) -> None:
        for item in items:
            if item not in self.flags:
                self.flags.append(item)

    def add_sentence(self, text: str) -> None:
        """A sentence of the caller's own, shown first."""
        self.sentences.append(str(text))

    # -- what it says ----------------------------------------------------------------
    def feature_results(self) -> list[tuple[str, Any, Any]]:
        """``(label, resampling result, matching null or None)`` of the feature-level results."""
        feature = [
            (label, r) for label, r in self.results
            if tuple(d for d in r.replicates.dims if d != "replicate") == ("feature",)
        ]  # fmt: skip
        nulls = {r.replicates.method: r for _, r in feature if r.scheme == "permuted_labels"}
        out = []
        for label, r in feature:
            if r.scheme == "permuted_labels":
                if not any(o.replicates.method == r.replicates.method and o.scheme != r.scheme
                           for _, o in feature):  # fmt: skip
                    out.append((label, r, None))  # a null shown alone speaks for itself
                continue
            out.append((label, r, nulls.get(r.replicates.method)))
        return out

    def statements(self) -> list[str]:
        """The sentences of "What this says", in order."""
        out = list(self.sentences)
        verdicts: dict[str, pd.DataFrame] = {}
        for label, result, null in self.feature_results():
            v = feature_verdicts(result, null)
            verdicts[label] = v
            out.append(_result_sentence(label, result, null, v))
        if len(verdicts) > 1:
            out.extend(_disagreement_sentences(verdicts))
        for label, comparison in self.comparisons:
            sentence = _agreement_sentence(label, comparison)
            if sentence:
                out.append(sentence)
        return out

    def is_empty(self) -> bool:
        return not (self.results or self.comparisons or self.flags or self.sentences)

    def to_html(self, anchor: str) -> str:
        """The section's HTML ('' when there is nothing to say)."""
        if self.is_empty():
            return ""
        paras = "".join(f"<p>{html.escape(s)}</p>" for s in self.statements())
        if self.flags:
            items = "".join(f"<li>{html.escape(f)}</li>" for f in self.flags)
            flag_html = f'<p><b>Flags raised by the analysis</b></p><ul class="flags">{items}</ul>'
        else:
            flag_html = "<p>No flags: nothing in the analysis looked wrong.</p>"
        return (
            f'<section class="conclusions"><h2 id="{anchor}">What this says</h2>'
            f"{paras}{flag_html}</section>"
        )


def note_analysis(conclusions: Conclusions, methods, labels, fits, results, y) -> None:
    """Note each method's stability result and flags, and the target's, in ``conclusions``.

    ``labels``, ``fits`` and ``results`` map method -> heading label, fitted
    explainer and StabilityResult; ``y`` is the analysed target.
    """
    from interpkit.report import flags

    if not all(_classifies(fits[m]) for m in methods):  # labels fit by regression?
        conclusions.add_flags(flags.target_flags(y, list(methods)))
    from interpkit.classes import has_classes

    for m in methods:
        # a multiclass result is judged by its mean absolute value over classes
        result = _class_aggregate(results[m]) if has_classes(results[m]) else results[m]
        conclusions.add_result(labels[m], result)
        conclusions.add_flags(flags.explainer_flags(labels[m], fits[m]))


def _class_aggregate(result: Any) -> Any:
    """The mean absolute value over classes, named as unsigned (never negative)."""
    from dataclasses import replace

    from interpkit.classes import aggregate_classes

    agg = aggregate_classes(result)

    def unsigned(expl: Any) -> Any:
        return replace(expl, values=expl.values.rename(f"mean_abs_{expl.values.name or 'value'}"))

    return replace(agg, replicates=unsigned(agg.replicates), reference=unsigned(agg.reference))


def _classifies(fit: Any) -> bool:
    """Whether a fitted explainer's model is a classifier (binomial GLM, classifier, EBM)."""
    if getattr(fit, "family", None) in ("binomial", "multinomial"):
        return True
    if getattr(fit, "is_classifier_", False):
        return True
    if getattr(fit, "task_", None) in ("binary", "multiclass"):
        return True
    return getattr(fit, "output_", None) in ("probability", "log_odds")


def _result_sentence(label: str, result: Any, null: Any, v: pd.DataFrame) -> str:
    n, b = len(v), result.n_replicates
    stable = [f for f in v.index if v.at[f, "stable"]]
    if result.scheme == "permuted_labels":
        if not null_can_reject(result):
            return (
                f"{label} (null control, {b} fits on shuffled labels): too few shuffles for "
                f"any p-value below {NULL_ALPHA:g}; see the flags."
            )
        return (
            f"{label} (null control, {b} fits on shuffled labels): "
            f"{len(stable)} of {n} features {'is' if len(stable) == 1 else 'are'} above what "
            "label noise gives "
            f"(p < {NULL_ALPHA:g}): {_names(stable)}."
        )
    signed = _is_signed(result)
    rule = (
        f"{result.level:.0%} interval away from zero"
        if signed
        else f"{result.level:.0%} interval of its share of the total above 1/{n}"
    )
    rule += f", selected in ≥ {MIN_SELECTION:.0%} of replicates"
    if null is not None and null_can_reject(null):
        rule += f", above the permuted-label null (p < {NULL_ALPHA:g})"
    text = (
        f"{label} ({b} {result.scheme} replicates): {len(stable)} of {n} features "
        f"{'is' if len(stable) == 1 else 'are'} stable "
        f"({rule}): {_names(stable)}."
    )
    unstable = [f for f in v.index if not v.at[f, "stable"]]
    if unstable:
        ref = result.reference.values
        used = {
            str(f)
            for f, x in zip(ref.coords["feature"].values, ref.to_numpy(), strict=True)
            if x != 0
        }
        # first the features a reader would otherwise trust: used by the full-data fit
        unstable.sort(key=lambda f: f not in used)
        shown = unstable[:MAX_NAMED]
        detail = "; ".join(f"{f} ({v.at[f, 'reason']})" for f in shown)
        rest = len(unstable) - len(shown)
        text += f" Not stable: {detail}" + (f"; and {rest} more" if rest else "") + "."
    tau = result.rank_agreement()
    if np.isfinite(tau):
        text += f" Replicates order the features with mean Kendall τ = {tau:.2f}."
    return text


def _disagreement_sentences(verdicts: dict[str, pd.DataFrame]) -> list[str]:
    labels = list(verdicts)
    features = list(dict.fromkeys(f for v in verdicts.values() for f in v.index))
    split = []
    for f in features:
        yes = [m for m in labels if f in verdicts[m].index and verdicts[m].at[f, "stable"]]
        if yes and len(yes) < len(labels):
            split.append(f"{f} (stable in {', '.join(yes)} only)")
    all_yes = [
        f for f in features
        if all(f in verdicts[m].index and verdicts[m].at[f, "stable"] for m in labels)
    ]  # fmt: skip
    out = [f"Stable in every method: {_names(all_yes)}."]
    if split:
        out.append(f"The methods disagree on {len(split)} features: {_names(split, 5)}.")
    else:
        out.append("The methods agree on which features are stable.")
    return out


def _agreement_sentence(label: str, comparison: Any) -> str:
    table = comparison.agreement()
    table = table[(table["metric"] == "spearman") & np.isfinite(table["value"])]
    if table.empty:
        return ""

    def pair(row: Any) -> str:
        text = f"{row.method_a} vs {row.method_b}: {row.value:.2f}"
        if np.isfinite(row.lower):
            text += f" [{row.lower:.2f}, {row.upper:.2f}]"
        return text

    ordered = table.sort_values("value")
    lo, hi = ordered.iloc[0], ordered.iloc[-1]
    level = f"{comparison.level:.0%}"
    # "paired" only where the replicates drew the same rows (Comparison.agreement's column)
    kind = "paired" if bool(table["paired"].all()) else "unpaired (not the same rows)"
    if len(ordered) == 1:
        return (
            f"Rank agreement of |value| (Spearman, with its {kind} {level} interval over "
            f"replicates) — {pair(lo)}."
        )
    text = (
        f"Rank agreement of |value| between methods (Spearman, {kind} {level} interval over "
        f"replicates): lowest {pair(lo)}; highest {pair(hi)}."
    )
    weak = ordered[ordered["value"] < 0.5]
    if len(weak):
        text += f" {len(weak)} of {len(ordered)} pairs agree weakly (ρ < 0.5)."
    return text
