"""Validation helpers shared by every estimator of the package."""

import inspect
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_array, has_fit_parameter

__all__ = [
    "check_sample_weight_support",
    "check_same_n_features",
    "check_finite_target",
    "check_keep_ratio",
]


def check_sample_weight_support(estimator, *, purpose="these weights"):
    """Raise a clear error when ``estimator.fit`` does not accept ``sample_weight``.

    The package never falls back silently to bootstrap resampling when an
    estimator cannot take weights.

    Parameters
    ----------
    estimator : estimator
        The estimator whose ``fit`` must accept ``sample_weight``.
    purpose : str, default="these weights"
        What the weights are, for the error message.
    """
    fit = getattr(estimator, "fit", None)
    if fit is None:
        raise TypeError(f"{type(estimator).__name__} has no fit method.")
    if has_fit_parameter(estimator, "sample_weight"):
        return
    # a **fit_params signature may still forward sample_weight (e.g. Pipeline)
    params = inspect.signature(fit).parameters.values()
    if type(estimator).__name__ == "Pipeline" and any(
        p.kind is p.VAR_KEYWORD for p in params
    ):
        return
    raise TypeError(
        f"{type(estimator).__name__}.fit does not accept `sample_weight`, which "
        f"is required to apply {purpose}. Use an estimator whose fit method "
        "takes sample_weight (this package never replaces weights by "
        "bootstrap resampling silently)."
    )


def check_same_n_features(X_target, n_features, *, name="X_target", **check_params):
    """Validate a second sample (e.g. the target sample) against the training one.

    Parameters
    ----------
    X_target : array-like of shape (n_target, n_features)
        The second sample.
    n_features : int
        Number of features of the training data.
    name : str, default="X_target"
        Name of the sample in the error messages.
    **check_params : dict
        Passed to :func:`sklearn.utils.check_array`.

    Returns
    -------
    X_target : ndarray of shape (n_target, n_features)
        The validated sample.
    """
    if X_target is None:
        raise ValueError(f"{name} is required and cannot be None.")
    X_target = check_array(X_target, **check_params)
    if X_target.shape[0] == 0:
        raise ValueError(f"{name} is empty: at least one sample is required.")
    if X_target.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X_target.shape[1]} features, but the training data "
            f"has {n_features} features."
        )
    return X_target


def check_finite_target(y, *, name="y"):
    """Return ``y`` as a float array, raising if it holds NaN or infinity.

    Parameters
    ----------
    y : array-like
        Target values.
    name : str, default="y"
        Name of the array in the error message.

    Returns
    -------
    y : ndarray of dtype float64
        The target values as floats.
    """
    y = np.asarray(y, dtype=np.float64)
    if not np.all(np.isfinite(y)):
        n_bad = int(np.sum(~np.isfinite(y)))
        raise ValueError(f"{name} contains {n_bad} NaN or infinite value(s).")
    return y


@validate_params(
    {"keep_ratio": [Interval(Real, 0, 1, closed="right")]},
    prefer_skip_nested_validation=True,
)
def check_keep_ratio(keep_ratio):
    """Validate a ratio in (0, 1].

    Parameters
    ----------
    keep_ratio : float in (0, 1]
        The ratio to check.

    Returns
    -------
    keep_ratio : float
        ``keep_ratio`` as a Python float.
    """
    return float(keep_ratio)
