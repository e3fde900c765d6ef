"""LightGBM, XGBoost and CatBoost: TreeSHAP through :class:`~interpkit.ShapExplainer`
and their built-in importances (:class:`BoostingImportanceExplainer`).

* model recognition and raw margins (``models``)
* built-in importances, gain and split (``importance``)
"""

from interpkit.adapters.gbm.importance import BoostingImportanceExplainer

__all__ = ["BoostingImportanceExplainer"]
