"""What an SAE's features do on a set of activations: sparsity, fit, density, contexts, logits.

>>> from interpkit.sae import survey                           # doctest: +SKIP
>>> s = survey(sae, acts, layer="layer_3", tokens=tokens)      # doctest: +SKIP
>>> s.l0, s.fvu, s.features.head()                             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from interpkit.sae._inputs import as_rows, check_width
from interpkit.sae.contexts import Context, check_tokens, context_html, top_contexts
from interpkit.sae.model import SparseAutoencoder

__all__ = ["FeatureSurvey", "logit_effects", "survey"]


@dataclass(frozen=True, eq=False)
class FeatureSurvey:
    """An SAE's features measured on activations.

    Attributes
    ----------
    l0 : float
        Mean number of active features per row.
    fvu : float
        Fraction of variance unexplained,
        ``sum ||x - x_hat||^2 / sum ||x - mean(x)||^2`` over rows.
    features : DataFrame
        One row per feature (index ``feature``): ``density`` (share of rows
        where it is active), ``mean_active`` (mean activation where active),
        ``max``, ``dead`` (never active), ``dense`` (density above
        ``dense_threshold``).
    density_bins : ndarray
        Edges of the histogram of log10 density of the live features.
    density_counts : ndarray
        Number of live features per bin.
    contexts : list of Context
        Each feature's top-activating rows (see :func:`top_contexts`).
    logits : DataFrame or None
        With an unembedding: per feature, the tokens whose logits its decoder
        atom raises (``direction="up"``) and lowers most, ``atom @ W_U``.
    params : dict
        ``dense_threshold``, ``top``, ``window``, number of rows and samples.
    """

    l0: float
    fvu: float
    features: pd.DataFrame
    density_bins: np.ndarray
    density_counts: np.ndarray
    contexts: list[Context]
    logits: pd.DataFrame | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def n_dead(self) -> int:
        return int(self.features["dead"].sum())

    @property
    def n_dense(self) -> int:
        return int(self.features["dense"].sum())

    def contexts_of(self, feature: int) -> list[Context]:
        """The top contexts of one feature, best first."""
        if not 0 <= int(feature) < len(self.features):
            raise ValueError(f"feature {feature} out of range: the SAE has {len(self.features)}")
        return [c for c in self.contexts if c.feature == int(feature)]

    def context_html(self, feature: int) -> str:
        """The feature's top contexts as escaped, highlighted HTML, one line each."""
        ctx = self.contexts_of(feature)
        scale = max((c.activation for c in ctx), default=1.0)
        lines = [f"<div>{context_html(c, scale)} ({c.activation:.3g})</div>" for c in ctx]
        return "\n".join(lines)

    def top_features(self, n: int = 6) -> list[int]:
        """The ``n`` live features with the largest mean activation times density."""
        live = self.features[~self.features["dead"]]
        score = (live["density"] * live["mean_active"]).sort_values(ascending=False)
        return [int(f) for f in score.index[:n]]

    def summary(self) -> pd.DataFrame:
        """One row: L0, FVU, number of features, dead and dense features."""
        return pd.DataFrame(
            [
                {
                    "L0": self.l0,
                    "FVU": self.fvu,
                    "features": len(self.features),
                    "dead": self.n_dead,
                    "dense": self.n_dense,
                    "rows": self.params.get("n_rows"),
                }
            ]
        )

    def _add_to_report_(self, report: Any, title: str | None) -> None:
        from interpkit.plots import sae as sae_plots

        title = title or "SAE feature survey"
        report.add_table(self.summary(), caption=f"{title}: sparsity and reconstruction")
        report.add_figure(sae_plots.density_histogram(self), caption=f"{title}: feature density")
        feats = self.top_features(4)
        if feats and self.contexts:
            report.add_figure(
                sae_plots.feature_cards(self, feats),
                caption=f"{title}: top-activating contexts (shade = activation)",
            )
        if self.logits is not None:
            table = self.logits[self.logits["feature"].isin(feats)]
            report.add_table(table, caption=f"{title}: logit effects (decoder atom @ W_U)")
        report.add_provenance(title, {"method": "SAE feature survey", **self.params})


def logit_effects(
    sae: SparseAutoencoder,
    unembed: Any,
    vocab: Sequence[str] | None = None,
    n_tokens: int = 5,
) -> pd.DataFrame:
    """Tokens each feature's decoder atom raises and lowers most: ``atoms @ W_U``.

    Parameters
    ----------
    sae : SparseAutoencoder
    unembed : array-like or tensor, shape (d_in, d_vocab)
        The unembedding (TransformerLens ``model.W_U``).
    vocab : sequence of str, optional
        Token strings, one per column of ``unembed`` (default: the column index).
    n_tokens : int
        Tokens per feature and direction.

    Returns
    -------
    DataFrame
        Columns ``feature, direction ("up"/"down"), rank, token, token_id, effect``.
    """
    if type(unembed).__module__.startswith("torch"):
        unembed = unembed.detach().cpu().numpy()
    w_u = np.asarray(unembed, dtype=np.float64)
    if w_u.ndim != 2 or w_u.shape[0] != sae.d_in:
        hint = " (transpose it: W_U is (d_in, d_vocab))" if w_u.ndim == 2 else ""
        raise ValueError(
            f"unembed has shape {w_u.shape}; expected ({sae.d_in}, d_vocab) for this SAE{hint}"
        )
    if vocab is not None and len(vocab) != w_u.shape[1]:
        raise ValueError(f"vocab has {len(vocab)} tokens but unembed has {w_u.shape[1]} columns")
    effects = sae.atoms @ w_u
    n = min(int(n_tokens), w_u.shape[1])
    records = []
    for f in range(sae.d_sae):
        order = np.argsort(-effects[f], kind="stable")
        for direction, ids in (("up", order[:n]), ("down", order[::-1][:n])):
            for rank, t in enumerate(ids):
                token = str(vocab[t]) if vocab is not None else str(int(t))
                records.append((f, direction, rank, token, int(t), float(effects[f, t])))
    columns = ["feature", "direction", "rank", "token", "token_id", "effect"]
    return pd.DataFrame.from_records(records, columns=columns)


def survey(
    sae: SparseAutoencoder,
    activations: Any,
    *,
    layer: str | int | None = None,
    tokens: Sequence[Sequence[str]] | None = None,
    texts: Sequence[str] | None = None,
    unembed: Any = None,
    vocab: Sequence[str] | None = None,
    top: int = 5,
    window: int = 6,
    dense_threshold: float = 0.1,
    n_bins: int = 30,
) -> FeatureSurvey:
    """Survey ``sae``'s features on ``activations``.

    Parameters
    ----------
    sae : SparseAutoencoder
    activations : array-like, tensor or Activations
        As for :func:`~interpkit.sae.train_sae`, with ``d_in`` units.
    layer : str or int, optional
        The layer of an Activations result.
    tokens : sequence of sequences of str, optional
        Per-token activations only: the token strings of each sample, aligned
        with positions (e.g. ``tokenizer.convert_ids_to_tokens``).
    texts : sequence of str, optional
        One label per sample (default: the Activations' texts), the context
        shown for pooled activations.
    unembed, vocab : optional
        An unembedding ``(d_in, d_vocab)`` and its token strings, for
        :func:`logit_effects`.
    top : int
        Contexts kept per feature.
    window : int
        Tokens kept either side of a top-activating token.
    dense_threshold : float
        A feature active on more than this share of rows is "dense".
    n_bins : int
        Bins of the log10 density histogram.
    """
    if type(sae).__name__ != "SparseAutoencoder":
        raise TypeError(f"survey() takes a SparseAutoencoder, got {type(sae).__name__}")
    if not 0 < dense_threshold < 1:
        raise ValueError(f"dense_threshold must be in (0, 1), got {dense_threshold!r}")
    for name, value in (("top", top), ("n_bins", n_bins)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not isinstance(window, int) or window < 0:
        raise ValueError(f"window must be a non-negative integer, got {window!r}")
    rows = as_rows(activations, layer)
    check_width(rows, sae.d_in)
    check_tokens(rows, tokens, texts)
    logits = None if unembed is None else logit_effects(sae, unembed, vocab)
    feats = sae.encode_rows(rows.x)
    x = rows.x.astype(np.float64)
    resid = x - sae.decode(feats)
    total = ((x - x.mean(axis=0)) ** 2).sum()
    fvu = float((resid**2).sum() / total) if total > 0 else float("nan")
    active = feats > 0
    density = active.mean(axis=0)
    n_active = active.sum(axis=0)
    mean_active = np.divide(
        feats.sum(axis=0), n_active, out=np.zeros(sae.d_sae), where=n_active > 0
    )
    table = pd.DataFrame(
        {
            "density": density,
            "mean_active": mean_active,
            "max": feats.max(axis=0),
            "dead": n_active == 0,
            "dense": density > dense_threshold,
        },
        index=pd.RangeIndex(sae.d_sae, name="feature"),
    )
    live = np.log10(density[n_active > 0])
    low = min(float(np.log10(1.0 / len(x))), float(live.min()) if live.size else 0.0)
    counts, bins = np.histogram(live, bins=n_bins, range=(low, 0.0))
    contexts = top_contexts(rows, feats, top, window, tokens, texts)
    params = {
        "dense_threshold": dense_threshold,
        "top": top,
        "window": window,
        "n_rows": int(len(x)),
        "n_samples": rows.n_samples,
        "layer": rows.layer,
        "sae": dict(sae.params),
    }
    return FeatureSurvey(
        float(active.sum(axis=1).mean()), fvu, table, bins, counts, contexts, logits, params
    )
