"""Polynomial fitting SMOTE (Gazzah and Amara, 2008)."""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ...utils.validation import scale_equivariant
from ._common import _allocate, _even_gaps, _interpolate, _VariantOverSampler

__all__ = ["PolynomFitSMOTE"]


class PolynomFitSMOTE(_VariantOverSampler):
    """Over-sampling by polynomial fitting of the minority class.

    Gazzah and Amara (2008) place synthetic minority samples on a curve or
    graph fitted to the minority samples, following one of four
    *topologies*:

    * ``"star"``: each minority sample is joined to the class mean; the
      synthetic samples are evenly spaced on these segments (``c`` points
      on a segment sit at ``j / (c + 1)``, ``j = 1..c``, from the sample
      towards the mean).
    * ``"bus"``: the minority samples are joined one to the next, in the
      order in which they appear in ``X``; evenly spaced points on the
      ``n_min - 1`` segments.
    * ``"mesh"``: every minority sample is joined to every other one;
      segments are drawn uniformly at random among the ``n_min (n_min-1)/2``
      pairs and the points that fall on a segment are evenly spaced on it.
    * ``"polynomial"``: the minority samples are ordered by the mean of
      their features, one polynomial of degree ``degree`` is fitted per
      feature against the rank, and the synthetic samples are the fitted
      curve at ranks drawn uniformly on ``[0, n_min - 1]``.

    The synthetic samples are split over the segments as evenly as possible
    so that exactly the number asked by ``sampling_strategy`` is generated.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of samples to generate per class, as in imbalanced-learn
        (each class is over-sampled against all the others).
    topology : {"star", "bus", "mesh", "polynomial"}, default="star"
        The topology of the paper (see above).
    degree : int, default=2
        Degree of the fitted polynomials of the ``"polynomial"`` topology
        (lowered to ``n_min - 1`` for classes with fewer samples).
    random_state : int, RandomState instance or None, default=None
        Seed of the random choices (segments of the star and bus
        topologies that get one extra point, mesh pairs, polynomial ranks).

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of each output row.  ``"star"``: ``seed`` is the minority
        sample, ``partner`` is ``-1`` (the other end is the class mean,
        not a row) and ``gap`` the position towards the mean.  ``"bus"``
        and ``"mesh"``: the two ends of the segment and the position.
        ``"polynomial"``: ``seed`` is the minority sample whose rank is
        nearest to the drawn rank, ``partner = -1``, ``gap = 0`` (the point
        depends on all the minority samples through the fit).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    See Also
    --------
    ProWSyn, SMOTEIPF : other oversamplers of the same study.

    References
    ----------
    .. [1] S. Gazzah and N. E. B. Amara, "New oversampling approaches based on
       polynomial fitting for imbalanced data sets", The Eighth IAPR
       International Workshop on Document Analysis Systems, pp. 677-684,
       2008. doi:10.1109/DAS.2008.74
    .. [2] G. Kovacs, "An empirical comparison and evaluation of minority
       oversampling techniques on a large number of imbalanced datasets",
       Applied Soft Computing 83, 2019 (ranked first of 85 oversamplers).

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import PolynomFitSMOTE
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = PolynomFitSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 180), (np.int64(1), 180)]
    """

    _parameter_constraints = {
        **_VariantOverSampler._parameter_constraints,
        "topology": [StrOptions({"star", "bus", "mesh", "polynomial"})],
        "degree": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        topology="star",
        degree=2,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.topology = topology
        self.degree = degree
        self.random_state = random_state

    def _check_min_class_size(self, class_sample, n_class):
        super()._check_min_class_size(
            class_sample, n_class, 1 if self.topology == "star" else 2
        )

    @scale_equivariant
    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        X_min = X[idx_min].astype(np.float64)
        m = X_min.shape[0]
        if self.topology == "star":
            # even share per sample; the remainder goes to random samples
            counts = _allocate(n_samples, np.ones(m), rng)
            seg, gap = _even_gaps(counts)
            mean = X_min.mean(axis=0)
            X_new = X_min[seg] + gap[:, None] * (mean - X_min[seg])
            return X_new, idx_min[seg], np.full(n_samples, -1), gap
        if self.topology == "bus":
            counts = _allocate(n_samples, np.ones(m - 1), rng)
            seg, gap = _even_gaps(counts)
            X_new = _interpolate(X_min, seg, seg + 1, gap)
            return X_new, idx_min[seg], idx_min[seg + 1], gap
        if self.topology == "mesh":
            a = rng.randint(0, m, size=n_samples)
            b = (a + rng.randint(1, m, size=n_samples)) % m  # b != a, uniform
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            pairs, inverse, counts = np.unique(
                lo * m + hi, return_inverse=True, return_counts=True
            )
            order = np.argsort(inverse, kind="stable")
            seg, gap_sorted = _even_gaps(counts)
            gap = np.empty(n_samples)
            gap[order] = gap_sorted
            seed, partner = lo, hi
            X_new = _interpolate(X_min, seed, partner, gap)
            return X_new, idx_min[seed], idx_min[partner], gap
        # polynomial topology
        order = np.argsort(X_min.mean(axis=1), kind="stable")
        X_sorted = X_min[order]
        degree = min(self.degree, m - 1)
        ranks = np.arange(m, dtype=np.float64)
        coef = np.polynomial.polynomial.polyfit(ranks, X_sorted, degree)
        t = rng.uniform(0.0, m - 1.0, size=n_samples)
        X_new = np.polynomial.polynomial.polyval(t, coef).T
        nearest = order[np.rint(t).astype(np.int64)]
        return X_new, idx_min[nearest], np.full(n_samples, -1), np.zeros(n_samples)
