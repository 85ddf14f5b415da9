"""The package's DW-KMM solver against cvxpy + Clarabel (test-only dependency)."""

import numpy as np
import pytest

from sklearn_datacentric.covariate_shift._kernels import sq_distances, width_heuristic
from sklearn_datacentric.covariate_shift._solvers import dw_kmm_objective, solve_dw_kmm

cp = pytest.importorskip("cvxpy")
pytest.importorskip("clarabel")


def _shifted(n, seed, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(8 * n, d))
    p = np.where(X[:, 0] <= np.median(X[:, 0]), 0.7, 0.3)
    tr = rng.random(len(X)) < p
    return X[tr][:n], X[~tr][:n]


def _kernel(Xs, Xt):
    Z = np.vstack([Xs, Xt])
    sq = sq_distances(Z, Z)
    s = width_heuristic(Z, 50, sq_dist=sq)
    return np.exp(-sq / (2 * s * s))


def _cvx(K, n, D, B=1000.0):
    t = K.shape[0] - n
    b, a = cp.Variable(n), cp.Variable(t)
    v = cp.hstack([b / n, -a / t])
    cons = [
        b >= 0,
        b <= B / np.sqrt(D),
        a >= 0,
        a <= 1,
        cp.abs(cp.sum(b) / n - cp.sum(a) / t) <= 1 - 1 / np.sqrt(n),
    ]
    if D > 1:
        cons.append(cp.norm(a - 1) <= (1 - 1 / np.sqrt(D)) * np.sqrt(t))
    else:
        cons.append(a == 1)
    prob = cp.Problem(cp.Minimize(cp.quad_form(v, cp.psd_wrap(K))), cons)
    prob.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    return prob.value


@pytest.mark.parametrize("D", [1.0, 1.5, 4.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_objective_matches_clarabel(D, seed):
    n = 30
    Xs, Xt = _shifted(n, seed)
    K = _kernel(Xs, Xt)
    beta, alpha, info = solve_dw_kmm(K, n, D=D, tol=1e-12, max_iter=100000)
    ref = _cvx(K, n, D)
    # feasibility of our solution (exact by construction)
    assert beta.min() >= 0 and beta.max() <= 1000 / np.sqrt(D) + 1e-9
    assert alpha.min() >= 0 and alpha.max() <= 1
    assert (
        np.linalg.norm(alpha - 1)
        <= (1 - 1 / np.sqrt(D)) * np.sqrt(n) * (1 + 1e-9) + 1e-12
    )
    assert abs(beta.mean() - alpha.mean()) <= 1 - 1 / np.sqrt(n) + 1e-9
    f = dw_kmm_objective(K, beta, alpha)
    assert f == pytest.approx(info["objective"], rel=1e-9, abs=1e-15)
    # objective within 1e-4 relative of Clarabel's (or below it)
    assert f <= ref * (1 + 1e-4) + 1e-14


def test_default_settings_close_to_clarabel_for_kmm():
    n = 60
    Xs, Xt = _shifted(n, 3)
    K = _kernel(Xs, Xt)
    beta, alpha, info = solve_dw_kmm(K, n, D=1.0)
    assert info["converged"]
    ref = _cvx(K, n, 1.0)
    assert dw_kmm_objective(K, beta, alpha) <= ref * (1 + 1e-4)
    np.testing.assert_array_equal(alpha, 1.0)


def test_identical_samples_give_unit_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    K = _kernel(X, X)
    for D in (1.0, 4.0):
        beta, alpha, info = solve_dw_kmm(K, 30, D=D)
        np.testing.assert_allclose(beta, 1.0)
        np.testing.assert_allclose(alpha, 1.0)
        assert info["objective"] <= 1e-15


def test_warm_start_and_signed_kernel_agree():
    n = 30
    Xs, Xt = _shifted(n, 5)
    K = _kernel(Xs, Xt)
    Ks = K.copy()
    Ks[:n, n:] *= -1
    Ks[n:, :n] *= -1
    b1, a1, i1 = solve_dw_kmm(K, n, D=4.0, tol=1e-12, max_iter=20000)
    b2, a2, i2 = solve_dw_kmm(
        Ks, n, D=4.0, tol=1e-12, max_iter=20000, signed=True, x0=(b1, a1)
    )
    assert i2["objective"] <= i1["objective"] * (1 + 1e-6)
    for D in (1.0,):
        _, _, j1 = solve_dw_kmm(K, n, D=D)
        _, _, j2 = solve_dw_kmm(Ks, n, D=D, signed=True)
        assert j1["objective"] == pytest.approx(j2["objective"], rel=1e-9)


def test_callback_stops_the_solver():
    n = 20
    Xs, Xt = _shifted(n, 7)
    K = _kernel(Xs, Xt)
    seen = []
    _, _, info = solve_dw_kmm(
        K,
        n,
        D=4.0,
        tol=0.0,
        max_iter=1000,
        callback=lambda it, f: seen.append(f) or it >= 7,
    )
    assert info["n_iter"] == 7 and len(seen) == 7
