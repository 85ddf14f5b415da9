"""numba kernels of the cumulative-logit solvers, with numpy references.

Conventions
-----------
``eta`` is the ``(n, K - 1)`` matrix of linear predictors of the K - 1
decision boundaries, ``P(y <= k | x) = sigmoid(eta[:, k])``.  ``y`` holds the
integer class codes ``0 .. K - 1`` in the ordinal order.  ``w`` holds the
sample weights already divided by their sum, so that every loss below is a
weighted *mean* negative log-likelihood.

A class probability ``F(eta_c) - F(eta_{c-1})`` is non-positive when two
boundaries cross at ``x``.  As in the reference implementation (ordinalNet,
modified for PRESTO), such terms are *masked* while fitting: a probability
below ``pmin`` counts as ``pmin`` in the loss (a constant, so it neither
rewards nor drives the crossing) and contributes no gradient or curvature.
"""

import numpy as np
from numba import njit

__all__ = [
    "cumlogit_derivs",
    "cumlogit_loss",
    "cd_quadratic_lasso",
    "cumlogit_derivs_numpy",
    "cumlogit_loss_numpy",
    "cd_quadratic_lasso_numpy",
]


@njit(cache=True, inline="always")
def _sigmoid(t):
    if t >= 0:
        return 1.0 / (1.0 + np.exp(-t))
    e = np.exp(t)
    return e / (1.0 + e)


@njit(cache=True, inline="always")
def _softplus(t):
    # log(1 + exp(t)), stable
    if t > 0:
        return t + np.log1p(np.exp(-t))
    return np.log1p(np.exp(t))


@njit(cache=True, nogil=True)
def _cumlogit_loss_jit(eta, y, w, pmin):
    """Weighted mean negative log-likelihood (masked below ``pmin``)."""
    n, km1 = eta.shape
    logpmin = -np.log(pmin)
    total = 0.0
    for i in range(n):
        c = y[i]
        if c == 0:
            li = _softplus(-eta[i, 0])
        elif c == km1:
            li = _softplus(eta[i, km1 - 1])
        else:
            u = eta[i, c]
            v = eta[i, c - 1]
            if u <= v:
                li = logpmin
            else:
                p = _sigmoid(u) * _sigmoid(-v) * (-np.expm1(v - u))
                li = logpmin if p < pmin else -np.log(p)
        if li > logpmin:
            li = logpmin
        total += w[i] * li
    return total


@njit(cache=True, nogil=True)
def _cumlogit_derivs_jit(eta, y, w, pmin, grad, hdiag, hoff):
    """Loss, and its first and second derivatives with respect to ``eta``.

    Fills ``grad`` and ``hdiag`` (``(n, K - 1)``) and ``hoff`` (``(n, K - 2)``,
    the cross derivative between boundaries ``k`` and ``k + 1``) in place,
    already multiplied by the sample weights; returns the loss.
    """
    n, km1 = eta.shape
    logpmin = -np.log(pmin)
    total = 0.0
    for i in range(n):
        for k in range(km1):
            grad[i, k] = 0.0
            hdiag[i, k] = 0.0
        for k in range(km1 - 1):
            hoff[i, k] = 0.0
        c = y[i]
        wi = w[i]
        if c == 0:
            u = eta[i, 0]
            li = _softplus(-u)
            if li >= logpmin:
                total += wi * logpmin
                continue
            fu = _sigmoid(u)
            grad[i, 0] = -wi * (1.0 - fu)
            hdiag[i, 0] = wi * fu * (1.0 - fu)
            total += wi * li
        elif c == km1:
            v = eta[i, km1 - 1]
            li = _softplus(v)
            if li >= logpmin:
                total += wi * logpmin
                continue
            fv = _sigmoid(v)
            grad[i, km1 - 1] = wi * fv
            hdiag[i, km1 - 1] = wi * fv * (1.0 - fv)
            total += wi * li
        else:
            u = eta[i, c]
            v = eta[i, c - 1]
            if u <= v:
                total += wi * logpmin
                continue
            Fu = _sigmoid(u)
            Fv = _sigmoid(v)
            p = Fu * (1.0 - Fv) * (-np.expm1(v - u))
            if p < pmin:
                total += wi * logpmin
                continue
            fu = Fu * (1.0 - Fu)
            fv = Fv * (1.0 - Fv)
            ru = fu / p
            rv = fv / p
            grad[i, c] = -wi * ru
            grad[i, c - 1] = wi * rv
            hdiag[i, c] = wi * (ru * ru - ru * (1.0 - 2.0 * Fu))
            hdiag[i, c - 1] = wi * (rv * rv + rv * (1.0 - 2.0 * Fv))
            hoff[i, c - 1] = -wi * ru * rv
            total += -wi * np.log(p)
    return total


@njit(cache=True, nogil=True)
def _cd_quadratic_lasso_jit(H, g, theta, pen, alpha, max_sweeps, tol):
    """Minimise ``g'd + d'Hd/2 + alpha * sum(pen * |theta + d|)`` over ``d``.

    Cyclic coordinate descent on ``z = theta + d``; returns ``(z, sweeps)``.
    Coordinates with no curvature are left at zero when penalised and
    unchanged otherwise.
    """
    m = theta.shape[0]
    z = theta.copy()
    r = np.zeros(m)  # r = H (z - theta)
    sweeps = 0
    for sweep in range(max_sweeps):
        sweeps = sweep + 1
        maxdelta = 0.0
        for j in range(m):
            hjj = H[j, j]
            thr = alpha * pen[j]
            if hjj <= 1e-14:
                if thr > 0.0 and z[j] != 0.0:
                    delta = -z[j]
                    z[j] = 0.0
                    for l in range(m):
                        r[l] += H[l, j] * delta
                continue
            gj = g[j] + r[j]
            zj = z[j]
            u = hjj * zj - gj
            if u > thr:
                znew = (u - thr) / hjj
            elif u < -thr:
                znew = (u + thr) / hjj
            else:
                znew = 0.0
            delta = znew - zj
            if delta != 0.0:
                z[j] = znew
                for l in range(m):
                    r[l] += H[l, j] * delta
                change = hjj * delta * delta
                if change > maxdelta:
                    maxdelta = change
        if maxdelta < tol:
            break
    return z, sweeps


# --------------------------------------------------------------------------
# Small problems run the same formulas in numpy / plain Python: a fresh
# process without a numba cache then fits small data without compiling.
# --------------------------------------------------------------------------
_SMALL_ETA = 2**15  # entries of eta
_SMALL_CD = 16  # coordinates of the quadratic lasso (interpreted: keep it small)


def _sigmoid_np(t):
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus_np(t):
    return np.where(t > 0, t, 0.0) + np.log1p(np.exp(-np.abs(t)))


def _loss_terms(eta, y, pmin):
    """Per-sample masked negative log-likelihood and the pieces of the
    derivatives, with the formulas of the kernels."""
    n, km1 = eta.shape
    idx = np.arange(n)
    logpmin = -np.log(pmin)
    u = eta[idx, np.minimum(y, km1 - 1)]
    v = eta[idx, np.maximum(y - 1, 0)]
    first = y == 0
    last = y == km1
    mid = ~first & ~last
    li = np.full(n, logpmin)
    li[first] = _softplus_np(-u[first])
    li[last] = _softplus_np(v[last])
    um, vm = u[mid], v[mid]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = _sigmoid_np(um) * _sigmoid_np(-vm) * (-np.expm1(vm - um))
        ok = (um > vm) & (p >= pmin)
        lm = np.where(ok, -np.log(p), logpmin)
    li[mid] = lm
    mid_ok = np.zeros(n, dtype=bool)
    mid_ok[mid] = ok
    return li, u, v, first, last, mid_ok, logpmin


def cumlogit_loss(eta, y, w, pmin):
    """Weighted mean negative log-likelihood (masked below ``pmin``)."""
    if eta.size > _SMALL_ETA:
        return _cumlogit_loss_jit(eta, y, w, pmin)
    li, *_, logpmin = _loss_terms(eta, y, pmin)
    return float(np.sum(w * np.minimum(li, logpmin)))


def cumlogit_derivs(eta, y, w, pmin, grad, hdiag, hoff):
    """Loss, and its first and second derivatives with respect to ``eta``.

    Fills ``grad`` and ``hdiag`` (``(n, K - 1)``) and ``hoff`` (``(n, K - 2)``,
    the cross derivative between boundaries ``k`` and ``k + 1``) in place,
    already multiplied by the sample weights; returns the loss.
    """
    if eta.size > _SMALL_ETA:
        return _cumlogit_derivs_jit(eta, y, w, pmin, grad, hdiag, hoff)
    n, km1 = eta.shape
    grad[:] = 0.0
    hdiag[:] = 0.0
    hoff[:] = 0.0
    li, u, v, first, last, mid, logpmin = _loss_terms(eta, y, pmin)
    idx = np.arange(n)
    r = idx[first & (li < logpmin)]
    fu = _sigmoid_np(u[r])
    grad[r, 0] = -w[r] * (1.0 - fu)
    hdiag[r, 0] = w[r] * fu * (1.0 - fu)
    r = idx[last & (li < logpmin)]
    fv = _sigmoid_np(v[r])
    grad[r, km1 - 1] = w[r] * fv
    hdiag[r, km1 - 1] = w[r] * fv * (1.0 - fv)
    r = idx[mid]  # the terms kept (p >= pmin)
    c, wi = y[r], w[r]
    Fu, Fv = _sigmoid_np(u[r]), _sigmoid_np(v[r])
    p = Fu * (1.0 - Fv) * (-np.expm1(v[r] - u[r]))
    ru = Fu * (1.0 - Fu) / p
    rv = Fv * (1.0 - Fv) / p
    grad[r, c] = -wi * ru
    grad[r, c - 1] = wi * rv
    hdiag[r, c] = wi * (ru * ru - ru * (1.0 - 2.0 * Fu))
    hdiag[r, c - 1] = wi * (rv * rv + rv * (1.0 - 2.0 * Fv))
    hoff[r, c - 1] = -wi * ru * rv
    return float(np.sum(w * np.minimum(li, logpmin)))


def cd_quadratic_lasso(H, g, theta, pen, alpha, max_sweeps, tol):
    """Minimise ``g'd + d'Hd/2 + alpha * sum(pen * |theta + d|)`` over ``d``.

    Cyclic coordinate descent on ``z = theta + d``; returns ``(z, sweeps)``.
    Coordinates with no curvature are left at zero when penalised and
    unchanged otherwise.  Few coordinates: the same code, interpreted.
    """
    if theta.shape[0] > _SMALL_CD:
        return _cd_quadratic_lasso_jit(H, g, theta, pen, alpha, max_sweeps, tol)
    # the kernel's own Python code, interpreted
    return _cd_quadratic_lasso_jit.py_func(H, g, theta, pen, alpha, max_sweeps, tol)


# --------------------------------------------------------------------------
# plain numpy references (used by the tests)
# --------------------------------------------------------------------------
def _class_proba_raw(eta):
    n, km1 = eta.shape
    F = 1.0 / (1.0 + np.exp(-eta))
    cum = np.hstack([np.zeros((n, 1)), F, np.ones((n, 1))])
    return np.diff(cum, axis=1)


def cumlogit_loss_numpy(eta, y, w, pmin):
    """numpy reference of :func:`cumlogit_loss` (naive probabilities)."""
    P = _class_proba_raw(eta)
    p = P[np.arange(len(y)), y]
    p = np.where(p < pmin, pmin, p)
    return float(np.sum(w * -np.log(p)))


def cumlogit_derivs_numpy(eta, y, w, pmin):
    """numpy reference of :func:`cumlogit_derivs`; returns
    ``(loss, grad, hdiag, hoff)``."""
    n, km1 = eta.shape
    F = 1.0 / (1.0 + np.exp(-eta))
    f = F * (1.0 - F)
    df = f * (1.0 - 2.0 * F)
    # upper / lower cumulative probabilities and densities of each sample
    Fpad = np.hstack([np.zeros((n, 1)), F, np.ones((n, 1))])
    fpad = np.hstack([np.zeros((n, 1)), f, np.zeros((n, 1))])
    dfpad = np.hstack([np.zeros((n, 1)), df, np.zeros((n, 1))])
    idx = np.arange(n)
    p = Fpad[idx, y + 1] - Fpad[idx, y]
    ok = p >= pmin
    loss = float(np.sum(w * -np.log(np.where(ok, p, pmin))))
    fu, fv = fpad[idx, y + 1], fpad[idx, y]
    dfu, dfv = dfpad[idx, y + 1], dfpad[idx, y]
    ps = np.where(ok, p, 1.0)
    gu = np.where(ok, -w * fu / ps, 0.0)
    gv = np.where(ok, w * fv / ps, 0.0)
    huu = np.where(ok, w * (fu**2 / ps**2 - dfu / ps), 0.0)
    hvv = np.where(ok, w * (fv**2 / ps**2 + dfv / ps), 0.0)
    huv = np.where(ok, -w * fu * fv / ps**2, 0.0)
    grad = np.zeros((n, km1))
    hdiag = np.zeros((n, km1))
    hoff = np.zeros((n, max(km1 - 1, 0)))
    up = y < km1  # boundary y exists (upper)
    lo = y > 0  # boundary y - 1 exists (lower)
    grad[idx[up], y[up]] += gu[up]
    hdiag[idx[up], y[up]] += huu[up]
    grad[idx[lo], y[lo] - 1] += gv[lo]
    hdiag[idx[lo], y[lo] - 1] += hvv[lo]
    both = up & lo
    hoff[idx[both], y[both] - 1] += huv[both]
    return loss, grad, hdiag, hoff


def cd_quadratic_lasso_numpy(H, g, theta, pen, alpha, max_sweeps, tol):
    """numpy reference of :func:`cd_quadratic_lasso` (same updates)."""
    z = np.array(theta, dtype=float, copy=True)
    for _ in range(max_sweeps):
        maxdelta = 0.0
        for j in range(len(z)):
            hjj = H[j, j]
            thr = alpha * pen[j]
            if hjj <= 1e-14:
                if thr > 0:
                    z[j] = 0.0
                continue
            gj = g[j] + H[j] @ (z - theta)
            u = hjj * z[j] - gj
            znew = np.sign(u) * max(abs(u) - thr, 0.0) / hjj
            maxdelta = max(maxdelta, hjj * (znew - z[j]) ** 2)
            z[j] = znew
        if maxdelta < tol:
            break
    return z
