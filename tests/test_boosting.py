"""interpkit.boosting (least-squares boosting stage by stage) and its plot, against sklearn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.exceptions import NotFittedError
from sklearn.tree import DecisionTreeRegressor

from interpkit.boosting import boost_by_hand, boosting_stages


def _sine(n: int = 100, seed: int = 479) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, n)
    return x, 3 * np.sin(x) + rng.normal(0, 0.5, n)


@pytest.mark.parametrize(
    ("params", "n_stages"),
    [
        ({"max_depth": 2, "learning_rate": 1.0, "init": "zero"}, 3),
        ({"max_depth": 3, "learning_rate": 0.1, "init": None, "min_samples_leaf": 4}, 40),
    ],
)
def test_boost_by_hand_is_gradient_boosting(params, n_stages):
    x, y = _sine()
    X = x.reshape(-1, 1)
    gbr = GradientBoostingRegressor(n_estimators=n_stages, random_state=3, **params).fit(X, y)
    tree_params = {k: v for k, v in params.items() if k not in ("learning_rate", "init")}
    f0, trees = boost_by_hand(
        X,
        y,
        n_stages,
        learning_rate=params["learning_rate"],
        init="zero" if params["init"] == "zero" else "mean",
        random_state=3,
        **tree_params,
    )
    assert len(trees) == n_stages
    fit = np.full(len(y), f0)
    for b, staged in enumerate(gbr.staged_predict(X)):
        fit = fit + params["learning_rate"] * trees[b].predict(X)
        np.testing.assert_allclose(fit, staged, rtol=0, atol=1e-10)


def test_boosting_stages_exercise_settings():
    x, y = _sine()
    bs = boosting_stages(x, y, stages=(3, 1, 2), truth=lambda g: 3 * np.sin(g))
    assert bs.stages == (1, 2, 3) and bs.init_value == 0 and bs.learning_rate == 1.0
    assert bs.max_abs_diff < 1e-10
    np.testing.assert_allclose(
        bs.stage_fits.sel(source="sklearn"), bs.stage_fits.sel(source="by_hand"), atol=1e-10
    )
    # written out: f1 fits y, f2 fits y - f1, f3 fits y - f1 - f2; the ensemble is their sum
    X, G = x.reshape(-1, 1), bs.grid.reshape(-1, 1)
    r, total = y.copy(), np.zeros(len(bs.grid))
    for b in (1, 2, 3):
        np.testing.assert_allclose(bs.residuals.sel(stage=b), r, rtol=0, atol=1e-10)
        tree = DecisionTreeRegressor(max_depth=2, random_state=0).fit(X, r)
        np.testing.assert_allclose(
            bs.stage_fits.sel(source="by_hand", stage=b), tree.predict(G), rtol=0, atol=1e-10
        )
        total += tree.predict(G)
        np.testing.assert_allclose(bs.ensemble.sel(source="sklearn", stage=b), total, atol=1e-10)
        r = r - tree.predict(X)
    np.testing.assert_allclose(bs.truth, 3 * np.sin(bs.grid))
    assert bs.grid.min() == x.min() and bs.grid.max() == x.max()
    mse = bs.train_mse.to_numpy()
    assert mse[0] == pytest.approx(np.mean(y**2)) and np.all(np.diff(mse) < 0)


def test_boosting_stages_from_a_fitted_model_with_mean_init():
    x, y = _sine(seed=1)
    frame = pd.DataFrame({"dose": x})
    gbr = GradientBoostingRegressor(n_estimators=30, learning_rate=0.2, max_depth=1).fit(frame, y)
    bs = boosting_stages(frame, pd.Series(y, name="response"), gbr, stages=(1, 30), grid=[0.0, 1])
    assert bs.init_value == pytest.approx(y.mean())
    assert bs.feature_name == "dose" and bs.target_name == "response" and bs.max_depth == 1
    assert bs.max_abs_diff < 1e-10
    expected = gbr.predict(pd.DataFrame({"dose": [0.0, 1.0]}))
    np.testing.assert_allclose(bs.ensemble.sel(source="by_hand", stage=30), expected, atol=1e-10)
    np.testing.assert_allclose(bs.residuals.sel(stage=1), y - y.mean())


def test_boosting_stages_bad_input():
    x, y = _sine(n=40)
    with pytest.raises(ValueError, match="one feature; X has 2 columns"):
        boosting_stages(np.c_[x, x], y)
    with pytest.raises(TypeError, match="GradientBoostingRegressor"):
        boosting_stages(x, y > 0, GradientBoostingClassifier(n_estimators=2).fit(x[:, None], y > 0))
    with pytest.raises(NotFittedError):
        boosting_stages(x, y, GradientBoostingRegressor())
    with pytest.raises(ValueError, match="subsample=1"):
        boosting_stages(
            x, y, GradientBoostingRegressor(n_estimators=3, subsample=0.5).fit(x[:, None], y)
        )
    with pytest.raises(ValueError, match="stage 5 asked for"):
        boosting_stages(
            x, y, GradientBoostingRegressor(n_estimators=3).fit(x[:, None], y), stages=(5,)
        )
    with pytest.raises(ValueError, match="positive integers"):
        boosting_stages(x, y, stages=(0, 1))
    with pytest.raises(ValueError, match="missing values"):
        boosting_stages(np.r_[x[:-1], np.nan], y)
    with pytest.raises(ValueError, match=r"truth\(grid\) has shape \(1,\)"):
        boosting_stages(x, y, stages=(1,), truth=lambda g: np.zeros(1))
    with pytest.raises(ValueError, match="init must be"):
        boost_by_hand(x[:, None], y, 2, init="median")


# -- plots ----------------------------------------------------------------------------------------
def _names(fig) -> list[str]:
    return [t.name for t in fig.data]


def test_boosting_plot_one_row_per_stage():
    from interpkit.plots.boosting import boosting_stages as plot_boosting

    x, y = _sine(n=60)
    bs = boosting_stages(x, y, stages=(1, 2, 5), truth=np.sin)
    fig = plot_boosting(bs)
    names = _names(fig)
    for name in ("residuals", "stage fit", "stage fit (by hand)", "data", "ensemble", "truth"):
        assert names.count(name) == 3, name
    ens = [t for t in fig.data if t.name == "ensemble"]
    np.testing.assert_allclose(ens[2].y, bs.ensemble.sel(source="sklearn", stage=5))
    assert sum(t.showlegend for t in fig.data) == 7
    assert "truth" not in _names(plot_boosting(boosting_stages(x, y, stages=(1,))))
    with pytest.raises(TypeError, match=r"interpkit\.boosting\.BoostingStages"):
        plot_boosting(bs.ensemble)
