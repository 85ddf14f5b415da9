"""Likelihood-ratio regularized quantile regression (LR-QR) conformal sets."""

import numbers
import warnings

import numpy as np
from scipy.special import expit, logit
from sklearn.base import ClassifierMixin, RegressorMixin, clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._warnings import external_stacklevel
from ._base import (
    _CLASSIFICATION_SCORE_CONSTRAINTS,
    _REGRESSION_SCORE_CONSTRAINTS,
    _BaseConformal,
    _ClassifierConformalMixin,
    _conformal_quantile,
    _no_target_warning,
    _RegressorConformalMixin,
    _score_column,
    _ShiftFitMixin,
)
from ._lrqr_solver import (
    lam_star_eq3,
    lam_unit,
    lrqr_fit,
    select_lam,
    whitening_basis,
)

__all__ = [
    "LRQRConformalRegressor",
    "LRQRConformalClassifier",
    "ShiftDiagnosticWarning",
]

_MAX_REG_RATIO = 10.0  # lam * R / L0 above this: the regularizer dominates
_MIN_ESS_FACTOR = 2.0  # projected-ratio ESS below this / (1 - level): out of span
_MAX_NEG_MASS = 0.25  # share of the projected ratio's mass below zero


class ShiftDiagnosticWarning(UserWarning):
    """An LR-QR fit whose own diagnostics say its coverage is unreliable."""


# attributes of one confidence level's fit (``per_level_`` holds them all)
_LEVEL_ATTRS = (
    "coef_",
    "beta_",
    "lam_",
    "lam_unit_",
    "lams_",
    "cv_scores_",
    "projected_ratio_norm_",
    "calibration_coverage_",
    "solver_info_",
    "n_iter_",
    "diagnostics_",
    "split_threshold_",
    "out_of_span_",
    "fallback_applied_",
    "score_transform_",
    "score_scale_",
)


class _LRQRCalibration(_ShiftFitMixin):
    _infinite_reason = (
        "the LR-QR threshold h(x) reaches the top of the squashed score scale "
        "(h(x) >= 1 with score_transform='sigmoid'), where no finite bound exists."
    )

    def _phi(self, X_v):
        if self.feature_map_ is None:
            Z = (X_v / self._scale - self._mu) / self._sd
        else:
            Z = np.asarray(self.feature_map_.transform(X_v), dtype=np.float64)
            if Z.ndim != 2 or Z.shape[0] != X_v.shape[0]:
                raise ValueError("feature_map.transform must return a 2-D array.")
        return np.column_stack([np.ones(X_v.shape[0]), Z])

    def _calibrate(self, scores, X_cal, X_cal_v, Xs, Xs_v, Xt, Xt_v, rng):
        if not self._symmetric:
            raise ValueError(
                f"{type(self).__name__} thresholds a non-negative score; "
                f"conformity_score={self.conformity_score!r} is signed (two-sided). "
                "Use 'absolute', 'residual_normalized' or 'cqr'."
            )
        if Xt_v is None:
            _no_target_warning(
                type(self).__name__,
                "the calibration features serve as the target sample",
            )
            Xt_v = X_cal_v
        X_cal_v = np.asarray(X_cal_v, dtype=np.float64)
        Xt_v = np.asarray(Xt_v, dtype=np.float64)
        fits = []
        for k, tau in enumerate(self.confidence_levels_):
            self._tau = float(tau)
            self._calibrate_level(
                _score_column(scores, k), X_cal_v, Xt_v, rng, verbose_level=k
            )
            fits.append({a: getattr(self, a) for a in _LEVEL_ATTRS})
        self.per_level_ = fits
        for a in _LEVEL_ATTRS:  # public attributes: those of the first level
            setattr(self, a, fits[0][a])

    def _calibrate_level(self, scores, X_cal_v, Xt_v, rng, verbose_level=0):
        tau = self._tau
        if self.verbose:
            print(
                f"[{type(self).__name__}] confidence_level={tau:g}: "
                f"{X_cal_v.shape[0]} calibration and {Xt_v.shape[0]} target rows"
            )
        s = self._transform_scores(scores)
        # feature map Phi = [1, T(x)] fitted on all unlabelled features
        if self.feature_map is None:
            self.feature_map_ = None
            both = np.vstack([X_cal_v, Xt_v])
            # divide by the largest magnitude first: finite features near the
            # float limit (|x| ~ 1e308) would overflow the variance
            scale = np.max(np.abs(both), axis=0)
            self._scale = np.where(scale > 0, scale, 1.0)
            both = both / self._scale
            self._mu = both.mean(axis=0)
            sd = both.std(axis=0)
            self._sd = np.where(sd > 0, sd, 1.0)
        else:
            self.feature_map_ = clone(self.feature_map).fit(np.vstack([X_cal_v, Xt_v]))
        P1, P2 = self._phi(X_cal_v), self._phi(Xt_v)
        # basis orthonormal for the source second moment (gradient norms of
        # the lam selection and the unit of lam do not depend on the scaling
        # of the features)
        W = whitening_basis(P1)
        Q1, Q2 = P1 @ W, P2 @ W
        unit, L0, R = lam_unit(Q1, s, Q2, tau)
        self.lam_unit_ = unit
        self.projected_ratio_norm_ = R
        best, lams = self._select_lam(Q1, s, Q2, unit, rng)
        self.lam_ = best
        theta, beta, info = lrqr_fit(
            Q1, s, Q2, Q1, best, tau, max_iter=self.max_iter, tol=self.tol
        )
        self.coef_ = W @ theta
        self.beta_ = beta
        self.calibration_coverage_ = float(np.mean(s <= Q1 @ theta))
        self.solver_info_ = {k: v for k, v in info.items() if k != "a"}
        self.n_iter_ = int(info["n_evals"])
        self._diagnose(Q1, Q2, s, L0, R)

    def _transform_scores(self, scores):
        st = self.score_transform
        if st == "auto":
            st = "identity" if (scores.min() >= 0 and scores.max() <= 1) else "sigmoid"
        self.score_transform_ = st
        if st == "sigmoid":
            # logistic squash of the score in units of its typical size, so
            # that large-valued scores do not saturate at 1
            scale = float(np.median(np.abs(scores)))
            self.score_scale_ = scale if scale > 0 else 1.0
            return expit(scores / self.score_scale_)
        self.score_scale_ = 1.0
        return scores.astype(np.float64)

    def _select_lam(self, Q1, s, Q2, unit, rng):
        """Candidate values of lam (``lams_``) and the chosen one."""
        tau = self._tau
        n1, n2 = Q1.shape[0], Q2.shape[0]
        fit_kw = {"max_iter": self.max_iter, "tol": self.tol}
        lam = self.lam
        relative, criterion = False, "gradient"
        if isinstance(lam, str) and lam == "paper":
            # section 5.1: 10 values from lam*/10 to lam*, lam* from Eq. (3)
            ls = lam_star_eq3(n1, n2, n1)
            lams = np.linspace(ls / 10.0, ls, self.n_lams)
        elif isinstance(lam, str):  # "auto": multiples of the unit L0 / R
            lams = np.atleast_1d(np.asarray(self.lam_scale, dtype=np.float64))
            if lams.size == 0 or np.any(lams <= 0) or not np.all(np.isfinite(lams)):
                raise ValueError("lam_scale must hold finite positive values.")
            relative, criterion = True, "coverage"
        elif np.ndim(lam) == 0:
            lams = np.array([float(lam)])
        else:
            lams = np.asarray(lam, dtype=np.float64).ravel()
            if lams.size == 0 or np.any(lams < 0) or not np.all(np.isfinite(lams)):
                raise ValueError("lam must hold finite non-negative values.")
        if lams.size > 1:
            if self.verbose:
                print(
                    f"[{type(self).__name__}] {self.cv}-fold search over "
                    f"{lams.size} values of lam"
                )
            if min(n1, n2) < self.cv:
                raise ValueError(
                    f"cv={self.cv} folds need at least {self.cv} calibration and "
                    f"target samples; got {n1} and {n2}."
                )
            best, cv_scores = select_lam(
                Q1,
                s,
                Q2,
                True,
                tau,
                lams,
                self.cv,
                rng,
                fit_kwargs=fit_kw,
                relative=relative,
                criterion=criterion,
            )
            self.cv_scores_ = cv_scores
        else:
            best = float(lams[0])
            self.cv_scores_ = None
        unit_all = self.lam_unit_ if relative else 1.0
        self.lams_ = lams * unit_all
        return best * unit_all, lams

    def _diagnose(self, Q1, Q2, s, L0, R):
        """Diagnostics of the fit, warnings and the safe fallback."""
        tau = self._tau
        n1 = Q1.shape[0]
        r1 = Q1 @ Q2.mean(axis=0)  # projected ratio at the calibration points
        ess = n1 / R  # Kish effective sample size of r1 (mean r1 = 1)
        neg_mass = float(np.sum(np.maximum(-r1, 0.0)) / np.sum(np.abs(r1)))
        reg_ratio = self.lam_ * R / L0
        # a threshold adapted to the target need not cover tau of the source
        # scores; twice the nominal miscoverage on the source is "far below"
        cov_floor = 1.0 - 2.0 * (1.0 - tau)
        self.split_threshold_ = _conformal_quantile(s, tau)
        self.diagnostics_ = {
            "regularizer_to_pinball": float(reg_ratio),
            "effective_sample_size": float(ess),
            "negative_ratio_mass": neg_mass,
            "calibration_coverage": self.calibration_coverage_,
            "projected_ratio_norm": float(R),
            "pinball_at_quantile": float(L0),
        }
        name = type(self).__name__
        if reg_ratio > _MAX_REG_RATIO:
            warnings.warn(
                f"{name}: the regularizer dominates the fit (lam * "
                f"projected_ratio_norm_ / L0 = {reg_ratio:.3g} > {_MAX_REG_RATIO:g}, "
                "L0 the pinball loss of the calibration scores at their quantile): "
                "the threshold is pulled away from the scores. lam='auto' sets lam "
                "in these units.",
                ShiftDiagnosticWarning,
                stacklevel=external_stacklevel(),
            )
        if self.calibration_coverage_ < cov_floor:
            warnings.warn(
                f"{name}: the LR-QR threshold covers {self.calibration_coverage_:.3f} "
                f"of the calibration scores, far below confidence_level={tau:g}.",
                ShiftDiagnosticWarning,
                stacklevel=external_stacklevel(),
            )
        out_of_span = (ess < _MIN_ESS_FACTOR / (1.0 - tau)) or (
            neg_mass > _MAX_NEG_MASS
        )
        self.out_of_span_ = bool(out_of_span)
        self.fallback_applied_ = bool(out_of_span and self.fallback == "split")
        if out_of_span:
            what = (
                "thresholds are raised to at least the split-conformal threshold "
                "(fallback='split'), so no interval is narrower than split "
                "conformal's"
                if self.fallback_applied_
                else "fallback=None keeps the LR-QR thresholds"
            )
            warnings.warn(
                f"{name}: the likelihood ratio looks outside the span of the "
                f"feature map or the supports look disjoint (effective sample size "
                f"of the projected ratio {ess:.1f} for {n1} calibration points; "
                f"share of its mass below zero {neg_mass:.2f}). No method is "
                "valid here without further assumptions; " + what + ".",
                ShiftDiagnosticWarning,
                stacklevel=external_stacklevel(),
            )

    def threshold_function(self, X):
        """LR-QR threshold ``h(x)`` on the (squashed) score scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        h : ndarray of shape (n_samples,) or (n_samples, n_levels)
            One column per confidence level when there are several.
        """
        check_is_fitted(self, "per_level_")
        _, Xv = self._check_X(X)
        h = np.column_stack([self._h(Xv, k) for k in range(len(self.per_level_))])
        return h[:, 0] if h.shape[1] == 1 else h

    def _h(self, X_v, k=0):
        fit = self.per_level_[k]
        h = self._phi(np.asarray(X_v, dtype=np.float64)) @ fit["coef_"]
        if fit["fallback_applied_"]:
            h = np.maximum(h, fit["split_threshold_"])
        return h

    def _thresholds(self, X, X_v, group_idx):
        out = np.empty((X_v.shape[0], len(self.per_level_), 2))
        for k, fit in enumerate(self.per_level_):
            h = self._h(X_v, k)
            if fit["score_transform_"] == "sigmoid":
                q = np.empty_like(h)
                hi, lo = h >= 1.0, h <= 0.0
                mid = ~(hi | lo)
                q[hi] = np.inf
                q[lo] = -np.inf  # empty set
                q[mid] = fit["score_scale_"] * logit(h[mid])
            else:
                q = h
            out[:, k, 0], out[:, k, 1] = -q, q
        return out


class _LRQRBase(_LRQRCalibration):
    _supports_groups = False
    _lrqr_constraints = {
        "feature_map": [HasMethods(["fit", "transform"]), None],
        "lam": [
            StrOptions({"auto", "paper"}),
            Interval(numbers.Real, 0, None, closed="left"),
            "array-like",
        ],
        "lam_scale": [Interval(numbers.Real, 0, None, closed="neither"), "array-like"],
        "n_lams": [Interval(numbers.Integral, 1, None, closed="left")],
        "cv": [Interval(numbers.Integral, 2, None, closed="left")],
        "score_transform": [StrOptions({"auto", "sigmoid", "identity"})],
        "fallback": [StrOptions({"split"}), None],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="neither")],
        "verbose": ["verbose"],
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
    confidence_level : float in (0, 1) or list of floats, default=0.9
        One threshold function per level (fitted independently); the
        attributes describe the first level and ``per_level_`` holds all.
    feature_map : transformer or None, default=None
        Basis ``Phi`` of the threshold class.  ``None``: the raw
        (standardised) features; a transformer is cloned and fitted on the
        unlabelled features (calibration and target; numeric arrays).  An
        intercept column is always appended.
    lam : "auto", "paper", float >= 0 or array-like, default="auto"
        Weight of the likelihood-ratio regularizer.

        - ``"auto"``: ``lam = lam_scale * L0 / R`` (unit-aware).  ``L0`` is
          the mean pinball loss of the calibration scores at their own
          quantile (score units) and ``R = projected_ratio_norm_`` (how far
          the regularizer reaches per unit of ``h^2``): the regularizer is at
          most ``lam_scale`` times the pinball term, whatever the unit of the
          score, the scaling of the features or the strength of the shift.
          An array-like ``lam_scale`` is a grid searched by ``cv``-fold
          cross-validation on the held-out calibration coverage weighted by
          the ratio projected on the class (see
          ``sklearn_datacentric.conformal._lrqr_solver.select_lam``).
        - ``"paper"``: the rule of the paper's experiments (section 5.1):
          ``n_lams`` values from ``lam*/10`` to ``lam*``,
          ``lam* = (n1 (1/n2 + 1/n3))^(-1/3)`` (Eq. (3), constant 1;
          ``n3 = n1`` here), chosen by ``cv``-fold cross-validation over
          calibration and target samples as the value with the smallest
          held-out gradient norm of the objective.  For reproductions: it
          is not unit-free and on the package's benchmarks it lets the
          regularizer dominate (``benchmarks/results/conformal_communities.md``).
        - a float is used as is, in score units (``0`` is plain linear
          quantile regression); an array is a grid searched like
          ``"paper"``.
    lam_scale : float > 0 or array-like, default=1.0
        Multiple(s) of the unit ``L0 / R`` used by ``lam="auto"``.
    n_lams : int, default=10
        Size of the grid of ``lam="paper"``.
    cv : int, default=3
        Number of cross-validation folds or a splitter.
    score_transform : {"identity", "sigmoid", "auto"}, default="identity"
        ``"identity"`` uses the raw scores, as the paper's experiments do.
        ``"sigmoid"`` squashes ``S`` to ``expit(S / c)``, ``c`` the median
        absolute calibration score (the device the paper's appendix gives
        for unbounded scores); thresholds are mapped back with
        ``c * logit(h)`` (``h >= 1``: infinite interval; ``h <= 0``: empty
        set, returned as a zero-width interval).  ``"auto"`` squashes only
        when some calibration score lies outside ``[0, 1]``.
    fallback : "split" or None, default="split"
        What to do when the fit's diagnostics say the likelihood ratio is
        outside the span of the feature map or the supports are disjoint
        (see Notes): ``"split"`` raises every threshold to at least the
        split-conformal threshold of the calibration scores, so that no
        interval is narrower than split conformal's; ``None`` keeps the
        LR-QR thresholds.  Both warn (:class:`ShiftDiagnosticWarning`).
    conformity_score : {"absolute", "residual_normalized", "cqr"} or \
BaseRegressionScore, default="absolute"
        A non-negative score (see :class:`SplitConformalRegressor`).
    method : {"absolute", "cqr"}, default="deprecated"
        Deprecated alias of ``conformity_score`` (FutureWarning).
    prefit : bool, default=False
        See :class:`WeightedConformalRegressor`.
    calibration_size : float in (0, 1), int or None, default=0.3
        See :class:`WeightedConformalRegressor`.
    max_iter : int, default=100
        Iterations of the ``beta`` search.
    tol : float, default=1e-5
        Relative tolerance on ``beta``.
    verbose : int, default=0
        Print a line per confidence level and per ``lam`` search (the
        cross-validated search refits ``cv`` times per candidate).
    random_state : int, RandomState instance or None, default=None
        Seed of the training/calibration split and of the CV folds.

    Attributes
    ----------
    estimator_ : estimator or tuple of two estimators
    coef_ : ndarray of shape (n_basis,)
        ``gamma`` over ``[1, Phi(x)]`` (standardised features by default).
    beta_ : float
    lam_ : float
        The regularization used (score units).
    lam_unit_ : float
        ``L0 / R``, the unit of ``lam="auto"``.
    lams_ : ndarray
        Candidate values (score units).
    cv_scores_ : ndarray or None
        Mean held-out criterion of each candidate (``lam="auto"``: coverage
        gap; otherwise gradient norm), ``None`` without a search.
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
    diagnostics_ : dict
        ``regularizer_to_pinball`` (``lam_ * R / L0``),
        ``effective_sample_size`` (``n_calibration_ / R``, the Kish
        effective sample size of the projected ratio, whose mean over the
        calibration points is 1), ``negative_ratio_mass`` (share of the
        projected ratio's absolute mass on calibration points where it is
        negative), ``calibration_coverage``, ``projected_ratio_norm``,
        ``pinball_at_quantile`` (``L0``).
    out_of_span_ : bool
        Whether the diagnostics flagged the ratio as outside the span of
        the feature map (or the supports as disjoint).
    fallback_applied_ : bool
        Whether the thresholds are raised to ``split_threshold_``.
    split_threshold_ : float
        Split-conformal threshold of the (transformed) calibration scores.
    per_level_ : list of dict
        The attributes above for each confidence level.
    calibration_scores_ : ndarray of shape (n_calibration,)
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Notes
    -----
    LR-QR gives no finite-sample guarantee: its coverage is approximate,
    with an error controlled by ``lam``, the sample sizes and how far the
    likelihood ratio is from the span of ``Phi``.  At the optimal ``beta``
    the regularizer equals ``-lam * R * cos^2(h, r_Phi)`` (``r_Phi`` the
    ratio projected on the class, ``R = projected_ratio_norm_``): it only
    sees the direction of ``h`` and reaches ``-lam * R``, while the pinball
    term is of the order of ``L0``.  A raw ``lam`` is therefore in score
    units and its effect grows with ``R``; ``lam="auto"`` fixes the ratio
    of the two terms instead.

    Diagnostics (``diagnostics_``) and warnings
    (:class:`ShiftDiagnosticWarning`): the regularizer dominates
    (``lam_ * R / L0 > 10``); the threshold covers far fewer calibration
    scores than the level (a source miscoverage above twice
    ``1 - confidence_level``; a threshold adapted to the target need not
    cover exactly the level on the source); the ratio is outside the span
    of the class or the supports are
    disjoint: the effective sample size ``n_calibration_ / R`` of the
    projected ratio is below ``2 / (1 - confidence_level)`` (a weighted
    quantile at that level has almost no calibration points behind it) or
    more than a quarter of the projected ratio's mass is negative (a
    likelihood ratio is never negative).  In the last case ``fallback``
    applies.  With disjoint supports no method is valid without
    assumptions on how the scores extrapolate; the fallback only ensures
    the method is never narrower than split conformal there.

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
    >>> y_pred, y_pis = lrqr.predict_interval(X_target[:2])
    >>> y_pis.shape, bool(np.isfinite(y_pis).all())
    ((2, 2, 1), True)
    """

    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        **_LRQRBase._lrqr_constraints,
        **_REGRESSION_SCORE_CONSTRAINTS,
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        feature_map=None,
        lam="auto",
        lam_scale=1.0,
        n_lams=10,
        cv=3,
        score_transform="identity",
        fallback="split",
        conformity_score="absolute",
        method="deprecated",
        prefit=False,
        calibration_size=0.3,
        max_iter=100,
        tol=1e-5,
        verbose=0,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.feature_map = feature_map
        self.lam = lam
        self.lam_scale = lam_scale
        self.n_lams = n_lams
        self.cv = cv
        self.score_transform = score_transform
        self.fallback = fallback
        self.conformity_score = conformity_score
        self.method = method
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
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
        The wrapped model; ``None`` uses the default one.
    confidence_level : float in (0, 1) or list of floats, default=0.9
        See :class:`LRQRConformalRegressor`.
    feature_map : transformer or None, default=None
        See :class:`LRQRConformalRegressor`.
    lam : "auto", "paper", float >= 0 or array-like, default="auto"
        See :class:`LRQRConformalRegressor`.
    lam_scale : float > 0 or array-like, default=1.0
        See :class:`LRQRConformalRegressor`.
    n_lams : int, default=10
        See :class:`LRQRConformalRegressor`.
    cv : int, default=3
        See :class:`LRQRConformalRegressor`.
    score_transform : {"identity", "sigmoid", "auto"}, default="identity"
        See :class:`LRQRConformalRegressor` (scores ``1 - p`` are already in
        ``[0, 1]``).
    fallback : "split" or None, default="split"
        See :class:`LRQRConformalRegressor`.
    conformity_score : {"lac", "aps", "raps"} or BaseClassificationScore, \
default="lac"
        See :class:`SplitConformalClassifier`.
    prefit : bool, default=False
        If True, ``estimator`` is already fitted and all the calibration rows given are
        used to calibrate.
    calibration_size : float in (0, 1), int or None, default=0.3
        Share (float) or number (int) of the source rows held out for calibration when
        ``prefit=False``.
    max_iter : int, default=100
        Maximum number of iterations of the solver.
    tol : float, default=1e-5
        Convergence tolerance of the solver.
    verbose : int, default=0
        See :class:`LRQRConformalRegressor`.
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws; pass an int for reproducible output.

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
    lam_unit_ : float
    projected_ratio_norm_ : float
    calibration_coverage_ : float
    diagnostics_ : dict
    out_of_span_ : bool
    fallback_applied_ : bool
    split_threshold_ : float
        Diagnostics of the fit; see :class:`LRQRConformalRegressor`.
    per_level_ : list of dict
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
    >>> y_pred, y_pss = clf.predict_set(X[:2])
    >>> y_pss.shape
    (2, 3, 1)
    """

    _is_classifier = True
    _parameter_constraints = {
        **_BaseConformal._parameter_constraints,
        **_LRQRBase._lrqr_constraints,
        **_CLASSIFICATION_SCORE_CONSTRAINTS,
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        feature_map=None,
        lam="auto",
        lam_scale=1.0,
        n_lams=10,
        cv=3,
        score_transform="identity",
        fallback="split",
        conformity_score="lac",
        prefit=False,
        calibration_size=0.3,
        max_iter=100,
        tol=1e-5,
        verbose=0,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.feature_map = feature_map
        self.lam = lam
        self.lam_scale = lam_scale
        self.n_lams = n_lams
        self.cv = cv
        self.score_transform = score_transform
        self.fallback = fallback
        self.conformity_score = conformity_score
        self.prefit = prefit
        self.calibration_size = calibration_size
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
