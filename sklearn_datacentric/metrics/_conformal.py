"""Metrics of prediction intervals and prediction sets.

Every metric takes the 2-D layout (``(n, 2)`` intervals, ``(n, n_classes)``
sets) and returns a float, or MAPIE 1.x's 3-D layout (``(n, 2, n_levels)``,
``(n, n_classes, n_levels)``) and returns one value per level.
"""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_consistent_length, column_or_1d

__all__ = [
    "regression_coverage_score",
    "classification_coverage_score",
    "mean_interval_width",
    "mean_set_size",
    "interval_score",
]


def _intervals(y_intervals):
    """Intervals as ``(n, 2, n_levels)`` and whether the input was 2-D."""
    iv = np.asarray(y_intervals, dtype=np.float64)
    flat = iv.ndim == 2
    if flat:
        iv = iv[:, :, None]
    if iv.ndim != 3 or iv.shape[1] != 2:
        raise ValueError(
            "y_intervals must have shape (n_samples, 2) (lower, upper) or "
            f"(n_samples, 2, n_levels) (MAPIE's layout); got {np.shape(y_intervals)}."
        )
    if np.any(np.isnan(iv)):
        raise ValueError("y_intervals contains NaN bounds.")
    if np.any(iv[:, 0] > iv[:, 1]):
        raise ValueError("Some intervals have lower > upper.")
    return iv, flat


def _sets(y_sets):
    """Sets as ``(n, n_classes, n_levels)`` bool and whether the input was 2-D."""
    S = np.asarray(y_sets)
    flat = S.ndim == 2
    if flat:
        S = S[:, :, None]
    if S.ndim != 3:
        raise ValueError(
            "y_sets must have shape (n_samples, n_classes) or (n_samples, n_classes, "
            f"n_levels) (MAPIE's layout); got {np.shape(y_sets)}."
        )
    if S.dtype != bool:
        if not np.isin(S, (0, 1)).all():
            raise ValueError("y_sets must be boolean (or 0/1) membership indicators.")
        S = S.astype(bool)
    return S, flat


def _per_level(values, flat):
    values = np.asarray(values, dtype=np.float64)
    return float(values[0]) if flat else values


_INTERVALS = {"y_true": ["array-like"], "y_intervals": ["array-like"]}


@validate_params(_INTERVALS, prefer_skip_nested_validation=True)
def regression_coverage_score(y_true, y_intervals):
    """Share of labels inside their prediction interval.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets (labels).
    y_intervals : array-like of shape (n_samples, 2) or (n_samples, 2, n_levels)
        Lower and upper bounds (``-inf``/``+inf`` allowed); the 3-D layout is
        the ``y_pis`` of ``predict_interval``.

    Returns
    -------
    coverage : float or ndarray of shape (n_levels,)
        One value per level for 3-D input.

    Examples
    --------
    >>> from sklearn_datacentric.metrics import regression_coverage_score
    >>> regression_coverage_score([1.0, 5.0], [[0.0, 2.0], [0.0, 2.0]])
    0.5
    """
    y = column_or_1d(np.asarray(y_true, dtype=np.float64))
    iv, flat = _intervals(y_intervals)
    check_consistent_length(y, iv)
    y = y[:, None]
    return _per_level(np.mean((iv[:, 0] <= y) & (y <= iv[:, 1]), axis=0), flat)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_sets": ["array-like"],
        "classes": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def classification_coverage_score(y_true, y_sets, *, classes=None):
    """Share of labels inside their prediction set.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets (labels).
    y_sets : array-like of shape (n_samples, n_classes) or \
(n_samples, n_classes, n_levels), bool
        ``y_sets[i, k]``: class ``classes[k]`` is in the set of sample ``i``
        (the 3-D layout is the ``y_pss`` of ``predict_set``).
    classes : array-like of shape (n_classes,), default=None
        Labels of the columns; ``None`` means ``0 .. n_classes - 1``.

    Returns
    -------
    coverage : float or ndarray of shape (n_levels,)
        Share of the true values inside their interval (set), per level.

    Examples
    --------
    >>> from sklearn_datacentric.metrics import classification_coverage_score
    >>> classification_coverage_score([0, 1], [[True, False], [True, False]])
    0.5
    """
    S, flat = _sets(y_sets)
    y = column_or_1d(np.asarray(y_true))
    check_consistent_length(y, S)
    classes = np.arange(S.shape[1]) if classes is None else np.asarray(classes)
    if classes.shape[0] != S.shape[1]:
        raise ValueError(
            f"classes has {classes.shape[0]} labels for {S.shape[1]} set columns."
        )
    idx = np.searchsorted(classes, y) if np.all(classes[:-1] <= classes[1:]) else None
    if idx is None:
        lookup = {c: k for k, c in enumerate(classes)}
        idx = np.array([lookup.get(v, -1) for v in y])
    idx = np.clip(idx, 0, len(classes) - 1) if idx.size else idx
    known = classes[idx] == y if idx.size else np.zeros(0, bool)
    covered = np.zeros((y.shape[0], S.shape[2]), dtype=bool)
    covered[known] = S[np.flatnonzero(known), idx[known]]
    return _per_level(np.mean(covered, axis=0), flat)


@validate_params({"y_intervals": ["array-like"]}, prefer_skip_nested_validation=True)
def mean_interval_width(y_intervals):
    """Mean width ``upper - lower`` (``inf`` if any interval is infinite).

    Parameters
    ----------
    y_intervals : array-like of shape (n_samples, 2) or (n_samples, 2, n_levels)
        Prediction intervals: MAPIE's ``(n, 2, n_levels)`` or ``(n, 2)``.

    Returns
    -------
    width : float or ndarray of shape (n_levels,)
        Mean width of the intervals, per level.

    Examples
    --------
    >>> from sklearn_datacentric.metrics import mean_interval_width
    >>> mean_interval_width([[0.0, 2.0], [1.0, 2.0]])
    1.5
    """
    iv, flat = _intervals(y_intervals)
    return _per_level(np.mean(iv[:, 1] - iv[:, 0], axis=0), flat)


@validate_params({"y_sets": ["array-like"]}, prefer_skip_nested_validation=True)
def mean_set_size(y_sets):
    """Mean number of classes per prediction set.

    Parameters
    ----------
    y_sets : array-like of shape (n_samples, n_classes) or \
(n_samples, n_classes, n_levels), bool
        Boolean prediction sets (MAPIE's layout, or one level).

    Returns
    -------
    size : float or ndarray of shape (n_levels,)
        Mean number of classes in the sets, per level.

    Examples
    --------
    >>> from sklearn_datacentric.metrics import mean_set_size
    >>> mean_set_size([[True, True], [True, False]])
    1.5
    """
    S, flat = _sets(y_sets)
    return _per_level(np.mean(S.sum(axis=1), axis=0), flat)


@validate_params(
    {
        **_INTERVALS,
        "confidence_level": [
            Interval(numbers.Real, 0, 1, closed="neither"),
            "array-like",
        ],
    },
    prefer_skip_nested_validation=True,
)
def interval_score(y_true, y_intervals, *, confidence_level):
    """Mean interval score (Gneiting and Raftery 2007); lower is better.

    ``(u - l) + (2 / alpha) (l - y) 1[y < l] + (2 / alpha) (y - u) 1[y > u]``
    with ``alpha = 1 - confidence_level``: a proper score for the central
    ``confidence_level`` interval, rewarding narrow intervals and
    penalising misses by their distance.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets (labels).
    y_intervals : array-like of shape (n_samples, 2) or (n_samples, 2, n_levels)
        Prediction intervals: MAPIE's ``(n, 2, n_levels)`` or ``(n, 2)``.
    confidence_level : float in (0, 1) or array-like of shape (n_levels,)
        The level of each interval (one per level for 3-D input).

    Returns
    -------
    score : float or ndarray of shape (n_levels,)
        Mean interval score (Winkler), per level.

    References
    ----------
    .. [1] T. Gneiting, A. E. Raftery. "Strictly proper scoring rules,
       prediction, and estimation", JASA 102(477), 2007.

    Examples
    --------
    >>> from sklearn_datacentric.metrics import interval_score
    >>> interval_score([1.0, 3.0], [[0.0, 2.0], [0.0, 2.0]], confidence_level=0.5)
    4.0
    """
    from ..conformal._scores import check_confidence_levels

    levels = check_confidence_levels(confidence_level)
    y = column_or_1d(np.asarray(y_true, dtype=np.float64))
    iv, flat = _intervals(y_intervals)
    check_consistent_length(y, iv)
    if levels.shape[0] != iv.shape[2]:
        if levels.shape[0] != 1:
            raise ValueError(
                f"confidence_level has {levels.shape[0]} levels for intervals at "
                f"{iv.shape[2]} levels."
            )
        levels = np.repeat(levels, iv.shape[2])
    alpha = 1.0 - levels[None, :]
    y = y[:, None]
    lo, hi = iv[:, 0], iv[:, 1]
    s = (
        (hi - lo)
        + (2 / alpha) * np.maximum(lo - y, 0)
        + (2 / alpha) * np.maximum(y - hi, 0)
    )
    return _per_level(np.mean(s, axis=0), flat)
