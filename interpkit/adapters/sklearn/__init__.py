"""The scikit-learn backend.

* MDI
* permutation and MDI+ importance (``explainer``)
* MDI+ through imodels (``mdi_plus``)
* CV tuning inside fit (``tuning``)
"""

from interpkit.adapters.sklearn.explainer import *  # noqa: F403
from interpkit.adapters.sklearn.explainer import __all__  # noqa: F401
