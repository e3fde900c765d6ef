"""The glmnet backend.

* elastic-net
* lasso and ridge paths with R's cv.glmnet (``explainer``)
* one path fit through python-glmnet, every family (``fitpath``)
* the multinomial family: coefficients per class (``multinomial``)
* fold-wise path CV (``pathcv``)
"""

from interpkit.adapters.glmnet.explainer import *  # noqa: F403
from interpkit.adapters.glmnet.explainer import __all__  # noqa: F401
