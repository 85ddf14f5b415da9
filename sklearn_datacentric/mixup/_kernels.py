"""numba kernels of the mixup module.

Pure functions over numpy arrays.  Their plain numpy references live in
``tests/mixup/_reference.py`` and the tests compare the two.

Pair sampling works on an ordering of the rows by (class, domain) cell: every
partner set S(i) of the selective criteria is then a union of at most a few
contiguous runs of that ordering (a class block, a cell, the cells of one
domain), so that drawing the u-th member of S(i) needs O(log n_cells) work
and no n x n matrix.
"""

import numpy as np
from numba import njit

# relation codes of the class part and of the domain part of a criterion
ANY, SAME, DIFF = 0, 1, 2
# calls up to these sizes run without numba (no compile in a fresh process)
_SMALL_ANCHORS = 2048
_SMALL_MIX = 2**20


@njit(cache=True)
def _domain_entry(t, r, replace, cell_start, cell_size, dom_cells, dom_cum, cs, nc, nk):
    """(start, excluded-before, length) of entry t of a domain's cell list.

    With ``replace``, entry ``r`` (the anchor's own cell) stands for the whole
    class block ``[cs, cs + nc)`` and the entries after it are shifted.
    """
    k = dom_cells[t]
    if not replace:
        return cell_start[k], dom_cum[t], cell_size[k]
    if t < r:
        return cell_start[k], dom_cum[t], cell_size[k]
    if t == r:
        return cs, dom_cum[t], nc
    return cell_start[k], dom_cum[t] - nk + nc, cell_size[k]


@njit(cache=True)
def _complement_select(
    u, ds, de, r, replace, cell_start, cell_size, dom_cells, dom_cum, cs, nc, nk
):
    """Position of the u-th row outside the excluded runs of one domain list."""
    lo = ds
    hi = de  # search the last t in [ds, de) with free_before(t) <= u
    best = -1
    while lo < hi:
        mid = (lo + hi) // 2
        st, ex, ln = _domain_entry(
            mid, r, replace, cell_start, cell_size, dom_cells, dom_cum, cs, nc, nk
        )
        if st - ex <= u:
            best = mid
            lo = mid + 1
        else:
            hi = mid
    if best < 0:
        return u
    st, ex, ln = _domain_entry(
        best, r, replace, cell_start, cell_size, dom_cells, dom_cum, cs, nc, nk
    )
    return u + ex + ln


@njit(cache=True)
def _domain_select(u, ds, de, cell_start, dom_cells, dom_cum):
    """Position of the u-th row inside the cells of one domain list."""
    lo = ds
    hi = de
    best = ds
    while lo < hi:
        mid = (lo + hi) // 2
        if dom_cum[mid] <= u:
            best = mid
            lo = mid + 1
        else:
            hi = mid
    return cell_start[dom_cells[best]] + u - dom_cum[best]


@njit(cache=True)
def partner_count(class_rel, dom_rel, n, nc, nd, nk):
    """|S(i)| for an anchor in a cell of size nk, class nc, domain nd."""
    if class_rel == ANY and dom_rel == ANY:
        return n - 1
    if class_rel == SAME and dom_rel == ANY:
        return nc - 1
    if class_rel == DIFF and dom_rel == ANY:
        return n - nc
    if class_rel == ANY and dom_rel == SAME:
        return nd - 1
    if class_rel == ANY and dom_rel == DIFF:
        return n - nd
    if class_rel == SAME and dom_rel == SAME:
        return nk - 1
    if class_rel == SAME and dom_rel == DIFF:
        return nc - nk
    if class_rel == DIFF and dom_rel == SAME:
        return nd - nk
    return n - nc - nd + nk


def sample_partners_kernel(class_rel, dom_rel, anchors, *index):
    """Draw one partner per anchor, uniformly from S(anchor) (see
    :func:`_sample_partners_jit`).  Few anchors: the same code run by the
    interpreter (a fresh process without a numba cache does not compile)."""
    if anchors.shape[0] <= _SMALL_ANCHORS:
        return _interpreted("_sample_partners_jit")(class_rel, dom_rel, anchors, *index)
    return _sample_partners_jit(class_rel, dom_rel, anchors, *index)


_TWINS = {}


def _interpreted(name):
    """The Python code of the kernel ``name``, with every numba function it
    calls replaced by its own Python code (built once)."""
    if not _TWINS:
        import types

        scope = dict(globals())
        for key, obj in globals().items():
            py = getattr(obj, "py_func", None)
            if py is not None:
                scope[key] = types.FunctionType(
                    py.__code__, scope, py.__name__, py.__defaults__, py.__closure__
                )
        _TWINS.update(scope)
    return _TWINS[name]


@njit(cache=True)
def _sample_partners_jit(
    class_rel,
    dom_rel,
    anchors,
    uniforms,
    order,
    pos,
    cell_of_pos,
    cell_start,
    cell_size,
    cell_class,
    cell_domain,
    class_start,
    dom_ptr,
    dom_cells,
    dom_cum,
    dom_size,
    rank_in_dom,
):
    """Draw one partner per anchor, uniformly from S(anchor).

    ``uniforms`` holds one U[0, 1) draw per anchor; the partner is the
    ``floor(U * |S(i)|)``-th member of S(i), members taken in the order of
    their position in the (class, domain) ordering ``order``.  Returns -1 for
    an anchor whose S(i) is empty (the caller checks before).
    """
    n = order.shape[0]
    m = anchors.shape[0]
    out = np.empty(m, dtype=np.int64)
    for a in range(m):
        i = anchors[a]
        p = pos[i]
        k = cell_of_pos[p]
        c = cell_class[k]
        d = cell_domain[k]
        ks = cell_start[k]
        nk = cell_size[k]
        cs = class_start[c]
        nc = class_start[c + 1] - cs
        ds = dom_ptr[d]
        de = dom_ptr[d + 1]
        nd = dom_size[d]
        r = rank_in_dom[k]
        cnt = partner_count(class_rel, dom_rel, n, nc, nd, nk)
        if cnt <= 0:
            out[a] = -1
            continue
        u = np.int64(uniforms[a] * cnt)
        if u >= cnt:
            u = cnt - 1
        if class_rel == ANY and dom_rel == ANY:
            q = u + 1 if u >= p else u
        elif class_rel == SAME and dom_rel == ANY:
            q = cs + u
            if q >= p:
                q += 1
        elif class_rel == DIFF and dom_rel == ANY:
            q = u if u < cs else u + nc
        elif class_rel == SAME and dom_rel == SAME:
            q = ks + u
            if q >= p:
                q += 1
        elif class_rel == SAME and dom_rel == DIFF:
            q = cs + u
            if q >= ks:
                q += nk
        elif class_rel == ANY and dom_rel == SAME:
            rr = dom_cum[r] + (p - ks)
            if u >= rr:
                u += 1
            q = _domain_select(u, ds, de, cell_start, dom_cells, dom_cum)
        elif class_rel == DIFF and dom_rel == SAME:
            if u >= dom_cum[r]:
                u += nk
            q = _domain_select(u, ds, de, cell_start, dom_cells, dom_cum)
        elif class_rel == ANY and dom_rel == DIFF:
            q = _complement_select(
                u,
                ds,
                de,
                r,
                False,
                cell_start,
                cell_size,
                dom_cells,
                dom_cum,
                cs,
                nc,
                nk,
            )
        else:  # DIFF, DIFF: outside the class block and outside the domain
            q = _complement_select(
                u,
                ds,
                de,
                r,
                True,
                cell_start,
                cell_size,
                dom_cells,
                dom_cum,
                cs,
                nc,
                nk,
            )
        out[a] = order[q]
    return out


def mix_rows_kernel(X, a, b, lam):
    """``out[t] = lam[t] * X[a[t]] + (1 - lam[t]) * X[b[t]]``.

    Small calls in numpy (the same operations, so the same values: a fresh
    process without a numba cache does not compile), large ones in numba
    without temporaries.
    """
    if a.shape[0] * X.shape[1] > _SMALL_MIX:
        if X.dtype not in (np.float32, np.float64):
            # numba has no float16 (nor object) arithmetic: mix in float64
            # and give the input's dtype back, as the numpy path does
            X64 = np.asarray(X, dtype=np.float64)
            return _mix_rows_jit(X64, a, b, lam).astype(X.dtype, copy=False)
        return _mix_rows_jit(X, a, b, lam)
    la = lam[:, None]
    return (la * X[a] + (1.0 - la) * X[b]).astype(X.dtype, copy=False)


@njit(cache=True)
def _mix_rows_jit(X, a, b, lam):
    """``out[t] = lam[t] * X[a[t]] + (1 - lam[t]) * X[b[t]]`` without temporaries."""
    m = a.shape[0]
    d = X.shape[1]
    out = np.empty((m, d), dtype=X.dtype)
    for t in range(m):
        la = lam[t]
        lb = 1.0 - la
        ia = a[t]
        ib = b[t]
        for f in range(d):
            out[t, f] = la * X[ia, f] + lb * X[ib, f]
    return out


# float64 exp(-x^2 / 2) is exactly 0 for x above this (subnormal limit)
_KERNEL_CUTOFF = 38.7


@njit(cache=True)
def cmixup_partners_kernel(ys, order, pos, anchors, sigma, seed):
    """C-Mixup partners: P(j | i) proportional to exp(-(y_i - y_j)^2 / (2 sigma^2)).

    Exact sampling (j != i) by rejection over bins of width sigma / 2 of the
    sorted targets ``ys`` (``ys = y[order]``, ``pos`` the inverse of
    ``order``): a bin is proposed with probability proportional to its size
    times the kernel at its nearest member, a member uniformly, accepted with
    the ratio of its kernel to that bound.  Bins beyond the float64 underflow
    distance have weight exactly 0 and are skipped.  Memory O(n).  Returns -1
    for an anchor whose every other row has kernel weight 0.
    """
    np.random.seed(seed)
    n = ys.shape[0]
    h = 0.5 * sigma
    y0 = ys[0]
    # non-empty bins of the sorted targets
    bid = np.empty(n, dtype=np.int64)
    for p in range(n):
        bid[p] = np.int64(np.floor((ys[p] - y0) / h))
    n_bins = 1
    for p in range(1, n):
        if bid[p] != bid[p - 1]:
            n_bins += 1
    bin_id = np.empty(n_bins, dtype=np.int64)
    bin_start = np.empty(n_bins + 1, dtype=np.int64)
    t = 0
    bin_id[0] = bid[0]
    bin_start[0] = 0
    for p in range(1, n):
        if bid[p] != bid[p - 1]:
            t += 1
            bin_id[t] = bid[p]
            bin_start[t] = p
    bin_start[n_bins] = n
    W = np.int64(np.ceil(_KERNEL_CUTOFF * sigma / h)) + 1
    scratch = np.empty(2 * W + 3, dtype=np.float64)
    bound = np.empty(2 * W + 3, dtype=np.float64)
    inv2s2 = 1.0 / (2.0 * sigma * sigma)
    m = anchors.shape[0]
    out = np.empty(m, dtype=np.int64)
    for a in range(m):
        i = anchors[a]
        p = pos[i]
        yi = ys[p]
        b = bid[p]
        # first non-empty bin with id >= b - W, last with id <= b + W
        lo = np.searchsorted(bin_id, b - W)
        hi = np.searchsorted(bin_id, b + W, side="right")
        nb = hi - lo
        total = 0.0
        for s in range(nb):
            t = lo + s
            st = bin_start[t]
            en = bin_start[t + 1]
            cnt = en - st
            if st <= p < en:
                cnt -= 1
            if cnt <= 0:
                scratch[s] = total
                bound[s] = 0.0
                continue
            if yi < ys[st]:
                dmin = ys[st] - yi
            elif yi > ys[en - 1]:
                dmin = yi - ys[en - 1]
            else:
                dmin = 0.0
            kb = np.exp(-dmin * dmin * inv2s2)
            bound[s] = kb
            total += cnt * kb
            scratch[s] = total
        if total <= 0.0:
            out[a] = -1
            continue
        while True:
            r = np.random.random() * total
            s = np.searchsorted(scratch[:nb], r, side="right")
            if s >= nb:
                s = nb - 1
            t = lo + s
            st = bin_start[t]
            en = bin_start[t + 1]
            own = st <= p < en
            cnt = en - st - (1 if own else 0)
            if cnt <= 0 or bound[s] <= 0.0:
                continue
            q = st + np.int64(np.random.random() * cnt)
            if q >= st + cnt:
                q = st + cnt - 1
            if own and q >= p:
                q += 1
            d = ys[q] - yi
            if np.random.random() * bound[s] <= np.exp(-d * d * inv2s2):
                out[a] = order[q]
                break
    return out
