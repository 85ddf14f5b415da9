"""Solver of the LR-QR problem (Joshi, Kiyani, Pappas, Dobriban, Hassani 2025).

Empirical objective over thresholds ``h(x) = gamma^T Phi(x)`` and a scalar
``beta``::

    L(gamma, beta) = mean_1 rho_tau(S - h(X))
                     + lam * (beta^2 mean_3 h(X)^2 - 2 beta mean_2 h(X))

(``tau = confidence_level``; mean_1 over the labelled calibration points,
mean_3 over unlabelled source points, mean_2 over unlabelled target points).
For fixed ``beta`` it is convex in ``gamma``; for fixed ``gamma`` the best
``beta`` is ``mean_2 h / mean_3 h^2``.  We alternate the two exact
minimisations; the objective decreases at every step.

The ``gamma`` step is solved in a basis orthonormal for the empirical
``mean_3 h^2`` inner product (eigenvectors of ``mean_3 Phi Phi^T``;
directions on which every unlabelled source point has ``h = 0`` are not
identifiable from the source data and are dropped), where it becomes a
ridge-penalised quantile regression solved exactly through its dual by
coordinate ascent (:mod:`._kernels`).  ``lam = 0`` is plain quantile
regression, solved as a linear program (HiGHS).
"""

import warnings

import numpy as np
from scipy import sparse
from scipy.linalg import eigh
from scipy.optimize import linprog, minimize_scalar
from sklearn.exceptions import ConvergenceWarning

from ..utils._warnings import external_stacklevel
from ._kernels import dual_coordinate_ascent

__all__ = [
    "whitening_basis",
    "lrqr_fit",
    "lrqr_objective",
    "lrqr_gradient",
    "lam_star",
    "lam_star_eq3",
    "lam_unit",
    "select_lam",
]


def whitening_basis(P, rel_tol=1e-10):
    """Matrix ``W`` such that ``mean((P W)^T (P W)) = I`` on the kept span."""
    n = P.shape[0]
    sigma = P.T @ P / n
    e, U = eigh(sigma)
    emax = e[-1] if e.size else 0.0
    if emax <= 0:
        raise ValueError("The feature map is identically zero on the source sample.")
    keep = e > rel_tol * emax
    return U[:, keep] / np.sqrt(e[keep])


def quantile_regression_lp(P, s, tau):
    """Plain linear quantile regression ``min mean rho_tau(s - P g)`` (HiGHS)."""
    n, d = P.shape
    c = np.concatenate([np.zeros(d), np.full(n, tau / n), np.full(n, (1 - tau) / n)])
    eye = sparse.identity(n, format="csr")
    A = sparse.hstack([sparse.csr_matrix(P), eye, -eye], format="csr")
    bounds = [(None, None)] * d + [(0, None)] * (2 * n)
    res = linprog(c, A_eq=A, b_eq=s, bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"quantile regression LP failed: {res.message}")
    return res.x[:d]


def lrqr_objective(P1, s, P2, P3, gamma, beta, lam, tau):
    """Value of the empirical LR-QR objective."""
    h1, h2, h3 = P1 @ gamma, P2 @ gamma, P3 @ gamma
    u = s - h1
    pin = np.mean(np.where(u >= 0, tau * u, (tau - 1) * u))
    return pin + lam * (beta**2 * np.mean(h3**2) - 2 * beta * np.mean(h2))


def lrqr_gradient(P1, s, P2, P3, gamma, beta, lam, tau):
    """Gradient of the empirical LR-QR objective in ``(gamma, beta)``.

    The pinball part uses ``1[h > s] - tau``, its derivative wherever
    ``h != s`` (ties have probability zero on held-out data).
    """
    h1, h2, h3 = P1 @ gamma, P2 @ gamma, P3 @ gamma
    g = P1.T @ ((h1 > s).astype(np.float64) - tau) / P1.shape[0]
    g = g + lam * (2 * beta**2 * (P3.T @ h3) / P3.shape[0] - 2 * beta * P2.mean(axis=0))
    gb = lam * (2 * beta * np.mean(h3**2) - 2 * np.mean(h2))
    return np.concatenate([g, [gb]])


def solve_inner(Psi, s, c, kappa, tau, a, max_epochs=5000, gap_tol=1e-10):
    """Inner convex problem at fixed beta, by exact dual coordinate ascent.

    ``a`` (dual variables, in the box) is the warm start and is updated in
    place.  Returns ``(theta, gap)``.  Convergence slows down as
    ``kappa = 2 lam beta^2`` goes to 0 (plain quantile regression, solved
    separately as a linear program when ``lam == 0``).
    """
    n = s.shape[0]
    theta = (c + Psi.T @ a / n) / kappa
    _, gap = dual_coordinate_ascent(
        Psi, s, c, kappa, tau, a, theta, max_epochs, gap_tol
    )
    return theta, gap


def lam_star(n1, n2, n3):
    """Heuristic scale of the regularization (Joshi et al. 2025, section 4.2).

    ``lam* = sqrt((n2 + n3) / n1)``: ``n1`` labelled source points, ``n2``
    unlabelled target points, ``n3`` unlabelled source points.  Kept for
    reference: the paper's experiments build their grid from Eq. (3) instead
    (:func:`lam_star_eq3`).
    """
    return float(np.sqrt((n2 + n3) / n1))


def lam_star_eq3(n1, n2, n3):
    """Scale of the regularization in the paper's experiments (Eq. (3)).

    ``lam* = (n1 (1/n2 + 1/n3))^(-1/3)``: the rate that balances the
    generalization terms of Theorem 4.2, ``lam sqrt(1/n2 + 1/n3)`` against
    ``1 / sqrt(lam n1)``.  The paper leaves the constant unstated; we take 1.
    Like every raw ``lam`` it is in units of the score (see
    :func:`lam_unit`).
    """
    return float((n1 * (1.0 / n2 + 1.0 / n3)) ** (-1.0 / 3.0))


def lam_unit(Psi1, s, Psi2, tau):
    """Unit of ``lam`` in which the LR-QR trade-off does not depend on units.

    ``L0 / R`` with ``L0`` the mean pinball loss of the labelled scores at
    their own ``tau``-quantile (the pinball term of the best constant
    threshold: score units) and ``R = ||mean_2 Psi||^2`` for ``Psi``
    orthonormal for the source second moment (``R = max_h (mean_2 h)^2 /
    mean_3 h^2``, the reach of the regulariser per unit of ``h^2``; it is
    the empirical ``E_1[r_Phi^2]`` of the likelihood ratio projected on the
    class, 1 without shift).  ``lam = c * L0 / R`` makes the regulariser at
    most ``c`` times the pinball term whatever the unit of the score, the
    scaling of the features and the strength of the shift.

    Returns
    -------
    unit : float
    L0 : float
    R : float
    """
    s = np.asarray(s, dtype=np.float64)
    q = float(np.quantile(s, tau))
    L0 = _pinball(s, np.full_like(s, q), tau)
    mu2 = np.asarray(Psi2, dtype=np.float64).mean(axis=0)
    R = float(mu2 @ mu2)
    if L0 <= 0:  # all scores equal: any positive scale will do
        L0 = max(abs(q), 1.0) * 1e-12
    return L0 / R, L0, R


def lrqr_fit(
    P1,
    s,
    P2,
    P3,
    lam,
    tau,
    *,
    max_iter=100,
    tol=1e-6,
    gap_tol=1e-10,
    max_epochs=5000,
    warm=None,
    basis=None,
    scan=True,
    scan_epochs=300,
):
    """Minimise the empirical LR-QR objective over ``(gamma, beta)``.

    For fixed ``beta`` the problem is convex in ``gamma`` and solved exactly
    (dual coordinate ascent).  ``beta`` is first updated in closed form,
    ``beta = mean_2 h / mean_3 h^2`` (a few alternating steps); because
    alternating steps crawl along the valley where ``beta * h`` is nearly
    fixed, the minimisation then continues on the profile
    ``V(beta) = min_gamma L(gamma, beta)`` by a bracketed Brent search in
    ``log beta``, whose minimiser satisfies the same closed form.  The
    profile can have several local minima, so the search starts from the
    best point of a 16-point log-grid of ``beta`` spanning five decades
    (``scan=True``; inner solves capped at ``scan_epochs`` epochs there).

    Parameters
    ----------
    P1 : ndarray of shape (n1, d)
        Feature map at the labelled calibration points.
    s : ndarray of shape (n1,)
        Their scores.
    P2 : ndarray of shape (n2, d)
        Feature map at the unlabelled target points.
    P3 : ndarray of shape (n3, d)
        Feature map at the unlabelled source points.
    lam : float >= 0
    tau : float in (0, 1)
        Quantile level (the confidence level).
    warm : dict or None
        ``{"a": dual variables, "beta": beta}`` from a previous call on the
        same labelled points, to warm-start.
    basis : ndarray or None
        ``whitening_basis(P3)`` if already computed (reused across lam).

    Returns
    -------
    gamma : ndarray of shape (d,)
    beta : float
    info : dict
        ``n_evals`` (inner convex solves), ``converged``, ``gap`` (duality
        gap of the last inner solve), ``a`` (dual variables, for warm
        starts), ``objective``.
    """
    P1 = np.ascontiguousarray(P1, dtype=np.float64)
    s = np.ascontiguousarray(s, dtype=np.float64)
    W = whitening_basis(np.asarray(P3, dtype=np.float64)) if basis is None else basis
    Psi = np.ascontiguousarray(P1 @ W)
    mu2 = np.asarray(P2, dtype=np.float64).mean(axis=0) @ W
    n1 = Psi.shape[0]
    if lam == 0:
        theta = quantile_regression_lp(Psi, s, tau)
        nrm = theta @ theta
        beta = float(mu2 @ theta / nrm) if nrm > 0 else 0.0
        info = {"n_evals": 1, "converged": True, "gap": 0.0, "a": None}
        info["objective"] = _pinball(s, Psi @ theta, tau)
        return W @ theta, beta, info
    if warm is not None and warm.get("a") is not None and len(warm["a"]) == n1:
        a = np.array(warm["a"], dtype=np.float64)
        beta = float(warm["beta"])
    else:
        a = np.zeros(n1)
        q = float(np.quantile(s, tau))
        beta = 1.0 / q if q > 0 else 1.0
    state = {"a": a, "n": 0, "gap": np.inf}
    cache = {}

    def solve(b):
        """Exact inner solve at beta = b; returns (V, theta)."""
        key = float(b)
        if key in cache:
            return cache[key]
        kappa = 2.0 * lam * b * b
        c = 2.0 * lam * b * mu2
        a_ = state["a"]
        theta, gap = solve_inner(Psi, s, c, kappa, tau, a_, max_epochs, gap_tol)
        state["n"] += 1
        state["gap"] = gap
        val = _pinball(s, Psi @ theta, tau) + lam * (
            b * b * (theta @ theta) - 2.0 * b * (mu2 @ theta)
        )
        cache[key] = (val, theta.copy(), a_.copy())
        return cache[key]

    # 0) the profile V(beta) = min_gamma L(gamma, beta) can have several
    # local minima (the objective is not jointly convex): scan it on a
    # log-grid around the starting beta with cheap, warm-started inner
    # solves and start the local search from the best grid point
    if scan:
        grid = beta * np.logspace(-1.0, 4.0, 16)
        a_scan = state["a"].copy()
        best_scan = (np.inf, beta)
        for b in grid:
            kappa = 2.0 * lam * b * b
            theta_b, _ = solve_inner(
                Psi, s, 2.0 * lam * b * mu2, kappa, tau, a_scan, scan_epochs, gap_tol
            )
            val_b = _pinball(s, Psi @ theta_b, tau) + lam * (
                b * b * (theta_b @ theta_b) - 2.0 * b * (mu2 @ theta_b)
            )
            if val_b < best_scan[0]:
                best_scan = (val_b, b)
        beta = float(best_scan[1])
    # 1) closed-form alternating steps
    converged = False
    for _ in range(min(max_iter, 10)):
        _, theta, _ = solve(beta)
        nrm = float(theta @ theta)
        num = float(mu2 @ theta)
        if nrm <= 0 or num <= 0:
            break
        beta_new = num / nrm
        if abs(beta_new - beta) <= tol * beta:
            beta = beta_new
            converged = True
            break
        beta = beta_new
    if not converged and beta > 0:
        # 2) Brent search on the profile in u = log(beta)
        def f(u):
            return solve(float(np.exp(u)))[0]

        u0 = float(np.log(beta))
        d = 0.25
        f0 = f(u0)
        if f(u0 + d) > f0:
            d = -d
        prev, mid, f_mid = u0, u0, f0
        nxt = u0 + d
        f_nxt = f(nxt)
        n_expand = 0
        while f_nxt < f_mid and n_expand < 60:
            prev, mid, f_mid = mid, nxt, f_nxt
            d *= 1.6
            nxt = mid + d
            f_nxt = f(nxt)
            n_expand += 1
        if f_nxt < f_mid:  # still decreasing at the end of the range: boundary
            u_best = nxt
        else:
            lo_u, hi_u = min(prev, nxt, u0 - 0.25), max(prev, nxt, u0 + 0.25)
            if f_mid <= f0:
                lo_u, hi_u = min(prev, nxt), max(prev, nxt)
            res = minimize_scalar(
                f,
                bounds=(lo_u, hi_u),
                method="bounded",
                options={"xatol": tol, "maxiter": max_iter},
            )
            u_best = float(res.x) if res.fun <= f_mid else mid
            converged = bool(res.success)
        beta = float(np.exp(u_best))
        # 3) finish with closed-form steps (each lowers the objective)
        for _ in range(max_iter):
            _, theta, _ = solve(beta)
            nrm, num = float(theta @ theta), float(mu2 @ theta)
            if nrm <= 0 or num <= 0:
                break
            beta_new = num / nrm
            done = abs(beta_new - beta) <= tol * beta
            beta = beta_new
            if done:
                converged = True
                break
    val, theta, a_best = solve(beta)
    if state["gap"] > max(1e-7, 1e-6 * abs(val)):
        warnings.warn(
            f"LR-QR inner solver stopped with duality gap {state['gap']:.2e} "
            f"after max_epochs={max_epochs} (lam={lam:g} is very small; "
            "lam=0 solves plain quantile regression exactly).",
            ConvergenceWarning,
            stacklevel=external_stacklevel(),
        )
    info = {
        "n_evals": state["n"],
        "converged": converged,
        "gap": state["gap"],
        "a": a_best,
        "objective": val,
    }
    return W @ theta, beta, info


def _pinball(s, h, tau):
    u = s - h
    return float(np.mean(np.where(u >= 0, tau * u, (tau - 1.0) * u)))


def select_lam(
    P1,
    s,
    P2,
    P3_is_P1,
    tau,
    lams,
    n_folds,
    rng,
    fit_kwargs=None,
    *,
    relative=False,
    criterion="gradient",
):
    """Cross-validated choice of ``lam``.

    ``n_folds``-fold cross-validation over the calibration and unlabelled
    target samples (each split into folds): fit LR-QR on the training folds
    for every ``lam``, score it on the held-out folds, average over folds,
    keep the ``lam`` with the smallest average.

    ``criterion="gradient"`` is the paper's rule (Joshi et al. 2025,
    section 5.1): the Euclidean norm of the gradient of the LR-QR objective
    on the held-out fold.  Its regulariser part is proportional to ``lam``,
    so it favours the smallest values.  ``criterion="coverage"`` measures
    instead ``|c_hat - tau|``, ``c_hat`` the coverage of the held-out
    calibration scores weighted by the likelihood ratio projected on the
    class, ``r_Phi(x) = Psi(x)^T mean_2 Psi`` (fitted on the training
    folds): the target coverage LR-QR aims at, estimated under the same
    assumption as the method (the ratio in the span of the class).

    ``P1`` and ``P2`` should be expressed in a basis orthonormal for the
    source second moment, so that the gradient norm does not depend on the
    scaling of the features.  ``P3_is_P1``: the unlabelled source sample is
    the calibration sample (the held-out fold then plays both roles).
    ``relative=True``: ``lams`` are multiples of :func:`lam_unit` computed on
    each training fold (and the returned value is such a multiple).

    Returns
    -------
    best_lam : float
    scores : ndarray of shape (len(lams),)
        Mean held-out criterion of each ``lam``.
    """
    fit_kwargs = fit_kwargs or {}
    n1, n2 = P1.shape[0], P2.shape[0]
    f1 = rng.permutation(n1) % n_folds
    f2 = rng.permutation(n2) % n_folds
    f1 = f1[rng.permutation(n1)]
    f2 = f2[rng.permutation(n2)]
    crit = np.zeros((len(lams), n_folds))
    for k in range(n_folds):
        tr1, va1 = f1 != k, f1 == k
        tr2, va2 = f2 != k, f2 == k
        warm = None
        W = whitening_basis(P1[tr1])
        unit = 1.0
        if relative:
            unit = lam_unit(P1[tr1] @ W, s[tr1], P2[tr2] @ W, tau)[0]
        if criterion == "coverage":
            r_va = (P1[va1] @ W) @ ((P2[tr2] @ W).mean(axis=0))
        for j, lam in enumerate(lams):
            lam_k = lam * unit
            gamma, beta, info = lrqr_fit(
                P1[tr1],
                s[tr1],
                P2[tr2],
                P1[tr1],
                lam_k,
                tau,
                warm=warm,
                basis=W,
                **fit_kwargs,
            )
            warm = {"a": info["a"], "beta": beta}
            if criterion == "coverage":
                cov = np.sum(r_va * (s[va1] <= P1[va1] @ gamma)) / np.sum(r_va)
                crit[j, k] = abs(cov - tau)
            else:
                grad = lrqr_gradient(
                    P1[va1], s[va1], P2[va2], P1[va1], gamma, beta, lam_k, tau
                )
                crit[j, k] = np.linalg.norm(grad)
    scores = crit.mean(axis=1)
    return float(lams[int(np.argmin(scores))]), scores
