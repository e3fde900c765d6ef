"""GPExplainer (GPyTorch): oracles against closed forms, NumPy and GPyTorch called directly."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("gpytorch")

import torch  # noqa: E402

from interpkit.adapters.gpytorch import (  # noqa: E402
    GPExplainer,
    kernel_cross_section,
    prior_draws,
)
from interpkit.adapters.gpytorch import kernels as gk  # noqa: E402
from interpkit.adapters.gpytorch.fit import exact_gp_class  # noqa: E402
from interpkit.adapters.gpytorch.functions import batched_log_ml  # noqa: E402
from tests import contract  # noqa: E402

# the 7-point data set of the marginal-likelihood exercise
X7 = np.array([-1.3089, 6.7612, 1.0553, -1.1734, -2.9339, 7.2530, -6.5843])
Y7 = np.array([1.6218, 1.8558, 0.4102, 1.2526, -0.0133, 1.6380, 0.2189])


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def rbf(a, b, outputscale, lengthscale):
    d2 = (np.asarray(a)[:, None] - np.asarray(b)[None, :]) ** 2
    return outputscale * np.exp(-0.5 * d2 / lengthscale**2)


def numpy_posterior(x, y, xs, outputscale, lengthscale, noise):
    K = rbf(x, x, outputscale, lengthscale) + noise * np.eye(len(x))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    Ks = rbf(xs, x, outputscale, lengthscale)
    V = np.linalg.solve(L, Ks.T)
    cov = rbf(xs, xs, outputscale, lengthscale) - V.T @ V
    lml = -0.5 * y @ alpha - np.log(np.diag(L)).sum() - 0.5 * len(x) * np.log(2 * np.pi)
    return Ks @ alpha, cov, lml


def fixed_gp(lengthscale=1.2, noise_sd=0.23, **kw):
    hyper = {"outputscale": 1.0, "lengthscale": lengthscale, "noise_sd": noise_sd}
    return GPExplainer(hyperparameters=hyper, normalize_X=False, normalize_y=False, **kw).fit(
        X7[:, None], Y7
    )


# -- oracles: posterior, log ML -----------------------------------------------------------------
@pytest.mark.parametrize(("lengthscale", "noise_sd"), [(12.4, 0.62), (1.2, 0.23)])
def test_posterior_and_log_ml_equal_numpy_cholesky(lengthscale, noise_sd):
    gp = fixed_gp(lengthscale, noise_sd)
    xs = np.linspace(-7.5, 7.5, 41)
    mean, cov, lml = numpy_posterior(X7, Y7, xs, 1.0, lengthscale, noise_sd**2)
    local = gp.explain(xs[:, None])
    np.testing.assert_allclose(local.to_numpy(), mean, atol=1e-6)
    np.testing.assert_allclose(
        local.error.to_numpy(), np.sqrt(np.clip(np.diag(cov), 0, None)), atol=1e-6
    )
    _, full = gk.latent_moments(gp._state, torch.as_tensor(xs[:, None]), full_cov=True)
    np.testing.assert_allclose(full.numpy(), cov, atol=1e-6)
    assert gp.log_marginal_likelihood_ == pytest.approx(lml, abs=1e-6)
    assert list(gp.restarts_["status"]) == ["fixed"]
    assert gp.hyperparameters_["noise"] == pytest.approx(noise_sd**2, rel=1e-9)


def test_posterior_equals_gpytorch_prediction():
    gp = fixed_gp()
    state = gp._state
    model = exact_gp_class()(state.X, state.y, _likelihood(state.noise), state.kernel)
    model.eval()
    xs = torch.linspace(-7.5, 7.5, 31, dtype=torch.float64)[:, None]
    with torch.no_grad():
        pred = model(xs)
    local = gp.explain(xs.numpy())
    np.testing.assert_allclose(local.to_numpy(), pred.mean.numpy(), atol=1e-6)
    np.testing.assert_allclose(local.error.to_numpy(), pred.stddev.numpy(), atol=1e-6)


def _likelihood(noise):
    import gpytorch

    lik = gpytorch.likelihoods.GaussianLikelihood(
        noise_constraint=gpytorch.constraints.GreaterThan(1e-8)
    ).double()
    lik.noise = noise
    return lik


def test_batched_log_ml_equals_closed_form_and_gpytorch_mll():
    import gpytorch

    gp = fixed_gp()
    theta = np.tile(gp._state.values, (6, 1))
    theta[:, 1] = np.geomspace(0.3, 20, 6)  # lengthscale
    theta[:, -1] = np.geomspace(0.01, 1, 6)  # noise variance
    got = batched_log_ml(gp._state, theta, chunk=4)  # two chunks
    want = [numpy_posterior(X7, Y7, X7, 1.0, t[1], t[-1])[2] for t in theta]
    np.testing.assert_allclose(got, want, atol=1e-6)
    # GPyTorch's own ExactMarginalLogLikelihood (divided by n) at the fitted values
    state = gp._state
    model = exact_gp_class()(state.X, state.y, _likelihood(state.noise), state.kernel)
    model.train()
    mll = gpytorch.mlls.ExactMarginalLogLikelihood(model.likelihood, model)
    with torch.no_grad():
        direct = float(mll(model(state.X), state.y)) * len(Y7)
    assert gp.log_marginal_likelihood_ == pytest.approx(direct, abs=1e-6)


# -- kernels: sums, products, cross-sections -------------------------------------------------------
def _gram(spec, x, hyper):
    kern, _, _ = _standalone(spec, hyper)
    with torch.no_grad():
        return kern(torch.as_tensor(x[:, None])).to_dense().numpy()


def _standalone(spec, hyper):
    from interpkit.adapters.gpytorch.functions import _standalone as build

    return build(spec, 1, hyper)


def test_sum_and_product_kernels_are_sums_and_products_of_grams():
    x = np.linspace(-3, 4, 9)
    hyper = {"rbf.lengthscale": 0.7, "periodic.lengthscale": 1.3, "period": 2.0}
    k_rbf = rbf(x, x, 1.0, 0.7)
    # GPyTorch's periodic kernel: exp(-2 sin^2(pi |x - x'| / p) / l)
    k_per = np.exp(-2 * np.sin(np.pi * np.abs(x[:, None] - x[None]) / 2.0) ** 2 / 1.3)
    k_lin = np.outer(x, x)
    np.testing.assert_allclose(_gram("rbf + periodic", x, hyper), k_rbf + k_per, atol=1e-12)
    np.testing.assert_allclose(
        _gram("rbf * periodic", x, {"lengthscale": 0.7, "period": 2.0}),
        rbf(x, x, 1.0, 0.7) * np.exp(-2 * np.sin(np.pi * np.abs(x[:, None] - x) / 2) ** 2 / 0.7),
        atol=1e-12,
    )
    lin_per = {"outputscale": 0.5, "lengthscale": 1.3, "period": 2.0}
    np.testing.assert_allclose(
        _gram("linear * periodic", x, lin_per), 0.5 * k_lin * k_per, atol=1e-12
    )
    np.testing.assert_allclose(
        _gram("linear + rbf", x, {"linear.outputscale": 2.0, "lengthscale": 0.7}),
        2.0 * k_lin + k_rbf,
        atol=1e-12,
    )


def test_cross_section_is_a_gram_column():
    x = np.linspace(-5, 5, 25)
    kernels = {
        "rbf": "rbf",
        "periodic": "periodic",
        "sum": "rbf + periodic",
        "prod": "linear * rbf",
    }
    expl = kernel_cross_section(kernels, x, x0=x[7], hyperparameters={"period": 3.0})
    assert expl.dims == ("kernel", "grid") and list(expl.values.coords["kernel"]) == list(kernels)
    np.testing.assert_array_equal(expl.values.coords["grid"], x)
    for name, spec in kernels.items():
        hyper = {"period": 3.0} if "periodic" in spec else None
        column = _gram(spec, x, hyper)[:, 7]
        np.testing.assert_allclose(expl.values.sel(kernel=name).to_numpy(), column, atol=1e-12)


def test_prior_draws_have_the_kernel_covariance():
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    hyper = {"outputscale": 2.0, "lengthscale": 0.8}
    draws = prior_draws("rbf", x, n_draws=20000, hyperparameters=hyper, random_state=0)
    assert draws.dims == ("draw", "grid") and draws.params["hyperparameters"] == "fixed"
    emp = np.cov(draws.to_numpy(), rowvar=False)
    np.testing.assert_allclose(emp, rbf(x, x, 2.0, 0.8), atol=0.08)
    np.testing.assert_allclose(draws.to_numpy().mean(axis=0), 0, atol=0.05)


def test_hierarchical_prior_draws_marginalise_the_amplitude():
    # A ~ LogNormal(-1, 1): Var f(x) = E[A^2] = exp(2 * -1 + 2 * 1) = 1, whatever the lengthscale
    priors = {"amplitude": ("lognormal", -1.0, 1.0), "lengthscale": ("lognormal", 0.0, 1.0)}
    draws = prior_draws("rbf", np.array([0.0, 3.0]), n_draws=20000, priors=priors, random_state=1)
    assert draws.params["hyperparameters"] == "marginalised"
    amp = np.sqrt(np.asarray(draws.params["values"]["outputscale"]))
    assert np.median(np.log(amp)) == pytest.approx(-1.0, abs=0.05)  # the prior's median
    f2 = draws.to_numpy() ** 2
    assert f2.mean() == pytest.approx(1.0, abs=0.3)


# -- the marginal-likelihood surface -------------------------------------------------------------
def test_surface_maxima_are_true_local_maxima():
    gp = fixed_gp()
    ls, sd = np.geomspace(0.3, 40, 40), np.geomspace(0.05, 1.5, 36)
    surf = gp.ml_surface("lengthscale", "noise_sd", ls, sd, X_grid=np.linspace(-7.5, 7.5, 21))
    assert surf.values.dims == ("noise_sd", "lengthscale")
    # the surface is the closed form at every grid point
    for i, j in [(0, 0), (17, 5), (35, 39)]:
        want = numpy_posterior(X7, Y7, X7, 1.0, ls[j], sd[i] ** 2)[2]
        assert surf.values.values[i, j].item() == pytest.approx(want, abs=1e-6)
    m = surf.maxima
    assert len(m) == 2 and not m["on_boundary"].any()
    # the exercise's two optima: long lengthscale + large noise, short lengthscale + small noise
    a, b = m.loc["A"], m.loc["B"]
    assert {round(a["lengthscale"]) > 5, round(b["lengthscale"]) > 5} == {True, False}
    long_, short = (a, b) if a["lengthscale"] > b["lengthscale"] else (b, a)
    assert long_["noise_sd"] > 2 * short["noise_sd"]
    h = 1e-3
    for _, row in m.iterrows():
        p = np.log([row["lengthscale"], row["noise_sd"]])

        def f(q):
            th = gp._state.values.copy()
            th[1], th[-1] = np.exp(q[0]), np.exp(q[1]) ** 2
            return batched_log_ml(gp._state, th[None])[0]

        assert f(p) == pytest.approx(row["log_marginal_likelihood"], abs=1e-9)
        e = np.eye(2) * h
        grad = np.array([(f(p + e[k]) - f(p - e[k])) / (2 * h) for k in range(2)])
        hess = np.array(
            [
                [
                    (
                        f(p + e[k] + e[q])
                        - f(p + e[k] - e[q])
                        - f(p - e[k] + e[q])
                        + f(p - e[k] - e[q])
                    )
                    / (4 * h * h)
                    for q in range(2)
                ]
                for k in range(2)
            ]
        )
        assert np.abs(grad).max() < 1e-4
        assert np.linalg.eigvalsh(hess).max() < 0
    # the posterior at each maximum is the closed form at that point
    for label, post in surf.posteriors.items():
        row = m.loc[label]
        xs = np.linspace(-7.5, 7.5, 21)
        mean, _, _ = numpy_posterior(X7, Y7, xs, 1.0, row["lengthscale"], row["noise_sd"] ** 2)
        np.testing.assert_allclose(post.mean.to_numpy(), mean, atol=1e-6)


def test_restarts_find_both_optima_of_the_seven_points():
    gp = GPExplainer(
        hyperparameters={"outputscale": 1.0},
        n_restarts=8,
        normalize_X=False,
        normalize_y=False,
        random_state=0,
        max_iter=200,
    ).fit(X7[:, None], Y7)
    r = gp.restarts_
    assert len(r) == 8 and (r["outputscale"] == 1.0).all()  # fixed stays fixed
    table = gp.restart_stability()
    assert table["fraction"].sum() == pytest.approx(1.0)
    assert r["log_marginal_likelihood"].max() == pytest.approx(gp.log_marginal_likelihood_)
    # two distinct optima reached, the best first; their lengthscales are far apart
    assert len(table) >= 2
    top2 = table.sort_values("log_marginal_likelihood", ascending=False).iloc[:2]
    assert top2["lengthscale"].max() / top2["lengthscale"].min() > 3
    restarts = gp.restarts()
    assert restarts.dims == ("restart",) and restarts.values.sizes["restart"] == 8


# -- ARD relevance and its stability ------------------------------------------------------------
def _ard_data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 5)), columns=["x0", "x1", "x2", "x3", "x4"])
    y = np.sin(2 * X["x0"]) + 0.1 * rng.normal(size=n)
    return X, y


@pytest.mark.slow
def test_ard_ranks_the_relevant_input_first_with_a_separated_interval():
    X, y = _ard_data()
    gp = GPExplainer(n_restarts=1, max_iter=60, random_state=0)
    result = gp.stability(X, y, n_boot=6, random_state=0, progress=False)
    summary = result.summary()
    assert summary.index[0] == "x0"
    others = summary.drop(index="x0")
    assert summary.loc["x0", "lower"] > others["upper"].max()
    # the other relevance comes along, with its own intervals, and agrees on the ranking
    pdv = result.extras["pd_variance"].summary()
    assert pdv.index[0] == "x0" and pdv.loc["x0", "lower"] > pdv.drop(index="x0")["upper"].max()
    info = result.replicate_info
    for col in ["lengthscale[x0]", "outputscale", "noise", "log_marginal_likelihood"]:
        assert col in info and np.isfinite(info[col]).all()
    assert info["best_optimum_fraction"].between(0, 1).all()


def test_relevance_kinds_and_explanation_contents():
    X, y = _ard_data()
    gp = GPExplainer(n_restarts=1, max_iter=60, random_state=0).fit(X, y)
    inv = gp.explain()
    ls = gp.hyperparameters_[[f"lengthscale[{c}]" for c in X.columns]].to_numpy()
    np.testing.assert_allclose(inv.to_numpy(), 1 / ls, rtol=1e-12)
    assert inv.feature_names == list(X.columns) and inv.values.name == "inverse_lengthscale"
    assert inv.annotations["log_marginal_likelihood"] == gp.log_marginal_likelihood_
    pdv = gp.relevance("pd_variance").to_numpy()
    assert np.argmax(pdv) == 0 and pdv[0] > 100 * pdv[1:].max()
    # the partial dependence variance of sin(2 x0) is about Var(sin(2 Z)) = (1 - e^-8) / 2
    assert pdv[0] == pytest.approx(0.5, rel=0.25)
    local = gp.explain(X.iloc[:4])
    assert local.dims == ("sample",) and local.error.dims == ("sample",)
    np.testing.assert_allclose(local.to_numpy(), gp.predict(X.iloc[:4]))
    assert list(local.error.coords["sample"].values) == list(X.index[:4])
    assert (local.error.to_numpy() > 0).all() and (local.error.to_numpy() < 0.2).all()
    # fitted state survives pickling (joblib workers get fitted explainers)
    again = pickle.loads(pickle.dumps(gp))
    np.testing.assert_array_equal(again.predict(X.iloc[:4]), gp.predict(X.iloc[:4]))


def test_marginalised_posterior_with_a_tight_prior_equals_the_fixed_one():
    # priors concentrated at the fixed values: importance sampling must give the fixed posterior
    hyper = {"outputscale": 1.0, "lengthscale": 1.2, "noise_sd": 0.23}
    priors = {"lengthscale": ("lognormal", np.log(1.2), 1e-4)}
    gp = GPExplainer(
        hyperparameters=hyper, priors=priors, normalize_X=False, normalize_y=False
    ).fit(X7[:, None], Y7)
    xs = np.linspace(-7.5, 7.5, 15)
    fixed = gp.posterior(xs)
    marg = gp.posterior(
        xs,
        n_draws=3,
        hyperparameters="marginalised",
        n_samples=200,
        random_state=0,
        proposal="prior",
    )
    assert marg.method.startswith("self-normalised importance sampling")
    assert 150 < marg.ess <= 200
    np.testing.assert_allclose(marg.mean.to_numpy(), fixed.mean.to_numpy(), atol=1e-3)
    np.testing.assert_allclose(marg.mean.error.to_numpy(), fixed.mean.error.to_numpy(), atol=1e-3)
    assert marg.draws.dims == ("draw", "grid") and marg.samples["weight"].sum() == pytest.approx(1)


def test_marginalised_posterior_is_the_weighted_mixture():
    priors = {"lengthscale": ("lognormal", 0.0, 1.0), "amplitude": ("lognormal", -1.0, 1.0)}
    hyper = {"noise_sd": 0.2}
    gp = GPExplainer(
        hyperparameters=hyper,
        priors=priors,
        normalize_X=False,
        normalize_y=False,
        n_restarts=2,
        random_state=0,
    ).fit(X7[:, None], Y7)
    xs = np.array([-5.0, 0.0, 3.0])
    marg = gp.posterior(xs, hyperparameters="marginalised", n_samples=300, random_state=1)
    s = marg.samples
    w = s["weight"].to_numpy()
    logw = (s["log_marginal_likelihood"] + s["log_prior_over_proposal"]).to_numpy()
    np.testing.assert_allclose(w, np.exp(logw - logw.max()) / np.exp(logw - logw.max()).sum())
    means, second = np.zeros(3), np.zeros(3)
    for (_, row), wi in zip(s.iterrows(), w, strict=True):
        m, cov, _ = numpy_posterior(
            X7, Y7, xs, row["outputscale"], row["lengthscale"], row["noise"]
        )
        means += wi * m
        second += wi * (np.diag(cov) + m**2)
    np.testing.assert_allclose(marg.mean.to_numpy(), means, atol=1e-6)
    np.testing.assert_allclose(marg.mean.error.to_numpy() ** 2, second - means**2, atol=1e-6)


# -- bad input ------------------------------------------------------------------------------------
def test_bad_input_gives_clear_errors():
    X = X7[:, None]
    with pytest.raises(ValueError, match="missing values"):
        GPExplainer().fit(X, np.where(np.arange(7) == 2, np.nan, Y7))
    with pytest.raises(ValueError, match=r"hyperparameters\['lengthscale'\] must be a positive"):
        GPExplainer(hyperparameters={"lengthscale": 0.0}).fit(X, Y7)
    with pytest.raises(ValueError, match=r"hyperparameters\['noise_sd'\] must be a positive"):
        GPExplainer(hyperparameters={"noise_sd": -1}).fit(X, Y7)
    with pytest.raises(ValueError, match="unknown hyperparameter 'period'"):
        GPExplainer(hyperparameters={"period": 1.0}).fit(X, Y7)
    with pytest.raises(ValueError, match="unknown kernel 'rbff'.*known kernels"):
        GPExplainer(kernel="rbff + linear").fit(X, Y7)
    with pytest.raises(ValueError, match="parentheses"):
        GPExplainer(kernel="(rbf + linear) * periodic").fit(X, Y7)
    with pytest.raises(ValueError, match="at least 2 rows"):
        GPExplainer().fit(X[:1], Y7[:1])
    with pytest.raises(ValueError, match="prior for 'lengthscale'"):
        GPExplainer(priors={"lengthscale": ("normal", 0, 1)}).fit(X, Y7)
    with pytest.raises(ValueError, match="n_restarts must be"):
        GPExplainer(n_restarts=0).fit(X, Y7)
    gp = fixed_gp()
    good = np.geomspace(0.5, 20, 5)
    with pytest.raises(ValueError, match="grid for 'lengthscale' must be a 1-D"):
        gp.ml_surface("lengthscale", "noise_sd", good[:, None], good)
    with pytest.raises(ValueError, match="grid for 'noise_sd' must be positive"):
        gp.ml_surface("lengthscale", "noise_sd", good, -good[::-1])
    with pytest.raises(ValueError, match="overlap"):
        gp.ml_surface("noise", "noise_sd", good, good)
    with pytest.raises(ValueError, match="unknown hyperparameter 'period'"):
        gp.ml_surface("period", "noise_sd", good, good)
    with pytest.raises(ValueError, match="must be 2-D"):
        gp.posterior(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="marginalising needs hyperpriors"):
        gp.posterior(good, hyperparameters="marginalised")
    with pytest.raises(ValueError, match="n_draws must be a positive integer"):
        prior_draws("rbf", good, n_draws=0)


# -- the shared contract ---------------------------------------------------------------
def _contract_case():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    X.index = [f"row{i}" for i in range(40)]
    y = pd.Series(np.sin(X["a"]) - 0.5 * X["c"] + 0.1 * rng.normal(size=40), index=X.index)
    return GPExplainer(n_restarts=2, max_iter=30, random_state=0), X, y


# joblib's worker processes import torch afresh (~8 s): that check is slow
CONTRACT = [
    pytest.param(c, marks=pytest.mark.slow) if "n_jobs" in c.__name__ else c
    for c in contract.CHECKS
]


@pytest.mark.parametrize("check", CONTRACT, ids=lambda c: getattr(c, "__name__", str(c)))
def test_contract(check):
    explainer, X, y = _contract_case()
    check(explainer, X, y)


def test_contract_save_load(tmp_path):
    explainer, X, y = _contract_case()
    contract.check_save_load(explainer, X, y, tmp_path)


# -- plots read the results ------------------------------------------------------------
def test_plots_draw_what_the_results_hold():
    from interpkit.plots import gp as gp_plots

    gp = fixed_gp()
    xs = np.linspace(-7.5, 7.5, 31)
    surf = gp.ml_surface(
        "lengthscale", "noise_sd", np.geomspace(0.3, 40, 25), np.geomspace(0.05, 1.5, 20), X_grid=xs
    )
    fig = gp_plots.ml_surface(surf)
    marks = [t for t in fig.data if t.name == "local maxima"][0]
    np.testing.assert_allclose(10 ** np.asarray(marks.x), surf.maxima["lengthscale"])
    post = gp.posterior(xs, n_draws=4, random_state=0)
    band = gp_plots.posterior_band(post)
    mean_trace = [t for t in band.data if t.name == "posterior mean"][0]
    np.testing.assert_allclose(mean_trace.y, post.mean.to_numpy())
    data_trace = [t for t in band.data if t.name == "data"][0]
    np.testing.assert_allclose(data_trace.y, Y7)
    prior = gp.prior_draws(xs, n_draws=3, random_state=0)
    both = gp_plots.prior_posterior(prior, post)
    assert len(both.data) == 3 + 4 + 1  # prior draws, posterior draws, data
    sections = kernel_cross_section({"rbf": "rbf", "periodic": "periodic"}, xs)
    assert len(gp_plots.kernel_sections(sections).data) == 2
    restarts = gp_plots.restarts(gp.restarts())
    assert sum(len(t.y) for t in restarts.data) == 1
    rel = gp_plots.relevance(gp.explain())
    assert list(rel.data[0].y) == ["x0"]
    with pytest.raises(ValueError, match="needs posterior draws"):
        gp_plots.prior_posterior(prior, gp.posterior(xs))
    with pytest.raises(ValueError, match=r"dims \('kernel', 'grid'\)"):
        gp_plots.kernel_sections(prior)


def test_copies_of_rows_are_fit_once():
    # a bootstrap sample's exact copies would read as noise-free data; they are dropped
    X, y = _ard_data(n=30)
    rows = np.r_[np.arange(30), [0, 0, 5, 7, 7, 7]]
    gp = GPExplainer(n_restarts=1, max_iter=40, random_state=0)
    once = gp.fit(X, y).explain()
    again = GPExplainer(n_restarts=1, max_iter=40, random_state=0).fit(X.iloc[rows], y[rows])
    assert again.n_rows_used_ == 30
    np.testing.assert_allclose(again.explain().to_numpy(), once.to_numpy(), rtol=1e-6)
    assert again.noise_ > 1e-4  # not driven to the lower bound


def test_mixture_and_prior_proposals_target_the_same_posterior():
    priors = {"lengthscale": ("lognormal", 0.0, 1.0), "amplitude": ("lognormal", -1.0, 1.0)}
    gp = GPExplainer(
        hyperparameters={"noise_sd": 0.3},
        priors=priors,
        normalize_X=False,
        normalize_y=False,
        n_restarts=2,
        random_state=0,
    ).fit(X7[:, None], Y7)
    xs = np.array([-4.0, 0.0, 4.0])
    kw = dict(hyperparameters="marginalised", n_samples=6000, random_state=2)
    by_prior = gp.posterior(xs, proposal="prior", **kw)
    by_mixture = gp.posterior(xs, proposal="mixture", **kw)
    assert by_mixture.ess > by_prior.ess
    np.testing.assert_allclose(by_mixture.mean.to_numpy(), by_prior.mean.to_numpy(), atol=0.05)
    np.testing.assert_allclose(
        by_mixture.mean.error.to_numpy(), by_prior.mean.error.to_numpy(), atol=0.05
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message without a GPU")
def test_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(ValueError, match="device='cuda' but torch sees no GPU"):
        GPExplainer(device="cuda").fit(X7[:, None], Y7)
