"""One explainer per Captum algorithm, each a few lines over :class:`CaptumExplainer`.

Common parameters
-----------------
model : torch.nn.Module
    The trained network, explained post hoc (put in eval mode).
target : int, list of int, "predicted", callable or None
    The output explained: a class index, one index per explained row, each
    row's predicted class, or ``f(output) -> (n,)`` on the raw output. ``None``
    for a network with one output.
baseline : "zeros", "means", "uniform", "blur[:sigma]", array or tensor
    What "absent" means (see :func:`~interpkit.adapters.captum.baselines.build_baseline`);
    recorded in every result's params, and ``base_value`` is the model's
    output at it.
noise_tunnel : {None, "smoothgrad", "smoothgrad_sq", "vargrad"}
    Gradient methods: average (or square-average, or variance of) the
    attributions of ``nt_samples`` noisy copies of each input, noise of
    standard deviation ``nt_stdev`` times the range of the fit inputs.
delta_tol : float
    Completeness methods: a row whose ``|sum(attr) - (f(x) - f(baseline))|``
    exceeds ``delta_tol`` times ``|f(x) - f(baseline)|`` is named in a warning.
train, model_factory : callables, optional
    Instead of ``model``: ``fit(X, y)`` calls ``train(model_factory, X, y,
    seed)`` for the network, and stability scopes ``"seed"`` and ``"rows"``
    retrain it.
random_state : int, optional
    Seeds the baseline draws, the noise and the training seed.
"""

from __future__ import annotations

from typing import Any

from interpkit.adapters.captum.base import CaptumExplainer

__all__ = [
    "DeepLiftExplainer",
    "DeepLiftShapExplainer",
    "FeatureAblationExplainer",
    "GradientShapExplainer",
    "InputXGradientExplainer",
    "IntegratedGradientsExplainer",
    "OcclusionExplainer",
    "SaliencyExplainer",
]


class IntegratedGradientsExplainer(CaptumExplainer):
    """Integrated gradients: ``(x - x0) * mean of the gradient on the path x0 -> x``.

    Complete: attributions of a row sum to ``f(x) - f(x0)`` up to the
    integration error, stored per row in the ``convergence_delta`` coordinate
    (see :func:`~interpkit.adapters.captum.convergence_curve`).
    Parameters as in :mod:`~interpkit.adapters.captum.methods`, plus ``n_steps``,
    ``integration`` (Captum's ``method``: "gausslegendre", "riemann_trapezoid", ...)
    and ``internal_batch_size`` (inputs per forward pass, to bound memory).

    Examples
    --------
    >>> ig = IntegratedGradientsExplainer(model=net, target=1).fit(X_train)  # doctest: +SKIP
    >>> ig.explain(X_test).values.dims  # doctest: +SKIP
    ('sample', 'feature')
    """

    _method = "integrated_gradients"
    _captum_class = "IntegratedGradients"
    _delta = True

    def __init__(
        self, model: Any = None, target: Any = None, baseline: Any = "zeros", n_steps: int = 50,
        integration: str = "gausslegendre", internal_batch_size: int | None = None,
        noise_tunnel: str | None = None, nt_samples: int = 10, nt_stdev: float = 0.1,
        delta_tol: float = 1e-3, train: Any = None, model_factory: Any = None,
        random_state: int | None = None,
    ) -> None:  # fmt: skip
        self._store(locals())

    def _attribute_kwargs(self, baseline: Any) -> dict[str, Any]:
        return {
            "baselines": baseline,
            "n_steps": int(self.n_steps),
            "method": self.integration,
            "internal_batch_size": self.internal_batch_size,
        }

    def _method_params(self) -> dict[str, Any]:
        return {"n_steps": int(self.n_steps), "integration": self.integration}


class SaliencyExplainer(CaptumExplainer):
    """Saliency: the gradient of the output at the input (``abs=True``: its size)."""

    _method = "saliency"
    _captum_class = "Saliency"

    def __init__(
        self, model: Any = None, target: Any = None, abs: bool = True,
        noise_tunnel: str | None = None, nt_samples: int = 10, nt_stdev: float = 0.1,
        train: Any = None, model_factory: Any = None, random_state: int | None = None,
    ) -> None:  # fmt: skip
        self._store(locals())

    def _attribute_kwargs(self, baseline: Any) -> dict[str, Any]:
        return {"abs": bool(self.abs)}

    def _method_params(self) -> dict[str, Any]:
        return {"abs": bool(self.abs)}


class InputXGradientExplainer(CaptumExplainer):
    """Input times gradient: ``x * df/dx`` (integrated gradients of one step from 0)."""

    _method = "input_x_gradient"
    _captum_class = "InputXGradient"

    def __init__(
        self, model: Any = None, target: Any = None,
        noise_tunnel: str | None = None, nt_samples: int = 10, nt_stdev: float = 0.1,
        train: Any = None, model_factory: Any = None, random_state: int | None = None,
    ) -> None:  # fmt: skip
        self._store(locals())


class DeepLiftExplainer(CaptumExplainer):
    """DeepLIFT (Rescale rule): complete, from one backward pass with modified gradients.

    Needs nonlinearities as modules (``nn.ReLU``), each used once.
    """

    _method = "deeplift"
    _captum_class = "DeepLift"
    _delta = True
    _more_steps_hint = "check that every nonlinearity is its own nn.Module, used once"

    def __init__(
        self, model: Any = None, target: Any = None, baseline: Any = "zeros",
        noise_tunnel: str | None = None, nt_samples: int = 10, nt_stdev: float = 0.1,
        delta_tol: float = 1e-3, train: Any = None, model_factory: Any = None,
        random_state: int | None = None,
    ) -> None:  # fmt: skip
        self._store(locals())

    def _attribute_kwargs(self, baseline: Any) -> dict[str, Any]:
        return {"baselines": baseline}


class DeepLiftShapExplainer(CaptumExplainer):
    """DeepLIFT-SHAP: DeepLIFT against each baseline of a distribution, averaged.

    Deterministic given the baselines: ``baseline="sample:K"`` draws K fit
    rows once at fit (seeded by ``random_state``), or pass an array of k >= 2
    rows. Complete against the mean baseline output: a row's attributions sum
    to ``f(x) - mean_k f(b_k)``; the delta stored per row is the mean of
    DeepLIFT's deltas over the k baselines. Needs nonlinearities as modules,
    each used once, as DeepLIFT does.
    """

    _method = "deeplift_shap"
    _captum_class = "DeepLiftShap"
    _delta = True
    _multi_baseline = True
    _more_steps_hint = "check that every nonlinearity is its own nn.Module, used once"

    def __init__(
        self, model: Any = None, target: Any = None, baseline: Any = "sample:20",
        delta_tol: float = 1e-3, train: Any = None, model_factory: Any = None,
        random_state: int | None = None,
    ) -> None:  # fmt: skip
        self._store(locals())

    def _fit_arrays(self, X_arr: Any, kind: str, names: Any, y: Any, model: Any = None) -> Any:
        super()._fit_arrays(X_arr, kind, names, y, model)
        if self.baseline_ is None or self.baseline_.shape[0] < 2:
            raise ValueError(
                f"DeepLiftShapExplainer averages over a distribution of baselines, got "
                f"baseline={self.baseline_desc_!r} (one row); pass baseline='sample:K' "
                "(K >= 2 fit rows) or an array of k >= 2 rows, or use DeepLiftExplainer"
            )
        return self

    def _attribute_kwargs(self, baseline: Any) -> dict[str, Any]:
        return {"baselines": baseline}


class GradientShapExplainer(CaptumExplainer):
    """GradientSHAP: expected gradients over baselines drawn from a distribution.

    Stochastic (``n_samples`` random baselines and path points per row, plus
    noise of ``stdevs``); complete in expectation only, so the per-row delta
    shrinks as ``n_samples`` grows (so ``delta_tol`` defaults to 1: warn only when
    the error is as large as ``f(x) - E f(baseline)`` itself). ``baseline="sample:K"``
    draws K fit rows.
    """

    _method = "gradient_shap"
    _captum_class = "GradientShap"
    _delta = True
    _multi_baseline = True
    _stochastic = True
    _more_steps_hint = "increase n_samples"

    def __init__(
        self, model: Any = None, target: Any = None, baseline: Any = "sample:50",
        n_samples: int = 20, stdevs: float = 0.0,
        noise_tunnel: str | None = None, nt_samples: int = 10, nt_stdev: float = 0.1,
        delta_tol: float = 1.0, train: Any = None, model_factory: Any = None,
        random_state: int | None = None,
    ) -> None:  # fmt: skip
        self._store(locals())

    def _attribute_kwargs(self, baseline: Any) -> dict[str, Any]:
        return {"baselines": baseline, "n_samples": int(self.n_samples), "stdevs": self.stdevs}

    def _method_params(self) -> dict[str, Any]:
        return {"n_samples": int(self.n_samples), "stdevs": float(self.stdevs)}


class OcclusionExplainer(CaptumExplainer):
    """Occlusion: the output drop when a window is replaced by the baseline.

    ``window``/``stride``: features (tabular) or pixels per side (images,
    all channels at once). Needs no gradient.
    """

    _method = "occlusion"
    _captum_class = "Occlusion"
    _gradient = False

    def __init__(
        self, model: Any = None, target: Any = None, baseline: Any = "zeros",
        window: int = 1, stride: int = 1, train: Any = None, model_factory: Any = None,
        random_state: int | None = None,
    ) -> None:  # fmt: skip
        self._store(locals())

    def _attribute_kwargs(self, baseline: Any) -> dict[str, Any]:
        w, s = int(self.window), int(self.stride)
        if len(self.input_shape_) == 1:
            shapes, strides = (w,), (s,)
        else:
            shapes, strides = (self.input_shape_[0], w, w), (self.input_shape_[0], s, s)
        return {"baselines": baseline, "sliding_window_shapes": shapes, "strides": strides}

    def _method_params(self) -> dict[str, Any]:
        return {"window": int(self.window), "stride": int(self.stride)}


class FeatureAblationExplainer(CaptumExplainer):
    """Feature ablation: the output change when each feature (pixel) takes the baseline."""

    _method = "feature_ablation"
    _captum_class = "FeatureAblation"
    _gradient = False

    def __init__(
        self, model: Any = None, target: Any = None, baseline: Any = "zeros",
        train: Any = None, model_factory: Any = None, random_state: int | None = None,
    ) -> None:  # fmt: skip
        self._store(locals())

    def _attribute_kwargs(self, baseline: Any) -> dict[str, Any]:
        return {"baselines": baseline}
