"""Proximal-Newton solver of penalised cumulative-logit models.

The smooth part is the weighted mean negative log-likelihood of the
cumulative-logit model ``P(y <= k | x) = sigmoid(a_k + x'b_k)``.  A model is a
linear map ``T`` from its parameters ``theta`` to the stacked per-boundary
vectors ``v = [a_1, b_1, ..., a_{K-1}, b_{K-1}]``:

* PRESTO: ``theta = [a_k, psi_k]`` with ``b_k = psi_1 + ... + psi_k``, an L1
  penalty on the ``psi`` (the lasso reparametrisation of the fused penalty);
* proportional odds: ``theta = [a_1 .. a_{K-1}, b]`` with ``b_k = b``.

Each outer step builds the exact gradient and Hessian in ``v`` (per-sample
curvature is tridiagonal over boundaries, so the Hessian is a few weighted
Gram matrices of ``[1, X]``), maps them to ``theta``, solves the L1-penalised
quadratic model by coordinate descent (numba) and takes a backtracking line
search on the true objective (a proximal Newton method, as glmnet and
ordinalNet's coordinate-descent IRLS do).
"""

import numpy as np

from ._kernels import cd_quadratic_lasso, cumlogit_derivs, cumlogit_loss

PMIN = 1e-16


def presto_map(n_features, n_boundaries):
    """``T`` of PRESTO: ``theta`` blocks ``[a_k, psi_k]`` to ``v`` blocks."""
    p1 = n_features + 1
    m = n_boundaries * p1
    T = np.zeros((m, m))
    for k in range(n_boundaries):
        T[k * p1, k * p1] = 1.0
        for j in range(k + 1):
            T[k * p1 + 1 : (k + 1) * p1, j * p1 + 1 : (j + 1) * p1] = np.eye(n_features)
    return T


def po_map(n_features, n_boundaries):
    """``T`` of proportional odds: ``theta = [a_1 .. a_{K-1}, b]``."""
    p1 = n_features + 1
    T = np.zeros((n_boundaries * p1, n_boundaries + n_features))
    for k in range(n_boundaries):
        T[k * p1, k] = 1.0
        T[k * p1 + 1 : (k + 1) * p1, n_boundaries:] = np.eye(n_features)
    return T


class CumulativeLogitProblem:
    """Data of one fit: ``Xt = [1, X]`` (standardised), codes, weights, map."""

    def __init__(self, Xs, y, w, n_boundaries, T):
        n = Xs.shape[0]
        self.Xt = np.ascontiguousarray(np.hstack([np.ones((n, 1)), Xs]))
        self.y = np.ascontiguousarray(y, dtype=np.int64)
        self.w = np.ascontiguousarray(w / w.sum(), dtype=np.float64)
        self.K1 = n_boundaries
        self.p1 = Xs.shape[1] + 1
        self.T = T
        self._grad = np.empty((n, n_boundaries))
        self._hd = np.empty((n, n_boundaries))
        self._ho = np.empty((n, max(n_boundaries - 1, 1)))

    def eta(self, theta):
        V = (self.T @ theta).reshape(self.K1, self.p1)  # rows: [a_k, b_k]
        return np.ascontiguousarray(self.Xt @ V.T)

    def loss(self, theta):
        return cumlogit_loss(self.eta(theta), self.y, self.w, PMIN)

    def loss_eta(self, eta):
        return cumlogit_loss(eta, self.y, self.w, PMIN)

    def derivs(self, theta, hessian=True, eta=None):
        """Loss, gradient and (if ``hessian``) Hessian in ``theta``.

        ``eta`` may pass the linear predictors of ``theta`` when known.
        """
        if eta is None:
            eta = self.eta(theta)
        ho = self._ho[:, : self.K1 - 1]
        loss = cumlogit_derivs(eta, self.y, self.w, PMIN, self._grad, self._hd, ho)
        Xt, p1, K1 = self.Xt, self.p1, self.K1
        T = self.T
        gv = (Xt.T @ self._grad).T.reshape(-1)
        if not hessian:
            return loss, T.T @ gv, None
        Hv = np.zeros((K1 * p1, K1 * p1))
        for k in range(K1):
            sl = slice(k * p1, (k + 1) * p1)
            Hv[sl, sl] = Xt.T @ (self._hd[:, k : k + 1] * Xt)
            if k + 1 < K1:
                sl2 = slice((k + 1) * p1, (k + 2) * p1)
                B = Xt.T @ (ho[:, k : k + 1] * Xt)
                Hv[sl, sl2] = B
                Hv[sl2, sl] = B.T
        return loss, T.T @ gv, T.T @ Hv @ T


def prox_newton(problem, theta, alpha, pen, *, max_iter=100, tol=1e-10):
    """Minimise ``loss(theta) + alpha * sum(pen * |theta|)``.

    Returns ``(theta, n_iter, converged)``.  Convergence: the predicted
    decrease of the quadratic model (a Newton decrement) is below ``tol``.
    """
    theta = np.asarray(theta, dtype=np.float64).copy()

    def penalty(t):
        return alpha * np.sum(pen * np.abs(t))

    # eta is linear in theta: line-search trials reuse eta(theta) + s eta(d)
    eta = problem.eta(theta)
    converged = False
    n_iter = 0
    H = None
    refresh = True
    prev_decrease = None
    for it in range(max_iter):
        n_iter = it + 1
        # the Hessian is refreshed at the first iteration and whenever the
        # last step was damped or did not shrink the Newton decrement 10x;
        # the gradient is always exact, so the fixed point is the optimum
        loss, g, H_new = problem.derivs(theta, hessian=refresh or H is None, eta=eta)
        if H_new is not None:
            H = H_new
        obj = loss + penalty(theta)
        z, _ = cd_quadratic_lasso(H, g, theta, pen, alpha, 2000, tol * 1e-3)
        d = z - theta
        decrease = g @ d + penalty(z) - penalty(theta)
        if not np.isfinite(decrease):
            break
        eta_d = problem.eta(d)
        if decrease > -(tol if H_new is not None else 1e-3 * tol):
            # converged (stricter with a reused Hessian); the tiny last
            # Newton step is still worth taking
            if problem.loss_eta(eta + eta_d) + penalty(z) <= obj:
                theta = z
            converged = True
            break
        refresh = H_new is None and (
            prev_decrease is None or abs(decrease) > 0.1 * abs(prev_decrease)
        )
        prev_decrease = decrease
        step = 1.0
        accepted = False
        for _ in range(40):
            cand = theta + step * d
            eta_c = eta + step * eta_d
            obj_c = problem.loss_eta(eta_c) + penalty(cand)
            if obj_c <= obj + 0.25 * step * decrease:
                accepted = True
                break
            step *= 0.5
        if not accepted:
            if H_new is None:  # stale curvature: retry with a fresh Hessian
                refresh = True
                continue
            # no decrease along an exact Newton direction: at machine
            # precision of the objective
            converged = abs(decrease) < 1e3 * tol
            break
        if step < 1.0:
            refresh = True
        theta = cand
        eta = eta_c
    return theta, n_iter, converged
