"""Stability scopes of the Captum explainers, through the engine's two hooks.

* ``"baseline"``: redraw the baseline: given ``baselines=[...]`` (one
  replicate each), or the fitted one plus Gaussian noise of ``scale`` times
  each feature's standard deviation (a uniform baseline is redrawn whole).
* ``"noise"``: new seeds for the random draws (SmoothGrad noise, GradientSHAP's
  baselines and path points) of a fixed model and baseline.
* ``"seed"``: retrain the network with ``train(model_factory, X, y, seed)`` on
  the same rows; ``"rows"`` (the engine's default) retrains on resampled rows.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import numpy as np

from interpkit.adapters.captum.baselines import build_baseline
from interpkit.tags import ExplainerTags


class StabilityHooks:
    """Tags, ``_stability_setup`` and ``_replicate`` of :class:`CaptumExplainer`."""

    def __interpkit_tags__(self) -> ExplainerTags:
        parent = getattr(super(), "__interpkit_tags__", None)
        tags = parent() if parent is not None else ExplainerTags()
        trained = getattr(self, "train", None) is not None
        stochastic = self._stochastic or getattr(self, "noise_tunnel", None) is not None
        scopes = ("baseline",) if hasattr(self, "baseline") else ()
        scopes += ("noise",) if stochastic else ()
        kind = "tensor" if getattr(self, "input_kind_", "tabular") == "image" else "tabular"
        # the engine resamples rows of a table; images retrain with scope="seed"
        scopes += (("seed", "rows") if kind == "tabular" else ("seed",)) if trained else ()
        return dataclasses.replace(
            tags,
            input_kind=kind,
            tasks=("regression", "binary", "multiclass"),
            refittable=trained,
            stochastic=stochastic,
            scopes=scopes,
            sample_weight=False,
            requires_y=trained,
        )

    def _scope_refusal(self, scope: str) -> str | None:
        name = type(self).__name__
        if scope in ("seed", "rows") and getattr(self, "train", None) is None:
            return (
                f"scope={scope!r} retrains the network, but {name} explains a fixed model=; "
                "pass train=train(model_factory, X, y, seed) and model_factory= instead"
            )
        if scope == "noise":
            return f"scope='noise' redraws random noise: {name} needs noise_tunnel= for it"
        if scope == "rows":
            return "scope='rows' resamples rows of a table; for images use scope='seed'"
        return None

    def _stability_setup(self, scope: str, X: Any, y: Any, options: dict) -> dict:
        if scope == "rows":  # the engine's default: resample rows, clone, refit
            return super()._stability_setup(scope, X, y, options)
        options = dict(options)
        shared: dict[str, Any] = {}
        if scope == "baseline":
            given = options.pop("baselines", None)
            scale = float(options.pop("scale", 0.1))
            if given is not None:
                built = [
                    build_baseline(b, self.X_fit_, self.input_kind_, self.seed_,
                                   multi=self._multi_baseline)
                    for b in given
                ]  # fmt: skip
                shared = {"baselines": built, "n_replicates": len(built)}
            elif self.baseline_ is None:
                raise ValueError(
                    "a blurred-image baseline depends on each image and has no noise to redraw; "
                    "pass baselines=['blur:1', 'blur:3', ...] to compare several"
                )
            else:
                if not scale > 0:
                    raise ValueError(f"scale must be positive, got {scale}")
                shared = {"scale": scale, "sd": self.X_fit_.std(axis=0)}
        elif scope == "seed":
            if getattr(self, "train", None) is None:
                raise ValueError(
                    "scope='seed' retrains the network: pass train= and model_factory="
                )
        if options:
            raise ValueError(f"unknown options for scope={scope!r}: {sorted(options)}")
        return shared

    def _replicate(self, scope: str, seed: int, index: int, shared: dict) -> tuple[Any, dict]:
        if scope == "rows":
            return super()._replicate(scope, seed, index, shared)
        rep = copy.copy(self)
        if scope == "noise":
            rep.seed_ = int(seed)
            return rep, {}
        if scope == "seed":
            rep.model_ = self._train(self.X_fit_, self.y_fit_, int(seed))
            return rep, {"train_seed": float(seed)}
        if scope == "baseline":
            if "baselines" in shared:
                rep.baseline_, rep.baseline_desc_ = shared["baselines"][index]
            elif self.baseline_desc_.startswith("uniform"):
                rep.baseline_, rep.baseline_desc_ = build_baseline(
                    "uniform", self.X_fit_, self.input_kind_, int(seed), multi=False
                )
            else:
                noise = np.random.RandomState(seed).normal(size=self.baseline_.shape)
                rep.baseline_ = self.baseline_ + shared["scale"] * shared["sd"] * noise
                rep.baseline_desc_ = f"{self.baseline_desc_} + noise ({shared['scale']:g} sd)"
            return rep, {"baseline_mean": float(rep.baseline_.mean())}
        raise ValueError(f"scope {scope!r} is not supported by {type(self).__name__}")
