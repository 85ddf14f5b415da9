"""The three optimisation problems of DW-GCS (Segovia-Martin, Mazuelas and
Liu, 2023) once the weights are known: the ``lambda`` LP and the minimax
risk classifier under the 0-1 loss (an LP by constraint generation) and the
log loss (L-BFGS-B)."""

import warnings

import numpy as np
from scipy import sparse
from scipy.optimize import linprog, minimize
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning

from ..utils._warnings import external_stacklevel
from ._lp import central_lambda

__all__ = ["compute_lambda", "solve_mrc_01", "solve_mrc_log"]

_DELTA = 1e-6  # strict margin of the lambda LP (the authors' delta)


def _linprog(what, c, **kw):
    """``scipy.optimize.linprog`` with HiGHS, robust to its numerical failures.

    HiGHS' default (dual simplex) can end with an "unknown" model status on
    these LPs when their optimum is at the scale of its tolerances (weights
    ``alpha`` of order 1e-7 from an interior-point DW-KMM solution, lambda of
    order 1e-6); its interior-point method with crossover then solves them.
    """
    res = linprog(c, method="highs", **kw)
    if res.status != 0:
        res = linprog(c, method="highs-ipm", **kw)
    if res.status != 0:
        raise RuntimeError(f"{what} LP failed: {res.message}")
    return res


def compute_lambda(F, alpha, tau, n_classes):
    """Smallest ``lambda`` keeping the uncertainty set non-empty (an LP).

    ``min sum(lambda)`` over ``lambda`` and a conditional ``p_{jy} >= 0``
    with ``sum_y p_{jy} = 1/t`` such that
    ``|sum_{j,y} p_{jy} alpha_j Phi(x_j, y) - tau| <= lambda - delta``.

    The LP has many optimal solutions; this returns the interior one that
    the authors' interior-point solvers return (the central-path point at
    the end of the path, no crossover; see ``_lp.central_lambda``), not a
    vertex, whose many components at exactly ``delta`` would leave those
    coefficients of the classifier unregularised.

    ``F`` is the (t, p) matrix of base features ``phi(x_j)``, ``tau`` the
    (n_classes, p) mean estimate.  Returns lambda as (n_classes, p).
    """
    lam, info = central_lambda(F, alpha, tau, n_classes, delta=_DELTA)
    if not info["converged"]:
        warnings.warn(
            "DWGCSClassifier: the lambda LP's interior-point method stopped "
            f"after {info['n_iter']} iterations before reaching its central-path "
            f"target (duality gap {info['gap']:.2e}); lambda may be inaccurate.",
            ConvergenceWarning,
            stacklevel=external_stacklevel(),
        )
    return lam


def _best_subset(S):
    """For each row of scores S (t, K): max over non-empty C of (sum_C S - 1)/|C|.

    Returns the value and the size of the best subset (the top-|C| scores).
    """
    Ss = -np.sort(-S, axis=1)
    k = np.arange(1, S.shape[1] + 1)
    vals = (np.cumsum(Ss, axis=1) - 1.0) / k
    best = np.argmax(vals, axis=1)
    return vals[np.arange(S.shape[0]), best], best + 1


def _varphi01(S):
    return _best_subset(S)[0] + 1.0


def solve_mrc_01(F, alpha, tau, lam, n_classes, max_rounds=100):
    """0-1-loss MRC: ``min -tau.mu + lambda.|mu| + mean_j varphi_j(mu)``.

    ``varphi_j(mu) = max_{C != {}} (sum_{y in C} alpha_j phi(x_j).mu_y - 1)/|C| + 1``
    is a max of linear functions, so the problem is an LP, solved with
    HiGHS by constraint generation over the label subsets (exact: stops when
    no subset constraint is violated).  Returns ``(mu, risk)``.
    """
    t, p = F.shape
    m = n_classes * p
    AF = alpha[:, None] * F
    tv, lv = tau.ravel(), lam.ravel()
    c = np.concatenate([-tv + lv, tv + lv, np.full(t, 1.0 / t)])
    # constraint for (j, C): (1/|C|) sum_{y in C} AF_j . (mu+_y - mu-_y) - s_j <= 1/|C| - 1
    subsets = [[(y,) for y in range(n_classes)] + [tuple(range(n_classes))]] * t
    active = [set(s) for s in subsets]

    def build(pairs):
        rows, cols, vals, rhs = [], [], [], []
        for r, (j, C) in enumerate(pairs):
            k = len(C)
            for y in C:
                idx = y * p + np.arange(p)
                rows += [r] * (2 * p + 0)
                cols += list(idx) + list(m + idx)
                vals += list(AF[j] / k) + list(-AF[j] / k)
            rows.append(r)
            cols.append(2 * m + j)
            vals.append(-1.0)
            rhs.append(1.0 / k - 1.0)
        A = sparse.csr_matrix((vals, (rows, cols)), shape=(len(pairs), 2 * m + t))
        return A, np.array(rhs)

    pairs = [(j, C) for j in range(t) for C in active[j]]
    bounds = [(0, None)] * (2 * m) + [(None, None)] * t
    res = None
    for _ in range(max_rounds):
        A, b = build(pairs)
        res = _linprog("0-1 MRC", c, A_ub=A, b_ub=b, bounds=bounds)
        mu = (res.x[:m] - res.x[m : 2 * m]).reshape(n_classes, p)
        s = res.x[2 * m :]
        S = AF @ mu.T
        Ss_idx = np.argsort(-S, axis=1)
        val, size = _best_subset(S)
        new = []
        for j in np.nonzero(val + 1.0 > s + 1e-9)[0]:
            C = tuple(sorted(Ss_idx[j, : size[j]].tolist()))
            if C not in active[j]:
                active[j].add(C)
                new.append((j, C))
        if not new:
            break
        pairs += new
    mu = (res.x[:m] - res.x[m : 2 * m]).reshape(n_classes, p)
    risk = float(
        -tv @ mu.ravel() + lv @ np.abs(mu.ravel()) + _varphi01(AF @ mu.T).mean()
    )
    return mu, risk


def solve_mrc_log(F, alpha, tau, lam, n_classes, max_iter=2000):
    """Log-loss MRC: ``min -tau.mu + lambda.|mu| + mean_j logsumexp_y(alpha_j phi_j.mu_y)``.

    Smooth after the split ``mu = mu+ - mu-`` (``mu+/- >= 0``); solved with
    L-BFGS-B.  Returns ``(mu, risk)``.
    """
    t, p = F.shape
    m = n_classes * p
    AF = alpha[:, None] * F
    tv, lv = tau.ravel(), lam.ravel()

    def fun(z):
        mu = (z[:m] - z[m:]).reshape(n_classes, p)
        S = AF @ mu.T
        lse = logsumexp(S, axis=1)
        P = np.exp(S - lse[:, None])
        g_mu = (P.T @ AF).ravel() / t - tv
        f = -tv @ mu.ravel() + lv @ (z[:m] + z[m:]) + lse.mean()
        return f, np.concatenate([g_mu + lv, -g_mu + lv])

    res = minimize(
        fun,
        np.zeros(2 * m),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0, None)] * (2 * m),
        options={"maxiter": max_iter, "ftol": 1e-12, "gtol": 1e-9},
    )
    mu = (res.x[:m] - res.x[m:]).reshape(n_classes, p)
    return mu, float(res.fun)
