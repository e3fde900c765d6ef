"""Built-in importances of LightGBM, XGBoost and CatBoost models, like MDI for forests.

``importance_type="gain"``: the total loss reduction of the splits on each
feature; ``"split"``: how many splits use it (LightGBM's and XGBoost's own
definitions: ``feature_importance("gain" | "split")``,
``get_score("total_gain" | "weight")``). CatBoost has neither; it offers
``"prediction_values_change"`` (its default) and ``"loss_function_change"``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from sklearn.base import clone

from interpkit.adapters.gbm.models import library_of
from interpkit.explainer import Explainer, library_versions
from interpkit.explanation import Explanation
from interpkit.tags import ExplainerTags

__all__ = ["IMPORTANCE_TYPES", "BoostingImportanceExplainer"]

IMPORTANCE_TYPES = {
    "lightgbm": ("gain", "split"),
    "xgboost": ("gain", "split"),
    "catboost": ("prediction_values_change", "loss_function_change"),
}
_XGB = {"gain": "total_gain", "split": "weight"}
_CATBOOST = {
    "prediction_values_change": "PredictionValuesChange",
    "loss_function_change": "LossFunctionChange",
}


class BoostingImportanceExplainer(Explainer):
    """The importance a LightGBM, XGBoost or CatBoost model computes of itself.

    Parameters
    ----------
    estimator : unfitted LGBM*/XGB*/CatBoost* estimator, optional
        Fit (cloned) in :meth:`fit` and in every ``stability(scope="rows")``
        replicate. Default ``lightgbm.LGBMRegressor(n_estimators=100)``.
    importance_type : str, default "gain"
        ``"gain"`` or ``"split"`` (LightGBM, XGBoost);
        ``"prediction_values_change"`` or ``"loss_function_change"`` (CatBoost).
    random_state : int, optional
        Seeds the estimator.

    Attributes
    ----------
    model_ : the fitted estimator.
    importances_ : ndarray, shape (n_features,)
    """

    def __init__(
        self,
        estimator: Any = None,
        importance_type: str = "gain",
        random_state: int | None = None,
    ) -> None:
        self.estimator = estimator
        self.importance_type = importance_type
        self.random_state = random_state

    def __interpkit_tags__(self) -> ExplainerTags:
        return dataclasses.replace(
            super().__interpkit_tags__(), tasks=("regression", "binary", "multiclass")
        )

    def _base(self) -> Any:
        if self.estimator is not None:
            return self.estimator
        # the default needs lightgbm: an error naming the extra, not a bare ImportError
        from interpkit._optional import import_backend

        lightgbm = import_backend("lightgbm", "BoostingImportanceExplainer's default estimator")
        return lightgbm.LGBMRegressor(n_estimators=100, verbose=-1)

    def _task(self) -> str:
        from sklearn.base import is_classifier

        return "classification" if is_classifier(self._base()) else "regression"

    def _takes_frames(self) -> bool:
        # the libraries handle missing values; LightGBM and CatBoost also text columns
        return library_of(self._base()) is not None

    def _model_input(self, X: np.ndarray) -> Any:
        """The user's table, text columns as the library takes them (see ``native_table``)."""
        return native_table(self, X)

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        base = self._base()
        lib = library_of(base)
        if lib is None:
            raise TypeError(
                "estimator must be a LightGBM, XGBoost or CatBoost scikit-learn estimator "
                f"(LGBMRegressor, XGBClassifier, CatBoostRegressor, ...), got "
                f"{type(base).__name__}; for scikit-learn forests use ImportanceExplainer "
                "(method='mdi')"
            )
        allowed = IMPORTANCE_TYPES[lib]
        if self.importance_type not in allowed:
            raise ValueError(
                f"importance_type={self.importance_type!r} is not one of {lib}'s: {allowed}"
            )
        model = clone(base)
        params = model.get_params(deep=False)
        if self.random_state is not None and "random_state" in params:
            model.set_params(random_state=self.random_state)
        if lib == "catboost":
            model.set_params(verbose=False, allow_writing_files=False)
            if self.random_state is not None:
                model.set_params(random_seed=self.random_state)
        self.model_, self.library_ = model, lib
        cats = native_categories(self)
        fit_kw = {"cat_features": cats} if lib == "catboost" and cats else {}
        model.fit(self._model_input(X), y, **fit_kw)
        self.importances_ = self._importances(model, lib, X, y)

    def _importances(self, model: Any, lib: str, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        p = X.shape[1]
        if lib == "lightgbm":
            kind = self.importance_type
            return np.asarray(model.booster_.feature_importance(kind), dtype=np.float64)
        if lib == "xgboost":
            score = model.get_booster().get_score(importance_type=_XGB[self.importance_type])
            names = model.get_booster().feature_names or [f"f{j}" for j in range(p)]
            return np.array([float(score.get(n, 0.0)) for n in names])
        kind = _CATBOOST[self.importance_type]
        if kind == "LossFunctionChange":
            from catboost import Pool

            pool = Pool(self._model_input(X), y, cat_features=native_categories(self) or None)
            return np.asarray(model.get_feature_importance(pool, type=kind), dtype=float)
        return np.asarray(model.get_feature_importance(type=kind), dtype=np.float64)

    def _predict(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.model_.predict(self._model_input(X)), dtype=np.float64).ravel()

    def _explain_global(self) -> Explanation:
        values = xr.DataArray(
            self.importances_,
            dims=("feature",),
            coords={"feature": [str(f) for f in self.feature_names_in_]},
            name="importance",
        )
        return Explanation(
            values=values,
            method=f"{self.library_}_{self.importance_type}",
            backend=self.library_,
            versions=library_versions(self.library_, "numpy"),
            params={
                "model": type(self.model_).__name__,
                "importance_type": self.importance_type,
                "random_state": self.random_state,
            },
            output_name="importance",
        )

    def _explain_local(self, X: np.ndarray) -> Explanation:
        """The library's own per-row contributions (its path-dependent TreeSHAP, raw scale).

        Dims ``("sample", "feature")``, or ``("sample", "feature", "class")``
        for a multiclass model; ``values.sum("feature") + base_value`` is the
        raw margin. For the interventional values against a background use
        :class:`~interpkit.ShapExplainer`.
        """
        contrib = _contributions(
            self.model_, self.library_, self._model_input(X), native_categories(self) or None
        )
        names = [str(f) for f in self.feature_names_in_]
        coords: dict[str, Any] = {"sample": np.arange(X.shape[0]), "feature": names}
        phi, base = contrib[:, :, :-1].transpose(0, 2, 1), contrib[:, :, -1]
        if phi.shape[2] == 1:
            values = xr.DataArray(phi[:, :, 0], dims=("sample", "feature"), coords=coords)
            base_value: Any = xr.DataArray(base[:, 0], dims=("sample",))
        else:
            coords["class"] = [str(c) for c in self.model_.classes_]
            values = xr.DataArray(phi, dims=("sample", "feature", "class"), coords=coords)
            base_value = xr.DataArray(base, dims=("sample", "class"))
        data = xr.DataArray(X, dims=("sample", "feature"), coords={"feature": names})
        return Explanation(
            values=values.rename("contribution"),
            method=f"{self.library_}_contributions",
            backend=self.library_,
            versions=library_versions(self.library_, "numpy"),
            params={"model": type(self.model_).__name__, "kind": "local"},
            output_name="raw_margin",
            base_value=base_value,
            data=data,
        )


def native_categories(explainer: Any) -> list[str]:
    """Text/category columns, which the library takes as they are (else a clear error)."""
    codec = explainer.input_codec_
    if codec is None or not codec.categories:
        return []
    lib = library_of(explainer._base())
    if lib == "xgboost":
        raise TypeError(
            f"X has text/category columns {codec.categorical[:10]}; XGBoost takes numbers "
            "only here. Use a scikit-learn Pipeline that encodes them (ColumnTransformer with "
            "OneHotEncoder or OrdinalEncoder) with ShapExplainer or ImportanceExplainer, or "
            "LightGBM/CatBoost, which take them as they are"
        )
    return codec.categorical


def native_table(explainer: Any, X: np.ndarray) -> Any:
    """Rows for the library: LightGBM gets pandas categoricals (fixed levels), CatBoost
    strings (missing as ``"missing"``); numbers keep NaN, which both handle."""
    codec = getattr(explainer, "input_codec_", None)
    if codec is None:
        return X
    frame = codec.decode(X)
    if not codec.categories or not isinstance(frame, pd.DataFrame):
        return frame
    lib = library_of(explainer._base())
    frame = frame.copy()
    for name, labels in codec.categories.items():
        j = codec.names.index(name)
        codes = np.where(np.isnan(X[:, j]), -1, X[:, j]).astype(np.intp)
        if lib == "lightgbm":
            frame.isetitem(j, pd.Categorical.from_codes(codes, categories=[str(v) for v in labels]))
        else:
            text = np.asarray([str(v) for v in labels] + ["missing"], dtype=object)
            frame.isetitem(j, text[codes])
    return frame


def _contributions(model: Any, lib: str, X: Any, cat_features: Any = None) -> np.ndarray:
    """Per-row contributions and bias, shape (n, outputs, p + 1)."""
    n, p = X.shape
    if lib == "lightgbm":
        out = np.asarray(model.predict(X, pred_contrib=True), dtype=np.float64)
    elif lib == "xgboost":
        out = np.asarray(model.get_booster().predict(_dmatrix(X), pred_contribs=True))
    else:
        from catboost import Pool

        out = np.asarray(
            model.get_feature_importance(Pool(X, cat_features=cat_features), type="ShapValues")
        )
    return out.reshape(n, -1, p + 1).astype(np.float64)


def _dmatrix(X: np.ndarray) -> Any:
    import xgboost

    return xgboost.DMatrix(X)
