"""Activations on disk: save/load round trip and the fingerprint-keyed cache."""

import numpy as np
import pytest

import interpkit
from interpkit.representations import Activations, activations, from_arrays

torch = pytest.importorskip("torch")


class Tokens(torch.nn.Module):
    """Token ids -> (batch, position, unit), and a pooled head; counts forward calls."""

    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(20, 6)
        self.mix = torch.nn.Linear(6, 5)
        self.calls = 0

    def forward(self, ids):
        self.calls += 1
        return self.mix(torch.tanh(self.embed(ids)))


@pytest.fixture
def net():
    torch.manual_seed(0)
    return Tokens(), torch.randint(0, 20, (11, 4), generator=torch.Generator().manual_seed(0))


def _equal(a: Activations, b: Activations) -> None:
    assert a.layers == b.layers
    assert a.values.dims == b.values.dims
    assert a.values.dtype == b.values.dtype
    np.testing.assert_array_equal(a.values.values, b.values.values)
    assert a.n_units == b.n_units
    assert a.texts == b.texts
    if a.mask is None:
        assert b.mask is None
    else:
        np.testing.assert_array_equal(a.mask.values, b.mask.values)


def test_save_load_round_trip(tmp_path, net):
    rng = np.random.default_rng(0)
    texts = ["a café", "b", "c ü", "d"]
    acts = from_arrays({"x": rng.normal(size=(4, 3)), "y": rng.normal(size=(4, 5))}, texts=texts,
                       meta={"source": "synthetic", "seed": np.int64(3)})  # fmt: skip
    back = interpkit.load(acts.save(tmp_path / "acts.ipk"))
    assert isinstance(back, Activations)
    _equal(acts, back)
    np.testing.assert_array_equal(back.layer("x"), acts.layer("x"))
    assert back.meta == {"source": "synthetic", "seed": 3}
    model, ids = net
    unpooled = activations(model, ids, layers=["embed", "mix"], pooling=None)
    assert unpooled.mask is not None
    _equal(unpooled, interpkit.load(unpooled.save(tmp_path / "unpooled.ipk")))


def test_cache_loads_instead_of_recomputing(tmp_path, net):
    model, ids = net
    cache = tmp_path / "acts"
    first = activations(model, ids, layers=["mix"], batch_size=4, cache=cache)
    assert model.calls == 3 and first.meta["cache_hit"] is False
    second = activations(model, ids, layers=["mix"], batch_size=5, cache=cache)
    assert model.calls == 3 and second.meta["cache_hit"] is True
    _equal(first, second)
    assert second.meta["cache"] == first.meta["cache"]
    # the cached result is what the model gives
    _equal(second, activations(model, ids, layers=["mix"], batch_size=4))
    calls = model.calls
    # other inputs, layers, pooling: recomputed and stored beside
    activations(model, ids[:5], layers=["mix"], cache=cache)
    activations(model, ids, layers=["embed"], cache=cache)
    activations(model, ids, layers=["mix"], pooling="last", cache=cache)
    assert model.calls == calls + 3
    assert len(list(cache.glob("activations-*.zarr"))) == 4
    # changed weights: a new fingerprint
    with torch.no_grad():
        model.mix.bias += 1.0
    changed = activations(model, ids, layers=["mix"], cache=cache)
    assert changed.meta["cache_hit"] is False
    assert not np.allclose(changed.layer(0), first.layer(0))
    # the random-init null is keyed by its seed
    a = activations(model, ids, layers=["mix"], random_init=True, random_state=1, cache=cache)
    b = activations(model, ids, layers=["mix"], random_init=True, random_state=1, cache=cache)
    c = activations(model, ids, layers=["mix"], random_init=True, random_state=2, cache=cache)
    assert (a.meta["cache_hit"], b.meta["cache_hit"], c.meta["cache_hit"]) == (False, True, False)
    _equal(a, b)
    assert not np.allclose(a.layer(0), c.layer(0))


def test_cache_bad_input(tmp_path, net):
    model, ids = net
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="cache= must be a folder"):
        activations(model, ids, layers=["mix"], cache=tmp_path / "file")
    with pytest.raises(TypeError, match="torch.nn.Module"):
        activations(object(), ids, layers=["mix"], cache=tmp_path / "c")
    with pytest.raises(ValueError, match="not an interpkit result"):
        interpkit.load(tmp_path / "file")
