"""Defaults of ``interpkit explain`` sized to the table, and what they cost.

A stability run refits each method ``n_boot + 1`` times, so the per-fit cost
decides whether the command takes a minute or ten. For tables up to
:data:`SMALL_TABLE` cells (rows x features) the registry's settings are used
as they are; larger tables get lighter, still standard settings:

* random forests (``mdi-rf``, ``permutation-rf``, ``shap-rf``): 100 trees,
  ``max_features=1/3`` (Breiman's and R randomForest's default for
  regression) and ``min_samples_leaf=3``;
* TreeSHAP: 50 background rows, global values over 100 rows;
* permutation importance: 3 shuffles per feature;
* EBM: 4 outer bags, 100 smoothing rounds (InterpretML's default is 500) and
  at most 2000 boosting rounds.

Every stability run uses all cores (``n_jobs=-1``) unless ``--n-jobs`` says
otherwise; results do not depend on it (one seed per replicate).

>>> method_params("ebm", 500, 30)["outer_bags"]
4
>>> method_params("ebm", 97, 8)
{}
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DEFAULT_N_JOBS",
    "RELATIVE_COST",
    "SMALL_TABLE",
    "cost_help",
    "estimate_seconds",
    "light_table",
    "method_params",
]

DEFAULT_N_JOBS = -1  # all cores
SMALL_TABLE = 2_000  # rows x features up to which the registry's settings are kept

FOREST = "sklearn.ensemble:RandomForestRegressor"
LIGHT_FOREST = {"n_estimators": 100, "max_features": 1 / 3, "min_samples_leaf": 3, "n_jobs": 1}

# seconds per fit on one core for a 500 x 30 table with the light settings, measured
# (benchmarks/bench_cli.py); used for the time-left estimate and in --help
RELATIVE_COST = {
    "lasso": 0.15,
    "ridge": 0.15,
    "enet": 0.15,
    "mdi-rf": 0.4,
    "permutation-rf": 0.9,
    "shap-rf": 1.0,
    "ebm": 1.6,
}


def light_table(n_rows: int, n_features: int) -> bool:
    """Whether a table is large enough for the lighter settings."""
    return n_rows * n_features > SMALL_TABLE


def method_params(method: str, n_rows: int, n_features: int) -> dict[str, Any]:
    """Parameters that override the registry's command-line ones for this table size."""
    from interpkit.registry import Lazy

    if not light_table(n_rows, n_features):
        return {}
    forest = Lazy(FOREST, LIGHT_FOREST)
    if method == "mdi-rf":
        return {"estimator": forest}
    if method == "permutation-rf":
        return {"estimator": forest, "n_repeats": 3}
    if method == "shap-rf":
        return {"estimator": forest, "background": 50, "n_global_rows": 100}
    if method == "ebm":
        return {
            "outer_bags": 4,
            "max_rounds": 2000,
            "ebm_params": {"smoothing_rounds": 100},
        }
    return {}


def estimate_seconds(methods: list[str], n_rows: int, n_boot: int, n_jobs: int) -> float:
    """A rough wall time: per-fit cost (scaled by rows) x fits / cores."""
    import os

    cores = (os.cpu_count() or 1) if n_jobs in (None, -1) else max(1, int(n_jobs))
    scale = max(n_rows, 50) / 500
    fits = n_boot + 1
    return sum(RELATIVE_COST.get(m, 1.0) for m in methods) * scale * fits / cores


def cost_help() -> str:
    """The --help paragraph on what the defaults cost."""
    per_fit = ", ".join(
        f"{m} {s:g}" for m, s in RELATIVE_COST.items() if m not in ("ridge", "enet")
    )
    return (
        "What the defaults cost: every method is refit --n-boot + 1 times, on all cores. "
        f"For tables over {SMALL_TABLE} cells (rows x features) forests use 100 trees with "
        "max_features=1/3 and min_samples_leaf=3, TreeSHAP 50 background rows over 100 rows, "
        "permutation importance 3 shuffles, EBMs 4 outer bags and 100 smoothing rounds. "
        f"Seconds per fit on one core at 500 rows x 30 columns: {per_fit} (ridge and enet as "
        "lasso); e.g. lasso, mdi-rf, shap-rf and ebm with --n-boot 20 take about a minute on "
        "2 cores. Smaller tables keep the heavier settings (200 trees, 8 EBM bags)."
    )
