"""The package's own solver of the (double-weighting) kernel mean matching QP.

DW-KMM (Segovia-Martin, Mazuelas & Liu, 2023)::

    minimise    [beta/n; -alpha/t]^T K [beta/n; -alpha/t]
    subject to  0 <= beta_i <= B / sqrt(D),     0 <= alpha_j <= 1,
                |sum(beta)/n - sum(alpha)/t| <= eps,
                ||alpha - 1||_2 <= (1 - 1/sqrt(D)) sqrt(t).

It is solved in the scaled variables ``v = [beta/n; alpha/t]`` (which makes
the Hessian ``2 K`` whatever ``n`` and ``t``) by FISTA (accelerated
projected gradient) with the gradient-based adaptive restart of O'Donoghue &
Candès (2015); the projection onto the feasible set is exact
(:func:`._kernels.project_dw`).  The step is ``1 / L`` with ``L`` twice the
largest eigenvalue of ``K`` (power iteration).  Iterations stop when the
objective decreased by less than ``tol`` (relative) in each of
``patience`` consecutive iterations, or at ``max_iter``.  One product with
``K`` per iteration (the products at the extrapolated point are linear
combinations of earlier ones).  ``D = 1`` fixes ``alpha = 1`` (classical KMM) and only the
source block of ``K`` is iterated on.
"""

import numpy as np

from ._kernels import project_dw

__all__ = ["solve_dw_kmm", "dw_kmm_objective"]


def dw_kmm_objective(K, beta, alpha):
    """Objective of DW-KMM: squared RKHS distance of the weighted means."""
    n = beta.shape[0]
    v = np.concatenate([beta / n, -alpha / alpha.shape[0]])
    return float(v @ (K @ v))


def _lipschitz(matvec, N, rng, n_iter=30):
    x = rng.standard_normal(N)
    x /= np.linalg.norm(x)
    lam = 0.0
    for _ in range(n_iter):
        y = matvec(x)
        lam = float(np.linalg.norm(y))
        if lam == 0.0:
            return 1e-12
        x = y / lam
    return lam * 1.05  # power iteration approaches from below


def solve_dw_kmm(
    K,
    n,
    *,
    D=1.0,
    B=1000.0,
    eps=None,
    tol=1e-9,
    max_iter=20000,
    patience=30,
    random_state=0,
    x0=None,
    signed=False,
    callback=None,
):
    """Solve DW-KMM on the pooled kernel matrix ``K`` (source rows first).

    Parameters
    ----------
    K : ndarray of shape (n + t, n + t)
        Kernel matrix of the stacked source then target samples.
    n : int
        Number of source rows.
    D : float >= 1
    B : float > 0
    eps : float, default=None
        Slab half-width; ``None`` means ``1 - 1/sqrt(n)``.
    tol, max_iter, patience : stopping rule (see module docstring).
    x0 : tuple (beta, alpha), default=None
        Warm start (projected onto the feasible set); ``None`` starts from
        unit weights.
    signed : bool, default=False
        True when ``K`` already has its off-diagonal (source-target) blocks
        negated, which saves a copy when the same matrix serves several ``D``.
        The ``D = 1`` path reads only the source-source block and the row
        sums of the source-target block (sign-corrected).
    callback : callable, default=None
        ``callback(n_iter, objective)`` after every iteration; returning
        True stops the solver (used by the benchmark to time the solver to
        a given objective).

    Returns
    -------
    beta : ndarray of shape (n,)
    alpha : ndarray of shape (t,)
    info : dict
        ``objective``, ``n_iter``, ``converged``.
    """
    N = K.shape[0]
    t = N - n
    if eps is None:
        eps = 1.0 - 1.0 / np.sqrt(n)
    ub = B / np.sqrt(D) / n
    c = 1.0 / t
    R = max(1.0 - 1.0 / np.sqrt(D), 0.0) * np.sqrt(t) / t
    rng = np.random.default_rng(random_state)

    if R <= 0.0:
        # alpha fixed at one: iterate on the source block only
        Kss = np.ascontiguousarray(K[:n, :n])
        kappa = K[:n, n:].sum(axis=1) / t
        if signed:
            kappa = -kappa
        const = float(K[n:, n:].sum()) / (t * t)

        def matvec(w):
            out = np.zeros(N)
            out[:n] = Kss @ w[:n]
            return out

        def value(w, Kw):
            vb = w[:n]
            return float(vb @ Kw[:n] - 2.0 * vb @ kappa + const)

        lin = np.zeros(N)
        lin[:n] = -2.0 * kappa
        L = 2.0 * _lipschitz(lambda x: Kss @ x, n, rng)
    else:
        if signed:
            Ks = K
        else:
            Ks = K.copy()
            Ks[:n, n:] *= -1.0
            Ks[n:, :n] *= -1.0

        def matvec(w):
            return Ks @ w

        def value(w, Kw):
            return float(w @ Kw)

        lin = np.zeros(N)
        L = 2.0 * _lipschitz(lambda x: K @ x, N, rng)

    step = 1.0 / L
    buf = np.empty(N)
    if x0 is None:
        x = np.concatenate([np.full(n, 1.0 / n), np.full(t, c)])
    else:
        x = np.concatenate([np.asarray(x0[0]) / n, np.asarray(x0[1]) / t])
    project_dw(x, n, ub, c, R, eps, buf)
    x = buf.copy()
    Kx = matvec(x)
    f_x = value(x, Kx)
    best_f, best_x = f_x, x.copy()
    it = 0
    converged = f_x <= 1e-15
    y, Ky = x.copy(), Kx.copy()
    theta = 1.0
    stall = 0
    f_prev = f_x
    while not converged and it < max_iter:
        it += 1
        g_y = 2.0 * Ky + lin
        project_dw(y - step * g_y, n, ub, c, R, eps, buf)
        x_new = buf.copy()
        Kx_new = matvec(x_new)
        f_new = value(x_new, Kx_new)
        theta_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * theta * theta))
        if g_y @ (x_new - x) > 0 or f_new > f_x:
            # adaptive restart (O'Donoghue & Candes)
            theta_new = 1.0
            y, Ky = x_new.copy(), Kx_new.copy()
        else:
            mom = (theta - 1.0) / theta_new
            y = x_new + mom * (x_new - x)
            Ky = Kx_new + mom * (Kx_new - Kx)
        x, Kx, f_x, theta = x_new, Kx_new, f_new, theta_new
        if f_x < best_f:
            best_f, best_x = f_x, x.copy()
        if f_prev - f_x <= tol * max(abs(f_x), 1e-300):
            stall += 1
        else:
            stall = 0
        f_prev = f_x
        if f_x <= 1e-15 or stall >= patience:
            converged = True
        if callback is not None and callback(it, f_x):
            break
    beta = np.clip(best_x[:n] * n, 0.0, None)
    alpha = np.clip(best_x[n:] * t, 0.0, 1.0)
    return (
        beta,
        alpha,
        {
            "objective": max(best_f, 0.0),
            "n_iter": it,
            "converged": converged,
        },
    )
