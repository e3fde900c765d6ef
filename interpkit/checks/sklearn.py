"""scikit-learn's own ``check_estimator`` on an explainer, with declared exceptions.

An explainer is a scikit-learn estimator; scikit-learn's checks must pass,
except those it declares non-applicable through ``__sklearn_tags__`` or in
``_sklearn_expected_failures`` (check name -> reason).
"""

from __future__ import annotations

from typing import Any

__all__ = ["sklearn_check_failures"]


def sklearn_check_failures(explainer: Any) -> dict[str, str]:
    """Checks of :func:`sklearn.utils.estimator_checks.check_estimator` that fail, with why.

    Checks the explainer declares in ``_sklearn_expected_failures`` are
    expected to fail and are not reported, unless they pass (a stale
    declaration is reported too).
    """
    import warnings

    from sklearn.utils.estimator_checks import check_estimator

    expected = dict(getattr(explainer, "_sklearn_expected_failures", {}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(explainer, on_fail=None, expected_failed_checks=expected)
    failures = {
        r["check_name"]: f"{type(r['exception']).__name__}: {r['exception']}"
        for r in results
        if r["status"] == "failed"
    }
    # a declared failure that passes is a stale declaration
    passing = {r["check_name"] for r in results if r["status"] == "passed"}
    for name in set(expected) & passing:
        failures[name] = "declared in _sklearn_expected_failures but passes: remove it"
    return failures
