"""A trained sparse autoencoder as plain arrays: encode and decode without torch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpkit.sae._inputs import as_rows, check_width

__all__ = ["SparseAutoencoder"]


@dataclass(frozen=True, eq=False)
class SparseAutoencoder:
    """Weights of an SAE trained by SAELens, decoder norms folded into the encoder.

    ``f(x) = act((x - b_dec) @ W_enc + b_enc)`` with ``act`` the ReLU
    (``kind="standard"``) or the ReLU of the ``k`` largest pre-activations
    (``kind="topk"``); ``x_hat = f(x) @ W_dec + b_dec``. Decoder rows (atoms)
    have unit norm, so feature activations are in the units of ``x`` along
    each atom; this equals SAELens's own ``encode``/``decode`` (tested).

    Attributes
    ----------
    kind : {"topk", "standard"}
    W_enc : ndarray, shape (d_in, d_sae)
    b_enc : ndarray, shape (d_sae,)
    W_dec : ndarray, shape (d_sae, d_in)
        One unit-norm decoder atom per feature.
    b_dec : ndarray, shape (d_in,)
    k : int or None
        Active features per row for a TopK SAE.
    params : dict
        Training settings (d_sae, k, l1, steps, batch_size, lr, random_state, ...).
    meta : dict
        Provenance: layer, number of training rows, library versions, seconds.
    """

    kind: str
    W_enc: np.ndarray
    b_enc: np.ndarray
    W_dec: np.ndarray
    b_dec: np.ndarray
    k: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def d_in(self) -> int:
        return int(self.W_dec.shape[1])

    @property
    def d_sae(self) -> int:
        return int(self.W_dec.shape[0])

    @property
    def atoms(self) -> np.ndarray:
        """Unit-norm decoder atoms, shape (d_sae, d_in)."""
        norms = np.linalg.norm(self.W_dec, axis=1, keepdims=True)
        return self.W_dec / np.maximum(norms, 1e-12)

    def encode(self, activations: Any, layer: str | int | None = None) -> np.ndarray:
        """Feature activations, shape (n_rows, d_sae) (padding rows dropped).

        ``activations`` as for :func:`~interpkit.sae.train_sae`.
        """
        rows = as_rows(activations, layer)
        check_width(rows, self.d_in)
        return self.encode_rows(rows.x)

    def encode_rows(self, x: np.ndarray) -> np.ndarray:
        """Feature activations of already-checked rows ``x`` (n_rows, d_in)."""
        pre = (np.asarray(x, dtype=np.float64) - self.b_dec) @ self.W_enc + self.b_enc
        if self.kind == "topk":
            k = int(self.k)
            top = np.argpartition(-pre, k - 1, axis=1)[:, :k]
            acts = np.zeros_like(pre)
            np.put_along_axis(acts, top, np.take_along_axis(pre, top, axis=1), axis=1)
            pre = acts
        return np.maximum(pre, 0.0)

    def decode(self, features: np.ndarray) -> np.ndarray:
        """Reconstruction ``features @ W_dec + b_dec``, shape (n_rows, d_in)."""
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2 or features.shape[1] != self.d_sae:
            raise ValueError(
                f"features has shape {features.shape}; expected (n_rows, {self.d_sae})"
            )
        return features @ self.W_dec + self.b_dec

    def reconstruct(self, activations: Any, layer: str | int | None = None) -> np.ndarray:
        """``decode(encode(activations))``, shape (n_rows, d_in)."""
        return self.decode(self.encode(activations, layer))

    def __repr__(self) -> str:
        k = f", k={self.k}" if self.k is not None else ""
        return f"SparseAutoencoder(kind={self.kind!r}, d_in={self.d_in}, d_sae={self.d_sae}{k})"
