"""LVQ-SMOTE (Nakamura et al., 2013)."""

import numbers
import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.utils._param_validation import Interval

from ...utils.validation import pow2_rescale, unscale
from ._common import (
    K_NEIGHBORS_CONSTRAINT,
    _kneighbors,
    _resolve_k,
    _VariantOverSampler,
)

__all__ = ["LVQSMOTE"]


def _matching_pairs(codebook):
    """For each ordered pair (a, b) of codebook vectors, the ordered pair
    (i, j), disjoint from {a, b} and with i != j, whose difference
    ``c_i - c_j`` is closest to ``c_a - c_b``.

    Returns ``(best_i, best_j)`` of shape (C, C); when no disjoint pair
    exists (C < 4), pairs that share a vector are allowed, and with C < 2
    the pair is (0, 0).
    """
    C = codebook.shape[0]
    if C < 2:
        return np.zeros((C, C), np.int64), np.zeros((C, C), np.int64)
    diff = codebook[:, None, :] - codebook[None, :, :]  # (C, C, d)
    flat = diff.reshape(C * C, -1)
    dist = np.linalg.norm(flat[:, None, :] - flat[None, :, :], axis=2)
    a, b = np.divmod(np.arange(C * C), C)
    same = a == b
    share = (
        (a[:, None] == a[None, :])
        | (a[:, None] == b[None, :])
        | (b[:, None] == a[None, :])
        | (b[:, None] == b[None, :])
    )
    bad = same[None, :] | (share if C >= 4 else np.eye(C * C, dtype=bool))
    dist = np.where(bad, np.inf, dist)
    best = np.argmin(dist, axis=1)
    return (best // C).reshape(C, C), (best % C).reshape(C, C)


class LVQSMOTE(_VariantOverSampler):
    """LVQ-SMOTE: synthetic samples from codebook relations.

    Nakamura et al. (2013) summarise the minority class by a codebook of
    prototype vectors and generate a sample by replicating a relative
    position: for a random ordered pair of codebook vectors ``(c_a, c_b)``
    the pair ``(c_i, c_j)`` with the most similar difference vector is
    found; ``c_o``, one of ``c_i, c_j`` at random, stands for ``c_a``'s
    counterpart, and the sample is ``c_a + (x - c_o)``, where ``x`` is one
    of the ``k`` minority samples nearest to ``c_o``: the neighbourhood of
    ``c_o`` transplanted next to ``c_a``.

    The codebook is the set of ``n_clusters`` k-means centres of the class,
    as in the reference implementation (smote-variants), which also uses
    only the class itself as the source of patterns where the paper draws
    them from other, related datasets.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of samples to generate per class, as in imbalanced-learn
        (each class is over-sampled against all the others).
    k_neighbors : int or object with ``kneighbors``, default=5
        Number of minority samples nearest to a codebook vector among which
        ``x`` is drawn.
        An object (e.g. a ``NearestNeighbors``) is used for every neighbour
        search, with ``n_neighbors - 1`` neighbours (the point itself is
        counted, as in imbalanced-learn).
    n_clusters : int, default=10
        Size of the codebook (lowered to the class size when larger).
    random_state : int, RandomState instance or None, default=None
        Seed of k-means and of the random choices.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.
    codebooks_ : dict
        Class label -> codebook vectors of the class.
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of each output row: ``seed`` is the minority sample ``x``
        that was translated (by ``c_a - c_o``), ``partner = -1``,
        ``gap = 0``.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    References
    ----------
    .. [1] M. Nakamura, Y. Kajiwara, A. Otsuka and H. Kimura, "LVQ-SMOTE -
       Learning Vector Quantization based Synthetic Minority Over-sampling
       Technique for biomedical data", BioData Mining 6(16), 2013.
       doi:10.1186/1756-0381-6-16

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import LVQSMOTE
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = LVQSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 180), (np.int64(1), 180)]
    """

    _parameter_constraints = {
        **_VariantOverSampler._parameter_constraints,
        "k_neighbors": K_NEIGHBORS_CONSTRAINT,
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
    }
    _per_class_attributes = ("codebooks_",)
    _min_class_size = 1

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        n_clusters=10,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.n_clusters = n_clusters
        self.random_state = random_state

    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        # codebook relations are equivariant under a common scaling: huge X is
        # scaled by a power of two and mapped back exactly
        X, e = pow2_rescale(X)
        X_min = X[idx_min].astype(np.float64)
        C = min(self.n_clusters, X_min.shape[0])
        km = KMeans(n_clusters=C, n_init=1, random_state=rng.randint(2**31 - 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate points: fewer clusters
            codebook = km.fit(X_min).cluster_centers_
        self.codebooks_[class_sample] = unscale(codebook, e)
        k, nn = _resolve_k(self.k_neighbors)
        near = _kneighbors(X_min, k, X_query=codebook, estimator=nn)
        best_i, best_j = _matching_pairs(codebook)
        if C >= 2:
            a = rng.randint(0, C, size=n_samples)
            b = (a + rng.randint(1, C, size=n_samples)) % C
            o = np.where(rng.rand(n_samples) < 0.5, best_i[a, b], best_j[a, b])
        else:
            a = o = np.zeros(n_samples, dtype=np.int64)
        x = near[o, rng.randint(0, near.shape[1], size=n_samples)]
        X_new = unscale(X_min[x] + (codebook[a] - codebook[o]), e)
        return X_new, idx_min[x], np.full(n_samples, -1), np.zeros(n_samples)
