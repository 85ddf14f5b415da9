"""Prediction sets that stay valid under label shift.

* :class:`PACLabelShiftClassifier`: PAC prediction sets (Si, Park, Lee,
  Dobriban and Bastani, ICLR 2024): with probability ``1 - delta`` over the
  calibration data, the target miscoverage is at most ``1 - confidence_level``.
* :class:`LabelShiftConformalClassifier`: weighted split conformal
  prediction with label-dependent weights (Podkopaev and Ramdas, UAI 2021):
  marginal target coverage ``confidence_level`` given the class weights.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.stats import beta as beta_dist
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ..conformal import InfiniteIntervalWarning, weighted_conformal_quantile
from ..conformal._base import _calibration_split, _encode_labels
from ..conformal._scores import _check_prefitted, check_confidence_levels
from ..utils._warnings import external_stacklevel
from ..utils.domain import split_source_target
from ..utils.validation import check_same_n_features
from ._weighter import (
    SingularConfusionMatrixError,
    _check_default_model_scale,
    bbse_weights,
    confusion_and_prediction_rates,
)

__all__ = ["LabelShiftConformalClassifier", "PACLabelShiftClassifier"]


def clopper_pearson(k, n, alpha):
    """Two-sided Clopper-Pearson interval of a binomial rate, level ``1 - alpha``.

    Vectorised over ``k``; ``lower = 0`` when ``k = 0`` and ``upper = 1``
    when ``k = n``.
    """
    k = np.asarray(k, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(k > 0, beta_dist.ppf(alpha / 2, k, n - k + 1), 0.0)
        hi = np.where(k < n, beta_dist.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    return np.nan_to_num(lo, nan=0.0), np.nan_to_num(hi, nan=1.0)


def _imul(a_lo, a_hi, b_lo, b_hi):
    prods = np.array([a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi])
    return prods.min(axis=0), prods.max(axis=0)


def interval_solve(A_lo, A_hi, b_lo, b_hi):
    """Enclose ``{x : A x = b, A in [A_lo, A_hi], b in [b_lo, b_hi]}``.

    Gaussian elimination without pivoting in interval arithmetic (the
    uncertainty propagation of Si et al. 2024): every operation returns an
    interval holding its result for every matrix and vector in the box, so
    the returned box holds the solution of every system in the box.

    Raises
    ------
    SingularConfusionMatrixError
        When a pivot interval contains zero: some matrix of the box is
        (nearly) singular, so no finite enclosure exists.
    """
    A_lo = np.array(A_lo, dtype=np.float64)
    A_hi = np.array(A_hi, dtype=np.float64)
    b_lo = np.array(b_lo, dtype=np.float64)
    b_hi = np.array(b_hi, dtype=np.float64)
    K = A_lo.shape[0]

    def pivot(c):
        lo, hi = A_lo[c, c], A_hi[c, c]
        if lo <= 0 <= hi:
            raise SingularConfusionMatrixError(
                "The confidence box of the confusion matrix contains a singular "
                f"matrix (pivot {c} spans [{lo:.3g}, {hi:.3g}]): the calibration "
                "rows are too few for the classifier's confusion matrix to be "
                "known well enough to invert. Use more calibration rows, a "
                "larger delta, or a classifier that separates the classes "
                "better."
            )
        return 1.0 / hi, 1.0 / lo  # interval of 1 / pivot (pivot > 0 or < 0)

    for c in range(K):
        inv_lo, inv_hi = pivot(c)
        inv_lo, inv_hi = min(inv_lo, inv_hi), max(inv_lo, inv_hi)
        for r in range(c + 1, K):
            f_lo, f_hi = _imul(A_lo[r, c], A_hi[r, c], inv_lo, inv_hi)
            p_lo, p_hi = _imul(f_lo, f_hi, A_lo[c, c + 1 :], A_hi[c, c + 1 :])
            A_lo[r, c + 1 :], A_hi[r, c + 1 :] = (
                A_lo[r, c + 1 :] - p_hi,
                A_hi[r, c + 1 :] - p_lo,
            )
            A_lo[r, c] = A_hi[r, c] = 0.0
            q_lo, q_hi = _imul(f_lo, f_hi, b_lo[c], b_hi[c])
            b_lo[r], b_hi[r] = b_lo[r] - q_hi, b_hi[r] - q_lo
    x_lo, x_hi = np.zeros(K), np.zeros(K)
    for r in range(K - 1, -1, -1):
        s_lo, s_hi = _imul(
            A_lo[r, r + 1 :], A_hi[r, r + 1 :], x_lo[r + 1 :], x_hi[r + 1 :]
        )
        n_lo, n_hi = b_lo[r] - s_hi.sum(), b_hi[r] - s_lo.sum()
        inv_lo, inv_hi = pivot(r)
        inv_lo, inv_hi = min(inv_lo, inv_hi), max(inv_lo, inv_hi)
        x_lo[r], x_hi[r] = _imul(n_lo, n_hi, inv_lo, inv_hi)
    return x_lo, x_hi


def rejection_counts(scores, y_idx, w_lo, w_hi, draws, candidates, *, chunk=128):
    """Rows kept by worst-case rejection sampling, and the misses among them.

    For each candidate threshold ``tau``, row ``i`` is missed when
    ``scores[i] < tau``; its worst-case weight is ``w_hi[y_i]`` if missed
    and ``w_lo[y_i]`` otherwise; it is kept when ``draws[i] <= weight /
    max(weight)``.  Returns ``(n_kept, n_missed_and_kept)`` per candidate.
    """
    wl, wh = w_lo[y_idx], w_hi[y_idx]
    n_kept = np.zeros(candidates.size, dtype=np.int64)
    n_miss = np.zeros(candidates.size, dtype=np.int64)
    for start in range(0, candidates.size, chunk):
        tau = candidates[start : start + chunk, None]
        miss = scores[None, :] < tau
        weight = np.where(miss, wh[None, :], wl[None, :])
        top = weight.max(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            kept = (draws[None, :] <= weight / top) & (top > 0)
        n_kept[start : start + chunk] = kept.sum(axis=1)
        n_miss[start : start + chunk] = (kept & miss).sum(axis=1)
    return n_kept, n_miss


class _LabelShiftSetBase(ClassifierMixin, BaseEstimator):
    """Fit-or-prefit, the source/calibration/target split, predict_set."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "confidence_level": [Interval(Real, 0, 1, closed="neither"), "array-like"],
        "prefit": ["boolean"],
        "calibration_size": [
            Interval(Real, 0, 1, closed="neither"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "random_state": ["random_state"],
    }

    def _base_estimator(self):
        if self.estimator is None:
            return LogisticRegression(max_iter=1000)
        return self.estimator

    def fit(self, X, y, *, X_target=None, sample_domain=None):
        """Fit the classifier (unless prefit), then calibrate for the target.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Labelled source rows; with ``sample_domain``, source and target
            rows stacked (target labels ignored).
        y : array-like of shape (n_samples,)
            Target values, one per row of ``X``.
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target rows.  Without any target sample there is no
            shift to correct and the sets are the unweighted ones.
        sample_domain : array-like of int of shape (n_samples,), default=None
            Domain labels in skada's layout: negative values mark target rows of ``X``.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._validate_params()
        self.confidence_levels_ = check_confidence_levels(self.confidence_level)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X = validate_data(self, X, dtype=np.float64)
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        Xs, ys, Xt, _ = split_source_target(
            X, y, X_target=X_target, sample_domain=sample_domain
        )
        if X_target is not None:
            Xt = check_same_n_features(
                X_target, self.n_features_in_, name="X_target", dtype=np.float64
            )
            if Xt.shape[0] == 0:
                raise ValueError("X_target is empty: give at least one target row.")
        check_classification_targets(ys)
        _check_default_model_scale(self, Xs, Xt)
        rng = check_random_state(self.random_state)
        # the fit-or-prefit and split steps of the conformal estimators
        if self.prefit:
            est = _check_prefitted(self._base_estimator())
            cal = np.arange(Xs.shape[0])
        else:
            tr, cal = _calibration_split(Xs.shape[0], self.calibration_size, rng)
            est = clone(self._base_estimator()).fit(Xs[tr], ys[tr])
        self.estimator_ = est
        self.classes_ = np.asarray(est.classes_)
        idx = _encode_labels(self.classes_, ys[cal])
        proba_cal = np.asarray(est.predict_proba(Xs[cal]), dtype=np.float64)
        proba_t = None if Xt is None else np.asarray(est.predict_proba(Xt), float)
        self.n_calibration_ = cal.size
        self.has_target_ = Xt is not None
        self._calibrate(proba_cal, idx, proba_t, rng)
        return self

    def _bbse(self, proba_cal, y_idx, proba_t):
        """``C``, ``mu`` and the clipped BBSE class weights of the fitted model."""
        C, mu = confusion_and_prediction_rates(
            y_idx,
            np.argmax(proba_cal, axis=1),
            np.argmax(proba_t, axis=1),
            self.classes_.size,
        )
        w = bbse_weights(C, mu, class_names=self.classes_)
        return C, mu, np.clip(w, 0, None)

    def _check_X(self, X):
        check_is_fitted(self, "estimator_")
        return validate_data(self, X, reset=False, dtype=np.float64)

    def predict(self, X):
        """Class predicted by the wrapped classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point predictions.
        """
        Xv = self._check_X(X)
        return self.estimator_.predict(Xv)

    def predict_proba(self, X):
        """Class probabilities of the wrapped classifier (source posteriors).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities.
        """
        Xv = self._check_X(X)
        return self.estimator_.predict_proba(Xv)

    def predict_set(self, X):
        """Point predictions and prediction sets, one set per confidence level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Class predicted by the wrapped classifier.
        y_pss : ndarray of bool of shape (n_samples, n_classes, n_levels)
            ``y_pss[i, k, l]`` is True when ``classes_[k]`` is in the set of
            row ``i`` at ``confidence_levels_[l]`` (MAPIE's layout).
        """
        Xv = self._check_X(X)
        proba = np.asarray(self.estimator_.predict_proba(Xv), dtype=np.float64)
        y_pred = self.classes_[np.argmax(proba, axis=1)]
        return y_pred, self._sets(proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class PACLabelShiftClassifier(_LabelShiftSetBase):
    """PAC prediction sets under label shift (Si et al., ICLR 2024).

    The set of ``x`` holds every class ``k`` with ``p_k(x) >= tau``.  The
    threshold ``tau`` is the largest for which, with probability at least
    ``1 - delta`` over the calibration and target samples, the probability
    that a *target* row's label falls outside its set is at most
    ``epsilon = 1 - confidence_level`` (a PAC guarantee, stronger than the
    marginal coverage of conformal prediction).  Under label shift the
    target distribution is the source one reweighted by
    ``w_y = q(y) / p(y)``; the method

    1. bounds the source confusion matrix ``C[i, j] = P(f(x) = i, y = j)``
       and the target prediction rates ``mu[i] = P_target(f(x) = i)`` with
       Clopper-Pearson intervals (``f`` the classifier's argmax), each at
       level ``delta / (K^2 + K + 1)``;
    2. propagates them through Gaussian elimination of ``C w = mu`` in
       interval arithmetic: an interval ``[w_lo_k, w_hi_k]`` holding every
       class weight;
    3. for each candidate ``tau``, gives every calibration row its worst-case
       weight (``w_hi`` for a row its set misses, ``w_lo`` otherwise),
       keeps it by rejection sampling with probability ``weight / max
       weight`` (one uniform draw per row, fixed across ``tau``), and
       accepts ``tau`` when the Clopper-Pearson upper bound of the
       miscoverage of the kept rows, at level ``delta / (K^2 + K + 1)``, is
       at most ``epsilon``.

    With no target sample there is no shift: the sets are the PAC sets of
    Park et al. (2020) on the calibration rows, at level ``delta``.

    Read more in the :ref:`User Guide <label_shift>`.

    Parameters
    ----------
    estimator : classifier with predict_proba, default=None
        ``None`` means ``LogisticRegression(max_iter=1000)``.
    confidence_level : float or list of float in (0, 1), default=0.9
        ``1 - epsilon``, the target coverage guaranteed with probability
        ``1 - delta``; a list gives one set per level.
    delta : float in (0, 1), default=0.1
        Probability that the guarantee fails (over the data).
    prefit : bool, default=False
        The estimator is fitted already: every source row calibrates.
    calibration_size : float in (0, 1) or int, default=0.5
        Share (or number) of the source rows kept for calibration when
        ``prefit=False``; the others fit the estimator.
    random_state : int, RandomState instance or None, default=None
        The calibration split and the rejection-sampling draws.

    Attributes
    ----------
    estimator_ : classifier
    classes_ : ndarray of shape (n_classes,)
    confidence_levels_ : ndarray of shape (n_levels,)
    thresholds_ : ndarray of shape (n_levels,)
        ``tau`` per level (0: the full set).
    weight_intervals_ : ndarray of shape (n_classes, 2)
        Confidence intervals of the class weights (``[1, 1]`` without a
        target sample).
    class_weights_ : ndarray of shape (n_classes,)
        Point estimate of the class weights (black-box shift estimation on
        the calibration rows, clipped at 0; ones without a target).
    n_accepted_ : ndarray of shape (n_levels,)
        Calibration rows kept by rejection sampling at the chosen ``tau``.
    n_calibration_ : int
    has_target_ : bool
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    LabelShiftConformalClassifier : marginal coverage under label shift.
    LabelShiftWeighter : class weights and target priors.

    References
    ----------
    .. [1] W. Si, S. Park, I. Lee, E. Dobriban and O. Bastani, "PAC
       prediction sets under label shift", ICLR 2024.
    .. [2] S. Park, O. Bastani, N. Matni and I. Lee, "PAC confidence sets for
       deep neural networks via calibrated prediction", ICLR 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.label_shift import PACLabelShiftClassifier
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 3, 3000)
    >>> X = rng.normal(1.5 * np.eye(3)[y], 1.0)
    >>> y_t = rng.choice(3, 1000, p=[0.1, 0.2, 0.7])
    >>> X_t = rng.normal(1.5 * np.eye(3)[y_t], 1.0)
    >>> clf = PACLabelShiftClassifier(confidence_level=[0.8, 0.9], random_state=0)
    >>> y_pred, y_pss = clf.fit(X, y, X_target=X_t).predict_set(X_t)
    >>> y_pss.shape
    (1000, 3, 2)
    """

    _parameter_constraints = {
        **_LabelShiftSetBase._parameter_constraints,
        "delta": [Interval(Real, 0, 1, closed="neither")],
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        delta=0.1,
        prefit=False,
        calibration_size=0.5,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.delta = delta
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state

    def _weight_box(self, proba_cal, y_idx, proba_t, delta_each):
        n, m = y_idx.size, proba_t.shape[0]
        C, mu, w_hat = self._bbse(proba_cal, y_idx, proba_t)
        C_lo, C_hi = clopper_pearson(np.rint(C * n), n, delta_each)
        mu_lo, mu_hi = clopper_pearson(np.rint(mu * m), m, delta_each)
        w_lo, w_hi = interval_solve(C_lo, C_hi, mu_lo, mu_hi)
        return np.clip(w_lo, 0, None), np.clip(w_hi, 0, None), w_hat

    def _calibrate(self, proba_cal, y_idx, proba_t, rng):
        K = self.classes_.size
        if proba_t is None:
            delta_each = self.delta
            w_lo = w_hi = self.class_weights_ = np.ones(K)
        else:
            delta_each = self.delta / (K * K + K + 1)
            w_lo, w_hi, self.class_weights_ = self._weight_box(
                proba_cal, y_idx, proba_t, delta_each
            )
        self.weight_intervals_ = np.column_stack([w_lo, w_hi])
        scores = proba_cal[np.arange(y_idx.size), y_idx]
        draws = rng.uniform(size=y_idx.size)
        # candidate thresholds: 0 (full sets) and every calibration score
        candidates = np.concatenate([[0.0], np.unique(scores)])
        thresholds, n_acc = [], []
        n_kept, n_miss = rejection_counts(scores, y_idx, w_lo, w_hi, draws, candidates)
        with np.errstate(invalid="ignore"):
            upper = np.where(
                n_miss < n_kept,
                beta_dist.ppf(1 - delta_each, n_miss + 1, n_kept - n_miss),
                1.0,
            )
        for level in self.confidence_levels_:
            ok = np.flatnonzero(upper <= 1.0 - level)
            best, best_n = (candidates[ok[-1]], n_kept[ok[-1]]) if ok.size else (0, 0)
            thresholds.append(best)
            n_acc.append(best_n)
            if best == 0.0:
                warnings.warn(
                    f"No threshold meets the PAC bound at confidence_level={level} "
                    f"with {y_idx.size} calibration rows and delta={self.delta}: "
                    "the sets are the full label set. Use more calibration rows "
                    "or a lower level.",
                    InfiniteIntervalWarning,
                    stacklevel=external_stacklevel(),
                )
        self.thresholds_ = np.asarray(thresholds)
        self.n_accepted_ = np.asarray(n_acc)

    def _sets(self, proba):
        return proba[:, :, None] >= self.thresholds_[None, None, :]


class LabelShiftConformalClassifier(_LabelShiftSetBase):
    """Weighted split conformal classification under label shift.

    Podkopaev and Ramdas (2021): under label shift the likelihood ratio of a
    labelled row depends on its label only, ``w_y = q(y) / p(y)``, so the
    weighted conformal quantile of Tibshirani et al. (2019) takes the
    calibration weights ``w_{y_i}`` and, for a candidate label ``k`` of a
    test row, the test weight ``w_k``.  Class ``k`` enters the set of ``x``
    when its score ``1 - p_k(x)`` is at most that quantile.  With the true
    weights the target coverage is at least ``confidence_level`` (marginal,
    over calibration and test draws); here they are estimated by
    ``weighter`` on the calibration and target rows.

    Read more in the :ref:`User Guide <label_shift>`.

    Parameters
    ----------
    estimator : classifier with predict_proba, default=None
        ``None`` means ``LogisticRegression(max_iter=1000)``.
    weighter : LabelShiftWeighter or None, default=None
        Estimates the class weights from the calibration rows (labelled) and
        the target rows; ``None`` means ``LabelShiftWeighter(method="bbse")``
        with the fitted estimator as black box (no refit).
    confidence_level : float or list of float in (0, 1), default=0.9
        Target coverage level(s), each in (0, 1); one output per level, in the order
        given.
    prefit : bool, default=False
        If True, ``estimator`` is already fitted and all the calibration rows given are
        used to calibrate.
    calibration_size : float in (0, 1) or int, default=0.5
        Share (float) or number (int) of the source rows held out for calibration when
        ``prefit=False``.
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws; pass an int for reproducible output.

    Attributes
    ----------
    estimator_ : classifier
    classes_ : ndarray of shape (n_classes,)
    confidence_levels_ : ndarray of shape (n_levels,)
    class_weights_ : ndarray of shape (n_classes,)
        Class weights used (ones without a target sample).
    thresholds_ : ndarray of shape (n_classes, n_levels)
        Score threshold of each candidate class at each level (``inf``: the
        class is always in the set).
    n_calibration_ : int
    has_target_ : bool
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    PACLabelShiftClassifier : PAC guarantee under label shift.

    References
    ----------
    .. [1] A. Podkopaev and A. Ramdas, "Distribution-free uncertainty
       quantification for classification under label shift", UAI 2021.
    .. [2] R. J. Tibshirani, R. Foygel Barber, E. J. Candes and A. Ramdas,
       "Conformal prediction under covariate shift", NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.label_shift import LabelShiftConformalClassifier
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 3, 3000)
    >>> X = rng.normal(1.5 * np.eye(3)[y], 1.0)
    >>> y_t = rng.choice(3, 1000, p=[0.1, 0.2, 0.7])
    >>> X_t = rng.normal(1.5 * np.eye(3)[y_t], 1.0)
    >>> clf = LabelShiftConformalClassifier(random_state=0)
    >>> y_pred, y_pss = clf.fit(X, y, X_target=X_t).predict_set(X_t)
    >>> bool(y_pss[np.arange(1000), y_t, 0].mean() > 0.85)
    True
    """

    _parameter_constraints = {
        **_LabelShiftSetBase._parameter_constraints,
        "weighter": [HasMethods(["fit"]), None],
    }

    def __init__(
        self,
        estimator=None,
        *,
        weighter=None,
        confidence_level=0.9,
        prefit=False,
        calibration_size=0.5,
        random_state=None,
    ):
        self.estimator = estimator
        self.weighter = weighter
        self.confidence_level = confidence_level
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state

    def _calibrate(self, proba_cal, y_idx, proba_t, rng):
        K = self.classes_.size
        if proba_t is None:
            w = np.ones(K)
        elif self.weighter is None:
            w = self._bbse(proba_cal, y_idx, proba_t)[2]
        else:
            w = self._weights_from(proba_cal, y_idx, proba_t)
        self.class_weights_ = w
        scores = 1.0 - proba_cal[np.arange(y_idx.size), y_idx]
        self.thresholds_ = np.array(
            [
                weighted_conformal_quantile(scores, w[y_idx], w, level)
                for level in self.confidence_levels_
            ]
        ).T

    def _weights_from(self, proba_cal, y_idx, proba_t):
        # the weighter sees the estimator's probabilities as features: under
        # label shift p(f(x) | y) is shared too, so the class weights are
        # the same and no second look at the raw features is needed
        wt = clone(self.weighter).fit(proba_cal, y_idx, X_target=proba_t)
        w = getattr(wt, "class_weights_", None)
        if w is None or np.shape(w) != (self.classes_.size,):
            raise ValueError(
                f"weighter {type(self.weighter).__name__} must set class_weights_ "
                f"with one weight per class ({self.classes_.size}) when fitted on "
                "the calibration rows (every class needs calibration rows)."
            )
        return np.asarray(w, dtype=np.float64)

    def _sets(self, proba):
        scores = 1.0 - proba
        return scores[:, :, None] <= self.thresholds_[None, :, :]
