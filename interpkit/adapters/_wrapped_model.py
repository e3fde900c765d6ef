"""Base for explainers that take a fitted ``model=`` or own an unfitted ``estimator=``.

SHAP and LIME explain a model someone already trained, or fit their own. With
a fitted ``model=``, ``fit(X)`` only records the rows the model is explained
against (the background, LIME's training rows), and refitting on resamples
is impossible, so ``scope="rows"`` stability is refused with a message.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sklearn.base import clone

from interpkit.explainer import Explainer
from interpkit.tags import ExplainerTags


class WrappedModelExplainer(Explainer):
    """Shared ``fit`` and refit guard of :class:`ShapExplainer` and :class:`LimeExplainer`."""

    #: what ``X`` is for a fitted ``model=``, for messages
    _rows_role = "the reference rows"
    #: the stability scopes that work on a fixed model, for messages
    _fixed_scopes = "scope='seed'"

    def __sklearn_clone__(self) -> WrappedModelExplainer:
        # model= is the fitted model being explained, not a hyperparameter: a clone
        # explains the same model (scikit-learn's clone would return it unfitted)
        params = self.get_params(deep=False)
        return type(self)(
            **{k: v if k == "model" else clone(v, safe=False) for k, v in params.items()}
        )

    def fit(self, X: Any, y: Any = None) -> WrappedModelExplainer:
        """Fit a clone of ``estimator`` on ``(X, y)``; with ``model=``, take ``X`` as its rows.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n_samples, n_features)
        y : array-like, shape (n_samples,), optional
            Needed with ``estimator=``; ignored with ``model=``.
        """
        if self.model is None:
            return super().fit(X, y)
        self._check_user_params()
        X_arr, names, codec = self._encode_fit(
            X, what=f"X ({self._rows_role})", allow_constant=True
        )
        return self._fit_checked(X_arr, None, names, codec=codec)

    def _check_user_params(self) -> None:
        from interpkit._user_checks import check_model_object

        super()._check_user_params()
        check_model_object(self.model)  # any object with predict/predict_proba/decision_function

    def _takes_frames(self) -> bool:
        # a pipeline gets the user's DataFrame as it is (name-based column selection works)
        from interpkit._pipelines import is_pipeline

        return is_pipeline(self._base_estimator())

    def __interpkit_tags__(self) -> ExplainerTags:
        # with a fitted model= there is nothing to refit and no target to fit on
        refittable = self.model is None
        return replace(
            super().__interpkit_tags__(),
            tasks=("regression", "binary"),
            refittable=refittable,
            requires_y=refittable,
        )

    def _fixed_model_scopes(self, scopes: tuple[str, ...]) -> tuple[str, ...]:
        """``scopes`` with ``"rows"`` in front where the model can be refit."""
        return ("rows", *scopes) if self.model is None else scopes

    def _scope_refusal(self, scope: str) -> str | None:
        if scope == "rows" and self.model is not None:
            return (
                "scope='rows' refits the model, but this explainer wraps a fixed model=; "
                f"pass estimator= instead, or use {self._fixed_scopes}"
            )
        return None
