"""Conformal prediction under covariate shift: weighted conformal and LR-QR."""

import numbers
import warnings

import numpy as np
from scipy.special import expit, logit
from sklearn.base import ClassifierMixin, RegressorMixin, clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from ._base import (
    _BaseConformal,
    _ClassifierConformalMixin,
    _RegressorConformalMixin,
    weighted_conformal_quantile,
)
from ._lrqr_solver import lam_star, lrqr_fit, select_lam, whitening_basis

__all__ = [
    "WeightedConformalRegressor",
    "WeightedConformalClassifier",
    "LRQRConformalRegressor",
    "LRQRConformalClassifier",
]


def _no_target_warning(name, what):
    warnings.warn(
        f"{name}.fit got no target sample (neither X_target nor negative "
        f"sample_domain rows): assuming no covariate shift, {what}.",
        UserWarning,
        stacklevel=4,
    )


def _check_weights(w, n, name):
    w = np.asarray(w, dtype=np.float64).ravel()
    if w.shape[0] != n:
        raise ValueError(f"{name} returned {w.shape[0]} weights for {n} samples.")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"{name} returned NaN, infinite or negative weights.")
    return w


# ----------------------------------------------------------------------------
# weighted conformal
# ----------------------------------------------------------------------------
class _ShiftFitMixin:
    """fit / conformalize with an unlabelled target sample."""

    def fit(self, X, y, X_target=None, sample_domain=None, **fit_params):
        """Fit the model (unless prefit) and calibrate for the target sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Source samples (and, with ``sample_domain``, the target rows).
        y : array-like of shape (n_samples,)
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target sample.
        sample_domain : array-like of shape (n_samples,), default=None
            skada's layout: negative values mark target rows of ``X``.
        **fit_params : dict
            Passed to ``estimator.fit`` (with metadata routing enabled, what
            it requested); per-row values are restricted to the training
            rows of the source sample.

        Returns
        -------
        self : object
        """
        return self._fit(X, y, X_target, sample_domain, **fit_params)

    def conformalize(self, X, y, X_target=None, sample_domain=None):
        """Recalibrate on new data (and target sample), keeping the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        X_target : array-like of shape (n_target, n_features), default=None
        sample_domain : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        return self._conformalize_public(X, y, X_target, sample_domain)


class _WeightedCalibration(_ShiftFitMixin):
    def _weights(self, X_v):
        if self.weighter_ is None:
            return np.ones(X_v.shape[0])
        if callable(self.weighter_) and not hasattr(self.weighter_, "predict_weights"):
            return _check_weights(self.weighter_(X_v), X_v.shape[0], "weighting")
        return _check_weights(
            self.weighter_.predict_weights(X_v),
            X_v.shape[0],
            "weighting.predict_weights",
        )

    def _calibrate(self, scores, X_cal, X_cal_v, Xs, Xs_v, Xt, Xt_v, rng):
        weighting = self.weighting
        if (
            weighting is not None
            and callable(weighting)
            and not hasattr(weighting, "fit")
        ):
            self.weighter_ = weighting  # a known likelihood ratio
        elif Xt_v is None:
            _no_target_warning(
                type(self).__name__, "all weights are 1 (split conformal)"
            )
            self.weighter_ = None
        else:
            if weighting is None:
                from ..covariate_shift import DiscriminativeDensityRatio

                weighting = DiscriminativeDensityRatio()
            self.weighter_ = clone(weighting).fit(Xs_v, X_target=Xt_v)
        self.calibration_weights_ = self._weights(X_cal_v)

    def _thresholds(self, X, X_v):
        return weighted_conformal_quantile(
            self.calibration_scores_,
            self.calibration_weights_,
            self._weights(X_v),
            self.confidence_level,
        )


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
    confidence_level : float in (0, 1), default=0.9
    weighting : weighter, callable or None, default=None
        Source of the likelihood ratio ``w(x) = dP_target / dP_source``.
        ``None`` fits a
        :class:`~sklearn_datacentric.covariate_shift.DiscriminativeDensityRatio`
        on the source features (all source rows of ``X``) against the target
        sample; a weighter of :mod:`sklearn_datacentric.covariate_shift`
        (``fit(X, X_target=...)``, ``predict_weights``) is cloned and fitted
        the same way; a plain callable ``w(X) -> weights`` (numeric array
        in) is used as the known likelihood ratio.
    method : {"absolute", "cqr"}, default="absolute"
        Nonconformity score (see :class:`SplitConformalRegressor`).
    prefit : bool, default=False
    calibration_size : float in (0, 1) or int, default=0.3
    random_state : int, RandomState instance or None, default=None

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
    target rows, their ``y`` ignored).

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
    >>> wcr.fit(X, y, X_target=X_target).predict_interval(X_target[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        "weighting": [HasMethods(["fit", "predict_weights"]), callable, None],
        "method": [StrOptions({"absolute", "cqr"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        weighting=None,
        method="absolute",
        prefit=False,
        calibration_size=0.3,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.weighting = weighting
        self.method = method
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state


class WeightedConformalClassifier(
    _WeightedCalibration, _ClassifierConformalMixin, ClassifierMixin, _BaseConformal
):
    """Weighted conformal prediction sets under covariate shift.

    The classification counterpart of :class:`WeightedConformalRegressor`,
    with score ``1 - p_y(x)``.

    Parameters
    ----------
    estimator : classifier with predict_proba or None, default=None
        ``None`` uses :class:`~sklearn.linear_model.LogisticRegression`.
    confidence_level : float in (0, 1), default=0.9
    weighting : weighter, callable or None, default=None
        See :class:`WeightedConformalRegressor`.
    prefit : bool, default=False
    calibration_size : float in (0, 1) or int, default=0.3
    random_state : int, RandomState instance or None, default=None

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
    >>> wcc.fit(X, y, X_target=X[y > 0]).predict_set(X[:2]).shape
    (2, 3)
    """

    _is_classifier = True
    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        "weighting": [HasMethods(["fit", "predict_weights"]), callable, None],
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        weighting=None,
        prefit=False,
        calibration_size=0.3,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.weighting = weighting
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.random_state = random_state


# ----------------------------------------------------------------------------
# LR-QR
# ----------------------------------------------------------------------------
class _LRQRCalibration(_ShiftFitMixin):
    _infinite_reason = (
        "the LR-QR threshold h(x) reaches the top of the squashed score scale "
        "(h(x) >= 1 with score_transform='sigmoid'), where no finite bound exists."
    )

    def _phi(self, X_v):
        if self.feature_map_ is None:
            Z = (X_v - self._mu) / self._sd
        else:
            Z = np.asarray(self.feature_map_.transform(X_v), dtype=np.float64)
            if Z.ndim != 2 or Z.shape[0] != X_v.shape[0]:
                raise ValueError("feature_map.transform must return a 2-D array.")
        return np.column_stack([np.ones(X_v.shape[0]), Z])

    def _calibrate(self, scores, X_cal, X_cal_v, Xs, Xs_v, Xt, Xt_v, rng):
        if Xt_v is None:
            _no_target_warning(
                type(self).__name__,
                "the calibration features serve as the target sample",
            )
            Xt_v = X_cal_v
        X_cal_v = np.asarray(X_cal_v, dtype=np.float64)
        Xt_v = np.asarray(Xt_v, dtype=np.float64)
        # scores in [0, 1]
        st = self.score_transform
        if st == "auto":
            st = "identity" if (scores.min() >= 0 and scores.max() <= 1) else "sigmoid"
        self.score_transform_ = st
        if st == "sigmoid":
            # logistic squash of the score in units of its typical size, so
            # that large-valued scores do not saturate at 1
            scale = float(np.median(np.abs(scores)))
            self.score_scale_ = scale if scale > 0 else 1.0
            s = expit(scores / self.score_scale_)
        else:
            self.score_scale_ = 1.0
            s = scores.astype(np.float64)
        # feature map Phi = [1, T(x)] fitted on all unlabelled features
        if self.feature_map is None:
            self.feature_map_ = None
            both = np.vstack([X_cal_v, Xt_v])
            self._mu = both.mean(axis=0)
            sd = both.std(axis=0)
            self._sd = np.where(sd > 0, sd, 1.0)
        else:
            self.feature_map_ = clone(self.feature_map).fit(np.vstack([X_cal_v, Xt_v]))
        P1, P2 = self._phi(X_cal_v), self._phi(Xt_v)
        # basis orthonormal for the source second moment (gradient norms of
        # the lam selection do not depend on the scaling of the features)
        W = whitening_basis(P1)
        Q1, Q2 = P1 @ W, P2 @ W
        tau = self.confidence_level
        n1, n2 = Q1.shape[0], Q2.shape[0]
        fit_kw = {"max_iter": self.max_iter, "tol": self.tol}
        lam = self.lam
        if isinstance(lam, str):  # "auto": the paper's grid and CV rule
            ls = lam_star(n1, n2, n1)
            lams = np.linspace(ls / 10.0, ls, self.n_lams)
        elif np.ndim(lam) == 0:
            lams = np.array([float(lam)])
        else:
            lams = np.asarray(lam, dtype=np.float64).ravel()
            if lams.size == 0 or np.any(lams < 0) or not np.all(np.isfinite(lams)):
                raise ValueError("lam must hold finite non-negative values.")
        self.lams_ = lams
        if lams.size > 1:
            if min(n1, n2) < self.cv:
                raise ValueError(
                    f"cv={self.cv} folds need at least {self.cv} calibration and "
                    f"target samples; got {n1} and {n2}."
                )
            best, cv_scores = select_lam(
                Q1, s, Q2, True, tau, lams, self.cv, rng, fit_kwargs=fit_kw
            )
            self.cv_scores_ = cv_scores
        else:
            best = float(lams[0])
            self.cv_scores_ = None
        self.lam_ = best
        theta, beta, info = lrqr_fit(Q1, s, Q2, Q1, best, tau, **fit_kw)
        self.coef_ = W @ theta
        self.beta_ = beta
        # diagnostics of the fitted threshold (see Notes)
        h1 = Q1 @ theta
        mu2 = Q2.mean(axis=0)
        self.projected_ratio_norm_ = float(mu2 @ mu2)
        self.calibration_coverage_ = float(np.mean(s <= h1))
        self.solver_info_ = {k: v for k, v in info.items() if k != "a"}
        self.n_iter_ = int(info["n_evals"])

    def threshold_function(self, X):
        """LR-QR threshold ``h(x)`` on the (squashed) score scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        h : ndarray of shape (n_samples,)
        """
        _, Xv = self._check_X(X)
        return self._phi(np.asarray(Xv, dtype=np.float64)) @ self.coef_

    def _thresholds(self, X, X_v):
        h = self._phi(np.asarray(X_v, dtype=np.float64)) @ self.coef_
        if self.score_transform_ == "sigmoid":
            q = np.empty_like(h)
            hi, lo = h >= 1.0, h <= 0.0
            mid = ~(hi | lo)
            q[hi] = np.inf
            q[lo] = -np.inf  # empty set
            q[mid] = self.score_scale_ * logit(h[mid])
            return q
        return h


class _LRQRBase(_LRQRCalibration):
    _lrqr_constraints = {
        "feature_map": [HasMethods(["fit", "transform"]), None],
        "lam": [
            StrOptions({"auto"}),
            Interval(numbers.Real, 0, None, closed="left"),
            "array-like",
        ],
        "n_lams": [Interval(numbers.Integral, 1, None, closed="left")],
        "cv": [Interval(numbers.Integral, 2, None, closed="left")],
        "score_transform": [StrOptions({"auto", "sigmoid", "identity"})],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="neither")],
    }


class LRQRConformalRegressor(
    _LRQRBase, _RegressorConformalMixin, RegressorMixin, _BaseConformal
):
    """Likelihood-ratio regularized quantile regression intervals (LR-QR).

    Joshi, Kiyani, Pappas, Dobriban, Hassani (2025): the threshold
    ``h(x) = gamma^T Phi(x)`` on the nonconformity score minimises::

        mean_cal pinball_{confidence_level}(S - h(X))
          + lam * (beta^2 mean_source h(X)^2 - 2 beta mean_target h(X))

    over ``gamma`` and ``beta``.  The bracket equals
    ``E_source[(beta h - r)^2]`` up to a constant, ``r`` the likelihood
    ratio, so the threshold is pulled toward the span of ``r`` without
    estimating it; at a minimiser the first-order conditions give coverage
    under the shift ``r`` projected on the class.  The interval of ``x`` is
    ``{y : S(x, y) <= h(x)}``.  The unlabelled source sample is the
    calibration sample's features (``n3 = n1``), as in the paper's
    experiments.  Solved by the package's own solver: exact dual coordinate
    ascent for ``gamma`` at fixed ``beta``, ``beta`` in closed form then by a
    profile search (module ``sklearn_datacentric.conformal._lrqr_solver``).

    Parameters
    ----------
    estimator : regressor or None, default=None
        ``None`` uses :class:`~sklearn.linear_model.LinearRegression`.
    confidence_level : float in (0, 1), default=0.9
    feature_map : transformer or None, default=None
        Basis ``Phi`` of the threshold class.  ``None``: the raw
        (standardised) features; a transformer is cloned and fitted on the
        unlabelled features (calibration and target; numeric arrays).  An
        intercept column is always appended.
    lam : "auto", float >= 0 or array-like, default="auto"
        ``"auto"``: ``n_lams`` values from ``lam*/10`` to ``lam*`` with
        ``lam* = sqrt((n2 + n3) / n1)`` (the paper's heuristic scale,
        section 4.2; ``n3 = n1`` here), chosen by
        ``cv``-fold cross-validation over calibration and target samples as
        the value with the smallest held-out gradient norm of the objective
        (measured in the basis orthonormal for the source second moment).  An
        array is a grid searched the same way; a float is used as is (``0``
        is plain linear quantile regression).
    n_lams : int, default=10
    cv : int, default=3
    score_transform : {"auto", "sigmoid", "identity"}, default="auto"
        The theory of LR-QR assumes scores in ``[0, 1]``.  ``"sigmoid"``
        squashes ``S`` to ``expit(S / c)``, ``c`` the median absolute
        calibration score (the paper's logistic squash, in units of the
        score's typical size so that it does not saturate); ``"auto"`` does
        so only when some calibration score lies outside ``[0, 1]``.
        Thresholds are mapped back with ``c * logit(h)`` (``h >= 1``:
        infinite interval; ``h <= 0``: empty set, returned as a zero-width
        interval).
    method : {"absolute", "cqr"}, default="absolute"
    prefit : bool, default=False
    calibration_size : float in (0, 1) or int, default=0.3
    max_iter : int, default=100
        Iterations of the ``beta`` search.
    tol : float, default=1e-5
        Relative tolerance on ``beta``.
    random_state : int, RandomState instance or None, default=None
        Seed of the training/calibration split and of the CV folds.

    Attributes
    ----------
    estimator_ : estimator or tuple of two estimators
    coef_ : ndarray of shape (n_basis,)
        ``gamma`` over ``[1, Phi(x)]`` (standardised features by default).
    beta_ : float
    lam_ : float
        The regularization used.
    lams_ : ndarray
        Candidate values.
    cv_scores_ : ndarray or None
        Mean held-out gradient norm of each candidate.
    score_transform_ : {"sigmoid", "identity"}
    score_scale_ : float
        ``c`` of the sigmoid squash (1 without squash).
    solver_info_ : dict
    n_iter_ : int
        Inner convex solves of the final fit.
    projected_ratio_norm_ : float
        ``max_h (mean_target h)^2 / mean_source h^2`` over the class, i.e.
        ``||mean_target Phi||^2`` in the basis orthonormal for the source
        second moment: the empirical ``E_source[r_Phi^2]`` of the likelihood
        ratio projected on the class (1 without shift).  The regularizer
        ranges over ``lam * [-projected_ratio_norm_, 0]``.
    calibration_coverage_ : float
        Fraction of calibration scores below the threshold.
    calibration_scores_ : ndarray of shape (n_calibration,)
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Notes
    -----
    LR-QR gives no finite-sample guarantee: its coverage is approximate,
    with an error controlled by ``lam``, the sample sizes and how far the
    likelihood ratio is from the span of ``Phi``.  The pinball term is at
    most ``max(tau, 1 - tau)`` times the score scale while the regularizer
    reaches ``-lam * projected_ratio_norm_``; when the latter is large (a
    rich ``Phi``, few unlabelled points, or a target outside the source
    support, where no likelihood ratio exists) the regularizer dominates:
    the threshold collapses towards zero on the source
    (``calibration_coverage_`` far below ``confidence_level``) and target
    coverage is unreliable.
    A smaller class (a ``feature_map`` keeping the directions that shift)
    or a smaller ``lam`` then behaves better.

    References
    ----------
    .. [1] S. Joshi, S. Kiyani, G. Pappas, E. Dobriban, H. Hassani.
       "Conformal inference under high-dimensional covariate shifts via
       likelihood-ratio regularization", arXiv:2502.13030, 2025.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import LRQRConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 2)); y = X[:, 0] + rng.normal(size=600)
    >>> X_target = rng.normal(0.5, 1.0, size=(300, 2))
    >>> lrqr = LRQRConformalRegressor(random_state=0).fit(X, y, X_target=X_target)
    >>> lrqr.predict_interval(X_target[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        **_LRQRBase._lrqr_constraints,
        "method": [StrOptions({"absolute", "cqr"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        feature_map=None,
        lam="auto",
        n_lams=10,
        cv=3,
        score_transform="auto",
        method="absolute",
        prefit=False,
        calibration_size=0.3,
        max_iter=100,
        tol=1e-5,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.feature_map = feature_map
        self.lam = lam
        self.n_lams = n_lams
        self.cv = cv
        self.score_transform = score_transform
        self.method = method
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state


class LRQRConformalClassifier(
    _LRQRBase, _ClassifierConformalMixin, ClassifierMixin, _BaseConformal
):
    """LR-QR prediction sets under covariate shift (classification).

    The classification counterpart of :class:`LRQRConformalRegressor` with
    score ``1 - p_y(x)`` (already in ``[0, 1]``): the set of ``x`` holds the
    classes with ``1 - p_k(x) <= h(x)``.

    Parameters
    ----------
    estimator : classifier with predict_proba or None, default=None
    confidence_level : float in (0, 1), default=0.9
    feature_map : transformer or None, default=None
        See :class:`LRQRConformalRegressor`.
    lam : "auto", float >= 0 or array-like, default="auto"
        See :class:`LRQRConformalRegressor`.
    n_lams : int, default=10
    cv : int, default=3
    score_transform : {"auto", "sigmoid", "identity"}, default="auto"
        See :class:`LRQRConformalRegressor` (scores ``1 - p`` are already in
        ``[0, 1]``, so ``"auto"`` keeps them).
    prefit : bool, default=False
    calibration_size : float in (0, 1) or int, default=0.3
    max_iter : int, default=100
    tol : float, default=1e-5
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    estimator_ : classifier
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (n_basis,)
    beta_ : float
    lam_ : float
    lams_ : ndarray
    cv_scores_ : ndarray or None
    score_transform_ : str
    score_scale_ : float
    solver_info_ : dict
    n_iter_ : int
        Inner convex solves of the final fit.
    projected_ratio_norm_ : float
    calibration_coverage_ : float
        Diagnostics of the fit; see :class:`LRQRConformalRegressor`.
    calibration_scores_ : ndarray of shape (n_calibration,)
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] S. Joshi, S. Kiyani, G. Pappas, E. Dobriban, H. Hassani.
       "Conformal inference under high-dimensional covariate shifts via
       likelihood-ratio regularization", arXiv:2502.13030, 2025.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.conformal import LRQRConformalClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LRQRConformalClassifier(random_state=0).fit(X, y, X_target=X[::3])
    >>> clf.predict_set(X[:2]).shape
    (2, 3)
    """

    _is_classifier = True
    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        **_LRQRBase._lrqr_constraints,
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        feature_map=None,
        lam="auto",
        n_lams=10,
        cv=3,
        score_transform="auto",
        prefit=False,
        calibration_size=0.3,
        max_iter=100,
        tol=1e-5,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.feature_map = feature_map
        self.lam = lam
        self.n_lams = n_lams
        self.cv = cv
        self.score_transform = score_transform
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
