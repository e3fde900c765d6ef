"""Run the EBM examples with small settings and check the numbers they report; EBM plots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.example_scripts import load_script

pytest.importorskip("interpret")
pytest.importorskip("plotly")


@pytest.mark.slow
def test_threshold_example_recovers_the_step(tmp_path, capsys):
    ex = load_script("examples/ebm_threshold_effect.py")
    out = ex.main(
        ["--out", str(tmp_path), "--n", "1500", "--n-boot", "3", "--n-null", "3",
         "--outer-bags", "3", "--learning-rate", "0.05"]
    )  # fmt: skip
    assert abs(out["threshold_found"] - ex.THRESHOLD) < 0.06
    assert 1.0 < out["step_height"] < 3.0  # true 2.2, less the smooth tails of the sigmoid
    assert out["shape_truth_corr"] > 0.95
    # refits on new rows vary more than bags of the same rows
    assert out["refit_width"] > out["bag_width"] > 0
    null = out["null"]
    assert null.loc["ratio", "reference"] > 10 * null.loc["ratio", "mean"]
    assert null.loc["ratio", "null_p_value"] == pytest.approx(1 / 4)
    assert out["null_range"] < 0.25 * out["real_range"]  # permuted shapes are flat
    assert {p.name for p in tmp_path.glob("*.html")} == {
        "threshold_null_ratio.html",
        "threshold_shape_ratio.html",
        "threshold_shape_age.html",
        "threshold_prior_cesarean.html",
        "threshold_importance.html",
        "threshold_waterfall.html",
    }
    assert "steepest rise at" in capsys.readouterr().out


@pytest.mark.slow
def test_pneumonia_example_paradox_and_proxy(tmp_path):
    ex = load_script("examples/ebm_pneumonia_paradox.py")
    out = ex.main(["--out", str(tmp_path), "--n", "4000", "--outer-bags", "3"])
    assert out["asthma_effect"] < -0.3  # learned as protective
    # removing the asthma term raises exactly the asthmatic patients' risk
    report = out["asthma_report"]
    assert out["asthma_edit_rise"] > 0.3
    assert report.edits == ["without asthma"]
    # dropping group before training: area_index takes over part of its effect
    area = out["area_importance"]
    assert area["group dropped"] > 1.5 * area["with group"]
    gaps = out["group_gaps"]
    assert gaps["trained with group"] > gaps["group dropped before training"]
    assert gaps["group dropped before training"] > gaps["trained with group, term removed"]
    assert abs(gaps["trained with group, term removed"]) < 0.15
    assert len(list(tmp_path.glob("*.html"))) == 6


# -- plots (consume Explanations / StabilityResults only) ---------------------------------------
@pytest.fixture(scope="module")
def fitted():
    from interpkit import EBMExplainer

    rng = np.random.default_rng(0)
    n = 300
    X = pd.DataFrame(
        {"a": rng.uniform(-2, 2, n), "b": rng.uniform(-2, 2, n), "g": rng.integers(0, 3, n) * 1.0}
    )
    y = np.sin(X["a"]) + X["a"] * X["b"] + 0.3 * X["g"] + rng.normal(scale=0.2, size=n)
    ebm = EBMExplainer(
        outer_bags=3, max_rounds=200, interactions=[(0, 1)], feature_types={"g": "nominal"}
    )
    result = ebm.stability(X, y, n_boot=3, random_state=0)
    return ebm.fit(X, y), result, X


def test_shape_function_plot_draws_both_bands_and_rug(fitted):
    from interpkit.plots import ebm as P

    ebm, result, X = fitted
    fig = P.shape_function(ebm.shape_functions(), "a", result)
    names = [t.name for t in fig.data]
    assert "±1 SD across outer bags (not a CI)" in names
    assert "95% refit interval (bootstrap)" in names, names
    assert any(t.type == "histogram" for t in fig.data)
    curve = next(t for t in fig.data if t.name.startswith("shape function"))
    np.testing.assert_allclose(curve.y, ebm.shape_functions().values.sel(term="a").to_numpy())
    # from the StabilityResult alone (what a report builder has)
    again = P.shape_function(result.extras["shape_functions"].reference, "a", result)
    assert [t.name for t in again.data] == names
    bars = P.shape_function(result.extras["categorical_effects"].reference, "g", result)
    assert list(bars.data[0].x) == ["0", "1", "2"]
    with pytest.raises(ValueError, match="no term 'zz'"):
        P.shape_function(ebm.shape_functions(), "zz")
    with pytest.raises(ValueError, match=r"dims \('term', 'grid'\)"):
        P.shape_function(ebm.explain(), "a")


def test_importance_heatmap_and_waterfall(fitted):
    from interpkit.plots import ebm as P

    ebm, result, X = fitted
    fig = P.term_importance(result)
    bars = fig.data[0]
    assert set(bars.y) == {"a", "b", "g", "a & b"}
    assert np.all(np.diff(bars.x) <= 0)  # largest first
    imp = ebm.term_importances().values
    np.testing.assert_allclose(bars.x, imp.sel(feature=list(bars.y)).to_numpy())
    assert any("refit interval" in (t.name or "") for t in fig.data)
    heat = P.pair_heatmap(ebm.pair_functions(n_grid=10)["a & b"])
    assert heat.data[0].z.shape == (10, 10)
    assert heat.layout.xaxis.title.text == "a" and heat.layout.yaxis.title.text == "b"
    wf = P.ebm_contributions(ebm.explain(X.iloc[:2]), 1)
    trace = wf.data[0]
    assert trace.y[0] == "base value" and trace.y[-1] == "prediction"
    assert trace.x[-1] == pytest.approx(float(ebm.predict(X.iloc[1:2])[0]))
    assert any(str(label).startswith("a = ") for label in trace.y)
    assert "a & b" in list(trace.y)
