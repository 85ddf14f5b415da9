"""Area under the margin (Pleiss et al. 2020) from training dynamics."""

import time
from numbers import Real

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.validation import check_random_state

from ..utils._routing import routed_params
from ..utils.validation import pow2_rescale
from ._base import (
    _BaseSelector,
    _EstimatorRoutingMixin,
    _progress,
    _set_random_state,
)

__all__ = ["AreaUnderMarginSelector", "margins_from_logits"]


@validate_params(
    {"logits": ["array-like"], "y": ["array-like"]}, prefer_skip_nested_validation=True
)
def margins_from_logits(logits, y):
    """Margin of each row: logit of its assigned label minus the largest other.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_classes)
        Logits (or any class scores) of each row.
    y : ndarray of shape (n_samples,)
        Column index of each row's assigned label.

    Returns
    -------
    margins : ndarray of shape (n_samples,)
        Margin of each row; negative when another class scores higher.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.selection import margins_from_logits
    >>> margins_from_logits(np.array([[2.0, 0.5], [0.1, 1.0]]), np.array([0, 0]))
    array([ 1.5, -0.9])
    """
    logits = np.asarray(logits, dtype=np.float64)
    rows = np.arange(logits.shape[0])
    assigned = logits[rows, y]
    other = logits.copy()
    other[rows, y] = -np.inf
    return assigned - other.max(axis=1)


def _default_booster():
    # shallow trees: boosting with deep trees memorises the threshold
    # samples quickly, which lifts their AUM and the cut-off
    return HistGradientBoostingClassifier(
        max_iter=50, max_depth=2, learning_rate=0.1, early_stopping=False
    )


def _training_margins(est, X, y_col):
    """Per-step margins, shape (n_steps, n_samples), of a fitted estimator.

    Uses ``margins_`` (the neural module's recorded training dynamics) when
    present, otherwise the staged decision function of a boosting model.
    """
    n = X.shape[0]
    try:
        margins = est.margins_
    except AttributeError:
        margins = None
    if margins is not None:
        margins = np.asarray(margins, dtype=np.float64)
        if margins.ndim != 2 or margins.shape[1] != n:
            raise ValueError(
                f"{type(est).__name__}.margins_ has shape {margins.shape}; "
                f"expected (n_epochs, {n}), one margin per training row and "
                "epoch. Train on every row (e.g. train_split=None for skorch "
                "models) so that each row's dynamics are recorded."
            )
        if margins.shape[0] == 0 or np.isnan(margins).any():
            raise ValueError(
                f"{type(est).__name__}.margins_ has no epochs or NaN columns "
                "(rows held out for validation are never trained on). Fit on "
                "every row: set train_split=None."
            )
        return margins
    if not hasattr(est, "staged_decision_function"):
        raise TypeError(
            f"{type(est).__name__} exposes no training dynamics: "
            "AreaUnderMarginSelector needs an estimator with "
            "staged_decision_function (HistGradientBoostingClassifier, "
            "GradientBoostingClassifier) or one recording per-epoch margins_ "
            "(sklearn_datacentric.neural with record_dynamics=True)."
        )
    col = np.searchsorted(est.classes_, y_col)
    out = []
    for logits in est.staged_decision_function(X):
        logits = np.asarray(logits)
        if logits.ndim == 1:  # pragma: no cover - binary boosting (never: c+1 >= 3)
            logits = np.column_stack([-logits / 2, logits / 2])
        out.append(margins_from_logits(logits, col))
    return np.asarray(out)


class AreaUnderMarginSelector(_EstimatorRoutingMixin, _BaseSelector):
    """Drop likely label errors ranked by the area under the margin (AUM).

    The margin of a training row at a training step is the logit of its
    assigned label minus the largest other logit; its AUM is the mean margin
    over training.  Mislabelled rows fight the rest of their class and keep a
    low, often negative, AUM.  The cut-off comes from *threshold samples*: a
    random slice of ``N // (c + 1)`` rows is relabelled to a fake extra class
    ``c + 1``, so these rows are mislabelled by construction; rows whose AUM
    is at most the ``percentile``-th percentile of the threshold samples' AUM
    are flagged.  Two models are trained with disjoint threshold slices, so
    every row has an AUM from a run in which it kept its label (Pleiss et al.
    2020).

    Training dynamics come from

    * boosting (default): the staged decision function of
      ``HistGradientBoostingClassifier`` / ``GradientBoostingClassifier``
      gives the logits after each boosting iteration, or
    * a neural network recording per-epoch margins (an estimator exposing
      ``margins_`` of shape ``(n_epochs, n_samples)`` after ``fit``, such as
      ``sklearn_datacentric.neural.TabularNetClassifier(record_dynamics=True,
      train_split=None)``).

    A row's AUM is averaged over the runs in which it was not a threshold
    sample, and compared with the mean cut-off of those runs.

    Parameters
    ----------
    estimator : classifier, default=None
        Model whose training dynamics are recorded. ``None`` uses
        ``HistGradientBoostingClassifier(max_iter=50, max_depth=2,
        early_stopping=False)``.
    percentile : float in (0, 100], default=99.0
        Percentile of the threshold samples' AUM used as cut-off.  The
        paper's 99 is conservative: it aims to remove nearly every mislabelled
        row.  On small tabular data, where the fake class keeps every margin
        small, it also flags many clean rows (high recall, low precision; see
        ``benchmarks/results/selection_noise.md``); a lower percentile trades
        recall for precision, and ``scores_`` gives the ranking either way.
    sampling_strategy : str, list or callable, default="all"
        Classes whose flagged rows are dropped.
    on_class_removal : {"warn", "raise"}, default="warn"
        See :class:`ConfidenceSelector`.
    random_state : int, RandomState instance or None, default=None
        Choice of the threshold slices (and the estimator's seed).
    verbose : int, default=0
        When positive, print one line per training run (model, rows,
        training steps, seconds).

    Attributes
    ----------
    aum_ : ndarray of shape (n_samples,)
        AUM of each row (mean over its non-threshold runs).
    run_aum_ : ndarray of shape (2, n_samples)
        AUM in each run (threshold rows measured against the fake class).
    threshold_mask_ : ndarray of shape (2, n_samples), dtype bool
        Threshold rows of each run.
    cutoffs_ : ndarray of shape (2,)
        Cut-off of each run.
    scores_ : ndarray of shape (n_samples,)
        ``-aum_``: higher = more suspicious.
    mask_ : ndarray of shape (n_samples,), dtype bool
        Rows flagged as mislabelled.
    sample_indices_ : ndarray of int
        Rows kept by ``fit_resample``.
    provenance_ : Provenance

    References
    ----------
    .. [1] G. Pleiss, T. Zhang, E. Elenberg, K. Weinberger, "Identifying
       Mislabeled Data using the Area Under the Margin Ranking", NeurIPS 2020
       (arXiv:2001.10528).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.selection import AreaUnderMarginSelector
    >>> X, y = make_classification(n_samples=400, random_state=0)
    >>> y_noisy = y.copy(); y_noisy[:40] = 1 - y_noisy[:40]
    >>> sel = AreaUnderMarginSelector(random_state=0)
    >>> X_clean, y_clean = sel.fit_resample(X, y_noisy)
    >>> bool(sel.mask_[:40].mean() > sel.mask_[40:].mean())
    True
    """

    _parameter_constraints: dict = {
        **_BaseSelector._parameter_constraints,
        "estimator": [HasMethods(["fit"]), None],
        "percentile": [Interval(Real, 0, 100, closed="right")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # fast settings for the generic estimator checks
    _test_params = {
        "estimator": HistGradientBoostingClassifier(
            max_iter=10, max_depth=2, early_stopping=False
        )
    }

    def __init__(
        self,
        estimator=None,
        *,
        percentile=99.0,
        sampling_strategy="all",
        on_class_removal="warn",
        random_state=None,
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.estimator = estimator
        self.percentile = percentile
        self.on_class_removal = on_class_removal
        self.random_state = random_state
        self.verbose = verbose

    _default_estimator = staticmethod(_default_booster)

    def _score_and_flag(self, X, y, **fit_params):
        params = routed_params(self, "fit_resample", fit_params)
        rng = check_random_state(self.random_state)
        n = X.shape[0]
        c = int(y.max()) + 1
        m = n // (c + 1)
        if m < 1:
            raise ValueError(
                f"AreaUnderMarginSelector needs at least {c + 1} rows for "
                f"{c} classes (one threshold sample per run); got {n}."
            )
        if self.estimator is None or isinstance(
            self.estimator, (HistGradientBoostingClassifier, GradientBoostingClassifier)
        ):
            # boosted trees split on thresholds of X (invariant to a
            # power-of-two scaling, which keeps bin midpoints and split
            # thresholds finite for |x| near 1e308)
            X, _ = pow2_rescale(X)
        perm = rng.permutation(n)
        slices = [perm[:m], perm[m : 2 * m]]
        base = self._estimator()
        run_aum = np.empty((2, n))
        thr_mask = np.zeros((2, n), dtype=bool)
        cutoffs = np.empty(2)
        for r, thr in enumerate(slices):
            start = time.perf_counter()
            y_run = y.copy()
            y_run[thr] = c  # the fake class
            thr_mask[r, thr] = True
            est = clone(base)
            _set_random_state(est, rng.randint(np.iinfo(np.int32).max))
            est.fit(X, y_run, **params)
            margins = _training_margins(est, X, y_run)
            run_aum[r] = margins.mean(axis=0)
            cutoffs[r] = np.percentile(run_aum[r, thr], self.percentile)
            _progress(
                self,
                f"run {r + 1}/2: {type(est).__name__} on {n} rows with {m} "
                f"threshold rows, {margins.shape[0]} training steps, "
                f"{time.perf_counter() - start:.1f} s",
            )
        valid = ~thr_mask
        n_valid = valid.sum(axis=0)
        aum = (run_aum * valid).sum(axis=0) / n_valid
        cut = (cutoffs[:, None] * valid).sum(axis=0) / n_valid
        self.run_aum_ = run_aum
        self.threshold_mask_ = thr_mask
        self.cutoffs_ = cutoffs
        self.aum_ = aum
        return -aum, aum <= cut
