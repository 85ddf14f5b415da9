"""G-SMOTE: partially guided SMOTE (Sandhan and Choi, 2014)."""

import numpy as np

from ...utils.validation import scale_equivariant
from ._common import (
    K_NEIGHBORS_CONSTRAINT,
    _interpolate,
    _kneighbors,
    _resolve_k,
    _VariantOverSampler,
)

__all__ = ["GSMOTE"]


def _principal_direction(X_min):
    """Unit eigenvector of the largest eigenvalue of the class covariance."""
    if X_min.shape[0] < 2:
        return np.zeros(X_min.shape[1])
    cov = np.atleast_2d(np.cov(X_min, rowvar=False))
    w, v = np.linalg.eigh(cov)
    return v[:, np.argmax(w)]


def _guided_partners(X_min, neigh, H):
    """Per row, its neighbour whose direction is closest to the line of ``H``.

    The angle between ``x_nn - x`` and the principal line is
    ``arccos(|cos|)``; the neighbour with the smallest angle is chosen.
    """
    diff = X_min[neigh] - X_min[:, None, :]  # (m, k, d)
    norms = np.linalg.norm(diff, axis=2) * max(np.linalg.norm(H), 1e-300)
    norms[norms == 0.0] = np.inf  # duplicates point nowhere
    cos = np.abs(diff @ H) / norms
    return neigh[np.arange(neigh.shape[0]), np.argmax(cos, axis=1)]


class GSMOTE(_VariantOverSampler):
    """G-SMOTE: SMOTE guided by the principal direction of the class.

    Sandhan and Choi (2014) generate each synthetic sample between a
    minority sample and the one of its ``k`` nearest minority neighbours
    that lies most along the principal direction ``H`` of the class (the
    eigenvector of the largest eigenvalue of its covariance): the
    neighbour with the smallest angle between ``x_nn - x`` and the line of
    ``H``.  Seeds are drawn uniformly and the position on the segment is
    ``u ~ U(0, 1)``.  This spreads the synthetic samples along the main
    axis of the class rather than across it.

    The paper embeds this guided over-sampling in an ensemble built by
    bootstrapping with simultaneous under-sampling of the majority class;
    as in the reference implementation (smote-variants), which is the
    "G-SMOTE" ranked sixth by Kovacs (2019), only the guided over-sampling
    step is implemented here (combine it with an under-sampler or an
    ensemble in an ``imblearn`` pipeline for the full framework).  It is
    not the Geometric SMOTE of Douzas and Bacao (2019), see
    :class:`GeometricSMOTE`.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of samples to generate per class, as in imbalanced-learn
        (each class is over-sampled against all the others).
    k_neighbors : int or object with ``kneighbors``, default=5
        Number of nearest minority neighbours among which the guided
        partner is chosen.
        An object (e.g. a ``NearestNeighbors``) is used for every neighbour
        search, with ``n_neighbors - 1`` neighbours (the point itself is
        counted, as in imbalanced-learn).
    random_state : int, RandomState instance or None, default=None
        Seed of the random choices.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.
    principal_directions_ : dict
        Class label -> unit principal direction ``H`` of the class.
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of each output row (seed, guided neighbour and position).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    References
    ----------
    .. [1] T. Sandhan and J. Y. Choi, "Handling imbalanced datasets by
       partially guided hybrid sampling for pattern recognition", 22nd
       International Conference on Pattern Recognition (ICPR), pp.
       1449-1453, 2014. doi:10.1109/ICPR.2014.258

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import GSMOTE
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = GSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 180), (np.int64(1), 180)]
    """

    _parameter_constraints = {
        **_VariantOverSampler._parameter_constraints,
        "k_neighbors": K_NEIGHBORS_CONSTRAINT,
    }
    _per_class_attributes = ("principal_directions_",)

    def __init__(self, *, sampling_strategy="auto", k_neighbors=5, random_state=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.random_state = random_state

    @scale_equivariant
    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        X_min = X[idx_min].astype(np.float64)
        H = _principal_direction(X_min)
        self.principal_directions_[class_sample] = H
        k, nn = _resolve_k(self.k_neighbors)
        neigh = _kneighbors(X_min, k, estimator=nn)
        guided = _guided_partners(X_min, neigh, H)
        seed = rng.randint(0, X_min.shape[0], size=n_samples)
        partner = guided[seed]
        gap = rng.uniform(0.0, 1.0, size=n_samples)
        X_new = _interpolate(X_min, seed, partner, gap)
        return X_new, idx_min[seed], idx_min[partner], gap
