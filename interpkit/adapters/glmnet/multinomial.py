"""glmnet's multinomial family: one coefficient per feature *and class*.

The model gives every class ``k`` a linear predictor (a logit)
``eta_k(x) = a0_k + x @ b_k``; a softmax over the classes gives the class
probabilities. The lasso penalty applies to every ``b_jk`` separately (R's
``type.multinomial = "ungrouped"``, its default), so a feature may be
selected for one class and not another; it is *selected in any class* when
one of its K coefficients is nonzero (what
:func:`interpkit.classes.aggregate_classes` gives: mean ``|b_jk|`` over
classes > 0).

The softmax does not change when one constant is added to every class's
intercept, so glmnet's intercepts are only defined up to that constant; as
R's ``coef()`` (``center.intercept = TRUE``), interpkit centres them to sum
to zero over the classes at every lambda.

Arrays keep the feature axis first, as for the other families, with the
class axis before lambda: coefficient paths ``(n_features, n_classes,
n_lambda)``, intercept paths ``(n_classes, n_lambda)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

__all__ = [
    "check_fold_classes",
    "class_codes",
    "global_values",
    "local_values",
    "path_arrays",
    "path_values",
    "pointwise_loss",
    "softmax",
]

_PROB_CLIP = 1e-5  # as R's cv.multnet


def class_codes(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, codes)``: sorted labels and each row's position among them.

    Raises
    ------
    ValueError
        For fewer than three classes (two classes are the binomial family).
    """
    classes, codes = np.unique(y, return_inverse=True)
    if classes.size < 3:
        raise ValueError(
            f"family='multinomial' needs three or more classes, y has {classes.size}; "
            "use family='binomial' for two"
        )
    return classes, codes.astype(np.float64)


def check_fold_classes(codes: np.ndarray, n_classes: int, k: int) -> None:
    """Every class must be among a fold's training rows, else its fit has fewer classes."""
    present = np.unique(codes).size
    if present < n_classes:
        raise ValueError(
            f"the training rows of CV fold {k} hold {present} of the {n_classes} classes; "
            "use fewer folds or a stratified splitter (cv=StratifiedKFold(...))"
        )


def path_arrays(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """A fitted python-glmnet ``LogitNet``'s path as ``(coef (p, K, L), intercept (K, L))``.

    Intercepts are centred over classes at each lambda, as R's ``coef()``.
    """
    coef = np.transpose(np.asarray(model.coef_path_, dtype=np.float64), (1, 0, 2))
    icpt = np.asarray(model.intercept_path_, dtype=np.float64)
    return coef, icpt - icpt.mean(axis=0, keepdims=True)


def softmax(link: np.ndarray, axis: int = 1) -> np.ndarray:
    """Class probabilities from per-class logits along ``axis``."""
    z = np.exp(link - link.max(axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


def pointwise_loss(codes: np.ndarray, link: np.ndarray, metric: str) -> np.ndarray:
    """Loss of each held-out row at each lambda, as R's ``cv.multnet``.

    Parameters
    ----------
    codes : array, shape (n,)
        Class position of each row (0 .. K-1).
    link : array, shape (n, K, n_lambda)
        Per-class linear predictors along the path.

    Returns
    -------
    ndarray, shape (n, n_lambda)
        ``"deviance"``: ``-2 log p_y`` with ``p`` clipped to [1e-5, 1 - 1e-5];
        ``"mse"`` / ``"mae"``: sum over classes of ``(y_k - p_k)^2`` /
        ``|y_k - p_k|`` with one-hot ``y``; ``"class"``: 1 when the most
        probable class is not the observed one.
    """
    prob = softmax(link, axis=1)
    rows = np.arange(codes.size)
    observed = codes.astype(np.intp)
    if metric == "deviance":
        p_obs = np.clip(prob[rows, observed], _PROB_CLIP, 1 - _PROB_CLIP)
        return -2.0 * np.log(p_obs)
    if metric == "class":
        return (np.argmax(prob, axis=1) != observed[:, None]).astype(np.float64)
    onehot = np.zeros(prob.shape[:2])
    onehot[rows, observed] = 1.0
    resid = onehot[:, :, None] - prob
    return (resid**2 if metric == "mse" else np.abs(resid)).sum(axis=1)


def _class_coords(explainer: Any) -> list[str]:
    return [str(c) for c in explainer.classes_]


def global_values(explainer: Any, coef: np.ndarray) -> tuple[xr.DataArray, xr.DataArray]:
    """Coefficients dims ``("feature", "class")`` and intercepts dims ``("class",)``."""
    classes = _class_coords(explainer)
    values = xr.DataArray(
        coef,
        dims=("feature", "class"),
        coords={"feature": explainer._names(), "class": classes},
        name="coefficient",
    )
    base = xr.DataArray(explainer.intercept_, dims=("class",), coords={"class": classes})
    return values, base


def local_values(explainer: Any, X: np.ndarray) -> tuple[xr.DataArray, ...]:
    """Per-class contributions ``(x_j - mean_j) * b_jk``, dims ``("sample", "feature", "class")``.

    With the base ``a0_k + mean @ b_k`` they add up to each class's logit.
    Returns the contributions, the base (dims ``("class",)``) and the
    feature values (dims ``("sample", "feature")``).
    """
    coef, means = explainer.coef_, explainer.feature_means_
    contrib = (X - means)[:, :, None] * coef[None, :, :]
    classes = _class_coords(explainer)
    coords = {"sample": np.arange(X.shape[0]), "feature": explainer._names(), "class": classes}
    values = xr.DataArray(
        contrib, dims=("sample", "feature", "class"), coords=coords, name="contribution"
    )
    base = xr.DataArray(
        explainer.intercept_ + means @ coef, dims=("class",), coords={"class": classes}
    )
    data = xr.DataArray(
        X,
        dims=("sample", "feature"),
        coords={k: coords[k] for k in ("sample", "feature")},
        name="feature_value",
    )
    return values, base, data


def path_values(explainer: Any, scale: Any) -> tuple[xr.DataArray, xr.DataArray]:
    """The coefficient path, dims ``("lambda", "feature", "class")``, and its intercepts."""
    classes = _class_coords(explainer)
    lambdas = explainer.lambda_path_
    coef = np.transpose(explainer.coef_path_, (2, 0, 1))  # (L, p, K)
    if not np.isscalar(scale):
        coef = coef * np.asarray(scale).reshape(1, -1, 1)
    values = xr.DataArray(
        coef,
        dims=("lambda", "feature", "class"),
        coords={"lambda": lambdas, "feature": explainer._names(), "class": classes},
        name="coefficient",
    )
    base = xr.DataArray(
        explainer.intercept_path_.T,
        dims=("lambda", "class"),
        coords={"lambda": lambdas, "class": classes},
    )
    return values, base
