"""train_sae: planted directions recovered, determinism, SAELens agreement, bad input."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sae_lens")

from interpkit.representations import from_arrays  # noqa: E402
from interpkit.sae import SparseAutoencoder, train_sae  # noqa: E402
from interpkit.sae.synthetic import planted_activations  # noqa: E402

STEPS = 800


@pytest.fixture(scope="module")
def planted():
    return planted_activations(n_rows=8192, d_in=32, n_features=24, random_state=0)


@pytest.fixture(scope="module")
def topk(planted):
    return train_sae(planted.x, kind="topk", d_sae=48, k=4, steps=STEPS, random_state=0)


def recovered(sae: SparseAutoencoder, directions: np.ndarray, threshold: float = 0.9) -> int:
    """How many planted directions have a decoder atom with cosine above ``threshold``."""
    return int(((directions @ sae.atoms.T).max(axis=1) > threshold).sum())


def test_topk_recovers_planted_directions(planted, topk):
    assert isinstance(topk, SparseAutoencoder)
    assert topk.W_dec.shape == (48, 32) and topk.W_enc.shape == (32, 48)
    assert recovered(topk, planted.directions) >= 22
    np.testing.assert_allclose(np.linalg.norm(topk.W_dec, axis=1), 1.0, rtol=1e-5)
    acts = topk.encode(planted.x[:100])
    assert ((acts > 0).sum(axis=1) <= 4).all()


def test_l1_sae_recovers_planted_directions(planted):
    sae = train_sae(planted.x, kind="standard", d_sae=48, l1=0.3, steps=1500, random_state=0)
    assert sae.k is None and sae.params["l1"] == 0.3
    assert recovered(sae, planted.directions) >= 22


def test_random_sae_recovers_nothing(planted):
    """Control: 48 random atoms do not reach cosine 0.9 with 32-d planted directions."""
    rng = np.random.default_rng(1)
    atoms = rng.normal(size=(48, 32))
    atoms /= np.linalg.norm(atoms, axis=1, keepdims=True)
    assert int(((planted.directions @ atoms.T).max(axis=1) > 0.9).sum()) == 0


def test_same_seed_same_sae_other_seed_differs(planted, topk):
    again = train_sae(planted.x, kind="topk", d_sae=48, k=4, steps=STEPS, random_state=0)
    np.testing.assert_array_equal(again.W_dec, topk.W_dec)
    np.testing.assert_array_equal(again.b_enc, topk.b_enc)
    other = train_sae(planted.x, kind="topk", d_sae=48, k=4, steps=50, random_state=1)
    assert not np.allclose(other.W_dec, topk.W_dec)


def test_numpy_encode_equals_sae_lens(planted, topk):
    """The arrays encode and decode exactly as the SAELens model with the same weights."""
    import torch
    from sae_lens.saes.topk_sae import TopKTrainingSAE, TopKTrainingSAEConfig

    model = TopKTrainingSAE(TopKTrainingSAEConfig(d_in=32, d_sae=48, k=4))
    with torch.no_grad():
        for name in ("W_enc", "b_enc", "W_dec", "b_dec"):
            getattr(model, name).copy_(torch.tensor(getattr(topk, name), dtype=torch.float32))
        x = torch.tensor(planted.x[:200], dtype=torch.float32)
        feats = model.encode(x).to_dense().numpy()
        recon = model.decode(model.encode(x)).numpy()
    np.testing.assert_allclose(topk.encode(planted.x[:200]), feats, atol=1e-4)
    np.testing.assert_allclose(topk.reconstruct(planted.x[:200]), recon, atol=1e-4)


def test_inputs_tensor_and_activations(planted):
    import torch

    x = planted.x[:1024]
    a = train_sae(x, d_sae=16, k=2, steps=20, random_state=3)
    b = train_sae(torch.tensor(x), d_sae=16, k=2, steps=20, random_state=3)
    acts = from_arrays({"resid": x, "other": x[:, :8]})
    c = train_sae(acts, layer="resid", d_sae=16, k=2, steps=20, random_state=3)
    np.testing.assert_allclose(a.W_dec, b.W_dec, atol=1e-6)
    np.testing.assert_allclose(a.W_dec, c.W_dec, atol=1e-6)
    assert c.meta["layer"] == "resid"
    with pytest.raises(ValueError, match="pass layer="):
        train_sae(acts, d_sae=16, k=2, steps=5)


def test_per_token_input_drops_padding(planted):
    x = planted.x[:600].reshape(100, 6, 32).copy()
    x[:50, 4:] = np.nan  # padding
    sae = train_sae(x, d_sae=16, k=2, steps=5, random_state=0)
    assert sae.meta["n_rows"] == 600 - 100 and sae.meta["per_token"]


def test_writes_only_to_output_dir(planted, tmp_path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    home_before = set(os.listdir(Path.home()))
    train_sae(planted.x[:512], d_sae=16, k=2, steps=10)
    assert list(work.iterdir()) == []
    out = tmp_path / "out"
    train_sae(planted.x[:512], d_sae=16, k=2, steps=10, output_dir=out)
    assert list(work.iterdir()) == []
    assert {p.suffix for p in out.iterdir()} == {".safetensors", ".json"}
    assert set(os.listdir(Path.home())) == home_before


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "gated"}, "kind must be one of"),
        ({"d_sae": 0}, "d_sae must be a positive integer"),
        ({"d_sae": 4, "k": 5}, "k=5 is larger than d_sae=4"),
        ({"kind": "standard", "k": 3}, "k= applies to kind='topk'"),
        ({"l1": -1.0, "kind": "standard"}, "l1 must be a positive number"),
        ({"batch_size": 10_000}, "larger than the 64 rows"),
        ({"steps": 10, "epochs": 1}, "not both"),
        ({"lr": 0}, "lr must be a positive number"),
        ({"layer": "resid"}, "layer= applies only to an Activations"),
    ],
)
def test_bad_arguments(kwargs, match):
    x = np.random.default_rng(0).normal(size=(64, 8))
    kwargs = {"batch_size": 16, **kwargs}
    with pytest.raises(ValueError, match=match):
        train_sae(x, **kwargs)


def test_bad_activations(topk):
    with pytest.raises(ValueError, match="NaN or infinite values .*row 1"):
        train_sae(np.array([[0.0, 1.0], [np.nan, 1.0]]))
    with pytest.raises(ValueError, match="expected \\(n_samples, d_in\\)"):
        train_sae(np.zeros(10))
    with pytest.raises(TypeError, match="must be an array"):
        train_sae("some text")
    with pytest.raises(ValueError, match="has 8 units but the SAE was trained on d_in=32"):
        topk.encode(np.zeros((3, 8)))
    with pytest.raises(TypeError, match="random_state must be an int"):
        train_sae(np.zeros((64, 4)), random_state="a", steps=1, batch_size=8)
