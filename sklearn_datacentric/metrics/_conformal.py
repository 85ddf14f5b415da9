"""Metrics of prediction intervals and prediction sets."""

import numpy as np
from sklearn.utils.validation import check_consistent_length, column_or_1d

__all__ = [
    "regression_coverage_score",
    "classification_coverage_score",
    "mean_interval_width",
    "mean_set_size",
    "interval_score",
]


def _intervals(y_intervals):
    iv = np.asarray(y_intervals, dtype=np.float64)
    if iv.ndim != 2 or iv.shape[1] != 2:
        raise ValueError(
            f"y_intervals must have shape (n_samples, 2) (lower, upper); got {iv.shape}."
        )
    if np.any(np.isnan(iv)):
        raise ValueError("y_intervals contains NaN bounds.")
    if np.any(iv[:, 0] > iv[:, 1]):
        raise ValueError("Some intervals have lower > upper.")
    return iv


def _sets(y_sets):
    S = np.asarray(y_sets)
    if S.ndim != 2:
        raise ValueError(f"y_sets must be 2-D (n_samples, n_classes); got {S.shape}.")
    if S.dtype != bool:
        if not np.isin(S, (0, 1)).all():
            raise ValueError("y_sets must be boolean (or 0/1) membership indicators.")
        S = S.astype(bool)
    return S


def regression_coverage_score(y_true, y_intervals):
    """Share of labels inside their prediction interval.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_intervals : array-like of shape (n_samples, 2)
        Lower and upper bounds (``-inf``/``+inf`` allowed).

    Returns
    -------
    coverage : float

    Examples
    --------
    >>> from sklearn_datacentric.metrics import regression_coverage_score
    >>> regression_coverage_score([1.0, 5.0], [[0.0, 2.0], [0.0, 2.0]])
    0.5
    """
    y = column_or_1d(np.asarray(y_true, dtype=np.float64))
    iv = _intervals(y_intervals)
    check_consistent_length(y, iv)
    return float(np.mean((iv[:, 0] <= y) & (y <= iv[:, 1])))


def classification_coverage_score(y_true, y_sets, *, classes=None):
    """Share of labels inside their prediction set.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_sets : array-like of shape (n_samples, n_classes), bool
        ``y_sets[i, k]``: class ``classes[k]`` is in the set of sample ``i``.
    classes : array-like of shape (n_classes,), default=None
        Labels of the columns; ``None`` means ``0 .. n_classes - 1``.

    Returns
    -------
    coverage : float

    Examples
    --------
    >>> from sklearn_datacentric.metrics import classification_coverage_score
    >>> classification_coverage_score([0, 1], [[True, False], [True, False]])
    0.5
    """
    S = _sets(y_sets)
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
    covered = np.zeros(y.shape[0], dtype=bool)
    covered[known] = S[np.flatnonzero(known), idx[known]]
    return float(np.mean(covered))


def mean_interval_width(y_intervals):
    """Mean width ``upper - lower`` (``inf`` if any interval is infinite).

    Parameters
    ----------
    y_intervals : array-like of shape (n_samples, 2)

    Returns
    -------
    width : float

    Examples
    --------
    >>> from sklearn_datacentric.metrics import mean_interval_width
    >>> mean_interval_width([[0.0, 2.0], [1.0, 2.0]])
    1.5
    """
    iv = _intervals(y_intervals)
    return float(np.mean(iv[:, 1] - iv[:, 0]))


def mean_set_size(y_sets):
    """Mean number of classes per prediction set.

    Parameters
    ----------
    y_sets : array-like of shape (n_samples, n_classes), bool

    Returns
    -------
    size : float

    Examples
    --------
    >>> from sklearn_datacentric.metrics import mean_set_size
    >>> mean_set_size([[True, True], [True, False]])
    1.5
    """
    return float(np.mean(_sets(y_sets).sum(axis=1)))


def interval_score(y_true, y_intervals, *, confidence_level):
    """Mean interval score (Gneiting and Raftery 2007); lower is better.

    ``(u - l) + (2 / alpha) (l - y) 1[y < l] + (2 / alpha) (y - u) 1[y > u]``
    with ``alpha = 1 - confidence_level``: a proper score for the central
    ``confidence_level`` interval, rewarding narrow intervals and
    penalising misses by their distance.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_intervals : array-like of shape (n_samples, 2)
    confidence_level : float in (0, 1)

    Returns
    -------
    score : float

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
    if not 0 < confidence_level < 1:
        raise ValueError(
            f"confidence_level must be in (0, 1), got {confidence_level!r}."
        )
    alpha = 1.0 - confidence_level
    y = column_or_1d(np.asarray(y_true, dtype=np.float64))
    iv = _intervals(y_intervals)
    check_consistent_length(y, iv)
    lo, hi = iv[:, 0], iv[:, 1]
    s = (
        (hi - lo)
        + (2 / alpha) * np.maximum(lo - y, 0)
        + (2 / alpha) * np.maximum(y - hi, 0)
    )
    return float(np.mean(s))
