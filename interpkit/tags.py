"""What an explainer is and can do, declared once: its tags.

As scikit-learn's ``__sklearn_tags__``, every explainer answers
``__interpkit_tags__()`` with an :class:`ExplainerTags`; subclasses start from
their parent's and replace what differs, and tags may depend on parameters
(SHAP with ``model=`` is not refittable; KernelSHAP is stochastic). The
stability engine reads ``scopes`` to accept or refuse a scope before any work,
and the shipped checks (:mod:`interpkit.checks`) choose what to run by tags.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["INPUT_KINDS", "SCOPES", "TASKS", "ExplainerTags"]

INPUT_KINDS = ("tabular", "tensor", "tokens")
TASKS = ("regression", "binary", "multiclass")
# every scope the engine knows; an explainer supports a subset
SCOPES = (
    "rows",
    "seed",
    "background",
    "baseline",
    "noise",
    "kernel_width",
    "weights",
    "prompts",
)


@dataclass(frozen=True)
class ExplainerTags:
    """Tags of one explainer.

    Attributes
    ----------
    input_kind : {"tabular", "tensor", "tokens"}
        What ``explain(X)`` takes.
    tasks : tuple of str
        Targets it explains: ``"regression"``, ``"binary"``, ``"multiclass"``.
    refittable : bool
        It fits its own model from ``(X, y)``, so ``scope="rows"`` can refit
        it on resampled rows.
    stochastic : bool
        Its explanation depends on a seed even for a fixed model (Monte-Carlo
        estimates), so ``scope="seed"`` shows a spread.
    scopes : tuple of str
        Stability scopes it supports (a subset of :data:`SCOPES`).
    sample_weight : bool
        Its fit takes integer row weights, so a bootstrap replicate is the
        distinct rows with their counts instead of duplicated rows.
    requires_y : bool
        ``fit`` needs a target.
    explains_rows : bool
        ``explain(X)`` gives local explanations of the rows of ``X``.
    raw_table : bool
        It takes the user's table as it comes: text, ``category``, boolean
        and missing values (a scikit-learn pipeline, an EBM, LightGBM and
        CatBoost), instead of refusing them.
    encodes_text : bool
        It one-hot encodes text, ``category`` and boolean columns itself
        (glmnet) and explains the encoded columns; missing numbers are still
        refused.
    """

    input_kind: str = "tabular"
    tasks: tuple[str, ...] = ("regression",)
    refittable: bool = True
    stochastic: bool = False
    scopes: tuple[str, ...] = ("rows",)
    sample_weight: bool = False
    requires_y: bool = True
    explains_rows: bool = True
    raw_table: bool = False
    encodes_text: bool = False

    def __post_init__(self) -> None:
        if self.input_kind not in INPUT_KINDS:
            raise ValueError(f"input_kind must be one of {INPUT_KINDS}, got {self.input_kind!r}")
        unknown = set(self.tasks) - set(TASKS) or set(self.scopes) - set(SCOPES)
        if unknown:
            raise ValueError(f"unknown tasks or scopes in tags: {sorted(unknown)}")
