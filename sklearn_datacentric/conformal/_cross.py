"""Cross-conformal prediction: CV+, jackknife+, jackknife+-after-bootstrap, JAWS.

Every training row is also a calibration row: the wrapped estimator is fitted
on the training part of each resample (a cross-validation fold, a leave-one-out
split or a bootstrap sample) and scored on the rows that resample left out.
For a test point the interval combines, over the training rows ``i``, the
prediction ``mu_{-i}(x)`` of the model(s) that did not see row ``i`` with the
out-of-fold residual ``R_i`` of that row (Barber, Candes, Ramdas, Tibshirani
2021; Kim, Xu, Barber 2020).  The weighted variants put likelihood-ratio
masses on the training rows (Prinster, Liu, Saria 2022), which keeps the
jackknife+ guarantee under covariate shift.

The quantile ranks, confidence levels, groups and classification scores
(LAC, APS, RAPS) are the shared ones of ``_base`` and ``_scores``; the
regression score is the absolute residual of the out-of-fold prediction.
"""

import numbers

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import ClassifierMixin, RegressorMixin, clone
from sklearn.model_selection import KFold
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    _check_method_params,
    _num_samples,
    check_is_fitted,
)

from ..utils._routing import routed_params
from ._base import (
    _SLACK,
    _BaseConformal,
    _conformal_quantile,
    _conformal_rank,
    _mondrian_reason,
    _take,
    _warn_infinite,
    _weighted_conformal_quantile,
)
from ._cross_kernels import (
    masked_row_medians,
    masked_row_medians_reference,
    merged_fold_quantiles,
)
from ._scores import check_classification_score, check_confidence_levels, check_groups
from ._weighted import _WeightedCalibration

__all__ = [
    "BootstrapSplit",
    "CrossConformalClassifier",
    "CrossConformalRegressor",
    "WeightedCrossConformalClassifier",
    "WeightedCrossConformalRegressor",
]

# number of (test row, training row) cells handled at once at predict time
_CHUNK_CELLS = 2_000_000
# (test rows x models x patterns) from which the median kernel pays for its
# first-call compilation
_KERNEL_CELLS = 20_000_000
# CV+ bounds by merging the folds' sorted residuals: at most this many
# distinct out-of-bag patterns, from this many (test x training) cells
_MERGE_MAX_PATTERNS = 64
_MERGE_CELLS = 2_000_000  # a cold process loads the cached kernel in ~0.6 s


# ----------------------------------------------------------------------------
# levels, ranks, quantiles
# ----------------------------------------------------------------------------
def _upper_rank_quantile(V, levels):
    """Per row of ``V`` (m, n): the ``ceil((n+1) level)``-th smallest value.

    ``+inf`` where that rank exceeds ``n``.  Returns (m, n_levels).  Row-wise
    :func:`~._base._conformal_quantile` (same rank), vectorised: the
    jackknife+ bounds have a different score vector per test row, and one
    ``np.partition`` over the (m, n) matrix avoids a Python loop over rows.
    """
    m, n = V.shape
    ks = [_conformal_rank(n, lv) for lv in levels]
    out = np.full((m, len(levels)), np.inf)
    finite = sorted({k - 1 for k in ks if k <= n})
    if finite and m:
        P = np.partition(V, finite, axis=1)
        for j, k in enumerate(ks):
            if k <= n:
                out[:, j] = P[:, k - 1]
    return out


def _weighted_upper_quantile(V, w_cal, w_test, levels):
    """Weighted counterpart of :func:`_upper_rank_quantile`.

    Row ``j``: the ``level`` quantile of the distribution putting mass
    ``w_cal[i] / (sum(w_cal) + w_test[j])`` on ``V[j, i]`` and the rest on
    ``+inf`` (Tibshirani et al. 2019; Prinster et al. 2022).  The arithmetic
    of :func:`~._base._weighted_conformal_quantile` (same slack), vectorised
    over rows whose scores differ (the jackknife+ values ``mu_{-i}(x) + R_i``
    depend on the test row), which a single sort of 1-D scores cannot serve.
    """
    m, n = V.shape
    out = np.full((m, len(levels)), np.inf)
    if n == 0 or m == 0:
        return out
    order = np.argsort(V, axis=1)  # ties: any order gives the same value
    Vs = np.take_along_axis(V, order, axis=1)
    cum = np.cumsum(w_cal[order], axis=1)
    total = cum[:, -1] + w_test
    rows = np.arange(m)
    for j, lv in enumerate(levels):
        need = lv * total * (1.0 - _SLACK)
        hit = cum >= need[:, None]
        idx = hit.argmax(axis=1)
        ok = hit[rows, idx] & (total > 0)
        out[ok, j] = Vs[rows[ok], idx[ok]]
    return out


def _residual_quantile(R, levels, m, w_cal=None, w_test=None):
    """Threshold on the scores ``R`` for ``m`` test rows: (m, n_levels)."""
    if w_cal is None:
        q = np.array([_conformal_quantile(R, lv) for lv in levels], dtype=np.float64)
        return np.broadcast_to(q, (m, len(levels)))
    return np.column_stack(
        [_weighted_conformal_quantile(R, w_cal, w_test, lv) for lv in levels]
    )


def _upper_quantile(V, levels, w_cal=None, w_test=None):
    if w_cal is None:
        return _upper_rank_quantile(V, levels)
    return _weighted_upper_quantile(V, w_cal, w_test, levels)


# ----------------------------------------------------------------------------
# resampling
# ----------------------------------------------------------------------------
class BootstrapSplit:
    """Bootstrap resamples for jackknife+-after-bootstrap.

    Each split draws ``n_samples`` row indices with replacement (the training
    sample, repeats kept) and leaves out the rows never drawn (the
    out-of-bag rows).  Pass it as ``cv=`` to :class:`CrossConformalRegressor`
    to get the jackknife+-after-bootstrap of Kim, Xu and Barber (2020).

    Parameters
    ----------
    n_resamplings : int, default=30
        Number of bootstrap samples ``B``.
    n_samples : int or None, default=None
        Size of each bootstrap sample; None: the number of rows.
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws; pass an int for reproducible output.

    Notes
    -----
    The paper draws ``B`` itself from a binomial distribution for its exact
    finite-sample guarantee; a fixed ``B`` (as here and in MAPIE) is the
    common practice.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import BootstrapSplit
    >>> tr, oob = next(BootstrapSplit(n_resamplings=1, random_state=0).split(
    ...     np.zeros((5, 1))))
    >>> len(tr)
    5
    """

    def __init__(self, n_resamplings=30, *, n_samples=None, random_state=None):
        self.n_resamplings = n_resamplings
        self.n_samples = n_samples
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of bootstrap samples.

        Parameters
        ----------
        X, y, groups : object, default=None
            Ignored (the splitter API).

        Returns
        -------
        n_splits : int
            ``n_resamplings``.
        """
        return self.n_resamplings

    def split(self, X, y=None, groups=None):
        """Yield ``(bootstrap indices, out-of-bag indices)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y, groups : ignored
            Ignored.

        Yields
        ------
        train : ndarray of int (with repeats)
            Indices of the bootstrap sample.
        test : ndarray of int (sorted, the rows not drawn)
            Indices of the out-of-bag rows.
        """
        n = len(X)
        B = self.n_resamplings
        if not isinstance(B, numbers.Integral) or B < 1:
            raise ValueError(f"n_resamplings must be an int >= 1; got {B!r}.")
        size = n if self.n_samples is None else self.n_samples
        if not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(f"n_samples must be an int >= 1; got {size!r}.")
        rng = check_random_state(self.random_state)
        for _ in range(B):
            train = rng.randint(0, n, size=size)
            drawn = np.zeros(n, dtype=bool)
            drawn[train] = True
            yield train, np.flatnonzero(~drawn)

    def __repr__(self):
        return (
            f"BootstrapSplit(n_resamplings={self.n_resamplings}, "
            f"n_samples={self.n_samples}, random_state={self.random_state})"
        )


def _fit_one(estimator, X, y, train, test, params, predict_method):
    est = clone(estimator).fit(_take(X, train), y[train], **params)
    if len(test):
        pred = getattr(est, predict_method)(_take(X, test))
    else:
        pred = None
    return est, pred


# ----------------------------------------------------------------------------
# the common base
# ----------------------------------------------------------------------------
class _BaseCrossConformal(_BaseConformal):
    """Resampling, out-of-bag bookkeeping, Mondrian groups, levels."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "confidence_level": [
            Interval(numbers.Real, 0, 1, closed="neither"),
            "array-like",
        ],
        "cv": [
            Interval(numbers.Integral, 2, None, closed="left"),
            HasMethods(["split"]),
        ],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }
    # read by _BaseConformal._validate_fit_input: no prefit model, and the
    # source rows are split (by cv), so at least 2 are needed
    prefit = False
    calibration_size = "cv"
    _weighted = False
    _predict_method = "predict"

    # -- fit ------------------------------------------------------------------
    def _cv_splits(self, n, X, y):
        cv = self.cv
        if isinstance(cv, numbers.Integral):
            if cv > n:
                raise ValueError(f"cv={cv} folds but only {n} source samples.")
            seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
            cv = KFold(n_splits=cv, shuffle=True, random_state=seed)
        splits = [
            (np.asarray(tr, dtype=np.intp), np.asarray(te, dtype=np.intp))
            for tr, te in cv.split(X, y)
        ]
        if not splits:
            raise ValueError(f"cv={self.cv!r} produced no split.")
        return splits

    def _fit_cross(self, X, y, X_target, sample_domain, groups, fit_params):
        self._validate_params()
        self.levels_ = check_confidence_levels(self.confidence_level)
        params = routed_params(self, "fit", fit_params)
        Xs, Xs_v, ys, Xt, Xt_v, rows, _ = self._validate_fit_input(
            X, y, X_target, sample_domain
        )
        n = Xs_v.shape[0]
        self.groups_ = None
        if groups is not None:
            self.groups_ = check_groups(groups, _num_samples(X))[rows]
            self.group_labels_ = np.unique(self.groups_)
        if self._is_classifier:
            self.classes_ = np.unique(ys)
        y_fit = ys
        splits = self._cv_splits(n, Xs_v, y_fit)
        base = (
            self.estimator if self.estimator is not None else self._default_estimator()
        )
        jobs = []
        for tr, te in splits:
            p = _check_method_params(X, params, rows[tr]) if params else {}
            jobs.append(
                delayed(_fit_one)(base, Xs, y_fit, tr, te, p, self._predict_method)
            )
        out = Parallel(n_jobs=self.n_jobs)(jobs)
        self.estimators_ = [est for est, _ in out]
        B = len(splits)
        oob = np.zeros((n, B), dtype=bool)
        for b, (_, te) in enumerate(splits):
            oob[te, b] = True
        counts = oob.sum(axis=1)
        if np.any(counts == 0):
            raise ValueError(
                f"{int(np.sum(counts == 0))} of {n} training rows are in every "
                f"training part of cv={self.cv!r} (never left out), so they have "
                "no out-of-fold prediction; use more resamplings or a "
                "cross-validation splitter that leaves every row out once."
            )
        # rows sharing the same set of held-out models share mu_{-i}(x)
        if np.all(counts == 1):  # a partition: the pattern is the fold
            fold = np.argmax(oob, axis=1)
            used = np.unique(fold)
            self.oob_patterns_ = np.eye(B, dtype=bool)[used]
            self.pattern_of_ = np.searchsorted(used, fold)
        else:
            pats, inv = np.unique(oob, axis=0, return_inverse=True)
            self.oob_patterns_, self.pattern_of_ = pats, inv.ravel()
        self.n_calibration_ = n
        self._oob_predictions = [pred for _, pred in out]
        self._splits_test = [te for _, te in splits]
        self._full_fit_params = _check_method_params(X, params, rows) if params else {}
        self._after_fit(Xs, Xs_v, ys, Xt, Xt_v, rows)
        del self._oob_predictions, self._splits_test, self._full_fit_params
        if self._weighted:
            _WeightedCalibration._calibrate(
                self, None, None, Xs_v, None, Xs_v, None, Xt_v, None
            )
        return self

    def _model_outputs(self, Xe):
        """Outputs of every resample model on ``Xe``: list of arrays."""
        return [
            np.asarray(getattr(est, self._predict_method)(Xe), dtype=np.float64)
            for est in self.estimators_
        ]

    # -- predict helpers ------------------------------------------------------
    def _check_groups_predict(self, groups, m):
        if self.groups_ is None:
            if groups is not None:
                raise ValueError(
                    "groups given at predict but the estimator was fitted without "
                    "groups."
                )
            return None
        if groups is None:
            raise ValueError(
                "The estimator was fitted with groups (Mondrian calibration); pass "
                "groups= at predict too."
            )
        g = check_groups(groups, m)
        unseen = np.setdiff1d(np.unique(g), self.group_labels_)
        if unseen.size:
            raise ValueError(
                f"groups {unseen[:5].tolist()} at predict were not seen at fit "
                f"(known groups: {self.group_labels_[:10].tolist()})."
            )
        return g

    def _blocks(self, m, groups, chunk=True):
        """Yield ``(test rows, training rows)`` blocks (Mondrian: per group).

        With ``chunk``, the test rows of a block come in chunks of about
        ``_CHUNK_CELLS`` (test x training) cells.
        """
        n = self.n_calibration_
        if groups is None:
            blocks = [(np.arange(m), np.arange(n))]
        else:
            blocks = [
                (np.flatnonzero(groups == lab), np.flatnonzero(self.groups_ == lab))
                for lab in np.unique(groups)
            ]
        for te, tr in blocks:
            step = max(1, _CHUNK_CELLS // max(len(tr), 1)) if chunk else len(te)
            for s in range(0, len(te), step):
                yield te[s : s + step], tr

    def _test_weights(self, X_v):
        if not self._weighted:
            return None
        return self._weights(X_v)

    def _warn(self, infinite, what, groups=None):
        """One :class:`InfiniteIntervalWarning` per level with infinite rows.

        ``infinite`` is (m, n_levels); under Mondrian calibration the warning
        names the groups concerned and their training rows (as the split
        estimators do).
        """
        levels = self.levels_
        for k in range(levels.shape[0]):
            rows = infinite[:, k]
            if not rows.any():
                continue
            if groups is not None:
                labels = np.unique(groups[rows]).tolist()
                counts = [int(np.sum(self.groups_ == lab)) for lab in labels]
                reason = _mondrian_reason(labels, counts, levels[k], "cross-conformal")
            else:
                reason = (
                    f"too few training rows for confidence_level={levels[k]:g} "
                    "(the rank ceil((n + 1) * level) exceeds n"
                    + (
                        ", or the test point's likelihood-ratio weight carries "
                        "more than 1 - level of the mass)."
                        if self._weighted
                        else ")."
                    )
                )
            _warn_infinite(
                int(rows.sum()),
                infinite.shape[0],
                self.n_calibration_,
                levels[k] if levels.shape[0] > 1 else self.confidence_level,
                what=what,
                reason=reason,
            )


# ----------------------------------------------------------------------------
# regression
# ----------------------------------------------------------------------------
class _CrossRegressorMixin:
    """CV+ / jackknife+ / after-bootstrap intervals for regression."""

    def _after_fit(self, Xs, Xs_v, ys, Xt, Xt_v, rows):
        n, B = self.n_calibration_, len(self.estimators_)
        P = np.full((n, B), np.nan)
        for b, (te, pred) in enumerate(zip(self._splits_test, self._oob_predictions)):
            if pred is not None:
                P[te, b] = np.asarray(pred, dtype=np.float64).ravel()
        oof = self._aggregate(P)
        if not np.all(np.isfinite(oof)):
            raise ValueError("The wrapped estimator returned non-finite predictions.")
        self.oof_predictions_ = oof
        self.conformity_scores_ = np.abs(ys - oof)  # the absolute score
        if self.method == "base":
            self.estimator_ = clone(
                self.estimator
                if self.estimator is not None
                else self._default_estimator()
            ).fit(Xs, ys, **self._full_fit_params)

    def _aggregate(self, P):
        """Mean or median over the non-NaN columns of each row."""
        if self.aggregation_method == "median":
            return np.nanmedian(P, axis=1)
        return np.nanmean(P, axis=1)

    def _pattern_predictions(self, Xe):
        """``mu`` per out-of-bag pattern: (m, n_patterns)."""
        M = np.column_stack([p.ravel() for p in self._model_outputs(Xe)])
        pats = self.oob_patterns_
        if np.all(pats.sum(axis=1) == 1):  # a partition: one model per pattern
            return M[:, np.argmax(pats, axis=1)]
        if self.aggregation_method == "mean":
            Wt = pats / pats.sum(axis=1, keepdims=True)
            return M @ Wt.T
        if M.size * pats.shape[0] < _KERNEL_CELLS:
            return masked_row_medians_reference(M, pats)
        return masked_row_medians(np.ascontiguousarray(M), pats)

    def _point(self, mu_pat):
        counts = np.bincount(self.pattern_of_, minlength=mu_pat.shape[1])
        if self.aggregation_method == "mean":
            return mu_pat @ (counts / counts.sum())
        return np.median(np.repeat(mu_pat, counts, axis=1), axis=1)

    def _plus_bounds(self, mu_te, tr, levels, wc, wt, merge):
        """Jackknife+ bounds of the test rows ``mu_te`` over training rows ``tr``."""
        R, pat = self.conformity_scores_[tr], self.pattern_of_[tr]
        n_pat = mu_te.shape[1]
        if merge:
            # mu is constant over the rows of a pattern (a fold): merge the
            # patterns' sorted residuals instead of sorting (m, n) values
            order = np.lexsort((R, pat))
            offsets = np.zeros(n_pat + 1, dtype=np.int64)
            offsets[1:] = np.cumsum(np.bincount(pat, minlength=n_pat))
            w = np.ones(len(tr)) if wc is None else wc[order]
            w_te = np.ones(mu_te.shape[0]) if wt is None else wt
            lv_order = np.argsort(-levels)
            lv = np.ascontiguousarray(levels[lv_order])
            args = (R[order], w, offsets)
            hi = merged_fold_quantiles(*args, np.ascontiguousarray(mu_te), w_te, lv)
            lo = -merged_fold_quantiles(*args, np.ascontiguousarray(-mu_te), w_te, lv)
            inv = np.argsort(lv_order)
            return lo[:, inv], hi[:, inv]
        mu = mu_te[:, pat]
        hi = _upper_quantile(mu + R, levels, wc, wt)
        lo = -_upper_quantile(-(mu - R), levels, wc, wt)
        return lo, hi

    def predict(self, X):
        """Point prediction.

        ``method="base"``: the model fitted on all rows; otherwise the
        ``aggregation_method`` (mean or median) over the training rows ``i``
        of ``mu_{-i}(x)`` (MAPIE's default ``aggregate_point_predictions``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point predictions.
        """
        check_is_fitted(self, "conformity_scores_")
        Xe, _ = self._check_X(X)
        if self.method == "base":
            return np.asarray(self.estimator_.predict(Xe), dtype=np.float64).ravel()
        return self._point(self._pattern_predictions(Xe))

    def predict_interval(self, X, groups=None):
        """Point predictions and intervals at every confidence level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        groups : array-like of shape (n_samples,), default=None
            Group of each test row; required when fitted with ``groups``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point predictions.
        y_pis : ndarray of shape (n_samples, 2, n_levels)
            ``y_pis[:, 0, j]`` lower and ``y_pis[:, 1, j]`` upper bounds at
            ``confidence_level[j]``; infinite (with an
            :class:`InfiniteIntervalWarning`) where no finite bound is valid.
        """
        check_is_fitted(self, "conformity_scores_")
        Xe, Xv = self._check_X(X)
        m = Xv.shape[0]
        g = self._check_groups_predict(groups, m)
        w_test = self._test_weights(Xv)
        levels = self.levels_
        R = self.conformity_scores_
        w_cal = self.calibration_weights_ if self._weighted else None
        if self.method == "base":
            y_pred = self.predict(X)
            lo_c, hi_c = y_pred, y_pred
        else:
            mu_pat = self._pattern_predictions(Xe)
            y_pred = self._point(mu_pat)
        y_pis = np.empty((m, 2, len(levels)))
        # the fold-merging kernel: few out-of-bag patterns and enough work to
        # pay for loading it; it needs no chunking
        merge = (
            self.method == "plus"
            and self.oob_patterns_.shape[0] <= _MERGE_MAX_PATTERNS
            and m * self.n_calibration_ >= _MERGE_CELLS
        )
        for te, tr in self._blocks(m, g, chunk=not merge):
            wc = None if w_cal is None else w_cal[tr]
            wt = None if w_test is None else w_test[te]
            if self.method == "plus":
                lo, hi = self._plus_bounds(mu_pat[te], tr, levels, wc, wt, merge)
            else:
                q = _residual_quantile(R[tr], levels, len(te), wc, wt)
                if self.method == "minmax":
                    sub = mu_pat[np.ix_(te, np.unique(self.pattern_of_[tr]))]
                    lo = sub.min(axis=1)[:, None] - q
                    hi = sub.max(axis=1)[:, None] + q
                else:
                    lo = lo_c[te][:, None] - q
                    hi = hi_c[te][:, None] + q
            y_pis[te, 0, :] = lo
            y_pis[te, 1, :] = hi
        self._warn(np.any(~np.isfinite(y_pis), axis=1), "intervals", g)
        return y_pred, y_pis


_REG_CONSTRAINTS = {
    **_BaseCrossConformal._parameter_constraints,
    "conformity_score": [StrOptions({"absolute"})],
    "method": [StrOptions({"plus", "minmax", "base"})],
    "aggregation_method": [StrOptions({"mean", "median"})],
}


class CrossConformalRegressor(
    _CrossRegressorMixin, RegressorMixin, _BaseCrossConformal
):
    """CV+, jackknife+ and jackknife+-after-bootstrap prediction intervals.

    The wrapped regressor is fitted on the training part of every split of
    ``cv``; each row ``i`` gets the out-of-fold residual
    ``R_i = |y_i - mu_{-i}(X_i)|`` from the model(s) that left it out.  With
    ``method="plus"`` the interval at level ``1 - alpha`` is
    ``[q^-_alpha{mu_{-i}(x) - R_i}, q^+_{1-alpha}{mu_{-i}(x) + R_i}]``, the
    ``floor(alpha (n+1))``-th smallest and ``ceil((1-alpha)(n+1))``-th
    smallest values over the ``n`` training rows (Barber et al. 2021):

    * ``cv=KFold(K)`` (or an int): CV+, coverage at least
      ``1 - 2 alpha - sqrt(2 / n)`` (at least ``1 - 2 alpha - 2 (1 - 1/K) /
      (n/K + 1)``), close to ``1 - alpha`` in practice;
    * ``cv=LeaveOneOut()``: jackknife+, coverage at least ``1 - 2 alpha``;
    * ``cv=BootstrapSplit(B)``: jackknife+-after-bootstrap (Kim, Xu, Barber
      2020): ``mu_{-i}`` aggregates (``aggregation_method``) the bootstrap
      models whose sample does not contain row ``i``.

    ``method="minmax"`` uses ``[min_i mu_{-i}(x) - q, max_i mu_{-i}(x) + q]``
    (coverage at least ``1 - alpha``), ``method="base"`` the model fitted on
    all rows ``+- q``, with ``q`` the ``ceil((1-alpha)(n+1))``-th smallest
    residual (no guarantee in general).

    Parameters
    ----------
    estimator : regressor or None, default=None
        ``None`` uses :class:`~sklearn.linear_model.LinearRegression`.
    confidence_level : float in (0, 1) or list of floats, default=0.9
        Target coverage level(s), each in (0, 1); one output per level, in the order
        given.
    conformity_score : {"absolute"}, default="absolute"
        Conformity score (only the name listed).
    method : {"plus", "minmax", "base"}, default="plus"
        How the interval is formed from the out-of-fold models (see above).
    cv : int or splitter, default=5
        An int ``K`` is a shuffled ``KFold(K)`` seeded from ``random_state``
        (as MAPIE does); any object with ``split(X, y)`` yielding
        ``(train, held_out)`` index arrays is used as given (``LeaveOneOut``,
        ``KFold``, :class:`BootstrapSplit`, MAPIE's ``Subsample``).  Every
        row must be held out at least once.
    aggregation_method : {"mean", "median"}, default="mean"
        How the models that left a row out are combined (when there are
        several, as with bootstrap resamples), and how ``mu_{-i}(x)`` is
        aggregated over ``i`` into the point prediction.
    n_jobs : int or None, default=None
        Splits fitted in parallel with joblib.
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws; pass an int for reproducible output.

    Attributes
    ----------
    estimators_ : list of regressors
        One per split.
    estimator_ : regressor
        The model fitted on all rows (``method="base"`` only).
    conformity_scores_ : ndarray of shape (n_samples,)
        Out-of-fold absolute residuals.
    oof_predictions_ : ndarray of shape (n_samples,)
    levels_ : ndarray of shape (n_levels,)
    groups_ : ndarray or None
        Mondrian group of each training row.
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Notes
    -----
    With ``groups=`` at fit and predict the aggregation runs over the
    training rows of the test point's group only (Mondrian, group-conditional
    cross-conformal); a group with too few rows gets infinite bounds and an
    :class:`InfiniteIntervalWarning`.

    References
    ----------
    .. [1] R. F. Barber, E. J. Candes, A. Ramdas, R. J. Tibshirani.
       "Predictive inference with the jackknife+", Annals of Statistics 2021.
    .. [2] B. Kim, C. Xu, R. F. Barber. "Predictive inference is free with
       the jackknife+-after-bootstrap", NeurIPS 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import CrossConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = X.sum(axis=1) + rng.normal(size=200)
    >>> ccr = CrossConformalRegressor(confidence_level=[0.8, 0.9], random_state=0)
    >>> y_pred, y_pis = ccr.fit(X, y).predict_interval(X[:3])
    >>> y_pis.shape
    (3, 2, 2)
    """

    _parameter_constraints = _REG_CONSTRAINTS

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        conformity_score="absolute",
        method="plus",
        cv=5,
        aggregation_method="mean",
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.conformity_score = conformity_score
        self.method = method
        self.cv = cv
        self.aggregation_method = aggregation_method
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X, y, groups=None, **fit_params):
        """Fit one model per split and compute the out-of-fold residuals.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Target values, one per row of ``X``.
        groups : array-like of shape (n_samples,), default=None
            Mondrian groups: intervals are calibrated within each group.
        **fit_params : dict
            Passed to ``estimator.fit`` (per-row values restricted to each
            split's training rows).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit_cross(X, y, None, None, groups, fit_params)


class _WeightedCrossMixin:
    """The likelihood-ratio path of the weighted split estimators, reused."""

    _weighted = True
    _weights = _WeightedCalibration._weights
    _unweighted_method = "cross-conformal"

    def fit(self, X, y, X_target=None, sample_domain=None, groups=None, **fit_params):
        """Fit the split models, the residuals and the likelihood ratio.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Source rows (and, with ``sample_domain``, the target rows).
        y : array-like of shape (n_samples,)
            Target values, one per row of ``X``.
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target sample.
        sample_domain : array-like of shape (n_samples,), default=None
            Domain labels in skada's layout: negative values mark target rows of ``X``.
        groups : array-like of shape (n_samples,), default=None
            Mondrian groups (weighted Mondrian calibration).
        **fit_params : dict
            Passed to ``estimator.fit``.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit_cross(X, y, X_target, sample_domain, groups, fit_params)


_SHIFT_CONSTRAINTS = {
    "weighting": [HasMethods(["fit", "predict_weights"]), callable, None],
}


class WeightedCrossConformalRegressor(_WeightedCrossMixin, CrossConformalRegressor):
    """Weighted CV+ / jackknife+ under covariate shift (JAW, JAWS-CV).

    The jackknife+ weighted with likelihood ratios (Prinster, Liu, Saria
    2022): the training rows carry masses
    ``p_i(x) = w(X_i) / (sum_j w(X_j) + w(x))`` and the test point
    ``p_{n+1}(x) = w(x) / (...)`` on ``+-inf``; the bounds are the weighted
    ``alpha`` quantile of ``{mu_{-i}(x) - R_i}`` and ``1 - alpha`` quantile of
    ``{mu_{-i}(x) + R_i}``.  With the true ratio ``w = dP_target/dP_source``
    the jackknife+ guarantee (``1 - 2 alpha``) holds for a target point.
    ``cv=LeaveOneOut()`` is JAW; ``cv=K`` its cross-validation variant;
    ``method="minmax"``/``"base"`` use the weighted quantile of the residuals
    (Tibshirani et al. 2019).

    Parameters
    ----------
    estimator : regressor or None, default=None
        The wrapped model; ``None`` uses the default one.
    confidence_level : float in (0, 1) or list of floats, default=0.9
        Target coverage level(s), each in (0, 1); one output per level, in the order
        given.
    weighting : weighter, callable or None, default=None
        As in :class:`WeightedConformalRegressor`: ``None`` fits a
        :class:`~sklearn_datacentric.covariate_shift.DiscriminativeDensityRatio`
        on the source rows against the target sample, a weighter is cloned
        and fitted the same way, a callable ``w(X)`` is the known ratio.
    conformity_score : {"absolute"}, default="absolute"
        Conformity score (only the name listed).
    method : {"plus", "minmax", "base"}, default="plus"
        How the interval is formed from the out-of-fold models (see above).
    cv : int or splitter, default=5
        Number of cross-validation folds or a splitter.
    aggregation_method : {"mean", "median"}, default="mean"
        How several models that left a row out are combined (see above).
    n_jobs : int or None, default=None
        Number of joblib jobs fitting the splits in parallel (``None``: 1).
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws; pass an int for reproducible output.

    Attributes
    ----------
    estimators_ : list of regressors
    weighter_ : fitted weighter, callable or None
    calibration_weights_ : ndarray of shape (n_samples,)
        ``w(X_i)`` at the (source) training rows.
    conformity_scores_ : ndarray of shape (n_samples,)
    levels_ : ndarray of shape (n_levels,)
    groups_ : ndarray or None
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] D. Prinster, A. Liu, S. Saria. "JAWS: Auditing predictive
       uncertainty under covariate shift", NeurIPS 2022.
    .. [2] R. F. Barber, E. J. Candes, A. Ramdas, R. J. Tibshirani.
       "Predictive inference with the jackknife+", Annals of Statistics 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.conformal import WeightedCrossConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 1)); y = X[:, 0] + rng.normal(size=300)
    >>> Xt = rng.normal(0.5, 1.0, size=(100, 1))
    >>> wcr = WeightedCrossConformalRegressor(
    ...     weighting=lambda Z: np.exp(0.5 * Z[:, 0]), random_state=0)
    >>> wcr.fit(X, y, X_target=Xt).predict_interval(Xt[:2])[1].shape
    (2, 2, 1)
    """

    _parameter_constraints = {**_REG_CONSTRAINTS, **_SHIFT_CONSTRAINTS}

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        weighting=None,
        conformity_score="absolute",
        method="plus",
        cv=5,
        aggregation_method="mean",
        n_jobs=None,
        random_state=None,
    ):
        super().__init__(
            estimator,
            confidence_level=confidence_level,
            conformity_score=conformity_score,
            method=method,
            cv=cv,
            aggregation_method=aggregation_method,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.weighting = weighting


# ----------------------------------------------------------------------------
# classification
# ----------------------------------------------------------------------------
class _CrossClassifierMixin:
    """Cross-conformal prediction sets with the shared classification scores."""

    _predict_method = "predict_proba"

    def _full_proba(self, est, P):
        """Probabilities over ``classes_`` (a fold may miss a class)."""
        P = np.asarray(P, dtype=np.float64)
        cls = np.asarray(est.classes_)
        if len(cls) == len(self.classes_) and np.all(cls == self.classes_):
            return P
        out = np.zeros((P.shape[0], len(self.classes_)))
        out[:, np.searchsorted(self.classes_, cls)] = P
        return out

    def _after_fit(self, Xs, Xs_v, ys, Xt, Xt_v, rows):
        if not np.all(self.oob_patterns_.sum(axis=1) == 1):
            raise ValueError(
                "Cross-conformal classification needs a cv that holds out every "
                "row exactly once (KFold, StratifiedKFold, LeaveOneOut)."
            )
        if not hasattr(self.estimators_[0], "predict_proba"):
            raise TypeError(
                f"{type(self.estimators_[0]).__name__} has no predict_proba; "
                "conformal classification needs class probabilities."
            )
        y_idx = self._encode_labels(ys)
        self.fold_of_ = np.argmax(self.oob_patterns_, axis=1)[self.pattern_of_]
        self.score_ = check_classification_score(self.conformity_score)
        rng = check_random_state(self.random_state)
        n = self.n_calibration_
        scores = np.empty(n)
        for b, (te, pred) in enumerate(zip(self._splits_test, self._oob_predictions)):
            if pred is None:
                continue
            P = self._full_proba(self.estimators_[b], pred)
            scores[te] = self.score_.conformity_scores(P, y_idx[te], rng)
        # randomised scores: the uniforms of predict_set come from this seed,
        # so repeated calls give the same sets
        self._set_seed = int(rng.randint(np.iinfo(np.int32).max))
        if not np.all(np.isfinite(scores)):
            raise ValueError("predict_proba returned NaN or infinite values.")
        self.conformity_scores_ = scores

    def _fold_probas(self, Xe):
        return np.stack(
            [
                self._full_proba(est, P)
                for est, P in zip(self.estimators_, self._model_outputs(Xe))
            ]
        )  # (B, m, n_classes)

    def predict_proba(self, X):
        """Mean of the fold models' class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities.
        """
        check_is_fitted(self, "conformity_scores_")
        Xe, _ = self._check_X(X)
        return self._fold_probas(Xe).mean(axis=0)

    def predict(self, X):
        """Class of highest mean probability over the fold models.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point predictions.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_set(self, X, groups=None):
        """Predicted classes and prediction sets at every confidence level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        groups : array-like of shape (n_samples,), default=None
            Group of each test row; required when fitted with ``groups``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point predictions.
        y_pss : ndarray of shape (n_samples, n_classes, n_levels), dtype bool
            ``y_pss[i, k, j]``: class ``classes_[k]`` is in the set of row
            ``i`` at ``confidence_level[j]``.
        """
        check_is_fitted(self, "conformity_scores_")
        Xe, Xv = self._check_X(X)
        m = Xv.shape[0]
        g = self._check_groups_predict(groups, m)
        w_test = self._test_weights(Xv)
        w_cal = self.calibration_weights_ if self._weighted else None
        levels = self.levels_
        Pk = self._fold_probas(Xe)
        Pbar = Pk.mean(axis=0)
        y_pred = self.classes_[np.argmax(Pbar, axis=1)]
        R = self.conformity_scores_
        K = len(self.classes_)
        score = self.score_
        u = score._uniforms(m, check_random_state(self._set_seed))
        y_pss = np.zeros((m, K, len(levels)), dtype=bool)
        infinite = np.zeros((m, len(levels)), dtype=bool)
        for te, tr in self._blocks(m, g):
            wc = np.ones(len(tr)) if w_cal is None else w_cal[tr]
            wt = np.ones(len(te)) if w_test is None else w_test[te]
            u_te = None if u is None else u[te]
            if self.agg_scores == "mean":
                q = _residual_quantile(
                    R[tr], levels, len(te), None if w_cal is None else wc, wt
                )
                infinite[te] = np.isinf(q)
                S = score.membership_scores(Pbar[te], u_te)
                y_pss[te] = S[:, :, None] <= q[:, None, :]
            else:  # "crossval": Romano, Sesia, Candes (2020), CV+ sets
                total = wc.sum() + wt  # (len(te),)
                # weighted count of training rows whose residual is below the
                # test score computed by the same fold's model
                below = np.zeros((len(te), K))
                folds = self.fold_of_[tr]
                for b in np.unique(folds):
                    in_b = folds == b
                    order = np.argsort(R[tr][in_b])
                    Rs = R[tr][in_b][order]
                    cw = np.concatenate([[0.0], np.cumsum(wc[in_b][order])])
                    S = score.membership_scores(Pk[b][te], u_te)  # (len(te), K)
                    below += cw[np.searchsorted(Rs, S, side="left")]
                for j, lv in enumerate(levels):
                    y_pss[te, :, j] = below < lv * total[:, None] * (1.0 - _SLACK)
                    infinite[te, j] = lv * total * (1.0 - _SLACK) > wc.sum()
        self._warn(infinite, "sets", g)
        return y_pred, y_pss


_CLF_CONSTRAINTS = {
    **_BaseCrossConformal._parameter_constraints,
    "estimator": [HasMethods(["fit", "predict_proba"]), None],
    # the shared score objects compute the scores and sets; "aps"/"raps" are
    # not offered yet: MAPIE 1.6 calibrates cross APS with randomised scores,
    # so its sets differ from the deterministic ones and no parity test holds
    "conformity_score": [StrOptions({"lac"})],
    "agg_scores": [StrOptions({"mean", "crossval"})],
}


class CrossConformalClassifier(
    _CrossClassifierMixin, ClassifierMixin, _BaseCrossConformal
):
    """Cross-conformal prediction sets (LAC score, out-of-fold calibration).

    The classifier is fitted on the training part of every fold of ``cv``;
    every row gets the out-of-fold score ``R_i = 1 - p^{k(i)}_{y_i}(X_i)`` of
    the model ``k(i)`` that left it out.  Two ways to form a set:

    * ``agg_scores="mean"`` (MAPIE's default): the class probabilities of the
      fold models are averaged and the set is ``{y : 1 - pbar_y(x) <= q}``
      with ``q`` the ``ceil((n+1)(1-alpha))``-th smallest ``R_i``;
    * ``agg_scores="crossval"``: the CV+ set of Romano, Sesia and Candes
      (2020), ``{y : #{i : R_i < 1 - p^{k(i)}_y(x)} < (1 - alpha)(n + 1)}``,
      which compares each training row with the test score of the same
      fold model and has the jackknife+ guarantee ``1 - 2 alpha``.

    Parameters
    ----------
    estimator : classifier with predict_proba or None, default=None
        ``None`` uses :class:`~sklearn.linear_model.LogisticRegression`.
    confidence_level : float in (0, 1) or list of floats, default=0.9
        Target coverage level(s), each in (0, 1); one output per level, in the order
        given.
    conformity_score : {"lac"}, default="lac"
        Conformity score (only the name listed).
    cv : int or splitter, default=5
        An int is a shuffled ``KFold``; a splitter must hold every row out
        exactly once.
    agg_scores : {"mean", "crossval"}, default="mean"
        How the set is formed (see above).
    n_jobs : int or None, default=None
        Number of joblib jobs fitting the splits in parallel (``None``: 1).
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws; pass an int for reproducible output.

    Attributes
    ----------
    estimators_ : list of classifiers
    classes_ : ndarray of shape (n_classes,)
    conformity_scores_ : ndarray of shape (n_samples,)
    fold_of_ : ndarray of shape (n_samples,)
        Index of the model that held out each row.
    levels_ : ndarray of shape (n_levels,)
    groups_ : ndarray or None
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Notes
    -----
    MAPIE's ``"crossval"`` includes a label when at least ``alpha (n - 1)``
    training scores are at or above the test score; the rule here is the
    paper's, which can include a label MAPIE's leaves out by one rank.

    References
    ----------
    .. [1] Y. Romano, M. Sesia, E. Candes. "Classification with valid and
       adaptive coverage", NeurIPS 2020.
    .. [2] M. Sadinle, J. Lei, L. Wasserman. "Least ambiguous set-valued
       classifiers with bounded error levels", JASA 2019.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.conformal import CrossConformalClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> ccc = CrossConformalClassifier(confidence_level=0.9, random_state=0)
    >>> ccc.fit(X, y).predict_set(X[:2])[1].shape
    (2, 3, 1)
    """

    _is_classifier = True
    _parameter_constraints = _CLF_CONSTRAINTS

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        conformity_score="lac",
        cv=5,
        agg_scores="mean",
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.conformity_score = conformity_score
        self.cv = cv
        self.agg_scores = agg_scores
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X, y, groups=None, **fit_params):
        """Fit one classifier per fold and compute the out-of-fold scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Target values, one per row of ``X``.
        groups : array-like of shape (n_samples,), default=None
            Mondrian groups.
        **fit_params : dict
            Passed to ``estimator.fit``.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit_cross(X, y, None, None, groups, fit_params)


class WeightedCrossConformalClassifier(_WeightedCrossMixin, CrossConformalClassifier):
    """Weighted cross-conformal prediction sets under covariate shift.

    :class:`CrossConformalClassifier` with likelihood-ratio masses
    ``w(X_i) / (sum_j w(X_j) + w(x))`` on the training rows (the weighted
    jackknife+ of Prinster, Liu, Saria 2022 for the LAC score): with
    ``agg_scores="crossval"`` a label is kept when the weighted mass of
    training rows whose residual is below its test score is less than
    ``1 - alpha``; with ``"mean"`` the threshold is the weighted quantile of
    the residuals (Tibshirani et al. 2019).

    Parameters
    ----------
    estimator : classifier with predict_proba or None, default=None
        The wrapped model; ``None`` uses the default one.
    confidence_level : float in (0, 1) or list of floats, default=0.9
        Target coverage level(s), each in (0, 1); one output per level, in the order
        given.
    weighting : weighter, callable or None, default=None
        See :class:`WeightedCrossConformalRegressor`.
    conformity_score : {"lac"}, default="lac"
        Conformity score (only the name listed).
    cv : int or splitter, default=5
        Number of cross-validation folds or a splitter.
    agg_scores : {"mean", "crossval"}, default="mean"
        How the set is formed (see above).
    n_jobs : int or None, default=None
        Number of joblib jobs fitting the splits in parallel (``None``: 1).
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws; pass an int for reproducible output.

    Attributes
    ----------
    estimators_ : list of classifiers
    classes_ : ndarray of shape (n_classes,)
    weighter_ : fitted weighter, callable or None
    calibration_weights_ : ndarray of shape (n_samples,)
    conformity_scores_ : ndarray of shape (n_samples,)
    fold_of_ : ndarray of shape (n_samples,)
    levels_ : ndarray of shape (n_levels,)
    groups_ : ndarray or None
    n_calibration_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] D. Prinster, A. Liu, S. Saria. "JAWS: Auditing predictive
       uncertainty under covariate shift", NeurIPS 2022.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.conformal import WeightedCrossConformalClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> wcc = WeightedCrossConformalClassifier(random_state=0)
    >>> wcc.fit(X, y, X_target=X[y > 0]).predict_set(X[:2])[1].shape
    (2, 3, 1)
    """

    _parameter_constraints = {**_CLF_CONSTRAINTS, **_SHIFT_CONSTRAINTS}

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        weighting=None,
        conformity_score="lac",
        cv=5,
        agg_scores="mean",
        n_jobs=None,
        random_state=None,
    ):
        super().__init__(
            estimator,
            confidence_level=confidence_level,
            conformity_score=conformity_score,
            cv=cv,
            agg_scores=agg_scores,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.weighting = weighting
