"""Run the GP examples (and a tiny benchmark) with small settings; check the numbers they report."""

from __future__ import annotations

import numpy as np
import pytest

from tests.example_scripts import html_files, load_script

pytest.importorskip("gpytorch")
pytest.importorskip("plotly")

import torch  # noqa: E402


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.slow
def test_marginal_likelihood_example_finds_both_optima(tmp_path, capsys):
    ex = load_script("examples/gp_marginal_likelihood.py")
    out = ex.main(["--out", str(tmp_path), "--grid", "30", "--restarts", "8"])
    m = out["maxima"]
    assert len(m) == 2 and not m["on_boundary"].any()
    # each of the exercise's parameter sets is near a different located maximum
    near = {v["nearest_maximum"] for v in out["at_reference"].values()}
    assert near == {"A", "B"}
    short = m.loc[out["at_reference"]["paramsB"]["nearest_maximum"]]
    long_ = m.loc[out["at_reference"]["paramsA"]["nearest_maximum"]]
    assert short["lengthscale"] == pytest.approx(1.2, rel=0.15)
    assert short["noise_sd"] == pytest.approx(0.23, rel=0.15)
    assert long_["lengthscale"] == pytest.approx(12.4, rel=0.15)
    assert long_["noise_sd"] == pytest.approx(0.62, rel=0.15)
    # the located maximum is at least as high as the exercise's rounded values
    for ref in out["at_reference"].values():
        assert m.loc[ref["nearest_maximum"], "log_marginal_likelihood"] >= ref["log_ml"] - 1e-9
    # restarts land in both optima, and the best of them is the global one
    opt = out["restart_optima"]
    assert len(opt) >= 2 and opt["fraction"].sum() == pytest.approx(1)
    assert opt["log_marginal_likelihood"].max() == pytest.approx(
        m["log_marginal_likelihood"].max(), abs=1e-4
    )
    assert html_files(tmp_path) == {
        "gp_ml_surface.html",
        "gp_restarts.html",
        "gp_posterior_A.html",
        "gp_posterior_B.html",
    }
    assert "local maxima" in capsys.readouterr().out


def test_kernels_example_checks_the_algebra(tmp_path):
    ex = load_script("examples/gp_kernels.py")
    out = ex.main(["--out", str(tmp_path), "--n-grid", "201", "--n-draws", "3"])
    assert out["sum_error"] < 1e-12 and out["product_error"] < 1e-12
    assert out["linear_slope"] == pytest.approx(1.0, rel=1e-9)  # s * x0 with s = 1, x0 = 1
    assert out["periodic_shift"] == pytest.approx(1.0, abs=1e-9)
    assert out["linear_residual"] < 1e-2  # straight lines up to the jitter
    assert out["periodic_gap"] < 1e-2
    sections = out["sections"]
    assert sections.dims == ("kernel", "grid") and sections.values.sizes["kernel"] == 5
    assert all(d.values.sizes["draw"] == 3 for d in out["draws"].values())
    assert html_files(tmp_path) == {"gp_kernel_sections.html", "gp_kernel_sample_paths.html"}


def test_hierarchical_prior_example_uncertainty_follows_the_data(tmp_path):
    ex = load_script("examples/gp_hierarchical_prior.py")
    out = ex.main(["--out", str(tmp_path), "--n-draws", "10", "--n-samples", "600"])
    r = out["regions"]
    assert r["observations"].tolist() == [0, 25, 50, 0, 25, 0]
    post = r["posterior sd"]
    # dense < medium < gap and the outside, and every region narrower than the prior
    assert post["dense [1, 3]"] < post["medium density [-1, 1]"] < post["gap (3, 7)"]
    assert post["sparse [7, 12]"] < post["gap (3, 7)"] < post["right of the data (12, 15)"]
    # the hierarchical prior's sd of f is sqrt(E[A^2]) = sqrt(exp(2 * -1 + 2 * 1)) = 1 everywhere
    assert (post < 1.0).all()
    assert 10 < out["ess"] <= 600
    assert out["hyper_means"]["noise_sd"] == pytest.approx(0.2, rel=0.25)  # the simulated noise
    assert out["prior"].params["hyperparameters"] == "marginalised"
    assert html_files(tmp_path) == {"gp_prior_vs_posterior.html", "gp_posterior_band.html"}


@pytest.mark.slow
def test_gp_benchmark_smoke(capsys):
    bench = load_script("benchmarks/bench_gp.py")
    res = bench.main(
        [
            "--n",
            "120",
            "--restarts",
            "2",
            "--max-iter",
            "5",
            "--grid",
            "8",
            "--surface-n",
            "60",
            "--repeat",
            "1",
        ]
    )
    assert res["fit_max_lml_diff"] < 1e-3  # the same fits
    assert res["surface_max_diff"] < 1e-2  # the same surface
    assert all(np.isfinite(v) and v > 0 for k, v in res.items() if k.endswith("_s"))
    assert "interpkit / direct" in capsys.readouterr().out
