"""Distributed exact k nearest neighbours over a row-partitioned Dask array.

Queries (small, in memory) are searched against every partition of the
reference with the package's engine (:class:`NearestNeighbors`), each
partition returning its own top-k lists with global row indices; the lists
are merged by a tree reduction, ties broken by global row index.  The
result is the exact k nearest neighbours among all rows, as the in-memory
engine finds them.
"""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._base import NearestNeighbors

__all__ = ["kneighbors_dask"]

# index of an empty slot (sorts after every real row)
_NONE = np.iinfo(np.int64).max


def _search_partition(Xb, offset, Q, query_index, k, algorithm, yb, label):
    """Top-k lists (distances, global indices, labels or None) of the queries
    among the rows of one partition."""
    Xb = np.asarray(Xb)
    n_q = Q.shape[0]
    local = np.arange(Xb.shape[0], dtype=np.int64)
    if label is not None:
        local = np.flatnonzero(np.asarray(yb) == label)
    out_d = np.full((n_q, k), np.inf)
    out_i = np.full((n_q, k), _NONE, dtype=np.int64)
    out_y = None if yb is None else np.zeros((n_q, k), dtype=np.asarray(yb).dtype)
    if local.shape[0] == 0:
        return out_d, out_i, out_y
    ref = Xb if label is None else Xb[local]
    gidx = local + offset
    own = None
    extra = 0
    if query_index is not None and np.isin(query_index, gidx).any():
        own = query_index
        extra = 1
    kk = min(k + extra, ref.shape[0])
    nn = NearestNeighbors(n_neighbors=kk, algorithm=algorithm, n_jobs=1).fit(ref)
    d, i = nn.kneighbors(Q, kk)
    if own is not None:
        is_own = gidx[i] == own[:, None]
        order = np.argsort(is_own, axis=1, kind="stable")  # own row last
        d = np.take_along_axis(d, order, axis=1)
        i = np.take_along_axis(i, order, axis=1)
        is_own = np.take_along_axis(is_own, order, axis=1)
        d[is_own] = np.inf
    m = min(k, kk)
    out_d[:, :m] = d[:, :m]
    out_i[:, :m] = gidx[i[:, :m]]
    out_i[~np.isfinite(out_d)] = _NONE
    if out_y is not None:
        out_y[:, :m] = np.asarray(yb)[local[i[:, :m]]]
    return _sort_lists(out_d, out_i, out_y, k)


def _sort_lists(d, i, lab, k):
    """Sort each row by (distance, global index) and keep the first k."""
    order = np.lexsort((i, d), axis=-1)[:, :k]
    take = np.take_along_axis
    return (
        take(d, order, axis=1),
        take(i, order, axis=1),
        None if lab is None else take(lab, order, axis=1),
    )


def _merge(*parts):
    """Merge top-k lists (one node of the tree reduction)."""
    k = parts[0][0].shape[1]
    cat = [np.concatenate([p[j] for p in parts], axis=1) for j in (0, 1)]
    lab = None if parts[0][2] is None else np.concatenate([p[2] for p in parts], axis=1)
    return _sort_lists(cat[0], cat[1], lab, k)


@validate_params(
    {
        "X": ["array-like"],
        "queries": ["array-like"],
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "query_index": ["array-like", None],
        "y": ["array-like", None],
        "reference_label": "no_validation",
        "algorithm": [StrOptions({"auto", "kd_tree", "brute"})],
        "split_every": [Interval(numbers.Integral, 2, None, closed="left")],
        "return_distance": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def kneighbors_dask(
    X,
    queries,
    n_neighbors,
    *,
    query_index=None,
    y=None,
    reference_label=None,
    algorithm="auto",
    split_every=4,
    return_distance=True,
):
    """Exact k nearest neighbours of in-memory queries among Dask array rows.

    Every partition of ``X`` is searched with the package's
    :class:`NearestNeighbors` (one thread per task, so that the workers'
    cores are not oversubscribed); the per-partition top-k lists, with
    global row indices, are merged by a tree reduction in which ties are
    broken by the global row index.  The neighbours are those the in-memory
    engine finds on the whole array (up to the order of exactly tied
    distances, which the in-memory KD-tree does not define).

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        The reference rows, partitioned by rows (a column chunking is
        rechunked to one column chunk).  Chunk sizes must be known.
    queries : ndarray of shape (n_queries, n_features)
        The query points (in memory: they are sent to every partition).
    n_neighbors : int
        Number of neighbours.
    query_index : ndarray of shape (n_queries,), default=None
        Global row indices of the queries when they are rows of ``X``: each
        query is then not its own neighbour (as ``kneighbors()`` without
        argument in memory).
    y : dask.array.Array of shape (n_samples,), default=None
        Labels of the rows of ``X`` (same row chunks); with it, the labels of
        the neighbours are returned too.
    reference_label : scalar, default=None
        Search only the rows whose label in ``y`` equals it (e.g. the
        neighbours of a class among its own rows); indices stay global.
    algorithm : {"auto", "kd_tree", "brute"}, default="auto"
        Algorithm of the per-partition search (see :class:`NearestNeighbors`).
    split_every : int, default=4
        Fan-in of the tree reduction.
    return_distance : bool, default=True
        Return the distances.

    Returns
    -------
    dist : ndarray of shape (n_queries, n_neighbors)
        Euclidean distances, increasing along each row (only when
        ``return_distance``).
    ind : ndarray of shape (n_queries, n_neighbors)
        Global row indices of the neighbours in ``X``.
    labels : ndarray of shape (n_queries, n_neighbors)
        Labels of the neighbours (only when ``y`` is given).

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> from sklearn_datacentric.neighbors import kneighbors_dask
    >>> X = np.array([[0.0], [1.0], [3.0], [6.0], [10.0]])
    >>> Xd = da.from_array(X, chunks=(2, 1))
    >>> kneighbors_dask(Xd, X[:2], 2, query_index=np.array([0, 1]),
    ...                 return_distance=False)
    array([[1, 2],
           [0, 2]])
    """
    import dask
    import dask.array as da

    if not isinstance(X, da.Array) or X.ndim != 2:
        raise TypeError(f"X must be a 2-D dask.array.Array, got {type(X).__name__}.")
    if any(np.isnan(c) for c in X.chunks[0]):
        raise ValueError(
            "X has unknown chunk sizes; call X.compute_chunk_sizes() first."
        )
    Q = np.asarray(queries)
    if Q.ndim != 2 or Q.shape[1] != X.shape[1]:
        raise ValueError(
            f"queries must be 2-D with {X.shape[1]} features (as X), got shape "
            f"{Q.shape}."
        )
    Q = np.ascontiguousarray(Q, dtype=np.float64)
    if not np.isfinite(Q).all():
        raise ValueError("queries contain NaN or infinity.")
    k = int(n_neighbors)
    if query_index is not None:
        query_index = np.asarray(query_index, dtype=np.int64)
        if query_index.shape != (Q.shape[0],):
            raise ValueError("query_index must have one entry per query.")
    if (y is not None) and (y.ndim != 1 or y.chunks[0] != X.chunks[0]):
        raise ValueError("y must be a 1-D dask array with the row chunks of X.")
    if reference_label is not None and y is None:
        raise ValueError("reference_label needs y.")
    if X.numblocks[1] != 1:
        X = X.rechunk({1: X.shape[1]})
    offsets = np.concatenate([[0], np.cumsum(X.chunks[0])]).astype(np.int64)
    x_parts = list(X.to_delayed().ravel())
    y_parts = list(y.to_delayed().ravel()) if y is not None else [None] * len(x_parts)
    # the queries enter the graph once (one key shared by all partitions)
    Qd = dask.delayed(Q, pure=True)
    qi = dask.delayed(query_index, pure=True) if query_index is not None else None
    level = [
        dask.delayed(_search_partition, pure=True)(
            xb,
            int(offsets[p]),
            Qd,
            qi,
            k,
            algorithm,
            y_parts[p],
            reference_label,
        )
        for p, xb in enumerate(x_parts)
    ]
    while len(level) > 1:
        level = [
            dask.delayed(_merge, pure=True)(*level[s : s + split_every])
            for s in range(0, len(level), split_every)
        ]
    dist, ind, labels = dask.compute(level[0])[0]
    if np.any(ind == _NONE):
        n_avail = int(offsets[-1]) - (query_index is not None)
        raise ValueError(
            f"Expected n_neighbors <= {n_avail} (the rows searched"
            f"{', each query without itself' if query_index is not None else ''}"
            f"), but n_neighbors = {k}."
        )
    out = [dist] if return_distance else []
    out.append(ind)
    if y is not None:
        out.append(labels)
    return out[0] if len(out) == 1 else tuple(out)
