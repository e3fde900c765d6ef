"""How alike two attribution maps are: rank correlations, top-k overlap, SSIM.

Every function takes two stacks of maps ``a``, ``b`` of shape ``(n, ...)``
(row ``i`` of ``a`` against row ``i`` of ``b``) and returns ``n`` numbers.
A constant map has no ranks; its correlation is NaN, not a made-up 0.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

METRICS = ("spearman_signed", "spearman_abs", "top_k", "ssim")


def spearman(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman correlation of each pair of maps (ties get average ranks)."""
    ra = rankdata(_flat(a), axis=1)
    rb = rankdata(_flat(b), axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    denom = np.sqrt((ra**2).sum(axis=1) * (rb**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (ra * rb).sum(axis=1) / denom, np.nan)


def top_k_overlap(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """Share of the ``k`` largest ``|a|`` features that are among the ``k`` largest ``|b|``."""
    fa, fb = np.abs(_flat(a)), np.abs(_flat(b))
    k = int(min(max(k, 1), fa.shape[1]))
    ta = np.argsort(-fa, axis=1, kind="stable")[:, :k]
    tb = np.argsort(-fb, axis=1, kind="stable")[:, :k]
    return np.array([len(np.intersect1d(x, y)) / k for x, y in zip(ta, tb, strict=True)])


def ssim(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """SSIM of the absolute maps, each scaled to [0, 1] (images ``(n, C, H, W)``).

    Channels are averaged over first, as in Adebayo et al. (2018).
    """
    from interpkit._optional import import_backend

    import_backend("skimage", "SSIM of attribution maps")
    from skimage.metrics import structural_similarity

    if a.ndim != 4:
        raise ValueError("SSIM compares images (n, C, H, W)")
    ma, mb = (_unit(np.abs(m).mean(axis=1)) for m in (a, b))
    side = min(a.shape[2], a.shape[3])
    win = min(7, side if side % 2 else side - 1)
    if win < 3:
        return np.full(a.shape[0], np.nan)
    return np.array(
        [
            structural_similarity(x, y, data_range=1.0, win_size=win)
            for x, y in zip(ma, mb, strict=True)
        ]
    )


def similarities(a: np.ndarray, b: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """All metrics that apply: SSIM only for images."""
    out = {
        "spearman_signed": spearman(a, b),
        "spearman_abs": spearman(np.abs(a), np.abs(b)),
        "top_k": top_k_overlap(a, b, k),
    }
    if a.ndim == 4:
        out["ssim"] = ssim(a, b)
    return out


def _flat(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float64).reshape(a.shape[0], -1)


def _unit(maps: np.ndarray) -> np.ndarray:
    low = maps.min(axis=(1, 2), keepdims=True)
    span = maps.max(axis=(1, 2), keepdims=True) - low
    return np.where(span > 0, (maps - low) / np.where(span > 0, span, 1), 0.0)
