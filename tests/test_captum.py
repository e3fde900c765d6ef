"""Captum explainers against closed forms, planted ground truth and Captum itself."""

from __future__ import annotations

import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("captum")

from interpkit.adapters.captum import (  # noqa: E402
    DeepLiftExplainer,
    FeatureAblationExplainer,
    GradientShapExplainer,
    InputXGradientExplainer,
    IntegratedGradientsExplainer,
    OcclusionExplainer,
    SaliencyExplainer,
    convergence_curve,
)
from interpkit.explanation import load  # noqa: E402
from tests import _nets  # noqa: E402
from tests._nets import PATCH, mlp, train  # noqa: E402


@pytest.fixture(scope="module")
def linear():
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 1).double()
    X = pd.DataFrame(np.random.RandomState(0).normal(size=(30, 3)), columns=["a", "b", "c"])
    return lin, X, lin.weight.detach().numpy()[0]


@pytest.fixture(scope="module")
def digits_cnn():
    return _nets.digits_cnn()


def test_ig_of_a_linear_model_is_w_times_x_minus_baseline(linear):
    lin, X, w = linear
    x0 = np.array([0.5, -1.0, 2.0])
    for baseline, ref in (("means", X.to_numpy().mean(axis=0)), (x0, x0), ("zeros", 0.0)):
        e = IntegratedGradientsExplainer(model=lin, baseline=baseline).fit(X).explain(X.iloc[:5])
        assert e.dims == ("sample", "feature") and e.feature_names == ["a", "b", "c"]
        np.testing.assert_allclose(e.to_numpy(), w * (X.iloc[:5].to_numpy() - ref), rtol=1e-6)
        np.testing.assert_array_equal(e.data.to_numpy(), X.iloc[:5].to_numpy())
    assert e.params["baseline"] == "zeros" and e.params["baseline_values"] == [[0.0, 0.0, 0.0]]
    assert e.base_value == pytest.approx(lin.bias.item())


def test_completeness_delta_is_tiny_on_a_float64_mlp():
    X = np.random.RandomState(1).normal(size=(40, 4))
    net = mlp(4, seed=1).double()
    ig = IntegratedGradientsExplainer(model=net, baseline="means", n_steps=200).fit(X)
    e = ig.explain(X[:10])
    with torch.no_grad():
        fx = net(torch.as_tensor(X[:10]))[:, 0].numpy()
        f0 = net(torch.as_tensor(X.mean(axis=0, keepdims=True)))[0, 0].item()
    gap = e.to_numpy().sum(axis=1) - (fx - f0)  # our own check, not Captum's delta
    assert np.abs(gap / (fx - f0)).max() < 1e-4
    np.testing.assert_allclose(e.values.coords["convergence_delta"], gap, atol=1e-10)
    assert e.annotations["max_abs_delta"] == pytest.approx(np.abs(gap).max(), abs=1e-10)


def test_too_few_steps_warn_naming_rows_and_the_curve_shrinks():
    X = np.random.RandomState(2).normal(size=(30, 4)) * 3
    net = mlp(4, seed=2).double()
    ig = IntegratedGradientsExplainer(model=net, n_steps=2, integration="riemann_trapezoid")
    with pytest.warns(RuntimeWarning, match=r"completeness fails for rows 0.*increase n_steps"):
        ig.fit(X).explain(X[:5])
    curve = convergence_curve(ig, X[:5], n_steps=(2, 8, 64))
    assert list(curve["n_steps"]) == [2, 8, 64]
    assert curve["max_abs_delta"].is_monotonic_decreasing
    assert curve["max_rel_delta"].iloc[-1] < 0.1 * curve["max_rel_delta"].iloc[0]


def test_gradient_and_perturbation_methods_on_a_linear_model(linear):
    lin, X, w = linear
    rows = X.iloc[:4].to_numpy()
    sal = SaliencyExplainer(model=lin).fit(X).explain(X.iloc[:4]).to_numpy()
    np.testing.assert_allclose(sal, np.tile(np.abs(w), (4, 1)), rtol=1e-12)
    for cls in (OcclusionExplainer, FeatureAblationExplainer, InputXGradientExplainer,
                DeepLiftExplainer):  # fmt: skip
        out = cls(model=lin).fit(X).explain(X.iloc[:4]).to_numpy()
        np.testing.assert_allclose(out, w * rows, rtol=1e-6, err_msg=cls.__name__)


def test_occlusion_of_one_pixel_on_a_linear_image_model_is_w_times_x():
    torch.manual_seed(3)
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2 * 4 * 4, 1)).double()
    X = np.random.RandomState(3).uniform(size=(5, 2, 4, 4))
    w = net[1].weight.detach().numpy().reshape(2, 4, 4)
    e = OcclusionExplainer(model=net, window=1).fit(X).explain(X)
    assert e.dims == ("sample", "channel", "height", "width")
    # the window covers all channels, so a pixel's attribution is the sum over channels
    np.testing.assert_allclose(e.to_numpy()[:, 0], (w * X).sum(axis=1), rtol=1e-6)
    blur = IntegratedGradientsExplainer(model=net, baseline="blur:1").fit(X).explain(X)
    from scipy.ndimage import gaussian_filter

    x0 = gaussian_filter(X, sigma=(0, 0, 1, 1), mode="nearest")
    np.testing.assert_allclose(blur.to_numpy(), w * (X - x0), rtol=1e-5, atol=1e-12)
    assert blur.params["baseline"] == "blur:1"


def test_attributions_concentrate_in_the_planted_patch(digits_cnn):
    cnn, X, y = digits_cnn
    rows = X[y == 1][:10]
    for ex in (IntegratedGradientsExplainer(model=cnn, target=1, n_steps=16, delta_tol=1.0),
               OcclusionExplainer(model=cnn, target=1, window=2, stride=2)):  # fmt: skip
        a = np.abs(ex.fit(X).explain(rows).to_numpy())[:, 0]
        share = a[:, PATCH[0], PATCH[1]].sum(axis=(1, 2)) / a.sum(axis=(1, 2))
        assert share.mean() > 0.4, (type(ex).__name__, share)  # 4 of 64 pixels: 0.06 by chance


def test_targets_index_per_row_and_callable(digits_cnn):
    cnn, X, y = digits_cnn
    rows = X[:6]

    def ig(target):
        return IntegratedGradientsExplainer(model=cnn, target=target, n_steps=8, delta_tol=1.0)

    t0, t1 = (ig(t).fit(X).explain(rows).to_numpy() for t in (0, 1))
    per_row = ig([0, 1, 0, 1, 0, 1]).fit(X).explain(rows).to_numpy()
    np.testing.assert_allclose(per_row[1::2], t1[1::2], rtol=1e-6)
    np.testing.assert_allclose(per_row[::2], t0[::2], rtol=1e-6)

    def margin(out):
        return out[:, 1] - out[:, 0]

    diff = ig(margin).fit(X).explain(rows)
    np.testing.assert_allclose(diff.to_numpy(), t1 - t0, rtol=1e-4, atol=1e-6)  # IG is linear in f
    assert diff.params["target"] == "margin"
    pred = ig("predicted").fit(X).explain(rows)
    assert pred.params["target"].startswith("predicted")


def test_noise_tunnel_on_a_linear_model_and_seeding(linear):
    lin, X, w = linear
    sg = SaliencyExplainer(model=lin, noise_tunnel="smoothgrad", random_state=0).fit(X)
    np.testing.assert_allclose(sg.explain(X.iloc[:3]).to_numpy(), np.tile(np.abs(w), (3, 1)))
    vg = SaliencyExplainer(model=lin, noise_tunnel="vargrad", abs=False).fit(X)
    np.testing.assert_allclose(vg.explain(X.iloc[:3]).to_numpy(), 0.0, atol=1e-12)
    net = mlp(3, seed=4).double()
    a, b, c = (
        GradientShapExplainer(model=net, random_state=s).fit(X).explain(X.iloc[:3]).to_numpy()
        for s in (0, 0, 1)
    )
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_eval_mode_and_a_warning_for_dropout_in_train_mode(linear):
    _, X, _ = linear
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Dropout(0.5), torch.nn.Linear(4, 1))
    net.train()
    with pytest.warns(UserWarning, match="Dropout layers in training mode"):
        IntegratedGradientsExplainer(model=net).fit(X)
    assert not net.training


class _Rounded(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 1)

    def forward(self, x):
        return self.lin(x).detach()


def test_bad_input_gets_clear_errors(linear, digits_cnn):
    lin, X, _ = linear
    ig = IntegratedGradientsExplainer(model=lin).fit(X)
    with pytest.raises(ValueError, match="missing columns"):
        ig.explain(X[["a", "b"]])
    with pytest.raises(ValueError, match="2-D"):
        ig.explain(np.zeros((2, 3, 1, 1)))
    with pytest.raises(TypeError, match="non-numeric"):
        ig.explain(np.array([["x", "y", "z"]]))
    with pytest.raises(ValueError, match="on device meta but the model is on cpu"):
        ig.explain(torch.zeros(2, 3, device="meta"))
    with pytest.raises(ValueError, match="baseline has shape"):
        IntegratedGradientsExplainer(model=lin, baseline=np.zeros(4)).fit(X)
    with pytest.raises(ValueError, match="only GradientShap"):
        IntegratedGradientsExplainer(model=lin, baseline="sample:5").fit(X)
    with pytest.raises(ValueError, match="does not depend differentiably"):
        SaliencyExplainer(model=_Rounded().double()).fit(X)
    FeatureAblationExplainer(model=_Rounded().double()).fit(X)  # needs no gradient
    with pytest.raises(TypeError, match="torch.nn.Module"):
        SaliencyExplainer(model=lambda x: x).fit(X)
    cnn, Xi, _ = digits_cnn
    with pytest.raises(ValueError, match=r"target 2 is out of range.*2 output"):
        SaliencyExplainer(model=cnn, target=2).fit(Xi)
    with pytest.raises(ValueError, match="has 2 outputs; pass target="):
        SaliencyExplainer(model=cnn).fit(Xi)
    sal = SaliencyExplainer(model=cnn, target=1).fit(Xi)
    with pytest.raises(ValueError, match=r"images of shape \(1, 6, 6\).*\(1, 8, 8\)"):
        sal.explain(np.zeros((2, 1, 6, 6)))
    with pytest.raises(ValueError, match="target has 3 entries but 2 rows"):
        SaliencyExplainer(model=cnn, target=[0, 1, 1]).fit(Xi).explain(Xi[:2])
    with pytest.raises(ValueError, match="'blur' is for images"):
        IntegratedGradientsExplainer(model=lin, baseline="blur").fit(X)


def test_result_saves_and_keeps_row_labels(linear, tmp_path):
    lin, X, _ = linear
    rows = X.iloc[:3].set_axis(["r1", "r2", "r3"])
    e = IntegratedGradientsExplainer(model=lin).fit(X).explain(rows)
    assert list(e.values.coords["sample"].values) == ["r1", "r2", "r3"]
    back = load(e.save(tmp_path / "ig.ipk"))
    assert back.equals(e) and "convergence_delta" in back.values.coords


def test_stability_hooks(linear):
    lin, X, _ = linear
    sg = SaliencyExplainer(model=lin, noise_tunnel="smoothgrad", abs=False, random_state=0)
    tags = sg.fit(X).__interpkit_tags__()
    assert tags.scopes == ("noise",) and not tags.refittable and tags.input_kind == "tabular"
    ig = IntegratedGradientsExplainer(model=lin, baseline="means").fit(X)
    shared = ig._stability_setup("baseline", None, None, {"baselines": ["zeros", "means"]})
    assert shared["n_replicates"] == 2
    reps = [ig._replicate("baseline", 7, i, shared)[0] for i in range(2)]
    assert [r.baseline_desc_ for r in reps] == ["zeros", "means"]
    np.testing.assert_allclose(
        reps[1].explain(X.iloc[:2]).to_numpy(), ig.explain(X.iloc[:2]).to_numpy()
    )
    noisy = ig._stability_setup("baseline", None, None, {"scale": 0.5})
    r1, info = ig._replicate("baseline", 1, 0, noisy)
    r1b, _ = ig._replicate("baseline", 1, 0, noisy)
    np.testing.assert_array_equal(r1.baseline_, r1b.baseline_)
    assert not np.allclose(r1.baseline_, ig.baseline_) and "baseline_mean" in info
    assert ig.baseline_desc_ == "means"  # the reference explainer is untouched
    with pytest.raises(ValueError, match="unknown options"):
        ig._stability_setup("baseline", None, None, {"n_steps": 3})
    with pytest.raises(ValueError, match="retrains the network"):
        ig._stability_setup("seed", None, None, {})


def test_seed_scope_retrains_through_train(linear):
    _, X, _ = linear
    y = (X["a"] > 0).astype(int).to_numpy()
    ex = SaliencyExplainer(model_factory=lambda s: mlp(3, 2, seed=s).double(), train=train,
                           target=1, random_state=0)  # fmt: skip
    ex.fit(X, y)
    tags = ex.__interpkit_tags__()
    assert tags.refittable and {"seed", "rows"} <= set(tags.scopes)
    a, _ = ex._replicate("seed", 11, 0, ex._stability_setup("seed", X, y, {}))
    b, info = ex._replicate("seed", 12, 1, {})
    assert info == {"train_seed": 12.0}
    assert not np.allclose(a.explain(X.iloc[:3]).to_numpy(), b.explain(X.iloc[:3]).to_numpy())
    with pytest.raises(ValueError, match="not both"):
        SaliencyExplainer(model=mlp(3), train=train).fit(X, y)
    with pytest.raises(ValueError, match="pass y"):
        SaliencyExplainer(model_factory=mlp, train=train).fit(X)


def test_import_stays_light():
    code = (
        "import sys, interpkit.adapters.captum, interpkit.sanity; "
        "print('torch' in sys.modules, 'captum' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_stability_through_the_engine(linear):
    _, X, _ = linear
    y = (X["a"] > 0).astype(int).to_numpy()
    ig = IntegratedGradientsExplainer(model=mlp(3, seed=5).double(), baseline="means").fit(X)
    res = ig.stability(scope="baseline", n_boot=4, random_state=0, X_explain=X.iloc[:2])
    assert res.replicates.values.dims == ("replicate", "feature")
    assert res.extras["local"].replicates.values.dims == ("replicate", "sample", "feature")
    assert res.replicate_info["baseline_mean"].nunique() == 4
    given = ig.stability(scope="baseline", n_boot=10, random_state=0, baselines=["zeros", "means"])
    assert given.params["n_boot"] == 2
    # the "means" replicate is the fitted explainer itself
    np.testing.assert_allclose(given.replicates.values[1], ig.explain().values)
    sg = SaliencyExplainer(model=mlp(3, seed=5).double(), noise_tunnel="smoothgrad", abs=False)
    sg.fit(X)
    serial = sg.stability(scope="noise", n_boot=4, random_state=1, n_jobs=1)
    with joblib.parallel_config(backend="threading"):  # threads share the global RNGs
        parallel = sg.stability(scope="noise", n_boot=4, random_state=1, n_jobs=2)
    np.testing.assert_array_equal(serial.replicates.values, parallel.replicates.values)
    assert serial.replicates.values.std("replicate").max() > 0
    with pytest.raises(ValueError, match="explains a fixed model=; pass train="):
        ig.stability(X, y, scope="rows", n_boot=3)
    with pytest.raises(ValueError, match="needs noise_tunnel="):
        ig.stability(scope="noise", n_boot=3)
    ex = SaliencyExplainer(model_factory=lambda s: mlp(3, 2, seed=s).double(), train=train,
                           target=1, random_state=0).fit(X, y)  # fmt: skip
    rows = ex.stability(X, y, scope="rows", n_boot=2, random_state=0)
    assert list(rows.replicate_info.columns) == ["seed", "n_distinct_rows", "rows_fingerprint"]
    seeds = ex.stability(scope="seed", n_boot=2, random_state=0)
    assert seeds.replicates.values.std("replicate").max() > 0
