"""Editing a fitted EBM: remove or re-centre learned terms, and report what changed.

Why edit rather than drop a feature before training: when a feature is
correlated with others, a model trained without it lets the correlated
features absorb its effect ("proxy" effects). Training with the feature and
then removing its learned term takes out exactly that term's contribution
and leaves every other shape function as it was learned.

Both edits work on a deep copy; the original explainer is never changed.
The copy remembers the model it was edited from (``edited_from_``), so
``edited.edit_report(X, y)`` compares the two.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from interpkit.adapters.ebm import EBMExplainer

__all__ = ["EditReport", "center_terms", "edit_report", "without_terms"]


def _term_indices(explainer: EBMExplainer, names: Any) -> list[int]:
    if isinstance(names, str):
        names = [names]
    names = [str(n) for n in names]
    valid = list(explainer.term_names_)
    unknown = [n for n in names if n not in valid]
    if unknown:
        raise ValueError(f"unknown term names {unknown}; the model's terms are {valid}")
    if not names:
        raise ValueError(f"no terms given; the model's terms are {valid}")
    return [valid.index(n) for n in names]


def _edited_copy(explainer: EBMExplainer) -> EBMExplainer:
    explainer._check_fitted()
    new = copy.deepcopy(explainer)
    new.edited_from_ = explainer
    return new


def without_terms(explainer: EBMExplainer, terms: Any) -> EBMExplainer:
    """A fitted copy in which the named terms contribute 0 everywhere.

    Parameters
    ----------
    explainer : fitted EBMExplainer
    terms : str or list of str
        Term names (see ``explainer.term_names_``), e.g. ``["group"]`` or
        ``["age & group"]``.

    Returns
    -------
    EBMExplainer
        Same intercept and other terms; for every row the output (link
        scale) changes by exactly minus the removed terms' contributions.
        Because an EBM centres each term to mean 0 over the training rows,
        removing a term gives everyone that term's training average. To give
        everyone the contribution of one reference value instead, call
        :func:`center_terms` first.
    """
    idx = _term_indices(explainer, terms)
    new = _edited_copy(explainer)
    for t in idx:
        # EBM.scale zeroes the scores, the per-bag scores and the bag SDs alike
        new.ebm_.scale(t, 0.0)
    new.edits_ = [*explainer.edits_, "without " + ", ".join(explainer.term_names_[t] for t in idx)]
    return new


def center_terms(
    explainer: EBMExplainer, references: dict[str, float], keep_predictions: bool = True
) -> EBMExplainer:
    """A fitted copy in which each named main term is 0 at a reference value.

    Parameters
    ----------
    explainer : fitted EBMExplainer
    references : dict of str to float
        Main-term name -> reference feature value ``r``; the term becomes
        ``f(x) - f(r)``.
    keep_predictions : bool, default True
        Add ``f(r)`` to the intercept, so predictions do not change and the
        shape functions read as "compared with x = r". Then
        ``center_terms({g: r}).without_terms([g])`` predicts every row as if
        its value of ``g`` were ``r``. With False the intercept stays and all
        outputs shift by ``-f(r)``.
    """
    if not isinstance(references, dict) or not references:
        raise TypeError("references must be a non-empty dict of term name -> reference value")
    idx = _term_indices(explainer, list(references))
    new = _edited_copy(explainer)
    from interpkit.adapters.ebm.shapes import bin_index

    notes = []
    for t, (name, ref) in zip(idx, references.items(), strict=True):
        feats = explainer.term_features_[t]
        if len(feats) != 1:
            raise ValueError(f"center_terms needs main terms; {name!r} is a pairwise term")
        ebm = new.ebm_
        b = int(bin_index(ebm, feats[0], np.array([float(ref)]))[0])
        if name in explainer.categories_ and float(ref) not in set(explainer.categories_[name]):
            raise ValueError(
                f"reference {ref!r} is not a known category of {name!r} "
                f"(known: {explainer.categories_[name].tolist()})"
            )
        shift = float(ebm.term_scores_[t][b])
        ebm.term_scores_[t] = ebm.term_scores_[t] - shift
        # per-bag scores re-centred at the same bin, so the bag SD is the SD of the difference
        ebm.bagged_scores_[t] = ebm.bagged_scores_[t] - ebm.bagged_scores_[t][:, b][:, None]
        ebm.standard_deviations_[t] = np.std(ebm.bagged_scores_[t], axis=0, ddof=0)
        if keep_predictions:
            if np.ndim(ebm.intercept_) == 0:
                ebm.intercept_ = float(ebm.intercept_) + shift
            else:
                ebm.intercept_ = np.asarray(ebm.intercept_, dtype=np.float64) + shift
        notes.append(f"{name} centred at {float(ref):g} (shift {shift:+.4g})")
    new._sync_terms()
    new.edits_ = [*explainer.edits_, "; ".join(notes)]
    return new


@dataclass(frozen=True, eq=False)
class EditReport:
    """How an edit changed a model's predictions.

    Attributes
    ----------
    difference : pandas.Series
        Per row: edited minus original output on the link scale (prediction
        or log-odds), indexed like ``X``.
    original, edited : pandas.Series
        The two models' outputs (link scale).
    metric : str
        ``"rmse"`` (regression) or ``"auc"`` (binary); NaN values without y.
    metric_original, metric_edited : float
    log_loss_original, log_loss_edited : float
        Binary only (NaN otherwise).
    edits : list of str
        What was edited, in order.
    """

    difference: pd.Series
    original: pd.Series
    edited: pd.Series
    metric: str
    metric_original: float
    metric_edited: float
    log_loss_original: float = float("nan")
    log_loss_edited: float = float("nan")
    edits: list[str] = field(default_factory=list)

    @property
    def metric_change(self) -> float:
        """``metric_edited - metric_original``."""
        return self.metric_edited - self.metric_original

    def summary(self) -> pd.Series:
        """Distribution of the per-row differences and the change in the metric."""
        d = self.difference.to_numpy()
        q = np.quantile(d, [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0])
        return pd.Series(
            {
                "n_rows": float(d.size),
                "mean_difference": float(d.mean()),
                "mean_abs_difference": float(np.abs(d).mean()),
                "min": q[0],
                "q05": q[1],
                "q25": q[2],
                "median": q[3],
                "q75": q[4],
                "q95": q[5],
                "max": q[6],
                f"{self.metric}_original": self.metric_original,
                f"{self.metric}_edited": self.metric_edited,
                f"{self.metric}_change": self.metric_change,
            }
        )


def edit_report(
    edited: EBMExplainer, X: Any, y: Any = None, original: EBMExplainer | None = None
) -> EditReport:
    """Compare an edited explainer with the one it was edited from, on rows ``X``.

    Parameters
    ----------
    edited : fitted EBMExplainer, from :func:`without_terms`/:func:`center_terms`
    X : array-like or DataFrame
        Rows to compare on (use held-out rows for the metric change).
    y : array-like, optional
        Their targets; without it the metrics are NaN.
    original : EBMExplainer, optional
        What to compare with; default ``edited.edited_from_``.
    """
    if original is None:
        original = getattr(edited, "edited_from_", None)
        if original is None:
            raise ValueError(
                "this explainer was not made by without_terms()/center_terms(); "
                "pass original= to compare with another model"
            )
    before = original.predict(X)
    after = edited.predict(X)
    index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(len(before))
    binary = edited.task_ == "binary"
    metric = "auc" if binary else "rmse"
    m0 = m1 = ll0 = ll1 = float("nan")
    if y is not None:
        from sklearn.metrics import log_loss, roc_auc_score

        y_arr = np.asarray(y).ravel()
        if y_arr.shape[0] != before.shape[0]:
            raise ValueError(f"y has {y_arr.shape[0]} values but X has {before.shape[0]} rows")
        if binary:
            pos = (y_arr == edited.classes_[1]).astype(float)
            m0, m1 = roc_auc_score(pos, before), roc_auc_score(pos, after)
            ll0 = log_loss(pos, 1 / (1 + np.exp(-before)), labels=[0, 1])
            ll1 = log_loss(pos, 1 / (1 + np.exp(-after)), labels=[0, 1])
        else:
            y_arr = y_arr.astype(float)
            m0 = float(np.sqrt(np.mean((before - y_arr) ** 2)))
            m1 = float(np.sqrt(np.mean((after - y_arr) ** 2)))
    return EditReport(
        difference=pd.Series(after - before, index=index, name="difference"),
        original=pd.Series(before, index=index, name="original"),
        edited=pd.Series(after, index=index, name="edited"),
        metric=metric,
        metric_original=float(m0),
        metric_edited=float(m1),
        log_loss_original=float(ll0),
        log_loss_edited=float(ll1),
        edits=[e for e in edited.edits_ if e not in original.edits_],
    )
