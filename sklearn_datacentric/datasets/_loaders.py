"""Loaders for individual real datasets bundled with the package.

All files live in ``sklearn_datacentric/datasets/data`` as gzip-compressed
CSV files; nothing is downloaded at run time.  Their descriptions (the
``DESCR`` of each Bunch) are the reStructuredText files of ``descr/``.  See
``data/ATTRIBUTION.md`` for sources, citations and licences.
"""

import numpy as np
from sklearn.utils._param_validation import validate_params

from ._base import _make_bunch, _read_csv, load_descr

# the two keyword parameters every loader takes
_LOADER_PARAMS = {"as_frame": ["boolean"], "return_X_y": ["boolean"]}


# --------------------------------------------------------------------------
# Haberman
# --------------------------------------------------------------------------
@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_haberman(*, as_frame=False, return_X_y=False):
    """Load Haberman's breast-cancer surgery survival dataset (binary).

    =================   ==============
    Classes                          2
    Samples per class         225 / 81
    Samples total                  306
    Dimensionality                   3
    Features            integer, >= 0
    =================   ==============

    Parameters
    ----------
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame, ``target`` a pandas Series
        and ``frame`` a DataFrame holding both.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes ``data`` (306, 3),
        ``target`` (306,) with 1 = died within 5 years, ``feature_names``,
        ``target_names``, ``target_name``, ``frame`` (None unless
        ``as_frame=True``) and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
        The features and the target, as arrays or (``as_frame=True``) a
        DataFrame and a Series.

    Examples
    --------
    >>> from sklearn_datacentric.datasets import load_haberman
    >>> X, y = load_haberman(return_X_y=True)
    >>> X.shape
    (306, 3)
    """
    df = _read_csv("haberman.csv.gz")
    return _make_bunch(
        df,
        "died_within_5_years",
        descr=load_descr("haberman.rst"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=["survived_5_years", "died_within_5_years"],
    )


# --------------------------------------------------------------------------
# Blood transfusion
# --------------------------------------------------------------------------
@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_blood_transfusion(*, as_frame=False, return_X_y=False):
    """Load the Blood Transfusion Service Center dataset (binary).

    =================   ==============
    Classes                          2
    Samples per class        570 / 178
    Samples total                  748
    Dimensionality                   4
    Features            integer, >= 0
    =================   ==============

    The 4 original UCI features are kept; ``monetary`` is exactly
    ``250 * frequency``, drop it for the 3-feature version used in some
    papers.

    Parameters
    ----------
    as_frame : bool, default=False
        If True, return pandas objects (see :func:`load_haberman`).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (748, 4), ``target`` (748,) with 1 = donated in March
        2007, ``feature_names``, ``target_names``, ``frame``, ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
        The features and the target, as arrays or (``as_frame=True``) a
        DataFrame and a Series.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.datasets import load_blood_transfusion
    >>> X, y = load_blood_transfusion(return_X_y=True)
    >>> X.shape
    (748, 4)
    >>> np.bincount(y)
    array([570, 178])
    """
    df = _read_csv("blood_transfusion.csv.gz")
    return _make_bunch(
        df,
        "donated_march_2007",
        descr=load_descr("blood_transfusion.rst"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=["not_donated", "donated"],
    )


# --------------------------------------------------------------------------
# Breast cancer Wisconsin (original)
# --------------------------------------------------------------------------
@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_breast_cancer_wisconsin(*, as_frame=False, return_X_y=False):
    """Load the original Wisconsin breast cancer dataset (binary).

    =================   ==============
    Classes                          2
    Samples per class        444 / 239
    Samples total                  683
    Dimensionality                   9
    Features             integer, 1-10
    =================   ==============

    Parameters
    ----------
    as_frame : bool, default=False
        If True, return pandas objects (see :func:`load_haberman`).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (683, 9), ``target`` (683,) with 1 = malignant,
        ``feature_names``, ``target_names``, ``frame``, ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
        The features and the target, as arrays or (``as_frame=True``) a
        DataFrame and a Series.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.datasets import load_breast_cancer_wisconsin
    >>> X, y = load_breast_cancer_wisconsin(return_X_y=True)
    >>> X.shape
    (683, 9)
    >>> np.bincount(y)
    array([444, 239])
    """
    df = _read_csv("breast_cancer_wisconsin.csv.gz")
    return _make_bunch(
        df,
        "malignant",
        descr=load_descr("breast_cancer_wisconsin.rst"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=["benign", "malignant"],
    )


# --------------------------------------------------------------------------
# Ringnorm
# --------------------------------------------------------------------------
@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_ringnorm(*, as_frame=False, return_X_y=False):
    """Load the ringnorm dataset (binary, 7400 x 20).

    =================   ==============
    Classes                          2
    Samples per class      3664 / 3736
    Samples total                 7400
    Dimensionality                  20
    Features                      real
    =================   ==============

    Parameters
    ----------
    as_frame : bool, default=False
        If True, return pandas objects (see :func:`load_haberman`).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (7400, 20), ``target`` (7400,) in {0, 1},
        ``feature_names``, ``target_names``, ``frame``, ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
        The features and the target, as arrays or (``as_frame=True``) a
        DataFrame and a Series.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.datasets import load_ringnorm
    >>> X, y = load_ringnorm(return_X_y=True)
    >>> X.shape
    (7400, 20)
    >>> np.bincount(y)
    array([3664, 3736])
    """
    df = _read_csv("ringnorm.csv.gz")
    return _make_bunch(
        df,
        "class",
        descr=load_descr("ringnorm.rst"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=["ring", "norm"],
    )


# --------------------------------------------------------------------------
# Airfoil
# --------------------------------------------------------------------------
@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_airfoil(*, as_frame=False, return_X_y=False):
    """Load the UCI airfoil self-noise dataset (regression).

    ==============   ==============
    Samples total              1503
    Dimensionality                5
    Features          real, positive
    Targets          real, 103-141 dB
    ==============   ==============

    Parameters
    ----------
    as_frame : bool, default=False
        If True, return pandas objects (see :func:`load_haberman`).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (1503, 5), ``target`` (1503,) float,
        ``feature_names``, ``frame``, ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
        The features and the target, as arrays or (``as_frame=True``) a
        DataFrame and a Series.

    Examples
    --------
    >>> from sklearn_datacentric.datasets import load_airfoil
    >>> bunch = load_airfoil()
    >>> bunch.data.shape
    (1503, 5)
    >>> bunch.target_name
    'scaled_sound_pressure_level'
    """
    df = _read_csv("airfoil.csv.gz")
    return _make_bunch(
        df,
        "scaled_sound_pressure_level",
        descr=load_descr("airfoil.rst"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="regression",
    )


# --------------------------------------------------------------------------
# Communities and crime
# --------------------------------------------------------------------------
RACE_FEATURES = ("racepctblack", "racePctWhite", "racePctAsian", "racePctHisp")


@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_communities_crime(*, as_frame=False, return_X_y=False):
    """Load the UCI Communities and Crime dataset (regression).

    ==============   ==============
    Samples total              1994
    Dimensionality               99
    Features          real, [0, 1]
    Targets           real, [0, 1]
    ==============   ==============

    Non-predictive columns and the 23 columns with missing values are
    dropped (see ``DESCR``); the race-share columns ``racepctblack``,
    ``racePctWhite``, ``racePctAsian`` and ``racePctHisp`` are kept.

    Parameters
    ----------
    as_frame : bool, default=False
        If True, return pandas objects (see :func:`load_haberman`).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (1994, 99), ``target`` (1994,) = ``ViolentCrimesPerPop``,
        ``feature_names``, ``sensitive_features`` (the four race-share
        feature names), ``frame``, ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
        The features and the target, as arrays or (``as_frame=True``) a
        DataFrame and a Series.

    Examples
    --------
    >>> from sklearn_datacentric.datasets import load_communities_crime
    >>> bunch = load_communities_crime()
    >>> bunch.data.shape
    (1994, 99)
    >>> bunch.sensitive_features[:2]
    ['racepctblack', 'racePctWhite']
    """
    df = _read_csv("communities_crime.csv.gz")
    out = _make_bunch(
        df,
        "ViolentCrimesPerPop",
        descr=load_descr("communities_crime.rst"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="regression",
    )
    if not return_X_y:
        out["sensitive_features"] = list(RACE_FEATURES)
    return out


# --------------------------------------------------------------------------
# Red wine quality (ordinal)
# --------------------------------------------------------------------------
@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_wine_quality(*, as_frame=False, return_X_y=False):
    """Load the red wine quality dataset with an ordinal target.

    ===================   ========================
    Classes (ordered)                            6
    Samples per class     10, 53, 681, 638, 199, 18
    Samples total                             1599
    Dimensionality                              11
    Features                          real, positive
    ===================   ========================

    The target is ``quality - 3`` so classes are the ordered integers
    0..5; class 5 (quality 8) is a rare top class and class 0 (quality 3) a
    rare bottom class, which makes the dataset suitable for rare-event
    ordinal models.

    Parameters
    ----------
    as_frame : bool, default=False
        If True, return pandas objects (see :func:`load_haberman`).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (1599, 11), ``target`` (1599,) in {0, ..., 5},
        ``target_names`` (the quality scores "3".."8"), ``feature_names``,
        ``frame``, ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
        The features and the target, as arrays or (``as_frame=True``) a
        DataFrame and a Series.

    Examples
    --------
    >>> from sklearn_datacentric.datasets import load_wine_quality
    >>> bunch = load_wine_quality()
    >>> bunch.data.shape
    (1599, 11)
    >>> bunch.target_names.tolist()
    ['3', '4', '5', '6', '7', '8']
    """
    df = _read_csv("wine_quality_red.csv.gz")
    df["quality"] = df["quality"].astype(np.int64) - 3
    return _make_bunch(
        df,
        "quality",
        descr=load_descr("wine_quality.rst"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=[str(q) for q in range(3, 9)],
    )
