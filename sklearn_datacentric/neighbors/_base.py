"""The k-nearest-neighbour estimator of the package (numba kernels)."""

import numbers
from contextlib import contextmanager

import numba
import numpy as np
from joblib import effective_n_jobs
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import ThreadpoolController

from . import _kernels

__all__ = ["NearestNeighbors"]

# dimension up to which "auto" chooses the KD-tree (profiled on
# make_classification data; above it the blocked brute force wins)
_AUTO_TREE_MAX_DIM = 16
# below this many fitted points the brute force is as fast as the tree
_AUTO_TREE_MIN_SAMPLES = 1024
_QUERY_BLOCK = 256
_DATA_BLOCK = 1024
_EXTRA_CANDIDATES = 4


def _n_threads(n_jobs):
    n = effective_n_jobs(n_jobs)
    return int(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))


_CONTROLLER = None


def _blas_controller():
    # one controller for the process: building one (as threadpool_limits
    # does on every call) inspects every loaded library, milliseconds per
    # query on a busy machine, which dominated the samplers on small data
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER


@contextmanager
def _numba_threads(n_jobs):
    n = _n_threads(n_jobs)
    old = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        # BLAS stays single-threaded: its spinning worker threads would
        # compete with numba's between the GEMM blocks and the top-k merges
        # (a 10x slowdown measured on a busy 2-core machine); the merges run
        # on n numba threads
        with _blas_controller().limit(limits=1, user_api="blas"):
            yield n
    finally:
        numba.set_num_threads(old)


class NearestNeighbors(BaseEstimator):
    """Exact (or approximate) k nearest neighbours in Euclidean distance.

    The one neighbour engine of the package: every SMOTE-style sampler uses
    it.  Same interface as :class:`sklearn.neighbors.NearestNeighbors`
    (``fit``, ``kneighbors``), on numba kernels that run in parallel over the
    queries.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours returned by :meth:`kneighbors` by default.

    algorithm : {"auto", "kd_tree", "brute", "approximate"}, default="auto"
        * ``"kd_tree"``: a balanced KD-tree (median split on the dimension of
          largest spread), searched depth first with bounding-box pruning.
          Exact.  Fastest in low dimension.
        * ``"brute"``: blocked brute force; a GEMM per block of queries and
          points, a numba top-k merge, then the distances of the retained
          candidates are recomputed exactly.  Exact.  Also the path for CSR
          input.
        * ``"auto"``: ``"kd_tree"`` for dense data with at most 16 features
          and at least 1024 points, ``"brute"`` otherwise.
        * ``"approximate"``: the KD-tree with (1 + ``eps``)-approximate
          pruning (Arya et al., 1998): each returned k-th neighbour is at
          most ``1 + eps`` times farther than the true k-th neighbour.
          Measured recall@k (share of the true k neighbours returned),
          ``eps=1``, k=5, self-search on ``make_classification`` data, one
          thread: 0.93 in 10 features (104k points), 4x faster than the
          exact tree; 0.999 in 50 features (20k points) but 5x slower than
          the exact brute force, so it only pays in low dimension
          (``benchmarks/results/smote.md``).

    leaf_size : int, default=64
        Maximum number of points in a leaf of the KD-tree.

    eps : float, default=1.0
        Relative tolerance of ``algorithm="approximate"``; ignored otherwise.

    n_jobs : int, default=None
        Number of numba threads of the search (BLAS runs single-threaded
        inside the search).
        ``None`` means 1 unless in a :obj:`joblib.parallel_backend` context;
        ``-1`` means all the threads numba has.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.
    n_samples_fit_ : int
        Number of fitted points.
    effective_algorithm_ : str
        The algorithm used (``"kd_tree"`` or ``"brute"``; ``"approximate"``
        stays as such).

    See Also
    --------
    sklearn.neighbors.NearestNeighbors : scikit-learn's engine (same results
        on exact algorithms, ties aside).

    References
    ----------
    .. [1] J. L. Bentley, "Multidimensional binary search trees used for
       associative searching", Communications of the ACM 18(9), 1975.
    .. [2] S. Arya, D. M. Mount, N. S. Netanyahu, R. Silverman and A. Y. Wu,
       "An optimal algorithm for approximate nearest neighbor searching in
       fixed dimensions", Journal of the ACM 45(6), 1998.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.neighbors import NearestNeighbors
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [5.0, 5.0]])
    >>> nn = NearestNeighbors(n_neighbors=2).fit(X)
    >>> dist, ind = nn.kneighbors()  # fitted points, each without itself
    >>> ind
    array([[1, 2],
           [0, 2],
           [0, 1],
           [2, 1]])
    """

    _parameter_constraints = {
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "algorithm": [StrOptions({"auto", "kd_tree", "brute", "approximate"})],
        "leaf_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "eps": [Interval(numbers.Real, 0, None, closed="left")],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self, n_neighbors=5, *, algorithm="auto", leaf_size=64, eps=1.0, n_jobs=None
    ):
        self.n_neighbors = n_neighbors
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.eps = eps
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y=None):
        """Index the points of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense or CSR points (CSR uses the brute force).
        y : Ignored

        Returns
        -------
        self : object
        """
        self._validate_params()
        X = validate_data(
            self, X, accept_sparse="csr", dtype=[np.float64, np.float32],
            ensure_min_samples=1,
        )
        return self._fit_validated(X)

    def _fit_validated(self, X):
        """Fit on an already validated array (dense float or CSR)."""
        n, d = X.shape
        self.n_samples_fit_ = n
        algo = self.algorithm
        if sparse.issparse(X):
            if algo in ("kd_tree", "approximate"):
                raise ValueError(
                    f"algorithm={algo!r} needs dense input; use algorithm='brute' "
                    "or 'auto' for sparse X."
                )
            algo = "brute"
        elif algo == "auto":
            algo = (
                "kd_tree"
                if d <= _AUTO_TREE_MAX_DIM and n >= _AUTO_TREE_MIN_SAMPLES
                else "brute"
            )
        self.effective_algorithm_ = algo
        self._tree = None
        if sparse.issparse(X):
            Y = X.astype(np.float64)  # a copy: never keep a view on the input
            Y.sort_indices()
            self._fit_X = Y
            self._fit_T = Y.T.tocsr()
            self._fit_sqnorm = np.asarray(Y.multiply(Y).sum(axis=1)).ravel()
            self._order = None
        elif algo == "brute":
            Y = np.array(X, dtype=np.float64, order="C", copy=True)
            self._fit_X = Y
            self._fit_sqnorm = np.einsum("ij,ij->i", Y, Y)
            self._order = None
        else:
            Xc = np.ascontiguousarray(X, dtype=np.float64)
            n_levels, _ = _kernels.tree_shape(n, self.leaf_size)
            with _numba_threads(self.n_jobs):
                idx, start, end, lo, hi, sdim, sval = _kernels.build_kdtree(
                    Xc, n_levels
                )
            # tree order, feature-major (the leaf scans vectorise over points)
            self._fit_X = np.take(Xc.T, idx, axis=1)
            self._order = idx
            self._position = np.empty(n, dtype=np.int64)
            self._position[idx] = np.arange(n)
            self._tree = (start, end, lo, hi, sdim, sval, n_levels)
        return self

    def _check_k(self, n_neighbors, self_query):
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
            raise ValueError(f"n_neighbors must be a positive integer, got {k!r}.")
        n_avail = self.n_samples_fit_ - (1 if self_query else 0)
        if k > n_avail:
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit{' - 1' if self_query else ''}"
                f", but n_neighbors = {k}, n_samples_fit = {self.n_samples_fit_}"
                + (" (querying the fitted points, each without itself)"
                   if self_query else "")
                + "."
            )
        return int(k)

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Find the k nearest neighbours of points.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), \
                default=None
            Query points.  None queries the fitted points, each point not
            being its own neighbour (as in scikit-learn).
        n_neighbors : int, default=None
            Number of neighbours; ``self.n_neighbors`` when None.
        return_distance : bool, default=True
            Return the distances too.

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors)
            Euclidean distances, increasing along each row (only when
            ``return_distance=True``).
        neigh_ind : ndarray of shape (n_queries, n_neighbors)
            Indices of the neighbours in the fitted data.
        """
        check_is_fitted(self, "n_samples_fit_")
        if X is None:
            dist, ind = self._kneighbors_fitted(None, n_neighbors)
        else:
            X = validate_data(
                self, X, accept_sparse="csr", dtype=[np.float64, np.float32],
                reset=False,
            )
            k = self._check_k(n_neighbors, False)
            dist, ind = self._query(X, k, None)
        return (dist, ind) if return_distance else ind

    def _kneighbors_fitted(self, rows=None, n_neighbors=None):
        """Neighbours of fitted points (all when ``rows`` is None), each
        point excluded from its own neighbours.

        This is the fast path of the samplers: the queries are taken from
        the fitted data in tree order (cache friendly) and no copy of the
        query points is made.
        """
        k = self._check_k(n_neighbors, True)
        n = self.n_samples_fit_
        rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
        if self._tree is not None:
            pos = self._position[rows]
            perm = np.argsort(pos, kind="stable")
            pos_sorted = pos[perm]
            Q = np.ascontiguousarray(self._fit_X[:, pos_sorted].T)
            d, i = self._search_tree(Q, k, pos_sorted)
            dist = np.empty_like(d)
            ind = np.empty_like(i)
            dist[perm] = d
            ind[perm] = i
            return dist, ind
        Q = self._fit_X[rows]
        return self._query(Q, k, rows)

    def _search_tree(self, Q, k, exclude_pos):
        start, end, lo, hi, sdim, sval, n_levels = self._tree
        n_q = Q.shape[0]
        out_d = np.empty((n_q, k), dtype=np.float64)
        out_i = np.empty((n_q, k), dtype=np.int64)
        if exclude_pos is None:
            exclude_pos = np.full(n_q, -1, dtype=np.int64)
        eps = float(self.eps) if self.effective_algorithm_ == "approximate" else 0.0
        with _numba_threads(self.n_jobs) as n_threads:
            chunk = max(1, min(256, -(-n_q // (4 * n_threads))))
            _kernels.kdtree_query(
                self._fit_X, self._order, start, end, lo, hi, sdim, sval,
                n_levels, np.ascontiguousarray(Q, dtype=np.float64), exclude_pos, k, eps,
                out_d, out_i, chunk,
            )
        np.sqrt(out_d, out=out_d)
        return out_d, out_i

    def _query(self, Q, k, exclude):
        """Search for queries ``Q``; ``exclude[q]`` is a fitted index to skip."""
        if self._tree is not None:
            excl = None
            if exclude is not None:
                excl = self._position[np.asarray(exclude, dtype=np.int64)]
            return self._search_tree(Q, k, excl)
        return self._brute(Q, k, exclude)

    def _brute(self, Q, k, exclude):
        n = self.n_samples_fit_
        n_q = Q.shape[0]
        is_sparse = sparse.issparse(self._fit_X)
        kc = min(k + _EXTRA_CANDIDATES, n) if not is_sparse else k
        if exclude is None:
            exclude = np.full(n_q, -1, dtype=np.int64)
        exclude = np.asarray(exclude, dtype=np.int64)
        if kc > n - (exclude >= 0).any():
            kc = k
        out_d = np.full((n_q, kc), np.inf)
        out_i = np.full((n_q, kc), -1, dtype=np.int64)
        if is_sparse:
            Q = sparse.csr_matrix(Q, dtype=np.float64)
            q_sq = np.asarray(Q.multiply(Q).sum(axis=1)).ravel()
        else:
            Q = np.ascontiguousarray(Q, dtype=np.float64)
            q_sq = np.einsum("ij,ij->i", Q, Q)
        y_sq = self._fit_sqnorm
        with _numba_threads(self.n_jobs):
            if is_sparse:
                for qs in range(0, n_q, _QUERY_BLOCK):
                    qe = min(qs + _QUERY_BLOCK, n_q)
                    Qb = Q[qs:qe]
                    for ys in range(0, n, _DATA_BLOCK):
                        ye = min(ys + _DATA_BLOCK, n)
                        G = (Qb @ self._fit_T[:, ys:ye]).toarray()
                        _kernels.merge_topk_gemm(
                            G, q_sq[qs:qe], y_sq, ys, exclude[qs:qe],
                            out_d[qs:qe], out_i[qs:qe],
                        )
            else:
                _kernels.brute_topk(
                    Q, self._fit_X, q_sq, y_sq, exclude, out_d, out_i,
                    _QUERY_BLOCK, _DATA_BLOCK,
                )
                out_d, out_i = _kernels.exact_sqdist_topk(Q, self._fit_X, out_i, k)
        np.sqrt(out_d, out=out_d)
        return out_d, out_i


def mixed_kneighbors_self(X_cont, codes, penalty, k, *, n_jobs=None, leaf_size=32):
    """k nearest neighbours of every point among the others, SMOTE-NC distance.

    The squared distance between two points is the squared Euclidean distance
    of their continuous parts plus ``penalty`` per nominal column where they
    differ (Chawla et al. 2002 use ``penalty = median_std ** 2``).  Exact:
    a KD-tree over the continuous part (its box distances remain lower bounds
    of the mixed distance) up to 16 continuous features, a brute force above.
    Memory is O(n * (d + n_nominal + k)), whatever the number of categories.

    Parameters
    ----------
    X_cont : ndarray of shape (n_samples, n_continuous)
    codes : ndarray of shape (n_samples, n_nominal), integer
        Nominal values encoded as integers.
    penalty : float
        Cost of one nominal mismatch (squared-distance units).
    k : int
        Number of neighbours.
    n_jobs : int, default=None
        Number of threads.

    Returns
    -------
    dist : ndarray of shape (n_samples, k)
    ind : ndarray of shape (n_samples, k)
    """
    X_cont = np.ascontiguousarray(X_cont, dtype=np.float64)
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    n, d = X_cont.shape
    if k > n - 1:
        raise ValueError(f"k={k} neighbours need at least {k + 1} points, got {n}.")
    with _numba_threads(n_jobs) as n_threads:
        if d == 0 or d > _AUTO_TREE_MAX_DIM or n < _AUTO_TREE_MIN_SAMPLES:
            dist, ind = _kernels.brute_mixed_self(
                X_cont, codes, k, float(penalty), False
            )
        else:
            n_levels, _ = _kernels.tree_shape(n, leaf_size)
            idx, start, end, lo, hi, _, _ = _kernels.build_kdtree(X_cont, n_levels)
            data = np.ascontiguousarray(X_cont[idx])
            tcodes = np.ascontiguousarray(codes[idx])
            dist = np.empty((n, k))
            ind = np.empty((n, k), dtype=np.int64)
            chunk = max(1, min(256, -(-n // (4 * n_threads))))
            _kernels.kdtree_query_mixed(
                data, tcodes, idx, start, end, lo, hi, n_levels, data, tcodes,
                np.arange(n, dtype=np.int64), k, float(penalty), dist, ind, chunk,
            )
            # rows were queried in tree order; put them back in input order
            dist_out = np.empty_like(dist)
            ind_out = np.empty_like(ind)
            dist_out[idx] = dist
            ind_out[idx] = ind
            dist, ind = dist_out, ind_out
    return np.sqrt(dist), ind


def l1_kneighbors_self(E, k, *, n_jobs=None):
    """k nearest neighbours of every row of ``E`` among the others, L1
    distance (brute force, O(n * k) memory).  Returns (dist, ind)."""
    E = np.ascontiguousarray(E, dtype=np.float64)
    n = E.shape[0]
    if k > n - 1:
        raise ValueError(f"k={k} neighbours need at least {k + 1} points, got {n}.")
    with _numba_threads(n_jobs):
        return _kernels.brute_mixed_self(
            E, np.zeros((n, 0), dtype=np.int64), k, 0.0, True
        )
