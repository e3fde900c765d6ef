"""Tiny torch networks trained in the tests (seconds each), for the Captum and sanity tests."""

from __future__ import annotations

from functools import cache

import numpy as np

PATCH = (slice(0, 2), slice(0, 2))  # top-left 2x2 corner: blank in every digit


def planted_digits(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """8x8 digits in [0, 1]; a random half carry a bright 2x2 patch, and y says which."""
    from sklearn.datasets import load_digits

    rng = np.random.RandomState(seed)
    X = load_digits().images[:n].astype(np.float64) / 16.0
    y = rng.permutation(np.arange(n) % 2)
    X[y == 1, PATCH[0], PATCH[1]] = 1.0
    return X[:, None], y


def small_cnn(seed: int = 0):
    import torch

    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(4, 4, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 8 * 8, 2),
    )


def mlp(n_in: int, n_out: int = 1, seed: int = 0, hidden: int = 16):
    import torch

    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(n_in, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, n_out)
    )


def train_classifier(model, X: np.ndarray, y: np.ndarray, steps: int = 150, lr: float = 0.02):
    """Full-batch Adam on cross-entropy (several outputs) or squared error (one)."""
    import torch

    dtype = next(model.parameters()).dtype
    x = torch.as_tensor(np.array(X), dtype=dtype)
    t = torch.as_tensor(np.array(y))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        out = model(x)
        if out.shape[1] > 1:
            loss = torch.nn.functional.cross_entropy(out, t.long())
        else:
            loss = torch.nn.functional.mse_loss(out[:, 0], t.to(dtype))
        loss.backward()
        opt.step()
    return model.eval()


def train(model_factory, X, y, seed):
    """The ``train(model_factory, X, y, seed)`` the explainers take."""
    return train_classifier(model_factory(seed), X, y, steps=30)


@cache  # one training per test session, shared by test_captum and test_sanity
def digits_cnn():
    """``(cnn, X, y)``: the small CNN trained on 300 planted-patch digits (accuracy 1)."""
    X, y = planted_digits(300)
    return train_classifier(small_cnn(), X, y, steps=30, lr=0.03), X, y
