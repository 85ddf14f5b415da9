"""The package's DW-KMM solvers against cvxpy + Clarabel (test-only dependency).

``method="ipm"`` (the default at these sizes) is the primal-dual
interior-point method of ``_ipm.py``; ``method="fista"`` the first-order
solver.
"""

import numpy as np
import pytest

from sklearn_datacentric.covariate_shift import DoubleWeighting, KernelMeanMatching
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


def _assert_feasible(beta, alpha, n, D, B=1000.0):
    assert np.all(np.isfinite(beta)) and np.all(np.isfinite(alpha))
    assert beta.min() >= 0 and beta.max() <= B / np.sqrt(D) + 1e-9
    assert alpha.min() >= 0 and alpha.max() <= 1
    t = alpha.shape[0]
    assert (
        np.linalg.norm(alpha - 1)
        <= (1 - 1 / np.sqrt(D)) * np.sqrt(t) * (1 + 1e-9) + 1e-12
    )
    assert abs(beta.mean() - alpha.mean()) <= 1 - 1 / np.sqrt(n) + 1e-9
    if D == 1.0:
        np.testing.assert_array_equal(alpha, 1.0)


@pytest.mark.parametrize("method", ["ipm", "fista"])
@pytest.mark.parametrize("D", [1.0, 1.5, 4.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_objective_matches_clarabel(D, seed, method):
    n = 30
    Xs, Xt = _shifted(n, seed)
    K = _kernel(Xs, Xt)
    beta, alpha, info = solve_dw_kmm(
        K, n, D=D, tol=1e-12, max_iter=100000, method=method
    )
    assert info["method"] == method
    ref = _cvx(K, n, D)
    _assert_feasible(beta, alpha, n, D)
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


@pytest.mark.parametrize("method", ["ipm", "fista"])
def test_warm_start_and_signed_kernel_agree(method):
    n = 30
    Xs, Xt = _shifted(n, 5)
    K = _kernel(Xs, Xt)
    Ks = K.copy()
    Ks[:n, n:] *= -1
    Ks[n:, :n] *= -1
    b1, a1, i1 = solve_dw_kmm(K, n, D=4.0, tol=1e-12, max_iter=20000, method=method)
    # x0 warm-starts FISTA and is ignored by the interior-point method
    b2, a2, i2 = solve_dw_kmm(
        Ks, n, D=4.0, tol=1e-12, max_iter=20000, signed=True, x0=(b1, a1),
        method=method,
    )  # fmt: skip
    assert i2["objective"] <= i1["objective"] * (1 + 1e-6)
    assert i2["objective"] == pytest.approx(
        dw_kmm_objective(K, b2, a2), rel=1e-9, abs=1e-15
    )
    for D in (1.0,):
        _, _, j1 = solve_dw_kmm(K, n, D=D, method=method)
        _, _, j2 = solve_dw_kmm(Ks, n, D=D, signed=True, method=method)
        assert j1["objective"] == pytest.approx(j2["objective"], rel=1e-9)


@pytest.mark.parametrize("method", ["ipm", "fista"])
def test_callback_stops_the_solver(method):
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
        callback=lambda it, f: seen.append(f) or it >= 5,
        method=method,
    )
    assert info["n_iter"] == 5 and len(seen) == 5


@pytest.mark.parametrize("D", [1.0, 2.0, 4.0, 10.0])
@pytest.mark.parametrize("seed", [2, 3])
def test_ipm_default_settings_match_clarabel_and_fista(D, seed):
    """Default method (interior point) at its default tolerance."""
    n, t = 40, 35  # unequal sizes
    rng = np.random.default_rng(seed)
    Xs = rng.normal(size=(n, 2))
    Xt = rng.normal(0.7, 1.2, size=(t, 2))
    K = _kernel(Xs, Xt)
    beta, alpha, info = solve_dw_kmm(K, n, D=D)
    assert info["method"] == "ipm" and info["converged"]
    assert info["n_iter"] <= 40
    _assert_feasible(beta, alpha, n, D)
    f = dw_kmm_objective(K, beta, alpha)
    assert f == pytest.approx(info["objective"], rel=1e-9, abs=1e-15)
    ref = _cvx(K, n, D)
    # within 1e-4 of Clarabel's (tight tolerances) or below it: Clarabel warns
    # "inaccurate" on some of these tiny optima and stops a few % above ours
    assert f <= ref * (1 + 1e-4) + 1e-15
    # the interior-point optimum is certified: FISTA cannot beat it by 1e-8
    _, _, jf = solve_dw_kmm(K, n, D=D, method="fista", tol=0.0, max_iter=3000)
    assert f <= jf["objective"] * (1 + 1e-8)


@pytest.mark.parametrize("D", [1.0, 4.0])
def test_ipm_agrees_with_fista(D):
    n = 30
    Xs, Xt = _shifted(n, 6)
    K = _kernel(Xs, Xt)
    bi, ai, ii = solve_dw_kmm(K, n, D=D, method="ipm")
    bf, af, jf = solve_dw_kmm(K, n, D=D, method="fista", tol=1e-12, max_iter=100000)
    assert ii["objective"] <= jf["objective"] * (1 + 1e-8)
    assert jf["objective"] <= ii["objective"] * (1 + 1e-4)
    # same weighted means (the weights themselves need not be unique)
    v_i = np.concatenate([bi / n, -ai / n])
    v_f = np.concatenate([bf / n, -af / n])
    d = v_i - v_f
    assert d @ K @ d <= 1e-3 * ii["objective"]


@pytest.mark.parametrize("D, B", [(1.0, 2.0), (1.2, 2.0), (10.0, 2.0), (50.0, 10.0)])
@pytest.mark.parametrize("signed", [False, True])
def test_ipm_tight_caps_and_large_D(D, B, signed):
    """Active source caps and a strongly active ball (near-singular Newton
    matrix): still converged, feasible and at Clarabel's optimum."""
    rng = np.random.default_rng(11)
    n, t = 50, 90
    Xs = rng.normal(size=(n, 3))
    Xt = rng.normal(1.5, 1.3, size=(t, 3))
    K = _kernel(Xs, Xt)
    Kin = K.copy()
    if signed:
        Kin[:n, n:] *= -1
        Kin[n:, :n] *= -1
    beta, alpha, info = solve_dw_kmm(Kin, n, D=D, B=B, signed=signed)
    assert info["method"] == "ipm" and info["converged"]
    _assert_feasible(beta, alpha, n, D, B=B)
    f = dw_kmm_objective(K, beta, alpha)
    assert f <= _cvx(K, n, D, B=B) * (1 + 1e-6) + 1e-15
    assert info["gap"] <= 1e-6 * f


def test_ipm_identical_samples_degenerate():
    """Identical source and target: unit weights, zero objective."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(25, 3))
    K = _kernel(X, X)
    for D in (1.0, 2.0, 4.0, 10.0):
        beta, alpha, info = solve_dw_kmm(K, 25, D=D, method="ipm")
        np.testing.assert_allclose(beta, 1.0)
        np.testing.assert_allclose(alpha, 1.0)
        assert info["objective"] <= 1e-15 and info["converged"]


def test_ipm_nearly_identical_samples():
    """Tiny shift: the optimum is ~0 and the weights stay finite, feasible."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, 2))
    K = _kernel(X, X + 1e-3)
    for D in (1.0, 4.0):
        beta, alpha, info = solve_dw_kmm(K, 30, D=D, method="ipm")
        _assert_feasible(beta, alpha, 30, D)
        assert info["objective"] <= 1e-6


def test_ipm_without_interior_falls_back_to_fista():
    n = 20
    Xs, Xt = _shifted(n, 8)
    K = _kernel(Xs, Xt)
    # eps = 0 pins mean(beta) = 1: the slab has no interior
    beta, alpha, info = solve_dw_kmm(K, n, D=1.0, eps=0.0, method="ipm")
    assert info["method"] == "fista"
    assert beta.mean() == pytest.approx(1.0, abs=1e-9)


def test_unknown_method_raises():
    K = np.eye(4)
    with pytest.raises(ValueError, match="method"):
        solve_dw_kmm(K, 2, method="newton")


@pytest.mark.parametrize("Est", [KernelMeanMatching, DoubleWeighting])
def test_weighters_solver_choice(Est):
    n = 40
    Xs, Xt = _shifted(n, 9)
    fits = {s: Est(solver=s, tol=1e-10).fit(Xs, X_target=Xt) for s in ("ipm", "fista")}
    assert fits["ipm"].solver_ == "ipm" and fits["fista"].solver_ == "fista"
    assert Est().fit(Xs, X_target=Xt).solver_ == "ipm"
    f_ipm, f_fista = fits["ipm"].objective_, fits["fista"].objective_
    assert f_ipm <= f_fista * (1 + 1e-8)
    assert f_fista <= f_ipm * (1 + 1e-3)
