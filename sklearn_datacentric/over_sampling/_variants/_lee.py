"""SMOTE with rejection of synthetic samples in majority regions (Lee et al., 2015)."""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval

from ._common import (
    K_NEIGHBORS_CONSTRAINT,
    _fit_searcher,
    _interpolate,
    _kneighbors,
    _resolve_k,
    _VariantOverSampler,
)

__all__ = ["LeeSMOTE"]

# after this many batches in a row without an accepted sample, the rejection
# level rises by _LEVEL_STEP (as in the reference implementation)
_MAX_EMPTY_BATCHES = 5
_LEVEL_STEP = 0.1
_MIN_BATCH = 20


class LeeSMOTE(_VariantOverSampler):
    """Over-sampling with rejection (Lee, Kim and Lee, 2015).

    Candidates are generated as in SMOTE: a random minority sample ``x``,
    one of its ``k`` nearest minority neighbours ``x'``, and
    ``x + u (x' - x)``, ``u ~ U(0, 1)``.  A candidate is kept only if the
    fraction of other-class samples among its ``k`` nearest neighbours in
    the original data is below ``rejection_level``; otherwise it is
    rejected and another one is drawn.  When no candidate of a batch is
    accepted for several batches in a row, the level is raised by 0.1
    (it then eventually exceeds 1 and every candidate is accepted), so
    that the method always terminates with the requested count.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of samples to generate per class, as in imbalanced-learn
        (each class is over-sampled against all the others).
    k_neighbors : int or object with ``kneighbors``, default=5
        ``k`` of the paper: neighbours used both for generation and for the
        rejection test.
        An object (e.g. a ``NearestNeighbors``) is used for every neighbour
        search, with ``n_neighbors - 1`` neighbours (the point itself is
        counted, as in imbalanced-learn).
    rejection_level : float, default=0.5
        A candidate is rejected when at least this fraction of its ``k``
        nearest neighbours belong to another class.
    random_state : int, RandomState instance or None, default=None
        Seed of the random choices.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.
    rejection_levels_ : dict
        Class label -> rejection level in force at the end of generation
        (larger than ``rejection_level`` when it had to be raised).
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of each output row (seed, neighbour and position).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    References
    ----------
    .. [1] J. Lee, N.-R. Kim and J.-H. Lee, "An over-sampling technique with
       rejection for imbalanced class learning", Proceedings of the 9th
       International Conference on Ubiquitous Information Management and
       Communication (IMCOM '15), article 102, 2015.
       doi:10.1145/2701126.2701181

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import LeeSMOTE
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = LeeSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 180), (np.int64(1), 180)]
    """

    _parameter_constraints = {
        **_VariantOverSampler._parameter_constraints,
        "k_neighbors": K_NEIGHBORS_CONSTRAINT,
        "rejection_level": [Interval(numbers.Real, 0, 1, closed="right")],
    }
    _per_class_attributes = ("rejection_levels_",)

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        rejection_level=0.5,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.rejection_level = rejection_level
        self.random_state = random_state

    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        X_min = X[idx_min].astype(np.float64)
        Xf = X.astype(np.float64)
        k, nn = _resolve_k(self.k_neighbors)
        neigh = _kneighbors(X_min, k, estimator=nn)
        k_all = min(k, X.shape[0])
        searcher = _fit_searcher(Xf, k_all, nn)
        other = y != class_sample
        level = float(self.rejection_level)
        seeds, partners, gaps = [], [], []
        n_done, empty = 0, 0
        while n_done < n_samples:
            n_try = max(n_samples - n_done, _MIN_BATCH)
            s = rng.randint(0, X_min.shape[0], size=n_try)
            p = neigh[s, rng.randint(0, neigh.shape[1], size=n_try)]
            g = rng.uniform(0.0, 1.0, size=n_try)
            cand = _interpolate(X_min, s, p, g)
            ind = searcher.kneighbors(cand, n_neighbors=k_all, return_distance=False)
            frac = other[ind].mean(axis=1)
            ok = np.flatnonzero(frac < level)[: n_samples - n_done]
            if ok.shape[0] == 0:
                empty += 1
                if empty > _MAX_EMPTY_BATCHES:
                    level += _LEVEL_STEP
                    empty = 0
                continue
            empty = 0
            seeds.append(s[ok])
            partners.append(p[ok])
            gaps.append(g[ok])
            n_done += ok.shape[0]
        self.rejection_levels_[class_sample] = level
        seed = np.concatenate(seeds)
        partner = np.concatenate(partners)
        gap = np.concatenate(gaps)
        X_new = _interpolate(X_min, seed, partner, gap)
        return X_new, idx_min[seed], idx_min[partner], gap
