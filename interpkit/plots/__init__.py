"""Plotly figures for interpkit results.

Every function takes only interpkit results (:class:`~interpkit.Explanation`,
:class:`~interpkit.StabilityResult`, :class:`~interpkit.Comparison`), never a
model or an explainer, and returns a :class:`plotly.graph_objects.Figure` in
one shared template, so the plots work the same whatever backend produced the
explanation.

==============================  ==============================================
function                        input
==============================  ==============================================
:func:`path`                    Explanation, dims ``("lambda", "feature")``
:func:`cv_curve`                Explanation, dims ``("lambda",)``
:func:`importance`              Explanation, dims ``("feature",)``
:func:`contributions`           Explanation, dims ``("sample", "feature")``
:func:`stability`               StabilityResult over ``("replicate", "feature")``
:func:`compare_stability`       dict of name -> StabilityResult
:func:`prediction_stability`    StabilityResult with held-out predictions
:func:`compare_prediction_stability`  dict of name -> StabilityResult
:func:`agreement_heatmap`       Comparison (from :func:`interpkit.compare`)
:func:`rank_bump`               Comparison
:func:`compare_intervals`       Comparison
:func:`correlation_heatmap`     FeatureCorrelation (``diagnostics.feature_correlation``)
:func:`correlation_vs_importance`  table from ``diagnostics.correlation_table``
:func:`replicate_distribution`  StabilityResult
:func:`indispensability`        DropRefitResult (from ``interpkit.drop_and_refit``)
:func:`tree_partition`          TreePartition (``interpkit.trees.tree_partition``)
:func:`split_choice`            SplitChoice (``interpkit.trees.split_choice``)
:func:`boosting_stages`         BoostingStages (``interpkit.boosting.boosting_stages``)
:func:`shape_function`          Explanation ``("term", "grid")`` (EBM), with a StabilityResult
:func:`term_importance`         Explanation ``("feature",)`` or StabilityResult (EBM)
:func:`pair_heatmap`            Explanation ``("grid_0", "grid_1")`` (EBM pair term)
:func:`ebm_contributions`       EBM local Explanation, one row
:func:`waterfall`               local Explanation (SHAP or any additive attribution), one row
:func:`beeswarm`                local Explanation with feature values, all rows
:func:`shap_bar`                global Explanation or StabilityResult (mean |SHAP| with intervals)
:func:`dependence`              local Explanation: feature value vs attribution
:func:`shap_heatmap`            local Explanation: all rows, clustered or by prediction
:func:`kernel_convergence`      KernelConvergence (``adapters.shap.kernel_convergence``)
:func:`baseline_comparison`     BaselineSensitivity (``adapters.shap.baseline_sensitivity``)
:func:`marginal_vs_conditional` MarginalVsConditional (``adapters.shap.marginal_vs_conditional``)
:mod:`sae`                      SAE results: ``sae.density_histogram``, ``sae.feature_cards``,
                                ``sae.seed_matching``, ``sae.concept_alignment``,
                                ``sae.group_frequencies``
:mod:`circuits`                 circuit results: ``circuits.logit_lens``,
                                ``circuits.attention_patterns``, ``circuits.head_scores``,
                                ``circuits.patching``, ``circuits.logit_attribution``
:mod:`attributions`             network attributions: ``attributions.image_attributions``,
                                ``attributions.token_html``, ``attributions.token_importance``,
                                ``attributions.convergence`` (Captum explainers)
:mod:`gp`                       GP results: ``gp.kernel_sections``, ``gp.sample_paths``,
                                ``gp.prior_posterior``, ``gp.posterior_band``,
                                ``gp.ml_surface``, ``gp.relevance``, ``gp.restarts``
==============================  ==============================================

This package imports plotly; ``import interpkit`` alone does not.

>>> from interpkit import plots                       # doctest: +SKIP
>>> plots.path(lasso.path()).write_html("path.html")  # doctest: +SKIP
"""

from __future__ import annotations

from interpkit.plots import attributions, circuits, gp, sae
from interpkit.plots._common import TEMPLATE
from interpkit.plots._show import use_file_renderer_if_unset, write_image
from interpkit.plots.boosting import boosting_stages
from interpkit.plots.compare import agreement_heatmap, compare_intervals, rank_bump
from interpkit.plots.diagnostics import (
    correlation_heatmap,
    correlation_vs_importance,
    replicate_distribution,
)
from interpkit.plots.ebm import ebm_contributions, pair_heatmap, shape_function, term_importance
from interpkit.plots.importance import contributions, importance
from interpkit.plots.indispensability import indispensability
from interpkit.plots.linear import cv_curve, path
from interpkit.plots.prediction import compare_prediction_stability, prediction_stability
from interpkit.plots.shap import (
    baseline_comparison,
    beeswarm,
    dependence,
    kernel_convergence,
    marginal_vs_conditional,
    shap_bar,
    shap_heatmap,
    waterfall,
)
from interpkit.plots.split_choice import split_choice
from interpkit.plots.stability import compare_stability, stability
from interpkit.plots.trees import tree_partition

__all__ = [
    "TEMPLATE",
    "agreement_heatmap",
    "attributions",
    "baseline_comparison",
    "beeswarm",
    "boosting_stages",
    "circuits",
    "compare_intervals",
    "compare_prediction_stability",
    "compare_stability",
    "contributions",
    "correlation_heatmap",
    "correlation_vs_importance",
    "cv_curve",
    "dependence",
    "ebm_contributions",
    "gp",
    "importance",
    "indispensability",
    "kernel_convergence",
    "marginal_vs_conditional",
    "pair_heatmap",
    "path",
    "prediction_stability",
    "rank_bump",
    "replicate_distribution",
    "sae",
    "shap_bar",
    "shap_heatmap",
    "shape_function",
    "split_choice",
    "stability",
    "term_importance",
    "tree_partition",
    "waterfall",
    "write_image",
]

# results of multiclass models (a "class" dim): class_= selects one, else a panel per class
from interpkit.plots._classes import by_class as _by_class  # noqa: E402

importance = _by_class(importance)
contributions = _by_class(contributions)
waterfall = _by_class(waterfall)
beeswarm = _by_class(beeswarm)
dependence = _by_class(dependence)
shap_heatmap = _by_class(shap_heatmap)
shap_bar = _by_class(shap_bar, mode="aggregate")
stability = _by_class(stability, mode="aggregate")
# A plain script where plotly found no renderer (no notebook, no browser it can see):
# fig.show() writes the figure to an HTML file and says where, instead of doing nothing.
use_file_renderer_if_unset()
