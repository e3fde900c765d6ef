"""Run the scripts in examples/ (and a tiny benchmark) and check the numbers they report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.example_scripts import html_files, load_script

pytest.importorskip("glmnet")
pytest.importorskip("plotly")


def test_cv_by_hand_matches_interpkit(tmp_path, capsys):
    ex = load_script("examples/cv_lambda_by_hand.py")
    out = ex.main(["--out", str(tmp_path), "--n-lambda", "30"])

    # same folds, same grid: interpkit's CV is the by-hand CV
    assert out["max_diff_mean"] < 1e-8
    assert out["max_diff_se"] < 1e-8
    lasso = out["interpkit"]
    np.testing.assert_allclose(lasso.cv_mean_, out["cv_mean"], rtol=0, atol=1e-8)
    assert lasso.lambda_min_ == pytest.approx(out["lambda_min"], rel=1e-12)
    assert lasso.lambda_1se_ == pytest.approx(out["lambda_1se"], rel=1e-12)
    # the 1-SE rule gives a larger lambda and no more features
    assert out["lambda_1se"] >= out["lambda_min"]
    assert out["n_nonzero"]["lambda_1se"] <= out["n_nonzero"]["lambda_min"]
    # the wrong design: training error falls all the way, so the smallest lambda wins
    lambdas = out["lambdas"]
    assert out["lambda_wrong"] == lambdas[-1] < out["lambda_min"]
    assert np.all(np.diff(out["wrong_mean"]) <= 1e-12)
    assert out["wrong_mean"].min() < out["cv_mean"].min()  # optimistic
    assert html_files(tmp_path) == {"cv_by_hand.html"}
    assert "max |difference| over the grid" in capsys.readouterr().out


def _check_ozone(out: dict, tmp_path: Path) -> None:
    assert 0 < out["lambda_min"] < out["lambda_1se"]
    assert 0 < out["n_nonzero_1se"] <= out["n_nonzero_min"] <= 45
    table = out["non_monotone_table"]
    assert out["non_monotone"] == table.index[0]
    assert (table["drop"] > 0).all()
    assert (table["at_smallest_lambda"].abs() < table["peak"].abs()).all()
    # walking down the path, the fit gets closer to OLS
    gaps = [out["ols_distance"][k][1] for k in ("lambda_1se", "lambda_min", "path_end")]
    assert gaps == sorted(gaps, reverse=True)
    assert out["ols_distance"]["near_ols"][1] < gaps[-1]
    assert html_files(tmp_path) == {"ozone_cv_curve.html", "ozone_lasso_path.html"}


def test_ozone_lasso_paths(tmp_path, capsys):
    ex = load_script("examples/ozone_lasso_paths.py")
    out = ex.main(["--out", str(tmp_path), "--ols-tol", "1e-10"])
    _check_ozone(out, tmp_path)
    rel, gap = out["ols_distance"]["near_ols"]
    assert gap < 0.01  # fitted values within 1% of sd(log O3) of the OLS fit
    assert rel < 0.25  # coefficients lag behind on this ill-conditioned design
    printed = capsys.readouterr().out
    assert f"non-monotone path: {out['non_monotone']}" in printed


@pytest.mark.slow
def test_ozone_lasso_paths_reaches_ols(tmp_path):
    ex = load_script("examples/ozone_lasso_paths.py")
    out = ex.main(["--out", str(tmp_path)])  # default tol 1e-12
    _check_ozone(out, tmp_path)
    rel, gap = out["ols_distance"]["near_ols"]
    assert rel < 0.02  # standardised coefficients within 2% of OLS
    assert gap < 1e-3


def test_prostate_prediction_stability(tmp_path, capsys):
    ex = load_script("examples/prostate_prediction_stability.py")
    out = ex.main(["--out", str(tmp_path), "--n-boot", "5"])
    table = out["table"]
    assert list(table.index) == ["lasso", "ridge"]
    assert table.loc["ridge", "nonzero (median)"] == 8
    assert table.loc["lasso", "nonzero (median)"] < 8  # the lasso is sparser
    assert (table["mean prediction SD"] > 0).all()
    assert (table["max prediction SD"] >= table["mean prediction SD"]).all()
    assert (table["RMSE (fit on all 77)"] < 1.2).all()  # sd(lpsa) is about 1.15
    for result in out["results"].values():
        assert result.predictions.shape == (5, 20)
        assert result.n_replicates == 5
    freq = out["selection_frequency"]
    assert len(freq) == 8 and freq.between(0, 1).all()
    assert freq.iloc[0] == 1.0  # something is always kept (lcavol)
    assert len(html_files(tmp_path)) == 4
    assert "selection frequency" in capsys.readouterr().out


@pytest.mark.slow
def test_benchmark_smoke(capsys):
    bench = load_script("benchmarks/bench_lasso_stability.py")
    ratios = bench.main(["--n-boot", "3", "--repeat", "1", "--datasets", "prostate"])
    assert set(ratios) == {"prostate"}
    assert all(np.isfinite(v) and v > 0 for v in ratios["prostate"].values())
    printed = capsys.readouterr().out
    assert "interpkit / bare path fits" in printed


def test_report_benchmark_runs_and_measures_the_written_file(capsys):
    bench = load_script("benchmarks/bench_report.py")
    out = bench.main(["--n-boot", "3", "--repeat", "1"])
    assert out["n_figures"] >= 10
    # the file is plotly.js plus a little: the figures' data are small
    assert out["plotly_mb"] < out["size_mb"] < out["plotly_mb"] + 1
    assert 0 < out["compose_s"] and 0 < out["demo_s"]
    assert "goals:" in capsys.readouterr().out


@pytest.mark.slow
def test_portfolio_report(tmp_path, capsys):
    pytest.importorskip("interpret")
    ex = load_script("examples/portfolio/portfolio.py")
    out = ex.main(["--out", str(tmp_path), "--n-boot", "4", "--n-perm", "4"])
    rmse = out["rmse"]
    # both interpretable models beat predicting the mean on the 30 test men
    assert rmse["lasso"] < 0.8 * rmse["mean only"] and rmse["ebm"] < 0.8 * rmse["mean only"]
    stable = out["stable"]
    # lcavol leads in both models and beats every shuffled-label fit
    assert stable.index[0] == "lcavol"
    assert stable.loc["lcavol", "ebm rank"] == 1
    assert stable.loc["lcavol", "lasso null p"] == pytest.approx(1 / 5)
    assert stable.loc["lcavol", "ebm null p"] == pytest.approx(1 / 5)
    assert out["comparison"].names == ["lasso", "ebm"]
    page = out["report"].read_text(encoding="utf-8")
    for section in ("a. The problem", "b. Model 1", "c. Model 2", "d. Do the two", "e. Sanity"):
        assert section in page
    assert "permuted-label control" in page and "Provenance" in page
    assert "test RMSE" in capsys.readouterr().out


def test_model_comparison_example(tmp_path, capsys):
    pytest.importorskip("shap")
    ex = load_script("examples/model_comparison.py")
    out = ex.main(["--out", str(tmp_path), "--n-boot", "3", "--n-trees", "30"])
    comparison = out["comparison"]
    assert comparison.names == [
        "lasso coef", "lasso SHAP", "forest MDI", "forest permutation", "forest SHAP",
    ]  # fmt: skip
    # every explanation of either model puts lcavol first
    assert (comparison.ranks().loc["lcavol"] == 1).all()
    # the lasso's SHAP values rank features as its coefficients do (both are |beta_j| times a
    # per-feature spread), and all ten pairs got a paired interval
    spearman = out["spearman"]
    assert spearman.loc[("lasso coef", "lasso SHAP"), "value"] > 0.9
    assert len(spearman) == 10 and (spearman["lower"] <= spearman["upper"]).all()
    assert out["report"].is_file() and "Spearman agreement" in capsys.readouterr().out
