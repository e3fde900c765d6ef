"""Thin glue: the shipped checks (interpkit.checks) under the names adapter tests import.

New tests should use :func:`interpkit.checks.check_explainer` or
:func:`interpkit.checks.parametrize_with_checks`, which choose checks by tags.
"""

from interpkit.checks.contract import (
    check_bad_rows_after_fit,
    check_bad_X,
    check_bad_y,
    check_clone,
    check_deterministic,
    check_fit_returns_self_and_keeps_names,
    check_local_explanations,
    check_not_fitted_errors,
    check_sklearn_conventions,
)
from interpkit.checks.contract import check_save_load as _check_save_load
from interpkit.checks.stability import check_stability_independent_of_n_jobs


def check_bad_input(explainer, X, y):
    check_bad_X(explainer, X, y)
    check_bad_y(explainer, X, y)
    check_bad_rows_after_fit(explainer, X, y)


def check_save_load(explainer, X, y, tmp_path=None):
    _check_save_load(explainer, X, y)


CHECKS = [
    check_sklearn_conventions,
    check_not_fitted_errors,
    check_fit_returns_self_and_keeps_names,
    check_local_explanations,
    check_clone,
    check_deterministic,
    check_stability_independent_of_n_jobs,
    check_bad_input,
]
