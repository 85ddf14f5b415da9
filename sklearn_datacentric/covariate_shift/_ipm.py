"""Primal-dual interior-point solver of the (scaled) DW-KMM quadratic program.

Problem, in the scaled variables ``x = [beta/n; alpha/t]`` (``N = n + t``)::

    minimise    x^T Ks x + q^T x + const
    subject to  0 <= x_i <= u_i,
                lo <= a^T x <= hi,
                ||x_T - c||^2 <= R^2          (target block only, D > 1)

with ``Ks`` the kernel matrix whose source-target blocks are negated
(``a = [1; -1]``, ``lo = -eps``, ``hi = eps``, ``q = 0``).  For ``D = 1``
the target weights are fixed at one and only the source block is solved for
(``Ks = K_ss``, ``q = -2 K_st 1 / t``, ``a = 1``, ``lo = 1 - eps``,
``hi = 1 + eps``, no ball).

Method: a primal-dual interior-point method with Mehrotra's
predictor-corrector and up to two of Gondzio's multiple centrality
correctors.  Every bound and both sides of the slab get a multiplier and the
iterate stays strictly inside them (fraction to the boundary 0.995).  The
ball, written as the concave ``c_b(x) = R^2 - ||x_T - c||^2 >= 0``, gets a
slack ``s_b > 0`` and the equation ``c_b(x) = s_b`` is linearised (so its
curvature does not block the steps; its residual vanishes quadratically and
the iterate is projected back onto the ball when it sits outside).  After
eliminating the multipliers the Newton matrix is

    2 Ks + 2 y_b I_T + diag(d) + w_a a a^T + (y_b / s_b) g g^T

(``g`` the gradient of ``c_b``), an ``m x m`` symmetric positive-definite
matrix (``m = n`` for ``D = 1``, ``n + t`` otherwise) factored once per
iteration by LAPACK's dense Cholesky (``dpotrf``) and reused by every
corrector solve.  The rank-one terms go into the matrix (BLAS ``dsyr``) up to
a norm of ``1e14`` times the kernel part; beyond (a nearly active slab or
ball), the excess weight is applied by Sherman-Morrison-Woodbury so that the
factorisation stays positive definite.

Stopping rule: a *certified* gap.  For multipliers ``y >= 0`` of the slab and
the ball and any ``x`` in the box, convexity gives the lower bound
``f* >= f(x) - y_lo s_lo(x) - y_hi s_hi(x) - y_b c_b(x)
- sum_i max(w_i x_i, -w_i (u_i - x_i))`` with ``w`` the gradient of the
Lagrangian without the bound terms (the bound multipliers chosen optimally;
``|w_i|`` below ten machine epsilons of the magnitude of its terms is read
as zero).  The solver stops when the objective of the feasible iterate
(projected onto the ball if needed) exceeds this bound by at most
``tol * f + 1e-14 * scale`` (``scale`` the starting objective computed with
the unsigned kernel, the magnitude of the terms that cancel in ``f``), or
when that gap, already below ``1e-6`` relative, has not shrunk by 10% in 5
iterations (the rounding floor is above ``tol``; also reported as converged,
the gap reached is returned); otherwise after ``max_iter`` iterations or
when rounding stops the iteration (the step collapses, a slack is lost to
cancellation, the Cholesky factorisation breaks down): reported as converged
only if the certified gap is then below ``1e-6`` relative.
"""

import numpy as np
from scipy.linalg import blas, lapack

from ._kernels import project_dw

__all__ = ["ipm_dw"]

_EPS = np.finfo(float).eps
_TAU = 0.995  # fraction to the boundary
_MU0 = 1e-3  # initial complementarity, relative to |grad f| . distance to bounds
_N_CORRECTORS = 2  # Gondzio centrality correctors per iteration, at most


def _max_step(v, dv):
    """Largest ``s`` with ``v + s dv >= 0`` (``v > 0``); inf if unbounded."""
    neg = dv < 0
    if not np.any(neg):
        return np.inf
    return float(np.min(-v[neg] / dv[neg]))


class _Iterate:
    """Primal point, slacks and multipliers of one interior-point iteration."""

    __slots__ = (
        "n", "nt", "a", "r", "cl", "cu", "s_lo", "s_hi", "sb", "e_b", "g",
        "zl", "zu", "ylo", "yhi", "yb", "L", "U", "Z", "S",
    )  # fmt: skip

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)

    def solve(self, rhs):
        """Solve the Newton system from the Cholesky factor ``L``.

        ``L`` factors the matrix with the slab and ball rank-one terms
        capped; the excess weights ``w`` (columns ``U``), if any, are added
        by Sherman-Morrison-Woodbury with ``Z = L^{-T} L^{-1} U`` and
        ``S = diag(1/w) + U^T Z``.
        """
        y, _ = lapack.dpotrs(self.L, rhs, lower=1)
        if self.U is None:
            return y
        return y - self.Z @ np.linalg.solve(self.S, self.U.T @ y)

    def direction(self, rc_l, rc_u, rc_lo, rc_hi, rc_b):
        """Newton direction for complementarity targets ``rc_*``.

        Returns ``(dx, a.dx, ds_b, dzl, dzu, dylo, dyhi, dyb)``.
        """
        rhs = -self.r + rc_l / self.cl - rc_u / self.cu
        rhs += (rc_lo / self.s_lo - rc_hi / self.s_hi) * self.a
        if self.nt:
            rhs += self.g * ((rc_b - self.yb * self.e_b) / self.sb)
        dx = self.solve(rhs)
        adx = float(self.a @ dx)
        dzl = (rc_l - self.zl * dx) / self.cl
        dzu = (rc_u + self.zu * dx) / self.cu
        dylo = (rc_lo - self.ylo * adx) / self.s_lo
        dyhi = (rc_hi + self.yhi * adx) / self.s_hi
        if self.nt:
            dsb = float(self.g @ dx) + self.e_b
            dyb = (rc_b - self.yb * dsb) / self.sb
        else:
            dsb = dyb = 0.0
        return dx, adx, dsb, dzl, dzu, dylo, dyhi, dyb

    def step(self, d):
        """Step length (fraction to the boundary) along direction ``d``."""
        dx, adx, dsb, dzl, dzu, dylo, dyhi, dyb = d
        s = min(_max_step(self.cl, dx), _max_step(self.cu, -dx))
        s = min(s, _max_step(self.zl, dzl), _max_step(self.zu, dzu))
        for v, dv in (
            (self.s_lo, adx),
            (self.s_hi, -adx),
            (self.ylo, dylo),
            (self.yhi, dyhi),
        ):
            if dv < 0:
                s = min(s, -v / dv)
        if self.nt:
            for v, dv in ((self.sb, dsb), (self.yb, dyb)):
                if dv < 0:
                    s = min(s, -v / dv)
        return min(1.0, _TAU * s)

    def products(self, d, s):
        """Complementarity products after a step ``s`` along ``d``."""
        dx, adx, dsb, dzl, dzu, dylo, dyhi, dyb = d
        return [
            (self.zl + s * dzl) * (self.cl + s * dx),
            (self.zu + s * dzu) * (self.cu - s * dx),
            (self.ylo + s * dylo) * (self.s_lo + s * adx),
            (self.yhi + s * dyhi) * (self.s_hi - s * adx),
            (self.yb + s * dyb) * (self.sb + s * dsb) if self.nt else 0.0,
        ]


def ipm_dw(
    K,
    n,
    *,
    ub,
    c,
    R,
    eps,
    signed=False,
    tol=1e-8,
    max_iter=100,
    callback=None,
):
    """Solve scaled DW-KMM by a primal-dual interior-point method.

    Parameters
    ----------
    K : ndarray of shape (N, N)
        Pooled kernel matrix (source rows first); only read.
    n : int
        Number of source rows.
    ub, c, R, eps : float
        Scaled bounds (``B / sqrt(D) / n``, ``1 / t``,
        ``(1 - 1/sqrt(D)) sqrt(t) / t``) and slab half-width.  ``R <= 0``
        fixes the target block at ``c`` (KMM).
    signed : bool
        Whether the source-target blocks of ``K`` are already negated.
    tol : float
        Certified relative suboptimality at which to stop.
    max_iter : int
        Maximum number of interior-point iterations.
    callback : callable or None
        ``callback(n_iter, objective)`` after every iteration (objective of
        the feasible iterate); returning True stops the solver.

    Returns
    -------
    x : ndarray of shape (m,) or None
        Scaled feasible solution (``m = n`` for KMM, ``N`` otherwise), or
        None when the feasible set has no interior point of the kind used to
        start (the caller falls back to the first-order solver).
    info : dict or None
        ``objective``, ``n_iter``, ``converged``, ``gap`` (certified bound on
        ``f(x) - f*``).
    """
    N = K.shape[0]
    t = N - n
    kmm = R <= 0.0
    flip_signs = np.concatenate([np.ones(n), -np.ones(t)])
    sgn = -1.0 if signed else 1.0
    if kmm:
        m = n
        Kss = K[:n, :n]
        kappa = sgn * K[:n, n:].sum(axis=1) / t
        q = -2.0 * kappa
        const = float(K[n:, n:].sum()) / (t * t)
        u = np.full(m, ub)
        a = np.ones(m)
        lo, hi = 1.0 - eps, 1.0 + eps
        nt = 0

        def quad(x):
            return Kss @ x

        def quad2(x):
            Qx = Kss @ x
            return Qx, Qx  # K_ss >= 0: |K| x = K x

    else:
        m = N
        q = None
        const = 0.0
        u = np.concatenate([np.full(n, ub), np.full(t, c)])
        a = np.concatenate([np.ones(n), -np.ones(t)])
        lo, hi = -eps, eps
        nt = t
        flip = flip_signs
        Ks_cols, Kt_cols = K[:, :n], K[:, n:]  # views, no copy
        if signed:

            def quad(x):
                return K @ x

            def quad2(x):
                # one pass over K gives both Ks x and |K| x
                p1, p2 = Ks_cols @ x[:n], Kt_cols @ x[n:]
                return p1 + p2, flip * (p1 - p2)

        else:

            def quad(x):
                return flip * (K @ (flip * x))

            def quad2(x):
                p1, p2 = Ks_cols @ x[:n], Kt_cols @ x[n:]
                return flip * (p1 - p2), p1 + p2

    def objective(x, Qx):
        f = float(x @ Qx) + const
        if q is not None:
            f += float(q @ x)
        return f

    # ---- strictly feasible start -----------------------------------------
    if kmm:
        xb = min(1.0 / n, 0.5 * ub)
        if not (lo < xb * n < hi):
            xb = 0.5 * (max(lo, 0.0) + min(hi, ub * n)) / n
            if not (lo < xb * n < hi) or not (0.0 < xb < ub):
                return None, None
        x = np.full(m, xb)
    else:
        # ||alpha - 1|| = delta sqrt(t) < (1 - 1/sqrt(D)) sqrt(t) = R t
        delta = min(0.5 * R * np.sqrt(t), 0.5)
        xa = (1.0 - delta) / t
        xb = min((1.0 - delta) / n, 0.5 * ub)
        x = np.concatenate([np.full(n, xb), np.full(t, xa)])
        s0 = a @ x
        if not (lo < s0 < hi):
            return None, None

    Qx, Kabs_x = quad2(x)
    f = objective(x, Qx)
    # rounding floor of the certified gap: 1e-14 times the magnitude of the
    # terms that cancel in f (the objective with an unsigned kernel)
    scale = float(x @ Kabs_x)
    if kmm:
        scale += 2.0 * abs(float(q @ x)) + const
    abs_floor = 1e-14 * max(scale, 1e-300)
    proj_buf = np.empty(N)

    def slacks(x):
        sa = float(a @ x)
        if nt:
            d0 = x[n:] - c
            cb = R * R - float(d0 @ d0)
        else:
            d0, cb = None, 1.0
        return x, u - x, sa - lo, hi - sa, d0, cb

    def feasible(x, cb, f):
        """The iterate, projected onto the ball when it is outside."""
        if cb >= 0.0:
            return x, f
        project_dw(x, n, ub, c, R, eps, proj_buf)
        xp = proj_buf.copy()
        return xp, objective(xp, quad(xp))

    cl, cu, s_lo, s_hi, d0, cb = slacks(x)
    sb = cb
    n_cons = 2 * m + 2 + (1 if nt else 0)
    grad = 2.0 * Qx + (q if q is not None else 0.0)
    mu0 = float(np.abs(grad) @ np.minimum(cl, cu))
    mu0 = _MU0 * max(mu0, f, abs_floor) / n_cons
    zl = mu0 / cl
    zu = mu0 / cu
    ylo = mu0 / s_lo
    yhi = mu0 / s_hi
    yb = mu0 / sb if nt else 0.0

    H = np.empty((m, m), order="F")
    HC = H.T  # C-contiguous view of the same buffer
    diag_idx = np.arange(m)
    kdiag = 2.0 * float(np.max(np.diag(K)[:m]))
    reg = 1e-14 * kdiag
    cap = 1e14 * kdiag  # largest norm of an in-matrix rank-one term
    a_sq = float(a @ a)
    g = np.zeros(m)

    best_x, best_f, best_gap = x.copy(), f, np.inf
    converged = False
    it = 0
    stall = 0
    while True:
        # ---- residuals and certified gap ----------------------------------
        grad = 2.0 * Qx
        if q is not None:
            grad += q
        w = grad - (ylo - yhi) * a
        if nt:
            w[n:] += 2.0 * yb * d0  # -yb * grad(c_b), grad(c_b) = -2 d0
        r = w - zl + zu  # dual residual
        # w_i is a sum of terms of magnitude mag_i known to machine
        # precision: |w_i| below 10 eps mag_i is rounding noise, read as 0
        # (otherwise the noise, times the loose upper bounds of beta, would
        # dominate the bound near the optimum)
        mag = 2.0 * Kabs_x + abs(ylo - yhi)
        if q is not None:
            mag += np.abs(q)
        if nt:
            mag[n:] += 2.0 * yb * np.abs(d0)
        noise = 10.0 * _EPS * mag
        lower = f - ylo * s_lo - yhi * s_hi - (yb * cb if nt else 0.0)
        lower -= float(np.maximum(w - noise, 0.0) @ cl)
        lower -= float(np.maximum(-w - noise, 0.0) @ cu)
        x_rep, f_rep = feasible(x, cb, f)
        if not (np.isfinite(f_rep) and np.isfinite(lower)):
            break
        if f_rep <= best_f:
            best_x, best_f = x_rep.copy(), f_rep
        gap = best_f - lower
        # stalled at the rounding floor: the gap, already below 1e-6
        # relative, has not shrunk by 10% in 5 iterations
        near = gap <= 1e-6 * max(best_f, 0.0)
        stall = stall + 1 if near and gap >= 0.9 * best_gap else 0
        best_gap = min(best_gap, gap)
        if best_gap <= tol * max(best_f, 0.0) + abs_floor:
            converged = True
        elif stall >= 5:
            # rounding floor above tol: the gap (below 1e-6 relative, in
            # info["gap"]) cannot shrink further; count it as converged
            converged = True
        if it > 0 and callback is not None and callback(it, f_rep):
            break
        if converged:
            break
        if it >= max_iter:
            break
        it += 1
        comp = float(zl @ cl + zu @ cu) + ylo * s_lo + yhi * s_hi
        if nt:
            comp += yb * sb
        mu = comp / n_cons
        if not (np.isfinite(comp) and comp > 0.0):
            break

        # ---- Newton matrix, Cholesky --------------------------------------
        if kmm:
            np.multiply(Kss, 2.0, out=HC)
        else:
            np.multiply(K, 2.0, out=HC)
            if not signed:
                H[n:, :n] *= -1.0  # only the lower triangle is read
        dg = zl / cl + zu / cu + reg
        if nt:
            dg[n:] += 2.0 * yb
        H[diag_idx, diag_idx] += dg
        # slab and ball rank-one terms: in the matrix up to a norm of 1e6
        # times the kernel part, the excess (near an active slab or ball,
        # where the weights grow without bound) by Sherman-Morrison-Woodbury
        wa = ylo / s_lo + yhi / s_hi
        wa_in = min(wa, cap / a_sq)
        H = blas.dsyr(wa_in, a, lower=1, a=H, overwrite_a=1)
        extra_u, extra_w = [], []
        if wa > wa_in:
            extra_u.append(a)
            extra_w.append(wa - wa_in)
        if nt:
            g[n:] = -2.0 * d0
            rho = yb / sb
            rho_in = min(rho, cap / max(float(g @ g), 1e-300))
            H = blas.dsyr(rho_in, g, lower=1, a=H, overwrite_a=1)
            if rho > rho_in:
                extra_u.append(g)
                extra_w.append(rho - rho_in)
        L, info = lapack.dpotrf(H, lower=1, clean=0, overwrite_a=1)
        HC = H.T
        if info != 0:  # not numerically positive definite: regularise more
            reg = max(reg * 100.0, 1e-12)
            it -= 1
            if reg > 1e-2:
                break
            continue
        U = Z = S = None
        if extra_u:
            U = np.column_stack(extra_u)
            Z, _ = lapack.dpotrs(L, U, lower=1)
            S = np.diag(1.0 / np.asarray(extra_w)) + U.T @ Z
        pt = _Iterate(
            n=n, nt=nt, a=a, r=r, cl=cl, cu=cu, s_lo=s_lo, s_hi=s_hi, sb=sb,
            e_b=cb - sb, g=g, zl=zl, zu=zu, ylo=ylo, yhi=yhi, yb=yb,
            L=L, U=U, Z=Z, S=S,
        )  # fmt: skip
        comps = [zl * cl, zu * cu, ylo * s_lo, yhi * s_hi, yb * sb]

        # predictor (affine scaling)
        d = pt.direction(*[-v for v in comps])
        s_aff = pt.step(d) / _TAU
        comp_aff = sum(float(np.sum(v)) for v in pt.products(d, min(s_aff, 1.0)))
        sigma = min(max(comp_aff / comp, 0.0), 1.0) ** 3
        smu = sigma * mu
        # corrector: Mehrotra's second-order term
        dx, adx, dsb, dzl, dzu, dylo, dyhi, dyb = d
        rcs = [
            smu - comps[0] - dzl * dx,
            smu - comps[1] + dzu * dx,
            smu - comps[2] - dylo * adx,
            smu - comps[3] + dyhi * adx,
            smu - comps[4] - dyb * dsb,
        ]
        d = pt.direction(*rcs)
        s = pt.step(d)
        # Gondzio's centrality correctors: push the products expected after
        # a longer step back into [0.1, 10] sigma mu
        for _ in range(_N_CORRECTORS):
            if s >= 1.0:
                break
            s_try = min(1.0, 1.5 * s + 0.1)
            lo_t, hi_t = 0.1 * smu, 10.0 * smu
            new_rcs = []
            for rc_k, v in zip(rcs, pt.products(d, s_try)):
                new_rcs.append(rc_k + np.maximum(np.clip(v, lo_t, hi_t) - v, -hi_t))
            if not nt:
                new_rcs[4] = 0.0
            d2 = pt.direction(*new_rcs)
            s2 = pt.step(d2)
            if s2 < s + 0.1 * (s_try - s):
                break
            rcs, d, s = new_rcs, d2, s2
        if not np.isfinite(s) or s <= 1e-12:
            break

        # ---- step -----------------------------------------------------------
        dx, adx, dsb, dzl, dzu, dylo, dyhi, dyb = d
        x_new = x + s * dx
        # rounding can put a coordinate of a tiny slack on its bound: keep at
        # least the fraction 1 - tau of each distance to the bounds
        np.maximum(x_new, (1.0 - _TAU) * x, out=x_new)
        np.minimum(x_new, u - (1.0 - _TAU) * (u - x), out=x_new)
        cl_n, cu_n, s_lo_n, s_hi_n, d0_n, cb_n = slacks(x_new)
        if np.any(cl_n <= 0) or np.any(cu_n <= 0) or s_lo_n <= 0 or s_hi_n <= 0:
            break  # numerical floor: the step left the interior
        x = x_new
        cl, cu, s_lo, s_hi, d0, cb = cl_n, cu_n, s_lo_n, s_hi_n, d0_n, cb_n
        zl = zl + s * dzl
        zu = zu + s * dzu
        ylo = ylo + s * dylo
        yhi = yhi + s * dyhi
        if nt:
            sb = sb + s * dsb
            yb = yb + s * dyb
        Qx, Kabs_x = quad2(x)
        f = objective(x, Qx)
    if not converged and best_gap <= 1e-6 * max(best_f, 0.0):
        # stopped by rounding (step collapse, a slack lost to cancellation,
        # Cholesky breakdown) with the gap already at the rounding floor
        converged = True
    return best_x, {
        "objective": best_f,
        "n_iter": it,
        "converged": converged,
        "gap": best_gap,
    }
