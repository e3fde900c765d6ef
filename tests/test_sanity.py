"""Sanity checks (Adebayo et al. 2018) on a CNN trained on digits with a planted patch."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

torch = pytest.importorskip("torch")
pytest.importorskip("captum")

from interpkit.adapters.captum import (  # noqa: E402
    IntegratedGradientsExplainer,
    SaliencyExplainer,
)
from interpkit.plots.sanity import cascade, sanity_maps  # noqa: E402
from interpkit.sanity import (  # noqa: E402
    data_randomization,
    model_randomization,
    spearman,
    ssim,
    top_k_overlap,
)
from interpkit.sanity.layers import parameter_layers, randomized, steps  # noqa: E402
from tests._nets import digits_cnn, mlp, small_cnn, train  # noqa: E402


@pytest.fixture(scope="module")
def explainers():
    cnn, X, y = digits_cnn()
    ig = IntegratedGradientsExplainer(model=cnn, target=1, n_steps=16, delta_tol=1.0).fit(X)
    sal = SaliencyExplainer(model=cnn, target=1).fit(X)
    return {"ig": ig, "saliency": sal}, X[y == 1][:12]


def test_similarity_functions_against_scipy_and_by_hand():
    rng = np.random.RandomState(0)
    a, b = rng.normal(size=(5, 1, 4, 4)), rng.normal(size=(5, 1, 4, 4))
    expected = [spearmanr(x.ravel(), z.ravel())[0] for x, z in zip(a, b, strict=True)]
    np.testing.assert_allclose(spearman(a, b), expected)
    assert np.isnan(spearman(np.zeros((1, 4)), a[:1].reshape(1, -1)[:, :4]))[0]
    x = np.array([[5.0, -4.0, 0.1, 0.2]])
    assert top_k_overlap(x, np.array([[-9.0, 0.0, 3.0, 0.0]]), 2)[0] == 0.5
    np.testing.assert_allclose(ssim(a, a), 1.0)
    assert ssim(a, b).max() < 0.9


def test_randomized_copies_only_the_chosen_layers():
    net = small_cnn(0)
    layers = parameter_layers(net)
    assert layers == ["0", "2", "5"]
    assert [lab for lab, _ in steps(layers, "top_down")] == ["5", "2", "0"]
    assert steps(layers, "bottom_up")[1] == ("2", ["0", "2"])
    assert steps(layers, "independent")[2] == ("5", ["5"])
    before = [p.detach().clone() for p in net.parameters()]
    out = randomized(net, ["2"], seed=1)
    assert all(torch.equal(p, q) for p, q in zip(before, net.parameters(), strict=True))
    changed = [
        not torch.equal(p, q) for p, q in zip(net.parameters(), out.parameters(), strict=True)
    ]
    assert changed == [False, False, True, True, False, False]
    again = randomized(net, ["2"], seed=1)
    assert all(torch.equal(p, q) for p, q in zip(out.parameters(), again.parameters(), strict=True))


def test_top_down_cascade_destroys_signed_ig_but_not_abs_ig(explainers):
    named, rows = explainers
    res = model_randomization(named, rows, cascade="top_down", random_state=0)
    sim = res.similarities
    final = sim[sim["n_randomized"] == 3].set_index(["method", "metric"])["mean"]
    assert final["ig", "spearman_signed"] < 0.3
    assert final["saliency", "spearman_abs"] < 0.7
    # the known failure mode: |IG| of a random network still follows the input's bright pixels
    assert final["ig", "spearman_abs"] > 0.5
    assert set(res.verdicts.values()) == {"pass"} and "unrelated inputs" in res.notes["ig"]
    null = res.null.set_index(["method", "metric"])
    assert {"spearman_signed", "spearman_abs", "top_k", "ssim"} <= set(null.loc["ig"].index)
    assert res.maps["ig"].dims == ("step", "sample", "channel", "height", "width")
    assert list(res.maps["ig"].coords["step"].values) == ["original", "5", "2", "0"]
    summary = res.summary()
    assert list(summary["method"]) == ["ig", "saliency"]
    fig = cascade(res)
    assert len(fig.data) == 6  # band, line and null per method
    # a category axis: "original" (similarity 1) and the null's two ends are drawn
    assert fig.layout.xaxis.type == "category"
    assert list(fig.data[1].x) == ["original", "5", "2", "0"] and fig.data[1].y[0] == 1.0
    assert len(sanity_maps(res, "ig").data) == 4


def test_bottom_up_and_independent_cascades(explainers):
    named, rows = explainers
    for kind, first in (("bottom_up", "0"), ("independent", "0")):
        res = model_randomization(named["saliency"], rows[:6], cascade=kind, random_state=1)
        sim = res.similarities.query("metric == 'spearman_abs'")
        assert sim["layer"].iloc[0] == first and len(sim) == 3
        assert (sim["lower"] <= sim["mean"]).all() and (sim["mean"] <= sim["upper"]).all()
    with pytest.raises(ValueError, match="cascade must be one of"):
        model_randomization(named["ig"], rows, cascade="sideways")
    with pytest.raises(ValueError, match="at least 2 rows"):
        model_randomization(named["saliency"], rows[:1])


def test_data_randomization_retrains_on_permuted_labels():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] > 0).astype(int)
    ex = SaliencyExplainer(model_factory=lambda s: mlp(3, 2, seed=s).double(), train=train,
                           target=1, abs=False, random_state=0).fit(X, y)  # fmt: skip
    res = data_randomization(ex, X[:20], n_seeds=2, random_state=0)
    row = res.similarities.query("metric == 'spearman_signed'").iloc[0]
    assert row["layer"] == "permuted labels" and row["n"] == 40
    assert row["lower"] <= row["mean"] <= row["upper"]
    with pytest.raises(ValueError, match="retrains the network"):
        data_randomization(SaliencyExplainer(model=mlp(3)).fit(X), X[:5])
