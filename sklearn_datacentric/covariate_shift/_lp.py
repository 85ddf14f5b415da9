"""Central-path solution of the DW-GCS confidence-vector LP (no crossover).

The LP of DW-GCS (Segovia-Martin, Mazuelas & Liu, 2023) that sets the
confidence vector ``lambda``::

    minimise    sum(lambda)
    subject to  tau - lambda + delta <= M p <= tau + lambda - delta,
                sum_y p_{jy} = 1/t  (j = 1..t),      p >= 0,

with ``(M p)_{y,f} = sum_j p_{jy} alpha_j phi_f(x_j)`` the moment of the
weighted target sample under the conditional ``p``, usually has many optimal
solutions: every ``p`` minimising ``||M p - tau||_1`` is optimal, with
``lambda = delta + |M p - tau|``.  A simplex method (HiGHS) returns a vertex
of that optimal face, in which many components of ``M p - tau`` are exactly
zero, so their ``lambda`` is the bare margin ``delta`` and the minimax risk
classifier leaves those coefficients unregularised.  The authors solve the LP
with interior-point solvers (CVX with SDPT3 or MOSEK, cvxpy's default),
which return a point in the relative interior of the optimal face.

This module computes that point with its own primal-dual interior-point
method, without crossover, and makes it unique: the point of the central
path at a small, fixed complementarity ``mu_final`` (its limit as
``mu_final -> 0`` is the analytic centre of the optimal face).

Standard form.  With ``u = lambda - delta`` split as ``u = (s1 + s2)/2`` and
``M p - tau = (s2 - s1)/2`` (``s1 = u - r >= 0``, ``s2 = u + r >= 0``), the
LP is ``min c^T x`` s.t. ``A x = b``, ``x = [p; s1; s2] >= 0`` with::

    A = [[M, I/2, -I/2],        b = [tau;
         [E, 0,    0  ]],            1/t],       c = [0; 1/2; 1/2]

(``E`` sums each target point's ``p_{j.}``), and ``lambda = delta +
(s1 + s2)/2``.  The barrier is on ``p``, ``s1`` and ``s2``: the same cones as
in the authors' formulation, whose extra ``lambda >= 0`` is implied by
``lambda >= delta`` here.

Method: Mehrotra's predictor-corrector on the primal-dual central path,
started from a strictly feasible primal-dual point (``p`` uniform, dual
``y = (0, -v0)``), fraction to the boundary 0.995.  The centring target
never goes below ``mu_final = max(rtol * c^T x, atol * gap_0) / N`` (a gap
of ``1e-9`` of the objective, or ``1e-10`` of the starting gap when the
optimum is near zero); once there the method takes pure Newton (centring)
steps to the central-path point ``x(mu_final)`` and stops when every
product ``x_i z_i`` is within 1% of ``mu_final`` and the residuals are
below ``1e-9`` relative (far below the margin ``delta`` of the
constraints).  Each Newton system is reduced exactly, by the block
structure, to a ``(K q) x (K q)`` positive-definite system (``K`` classes,
``q`` base features), factored by Cholesky: an iteration costs
``O(t K^2 q^2)``.
"""

import numpy as np
from scipy.linalg import cho_factor, cho_solve

__all__ = ["central_lambda", "standard_form", "vertex_lambda"]

_TAU = 0.995  # fraction to the boundary


class _LambdaLP:
    """Operators of the standard-form lambda LP (see the module docstring)."""

    def __init__(self, AF, tau, n_classes):
        self.AF = AF  # (t, q): alpha_j phi(x_j)
        self.t, self.q = AF.shape
        self.K = n_classes
        self.m = n_classes * self.q
        self.tau = tau.ravel()
        self.b = np.concatenate([self.tau, np.full(self.t, 1.0 / self.t)])
        self.N = self.t * self.K + 2 * self.m
        self.c = np.concatenate([np.zeros(self.t * self.K), np.full(2 * self.m, 0.5)])

    def split(self, x):
        tk = self.t * self.K
        return x[:tk].reshape(self.t, self.K), x[tk : tk + self.m], x[tk + self.m :]

    def A(self, x):
        P, s1, s2 = self.split(x)
        moment = (P.T @ self.AF).ravel()  # (K, q) row-major = index y*q + f
        return np.concatenate([moment + 0.5 * (s1 - s2), P.sum(axis=1)])

    def AT(self, y):
        w, v = y[: self.m], y[self.m :]
        W = w.reshape(self.K, self.q)
        top = (self.AF @ W.T + v[:, None]).ravel()
        return np.concatenate([top, 0.5 * w, -0.5 * w])

    def factor(self, d):
        """Factor ``A diag(d) A^T`` by its Schur complement on the moment rows.

        The Schur complement is ``sum_j L_j (x) (g_j g_j^T)`` plus the
        diagonal of the ``s`` columns, with ``L_j = diag(D_j) - D_j D_j^T /
        sum(D_j)`` (``D_j`` the ``p_{j.}`` part of ``d``, ``g_j`` the row of
        ``alpha_j phi(x_j)``): ``L_j``'s diagonal is formed without
        cancellation.  Near the end of the path the matrix is nearly
        singular along ``w_y`` equal for all ``y`` (the moment rows summed
        over the classes are fixed by the simplex rows up to ``s``); a
        regularisation of ``1e-14`` of the largest diagonal entry (raised
        tenfold while Cholesky fails) keeps the factorisation defined.
        """
        Dp, D1, D2 = self.split(d)
        g = Dp.sum(axis=1)  # diagonal of the E-block
        K, q, AF = self.K, self.q, self.AF
        S = np.empty((self.m, self.m))
        for y in range(K):
            for yy in range(y, K):
                if y == yy:
                    others = np.delete(Dp, y, axis=1).sum(axis=1)
                    wgt = Dp[:, y] * (others / g)
                else:
                    wgt = -Dp[:, y] * (Dp[:, yy] / g)
                blk = AF.T @ (wgt[:, None] * AF)
                S[y * q : (y + 1) * q, yy * q : (yy + 1) * q] = blk
                S[yy * q : (yy + 1) * q, y * q : (y + 1) * q] = blk.T
        diag = np.diag_indices(self.m)
        S[diag] += 0.25 * (D1 + D2)
        reg = 1e-14 * np.max(S[diag])
        for _ in range(8):
            try:
                fac = cho_factor(S, lower=True, check_finite=False)
                break
            except np.linalg.LinAlgError:
                S[diag] += reg
                reg *= 10.0
        else:  # pragma: no cover - the regularisation always ends it
            raise np.linalg.LinAlgError("lambda LP: Newton system not definite")
        self._fac = (fac, Dp, g)

    def solve(self, r):
        """Solve ``A diag(d) A^T y = r`` with the last factorisation."""
        fac, Dp, g = self._fac
        r1, r2 = r[: self.m], r[self.m :]
        # N12 v = M Dp E^T v: entry (y, f) = sum_j AF_jf Dp_jy v_j
        r2g = r2 / g
        r1s = r1 - (self.AF.T @ (Dp * r2g[:, None])).T.ravel()
        w = cho_solve(fac, r1s, check_finite=False)
        W = w.reshape(self.K, self.q)
        n21w = np.sum(Dp * (self.AF @ W.T), axis=1)
        v = r2g - n21w / g
        return np.concatenate([w, v])


def _max_step(v, dv):
    neg = dv < 0
    if not np.any(neg):
        return np.inf
    return float(np.min(-v[neg] / dv[neg]))


def _newton(lp, x, z, d, rp, rd, rc):
    """Newton direction: ``Z dx + X dz = rc``, ``A dx = rp``, ``A^T dy + dz = rd``."""
    dy = lp.solve(rp - lp.A(rc / z) + lp.A(d * rd))
    dz = rd - lp.AT(dy)
    dx = (rc - x * dz) / z
    return dx, dy, dz


def central_lambda(
    F, alpha, tau, n_classes, *, delta=1e-6, rtol=1e-9, atol=1e-10, max_iter=200
):
    """Confidence vector ``lambda`` of DW-GCS at the central path's end.

    Parameters
    ----------
    F : ndarray of shape (t, q)
        Base features ``phi(x_j)`` of the target sample.
    alpha : ndarray of shape (t,)
        Target weights.
    tau : ndarray of shape (n_classes, q)
        Mean estimate.
    n_classes : int
    delta : float, default=1e-6
        Strict margin of the constraints (the authors' ``delta``).
    rtol : float, default=1e-9
        Target duality gap ``x^T z`` relative to the objective
        ``sum(lambda - delta)``: the point returned is the central-path
        point with ``mu = max(rtol * objective, atol * gap_0) / N``.
    atol : float, default=1e-10
        Floor of that gap relative to the starting gap ``gap_0`` (used when
        the optimum is zero or nearly).  The method also stops, converged,
        when rounding keeps it from getting closer: ``mu`` within a factor
        10 of the target, residuals below 1e-9 relative and no 10% progress
        in 10 iterations.
    max_iter : int, default=200

    Returns
    -------
    lam : ndarray of shape (n_classes, q)
        ``delta + (s1 + s2)/2`` at the central-path point: feasible
        (``>= delta + |M p - tau|``, equal at the end of the path), and
        every component that is positive anywhere on the optimal face is
        positive here.
    info : dict
        ``objective`` (``sum(lambda)``), ``p`` (t, n_classes), ``n_iter``,
        ``mu`` (final complementarity), ``gap`` (``x^T z``, a bound on the
        distance of ``sum(lambda)`` to the optimum), ``converged``.
    """
    F = np.asarray(F, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    tau = np.asarray(tau, dtype=float)
    lp = _LambdaLP(alpha[:, None] * F, tau, n_classes)
    t, K, m = lp.t, lp.K, lp.m
    # strictly feasible primal start: p uniform, s1/s2 absorb the residual
    P0 = np.full((t, K), 1.0 / (t * K))
    resid = 2.0 * (lp.tau - (P0.T @ lp.AF).ravel())  # s1 - s2 must equal this
    scale = max(np.mean(np.abs(resid)), 1.0 / t, 1e-12)
    s1 = np.maximum(resid, 0.0) + scale
    s2 = np.maximum(-resid, 0.0) + scale
    x = np.concatenate([P0.ravel(), s1, s2])
    # strictly feasible dual start: w = 0, v = -v0 (z_p = v0, z_s = 1/2),
    # v0 balancing the complementarity products of p with those of s
    mu_s = 0.5 * np.mean(np.concatenate([s1, s2]))
    v0 = mu_s * t * K
    y = np.concatenate([np.zeros(m), np.full(t, -v0)])
    z = lp.c - lp.AT(y)
    N = lp.N
    mu0 = x @ z / N
    mu_floor = atol * mu0
    bnorm = 1.0 + np.linalg.norm(lp.b)
    cnorm = 1.0 + np.linalg.norm(lp.c)
    converged = False
    n_iter = 0
    history = []
    while n_iter < max_iter:
        n_iter += 1
        rp = lp.b - lp.A(x)
        rd = lp.c - lp.AT(y) - z
        mu = x @ z / N
        xz = x * z
        mu_final = max(rtol * (lp.c @ x) / N, mu_floor)
        small_res = (
            np.linalg.norm(rp) <= 1e-9 * bnorm and np.linalg.norm(rd) <= 1e-9 * cnorm
        )
        history.append(mu)
        stalled = len(history) > 10 and mu > 0.9 * history[-11]
        if small_res and (
            (mu <= 1.01 * mu_final and np.max(np.abs(xz / mu_final - 1.0)) <= 0.01)
            or (stalled and mu <= 10.0 * mu_final)
        ):
            converged = True
            break
        d = x / z
        lp.factor(d)

        if mu > 1.5 * mu_final:
            # Mehrotra predictor-corrector, target floored at mu_final
            dxa, _, dza = _newton(lp, x, z, d, rp, rd, -xz)
            ap = min(1.0, _max_step(x, dxa))
            ad = min(1.0, _max_step(z, dza))
            mu_aff = (x + ap * dxa) @ (z + ad * dza) / N
            target = max((mu_aff / mu) ** 3 * mu, mu_final)
            rc = target - xz - dxa * dza
        else:
            # pure centring onto x(mu_final)
            rc = mu_final - xz
        dx, dy, dz = _newton(lp, x, z, d, rp, rd, rc)
        ap = min(1.0, _TAU * _max_step(x, dx))
        ad = min(1.0, _TAU * _max_step(z, dz))
        x = x + ap * dx
        y = y + ad * dy
        z = z + ad * dz
    P, s1, s2 = lp.split(x)
    lam = delta + 0.5 * (s1 + s2)
    info = {
        "objective": float(lam.sum()),
        "p": P.copy(),
        "n_iter": n_iter,
        "mu": float(x @ z / N),
        "gap": float(x @ z),
        "converged": converged,
    }
    return lam.reshape(n_classes, lp.q), info


def standard_form(F, alpha, tau, n_classes):
    """``(c, A, b)`` of the standard-form lambda LP, ``A`` sparse (CSC).

    Variables ``x = [p (row-major, t x n_classes); s1; s2]``; ``lambda =
    delta + (s1 + s2)/2`` (see the module docstring).
    """
    from scipy import sparse

    F = np.asarray(F, dtype=float)
    lp = _LambdaLP(np.asarray(alpha, dtype=float)[:, None] * F, tau, n_classes)
    t, K, q, m = lp.t, lp.K, lp.q, lp.m
    jj, ff = np.meshgrid(np.arange(t), np.arange(q), indexing="ij")
    rows = np.concatenate([(y * q + ff).ravel() for y in range(K)])
    cols = np.concatenate([(jj * K + y).ravel() for y in range(K)])
    M = sparse.csr_matrix((np.tile(lp.AF.ravel(), K), (rows, cols)), shape=(m, t * K))
    E = sparse.csr_matrix(
        (np.ones(t * K), (np.repeat(np.arange(t), K), np.arange(t * K))),
        shape=(t, t * K),
    )
    half = 0.5 * sparse.identity(m, format="csr")
    A = sparse.vstack(
        [
            sparse.hstack([M, half, -half]),
            sparse.hstack([E, sparse.csr_matrix((t, 2 * m))]),
        ]
    ).tocsc()
    return lp.c, A, lp.b


def vertex_lambda(F, alpha, tau, n_classes, *, delta=1e-6):
    """The same LP solved by HiGHS' dual simplex: an optimal *vertex*.

    Kept to compare with :func:`central_lambda` (tests, benchmark): the
    package computed ``lambda`` this way before, and a vertex leaves many
    components at exactly ``delta``.
    """
    from scipy.optimize import linprog

    c, A, b = standard_form(F, alpha, tau, n_classes)
    res = linprog(c, A_eq=A, b_eq=b, bounds=(0, None), method="highs-ds")
    if res.status != 0:
        raise RuntimeError(f"lambda LP (HiGHS) failed: {res.message}")
    m = n_classes * np.asarray(F).shape[1]
    s1, s2 = res.x[-2 * m : -m], res.x[-m:]
    return (delta + 0.5 * (s1 + s2)).reshape(n_classes, -1)
