"""The Explainer contract, shipped: run it on any explainer, a third party's included.

>>> from interpkit.checks import check_explainer
>>> check_explainer(LassoExplainer(cv=3), X, y)  # doctest: +SKIP

As scikit-learn's ``check_estimator``, :func:`check_explainer` runs every
check that applies and reports the failures by name; the tags of the
explainer (:meth:`~interpkit.Explainer.__interpkit_tags__`) choose which
apply: local-explanation checks where it explains rows, bad-input checks for
tabular input, target checks where ``fit`` needs ``y``, the task checks by
``tasks``, and one stability check (equal results whatever ``n_jobs`` and
the joblib backend) per declared scope that can run on the given data.
:func:`parametrize_with_checks` turns the same selection into pytest cases.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from interpkit.checks import contract
from interpkit.checks._asserts import raises
from interpkit.checks.stability import SCOPE_OPTIONS, check_stability_independent_of_n_jobs

__all__ = [
    "CheckResult",
    "ExplainerCheckError",
    "check_explainer",
    "iter_checks",
    "parametrize_with_checks",
    "raises",
]

Check = Callable[[Any, pd.DataFrame, Any], None]


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome: ``status`` is ``"passed"``, ``"failed"`` or ``"skipped"``."""

    name: str
    status: str
    reason: str = ""
    exception: BaseException | None = None


class ExplainerCheckError(AssertionError):
    """Raised by :func:`check_explainer` when checks fail; ``results`` holds every outcome."""

    def __init__(self, message: str, results: list[CheckResult]) -> None:
        super().__init__(message)
        self.results = results


def iter_checks(explainer: Any, X: Any, y: Any) -> Iterator[tuple[str, Check | None, str]]:
    """``(name, check, reason)`` for every check; ``check`` is None where it does not apply.

    The unfitted explainer's tags choose (SHAP's ``algorithm="auto"`` counts
    as deterministic until fit).
    """
    tags = explainer.__interpkit_tags__()
    tabular = tags.input_kind == "tabular"
    n_classes = np.unique(np.asarray(y)).size if y is not None else 0

    def when(condition: bool, check: Check, reason: str) -> tuple[str, Check | None, str]:
        return check.__name__, check if condition else None, "" if condition else reason

    yield when(True, contract.check_sklearn_conventions, "")
    yield when(True, contract.check_not_fitted_errors, "")
    yield when(tabular, contract.check_fit_returns_self_and_keeps_names, "input is not tabular")
    yield when(
        tags.explains_rows and tabular, contract.check_local_explanations, "explains no rows"
    )
    yield when(True, contract.check_clone, "")
    seeded = not tags.stochastic or explainer.get_params().get("random_state") is not None
    yield when(seeded, contract.check_deterministic, "stochastic without a random_state")
    yield when(True, contract.check_save_load, "")
    yield when(tabular, contract.check_bad_X, "input is not tabular")
    yield when(
        tabular and tags.requires_y and tags.refittable,
        contract.check_bad_y,
        "fit takes no target",
    )
    yield when(tabular, contract.check_bad_rows_after_fit, "input is not tabular")
    yield when(
        tags.tasks == ("regression",) and tags.requires_y,
        contract.check_regression_refuses_labels,
        "not a regression-only explainer",
    )
    yield when(
        "binary" in tags.tasks and n_classes == 2,
        contract.check_binary_outputs,
        "not a binary explainer on a binary y",
    )
    from interpkit.checks.stability import takes_scope

    for scope in tags.scopes:
        name = f"check_stability_independent_of_n_jobs[{scope}]"
        if scope == "rows" and not tags.refittable:
            yield name, None, "scope='rows' needs a refittable explainer"
        elif scope not in SCOPE_OPTIONS:
            yield name, None, f"no recipe to run scope={scope!r} on plain (X, y)"
        elif scope != "rows" and not takes_scope(explainer):
            yield name, None, "this explainer's stability() has no scope parameter yet"
        else:
            yield name, functools.partial(check_stability_independent_of_n_jobs, scope=scope), ""


def check_explainer(
    explainer: Any, X: Any, y: Any = None, *, on_fail: str | None = "raise"
) -> list[CheckResult]:
    """Run every applicable contract check on ``explainer`` with data ``(X, y)``.

    Parameters
    ----------
    explainer : Explainer
        Unfitted; every check works on clones.
    X : DataFrame or array-like, shape (n_samples, n_features)
        At least ~40 rows and 3 features it can fit; arrays get names ``x0, x1, ...``.
    y : array-like, shape (n_samples,), optional
    on_fail : {"raise", None}
        ``"raise"``: an :class:`ExplainerCheckError` naming every failed check
        after all ran. ``None``: only return the results.

    Returns
    -------
    list of CheckResult
    """
    from sklearn.base import clone

    X = _as_frame(explainer, X)
    results = []
    for name, check, reason in iter_checks(explainer, X, y):
        if check is None:
            results.append(CheckResult(name, "skipped", reason))
            continue
        try:
            check(clone(explainer), X, y)
        except Exception as err:
            results.append(CheckResult(name, "failed", f"{type(err).__name__}: {err}", err))
        else:
            results.append(CheckResult(name, "passed"))
    failed = [r for r in results if r.status == "failed"]
    if failed and on_fail == "raise":
        lines = "\n".join(f"  {r.name}: {r.reason}" for r in failed)
        raise ExplainerCheckError(
            f"{type(explainer).__name__} failed {len(failed)} contract check(s):\n{lines}", results
        )
    return results


def parametrize_with_checks(cases: Mapping[str, Callable[[], tuple[Any, Any, Any]]]) -> Any:
    """A pytest ``parametrize`` mark over every applicable check of every case.

    Parameters
    ----------
    cases : mapping name -> callable returning ``(explainer, X, y)``
        Called at collection, so keep the data small.

    The decorated test takes ``explainer`` and ``check`` and calls
    ``check(explainer)``; test ids read ``name-check_name``.

    >>> @parametrize_with_checks({"lasso": lambda: (LassoExplainer(cv=3), X, y)})
    ... def test_contract(explainer, check):  # doctest: +SKIP
    ...     check(explainer)
    """
    import pytest  # only the test suite needs pytest

    params = []
    for case, make in cases.items():
        explainer, X, y = make()
        X = _as_frame(explainer, X)
        for name, check, reason in iter_checks(explainer, X, y):
            marks = () if check is not None else pytest.mark.skip(reason=reason)
            params.append(
                pytest.param(explainer, _bind(check, X, y), id=f"{case}-{name}", marks=marks)
            )
    return pytest.mark.parametrize("explainer, check", params)


def _bind(check: Check | None, X: pd.DataFrame, y: Any) -> Callable[[Any], None]:
    def run(explainer: Any) -> None:
        from sklearn.base import clone

        if check is not None:
            check(clone(explainer), X, y)

    run.__name__ = getattr(check, "__name__", "skipped")
    return run


def _as_frame(explainer: Any, X: Any) -> Any:
    # the tabular checks index by column name: name an array's columns as fit would
    if isinstance(X, pd.DataFrame) or explainer.__interpkit_tags__().input_kind != "tabular":
        return X
    arr = np.asarray(X)
    return pd.DataFrame(arr, columns=[f"x{j}" for j in range(arr.shape[1])])
