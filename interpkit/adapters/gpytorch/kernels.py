"""Kernels, hyperparameters and hyperpriors for the GPyTorch adapter.

Everything here works on GPyTorch kernel objects; torch and gpytorch are
imported inside functions, so importing this module costs nothing.

Hyperparameter names
--------------------
Every positive hyperparameter of a kernel tree gets a public name:
``outputscale`` (A², the variance of f), ``lengthscale``, ``period``,
``variance`` (a trainable linear kernel's slope variance) and ``noise`` (the
Gaussian noise *variance* σ²). ARD lengthscales are ``lengthscale[x0]``,
``lengthscale[x1]``, ... (feature names). When a name occurs in several parts
of a composite kernel it is prefixed by that part, e.g. ``rbf.lengthscale``
and ``periodic.lengthscale`` in ``"rbf + periodic"``. Two aliases work
wherever a name is accepted: ``amplitude`` = sqrt(outputscale) and
``noise_sd`` = sqrt(noise).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from interpkit._optional import import_backend

BASE_KERNELS = ("rbf", "linear", "periodic", "matern12", "matern32", "matern52", "matern")
# public name of a gpytorch attribute
_ATTR_NAMES = {"period_length": "period"}
# alias -> (hyperparameter kind, power): value of the alias = value ** power
ALIASES = {"amplitude": ("outputscale", 0.5), "noise_sd": ("noise", 0.5)}
PRIOR_FAMILIES = ("lognormal", "gamma")


def gpytorch_modules() -> tuple[Any, Any]:
    """``(torch, gpytorch)``, imported on first use with float64 defaults kept local."""
    torch = import_backend("torch", "GPExplainer", extra="gp")
    gpytorch = import_backend("gpytorch", "GPExplainer")
    return torch, gpytorch


# -- kernel strings -----------------------------------------------------------------------
def parse_kernel(spec: str) -> list[list[str]]:
    """``"rbf + linear * periodic"`` -> ``[["rbf"], ["linear", "periodic"]]`` (sum of products)."""
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"kernel must be a non-empty string or a gpytorch Kernel, got {spec!r}")
    if "(" in spec or ")" in spec:
        raise ValueError(
            f"kernel string {spec!r} has parentheses; write it as a sum of products "
            "(e.g. 'rbf + linear * periodic') or pass a gpytorch Kernel object"
        )
    terms = []
    for term in spec.lower().split("+"):
        factors = [f.strip().replace("-", "").replace("_", "") for f in term.split("*")]
        for f in factors:
            if f not in BASE_KERNELS:
                raise ValueError(
                    f"unknown kernel {f!r} in {spec!r}; known kernels: {', '.join(BASE_KERNELS)} "
                    "(combine them with + and *)"
                )
        terms.append(factors)
    return terms


def build_kernel(kernel: Any, n_features: int, ard: bool) -> Any:
    """A fresh gpytorch kernel from a string (each product term scaled) or a copy of an object."""
    torch, gpytorch = gpytorch_modules()
    K = gpytorch.kernels
    if isinstance(kernel, K.Kernel):
        return copy.deepcopy(kernel).to(torch.float64)
    ard_kw = {"ard_num_dims": n_features} if ard and n_features > 1 else {}

    def base(name: str) -> Any:
        if name == "rbf":
            k = K.RBFKernel(**ard_kw)
        elif name.startswith("matern"):
            nu = {"matern12": 0.5, "matern32": 1.5}.get(name, 2.5)
            k = K.MaternKernel(nu=nu, **ard_kw)
        elif name == "periodic":
            k = K.PeriodicKernel(**ard_kw)
            k.period_length = 1.0
        else:  # linear: its slope variance is the term's outputscale, so keep it at 1
            k = K.LinearKernel()
            k.variance = 1.0
            k.raw_variance.requires_grad_(False)
        if hasattr(k, "raw_lengthscale"):
            k.lengthscale = 1.0
        return k

    terms = []
    for factors in parse_kernel(kernel):
        parts = [base(f) for f in factors]
        inner = parts[0] if len(parts) == 1 else K.ProductKernel(*parts)
        term = K.ScaleKernel(inner)
        term.outputscale = 1.0
        terms.append(term)
    out = terms[0] if len(terms) == 1 else K.AdditiveKernel(*terms)
    return out.to(torch.float64)


def kernel_label(module: Any) -> str:
    """Readable name of a kernel (sub)tree, e.g. ``"rbf"`` or ``"periodic*linear"``."""
    _, gpytorch = gpytorch_modules()
    K = gpytorch.kernels
    if isinstance(module, K.ScaleKernel):
        return kernel_label(module.base_kernel)
    if isinstance(module, K.ProductKernel):
        return "*".join(kernel_label(k) for k in module.kernels)
    if isinstance(module, K.AdditiveKernel):
        return "+".join(kernel_label(k) for k in module.kernels)
    if isinstance(module, K.MaternKernel):
        return f"matern{int(round(2 * module.nu))}2"
    name = type(module).__name__
    return (name[:-6] if name.endswith("Kernel") else name).lower()


# -- the hyperparameter table ---------------------------------------------------------------
@dataclass(frozen=True)
class Hyper:
    """One positive scalar hyperparameter: where it lives in the module tree."""

    name: str
    kind: str  # outputscale, lengthscale, period, variance, noise, ...
    path: str  # dotted path of the owning module from the root ("" = root)
    attr: str  # gpytorch attribute, e.g. "lengthscale"
    index: int | None  # position in an ARD vector, None for a scalar


def hyper_table(kernel: Any, feature_names: list[str]) -> list[Hyper]:
    """Trainable hyperparameters of ``kernel`` plus ``noise``, with public names."""
    _, gpytorch = gpytorch_modules()
    found = []  # (kind, path, attr, index, label, term)
    for path, module in kernel.named_modules():
        if not isinstance(module, gpytorch.kernels.Kernel):
            continue
        for pname, param in module.named_parameters(recurse=False):
            if not pname.startswith("raw_") or not param.requires_grad:
                continue
            attr = pname[4:]
            kind = _ATTR_NAMES.get(attr, attr)
            n = int(param.shape[-1]) if param.dim() >= 2 else 1
            label = kernel_label(module)
            term = path.split(".")[1] if path.startswith("kernels.") else ""
            if n == 1:
                found.append((kind, path, attr, None, label, term, kind))
            else:
                names = feature_names if len(feature_names) == n else [str(i) for i in range(n)]
                for i in range(n):
                    found.append((kind, path, attr, i, label, term, f"{kind}[{names[i]}]"))
    counts: dict[str, int] = {}
    for f in found:
        counts[f[6]] = counts.get(f[6], 0) + 1
    table = []
    for kind, path, attr, index, label, term, short in found:
        name = short
        if counts[short] > 1:
            name = f"{label}.{short}"
            if sum(1 for g in found if f"{g[4]}.{g[6]}" == name) > 1:
                name = f"k{term}.{name}"
        table.append(Hyper(name, kind, path, attr, index))
    table.append(Hyper("noise", "noise", "", "noise", None))
    return table


def resolve(name: str, table: list[Hyper]) -> tuple[list[Hyper], float]:
    """Hyperparameters a user name refers to, and the power that maps them to it.

    A full name (``rbf.lengthscale[x0]``) picks one; a kind (``lengthscale``)
    or an alias (``amplitude``) picks every hyperparameter of that kind.
    """
    power = 1.0
    key = name
    if name in ALIASES:
        key, power = ALIASES[name]
    exact = [h for h in table if h.name == key]
    if exact:
        return exact, power
    kind = [h for h in table if h.kind == key]
    if kind:
        return kind, power
    # alias with a prefix, e.g. "rbf.amplitude"
    for alias, (target, pw) in ALIASES.items():
        if name.endswith(alias):
            hits = [h for h in table if h.name == name[: -len(alias)] + target]
            if hits:
                return hits, pw
    raise ValueError(
        f"unknown hyperparameter {name!r}; this kernel has {[h.name for h in table]} "
        f"(aliases: {list(ALIASES)})"
    )


def _owner(h: Hyper, kernel: Any, likelihood: Any) -> Any:
    if h.kind == "noise" and h.path == "" and h.attr == "noise":
        return likelihood.noise_covar
    return kernel.get_submodule(h.path) if h.path else kernel


def get_values(table: list[Hyper], kernel: Any, likelihood: Any) -> np.ndarray:
    """Current values of an unbatched kernel and likelihood, shape (n_hyper,)."""
    out = np.empty(len(table))
    for i, h in enumerate(table):
        value = getattr(_owner(h, kernel, likelihood), h.attr).detach().reshape(-1)
        out[i] = float(value[0 if h.index is None else h.index])
    return out


def set_values(table: list[Hyper], kernel: Any, likelihood: Any, values: dict[int, Any]) -> None:
    """Set hyperparameter ``i`` of ``table`` to ``values[i]`` (a float, or a (batch,) array)."""
    torch, _ = gpytorch_modules()
    for i, v in values.items():
        h = table[i]
        module = _owner(h, kernel, likelihood)
        current = getattr(module, h.attr).detach().clone()
        v = torch.as_tensor(np.asarray(v, dtype=np.float64), device=current.device)
        if h.index is not None:
            current[..., h.index] = v.reshape((*v.shape, *[1] * (current.dim() - 1 - v.dim())))
        else:
            current[...] = v.reshape((*v.shape, *[1] * (current.dim() - v.dim())))
        # the constraint's inverse gives the raw value; clamp so the lower bound maps finitely
        constraint = module.constraint_for_parameter_name(f"raw_{h.attr}")
        lower = float(getattr(constraint, "lower_bound", torch.tensor(0.0)))
        current = current.clamp_min(lower + 1e-12 * max(1.0, abs(lower)))
        getattr(module, f"raw_{h.attr}").data = constraint.inverse_transform(current)


def user_values(
    spec: dict[str, float], table: list[Hyper], what: str = "hyperparameters"
) -> dict[int, float]:
    """Map ``{"lengthscale": 1.2, "noise_sd": 0.3}`` to ``{index in table: value}``."""
    if not isinstance(spec, dict):
        raise TypeError(f"{what} must be a dict of name -> positive value, got {type(spec)}")
    out = {}
    for name, value in spec.items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{what}[{name!r}] must be a number, got {value!r}") from None
        if not (np.isfinite(v) and v > 0):
            raise ValueError(f"{what}[{name!r}] must be a positive finite number, got {value!r}")
        hypers, power = resolve(name, table)
        for h in hypers:
            out[table.index(h)] = v ** (1.0 / power)
    return out


# -- hyperpriors -------------------------------------------------------------------------------
def make_prior(spec: Any, name: str) -> Any:
    """A torch distribution from ``("lognormal", mu, sigma)``, ``("gamma", a, rate)`` or a prior."""
    torch, gpytorch = gpytorch_modules()
    if isinstance(spec, torch.distributions.Distribution):
        return spec
    if not (isinstance(spec, tuple | list) and len(spec) == 3 and spec[0] in PRIOR_FAMILIES):
        raise ValueError(
            f"prior for {name!r} must be ('lognormal', mu, sigma), ('gamma', shape, rate) "
            f"or a gpytorch/torch distribution, got {spec!r}"
        )
    family, a, b = spec[0], float(spec[1]), float(spec[2])
    if b <= 0 or (family == "gamma" and a <= 0):
        raise ValueError(f"prior for {name!r}: {spec!r} needs positive scale/shape/rate")
    t = torch.tensor
    if family == "lognormal":
        return gpytorch.priors.LogNormalPrior(t(a, dtype=torch.float64), t(b, dtype=torch.float64))
    return gpytorch.priors.GammaPrior(t(a, dtype=torch.float64), t(b, dtype=torch.float64))


@dataclass(frozen=True)
class PriorTerm:
    """A prior on ``value(indices) ** power`` for each listed hyperparameter."""

    indices: tuple[int, ...]
    power: float
    dist: Any
    label: str


def prior_terms(priors: dict[str, Any] | None, table: list[Hyper]) -> list[PriorTerm]:
    """Resolve a ``priors`` dict against the hyperparameter table."""
    if priors is None:
        return []
    if not isinstance(priors, dict):
        raise TypeError(f"priors must be a dict of hyperparameter name -> prior, got {priors!r}")
    terms, seen = [], set()
    for name, spec in priors.items():
        hypers, power = resolve(name, table)
        idx = tuple(table.index(h) for h in hypers)
        if seen & set(idx):
            raise ValueError(f"prior {name!r} overlaps another prior on the same hyperparameter")
        seen |= set(idx)
        terms.append(PriorTerm(idx, power, make_prior(spec, name), name))
    return terms


def log_prior(terms: list[PriorTerm], value: Any) -> Any:
    """Sum of log prior densities; ``value(i)`` gives hyperparameter ``i`` as a tensor."""
    total = 0.0
    for t in terms:
        for i in t.indices:
            total = total + t.dist.log_prob(value(i) ** t.power).sum()
    return total


def hyper_value(h: Hyper, kernel: Any, likelihood: Any) -> Any:
    """Differentiable value of one hyperparameter (a scalar tensor)."""
    value = getattr(_owner(h, kernel, likelihood), h.attr).reshape(-1)
    return value[0 if h.index is None else h.index]


def sample_priors(
    terms: list[PriorTerm], base: np.ndarray, n: int, rng: np.random.RandomState
) -> np.ndarray:
    """``n`` hyperparameter vectors: prior draws where there are priors, ``base`` elsewhere."""
    torch, _ = gpytorch_modules()
    out = np.tile(np.asarray(base, dtype=np.float64), (n, 1))
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(int(rng.randint(np.iinfo(np.int32).max)))
        for t in terms:
            for i in t.indices:
                draw = t.dist.sample(torch.Size([n])).detach().cpu().numpy().reshape(n)
                out[:, i] = np.asarray(draw, dtype=np.float64) ** (1.0 / t.power)
    finally:
        torch.random.set_rng_state(gen_state)
    return out


# -- batched evaluation ----------------------------------------------------------------------
def batched_kernel(kernel: Any, batch: int) -> Any:
    """A copy of ``kernel`` with every parameter repeated ``batch`` times (one per batch entry)."""
    torch, gpytorch = gpytorch_modules()
    out = copy.deepcopy(kernel)
    shape = torch.Size([batch])
    for module in out.modules():
        if isinstance(module, gpytorch.kernels.Kernel):
            old = module.batch_shape
            for _, param in list(module.named_parameters(recurse=False)):
                param.data = param.data.expand(*shape, *param.shape[len(old) :]).clone()
            module._batch_shape = shape
    return out


def safe_cholesky(K: Any) -> Any:
    """Cholesky of a (batch of) covariance matrices, adding jitter only where it fails."""
    torch, _ = gpytorch_modules()
    L, info = torch.linalg.cholesky_ex(K)
    if not bool((info > 0).any()):
        return L
    scale = K.diagonal(dim1=-2, dim2=-1).mean(-1).abs().clamp_min(1e-12)
    eye = torch.eye(K.shape[-1], dtype=K.dtype, device=K.device)
    for power in range(-10, -3):
        L, info = torch.linalg.cholesky_ex(K + (10.0**power) * scale[..., None, None] * eye)
        if not bool((info > 0).any()):
            return L
    raise ValueError(
        "the kernel matrix is not positive definite even with jitter; "
        "check for duplicated inputs with tiny noise, or raise the noise"
    )


def log_ml_from_cholesky(L: Any, y: Any) -> Any:
    """log N(y | 0, K) from K's Cholesky factor ``L`` (batched over leading dims)."""
    torch, _ = gpytorch_modules()
    n = y.shape[-1]
    yb = y.expand(*L.shape[:-2], n).unsqueeze(-1)
    a = torch.linalg.solve_triangular(L, yb, upper=False).squeeze(-1)
    logdet = torch.log(L.diagonal(dim1=-2, dim2=-1)).sum(-1)
    return -0.5 * (a * a).sum(-1) - logdet - 0.5 * n * math.log(2 * math.pi)


# -- the fitted state and the posterior algebra ------------------------------------------------
@dataclass(frozen=True, eq=False)
class GPState:
    """A fitted GP: kernel, hyperparameters, data on the fitting scale, Cholesky cache.

    ``X``/``y`` are torch tensors on the fitting scale (standardised when
    asked); ``x_mean``, ``x_sd``, ``y_mean``, ``y_sd`` map back.
    """

    kernel: Any
    table: list[Hyper]
    values: np.ndarray
    noise: float
    terms: list[PriorTerm]
    X: Any
    y: Any
    x_mean: np.ndarray
    x_sd: np.ndarray
    y_mean: float
    y_sd: float
    device: Any
    ard: bool
    feature_names: list[str]
    L: Any
    alpha: Any
    # per-row multiplier of the noise variance (1/count for weighted rows), None for all 1
    noise_scale: Any = None

    def scale_X(self, X: np.ndarray) -> Any:
        torch, _ = gpytorch_modules()
        Z = (np.asarray(X, dtype=np.float64) - self.x_mean) / self.x_sd
        return torch.as_tensor(Z, dtype=torch.float64, device=self.device)


def cholesky_state(
    kernel: Any, noise: float, X: Any, y: Any, noise_scale: Any = None
) -> tuple[Any, Any]:
    """``(L, alpha)``: Cholesky of K + noise S and ``(K + noise S)^-1 y``.

    ``S`` is the identity, or ``diag(noise_scale)`` (1/count for weighted rows).
    """
    torch, _ = gpytorch_modules()
    with torch.no_grad():
        K = kernel(X).to_dense()
        if noise_scale is None:
            K = K + noise * torch.eye(K.shape[-1], dtype=K.dtype, device=K.device)
        else:
            K = K + torch.diag(noise * noise_scale)
        L = safe_cholesky(K)
        alpha = torch.cholesky_solve(y.unsqueeze(-1), L).squeeze(-1)
    return L, alpha


def latent_moments(state: GPState, Z: Any, full_cov: bool = False) -> tuple[Any, Any]:
    """Posterior mean and variance (or covariance) of f at scaled rows ``Z`` (fitting scale)."""
    torch, _ = gpytorch_modules()
    with torch.no_grad():
        Ks = state.kernel(Z, state.X).to_dense()
        mean = Ks @ state.alpha
        V = torch.linalg.solve_triangular(state.L, Ks.T, upper=False)
        if full_cov:
            return mean, state.kernel(Z).to_dense() - V.T @ V
        prior_var = state.kernel(Z, diag=True)
        return mean, (prior_var - (V * V).sum(0)).clamp_min(0.0)


def predict_latent(state: GPState, X: np.ndarray, chunk: int = 2048) -> tuple[np.ndarray, ...]:
    """Posterior mean and sd of f at rows ``X``, in the target's units."""
    means, sds = [], []
    for start in range(0, X.shape[0], chunk):
        mean, var = latent_moments(state, state.scale_X(X[start : start + chunk]))
        means.append(mean.cpu().numpy())
        sds.append(np.sqrt(var.cpu().numpy()))
    mean = np.concatenate(means) * state.y_sd + state.y_mean
    return mean, np.concatenate(sds) * state.y_sd


def pd_variance(state: GPState, n_grid: int = 30, n_background: int = 100) -> np.ndarray:
    """Variance of each feature's posterior-mean partial dependence, shape (n_features,)."""
    X_train = state.X.cpu().numpy() * state.x_sd + state.x_mean
    n, d = X_train.shape
    background = X_train[np.unique(np.linspace(0, n - 1, min(n, n_background)).astype(int))]
    out = np.empty(d)
    for j in range(d):
        grid = np.unique(np.quantile(X_train[:, j], np.linspace(0, 1, n_grid)))
        rows = np.repeat(background[None], grid.size, axis=0)
        rows[:, :, j] = grid[:, None]
        mean, _ = predict_latent(state, rows.reshape(-1, d))
        curve = mean.reshape(grid.size, -1).mean(axis=1)
        out[j] = float(np.var(curve))
    return out
