"""Shared machinery of the conformal estimators.

Quantiles with their finite-sample corrections, the source/target plumbing,
score functions for regression and classification, and the common base of
all conformal estimators (fitting the wrapped estimator on an internal split
or using it prefit).
"""

import math
import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LinearRegression, LogisticRegression, QuantileRegressor
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_method_params,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ..utils._routing import build_router, routed_params
from ..utils._warnings import external_stacklevel
from ..utils.domain import split_source_target
from ..utils.validation import check_finite_target, check_same_n_features

__all__ = [
    "InfiniteIntervalWarning",
    "conformal_quantile",
    "weighted_conformal_quantile",
    "n_calibration_required",
]


class InfiniteIntervalWarning(UserWarning):
    """The calibration set is too small: bounds are infinite (trivial sets)."""


def n_calibration_required(confidence_level):
    """Smallest calibration size for which split conformal gives a finite bound.

    The bound is the ``ceil((n + 1) * confidence_level)``-th smallest of ``n``
    calibration scores, which exists only when that rank is at most ``n``.
    """
    return max(int(math.ceil(confidence_level / (1.0 - confidence_level) - 1e-12)), 1)


def conformal_quantile(scores, confidence_level):
    """Split-conformal threshold: the ``ceil((n+1) level)``-th smallest score.

    Returns ``+inf`` when ``ceil((n + 1) * level) > n``: no finite threshold
    is valid at that level with ``n`` calibration scores.

    Parameters
    ----------
    scores : array-like of shape (n,)
        Calibration nonconformity scores (finite).
    confidence_level : float in (0, 1)

    Returns
    -------
    threshold : float
    """
    scores = np.asarray(scores, dtype=np.float64)
    n = scores.shape[0]
    k = int(math.ceil((n + 1) * confidence_level - 1e-12))
    if n == 0 or k > n:
        return np.inf
    return float(np.partition(scores, k - 1)[k - 1])


def weighted_conformal_quantile(scores, weights_calib, weights_test, confidence_level):
    """Weighted-conformal thresholds (Tibshirani et al. 2019), one per test point.

    For test point ``j`` the threshold is the ``confidence_level`` quantile of
    the distribution putting mass ``w_i / (sum(w) + w_j)`` on each calibration
    score and ``w_j / (sum(w) + w_j)`` on ``+inf``.

    Parameters
    ----------
    scores : array-like of shape (n,)
    weights_calib : array-like of shape (n,)
        Likelihood ratios ``dP_target / dP_source`` at the calibration points.
    weights_test : array-like of shape (m,)
        Likelihood ratios at the test points.
    confidence_level : float in (0, 1)

    Returns
    -------
    thresholds : ndarray of shape (m,)
        ``+inf`` where the mass on ``+inf`` exceeds ``1 - confidence_level``
        (or is too large to be reached by the calibration mass).
    """
    scores = np.asarray(scores, dtype=np.float64)
    wc = np.asarray(weights_calib, dtype=np.float64)
    wt = np.asarray(weights_test, dtype=np.float64)
    if (
        np.any(wc < 0)
        or np.any(wt < 0)
        or not (np.all(np.isfinite(wc)) and np.all(np.isfinite(wt)))
    ):
        raise ValueError("Likelihood-ratio weights must be finite and non-negative.")
    order = np.argsort(scores, kind="stable")
    s_sorted = scores[order]
    cum = np.cumsum(wc[order])
    total = cum[-1] if cum.size else 0.0
    need = confidence_level * (total + wt)
    # smallest k with cum[k] >= need (a tiny relative slack absorbs rounding)
    idx = np.searchsorted(cum, need * (1.0 - 1e-12), side="left")
    out = np.full(wt.shape[0], np.inf)
    ok = (idx < cum.size) & ((total + wt) > 0)
    out[ok] = s_sorted[idx[ok]]
    return out


def _warn_infinite(
    n_infinite, n_total, n_calib, confidence_level, what="bounds", reason=None
):
    if n_infinite:
        if reason is None:
            reason = (
                f"with {n_calib} calibration samples no finite bound is valid at "
                f"confidence_level={confidence_level} (split conformal needs at "
                f"least {n_calibration_required(confidence_level)} calibration "
                "samples; weighted conformal needs more where the test point's "
                "weight is large). Use a larger calibration set or a lower "
                "confidence_level."
            )
        warnings.warn(
            f"{n_infinite} of {n_total} prediction {what} are infinite: {reason}",
            InfiniteIntervalWarning,
            stacklevel=external_stacklevel(),
        )


def _check_scores(scores, name="nonconformity scores"):
    scores = np.asarray(scores, dtype=np.float64)
    if not np.all(np.isfinite(scores)):
        bad = int(np.sum(~np.isfinite(scores)))
        raise ValueError(
            f"{bad} {name} are NaN or infinite; the wrapped estimator returned "
            "non-finite predictions on the calibration data."
        )
    return scores


def _wrap_output(values, X, columns):
    """Return a DataFrame when X is one (index kept), else the array."""
    if hasattr(X, "iloc") and hasattr(X, "index"):
        import pandas as pd

        return pd.DataFrame(values, index=X.index, columns=columns)
    return values


# ----------------------------------------------------------------------------
# score functions
# ----------------------------------------------------------------------------
class _AbsoluteScore:
    """``|y - f(x)|``; set ``[f(x) - q, f(x) + q]``."""

    name = "absolute"
    bounded = False

    def __init__(self, estimator):
        self.estimator = estimator

    def predict(self, X):
        return np.asarray(self.estimator.predict(X), dtype=np.float64).ravel()

    def scores(self, X, y):
        return _check_scores(np.abs(np.asarray(y, dtype=np.float64) - self.predict(X)))

    def interval(self, X, q):
        pred = self.predict(X)
        q = np.broadcast_to(np.asarray(q, dtype=np.float64), pred.shape)
        half = np.maximum(q, 0.0)  # q < 0: empty set, zero width at pred
        return np.column_stack([pred - half, pred + half])


class _CQRScore:
    """Conformalized quantile regression (Romano, Patterson, Candes 2019).

    ``max(lo(x) - y, y - hi(x))``; set ``[lo(x) - q, hi(x) + q]``.
    """

    name = "cqr"
    bounded = False

    def __init__(self, lower, upper):
        self.lower = lower
        self.upper = upper

    def _bounds(self, X):
        lo = np.asarray(self.lower.predict(X), dtype=np.float64).ravel()
        hi = np.asarray(self.upper.predict(X), dtype=np.float64).ravel()
        return lo, hi

    def predict(self, X):
        lo, hi = self._bounds(X)
        return 0.5 * (lo + hi)

    def scores(self, X, y):
        lo, hi = self._bounds(X)
        y = np.asarray(y, dtype=np.float64)
        return _check_scores(np.maximum(lo - y, y - hi))

    def interval(self, X, q):
        lo, hi = self._bounds(X)
        q = np.broadcast_to(np.asarray(q, dtype=np.float64), lo.shape)
        with np.errstate(invalid="ignore"):
            a = lo - q
            b = hi + q
        empty = ~(a <= b)  # also NaN from inf - inf never happens (q finite or +inf)
        mid = 0.5 * (lo + hi)
        a = np.where(empty, mid, a)
        b = np.where(empty, mid, b)
        return np.column_stack([a, b])


class _LACScore:
    """Least ambiguous set-valued classifier score ``1 - p_y(x)``."""

    name = "lac"
    bounded = True

    def __init__(self, estimator):
        self.estimator = estimator

    def proba(self, X):
        P = np.asarray(self.estimator.predict_proba(X), dtype=np.float64)
        if not np.all(np.isfinite(P)):
            raise ValueError("predict_proba returned NaN or infinite values.")
        return P

    def scores(self, X, y_idx):
        P = self.proba(X)
        return _check_scores(1.0 - P[np.arange(P.shape[0]), y_idx])

    def sets(self, X, q):
        P = self.proba(X)
        q = np.asarray(q, dtype=np.float64).reshape(-1, 1)
        return (1.0 - P) <= q


def _quantile_param(estimator):
    """Name of the parameter that sets the quantile of a quantile regressor."""
    params = estimator.get_params(deep=False)
    if "quantile" in params:
        return "quantile"
    if "alpha" in params and params.get("loss") == "quantile":
        return "alpha"
    raise ValueError(
        f"method='cqr' needs a quantile regressor with a `quantile` parameter "
        f"(QuantileRegressor, HistGradientBoostingRegressor(loss='quantile')) "
        f"or `alpha` with loss='quantile' (GradientBoostingRegressor); got "
        f"{type(estimator).__name__}."
    )


# ----------------------------------------------------------------------------
# base classes
# ----------------------------------------------------------------------------
def _is_frame(X):
    return hasattr(X, "iloc") and hasattr(X, "columns")


def _take(X, idx):
    if _is_frame(X):
        return X.iloc[idx]
    return X[idx]


class _BaseConformal(BaseEstimator):
    """Common parameters, validation and the fit-or-prefit logic.

    Subclasses define ``_calibrate(scores, X_cal, X_source, X_target)`` and
    ``_thresholds(X)``.
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), tuple, None],
        "confidence_level": [Interval(numbers.Real, 0, 1, closed="neither")],
        "prefit": ["boolean"],
        "calibration_size": [
            Interval(numbers.Real, 0, 1, closed="neither"),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "random_state": ["random_state"],
    }

    _is_classifier = False
    _uses_target = False

    # -- validation -----------------------------------------------------------
    def _default_estimator(self):
        if self._is_classifier:
            return LogisticRegression(max_iter=1000)
        return LinearRegression()

    def _validate_fit_input(self, X, y, X_target=None, sample_domain=None):
        """Validate X/y, separate source and target rows.

        Returns ``(X_src, X_src_v, y_src, X_tgt, X_tgt_v, source_rows)``;
        ``X_src``/``X_tgt`` are in the container given (DataFrame rows kept
        as DataFrame) for the wrapped estimator, ``*_v`` validated
        numerically; ``source_rows`` are the source rows' indices in ``X``.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        Xv = validate_data(self, X, reset=True)
        y = column_or_1d(y, warn=True)
        check_consistent_length(Xv, y)
        Xs_v, ys, Xt_v, mask = split_source_target(
            Xv, y, X_target=X_target, sample_domain=sample_domain
        )
        Xs = X if mask.all() else _take(X, np.flatnonzero(mask))
        if not _is_frame(Xs):
            Xs = Xs_v
        if X_target is not None:
            Xt_v = check_same_n_features(
                X_target, self.n_features_in_, name="X_target", dtype="numeric"
            )
            if _is_frame(X_target) and hasattr(self, "feature_names_in_"):
                cols = list(X_target.columns)
                if cols != list(self.feature_names_in_):
                    raise ValueError(
                        "X_target has different feature names from X: "
                        f"{cols[:5]}... vs {list(self.feature_names_in_)[:5]}..."
                    )
            Xt = X_target if _is_frame(X_target) else Xt_v
        elif Xt_v is not None:
            Xt = Xt_v if not _is_frame(X) else _take(X, np.flatnonzero(~mask))
        else:
            Xt = None
        if self._is_classifier:
            check_classification_targets(ys)
        else:
            ys = check_finite_target(ys, name="y (source rows)")
        n = Xs_v.shape[0]
        if n < 2 and not self.prefit:
            raise ValueError(
                f"Found n_samples={n} source sample(s); at least 2 are needed to "
                "split them into a training and a calibration set."
            )
        return Xs, Xs_v, ys, Xt, Xt_v, np.flatnonzero(mask)

    def _check_X(self, X):
        Xv = validate_data(self, X, reset=False)
        return (X if _is_frame(X) else Xv), Xv

    def _split(self, n, rng):
        size = self.calibration_size
        n_cal = int(math.ceil(size * n)) if isinstance(size, float) else int(size)
        if not 1 <= n_cal < n:
            raise ValueError(
                f"calibration_size={size!r} leaves {n_cal} calibration and "
                f"{n - n_cal} training samples out of n_samples={n}; both must "
                "be at least 1."
            )
        perm = rng.permutation(n)
        return np.sort(perm[n_cal:]), np.sort(perm[:n_cal])

    @staticmethod
    def _check_prefitted(est):
        try:
            check_is_fitted(est)
        except Exception as exc:
            raise ValueError(
                f"prefit=True but the estimator {type(est).__name__} is not "
                "fitted; fit it first or use prefit=False."
            ) from exc
        return est

    # -- the models behind the score -----------------------------------------
    def _build_score(self, X_train, y_train, **params):
        """Fit (or take prefit) the wrapped model(s); return the score object."""
        raise NotImplementedError

    def get_metadata_routing(self):
        """Metadata routing: ``fit`` routes to ``estimator.fit``.

        Per-row metadata is restricted to the rows the estimator is fitted on
        (the training part of the source rows).

        Returns
        -------
        routing : MetadataRouter
        """
        est = self.estimator
        if est is None or isinstance(est, tuple):  # a prefit pair is not fitted
            est = self._default_estimator()
        return build_router(self, self_request=True, estimator=(est, [("fit", "fit")]))

    # -- fit / conformalize ---------------------------------------------------
    def _fit(self, X, y, X_target=None, sample_domain=None, **fit_params):
        self._validate_params()
        params = routed_params(self, "fit", fit_params)
        Xs, Xs_v, ys, Xt, Xt_v, rows = self._validate_fit_input(
            X, y, X_target, sample_domain
        )
        rng = check_random_state(self.random_state)
        if self.prefit:
            if params:
                raise ValueError(
                    f"prefit=True fits nothing, so the fit parameters {sorted(params)} "
                    "cannot be used; fit the estimator with them first."
                )
            self.score_ = self._build_score(None, None)
            cal = np.arange(Xs_v.shape[0])
        else:
            tr, cal = self._split(Xs_v.shape[0], rng)
            params = _check_method_params(X, params, rows[tr])
            self.score_ = self._build_score(_take(Xs, tr), ys[tr], **params)
        self._conformalize(_take(Xs, cal), Xs_v[cal], ys[cal], Xs, Xs_v, Xt, Xt_v, rng)
        return self

    def _conformalize(self, X_cal, X_cal_v, y_cal, Xs, Xs_v, Xt, Xt_v, rng):
        if self._is_classifier:
            y_cal = self._encode_labels(y_cal)
        scores = self.score_.scores(X_cal, y_cal)
        self.n_calibration_ = scores.shape[0]
        self.calibration_scores_ = scores
        self._calibrate(scores, X_cal, X_cal_v, Xs, Xs_v, Xt, Xt_v, rng)

    def _conformalize_public(self, X, y, X_target=None, sample_domain=None):
        check_is_fitted(self, "score_")
        # validate without resetting the fitted input description
        if y is None:
            raise ValueError("conformalize requires y (the calibration labels).")
        Xv = validate_data(self, X, reset=False)
        y = column_or_1d(y, warn=True)
        check_consistent_length(Xv, y)
        Xs_v, ys, Xt_v, mask = split_source_target(
            Xv, y, X_target=X_target, sample_domain=sample_domain
        )
        Xs = (
            X
            if (mask.all() and _is_frame(X))
            else (_take(X, np.flatnonzero(mask)) if _is_frame(X) else Xs_v)
        )
        if X_target is not None:
            Xt_v = check_same_n_features(
                X_target, self.n_features_in_, name="X_target", dtype="numeric"
            )
            Xt = X_target if _is_frame(X_target) else Xt_v
        elif Xt_v is not None:
            Xt = _take(X, np.flatnonzero(~mask)) if _is_frame(X) else Xt_v
        else:
            Xt = None
        if not self._is_classifier:
            ys = check_finite_target(ys, name="y")
        rng = check_random_state(self.random_state)
        self._conformalize(Xs, Xs_v, ys, Xs, Xs_v, Xt, Xt_v, rng)
        return self

    def _encode_labels(self, y):
        classes = np.asarray(self.classes_)
        y = np.asarray(y)
        idx = np.searchsorted(classes, y)
        idx = np.clip(idx, 0, len(classes) - 1)
        bad = classes[idx] != y
        if np.any(bad):
            unknown = np.unique(y[bad])[:5]
            raise ValueError(
                f"Calibration labels {unknown.tolist()} are not among the classes "
                f"the estimator was trained on ({classes.tolist()})."
            )
        return idx

    def _thresholds(self, X, X_v):
        raise NotImplementedError

    def _checked_thresholds(self, X, X_v, what):
        q = np.asarray(self._thresholds(X, X_v), dtype=np.float64)
        if np.any(np.isnan(q)):
            raise ValueError(
                "NaN conformal threshold: the scores or weights are invalid."
            )
        _warn_infinite(
            int(np.sum(np.isposinf(q))),
            q.shape[0],
            self.n_calibration_,
            self.confidence_level,
            what=what,
            reason=getattr(self, "_infinite_reason", None),
        )
        return q


class _RegressorConformalMixin:
    """predict / predict_interval for the conformal regressors."""

    def _build_score(self, X_train, y_train, **params):
        return self._build_regression_score(X_train, y_train, **params)

    def _build_regression_score(self, X_train, y_train, **params):
        method = getattr(self, "method", "absolute")
        if method == "absolute":
            if self.prefit:
                if self.estimator is None:
                    raise ValueError("prefit=True requires a fitted estimator.")
                est = self._check_prefitted(self.estimator)
            else:
                est = clone(
                    self.estimator
                    if self.estimator is not None
                    else self._default_estimator()
                ).fit(X_train, y_train, **params)
            self.estimator_ = est
            return _AbsoluteScore(est)
        # conformalized quantile regression
        alpha = 1.0 - self.confidence_level
        if self.prefit:
            if not (isinstance(self.estimator, tuple) and len(self.estimator) == 2):
                raise ValueError(
                    "method='cqr' with prefit=True needs estimator=(lower, upper): "
                    "two fitted quantile regressors."
                )
            lo, hi = (self._check_prefitted(e) for e in self.estimator)
        else:
            base = self.estimator
            if base is None:
                base = QuantileRegressor(alpha=0.0, solver="highs")
            if isinstance(base, tuple):
                raise ValueError(
                    "estimator=(lower, upper) is only for prefit=True; give one "
                    "quantile regressor to be fitted at both levels."
                )
            name = _quantile_param(base)
            lo = clone(base).set_params(**{name: alpha / 2})
            hi = clone(base).set_params(**{name: 1 - alpha / 2})
            lo, hi = (
                lo.fit(X_train, y_train, **params),
                hi.fit(X_train, y_train, **params),
            )
        self.estimator_ = (lo, hi)
        return _CQRScore(lo, hi)

    def predict(self, X):
        """Point prediction of the wrapped estimator (CQR: interval midpoint).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "score_")
        Xe, _ = self._check_X(X)
        return self.score_.predict(Xe)

    def predict_interval(self, X):
        """Conformal prediction intervals at ``confidence_level``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        intervals : ndarray of shape (n_samples, 2) or DataFrame
            Columns ``lower`` and ``upper``; a DataFrame (index of ``X``)
            when ``X`` is one.  Bounds are ``-inf``/``+inf`` (with an
            :class:`InfiniteIntervalWarning`) where no finite bound is valid.
        """
        check_is_fitted(self, "score_")
        Xe, Xv = self._check_X(X)
        q = self._checked_thresholds(Xe, Xv, "intervals")
        out = self.score_.interval(Xe, q)
        return _wrap_output(out, X, ["lower", "upper"])


class _ClassifierConformalMixin:
    """predict / predict_proba / predict_set for the conformal classifiers."""

    def _build_score(self, X_train, y_train, **params):
        return self._build_classification_score(X_train, y_train, **params)

    def _build_classification_score(self, X_train, y_train, **params):
        if self.prefit:
            if self.estimator is None:
                raise ValueError("prefit=True requires a fitted estimator.")
            est = self._check_prefitted(self.estimator)
        else:
            est = clone(
                self.estimator
                if self.estimator is not None
                else self._default_estimator()
            ).fit(X_train, y_train, **params)
        if not hasattr(est, "predict_proba"):
            raise TypeError(
                f"{type(est).__name__} has no predict_proba; conformal "
                "classification needs class probabilities."
            )
        self.estimator_ = est
        self.classes_ = est.classes_
        return _LACScore(est)

    def predict(self, X):
        """Class predicted by the wrapped estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "score_")
        Xe, _ = self._check_X(X)
        return self.estimator_.predict(Xe)

    def predict_proba(self, X):
        """Class probabilities of the wrapped estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "score_")
        Xe, _ = self._check_X(X)
        return self.estimator_.predict_proba(Xe)

    def predict_set(self, X):
        """Conformal prediction sets at ``confidence_level``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        sets : ndarray of shape (n_samples, n_classes), dtype bool, or DataFrame
            ``sets[i, k]`` is True when ``classes_[k]`` is in the set of
            sample ``i`` (score ``1 - p_k(x) <= threshold``).  A DataFrame
            with the classes as columns when ``X`` is one.  An infinite
            threshold (too small a calibration set) gives the full set, with
            an :class:`InfiniteIntervalWarning`.
        """
        check_is_fitted(self, "score_")
        Xe, Xv = self._check_X(X)
        q = self._checked_thresholds(Xe, Xv, "sets")
        out = self.score_.sets(Xe, q)
        return _wrap_output(out, X, list(self.classes_))
