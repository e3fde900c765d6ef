"""The InterpretML backend.

* explainable boosting machines (``explainer``)
* shape functions on grids (``shapes``)
* editing learned terms (``edit``)
"""

from interpkit.adapters.ebm.explainer import *  # noqa: F403
from interpkit.adapters.ebm.explainer import __all__  # noqa: F401
