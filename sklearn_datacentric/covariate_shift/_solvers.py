"""The package's own solvers of the (double-weighting) kernel mean matching QP.

DW-KMM (Segovia-Martin, Mazuelas & Liu, 2023)::

    minimise    [beta/n; -alpha/t]^T K [beta/n; -alpha/t]
    subject to  0 <= beta_i <= B / sqrt(D),     0 <= alpha_j <= 1,
                |sum(beta)/n - sum(alpha)/t| <= eps,
                ||alpha - 1||_2 <= (1 - 1/sqrt(D)) sqrt(t).

Both solvers work in the scaled variables ``v = [beta/n; alpha/t]`` (which
makes the Hessian ``2 K`` whatever ``n`` and ``t``).  ``D = 1`` fixes
``alpha = 1`` (classical KMM) and only the source block of ``K`` is solved
for.

``method="ipm"`` (:mod:`._ipm`): a primal-dual interior-point method with
Mehrotra's predictor-corrector and Gondzio's centrality correctors.  Bounds
and slab are kept strictly satisfied; the ball gets a slack variable (its
equation linearised, the iterate projected back onto the ball when outside).
Each iteration factors one dense ``m x m`` matrix (``2 K`` + diagonal + two
rank-one terms, ``m = n`` for ``D = 1`` and ``n + t`` otherwise) with
LAPACK's Cholesky and reuses it for 2 to 4 solves; 10 to 25 iterations are
typical.  It stops when a *certified* bound on ``f(v) - f*`` (the duality
gap, the dual residual absorbed into the bound multipliers) is at most
``tol * f(v)`` plus a rounding floor (``1e-14`` times the objective
computed with an unsigned kernel), so ``tol`` is the relative suboptimality
guaranteed at exit; ``max_iter`` caps the iterations.  Memory: one extra
``m x m`` matrix.  ``x0`` is ignored (interior-point methods do not
warm-start usefully).

``method="fista"``: FISTA (accelerated projected gradient) with the
gradient-based adaptive restart of O'Donoghue & Candès (2015); the projection
onto the feasible set is exact (:func:`._kernels.project_dw`).  The step is
``1 / L`` with ``L`` twice the largest eigenvalue of ``K`` (power
iteration).  Iterations stop when the objective decreased by less than
``tol`` (relative) in each of ``patience`` consecutive iterations, or at
``max_iter``.  One product with ``K`` per iteration (the products at the
extrapolated point are linear combinations of earlier ones); memory ``O(m)``
beyond ``K``; honours the ``x0`` warm start.  It needs thousands of
iterations to reach ``1e-4`` relative accuracy when ``D > 1`` (the optimum is
tiny, ``1e-6`` to ``1e-7``).

``method="auto"`` (default) uses the interior-point method up to
``IPM_MAX_VARIABLES`` free variables and FISTA beyond (where the ``O(m^3)``
factorisation and the second ``m x m`` matrix become the bottleneck).  The
interior-point method was 10 to 100 times faster than FISTA to the same
accuracy on the benchmark (``benchmarks/results/double_weighting.md``).
"""

import numpy as np

from ._ipm import ipm_dw
from ._kernels import project_dw

__all__ = ["solve_dw_kmm", "dw_kmm_objective", "IPM_MAX_VARIABLES"]

#: ``method="auto"`` uses the interior-point method up to this many free
#: variables (``n`` for ``D = 1``, ``n + t`` otherwise), FISTA beyond.
IPM_MAX_VARIABLES = 8000

_METHODS = ("auto", "ipm", "fista")


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
    method="auto",
):
    """Solve DW-KMM on the pooled kernel matrix ``K`` (source rows first).

    Parameters
    ----------
    K : ndarray of shape (n + t, n + t)
        Kernel matrix of the stacked source then target samples.  Only read.
    n : int
        Number of source rows.
    D : float >= 1
    B : float > 0
    eps : float, default=None
        Slab half-width; ``None`` means ``1 - 1/sqrt(n)``.
    tol : float >= 0, default=1e-9
        ``"ipm"``: certified relative suboptimality at exit (the solver stops
        once ``f - f* <= tol * f`` is proven).  ``"fista"``: relative
        decrease of the objective under which an iteration counts as
        stalled.
    max_iter : int, default=20000
        Maximum number of iterations of the chosen method (interior-point
        iterations take 10 to 25 in practice).
    patience : int, default=30
        FISTA only: stalled iterations in a row before stopping.
    random_state : int, default=0
        FISTA only: seed of the power iteration for the step size.
    x0 : tuple (beta, alpha), default=None
        FISTA only (ignored by the interior-point method): warm start,
        projected onto the feasible set; ``None`` starts from unit weights.
    signed : bool, default=False
        True when ``K`` already has its off-diagonal (source-target) blocks
        negated, which saves a copy when the same matrix serves several ``D``.
        The ``D = 1`` path reads only the source-source block and the row
        sums of the source-target block (sign-corrected).
    callback : callable, default=None
        ``callback(n_iter, objective)`` after every iteration (of either
        method); returning True stops the solver (used by the benchmark to
        time the solver to a given objective).
    method : {"auto", "ipm", "fista"}, default="auto"
        Algorithm (see the module docstring).  ``"auto"`` is ``"ipm"`` up to
        ``IPM_MAX_VARIABLES`` free variables, ``"fista"`` beyond.

    Returns
    -------
    beta : ndarray of shape (n,)
    alpha : ndarray of shape (t,)
    info : dict
        ``objective``, ``n_iter``, ``converged`` and ``method`` (the one
        run); ``"ipm"`` adds ``gap``, the certified bound on the objective's
        distance to the optimum.  The weights are always feasible (finite, in the box, in the
        slab and the ball).
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}.")
    N = K.shape[0]
    if eps is None:
        eps = 1.0 - 1.0 / np.sqrt(n)
    if method == "auto":
        m = n if D <= 1.0 else N
        method = "ipm" if m <= IPM_MAX_VARIABLES else "fista"
    if method == "ipm":
        out = _ipm_dw_kmm(
            K, n, D=D, B=B, eps=eps, tol=tol, max_iter=max_iter,
            signed=signed, callback=callback,
        )  # fmt: skip
        if out is not None:
            out[2]["method"] = "ipm"
            return out
        # no strictly feasible start (degenerate B or eps): first-order solver
    beta, alpha, info = _fista_dw_kmm(
        K, n, D=D, B=B, eps=eps, tol=tol, max_iter=max_iter, patience=patience,
        random_state=random_state, x0=x0, signed=signed, callback=callback,
    )  # fmt: skip
    info["method"] = "fista"
    return beta, alpha, info


def _scaled_bounds(n, t, D, B):
    ub = B / np.sqrt(D) / n
    c = 1.0 / t
    R = max(1.0 - 1.0 / np.sqrt(D), 0.0) * np.sqrt(t) / t
    return ub, c, R


def _signed_objective(K, n, beta, alpha, signed):
    v = np.concatenate([beta / n, alpha / alpha.shape[0]])
    if not signed:
        v[n:] *= -1.0
    return max(float(v @ (K @ v)), 0.0)


def _ipm_dw_kmm(K, n, *, D, B, eps, tol, max_iter, signed, callback):
    N = K.shape[0]
    t = N - n
    ub, c, R = _scaled_bounds(n, t, D, B)
    # unit weights, when feasible, may already be optimal (identical samples);
    # the interior-point path would only approach them from the inside
    if ub * n >= 1.0:
        ones_b, ones_a = np.ones(n), np.ones(t)
        f1 = _signed_objective(K, n, ones_b, ones_a, signed)
        if f1 <= 1e-15:
            return ones_b, ones_a, {"objective": f1, "n_iter": 0, "converged": True}
    x, info = ipm_dw(
        K, n, ub=ub, c=c, R=R, eps=eps, signed=signed, tol=tol,
        max_iter=max_iter, callback=callback,
    )  # fmt: skip
    if x is None or not np.all(np.isfinite(x)):
        return None
    if R <= 0.0:
        x = np.concatenate([x, np.full(t, c)])
    # exact feasibility (the iterate is interior; this only removes rounding)
    buf = np.empty(N)
    project_dw(x, n, ub, c, R, eps, buf)
    beta = np.clip(buf[:n] * n, 0.0, B / np.sqrt(D))
    alpha = np.ones(t) if R <= 0.0 else np.clip(buf[n:] * t, 0.0, 1.0)
    return (
        beta,
        alpha,
        {
            "objective": _signed_objective(K, n, beta, alpha, signed),
            "n_iter": info["n_iter"],
            "converged": info["converged"],
            "gap": info["gap"],
        },
    )


def _fista_dw_kmm(
    K, n, *, D, B, eps, tol, max_iter, patience, random_state, x0, signed, callback
):
    """FISTA with adaptive restart (see the module docstring)."""
    N = K.shape[0]
    t = N - n
    ub, c, R = _scaled_bounds(n, t, D, B)
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
