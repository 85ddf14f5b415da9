"""Data pruning: EL2N scores, a random baseline, a per-epoch subset sampler."""

import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.validation import check_random_state

from ..utils._routing import routed_params
from ..utils._warnings import external_stacklevel
from ..utils.validation import check_keep_ratio, explain_overflow, pow2_rescale
from ._base import (
    _BaseSelector,
    _check_predict_proba,
    _EstimatorRoutingMixin,
    _progress,
    _set_random_state,
)

__all__ = ["EL2NPruner", "RandomPruner", "RepeatedRandomSubsetSampler", "el2n_scores"]


@validate_params(
    {"proba": ["array-like"], "y": ["array-like"]}, prefer_skip_nested_validation=True
)
def el2n_scores(proba, y):
    """EL2N score ``||p(x) - onehot(y)||_2`` of each row.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)
        Predicted probabilities (softmax outputs).
    y : ndarray of shape (n_samples,)
        Integer labels indexing the columns of ``proba``.

    Returns
    -------
    scores : ndarray of shape (n_samples,), values in [0, sqrt(2)]
        EL2N score of each row; higher = harder.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.selection import el2n_scores
    >>> el2n_scores(np.array([[0.9, 0.1], [0.5, 0.5]]), np.array([0, 1]))
    array([0.14142136, 0.70710678])
    """
    proba = np.asarray(proba, dtype=np.float64)
    err = proba.copy()
    err[np.arange(err.shape[0]), y] -= 1.0
    return np.sqrt(np.einsum("ij,ij->i", err, err))


class _BasePruner(_BaseSelector):
    """Keep ``keep_ratio`` of the targeted rows, the highest scores after an offset."""

    _parameter_constraints: dict = {
        **_BaseSelector._parameter_constraints,
        "keep_ratio": [Interval(Real, 0, 1, closed="right")],
        "random_state": ["random_state"],
    }

    def _rank_and_prune(self, scores, y, offset):
        keep_ratio = self.keep_ratio
        if keep_ratio + offset > 1:
            raise ValueError(
                f"keep_ratio + offset must be at most 1, got {keep_ratio} + "
                f"{offset}: there are not enough rows left after the offset."
            )
        targeted = np.flatnonzero(
            np.isin(y, np.asarray(list(self.sampling_strategy_.keys())))
        )
        n_t = targeted.shape[0]
        n_off = int(np.floor(offset * n_t))
        n_keep = max(1, int(round(keep_ratio * n_t)))
        n_keep = min(n_keep, n_t - n_off)
        order = targeted[np.argsort(-scores[targeted], kind="stable")]
        pruned = np.zeros(y.shape[0], dtype=bool)
        pruned[order[:n_off]] = True
        pruned[order[n_off + n_keep :]] = True
        return pruned

    def _fit_resample(self, X, y, **params):
        # sampling_strategy_ is in the original label space; the base class
        # gives _score_and_flag encoded labels, so map the targeted classes.
        self._y_original = y
        try:
            return super()._fit_resample(X, y, **params)
        finally:
            del self._y_original


class EL2NPruner(_EstimatorRoutingMixin, _BasePruner):
    """Keep the hardest rows by EL2N score, optionally skipping the very hardest.

    EL2N (Paul et al. 2021) scores a row by the L2 norm of its error vector
    ``softmax(f(x)) - onehot(y)`` early in training, averaged over several
    independent short trainings (different seeds).  Hard rows (high score)
    carry the information; easy rows can be pruned with little loss.  The
    very hardest rows are often mislabelled, so an ``offset`` fraction of the
    top can be skipped.  Here the short trainings are in-sample fits of
    ``estimator`` (by default a small MLP stopped after a few epochs) with
    ``n_fits`` different seeds.

    Among the rows of the classes targeted by ``sampling_strategy``, sorted
    by decreasing score, the first ``floor(offset * n)`` rows are dropped, the
    next ``round(keep_ratio * n)`` kept and the rest dropped.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default=None
        The short training.  ``None`` uses ``make_pipeline(StandardScaler(),
        MLPClassifier(hidden_layer_sizes=(64,), max_iter=10))`` (early in
        training: ``ConvergenceWarning`` is silenced for it).  Its
        ``random_state`` parameters are re-seeded for every fit.
    keep_ratio : float in (0, 1], default=0.5
        Fraction of the targeted rows kept.
    offset : float in [0, 1), default=0.0
        Fraction of the targeted rows with the highest scores dropped first.
    n_fits : int, default=5
        Short trainings averaged.
    sampling_strategy : str, list or callable, default="all"
        Classes pruned; rows of other classes are all kept.
    on_class_removal : {"warn", "raise"}, default="warn"
        What to do when pruning would remove every row of a class.
    random_state : int, RandomState instance or None, default=None
        Seeds of the short trainings.
    verbose : int, default=0
        When positive, print one line per short training (model, rows,
        seconds).

    Attributes
    ----------
    scores_ : ndarray of shape (n_samples,)
        Mean EL2N score; higher = harder.
    mask_ : ndarray of shape (n_samples,), dtype bool
        Rows pruned.
    sample_indices_ : ndarray of int
        Rows kept.
    provenance_ : Provenance

    See Also
    --------
    RandomPruner : the baseline with the same interface.

    References
    ----------
    .. [1] M. Paul, S. Ganguli, G. K. Dziugaite, "Deep Learning on a Data
       Diet: Finding Important Examples Early in Training", NeurIPS 2021
       (arXiv:2107.07075).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.selection import EL2NPruner
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> X_small, y_small = EL2NPruner(keep_ratio=0.5, random_state=0).fit_resample(X, y)
    >>> X_small.shape
    (150, 20)
    """

    _parameter_constraints: dict = {
        **_BasePruner._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "offset": [Interval(Real, 0, 1, closed="left")],
        "n_fits": [Interval(Integral, 1, None, closed="left")],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        keep_ratio=0.5,
        offset=0.0,
        n_fits=5,
        sampling_strategy="all",
        on_class_removal="warn",
        random_state=None,
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.estimator = estimator
        self.keep_ratio = keep_ratio
        self.offset = offset
        self.n_fits = n_fits
        self.on_class_removal = on_class_removal
        self.random_state = random_state
        self.verbose = verbose

    @staticmethod
    def _default_estimator():
        return make_pipeline(
            StandardScaler(), MLPClassifier(hidden_layer_sizes=(64,), max_iter=10)
        )

    def _score_and_flag(self, X, y, **fit_params):
        rng = check_random_state(self.random_state)
        default = self.estimator is None
        base = self._estimator()
        params = routed_params(self, "fit_resample", fit_params)
        _check_predict_proba(base, "EL2NPruner")
        total = np.zeros(X.shape[0])
        seeded = True
        if default:
            # the default model standardises first: a power-of-two scaling
            # changes nothing but keeps the scaler's sums of squares finite
            X, _ = pow2_rescale(X)
        for k in range(self.n_fits):
            start = time.perf_counter()
            est = clone(base)
            seeded = _set_random_state(est, rng.randint(np.iinfo(np.int32).max))
            with warnings.catch_warnings(), explain_overflow(X, estimator=self):
                if default:
                    warnings.simplefilter("ignore", ConvergenceWarning)
                est.fit(X, y, **params)
                proba = est.predict_proba(X)
            col = np.searchsorted(est.classes_, y)
            total += el2n_scores(proba, col)
            _progress(
                self,
                f"short fit {k + 1}/{self.n_fits}: {type(est).__name__} on "
                f"{X.shape[0]} rows in {time.perf_counter() - start:.1f} s",
            )
        if not seeded and self.n_fits > 1:
            warnings.warn(
                f"{type(base).__name__} has no random_state: the {self.n_fits} "
                "short fits are identical. Use n_fits=1 or a randomised model.",
                UserWarning,
                stacklevel=external_stacklevel(),
            )
        scores = total / self.n_fits
        return scores, self._rank_and_prune(scores, self._y_original, self.offset)


class RandomPruner(_BasePruner):
    """Keep a uniformly random ``keep_ratio`` of the rows: the pruning baseline.

    Same interface as :class:`EL2NPruner`, so any pruning score can be
    compared against random selection at the same data budget.

    Parameters
    ----------
    keep_ratio : float in (0, 1], default=0.5
        Fraction of the targeted rows kept.
    sampling_strategy : str, list or callable, default="all"
        Classes pruned; rows of other classes are all kept.
    on_class_removal : {"warn", "raise"}, default="warn"
        What to do when pruning would remove every row of a class.
    random_state : int, RandomState instance or None, default=None
        Controls the randomness; pass an int for reproducible output.

    Attributes
    ----------
    scores_ : ndarray of shape (n_samples,)
        Uniform random scores (the kept rows have the highest).
    mask_ : ndarray of shape (n_samples,), dtype bool
        Rows pruned.
    sample_indices_ : ndarray of int
        Rows kept.
    provenance_ : Provenance

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.selection import RandomPruner
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
    >>> RandomPruner(keep_ratio=0.6, random_state=0).fit_resample(X, y)[0].shape
    (6, 2)
    """

    _accept_sparse = True

    def __init__(
        self,
        *,
        keep_ratio=0.5,
        sampling_strategy="all",
        on_class_removal="warn",
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.keep_ratio = keep_ratio
        self.on_class_removal = on_class_removal
        self.random_state = random_state

    def _score_and_flag(self, X, y):
        scores = check_random_state(self.random_state).uniform(size=X.shape[0])
        return scores, self._rank_and_prune(scores, self._y_original, 0.0)


class RepeatedRandomSubsetSampler:
    """Per-epoch random subsets of the training rows (repeated random sampling).

    Each epoch (each ``iter``) yields ``round(keep_ratio * n_samples)`` row
    indices.  With ``replacement=False`` (default) the subsets walk through
    one random permutation after another, so every row is seen once before
    any row is seen twice (RS2 without replacement, Okanovic et al. 2023);
    with ``replacement=True`` each epoch draws a fresh independent subset.
    Compared with static pruning, every row keeps a chance to be trained on.

    A plain Python iterable with ``__len__``: it works as the ``sampler`` of a
    ``torch.utils.data.DataLoader`` (pass it to the neural estimators as
    ``iterator_train__sampler=...`` with ``iterator_train__shuffle=False``)
    and needs no torch to import.

    Parameters
    ----------
    n_samples : int
        Number of training rows (the length of the training dataset).
    keep_ratio : float in (0, 1], default=0.1
        Fraction of the rows per epoch.
    replacement : bool, default=False
        Draw each epoch's subset independently instead of walking through
        permutations.
    random_state : int, RandomState instance or None, default=None
        Controls the randomness; pass an int for reproducible output.

    References
    ----------
    .. [1] P. Okanovic et al., "Repeated Random Sampling for Minimizing the
       Time-to-Accuracy of Learning", ICLR 2024 (arXiv:2305.18424).

    Examples
    --------
    >>> from sklearn_datacentric.selection import RepeatedRandomSubsetSampler
    >>> s = RepeatedRandomSubsetSampler(10, keep_ratio=0.5, random_state=0)
    >>> len(s), sorted(list(s) + list(s)) == list(range(10))
    (5, True)
    """

    def __init__(
        self, n_samples, *, keep_ratio=0.1, replacement=False, random_state=None
    ):
        if isinstance(n_samples, bool) or not isinstance(
            n_samples, (Integral, np.integer)
        ):
            if hasattr(n_samples, "__len__"):
                n_samples = len(n_samples)
            else:
                raise TypeError(
                    f"n_samples must be an int (or a sized dataset), got {n_samples!r}."
                )
        if n_samples < 1:
            raise ValueError(f"n_samples must be at least 1, got {n_samples}.")
        self.n_samples = int(n_samples)
        self.keep_ratio = check_keep_ratio(keep_ratio)
        self.replacement = bool(replacement)
        self.random_state = random_state
        self._rng = check_random_state(random_state)
        self._perm = np.empty(0, dtype=np.int64)
        self._pos = 0

    def __len__(self):
        return max(1, int(round(self.keep_ratio * self.n_samples)))

    def epoch_indices(self):
        """Return the indices of the next epoch's subset (advances the sampler).

        Returns
        -------
        indices : ndarray of shape (len(self),), dtype int
            Row positions of the epoch.
        """
        m = len(self)
        if self.replacement:
            return self._rng.choice(self.n_samples, size=m, replace=False)
        rest = self._perm[self._pos :]
        if rest.shape[0] >= m:
            self._pos += m
            return rest[:m].copy()
        # start a new permutation; the rows still owed by the old one go to
        # its end, so no row repeats within this epoch
        perm = self._rng.permutation(self.n_samples)
        owed = np.isin(perm, rest)
        perm = np.concatenate([perm[~owed], perm[owed]])
        need = m - rest.shape[0]
        self._perm, self._pos = perm, need
        out = [rest, perm[:need]]
        return np.concatenate(out)

    def __iter__(self):
        return iter(self.epoch_indices().tolist())
