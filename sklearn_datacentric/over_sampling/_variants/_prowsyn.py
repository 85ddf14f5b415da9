"""Proximity Weighted Synthetic oversampling (Barua et al., 2013)."""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval

from ._common import (
    K_NEIGHBORS_CONSTRAINT,
    _allocate,
    _interpolate,
    _kneighbors,
    _resolve_k,
    _VariantOverSampler,
)

__all__ = ["ProWSyn"]


def _proximity_levels(X_min, X_rest, k, n_levels, estimator=None):
    """Proximity level (1 = closest to the other classes) of each minority row.

    Level ``l < L``: the minority rows, among those not yet levelled, that
    are one of the ``k`` nearest of them to some row of another class.  The
    rows left after ``L - 1`` rounds get level ``L``.
    """
    m = X_min.shape[0]
    level = np.full(m, n_levels, dtype=np.int64)
    remaining = np.arange(m)
    for lev in range(1, n_levels):
        if remaining.shape[0] == 0 or X_rest.shape[0] == 0:
            break
        ind = _kneighbors(X_min[remaining], k, X_query=X_rest, estimator=estimator)
        hit = np.unique(ind.ravel())
        level[remaining[hit]] = lev
        remaining = np.delete(remaining, hit)
    return level


class ProWSyn(_VariantOverSampler):
    """Proximity Weighted Synthetic oversampling (ProWSyn).

    Barua, Islam and Murase (2013) split the minority class into ``L``
    proximity levels by their closeness to the other classes: level 1 holds
    the minority samples that are among the ``K`` nearest minority samples
    of some majority sample; they are removed and the search is repeated
    for levels 2 .. L - 1; what remains forms level ``L``.  Level ``l``
    gets the weight ``exp(-theta (l - 1))``, normalised over the levels, and
    that share of the synthetic samples.  Inside a level, each synthetic
    sample lies on the segment between two random samples of the level,
    ``x + u (x' - x)``, ``u ~ U(0, 1)``.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of samples to generate per class, as in imbalanced-learn
        (each class is over-sampled against all the others).
    k_neighbors : int or object with ``kneighbors``, default=5
        ``K`` of the paper: number of nearest minority samples of each
        majority sample that enter the current level.
        An object (e.g. a ``NearestNeighbors``) is used for every neighbour
        search, with ``n_neighbors - 1`` neighbours (the point itself is
        counted, as in imbalanced-learn).
    n_levels : int, default=5
        ``L`` of the paper: number of proximity levels.
    theta : float, default=1.0
        ``theta`` of the paper: smoothing factor of the level weights
        ``exp(-theta (l - 1))``; 0 gives all levels the same share.
    random_state : int, RandomState instance or None, default=None
        Seed of the random choices.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.
    proximity_levels_ : dict
        Class label -> proximity level (1..L) of each of its samples, for
        the classes that were over-sampled.
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of each output row (the two samples of the level and the
        position on their segment).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    References
    ----------
    .. [1] S. Barua, M. M. Islam and K. Murase, "ProWSyn: Proximity weighted
       synthetic oversampling technique for imbalanced data set learning",
       Advances in Knowledge Discovery and Data Mining (PAKDD 2013), LNCS
       7819, pp. 317-328, 2013. doi:10.1007/978-3-642-37456-2_27

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import ProWSyn
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = ProWSyn(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 180), (np.int64(1), 180)]
    """

    _parameter_constraints = {
        **_VariantOverSampler._parameter_constraints,
        "k_neighbors": K_NEIGHBORS_CONSTRAINT,
        "n_levels": [Interval(numbers.Integral, 1, None, closed="left")],
        "theta": [Interval(numbers.Real, 0, None, closed="left")],
    }
    _per_class_attributes = ("proximity_levels_",)

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        n_levels=5,
        theta=1.0,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.n_levels = n_levels
        self.theta = theta
        self.random_state = random_state

    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        X_min = X[idx_min].astype(np.float64)
        X_rest = X[y != class_sample].astype(np.float64)
        k, nn = _resolve_k(self.k_neighbors)
        level = _proximity_levels(X_min, X_rest, k, self.n_levels, nn)
        self.proximity_levels_[class_sample] = level
        levels = np.unique(level)
        weights = np.exp(-self.theta * (levels - 1.0))
        counts = _allocate(n_samples, weights, rng)
        seed = np.empty(n_samples, dtype=np.int64)
        partner = np.empty(n_samples, dtype=np.int64)
        start = 0
        for lev, c in zip(levels, counts):
            if c == 0:
                continue
            members = np.flatnonzero(level == lev)
            s = members.shape[0]
            a = rng.randint(0, s, size=c)
            b = (a + rng.randint(1, s, size=c)) % s if s > 1 else a
            seed[start : start + c] = members[a]
            partner[start : start + c] = members[b]
            start += c
        gap = rng.uniform(0.0, 1.0, size=n_samples)
        X_new = _interpolate(X_min, seed, partner, gap)
        return X_new, idx_min[seed], idx_min[partner], gap
