"""numba kernels of the nearest-neighbour engine.

Pure functions over numpy arrays.  Two exact searches share the same top-k
bookkeeping:

* a KD-tree (balanced, median split on the dimension of largest variance,
  points stored contiguously in tree order), searched depth first with the
  nearer child first and bounding-box pruning; ``eps > 0`` gives the
  (1 + eps)-approximate search of Arya et al. (a node is pruned when
  ``(1 + eps) * box_distance >= k-th best distance``);
* a blocked brute force: a GEMM per block of queries and points gives
  approximate squared distances (float32 for dense data), folded into the
  running best candidates per query (:func:`brute_candidates`; CSR:
  :func:`merge_topk_gemm`); the candidates are then re-ranked on exact
  float64 distances (:func:`exact_sqdist_topk`).

All distances inside the kernels are squared Euclidean distances.
:func:`kneighbors_reference` is the plain numpy reference the tests compare to.
"""

import numpy as np
from numba import njit, prange

__all__ = [
    "build_kdtree",
    "build_kdtree_level",
    "kdtree_query",
    "count_boxes_within",
    "merge_topk_block",
    "brute_candidates",
    "exact_sqdist_topk",
    "kneighbors_reference",
    "tree_shape",
]


def tree_shape(n_samples, leaf_size):
    """Number of levels and nodes of the balanced tree over ``n_samples``."""
    n_levels = 1
    # split while a node would hold more than leaf_size points
    size = n_samples
    while size > leaf_size:
        size = (size + 1) // 2
        n_levels += 1
    return n_levels, 2**n_levels - 1


@njit(cache=True)
def _select_nth(idx, data, dim, start, end, nth):
    """Reorder rows ``start:end`` of ``data`` (and ``idx`` alongside) so that
    row ``nth`` holds the point whose coordinate ``dim`` would sit at
    position ``nth`` after sorting; smaller or equal keys before it, greater
    or equal after it (quickselect).  The rows move with their keys, so the
    scans of later levels read contiguous memory instead of gathering
    through ``idx`` (twice as fast a build at 1M x 10)."""
    d = data.shape[1]
    lo = start
    hi = end - 1
    while hi > lo:
        # median of three pivot
        mid = (lo + hi) // 2
        a = data[lo, dim]
        b = data[mid, dim]
        c = data[hi, dim]
        if a < b:
            if b < c:
                p = b
            elif a < c:
                p = c
            else:
                p = a
        else:
            if a < c:
                p = a
            elif b < c:
                p = c
            else:
                p = b
        i = lo
        j = hi
        while i <= j:
            while data[i, dim] < p:
                i += 1
            while data[j, dim] > p:
                j -= 1
            if i <= j:
                t = idx[i]
                idx[i] = idx[j]
                idx[j] = t
                for f in range(d):
                    u = data[i, f]
                    data[i, f] = data[j, f]
                    data[j, f] = u
                i += 1
                j -= 1
        if nth <= j:
            hi = j
        elif nth >= i:
            lo = i
        else:
            return


@njit(cache=True, fastmath={"reassoc", "contract"})
def _node_box(data, start, end, lo, hi, node):
    # running extremes in a small local array (kept apart from the output
    # rows, which the compiler could not prove distinct from ``data``):
    # 1.6x faster at 1M x 10; minima and maxima are exact in any order
    d = data.shape[1]
    mn = np.full(d, np.inf)
    mx = np.full(d, -np.inf)
    for j in range(start, end):
        for f in range(d):
            v = data[j, f]
            mn[f] = min(mn[f], v)
            mx[f] = max(mx[f], v)
    for f in range(d):
        lo[node, f] = mn[f]
        hi[node, f] = mx[f]


# the split dimension's variance is estimated on at most about this many
# evenly spaced rows of a node
_SPLIT_SAMPLE = 128


@njit(cache=True, fastmath={"reassoc", "contract"})
def _split_dim(data, start, end):
    """The feature of largest variance among rows ``start:end`` (on an
    evenly spaced sample of about ``_SPLIT_SAMPLE`` rows of large nodes)."""
    d = data.shape[1]
    step = max(1, (end - start) // _SPLIT_SAMPLE)
    s1 = np.zeros(d)
    s2 = np.zeros(d)
    m = 0
    for j in range(start, end, step):
        m += 1
        for f in range(d):
            # shifted by the node's first row: no cancellation when the
            # values lie far from 0 (features with a large offset)
            v = data[j, f] - data[start, f]
            s1[f] += v
            s2[f] += v * v
    best = 0
    spread = -1.0
    for f in range(d):
        s = s2[f] - s1[f] * s1[f] / max(m, 1)
        if s > spread:
            spread = s
            best = f
    return best


@njit(parallel=True, cache=True)
def build_kdtree_level(
    data, level, last, idx, node_start, node_end, lo, hi, split_dim, split_val
):
    """Build one level of a balanced KD-tree (see :func:`build_kdtree`):
    the bounding box of each node of ``level`` and, unless ``last``, its
    median split on the dimension of largest variance (the rows of ``data``
    and ``idx`` are reordered within the node's range)."""
    first = 2**level - 1
    count = 2**level
    for c in prange(count):
        node = first + c
        start = node_start[node]
        end = node_end[node]
        _node_box(data, start, end, lo, hi, node)
        if not last:
            best = _split_dim(data, start, end)
            mid = start + (end - start) // 2
            if end - start > 1:
                _select_nth(idx, data, best, start, end, mid)
            split_dim[node] = best
            split_val[node] = data[mid, best] if end > mid else 0.0
            node_start[2 * node + 1] = start
            node_end[2 * node + 1] = mid
            node_start[2 * node + 2] = mid
            node_end[2 * node + 2] = end


def build_kdtree(X, n_levels, check=None, copy=True):
    """Build a balanced KD-tree.

    Node ``i`` has children ``2i + 1`` and ``2i + 2``; the nodes of the last
    level are the leaves.  Returns ``(idx, node_start, node_end, lo, hi,
    split_dim, split_val, data)``: ``idx`` the permutation putting points in
    tree order, the range of each node in that order, its bounding box, the
    coordinate/value of its split (left child <= value <= right child) and
    ``data = X[idx]``, the points in tree order (a new C-contiguous array of
    ``X``'s dtype; ``X`` itself is not modified).  ``copy=False`` reorders
    ``X`` itself (a C-contiguous array the caller owns) and returns it as
    ``data``.
    One compiled call per level; ``check`` (if given) is called between
    levels (the interrupt check of the caller).
    """
    n, d = X.shape
    n_nodes = 2**n_levels - 1
    data = np.array(X, order="C", copy=True) if copy else X
    idx = np.arange(n, dtype=np.int64)
    node_start = np.zeros(n_nodes, dtype=np.int64)
    node_end = np.zeros(n_nodes, dtype=np.int64)
    lo = np.empty((n_nodes, d), dtype=np.float64)
    hi = np.empty((n_nodes, d), dtype=np.float64)
    split_dim = np.zeros(n_nodes, dtype=np.int64)
    split_val = np.zeros(n_nodes, dtype=np.float64)
    node_end[0] = n
    for level in range(n_levels):
        build_kdtree_level(
            data,
            level,
            level == n_levels - 1,
            idx,
            node_start,
            node_end,
            lo,
            hi,
            split_dim,
            split_val,
        )
        if check is not None:
            check()
    return idx, node_start, node_end, lo, hi, split_dim, split_val, data


@njit(cache=True)
def _box_sqdist(q, lo, hi, node):
    s = 0.0
    for f in range(q.shape[0]):
        v = q[f]
        # branch-free: at most one of the two terms is positive
        t = max(lo[node, f] - v, 0.0) + max(v - hi[node, f], 0.0)
        s += t * t
    return s


# The search's box bounds and leaf scans let LLVM reorder the sums of squares
# (and fuse multiply-adds) so that they vectorise; only these two flags, so
# infinities keep their meaning.  A sum of d non-negative terms evaluated in
# any order is within a relative (d u) / (1 - d u) of the exact sum (u = 2**-53,
# Higham, Accuracy and Stability of Numerical Algorithms, sec. 4.2), so the
# search widens each comparison by a relative 4 (d + 1) u (`_slack`): the
# pruning limit of the box bounds is widened by it (``inv_c`` of
# :func:`kdtree_query`), a point passes the scan's filter within it, and
# every point that passes is measured again in the fixed order of
# :func:`_sqdist`.  The results (neighbours and distances) are
# those of the plain scan, bit for bit.
_FAST = {"reassoc", "contract"}


@njit(cache=True, fastmath=_FAST)
def _box_sqdist_fast(q, lo, hi, node):
    s = 0.0
    for f in range(q.shape[0]):
        v = q[f]
        t = max(lo[node, f] - v, 0.0) + max(v - hi[node, f], 0.0)
        s += t * t
    return s


@njit(cache=True, fastmath=_FAST)
def _sqdist_fast(data, j, q):
    s = 0.0
    for f in range(q.shape[0]):
        t = data[j, f] - q[f]
        s += t * t
    return s


@njit(cache=True)
def _sqdist(data, j, q):
    """Squared distance in the fixed order of the reference (features 0, 1,
    ...), the value every path returns."""
    s = 0.0
    for f in range(q.shape[0]):
        t = data[j, f] - q[f]
        s += t * t
    return s


def slack(d):
    """Relative slack of the vectorised sums in ``d`` features (above)."""
    return 4.0 * (d + 1) * 2.0**-53


_slack = njit(cache=True)(slack)


@njit(cache=True)
def _push_topk(best_d, best_i, dist, ind):
    """Insert (dist, ind) in the sorted arrays if it beats the worst.

    Order is (distance, index): on equal distances the smaller index wins,
    whatever the order in which candidates arrive (tree searches visit
    points out of index order), so every path returns the same neighbours.
    """
    k = best_d.shape[0]
    if dist > best_d[k - 1] or (dist == best_d[k - 1] and ind >= best_i[k - 1] >= 0):
        return
    j = k - 1
    while j > 0 and (
        best_d[j - 1] > dist or (best_d[j - 1] == dist and best_i[j - 1] > ind)
    ):
        best_d[j] = best_d[j - 1]
        best_i[j] = best_i[j - 1]
        j -= 1
    best_d[j] = dist
    best_i[j] = ind


@njit(cache=True)
def _prune_limit(worst, inv_c, err):
    """The largest box bound that may still hold a point within ``worst``
    (see :func:`kdtree_query`)."""
    if err == 0.0:
        return worst * inv_c
    r = np.sqrt(worst * inv_c) + err
    return r * r * (1.0 + 2.0**-48)


@njit(cache=True)
def _search_one(
    q,
    qz,
    data,
    order,
    node_start,
    node_end,
    lo,
    hi,
    split_dim,
    split_val,
    n_levels,
    exclude,
    shrink,
    inv_c,
    err,
    best_d,
    best_i,
    stack_n,
    stack_d,
):
    d = data.shape[1]
    k = best_d.shape[0]
    high = 1.0 + _slack(d)  # scan filter: no point within the k-th distance missed
    for j in range(k):
        best_d[j] = np.inf
        best_i[j] = -1
    limit_box = np.inf  # boxes with a bound beyond it hold no candidate
    first_leaf = 2 ** (n_levels - 1) - 1
    stack_n[0] = 0
    stack_d[0] = _box_sqdist_fast(qz, lo, hi, 0)
    sp = 1
    while sp > 0:
        sp -= 1
        node = stack_n[sp]
        md = stack_d[sp]
        if md * shrink > limit_box:
            continue
        pruned = False
        while node < first_leaf:
            # the near child is the side of the split holding q.  While q
            # lies inside the boxes met so far (md == 0) its bound is left at
            # the parent's (a valid lower bound, saving one box distance per
            # level); otherwise it is computed and may prune
            left = 2 * node + 1
            if qz[split_dim[node]] <= split_val[node]:
                near = left
                far = left + 1
            else:
                near = left + 1
                far = left
            df = _box_sqdist_fast(qz, lo, hi, far)
            if df * shrink <= limit_box:
                stack_n[sp] = far
                stack_d[sp] = df
                sp += 1
            if md > 0.0:
                md = _box_sqdist_fast(qz, lo, hi, near)
                if md * shrink > limit_box:
                    pruned = True
                    break
            node = near
        if pruned:
            continue
        # leaf: distances to its points, stored contiguously (point-major:
        # measured 10-20% faster than feature-major scans at 10 features);
        # the vectorised sum filters, the fixed-order sum decides
        worst = best_d[k - 1]
        limit = worst * high
        for j in range(node_start[node], node_end[node]):
            s = _sqdist_fast(data, j, q)
            if s <= limit and j != exclude:
                s = _sqdist(data, j, q)
                if s <= worst:
                    _push_topk(best_d, best_i, s, order[j])
                    worst = best_d[k - 1]
                    limit = worst * high
        limit_box = _prune_limit(worst, inv_c, err)


@njit(parallel=True, cache=True)
def kdtree_query(
    data,
    order,
    node_start,
    node_end,
    lo,
    hi,
    split_dim,
    split_val,
    n_levels,
    Q,
    QZ,
    err,
    inv_c,
    exclude,
    k,
    eps,
    out_d,
    out_i,
    chunk,
):
    """k nearest neighbours of each row of ``Q`` in the tree.

    ``data`` holds the fitted points in tree order (shape ``(n_samples,
    n_features)``); ``order[j]`` is the original index of tree
    position ``j``.  ``exclude[q]`` is a tree position skipped for query
    ``q`` (its own position when querying fitted points) or -1.  Squared
    distances and original indices are written to ``out_d`` and ``out_i``
    (sorted by increasing distance).

    The tree (boxes, splits) may live in rotated coordinates ``z = (x - mu)
    R`` while ``data`` and ``Q`` stay in the original ones: ``QZ`` holds the
    rotated queries (``Q`` itself when there is no rotation), ``err[q]``
    bounds the rounding error of ``|z_q - z_p|`` for query ``q`` and any
    fitted point (0 without rotation) and ``inv_c >= 1`` covers the other
    relative errors (the box bound's sum, the orthogonality of ``R``, the
    point distance's sum).  A box is pruned when its bound exceeds
    ``(sqrt(worst * inv_c) + err)**2``, so no point within the current k-th
    distance is ever pruned and the neighbours are those of the plain search
    in the original coordinates.
    """
    n_q = Q.shape[0]
    shrink = (1.0 + eps) * (1.0 + eps)
    n_chunks = (n_q + chunk - 1) // chunk
    for c in prange(n_chunks):
        best_d = np.empty(k, dtype=np.float64)
        best_i = np.empty(k, dtype=np.int64)
        stack_n = np.empty(n_levels + 2, dtype=np.int64)
        stack_d = np.empty(n_levels + 2, dtype=np.float64)
        stop = min((c + 1) * chunk, n_q)
        for r in range(c * chunk, stop):
            _search_one(
                Q[r],
                QZ[r],
                data,
                order,
                node_start,
                node_end,
                lo,
                hi,
                split_dim,
                split_val,
                n_levels,
                exclude[r],
                shrink,
                inv_c,
                err[r],
                best_d,
                best_i,
                stack_n,
                stack_d,
            )
            for j in range(k):
                out_d[r, j] = best_d[j]
                out_i[r, j] = best_i[j]


@njit(cache=True)
def count_boxes_within(lo, hi, nodes, Q, r2):
    """Number of (query, node) pairs whose box ``lo/hi[node]`` lies within
    squared distance ``r2[q]`` of query ``Q[q]`` (empty nodes, with an
    inverted box, are never counted)."""
    met = 0
    for r in range(Q.shape[0]):
        for node in nodes:
            if lo[node, 0] > hi[node, 0]:
                continue
            if _box_sqdist(Q[r], lo, hi, node) <= r2[r]:
                met += 1
    return met


@njit(parallel=True, cache=True)
def merge_topk_block(D, col_offset, exclude, out_d, out_i):
    """Fold a block of squared distances into the running k best per row.

    ``D[r, c]`` is the squared distance of query ``r`` to point
    ``col_offset + c``; ``exclude[r]`` is a point index to skip (or -1).
    ``out_d``/``out_i`` hold the sorted k best found so far (``inf``/-1 at
    the start).
    """
    n_r, n_c = D.shape
    for r in prange(n_r):
        bd = out_d[r]
        bi = out_i[r]
        k = bd.shape[0]
        ex = exclude[r] - col_offset
        for c in range(n_c):
            s = D[r, c]
            if s < bd[k - 1] and c != ex:
                _push_topk(bd, bi, s, col_offset + c)


@njit(parallel=True, cache=True)
def merge_topk_gemm(G, q_sq, y_sq, col_offset, exclude, out_d, out_i):
    """:func:`merge_topk_block` fed with a block of inner products.

    ``G[r, c]`` is the inner product of query ``r`` and point
    ``col_offset + c``; the squared distance ``q_sq[r] + y_sq[col] - 2 G``
    (clipped at 0) is formed on the fly, without extra passes over the block.
    """
    n_r, n_c = G.shape
    for r in prange(n_r):
        bd = out_d[r]
        bi = out_i[r]
        k = bd.shape[0]
        ex = exclude[r] - col_offset
        qs = q_sq[r]
        worst = bd[k - 1]
        for c in range(n_c):
            s = max(qs + y_sq[col_offset + c] - 2.0 * G[r, c], 0.0)
            if s < worst and c != ex:
                _push_topk(bd, bi, s, col_offset + c)
                worst = bd[k - 1]


@njit(parallel=True, cache=True)
def brute_candidates(Qa, Ya, exclude, out_a, out_i, q_block, y_block):
    """Blocked brute force with a fused top-k, parallel over query blocks.

    ``Ya`` holds the points as ``[y, |y|^2 / 2]`` and ``Qa`` the queries as
    ``[-q, 1]`` (same dtype, float32 in the package's searches), so that one
    GEMM (``np.dot``, BLAS) of a block of queries by a block of points gives
    ``a = |y|^2 / 2 - <q, y>``, half the squared distance less ``|q|^2 / 2``.
    Each thread takes ``q_block`` queries and walks the points in blocks of
    ``y_block`` (the GEMM output stays in cache); a vectorised pass counts
    the values below each row's current ``kc``-th best, and only rows with
    such values are folded into the running ``kc`` smallest (``out_a`` /
    ``out_i``, sorted, starting at ``inf`` / -1).  ``exclude[q]`` is a point
    index skipped for query q (or -1).  The values are approximate (the
    caller bounds their error and re-ranks the candidates exactly).
    """
    n_q = Qa.shape[0]
    n = Ya.shape[0]
    kc = out_a.shape[1]
    n_blocks = (n_q + q_block - 1) // q_block
    for b in prange(n_blocks):
        qs = b * q_block
        qe = min(qs + q_block, n_q)
        m = qe - qs
        buf = np.empty(m * y_block, dtype=Qa.dtype)
        Qb = Qa[qs:qe]
        for ys in range(0, n, y_block):
            ye = min(ys + y_block, n)
            nc = ye - ys
            G = buf[: m * nc].reshape((m, nc))
            np.dot(Qb, Ya[ys:ye].T, G)
            for r in range(m):
                bd = out_a[qs + r]
                t = bd[kc - 1]
                row = G[r]
                hits = 0
                for c in range(nc):
                    hits += row[c] < t
                if hits == 0:
                    continue
                bi = out_i[qs + r]
                ex = exclude[qs + r] - ys
                for c in range(nc):
                    v = row[c]
                    if v < t and c != ex:
                        _push_topk(bd, bi, v, ys + c)
                        t = bd[kc - 1]


@njit(parallel=True, cache=True)
def exact_sqdist_topk(Q, Y, cand_i, k):
    """Recompute exact squared distances to candidate points and keep the k
    best (the GEMM expansion of the brute force loses precision on close
    points; this pass removes that error)."""
    n_q, m = cand_i.shape
    d = Q.shape[1]
    out_d = np.empty((n_q, k), dtype=np.float64)
    out_i = np.empty((n_q, k), dtype=np.int64)
    for r in prange(n_q):
        bd = np.full(k, np.inf)
        bi = np.full(k, -1, dtype=np.int64)
        for c in range(m):
            j = cand_i[r, c]
            if j < 0:
                continue
            s = 0.0
            for f in range(d):
                # float64 whatever the dtypes (float32 data are kept so)
                t = np.float64(Y[j, f]) - np.float64(Q[r, f])
                s += t * t
            if s < bd[k - 1] or (s == bd[k - 1] and j < bi[k - 1]):
                # stable on ties: the smaller index first
                jj = k - 1
                while jj > 0 and (
                    bd[jj - 1] > s or (bd[jj - 1] == s and bi[jj - 1] > j)
                ):
                    bd[jj] = bd[jj - 1]
                    bi[jj] = bi[jj - 1]
                    jj -= 1
                bd[jj] = s
                bi[jj] = j
        out_d[r] = bd
        out_i[r] = bi
    return out_d, out_i


def kneighbors_reference(X_fit, X_query, k, exclude=None):
    """Plain numpy exact k nearest neighbours (the reference of the tests).

    Returns Euclidean distances and indices sorted by (distance, index).
    ``exclude[q]`` is an index of ``X_fit`` never returned for query ``q``
    (or -1).
    """
    X_fit = np.asarray(X_fit, dtype=np.float64)
    X_query = np.asarray(X_query, dtype=np.float64)
    diff = X_query[:, None, :] - X_fit[None, :, :]
    D = np.einsum("ijk,ijk->ij", diff, diff)
    if exclude is not None:
        ex = np.asarray(exclude)
        rows = np.flatnonzero(ex >= 0)
        D[rows, ex[rows]] = np.inf
    ind = np.lexsort((np.broadcast_to(np.arange(D.shape[1]), D.shape), D), axis=1)
    ind = ind[:, :k]
    dist = np.sqrt(np.take_along_axis(D, ind, axis=1))
    return dist, ind


# --------------------------------------------------------------------------
# Mixed continuous / nominal distance (SMOTE-NC): squared distance is
# ||a_cont - b_cont||^2 + penalty * (number of nominal columns that differ).
# The bounding boxes of the continuous part stay valid lower bounds, so the
# tree search is exact.
# --------------------------------------------------------------------------


@njit(cache=True)
def _search_one_mixed(
    q,
    qc,
    data,
    codes,
    order,
    node_start,
    node_end,
    lo,
    hi,
    n_levels,
    exclude,
    penalty,
    best_d,
    best_i,
    stack_n,
    stack_d,
):
    d = data.shape[1]
    n_cat = codes.shape[1]
    k = best_d.shape[0]
    for j in range(k):
        best_d[j] = np.inf
        best_i[j] = -1
    first_leaf = 2 ** (n_levels - 1) - 1
    stack_n[0] = 0
    stack_d[0] = 0.0
    sp = 1
    while sp > 0:
        sp -= 1
        node = stack_n[sp]
        if stack_d[sp] > best_d[k - 1]:
            continue
        pruned = False
        while node < first_leaf:
            left = 2 * node + 1
            right = left + 1
            dl = _box_sqdist(q, lo, hi, left)
            dr = _box_sqdist(q, lo, hi, right)
            if dl <= dr:
                near, far, dn, df = left, right, dl, dr
            else:
                near, far, dn, df = right, left, dr, dl
            if df <= best_d[k - 1]:
                stack_n[sp] = far
                stack_d[sp] = df
                sp += 1
            if dn > best_d[k - 1]:
                pruned = True
                break
            node = near
        if pruned:
            continue
        for j in range(node_start[node], node_end[node]):
            if j == exclude:
                continue
            s = 0.0
            for f in range(d):
                t = data[j, f] - q[f]
                s += t * t
            for f in range(n_cat):
                if codes[j, f] != qc[f]:
                    s += penalty
            if s <= best_d[k - 1]:
                _push_topk(best_d, best_i, s, order[j])


@njit(parallel=True, cache=True)
def kdtree_query_mixed(
    data,
    codes,
    order,
    node_start,
    node_end,
    lo,
    hi,
    n_levels,
    Q,
    Qc,
    exclude,
    k,
    penalty,
    out_d,
    out_i,
    chunk,
):
    """:func:`kdtree_query` for the SMOTE-NC distance (``codes`` are the
    integer nominal values of the fitted points, in tree order)."""
    n_q = Q.shape[0]
    n_chunks = (n_q + chunk - 1) // chunk
    for c in prange(n_chunks):
        best_d = np.empty(k, dtype=np.float64)
        best_i = np.empty(k, dtype=np.int64)
        stack_n = np.empty(n_levels + 2, dtype=np.int64)
        stack_d = np.empty(n_levels + 2, dtype=np.float64)
        stop = min((c + 1) * chunk, n_q)
        for r in range(c * chunk, stop):
            _search_one_mixed(
                Q[r],
                Qc[r],
                data,
                codes,
                order,
                node_start,
                node_end,
                lo,
                hi,
                n_levels,
                exclude[r],
                penalty,
                best_d,
                best_i,
                stack_n,
                stack_d,
            )
            for j in range(k):
                out_d[r, j] = best_d[j]
                out_i[r, j] = best_i[j]


@njit(parallel=True, cache=True)
def brute_mixed_self(X, codes, penalty, weights_l1, r0, out_d, out_i):
    """Exact k nearest neighbours of points ``r0, r0 + 1, ...`` (one per
    row of ``out_d``/``out_i``) among all the others (each point excluded
    from its own list), by brute force.

    The squared distance is ``sum((a - b)**2) + penalty * mismatches`` when
    ``weights_l1`` is False; with ``weights_l1`` True it is the L1 distance
    ``sum(|a - b|)`` (the value difference metric of SMOTE-N on per-value
    class-probability embeddings) and ``codes``/``penalty`` are unused.
    """
    n, d = X.shape
    n_cat = codes.shape[1]
    m, k = out_d.shape
    for rr in prange(m):
        r = r0 + rr
        bd = np.full(k, np.inf)
        bi = np.full(k, -1, dtype=np.int64)
        for j in range(n):
            if j == r:
                continue
            s = 0.0
            if weights_l1:
                for f in range(d):
                    s += abs(X[j, f] - X[r, f])
            else:
                for f in range(d):
                    t = X[j, f] - X[r, f]
                    s += t * t
                for f in range(n_cat):
                    if codes[j, f] != codes[r, f]:
                        s += penalty
            if s < bd[k - 1]:
                _push_topk(bd, bi, s, j)
        out_d[rr] = bd
        out_i[rr] = bi
