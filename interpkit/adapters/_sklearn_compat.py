"""scikit-learn checks that do not apply to an adapter, and why.

Each adapter sets ``_sklearn_expected_failures`` to one of these;
:func:`interpkit.checks.sklearn.sklearn_check_failures` reads it.
"""

WEIGHTS = "check_sample_weight_equivalence_on_dense_data"

CV_SPLITS = {
    WEIGHTS: "the check passes cv= as scikit-learn (train, test) splits; cv takes a fold count "
    "or fold labels (weighted fits equal repeated rows: tests/test_weights.py)"
}
ROWS_DRAWN = {
    WEIGHTS: "a forest's bootstraps and the held-out split draw rows, so a weight is not a "
    "repeated row; scikit-learn declares the same for its forests"
}
EBM_BAGS = {
    WEIGHTS: "outer bags and the early-stopping split draw rows, so a weight is not a repeated row"
}
