"""Per-batch activations copied into one (layer, sample, [position,] unit) array.

Extraction yields one float32 array per batch and layer. Concatenating per layer,
padding, then stacking the layers made three more copies of everything (peak
memory about four times the result); here the result is allocated once and each
batch is freed as soon as it is copied in.
"""

from __future__ import annotations

import numpy as np


class LayerArrays(dict):
    """Per-layer views of one stacked array, which :func:`_stack` takes as it is.

    ``stacked`` has dims (layer, sample, [position,] unit); layers narrower than
    the widest have zeros in the extra units, and ``n_units`` says each width.
    """

    def __init__(self, stacked: np.ndarray, names: list[str], n_units: dict[str, int]) -> None:
        super().__init__({name: stacked[i, ..., : n_units[name]] for i, name in enumerate(names)})
        self.stacked = stacked
        self.n_units = n_units


def assemble(
    parts: dict[str, list[np.ndarray]],
    masks: list[np.ndarray] | None,
    pooling: str | None,
) -> tuple[LayerArrays, np.ndarray | None]:
    """Stack per-batch arrays of every layer; unpooled positions are padded with NaN.

    ``parts`` maps a layer to its batches, (batch, units) or (batch, position,
    units), all of one kind; ``masks`` are the batches' attention masks (batch,
    position), or None when every position is real. The batches are emptied.
    Returns the arrays and the (sample, position) mask (None when pooled).
    """
    names = list(parts)
    batches = [len(a) for a in parts[names[0]]]
    n = sum(batches)
    n_units = {name: int(p[0].shape[-1]) for name, p in parts.items()}
    with_positions = parts[names[0]][0].ndim == 3
    if with_positions != all(a.ndim == 3 for p in parts.values() for a in p):
        raise ValueError("with pooling=None all layers must have a position dim (B, P, U)")
    mask_all = None
    if with_positions:
        widths = {a.shape[1] for p in parts.values() for a in p}
        if masks is None and len(widths) > 1:
            raise ValueError(
                f"the layers return different numbers of positions {sorted(widths)}; "
                "pool them (pooling='mean', 'first' or 'last') or ask for them one at a time"
            )
        width = max(widths)
        mask_all = np.ones((n, width), dtype=np.int64 if masks else bool)
        if masks:
            mask_all[:] = 0
            start = 0
            for m in masks:
                mask_all[start : start + len(m), : m.shape[1]] = m
                start += len(m)
        shape: tuple[int, ...] = (len(names), n, width, max(n_units.values()))
    else:
        shape = (len(names), n, max(n_units.values()))
    stacked = np.zeros(shape, dtype=np.float32)
    for i, name in enumerate(names):
        start = 0
        batch_list = parts[name]
        batch_list.reverse()  # pop from the end: each batch freed once copied
        while batch_list:
            a = batch_list.pop()
            rows = slice(start, start + len(a))
            if with_positions:
                stacked[i, rows, : a.shape[1], : a.shape[2]] = a
            else:
                stacked[i, rows, : a.shape[1]] = a
            start += len(a)
    if with_positions and masks:
        stacked[:, mask_all == 0] = np.nan  # padding is no activation
    return LayerArrays(stacked, names, n_units), (mask_all if pooling is None else None)
