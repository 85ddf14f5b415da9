"""The DW-GCS confidence vector: interior (central-path) solution of its LP."""

import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linprog

from sklearn_datacentric.covariate_shift import DWGCSClassifier
from sklearn_datacentric.covariate_shift._dwgcs import compute_lambda, solve_mrc_01
from sklearn_datacentric.covariate_shift._lp import (
    central_lambda,
    standard_form,
    vertex_lambda,
)
from sklearn_datacentric.datasets import (
    load_breast_cancer_wisconsin,
    make_covariate_shift,
)

DELTA = 1e-6
DATA = Path(__file__).parent / "data"


def _random_lp(t=40, q=4, K=2, seed=0):
    rng = np.random.default_rng(seed)
    F = np.hstack([np.ones((t, 1)), rng.normal(size=(t, q - 1))])
    alpha = rng.uniform(0.2, 1.0, t)
    tau = np.abs(rng.normal(size=(K, q))) / 4
    return F, alpha, tau


def _face_maxima(F, alpha, tau, K):
    """Largest ``lambda_k - delta`` over the optimal face, for every k (HiGHS)."""
    c, A, b = standard_form(F, alpha, tau, K)
    v_star = vertex_lambda(F, alpha, tau, K).sum() - DELTA * K * F.shape[1]
    m = K * F.shape[1]
    N = A.shape[1]
    out = np.empty(m)
    for k in range(m):
        obj = np.zeros(N)
        obj[N - 2 * m + k] = obj[N - m + k] = -0.5
        res = linprog(
            obj,
            A_ub=c[None, :],
            b_ub=[v_star * (1 + 1e-9) + 1e-12],
            A_eq=A,
            b_eq=b,
            bounds=(0, None),
            method="highs",
        )
        assert res.status == 0
        out[k] = -res.fun
    return out, N


@pytest.mark.parametrize("K", [2, 3])
def test_central_lambda_is_optimal_and_feasible(K):
    F, alpha, tau = _random_lp(K=K, seed=K)
    lam, info = central_lambda(F, alpha, tau, K)
    assert info["converged"]
    t = F.shape[0]
    P = info["p"]
    assert P.shape == (t, K) and np.all(P > 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0 / t, atol=1e-12)
    moment = P.T @ (alpha[:, None] * F)
    # |M p - tau| <= lambda - delta (up to rounding)
    assert np.all(np.abs(moment - tau) <= lam - DELTA + 1e-10)
    # same optimal value as the simplex vertex, within the duality gap
    lv = vertex_lambda(F, alpha, tau, K)
    assert lam.sum() >= lv.sum() - 1e-9
    assert lam.sum() - lv.sum() <= info["gap"] + 1e-9


def test_interior_lambda_has_no_zero_where_the_face_allows():
    # A lambda LP of the package's protocol (Breast Cancer Wisconsin,
    # make_covariate_shift seed 0, n = t = 159 after equalising, D = 4):
    # every component of lambda - delta is positive somewhere on the optimal
    # face.  For the analytic centre x_ac of {A x = b, x >= 0},
    # sum_i x_i / x_ac_i = N for every feasible x, so x_ac_i >= max_i / N;
    # the central-path point returned must satisfy it (halved, for its
    # distance to the centre).  A simplex vertex (HiGHS, the previous
    # behaviour) has components at exactly delta: it fails this test.
    d = np.load(DATA / "lambda_lp_breast_cancer.npz")
    F, alpha, tau = d["F"], d["alpha"], d["tau"]
    maxima, N = _face_maxima(F, alpha, tau, 2)
    assert np.all(maxima > 1e-4)  # the face has an interior in every k
    u = (compute_lambda(F, alpha, tau, 2) - DELTA).ravel()
    assert np.all(u >= 0.5 * maxima / N)
    u_vertex = (vertex_lambda(F, alpha, tau, 2) - DELTA).ravel()
    assert np.sum(u_vertex <= 1e-12) >= 2
    assert not np.all(u_vertex >= 0.5 * maxima / N)


def test_zero_components_stay_tiny():
    # Without a target sample (alpha = 1, the target is the source), tau is
    # reachable exactly: the optimal face has lambda = delta everywhere.
    rng = np.random.default_rng(1)
    F = np.hstack([np.ones((50, 1)), rng.normal(size=(50, 2))])
    y = rng.integers(0, 2, 50)
    tau = np.zeros((2, 3))
    np.add.at(tau, y, F)
    tau /= 50
    lam, info = central_lambda(F, np.ones(50), tau, 2)
    assert info["converged"]
    assert np.all(lam - DELTA >= 0) and np.all(lam - DELTA <= 1e-8)


def test_central_lambda_matches_clarabel():
    cp = pytest.importorskip("cvxpy")
    d = np.load(DATA / "lambda_lp_breast_cancer.npz")
    F, alpha, tau = d["F"], d["alpha"], d["tau"]
    t, q = F.shape
    lam_v = cp.Variable(2 * q)
    P = cp.Variable((t, 2))
    AF = alpha[:, None] * F
    moment = cp.hstack([AF.T @ P[:, 0], AF.T @ P[:, 1]])
    tv = tau.ravel()
    prob = cp.Problem(
        cp.Minimize(cp.sum(lam_v)),
        [
            tv - lam_v + DELTA <= moment,
            moment <= tv + lam_v - DELTA,
            lam_v >= 0,
            cp.sum(P, axis=1) == 1 / t,
            P >= 0,
        ],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        prob.solve(solver="CLARABEL")
    lam = compute_lambda(F, alpha, tau, 2)
    assert lam.sum() == pytest.approx(prob.value, rel=1e-6)
    # Clarabel (an interior-point method too) has no component at delta
    # either, and both are interior points of the same face
    lc = lam_v.value - DELTA
    assert np.all(lc > 1e-5) and np.all(lam.ravel() - DELTA > 1e-5)


def test_lambda_lp_invariant_to_class_permutation():
    F, alpha, tau = _random_lp(K=3, seed=4)
    lam = compute_lambda(F, alpha, tau, 3)
    lam_p = compute_lambda(F, alpha, tau[[2, 0, 1]], 3)
    np.testing.assert_allclose(lam_p, lam[[2, 0, 1]], rtol=1e-5, atol=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_minimax_risk_bounds_target_error_on_the_protocol(seed):
    # Regression (issue 17): on the package's protocol (Breast Cancer
    # Wisconsin, make_covariate_shift, n = t equalised at random, D = 4),
    # the minimax risk with the interior lambda is above the target error,
    # as the risk bound is meant to be; with lambda at a simplex vertex (the
    # previous behaviour, same weights) it was below it (e.g. 0.034 against
    # an error of 0.050 for seed 0).
    X, y = load_breast_cancer_wisconsin(return_X_y=True)
    Xtr, ytr, Xte, yte = make_covariate_shift(X, y, random_state=seed)
    n = min(len(Xtr), len(Xte))
    rng = np.random.default_rng(seed)
    itr = rng.choice(len(Xtr), n, replace=False)
    ite = rng.choice(len(Xte), n, replace=False)
    Xtr, ytr, Xte, yte = Xtr[itr], ytr[itr], Xte[ite], yte[ite]
    clf = DWGCSClassifier(D=4.0).fit(Xtr, ytr, X_target=Xte)
    error = np.mean(clf.predict(Xte) != yte)
    assert clf.minimax_risk_ >= error
    F = clf._phi(clf._standardize(Xte))
    lam_v = vertex_lambda(F, clf.alpha_, clf.tau_, 2)
    mu_v, risk_v = solve_mrc_01(F, clf.alpha_, clf.tau_, lam_v, 2)
    error_v = np.mean(clf.classes_[np.argmax(F @ mu_v.T, axis=1)] != yte)
    assert risk_v < error_v
