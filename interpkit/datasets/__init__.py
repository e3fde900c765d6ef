"""Small public data sets shipped with interpkit, for examples and tests (no network).

Both files and their provenance are described in ``interpkit/datasets/SOURCES.md``.

* :func:`load_prostate` -- Stamey et al. (1989) prostate cancer data, as published
  with Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning*.
* :func:`load_ozone` -- Los Angeles ozone data of Breiman & Friedman (1985), as
  shipped in Faraway's R package ``faraway``.
"""

from __future__ import annotations

from importlib import resources
from itertools import combinations

import pandas as pd

__all__ = [
    "OZONE_FEATURES",
    "PROSTATE_FEATURES",
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
