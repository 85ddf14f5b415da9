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

    def derivs(self, theta):
        eta = self.eta(theta)
        ho = self._ho[:, : self.K1 - 1]
        loss = cumlogit_derivs(eta, self.y, self.w, PMIN, self._grad, self._hd, ho)
        Xt, p1, K1 = self.Xt, self.p1, self.K1
        gv = (Xt.T @ self._grad).T.reshape(-1)
        Hv = np.zeros((K1 * p1, K1 * p1))
        for k in range(K1):
            sl = slice(k * p1, (k + 1) * p1)
            Hv[sl, sl] = Xt.T @ (self._hd[:, k : k + 1] * Xt)
            if k + 1 < K1:
                sl2 = slice((k + 1) * p1, (k + 2) * p1)
                B = Xt.T @ (ho[:, k : k + 1] * Xt)
                Hv[sl, sl2] = B
                Hv[sl2, sl] = B.T
        T = self.T
        return loss, T.T @ gv, T.T @ Hv @ T


def prox_newton(problem, theta, alpha, pen, *, max_iter=100, tol=1e-10):
    """Minimise ``loss(theta) + alpha * sum(pen * |theta|)``.

    Returns ``(theta, n_iter, converged)``.  Convergence: the predicted
    decrease of the quadratic model (a Newton decrement) is below ``tol``.
    """
    theta = np.asarray(theta, dtype=np.float64).copy()

    def objective(t):
        return problem.loss(t) + alpha * np.sum(pen * np.abs(t))

    obj = objective(theta)
    converged = False
    n_iter = 0
    for it in range(max_iter):
        n_iter = it + 1
        loss, g, H = problem.derivs(theta)
        obj = loss + alpha * np.sum(pen * np.abs(theta))
        z, _ = cd_quadratic_lasso(H, g, theta, pen, alpha, 2000, tol * 1e-3)
        d = z - theta
        decrease = g @ d + alpha * (np.sum(pen * np.abs(z)) - np.sum(pen * np.abs(theta)))
        if not np.isfinite(decrease):
            break
        if decrease > -tol:
            # converged; the (tiny) last Newton step is still worth taking
            cand = theta + d
            if objective(cand) <= obj:
                theta = cand
            converged = True
            break
        step = 1.0
        accepted = False
        for _ in range(40):
            cand = theta + step * d
            obj_c = objective(cand)
            if obj_c <= obj + 0.25 * step * decrease:
                accepted = True
                break
            step *= 0.5
        if not accepted:
            # no decrease found along the Newton direction: at machine
            # precision of the objective
            converged = abs(decrease) < 1e3 * tol
            break
        theta = cand
        if obj - obj_c < 1e-3 * tol * max(1.0, abs(obj_c)) and step == 1.0:
            converged = True
            break
        obj = obj_c
    return theta, n_iter, converged
