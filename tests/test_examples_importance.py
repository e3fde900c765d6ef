"""Run examples/importance_methods.py, drop_and_refit.py, arcene_stability.py (small settings)
and benchmarks/bench_permutation_stability.py --quick, and check the numbers they report."""

from __future__ import annotations

import numpy as np
import pytest

from tests.example_scripts import html_files, load_script

pytest.importorskip("plotly")


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")
def test_importance_methods(tmp_path, capsys):
    pytest.importorskip("imodels")
    ex = load_script("examples/importance_methods.py")
    out = ex.main(["--out", str(tmp_path), "--n", "200", "--n-trees", "10", "--n-boot", "4"])
    verdict, shares = out["verdict"], out["shares"]
    assert list(verdict.index) == ["MDI", "perm. holdout", "perm. OOB", "MDI+"]
    np.testing.assert_allclose(shares.sum(), 1.0)
    noise = ["noise1", "noise2", "noise3", "noise4"]
    for name, result in out["results"].items():
        ranks = result.summary()["mean_rank"]
        # planted truth: a and c above every noise feature, in every method
        assert ranks[["a", "c"]].max() < ranks[noise].min(), name
    # MDI credits pure noise with more than permutation or MDI+ do
    mdi_noise = verdict.loc["MDI", "noise share"]
    assert mdi_noise > 0.04
    for name in ("perm. holdout", "perm. OOB", "MDI+"):
        assert verdict.loc[name, "noise share"] < mdi_noise / 2
    # permutation: noise intervals cover 0; MDI's never do (impurity drops are > 0)
    assert verdict.loc["perm. OOB", "noise intervals covering 0"] >= 3
    assert verdict.loc["MDI", "noise intervals covering 0"] == 0
    for result in out["results"].values():
        assert result.n_replicates == 4
    assert len(html_files(tmp_path)) == 6
    assert "noise share" in capsys.readouterr().out


def test_drop_and_refit_example(tmp_path, capsys):
    ex = load_script("examples/drop_and_refit.py")
    out = ex.main(
        [
            "--out", str(tmp_path), "--n", "200", "--p", "30", "--block", "15", "--k", "4",
            "--n-trees", "15", "--cv", "3", "--tune-cv", "2", "--max-features", "0.2", "0.5",
        ]
    )  # fmt: skip
    result = out["result"]
    assert len(result.dropped) == 4 and out["dropped_in_block"] == 4
    assert out["risers_in_block"] >= 6  # block members take over
    assert abs(out["relative_change"]) < 0.15
    assert set(out["max_features"].values()) <= {0.2, 0.5}
    rmse = out["rmse"]
    assert 0.9 < rmse["full"] < 1.5  # noise SD is 1
    assert html_files(tmp_path) == {"drop_and_refit.html"}
    assert "relative change" in capsys.readouterr().out


def test_simulated_block_correlation():
    ex = load_script("examples/drop_and_refit.py")
    X, y = ex.simulate(4000, 12, 5, 0.7, 0)
    corr = np.corrcoef(X.to_numpy(), rowvar=False)
    block = corr[:5, :5][np.triu_indices(5, 1)]
    assert np.allclose(block, 0.7, atol=0.04)
    assert np.abs(corr[5:, :5]).max() < 0.06
    with pytest.raises(ValueError, match="rho"):
        ex.simulate(10, 5, 2, 1.0, 0)


def test_arcene_stability(tmp_path, capsys):
    pytest.importorskip("glmnet")
    ex = load_script("examples/arcene_stability.py")
    out = ex.main(["--out", str(tmp_path), "--n-boot", "5", "--cv", "3"])
    acc = out["accuracy"]
    assert 0.6 < acc["lasso"] <= 1 and 0.55 < acc["CART"] <= 1  # 56% is the majority class
    assert out["j_lasso"].startswith("f") and out["j_cart"].startswith("f")
    zeros = out["zero_fractions"]
    assert zeros.shape == (2, 2) and zeros.to_numpy().min() >= 0 and zeros.to_numpy().max() <= 1
    for result in out["results"].values():
        assert result.n_replicates == 5
        # fixed hyperparameters: nothing tuned inside the replicates
        assert "ccp_alpha" not in result.replicate_info
    lam = out["results"]["lasso"].replicate_info["lambda"]
    assert np.allclose(lam, out["lambda"])
    corr = out["correlation"]
    assert len(corr["lasso"]) == 25 and len(corr["CART"]) == 10
    assert corr["lasso"]["median_abs_corr"].between(0, 1).all()
    assert len(html_files(tmp_path)) == 5
    assert "j*_L" in capsys.readouterr().out


@pytest.mark.slow
def test_benchmark_quick(capsys):
    bench = load_script("benchmarks/bench_permutation_stability.py")
    ratios = bench.main(["--quick", "--n-boot", "2", "--n-trees", "5", "--n", "200"])
    assert set(ratios) == {"overhead", "speedup"}
    assert all(np.isfinite(v) and v > 0 for v in ratios.values())
    assert "adapter / plain loop" in capsys.readouterr().out
