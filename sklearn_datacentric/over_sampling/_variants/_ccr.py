"""Combined Cleaning and Resampling (Koziarski and Wozniak, 2017)."""

import numbers

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.utils._param_validation import Interval, StrOptions

from ...utils.validation import pow2_rescale
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


def _feature_scale(X, how):
    """``(offset, scale)`` giving the units of the method: ``(X - offset) / scale``.

    Constant features get scale 1 (they add nothing to any distance).
    """
    d = X.shape[1]
    if how is None:
        return np.zeros(d), np.ones(d)
    if how == "minmax":
        offset = X.min(axis=0)
        scale = X.max(axis=0) - offset
    else:  # "standard"
        offset = X.mean(axis=0)
        scale = X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return offset, scale


def _radii(X_min, X_rest, energy):
    """Sphere radii only (no cleaning), blockwise over the minority rows."""
    radii = np.empty(X_min.shape[0])
    block = max(1, int(_BLOCK_ELEMENTS // max(X_rest.shape[0], 1)))
    for start in range(0, X_min.shape[0], block):
        rows = slice(start, start + block)
        D = np.sort(cdist(X_min[rows], X_rest, metric="cityblock"), axis=1)
        radii[rows] = ccr_radii(D, energy)[0]
    return radii


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

    The energy is a length (an L1 radius times a count), so it only means
    something in given feature units.  The authors ran every experiment on
    features min-max scaled to [0, 1] on the training fold and chose the
    energy per dataset by cross-validation from a grid of 0.001 to 100
    (their code's default: 0.25).  This class does that scaling itself
    (``feature_scaling="minmax"``): the spheres, translations and synthetic
    samples are computed on the scaled features and mapped back, so the
    result does not depend on the units of ``X`` (rescaling or shifting a
    feature rescales or shifts the output alike).  With raw units
    (``feature_scaling=None``) a budget that is large against the distances
    of the data swallows whole neighbourhoods of the other classes and
    throws them out of place (the translations of all spheres add up),
    which ruins a nearest-neighbour classifier on held-out data; see the
    user guide.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of samples to generate per class, as in imbalanced-learn
        (each class is over-sampled against all the others, whose samples
        are the ones translated).
    energy : float, default=0.25
        Energy budget of each sphere, in units of the L1 distance of the
        scaled features (see ``feature_scaling``).  The paper tunes it per
        dataset (e.g. with a grid search over a pipeline); 0.25 is the
        default of the authors' code.
    feature_scaling : {"minmax", "standard"} or None, default="minmax"
        Units in which the energy, the spheres and the translations are
        computed: ``"minmax"`` divides each feature by its range in the data
        passed to ``fit_resample`` (the [0, 1] scaling of the paper's
        experiments), ``"standard"`` by its standard deviation (less
        sensitive to outliers), ``None`` uses ``X`` as it is (the energy is
        then in the units of ``X``; the former behaviour, with the former
        default ``energy=1.0``).  Constant features are left as they are.  The output is in
        the units of ``X`` in every case.
    translate : bool, default=True
        Clean the spheres by translating the samples of the other classes
        out of them, as the paper specifies.  ``False`` keeps every input
        row in place and only over-samples (as smote-variants 1.0.1 does,
        whose CCR computes the translations but returns the rows unmoved).
    random_state : int, RandomState instance or None, default=None
        Seed of the random choices.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.
    radii_ : dict
        Class label -> L1 radius of the sphere of each of its samples, in
        the scaled units (see ``feature_scaling``).
    scale_ : ndarray of shape (n_features,)
        Divisor of each feature that gave the scaled units (ones when
        ``feature_scaling=None``).
    translations_ : ndarray of shape (n_samples, n_features)
        Translation applied to each input row by the cleaning step, in the
        units of ``X`` (zero for rows that were not moved, and everywhere
        when ``translate=False``).
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
        "feature_scaling": [StrOptions({"minmax", "standard"}), None],
        "translate": ["boolean"],
    }
    _min_class_size = 1
    _per_class_attributes = ("radii_",)

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        energy=0.25,
        feature_scaling="minmax",
        translate=True,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.energy = energy
        self.feature_scaling = feature_scaling
        self.translate = translate
        self.random_state = random_state

    def _fit_resample_dense(self, X, y):
        X64 = X.astype(np.float64)
        # huge values: work on X / 2**e (exact), so that ranges, distances and
        # the mapping back stay finite; the feature scaling is scale-free and
        # an energy in the units of X (feature_scaling=None) is scaled along
        Xp, e = pow2_rescale(X64)
        offset, scale = _feature_scale(Xp, self.feature_scaling)
        self.scale_ = np.ldexp(scale, e)
        self._energy_work = float(self.energy)
        if self.feature_scaling is None:
            self._energy_work = float(np.ldexp(self._energy_work, -e))
        Xs = (Xp - offset) / scale
        self._X_work = Xs.copy()
        try:
            X_res, y_res = super()._fit_resample_dense(Xs, y)
            n = X.shape[0]
            self.translations_ = np.ldexp((self._X_work - Xs) * scale, e)
        finally:
            del self._X_work
        out = np.empty(X_res.shape, dtype=X.dtype)
        out[:n] = X64 + self.translations_
        out[n:] = np.ldexp(X_res[n:] * scale + offset, e)
        return out, y_res

    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        Xw = self._X_work
        X_min = Xw[idx_min]
        idx_rest = np.flatnonzero(y != class_sample)
        X_rest = Xw[idx_rest]
        if X_rest.shape[0] == 0:  # pragma: no cover - sampling needs 2 classes
            radii = np.full(X_min.shape[0], self._energy_work)
        elif not self.translate:
            radii = _radii(X_min, X_rest, self._energy_work)
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
                rb, _ = ccr_radii(D_sorted, self._energy_work)
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
            X_new[start : start + c] = _uniform_l1_ball(X_min[i], radii[i], c, rng)
            start += c
        return X_new, idx_min[seed], np.full(n_samples, -1), np.zeros(n_samples)
