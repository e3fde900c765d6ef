"""The GPyTorch backend.

* exact GP regression (``explainer``)
* restarts and optimiser (``fit``)
* kernels and hyperparameters (``kernels``)
* posterior and prior draws (``functions``)
* marginal-likelihood surfaces (``surface``)
"""

from interpkit.adapters.gpytorch.explainer import *  # noqa: F403
from interpkit.adapters.gpytorch.explainer import __all__  # noqa: F401
