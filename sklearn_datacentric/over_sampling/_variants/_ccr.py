"""Combined Cleaning and Resampling (Koziarski and Wozniak, 2017)."""

import numbers

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.utils._param_validation import Interval

from ._common import _allocate, _VariantOverSampler
from ._kernels import ccr_radii

__all__ = ["CCR"]

# distance-matrix entries per block of minority rows (8 MiB of float64)
_BLOCK_ELEMENTS = 1 << 20


def _uniform_l1_ball(center, radius, n, rng):
    """``n`` points uniform in the L1 ball of ``radius`` around ``center``.

    The absolute coordinates of a uniform point of the L1 ball, divided by
    the radius, are the first ``d`` coordinates of a flat Dirichlet vector
    of ``d + 1`` components; signs are independent and uniform.
    """
    d = center.shape[0]
    e = rng.exponential(size=(n, d + 1))
    mag = e[:, :d] / e.sum(axis=1, keepdims=True)
    sign = rng.choice(np.array([-1.0, 1.0]), size=(n, d))
    return center + radius * sign * mag


class CCR(_VariantOverSampler):
    """Combined Cleaning and Resampling (CCR).

    Koziarski and Wozniak (2017) grow around each minority sample a sphere
    (in the L1, taxicab, norm) with an energy budget: growing the radius
    by ``dr`` costs ``dr (j + 1)`` while ``j`` samples of the other classes
    are inside, so the sphere stops early in crowded majority regions.

    * Cleaning: every other-class sample inside a sphere of radius ``r`` at
      distance ``d`` from its centre is pushed out to the surface, by
      ``(r - d) / d (x_maj - x_min)``; the pushes of all spheres add up.
      The rows of the other classes in the output are these translated
      samples.
    * Resampling: minority sample ``i`` receives a share of the synthetic
      samples proportional to ``1 / r_i`` (small spheres mark difficult,
      crowded regions), drawn uniformly inside its sphere.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of samples to generate per class, as in imbalanced-learn
        (each class is over-sampled against all the others, whose samples
        are the ones translated).
    energy : float, default=1.0
        Energy budget of each sphere, in the units of the L1 distance of
        ``X`` (scale the features).
    random_state : int, RandomState instance or None, default=None
        Seed of the random choices.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.
    radii_ : dict
        Class label -> L1 radius of the sphere of each of its samples.
    translations_ : ndarray of shape (n_samples, n_features)
        Translation applied to each input row by the cleaning step (zero for
        rows that were not moved).
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of each output row.  Input rows come first in their order
        (those of the other classes possibly translated, see
        ``translations_``); a synthetic row has ``seed`` = the centre of its
        sphere, ``partner = -1`` and ``gap = 0`` (it is not on a segment).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    References
    ----------
    .. [1] M. Koziarski and M. Wozniak, "CCR: A combined cleaning and
       resampling algorithm for imbalanced data classification",
       International Journal of Applied Mathematics and Computer Science
       27(4), pp. 727-736, 2017. doi:10.1515/amcs-2017-0050

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import CCR
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = CCR(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 180), (np.int64(1), 180)]
    """

    _parameter_constraints = {
        **_VariantOverSampler._parameter_constraints,
        "energy": [Interval(numbers.Real, 0, None, closed="neither")],
    }
    _min_class_size = 1

    def __init__(self, *, sampling_strategy="auto", energy=1.0, random_state=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.energy = energy
        self.random_state = random_state

    def _fit_resample_dense(self, X, y):
        self.radii_ = {}
        self._X_work = X.astype(np.float64, copy=True)
        try:
            X_res, y_res = super()._fit_resample_dense(X, y)
            n = X.shape[0]
            self.translations_ = self._X_work - X.astype(np.float64)
            X_res[:n] = self._X_work.astype(X.dtype, copy=False)
        finally:
            del self._X_work
        return X_res, y_res

    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        Xw = self._X_work
        X_min = Xw[idx_min]
        idx_rest = np.flatnonzero(y != class_sample)
        X_rest = Xw[idx_rest]
        if X_rest.shape[0] == 0:  # pragma: no cover - sampling needs 2 classes
            radii = np.full(X_min.shape[0], float(self.energy))
        else:
            radii = np.empty(X_min.shape[0])
            shift = np.zeros_like(X_rest)
            # blocks of minority rows keep the distance matrix small
            block = max(1, int(_BLOCK_ELEMENTS // max(X_rest.shape[0], 1)))
            for start in range(0, X_min.shape[0], block):
                rows = slice(start, start + block)
                Xb = X_min[rows]
                D = cdist(Xb, X_rest, metric="cityblock")
                D_sorted = np.sort(D, axis=1)
                rb, _ = ccr_radii(D_sorted, float(self.energy))
                radii[rows] = rb
                # cleaning: push the other-class samples out of every sphere
                inside = D < rb[:, None]
                W = np.zeros_like(D)
                pos = inside & (D > 0)
                W[pos] = (rb[:, None] - D)[pos] / D[pos]
                shift += X_rest * W.sum(axis=0)[:, None] - W.T @ Xb
                # exact duplicates of a minority sample: random direction
                for i, j in zip(*np.nonzero(inside & (D == 0))):
                    direction = _uniform_l1_ball(np.zeros(X.shape[1]), 1.0, 1, rng)[0]
                    norm = np.abs(direction).sum()
                    if norm > 0:
                        shift[j] += rb[i] * direction / norm
            Xw[idx_rest] = X_rest + shift
        self.radii_[class_sample] = radii
        counts = _allocate(n_samples, 1.0 / radii, rng)
        seed = np.repeat(np.arange(X_min.shape[0]), counts)
        X_new = np.empty((n_samples, X.shape[1]))
        start = 0
        for i in np.flatnonzero(counts):
            c = counts[i]
            X_new[start:start + c] = _uniform_l1_ball(X_min[i], radii[i], c, rng)
            start += c
        return X_new, idx_min[seed], np.full(n_samples, -1), np.zeros(n_samples)
