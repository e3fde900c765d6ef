"""Names that look like numbers (DataFrame columns 10, 2, 33) stay text on the axes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor

import interpkit
from interpkit import plots

pytest.importorskip("kaleido")  # plotly resolves axis types in its full figure


def test_importance_bars_of_numeric_column_names_are_categories_in_rank_order():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 4)), columns=[10, 2, 33, 4])
    y = 3 * X[33] + X[2] + 0.1 * rng.normal(size=200)
    est = RandomForestRegressor(30, random_state=0)
    expl = interpkit.ImportanceExplainer(est, method="mdi", random_state=0).fit(X, y).explain()
    fig = plots.importance(expl)
    full = fig.full_figure_for_development(warn=False)
    # on a numeric axis the bars sat at y = 2, 4, 10, 33: unreadable and out of rank order
    assert full.layout.yaxis.type == "category"
    assert list(fig.data[0].y)[:2] == ["33", "2"]
