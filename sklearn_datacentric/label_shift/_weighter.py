"""Label-shift weights: target class priors from an unlabelled target sample.

Under label shift the class priors change between the source (training) and
the target (deployment) distributions while the class-conditional
distributions stay the same: ``q(x | y) = p(x | y)``.  The importance weight
of a labelled source row then depends on its class only,
``w_k = q(y=k) / p(y=k)``, and the density ratio of the features is the
posterior average of the class weights,
``q(x) / p(x) = sum_k p(y=k | x) w_k``.
"""

from numbers import Integral, Real

import numpy as np
from scipy.optimize import minimize
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, check_cv
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ..covariate_shift._base import BaseWeighter, _source_target
from ..utils.validation import check_overflow

__all__ = ["LabelShiftWeighter", "SingularConfusionMatrixError"]


class SingularConfusionMatrixError(ValueError):
    """The confusion matrix of black-box shift estimation cannot be inverted.

    Raised by :class:`LabelShiftWeighter` with ``method="bbse"`` (and by the
    label-shift prediction sets) when the source confusion matrix of the
    classifier's predictions is singular or numerically so: some class is
    never predicted, or two classes are predicted alike.

    Examples
    --------
    >>> from sklearn_datacentric.label_shift import SingularConfusionMatrixError
    >>> issubclass(SingularConfusionMatrixError, ValueError)
    True
    """


def adjust_posteriors(proba, new_priors, old_priors):
    """Bayes' rule for a change of class priors (Saerens et al. 2002, eq. 2.4).

    ``p_new(k | x)`` is proportional to ``p_old(k | x) * new_k / old_k``.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)
        Posteriors under ``old_priors``.
    new_priors, old_priors : ndarray of shape (n_classes,)

    Returns
    -------
    proba_new : ndarray of shape (n_samples, n_classes)
    """
    adjusted = np.asarray(proba, dtype=np.float64) * (
        np.asarray(new_priors, dtype=np.float64)
        / np.asarray(old_priors, dtype=np.float64)
    )
    total = adjusted.sum(axis=1, keepdims=True)
    total[total <= 0] = 1.0
    return adjusted / total


def em_priors(proba, source_priors, *, max_iter=1000, tol=1e-8):
    """Target class priors by the EM procedure of Saerens et al. (2002).

    E step: posteriors of the target rows under the current priors
    (:func:`adjust_posteriors`); M step: the new priors are their mean.

    Parameters
    ----------
    proba : ndarray of shape (n_target, n_classes)
        Source-calibrated posteriors ``p(y | x)`` of the target rows.
    source_priors : ndarray of shape (n_classes,)
    max_iter : int
        Maximum number of iterations of the solver.
    tol : float
        Stop when the L1 change of the priors is below ``tol``.

    Returns
    -------
    priors : ndarray of shape (n_classes,)
    n_iter : int
    """
    p = np.asarray(source_priors, dtype=np.float64)
    q = p.copy()
    for it in range(1, max_iter + 1):
        q_new = adjust_posteriors(proba, q, p).mean(axis=0)
        if np.abs(q_new - q).sum() < tol:
            return q_new, it
        q = q_new
    return q, max_iter


def bbse_weights(confusion, target_pred_freq, *, rcond=1e-8, class_names=None):
    """Black-box shift estimation (Lipton, Wang and Smola 2018).

    Solves ``C w = mu`` where ``C[i, j] = P_source(f(x) = i, y = j)`` and
    ``mu[i] = P_target(f(x) = i)``.

    Parameters
    ----------
    confusion : ndarray of shape (n_classes, n_classes)
    target_pred_freq : ndarray of shape (n_classes,)
    rcond : float
        ``C`` counts as singular when its smallest singular value is below
        ``rcond`` times its largest.
    class_names : sequence, default=None
        Class labels, for the error message.

    Returns
    -------
    w : ndarray of shape (n_classes,)
        Raw solution (may hold negative entries from estimation noise).

    Raises
    ------
    SingularConfusionMatrixError
    """
    C = np.asarray(confusion, dtype=np.float64)
    sv = np.linalg.svd(C, compute_uv=False)
    if sv[0] <= 0 or sv[-1] < rcond * sv[0]:
        names = list(range(C.shape[0])) if class_names is None else list(class_names)
        never = [names[i] for i in np.flatnonzero(C.sum(axis=1) == 0)]
        detail = f" the classes {never} are never predicted;" if never else ""
        raise SingularConfusionMatrixError(
            "The confusion matrix of the classifier's source predictions is "
            f"singular (condition number {sv[0] / max(sv[-1], 1e-300):.3g});"
            f"{detail} black-box shift estimation cannot invert it. Use "
            "method='em', a classifier that separates the classes better, or "
            "more source rows."
        )
    return np.linalg.solve(C, np.asarray(target_pred_freq, dtype=np.float64))


def rlls_weights(confusion, target_pred_freq, *, reg, n_source, delta=0.05):
    """Regularized learning under label shift (Azizzadenesheli et al. 2019).

    ``w = 1 + theta`` with ``theta`` minimising
    ``||C theta - b||_2 + rho ||theta||_2`` subject to ``theta >= -1``
    (non-negative weights), where ``b = mu - C 1`` and
    ``rho = reg * Delta_C``, ``Delta_C = 3 (2 log(2K/delta) / (3 n) +
    sqrt(2 log(2K/delta) / n))`` the paper's concentration radius of
    ``C`` estimated from ``n`` source rows.  The penalty shrinks the weights
    toward 1 (no shift) when ``C`` is poorly known; ``reg=0`` is BBSE with
    the non-negativity constraint.

    Parameters
    ----------
    confusion : ndarray of shape (n_classes, n_classes)
    target_pred_freq : ndarray of shape (n_classes,)
    reg : float >= 0
    n_source : int
    delta : float in (0, 1)

    Returns
    -------
    w : ndarray of shape (n_classes,)
    """
    C = np.asarray(confusion, dtype=np.float64)
    K = C.shape[0]
    b = np.asarray(target_pred_freq, dtype=np.float64) - C.sum(axis=1)
    log_term = np.log(2 * K / delta)
    radius = 3 * (2 * log_term / (3 * n_source) + np.sqrt(2 * log_term / n_source))
    rho = reg * radius
    eps = 1e-20  # smooths the norms at zero; far below the solution's scale

    def objective(theta):
        r = C @ theta - b
        nr = np.sqrt(r @ r + eps)
        nt = np.sqrt(theta @ theta + eps)
        return nr + rho * nt, C.T @ r / nr + rho * theta / nt

    res = minimize(
        objective,
        np.zeros(K),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-1.0, None)] * K,
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000},
    )
    return 1.0 + res.x


def confusion_and_prediction_rates(y_idx, pred_source, pred_target, n_classes):
    """``C[i, j] = P_source(pred = i, y = j)`` and ``mu[i] = P_target(pred = i)``."""
    C = np.zeros((n_classes, n_classes))
    np.add.at(C, (pred_source, y_idx), 1.0)
    C /= len(y_idx)
    mu = np.bincount(pred_target, minlength=n_classes) / len(pred_target)
    return C, mu


class LabelShiftWeighter(BaseWeighter):
    """Class weights ``q(y) / p(y)`` under label shift, from unlabelled target rows.

    Label shift: the class priors differ between the source sample (labelled)
    and the target sample (unlabelled) while ``p(x | y)`` is shared.  A
    probabilistic classifier trained on the source rows gives the target
    class priors ``target_priors_``, and the class weights
    ``class_weights_[k] = target_priors_[k] / source_priors_[k]``:

    * ``method="em"``: the EM procedure of Saerens, Latinne and Decaestecker
      (2002) that re-estimates the priors from the classifier's posteriors
      of the target rows (maximum likelihood; needs calibrated posteriors).
    * ``method="bbse"``: black-box shift estimation (Lipton, Wang and Smola
      2018): ``w = C^{-1} mu`` with the source confusion matrix ``C`` of the
      classifier's hard predictions and their target frequencies ``mu``
      (consistent for any classifier whose ``C`` is invertible; negative
      solutions are clipped at zero).  ``C`` and ``mu`` come from the fold
      models of ``cv`` (cross-fitting): ``C`` on each model's held-out
      source rows, ``mu`` on the target rows, averaged over the folds.
    * ``method="rlls"``: regularized learning under label shift
      (Azizzadenesheli, Liu, Yang and Anandkumar 2019): BBSE's system solved
      in least norm with a penalty that shrinks the weights toward 1 when
      ``C`` is poorly known (small samples, near-singular ``C``); always
      defined, non-negative by construction.

    ``weights_`` are the weights of the source rows, ``class_weights_[y]``:
    give them as ``sample_weight`` to any estimator to train it for the
    target.  ``predict_weights(X, y)`` returns ``class_weights_[y]``;
    without ``y`` it returns the density ratio of the features
    ``sum_k p(y=k | x) w_k``.  :meth:`predict_target_proba` gives the
    classifier's posteriors corrected to the target priors (Bayes' rule).

    Read more in the :ref:`User Guide <label_shift>`.

    Parameters
    ----------
    estimator : classifier with predict_proba, default=None
        Source classifier.  ``None`` means
        ``LogisticRegression(max_iter=1000)``.
    method : {"em", "bbse", "rlls"}, default="em"
        Prior estimator (see above).
    cv : int, cross-validation generator or iterable, default=5
        Folds of the cross-fitting used by ``"bbse"`` and ``"rlls"``
        (stratified for an int).  Ignored by ``"em"``.
    max_iter : int, default=1000
        Maximum EM iterations.
    tol : float, default=1e-8
        EM stops when the L1 change of the priors is below ``tol``.
    rcond : float, default=1e-8
        ``"bbse"`` raises :class:`SingularConfusionMatrixError` when the
        smallest singular value of ``C`` is below ``rcond`` times its
        largest.
    rlls_reg : float >= 0, default=0.01
        ``"rlls"`` only: the penalty is ``rlls_reg`` times the paper's
        concentration radius of ``C`` (0.01 is the coefficient of the
        authors' experiments; 0 gives BBSE with non-negative weights).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels of the source rows.
    source_priors_ : ndarray of shape (n_classes,)
        Class frequencies of the source rows.
    target_priors_ : ndarray of shape (n_classes,)
        Estimated target priors (the source priors without a target sample).
    class_weights_ : ndarray of shape (n_classes,)
        ``target_priors_ / source_priors_``.
    weights_ : ndarray of shape (n_source,)
        ``class_weights_`` of each source row's class.
    estimator_ : classifier
        The classifier fitted on all source rows.
    confusion_matrix_ : ndarray of shape (n_classes, n_classes)
        ``"bbse"`` and ``"rlls"`` only: ``C[i, j] = P_source(prediction = i, y = j)``.
    n_iter_ : int
        ``"em"`` only: EM iterations run.
    has_target_ : bool
        Whether a target sample was given.
    n_source_, n_target_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    sklearn_datacentric.label_shift.PACLabelShiftClassifier : PAC
        prediction sets under label shift.
    sklearn_datacentric.calibration.PriorCorrectedClassifier : prior
        correction after resampling (known priors).

    References
    ----------
    .. [1] M. Saerens, P. Latinne and C. Decaestecker, "Adjusting the
       outputs of a classifier to new a priori probabilities: a simple
       procedure", Neural Computation 14(1), 21-41, 2002.
    .. [2] Z. C. Lipton, Y.-X. Wang and A. J. Smola, "Detecting and
       correcting for label shift with black box predictors", ICML 2018.
    .. [3] K. Azizzadenesheli, A. Liu, F. Yang and A. Anandkumar,
       "Regularized learning for domain adaptation under label shifts",
       ICLR 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.label_shift import LabelShiftWeighter
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)            # source priors 1/2, 1/2
    >>> X = rng.normal(2.0 * y[:, None], 1.0, size=(2000, 2))
    >>> y_t = (rng.random(2000) < 0.2).astype(int)   # target priors 0.8, 0.2
    >>> X_t = rng.normal(2.0 * y_t[:, None], 1.0, size=(2000, 2))
    >>> w = LabelShiftWeighter().fit(X, y, X_target=X_t)
    >>> w.target_priors_.round(1)
    array([0.8, 0.2])
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "method": [StrOptions({"em", "bbse", "rlls"})],
        "cv": ["cv_object"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "rcond": [Interval(Real, 0, 1, closed="left")],
        "rlls_reg": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        estimator=None,
        *,
        method="em",
        cv=5,
        max_iter=1000,
        tol=1e-8,
        rcond=1e-8,
        rlls_reg=0.01,
    ):
        self.estimator = estimator
        self.method = method
        self.cv = cv
        self.max_iter = max_iter
        self.tol = tol
        self.rcond = rcond
        self.rlls_reg = rlls_reg

    def _base_estimator(self):
        if self.estimator is None:
            return LogisticRegression(max_iter=1000)
        return self.estimator

    def fit(self, X, y=None, *, X_target=None, sample_domain=None):
        """Estimate the target priors and the class weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Labelled source rows; with ``sample_domain``, source and target
            rows stacked (target labels ignored).
        y : array-like of shape (n_samples,)
            Class labels of the source rows.  Required when a target sample
            is given.
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target rows (notebook path).
        sample_domain : array-like of int of shape (n_samples,), default=None
            Domain labels in skada's layout: negative values mark target rows of ``X``.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._validate_params()
        Xs, ys, Xt, _ = _source_target(
            self, X, y, X_target, sample_domain, dtype=np.float64
        )
        self.n_source_ = Xs.shape[0]
        self.has_target_ = Xt is not None
        self.n_target_ = 0 if Xt is None else Xt.shape[0]
        if ys is None:
            if Xt is not None:
                raise ValueError(
                    "LabelShiftWeighter needs the class labels y of the source "
                    "rows: label-shift weights are per class."
                )
            self.weights_ = np.ones(self.n_source_)
            return self
        ys = column_or_1d(ys, warn=True)
        check_classification_targets(ys)
        self.classes_, y_idx, counts = np.unique(
            ys, return_inverse=True, return_counts=True
        )
        if self.classes_.size < 2:
            raise ValueError(
                "LabelShiftWeighter needs at least 2 classes in the source rows; "
                f"got {self.classes_.size} class."
            )
        self.source_priors_ = counts / counts.sum()
        _check_default_model_scale(self, Xs, Xt)
        self.estimator_ = clone(self._base_estimator()).fit(Xs, ys)
        if Xt is None:
            q = self.source_priors_.copy()
        elif self.method == "em":
            proba = self._source_proba(self.estimator_, Xt)
            q, self.n_iter_ = em_priors(
                proba, self.source_priors_, max_iter=self.max_iter, tol=self.tol
            )
        else:  # "bbse", "rlls"
            q = self._bbse(Xs, ys, y_idx, Xt)
        self.target_priors_ = q
        self.class_weights_ = q / self.source_priors_
        self.weights_ = self.class_weights_[y_idx]
        return self

    def _source_proba(self, est, X):
        proba = np.asarray(est.predict_proba(X), dtype=np.float64)
        # align the columns with classes_ (a fold model may miss a class)
        out = np.zeros((proba.shape[0], self.classes_.size))
        out[:, np.searchsorted(self.classes_, est.classes_)] = proba
        return out

    def _bbse(self, Xs, ys, y_idx, Xt):
        K = self.classes_.size
        cv = check_cv(self.cv, ys, classifier=True)
        if isinstance(cv, StratifiedKFold) and np.min(np.bincount(y_idx)) < cv.n_splits:
            raise ValueError(
                f"cv={self.cv!r} needs at least {cv.n_splits} source rows of every "
                f"class; the smallest class has {np.min(np.bincount(y_idx))}."
            )
        C = np.zeros((K, K))
        mu = np.zeros(K)
        n_folds = 0
        for tr, te in cv.split(Xs, ys):
            est = clone(self._base_estimator()).fit(Xs[tr], ys[tr])
            pred_s = np.argmax(self._source_proba(est, Xs[te]), axis=1)
            pred_t = np.argmax(self._source_proba(est, Xt), axis=1)
            C_f, mu_f = confusion_and_prediction_rates(y_idx[te], pred_s, pred_t, K)
            C += C_f
            mu += mu_f
            n_folds += 1
        C /= n_folds
        mu /= n_folds
        self.confusion_matrix_ = C
        if self.method == "rlls":
            w = rlls_weights(C, mu, reg=self.rlls_reg, n_source=ys.size)
        else:
            w = bbse_weights(C, mu, rcond=self.rcond, class_names=self.classes_)
        q = np.clip(w, 0.0, None) * self.source_priors_
        if q.sum() <= 0:
            raise ValueError(
                "Black-box shift estimation gave no positive class weight; the "
                "classifier's predictions carry no information on the target "
                "classes. Use method='em' or a better classifier."
            )
        return q / q.sum()

    def predict_weights(self, X, y=None):
        """Compute the weights of labelled rows, or the ratio of unlabelled ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,), default=None
            Class labels; when given, the weights are ``class_weights_[y]``.

        Returns
        -------
        weights : ndarray of shape (n_samples,)
            ``class_weights_[y]``, or without ``y``
            ``sum_k p(y=k | x) class_weights_[k]`` (ones when fitted without
            a target sample).
        """
        check_is_fitted(self, "weights_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        if not hasattr(self, "class_weights_"):  # fitted without labels
            return np.ones(X.shape[0])
        if y is not None:
            y = column_or_1d(y, warn=True)
            if len(y) != X.shape[0]:
                raise ValueError(f"y has {len(y)} labels for {X.shape[0]} rows of X.")
            idx = np.searchsorted(self.classes_, y)
            idx = np.clip(idx, 0, self.classes_.size - 1)
            unknown = self.classes_[idx] != y
            if np.any(unknown):
                raise ValueError(
                    f"y holds labels {np.unique(y[unknown])[:5].tolist()} that "
                    f"are not among the source classes {self.classes_.tolist()}."
                )
            return self.class_weights_[idx]
        return self._source_proba(self.estimator_, X) @ self.class_weights_

    def predict_target_proba(self, X):
        """Correct the source classifier's posteriors to the target priors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self, "class_weights_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        proba = self._source_proba(self.estimator_, X)
        return adjust_posteriors(proba, self.target_priors_, self.source_priors_)


def _check_default_model_scale(estimator, Xs, Xt):
    """Huge features: a clear error for the default (penalised, hence not
    scale-equivariant) logistic regression, which otherwise overflows and
    predicts one class, making the confusion matrix singular."""
    if getattr(estimator, "estimator", None) is not None:
        return
    check_overflow(Xs, estimator=estimator)
    if Xt is not None:
        check_overflow(Xt, estimator=estimator, name="X_target")
