"""numba kernels of the LR-QR solver, with their plain numpy references.

The inner problem of LR-QR (the threshold coefficients for a fixed scale
``beta``), written in a basis that is orthonormal for the empirical
``E_3[h^2]`` inner product, is a ridge-penalised quantile regression with a
linear term::

    min_theta  mean_i rho_tau(s_i - psi_i^T theta)
               + (kappa / 2) ||theta||^2 - c^T theta

with ``kappa = 2 lam beta^2`` and ``c = 2 lam beta mean_target(psi)``.  Its
dual is a box-constrained concave quadratic program in one variable per
labelled point::

    max_{a in [tau - 1, tau]^n}  a^T s / n - ||c + Psi^T a / n||^2 / (2 kappa)

with ``theta = (c + Psi^T a / n) / kappa``.  :func:`dual_coordinate_ascent`
maximises it exactly, one coordinate at a time (each coordinate step is the
exact maximiser along that coordinate, clipped to the box), and stops on the
duality gap.  :func:`dual_coordinate_ascent_reference` solves the same dual
with scipy's L-BFGS-B; the tests compare the two.
"""

import numpy as np
from numba import njit
from scipy.optimize import minimize

__all__ = [
    "pinball_mean",
    "primal_objective",
    "dual_objective",
    "dual_coordinate_ascent",
    "dual_coordinate_ascent_reference",
]


@njit(cache=True)
def pinball_mean(s, h, tau):
    """Mean pinball loss ``rho_tau(s - h)`` (``tau`` = quantile level)."""
    n = s.shape[0]
    total = 0.0
    for i in range(n):
        u = s[i] - h[i]
        if u >= 0.0:
            total += tau * u
        else:
            total += (tau - 1.0) * u
    return total / n


@njit(cache=True)
def primal_objective(Psi, s, c, kappa, tau, theta):
    """Value of the inner LR-QR problem at ``theta``."""
    h = Psi @ theta
    return (
        pinball_mean(s, h, tau) + 0.5 * kappa * np.dot(theta, theta) - np.dot(c, theta)
    )


@njit(cache=True)
def dual_objective(Psi, s, c, kappa, a):
    """Value of the dual at ``a``."""
    n = s.shape[0]
    v = c + (Psi.T @ a) / n
    return np.dot(a, s) / n - np.dot(v, v) / (2.0 * kappa)


@njit(cache=True)
def dual_coordinate_ascent(Psi, s, c, kappa, tau, a, theta, max_epochs, tol):
    """Exact dual coordinate ascent; ``a`` and ``theta`` are updated in place.

    ``theta`` must equal ``(c + Psi^T a / n) / kappa`` on entry.  Stops when
    the duality gap falls below ``tol`` (absolute).  Returns
    ``(n_epochs, gap)``.
    """
    n, d = Psi.shape
    lo = tau - 1.0
    hi = tau
    sq = np.empty(n)
    for i in range(n):
        acc = 0.0
        for j in range(d):
            acc += Psi[i, j] * Psi[i, j]
        sq[i] = acc
    nk = n * kappa
    gap = np.inf
    epoch = 0
    for epoch in range(1, max_epochs + 1):
        for i in range(n):
            if sq[i] == 0.0:
                # h_i = 0 whatever theta: the optimal multiplier is the sign
                a_new = hi if s[i] > 0.0 else lo
                a[i] = a_new
                continue
            h_i = 0.0
            for j in range(d):
                h_i += Psi[i, j] * theta[j]
            a_new = a[i] + (s[i] - h_i) * nk / sq[i]
            if a_new < lo:
                a_new = lo
            elif a_new > hi:
                a_new = hi
            delta = a_new - a[i]
            if delta != 0.0:
                a[i] = a_new
                step = delta / nk
                for j in range(d):
                    theta[j] += step * Psi[i, j]
        if epoch % 5 == 0 or epoch == max_epochs:
            # recompute theta from a to avoid drift, then the gap
            v = c + (Psi.T @ a) / n
            for j in range(d):
                theta[j] = v[j] / kappa
            gap = primal_objective(Psi, s, c, kappa, tau, theta) - dual_objective(
                Psi, s, c, kappa, a
            )
            if gap <= tol:
                break
    return epoch, gap


def dual_coordinate_ascent_reference(Psi, s, c, kappa, tau, a0=None, tol=1e-12):
    """Plain numpy/scipy reference: the same dual solved with L-BFGS-B.

    Returns ``(a, theta)``.
    """
    Psi = np.asarray(Psi, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    n = s.shape[0]
    a0 = np.zeros(n) if a0 is None else np.asarray(a0, dtype=np.float64)

    def neg_dual(a):
        v = c + Psi.T @ a / n
        val = a @ s / n - v @ v / (2.0 * kappa)
        grad = s / n - Psi @ v / (n * kappa)
        return -val, -grad

    res = minimize(
        neg_dual,
        a0,
        jac=True,
        method="L-BFGS-B",
        bounds=[(tau - 1.0, tau)] * n,
        options={"maxiter": 20000, "ftol": tol, "gtol": 1e-12, "maxcor": 50},
    )
    a = res.x
    theta = (c + Psi.T @ a / n) / kappa
    return a, theta
