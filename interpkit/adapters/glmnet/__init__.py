"""The glmnet backend.

* elastic-net
* lasso and ridge paths with R's cv.glmnet (``explainer``)
* fold-wise path CV (``pathcv``)
"""

from interpkit.adapters.glmnet.explainer import *  # noqa: F403
from interpkit.adapters.glmnet.explainer import __all__  # noqa: F401
