"""Kernels and numba projections used by the kernel-mean-matching solvers.

The DW-KMM problem is solved in the scaled variables ``v = [beta / n;
alpha / t]``.  Its feasible set is

* ``0 <= v_b <= ub`` (``ub = B / (sqrt(D) n)``),
* ``0 <= v_a <= c`` and ``||v_a - c|| <= R`` (``c = 1 / t``,
  ``R = (1 - 1/sqrt(D)) sqrt(t) / t``),
* ``|sum(v_b) - sum(v_a)| <= eps``.

:func:`project_dw` is the exact Euclidean projection onto that set: the slab
constraint is handled by a scalar Lagrange multiplier ``nu`` found by
bisection (the slab function is monotone in ``nu``), the box-ball part of
``v_a`` in closed form after one sort.  :func:`project_dw_reference` is the
plain numpy version the tests compare it with.
"""

import numpy as np
from numba import njit
from sklearn.metrics.pairwise import euclidean_distances

__all__ = [
    "sq_distances",
    "width_heuristic",
    "project_dw",
    "project_dw_reference",
    "project_box_ball_reference",
]


def sq_distances(X, Y):
    """Squared Euclidean distances (scikit-learn's GEMM-based computation)."""
    return euclidean_distances(
        np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64), squared=True
    )


def width_heuristic(Z, k=50, sq_dist=None):
    """Mean distance from each point of ``Z`` to its ``k``-th nearest neighbour.

    The kernel width used by Segovia-Martin et al. (2023) with ``k = 50``
    (``k`` is reduced to ``len(Z) - 1`` on small samples).  Falls back to the
    mean pairwise distance, then to 1, when the result is zero (duplicates).
    """
    N = Z.shape[0]
    if N < 2:
        return 1.0
    k = int(min(k, N - 1))
    if sq_dist is None:
        sq_dist = sq_distances(Z, Z)
    # column 0 of each sorted row is the point itself (distance 0)
    kth = np.partition(sq_dist, k, axis=1)[:, k]
    sigma = float(np.mean(np.sqrt(kth)))
    if not np.isfinite(sigma) or sigma <= 0:
        sigma = float(np.mean(np.sqrt(sq_dist)))
    if not np.isfinite(sigma) or sigma <= 0:
        sigma = 1.0
    return sigma


# --------------------------------------------------------------------------
# numba projection onto the DW-KMM feasible set
# --------------------------------------------------------------------------


@njit(cache=True)
def _box_ball_scale(a_desc, c, R):
    """Scale ``s`` in (0, 1] of the box-ball projection.

    ``a_desc`` holds the magnitudes ``|q_i|`` of the negative coordinates of
    ``q = w - c``, sorted in decreasing order; the projection is
    ``u_i = -min(c, s a_i)`` on them (0 elsewhere) with the largest ``s <= 1``
    such that ``sum min(c, s a_i)^2 <= R^2``.
    """
    m = a_desc.shape[0]
    if m == 0:
        return 1.0
    tot = 0.0
    for i in range(m):
        v = a_desc[i] if a_desc[i] < c else c
        tot += v * v
    if tot <= R * R:
        return 1.0
    # suffix sums of squares
    T = 0.0
    for i in range(m):
        T += a_desc[i] * a_desc[i]
    # k = number of clipped coordinates (the k largest)
    for k in range(m + 1):
        if k > 0:
            T -= a_desc[k - 1] * a_desc[k - 1]
        rem = R * R - k * c * c
        if rem < 0.0:
            break
        if T <= 0.0:
            # every coordinate is clipped: s large enough to clip all
            return c / a_desc[m - 1] if a_desc[m - 1] > 0 else 1.0
        s = np.sqrt(rem / T)
        ok_lo = (k == 0) or (s * a_desc[k - 1] >= c * (1.0 - 1e-12))
        ok_hi = (k == m) or (s * a_desc[k] <= c * (1.0 + 1e-12))
        if ok_lo and ok_hi:
            return s if s < 1.0 else 1.0
    # numerical fallback: scale that puts the unclipped norm on the sphere
    return 0.0


@njit(cache=True)
def _alpha_part(ya_sorted, nu, c, R, a_buf):
    """Sum of the projected ``v_a`` at multiplier ``nu`` and its scale ``s``.

    ``ya_sorted`` is sorted increasingly, so the negative ``q = ya + nu - c``
    come first in decreasing magnitude.
    """
    t = ya_sorted.shape[0]
    if R <= 0.0:
        return t * c, 0.0
    m = 0
    for i in range(t):
        q = ya_sorted[i] + nu - c
        if q < 0.0:
            a_buf[m] = -q
            m += 1
        else:
            break
    s = _box_ball_scale(a_buf[:m], c, R)
    tot = t * c
    for i in range(m):
        v = s * a_buf[i]
        tot -= v if v < c else c
    return tot, s


@njit(cache=True)
def _slab_value(yb, ya_sorted, nu, ub, c, R, a_buf):
    sb = 0.0
    for i in range(yb.shape[0]):
        v = yb[i] - nu
        if v < 0.0:
            v = 0.0
        elif v > ub:
            v = ub
        sb += v
    sa, s = _alpha_part(ya_sorted, nu, c, R, a_buf)
    return sb - sa, s


@njit(cache=True)
def project_dw(y, n, ub, c, R, eps, out):
    """Euclidean projection of ``y`` onto the scaled DW-KMM feasible set.

    Writes the projection into ``out`` and returns the slab multiplier.
    """
    yb = y[:n]
    ya = y[n:]
    t = ya.shape[0]
    ya_sorted = np.sort(ya)
    a_buf = np.empty(t)
    g0, s = _slab_value(yb, ya_sorted, 0.0, ub, c, R, a_buf)
    nu = 0.0
    if g0 > eps or g0 < -eps:
        target = eps if g0 > eps else -eps
        # bracket: g is non-increasing in nu
        lo = 0.0
        hi = 0.0
        step = 1e-3 * (ub + c) + 1e-12
        if g0 > eps:
            hi = step
            for _ in range(200):
                gh, _s = _slab_value(yb, ya_sorted, hi, ub, c, R, a_buf)
                if gh <= target:
                    break
                lo = hi
                hi *= 2.0
        else:
            lo = -step
            for _ in range(200):
                gl, _s = _slab_value(yb, ya_sorted, lo, ub, c, R, a_buf)
                if gl >= target:
                    break
                hi = lo
                lo *= 2.0
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            if mid == lo or mid == hi:
                break
            gm, _s = _slab_value(yb, ya_sorted, mid, ub, c, R, a_buf)
            if gm > target:
                lo = mid
            else:
                hi = mid
        # keep the endpoint on the feasible side of the slab
        nu = hi if g0 > eps else lo
        _g, s = _slab_value(yb, ya_sorted, nu, ub, c, R, a_buf)
    for i in range(n):
        v = yb[i] - nu
        if v < 0.0:
            v = 0.0
        elif v > ub:
            v = ub
        out[i] = v
    for j in range(t):
        q = ya[j] + nu - c
        if R <= 0.0 or q >= 0.0:
            out[n + j] = c
        else:
            v = s * (-q)
            out[n + j] = c - (v if v < c else c)
    return nu


# --------------------------------------------------------------------------
# numpy references (used by the tests)
# --------------------------------------------------------------------------


def project_box_ball_reference(w, c, R):
    """Projection of ``w`` onto ``{0 <= x <= c, ||x - c|| <= R}`` by bisection."""
    q = np.asarray(w, dtype=np.float64) - c
    if R <= 0:
        return np.full_like(q, c)

    def u_of(s):
        return np.clip(s * q, -c, 0.0)

    if np.linalg.norm(u_of(1.0)) <= R:
        return c + u_of(1.0)
    lo, hi = 0.0, 1.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if np.linalg.norm(u_of(mid)) > R:
            hi = mid
        else:
            lo = mid
    return c + u_of(lo)


def project_dw_reference(y, n, ub, c, R, eps):
    """Plain numpy projection onto the scaled DW-KMM set (nested bisection)."""
    y = np.asarray(y, dtype=np.float64)
    yb, ya = y[:n], y[n:]

    def z_of(nu):
        return np.concatenate(
            [np.clip(yb - nu, 0.0, ub), project_box_ball_reference(ya + nu, c, R)]
        )

    def g(nu):
        z = z_of(nu)
        return z[:n].sum() - z[n:].sum()

    g0 = g(0.0)
    if -eps <= g0 <= eps:
        return z_of(0.0)
    target = eps if g0 > eps else -eps
    sign = 1.0 if g0 > eps else -1.0
    lo, hi = 0.0, sign * (abs(y).max() + ub + c + 1.0)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if (g(mid) - target) * sign > 0:
            lo = mid
        else:
            hi = mid
    return z_of(hi)
