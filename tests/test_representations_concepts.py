"""CAVs through Captum's captum.concept, the bootstrap of the concept set, FastCAV vs SGD."""

import numpy as np
import pytest

from interpkit.representations import (
    activations,
    captum_cav,
    cav_agreement,
    cav_bootstrap,
    fastcav,
    layer_gradients,
    sgd_cav,
    tcav,
    tcav_score,
)


def _planted(seed=0, n=80, d=10, shift=3.0):
    rng = np.random.default_rng(seed)
    direction = rng.normal(size=d)
    direction /= np.linalg.norm(direction)
    concept = rng.normal(size=(n, d)) + shift * direction
    pool = rng.normal(size=(4 * n, d))
    return rng, direction, concept, pool


def test_captum_cav_recovers_planted_direction_and_agrees_with_sgd():
    pytest.importorskip("captum")
    _, direction, concept, pool = _planted(n=300)
    cav = captum_cav(concept, pool[:300], random_state=0)
    assert cav.method == "captum"
    assert cav.cosine(direction) > 0.95
    assert cav.cosine(sgd_cav(concept, pool[:300], random_state=0)) > 0.9
    assert cav.accuracy > 0.9
    again = captum_cav(concept, pool[:300], random_state=0)
    np.testing.assert_array_equal(cav.direction.values, again.direction.values)


@pytest.mark.parametrize("method", ["captum"])
def test_tcav_with_captum_cavs_is_significant(method):
    pytest.importorskip("captum")
    rng, direction, concept, pool = _planted(n=30)
    grads = direction + 0.3 * rng.normal(size=(50, 10))
    res = tcav(grads, concept, pool, method=method, n_random=20, random_state=0)
    assert res.score > 0.9 and res.p_value < 1e-3
    assert abs(res.random_scores.mean() - 0.5) < 0.3


def test_scores_and_cavs_equal_captum_tcav_called_directly(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("captum")
    from captum.concept import TCAV, Concept

    from interpkit.representations._captum_cav import captum_direction, seeded_classifier

    torch.manual_seed(0)
    model = torch.nn.Sequential()
    model.add_module("hidden", torch.nn.Linear(6, 8))
    model.add_module("act", torch.nn.ReLU())
    model.add_module("mix", torch.nn.Linear(8, 16))
    model.add_module("act2", torch.nn.ReLU())
    model.add_module("head", torch.nn.Linear(16, 3))
    gen = torch.Generator().manual_seed(1)
    concept_x = torch.randn(40, 6, generator=gen) + 2.0 * torch.tensor([1.0, -1, 0, 0, 0, 0])
    random_x = torch.randn(40, 6, generator=gen)
    inputs = 3 * torch.randn(60, 6, generator=gen)
    seed = 7
    mytcav = TCAV(model, layers=["hidden"], classifier=seeded_classifier(seed),
                  save_path=str(tmp_path / "cav"))  # fmt: skip
    planted = Concept(1, "planted", torch.utils.data.DataLoader(concept_x, batch_size=40))
    rand = Concept(0, "random", torch.utils.data.DataLoader(random_x, batch_size=40))
    scores = mytcav.interpret(inputs, [[planted, rand]], target=2)
    captum_score = scores["1-0"]["hidden"]["sign_count"]
    weights = mytcav.cavs["1-0"]["hidden"].stats["weights"].double().numpy()
    # the same activations and the same seed give Captum's CAV
    C = activations(model, concept_x, layers=["hidden"]).layer(0)
    R = activations(model, random_x, layers=["hidden"]).layer(0)
    v, _ = captum_direction(C, R, seed)
    np.testing.assert_allclose(v, weights[1] / np.linalg.norm(weights[1]), atol=1e-6)
    # interpkit's gradients give Captum's TCAV scores (its float32 mean of k/60: 1e-6)
    grads = layer_gradients(model, inputs, "hidden", target=2)
    assert tcav_score(grads, weights[1]) == pytest.approx(float(captum_score[0]), abs=1e-6)
    assert tcav_score(grads, weights[0]) == pytest.approx(float(captum_score[1]), abs=1e-6)
    assert 0.0 < float(captum_score[0]) < 1.0  # a score that could differ


def test_bootstrap_of_the_concept_set():
    rng, direction, concept, pool = _planted(n=60, shift=3.0)
    grads = direction + 0.3 * rng.normal(size=(40, 10))
    boot = cav_bootstrap(concept, pool[:60], gradients=grads, n_boot=30, random_state=0)
    assert boot.cavs.shape == (30, 10)
    np.testing.assert_allclose(np.linalg.norm(boot.cavs.values, axis=1), 1.0)
    s = boot.summary()
    assert s["cosine_mean"] > 0.9 and s["pairwise_cosine"] > 0.85
    assert s["score_lower"] <= boot.reference_score <= s["score_upper"]
    assert s["tcav_score"] > 0.9
    np.testing.assert_allclose(
        boot.cosines.values, boot.cavs.values @ boot.reference.direction.values
    )
    again = cav_bootstrap(concept, pool[:60], gradients=grads, n_boot=30, random_state=0)
    np.testing.assert_array_equal(boot.cavs.values, again.cavs.values)
    # a weak concept: replicate CAVs scatter, cosines drop
    _, _, weak, weak_pool = _planted(seed=1, n=60, shift=0.3)
    weak_boot = cav_bootstrap(weak, weak_pool[:60], n_boot=30, method="sgd", random_state=0)
    assert weak_boot.summary()["cosine_mean"] < s["cosine_mean"] - 0.2
    assert weak_boot.scores is None and np.isnan(weak_boot.summary()["score_lower"])


def test_fastcav_vs_sgd_agreement():
    rng, direction, concept, pool = _planted(n=200, shift=3.0)
    grads = direction + 0.5 * rng.normal(size=(60, 10))
    agree = cav_agreement(concept, pool[:200], gradients=grads, random_state=0)
    fast = fastcav(concept, pool[:200], random_state=0)
    sgd = sgd_cav(concept, pool[:200], random_state=0)
    assert agree["cosine"] == pytest.approx(fast.cosine(sgd), abs=1e-12)
    assert agree["cosine"] > 0.9
    assert agree["score_fastcav"] == tcav_score(grads, fast)
    assert agree["score_difference"] == tcav_score(grads, fast) - tcav_score(grads, sgd)
    assert agree["seconds_fastcav"] > 0 and agree["speed_ratio"] > 0


def test_concept_stability_bad_input():
    _, _, concept, pool = _planted(n=20)
    with pytest.raises(ValueError, match="n_boot"):
        cav_bootstrap(concept, pool[:20], n_boot=1)
    with pytest.raises(ValueError, match="method must be one of"):
        cav_bootstrap(concept, pool[:20], method="lda")
    with pytest.raises(ValueError, match="gradients must be"):
        cav_bootstrap(concept, pool[:20], gradients=np.ones((3, 4)))
    with pytest.raises(ValueError, match="two different"):
        cav_agreement(concept, pool[:20], methods=("sgd", "sgd"))
    with pytest.raises(ValueError, match="empty"):
        cav_agreement(np.empty((0, 10)), pool)
