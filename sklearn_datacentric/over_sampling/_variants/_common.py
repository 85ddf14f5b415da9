"""Shared machinery of the smote-variants oversamplers.

* :func:`_kneighbors` is the one place where the neighbour engine of the
  package (:class:`sklearn_datacentric.neighbors.NearestNeighbors`) is called.
* :func:`_interpolate` is the one place where segment interpolation
  ``x[seed] + gap * (x[partner] - x[seed])`` is computed (the SMOTE family's
  kernel when it is available).
* :class:`_VariantOverSampler` runs a method one class at a time (one class
  against the rest, imbalanced-learn's ``sampling_strategy`` semantics) and
  records the provenance of every synthetic row.
"""

import numbers

import numpy as np
from imblearn.utils import check_target_type
from scipy import sparse
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import validate_data

from ...base import BaseOverSampler

__all__ = []


# --------------------------------------------------------------------------
# neighbours and interpolation (single swap points)
# --------------------------------------------------------------------------
def _resolve_k(value, name="k_neighbors"):
    """``(k, estimator)`` of a ``k_neighbors``-style parameter.

    An int gives ``(k, None)`` (the package's engine); an object with
    ``kneighbors`` gives its ``n_neighbors - 1`` (imbalanced-learn's
    convention: the point itself is counted) and the object, which is then
    cloned for every search.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value), None
    from .._smote._base import check_neighbors_param, n_neighbors_of

    est = check_neighbors_param(name, value)
    return n_neighbors_of(est, name), est


def _kneighbors(X_fit, k, X_query=None, estimator=None):
    """Indices of the ``k`` nearest rows of ``X_fit`` (Euclidean).

    ``X_query=None`` queries the rows of ``X_fit`` themselves, each row not
    being its own neighbour.  ``k`` is clipped to the number of candidates;
    the result has shape ``(n_queries, k_effective)``.  ``estimator``: a
    user-given neighbours estimator (cloned, its ``n_neighbors`` set to the
    number needed; for self queries the first column, the point itself, is
    dropped as in imbalanced-learn); None uses the package's engine.
    """
    from ...neighbors import NearestNeighbors

    X_fit = np.asarray(X_fit, dtype=np.float64)
    n_avail = X_fit.shape[0] - (1 if X_query is None else 0)
    k = int(min(k, n_avail))
    n_queries = X_fit.shape[0] if X_query is None else len(X_query)
    if k < 1:
        return np.empty((n_queries, 0), dtype=np.int64)
    if estimator is not None:
        est = clone(estimator)
        if X_query is None:
            est.set_params(n_neighbors=k + 1).fit(X_fit)
            ind = est.kneighbors(X_fit, return_distance=False)[:, 1:]
        else:
            est.set_params(n_neighbors=k).fit(X_fit)
            ind = est.kneighbors(
                np.asarray(X_query, dtype=np.float64), return_distance=False
            )
        return np.asarray(ind, dtype=np.int64)
    nn = NearestNeighbors(n_neighbors=k).fit(X_fit)
    if X_query is None:
        ind = nn.kneighbors(return_distance=False)
    else:
        ind = nn.kneighbors(
            np.asarray(X_query, dtype=np.float64), return_distance=False
        )
    return np.asarray(ind, dtype=np.int64)


def _fit_searcher(X_fit, k, estimator=None):
    """A neighbours estimator fitted once on ``X_fit``, for repeated queries
    of ``k`` neighbours (``searcher.kneighbors(Q, n_neighbors=k,
    return_distance=False)``)."""
    from ...neighbors import NearestNeighbors

    k = int(min(k, X_fit.shape[0]))
    est = NearestNeighbors(n_neighbors=k) if estimator is None else clone(estimator)
    if estimator is not None:
        est.set_params(n_neighbors=k)
    return est.fit(np.asarray(X_fit, dtype=np.float64))


def _kneighbors_of_rows(X, rows, k, estimator=None):
    """The ``k`` nearest rows of ``X`` to each row ``X[rows]``, itself excluded."""
    k = int(min(k, X.shape[0] - 1))
    if k < 1:
        return np.empty((len(rows), 0), dtype=np.int64)
    ind = _kneighbors(X, k + 1, X_query=X[rows], estimator=estimator)
    is_self = ind == np.asarray(rows)[:, None]
    # drop the row itself, or the farthest candidate when a duplicate of the
    # row took its place
    drop = np.where(is_self.any(axis=1), is_self.argmax(axis=1), k)
    keep = np.ones_like(ind, dtype=bool)
    keep[np.arange(ind.shape[0]), drop] = False
    return ind[keep].reshape(ind.shape[0], k)


def _interpolate(X, seeds, partners, gaps):
    """Rows ``X[seeds] + gaps * (X[partners] - X[seeds])`` (float64)."""
    X = np.asarray(X, dtype=np.float64)
    seeds = np.asarray(seeds, dtype=np.int64)
    partners = np.asarray(partners, dtype=np.int64)
    gaps = np.asarray(gaps, dtype=np.float64)
    try:  # the SMOTE family's kernel, when present
        from .._smote._kernels import interpolate as _kernel
    except ImportError:  # pragma: no cover - depends on the SMOTE module
        _kernel = None
    if _kernel is not None:
        try:
            return np.asarray(_kernel(X, seeds, partners, gaps), dtype=np.float64)
        except (TypeError, ValueError):  # pragma: no cover - signature drift
            pass
    return X[seeds] + gaps[:, None] * (X[partners] - X[seeds])


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


def _check_X_y_dense_ok(est, X, y):
    """imbalanced-learn's input check, floats only (sparse accepted)."""
    y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
    X, y = validate_data(
        est, X, y, reset=True, accept_sparse=["csr", "csc"],
        dtype=[np.float64, np.float32],
    )
    return X, y, binarize_y


def _sparse_through(fit_resample_dense, X, y):
    """Run a dense resampler on sparse input and give the same format back.

    The methods need distances, means and covariances of the rows: sparse
    input is densified (memory of n_samples x n_features floats).
    """
    if sparse.issparse(X):
        fmt = X.format
        X_res, y_res = fit_resample_dense(X.toarray(), y)
        return sparse.csr_matrix(X_res).asformat(fmt), y_res
    return fit_resample_dense(X, y)


# constraint of the k_neighbors parameters: an int or a neighbours estimator
K_NEIGHBORS_CONSTRAINT = [
    Interval(numbers.Integral, 1, None, closed="left"),
    HasMethods(["kneighbors", "fit"]),
]


# --------------------------------------------------------------------------
# base class
# --------------------------------------------------------------------------
class _VariantOverSampler(BaseOverSampler):
    """One class against the rest; subclasses implement ``_generate``.

    ``_generate(X, y, class_sample, idx_min, n_samples, rng)`` returns
    ``(X_new, seed, partner, gap)``: ``n_samples`` new rows of the class and
    their parents as row indices of ``X`` (``-1`` where there is none).
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        "random_state": ["random_state"],
    }
    # smallest number of rows a class needs for the method
    _min_class_size = 2

    def _check_X_y(self, X, y):
        return _check_X_y_dense_ok(self, X, y)

    def _check_class_size(self, class_sample, n_class, min_size=None):
        min_size = self._min_class_size if min_size is None else min_size
        if n_class < min_size:
            raise ValueError(
                f"{type(self).__name__} needs at least {min_size} "
                f"samples of a class to over-sample it; class {_label(class_sample)!r} "
                f"has {n_class}."
            )

    def _fit_resample(self, X, y):
        return _sparse_through(self._fit_resample_dense, X, y)

    def _fit_resample_dense(self, X, y):
        rng = check_random_state(self.random_state)
        self._validate_method_params(X, y)
        X_parts, y_parts = [X], [y]
        seeds, partners, gaps = [], [], []
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            idx_min = np.flatnonzero(y == class_sample)
            self._check_class_size(class_sample, idx_min.shape[0])
            X_new, seed, partner, gap = self._generate(
                X, y, class_sample, idx_min, int(n_samples), rng
            )
            X_parts.append(np.asarray(X_new).astype(X.dtype, copy=False))
            y_parts.append(np.full(int(n_samples), class_sample, dtype=y.dtype))
            seeds.append(np.asarray(seed, dtype=np.int64))
            partners.append(np.asarray(partner, dtype=np.int64))
            gaps.append(np.asarray(gap, dtype=np.float64))
        def cat(a, dt):
            return (np.concatenate(a) if a else np.empty(0, dt))
        self._set_provenance(
            np.arange(X.shape[0]),
            cat(seeds, np.int64),
            cat(partners, np.int64),
            cat(gaps, np.float64),
        )
        return np.vstack(X_parts), np.concatenate(y_parts)

    def _validate_method_params(self, X, y):
        """Checks that need the data (the rest is in _parameter_constraints)."""

    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        raise NotImplementedError  # pragma: no cover


def _label(c):
    """A class label as a plain Python value (for messages)."""
    return c.item() if isinstance(c, np.generic) else c
