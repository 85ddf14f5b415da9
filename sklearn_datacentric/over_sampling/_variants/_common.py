"""The smote-variants oversamplers on the package's over-sampling framework.

The input check, the neighbour resolver (``resolve_neighbors``,
``kneighbors``, ``kneighbors_of_rows``, ``fit_searcher``), the
interpolation kernel and the output assembly with provenance are those of
the SMOTE family (:mod:`..._smote._base`).  :class:`_VariantOverSampler`
runs a method one class at a time (one class against the rest,
imbalanced-learn's ``sampling_strategy`` semantics) through the hook
``_generate``; this module adds the allocation helpers the methods share.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval

from ...base import BaseOverSampler
from .._smote import _kernels
from .._smote._base import (
    BaseSyntheticOverSampler,
    _label,  # noqa: F401 - re-exported for the variant modules
    check_X_y_float,  # noqa: F401 - re-exported for SMOTEIPF
    densified,
    fit_searcher,
    kneighbors,
    kneighbors_of_rows,
    resolve_neighbors,
)

__all__ = []

# the variant modules' names of the framework's resolver
_resolve_k = resolve_neighbors
_kneighbors = kneighbors
_kneighbors_of_rows = kneighbors_of_rows
_fit_searcher = fit_searcher


def _interpolate(X, seeds, partners, gaps):
    """Rows ``X[seeds] + gaps * (X[partners] - X[seeds])`` (float64), by the
    SMOTE family's kernel."""
    return _kernels.interpolate(np.asarray(X, dtype=np.float64), seeds, partners, gaps)


def _allocate(n_total, weights, rng=None):
    """Split ``n_total`` into integer counts proportional to ``weights``.

    Largest-remainder rounding: the counts sum exactly to ``n_total``; ties
    in the remainders are broken at random when ``rng`` is given.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.sum() <= 0:
        weights = np.ones_like(weights)
    share = n_total * weights / weights.sum()
    counts = np.floor(share).astype(np.int64)
    rest = int(n_total - counts.sum())
    if rest > 0:
        frac = share - counts
        if rng is not None:
            frac = frac + rng.uniform(0, 1e-9, size=frac.shape)
        counts[np.argsort(-frac, kind="stable")[:rest]] += 1
    return counts


def _even_gaps(counts):
    """For segments receiving ``c`` points: gaps ``j / (c + 1)``, j = 1..c.

    Returns ``(segment_index, gap)`` arrays, one entry per point.
    """
    counts = np.asarray(counts, dtype=np.int64)
    seg = np.repeat(np.arange(counts.shape[0]), counts)
    starts = np.cumsum(counts) - counts
    j = np.arange(seg.shape[0]) - starts[seg] + 1
    return seg, j / (counts[seg] + 1.0)


# constraint of the k_neighbors parameters: an int or a neighbours estimator
K_NEIGHBORS_CONSTRAINT = [
    Interval(numbers.Integral, 1, None, closed="left"),
    HasMethods(["kneighbors", "fit"]),
]


class _VariantOverSampler(BaseSyntheticOverSampler):
    """One class against the rest; subclasses implement the hook ``_generate``.

    ``_generate(X, y, class_sample, idx_min, n_samples, rng)`` returns
    ``(X_new, seed, partner, gap)``: ``n_samples`` new rows of the class and
    their parents as row indices of ``X`` (``-1`` where there is none).
    Fitted dicts filled class by class are named in
    ``_per_class_attributes``; checks that need the data go in
    ``_validate_method_params``.  Sparse input is densified.
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        "random_state": ["random_state"],
    }

    def _fit_resample(self, X, y):
        return densified(self._fit_resample_dense, X, y)

    def _fit_resample_dense(self, X, y):
        rng = check_random_state(self.random_state)
        self._validate_method_params(X, y)
        return self._resample_per_class(X, y, rng)

    def _validate_method_params(self, X, y):
        """Checks that need the data (the rest is in _parameter_constraints)."""
