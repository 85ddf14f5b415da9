"""PRESTO and the proportional-odds model for rare events that end an
ordered sequence of common outcomes (Faletto & Bien, ICML 2023)."""

import numbers
import time
import warnings

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, check_cv
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_is_fitted,
    column_or_1d,
    validate_data,
)
from threadpoolctl import threadpool_limits

from ..utils._parallel import task_for
from ..utils._warnings import external_stacklevel
from ..utils._weights import check_sample_weight
from ..utils.validation import pow2_rescale
from ._solver import CumulativeLogitProblem, po_map, presto_map, prox_newton

__all__ = [
    "PRESTOClassifier",
    "PRESTOClassifierCV",
    "ProportionalOddsClassifier",
    "BoundaryCrossingWarning",
    "cumulative_logit_proba",
]


class BoundaryCrossingWarning(UserWarning):
    """Decision boundaries of a fitted cumulative-logit model cross.

    Where two boundaries cross at ``x``, the model's probability of the class
    between them is negative; it is clipped to zero and the row renormalised
    (as the reference implementation does).
    """


# --------------------------------------------------------------------------
# probabilities
# --------------------------------------------------------------------------


@validate_params(
    {"X": ["array-like"], "intercepts": ["array-like"], "coefs": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def cumulative_logit_proba(X, intercepts, coefs):
    """Class probabilities of a cumulative-logit model.

    ``P(y <= k | x) = sigmoid(intercepts[k] + x @ coefs[k])``; class
    probabilities are successive differences.  Negative differences (crossing
    boundaries) are clipped at zero and each row is renormalised to sum to 1.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Input samples.
    intercepts : ndarray of shape (n_classes - 1,)
        Intercept of each cumulative boundary.
    coefs : ndarray of shape (n_classes - 1, n_features)
        Slope vector of each cumulative boundary.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        Valid probabilities (non-negative, rows summing to 1).
    n_crossing : int
        Number of rows where at least one class probability was negative
        before clipping.

    Examples
    --------
    >>> from sklearn_datacentric.ordinal import cumulative_logit_proba
    >>> proba, n_crossing = cumulative_logit_proba([[0.0]], [-1.0, 1.0], [[1.0], [1.0]])
    >>> proba.round(3), n_crossing
    (array([[0.269, 0.462, 0.269]]), 0)
    """
    X = np.asarray(X, dtype=np.float64)
    eta = X @ np.asarray(coefs, dtype=np.float64).T + np.asarray(intercepts)
    n = eta.shape[0]
    F = expit(eta)
    cum = np.hstack([np.zeros((n, 1)), F, np.ones((n, 1))])
    P = np.diff(cum, axis=1)
    crossing = np.any(np.diff(eta, axis=1) < 0, axis=1)
    n_crossing = int(np.sum(crossing))
    if n_crossing:
        P = np.clip(P, 0.0, None)
        s = P.sum(axis=1, keepdims=True)
        bad = s[:, 0] <= 0
        if np.any(bad):  # pragma: no cover - cannot happen with F in (0, 1)
            P[bad] = 1.0 / P.shape[1]
            s[bad] = 1.0
        P = P / s
    return P, n_crossing


# --------------------------------------------------------------------------
# shared base
# --------------------------------------------------------------------------
def _ordered_categories(y):
    """Categories of a pandas ordered categorical ``y``, else None."""
    dtype = getattr(y, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        return list(dtype.categories)
    return None


class _BaseCumulativeLogit(ClassifierMixin, BaseEstimator):
    """Input handling, standardisation and prediction shared by the models."""

    _parameter_constraints = {
        "class_order": ["array-like", None],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="neither")],
    }

    # -- input -----------------------------------------------------------
    def _validate_X(self, X, *, reset):
        try:
            return validate_data(self, X, reset=reset, dtype=np.float64)
        except ValueError as exc:
            msg = str(exc)
            if "could not convert" in msg or "convert" in msg and "float" in msg:
                raise ValueError(
                    f"{type(self).__name__} needs numeric features: X has "
                    f"non-numeric values ({msg}). Encode categorical columns "
                    "(e.g. with OneHotEncoder) first."
                ) from exc
            raise

    def _validate_y(self, y_raw, n_samples):
        order = self.class_order
        cat_order = _ordered_categories(y_raw)
        y = column_or_1d(
            np.asarray(y_raw, dtype=object if cat_order else None), warn=True
        )
        if y.shape[0] != n_samples:
            raise ValueError(
                f"X has {n_samples} samples but y has {y.shape[0]} labels."
            )
        check_classification_targets(y)
        present = np.unique(y)
        if order is None and cat_order is not None:
            order = cat_order
        if order is None:
            if present.dtype.kind in "OUS" and not all(
                isinstance(c, numbers.Number) for c in present.tolist()
            ):
                raise ValueError(
                    f"{type(self).__name__} cannot know the order of the string "
                    f"labels {present.tolist()!r}: sorting them alphabetically "
                    "would be arbitrary (['low', 'mid', 'high'] would make 'mid' "
                    "the rare class). Pass class_order=[...] (rare class last) "
                    "or y as an ordered pandas Categorical."
                )
            classes = present
        else:
            classes = np.asarray(
                list(order), dtype=present.dtype if present.dtype != object else object
            )
            if len(set(classes.tolist())) != len(classes):
                raise ValueError(f"class_order has repeated labels: {list(order)!r}.")
            unknown = sorted(set(present.tolist()) - set(classes.tolist()), key=str)
            if unknown:
                raise ValueError(
                    f"y has label(s) {unknown!r} that are not in the class order "
                    f"{list(classes)!r}."
                )
            empty = [c for c in classes.tolist() if c not in set(present.tolist())]
            if empty:
                raise ValueError(
                    f"Class(es) {empty!r} of the class order have no samples in y; "
                    "every ordered class needs samples to estimate its boundary."
                )
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 ordered classes; y has "
                f"{len(classes)} class(es) ({list(classes)!r})."
            )
        lookup = {c: i for i, c in enumerate(classes.tolist())}
        codes = np.fromiter(
            (lookup[v] for v in y.tolist()), dtype=np.int64, count=len(y)
        )
        return classes, codes

    def _prepare(self, X, y, sample_weight):
        X = self._validate_X(X, reset=True)
        sw = check_sample_weight(sample_weight, X)
        if sw.sum() <= 0:
            raise ValueError(
                "sample_weight sums to zero: at least one weight must be positive."
            )
        classes, codes = self._validate_y(y, X.shape[0])
        kept = np.unique(codes[sw > 0])
        if kept.size < len(classes):
            lost = classes[np.setdiff1d(np.arange(len(classes)), kept)].tolist()
            raise ValueError(f"The class(es) {lost!r} have only zero sample weights.")
        return X, classes, codes, sw

    # -- coefficients ----------------------------------------------------
    def _set_original_scale(self, a_s, B_s, mean, scale):
        """Intercepts/coefficients on the original feature scale."""
        coef = B_s / scale
        intercept = a_s - coef @ mean
        return intercept, coef

    def _finish(self, X, intercept, coef):
        if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(intercept))):
            raise FloatingPointError(
                f"{type(self).__name__} produced non-finite coefficients; the "
                "data may be perfectly separable or badly scaled."
            )
        self.intercept_ = intercept
        self.coef_ = coef
        _, n_cross = cumulative_logit_proba(X, intercept, coef)
        self.crossing_rate_ = n_cross / X.shape[0]
        if n_cross:
            warnings.warn(
                f"{type(self).__name__}: decision boundaries cross on {n_cross} of "
                f"{X.shape[0]} training samples; their probabilities are clipped "
                "at zero and renormalised.",
                BoundaryCrossingWarning,
                stacklevel=external_stacklevel(),
            )

    # -- prediction ------------------------------------------------------
    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        Rows where decision boundaries cross are clipped at zero and
        renormalised (a :class:`BoundaryCrossingWarning` says how many).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        P, n_cross = cumulative_logit_proba(X, self.intercept_, self.coef_)
        if n_cross:
            warnings.warn(
                f"Decision boundaries cross on {n_cross} of {X.shape[0]} samples; "
                "their probabilities were clipped at zero and renormalised.",
                BoundaryCrossingWarning,
                stacklevel=external_stacklevel(),
            )
        return P

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``-inf`` for clipped zeros).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log class probabilities, columns in the order of ``classes_``.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Most probable class of each row.
        """
        check_is_fitted(self)
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_rare_proba(self, X):
        """Probability of the rare class (the last class of ``classes_``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples,)
            Probability of the rare (last) class.
        """
        return self.predict_proba(X)[:, -1]

    @property
    def rare_class_(self):
        """The rare class: the last class in the ordinal order."""
        check_is_fitted(self)
        return self.classes_[-1]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


def _standardise(X, sw):
    # huge X (squares would overflow to inf and every standardised value be
    # 0) is scaled by a power of two first: the standardised features are
    # unchanged, mean and scale are given back in the units of X (finite)
    Xp, e = pow2_rescale(X)
    w = sw / sw.sum()
    mean = w @ Xp
    var = w @ (Xp - mean) ** 2
    scale = np.sqrt(var)
    Xs = (Xp - mean) / np.where(scale > 0, scale, 1.0)
    mean, scale = np.ldexp(mean, e), np.ldexp(scale, e)
    const = scale <= 1e-12 * np.maximum(1.0, np.abs(mean))
    scale[const] = 1.0
    Xs[:, const] = 0.0
    return Xs, mean, scale


def _cum_intercepts(codes, w, K):
    """Intercept-only MLE: logits of the weighted cumulative proportions."""
    freq = np.bincount(codes, weights=w, minlength=K) / w.sum()
    cum = np.clip(np.cumsum(freq)[:-1], 1e-12, 1 - 1e-12)
    return np.log(cum / (1 - cum))


# --------------------------------------------------------------------------
# PRESTO path (standardised scale)
# --------------------------------------------------------------------------
def _presto_penalty(p, K1, penalize_first):
    p1 = p + 1
    pen = np.zeros(K1 * p1)
    for k in range(K1):
        if k > 0 or penalize_first:
            pen[k * p1 + 1 : (k + 1) * p1] = 1.0
    return pen


def _presto_null_theta(codes, sw, K, p):
    K1 = K - 1
    theta = np.zeros(K1 * (p + 1))
    theta[:: p + 1] = _cum_intercepts(codes, sw, K)
    return theta


def _presto_alpha_max(problem, codes, sw, K, p, pen, max_iter, tol):
    """Smallest alpha at which every penalised coefficient is zero."""
    theta0 = _presto_null_theta(codes, sw, K, p)
    # fit the unpenalised part with the penalised coordinates held at zero
    big = 1e12
    theta0, _, _ = prox_newton(problem, theta0, big, pen, max_iter=max_iter, tol=tol)
    _, g, _ = problem.derivs(theta0)
    amax = float(np.max(np.abs(g[pen > 0]))) if np.any(pen > 0) else 0.0
    return amax, theta0


def _theta_to_params(theta, p, K1):
    """PRESTO ``theta`` (standardised) to intercepts and per-boundary b_k."""
    M = theta.reshape(K1, p + 1)
    a = M[:, 0].copy()
    B = np.cumsum(M[:, 1:], axis=0)
    return a, B


def _presto_path(Xs, codes, sw, K, alphas, penalize_first, max_iter, tol, theta0=None):
    """Fit PRESTO along ``alphas`` (decreasing) with warm starts."""
    p = Xs.shape[1]
    K1 = K - 1
    problem = CumulativeLogitProblem(Xs, codes, sw, K1, presto_map(p, K1))
    pen = _presto_penalty(p, K1, penalize_first)
    if theta0 is None:
        theta0 = _presto_null_theta(codes, sw, K, p)
    thetas, n_iters, converged = [], [], []
    theta = theta0
    for alpha in alphas:
        theta, it, conv = prox_newton(
            problem, theta, alpha, pen, max_iter=max_iter, tol=tol
        )
        thetas.append(theta.copy())
        n_iters.append(it)
        converged.append(conv)
    return thetas, n_iters, converged


class PRESTOClassifier(_BaseCumulativeLogit):
    """PRESTO: cumulative logit with L1-fused boundary weights.

    Ordered classes ``c_1 < ... < c_K`` (K >= 2) with the last one rare.  The
    model has one weight vector per decision boundary,
    ``P(y <= c_k | x) = sigmoid(a_k + x'b_k)``, and minimises

    ``-loglik / n + alpha * (||b_1||_1 + sum_{k>=2} ||b_k - b_{k-1}||_1)``

    with unpenalised intercepts, on internally standardised features, so
    that the rare boundary borrows strength from the common ones: alpha large
    gives the proportional-odds model, alpha zero separate weights per
    boundary.  Solved by proximal Newton on the lasso reparametrisation
    ``psi_1 = b_1, psi_k = b_k - b_{k-1}`` (numba coordinate descent).
    With two classes there is one boundary and the model is L1-penalised
    logistic regression on the standardised features (unpenalised with
    ``penalize_first=False``), with ``coef_ = -LogisticRegression.coef_``.

    Parameters
    ----------
    alpha : float, default=0.01
        Strength of the L1 penalty (on the standardised scale, loss as a
        mean over samples).
    penalize_first : bool, default=True
        Whether ``||b_1||_1`` is penalised (as in the paper).  With False,
        a large ``alpha`` gives exactly the proportional-odds fit.
    class_order : array-like, default=None
        The classes in their ordinal order, rare class last.  Default: the
        categories of a pandas ordered categorical ``y``, else the sorted labels
        when they are numbers (string labels need ``class_order`` or an
        ordered categorical: an error says so).
    max_iter : int, default=100
        Maximum proximal-Newton iterations.
    tol : float, default=1e-10
        Stop when the predicted decrease of the objective is below ``tol``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Classes in the ordinal order; ``classes_[-1]`` is the rare class.
    intercept_ : ndarray of shape (n_classes - 1,)
        Intercepts ``a_k`` of the boundaries (original feature scale).
    coef_ : ndarray of shape (n_classes - 1, n_features)
        Weights ``b_k`` of each boundary, one row per boundary, on the
        original feature scale.
    coef_diff_ : ndarray of shape (n_classes - 2, n_features)
        ``b_k - b_{k-1}`` (original scale); zeros where PRESTO fused.
    crossing_rate_ : float
        Fraction of training samples where fitted boundaries cross.
    rare_class_ : object
        The rare class, ``classes_[-1]``.
    n_iter_ : int
        Proximal-Newton iterations.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    References
    ----------
    .. [1] G. Faletto and J. Bien. Predicting rare events by shrinking
       towards proportional odds. ICML 2023 (arXiv:2305.18700).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.ordinal import PRESTOClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(600, 3))
    >>> y = np.digitize(X @ [1.0, -1.0, 0.5] + rng.logistic(size=600), [-0.5, 0.5, 2.0])
    >>> clf = PRESTOClassifier(alpha=0.005).fit(X, y)
    >>> clf.coef_.shape
    (3, 3)
    >>> clf.predict_rare_proba(X[:2]).shape
    (2,)
    """

    _parameter_constraints = {
        **_BaseCumulativeLogit._parameter_constraints,
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "penalize_first": ["boolean"],
    }

    def __init__(
        self,
        *,
        alpha=0.01,
        penalize_first=True,
        class_order=None,
        max_iter=100,
        tol=1e-10,
    ):
        self.alpha = alpha
        self.penalize_first = penalize_first
        self.class_order = class_order
        self.max_iter = max_iter
        self.tol = tol

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit PRESTO.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features.
        y : array-like of shape (n_samples,)
            Ordered labels (at least 2 classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; None gives every row weight 1.

        Returns
        -------
        self : PRESTOClassifier
            Fitted estimator.
        """
        # the Gram matrices have n_features + 1 columns: threaded BLAS only
        # burns CPU on them (parallelism is over folds, see n_jobs)
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        X, classes, codes, sw = self._prepare(X, y, sample_weight)
        self.classes_ = classes
        K = len(classes)
        Xs, mean, scale = _standardise(X, sw)
        thetas, n_iters, conv = _presto_path(
            Xs,
            codes,
            sw,
            K,
            [float(self.alpha)],
            self.penalize_first,
            self.max_iter,
            self.tol,
        )
        self.n_iter_ = n_iters[0]
        if not conv[0]:
            warnings.warn(
                f"PRESTOClassifier did not converge in {self.max_iter} iterations; "
                "increase max_iter or alpha.",
                ConvergenceWarning,
                stacklevel=external_stacklevel(),
            )
        a_s, B_s = _theta_to_params(thetas[0], X.shape[1], K - 1)
        intercept, coef = self._set_original_scale(a_s, B_s, mean, scale)
        self._finish(X, intercept, coef)
        return self

    @property
    def coef_diff_(self):
        """Differences ``b_k - b_{k-1}`` of adjacent boundary weights."""
        check_is_fitted(self)
        return np.diff(self.coef_, axis=0)


class PRESTOClassifierCV(_BaseCumulativeLogit):
    """PRESTO with alpha chosen by K-fold cross-validated Brier score.

    As the reference implementation: ``n_alphas`` values from ``alpha_max``
    (the smallest alpha that zeroes every penalised coefficient, on the full
    data) down to ``alpha_min_ratio * alpha_max`` on a log grid; each fold is
    standardised on its own training part and fitted along the same path with
    warm starts; the chosen alpha is the *largest* one attaining the minimum
    mean (over folds) multi-class Brier score; the model is then refitted on
    all data at that alpha.

    Parameters
    ----------
    n_alphas : int, default=20
        Number of alphas on the path.
    alpha_min_ratio : float, default=0.01
        Smallest alpha of the path, as a fraction of ``alpha_max``.
    alphas : array-like, default=None
        Explicit alpha grid (used instead of ``n_alphas``/``alpha_min_ratio``).
    cv : int or cross-validation splitter, default=5
        Number of stratified folds, or a splitter with ``split(X, y)``.
    penalize_first : bool, default=True
        Whether ``||b_1||_1`` is penalised; see :class:`PRESTOClassifier`.
    class_order : array-like, default=None
        Ordinal order of the classes (rare last); see PRESTOClassifier.
    max_iter : int, default=100
        Maximum number of solver iterations.
    tol : float, default=1e-10
        Convergence tolerance of the solver.
    n_jobs : int, default=None
        Threads over folds (the numba kernels and BLAS release the GIL).
    random_state : int, RandomState instance or None, default=None
        Shuffling of the stratified folds.
    verbose : int, default=0
        Print progress (per fold, and the chosen alpha) when > 0.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    alphas_ : ndarray of shape (n_alphas,)
        The alpha grid (decreasing).
    alpha_max_ : float
    brier_path_ : ndarray of shape (n_alphas, n_folds)
        Held-out Brier score of each alpha on each fold.
    mean_brier_ : ndarray of shape (n_alphas,)
    alpha_ : float
        The chosen alpha.
    best_index_ : int
    intercept_ : ndarray of shape (n_classes - 1,)
    coef_ : ndarray of shape (n_classes - 1, n_features)
    intercept_path_ : ndarray of shape (n_alphas, n_classes - 1)
    coef_path_ : ndarray of shape (n_alphas, n_classes - 1, n_features)
        Full-data fits along the grid (original scale).
    coef_diff_ : ndarray of shape (n_classes - 2, n_features)
        ``b_k - b_{k-1}`` at the chosen alpha (original scale).
    crossing_rate_ : float
        Fraction of training samples where fitted boundaries cross.
    rare_class_ : object
        The rare class, ``classes_[-1]``.
    n_iter_ : int
        Proximal-Newton iterations of the refit.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    References
    ----------
    .. [1] G. Faletto and J. Bien. Predicting rare events by shrinking
       towards proportional odds. ICML 2023 (arXiv:2305.18700).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.ordinal import PRESTOClassifierCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(600, 3))
    >>> y = np.digitize(X @ [1.0, -1.0, 0.5] + rng.logistic(size=600), [-0.5, 0.5, 2.0])
    >>> clf = PRESTOClassifierCV(n_alphas=5, random_state=0).fit(X, y)
    >>> bool(clf.alpha_ in clf.alphas_)
    True
    """

    _parameter_constraints = {
        **_BaseCumulativeLogit._parameter_constraints,
        "n_alphas": [Interval(numbers.Integral, 1, None, closed="left")],
        "alpha_min_ratio": [Interval(numbers.Real, 0, 1, closed="neither")],
        "alphas": ["array-like", None],
        "cv": [Interval(numbers.Integral, 2, None, closed="left"), "cv_object"],
        "penalize_first": ["boolean"],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }
    _test_params = {"n_alphas": 4, "cv": 3}

    def __init__(
        self,
        *,
        n_alphas=20,
        alpha_min_ratio=0.01,
        alphas=None,
        cv=5,
        penalize_first=True,
        class_order=None,
        max_iter=100,
        tol=1e-10,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.alphas = alphas
        self.cv = cv
        self.penalize_first = penalize_first
        self.class_order = class_order
        self.max_iter = max_iter
        self.tol = tol
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _log(self, msg):
        if self.verbose:
            print(f"[PRESTOClassifierCV] {msg}", flush=True)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Choose alpha by cross-validation and refit on all data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Ordered labels (at least 2 classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the fits and of the held-out Brier scores.

        Returns
        -------
        self : PRESTOClassifierCV
            Fitted estimator.
        """
        # the Gram matrices have n_features + 1 columns: threaded BLAS only
        # burns CPU on them (parallelism is over folds, see n_jobs)
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        from joblib import Parallel, delayed

        t_start = time.perf_counter()
        X, classes, codes, sw = self._prepare(X, y, sample_weight)
        self.classes_ = classes
        K = len(classes)
        n, p = X.shape
        K1 = K - 1

        # folds first, so that a bad fold fails before any fitting
        if isinstance(self.cv, numbers.Integral):
            # stratified folds keep a class with >= 2 samples in every
            # training part; a single sample cannot be
            counts = np.bincount(codes, minlength=K)
            if counts.min() < 2:
                single = classes[np.flatnonzero(counts < 2)].tolist()
                raise ValueError(
                    f"Class(es) {single!r} have a single sample, so some training "
                    "fold would lack them. Merge rare classes or collect more data."
                )
            splitter = StratifiedKFold(
                self.cv, shuffle=True, random_state=self.random_state
            )
        else:
            splitter = check_cv(self.cv, codes, classifier=True)
        with warnings.catch_warnings():
            # "least populated class has fewer members than n_splits": the
            # training parts still hold every class, checked below
            warnings.filterwarnings("ignore", message="The least populated class")
            folds = list(splitter.split(X, codes))
        for i, (tr, _te) in enumerate(folds):
            missing = np.setdiff1d(np.arange(K), np.unique(codes[tr]))
            if missing.size:
                raise ValueError(
                    f"Class(es) {classes[missing].tolist()!r} have no samples in "
                    f"the training part of fold {i + 1} of {len(folds)}; every class "
                    "needs samples in every training fold. Use stratified folds or "
                    "fewer folds."
                )

        # alpha grid from the full data
        Xs, mean, scale = _standardise(X, sw)
        pen = _presto_penalty(p, K1, self.penalize_first)
        problem = CumulativeLogitProblem(Xs, codes, sw, K1, presto_map(p, K1))
        amax, theta_null = _presto_alpha_max(
            problem, codes, sw, K, p, pen, self.max_iter, self.tol
        )
        if self.alphas is not None:
            alphas = np.sort(np.asarray(self.alphas, dtype=np.float64))[::-1]
            if (
                alphas.size == 0
                or np.any(alphas < 0)
                or not np.all(np.isfinite(alphas))
            ):
                raise ValueError(
                    "alphas must be a non-empty list of finite values >= 0."
                )
        else:
            if amax <= 0:
                amax = 1e-8
            alphas = np.geomspace(amax, amax * self.alpha_min_ratio, self.n_alphas)
        self.alpha_max_ = amax
        self.alphas_ = alphas
        self._log(f"{n} samples, {p} features, {K} classes; alpha_max={amax:.4g}")

        def run_fold(i, tr, te):
            t0 = time.perf_counter()
            Xs_tr, m_tr, s_tr = _standardise(X[tr], sw[tr])
            thetas, _, conv = _presto_path(
                Xs_tr,
                codes[tr],
                sw[tr],
                K,
                alphas,
                self.penalize_first,
                self.max_iter,
                self.tol,
            )
            briers = np.empty(len(alphas))
            onehot = np.eye(K)[codes[te]]
            wte = sw[te] / sw[te].sum()
            for j, theta in enumerate(thetas):
                a_s, B_s = _theta_to_params(theta, p, K1)
                inter, coef = self._set_original_scale(a_s, B_s, m_tr, s_tr)
                P, _ = cumulative_logit_proba(X[te], inter, coef)
                briers[j] = wte @ np.sum((P - onehot) ** 2, axis=1)
            self._log(
                f"fold {i + 1}/{len(folds)}: {len(alphas)} alphas in "
                f"{time.perf_counter() - t0:.2f} s"
            )
            return briers, all(conv)

        # through joblib (a Dask backend spreads the folds over a cluster);
        # one numba / BLAS thread per fold when folds run in parallel
        fold_task = task_for(run_fold, self.n_jobs)
        out = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(fold_task)(i, tr, te) for i, (tr, te) in enumerate(folds)
        )
        self.brier_path_ = np.column_stack([o[0] for o in out])
        self.mean_brier_ = self.brier_path_.mean(axis=1)
        best = self.mean_brier_ == self.mean_brier_.min()
        self.best_index_ = int(np.flatnonzero(best)[0])  # alphas decrease
        self.alpha_ = float(alphas[self.best_index_])

        # full-data path (the refit at alpha_ is its best_index_ point)
        t0 = time.perf_counter()
        thetas, n_iters, conv = _presto_path(
            Xs,
            codes,
            sw,
            K,
            alphas,
            self.penalize_first,
            self.max_iter,
            self.tol,
            theta0=theta_null,
        )
        inter_path = np.empty((len(alphas), K1))
        coef_path = np.empty((len(alphas), K1, p))
        for j, theta in enumerate(thetas):
            a_s, B_s = _theta_to_params(theta, p, K1)
            inter_path[j], coef_path[j] = self._set_original_scale(
                a_s, B_s, mean, scale
            )
        self.intercept_path_ = inter_path
        self.coef_path_ = coef_path
        self.n_iter_ = int(n_iters[self.best_index_])
        if not (all(conv) and all(o[1] for o in out)):
            warnings.warn(
                "PRESTOClassifierCV: some fits along the alpha path did not "
                f"converge in {self.max_iter} iterations.",
                ConvergenceWarning,
                stacklevel=external_stacklevel(),
            )
        self._log(
            f"full-data path in {time.perf_counter() - t0:.2f} s; alpha_={self.alpha_:.4g} "
            f"(index {self.best_index_}, mean Brier {self.mean_brier_[self.best_index_]:.5f}); "
            f"total {time.perf_counter() - t_start:.2f} s"
        )
        self._finish(
            X, inter_path[self.best_index_].copy(), coef_path[self.best_index_].copy()
        )
        return self

    @property
    def coef_diff_(self):
        """Differences ``b_k - b_{k-1}`` of adjacent boundary weights."""
        check_is_fitted(self)
        return np.diff(self.coef_, axis=0)


class ProportionalOddsClassifier(_BaseCumulativeLogit):
    """Proportional-odds (cumulative logit) model: one shared weight vector.

    ``P(y <= c_k | x) = sigmoid(a_k + x'b)`` fitted by maximum likelihood
    (Newton's method with line search, to a tight tolerance).  Note the sign:
    statsmodels' ``OrderedModel`` and R's ``MASS::polr`` write
    ``F(threshold_k - x'beta)``, so ``coef_ = -beta`` and
    ``intercept_ = thresholds``.  With two classes it is unpenalised
    logistic regression: ``coef_ = -LogisticRegression(penalty=None).coef_``.

    Parameters
    ----------
    class_order : array-like, default=None
        Ordinal order of the classes; see PRESTOClassifier.
    max_iter : int, default=100
        Maximum number of solver iterations.
    tol : float, default=1e-12
        Stop when the Newton decrement is below ``tol``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    intercept_ : ndarray of shape (n_classes - 1,)
        Thresholds ``a_k`` (increasing).
    coef_ : ndarray of shape (n_classes - 1, n_features)
        The shared weights, repeated on each row (same layout as PRESTO).
    shared_coef_ : ndarray of shape (n_features,)
        The shared weight vector ``b``.
    crossing_rate_ : float
        Always 0 (parallel boundaries cannot cross).
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    References
    ----------
    .. [1] P. McCullagh. Regression models for ordinal data. JRSS B 42(2),
       1980.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.ordinal import ProportionalOddsClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 2))
    >>> y = np.digitize(X @ [1.0, -1.0] + rng.logistic(size=500), [-1, 0, 1])
    >>> po = ProportionalOddsClassifier().fit(X, y)
    >>> po.shared_coef_.round(1)  # y grows with x1: P(y <= k) falls
    array([-1.1,  0.9])
    """

    _parameter_constraints = {**_BaseCumulativeLogit._parameter_constraints}

    def __init__(self, *, class_order=None, max_iter=100, tol=1e-12):
        self.class_order = class_order
        self.max_iter = max_iter
        self.tol = tol

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the proportional-odds model by maximum likelihood.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Ordered labels (at least 2 classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; None gives every row weight 1.

        Returns
        -------
        self : ProportionalOddsClassifier
            Fitted estimator.
        """
        # the Gram matrices have n_features + 1 columns: threaded BLAS only
        # burns CPU on them (parallelism is over folds, see n_jobs)
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        X, classes, codes, sw = self._prepare(X, y, sample_weight)
        self.classes_ = classes
        K = len(classes)
        K1 = K - 1
        n, p = X.shape
        Xs, mean, scale = _standardise(X, sw)
        problem = CumulativeLogitProblem(Xs, codes, sw, K1, po_map(p, K1))
        theta = np.concatenate([_cum_intercepts(codes, sw, K), np.zeros(p)])
        theta, n_iter, conv = prox_newton(
            problem,
            theta,
            0.0,
            np.zeros_like(theta),
            max_iter=self.max_iter,
            tol=self.tol,
        )
        self.n_iter_ = n_iter
        if not conv:
            warnings.warn(
                f"ProportionalOddsClassifier did not converge in {self.max_iter} "
                "iterations (separable data make the MLE infinite).",
                ConvergenceWarning,
                stacklevel=external_stacklevel(),
            )
        a_s = theta[:K1]
        B_s = np.tile(theta[K1:], (K1, 1))
        intercept, coef = self._set_original_scale(a_s, B_s, mean, scale)
        self._finish(X, intercept, coef)
        return self

    @property
    def shared_coef_(self):
        """The weight vector ``b`` shared by all boundaries."""
        check_is_fitted(self)
        return self.coef_[0].copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # one shared direction for all boundaries: classes that are not
        # ordered along a line (scikit-learn's three-blob check data) are fitted
        # poorly by design
        tags.classifier_tags.poor_score = True
        return tags
