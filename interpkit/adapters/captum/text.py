"""Layer integrated gradients for text: token attributions through an embedding layer.

Integrated gradients cannot move along integer token ids, so the path runs
in the output space of a layer (the token embedding, usually): from the
embedding of a baseline sequence, the same text with every ordinary token
replaced by ``[PAD]``, ``[UNK]``, ``[MASK]`` or a given id, to the embedding of
the text. Each token's attribution is the sum over the layer's features.

Padding is masked out with zeros, not NaN: positions where the attention mask
is 0 get attribution exactly 0 and ``mask=False`` in the ``mask`` coordinate,
so sums over tokens (completeness) and saved files stay finite; filter with
``values.where(values.mask)`` to get NaN there instead.
"""

from __future__ import annotations

import dataclasses
import importlib
import warnings
from typing import Any

import numpy as np
import xarray as xr
from sklearn.utils import check_random_state

from interpkit._optional import import_backend
from interpkit.adapters.captum import model as net
from interpkit.adapters.captum.base import _CAPTUM_NOTICES, CaptumExplainer
from interpkit.adapters.captum.tokens import (
    Tokens,
    baseline_ids,
    baseline_token,
    check_tokenizer,
    special_ids,
    token_inputs,
)
from interpkit.tags import ExplainerTags

__all__ = ["LayerIntegratedGradientsExplainer"]

TEXT_DIMS = ("sample", "token")
N_GLOBAL_ROWS = 200


class LayerIntegratedGradientsExplainer(CaptumExplainer):
    """Token attributions by integrated gradients on a layer's output (Captum's LayerIG).

    Parameters
    ----------
    model : torch.nn.Module
        Takes token ids ``(n, L)`` (and, with ``pass_attention_mask=True``, the
        attention mask as second argument) and returns ``(n,)`` or ``(n, k)``.
    layer : torch.nn.Module or str
        The layer whose output the path runs through: a submodule of ``model``
        or its dotted name (``"embeddings.word_embeddings"``).
    tokenizer : Hugging Face tokenizer
        Turns texts into ids, ids into the token strings of the result, and
        names the baseline tokens.
    target : int, list of int, "predicted", callable or None
        As for the other Captum explainers.
    baseline : "[PAD]", "[UNK]", "[MASK]", a token string or a token id
        The token put in place of every ordinary token of the text; the
        special tokens ([CLS], [SEP], padding) are kept (``keep_special``).
        Recorded in params (``baseline``, ``baseline_token_id``).
    keep_special : bool
        Keep the tokenizer's special tokens in the baseline sequence.
    n_steps, integration, internal_batch_size
        As for :class:`IntegratedGradientsExplainer`.
    max_length : int, optional
        Pad (and truncate) texts to this many tokens; default: the longest text.
    pass_attention_mask : bool
        Call ``model(ids, attention_mask)`` instead of ``model(ids)``.
    delta_tol : float
        Rows whose completeness error exceeds ``delta_tol * |f(x) - f(baseline)|``
        are named in a warning; every row's delta is the ``convergence_delta``
        coordinate.
    random_state : int, optional
        Seeds the choice of the rows of the global view (at most 200).

    Notes
    -----
    ``explain(texts)`` has dims ``("sample", "token")`` (token = position) and
    the coordinates ``token_text`` and ``mask`` over both dims; ``data`` holds
    the token ids. ``explain()`` averages ``|attribution|`` per distinct token
    string over the fit texts, dims ``("token",)``.
    """

    _method = "layer_integrated_gradients"
    _captum_class = "LayerIntegratedGradients"
    _delta = True
    train = None  # fixed-model only: the base class reads these
    model_factory = None

    def __init__(
        self, model: Any = None, layer: Any = None, tokenizer: Any = None, target: Any = None,
        baseline: Any = "[PAD]", keep_special: bool = True, n_steps: int = 50,
        integration: str = "gausslegendre", internal_batch_size: int | None = None,
        max_length: int | None = None, pass_attention_mask: bool = False,
        delta_tol: float = 1e-3, random_state: int | None = None,
    ) -> None:  # fmt: skip
        self._store(locals())

    def __interpkit_tags__(self) -> ExplainerTags:
        return dataclasses.replace(
            super().__interpkit_tags__(),
            input_kind="tokens",
            refittable=False,
            stochastic=False,
            scopes=(),
            requires_y=False,
        )

    # -- fit -------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> LayerIntegratedGradientsExplainer:
        """Check the network, layer, tokenizer and baseline on texts (or token ids) ``X``."""
        name = type(self).__name__
        if self.model is None:
            raise TypeError(f"{name} needs model= (a torch.nn.Module taking token ids)")
        check_tokenizer(self.tokenizer, name)
        model = net.prepare_model(self.model, name)
        self.layer_module_, self.layer_name_ = _resolve_layer(model, self.layer)
        self.baseline_token_id_, self.baseline_desc_ = baseline_token(self.baseline, self.tokenizer)
        self.baseline_ = None
        if self.max_length is not None and not int(self.max_length) >= 2:
            raise ValueError(f"max_length must be an int >= 2, got {self.max_length!r}")
        self.model_ = model
        self.device_, self.dtype_ = net.model_device_dtype(model)
        tokens = token_inputs(X, self.tokenizer, self.max_length, self.device_)
        if y is not None and np.shape(y)[:1] != (tokens.ids.shape[0],):
            raise ValueError(f"y has {np.shape(y)[:1]} values but X has {tokens.ids.shape[0]} rows")
        seeds = check_random_state(self.random_state).randint(2**31 - 1, size=2)
        self.seed_ = int(seeds[0])
        self.input_kind_ = "tokens"
        try:
            out = self._output(tokens)
        except (RuntimeError, ValueError, TypeError, IndexError) as err:
            raise ValueError(
                f"the model could not run on token ids of shape {tokens.ids.shape} "
                f"({type(err).__name__}: {err}); check the model takes ids"
                + (" and an attention mask" if self.pass_attention_mask else "")
            ) from err
        self.n_outputs_ = 1 if out.ndim == 1 else out.shape[1]
        net.check_target_spec(self.target, self.n_outputs_)
        self.X_fit_ = tokens
        n = min(N_GLOBAL_ROWS, tokens.ids.shape[0])
        idx = np.sort(np.random.RandomState(seeds[1]).choice(tokens.ids.shape[0], n, replace=False))
        self.global_rows_ = _rows(tokens, idx)
        return self

    # -- contract hooks ----------------------------------------------------------
    def _check_rows(self, X: Any) -> Tokens:
        return token_inputs(X, self.tokenizer, self.max_length, self.device_)

    def _predict(self, X: Tokens) -> np.ndarray:
        out = self._output(X)
        return net.selected(out, net.resolve_target(self.target, out, X.ids.shape[0]))

    def _explain_local(self, X: Tokens) -> Any:
        values, delta, fx, f0, target = self._attribute(X)
        n, length = X.ids.shape
        coords = {
            "sample": np.arange(n),
            "token": np.arange(length),
            "token_text": (TEXT_DIMS, X.text),
            "mask": (TEXT_DIMS, X.mask),
        }
        da = xr.DataArray(values, dims=TEXT_DIMS, coords=coords, name="attribution")
        da = da.assign_coords(convergence_delta=("sample", delta))
        return self._explanation(
            da,
            target,
            kind="local",
            base_value=xr.DataArray(f0, dims=("sample",)),
            data=xr.DataArray(X.ids, dims=TEXT_DIMS, coords=coords, name="token_id"),
            annotations={
                "max_abs_output": float(np.abs(fx).max()),
                "max_abs_delta": float(np.abs(delta).max()),
            },
        )

    def _explain_global(self) -> Any:
        if isinstance(self.target, list | tuple | np.ndarray):
            raise ValueError(
                "a per-row target cannot explain the fit texts; call explain(X) with the texts "
                "the targets belong to, or pass one class index"
            )
        rows = self.global_rows_
        values, delta, _, _, target = self._attribute(rows)
        text, mag = rows.text[rows.mask], np.abs(values[rows.mask])
        tokens, inverse, counts = np.unique(text, return_inverse=True, return_counts=True)
        mean = np.bincount(inverse, weights=mag, minlength=tokens.size) / counts
        order = np.lexsort((tokens, -mean))
        da = xr.DataArray(
            mean[order],
            dims=("token",),
            coords={"token": tokens[order], "count": ("token", counts[order])},
            name="mean_abs_attribution",
        )
        annotations = {
            "n_rows": float(rows.ids.shape[0]),
            "max_abs_delta": float(np.abs(delta).max()),
        }
        return self._explanation(da, target, kind="global", annotations=annotations)

    # -- computation -------------------------------------------------------------------
    def _attribute(self, X: Tokens) -> tuple:
        """``(attributions (n, L), delta (n,), f(X), f(baseline), target)``."""
        torch = net.torch_module()
        captum_attr = self._captum()
        forward = self._forward()
        ids, mask = self._ids(X.ids), self._ids(X.mask.astype(np.int64))
        base = baseline_ids(X, self.baseline_token_id_, self._kept())
        out = self._output(X)
        target = net.resolve_target(self.target, out, X.ids.shape[0])
        fx = net.selected(out, target)
        f0 = net.selected(self._output(dataclasses.replace(X, ids=base)), target)
        algo = captum_attr.LayerIntegratedGradients(forward, self.layer_module_)
        extra = (mask,) if self.pass_attention_mask else None
        with torch.random.fork_rng(devices=[]), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_CAPTUM_NOTICES)
            attr, delta = algo.attribute(
                ids, baselines=self._ids(base), target=target, additional_forward_args=extra,
                n_steps=int(self.n_steps), method=self.integration,
                internal_batch_size=self.internal_batch_size, return_convergence_delta=True,
            )  # fmt: skip
        if isinstance(attr, tuple | list):
            attr = attr[0]
        if attr.ndim < 2 or tuple(attr.shape[:2]) != X.ids.shape:
            raise ValueError(
                f"layer {self.layer_name_} gives outputs of shape {tuple(attr.shape)}, not one "
                f"vector per token {X.ids.shape}; pass the token embedding layer"
            )
        values = attr.detach().cpu().double().reshape(*X.ids.shape, -1).sum(-1).numpy()
        values = np.where(X.mask, values, 0.0)
        delta = delta.detach().cpu().double().numpy().reshape(-1)
        self._warn_delta(delta, fx, f0)
        return values, delta, fx, f0, target

    def _kept(self) -> set[int]:
        return special_ids(self.tokenizer) if self.keep_special else set()

    def _forward(self) -> Any:
        torch = net.torch_module()
        model, select = self.model_, self.target if callable(self.target) else None

        class _Forward(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, ids, mask=None):
                out = self.model(ids) if mask is None else self.model(ids, mask)
                return out if select is None else select(out)

        return _Forward()

    def _output(self, X: Tokens) -> np.ndarray:
        torch = net.torch_module()
        args = [self._ids(X.ids)]
        if self.pass_attention_mask:
            args.append(self._ids(X.mask.astype(np.int64)))
        with torch.no_grad():
            out = self._forward()(*args)
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"the model must return a tensor, got {type(out).__name__}")
        out = out.detach().cpu().double().numpy()
        if out.ndim not in (1, 2) or out.shape[0] != X.ids.shape[0]:
            raise ValueError(
                f"the model must return one row per text, shape (n,) or (n, n_outputs); got "
                f"{out.shape} for {X.ids.shape[0]} texts"
            )
        return out

    def _ids(self, arr: np.ndarray) -> Any:
        torch = net.torch_module()
        return torch.as_tensor(np.ascontiguousarray(arr), dtype=torch.long, device=self.device_)

    def _captum(self) -> Any:
        import_backend("captum", type(self).__name__)
        return importlib.import_module("captum.attr")

    def _method_params(self) -> dict[str, Any]:
        tok = self.tokenizer
        return {
            "layer": self.layer_name_,
            "tokenizer": f"{type(tok).__name__}({getattr(tok, 'name_or_path', '') or ''})",
            "n_steps": int(self.n_steps),
            "integration": self.integration,
            "baseline_token_id": int(self.baseline_token_id_),
            "baseline_token": str(tok.convert_ids_to_tokens(int(self.baseline_token_id_))),
            "keep_special": bool(self.keep_special),
            "padding": "masked: attribution 0 where mask is False",
        }

    def _noise_tunnel(self) -> None:
        return None

    def _scope_refusal(self, scope: str) -> str | None:
        return (
            f"{type(self).__name__} has no stability scopes yet; compare baselines by "
            "explaining with baseline='[PAD]', '[UNK]' and '[MASK]'"
        )

    def _stability_setup(self, scope: str, X: Any, y: Any, options: dict) -> dict:
        raise ValueError(self._scope_refusal(scope))


def _rows(tokens: Tokens, idx: np.ndarray) -> Tokens:
    return Tokens(ids=tokens.ids[idx], mask=tokens.mask[idx], text=tokens.text[idx])


def _resolve_layer(model: Any, layer: Any) -> tuple[Any, str]:
    """The layer module and its name in ``model``."""
    torch = net.torch_module()
    named = dict(model.named_modules())
    if layer is None:
        embeddings = [n for n, m in named.items() if isinstance(m, torch.nn.Embedding)]
        hint = f" (its embedding layers: {embeddings})" if embeddings else ""
        raise TypeError(f"pass layer= (a submodule of the model or its dotted name){hint}")
    if isinstance(layer, str):
        if layer not in named:
            raise ValueError(
                f"layer={layer!r} is not a submodule of the model; its modules include "
                f"{[n for n in named if n][:8]}"
            )
        return named[layer], layer
    for name, module in named.items():
        if module is layer:
            return module, name or type(module).__name__
    raise ValueError(
        f"layer must be a submodule of the model (or its dotted name); this "
        f"{type(layer).__name__} is not one of the model's modules"
    )
