"""Assembled SMOTE (Zhou et al., 2013)."""

import numbers

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.utils._param_validation import Interval

from ...utils.validation import scale_equivariant
from ._common import (
    K_NEIGHBORS_CONSTRAINT,
    _allocate,
    _interpolate,
    _kneighbors,
    _kneighbors_of_rows,
    _resolve_k,
    _VariantOverSampler,
)

__all__ = ["AssembledSMOTE"]


def _first_component(X):
    """Unit first principal axis of the rows of ``X``."""
    Xc = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(Xc, full_matrices=False)
    return vt[0]


def _assemble_clusters(X_border, pop, threshold):
    """Agglomerative single-linkage clustering with the merge rule of the paper.

    The two closest clusters are merged when one of them has fewer than
    ``pop`` samples, or when the absolute cosine between their first
    principal axes exceeds ``threshold`` (they are roughly collinear);
    otherwise that pair is never merged.  Stops when no pair is left.
    """
    n = X_border.shape[0]
    clusters = [[i] for i in range(n)]
    D = cdist(X_border, X_border)
    np.fill_diagonal(D, np.inf)
    alive = np.ones(n, dtype=bool)
    while True:
        flat = np.argmin(D)
        a, b = divmod(int(flat), n)
        if not np.isfinite(D[a, b]):
            break
        if a > b:
            a, b = b, a
        merge = len(clusters[a]) < pop or len(clusters[b]) < pop
        if not merge:
            ca = _first_component(X_border[clusters[a]])
            cb = _first_component(X_border[clusters[b]])
            merge = abs(float(ca @ cb)) > threshold
        if merge:
            clusters[a] = clusters[a] + clusters[b]
            clusters[b] = []
            alive[b] = False
            row = np.minimum(D[a], D[b])
            D[a, :] = row
            D[:, a] = row
            D[b, :] = np.inf
            D[:, b] = np.inf
            D[a, a] = np.inf
            # pairs that were refused stay refused only for the old clusters
        else:
            D[a, b] = D[b, a] = np.inf
    return [np.asarray(c, dtype=np.int64) for c, ok in zip(clusters, alive) if ok]


class AssembledSMOTE(_VariantOverSampler):
    """Assembled SMOTE: SMOTE within clusters of border samples.

    Zhou et al. (2013) split the minority class into border samples (at
    least one of the ``k`` nearest neighbours belongs to another class)
    and inner samples.  The border samples are clustered agglomeratively
    (single linkage): the two closest clusters merge if one has fewer than
    ``pop`` samples, or if their first principal axes are nearly parallel
    (absolute cosine above ``threshold``), so that each cluster follows one
    locally linear stretch of the boundary.  The inner samples form one
    more cluster.  Clusters receive synthetic samples in proportion to
    their size, and inside a cluster SMOTE interpolates between a sample
    and one of its ``k`` nearest neighbours of the same cluster.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of samples to generate per class, as in imbalanced-learn
        (each class is over-sampled against all the others).
    k_neighbors : int or object with ``kneighbors``, default=5
        ``k`` of the border test and of SMOTE within clusters.
        An object (e.g. a ``NearestNeighbors``) is used for every neighbour
        search, with ``n_neighbors - 1`` neighbours (the point itself is
        counted, as in imbalanced-learn).
    pop : int, default=2
        Clusters smaller than this always merge with their nearest one.
    threshold : float, default=0.3
        Two clusters (both of at least ``pop`` samples) merge when the
        absolute cosine of the angle of their first principal axes is
        above this value.
    random_state : int, RandomState instance or None, default=None
        Seed of the random choices.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.
    clusters_ : dict
        Class label -> list of arrays of row indices of ``X`` (the border
        clusters, then the inner samples when there are any).
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of each output row (seed, neighbour in its cluster and
        position; a cluster of one sample gives copies, gap 0).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    References
    ----------
    .. [1] B. Zhou, C. Yang, H. Guo and J. Hu, "A quasi-linear SVM combined
       with assembled SMOTE for imbalanced data classification", The 2013
       International Joint Conference on Neural Networks (IJCNN), pp. 1-7,
       2013. doi:10.1109/IJCNN.2013.6707035

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import AssembledSMOTE
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = AssembledSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 180), (np.int64(1), 180)]
    """

    _parameter_constraints = {
        **_VariantOverSampler._parameter_constraints,
        "k_neighbors": K_NEIGHBORS_CONSTRAINT,
        "pop": [Interval(numbers.Integral, 1, None, closed="left")],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
    }
    _per_class_attributes = ("clusters_",)

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        pop=2,
        threshold=0.3,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.pop = pop
        self.threshold = threshold
        self.random_state = random_state

    @scale_equivariant
    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        Xf = X.astype(np.float64)
        X_min = Xf[idx_min]
        k, nn = _resolve_k(self.k_neighbors)
        # border: another class among the k nearest neighbours in all data
        ind = _kneighbors_of_rows(Xf, idx_min, k, nn)
        border = (y[ind] != class_sample).any(axis=1)
        local_border = np.flatnonzero(border)
        clusters = []
        if local_border.shape[0] > 0:
            for c in _assemble_clusters(X_min[local_border], self.pop, self.threshold):
                clusters.append(local_border[c])
        inner = np.flatnonzero(~border)
        if inner.shape[0] > 0:
            clusters.append(inner)
        self.clusters_[class_sample] = [idx_min[c] for c in clusters]
        counts = _allocate(n_samples, [len(c) for c in clusters], rng)
        seeds, partners = [], []
        for members, c in zip(clusters, counts):
            if c == 0:
                continue
            neigh = _kneighbors(X_min[members], k, estimator=nn)
            s = rng.randint(0, members.shape[0], size=c)
            if neigh.shape[1] == 0:
                p = s
            else:
                p = neigh[s, rng.randint(0, neigh.shape[1], size=c)]
            seeds.append(members[s])
            partners.append(members[p])
        seed = np.concatenate(seeds)
        partner = np.concatenate(partners)
        gap = np.where(seed == partner, 0.0, rng.uniform(0.0, 1.0, size=n_samples))
        X_new = _interpolate(X_min, seed, partner, gap)
        return X_new, idx_min[seed], idx_min[partner], gap
