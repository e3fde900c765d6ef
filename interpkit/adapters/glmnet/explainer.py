"""Lasso, ridge and elastic net on python-glmnet, with ``cv.glmnet``-style tuning.

python-glmnet fits the path (the same Fortran as R's glmnet). Two of its
habits are deliberately avoided here:

* its ``lambda_max_`` is R's ``lambda.min`` and its ``lambda_best_`` is R's
  ``lambda.1se``; interpkit names them ``lambda_min_`` and ``lambda_1se_``;
* its CV scores every lambda with a separate scikit-learn call; interpkit
  fits each fold's path once and scores all lambdas with one matrix product
  (:mod:`interpkit.adapters.glmnet.pathcv`).
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import numpy as np
import xarray as xr

from interpkit._available import available_if
from interpkit.adapters import _sklearn_compat
from interpkit.adapters.glmnet import multinomial as _mn
from interpkit.adapters.glmnet.design import DesignMixin
from interpkit.adapters.glmnet.fitpath import fit_path
from interpkit.adapters.glmnet.pathcv import (
    LOSSES,
    choose_lambdas,
    fold_labels,
    interpolate_path,
    ordered_matmul,
    pointwise_loss,
    summarise_folds,
)
from interpkit.explainer import Explainer, library_versions
from interpkit.explanation import Explanation, feature_coords
from interpkit.tags import ExplainerTags

__all__ = ["ElasticNetExplainer", "LassoExplainer", "RidgeExplainer"]

FAMILIES = ("gaussian", "binomial", "multinomial")
_TASKS = {"gaussian": "regression", "binomial": "binary", "multinomial": "multiclass"}
LAMBDA_CHOICES = ("lambda_min", "lambda_1se")


class ElasticNetExplainer(DesignMixin, Explainer):
    """Elastic-net GLM (glmnet) with the full path, K-fold CV and explanations.

    Minimises ``loss/N + lambda * (alpha * |b|_1 + (1 - alpha)/2 * |b|_2^2)``
    along a decreasing lambda sequence, picks ``lambda_min`` and
    ``lambda_1se`` by K-fold CV exactly as R's ``cv.glmnet``, and explains the
    model at the lambda named by ``lambda_choice``.

    Parameters
    ----------
    alpha : float, default 1.0
        Mixing: 1 is the lasso, 0 is ridge.
    family : {"gaussian", "binomial", "multinomial"}
        Squared-error regression, logistic regression (two classes) or
        multinomial regression (three or more classes: one coefficient per
        feature and class, a ``"class"`` dim on the explanations; see
        :mod:`interpkit.adapters.glmnet.multinomial`).
    lambda_choice : {"lambda_1se", "lambda_min"} or float
        Which lambda ``explain`` and ``predict`` use; a float is
        interpolated on the path like R's ``coef(fit, s=...)``.
        ``"lambda_1se"`` is R's default.
    cv : int, scikit-learn splitter or array of fold labels, default 10
        Folds for tuning (``foldid`` in R). At least three.
    cv_metric : str, optional
        ``"mse"`` (default) or ``"mae"`` for gaussian; ``"deviance"``
        (default), ``"class"``, ``"mse"`` or ``"mae"`` for binomial and
        multinomial (as R's ``type.measure``).
    lambda_path : array-like, optional
        A lambda sequence to use instead of glmnet's (sorted decreasing).
    n_lambda : int, default 100
        Length of glmnet's automatic sequence.
    min_lambda_ratio : float, optional
        Smallest / largest lambda; R's default (1e-4, or 0.01 when there are
        more features than rows) when None.
    standardize : bool, default True
        Standardise features inside glmnet (coefficients are always
        reported on the original scale unless ``standardized_coef``).
    standardized_coef : bool, default False
        Report coefficients times the feature's standard deviation, so their
        sizes are comparable across features.
    random_state : int, optional
        Seeds the CV folds when ``cv`` is an int.
    tol, max_iter : convergence settings passed to glmnet.
    feature_level : {"encoded", "original"}, default "encoded"
        For a DataFrame with text, category or boolean columns, which glmnet
        is fit on as a one-hot design (reference level first, a missing
        value its own level; see :mod:`interpkit.adapters.glmnet.design`):
        ``"encoded"`` explains the design's ``column=level`` columns;
        ``"original"`` sums per-row contributions into the user's columns.

    Attributes
    ----------
    lambda_path_ : ndarray, shape (n_lambda,)
    coef_path_ : ndarray, shape (n_features, n_lambda)
        ``(n_features, n_classes, n_lambda)`` for multinomial.
    intercept_path_ : ndarray, shape (n_lambda,)
        ``(n_classes, n_lambda)`` for multinomial, centred over classes as R's.
    cv_mean_, cv_se_ : ndarray, shape (n_lambda,)
        Mean CV error and its standard error per lambda.
    cv_fold_errors_ : ndarray, shape (n_folds, n_lambda)
    lambda_min_, lambda_1se_ : float
        As R's ``lambda.min`` and ``lambda.1se``.
    lambda_ : float
        The lambda in use (from ``lambda_choice``).
    coef_ : ndarray, shape (n_features,)
        ``(n_features, n_classes)`` for multinomial.
    intercept_ : float
        ``(n_classes,)`` array for multinomial.
    feature_means_, feature_scales_ : ndarray, shape (n_features,)
        Training means and (population) standard deviations.
    classes_ : ndarray, shape (2,) or (n_classes,)
        Binomial: the model gives the log-odds of ``classes_[1]``;
        multinomial: one logit per class, in this order.

    Examples
    --------
    >>> from interpkit.datasets import load_prostate
    >>> X, y = load_prostate(return_X_y=True)
    >>> lasso = LassoExplainer(random_state=0).fit(X, y)
    >>> lasso.explain().to_frame().head(3)  # doctest: +SKIP
    """

    def __init__(
        self,
        alpha: float = 1.0,
        family: str = "gaussian",
        lambda_choice: str | float = "lambda_1se",
        cv: Any = 10,
        cv_metric: str | None = None,
        lambda_path: Any = None,
        n_lambda: int = 100,
        min_lambda_ratio: float | None = None,
        standardize: bool = True,
        standardized_coef: bool = False,
        random_state: int | None = None,
        tol: float = 1e-7,
        max_iter: int = 100_000,
        feature_level: str = "encoded",
    ) -> None:
        self.alpha = alpha
        self.family = family
        self.lambda_choice = lambda_choice
        self.cv = cv
        self.cv_metric = cv_metric
        self.lambda_path = lambda_path
        self.n_lambda = n_lambda
        self.min_lambda_ratio = min_lambda_ratio
        self.standardize = standardize
        self.standardized_coef = standardized_coef
        self.random_state = random_state
        self.tol = tol
        self.max_iter = max_iter
        self.feature_level = feature_level

    def __interpkit_tags__(self) -> ExplainerTags:
        # "seed": the CV folds are drawn from random_state
        task = _TASKS.get(self.family, "regression")
        return dataclasses.replace(
            super().__interpkit_tags__(), tasks=(task,), scopes=("rows", "seed"),
            encodes_text=True,
        )  # fmt: skip

    _sklearn_expected_failures = _sklearn_compat.CV_SPLITS  # checks that do not apply

    # -- contract hooks ------------------------------------------------------
    def _task(self) -> str:
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {FAMILIES}, got {self.family!r}")
        return {"gaussian": "regression", "binomial": "binary"}.get(self.family, "classification")

    def _fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        self._check_params()
        w = sample_weight
        if self.family == "binomial":
            self.classes_ = np.unique(y)
            y = (y == self.classes_[1]).astype(np.float64)
        elif self.family == "multinomial":
            self.classes_, y = _mn.class_codes(y)
        if w is None:
            self.feature_means_ = X.mean(axis=0)
            self.feature_scales_ = X.std(axis=0)
        else:
            self.feature_means_ = np.average(X, axis=0, weights=w)
            self.feature_scales_ = np.sqrt(np.average((X - self.feature_means_) ** 2, 0, w))

        lambdas = None if self.lambda_path is None else self._user_lambdas()
        self.lambda_path_, self.coef_path_, self.intercept_path_ = self._fit_path(X, y, lambdas, w)

        folds = fold_labels(self.cv, X, y, self.random_state)
        self.n_folds_ = int(folds.max() + 1)
        metric = self.cv_metric or LOSSES[self.family][0]
        errors = np.empty((self.n_folds_, self.lambda_path_.size))
        sizes = np.empty(self.n_folds_)
        for k in range(self.n_folds_):
            test = folds == k
            w_train = None if w is None else w[~test]
            self._check_fold(y[~test], k, w_train)
            coef, icpt = self._fold_path(X[~test], y[~test], lambdas, w_train)
            link = ordered_matmul(X[test], coef) + icpt
            loss = pointwise_loss(y[test], link, self.family, metric)
            if w is None:
                errors[k], sizes[k] = loss.mean(axis=0), test.sum()
            else:
                # as R's cv.glmnet with weights: weighted fold means, fold weight = its sum
                sizes[k] = w[test].sum()
                if sizes[k] == 0:
                    raise ValueError(f"the rows of CV fold {k} all have zero sample_weight")
                errors[k] = (w[test] @ loss) / sizes[k]
        self.cv_fold_errors_ = errors
        self.cv_mean_, self.cv_se_ = summarise_folds(errors, sizes)
        self.lambda_min_, self.lambda_1se_ = choose_lambdas(
            self.lambda_path_, self.cv_mean_, self.cv_se_
        )
        self.lambda_ = self._chosen_lambda()
        coef, icpt = interpolate_path(
            self.lambda_path_, self.coef_path_, self.intercept_path_, np.array([self.lambda_])
        )
        self.coef_, self.intercept_ = coef[..., 0], icpt[..., 0]
        if self.family != "multinomial":
            self.intercept_ = float(self.intercept_)

    def _sample_weight_refusal(self) -> str | None:
        return None  # glmnet weights rows in the path fits and, as cv.glmnet, in the CV

    def _predict(self, X: np.ndarray) -> np.ndarray:
        return ordered_matmul(X, self.coef_) + self.intercept_

    def _explain_global(self) -> Explanation:
        self._original_level_refusal()
        if self.family == "multinomial":  # dims ("feature", "class")
            values, base = _mn.global_values(self, self._scaled(self.coef_))
            return self._explanation(values, base_value=base)
        coef = self._scaled(self.coef_)
        coords = feature_coords(tuple(self._names()))
        values = xr.DataArray(coef, dims=("feature",), coords=coords, name="coefficient")
        return self._explanation(values, base_value=self.intercept_)

    def _explain_local(self, X: np.ndarray) -> Explanation:
        if self.family == "multinomial":  # dims ("sample", "feature", "class")
            values, base, data = _mn.local_values(self, X)
            return self._to_original(
                self._explanation(values, base_value=base, data=data, kind="local")
            )
        contrib = (X - self.feature_means_) * self.coef_
        base = float(self.intercept_ + self.feature_means_ @ self.coef_)
        coords = {"sample": np.arange(X.shape[0]), "feature": self._names()}
        values = xr.DataArray(
            contrib, dims=("sample", "feature"), coords=coords, name="contribution"
        )
        data = xr.DataArray(X, dims=("sample", "feature"), coords=coords, name="feature_value")
        return self._to_original(
            self._explanation(values, base_value=base, data=data, kind="local")
        )

    def _params_for_rows(self, rows: np.ndarray, seed: int) -> dict[str, Any]:
        if hasattr(self.cv, "split"):
            return {}  # a user's splitter is used as given
        if not isinstance(self.cv, int | np.integer):
            return {"cv": np.asarray(self.cv)[rows]}  # keep the user's fold labels
        # Copies of one original row go to the same fold. Split by position, a
        # bootstrap sample puts copies on both sides of a fold, CV then rewards
        # overfitting and picks too small a lambda (on ozone .^2: median
        # lambda_1se 0.0055 with 19 nonzero vs 0.077 with 6 when grouped).
        originals, copy_of = np.unique(rows, return_inverse=True)
        n_folds = min(int(self.cv), originals.size)
        labels = np.random.RandomState(seed).permutation(np.arange(originals.size) % n_folds)
        return {"cv": labels[copy_of]}

    def _replicate_info(self) -> dict[str, float]:
        return {
            "lambda": self.lambda_,
            "lambda_min": self.lambda_min_,
            "lambda_1se": self.lambda_1se_,
            "n_nonzero": int(np.count_nonzero(self._selected(self.coef_))),
        }

    # -- extra explanations ---------------------------------------------------
    def path(self) -> Explanation:
        """Coefficients along the whole path, dims ``("lambda", "feature")``.

        ``base_value`` holds the intercept per lambda; annotations carry
        ``lambda_min`` and ``lambda_1se``.
        """
        self._require_fitted()
        if self.family == "multinomial":  # dims ("lambda", "feature", "class")
            scale = self.feature_scales_ if self.standardized_coef else 1.0
            values, base = _mn.path_values(self, scale)
            return self._explanation(values, base_value=base, kind="path")
        scale = self.feature_scales_[:, None] if self.standardized_coef else 1.0
        values = xr.DataArray(
            (self.coef_path_ * scale).T,
            dims=("lambda", "feature"),
            coords={"lambda": self.lambda_path_, "feature": self._names()},
            name="coefficient",
        )
        base = xr.DataArray(
            self.intercept_path_, dims=("lambda",), coords={"lambda": self.lambda_path_}
        )
        return self._explanation(values, base_value=base, kind="path")

    def cv_curve(self) -> Explanation:
        """Mean CV error per lambda with its standard error, dims ``("lambda",)``.

        The ``n_nonzero`` coordinate counts nonzero coefficients per lambda.
        """
        self._require_fitted()
        coords = {
            "lambda": self.lambda_path_,
            "n_nonzero": ("lambda", np.count_nonzero(self._selected(self.coef_path_), axis=0)),
        }
        metric = self.cv_metric or LOSSES[self.family][0]
        values = xr.DataArray(self.cv_mean_, dims=("lambda",), coords=coords, name=f"cv_{metric}")
        error = xr.DataArray(self.cv_se_, dims=("lambda",), coords=coords, name="cv_se")
        return self._explanation(values, error=error, kind="cv_curve")

    @available_if(
        lambda self: self.family in ("binomial", "multinomial"),
        "predict_proba is only defined for family='binomial' or 'multinomial'",
    )
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities.

        Binomial: the probability of ``classes_[1]``, shape (n_samples,);
        multinomial: one column per class of ``classes_``, shape
        (n_samples, n_classes). ``predict`` gives the linear predictors
        (log-odds, or one logit per class).
        """
        if self.family == "multinomial":
            return _mn.softmax(self.predict(X))
        return 1.0 / (1.0 + np.exp(-self.predict(X)))

    # -- helpers --------------------------------------------------------------
    def _check_params(self) -> None:
        if not 0 <= self.alpha <= 1:
            raise ValueError(f"alpha must be between 0 (ridge) and 1 (lasso), got {self.alpha}")
        if isinstance(self.lambda_choice, str) and self.lambda_choice not in LAMBDA_CHOICES:
            raise ValueError(
                f"lambda_choice must be one of {LAMBDA_CHOICES} or a number, "
                f"got {self.lambda_choice!r}"
            )
        if not isinstance(self.lambda_choice, str) and not self.lambda_choice >= 0:
            raise ValueError(f"lambda_choice must be >= 0, got {self.lambda_choice}")
        metric = self.cv_metric or LOSSES[self.family][0]
        if metric not in LOSSES[self.family]:
            raise ValueError(
                f"cv_metric for family {self.family!r} must be one of {LOSSES[self.family]}"
            )

    def _user_lambdas(self) -> np.ndarray:
        lambdas = np.asarray(self.lambda_path, dtype=np.float64).ravel()
        if lambdas.size < 2 or not np.all(np.isfinite(lambdas)) or np.any(lambdas < 0):
            raise ValueError("lambda_path must hold at least two finite, non-negative values")
        return np.unique(lambdas)[::-1]  # decreasing, without repeats

    def _check_fold(self, y_train: np.ndarray, k: int, w_train: np.ndarray | None) -> None:
        if w_train is not None:
            if not np.any(w_train > 0):
                raise ValueError(f"the training rows of CV fold {k} all have zero sample_weight")
            y_train = y_train[w_train > 0]
        if self.family == "multinomial":
            _mn.check_fold_classes(y_train, self.classes_.size, k)
        if self.family == "binomial" and np.unique(y_train).size < 2:
            raise ValueError(
                f"the training rows of CV fold {k} hold only one class; "
                "use fewer folds or a stratified splitter (cv=StratifiedKFold(...))"
            )

    def _fit_path(
        self, X: np.ndarray, y: np.ndarray, lambdas: np.ndarray | None, w: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One glmnet path fit: (lambdas, coef (p, L), intercept (L,)); see :func:`fit_path`."""
        return fit_path(self, X, y, lambdas, w)

    def _fold_path(
        self,
        X: np.ndarray,
        y: np.ndarray,
        user_lambdas: np.ndarray | None,
        w: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """A fold's coefficients at the full-data lambdas, as R's cv.glmnet gets them.

        With a user sequence every fold is fit on it. Otherwise each fold fits
        its own automatic path, read at the full-data lambdas by linear
        interpolation (R's ``predict(fit, s = lambda)``).
        """
        if user_lambdas is not None:
            _, coef, icpt = self._fit_path(X, y, user_lambdas, w)
            return coef, icpt
        fold_lambdas, coef, icpt = self._fit_path(X, y, None, w)
        return interpolate_path(fold_lambdas, coef, icpt, self.lambda_path_)

    def _chosen_lambda(self) -> float:
        if self.lambda_choice == "lambda_min":
            return self.lambda_min_
        if self.lambda_choice == "lambda_1se":
            return self.lambda_1se_
        return float(self.lambda_choice)

    def _names(self) -> list[str]:
        return self._design_names() or [str(f) for f in self.feature_names_in_]

    def _selected(self, coef: np.ndarray) -> np.ndarray:
        """Nonzero per feature (and lambda): in any class for multinomial."""
        if self.family == "multinomial":
            return np.any(coef != 0, axis=1)
        return coef != 0

    def _scaled(self, coef: np.ndarray) -> np.ndarray:
        if not self.standardized_coef:
            return coef
        return coef * self.feature_scales_.reshape(-1, *([1] * (coef.ndim - 1)))

    def _require_fitted(self) -> None:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)

    def _method_name(self) -> str:
        if self.alpha == 1:
            return "lasso"
        if self.alpha == 0:
            return "ridge"
        return "elastic_net"

    def _explanation(
        self, values: xr.DataArray, kind: str = "global", **fields: Any
    ) -> Explanation:
        params = {
            "alpha": float(self.alpha),
            "family": self.family,
            "lambda_choice": self.lambda_choice,
            "lambda": self.lambda_,
            "n_folds": self.n_folds_,
            "cv_metric": self.cv_metric or LOSSES[self.family][0],
            "standardize": bool(self.standardize),
            "standardized_coef": bool(self.standardized_coef),
            "kind": kind,
            **self._design_params(),
        }
        output = "prediction"
        if self.family == "binomial":
            output = f"log_odds({self.classes_[1]})"
        elif self.family == "multinomial":
            output = f"logit(each of {self.classes_.size} classes)"
        return Explanation(
            values=values,
            method=self._method_name(),
            backend="glmnet",
            versions=library_versions("python-glmnet", "numpy"),
            params=params,
            output_name=output,
            annotations={
                "lambda": self.lambda_,
                "lambda_min": self.lambda_min_,
                "lambda_1se": self.lambda_1se_,
            },
            **fields,
        )


def _fixed_alpha_init(alpha: float):
    """An ``__init__`` that pins ``alpha`` and advertises every other parameter.

    scikit-learn reads parameters from ``inspect.signature(__init__)``, which
    honours ``__signature__``; so ``get_params``/``clone`` see exactly the
    ElasticNetExplainer parameters minus ``alpha``, without copying them here.
    """

    def __init__(self, **params: Any) -> None:
        ElasticNetExplainer.__init__(self, alpha=alpha, **params)

    sig = inspect.signature(ElasticNetExplainer.__init__)
    __init__.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[p for name, p in sig.parameters.items() if name != "alpha"]
    )
    return __init__


class LassoExplainer(ElasticNetExplainer):
    """The lasso: :class:`ElasticNetExplainer` with ``alpha=1`` (same parameters otherwise)."""

    __init__ = _fixed_alpha_init(1.0)


class RidgeExplainer(ElasticNetExplainer):
    """Ridge: :class:`ElasticNetExplainer` with ``alpha=0`` (same parameters otherwise)."""

    __init__ = _fixed_alpha_init(0.0)
