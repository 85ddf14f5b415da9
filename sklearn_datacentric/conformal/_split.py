"""Split (inductive) conformal prediction for regression and classification."""

import warnings

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin

from ..utils._warnings import external_stacklevel
from ._base import (
    _CLASSIFICATION_SCORE_CONSTRAINTS,
    _REGRESSION_SCORE_CONSTRAINTS,
    InfiniteIntervalWarning,
    _BaseConformal,
    _ClassifierConformalMixin,
    _conformal_quantile,
    _RegressorConformalMixin,
    _score_column,
    _two_sided,
    n_calibration_required,
)
from ._scores import _warn_group_infinite, group_thresholds

__all__ = ["SplitConformalRegressor", "SplitConformalClassifier"]


class _SplitCalibration:
    def fit(self, X, y, *, groups=None, **fit_params):
        """Fit the estimator (unless prefit) and calibrate.

        With ``prefit=False`` a share ``calibration_size`` of the rows
        (30% by default) is held out for calibration and the model is fitted
        on the rest; ``calibration_size=None`` fits the model on all rows and
        leaves calibration to :meth:`conformalize` (MAPIE's two-step path).
        With ``prefit=True`` every row is calibration data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Target values, one per row of ``X``.
        groups : array-like of shape (n_samples,), default=None
            Group of each row for Mondrian (group-conditional) calibration:
            one threshold per group, each valid within its group.
        **fit_params : dict
            Passed to ``estimator.fit`` (with metadata routing enabled, what
            it requested); per-row values are restricted to the training rows.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit(X, y, groups=groups, **fit_params)

    def conformalize(self, X, y, *, groups=None):
        """Calibrate on ``(X, y)``, keeping the fitted model(s).

        With ``prefit=True`` this is all that is needed (MAPIE's
        ``Estimator(model, prefit=True).conformalize(X_conf, y_conf)``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Target values, one per row of ``X``.
        groups : array-like of shape (n_samples,), default=None
            Group of each row for Mondrian calibration.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._conformalize_public(X, y, groups=groups)

    def _calibrate(self, scores, X_cal, X_cal_v, Xs, Xs_v, Xt, Xt_v, rng):
        levels = self.confidence_levels_
        sym = self._symmetric
        g = self.calibration_groups_
        stale = (
            ("thresholds_", "threshold_")
            if g is not None
            else ("group_thresholds_", "group_counts_")
        )
        for attr in stale:  # from an earlier calibration of the other kind
            self.__dict__.pop(attr, None)
        if g is None:
            th = np.array(
                [
                    _two_sided(_score_column(scores, k), lev, sym, _conformal_quantile)
                    for k, lev in enumerate(levels)
                ],
                dtype=np.float64,
            ).reshape(len(levels), 2)
            self.thresholds_ = th
            self.threshold_ = float(th[0, 1]) if len(levels) == 1 else th[:, 1]
            for k, lev in enumerate(levels):
                if np.isinf(th[k]).any():
                    warnings.warn(
                        f"{scores.shape[0]} calibration samples are too few for "
                        f"confidence_level={lev:g}: split conformal needs at least "
                        f"{n_calibration_required(lev)}. Every prediction "
                        "interval/set at that level is the trivial one (infinite "
                        "bounds / all classes).",
                        InfiniteIntervalWarning,
                        stacklevel=external_stacklevel(),
                    )
            return
        labels, table, counts = group_thresholds(
            scores,
            g,
            levels,
            lambda s, lev: _two_sided(s, lev, sym, _conformal_quantile),
        )
        self.group_thresholds_ = table.reshape(len(labels), len(levels), 2)
        self.group_counts_ = counts
        for k, lev in enumerate(levels):
            bad = np.isinf(self.group_thresholds_[:, k]).any(axis=1)
            _warn_group_infinite(labels[bad], counts[bad], lev, InfiniteIntervalWarning)

    def _thresholds(self, X, X_v, group_idx):
        if group_idx is None:
            return np.broadcast_to(
                self.thresholds_[None], (X_v.shape[0],) + self.thresholds_.shape
            )
        return self.group_thresholds_[group_idx]


_SHARED_PARAMS = """
    prefit : bool, default=False
        If True, ``estimator`` is already fitted: :meth:`conformalize`
        (or :meth:`fit`) calibrates on all the rows it is given.  If False,
        :meth:`fit` fits a clone of the estimator and calibrates on held-out
        rows (see ``calibration_size``).
    calibration_size : float in (0, 1), int or None, default=0.3
        With ``prefit=False``: the share (or number) of the rows of
        :meth:`fit` held out for calibration, drawn at random with
        ``random_state``; the model is fitted on the rest.  ``None`` fits the
        model on all rows and leaves calibration to :meth:`conformalize`.
    random_state : int, RandomState instance or None, default=None
        Seed of the training/calibration split (and of randomised scores)."""


class SplitConformalRegressor(
    _SplitCalibration, _RegressorConformalMixin, RegressorMixin, _BaseConformal
):
    __doc__ = (
        """Split conformal prediction intervals around any regressor.

    The estimator is fitted on one part of the data (or given prefit); the
    conformity scores of the calibration part give a threshold ``q``, the
    ``ceil((n + 1) * confidence_level)``-th smallest score, and the interval
    of a new point is ``[f(x) - q, f(x) + q]`` (``conformity_score=
    "absolute"``), ``[lo(x) - q, hi(x) + q]`` (conformalized quantile
    regression, ``"cqr"``), ``f(x) +/- q r(x)`` with a fitted difficulty
    ``r`` (``"residual_normalized"``) or ``f(x)(1 + q)`` (``"gamma"``).  On
    exchangeable data the interval covers the label with probability at
    least ``confidence_level``; with ``groups`` (Mondrian calibration), at
    least ``confidence_level`` within every group.

    Parameters
    ----------
    estimator : regressor, tuple of two regressors or None, default=None
        The model.  ``None`` uses :class:`~sklearn.linear_model.LinearRegression`
        (:class:`~sklearn.linear_model.QuantileRegressor` for ``"cqr"``).
        With ``"cqr"`` and ``prefit=False`` it is a quantile regressor,
        cloned and fitted at levels ``alpha / 2`` and ``1 - alpha / 2``
        (``alpha = 1 - confidence_level``, one pair per level); with
        ``prefit=True`` a tuple ``(lower, upper)`` of fitted ones.
    confidence_level : float in (0, 1) or list of floats, default=0.9
        Target coverage(s) ``1 - alpha``; several levels give one interval
        per level (last axis of ``predict_interval``'s ``y_pis``).
    conformity_score : {"absolute", "gamma", "residual_normalized", "cqr"} \
or BaseRegressionScore, default="absolute"
        The conformity score (MAPIE's names), or a score object such as
        :class:`ResidualNormalizedScore` with its own parameters.
    method : {"absolute", "cqr"}, default="deprecated"
        Deprecated alias of ``conformity_score`` (FutureWarning).
"""
        + _SHARED_PARAMS
        + """

    Attributes
    ----------
    estimator_ : estimator or tuple of two estimators
        The fitted model(s).
    conformity_score_ : BaseRegressionScore
        The fitted score (holding the model(s)).
    confidence_levels_ : ndarray of shape (n_levels,)
    thresholds_ : ndarray of shape (n_levels, 2)
        Lower and upper thresholds in score units (``-q, q`` for symmetric
        scores); ``inf`` when the calibration set is too small for the level
        (then the intervals are infinite and an
        :class:`InfiniteIntervalWarning` is raised).  Not set with groups.
    threshold_ : float or ndarray of shape (n_levels,)
        The upper thresholds ``q`` (a float for one level).
    group_thresholds_ : ndarray of shape (n_groups, n_levels, 2)
        Per-group thresholds (Mondrian calibration only).
    groups_ : ndarray of shape (n_groups,)
        Calibration groups (Mondrian calibration only).
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
    .. [4] V. Vovk et al. "Algorithmic learning in a random world" (Mondrian
       conformal prediction), Springer 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import SplitConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3))
    >>> y = X @ [1.0, -2.0, 0.5] + rng.normal(size=500)
    >>> scr = SplitConformalRegressor(confidence_level=[0.8, 0.9], random_state=0)
    >>> y_pred, y_pis = scr.fit(X, y).predict_interval(X[:2])
    >>> y_pis.shape
    (2, 2, 2)
    """
    )

    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        **_REGRESSION_SCORE_CONSTRAINTS,
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        conformity_score="absolute",
        method="deprecated",
        prefit=False,
        calibration_size=0.3,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.conformity_score = conformity_score
        self.method = method
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state


class SplitConformalClassifier(
    _SplitCalibration, _ClassifierConformalMixin, ClassifierMixin, _BaseConformal
):
    __doc__ = (
        """Split conformal prediction sets around any probabilistic classifier.

    The set of a new point holds every class whose conformity score is at
    most the ``ceil((n + 1) * confidence_level)``-th smallest calibration
    score: ``1 - p_y(x)`` (least ambiguous set-valued classifier,
    ``"lac"``), the cumulative ranked mass (adaptive prediction sets,
    ``"aps"``) or its regularised version (``"raps"``).  On exchangeable data
    the set contains the label with probability at least
    ``confidence_level`` (within every group with ``groups``).

    Parameters
    ----------
    estimator : classifier with predict_proba or None, default=None
        ``None`` uses :class:`~sklearn.linear_model.LogisticRegression`.
    confidence_level : float in (0, 1) or list of floats, default=0.9
        Target coverage level(s), each in (0, 1); one output per level, in the order
        given.
    conformity_score : {"lac", "aps", "raps"} or BaseClassificationScore, \
default="lac"
        MAPIE's names; :class:`APSScore` / :class:`RAPSScore` objects set
        randomisation and the RAPS penalty.
"""
        + _SHARED_PARAMS
        + """

    Attributes
    ----------
    estimator_ : classifier
    classes_ : ndarray of shape (n_classes,)
    conformity_score_ : BaseClassificationScore
    confidence_levels_ : ndarray of shape (n_levels,)
    thresholds_ : ndarray of shape (n_levels, 2)
        ``thresholds_[:, 1]`` is the threshold of each level (``inf``: full
        sets, with a warning, when the calibration set is too small).
    threshold_ : float or ndarray of shape (n_levels,)
    group_thresholds_ : ndarray of shape (n_groups, n_levels, 2)
        Mondrian calibration only.
    groups_ : ndarray of shape (n_groups,)
    calibration_scores_ : ndarray of shape (n_calibration,)
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] M. Sadinle, J. Lei, L. Wasserman. "Least ambiguous set-valued
       classifiers with bounded error levels", JASA 2019.
    .. [2] Y. Romano, M. Sesia, E. Candes. "Classification with valid and
       adaptive coverage", NeurIPS 2020.
    .. [3] A. Angelopoulos, S. Bates, J. Malik, M. Jordan. "Uncertainty sets
       for image classifiers using conformal prediction", ICLR 2021.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.conformal import SplitConformalClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> scc = SplitConformalClassifier(conformity_score="aps", random_state=0)
    >>> y_pred, y_pss = scc.fit(X, y).predict_set(X[:3])
    >>> y_pss.shape
    (3, 3, 1)
    """
    )

    _is_classifier = True
    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        **_CLASSIFICATION_SCORE_CONSTRAINTS,
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        conformity_score="lac",
        prefit=False,
        calibration_size=0.3,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.conformity_score = conformity_score
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state
