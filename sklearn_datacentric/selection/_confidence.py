"""Label errors from out-of-fold probabilities: confident learning.

Northcutt, Jiang & Chuang (2021), "Confident Learning: Estimating Uncertainty
in Dataset Labels", JAIR 70.  Written from the paper's equations.
"""

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)

from ..utils._routing import routed_params
from ..utils.validation import explain_overflow, pow2_rescale
from ._base import (
    _BaseSelector,
    _check_predict_proba,
    _CVRoutingMixin,
    _progress,
    out_of_fold_proba,
)

__all__ = [
    "ConfidenceSelector",
    "confident_joint",
    "flag_label_errors",
    "label_quality_scores",
]

FILTERS = ("prune_by_noise_rate", "prune_by_class", "both", "confident_joint")


def _check_y_proba(y, proba):
    proba = np.asarray(proba, dtype=np.float64)
    y = np.asarray(y)
    if proba.ndim != 2:
        raise ValueError(
            f"proba must be 2-D (n_samples, n_classes), got {proba.shape}."
        )
    if y.shape != (proba.shape[0],):
        raise ValueError(
            f"y has shape {y.shape}; expected ({proba.shape[0]},), one label per "
            "row of proba."
        )
    if y.dtype.kind not in "iu" or y.min(initial=0) < 0 or y.max() >= proba.shape[1]:
        raise ValueError(
            "y must hold integer labels 0 .. n_classes - 1 indexing the columns "
            "of proba."
        )
    if not np.all(np.isfinite(proba)):
        raise ValueError("proba contains NaN or infinite values.")
    return y, proba


_Y_PROBA = {"y": ["array-like"], "proba": ["array-like"]}


@validate_params(
    {**_Y_PROBA, "calibrate": ["boolean"]}, prefer_skip_nested_validation=True
)
def confident_joint(y, proba, *, calibrate=True):
    """Confident joint of given and latent true labels (Northcutt et al. 2021).

    Per-class thresholds ``t_j`` are the mean self-confidence of the rows
    labelled ``j``: ``t_j = mean(proba[y == j, j])``.  A row labelled ``i``
    counts in ``C[i, j]`` when ``j`` is the most probable class among those
    whose probability reaches its threshold; rows reaching no threshold are
    not counted.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Given labels, integers ``0 .. n_classes - 1``.
    proba : ndarray of shape (n_samples, n_classes)
        Out-of-fold predicted probabilities.
    calibrate : bool, default=True
        Return the calibrated joint ``Q`` (rows rescaled to the class counts,
        then normalised to sum to 1) instead of the raw counts.

    Returns
    -------
    joint : ndarray of shape (n_classes, n_classes)
        Counts ``C`` or, with ``calibrate=True``, the estimated joint
        distribution ``Q[i, j] = P(given = i, true = j)``.
    assigned : ndarray of shape (n_samples,)
        The latent class each row was counted under, ``-1`` for rows not
        counted.
    thresholds : ndarray of shape (n_classes,)
        Per-class thresholds ``t_j``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.selection import confident_joint
    >>> y = np.array([0, 0, 0, 1, 1, 1])
    >>> proba = np.array([[.9, .1], [.8, .2], [.05, .95], [.1, .9], [.3, .7], [.2, .8]])
    >>> Q, assigned, thresholds = confident_joint(y, proba)
    >>> assigned
    array([ 0,  0,  1,  1, -1, -1])
    """
    y, proba = _check_y_proba(y, proba)
    k = proba.shape[1]
    counts = np.bincount(y, minlength=k)
    thresholds = np.array(
        [proba[y == j, j].mean() if counts[j] else np.inf for j in range(k)]
    )
    above = proba >= thresholds[None, :]
    masked = np.where(above, proba, -np.inf)
    assigned = np.argmax(masked, axis=1)
    assigned[~above.any(axis=1)] = -1
    ok = assigned >= 0
    C = np.zeros((k, k), dtype=np.float64)
    np.add.at(C, (y[ok], assigned[ok]), 1.0)
    if not calibrate:
        return C, assigned, thresholds
    row = C.sum(axis=1)
    Q = np.zeros_like(C)
    for i in range(k):
        if row[i] > 0:
            Q[i] = C[i] / row[i] * counts[i]
        elif counts[i] > 0:  # no row of class i counted: assume it is clean
            Q[i, i] = counts[i]
    Q /= Q.sum()
    return Q, assigned, thresholds


@validate_params(
    {**_Y_PROBA, "method": [StrOptions({"self_confidence", "normalized_margin"})]},
    prefer_skip_nested_validation=True,
)
def label_quality_scores(y, proba, *, method="self_confidence"):
    """Per-row label quality in [0, 1] (lower = more likely a label error).

    ``"self_confidence"``: the probability of the given label.
    ``"normalized_margin"``: ``(p_given - max_{k != given} p_k + 1) / 2``.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Given labels, integers ``0 .. n_classes - 1``.
    proba : ndarray of shape (n_samples, n_classes)
        Out-of-fold predicted probabilities.
    method : {"self_confidence", "normalized_margin"}, default="self_confidence"
        The score.

    Returns
    -------
    quality : ndarray of shape (n_samples,)
        Label quality of each row in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.selection import label_quality_scores
    >>> proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])
    >>> label_quality_scores(np.array([0, 1, 1]), proba)
    array([0.9, 0.8, 0.3])
    """
    y, proba = _check_y_proba(y, proba)
    rows = np.arange(y.shape[0])
    self_conf = proba[rows, y]
    if method == "self_confidence":
        return self_conf
    other = proba.copy()  # method == "normalized_margin"
    other[rows, y] = -np.inf
    return (self_conf - other.max(axis=1) + 1.0) / 2.0


@validate_params(
    {**_Y_PROBA, "filter_by": [StrOptions(set(FILTERS))]},
    prefer_skip_nested_validation=True,
)
def flag_label_errors(y, proba, *, filter_by="prune_by_noise_rate"):
    """Boolean mask of likely label errors by confident learning.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Given labels, integers ``0 .. n_classes - 1``.
    proba : ndarray of shape (n_samples, n_classes)
        Out-of-fold predicted probabilities.
    filter_by : {"prune_by_noise_rate", "prune_by_class", "both", \
            "confident_joint"}, default="prune_by_noise_rate"
        - ``"confident_joint"``: rows in an off-diagonal cell of the
          confident joint (section 3.2, ``C_{y~, y*}``).
        - ``"prune_by_class"``: for each given class ``i``, the
          ``n * sum_{j != i} Q[i, j]`` rows of that class with the lowest
          self-confidence.
        - ``"prune_by_noise_rate"``: for each off-diagonal cell ``(i, j)``,
          the ``n * Q[i, j]`` rows labelled ``i`` with the largest margin
          ``p_j - p_i``.
        - ``"both"``: rows flagged by both pruning rules.

        In every case a row whose most probable class is its given label is
        never flagged.

    Returns
    -------
    mask : ndarray of shape (n_samples,), dtype bool
        True for the rows flagged as likely label errors.

    References
    ----------
    .. [1] C. Northcutt, L. Jiang, I. Chuang, "Confident Learning: Estimating
       Uncertainty in Dataset Labels", JAIR 70, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.selection import flag_label_errors
    >>> y = np.array([0, 0, 0, 1, 1, 1])
    >>> proba = np.array([[.9, .1], [.8, .2], [.05, .95], [.1, .9], [.3, .7], [.2, .8]])
    >>> flag_label_errors(y, proba)
    array([False, False,  True, False, False, False])
    """
    y, proba = _check_y_proba(y, proba)
    n, k = proba.shape
    Q, assigned, _ = confident_joint(y, proba)
    if filter_by == "confident_joint":
        mask = (assigned >= 0) & (assigned != y)
    else:
        pbc = np.zeros(n, dtype=bool)
        pbnr = np.zeros(n, dtype=bool)
        for i in range(k):
            idx = np.flatnonzero(y == i)
            if idx.size == 0:
                continue
            if filter_by in ("prune_by_class", "both"):
                m = int(round(n * (Q[i].sum() - Q[i, i])))
                m = min(m, idx.size)
                if m > 0:
                    order = np.argsort(proba[idx, i], kind="stable")
                    pbc[idx[order[:m]]] = True
            if filter_by in ("prune_by_noise_rate", "both"):
                for j in range(k):
                    if j == i:
                        continue
                    m = min(int(round(n * Q[i, j])), idx.size)
                    if m <= 0:
                        continue
                    margin = proba[idx, j] - proba[idx, i]
                    order = np.argsort(-margin, kind="stable")
                    pbnr[idx[order[:m]]] = True
        if filter_by == "prune_by_class":
            mask = pbc
        elif filter_by == "prune_by_noise_rate":
            mask = pbnr
        else:
            mask = pbc & pbnr
    agrees = np.argmax(proba, axis=1) == y
    return mask & ~agrees


def _default_classifier():
    return make_pipeline(
        StandardScaler(with_mean=False), LogisticRegression(max_iter=200)
    )


class ConfidenceSelector(_CVRoutingMixin, _BaseSelector):
    """Drop likely label errors found by confident learning on out-of-fold probabilities.

    Out-of-fold predicted probabilities of any classifier (cross-fitted over
    stratified K folds) give per-class confidence thresholds (the mean
    self-confidence of each given class), a confident joint of given and
    latent labels and, from it, the rows whose given label is likely wrong
    (Northcutt et al. 2021).  Rows are ranked by a label-quality score.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default=None
        Cross-fitted to get the probabilities.  ``None`` uses
        ``make_pipeline(StandardScaler(with_mean=False),
        LogisticRegression())`` (sparse input works).
    cv : int or cross-validation splitter, default=5
        Number of stratified folds (shuffled with ``random_state``) or a
        splitter.  Every class needs at least ``cv`` rows.
    filter_by : {"prune_by_noise_rate", "prune_by_class", "both", \
            "confident_joint"}, default="prune_by_noise_rate"
        Which rows of the confident joint to flag; see
        :func:`flag_label_errors`.
    rank_by : {"self_confidence", "normalized_margin"}, default="self_confidence"
        Label-quality score behind ``scores_``.
    sampling_strategy : str, list or callable, default="all"
        Classes whose flagged rows are dropped (imbalanced-learn's cleaning
        semantics); flagged rows of other classes are kept.
    on_class_removal : {"warn", "raise"}, default="warn"
        What to do when the flagged rows are all the rows of a class: keep the
        class whole with a warning, or raise.
    n_jobs : int, default=None
        Folds fitted in parallel.
    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds.
    verbose : int, default=0
        When positive, print what ``fit_resample`` is doing (one line per
        fold, then the number of flagged rows).

    Attributes
    ----------
    oof_proba_ : ndarray of shape (n_samples, n_classes)
        Out-of-fold probabilities (columns in sorted class order).
    confident_joint_ : ndarray of shape (n_classes, n_classes)
        Calibrated joint ``Q[given, true]``.
    thresholds_ : ndarray of shape (n_classes,)
        Per-class confidence thresholds.
    scores_ : ndarray of shape (n_samples,)
        ``1 - label quality``: higher means more likely mislabelled.
    mask_ : ndarray of shape (n_samples,), dtype bool
        Rows flagged as label errors (in every class).
    sample_indices_ : ndarray of int
        Rows kept by ``fit_resample``.
    provenance_ : Provenance
        Kept rows (no synthetic rows).

    See Also
    --------
    AreaUnderMarginSelector : label errors from training dynamics.
    RegressionResidualSelector : the same idea for continuous targets.

    References
    ----------
    .. [1] C. Northcutt, L. Jiang, I. Chuang, "Confident Learning: Estimating
       Uncertainty in Dataset Labels", JAIR 70, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.selection import ConfidenceSelector
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> y_noisy = y.copy(); y_noisy[:30] = 1 - y_noisy[:30]
    >>> sel = ConfidenceSelector(random_state=0)
    >>> X_clean, y_clean = sel.fit_resample(X, y_noisy)
    >>> bool(sel.mask_[:30].mean() > sel.mask_[30:].mean())
    True
    """

    _parameter_constraints: dict = {
        **_BaseSelector._parameter_constraints,
        "estimator": [HasMethods(["fit"]), None],
        "cv": [Interval(Integral, 2, None, closed="left"), "cv_object"],
        "filter_by": [StrOptions(set(FILTERS))],
        "rank_by": [StrOptions({"self_confidence", "normalized_margin"})],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    _accept_sparse = True

    def __init__(
        self,
        estimator=None,
        *,
        cv=5,
        filter_by="prune_by_noise_rate",
        rank_by="self_confidence",
        sampling_strategy="all",
        on_class_removal="warn",
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.estimator = estimator
        self.cv = cv
        self.filter_by = filter_by
        self.rank_by = rank_by
        self.on_class_removal = on_class_removal
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    _default_estimator = staticmethod(_default_classifier)

    def _score_and_flag(self, X, y, groups=None, **fit_params):
        est = clone(self._estimator())
        _check_predict_proba(est, "ConfidenceSelector")
        params = routed_params(self, "fit_resample", fit_params)
        if self.estimator is None:
            # the default model standardises first: a power-of-two scaling
            # changes nothing but keeps the scaler's sums of squares finite
            X, _ = pow2_rescale(X)
        _progress(
            self, f"out-of-fold probabilities of {X.shape[0]} rows ({self.cv} folds)"
        )
        with explain_overflow(X, estimator=self):
            proba = out_of_fold_proba(
                est, X, y, cv=self.cv, random_state=self.random_state,
                n_jobs=self.n_jobs, groups=groups, params=params,
                verbose=self.verbose,
            )  # fmt: skip
        self.oof_proba_ = proba
        Q, _, thresholds = confident_joint(y, proba)
        self.confident_joint_ = Q
        self.thresholds_ = thresholds
        quality = label_quality_scores(y, proba, method=self.rank_by)
        flagged = flag_label_errors(y, proba, filter_by=self.filter_by)
        _progress(self, f"{int(flagged.sum())} rows flagged by {self.filter_by}")
        return 1.0 - quality, flagged
