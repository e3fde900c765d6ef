"""Load the scripts in examples/ and benchmarks/ as modules, for the example tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(relpath: str) -> ModuleType:
    """Import ``ROOT/relpath`` as a module (its ``main`` returns the numbers it reports)."""
    path = ROOT / relpath
    name = f"_interpkit_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up here
    spec.loader.exec_module(module)
    return module


def html_files(folder: Path) -> set[str]:
    """Names of the non-empty HTML files an example wrote to ``folder``."""
    return {p.name for p in folder.glob("*.html") if p.stat().st_size > 0}


# The small settings each example runs with in the documentation's gallery (docs/_ext),
# the same sizes the example tests use. A script in examples/ that is missing here fails
# the docs build (-W) and tests/test_docs_gallery.py.
SMALL_ARGS: dict[str, list[str]] = {
    "digits_sanity_checks.py": [
        "--n", "240", "--epochs", "25", "--steps", "8", "--rows", "5", "--seeds", "1",
    ],
    "review_token_attributions.py": [
        "--n-explain", "2", "--steps", "4", "--epochs", "60", "--max-length", "16",
    ],
    "sae_features.py": [
        "--n", "40", "--max-length", "20", "--d-sae", "64", "--k", "4", "--steps", "60",
    ],
    "sae_group_comparison.py": [
        "--n-boot", "200", "--n", "40", "--max-length", "20", "--d-sae", "64", "--k", "4",
        "--steps", "60",
    ],
    "review_embeddings_layers.py": ["--n", "48", "--n-boot", "5", "--max-pairs", "500"],
    "review_probes.py": ["--n", "48", "--cv", "4", "--n-boot", "0"],
    "review_concepts.py": ["--n", "48", "--n-random", "10"],
    "arcene_stability.py": ["--n-boot", "5", "--cv", "3"],
    "boosting_stages.py": ["--stages", "1", "2", "3", "30", "--n", "80"],
    "cv_lambda_by_hand.py": ["--n-lambda", "30"],
    "drop_and_refit.py": [
        "--n", "200", "--p", "30", "--block", "15", "--k", "4", "--n-trees", "15",
        "--cv", "3", "--tune-cv", "2", "--max-features", "0.2", "0.5",
    ],
    "ebm_pneumonia_paradox.py": ["--n", "4000", "--outer-bags", "3"],
    "ebm_threshold_effect.py": [
        "--n", "1500", "--n-boot", "3", "--n-null", "3", "--outer-bags", "3",
        "--learning-rate", "0.05",
    ],
    "gp_hierarchical_prior.py": ["--n-draws", "10", "--n-samples", "600"],
    "gp_kernels.py": ["--n-grid", "201", "--n-draws", "3"],
    "gp_marginal_likelihood.py": ["--grid", "30", "--restarts", "8"],
    "induction_head.py": ["--seeds", "2", "--n-prompts", "16", "--n-boot", "50"],
    "importance_methods.py": ["--n", "200", "--n-trees", "10", "--n-boot", "4"],
    "integrated_gradients_by_hand.py": [
        "--n", "200", "--epochs", "40", "--steps", "16", "--rows", "4",
    ],
    "model_comparison.py": ["--n-boot", "3", "--n-trees", "30"],
    "multiclass_wine.py": ["--n-boot", "4", "--n-trees", "30"],
    "ozone_lasso_paths.py": ["--ols-tol", "1e-10"],
    "portfolio/portfolio.py": ["--n-boot", "4", "--n-perm", "4"],
    "production_model.py": [
        "--n-rows", "500", "--n-boot", "2", "--n-iter", "15", "--n-explain", "15",
        "--background", "15", "--outer-bags", "2",
    ],
    "prostate_prediction_stability.py": ["--n-boot", "5"],
    "shap_census.py": [
        "--n-rows", "1500", "--n-explain", "60", "--background", "40", "--n-trees", "40",
    ],
    "shap_kernel_variance.py": [
        "--n", "300", "--grid", "40", "80", "160", "--repeats", "4", "--rows", "2",
        "--tol", "0.05",
    ],
    "shap_linear_closed_form.py": ["--n", "300"],
    "shap_stability.py": ["--n-boot", "6", "--n-trees", "30"],
    "split_choice.py": ["--top", "2"],
    "tree_partition.py": ["--depth", "2"],
    "two_moons_attributions.py": [
        "--n", "150", "--epochs", "80", "--seeds", "2", "--grid", "8",
    ],
}  # fmt: skip

# Scripts the gallery shows without running, and why (the page says so).
NOT_EXECUTED: dict[str, str] = {
    "stability_on_a_cluster.py": (
        "it starts a dask cluster whose worker processes re-import ``__main__``; run it "
        "from a terminal (``python examples/stability_on_a_cluster.py --n-boot 6``)"
    ),
}
