"""Train a sparse autoencoder with SAELens's trainer on activations held in memory.

SAELens's :class:`~sae_lens.training.sae_trainer.SAETrainer` is fed an
iterator over shuffled batches of the rows (no language model, no activation
store, no wandb: logging is off and nothing is written unless ``output_dir``
is given). The SAE's initial weights are drawn from ``random_state`` and the
batch order from the same seed, so one seed gives one SAE.

>>> import numpy as np
>>> from interpkit.sae import train_sae
>>> x = np.random.default_rng(0).normal(size=(512, 16))
>>> sae = train_sae(x, kind="topk", d_sae=32, k=4, steps=50)      # doctest: +SKIP
>>> sae.W_dec.shape                                               # doctest: +SKIP
(32, 16)
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from interpkit.sae._inputs import Rows, as_rows
from interpkit.sae.model import SparseAutoencoder

__all__ = ["KINDS", "train_sae"]

KINDS = ("topk", "standard")
NEEDED_FOR = "interpkit.sae.train_sae"
# torch draws initial weights from its global generator: one SAE built at a time
_INIT_LOCK = threading.Lock()


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _positive_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def _seed(random_state: Any) -> int:
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))
    if isinstance(random_state, bool) or not isinstance(random_state, int | np.integer):
        raise TypeError(f"random_state must be an int or None, got {type(random_state).__name__}")
    return int(random_state)


def _n_steps(steps: Any, epochs: Any, n_rows: int, batch_size: int) -> int:
    if steps is not None and epochs is not None:
        raise ValueError("pass steps= or epochs=, not both")
    if epochs is not None:
        epochs = _positive_float(epochs, "epochs")
        return max(1, int(round(epochs * n_rows / batch_size)))
    return _positive_int(1000 if steps is None else steps, "steps")


def batches(x: Any, batch_size: int, seed: int) -> Iterator[Any]:
    """Endless shuffled batches of the rows of tensor ``x``, each epoch a new permutation."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    while True:
        order = rng.permutation(n)
        for start in range(0, n - batch_size + 1, batch_size):
            yield x[order[start : start + batch_size]]


def training_sae(kind: str, d_in: int, d_sae: int, k: int | None, l1: float, seed: int) -> Any:
    """A fresh SAELens training SAE whose weights are drawn from ``seed``."""
    from interpkit._optional import import_backend

    torch = import_backend("torch", NEEDED_FOR)
    import_backend("sae_lens", NEEDED_FOR)
    from sae_lens.saes.standard_sae import StandardTrainingSAE, StandardTrainingSAEConfig
    from sae_lens.saes.topk_sae import TopKTrainingSAE, TopKTrainingSAEConfig

    with _INIT_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if kind == "topk":
            return TopKTrainingSAE(TopKTrainingSAEConfig(d_in=d_in, d_sae=d_sae, k=k))
        return StandardTrainingSAE(
            StandardTrainingSAEConfig(d_in=d_in, d_sae=d_sae, l1_coefficient=l1)
        )


def trainer_config(steps: int, batch_size: int, lr: float) -> Any:
    """SAELens trainer settings: constant learning rate, no wandb, no checkpoints."""
    from sae_lens.config import LoggingConfig, SAETrainerConfig

    return SAETrainerConfig(
        total_training_samples=steps * batch_size,
        train_batch_size_samples=batch_size,
        lr=lr,
        lr_end=lr,
        device="cpu",
        n_checkpoints=0,
        checkpoint_path=None,
        save_final_checkpoint=False,
        logger=LoggingConfig(log_to_wandb=False),
    )


@contextlib.contextmanager
def _quiet_progress(progress: bool) -> Iterator[None]:
    """Silence SAELens's tqdm bar unless ``progress`` (the trainer has no switch)."""
    from sae_lens.training import sae_trainer

    if progress:
        yield
        return
    original = sae_trainer.tqdm

    def silent(*args: Any, **kwargs: Any) -> Any:
        return original(*args, **{**kwargs, "disable": True})

    sae_trainer.tqdm = silent
    try:
        yield
    finally:
        sae_trainer.tqdm = original


def train_sae(
    activations: Any,
    kind: str = "topk",
    *,
    layer: str | int | None = None,
    d_sae: int | None = None,
    k: int | None = None,
    l1: float = 1.0,
    steps: int | None = None,
    epochs: float | None = None,
    batch_size: int = 64,
    lr: float = 3e-3,
    random_state: int | None = 0,
    output_dir: str | Path | None = None,
    progress: bool = False,
) -> SparseAutoencoder:
    """Train a TopK or L1 (standard) sparse autoencoder on ``activations``.

    Parameters
    ----------
    activations : array-like, torch tensor or Activations
        Rows ``(n_rows, d_in)``; ``(n_samples, n_positions, d_in)`` with padded
        positions NaN (padding is dropped); or an
        :class:`~interpkit.representations.Activations` result (pooled or
        per token) with ``layer`` choosing its layer.
    kind : {"topk", "standard"}
        ``"topk"``: keep the ``k`` largest pre-activations; ``"standard"``: ReLU
        with an L1 penalty ``l1`` on decoder-norm-weighted activations.
    layer : str or int, optional
        The layer of an Activations result (required when it has several).
    d_sae : int, optional
        Number of features (default ``4 * d_in``).
    k : int, optional
        Active features per row for ``kind="topk"`` (default 8, at most d_sae).
    l1 : float
        L1 coefficient for ``kind="standard"``.
    steps, epochs : optional
        Training length in optimiser steps, or in passes over the rows (one
        of them; default 1000 steps).
    batch_size : int
        Rows per step (at most the number of rows).
    lr : float
        Adam learning rate (constant).
    random_state : int or None
        Seeds the initial weights and the batch order.
    output_dir : str or Path, optional
        Save the trained SAE there in SAELens's format (safetensors + JSON);
        nothing is written anywhere when omitted.
    progress : bool
        Show SAELens's progress bar.

    Returns
    -------
    SparseAutoencoder
        Weights as numpy arrays with unit-norm decoder atoms.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    rows = as_rows(activations, layer)
    n_rows, d_in = rows.x.shape
    d_sae = _positive_int(4 * d_in if d_sae is None else d_sae, "d_sae")
    if kind == "topk":
        k = _positive_int(min(8, d_sae) if k is None else k, "k")
        if k > d_sae:
            raise ValueError(f"k={k} is larger than d_sae={d_sae}; choose k <= d_sae")
    elif k is not None:
        raise ValueError("k= applies to kind='topk'; the standard SAE is sparsified by l1=")
    l1 = _positive_float(l1, "l1")
    batch_size = _positive_int(batch_size, "batch_size")
    if batch_size > n_rows:
        raise ValueError(f"batch_size={batch_size} is larger than the {n_rows} rows; lower it")
    n_steps = _n_steps(steps, epochs, n_rows, batch_size)
    lr = _positive_float(lr, "lr")
    seed = _seed(random_state)
    return _fit(rows, kind, d_sae, k, l1, n_steps, batch_size, lr, seed, output_dir, progress)


def _fit(
    rows: Rows,
    kind: str,
    d_sae: int,
    k: int | None,
    l1: float,
    n_steps: int,
    batch_size: int,
    lr: float,
    seed: int,
    output_dir: str | Path | None,
    progress: bool,
) -> SparseAutoencoder:
    from interpkit._optional import import_backend

    torch = import_backend("torch", NEEDED_FOR)
    sae_lens = import_backend("sae_lens", NEEDED_FOR)
    from sae_lens.training.sae_trainer import SAETrainer

    start = time.perf_counter()
    d_in = rows.x.shape[1]
    sae = training_sae(kind, d_in, d_sae, k, l1, seed)
    data = batches(torch.from_numpy(rows.x), batch_size, seed)
    trainer = SAETrainer(trainer_config(n_steps, batch_size, lr), sae, data_provider=data)
    with _quiet_progress(progress):
        sae = trainer.fit()
    sae.fold_W_dec_norm()
    if output_dir is not None:
        sae.save_model(Path(output_dir))
    seconds = time.perf_counter() - start

    def arr(t: Any) -> np.ndarray:
        return t.detach().cpu().numpy().astype(np.float64)

    params = {
        "kind": kind,
        "d_sae": d_sae,
        "k": k,
        "l1": l1 if kind == "standard" else None,
        "steps": n_steps,
        "batch_size": batch_size,
        "lr": lr,
        "random_state": seed,
    }
    meta = {
        "layer": rows.layer,
        "n_rows": int(rows.x.shape[0]),
        "n_samples": rows.n_samples,
        "per_token": rows.position is not None,
        "dead_in_training": int(trainer.dead_neurons.sum().item()),
        "seconds": seconds,
        "versions": {"sae_lens": sae_lens.__version__, "torch": torch.__version__},
        "output_dir": None if output_dir is None else str(output_dir),
    }
    return SparseAutoencoder(
        kind, arr(sae.W_enc), arr(sae.b_enc), arr(sae.W_dec), arr(sae.b_dec), k, params, meta
    )
