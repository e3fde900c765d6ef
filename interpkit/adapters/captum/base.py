"""The base of every Captum explainer: fit on a network, explain rows or images.

One subclass per Captum algorithm (``methods``) sets the Captum class, what
it needs (gradients, a baseline) and what it guarantees (completeness); this
base does the rest: input checks, eval mode and device, target and baseline,
the noise tunnel, the completeness check and the named result.
"""

from __future__ import annotations

import importlib
import threading
import warnings
from typing import Any

import numpy as np
import xarray as xr
from sklearn.utils import check_random_state

from interpkit._optional import import_backend
from interpkit.adapters.captum import model as net
from interpkit.adapters.captum.baselines import baseline_params, baseline_rows, build_baseline
from interpkit.adapters.captum.inputs import check_inputs, dims_and_coords
from interpkit.adapters.captum.stability import StabilityHooks
from interpkit.explainer import Explainer, library_versions
from interpkit.explanation import Explanation

NOISE_TUNNELS = ("smoothgrad", "smoothgrad_sq", "vargrad")
# Captum's informational notices (hooks set by DeepLIFT, requires_grad set for us)
_CAPTUM_NOTICES = r"(?s).*(Setting forward, backward hooks|did not already require gradients)"
N_GLOBAL_ROWS = 200
_RNG_LOCK = threading.Lock()


class CaptumExplainer(StabilityHooks, Explainer):
    """Attributions of a torch network by one Captum algorithm (see the subclasses).

    ``fit(X)`` takes the network's inputs (a table, or images ``(n, C, H, W)``)
    to check it, build the baseline and draw the rows of the global view;
    with ``train=`` and ``model_factory=``, ``fit(X, y)`` trains the network
    first (and ``stability(scope="seed" | "rows")`` retrains it).
    """

    _method = ""
    _captum_class = ""
    _gradient = True  # needs a differentiable model
    _delta = False  # has a completeness (convergence) delta
    _multi_baseline = False  # takes a distribution of baselines
    _stochastic = False  # draws random numbers without a noise tunnel

    def _store(self, params: dict[str, Any]) -> None:
        for key, value in params.items():
            if key not in ("self", "__class__"):
                setattr(self, key, value)

    # -- fit ---------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> CaptumExplainer:
        """Check the network on ``X``, build the baseline; with ``train=``, train it first.

        Parameters
        ----------
        X : DataFrame or array (n, n_features), or images (n, C, H, W), array or tensor
            Inputs of the network; column names become feature names.
        y : array-like (n,), optional
            Only with ``train=``: the targets the network is trained on.
        """
        self._check_params()
        if self.train is not None:
            X_arr, kind, names = check_inputs(X, None)
            if y is None:
                raise ValueError(
                    f"{type(self).__name__}(train=...) trains the network on (X, y); pass y"
                )
            return self._fit_arrays(X_arr, kind, names, _check_y(y, X_arr.shape[0]))
        model = net.prepare_model(self.model, type(self).__name__)
        X_arr, kind, names = check_inputs(X, net.model_device_dtype(model)[0])
        if y is not None:  # not used, but a y that does not match is a mistake
            _check_y(y, X_arr.shape[0])
        return self._fit_arrays(X_arr, kind, names, None, model)

    def _fit_checked(
        self,
        X: np.ndarray,
        y: Any,
        feature_names: list[str],
        sample_weight: Any = None,
        codec: Any = None,
    ) -> CaptumExplainer:
        """The engine's refit on validated rows (scope ``"rows"``, tabular).

        ``codec`` is always None here: a network takes numbers, not the user's table.
        """
        self._check_params()
        return self._fit_arrays(X, "tabular", list(feature_names), y)

    def _fit_arrays(
        self, X_arr: np.ndarray, kind: str, names: list[str] | None, y: Any, model: Any = None
    ) -> CaptumExplainer:
        name = type(self).__name__
        seeds = check_random_state(self.random_state).randint(2**31 - 1, size=4)
        self.seed_, baseline_seed, rows_seed, self.train_seed_ = (int(s) for s in seeds)
        if model is None:  # train= given
            self.y_fit_ = np.asarray(y)
            model = self._train(X_arr, self.y_fit_, self.train_seed_)
        self.model_ = model
        self.device_, self.dtype_ = net.model_device_dtype(model)
        self.input_kind_, self.input_shape_ = kind, tuple(X_arr.shape[1:])
        self.n_features_in_ = int(np.prod(self.input_shape_))
        if kind == "tabular":
            self.feature_names_in_ = np.asarray(names, dtype=object)
        self.X_fit_ = X_arr
        try:
            out = self._output(X_arr[:2])
        except (RuntimeError, ValueError, TypeError) as err:
            raise ValueError(
                f"the model could not run on X with inputs of shape {self.input_shape_} "
                f"({type(err).__name__}: {err}); check that X has the features (or image "
                "shape) the network takes"
            ) from err
        self.n_outputs_ = 1 if out.ndim == 1 else out.shape[1]
        net.check_target_spec(self.target, self.n_outputs_)
        if self._gradient:
            net.check_differentiable(self._module(), self._tensor(X_arr[:1]), name)
        spec = getattr(self, "baseline", None)
        if spec is None:
            self.baseline_, self.baseline_desc_ = None, "none"
        else:
            self.baseline_, self.baseline_desc_ = build_baseline(
                spec, X_arr, kind, baseline_seed, multi=self._multi_baseline
            )
        self.noise_scale_ = float(getattr(self, "nt_stdev", 0.0)) * float(np.ptp(X_arr) or 1.0)
        n = min(N_GLOBAL_ROWS, X_arr.shape[0])
        idx = np.sort(np.random.RandomState(rows_seed).choice(X_arr.shape[0], n, replace=False))
        self.global_rows_ = X_arr[idx]
        return self

    def _train(self, X: np.ndarray, y: np.ndarray, seed: int) -> Any:
        model = self.train(self.model_factory, X, y, int(seed))
        return net.prepare_model(model, f"{type(self).__name__}(train=...)")

    # -- contract hooks --------------------------------------------------------------
    def _task(self) -> str:
        return "regression"

    def _check_rows(self, X: Any) -> np.ndarray:
        names = None if self.input_kind_ == "image" else [str(f) for f in self.feature_names_in_]
        arr, _, _ = check_inputs(
            X, self.device_, kind=self.input_kind_, shape=self.input_shape_, names=names
        )
        return arr

    def _predict(self, X: np.ndarray) -> np.ndarray:
        out = self._output(X)
        return net.selected(out, net.resolve_target(self.target, out, X.shape[0]))

    def _explain_local(self, X: np.ndarray) -> Explanation:
        values, delta, fx, f0, target = self._attribute(X)
        dims, coords = dims_and_coords(
            self.input_kind_, X.shape[0], self.input_shape_, self._names()
        )
        annotations = {"max_abs_output": float(np.abs(fx).max())}
        if delta is not None:
            coords["convergence_delta"] = ("sample", delta)
            annotations["max_abs_delta"] = float(np.abs(delta).max())
        # one DataArray built from the coordinates, the inputs a shallow copy sharing them:
        # xarray's constructor is most of interpkit's own cost on a small batch
        da = xr.DataArray(values, dims=dims, coords=coords, name="attribution")
        data = da.copy(deep=False, data=X)
        if delta is not None:
            data = data.reset_coords("convergence_delta", drop=True)
        data.name = "input"
        base: Any = float(f0[0]) if np.ptp(f0) == 0 else xr.DataArray(f0, dims=("sample",))
        return self._explanation(
            da, target, kind="local", base_value=base, data=data, annotations=annotations
        )

    def _explain_global(self) -> Explanation:
        if isinstance(self.target, list | tuple | np.ndarray):
            raise ValueError(
                "a per-row target cannot explain the fit rows; call explain(X) with the rows "
                "the targets belong to, or pass one class index"
            )
        values, delta, _, _, target = self._attribute(self.global_rows_)
        dims, coords = dims_and_coords(self.input_kind_, 0, self.input_shape_, self._names())
        coords.pop("sample")
        mean_abs = np.abs(values).mean(axis=0)
        da = xr.DataArray(mean_abs, dims=dims[1:], coords=coords, name="mean_abs_attribution")
        annotations = {"n_rows": float(values.shape[0])}
        if delta is not None:
            annotations["max_abs_delta"] = float(np.abs(delta).max())
        return self._explanation(da, target, kind="global", annotations=annotations)

    # -- computation ---------------------------------------------------------------
    def _attribute(self, X: np.ndarray) -> tuple:
        """``(attributions, delta per row or None, f(X), f(baseline), target)``."""
        torch = net.torch_module()
        captum_attr = self._captum()
        module = self._module()
        x = self._tensor(X)
        out = net.output_of(module, x)
        target = net.resolve_target(self.target, out, X.shape[0])
        fx = net.selected(out, target)
        base = None
        if self.baseline_desc_ != "none":
            base = baseline_rows(self.baseline_, self.baseline_desc_, X)
        f0 = self._baseline_output(base, target, X.shape[0])
        algo = getattr(captum_attr, self._captum_class)(module)
        kwargs = self._attribute_kwargs(None if base is None else self._tensor(base))
        want_delta = self._delta and self._noise_tunnel() is None
        if self._noise_tunnel() is not None:
            algo = captum_attr.NoiseTunnel(algo)
            kwargs.update(
                nt_type=self._noise_tunnel(), nt_samples=self.nt_samples, stdevs=self.noise_scale_
            )
        if want_delta:
            kwargs["return_convergence_delta"] = True
        devices = [x.device] if x.device.type == "cuda" else []
        stochastic = self._stochastic or self._noise_tunnel() is not None
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_CAPTUM_NOTICES)
            if stochastic:
                result = _seeded(
                    torch, self.seed_, devices, lambda: algo.attribute(x, target=target, **kwargs)
                )
            else:  # nothing random to seed (seeding torch costs ~1.5 ms: its device hooks)
                result = algo.attribute(x, target=target, **kwargs)
        attr, delta = result if want_delta else (result, None)
        values = attr.detach().cpu().double().numpy()
        if delta is not None:
            delta = delta.detach().cpu().double().numpy().reshape(X.shape[0], -1).mean(axis=1)
            self._warn_delta(delta, fx, f0)
        return values, delta, fx, f0, target

    def _baseline_output(self, base: np.ndarray | None, target: Any, n: int) -> np.ndarray:
        if base is None:
            return np.zeros(n)
        out0 = net.output_of(self._module(), self._tensor(base))
        if base.shape[0] == n and self.baseline_ is None:  # a baseline per row (blur)
            return net.selected(out0, target)
        mean = out0.mean(axis=0, keepdims=True)
        return net.selected(np.repeat(mean, n, axis=0), target)

    def _warn_delta(self, delta: np.ndarray, fx: np.ndarray, f0: np.ndarray) -> None:
        scale = np.abs(fx - f0) + np.sqrt(np.finfo(np.float32).eps) * (1 + np.abs(fx))
        bad = np.flatnonzero(np.abs(delta) > self.delta_tol * scale)
        if bad.size:
            rows = ", ".join(map(str, bad[:10])) + (", ..." if bad.size > 10 else "")
            warnings.warn(
                f"completeness fails for rows {rows}: |sum(attributions) - (f(x) - f(baseline))| "
                f"up to {np.abs(delta[bad]).max():.3g} (over {self.delta_tol:g} relative); "
                f"{self._more_steps_hint}; the deltas are in the 'convergence_delta' coordinate",
                RuntimeWarning,
                stacklevel=4,
            )

    _more_steps_hint = "increase n_steps"

    def _attribute_kwargs(self, baseline: Any) -> dict[str, Any]:
        return {}

    def _noise_tunnel(self) -> str | None:
        return getattr(self, "noise_tunnel", None)

    def _captum(self) -> Any:
        import_backend("captum", type(self).__name__)
        return importlib.import_module("captum.attr")

    def _module(self) -> Any:
        return net.wrap(self.model_, self.target if callable(self.target) else None)

    def _output(self, X: np.ndarray) -> np.ndarray:
        return net.output_of(self._module(), self._tensor(X))

    def _tensor(self, X: np.ndarray) -> Any:
        torch = net.torch_module()
        return torch.as_tensor(np.ascontiguousarray(X), dtype=self.dtype_, device=self.device_)

    def _names(self) -> list[str] | None:
        if self.input_kind_ == "image":
            return None
        return [str(f) for f in self.feature_names_in_]

    # -- the result ------------------------------------------------------------------
    def _explanation(
        self, values: xr.DataArray, target: Any, *, kind: str, **fields
    ) -> Explanation:
        params = {
            "kind": kind,
            "model": type(self.model_).__name__,
            "input_kind": self.input_kind_,
            "target": _target_text(self.target, target),
            "noise_tunnel": self._noise_tunnel(),
            "seed": self.seed_,
            "random_state": self.random_state,
            "device": str(self.device_),
            **self._method_params(),
        }
        if self._noise_tunnel() is not None:
            params.update(nt_samples=self.nt_samples, nt_stdev=self.noise_scale_)
        params.update(baseline_params(self.baseline_, self.baseline_desc_))
        return Explanation(
            values=values,
            method=self._method,
            backend="captum",
            versions=library_versions("captum", "torch"),
            params=params,
            output_name=_output_name(self.target),
            **fields,
        )

    def _method_params(self) -> dict[str, Any]:
        return {}

    def _check_params(self) -> None:
        name = type(self).__name__
        if self.train is not None:
            if self.model is not None:
                raise ValueError(
                    f"{name}: pass model= (a trained network) or train= with model_factory=, "
                    "not both"
                )
            if not callable(self.train):
                raise TypeError("train must be a function train(model_factory, X, y, seed)")
        elif self.model is None:
            raise TypeError(
                f"{name} needs model= (a torch.nn.Module), or train= and model_factory="
            )
        nt = self._noise_tunnel()
        if nt is not None and (not self._gradient or nt not in NOISE_TUNNELS):
            raise ValueError(
                f"noise_tunnel must be None or one of {NOISE_TUNNELS} (gradient methods only), "
                f"got {nt!r} for {name}"
            )
        if nt is not None and not (int(self.nt_samples) >= 1 and float(self.nt_stdev) > 0):
            raise ValueError("nt_samples must be >= 1 and nt_stdev > 0")


def _seeded(torch: Any, seed: int, devices: list, call: Any) -> Any:
    """``call()`` with torch's and numpy's global RNGs seeded, restored after.

    Captum draws from both; one thread at a time seeds them (replicates may
    run in threads).
    """
    with _RNG_LOCK:
        np_state = np.random.get_state()  # noqa: NPY002
        try:
            with torch.random.fork_rng(devices=devices):
                torch.manual_seed(seed)
                np.random.seed(seed)  # noqa: NPY002
                return call()
        finally:
            np.random.set_state(np_state)  # noqa: NPY002


def _target_text(spec: Any, resolved: Any) -> Any:
    if callable(spec):
        return getattr(spec, "__name__", "callable")
    if isinstance(spec, str):
        return f"predicted: {resolved}" if resolved is not None else spec
    return resolved


def _output_name(spec: Any) -> str:
    if callable(spec):
        return f"target {getattr(spec, '__name__', 'callable')}(output)"
    if spec is None:
        return "output"
    if isinstance(spec, str):
        return "predicted class"
    return f"class {int(spec)}" if np.ndim(spec) == 0 else "class per row"


def _check_y(y: Any, n_rows: int) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {arr.shape}")
    if arr.shape[0] != n_rows:
        raise ValueError(f"y has {arr.shape[0]} values but X has {n_rows} rows")
    return arr
