"""Weighted conformal prediction under covariate shift (Tibshirani et al. 2019)."""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, clone
from sklearn.utils._param_validation import HasMethods

from ._base import (
    _CLASSIFICATION_SCORE_CONSTRAINTS,
    _REGRESSION_SCORE_CONSTRAINTS,
    _BaseConformal,
    _check_weights,
    _ClassifierConformalMixin,
    _no_target_warning,
    _RegressorConformalMixin,
    _score_column,
    _ShiftFitMixin,
    _two_sided,
    _weighted_conformal_quantile,
)

__all__ = ["WeightedConformalRegressor", "WeightedConformalClassifier"]


class _WeightedCalibration(_ShiftFitMixin):
    # what the method reduces to with unit weights (named in the warning)
    _unweighted_method = "split conformal"

    def _weights(self, X_v):
        if self.weighter_ is None:
            return np.ones(X_v.shape[0])
        X_v = X_v / self._weight_scale
        if callable(self.weighter_) and not hasattr(self.weighter_, "predict_weights"):
            return _check_weights(self.weighter_(X_v), X_v.shape[0], "weighting")
        return _check_weights(
            self.weighter_.predict_weights(X_v),
            X_v.shape[0],
            "weighting.predict_weights",
        )

    def _calibrate(self, scores, X_cal, X_cal_v, Xs, Xs_v, Xt, Xt_v, rng):
        weighting = self.weighting
        self._weight_scale = 1.0
        if (
            weighting is not None
            and callable(weighting)
            and not hasattr(weighting, "fit")
        ):
            self.weighter_ = weighting  # a known likelihood ratio
        elif Xt_v is None:
            _no_target_warning(
                type(self).__name__,
                f"all weights are 1 ({self._unweighted_method})",
            )
            self.weighter_ = None
        else:
            if weighting is None:
                from ..covariate_shift import DiscriminativeDensityRatio

                weighting = DiscriminativeDensityRatio()
                # the likelihood ratio is invariant to a fixed rescaling of
                # the features; dividing by the largest magnitude keeps the
                # default weighter's arithmetic finite for |x| up to 1e308
                scale = np.max(np.abs(np.vstack([Xs_v, Xt_v])), axis=0)
                self._weight_scale = np.where(scale > 0, scale, 1.0)
            try:
                self.weighter_ = clone(weighting).fit(
                    Xs_v / self._weight_scale, X_target=Xt_v / self._weight_scale
                )
            except ValueError as exc:
                if "NaN" not in str(exc) and "infinity" not in str(exc):
                    raise
                big = float(max(np.max(np.abs(Xs_v)), np.max(np.abs(Xt_v))))
                raise ValueError(
                    f"The weighter {type(weighting).__name__} failed on the "
                    f"source/target features (finite, largest magnitude {big:.3g}): "
                    "its arithmetic overflowed to inf/NaN. Rescale the features "
                    "(for example divide them by their largest magnitude) or pass "
                    "a likelihood-ratio callable as weighting."
                ) from exc
        self.calibration_weights_ = self._weights(X_cal_v)

    def _thresholds(self, X, X_v, group_idx):
        """Weighted quantiles per test row; within its group for Mondrian.

        Within a group the likelihood ratio of the group-conditional
        distributions is ``w(x)`` times a constant, which the normalised
        weighted quantile ignores: the group's calibration weights and the
        test weight give the group-conditional guarantee under the shift.
        """
        levels = self.confidence_levels_
        scores, wc = self.calibration_scores_, self.calibration_weights_
        wt = self._weights(X_v)
        out = np.empty((X_v.shape[0], levels.shape[0], 2))
        if group_idx is None:
            blocks = [(np.arange(X_v.shape[0]), np.arange(scores.shape[0]))]
        else:
            g_cal = self.calibration_groups_
            blocks = [
                (
                    np.flatnonzero(group_idx == j),
                    np.flatnonzero(g_cal == self.groups_[j]),
                )
                for j in np.unique(group_idx)
            ]
        for test, cal in blocks:
            for k, lev in enumerate(levels):
                s = _score_column(scores, k)[cal]
                out[test, k] = np.column_stack(
                    _two_sided(
                        s,
                        lev,
                        self._symmetric,
                        lambda v, a, c=cal, t=test: _weighted_conformal_quantile(
                            v, wc[c], wt[t], a
                        ),
                    )
                )
        return out


class WeightedConformalRegressor(
    _WeightedCalibration, _RegressorConformalMixin, RegressorMixin, _BaseConformal
):
    """Weighted conformal prediction intervals under covariate shift.

    Split conformal with likelihood-ratio weights (Tibshirani, Barber, Candes,
    Ramdas 2019): for a test point ``x`` the threshold is the
    ``confidence_level`` quantile of the distribution putting mass
    proportional to ``w(X_i)`` on each calibration score and ``w(x)`` on
    ``+inf``.  With the true ratio ``w`` the interval covers the label of a
    target point with probability at least ``confidence_level``.

    Parameters
    ----------
    estimator : regressor or None, default=None
        ``None`` uses :class:`~sklearn.linear_model.LinearRegression`.
    confidence_level : float in (0, 1) or list of floats, default=0.9
        One interval per level (last axis of ``predict_interval``'s output).
    weighting : weighter, callable or None, default=None
        Source of the likelihood ratio ``w(x) = dP_target / dP_source``.
        ``None`` fits a
        :class:`~sklearn_datacentric.covariate_shift.DiscriminativeDensityRatio`
        on the source features (all source rows of ``X``) against the target
        sample; a weighter of :mod:`sklearn_datacentric.covariate_shift`
        (``fit(X, X_target=...)``, ``predict_weights``) is cloned and fitted
        the same way; a plain callable ``w(X) -> weights`` (numeric array
        in) is used as the known likelihood ratio.
    conformity_score : {"absolute", "gamma", "residual_normalized", "cqr"} \
or BaseRegressionScore, default="absolute"
        See :class:`SplitConformalRegressor`.
    method : {"absolute", "cqr"}, default="deprecated"
        Deprecated alias of ``conformity_score`` (FutureWarning).
    prefit : bool, default=False
        If True, ``estimator`` is fitted: :meth:`conformalize` (or
        :meth:`fit`) calibrates on all the source rows it is given.
    calibration_size : float in (0, 1), int or None, default=0.3
        With ``prefit=False``: share (or number) of the source rows of
        :meth:`fit` held out for calibration; ``None`` fits the model on all
        of them and leaves calibration to :meth:`conformalize`.
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws; pass an int for reproducible output.

    Attributes
    ----------
    estimator_ : estimator or tuple of two estimators
    weighter_ : fitted weighter, callable or None
        ``None`` when no target sample was given (weights all 1, a warning
        says so): the method is then split conformal.
    calibration_scores_ : ndarray of shape (n_calibration,)
    calibration_weights_ : ndarray of shape (n_calibration,)
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Notes
    -----
    Where ``w(x)`` is large relative to the calibration weights (target
    points outside the source support) no finite threshold is valid: the
    interval is infinite and an :class:`InfiniteIntervalWarning` counts
    them.  The target sample is given as ``fit(X, y, X_target=...)`` or, for
    cross-validation, stacked into ``X`` with ``sample_domain`` (negative =
    target rows, their ``y`` ignored).  With ``groups`` (Mondrian) the
    weighted quantile of a test row uses only the calibration rows of its
    group: coverage at least ``confidence_level`` within every group of the
    target distribution.

    References
    ----------
    .. [1] R. J. Tibshirani, R. F. Barber, E. J. Candes, A. Ramdas.
       "Conformal prediction under covariate shift", NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import WeightedConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 1)); y = X[:, 0] + rng.normal(size=600) * (1 + np.abs(X[:, 0]))
    >>> X_target = rng.normal(0.5, 1.0, size=(300, 1))
    >>> ratio = lambda Z: np.exp(0.5 * Z[:, 0] - 0.125)  # N(0.5, 1) / N(0, 1)
    >>> wcr = WeightedConformalRegressor(weighting=ratio, random_state=0)
    >>> y_pred, y_pis = wcr.fit(X, y, X_target=X_target).predict_interval(X_target[:2])
    >>> y_pis.shape
    (2, 2, 1)
    """

    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        "weighting": [HasMethods(["fit", "predict_weights"]), callable, None],
        **_REGRESSION_SCORE_CONSTRAINTS,
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        weighting=None,
        conformity_score="absolute",
        method="deprecated",
        prefit=False,
        calibration_size=0.3,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.weighting = weighting
        self.conformity_score = conformity_score
        self.method = method
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state


class WeightedConformalClassifier(
    _WeightedCalibration, _ClassifierConformalMixin, ClassifierMixin, _BaseConformal
):
    """Weighted conformal prediction sets under covariate shift.

    The classification counterpart of :class:`WeightedConformalRegressor`,
    with any classification score (``1 - p_y(x)`` by default).

    Parameters
    ----------
    estimator : classifier with predict_proba or None, default=None
        ``None`` uses :class:`~sklearn.linear_model.LogisticRegression`.
    confidence_level : float in (0, 1) or list of floats, default=0.9
        Target coverage level(s), each in (0, 1); one output per level, in the order
        given.
    weighting : weighter, callable or None, default=None
        See :class:`WeightedConformalRegressor`.
    conformity_score : {"lac", "aps", "raps"} or BaseClassificationScore, \
default="lac"
        See :class:`SplitConformalClassifier`.
    prefit : bool, default=False
        See :class:`WeightedConformalRegressor`.
    calibration_size : float in (0, 1), int or None, default=0.3
        See :class:`WeightedConformalRegressor`.
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws; pass an int for reproducible output.

    Attributes
    ----------
    estimator_ : classifier
    classes_ : ndarray of shape (n_classes,)
    weighter_ : fitted weighter, callable or None
    calibration_scores_ : ndarray of shape (n_calibration,)
    calibration_weights_ : ndarray of shape (n_calibration,)
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] R. J. Tibshirani, R. F. Barber, E. J. Candes, A. Ramdas.
       "Conformal prediction under covariate shift", NeurIPS 2019.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.conformal import WeightedConformalClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> wcc = WeightedConformalClassifier(random_state=0)
    >>> y_pred, y_pss = wcc.fit(X, y, X_target=X[y > 0]).predict_set(X[:2])
    >>> y_pss.shape
    (2, 3, 1)
    """

    _is_classifier = True
    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        **_CLASSIFICATION_SCORE_CONSTRAINTS,
        "weighting": [HasMethods(["fit", "predict_weights"]), callable, None],
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        weighting=None,
        conformity_score="lac",
        prefit=False,
        calibration_size=0.3,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.weighting = weighting
        self.conformity_score = conformity_score
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state
