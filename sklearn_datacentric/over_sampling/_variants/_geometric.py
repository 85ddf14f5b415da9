"""Geometric SMOTE (Douzas and Bacao, 2019)."""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ...utils.validation import scale_equivariant
from ._common import (
    K_NEIGHBORS_CONSTRAINT,
    _kneighbors,
    _resolve_k,
    _VariantOverSampler,
)

__all__ = ["GeometricSMOTE"]


def _geometric_points(centers, surfaces, truncation, deformation, rng):
    """Points of the truncated, deformed hyperspheres (Douzas and Bacao, Alg. 1).

    Each sphere has centre ``centers[i]`` and passes through
    ``surfaces[i]``.  A point uniform in the unit ball is reflected through
    the hyperplane orthogonal to the centre-surface direction when it falls
    outside the truncated part (``|truncation - x_par| > 1``), its
    component orthogonal to that direction is shrunk by
    ``1 - deformation``, and it is scaled by the radius and moved to the
    centre.
    """
    n, d = centers.shape
    e = rng.normal(size=(n, d))
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    r = rng.uniform(0.0, 1.0, size=n) ** (1.0 / d)
    x = e * r[:, None]
    direction = surfaces - centers
    radius = np.linalg.norm(direction, axis=1)
    nz = radius > 0
    unit = np.zeros_like(direction)
    unit[nz] = direction[nz] / radius[nz, None]
    par = np.sum(x * unit, axis=1)
    flip = np.abs(truncation - par) > 1.0
    x[flip] -= 2.0 * par[flip, None] * unit[flip]
    par = np.sum(x * unit, axis=1)
    x -= deformation * (x - par[:, None] * unit)
    return centers + radius[:, None] * x


class GeometricSMOTE(_VariantOverSampler):
    """Geometric SMOTE: synthetic samples in truncated, deformed hyperspheres.

    Douzas and Bacao (2019) replace SMOTE's segment by a region around a
    random minority sample ``x_c`` (the centre): a hypersphere through a
    *surface* point ``x_s``, chosen by ``selection_strategy``:

    * ``"minority"``: one of the ``k`` nearest minority neighbours of
      ``x_c``, at random (SMOTE's partner);
    * ``"majority"``: the nearest sample of the other classes;
    * ``"combined"``: the nearer of the two.

    A point uniform in the unit ball is drawn; the part of the ball on the
    far side of ``truncation_factor`` along the direction ``x_s - x_c`` is
    cut off (points there are reflected into the kept part: 1 keeps the
    half-ball towards ``x_s``, 0 keeps the whole ball, -1 the half-ball
    away from it); ``deformation_factor`` flattens the ball towards the
    line of ``x_s - x_c`` (1 gives SMOTE-like segments); the point is
    scaled by the radius ``||x_s - x_c||`` and moved to ``x_c``.  With
    ``truncation_factor=1``, ``deformation_factor=1`` and the minority
    strategy the method is SMOTE.

    This is not the "G-SMOTE" of the Kovacs (2019) ranking, which is
    :class:`GSMOTE` (Sandhan and Choi, 2014).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of samples to generate per class, as in imbalanced-learn
        (each class is over-sampled against all the others).
    k_neighbors : int or object with ``kneighbors``, default=5
        Number of nearest minority neighbours for the minority surface
        point.
        An object (e.g. a ``NearestNeighbors``) is used for every neighbour
        search, with ``n_neighbors - 1`` neighbours (the point itself is
        counted, as in imbalanced-learn).
    truncation_factor : float in [-1, 1], default=1.0
        ``alpha_trunc`` of the paper.
    deformation_factor : float in [0, 1], default=0.0
        ``alpha_def`` of the paper.
    selection_strategy : {"combined", "majority", "minority"}, \
            default="combined"
        How the surface point is chosen (see above).
    random_state : int, RandomState instance or None, default=None
        Seed of the random choices.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of each output row: ``seed`` is the centre ``x_c``;
        ``partner = -1`` and ``gap = 0`` (the point is inside a deformed
        sphere, not on a segment).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    References
    ----------
    .. [1] G. Douzas and F. Bacao, "Geometric SMOTE a geometrically enhanced
       drop-in replacement for SMOTE", Information Sciences 501, pp.
       118-135, 2019. doi:10.1016/j.ins.2019.06.007

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import GeometricSMOTE
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = GeometricSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 180), (np.int64(1), 180)]
    """

    _parameter_constraints = {
        **_VariantOverSampler._parameter_constraints,
        "k_neighbors": K_NEIGHBORS_CONSTRAINT,
        "truncation_factor": [Interval(numbers.Real, -1, 1, closed="both")],
        "deformation_factor": [Interval(numbers.Real, 0, 1, closed="both")],
        "selection_strategy": [StrOptions({"combined", "majority", "minority"})],
    }
    _min_class_size = 1

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        truncation_factor=1.0,
        deformation_factor=0.0,
        selection_strategy="combined",
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.truncation_factor = truncation_factor
        self.deformation_factor = deformation_factor
        self.selection_strategy = selection_strategy
        self.random_state = random_state

    def _check_min_class_size(self, class_sample, n_class):
        need = 1 if self.selection_strategy == "majority" else 2
        super()._check_min_class_size(class_sample, n_class, need)

    @scale_equivariant
    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        Xf = X.astype(np.float64)
        X_min = Xf[idx_min]
        k, nn = _resolve_k(self.k_neighbors)
        seed = rng.randint(0, X_min.shape[0], size=n_samples)
        centers = X_min[seed]
        strategy = self.selection_strategy
        if strategy in ("minority", "combined"):
            neigh = _kneighbors(X_min, k, estimator=nn)
            s_min = X_min[neigh[seed, rng.randint(0, neigh.shape[1], size=n_samples)]]
            surfaces = s_min
        if strategy in ("majority", "combined"):
            X_rest = Xf[y != class_sample]
            nearest = _kneighbors(X_rest, 1, X_query=X_min, estimator=nn)[:, 0]
            s_maj = X_rest[nearest[seed]]
            surfaces = s_maj
        if strategy == "combined":
            closer = np.linalg.norm(s_min - centers, axis=1) <= np.linalg.norm(
                s_maj - centers, axis=1
            )
            surfaces = np.where(closer[:, None], s_min, s_maj)
        X_new = _geometric_points(
            centers, surfaces, self.truncation_factor, self.deformation_factor, rng
        )
        return X_new, idx_min[seed], np.full(n_samples, -1), np.zeros(n_samples)
