"""The GPyTorch backend.

* exact GP regression (``explainer``)
* restarts and optimiser (``fit``)
* kernels and hyperparameters (``kernels``)
* kernel cross-sections and prior draws (``functions``), the posterior (``posterior``)
* marginal-likelihood surfaces (``surface``)
"""

from interpkit.adapters.gpytorch.explainer import *  # noqa: F403
from interpkit.adapters.gpytorch.explainer import __all__  # noqa: F401
