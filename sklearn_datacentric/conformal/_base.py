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
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_method_params,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ..utils._pandas import is_pandas_df
from ..utils._routing import build_router, routed_params
from ..utils._warnings import external_stacklevel
from ..utils._weights import check_sample_weight
from ..utils.domain import split_source_target
from ..utils.validation import (
    check_finite_target,
    check_overflow,
    check_same_n_features,
)
from ._scores import (
    BaseClassificationScore,
    BaseRegressionScore,
    _check_prefitted,
    _fit_estimator,
    _take,
    check_classification_score,
    check_confidence_levels,
    check_groups,
    check_regression_score,
    map_groups,
    stack_intervals,
    stack_sets,
)

__all__ = [
    "InfiniteIntervalWarning",
    "conformal_quantile",
    "weighted_conformal_quantile",
    "n_calibration_required",
]


class InfiniteIntervalWarning(UserWarning):
    """The calibration set is too small: bounds are infinite (trivial sets)."""


@validate_params(
    {"confidence_level": [Interval(numbers.Real, 0, 1, closed="neither")]},
    prefer_skip_nested_validation=True,
)
def n_calibration_required(confidence_level):
    """Smallest calibration size for which split conformal gives a finite bound.

    The bound is the ``ceil((n + 1) * confidence_level)``-th smallest of ``n``
    calibration scores, which exists only when that rank is at most ``n``.

    Parameters
    ----------
    confidence_level : float in (0, 1)
        Target coverage.

    Returns
    -------
    n : int
        The smallest ``n`` with ``ceil((n + 1) * confidence_level) <= n``.

    Examples
    --------
    >>> from sklearn_datacentric.conformal import n_calibration_required
    >>> n_calibration_required(0.9)
    9
    """
    return max(int(math.ceil(confidence_level / (1.0 - confidence_level) - 1e-12)), 1)


@validate_params(
    {
        "scores": ["array-like"],
        "confidence_level": [Interval(numbers.Real, 0, 1, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def conformal_quantile(scores, confidence_level):
    """Split-conformal threshold: the ``ceil((n+1) level)``-th smallest score.

    Returns ``+inf`` when ``ceil((n + 1) * level) > n``: no finite threshold
    is valid at that level with ``n`` calibration scores.

    Parameters
    ----------
    scores : array-like of shape (n,)
        Calibration nonconformity scores (finite).
    confidence_level : float in (0, 1)
        Target coverage level(s), each in (0, 1); one output per level, in the order
        given.

    Returns
    -------
    threshold : float
        The conformal threshold.

    Examples
    --------
    >>> from sklearn_datacentric.conformal import conformal_quantile
    >>> conformal_quantile([1, 2, 3, 4, 5, 6, 7, 8, 9], 0.8)  # 8th smallest
    8.0
    """
    return _conformal_quantile(np.asarray(scores, dtype=np.float64), confidence_level)


# relative slack of the rank ceil((n + 1) * level) and of the weighted mass
_SLACK = 1e-12


def _conformal_rank(n, confidence_level):
    """The rank ``ceil((n + 1) * level)`` of the split-conformal quantile."""
    return int(math.ceil((n + 1) * confidence_level - _SLACK))


def _conformal_quantile(scores, confidence_level):
    n = scores.shape[0]
    k = _conformal_rank(n, confidence_level)
    if n == 0 or k > n:
        return np.inf
    return float(np.partition(scores, k - 1)[k - 1])


@validate_params(
    {
        "scores": ["array-like"],
        "weights_calib": ["array-like"],
        "weights_test": ["array-like"],
        "confidence_level": [Interval(numbers.Real, 0, 1, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def weighted_conformal_quantile(scores, weights_calib, weights_test, confidence_level):
    """Weighted-conformal thresholds (Tibshirani et al. 2019), one per test point.

    For test point ``j`` the threshold is the ``confidence_level`` quantile of
    the distribution putting mass ``w_i / (sum(w) + w_j)`` on each calibration
    score and ``w_j / (sum(w) + w_j)`` on ``+inf``.

    Parameters
    ----------
    scores : array-like of shape (n,)
        Calibration nonconformity scores (finite).
    weights_calib : array-like of shape (n,)
        Likelihood ratios ``dP_target / dP_source`` at the calibration points.
    weights_test : array-like of shape (m,)
        Likelihood ratios at the test points.
    confidence_level : float in (0, 1)
        Target coverage level(s), each in (0, 1); one output per level, in the order
        given.

    Returns
    -------
    thresholds : ndarray of shape (m,)
        ``+inf`` where the mass on ``+inf`` exceeds ``1 - confidence_level``
        (or is too large to be reached by the calibration mass).

    Examples
    --------
    >>> from sklearn_datacentric.conformal import weighted_conformal_quantile
    >>> weighted_conformal_quantile([1, 2, 3, 4], [1, 1, 1, 1], [1, 100], 0.5)
    array([ 3., inf])
    """
    return _weighted_conformal_quantile(
        scores, weights_calib, weights_test, confidence_level
    )


def _weighted_conformal_quantile(scores, weights_calib, weights_test, confidence_level):
    scores = np.asarray(scores, dtype=np.float64)
    wc = np.asarray(weights_calib, dtype=np.float64)
    wt = np.asarray(weights_test, dtype=np.float64)
    if wc.shape != scores.shape:
        raise ValueError(
            f"weights_calib has shape {wc.shape} for scores of shape {scores.shape}."
        )
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
    idx = np.searchsorted(cum, need * (1.0 - _SLACK), side="left")
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


def _mondrian_reason(labels, counts, level, method="split conformal"):
    """Why bounds are infinite under Mondrian calibration, naming the groups."""
    desc = ", ".join(f"{g!r} ({c} calibration rows)" for g, c in zip(labels, counts))
    return (
        f"Mondrian calibration: no finite bound is valid at "
        f"confidence_level={level:g} for group(s) {desc} ({method} needs at "
        f"least {n_calibration_required(level)} rows per group; weighted "
        "conformal more where the test weight is large)."
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


def _two_sided(scores, level, symmetric, quantile):
    """Thresholds ``(q_lo, q_hi)`` in score units at ``level``.

    Symmetric (non-negative) scores: ``(-q, q)``, ``q`` the ``level``
    quantile; signed scores: each side at ``1 - (1 - level) / 2``.
    """
    if symmetric:
        q = quantile(scores, level)
        return -q, q
    side = 1.0 - (1.0 - level) / 2.0
    return -quantile(-scores, side), quantile(scores, side)


def _calibration_split(n, size, rng):
    """Sorted (training, calibration) row indices of a random split of ``n``.

    ``size`` is the share (float) or number (int) of calibration rows; both
    parts must be non-empty.  Shared with the label-shift prediction sets.
    """
    n_cal = int(math.ceil(size * n)) if isinstance(size, float) else int(size)
    if not 1 <= n_cal < n:
        raise ValueError(
            f"calibration_size={size!r} leaves {n_cal} calibration and "
            f"{n - n_cal} training samples out of n_samples={n}; both must "
            "be at least 1."
        )
    perm = rng.permutation(n)
    return np.sort(perm[n_cal:]), np.sort(perm[:n_cal])


def _encode_labels(classes, y):
    """Index of each label of ``y`` in ``classes``; unknown labels are an error."""
    classes = np.asarray(classes)
    y = np.asarray(y)
    idx = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
    bad = classes[idx] != y
    if np.any(bad):
        unknown = np.unique(y[bad])[:5]
        raise ValueError(
            f"Calibration labels {unknown.tolist()} are not among the classes "
            f"the estimator was trained on ({classes.tolist()})."
        )
    return idx


# ----------------------------------------------------------------------------
# base classes
# ----------------------------------------------------------------------------
_REGRESSION_SCORE_CONSTRAINTS = {
    "conformity_score": [
        StrOptions({"absolute", "gamma", "residual_normalized", "cqr"}),
        BaseRegressionScore,
    ],
    "method": [StrOptions({"absolute", "cqr", "deprecated"})],
}
_CLASSIFICATION_SCORE_CONSTRAINTS = {
    "conformity_score": [StrOptions({"lac", "aps", "raps"}), BaseClassificationScore],
}


def _score_column(scores, k):
    """Scores of level ``k`` (scores are 1-D unless they depend on the level)."""
    return scores if scores.ndim == 1 else scores[:, k]


class _BaseConformal(BaseEstimator):
    """Common parameters, validation and the fit-or-prefit logic.

    Subclasses define ``_calibrate(scores, X_cal, X_cal_v, Xs, Xs_v, Xt, Xt_v,
    rng)`` and ``_thresholds(X, X_v, group_idx)`` (per-row thresholds of shape
    ``(n, n_levels, 2)``: lower and upper side in score units).
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), tuple, list, None],
        "confidence_level": [
            Interval(numbers.Real, 0, 1, closed="neither"),
            "array-like",
        ],
        "prefit": ["boolean"],
        "calibration_size": [
            Interval(numbers.Real, 0, 1, closed="neither"),
            Interval(numbers.Integral, 1, None, closed="left"),
            None,
        ],
        "random_state": ["random_state"],
    }

    _is_classifier = False
    _uses_target = False
    _supports_groups = True

    # -- validation -----------------------------------------------------------
    def _default_estimator(self):
        if self._is_classifier:
            return LogisticRegression(max_iter=1000)
        return LinearRegression()

    def _score_spec(self):
        """The conformity score asked for (name or object), after deprecations."""
        score = self.conformity_score
        method = getattr(self, "method", "deprecated")
        if method != "deprecated":
            warnings.warn(
                f"{type(self).__name__}(method={method!r}) is deprecated and will "
                f"be removed in a future release; use conformity_score={method!r}.",
                FutureWarning,
                stacklevel=external_stacklevel(),
            )
            if isinstance(score, str) and score not in ("absolute", method):
                raise ValueError(
                    f"method={method!r} and conformity_score={score!r} disagree; "
                    "give only conformity_score."
                )
            score = method
        return score

    def _make_score(self):
        if self._is_classifier:
            return check_classification_score(self._score_spec())
        return check_regression_score(self._score_spec())

    def _validate_fit_input(self, X, y, X_target=None, sample_domain=None, groups=None):
        """Validate X/y, separate source and target rows.

        Returns ``(X_src, X_src_v, y_src, X_tgt, X_tgt_v, source_rows, g_src)``;
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
        g = self._check_fit_groups(groups, Xv.shape[0])
        Xs_v, ys, Xt_v, mask = split_source_target(
            Xv, y, X_target=X_target, sample_domain=sample_domain
        )
        Xs = X if mask.all() else _take(X, np.flatnonzero(mask))
        if not is_pandas_df(Xs):
            Xs = Xs_v
        if X_target is not None:
            Xt_v = check_same_n_features(
                X_target, self.n_features_in_, name="X_target", dtype="numeric"
            )
            if is_pandas_df(X_target) and hasattr(self, "feature_names_in_"):
                cols = list(X_target.columns)
                if cols != list(self.feature_names_in_):
                    raise ValueError(
                        "X_target has different feature names from X: "
                        f"{cols[:5]}... vs {list(self.feature_names_in_)[:5]}..."
                    )
            Xt = X_target if is_pandas_df(X_target) else Xt_v
        elif Xt_v is not None:
            Xt = Xt_v if not is_pandas_df(X) else _take(X, np.flatnonzero(~mask))
        else:
            Xt = None
        if self._is_classifier:
            check_classification_targets(ys)
        else:
            ys = check_finite_target(ys, name="y (source rows)")
        n = Xs_v.shape[0]
        if n < 2 and not self.prefit and self.calibration_size is not None:
            raise ValueError(
                f"Found n_samples={n} source sample(s); at least 2 are needed to "
                "split them into a training and a calibration set."
            )
        if getattr(self, "estimator", None) is None and not self.prefit:
            # the default models overflow silently on huge values: the
            # penalised logistic regression on X (it then predicts one class),
            # least squares on y (scale-equivariant in X): a clear error instead
            if self._is_classifier:
                check_overflow(Xs_v, estimator=self)
            else:
                check_overflow(ys, estimator=self, name="y")
        gs = None if g is None else g[mask]
        return Xs, Xs_v, ys, Xt, Xt_v, np.flatnonzero(mask), gs

    def _check_fit_groups(self, groups, n):
        if groups is None:
            return None
        if not self._supports_groups:
            raise ValueError(
                f"{type(self).__name__} does not support Mondrian calibration "
                "(groups=); use SplitConformal* or WeightedConformal* estimators."
            )
        return check_groups(groups, n, name="groups")

    def _check_X(self, X):
        Xv = validate_data(self, X, reset=False)
        return (X if is_pandas_df(X) else Xv), Xv

    def _split(self, n, rng):
        return _calibration_split(n, self.calibration_size, rng)

    @staticmethod
    def _check_prefitted(est):
        return _check_prefitted(est)

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
            The metadata routing of this estimator.
        """
        est = self.estimator
        if est is None or isinstance(est, (tuple, list)):  # prefit pairs
            est = self._default_estimator()
        return build_router(self, self_request=True, estimator=(est, [("fit", "fit")]))

    # -- fit / conformalize ---------------------------------------------------
    def _fit(self, X, y, X_target=None, sample_domain=None, groups=None, **fit_params):
        self._validate_params()
        levels = check_confidence_levels(self.confidence_level)
        params = routed_params(self, "fit", fit_params)
        Xs, Xs_v, ys, Xt, Xt_v, rows, gs = self._validate_fit_input(
            X, y, X_target, sample_domain, groups
        )
        self.confidence_levels_ = levels
        rng = check_random_state(self.random_state)
        for attr in ("calibration_scores_", "n_calibration_"):
            if hasattr(self, attr):
                delattr(self, attr)
        if self.prefit:
            if params:
                raise ValueError(
                    f"prefit=True fits nothing, so the fit parameters {sorted(params)} "
                    "cannot be used; fit the estimator with them first."
                )
            self.score_ = self._build_score(None, None)
            cal = np.arange(Xs_v.shape[0])
        elif self.calibration_size is None:
            params = _check_method_params(X, params, rows)
            self.score_ = self._build_score(Xs, ys, **params)
            return self  # conformalize(X_conf, y_conf) calibrates
        else:
            tr, cal = self._split(Xs_v.shape[0], rng)
            params = _check_method_params(X, params, rows[tr])
            self.score_ = self._build_score(_take(Xs, tr), ys[tr], **params)
        self._conformalize(
            _take(Xs, cal),
            Xs_v[cal],
            ys[cal],
            Xs,
            Xs_v,
            Xt,
            Xt_v,
            rng,
            None if gs is None else gs[cal],
        )
        return self

    @property
    def conformity_score_(self):
        """The fitted conformity score object."""
        return self.score_

    def _conformalize(self, X_cal, X_cal_v, y_cal, Xs, Xs_v, Xt, Xt_v, rng, g_cal):
        if self._is_classifier:
            y_idx = self._encode_labels(y_cal)
            P = self._proba(X_cal)
            scores = _check_scores(self.score_.conformity_scores(P, y_idx, rng))
            self._set_seed = int(rng.randint(np.iinfo(np.int32).max))
        else:
            y_cal = np.asarray(y_cal, dtype=np.float64)
            keep = self.score_._prepare_calibration(X_cal, y_cal, rng)
            if keep.shape[0] != y_cal.shape[0]:
                X_cal, X_cal_v, y_cal = _take(X_cal, keep), X_cal_v[keep], y_cal[keep]
                g_cal = None if g_cal is None else g_cal[keep]
            scores = self.score_.conformity_scores(X_cal, y_cal)
        self.n_calibration_ = scores.shape[0]
        self.calibration_scores_ = scores
        self.calibration_groups_ = g_cal
        if g_cal is not None:
            self.groups_ = np.unique(g_cal)
        elif hasattr(self, "groups_"):
            del self.groups_
        self._symmetric = bool(getattr(self.score_, "symmetric", True))
        self._calibrate(scores, X_cal, X_cal_v, Xs, Xs_v, Xt, Xt_v, rng)
        return self

    def _conformalize_public(
        self, X, y, X_target=None, sample_domain=None, groups=None
    ):
        if y is None:
            raise ValueError("conformalize requires y (the calibration labels).")
        if self.prefit:
            # MAPIE's idiom: Estimator(model, prefit=True).conformalize(X, y)
            self._validate_params()
            Xv = validate_data(self, X, reset=True)
            self.confidence_levels_ = check_confidence_levels(self.confidence_level)
            self.score_ = self._build_score(None, None)
        else:
            if not hasattr(self, "score_"):
                raise NotFittedError(
                    f"This {type(self).__name__} is not fitted yet: call fit first "
                    "(or use prefit=True with a fitted estimator)."
                )
            Xv = validate_data(self, X, reset=False)
        y = column_or_1d(y, warn=True)
        check_consistent_length(Xv, y)
        g = self._check_fit_groups(groups, Xv.shape[0])
        Xs_v, ys, Xt_v, mask = split_source_target(
            Xv, y, X_target=X_target, sample_domain=sample_domain
        )
        Xs = (
            X
            if (mask.all() and is_pandas_df(X))
            else (_take(X, np.flatnonzero(mask)) if is_pandas_df(X) else Xs_v)
        )
        if X_target is not None:
            Xt_v = check_same_n_features(
                X_target, self.n_features_in_, name="X_target", dtype="numeric"
            )
            Xt = X_target if is_pandas_df(X_target) else Xt_v
        elif Xt_v is not None:
            Xt = _take(X, np.flatnonzero(~mask)) if is_pandas_df(X) else Xt_v
        else:
            Xt = None
        if not self._is_classifier:
            ys = check_finite_target(ys, name="y")
        rng = check_random_state(self.random_state)
        self._conformalize(
            Xs, Xs_v, ys, Xs, Xs_v, Xt, Xt_v, rng, None if g is None else g[mask]
        )
        return self

    def _encode_labels(self, y):
        return _encode_labels(self.classes_, y)

    def _thresholds(self, X, X_v, group_idx):
        raise NotImplementedError

    def _check_conformalized(self):
        check_is_fitted(self, "score_")
        if not hasattr(self, "calibration_scores_"):
            raise NotFittedError(
                f"This {type(self).__name__} is fitted but not conformalized: "
                "calibration_size=None fits the model on all rows of fit; call "
                "conformalize(X_conf, y_conf) before predicting intervals or sets."
            )

    def _predict_groups(self, groups, n):
        fitted_groups = getattr(self, "groups_", None)
        if groups is None:
            if fitted_groups is not None:
                raise ValueError(
                    f"{type(self).__name__} was calibrated per group (Mondrian): "
                    "pass groups= (one label per row of X) to predict."
                )
            return None
        if fitted_groups is None:
            raise ValueError(
                f"groups= given to predict, but {type(self).__name__} was "
                "calibrated without groups; pass groups= to fit/conformalize for "
                "Mondrian calibration."
            )
        g = check_groups(groups, n, name="groups")
        return map_groups(g, fitted_groups, name="groups")

    def _checked_thresholds(self, X, X_v, what, groups=None):
        gidx = self._predict_groups(groups, X_v.shape[0])
        q = np.asarray(self._thresholds(X, X_v, gidx), dtype=np.float64)
        if np.any(np.isnan(q)):
            raise ValueError(
                "NaN conformal threshold: the scores or weights are invalid."
            )
        levels = self.confidence_levels_
        inf = np.isinf(q).any(axis=2)  # (n, n_levels)
        for k in range(levels.shape[0]):
            reason = getattr(self, "_infinite_reason", None)
            if gidx is not None and inf[:, k].any():
                labels = self.groups_[np.unique(gidx[inf[:, k]])].tolist()
                counts = [int(np.sum(self.calibration_groups_ == g)) for g in labels]
                reason = _mondrian_reason(labels, counts, levels[k])
            _warn_infinite(
                int(np.sum(inf[:, k])),
                q.shape[0],
                self.n_calibration_,
                levels[k] if levels.shape[0] > 1 else self.confidence_level,
                what=what,
                reason=reason,
            )
        return q


class _RegressorConformalMixin:
    """predict / predict_interval for the conformal regressors."""

    def _build_score(self, X_train, y_train, **params):
        score = self._make_score()
        if self.prefit:
            score._set_prefit(self.estimator, self.confidence_levels_)
        else:
            score._fit_models(
                self.estimator, X_train, y_train, self.confidence_levels_, **params
            )
        self.estimator_ = score.estimator_
        return score

    def predict(self, X):
        """Point prediction of the wrapped estimator (CQR: interval midpoint).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point predictions.
        """
        check_is_fitted(self, "score_")
        Xe, _ = self._check_X(X)
        return self.score_.predict(Xe)

    def predict_interval(self, X, groups=None):
        """Point predictions and conformal intervals at each confidence level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        groups : array-like of shape (n_samples,), default=None
            Group of each row, required when the estimator was calibrated
            with ``groups`` (Mondrian); each row gets its group's threshold.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point predictions (as :meth:`predict`).
        y_pis : ndarray of shape (n_samples, 2, n_levels)
            ``y_pis[:, 0, k]`` and ``y_pis[:, 1, k]`` are the lower and upper
            bounds at ``confidence_level[k]`` (levels in the order given;
            MAPIE 1.x layout).  Bounds are ``-inf``/``+inf`` (with an
            :class:`InfiniteIntervalWarning`) where no finite bound is valid.
        """
        self._check_conformalized()
        Xe, Xv = self._check_X(X)
        q = self._checked_thresholds(Xe, Xv, "intervals", groups)
        lows, highs = [], []
        for k in range(q.shape[1]):
            lo, hi = self.score_.interval(Xe, q[:, k, 0], q[:, k, 1], k)
            lows.append(lo)
            highs.append(hi)
        y_pred = self.score_.predict(Xe)
        return y_pred, stack_intervals(np.column_stack(lows), np.column_stack(highs))


class _ClassifierConformalMixin:
    """predict / predict_proba / predict_set for the conformal classifiers."""

    def _build_score(self, X_train, y_train, **params):
        score = self._make_score()
        if self.prefit:
            if self.estimator is None:
                raise ValueError("prefit=True requires a fitted estimator.")
            est = self._check_prefitted(self.estimator)
        else:
            est = _fit_estimator(
                clone(
                    self.estimator
                    if self.estimator is not None
                    else self._default_estimator()
                ),
                X_train,
                y_train,
                **params,
            )
        if not hasattr(est, "predict_proba"):
            raise TypeError(
                f"{type(est).__name__} has no predict_proba; conformal "
                "classification needs class probabilities."
            )
        self.estimator_ = est
        self.classes_ = est.classes_
        return score

    def _proba(self, X):
        P = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)
        if not np.all(np.isfinite(P)):
            raise ValueError(
                "predict_proba of the wrapped estimator returned NaN or infinite "
                "values (input values too large for the model's arithmetic "
                "overflow; rescale the features)."
            )
        return P

    def predict(self, X):
        """Class predicted by the wrapped estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point predictions.
        """
        check_is_fitted(self, "score_")
        Xe, _ = self._check_X(X)
        return self.estimator_.predict(Xe)

    def predict_proba(self, X):
        """Class probabilities of the wrapped estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities.
        """
        check_is_fitted(self, "score_")
        Xe, _ = self._check_X(X)
        return self.estimator_.predict_proba(Xe)

    def predict_set(self, X, groups=None):
        """Predicted classes and conformal prediction sets at each level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        groups : array-like of shape (n_samples,), default=None
            Group of each row, required when the estimator was calibrated
            with ``groups`` (Mondrian).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Classes predicted by the wrapped estimator.
        y_pss : ndarray of shape (n_samples, n_classes, n_levels), dtype bool
            ``y_pss[i, j, k]`` is True when ``classes_[j]`` is in the set of
            row ``i`` at ``confidence_level[k]`` (MAPIE 1.x layout).  An
            infinite threshold (too small a calibration set) gives the full
            set, with an :class:`InfiniteIntervalWarning`.  Randomised scores
            draw their uniforms from a seed fixed at calibration, so repeated
            calls give the same sets.
        """
        self._check_conformalized()
        Xe, Xv = self._check_X(X)
        q = self._checked_thresholds(Xe, Xv, "sets", groups)
        P = self._proba(Xe)
        sets = [
            self.score_.sets(P, q[:, k, 1], check_random_state(self._set_seed))
            for k in range(q.shape[1])
        ]
        return self.estimator_.predict(Xe), stack_sets(sets)


# ----------------------------------------------------------------------------
# source/target plumbing of the shift-aware estimators
# ----------------------------------------------------------------------------
def _no_target_warning(name, what):
    warnings.warn(
        f"{name}.fit got no target sample (neither X_target nor negative "
        f"sample_domain rows): assuming no covariate shift, {what}.",
        UserWarning,
        stacklevel=external_stacklevel(),
    )


def _check_weights(w, n, name):
    """The package's weight check, with messages naming the weighting."""
    w = np.asarray(w, dtype=np.float64).ravel()  # None is NaN here, not ones
    if w.shape[0] != n:
        raise ValueError(f"{name} returned {w.shape[0]} weights for {n} samples.")
    try:
        return check_sample_weight(w, n)
    except ValueError as exc:
        raise ValueError(
            f"{name} returned NaN, infinite or negative weights: {exc}"
        ) from exc


class _ShiftFitMixin:
    """fit / conformalize with an unlabelled target sample."""

    def fit(
        self, X, y, X_target=None, sample_domain=None, *, groups=None, **fit_params
    ):
        """Fit the model (unless prefit) and calibrate for the target sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Source samples (and, with ``sample_domain``, the target rows).
        y : array-like of shape (n_samples,)
            Target values, one per row of ``X``.
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target sample.
        sample_domain : array-like of shape (n_samples,), default=None
            Domain labels in skada's layout: negative values mark target rows of ``X``.
        groups : array-like of shape (n_samples,), default=None
            Group of each row of ``X`` for Mondrian (group-conditional)
            calibration; the labels of target rows are ignored.
        **fit_params : dict
            Passed to ``estimator.fit`` (with metadata routing enabled, what
            it requested); per-row values are restricted to the training
            rows of the source sample.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit(X, y, X_target, sample_domain, groups=groups, **fit_params)

    def conformalize(self, X, y, X_target=None, sample_domain=None, *, groups=None):
        """Recalibrate on new data (and target sample), keeping the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Target values, one per row of ``X``.
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target sample.
        sample_domain : array-like of shape (n_samples,), default=None
            Domain of each row (skada's layout): negative values mark target rows of
            ``X``.
        groups : array-like of shape (n_samples,), default=None
            Group of each row for Mondrian calibration.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._conformalize_public(X, y, X_target, sample_domain, groups)
