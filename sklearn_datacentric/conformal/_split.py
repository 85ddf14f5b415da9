"""Split (inductive) conformal prediction for regression and classification."""

import warnings

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import StrOptions

from ..utils._warnings import external_stacklevel
from ._base import (
    InfiniteIntervalWarning,
    _BaseConformal,
    _ClassifierConformalMixin,
    _RegressorConformalMixin,
    conformal_quantile,
    n_calibration_required,
)

__all__ = ["SplitConformalRegressor", "SplitConformalClassifier"]


class _SplitCalibration:
    def fit(self, X, y, **fit_params):
        """Fit the estimator (unless prefit) and calibrate.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        **fit_params : dict
            Passed to ``estimator.fit`` (with metadata routing enabled, what
            it requested); per-row values are restricted to the training rows.

        Returns
        -------
        self : object
        """
        return self._fit(X, y, **fit_params)

    def conformalize(self, X, y):
        """Recalibrate on new data, keeping the fitted model(s).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : object
        """
        return self._conformalize_public(X, y)

    def _calibrate(self, scores, X_cal, X_cal_v, Xs, Xs_v, Xt, Xt_v, rng):
        self.threshold_ = conformal_quantile(scores, self.confidence_level)
        if np.isinf(self.threshold_):
            warnings.warn(
                f"{scores.shape[0]} calibration samples are too few for "
                f"confidence_level={self.confidence_level}: split conformal needs "
                f"at least {n_calibration_required(self.confidence_level)}. Every "
                "prediction interval/set is the trivial one (infinite bounds / "
                "all classes).",
                InfiniteIntervalWarning,
                stacklevel=external_stacklevel(),
            )

    def _thresholds(self, X, X_v):
        return np.full(X_v.shape[0], self.threshold_)


class SplitConformalRegressor(
    _SplitCalibration, _RegressorConformalMixin, RegressorMixin, _BaseConformal
):
    """Split conformal prediction intervals around any regressor.

    The estimator is fitted on one part of the data (or given prefit); the
    nonconformity scores of the calibration part give a threshold ``q``, the
    ``ceil((n + 1) * confidence_level)``-th smallest score, and the interval
    of a new point is ``[f(x) - q, f(x) + q]`` (``method="absolute"``) or
    ``[lo(x) - q, hi(x) + q]`` for conformalized quantile regression
    (``method="cqr"``).  On exchangeable data the interval covers the label
    with probability at least ``confidence_level``.

    Parameters
    ----------
    estimator : regressor, tuple of two regressors or None, default=None
        The model.  ``None`` uses :class:`~sklearn.linear_model.LinearRegression`
        (``method="absolute"``) or :class:`~sklearn.linear_model.QuantileRegressor`
        (``method="cqr"``).  With ``method="cqr"`` and ``prefit=False`` it is
        a quantile regressor, cloned and fitted at levels ``alpha / 2`` and
        ``1 - alpha / 2`` (``alpha = 1 - confidence_level``); with
        ``prefit=True`` it is a tuple ``(lower, upper)`` of fitted ones.
    confidence_level : float in (0, 1), default=0.9
        Target coverage ``1 - alpha``.
    method : {"absolute", "cqr"}, default="absolute"
        Nonconformity score: absolute residual, or the CQR score
        ``max(lo(x) - y, y - hi(x))``.
    prefit : bool, default=False
        If True, ``estimator`` is already fitted and all of ``(X, y)`` given
        to :meth:`fit` is calibration data.  If False, :meth:`fit` splits
        ``(X, y)``, fits a clone on the training part and calibrates on the
        rest.
    calibration_size : float in (0, 1) or int, default=0.3
        Share (or number) of samples kept for calibration when
        ``prefit=False``.
    random_state : int, RandomState instance or None, default=None
        Seed of the training/calibration split.

    Attributes
    ----------
    estimator_ : estimator or tuple of two estimators
        The fitted model(s).
    threshold_ : float
        Conformal threshold ``q``; ``inf`` when the calibration set is too
        small for ``confidence_level`` (then every interval is infinite and an
        :class:`InfiniteIntervalWarning` is raised).
    calibration_scores_ : ndarray of shape (n_calibration,)
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has feature names.

    See Also
    --------
    WeightedConformalRegressor : valid under covariate shift given the
        likelihood ratio.
    LRQRConformalRegressor : covariate shift without estimating the ratio.

    References
    ----------
    .. [1] H. Papadopoulos, K. Proedrou, V. Vovk, A. Gammerman. "Inductive
       confidence machines for regression", ECML 2002.
    .. [2] J. Lei, M. G'Sell, A. Rinaldo, R. Tibshirani, L. Wasserman.
       "Distribution-free predictive inference for regression", JASA 2018.
    .. [3] Y. Romano, E. Patterson, E. Candes. "Conformalized quantile
       regression", NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import SplitConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3))
    >>> y = X @ [1.0, -2.0, 0.5] + rng.normal(size=500)
    >>> scr = SplitConformalRegressor(confidence_level=0.9, random_state=0).fit(X, y)
    >>> scr.predict_interval(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        "method": [StrOptions({"absolute", "cqr"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        method="absolute",
        prefit=False,
        calibration_size=0.3,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.method = method
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state


class SplitConformalClassifier(
    _SplitCalibration, _ClassifierConformalMixin, ClassifierMixin, _BaseConformal
):
    """Split conformal prediction sets around any probabilistic classifier.

    Score ``1 - p_y(x)`` (least ambiguous set-valued classifier): the set of
    a new point holds every class whose score is at most the
    ``ceil((n + 1) * confidence_level)``-th smallest calibration score.  On
    exchangeable data the set contains the label with probability at least
    ``confidence_level``.

    Parameters
    ----------
    estimator : classifier with predict_proba or None, default=None
        ``None`` uses :class:`~sklearn.linear_model.LogisticRegression`.
    confidence_level : float in (0, 1), default=0.9
    prefit : bool, default=False
        If True, ``estimator`` is fitted and all of ``(X, y)`` given to
        :meth:`fit` is calibration data; otherwise :meth:`fit` splits it.
    calibration_size : float in (0, 1) or int, default=0.3
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    estimator_ : classifier
    classes_ : ndarray of shape (n_classes,)
    threshold_ : float
        ``inf`` (full sets, with a warning) when the calibration set is too
        small.
    calibration_scores_ : ndarray of shape (n_calibration,)
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] M. Sadinle, J. Lei, L. Wasserman. "Least ambiguous set-valued
       classifiers with bounded error levels", JASA 2019.
    .. [2] V. Vovk, A. Gammerman, G. Shafer. "Algorithmic learning in a
       random world", Springer 2005.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.conformal import SplitConformalClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> scc = SplitConformalClassifier(random_state=0).fit(X, y)
    >>> scc.predict_set(X[:3]).shape
    (3, 3)
    """

    _is_classifier = True

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        prefit=False,
        calibration_size=0.3,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state
