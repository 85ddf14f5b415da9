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
    check_params.setdefault("input_name", name)  # errors name the sample
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


# --------------------------------------------------------------------------
# input whose scale overflows float64 arithmetic
# --------------------------------------------------------------------------
_FLOAT64_MAX = float(np.finfo(np.float64).max)


def overflow_limit(n_samples, n_features=1):
    """Largest magnitude whose squared differences, summed over all entries of
    an ``(n_samples, n_features)`` array, stay finite in float64.

    ``(2 * limit) ** 2 * n_samples * n_features`` equals the largest float64:
    distances, variances and kernel arguments of data below the limit cannot
    overflow; above it they can (about 1e154 / sqrt(n_samples * n_features)).
    """
    return float(np.sqrt(_FLOAT64_MAX / (4.0 * max(n_samples, 1) * max(n_features, 1))))


def _column_name(X, j, feature_names=None):
    names = feature_names if feature_names is not None else getattr(X, "columns", None)
    if names is not None and j < len(names):
        return repr(names[j])
    return str(j)


def huge_columns(X):
    """Indices of the columns of ``X`` beyond :func:`overflow_limit` and the
    largest magnitude of each column (NaN and infinity are ignored)."""
    from scipy import sparse

    if sparse.issparse(X):  # the stored values of each column
        A = sparse.csc_matrix(X)
        if A.dtype.kind not in "fiu" or A.shape[0] == 0:
            return np.empty(0, dtype=np.int64), np.empty(0)
        absA = abs(A)
        absA.data[~np.isfinite(absA.data)] = 0.0
        amax = np.asarray(absA.max(axis=0).toarray(), dtype=np.float64).ravel()
        return np.flatnonzero(amax > overflow_limit(*A.shape)), amax
    A = np.asarray(X)
    if A.ndim == 1:
        A = A[:, None]
    if A.size == 0 or A.dtype.kind not in "fiu":
        return np.empty(0, dtype=np.int64), np.empty(0)
    with np.errstate(invalid="ignore"):
        amax = np.max(np.where(np.isfinite(A), np.abs(A), 0.0), axis=0)
    amax = np.asarray(amax, dtype=np.float64)
    bad = np.flatnonzero(amax > overflow_limit(*A.shape))
    return bad, amax


def _overflow_message(estimator, X, name, cols, amax, feature_names=None):
    est = estimator if isinstance(estimator, str) else type(estimator).__name__
    j = int(cols[0])
    A = np.asarray(X)
    shape = A.shape if A.ndim == 2 else (A.shape[0], 1)
    column = _column_name(X, j, feature_names)
    what = name if A.ndim == 1 else f"column {column} of {name}"
    more = f" (and {len(cols) - 1} other column(s))" if len(cols) > 1 else ""
    return (
        f"{est}: {what}{more} holds values up to {amax[j]:.3g} in magnitude, too "
        f"large for its float64 arithmetic (squares and sums of squares overflow "
        f"beyond about {overflow_limit(*shape):.3g} for data of this shape). "
        f"Rescale {name} first, e.g. divide it by its largest absolute value "
        f"(sklearn.preprocessing.MaxAbsScaler) or standardise data divided by "
        f"its maximum."
    )


def check_overflow(X, *, estimator, name="X", feature_names=None):
    """Raise a ValueError naming ``estimator``, the column and the remedy when
    the scale of ``X`` overflows float64 arithmetic (see :func:`overflow_limit`).

    For estimators that are not scale-equivariant (a regularised model, a
    kernel with a fixed bandwidth, a relevance function in the units of
    ``y``), where rescaling behind the user's back would change the result.
    """
    cols, amax = huge_columns(X)
    if cols.size:
        raise ValueError(
            _overflow_message(estimator, X, name, cols, amax, feature_names)
        )
    return X


class explain_overflow:
    """Context manager: an error raised inside (typically scikit-learn's
    "Input X contains NaN" after an inner scaler overflowed) is replaced by
    the message of :func:`check_overflow` when ``X`` is beyond the overflow
    limit; other errors pass unchanged.
    """

    def __init__(self, X, *, estimator, name="X", feature_names=None):
        self.X, self.estimator, self.name = X, estimator, name
        self.feature_names = feature_names

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        # ValueError covers scikit-learn's NaN messages and LinAlgError;
        # ArithmeticError covers OverflowError and FloatingPointError
        if exc_type is None or not issubclass(exc_type, (ValueError, ArithmeticError)):
            return False
        cols, amax = huge_columns(self.X)
        if cols.size:
            raise ValueError(
                _overflow_message(
                    self.estimator, self.X, self.name, cols, amax, self.feature_names
                )
            ) from exc
        return False


def pow2_rescale(X, limit=None):
    """``(X * 2**-e, e)`` with ``e`` chosen so that ``X`` is brought below
    ``limit`` (default :func:`overflow_limit`; ``e = 0`` and ``X`` itself
    when it already is).

    Scaling by a power of two is exact in floating point (barring values
    that become subnormal), so a scale-equivariant method run on the scaled
    data and mapped back with ``np.ldexp(result, e)`` gives exactly the
    result of exact arithmetic on ``X``, without overflowing on the way.
    """
    cols, amax = huge_columns(X)
    if limit is None:
        shape = X.shape if hasattr(X, "shape") else np.shape(X)
        limit = overflow_limit(*(shape if len(shape) == 2 else (shape[0], 1)))
    else:
        cols = np.flatnonzero(amax > limit)
    if not cols.size:
        return X, 0
    # the largest magnitude lands just below the limit: small columns are
    # scaled down as little as possible (away from the subnormal range)
    e = int(np.frexp(float(np.max(amax)))[1] - np.frexp(limit)[1] + 1)
    from scipy import sparse

    if sparse.issparse(X):
        X = X.astype(np.float64, copy=True)
        X.data = np.ldexp(X.data, -e)
        return X, e
    return np.ldexp(np.asarray(X, dtype=np.float64), -e), e


def unscale(X, e, *, estimator=None):
    """Map the output of :func:`pow2_rescale` data back (``X * 2**e``, exact);
    a result that overflows there raises instead of returning infinity."""
    if not e:
        return X
    with np.errstate(over="ignore"):
        out = np.ldexp(X, e)
    if not np.all(np.isfinite(out[np.isfinite(np.asarray(X))])):
        who = "" if estimator is None else f"{type(estimator).__name__}: "
        raise ValueError(
            f"{who}the result does not fit in float64 once mapped back to the "
            "scale of X (synthetic values beyond the largest float64); rescale X "
            "first, e.g. divide it by its largest absolute value."
        )
    return out


# --------------------------------------------------------------------------
# pandas nullable dtypes (Int64, Float64, boolean, ...)
# --------------------------------------------------------------------------
def _is_nullable_numeric(dtype):
    import pandas as pd

    return isinstance(dtype, (pd.api.extensions.ExtensionDtype,)) and (
        pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype)
    )


def nullable_to_float(X):
    """Convert the pandas nullable numeric columns of a DataFrame to float64.

    ``Int8`` ... ``UInt64``, ``Float32``/``Float64`` and ``boolean`` columns
    become float64 with ``pd.NA`` as NaN (so the usual NaN error follows);
    other columns and non-DataFrame input are returned unchanged.

    Returns
    -------
    X : DataFrame or the input
    dtypes : dict or None
        ``{column: original dtype}`` of the converted columns, for
        :func:`restore_nullable`; None when nothing was converted.
    """
    columns = getattr(X, "columns", None)
    dtypes = getattr(X, "dtypes", None)
    if columns is None or dtypes is None or not hasattr(X, "iloc"):
        return X, None
    converted = {c: d for c, d in dtypes.items() if _is_nullable_numeric(d)}
    if not converted:
        return X, None
    X = X.copy()  # never modify the caller's frame
    for c in converted:
        X[c] = X[c].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    return X, converted


def restore_nullable(X_out, dtypes):
    """Give the columns converted by :func:`nullable_to_float` a nullable dtype.

    A column keeps its original dtype when every output value is exactly
    representable in it (rows selected or duplicated: under-sampling,
    cleaning, original rows); otherwise (interpolated values of an integer
    or boolean column) it comes back as ``Float64``, never rounded.
    """
    if not dtypes or not hasattr(X_out, "columns"):
        return X_out
    import pandas as pd

    X_out = X_out.copy()
    for c, dtype in dtypes.items():
        if c not in X_out.columns:
            continue
        values = X_out[c].to_numpy(dtype=np.float64, na_value=np.nan)
        finite = values[np.isfinite(values)]
        if pd.api.types.is_bool_dtype(dtype):
            exact = np.all((finite == 0) | (finite == 1))
        elif pd.api.types.is_integer_dtype(dtype):
            info = np.iinfo(dtype.numpy_dtype)
            in_range = (finite >= info.min) & (finite <= info.max)
            exact = np.all((finite == np.round(finite)) & in_range)
        else:
            exact = True
        values = pd.array(values, dtype="Float64")
        X_out[c] = values.astype(dtype if exact else "Float64")
    return X_out


def _reject_na(estimator, X, dtypes):
    """The usual NaN error for ``pd.NA`` in a nullable column, raised before
    any column-type logic (a categorical column would otherwise take NaN as
    a category) unless the estimator accepts missing values."""
    try:
        allow_nan = estimator.__sklearn_tags__().input_tags.allow_nan
    except AttributeError:  # pragma: no cover - not a scikit-learn estimator
        allow_nan = False
    if allow_nan:
        return
    for c in dtypes:
        n_na = int(np.isnan(X[c].to_numpy()).sum())
        if n_na:
            raise ValueError(
                f"Input X contains NaN: column {c!r} ({dtypes[c]}) holds {n_na} "
                f"missing value(s) (pd.NA). {type(estimator).__name__} does not "
                "accept missing values; impute or drop them first."
            )


def nullable_resample(fit_resample):
    """Decorator of ``fit_resample(self, X, y, ...)``: pandas nullable numeric
    columns enter as float64 (``pd.NA`` as NaN, rejected by the usual NaN
    check) and come back with the dtype chosen by :func:`restore_nullable`."""
    import functools

    @functools.wraps(fit_resample)
    def wrapper(self, X, y, *args, **kwargs):
        X, dtypes = nullable_to_float(X)
        if dtypes is not None:
            _reject_na(self, X, dtypes)
        out = fit_resample(self, X, y, *args, **kwargs)
        if dtypes is None:
            return out
        return (restore_nullable(out[0], dtypes), *out[1:])

    return wrapper


def scale_equivariant(method):
    """Decorator of ``method(self, X, *args)`` returning ``(X_new, *rest)``
    for a method equivariant under a common positive scaling of ``X``
    (interpolation, neighbours, hyperspheres, codebooks, polynomial fits):
    ``X`` beyond the overflow limit is brought below it by a power of two
    (:func:`pow2_rescale`) and ``X_new`` mapped back exactly (:func:`unscale`),
    so data near the largest float64 gives the result of exact arithmetic
    instead of infinities or a NaN error."""
    import functools

    @functools.wraps(method)
    def wrapper(self, X, *args, **kwargs):
        X_scaled, e = pow2_rescale(X)
        out = method(self, X_scaled, *args, **kwargs)
        if not e:
            return out
        X_new = unscale(np.asarray(out[0], dtype=np.float64), e, estimator=self)
        return (X_new, *out[1:])

    return wrapper
