"""The Explainer contract every adapter implements.

An :class:`Explainer` follows scikit-learn's estimator conventions: the
constructor only stores parameters, :meth:`fit` learns fitted attributes that
end in ``_``, :func:`sklearn.base.clone` gives an unfitted copy. That is what
lets :meth:`stability` refit a fresh copy on every resample.

Subclasses implement four small hooks:

``_task()``
    ``"regression"`` or ``"binary"``: how ``y`` is checked.
``_fit(X, y)``
    Fit on validated float arrays. ``self.feature_names_in_`` is already set.
``_explain_global()`` / ``_explain_local(X)``
    Return an :class:`~interpkit.Explanation`.
``_predict(X)``
    Model output on validated rows (used for prediction stability).

What it is and can do: ``__interpkit_tags__()`` (:mod:`interpkit.tags`).

Stability hooks (one engine, :mod:`interpkit.stability`, calls them):
``_replicate(scope, seed, index, shared)`` (one replicate's fitted copy;
``"rows"`` and ``"seed"`` are implemented here for refittable explainers),
``_stability_setup`` (validate a scope's options once), ``_stability_prototype``
(what scope ``"rows"`` clones), ``_scope_refusal`` (why a scope cannot run),
``_params_for_rows`` (per-replicate parameter changes, e.g. CV folds),
``_sample_weight_refusal`` (None when ``_fit`` takes ``sample_weight``),
``_replicate_info`` (scalars to record per replicate), and
``_stability_context`` / ``_extra_explanations`` (further explanations, such
as shape functions on a common grid, that stability summarises too).
"""

from __future__ import annotations

from functools import cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from interpkit._validation import check_X, check_y, feature_names_of
from interpkit.explanation import Explanation
from interpkit.tags import ExplainerTags

if TYPE_CHECKING:
    from interpkit.stability.result import StabilityResult

__all__ = ["Explainer", "check_sample_weight", "library_versions"]


def check_sample_weight(sample_weight: Any, n_samples: int) -> np.ndarray:
    """Row weights as a float64 array, or a ValueError in the user's terms.

    Weights must be 1-D with one entry per row, finite, non-negative and not
    all zero.
    """
    try:
        w = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("sample_weight must hold numbers, one weight per row") from None
    if w.ndim != 1 or w.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight must be 1-D with one weight per row ({n_samples}), got shape {w.shape}"
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("sample_weight holds NaN or infinite values")
    if np.any(w < 0):
        raise ValueError("sample_weight must be non-negative")
    if not np.any(w > 0):
        raise ValueError("sample_weight is zero for every row; at least one row needs weight")
    return w


def library_versions(*distributions: str) -> dict[str, str]:
    """Installed versions of interpkit and the given distributions."""
    return dict(_versions(distributions))


@cache  # metadata look-ups cost ~1 ms each, and every replicate asks
def _versions(distributions: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out = []
    for dist in ("interpkit", *distributions):
        try:
            out.append((dist, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            out.append((dist, "unknown"))
    return tuple(out)


class Explainer(BaseEstimator):
    """Base class: ``fit`` / ``explain`` / ``predict`` / ``stability``."""

    # -- public API --------------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Explainer:
        """Fit the explained model.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n_samples, n_features)
            Numeric features; DataFrame column names become feature names.
        y : array-like, shape (n_samples,)
            Target.
        sample_weight : array-like, shape (n_samples,), optional
            Non-negative row weights (frequency weights: integer weight ``c``
            counts a row ``c`` times). Explainers whose backend cannot weight
            rows refuse them.

        Returns
        -------
        self
        """
        self._check_user_params()
        X_arr, names, codec = self._encode_fit(X)
        y_arr = check_y(y, X_arr.shape[0], task=self._task())
        weights = None if sample_weight is None else check_sample_weight(sample_weight, len(X_arr))
        return self._fit_checked(X_arr, y_arr, names, sample_weight=weights, codec=codec)

    def explain(self, X: Any = None) -> Explanation:
        """Explain the fitted model.

        Parameters
        ----------
        X : array-like or DataFrame, optional
            Rows to explain. ``None`` gives the global explanation (dims
            ``("feature",)`` for importance-like methods); rows give local
            attributions with dims ``("sample", "feature")``.
        """
        check_is_fitted(self)
        if X is None:
            return self._explain_global()
        expl = self._explain_local(self._check_rows(X))
        if isinstance(X, pd.DataFrame):
            # keep the user's row labels
            labels = X.index.to_numpy()
            labels = labels.astype(str) if labels.dtype == object else labels
            expl = expl.with_values(
                expl.values.assign_coords(sample=labels),
                data=None if expl.data is None else expl.data.assign_coords(sample=labels),
            )
        return expl

    def predict(self, X: Any) -> np.ndarray:
        """Model output for the rows of ``X``, shape (n_samples,)."""
        check_is_fitted(self)
        return self._predict(self._check_rows(X))

    def stability(
        self,
        X: Any = None,
        y: Any = None,
        n_boot: int = 100,
        scheme: str = "bootstrap",
        X_eval: Any = None,
        y_eval: Any = None,
        random_state: int | np.random.RandomState | None = None,
        n_jobs: int | None = None,
        *,
        scope: str = "rows",
        subsample_fraction: float = 0.5,
        level: float = 0.95,
        progress: bool | None = None,
        X_explain: Any = None,
        checkpoint: Any = None,
        keep_local: str = "auto",
        **scope_options: Any,
    ) -> StabilityResult:
        """Re-run the explanation over replicates and collect them.

        What varies between replicates is the ``scope``: with ``"rows"`` (the
        default) each replicate resamples the rows of ``(X, y)``, fits a clone
        of this explainer (tuning included, e.g. lambda by CV) and explains
        it; other scopes keep the fitted model and vary a seed, a background,
        a baseline or noise (``__interpkit_tags__().scopes`` lists what this
        explainer supports; any other scope is refused before work starts).

        Parameters
        ----------
        X, y : training data, as for :meth:`fit` (scope ``"rows"``); other
            scopes may take rows for their own use (e.g. the source of SHAP
            backgrounds) or none.
        n_boot : int
            Number of replicates.
        scheme : {"bootstrap", "subsample", "permuted_labels"}
            Scope ``"rows"`` only. Rows drawn with replacement (n of n), or
            without (``subsample_fraction`` of n); or the null control
            ``"permuted_labels"``: all rows with ``y`` shuffled in each
            replicate, showing how large importances and selection
            frequencies get when no feature matters. A bootstrap replicate of
            an explainer that takes sample weights fits the distinct drawn
            rows weighted by their counts (``result.params["resampling"]``
            says which was used).
        X_eval, y_eval : optional
            Held-out rows; every replicate predicts them (prediction
            stability). ``y_eval`` is only stored, for plots.
        random_state : int, RandomState or None
            Seeds everything; results do not depend on ``n_jobs``, the
            joblib backend or the machine.
        n_jobs : int, optional
            Parallel workers through joblib; honours ``joblib.parallel_config``.
        scope : str
            What varies between replicates (see above).
        subsample_fraction : float
            Fraction of rows per replicate when ``scheme="subsample"``.
        level : float
            Coverage of the percentile intervals in the summary.
        progress : bool, optional
            Show a progress bar; by default only on an interactive terminal.
        X_explain : array-like or DataFrame, optional
            Rows whose local explanations every replicate also computes; their
            intervals are in ``result.extras["local"]``.
        checkpoint : str or path, optional
            A store every finished replicate is appended to; calling the same
            line again after an interruption computes only the missing ones.
            A zarr directory (xarray, R and Julia open it); a store written
            by another run (other data, parameters, seeds) is refused.
        keep_local : {"auto", "all", "summary"}
            Where the local explanations of ``X_explain`` go: ``"all"`` keeps
            every replicate's in memory; ``"summary"`` streams them to disk
            (the checkpoint, or a temporary store that lives as long as the
            values) and ``result.extras["local"]`` holds them lazily
            (dask-backed), so its summary is computed chunk by chunk;
            ``"auto"`` is ``"all"`` up to 10**7 values (replicates x rows x
            features), else ``"summary"``.
        **scope_options
            Options of the scope (e.g. LIME's ``kernel_widths``).

        Returns
        -------
        StabilityResult
        """
        from interpkit.stability import run_stability

        return run_stability(
            self,
            X,
            y,
            scope=scope,
            n_boot=n_boot,
            scheme=scheme,
            X_eval=X_eval,
            y_eval=y_eval,
            random_state=random_state,
            n_jobs=n_jobs,
            subsample_fraction=subsample_fraction,
            level=level,
            progress=progress,
            X_explain=X_explain,
            checkpoint=checkpoint,
            keep_local=keep_local,
            **scope_options,
        )

    def null_control(
        self,
        X: Any,
        y: Any,
        n_permutations: int = 20,
        random_state: int | np.random.RandomState | None = None,
        n_jobs: int | None = None,
        *,
        level: float = 0.95,
        progress: bool | None = None,
        X_explain: Any = None,
    ) -> StabilityResult:
        """Refit on shuffled labels: how large do explanations get when nothing matters?

        The label-permutation sanity check, one call for any explainer: each
        replicate fits a clone on all rows with ``y`` shuffled and explains
        it. The result's ``reference`` is the fit on the real labels, and its
        :meth:`~interpkit.StabilityResult.summary` adds ``null_p_value`` per
        feature. Same as ``stability(X, y, n_boot=n_permutations,
        scheme="permuted_labels")``.
        """
        return self.stability(
            X,
            y,
            n_boot=n_permutations,
            scheme="permuted_labels",
            random_state=random_state,
            n_jobs=n_jobs,
            level=level,
            progress=progress,
            X_explain=X_explain,
        )

    # -- tags --------------------------------------------------------------
    def __sklearn_tags__(self) -> Any:
        # scikit-learn's view of the same facts, for its check_estimator
        tags = super().__sklearn_tags__()
        ours = self.__interpkit_tags__()
        tags.target_tags.required = ours.requires_y
        tags.input_tags.allow_nan = ours.raw_table  # missing values go to the model
        return tags

    # -- hooks for subclasses ----------------------------------------------
    def __interpkit_tags__(self) -> ExplainerTags:
        """What this explainer is and can do; subclasses replace what differs."""
        return ExplainerTags(
            sample_weight=self._accepts_sample_weight(), raw_table=self._takes_frames()
        )

    def _scope_refusal(self, scope: str) -> str | None:
        """Why this explainer cannot run ``scope`` here (a message), or None to list its scopes."""
        return None

    def _stability_prototype(self, X: Any, y: Any) -> Explainer:
        """The explainer scope ``"rows"`` clones for its reference fit and replicates.

        E.g. an EBM with its task fixed from all of ``y``, so no replicate
        guesses another one from a resample.
        """
        return self

    def _reference_fit_params(self, n_jobs: int | None) -> dict[str, Any]:
        """Parameters that let the reference fit of a stability run use ``n_jobs`` workers.

        Scope ``"rows"`` fits the reference on all rows before any replicate,
        so on two cores it would leave one idle for a whole fit. Only
        parameters that leave the fit's numbers unchanged qualify (an EBM's
        outer bags fit side by side, merged in order); the default, none,
        fits the reference in one process with the backend's joblib calls in
        sequence.
        """
        return {}

    def _stability_setup(self, scope: str, X: Any, y: Any, options: dict[str, Any]) -> dict:
        """Validate a scope's options once, before any replicate; what replicates share.

        Called on the reference: for ``"rows"`` the fit to all rows, for the
        other scopes this (fitted) explainer. ``"n_replicates"`` in the
        returned dict overrides ``n_boot``.
        """
        if options:
            raise TypeError(
                f"unexpected option(s) {sorted(options)} for scope {scope!r} of "
                f"{type(self).__name__}"
            )
        if scope == "seed" and self.__interpkit_tags__().refittable:
            # refit on the same rows with another seed: the fit's own randomness
            if X is None:
                raise TypeError("scope='seed' refits with new seeds: pass the training data X, y")
            X_arr, names, codec = self._encode_fit(X)
            y_arr = check_y(y, X_arr.shape[0], task=self._task())
            return {"X": X_arr, "y": y_arr, "names": names, "codec": codec}
        return {}

    def _replicate(
        self, scope: str, seed: int, index: int, shared: dict[str, Any]
    ) -> tuple[Explainer, dict[str, Any]]:
        """One stability replicate: a fitted explainer to explain, and scalars to record.

        ``"rows"`` is implemented for every explainer (resample, clone,
        refit); adapters implement their other scopes by returning a copy of
        ``self`` with one thing redrawn from ``seed`` (a background, a
        baseline, a noise draw) or a model retrained with it.
        """
        if scope == "rows":
            from interpkit.stability.scopes import rows_replicate

            return rows_replicate(self, seed, shared)
        if scope == "seed" and "X" in shared:
            est = clone(self).set_params(random_state=seed)
            codec = {"codec": shared["codec"]} if shared.get("codec") is not None else {}
            est._fit_checked(shared["X"], shared["y"], shared["names"], **codec)
            return est, {"seed": seed}
        raise NotImplementedError(
            f"{type(self).__name__} declares scope {scope!r} but has no _replicate for it"
        )

    def _task(self) -> str:
        return "regression"

    def _fit(self, X: np.ndarray, y: np.ndarray, **kwargs: Any) -> None:
        raise NotImplementedError  # pragma: no cover - abstract

    def _accepts_sample_weight(self) -> bool:
        """Whether ``_fit`` takes ``sample_weight`` (frequency weights) with these parameters.

        A stability replicate of an explainer that accepts them fits the
        distinct drawn rows with their counts as weights.
        """
        return self._sample_weight_refusal() is None

    def _sample_weight_refusal(self) -> str | None:
        """Why these parameters cannot weight rows, or None when they can.

        Adapters whose ``_fit`` takes ``sample_weight`` override this.
        """
        return "its backend takes no row weights"

    def _explain_global(self) -> Explanation:  # pragma: no cover - abstract
        raise NotImplementedError

    def _explain_local(self, X: np.ndarray) -> Explanation:  # pragma: no cover - abstract
        raise NotImplementedError

    def _predict(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _params_for_rows(self, rows: np.ndarray, seed: int) -> dict[str, Any]:
        """Parameter changes a replicate fit on ``X[rows]`` needs (e.g. fold labels).

        ``rows`` index the original data and may repeat (bootstrap); ``seed``
        is the replicate's seed.
        """
        return {}

    def _replicate_info(self) -> dict[str, float]:
        """Scalars worth recording per stability replicate (e.g. chosen lambda)."""
        return {}

    def _stability_context(self) -> Any:
        """Computed once on the fit to all rows and handed to every replicate.

        E.g. the common grid on which an additive model's shape functions are
        evaluated, so replicates can be compared point by point.
        """
        return None

    def _extra_explanations(self, context: Any) -> dict[str, Explanation]:
        """Further explanations a stability replicate records, by name.

        Each becomes ``result.extras[name]``, a StabilityResult of its own.
        ``context`` is what :meth:`_stability_context` returned on the fit to
        all rows.
        """
        return {}

    # -- the user's table ----------------------------------------------------
    def _takes_frames(self) -> bool:
        """Whether the explained model takes the user's table as it is (a pipeline).

        Then ``X`` may hold text, categories, booleans and missing values:
        :meth:`_encode_fit` codes it as floats (:class:`interpkit._frames.FrameCodec`)
        and :meth:`_model_input` decodes rows back into the user's DataFrame
        before the model sees them.
        """
        return False

    def _encode_fit(
        self, X: Any, *, what: str = "X", allow_constant: bool = False
    ) -> tuple[np.ndarray, list[str], Any]:
        """Validated float rows of the training data, their names, and the codec (or None)."""
        if X is not None and self._takes_frames():
            from interpkit._frames import FrameCodec

            codec = FrameCodec.from_data(X, what=what)
            arr = codec.encode(X, what=what, allow_constant=allow_constant)
            return arr, list(codec.names), codec
        arr = check_X(X, allow_constant=allow_constant, what=what, owner=type(self).__name__)
        return arr, feature_names_of(X, arr.shape[1]), None

    def _model_input(self, X: np.ndarray) -> Any:
        """What the model is called with for validated rows: the user's table, or ``X``."""
        codec = getattr(self, "input_codec_", None)
        return X if codec is None else codec.decode(X)

    def _check_user_params(self) -> None:
        """Name a mistake in ``random_state`` or ``estimator`` before any work."""
        from interpkit._user_checks import check_estimator_object, check_seed

        params = self.get_params(deep=False)
        if "random_state" in params:
            check_seed(params["random_state"])
        if "estimator" in params:
            check_estimator_object(params["estimator"])

    # -- shared plumbing -----------------------------------------------------
    def _fit_checked(
        self,
        X: np.ndarray,
        y: np.ndarray,
        feature_names: list[str],
        sample_weight: np.ndarray | None = None,
        codec: Any = None,
    ) -> Explainer:
        self.input_codec_ = codec
        self.feature_names_in_ = np.asarray(feature_names, dtype=object)
        self.n_features_in_ = X.shape[1]
        if sample_weight is None:
            self._fit(X, y)  # adapters without weights keep their two-argument _fit
        else:
            refusal = self._sample_weight_refusal()
            if refusal is not None:
                raise ValueError(f"{type(self).__name__} cannot use sample_weight: {refusal}")
            self._fit(X, y, sample_weight=sample_weight)
        return self

    def _check_rows(self, X: Any, what: str = "X") -> np.ndarray:
        # DataFrames are matched by column name, arrays by position
        codec = getattr(self, "input_codec_", None)
        if codec is not None:
            return codec.encode(X, what=what, fitted=True, owner=type(self).__name__)
        return check_X(
            X, feature_names=[str(f) for f in self.feature_names_in_], owner=type(self).__name__
        )
