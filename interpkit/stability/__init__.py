"""The stability engine: one resampling loop for every explainer.

``engine`` runs replicates (scopes, seeds drawn up front, joblib) and
``result`` holds :class:`StabilityResult` with its summaries.
"""

from interpkit.stability.engine import StabilityResult, kendall_tau_matrix, run_stability

__all__ = ["StabilityResult", "kendall_tau_matrix", "run_stability"]
