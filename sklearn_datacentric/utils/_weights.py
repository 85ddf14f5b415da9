"""Validation of per-sample weights, on scikit-learn's ``_check_sample_weight``."""

import inspect

import numpy as np
from sklearn.utils.validation import _check_sample_weight

__all__ = ["check_sample_weight"]

# scikit-learn >= 1.7 refuses all-zero weights unless told otherwise
_ZERO_OK = (
    {"allow_all_zero_weights": True}
    if "allow_all_zero_weights" in inspect.signature(_check_sample_weight).parameters
    else {}
)


def check_sample_weight(sample_weight, X, *, dtype=np.float64):
    """One float weight per row of ``X``, finite and non-negative.

    scikit-learn's ``_check_sample_weight`` (ones when None; a scalar is
    broadcast; 1-D, one entry per row, finite, numeric), then a check that
    counts the negative weights.  All-zero weights pass: the caller decides
    (many estimators refuse them with their own message).

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,), float or None
    X : array-like of shape (n_samples, n_features) or int
        The data (or its number of rows).
    dtype : dtype, default=np.float64

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
    """
    if isinstance(X, (int, np.integer)):
        X = np.empty((int(X), 0))
    sw = _check_sample_weight(sample_weight, X, dtype=dtype, **_ZERO_OK)
    n_neg = int(np.sum(sw < 0))
    if n_neg:
        raise ValueError(
            f"sample_weight contains {n_neg} negative value(s); weights must be >= 0."
        )
    return sw
