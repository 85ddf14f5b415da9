"""The k-nearest-neighbour estimator of the package (numba kernels)."""

import numbers
import os
import signal
import threading
import time
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
# candidates kept per query beyond k by the GEMM pass of the brute force
# (float32): the k nearest are certainly among them when the gap between the
# k-th and the last candidate exceeds twice the rounding bound; other rows
# are searched again on a wider candidate set (_brute_recheck)
_EXTRA_CANDIDATES = 4
# queries farther than this (in units of the fitted points' spread) use a
# float64 GEMM (float32 products could overflow)
_FLOAT32_MAX_COORD = 2.0**60
# Searches of at most this much work (queries x points x (features + 1))
# run in plain numpy (precompiled): a fresh process without a numba cache
# then answers small problems at once instead of compiling the kernels
# (seconds per kernel).  Bigger searches compile (once per machine, cached)
# and run the numba kernels.  Both paths return the same neighbours.
_NUMPY_MAX_WORK = 2**26
# fitted data up to this many values (n_samples x (n_features + 1)) are
# kept as given, the kernels' index being built on the first big search
_LAZY_MAX_SIZE = 2**21
_NUMPY_BLOCK = 2**20  # elements of a distance block of the numpy path
# A long kernel runs in blocks of about this many seconds, so that a
# KeyboardInterrupt arrives between two blocks (a compiled kernel cannot be
# interrupted).
_BLOCK_SECONDS = 0.1
# Largest coordinate magnitude whose squared distances cannot overflow in d
# dimensions is about sqrt(max_float / (4 d)); data beyond _SAFE_MAGNITUDE
# (divided by sqrt(d)) are divided by a power of two (exact) before the
# search, and distances multiplied back.
_SAFE_MAGNITUDE = 1e150
# rotation="auto" builds the tree on the principal axes when, on a sample of
# _ROTATE_SAMPLE rows, _ROTATE_QUERIES searches would meet at most
# _ROTATE_MAX_LEAVES times the leaves of the axis-aligned tree (in at most
# _ROTATE_MAX_DIM features)
_ROTATE_SAMPLE = 16384
_ROTATE_QUERIES = 256
_ROTATE_MAX_LEAVES = 0.975
_ROTATE_MAX_DIM = 32
_U = 2.0**-53  # unit roundoff of float64


def _n_threads(n_jobs):
    """Number of numba threads of a search.

    ``n_jobs=None`` follows scikit-learn's pairwise reductions: all the
    threads OpenMP would use (the CPUs available to the process, lowered by
    ``OMP_NUM_THREADS``, by :func:`threadpoolctl.threadpool_limits` on
    ``"openmp"`` and by joblib's inner thread cap, which joblib's workers
    receive as ``OMP_NUM_THREADS``); an explicit ``n_jobs`` is taken as
    joblib reads it (``-1`` all CPUs).  Never more than numba's pool.
    """
    if n_jobs is None:
        n = _default_threads()
    else:
        n = effective_n_jobs(n_jobs)
    return int(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))


def _default_threads():
    try:
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

        n = _openmp_effective_n_threads()
    except ImportError:  # pragma: no cover - private helper moved
        n = os.cpu_count() or 1
    # a joblib context with an explicit inner cap (parallel_config(
    # inner_max_num_threads=...)) bounds the threads of the calls inside it
    try:
        from joblib.parallel import get_active_backend

        backend, _ = get_active_backend()
        cap = getattr(backend, "inner_max_num_threads", None)
        if cap:
            n = min(n, int(cap))
    except Exception:  # pragma: no cover - joblib internals changed
        pass
    return n


_CONTROLLER = None


def _blas_controller():
    # one controller for the process: building one (as threadpool_limits
    # does on every call) inspects every loaded library, milliseconds per
    # query on a busy machine, which dominated the samplers on small data
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER


class _Interrupts:
    """Hold back SIGINT while compiled kernels run; raise it between blocks.

    A Ctrl-C arriving inside a numba call cannot stop it, and a
    KeyboardInterrupt raised by Python's handler while numba converts
    arguments or results surfaces as ``SystemError``.  While this guard is
    active (main thread only, and only over Python's default handler or a
    Python handler), SIGINT just sets a flag; :meth:`check` (called between
    blocks) and the exit of the guard then raise ``KeyboardInterrupt`` (or
    call the user's handler) in plain Python.
    """

    _active = None  # the outermost guard of the main thread

    def __init__(self):
        self.hit = False
        self._prev = None

    def _handler(self, signum, frame):
        self.hit = True

    def __enter__(self):
        if _Interrupts._active is not None:
            return _Interrupts._active
        if threading.current_thread() is not threading.main_thread():
            return self
        prev = signal.getsignal(signal.SIGINT)
        if not callable(prev):  # SIG_IGN / SIG_DFL / set from C: leave it
            return self
        signal.signal(signal.SIGINT, self._handler)
        self._prev = prev
        _Interrupts._active = self
        return self

    def _restore(self):
        if self._prev is not None:
            signal.signal(signal.SIGINT, self._prev)
            self._prev = None
            _Interrupts._active = None

    def check(self):
        if self.hit:
            self.hit = False
            prev = self._prev
            self._restore()
            if prev is None or prev is signal.default_int_handler:
                raise KeyboardInterrupt
            prev(signal.SIGINT, None)

    def __exit__(self, exc_type, exc, tb):
        if _Interrupts._active is not self:
            return False
        if exc_type is None:
            self.check()
        self._restore()
        return False


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


@contextmanager
def _kernel_session(n_jobs):
    """numba threads set, BLAS single-threaded, SIGINT deferred.

    Yields ``(n_threads, check)``: ``check()`` raises a pending
    KeyboardInterrupt; call it between blocks of compiled work.
    """
    with _Interrupts() as guard, _numba_threads(n_jobs) as n:
        yield n, guard.check


def _in_blocks(n_items, run, check, *, first=256, align=1):
    """Call ``run(start, stop)`` over ``range(n_items)`` in blocks sized to
    take about ``_BLOCK_SECONDS`` each, calling ``check()`` between them."""
    start = 0
    size = max(align, first - first % align)
    while start < n_items:
        stop = min(start + size, n_items)
        t = time.perf_counter()
        run(start, stop)
        check()
        spent = time.perf_counter() - t
        done = stop - start
        start = stop
        if spent > 0:
            grow = min(4.0, max(0.25, _BLOCK_SECONDS / spent))
            size = max(align, int(done * grow) // align * align)


def _safe_scale(max_abs, n_features):
    """A power of two dividing the data so that squared distances in
    ``n_features`` dimensions cannot overflow (1.0 when not needed)."""
    if not max_abs > _SAFE_MAGNITUDE / np.sqrt(max(n_features, 1)):
        return 1.0
    # at most 2**1023 (the largest finite power of two): then |x| < 2
    return float(np.ldexp(1.0, min(int(np.ceil(np.log2(max_abs))), 1023)))


def _safe_power_of_two(x):
    """Smallest power of two at least ``x`` (1.0 for 0), finite."""
    if not x > 0:
        return 1.0
    return float(np.ldexp(1.0, min(int(np.ceil(np.log2(x))), 1023)))


def _max_abs(X):
    if sparse.issparse(X):
        return float(np.max(np.abs(X.data))) if X.nnz else 0.0
    return float(np.max(np.abs(X))) if X.size else 0.0


def _finite_sqrt(sq, scale):
    """Distances from squared distances on the scaled data (capped at the
    largest float: the distance between two finite points may exceed it)."""
    out = np.sqrt(sq)
    if scale != 1.0:
        with np.errstate(over="ignore"):
            out *= scale
        np.minimum(out, np.finfo(np.float64).max, out=out)
    return out


def _work_array(X, mu, inv_s, dtype):
    """``[(x - mu) * inv_s, |.|^2 / 2]`` rows in ``dtype`` (the GEMM operand
    of the brute force) and the float64 squared norms of the rounded
    centred rows; in chunks (no float64 copy of float32 data)."""
    n, d = X.shape
    W = np.empty((n, d + 1), dtype=dtype)
    sq = np.empty(n)
    step = max(1, _NUMPY_BLOCK // max(d, 1))
    for a in range(0, n, step):
        b = min(a + step, n)
        C = (np.asarray(X[a:b], dtype=np.float64) - mu) * inv_s
        W[a:b, :d] = C
        Cw = W[a:b, :d].astype(np.float64)
        sq[a:b] = np.einsum("ij,ij->i", Cw, Cw)
    W[:, d] = sq / 2.0
    return W, sq


def _gemm_tolerance(q_sq, y_sq_max, d, unit, coord_err):
    """Bound on the error of the GEMM values ``a = |y|^2 / 2 - <q, y>`` of
    :func:`_kernels.brute_candidates` against the exact half squared
    distance less ``|q|^2 / 2``, with a factor 2 to spare.

    Terms: the rounding of the coordinates to the working dtype and of the
    GEMM of ``d + 1`` terms (any summation order: ``(d + 1) unit`` times
    the sum of the absolute products), at most ``(d + 4) unit (|q|^2 +
    |y|^2)``; the float64 centring (``coord_err`` per coordinate); the
    underflow of tiny products (absolute).
    """
    norms = q_sq + y_sq_max
    return 2.0 * (
        (d + 4) * unit * norms
        + 4.0 * coord_err * np.sqrt(d * norms)
        + 2.0 * d * coord_err**2
        + (d + 2) * 2.0**-120
    )


def _brute_recheck(Qa, Q, W, Y, exclude, bound, rows, k, out_d, out_i):
    """Exact k nearest neighbours of queries ``rows`` whose GEMM candidates
    could not be certified (ties or near ties): every point whose GEMM value
    is at most ``bound[row]`` (the k-th candidate's value plus twice the
    error bound) may be among the k nearest; their exact squared distances
    (summed feature after feature, as the kernels) decide.  In numpy:
    these rows are few."""
    n, d = Y.shape
    step_r = 64
    step_c = max(1, _NUMPY_BLOCK // step_r)
    for s0 in range(0, rows.shape[0], step_r):
        blk = rows[s0 : s0 + step_r]
        rr, cc = [], []
        for c0 in range(0, n, step_c):
            G = Qa[blk] @ W[c0 : c0 + step_c].T
            r, c = np.nonzero(G <= bound[blk, None])
            rr.append(r)
            cc.append(c + c0)
        r = np.concatenate(rr)
        c = np.concatenate(cc)
        keep = c != exclude[blk][r]
        r, c = r[keep], c[keep]
        exact = np.zeros(r.shape[0])
        for f in range(d):
            t = Y[c, f].astype(np.float64) - Q[blk[r], f].astype(np.float64)
            exact += t * t
        res_d = np.empty((blk.shape[0], k))
        res_i = np.empty((blk.shape[0], k), dtype=np.int64)
        _first_k(r, c, exact, k, res_d, res_i)
        out_d[blk] = res_d
        out_i[blk] = res_i


def _numpy_topk(D, k, exclude, row0, out_d, out_i):
    """Smallest ``k`` of each row of ``D`` by (value, column); column
    ``exclude[row0 + r]`` of row ``r`` is skipped."""
    m = D.shape[0]
    if exclude is not None:
        ex = exclude[row0 : row0 + m]
        rows = np.flatnonzero(ex >= 0)
        D[rows, ex[rows]] = np.inf
    # candidates: every value up to the k-th smallest (ties included), then
    # a sort of the candidates only by (row, value, column)
    kth = np.partition(D, k - 1, axis=1)[:, k - 1]
    r, c = np.nonzero(D <= kth[:, None])
    _first_k(r, c, D[r, c], k, out_d[row0 : row0 + m], out_i[row0 : row0 + m])


def _first_k(r, c, v, k, out_d, out_i):
    """Write the ``k`` smallest candidates ``(row r, column c, value v)`` of
    each row, ordered by (value, column); every row has at least ``k``."""
    order = np.lexsort((c, v, r))
    r, c, v = r[order], c[order], v[order]
    m = out_d.shape[0]
    take = (np.searchsorted(r, np.arange(m))[:, None] + np.arange(k)).ravel()
    out_i[...] = c[take].reshape(m, k)
    out_d[...] = v[take].reshape(m, k)


def _numpy_euclidean(Y, Q, k, exclude):
    """Exact k nearest neighbours in numpy, the same result as the kernels.

    A GEMM gives approximate squared distances; every point whose
    approximate distance is within a rounding-error bound of the k-th
    smallest is a candidate (so the true k nearest always are); the exact
    squared distances of the candidates are then summed feature after
    feature, in the order of the kernels (the same floating-point values),
    and sorted by (distance, index).
    """
    n, d = Y.shape
    n_q = Q.shape[0]
    y_sq = np.einsum("ij,ij->i", Y, Y)
    q_sq = np.einsum("ij,ij->i", Q, Q)
    # |approx - exact| <= tol: a generous bound of the rounding of the
    # expansion q_sq + y_sq - 2 <q, y> (relative error (d + 2) u per term)
    tol = 4.0 * (d + 2) * np.finfo(np.float64).eps * (q_sq + y_sq.max(initial=0.0))
    out_d = np.empty((n_q, k))
    out_i = np.empty((n_q, k), dtype=np.int64)
    step = max(1, _NUMPY_BLOCK // max(n, 1))
    for qs in range(0, n_q, step):
        qe = min(qs + step, n_q)
        Qb = Q[qs:qe]
        D = q_sq[qs:qe, None] + y_sq[None, :] - 2.0 * (Qb @ Y.T)
        if exclude is not None:
            ex = exclude[qs:qe]
            rows = np.flatnonzero(ex >= 0)
            D[rows, ex[rows]] = np.inf
        kth = np.partition(D, k - 1, axis=1)[:, k - 1]
        r, c = np.nonzero(D <= (kth + 2.0 * tol[qs:qe])[:, None])
        exact = np.zeros(r.shape[0])
        for f in range(d):
            t = Y[c, f] - Qb[r, f]
            exact += t * t
        _first_k(r, c, exact, k, out_d[qs:qe], out_i[qs:qe])
    return out_d, out_i


def _numpy_dense_self(
    YT, Q, k, exclude, *, codes=None, qcodes=None, penalty=0.0, l1=False
):
    """Exact squared distances (summed feature after feature, in the order
    of the kernels: the same floating-point results) and top-k in numpy.

    ``YT`` holds the points feature-major ``(n_features, n)``; ``codes``
    (``(n, n_nominal)``) add ``penalty`` per nominal mismatch; ``l1`` sums
    absolute differences instead.
    """
    d, n = YT.shape
    n_q = Q.shape[0]
    out_d = np.empty((n_q, k))
    out_i = np.empty((n_q, k), dtype=np.int64)
    step = max(1, _NUMPY_BLOCK // max(n, 1))
    for qs in range(0, n_q, step):
        qe = min(qs + step, n_q)
        D = np.zeros((qe - qs, n))
        for f in range(d):
            t = YT[f][None, :] - Q[qs:qe, f][:, None]
            if l1:
                D += np.abs(t)
            else:
                D += t * t
        if codes is not None:
            for f in range(codes.shape[1]):
                D += penalty * (codes[:, f][None, :] != qcodes[qs:qe, f][:, None])
        _numpy_topk(D, k, exclude, qs, out_d, out_i)
    return out_d, out_i


def _principal_axes(X, rotation, k=5, leaf_size=32):
    """``(mu, R)`` for a tree on ``z = (x - mu) R`` (``R``: the principal
    axes of ``X``, largest variance first), or None for the axis-aligned
    tree.

    ``"auto"`` compares the two trees on evenly spaced rows of ``X`` (at
    most ``_ROTATE_SAMPLE``): the leaves whose box meets the ball of the
    exact k-th neighbour of ``_ROTATE_QUERIES`` of them are the leaves an
    exact search of that query must scan (:func:`_leaves_met`).  The
    rotation is kept when it meets at most ``_ROTATE_MAX_LEAVES`` times as
    many (measured cases: ``NearestNeighbors``'s ``rotation``).
    """
    n, d = X.shape
    if rotation is None or d < 2 or d > _ROTATE_MAX_DIM or n < 2:
        return None
    S = X[:: max(1, n // _ROTATE_SAMPLE)]
    C = np.cov(S, rowvar=False)
    if not np.all(np.isfinite(C)):
        return None
    R = np.ascontiguousarray(np.linalg.eigh(C)[1][:, ::-1])
    mu = S.mean(axis=0)
    if rotation == "auto":
        k = min(k, S.shape[0] - 1)
        if k < 1:
            return None
        S = np.ascontiguousarray(S, dtype=np.float64)
        Q = np.ascontiguousarray(S[:: max(1, S.shape[0] // _ROTATE_QUERIES)])
        met_axis, r2 = _leaves_met(S, Q, None, k, leaf_size)
        met_pca = _leaves_met((S - mu) @ R, (Q - mu) @ R, r2, k, leaf_size)[0]
        if met_pca > _ROTATE_MAX_LEAVES * met_axis:
            return None
    return mu, R


def _leaves_met(X, Q, r2, k, leaf_size):
    """Number of (query, leaf) pairs of the tree over ``X`` whose leaf box
    lies within squared distance ``r2[q]`` of query ``q``, and ``r2``.

    ``r2=None``: the squared distance of each query's k-th neighbour in
    ``X`` (the queries are rows of ``X``, each excluded by one extra
    neighbour), found with this tree.
    """
    n_levels, _ = _kernels.tree_shape(X.shape[0], leaf_size)
    idx, start, end, lo, hi, sdim, sval, data = _kernels.build_kdtree(X, n_levels)
    if r2 is None:
        out_d = np.empty((Q.shape[0], k + 1))
        out_i = np.empty((Q.shape[0], k + 1), dtype=np.int64)
        args = (data, idx, start, end, lo, hi, sdim, sval, n_levels, Q, Q)
        inv_c = (1.0 + _kernels.slack(X.shape[1])) ** 3
        err = np.zeros(Q.shape[0])
        none = np.full(Q.shape[0], -1, dtype=np.int64)
        _kernels.kdtree_query(*args, err, inv_c, none, k + 1, 0.0, out_d, out_i, 64)
        r2 = out_d[:, -1]
    leaves = np.arange(2 ** (n_levels - 1) - 1, 2**n_levels - 1)
    return _kernels.count_boxes_within(lo, hi, leaves, Q, r2), r2


def _rotate(X, mu, R, block=65536):
    """``(X - mu) R`` (a new C-contiguous array) and ``max |X - mu|``, by
    blocks of rows (no temporary of the size of ``X``)."""
    Z = np.empty((X.shape[0], R.shape[1]), dtype=np.float64)
    spread = 0.0
    for a in range(0, X.shape[0], block):
        D = X[a : a + block] - mu
        spread = max(spread, float(np.abs(D).max(initial=0.0)))
        np.matmul(D, R, out=Z[a : a + block])
    return Z, spread


def _rotation_errors(R):
    """Rounding bounds of the rotated search (see ``kdtree_query``).

    Returns ``(unit, inv_c)``: a computed ``z = (x - mu) R`` is within
    ``unit * max_f |x_f - mu_f|`` of the exact one (Euclidean norm; the
    subtraction and the d products and sums of each coordinate, Higham's
    gamma_{d+2}, times the largest column sum of ``|R|`` and sqrt(d), with a
    factor 2 to spare); ``inv_c`` the relative factor of the other errors:
    ``R`` orthogonal up to ``delta`` (so ``|x| <= |x R| sqrt(1 + delta)``),
    the box bound's and the point distance's sums.
    """
    d = R.shape[0]
    gamma = (d + 2) * _U / (1 - (d + 2) * _U)
    unit = 2.0 * np.sqrt(d) * gamma * float(np.abs(R).sum(axis=0).max())
    delta = float(np.linalg.norm(R.T @ R - np.eye(d))) + 2 * d * (d + 1) * _U
    return unit, (1.0 + _kernels.slack(d)) ** 3 * (1.0 + delta)


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
          largest variance, estimated on at most 128 evenly spaced rows of a
          node: 7-12% faster searches than splitting the largest range at
          1M x 10), searched depth first with bounding-box pruning.
          Exact.  Fastest in low dimension.
        * ``"brute"``: blocked brute force; a float32 GEMM per block of
          queries and points (float32 data are kept float32; float64 data
          are centred, scaled and rounded for the GEMM only) with a fused
          numba top-k of ``k + 4`` candidates per query; a rounding-error
          bound certifies that the k nearest are among them (queries where
          it cannot, ties and near ties, are searched again on every point
          within the bound), and the candidates are ranked on exact float64
          distances.  Exact.  Also the path for CSR input (float64 GEMM).
        * ``"auto"``: ``"kd_tree"`` for dense data with at most 16 features
          and at least 1024 points, ``"brute"`` otherwise.
        * ``"approximate"``: the KD-tree with (1 + ``eps``)-approximate
          pruning (Arya et al., 1998): each returned k-th neighbour is at
          most ``1 + eps`` times farther than the true k-th neighbour.
          Measured recall@k (share of the true k neighbours returned),
          ``eps=1``, k=5, self-search on ``make_classification`` data, one
          thread: 0.89 in 10 features (104k points, ``leaf_size=32``),
          3.3x faster than the exact tree; 0.995 in 50 features (20k
          points) but 2.9x slower than the exact brute force, so it only pays
          in low dimension
          (``benchmarks/results/smote.md``).

    leaf_size : int, default=32
        Maximum number of points in a leaf of the KD-tree (32: the fastest
        of 16-128 in the profile at 1M x 10, ``benchmarks/results/
        smote_profile.md``).

    eps : float, default=1.0
        Relative tolerance of ``algorithm="approximate"``; ignored otherwise.

    rotation : {"auto", "pca"} or None, default="auto"
        Coordinates of the KD-tree's boxes.  ``"pca"`` builds the tree on
        the principal axes of the fitted data (``z = (x - mean) R``, ``R``
        the eigenvectors of the covariance), ``None`` on the features.
        ``"auto"`` (up to 32 features) builds both trees on 16,384 evenly
        spaced rows and keeps the principal axes when the boxes met by the
        exact k-nearest-neighbour balls of 256 of them are at least 2.5%
        fewer (the leaves an exact search scans).  Only the speed changes:
        distances are measured on the original features and the pruning
        allows for the rounding of the rotation, so the neighbours and
        distances are the same.  Measured (one thread, search time
        axis-aligned / principal axes, leaves-met ratio of ``"auto"``):
        KEEL abalone19 1.46x (0.77), airfoil 1.49x (0.85), the 1M x 10
        ``make_classification`` benchmark (two redundant features) 1.15x
        for its 100k minority rows among themselves (0.91) and 1.15x among
        all rows (0.90): rotated; KEEL page-blocks0 0.97x (0.99), wine
        quality 0.96x (1.00), a 200k x 8 Gaussian 1.00x (1.01): left
        axis-aligned (``benchmarks/results/smote_profile.md``).

    n_jobs : int, default=None
        Number of numba threads of the search (BLAS runs single-threaded
        inside the search).  ``None`` follows scikit-learn's pairwise
        reductions: every CPU available to the process, lowered by
        ``OMP_NUM_THREADS``, by :func:`threadpoolctl.threadpool_limits`
        (``user_api="openmp"``) and by joblib's inner thread cap
        (``joblib.parallel_config(inner_max_num_threads=...)``; joblib's
        workers receive it as ``OMP_NUM_THREADS``).  An int is read as
        joblib does (``-1``: all CPUs); never more than numba's thread
        pool.  Results do not depend on the number of threads.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.
    n_samples_fit_ : int
        Number of fitted points.
    effective_algorithm_ : str
        The algorithm used (``"kd_tree"`` or ``"brute"``; ``"approximate"``
        stays as such).
    rotation_ : str or None
        ``"pca"`` when the tree was built on the principal axes, else None
        (also before the tree of a small fit is built, on its first big
        search).

    See Also
    --------
    sklearn.neighbors.NearestNeighbors : scikit-learn's engine (same results
        on exact algorithms, ties aside).

    Notes
    -----
    * Small searches (queries x fitted points x (features + 1) up to about
      6.7e7) run in plain numpy with the kernels' floating-point operations,
      so that a process without a numba cache answers them without compiling;
      the kernels' index (tree or brute-force blocks) is built on the first
      search too big for numpy.  Both paths return the same neighbours.
    * Ties: equal distances go to the smaller index, on every path.
    * Coordinates beyond about 1e150 are divided by a power of two (exact)
      before the search, so squared distances never overflow; distances are
      multiplied back and capped at the largest float.
    * Long searches run in blocks of about 0.1 s; Ctrl-C raises
      ``KeyboardInterrupt`` between two blocks (main thread).

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
        "rotation": [StrOptions({"auto", "pca"}), None],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        n_neighbors=5,
        *,
        algorithm="auto",
        leaf_size=32,
        eps=1.0,
        rotation="auto",
        n_jobs=None,
    ):
        self.n_neighbors = n_neighbors
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.eps = eps
        self.rotation = rotation
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
            Target values.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._validate_params()
        X = validate_data(
            self,
            X,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
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
        self._fit_T = None
        self._raw = None
        self._order = None
        self._rot = None
        self.rotation_ = None
        self._scale = _safe_scale(_max_abs(X), d)
        if sparse.issparse(X):
            Y = X.astype(np.float64)  # a copy: never keep a view on the input
            if self._scale != 1.0:
                Y.data /= self._scale
            Y.sort_indices()
            self._fit_X = Y
            self._fit_T = Y.T.tocsr()
            self._fit_sqnorm = np.asarray(Y.multiply(Y).sum(axis=1)).ravel()
            return self
        owned = self._scale != 1.0
        if owned:
            X = np.asarray(X, dtype=np.float64) / self._scale
        if n * (d + 1) <= _LAZY_MAX_SIZE:
            # small: searches run in numpy; the index of the kernels is
            # built on the first search too big for numpy (if any)
            self._raw = np.array(X, dtype=np.float64, order="C", copy=True)
            self._fit_X = None
            return self
        # the brute force keeps float32 data in float32 (the tree: float64)
        dtype = X.dtype if algo == "brute" else np.float64
        self._build_index(np.ascontiguousarray(X, dtype=dtype), owned)
        return self

    def _build_index(self, Xc, owned=False):
        """The structures of the numba kernels (tree or brute force);
        ``owned``: ``Xc`` is the engine's own copy (else it may be the
        caller's array, which is never kept)."""
        if self.effective_algorithm_ == "brute":
            Y = Xc if owned else Xc.copy()
            self._fit_X = Y
            self._work = self._brute_work(Y)
            return
        n = Xc.shape[0]
        n_levels, _ = _kernels.tree_shape(n, self.leaf_size)
        axes = _principal_axes(
            Xc, self.rotation, max(self.n_neighbors, 5), self.leaf_size
        )
        self._rot = None
        with _kernel_session(self.n_jobs) as (_, check):
            if axes is None:
                idx, start, end, lo, hi, sdim, sval, data = _kernels.build_kdtree(
                    Xc, n_levels, check
                )
            else:
                # the tree on the rotated points; the scans on the original
                # ones, gathered in tree order
                mu, R = axes
                Z, spread = _rotate(Xc, mu, R)
                idx, start, end, lo, hi, sdim, sval, _ = _kernels.build_kdtree(
                    Z, n_levels, check, copy=False
                )
                # the rotated points are no longer needed: their memory takes
                # the original points in tree order (one big array, as the
                # axis-aligned build)
                data = np.take(Xc, idx, axis=0, out=Z, mode="clip")  # unbuffered
                unit, inv_c = _rotation_errors(R)
                self._rot = (mu, R, unit, unit * spread, inv_c)
        self.rotation_ = None if axes is None else "pca"
        # tree order, point-major (a leaf's points are contiguous rows)
        self._fit_X = data
        self._order = idx
        self._position = np.empty(n, dtype=np.int64)
        self._position[idx] = np.arange(n)
        self._tree = (start, end, lo, hi, sdim, sval, n_levels)

    def _ensure_index(self):
        if self._fit_X is None:
            self._build_index(self._raw, owned=True)

    def _is_small(self, n_queries):
        return (
            self._raw is not None
            and n_queries * self.n_samples_fit_ * (self._raw.shape[1] + 1)
            <= _NUMPY_MAX_WORK
        )

    def _rescale(self, scale):
        """Rebuild the index on data divided by a larger power of two (a
        query far larger than the fitted points)."""
        if sparse.issparse(self._fit_X):
            Y = self._fit_X.copy()
            Y.data *= self._scale / scale
            self._fit_X = Y
            self._fit_T = Y.T.tocsr()
            self._fit_sqnorm = np.asarray(Y.multiply(Y).sum(axis=1)).ravel()
        else:
            if self._raw is not None:
                X = self._raw
            elif self._tree is not None:
                X = self._fit_X[self._position]
            else:
                X = self._fit_X
            X = np.asarray(X, dtype=np.float64) * (self._scale / scale)
            small = self._raw is not None
            self._raw = None
            self._fit_X = None
            self._tree = None
            if small:
                self._raw = X
            else:
                self._build_index(X, owned=True)
        self._scale = scale

    def _check_k(self, n_neighbors, self_query):
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
            raise ValueError(f"n_neighbors must be a positive integer, got {k!r}.")
        n_avail = self.n_samples_fit_ - (1 if self_query else 0)
        if k > n_avail:
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit{' - 1' if self_query else ''}"
                f", but n_neighbors = {k}, n_samples_fit = {self.n_samples_fit_}"
                + (
                    " (querying the fitted points, each without itself)"
                    if self_query
                    else ""
                )
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
                self,
                X,
                accept_sparse="csr",
                dtype=[np.float64, np.float32],
                reset=False,
            )
            k = self._check_k(n_neighbors, False)
            scale = _safe_scale(_max_abs(X), X.shape[1])
            if scale > self._scale:
                self._rescale(scale)
            if self._scale != 1.0:
                X = X / self._scale  # a new array: the input is not modified
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
        if self._is_small(rows.shape[0]):
            return self._query(self._raw[rows], k, rows)
        self._ensure_index()
        if self._tree is not None:
            pos = self._position[rows]
            perm = np.argsort(pos, kind="stable")
            pos_sorted = pos[perm]
            Q = self._fit_X[pos_sorted]
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
        Q = np.ascontiguousarray(Q, dtype=np.float64)
        out_d = np.empty((n_q, k), dtype=np.float64)
        out_i = np.empty((n_q, k), dtype=np.int64)
        if exclude_pos is None:
            exclude_pos = np.full(n_q, -1, dtype=np.int64)
        eps = float(self.eps) if self.effective_algorithm_ == "approximate" else 0.0
        d = Q.shape[1]
        with _kernel_session(self.n_jobs) as (n_threads, check):

            def run(a, b):
                chunk = max(1, min(256, -(-(b - a) // (4 * n_threads))))
                if self._rot is None:
                    QZ = Q[a:b]
                    err = np.zeros(b - a)
                    inv_c = (1.0 + _kernels.slack(d)) ** 3
                else:
                    mu, R, unit, err_fit, inv_c = self._rot
                    D = Q[a:b] - mu
                    QZ = np.ascontiguousarray(D @ R)
                    err = err_fit + unit * np.abs(D).max(axis=1, initial=0.0)
                _kernels.kdtree_query(
                    self._fit_X,
                    self._order,
                    start,
                    end,
                    lo,
                    hi,
                    sdim,
                    sval,
                    n_levels,
                    Q[a:b],
                    QZ,
                    err,
                    inv_c,
                    exclude_pos[a:b],
                    k,
                    eps,
                    out_d[a:b],
                    out_i[a:b],
                    chunk,
                )

            _in_blocks(n_q, run, check, first=1024 * n_threads)
        return _finite_sqrt(out_d, self._scale), out_i

    def _query(self, Q, k, exclude):
        """Search for queries ``Q`` (on the scale of the fitted data);
        ``exclude[q]`` is a fitted index to skip."""
        if self._is_small(Q.shape[0]) and not sparse.issparse(Q):
            if exclude is not None:
                exclude = np.asarray(exclude, dtype=np.int64)
            Q = np.asarray(Q, dtype=np.float64)
            sq, ind = _numpy_euclidean(self._raw, Q, k, exclude)
            return _finite_sqrt(sq, self._scale), ind
        self._ensure_index()
        if self._tree is not None:
            excl = None
            if exclude is not None:
                excl = self._position[np.asarray(exclude, dtype=np.int64)]
            return self._search_tree(Q, k, excl)
        return self._brute(Q, k, exclude)

    def _brute(self, Q, k, exclude):
        n = self.n_samples_fit_
        n_q = Q.shape[0]
        if exclude is None:
            exclude = np.full(n_q, -1, dtype=np.int64)
        exclude = np.asarray(exclude, dtype=np.int64)
        if not sparse.issparse(self._fit_X):
            return self._brute_dense(Q, k, exclude)
        Q = sparse.csr_matrix(Q, dtype=np.float64)
        q_sq = np.asarray(Q.multiply(Q).sum(axis=1)).ravel()
        y_sq = self._fit_sqnorm
        out_d = np.empty((n_q, k))
        out_i = np.empty((n_q, k), dtype=np.int64)
        if n_q * n <= _NUMPY_MAX_WORK:
            # small: the distances of the GEMM expansion, as the kernel forms
            # them, and a stable numpy top-k
            step = max(1, _NUMPY_BLOCK // max(n, 1))
            for qs in range(0, n_q, step):
                qe = min(qs + step, n_q)
                G = (Q[qs:qe] @ self._fit_T).toarray()
                D = np.maximum(q_sq[qs:qe, None] + y_sq[None, :] - 2.0 * G, 0.0)
                _numpy_topk(D, k, exclude, qs, out_d, out_i)
            return _finite_sqrt(out_d, self._scale), out_i
        out_d = np.full((n_q, k), np.inf)
        out_i = np.full((n_q, k), -1, dtype=np.int64)
        with _kernel_session(self.n_jobs) as (n_threads, check):
            for qs in range(0, n_q, _QUERY_BLOCK):
                qe = min(qs + _QUERY_BLOCK, n_q)
                Qb = Q[qs:qe]
                for ys in range(0, n, _DATA_BLOCK):
                    ye = min(ys + _DATA_BLOCK, n)
                    G = (Qb @ self._fit_T[:, ys:ye]).toarray()
                    _kernels.merge_topk_gemm(
                        G,
                        q_sq[qs:qe],
                        y_sq,
                        ys,
                        exclude[qs:qe],
                        out_d[qs:qe],
                        out_i[qs:qe],
                    )
                check()
        return _finite_sqrt(out_d, self._scale), out_i

    @staticmethod
    def _brute_work(Y):
        """The GEMM operand of the dense brute force: the points centred on
        their mean and divided by a power of two (so that |coordinate| <= 1:
        no overflow, no loss in float32), as float32 ``[y, |y|^2 / 2]``."""
        n, d = Y.shape
        mu = Y.mean(axis=0, dtype=np.float64) if n else np.zeros(d)
        spread = 0.0
        for a in range(0, n, 2**16):
            C = np.abs(np.asarray(Y[a : a + 2**16], dtype=np.float64) - mu)
            spread = max(spread, float(C.max(initial=0.0)))
        inv_s = 1.0 / _safe_power_of_two(spread)
        W, sq = _work_array(Y, mu, inv_s, np.float32)
        # error of the float64 centring, in working units, per coordinate
        r = (_max_abs(Y) + float(np.max(np.abs(mu), initial=0.0))) * inv_s
        return {
            "W": W,
            "mu": mu,
            "inv_s": inv_s,
            "y_sq_max": float(sq.max(initial=0.0)),
            "coord_err": 2.0 * np.finfo(np.float64).eps * r,
        }

    def _brute_dense(self, Q, k, exclude):
        """Exact dense brute force: float32 GEMM candidates, checked against
        a rounding-error bound, re-ranked on exact float64 distances."""
        work = self._work
        Y = self._fit_X
        n, d = Y.shape
        n_q = Q.shape[0]
        Q = np.ascontiguousarray(Q)
        if Q.dtype not in (np.float32, np.float64):
            Q = Q.astype(np.float64)
        mu, inv_s = work["mu"], work["inv_s"]
        q_max = (_max_abs(Q) + float(np.max(np.abs(mu), initial=0.0))) * inv_s
        coord_err = max(work["coord_err"], 2.0 * np.finfo(np.float64).eps * q_max)
        if q_max <= _FLOAT32_MAX_COORD:
            W = work["W"]
            y_sq_max = work["y_sq_max"]
            dtype = np.float32
        else:
            # far queries: float64 GEMM on the centred, unscaled points (the
            # overflow scale of the engine keeps their squares finite)
            inv_s = 1.0
            W, y_sq = _work_array(Y, mu, inv_s, np.float64)
            y_sq_max = float(y_sq.max(initial=0.0))
            dtype = np.float64
            coord_err = 2.0 * np.finfo(np.float64).eps * q_max / work["inv_s"]
        Qa, q_sq = _work_array(Q, mu, inv_s, dtype)
        Qa[:, :d] *= -1.0
        Qa[:, d] = 1.0
        n_avail = n - (exclude >= 0)
        kc = int(min(k + _EXTRA_CANDIDATES, n_avail.min(initial=n)))
        cand_a = np.full((n_q, kc), np.inf, dtype=dtype)
        cand_i = np.full((n_q, kc), -1, dtype=np.int64)
        out_d = np.empty((n_q, k))
        out_i = np.empty((n_q, k), dtype=np.int64)
        with _kernel_session(self.n_jobs) as (n_threads, check):

            def run(a, b):
                _kernels.brute_candidates(
                    Qa[a:b],
                    W,
                    exclude[a:b],
                    cand_a[a:b],
                    cand_i[a:b],
                    _QUERY_BLOCK,
                    _DATA_BLOCK,
                )
                out_d[a:b], out_i[a:b] = _kernels.exact_sqdist_topk(
                    Q[a:b], Y, cand_i[a:b], k
                )

            _in_blocks(
                n_q, run, check, first=_QUERY_BLOCK * n_threads, align=_QUERY_BLOCK
            )
        unit = float(np.finfo(dtype).eps)
        tol = _gemm_tolerance(q_sq, y_sq_max, d, unit, coord_err)
        a_k = cand_a[:, k - 1].astype(np.float64)
        gap = cand_a[:, kc - 1].astype(np.float64) - a_k
        # sure rows: every point left out is farther than the k-th (all
        # points are candidates, or the gap exceeds the error bounds)
        unsure = np.flatnonzero(~((kc >= n_avail) | (gap > 2.0 * tol)))
        if unsure.size:
            _brute_recheck(
                Qa, Q, W, Y, exclude, a_k + 2.0 * tol, unsure, k, out_d, out_i
            )
        return _finite_sqrt(out_d, self._scale), out_i


def mixed_kneighbors_self(X_cont, codes, mismatch, k, *, n_jobs=None, leaf_size=32):
    """k nearest neighbours of every point among the others, SMOTE-NC distance.

    The squared distance between two points is the squared Euclidean distance
    of their continuous parts plus ``mismatch ** 2`` per nominal column where
    they differ (Chawla et al. 2002 use ``mismatch = median_std``).  Exact:
    a KD-tree over the continuous part (its box distances remain lower bounds
    of the mixed distance) up to 16 continuous features, a brute force above;
    small problems in numpy.  Ties go to the smaller index.  Memory is
    O(n * (d + n_nominal + k)), whatever the number of categories.

    Parameters
    ----------
    X_cont : ndarray of shape (n_samples, n_continuous)
    codes : ndarray of shape (n_samples, n_nominal), integer
        Nominal values encoded as integers.
    mismatch : float
        Distance contributed by one nominal mismatch (its square is added
        to the squared distance).
    k : int
        Number of neighbours.
    n_jobs : int, default=None
        Number of threads (see :class:`NearestNeighbors`).

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
    # a common power-of-two scale keeps the squared distances finite
    scale = _safe_scale(max(_max_abs(X_cont), abs(float(mismatch))), d + codes.shape[1])
    if scale != 1.0:
        X_cont = X_cont / scale
    penalty = (float(mismatch) / scale) ** 2
    if n * n * (d + codes.shape[1] + 1) <= _NUMPY_MAX_WORK:
        dist, ind = _numpy_dense_self(
            np.ascontiguousarray(X_cont.T),
            X_cont,
            k,
            np.arange(n),
            codes=codes,
            qcodes=codes,
            penalty=penalty,
        )
        return _finite_sqrt(dist, scale), ind
    with _kernel_session(n_jobs) as (n_threads, check):
        dist = np.empty((n, k))
        ind = np.empty((n, k), dtype=np.int64)
        if d == 0 or d > _AUTO_TREE_MAX_DIM or n < _AUTO_TREE_MIN_SAMPLES:

            def run(a, b):
                _kernels.brute_mixed_self(
                    X_cont, codes, penalty, False, a, dist[a:b], ind[a:b]
                )

            _in_blocks(n, run, check, first=64 * n_threads)
        else:
            n_levels, _ = _kernels.tree_shape(n, leaf_size)
            idx, start, end, lo, hi, _, _, data = _kernels.build_kdtree(
                X_cont, n_levels, check
            )
            tcodes = np.ascontiguousarray(codes[idx])
            excl = np.arange(n, dtype=np.int64)

            def run(a, b):
                chunk = max(1, min(256, -(-(b - a) // (4 * n_threads))))
                _kernels.kdtree_query_mixed(
                    data,
                    tcodes,
                    idx,
                    start,
                    end,
                    lo,
                    hi,
                    n_levels,
                    data[a:b],
                    tcodes[a:b],
                    excl[a:b],
                    k,
                    penalty,
                    dist[a:b],
                    ind[a:b],
                    chunk,
                )

            _in_blocks(n, run, check, first=1024 * n_threads)
            # rows were queried in tree order; put them back in input order
            dist_out = np.empty_like(dist)
            ind_out = np.empty_like(ind)
            dist_out[idx] = dist
            ind_out[idx] = ind
            dist, ind = dist_out, ind_out
    return _finite_sqrt(dist, scale), ind


def l1_kneighbors_self(E, k, *, n_jobs=None):
    """k nearest neighbours of every row of ``E`` among the others, L1
    distance (brute force, O(n * k) memory; numpy on small problems).
    Returns (dist, ind); ties go to the smaller index."""
    E = np.ascontiguousarray(E, dtype=np.float64)
    n, d = E.shape
    if k > n - 1:
        raise ValueError(f"k={k} neighbours need at least {k + 1} points, got {n}.")
    scale = _safe_scale(_max_abs(E), d)
    if scale != 1.0:
        E = E / scale  # |E| <= 1: sums of absolute differences stay finite
    if n * n * (d + 1) <= _NUMPY_MAX_WORK:
        dist, ind = _numpy_dense_self(
            np.ascontiguousarray(E.T), E, k, np.arange(n), l1=True
        )
    else:
        dist = np.empty((n, k))
        ind = np.empty((n, k), dtype=np.int64)
        codes = np.zeros((n, 0), dtype=np.int64)
        with _kernel_session(n_jobs) as (n_threads, check):

            def run(a, b):
                _kernels.brute_mixed_self(E, codes, 0.0, True, a, dist[a:b], ind[a:b])

            _in_blocks(n, run, check, first=64 * n_threads)
    if scale != 1.0:
        dist = np.minimum(dist * scale, np.finfo(np.float64).max)
    return dist, ind
