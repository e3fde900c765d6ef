"""Activations are assembled once: peak memory about one copy of the result, values exact."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from interpkit.representations import activations  # noqa: E402


class _Stack(torch.nn.Module):
    """Three layers of (batch, position, units) outputs: 8, 8 and 5 units wide."""

    def __init__(self) -> None:
        super().__init__()
        self.a = torch.nn.Linear(4, 8)
        self.b = torch.nn.Linear(8, 8)
        self.c = torch.nn.Linear(8, 5)

    def forward(self, x):
        return self.c(torch.tanh(self.b(torch.tanh(self.a(x)))))


def test_unpooled_layers_are_the_module_outputs_with_narrow_ones_zero_padded():
    torch.manual_seed(0)
    model = _Stack()
    x = torch.randn(10, 3, 4)
    acts = activations(model, x, layers=["a", "b", "c"], pooling=None, batch_size=4)
    with torch.no_grad():  # the same batches (BLAS rounds differently per batch size)
        a = torch.cat([model.a(x[i : i + 4]) for i in range(0, 10, 4)])
        c = torch.cat([model(x[i : i + 4]) for i in range(0, 10, 4)])
    values = acts.values
    assert values.dims == ("layer", "sample", "position", "unit")
    np.testing.assert_array_equal(values.sel(layer="a").to_numpy(), a.numpy())
    np.testing.assert_array_equal(values.sel(layer="c").to_numpy()[..., :5], c.numpy())
    assert (values.sel(layer="c").to_numpy()[..., 5:] == 0).all()
    assert acts.n_units == {"a": 8, "b": 8, "c": 5}


def test_peak_memory_is_about_one_copy_of_the_result():
    model = torch.nn.Sequential(*[torch.nn.Identity() for _ in range(4)])
    x = torch.randn(512, 32, 64)  # 4 layers x 512 x 32 x 64 float32 = 16 MiB result
    names = [str(i) for i in range(4)]
    tracemalloc.start()
    try:
        acts = activations(model, x, layers=names, pooling=None, batch_size=64)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    result = acts.values.to_numpy().nbytes
    # per-batch copies plus one stacked array: < 2.2x (concatenate, pad, stack: about 4x)
    assert peak < 2.2 * result, peak / result
    np.testing.assert_array_equal(acts.values.sel(layer="2").to_numpy(), x.numpy())
