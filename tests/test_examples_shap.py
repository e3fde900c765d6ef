"""Run the SHAP examples with small settings and check the numbers they report."""

from __future__ import annotations

import numpy as np
import pytest

from tests.example_scripts import html_files, load_script

pytest.importorskip("shap")
pytest.importorskip("plotly")


def test_linear_closed_form_example(tmp_path, capsys):
    out = load_script("examples/shap_linear_closed_form.py").main(
        ["--out", str(tmp_path), "--n", "300"]
    )
    assert max(out["gaps"].values()) < 1e-10
    table = out["table"]
    # x1 is nearly a copy of x0 with a near-zero coefficient: large conditional share only
    assert abs(table.loc["x1", "coefficient"]) < 0.2
    assert table.loc["x1", "mean_abs_conditional"] > 5 * table.loc["x1", "mean_abs_interventional"]
    assert html_files(tmp_path) == {"marginal_vs_conditional.html"}
    assert "closed form" in capsys.readouterr().out


def test_kernel_variance_example(tmp_path):
    args = ["--out", str(tmp_path), "--n", "300", "--grid", "40", "80", "160",
            "--repeats", "4", "--rows", "2", "--tol", "0.05"]  # fmt: skip
    out = load_script("examples/shap_kernel_variance.py").main(args)
    conv = out["convergence"]
    assert conv.summary()["mean_variance"].is_monotonic_decreasing
    assert conv.slope < -0.7
    assert conv.error[-1] < conv.error[0]
    # a baseline from one corner of the data moves the base value and phi(x3)
    bases = list(out["base_values"].values())
    assert abs(bases[0] - bases[1]) > 0.5
    assert out["baselines"].agreement.iloc[0]["mean_abs_diff"] > 0.05
    assert html_files(tmp_path) == {
        "kernel_convergence.html", "baselines_mean_abs.html", "baselines_row0.html",
    }  # fmt: skip


def test_census_example(tmp_path):
    args = ["--out", str(tmp_path), "--n-rows", "1500", "--n-explain", "60",
            "--background", "40", "--n-trees", "40"]  # fmt: skip
    out = load_script("examples/shap_census.py").main(args)
    assert out["accuracy"] > 0.78
    local = out["local"]
    assert local.annotations["additivity_error"] < 1e-6
    assert out["person_log_odds"] == pytest.approx(out["model_log_odds"], abs=1e-6)
    assert local.output_name.startswith("log_odds")
    # the raw table through a pipeline, explained per original column
    assert local.params["feature_level"] == "original"
    assert len(local.feature_names) == 14 and "occupation" in local.feature_names
    assert "?" in local.params["categories"]["workclass"]
    assert len(local.params["feature_mapping"]) > 50
    assert set(out["ranking"][:4]) & {"relationship", "marital_status", "capital_gain", "age"}
    assert html_files(tmp_path) == {
        "waterfall.html", "all_people_heatmap.html", "beeswarm.html", "dependence_age.html",
        "dependence_relationship.html",
    }  # fmt: skip


def test_stability_example(tmp_path):
    args = ["--out", str(tmp_path), "--n-boot", "6", "--n-trees", "30"]
    out = load_script("examples/shap_stability.py").main(args)
    assert set(out["rmse"]) == {"random forest", "lasso"}
    assert all(0.4 < r < 1.5 for r in out["rmse"].values())
    for name in ("random forest", "lasso"):
        assert out["refit"][name].n_replicates == 6
        assert out["refit"][name].scheme == "bootstrap"
        assert out["fixed"][name].scheme == "background"
        # lcavol leads for both methods on the full fit
        assert out["single"][name].to_frame().nlargest(1, "value")["feature"].item() == "lcavol"
    assert np.isfinite(out["spearman"])
    assert out["single"]["lasso"].method == "linear_shap"
    assert len(html_files(tmp_path)) == 4
