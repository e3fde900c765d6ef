"""Reading the CSV of ``interpkit explain``: the table as a user writes it.

* an unnamed first column of distinct values (the index ``pandas.to_csv``
  writes) is dropped, with a note;
* duplicate header names are an error (pandas would silently rename them);
* text and boolean feature columns are one-hot encoded for the user (a
  missing value is its own level), with a note naming them;
* the target's kind follows scikit-learn's ``type_of_target``: numbers are a
  regression target unless they are few distinct integers, labels are
  classification; a binary target is coded 0/1 (the second label in sorted
  order is 1), and the note says so.

Every decision is returned as a sentence in :attr:`Table.notes`, which the
command prints and the report states.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported when a table is read: ``interpkit --help`` stays fast
    import numpy as np
    import pandas as pd

__all__ = ["Table", "UsageError", "read_table"]

MIN_TRAIN_ROWS = 20
MIN_CLASS_ROWS = 10  # rows of every class: one per fold of the 10-fold CV


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


@dataclass
class Table:
    """Features, target and what was done to them."""

    X: pd.DataFrame
    y: pd.Series
    task: str = "regression"  # "regression" or "binary"
    classes: list[Any] | None = None
    notes: list[str] = field(default_factory=list)


def _names(cols: Sequence[Any], k: int = 8) -> str:
    return ", ".join(repr(str(c)) for c in cols[:k]) + (", ..." if len(cols) > k else "")


def _header(file: Path) -> list[str]:
    try:
        with file.open(newline="", encoding="utf-8") as fh:
            return [h.strip() for h in next(csv.reader(fh), [])]
    except (UnicodeDecodeError, csv.Error):
        return []


def _check_header(header: list[str], path: str) -> None:
    seen: dict[str, int] = {}
    dup = []
    for j, h in enumerate(header):
        if h in seen and h != "":
            dup.append(f"{h!r} (columns {seen[h] + 1} and {j + 1})")
        seen.setdefault(h, j)
    if dup:
        raise UsageError(
            f"duplicate column names in the header of {path}: {', '.join(dup[:5])}; "
            "give every column its own name"
        )


def _drop_index(frame: pd.DataFrame, header: list[str], notes: list[str]) -> pd.DataFrame:
    """The unnamed first column pandas.to_csv writes for the index, if it is one."""

    if not header or header[0] != "" or frame.shape[1] < 2:
        return frame
    first = frame.iloc[:, 0]
    if first.isna().any() or not first.is_unique:
        return frame
    notes.append(
        "The first column has no name and distinct values (the row index pandas.to_csv "
        "writes); it was dropped. Save with index=False to leave it out."
    )
    return frame.iloc[:, 1:]


def read_table(path: str, target: str, *, drop: Sequence[str] = ()) -> Table:
    """Read a CSV into features and target, or raise UsageError in the user's terms."""
    import pandas as pd

    file = Path(path)
    if not file.exists():
        raise UsageError(f"data file not found: {path}")
    if file.is_dir():
        raise UsageError(f"--data {path} is a directory, not a CSV file")
    try:
        frame = pd.read_csv(file)
    except pd.errors.EmptyDataError:
        raise UsageError(f"{path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise UsageError(f"cannot parse {path} as CSV: {first}") from None
    header = _header(file)
    _check_header(header, path)
    notes: list[str] = []
    frame = _drop_index(frame, header, notes)
    frame.columns = [str(c).strip() for c in frame.columns]
    columns = list(frame.columns)
    if target not in columns:
        shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
        raise UsageError(f"target column {target!r} not found in {path}; columns are: {shown}")
    missing = [c for c in drop if c not in columns]
    if missing:
        raise UsageError(f"--drop: no column {missing[0]!r} in {path}")
    if target in drop:
        raise UsageError(f"--drop {target!r} is the target column")
    frame = frame.drop(columns=list(drop))
    if frame.shape[1] < 2:
        raise UsageError(f"{path} has no feature columns besides the target {target!r}")
    if len(frame) < MIN_TRAIN_ROWS:
        raise UsageError(
            f"too few rows: {path} has {len(frame)}, need at least {MIN_TRAIN_ROWS} "
            "for 10-fold cross-validation"
        )
    y, task, classes = _target(frame[target], target, notes)
    X = _features(frame.drop(columns=[target]), path, notes)
    return Table(X, y, task, classes, notes)


def _target(col: pd.Series, name: str, notes: list[str]) -> tuple[pd.Series, str, list | None]:
    import pandas as pd

    from interpkit._task import detect_task

    if col.isna().all():
        raise UsageError(f"target column {name!r} is empty")
    if col.isna().any():
        raise UsageError(
            f"target column {name!r} has missing values in {int(col.isna().sum())} rows; "
            "drop those rows first"
        )
    task = detect_task(col)
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(col):  # pragma: no cover - labels are classes
            raise UsageError(f"target column {name!r} is not numeric")
        return col.astype("float64"), "regression", None
    labels = [v.item() if hasattr(v, "item") else v for v in pd.unique(col)]  # plain Python
    labels = sorted(labels, key=lambda v: (str(type(v)), v))
    if len(labels) < 2:
        raise UsageError(f"target column {name!r} has only one class ({labels[0]!r})")
    if task == "multiclass":
        return _multiclass(col, name, labels, notes)
    negative, positive = labels
    notes.append(
        f"The target {name!r} has two classes ({negative!r}, {positive!r}): it is fit as a "
        f"classification (binary) target, {positive!r} coded 1: lasso/ridge/elastic net use "
        "the binomial family, forests are classifiers, and every method's held-out error is "
        f"the RMSE of its predicted probability of {positive!r} (the root of the Brier score)."
    )
    y = pd.Series((col == positive).astype("float64").to_numpy(), index=col.index, name=name)
    return y, "binary", [negative, positive]


def _multiclass(
    col: pd.Series, name: str, labels: list[Any], notes: list[str]
) -> tuple[pd.Series, str, list[Any]]:
    """A target of three or more classes: kept as the user's labels, each class big enough."""
    small = _small_classes(col, labels)
    if small:
        shown = ", ".join(f"{v!r} ({c} row{'s' if c != 1 else ''})" for v, c in small[:6])
        raise UsageError(
            f"target column {name!r}: class{'es' if len(small) > 1 else ''} {shown} "
            f"{'have' if len(small) > 1 else 'has'} fewer than {MIN_CLASS_ROWS} rows; "
            f"10-fold cross-validation needs at least {MIN_CLASS_ROWS} rows of every class "
            "(one per fold). Merge or drop the small classes first"
        )
    listed = ", ".join(repr(v) for v in labels[:12]) + (", ..." if len(labels) > 12 else "")
    notes.append(
        f"The target {name!r} has {len(labels)} classes ({listed}): it is fit as "
        "a multiclass classification: lasso/ridge/elastic net use the multinomial family "
        "(one coefficient per feature and class), forests are classifiers, EBMs multiclass; "
        "explanations are shown per class and as the mean absolute value over classes, and "
        "every method's held-out error is the root multiclass Brier score, the square root "
        "of the mean over rows of the sum over classes of (predicted probability - "
        "1[observed class])²."
    )
    return col.copy(), "multiclass", labels


def _small_classes(col: pd.Series, labels: list[Any]) -> list[tuple[Any, int]]:
    """``(label, rows)`` of each class with fewer than MIN_CLASS_ROWS rows, in label order."""
    counts = col.value_counts()
    return [(v, int(counts[v])) for v in labels if int(counts[v]) < MIN_CLASS_ROWS]


def check_training_classes(y_train: pd.Series, holdout: int, name: str) -> None:
    """Every class of a multiclass target must keep MIN_CLASS_ROWS training rows.

    The held-out rows are drawn at random, so a class with enough rows in the
    file may have too few left to fit; the message says how to keep more.
    """
    labels = sorted(y_train.unique(), key=lambda v: (str(type(v)), v))
    small = _small_classes(y_train, labels)
    if not small:
        return
    shown = ", ".join(f"{v!r} ({c})" for v, c in small[:6])
    raise UsageError(
        f"target column {name!r}: after holding out {holdout} rows at random, the training "
        f"rows hold fewer than {MIN_CLASS_ROWS} rows of class{'es' if len(small) > 1 else ''} "
        f"{shown}; 10-fold cross-validation needs at least {MIN_CLASS_ROWS} of every class. "
        "Hold out fewer rows (--holdout N, 0 for none) or merge the small classes"
    )


def _features(X: pd.DataFrame, path: str, notes: list[str]) -> pd.DataFrame:
    import pandas as pd

    for c in X.columns:
        if pd.api.types.is_bool_dtype(X[c]):  # True/False are 0/1 features
            X[c] = X[c].astype("float64")
    dates = [c for c in X.columns if pd.api.types.is_datetime64_any_dtype(X[c])]
    if dates:  # pragma: no cover - read_csv reads dates as text
        raise UsageError(f"date columns {_names(dates)} in {path}: convert them to numbers")
    text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    if text:
        levels = {c: int(X[c].nunique(dropna=True)) for c in text}
        has_na = [c for c in text if X[c].isna().any()]
        encoded = pd.get_dummies(X[text], prefix_sep="=", dummy_na=False, dtype="float64")
        for c in has_na:  # a missing value is its own level
            encoded[f"{c}=missing"] = X[c].isna().astype("float64")
        X = pd.concat([X.drop(columns=text), encoded], axis=1)
        described = ", ".join(
            f"{c!r} ({levels[c]} level{'s' if levels[c] != 1 else ''})" for c in text[:8]
        )
        notes.append(
            f"Text column{'s' if len(text) > 1 else ''} {described}"
            f"{', ...' if len(text) > 8 else ''} {'were' if len(text) > 1 else 'was'} one-hot "
            "encoded for you: one 0/1 column per level, named column=level"
            + (" (a missing value is its own level, =missing)" if has_na else "")
            + ". Encode them yourself, or leave them out with --drop, to do otherwise."
        )
    nan_cols = [c for c in X.columns if X[c].isna().any()]
    if nan_cols:
        n_rows = int(X[nan_cols].isna().any(axis=1).sum())
        raise UsageError(
            f"missing values (NaN) in {n_rows} row{'s' if n_rows != 1 else ''} of column"
            f"{'s' if len(nan_cols) > 1 else ''} {_names(nan_cols)} in {path}: drop or impute "
            "them first"
        )
    const = [c for c in X.columns if X[c].nunique(dropna=False) < 2]
    if const:
        raise UsageError(
            f"constant columns {_names(const)} in {path} (one value, or one level of a text "
            "column): they carry no information; leave them out with --drop"
        )
    return X.astype("float64")


def classifier_params(method: str, light: dict[str, Any], task: str = "binary") -> dict[str, Any]:
    """Overrides that make ``method`` fit a class target (see :func:`read_table`).

    Parameters
    ----------
    method : str
        A command-line method name.
    light : dict
        The method's table-size parameters (:func:`interpkit.cli_defaults.method_params`).
    task : {"binary", "multiclass"}
        Two classes (coded 0/1) or three or more (the user's labels).
    """

    from interpkit.registry import Lazy

    if method in ("lasso", "ridge", "enet"):
        return {"family": "binomial" if task == "binary" else "multinomial"}
    if method == "ebm":
        return {"task": task}
    if method in ("mdi-rf", "permutation-rf", "shap-rf"):
        forest = light.get("estimator")
        params = dict(forest.params) if forest is not None else {"n_estimators": 200, "n_jobs": 1}
        if params.get("max_features") == 1 / 3:  # the regression default; sqrt for classes
            params["max_features"] = "sqrt"
        est = Lazy("sklearn.ensemble:RandomForestClassifier", params)
        out: dict[str, Any] = {"estimator": est}
        if method == "permutation-rf" and task == "binary":
            # 3+ classes: per class, each class's one-vs-rest log-loss (scoring unused)
            out["scoring"] = "neg_brier_score"
        return out
    return {}


def as_probability(fit: Any) -> bool:
    """Whether a fitted two-class explainer's ``predict`` is on the log-odds scale."""
    return getattr(fit, "family", None) == "binomial" or getattr(fit, "task_", None) == "binary"


def expit(values: np.ndarray) -> np.ndarray:
    """The logistic function (log-odds to probability)."""
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.asarray(values, dtype=np.float64)))
