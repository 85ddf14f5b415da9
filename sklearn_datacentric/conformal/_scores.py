"""Conformity scores and the shared contract of the conformal estimators.

The public contract every conformal estimator of the package keeps (split,
weighted, LR-QR and cross-conformal):

* ``confidence_level`` is a float in (0, 1) or a list of them
  (:func:`check_confidence_levels`);
* ``predict_interval(X)`` returns ``(y_pred, y_pis)`` with ``y_pis`` of shape
  ``(n_samples, 2, n_levels)`` (:func:`stack_intervals`), ``predict_set(X)``
  returns ``(y_pred, y_pss)`` with ``y_pss`` boolean of shape
  ``(n_samples, n_classes, n_levels)``;
* ``conformity_score`` is a name or a score object
  (:func:`check_regression_score`, :func:`check_classification_score`);
* Mondrian (group-conditional) calibration with ``groups=``
  (:func:`check_groups`, :func:`group_thresholds`, :func:`map_groups`).

Regression scores hold the fitted model(s) they need (cloned per fit);
classification scores work on class probabilities.
"""

import math
import numbers
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, QuantileRegressor
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from ..utils._pandas import is_pandas_df
from ..utils._warnings import external_stacklevel

__all__ = [
    "AbsoluteScore",
    "GammaScore",
    "ResidualNormalizedScore",
    "CQRScore",
    "LACScore",
    "APSScore",
    "RAPSScore",
    "BaseRegressionScore",
    "BaseClassificationScore",
    "check_confidence_levels",
    "check_regression_score",
    "check_classification_score",
    "check_groups",
    "group_thresholds",
    "map_groups",
    "stack_intervals",
    "stack_sets",
]


# ----------------------------------------------------------------------------
# confidence levels and output shapes
# ----------------------------------------------------------------------------
def check_confidence_levels(confidence_level):
    """Confidence level(s) as a 1-D float array, in the order given.

    Parameters
    ----------
    confidence_level : float or array-like of floats
        Each in the open interval (0, 1).

    Returns
    -------
    levels : ndarray of shape (n_levels,)
        The confidence levels as floats.

    Raises
    ------
    ValueError
        Naming the first level outside (0, 1) (or not a finite number), or
        an empty list.
    """
    if isinstance(confidence_level, (str, bytes)):
        raise ValueError(
            f"confidence_level must be a float in (0, 1) or a list of them; got "
            f"{confidence_level!r}."
        )
    values = np.atleast_1d(np.asarray(confidence_level, dtype=object)).ravel()
    if values.size == 0:
        raise ValueError("confidence_level is an empty list; give at least one level.")
    out = np.empty(values.size, dtype=np.float64)
    for k, v in enumerate(values):
        ok = isinstance(v, numbers.Real) and not isinstance(v, bool)
        if not ok or not (0.0 < float(v) < 1.0):
            raise ValueError(
                f"confidence_level {v!r} (position {k}) is not a number in the open "
                "interval (0, 1); every confidence level must satisfy 0 < level < 1."
            )
        out[k] = float(v)
    return out


def stack_intervals(lower, upper):
    """Lower and upper bounds as MAPIE's ``(n_samples, 2, n_levels)`` array.

    Parameters
    ----------
    lower, upper : array-like of shape (n_samples, n_levels)
        Lower and upper bounds, one column per level.

    Returns
    -------
    y_pis : ndarray of shape (n_samples, 2, n_levels)
        Lower and upper bounds, per confidence level.
    """
    lower = np.asarray(lower, dtype=np.float64)
    upper = np.asarray(upper, dtype=np.float64)
    if lower.ndim == 1:
        lower, upper = lower[:, None], upper[:, None]
    return np.stack([lower, upper], axis=1)


def stack_sets(sets):
    """Per-level boolean sets as ``(n_samples, n_classes, n_levels)``.

    Parameters
    ----------
    sets : list of arrays of shape (n_samples, n_classes)
        One per confidence level.

    Returns
    -------
    y_pss : ndarray of shape (n_samples, n_classes, n_levels), dtype bool
        Membership of each class in each prediction set.
    """
    return np.stack([np.asarray(s, dtype=bool) for s in sets], axis=2)


# ----------------------------------------------------------------------------
# groups (Mondrian calibration)
# ----------------------------------------------------------------------------
def check_groups(groups, n_samples, name="groups"):
    """Group labels as a 1-D array of length ``n_samples``.

    Parameters
    ----------
    groups : array-like of shape (n_samples,)
        Group label of each row.
    n_samples : int
        Number of rows the labels must match.
    name : str
        Name used in error messages.

    Returns
    -------
    groups : ndarray of shape (n_samples,)
        The group labels.
    """
    g = np.asarray(groups)
    if g.ndim != 1:
        g = g.ravel() if g.ndim == 2 and 1 in g.shape else g
    if g.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per row); got {g.shape}.")
    if g.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {g.shape[0]} labels for {n_samples} rows of X; give one "
            "group label per row."
        )
    if g.dtype.kind == "f" and np.any(np.isnan(g)):
        raise ValueError(f"{name} contains NaN; every row needs a group label.")
    if g.dtype == object and any(v is None for v in g):
        raise ValueError(f"{name} contains None; every row needs a group label.")
    return g


def map_groups(groups, known, name="groups"):
    """Index of each label of ``groups`` in ``known`` (the calibration groups).

    Raises a ValueError naming the labels never seen at calibration.
    """
    known = np.asarray(known)
    lookup = {v: k for k, v in enumerate(known.tolist())}
    idx = np.array([lookup.get(v, -1) for v in np.asarray(groups).tolist()], dtype=int)
    if np.any(idx < 0):
        unseen = list(dict.fromkeys(np.asarray(groups)[idx < 0].tolist()))
        raise ValueError(
            f"{name} holds label(s) {unseen[:10]} never seen at calibration (known "
            f"groups: {known.tolist()[:10]}); a Mondrian threshold exists only for "
            "the groups of the calibration data."
        )
    return idx


def group_thresholds(scores, groups, levels, quantile):
    """Per-group thresholds of Mondrian (group-conditional) calibration.

    Parameters
    ----------
    scores : ndarray of shape (n,) or (n, n_levels)
        Calibration scores (a column per level when they depend on it).
    groups : ndarray of shape (n,)
        Group label of each row.
    levels : ndarray of shape (n_levels,)
        Confidence levels.
    quantile : callable ``(scores_1d, level) -> threshold``
        Threshold of one group's scores at one level.

    Returns
    -------
    labels : ndarray of shape (n_groups,)
        Distinct group labels, sorted.
    table : ndarray of shape (n_groups, n_levels, ...)
        ``quantile`` of each group's scores at each level.
    counts : ndarray of shape (n_groups,)
        Calibration rows per group.
    """
    labels, inv = np.unique(groups, return_inverse=True)
    out = []
    for g in range(labels.shape[0]):
        rows = inv == g
        out.append(
            [
                quantile(scores[rows] if scores.ndim == 1 else scores[rows, k], lev)
                for k, lev in enumerate(levels)
            ]
        )
    counts = np.bincount(inv, minlength=labels.shape[0])
    return labels, np.asarray(out, dtype=np.float64), counts


# ----------------------------------------------------------------------------
# score objects
# ----------------------------------------------------------------------------
class _ScoreParams:
    """``get_params``/``set_params`` from ``__init__`` (so that clone works)."""

    _param_names = ()

    def get_params(self, deep=True):
        """Get the parameters of the score.

        Parameters
        ----------
        deep : bool, default=True
            Ignored (a score has no nested estimators to expand).

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return {k: getattr(self, k) for k in self._param_names}

    def set_params(self, **params):
        """Set the parameters of the score.

        Parameters
        ----------
        **params : dict
            New values of parameters of ``__init__``.

        Returns
        -------
        self : object
            The score.
        """
        for k, v in params.items():
            if k not in self._param_names:
                raise ValueError(f"Invalid parameter {k!r} for {type(self).__name__}.")
            setattr(self, k, v)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._param_names)
        return f"{type(self).__name__}({args})"


def _check_finite(values, what):
    values = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        bad = int(np.sum(~np.isfinite(values)))
        raise ValueError(
            f"{bad} {what} are NaN or infinite: the wrapped estimator returned "
            "non-finite predictions (input values too large for the model's "
            "arithmetic overflow to inf/NaN; rescale the features or the target)."
        )
    return values


def _fit_estimator(est, X, y, **fit_params):
    """``est.fit(X, y)``, naming the cause when finite input overflows it."""
    try:
        return est.fit(X, y, **fit_params)
    except (ValueError, FloatingPointError) as exc:
        msg = str(exc).lower()
        if not ("nan" in msg or "inf" in msg):
            raise
        Xa = np.asarray(X, dtype=np.float64) if not is_pandas_df(X) else None
        if Xa is None or not np.all(np.isfinite(Xa)):
            raise
        raise ValueError(
            f"{type(est).__name__}.fit failed on finite input whose largest "
            f"magnitude is {float(np.max(np.abs(Xa))):.3g}: its arithmetic "
            "overflowed to inf/NaN (the input holds no NaN). Rescale the "
            "features (for example divide them by their largest magnitude) or "
            "use a model that is invariant to scale (trees)."
        ) from exc


def _check_prefitted(est):
    try:
        check_is_fitted(est)
    except Exception as exc:
        raise ValueError(
            f"prefit=True but the estimator {type(est).__name__} is not fitted; fit "
            "it first or use prefit=False."
        ) from exc
    return est


class BaseRegressionScore(_ScoreParams):
    """Base of the regression conformity scores.

    A score is cloned by each fit; the clone holds the fitted model(s).

    ``symmetric`` scores are non-negative distances (one threshold ``q`` per
    level, interval from ``-q`` to ``q`` in score units); asymmetric ones are
    signed and each side gets its own threshold at level
    ``1 - (1 - confidence_level) / 2`` (Bonferroni over the two sides).

    Subclasses define ``_raw_scores(X, y)`` and ``_bounds(X, q_lo, q_hi, k)``.

    Examples
    --------
    >>> from sklearn_datacentric.conformal import AbsoluteScore, BaseRegressionScore
    >>> isinstance(AbsoluteScore(), BaseRegressionScore)
    True
    """

    symmetric = True
    name = None

    def _default_estimator(self):
        return LinearRegression()

    def _fit_models(self, estimator, X, y, levels, **fit_params):
        """Fit a clone of ``estimator`` (``None``: the default) on ``(X, y)``."""
        est = estimator if estimator is not None else self._default_estimator()
        self.estimator_ = _fit_estimator(clone(est), X, y, **fit_params)
        self.levels_ = levels
        return self

    def _set_prefit(self, estimator, levels):
        if estimator is None:
            raise ValueError("prefit=True requires a fitted estimator.")
        self.estimator_ = _check_prefitted(estimator)
        self.levels_ = levels
        return self

    def _prepare_calibration(self, X, y, rng):
        """Rows of the calibration data used for the scores (all by default)."""
        return np.arange(len(y))

    def predict(self, X):
        """Point prediction of the fitted model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions (finite).
        """
        return _check_finite(
            np.asarray(self.estimator_.predict(X), dtype=np.float64).ravel(),
            "point predictions",
        )

    def conformity_scores(self, X, y):
        """Compute the conformity scores of labelled rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Their targets.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_levels)
            One score per row (a column per level when the score depends on
            the level, as CQR's does).
        """
        return _check_finite(
            self._raw_scores(X, np.asarray(y, dtype=np.float64)), "conformity scores"
        )

    def interval(self, X, q_lo, q_hi, level_index=0):
        """Compute the interval bounds for per-row thresholds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        q_lo, q_hi : float or array-like of shape (n_samples,)
            Lower and upper thresholds in score units.
        level_index : int, default=0
            Index of the confidence level (for level-dependent scores).

        Returns
        -------
        lower, upper : ndarray of shape (n_samples,)
            The bounds (an empty interval collapses to its midpoint).
        """
        n = _n_rows(X)
        q_lo = np.broadcast_to(np.asarray(q_lo, dtype=np.float64), (n,))
        q_hi = np.broadcast_to(np.asarray(q_hi, dtype=np.float64), (n,))
        return self._bounds(X, q_lo, q_hi, level_index)


def _n_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def _empty_to_mid(lo, hi, mid):
    with np.errstate(invalid="ignore"):
        empty = ~(lo <= hi)
    return np.where(empty, mid, lo), np.where(empty, mid, hi)


class AbsoluteScore(BaseRegressionScore):
    """Absolute residual ``|y - f(x)|``; interval ``[f(x) - q, f(x) + q]``.

    MAPIE's ``"absolute"`` score (symmetric).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import AbsoluteScore, SplitConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 1)); y = X[:, 0] + rng.normal(size=200)
    >>> scr = SplitConformalRegressor(conformity_score=AbsoluteScore(), random_state=0)
    >>> scr.fit(X, y).predict_interval(X[:2])[1].shape
    (2, 2, 1)
    """

    name = "absolute"

    def _raw_scores(self, X, y):
        return np.abs(y - self.predict(X))

    def _bounds(self, X, q_lo, q_hi, k):
        pred = self.predict(X)
        with np.errstate(invalid="ignore", over="ignore"):
            lo, hi = pred + q_lo, pred + q_hi
        return _empty_to_mid(lo, hi, pred)


class GammaScore(BaseRegressionScore):
    """Relative residual ``(y - f(x)) / f(x)`` for positive targets.

    MAPIE's ``"gamma"`` score: signed, each side calibrated at
    ``1 - alpha / 2``; interval ``[f(x)(1 + q_lo), f(x)(1 + q_hi)]``, whose
    width grows with the prediction.  Targets and predictions must be
    strictly positive.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import GammaScore, SplitConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 1)); y = 5 + X[:, 0] + 0.1 * rng.normal(size=200)
    >>> scr = SplitConformalRegressor(conformity_score=GammaScore(), random_state=0)
    >>> scr.fit(X, y).predict_interval(X[:2])[1].shape
    (2, 2, 1)
    """

    name = "gamma"
    symmetric = False

    def _positive_pred(self, X):
        pred = self.predict(X)
        if np.any(pred <= 0):
            raise ValueError(
                "conformity_score='gamma' needs strictly positive predictions; the "
                f"estimator predicted {int(np.sum(pred <= 0))} value(s) <= 0."
            )
        return pred

    def _raw_scores(self, X, y):
        if np.any(y <= 0):
            raise ValueError(
                "conformity_score='gamma' needs strictly positive targets; y holds "
                f"{int(np.sum(y <= 0))} value(s) <= 0."
            )
        pred = self._positive_pred(X)
        return (y - pred) / pred

    def _bounds(self, X, q_lo, q_hi, k):
        pred = self._positive_pred(X)
        with np.errstate(invalid="ignore", over="ignore"):
            lo, hi = pred * (1.0 + q_lo), pred * (1.0 + q_hi)
        return _empty_to_mid(lo, hi, pred)


class ResidualNormalizedScore(BaseRegressionScore):
    """Residual divided by a fitted difficulty ``|y - f(x)| / r(x)``.

    ``r(x)`` is a difficulty model: a regressor fitted on
    ``log(max(|y - f(x)|, eps))`` of a share ``split_size`` of the
    calibration rows and used as ``max(exp(.), eps)``; the remaining
    calibration rows give the scores (the two parts are disjoint, so the
    guarantee holds).  Interval ``[f(x) - q r(x), f(x) + q r(x)]``, wider
    where the model expects larger errors (Lei et al. 2018, section 5.2;
    MAPIE's ``"residual_normalized"``).

    Parameters
    ----------
    residual_estimator : regressor or None, default=None
        ``None`` uses :class:`~sklearn.linear_model.LinearRegression`.
    prefit : bool, default=False
        If True, ``residual_estimator`` is fitted and predicts ``r(x)``
        itself (no log/exp); all calibration rows give scores.
    split_size : float in (0, 1), int or None, default=None
        Calibration rows used to fit the difficulty model
        (``sklearn.model_selection.train_test_split``'s ``test_size``;
        ``None`` means 0.25).
    random_state : int, RandomState instance or None, default=None
        Seed of that split (``None``: drawn from the conformal estimator's
        ``random_state``).
    eps : float, default=1e-8
        Floor of the difficulty.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import ResidualNormalizedScore
    >>> from sklearn_datacentric.conformal import SplitConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 1))
    >>> y = X[:, 0] + rng.normal(size=200) * (1 + np.abs(X[:, 0]))
    >>> scr = SplitConformalRegressor(
    ...     conformity_score=ResidualNormalizedScore(), random_state=0
    ... )
    >>> scr.fit(X, y).predict_interval(X[:2])[1].shape
    (2, 2, 1)
    """

    name = "residual_normalized"
    _param_names = ("residual_estimator", "prefit", "split_size", "random_state", "eps")

    def __init__(
        self,
        residual_estimator=None,
        *,
        prefit=False,
        split_size=None,
        random_state=None,
        eps=1e-8,
    ):
        self.residual_estimator = residual_estimator
        self.prefit = prefit
        self.split_size = split_size
        self.random_state = random_state
        self.eps = eps

    def _prepare_calibration(self, X, y, rng):
        y = np.asarray(y, dtype=np.float64)
        n = y.shape[0]
        if self.prefit:
            if self.residual_estimator is None:
                raise ValueError(
                    "ResidualNormalizedScore(prefit=True) needs a fitted "
                    "residual_estimator."
                )
            self.residual_estimator_ = _check_prefitted(self.residual_estimator)
            return np.arange(n)
        if n < 4:
            raise ValueError(
                f"ResidualNormalizedScore needs at least 4 calibration rows (some to "
                f"fit the difficulty model, the rest to calibrate); got {n}."
            )
        seed = self.random_state
        if seed is None:
            seed = rng.randint(np.iinfo(np.int32).max)
        cal, res = train_test_split(
            np.arange(n), test_size=self.split_size, random_state=seed
        )
        resid = np.abs(y[res] - self.predict(_take(X, res)))
        target = np.log(np.maximum(resid, self.eps))
        base = self.residual_estimator
        base = LinearRegression() if base is None else base
        self.residual_estimator_ = _fit_estimator(clone(base), _take(X, res), target)
        return cal

    def difficulty(self, X):
        """Predicted difficulty ``r(x)`` (at least ``eps``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        r : ndarray of shape (n_samples,)
            The difficulty of each row.
        """
        pred = np.asarray(self.residual_estimator_.predict(X), dtype=np.float64).ravel()
        if not self.prefit:
            with np.errstate(over="ignore"):
                pred = np.exp(pred)
        return np.maximum(_check_finite(pred, "difficulty predictions"), self.eps)

    def _raw_scores(self, X, y):
        return np.abs(y - self.predict(X)) / self.difficulty(X)

    def _bounds(self, X, q_lo, q_hi, k):
        pred, r = self.predict(X), self.difficulty(X)
        with np.errstate(invalid="ignore", over="ignore"):
            lo, hi = pred + q_lo * r, pred + q_hi * r
        return _empty_to_mid(lo, hi, pred)


def _quantile_param(estimator):
    """Name of the parameter that sets the quantile of a quantile regressor."""
    params = estimator.get_params(deep=False)
    if "quantile" in params:
        return "quantile"
    if "alpha" in params and params.get("loss") == "quantile":
        return "alpha"
    raise ValueError(
        "conformity_score='cqr' needs a quantile regressor with a `quantile` "
        "parameter (QuantileRegressor, HistGradientBoostingRegressor(loss="
        "'quantile')) or `alpha` with loss='quantile' (GradientBoostingRegressor); "
        f"got {type(estimator).__name__}."
    )


class CQRScore(BaseRegressionScore):
    """Conformalized quantile regression (Romano, Patterson, Candes 2019).

    ``max(lo(x) - y, y - hi(x))`` with ``lo``/``hi`` quantile regressors at
    ``alpha / 2`` and ``1 - alpha / 2`` (one pair per confidence level);
    interval ``[lo(x) - q, hi(x) + q]``.  The estimator is a quantile
    regressor (cloned and fitted at both levels), or with ``prefit=True`` a
    tuple ``(lower, upper)`` of fitted ones (a list of tuples, one per
    level, for several levels).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import CQRScore, SplitConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 1)); y = X[:, 0] + rng.normal(size=200)
    >>> scr = SplitConformalRegressor(conformity_score=CQRScore(), random_state=0)
    >>> scr.fit(X, y).predict_interval(X[:2])[1].shape
    (2, 2, 1)
    """

    name = "cqr"

    def _default_estimator(self):
        return QuantileRegressor(alpha=0.0, solver="highs")

    def _fit_models(self, estimator, X, y, levels, **fit_params):
        base = estimator if estimator is not None else self._default_estimator()
        if isinstance(base, (tuple, list)):
            raise ValueError(
                "estimator=(lower, upper) is only for prefit=True; give one quantile "
                "regressor to be fitted at both levels."
            )
        name = _quantile_param(base)
        pairs = []
        for level in levels:
            alpha = 1.0 - level
            lo = clone(base).set_params(**{name: alpha / 2})
            hi = clone(base).set_params(**{name: 1 - alpha / 2})
            pairs.append(
                (
                    _fit_estimator(lo, X, y, **fit_params),
                    _fit_estimator(hi, X, y, **fit_params),
                )
            )
        self.estimator_ = pairs[0] if len(pairs) == 1 else pairs
        self.pairs_ = pairs
        self.levels_ = levels
        return self

    def _set_prefit(self, estimator, levels):
        msg = (
            "conformity_score='cqr' with prefit=True needs estimator=(lower, upper): "
            "two fitted quantile regressors (a list of such pairs, one per "
            "confidence level, for several levels)."
        )
        if isinstance(estimator, tuple) and len(estimator) == 2:
            pairs = [estimator]
        elif isinstance(estimator, list) and all(
            isinstance(p, tuple) and len(p) == 2 for p in estimator
        ):
            pairs = list(estimator)
        else:
            raise ValueError(msg)
        if len(pairs) == 1 and len(levels) > 1:
            pairs = pairs * len(levels)
        if len(pairs) != len(levels):
            raise ValueError(msg + f" Got {len(pairs)} pairs for {len(levels)} levels.")
        pairs = [tuple(_check_prefitted(e) for e in p) for p in pairs]
        self.estimator_ = pairs[0] if len(pairs) == 1 else pairs
        self.pairs_ = pairs
        self.levels_ = levels
        return self

    def _pair(self, X, k):
        lo, hi = self.pairs_[k]
        a = np.asarray(lo.predict(X), dtype=np.float64).ravel()
        b = np.asarray(hi.predict(X), dtype=np.float64).ravel()
        return (
            _check_finite(a, "lower quantile predictions"),
            _check_finite(b, "upper quantile predictions"),
        )

    def predict(self, X):
        """Midpoint of the first level's quantile predictions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Midpoints of the lower and upper quantile predictions.
        """
        lo, hi = self._pair(X, 0)
        return 0.5 * (lo + hi)

    def _raw_scores(self, X, y):
        cols = []
        for k in range(len(self.pairs_)):
            lo, hi = self._pair(X, k)
            cols.append(np.maximum(lo - y, y - hi))
        return cols[0] if len(cols) == 1 else np.column_stack(cols)

    def _bounds(self, X, q_lo, q_hi, k):
        lo, hi = self._pair(X, k if len(self.pairs_) > 1 else 0)
        with np.errstate(invalid="ignore", over="ignore"):
            a, b = lo + q_lo, hi + q_hi
        return _empty_to_mid(a, b, 0.5 * (lo + hi))


def _take(X, idx):
    """Rows ``idx`` of ``X`` (a DataFrame stays a DataFrame)."""
    if is_pandas_df(X):
        return X.iloc[idx]
    return X[idx]


class BaseClassificationScore(_ScoreParams):
    """Base of the classification conformity scores.

    ``class_scores(P, u)`` gives the score of every class of every row from
    the class probabilities ``P`` (and, for randomised scores, one uniform
    ``u`` per row); the conformity score of a labelled row is its label's
    entry, and the set of a row at threshold ``q`` holds the classes with
    score ``<= q`` (so the label is in the set exactly when its score is at
    most the threshold, which is what the coverage guarantee needs).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import LACScore
    >>> LACScore().class_scores(np.array([[0.7, 0.2, 0.1]]))
    array([[0.3, 0.8, 0.9]])
    """

    name = None
    randomized = False

    def _uniforms(self, n, rng):
        if getattr(self, "randomized", False):
            return rng.uniform(size=n)
        return None

    def conformity_scores(self, P, y_idx, rng):
        """Compute the scores of the labels of rows with class probabilities.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_classes)
            Class probabilities.
        y_idx : ndarray of shape (n_samples,)
            Index of each row's label in the classes.
        rng : RandomState
            Source of the uniforms of randomised scores.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The label's score of every row.
        """
        S = self.class_scores(P, self._uniforms(P.shape[0], rng))
        return S[np.arange(P.shape[0]), y_idx]

    def sets(self, P, q, rng):
        """Build the prediction sets at per-row thresholds.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_classes)
            Class probabilities.
        q : float or array-like of shape (n_samples,)
            Thresholds in score units.
        rng : RandomState
            Source of the uniforms of randomised scores.

        Returns
        -------
        sets : ndarray of shape (n_samples, n_classes), dtype bool
            Membership of each class in each row's set.
        """
        S = self.membership_scores(P, self._uniforms(P.shape[0], rng))
        return S <= np.asarray(q, dtype=np.float64).reshape(-1, 1)

    def membership_scores(self, P, u=None):
        """Compute the scores compared with the threshold to build sets.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_classes)
            Class probabilities.
        u : ndarray of shape (n_samples,), default=None
            Uniforms of randomised scores (``None``: deterministic).

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes)
            Here the class scores.
        """
        return self.class_scores(P, u)


class LACScore(BaseClassificationScore):
    """Least ambiguous set-valued classifier: score ``1 - p_y(x)``.

    Sadinle, Lei, Wasserman (2019).

    MAPIE's ``"lac"``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.conformal import LACScore, SplitConformalClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> scc = SplitConformalClassifier(conformity_score=LACScore(), random_state=0)
    >>> scc.fit(X, y).predict_set(X[:2])[1].shape
    (2, 3, 1)
    """

    name = "lac"

    def class_scores(self, P, u=None):
        """Compute the score of every class: ``1 - P``.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_classes)
            Class probabilities.
        u : ndarray of shape (n_samples,), default=None
            Ignored (the score is deterministic).

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes)
            The score of each class.
        """
        return 1.0 - P


def _sorted_cumulative(P):
    """Per row: mass of the classes ranked strictly above each class, and its rank."""
    order = np.argsort(-P, axis=1, kind="stable")
    Ps = np.take_along_axis(P, order, axis=1)
    above_sorted = np.cumsum(Ps, axis=1) - Ps
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(P.shape[1])[None, :], axis=1)
    above = np.take_along_axis(above_sorted, rank, axis=1)
    return above, rank + 1  # 1-based rank


class APSScore(BaseClassificationScore):
    """Adaptive prediction sets (Romano, Sesia, Candes 2020).

    Classes sorted by decreasing probability; the score of class ``y`` is
    the probability mass of the classes ranked above it plus ``p_y``
    (non-randomised), or plus ``u * p_y`` with ``u ~ U(0, 1)`` drawn per row
    (randomised, exact coverage).  Sets are prefixes of the ranking: larger
    where the model is unsure.  Deterministic sets include the class whose
    cumulative mass crosses the threshold (MAPIE's
    ``include_last_label=True``), so they are never empty.

    Parameters
    ----------
    randomized : bool, default=False
        Randomised scores (coverage close to exactly the level, possibly
        empty sets) or deterministic ones (coverage at least the level).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.conformal import APSScore, SplitConformalClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> scc = SplitConformalClassifier(conformity_score=APSScore(), random_state=0)
    >>> scc.fit(X, y).predict_set(X[:2])[1].shape
    (2, 3, 1)
    """

    name = "aps"
    _param_names = ("randomized",)

    def __init__(self, *, randomized=False):
        self.randomized = randomized

    def _penalty(self, rank):
        return 0.0

    def class_scores(self, P, u=None):
        """Compute the cumulative-mass scores of every class.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_classes)
            Class probabilities.
        u : ndarray of shape (n_samples,), default=None
            Uniforms of the randomised score (``None``: deterministic).

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes)
            The score of each class (with the RAPS penalty for RAPS).
        """
        above, rank = _sorted_cumulative(P)
        own = P if u is None else np.asarray(u).reshape(-1, 1) * P
        return above + own + self._penalty(rank)

    def membership_scores(self, P, u=None):
        """Randomised: the scores; deterministic: the mass ranked above.

        A deterministic set keeps adding classes until the ranked mass
        reaches the threshold (the class crossing it included, so sets are
        never empty): a superset of ``{k : score_k <= q}``, hence coverage
        at least the level.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_classes)
            Class probabilities.
        u : ndarray of shape (n_samples,), default=None
            Uniforms of the randomised score (``None``: deterministic).

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes)
            The scores compared with the threshold.
        """
        if u is not None:
            return self.class_scores(P, u)
        above, rank = _sorted_cumulative(P)
        return above + self._penalty(rank)


class RAPSScore(APSScore):
    """Regularized adaptive prediction sets (Angelopoulos et al., ICLR 2021).

    The APS score plus ``lambda_ * max(0, rank(y) - k_reg)`` (rank 1-based):
    a penalty on classes ranked beyond ``k_reg`` that shrinks the sets where
    the tail of the probabilities is noisy.

    Parameters
    ----------
    lambda_ : float >= 0, default=0.01
        Weight of the rank penalty (``0`` is APS).
    k_reg : int >= 0, default=1
        Number of top classes without penalty.
    randomized : bool, default=False
        See :class:`APSScore`.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.conformal import RAPSScore, SplitConformalClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> scc = SplitConformalClassifier(conformity_score=RAPSScore(), random_state=0)
    >>> scc.fit(X, y).predict_set(X[:2])[1].shape
    (2, 3, 1)
    """

    name = "raps"
    _param_names = ("lambda_", "k_reg", "randomized")

    def __init__(self, *, lambda_=0.01, k_reg=1, randomized=False):
        self.lambda_ = lambda_
        self.k_reg = k_reg
        self.randomized = randomized

    def _penalty(self, rank):
        lam, k = self.lambda_, self.k_reg
        if not (isinstance(lam, numbers.Real) and lam >= 0 and math.isfinite(lam)):
            raise ValueError(
                f"RAPSScore lambda_ must be a finite float >= 0; got {lam!r}."
            )
        if not (isinstance(k, numbers.Integral) and k >= 0):
            raise ValueError(f"RAPSScore k_reg must be an int >= 0; got {k!r}.")
        return lam * np.maximum(rank - k, 0)


_REGRESSION_SCORES = {
    "absolute": AbsoluteScore,
    "gamma": GammaScore,
    "residual_normalized": ResidualNormalizedScore,
    "cqr": CQRScore,
}
_CLASSIFICATION_SCORES = {"lac": LACScore, "aps": APSScore, "raps": RAPSScore}


def check_regression_score(score):
    """A fresh regression score object from a name or a score object.

    Names: ``"absolute"``, ``"gamma"``, ``"residual_normalized"``, ``"cqr"``.
    """
    if isinstance(score, str):
        if score not in _REGRESSION_SCORES:
            raise ValueError(
                f"Unknown conformity_score {score!r} for regression; choose among "
                f"{sorted(_REGRESSION_SCORES)} or pass a BaseRegressionScore."
            )
        return _REGRESSION_SCORES[score]()
    if isinstance(score, BaseRegressionScore):
        return _fresh(score)
    raise TypeError(
        f"conformity_score must be a name or a BaseRegressionScore; got {score!r}."
    )


def check_classification_score(score):
    """A fresh classification score object from a name or a score object.

    Names: ``"lac"``, ``"aps"``, ``"raps"``.
    """
    if isinstance(score, str):
        if score not in _CLASSIFICATION_SCORES:
            raise ValueError(
                f"Unknown conformity_score {score!r} for classification; choose among "
                f"{sorted(_CLASSIFICATION_SCORES)} or pass a BaseClassificationScore."
            )
        return _CLASSIFICATION_SCORES[score]()
    if isinstance(score, BaseClassificationScore):
        return _fresh(score)
    raise TypeError(
        f"conformity_score must be a name or a BaseClassificationScore; got {score!r}."
    )


def _fresh(score):
    """A new score with the same parameters; nested estimators are not cloned
    (a prefit residual estimator must stay fitted; unfitted ones are cloned
    when fitted)."""
    return type(score)(**score.get_params())


def _warn_group_infinite(labels, counts, level, category):
    """One warning naming the groups whose calibration set is too small."""
    if len(labels):
        from ._base import n_calibration_required

        labels = np.asarray(labels).tolist()  # plain labels in the message
        desc = ", ".join(f"{g!r} ({c} rows)" for g, c in zip(labels[:10], counts[:10]))
        warnings.warn(
            f"Group(s) {desc} have too few calibration rows for confidence_level="
            f"{level}: split conformal needs at least "
            f"{n_calibration_required(level)} per group. Their intervals are "
            "infinite (sets hold every class).",
            category,
            stacklevel=external_stacklevel(),
        )
