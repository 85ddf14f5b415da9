"""numba kernels of the SMOTE family (generation), with numpy references.

* :func:`interpolate` (dense) and :func:`interpolate_csr` (CSR) write
  ``X[seed] + gap * (X[partner] - X[seed])`` for each synthetic row; seeds
  and partners are row indices of the same matrix ``X``.
* :func:`nominal_mode` gives the nominal values of SMOTE-NC / SMOTE-N rows:
  the most frequent value of each nominal column among a row's neighbours,
  counted per column in O(k) memory (no one-hot array).

The ``*_reference`` functions are plain numpy versions the tests compare to.
"""

import numpy as np
from numba import njit, prange

# Calls producing at most this many values run in plain numpy (the same
# floating-point operations, so the same results): a fresh process without
# a numba cache then resamples small data without compiling the kernels.
_NUMPY_MAX_SIZE = 2**22

__all__ = [
    "interpolate",
    "interpolate_csr",
    "nominal_mode",
    "interpolate_reference",
    "nominal_mode_reference",
]


@njit(parallel=True, cache=True)
def _interpolate_into(X, seeds, partners, gaps, out):
    n_new = seeds.shape[0]
    d = X.shape[1]
    for r in prange(n_new):
        s = seeds[r]
        p = partners[r]
        g = gaps[r]
        for f in range(d):
            a = np.float64(X[s, f])
            out[r, f] = a + g * (np.float64(X[p, f]) - a)


def interpolate(X, seeds, partners, gaps, out=None):
    """Synthetic rows ``X[seeds] + gaps[:, None] * (X[partners] - X[seeds])``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
        Dense data; seeds and partners index its rows.
    seeds, partners : ndarray of shape (n_new,), int64
        Row indices of the two ends of each segment.
    gaps : ndarray of shape (n_new,), float64
        Position on the segment (0 gives the seed, 1 the partner).
    out : ndarray of shape (n_new, n_features), default=None
        Where to write (e.g. a slice of the preallocated output); a new
        array of ``X.dtype`` when None.  Computed in float64, stored in the
        dtype of ``out``.

    Returns
    -------
    out : ndarray of shape (n_new, n_features)
    """
    seeds = np.ascontiguousarray(seeds, dtype=np.int64)
    partners = np.ascontiguousarray(partners, dtype=np.int64)
    gaps = np.ascontiguousarray(gaps, dtype=np.float64)
    if out is None:
        out = np.empty((seeds.shape[0], X.shape[1]), dtype=X.dtype)
    if seeds.shape[0] * X.shape[1] <= _NUMPY_MAX_SIZE:
        a = np.asarray(X[seeds], dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            out[...] = a + gaps[:, None] * (np.asarray(X[partners], np.float64) - a)
    else:
        _interpolate_into(X, seeds, partners, gaps, out)
    _fix_overflow(X, seeds, partners, gaps, out)
    return out


def _fix_overflow(X, seeds, partners, gaps, out):
    """Rows where ``x_p - x_s`` overflowed (finite points beyond about
    1e308 apart): recompute them as ``(1 - g) x_s + g x_p``, which stays
    finite for finite points."""
    if out.dtype.kind != "f" or np.isfinite(out).all():
        return
    bad = np.flatnonzero(~np.isfinite(out).all(axis=1))
    a = np.asarray(X[seeds[bad]], dtype=np.float64)
    b = np.asarray(X[partners[bad]], dtype=np.float64)
    g = gaps[bad, None]
    out[bad] = (1.0 - g) * a + g * b


@njit(parallel=True, cache=True)
def _csr_count(indptr, indices, seeds, partners, counts):
    for r in prange(seeds.shape[0]):
        a = seeds[r]
        b = partners[r]
        i = indptr[a]
        ie = indptr[a + 1]
        j = indptr[b]
        je = indptr[b + 1]
        c = 0
        while i < ie or j < je:
            if j >= je or (i < ie and indices[i] < indices[j]):
                i += 1
            elif i >= ie or indices[j] < indices[i]:
                j += 1
            else:
                i += 1
                j += 1
            c += 1
        counts[r] = c


@njit(parallel=True, cache=True)
def _csr_fill(indptr, indices, data, seeds, partners, gaps, out_ptr, out_ind, out_data):
    for r in prange(seeds.shape[0]):
        a = seeds[r]
        b = partners[r]
        g = gaps[r]
        i = indptr[a]
        ie = indptr[a + 1]
        j = indptr[b]
        je = indptr[b + 1]
        o = out_ptr[r]
        while i < ie or j < je:
            if j >= je or (i < ie and indices[i] < indices[j]):
                va = np.float64(data[i])
                out_ind[o] = indices[i]
                out_data[o] = va - g * va
                i += 1
            elif i >= ie or indices[j] < indices[i]:
                out_ind[o] = indices[j]
                out_data[o] = g * np.float64(data[j])
                j += 1
            else:
                va = np.float64(data[i])
                out_ind[o] = indices[i]
                out_data[o] = va + g * (np.float64(data[j]) - va)
                i += 1
                j += 1
            o += 1


def interpolate_csr(X, seeds, partners, gaps):
    """:func:`interpolate` for a CSR matrix; returns a CSR matrix.

    Each synthetic row has the union of the sparsity patterns of its two
    parents.  ``X`` must have sorted indices.
    """
    from scipy import sparse

    seeds = np.ascontiguousarray(seeds, dtype=np.int64)
    partners = np.ascontiguousarray(partners, dtype=np.int64)
    gaps = np.ascontiguousarray(gaps, dtype=np.float64)
    # the numpy version sorts the entries: a smaller threshold than dense
    if seeds.shape[0] * max(X.nnz // max(X.shape[0], 1), 1) <= _NUMPY_MAX_SIZE // 16:
        return _interpolate_csr_numpy(X, seeds, partners, gaps)
    indptr = X.indptr.astype(np.int64, copy=False)
    counts = np.empty(seeds.shape[0], dtype=np.int64)
    _csr_count(indptr, X.indices, seeds, partners, counts)
    out_ptr = np.zeros(seeds.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=out_ptr[1:])
    nnz = int(out_ptr[-1])
    out_ind = np.empty(nnz, dtype=X.indices.dtype)
    out_data = np.empty(nnz, dtype=X.dtype)
    _csr_fill(
        indptr, X.indices, X.data, seeds, partners, gaps, out_ptr, out_ind, out_data
    )
    if not np.isfinite(out_data).all():  # finite parents beyond 1e308 apart
        return _interpolate_csr_numpy(X, seeds, partners, gaps)
    return sparse.csr_matrix(
        (out_data, out_ind, out_ptr), shape=(seeds.shape[0], X.shape[1])
    )


def _interpolate_csr_numpy(X, seeds, partners, gaps):
    """:func:`interpolate_csr` in numpy: the same pattern (union of both
    parents, explicit zeros kept) and the same floating-point operations."""
    from scipy import sparse

    n_new, n_cols = seeds.shape[0], X.shape[1]
    A = X[seeds]
    B = X[partners]
    rows_a = np.repeat(np.arange(n_new, dtype=np.int64), np.diff(A.indptr))
    rows_b = np.repeat(np.arange(n_new, dtype=np.int64), np.diff(B.indptr))
    key_a = rows_a * n_cols + A.indices
    key_b = rows_b * n_cols + B.indices
    keys = np.union1d(key_a, key_b)
    va = np.zeros(keys.shape[0])
    vb = np.zeros(keys.shape[0])
    in_a = np.zeros(keys.shape[0], dtype=bool)
    in_b = np.zeros(keys.shape[0], dtype=bool)
    pa = np.searchsorted(keys, key_a)
    pb = np.searchsorted(keys, key_b)
    va[pa] = A.data
    vb[pb] = B.data
    in_a[pa] = True
    in_b[pb] = True
    g = gaps[keys // n_cols]
    with np.errstate(over="ignore", invalid="ignore"):
        data = np.where(
            in_a & in_b, va + g * (vb - va), np.where(in_a, va - g * va, g * vb)
        )
    both = in_a & in_b & ~np.isfinite(data)
    if both.any():  # finite parents beyond 1e308 apart
        data[both] = (1.0 - g[both]) * va[both] + g[both] * vb[both]
    indptr = np.zeros(n_new + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // n_cols, minlength=n_new), out=indptr[1:])
    return sparse.csr_matrix(
        (data.astype(X.dtype), (keys % n_cols).astype(X.indices.dtype), indptr),
        shape=(n_new, n_cols),
    )


@njit(parallel=True, cache=True)
def _nominal_mode(codes, neighbors, tie_u, smallest, out):
    n_new, k = neighbors.shape
    n_cat = codes.shape[1]
    for r in prange(n_new):
        vals = np.empty(k, dtype=np.int64)
        cnt = np.empty(k, dtype=np.int64)
        for f in range(n_cat):
            m = 0  # distinct values seen
            for j in range(k):
                v = codes[neighbors[r, j], f]
                found = False
                for t in range(m):
                    if vals[t] == v:
                        cnt[t] += 1
                        found = True
                        break
                if not found:
                    vals[m] = v
                    cnt[m] = 1
                    m += 1
            best = 0
            for t in range(m):
                if cnt[t] > best:
                    best = cnt[t]
            if smallest:
                choice = -1
                for t in range(m):
                    if cnt[t] == best and (choice < 0 or vals[t] < choice):
                        choice = vals[t]
                out[r, f] = choice
            else:
                # uniform among the tied values, in increasing order of value
                n_tied = 0
                for t in range(m):
                    if cnt[t] == best:
                        n_tied += 1
                pick = min(int(tie_u[r, f] * n_tied), n_tied - 1)
                # the pick-th smallest tied value
                last = -(2**62)
                for _ in range(pick + 1):
                    nxt = 2**62
                    for t in range(m):
                        if cnt[t] == best and vals[t] > last and vals[t] < nxt:
                            nxt = vals[t]
                    last = nxt
                out[r, f] = last


def nominal_mode(codes, neighbors, *, tie_u=None):
    """Most frequent nominal value of each column among each row's neighbours.

    Parameters
    ----------
    codes : ndarray of shape (n_samples, n_nominal), int64
        Nominal values encoded as non-negative integers.
    neighbors : ndarray of shape (n_new, k), int64
        Rows of ``codes`` whose values are counted for each new row.
    tie_u : ndarray of shape (n_new, n_nominal), default=None
        Uniform numbers in [0, 1) that choose among tied values (uniformly,
        as SMOTE-NC does); None takes the smallest tied value (SMOTE-N, as
        ``scipy.stats.mode``).

    Returns
    -------
    out : ndarray of shape (n_new, n_nominal), int64
    """
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    neighbors = np.ascontiguousarray(neighbors, dtype=np.int64)
    out = np.empty((neighbors.shape[0], codes.shape[1]), dtype=np.int64)
    smallest = tie_u is None
    if neighbors.size * codes.shape[1] <= _NUMPY_MAX_SIZE:
        return _nominal_mode_numpy(codes, neighbors, tie_u)
    if smallest:
        tie_u = np.zeros((1, 1))
    _nominal_mode(
        codes, neighbors, np.ascontiguousarray(tie_u, dtype=np.float64), smallest, out
    )
    return out


def _nominal_mode_numpy(codes, neighbors, tie_u):
    """:func:`nominal_mode` vectorised in numpy (small calls)."""
    n_new, k = neighbors.shape
    out = np.empty((n_new, codes.shape[1]), dtype=np.int64)
    for f in range(codes.shape[1]):
        v = np.sort(codes[neighbors, f], axis=1)
        first = np.ones((n_new, k), dtype=bool)  # first of a run of equal values
        first[:, 1:] = v[:, 1:] != v[:, :-1]
        cnt = (v[:, :, None] == v[:, None, :]).sum(axis=2)
        tied = first & (cnt == cnt.max(axis=1, keepdims=True))
        n_tied = tied.sum(axis=1)
        if tie_u is None:
            pick = np.zeros(n_new, dtype=np.int64)
        else:
            pick = np.minimum((tie_u[:, f] * n_tied).astype(np.int64), n_tied - 1)
        # the pick-th smallest tied value
        col = np.argmax(tied & (np.cumsum(tied, axis=1) == pick[:, None] + 1), axis=1)
        out[:, f] = v[np.arange(n_new), col]
    return out


def interpolate_reference(X, seeds, partners, gaps):
    """Numpy reference of :func:`interpolate` (dense)."""
    Xs = np.asarray(X[seeds], dtype=np.float64)
    return (Xs + gaps[:, None] * (np.asarray(X[partners], np.float64) - Xs)).astype(
        X.dtype
    )


def nominal_mode_reference(codes, neighbors, tie_u=None):
    """Numpy reference of :func:`nominal_mode` (counts with np.unique)."""
    n_new, n_cat = neighbors.shape[0], codes.shape[1]
    out = np.empty((n_new, n_cat), dtype=np.int64)
    for r in range(n_new):
        for f in range(n_cat):
            vals, cnt = np.unique(codes[neighbors[r], f], return_counts=True)
            tied = vals[cnt == cnt.max()]  # sorted increasing
            if tie_u is None:
                out[r, f] = tied[0]
            else:
                out[r, f] = tied[min(int(tie_u[r, f] * len(tied)), len(tied) - 1)]
    return out
