import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_datacentric.covariate_shift import DWGCSClassifier
from sklearn_datacentric.covariate_shift._dwgcs import (
    D_GRID,
    _best_subset,
    compute_lambda,
    solve_mrc_01,
    solve_mrc_log,
)
from sklearn_datacentric.utils import pack_source_target


def _data(n=120, seed=0, n_classes=2, shift=1.0):
    rng = np.random.default_rng(seed)
    Xs = rng.normal(0, 1, (n, 2))
    Xt = rng.normal(shift, 1, (n, 2))

    def lab(X):
        s = X[:, 0] + 0.5 * X[:, 1]
        if n_classes == 2:
            return (s > 0.3).astype(int)
        return np.digitize(s, [-0.5, 0.8])

    return Xs, lab(Xs), Xt, lab(Xt)


def test_grid_is_the_papers():
    g = np.arange(10) / 10
    np.testing.assert_allclose(D_GRID, 1 / (1 - g) ** 2)


def test_best_subset_matches_enumeration():
    from itertools import combinations

    rng = np.random.default_rng(0)
    S = rng.normal(size=(50, 4))
    v, _ = _best_subset(S)
    brute = np.array(
        [
            max(
                (S[j, list(C)].sum() - 1) / len(C)
                for k in range(1, 5)
                for C in combinations(range(4), k)
            )
            for j in range(50)
        ]
    )
    np.testing.assert_allclose(v, brute)


@pytest.mark.parametrize("loss", ["0-1", "log"])
def test_fit_predict_paths(loss):
    Xs, ys, Xt, yt = _data()
    clf = DWGCSClassifier(loss=loss, D=4.0).fit(Xs, ys, X_target=Xt)
    P = clf.predict_proba(Xt)
    np.testing.assert_allclose(P.sum(1), 1.0)
    assert np.mean(clf.predict(Xt) == yt) > 0.7
    # new points (alpha extended by the kernel smoother)
    Xnew = np.random.default_rng(5).normal(0.5, 1, (30, 2))
    assert clf.predict(Xnew).shape == (30,)
    np.testing.assert_allclose(clf.predict_proba(Xnew).sum(1), 1.0)
    # stacked (skada) path gives the same classifier
    X, y, sd = pack_source_target(Xs, ys, Xt)
    clf2 = DWGCSClassifier(loss=loss, D=4.0).fit(X, y, sample_domain=sd)
    np.testing.assert_allclose(clf2.mu_, clf.mu_, atol=1e-6)
    assert clf.minimax_risk_ == pytest.approx(clf2.minimax_risk_, abs=1e-8)


def test_alpha_on_fitted_target_and_new_points():
    Xs, ys, Xt, _ = _data(shift=2.0)
    clf = DWGCSClassifier(loss="log", D=4.0).fit(Xs, ys, X_target=Xt)
    np.testing.assert_array_equal(clf._alpha_of(Xt), clf.alpha_)
    a_new = clf._alpha_of(Xt + 1e-9)
    assert np.all((a_new >= 0) & (a_new <= 1))
    # predict depends only on the sign pattern of the scores, not on alpha
    np.testing.assert_array_equal(clf.predict(Xt), clf.predict(Xt + 1e-12))


def test_auto_selects_smallest_minimax_risk():
    Xs, ys, Xt, _ = _data(shift=1.5)
    clf = DWGCSClassifier(D="auto").fit(Xs, ys, X_target=Xt)
    assert set(clf.risks_) == set(D_GRID)
    assert clf.minimax_risk_ == min(clf.risks_.values())
    assert clf.risks_[clf.D_] == clf.minimax_risk_
    assert 0.0 <= clf.minimax_risk_ <= 1.0
    assert set(clf.path_) == set(D_GRID)


def test_multiclass():
    Xs, ys, Xt, yt = _data(n=150, n_classes=3)
    for loss in ["0-1", "log"]:
        clf = DWGCSClassifier(loss=loss, D=2.0).fit(Xs, ys, X_target=Xt)
        assert clf.predict_proba(Xt).shape == (150, 3)
        assert np.mean(clf.predict(Xt) == yt) > 0.6


def test_lambda_lp_makes_uncertainty_set_nonempty():
    Xs, ys, Xt, _ = _data(n=60)
    clf = DWGCSClassifier(D=4.0).fit(Xs, ys, X_target=Xt)
    F = np.hstack([np.ones((60, 1)), clf._standardize(Xt)])
    lam = compute_lambda(F, clf.alpha_, clf.tau_, 2)
    np.testing.assert_allclose(lam, clf.lambda_)
    assert np.all(lam > 0)
    # lambda is the optimum of min sum |sum_{j,y} p_jy alpha_j Phi(x_j, y) - tau|
    # over conditionals p (plus the margin delta): compare with cvxpy
    cp = pytest.importorskip("cvxpy")
    P = cp.Variable((60, 2), nonneg=True)
    AF = clf.alpha_[:, None] * F
    moment = cp.vstack([AF.T @ P[:, 0], AF.T @ P[:, 1]])
    prob = cp.Problem(
        cp.Minimize(cp.sum(cp.abs(moment - clf.tau_))), [cp.sum(P, axis=1) == 1 / 60]
    )
    prob.solve(solver="CLARABEL")
    assert lam.sum() - 1e-6 * lam.size == pytest.approx(prob.value, rel=1e-5, abs=1e-7)


def test_mrc_01_matches_cvxpy():
    cp = pytest.importorskip("cvxpy")
    rng = np.random.default_rng(0)
    t, p, K = 25, 3, 3
    F = np.hstack([np.ones((t, 1)), rng.normal(size=(t, p - 1))])
    alpha = rng.uniform(0.3, 1, t)
    tau = np.abs(rng.normal(size=(K, p))) / 5
    lam = compute_lambda(F, alpha, tau, K)
    mu, risk = solve_mrc_01(F, alpha, tau, lam, K)
    from itertools import combinations

    m = cp.Variable((K, p))
    AF = alpha[:, None] * F
    terms = []
    for k in range(1, K + 1):
        for C in combinations(range(K), k):
            terms.append((sum(AF @ m[y] for y in C) - 1) / k + 1)
    obj = (
        -cp.sum(cp.multiply(tau, m))
        + cp.sum(cp.multiply(lam, cp.abs(m)))
        + cp.sum(cp.max(cp.vstack(terms), axis=0)) / t
    )
    prob = cp.Problem(cp.Minimize(obj))
    prob.solve(solver="CLARABEL")
    assert risk == pytest.approx(prob.value, rel=1e-5, abs=1e-7)
    mu_l, risk_l = solve_mrc_log(F, alpha, tau, lam, K)
    obj_l = (
        -cp.sum(cp.multiply(tau, m))
        + cp.sum(cp.multiply(lam, cp.abs(m)))
        + cp.sum(cp.log_sum_exp(AF @ m.T, axis=1)) / t
    )
    prob_l = cp.Problem(cp.Minimize(obj_l))
    prob_l.solve(solver="CLARABEL")
    assert risk_l == pytest.approx(prob_l.value, rel=1e-5, abs=1e-7)


def test_no_target_is_plain_mrc_and_bad_input():
    Xs, ys, Xt, _ = _data(n=60)
    clf = DWGCSClassifier().fit(Xs, ys)
    assert not clf.has_target_ and clf.D_ == 1.0
    np.testing.assert_array_equal(clf.alpha_, 1.0)
    with pytest.raises(ValueError, match="features"):
        DWGCSClassifier().fit(Xs, ys, X_target=Xt[:, :1])
    with pytest.raises(ValueError, match="empty"):
        DWGCSClassifier().fit(Xs, ys, X_target=np.empty((0, 2)))
    with pytest.raises(InvalidParameterError, match="'D'"):
        DWGCSClassifier(D=0.9).fit(Xs, ys, X_target=Xt)
    with pytest.raises(InvalidParameterError, match="'B'"):
        DWGCSClassifier(B=0).fit(Xs, ys, X_target=Xt)
    with pytest.raises(InvalidParameterError, match="'sigma'"):
        DWGCSClassifier(sigma=-1.0).fit(Xs, ys, X_target=Xt)


def test_fourier_features_run():
    Xs, ys, Xt, yt = _data(n=100)
    clf = DWGCSClassifier(phi="fourier", n_components=50, D=4.0, random_state=0)
    clf.fit(Xs, ys, X_target=Xt)
    assert np.mean(clf.predict(Xt) == yt) > 0.6


def test_lambda_lp_with_interior_point_weights():
    # A lambda LP from the paper's protocol (Breast Cancer Wisconsin,
    # repetition 21, D = 1.21, single-threaded BLAS): the interior-point
    # DW-KMM solution has target weights down to 1.3e-7 and the optimum is
    # ~2e-5, at the scale of HiGHS' tolerances; its dual simplex ended with an
    # "unknown" status there.  The LP must still be solved, to its optimum.
    data = np.load(Path(__file__).parent / "data" / "lambda_lp_tiny_alpha.npz")
    F, alpha, tau = data["F"], data["alpha"], data["tau"]
    lam = compute_lambda(F, alpha, tau, 2)
    assert np.all(lam >= 1e-6) and np.all(np.isfinite(lam))
    cp = pytest.importorskip("cvxpy")
    t = F.shape[0]
    P = cp.Variable((t, 2), nonneg=True)
    AF = alpha[:, None] * F
    moment = cp.vstack([AF.T @ P[:, 0], AF.T @ P[:, 1]])
    prob = cp.Problem(
        cp.Minimize(cp.sum(cp.abs(moment - tau))), [cp.sum(P, axis=1) == 1 / t]
    )
    # the optimum (~1.1e-7 above the margins) is below Clarabel's default
    # tolerances (it reports 1.42e-7 with them): solve it tightly
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "may be inaccurate"
        prob.solve(
            solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12
        )
    assert lam.sum() - 1e-6 * lam.size == pytest.approx(prob.value, abs=5e-9)


@pytest.mark.parametrize("kmm_solver", ["ipm", "fista"])
def test_kmm_solver_reaches_the_dw_kmm_solver(kmm_solver, monkeypatch):
    import sklearn_datacentric.covariate_shift._dwgcs as dwgcs_module

    seen = []
    real = dwgcs_module.solve_dw_kmm

    def spy(*args, **kwargs):
        seen.append(kwargs["method"])
        return real(*args, **kwargs)

    monkeypatch.setattr(dwgcs_module, "solve_dw_kmm", spy)
    Xs, ys, Xt, _ = _data(n=60)
    clf = DWGCSClassifier(D=4.0, kmm_solver=kmm_solver).fit(Xs, ys, X_target=Xt)
    assert seen == [kmm_solver]
    assert np.isfinite(clf.minimax_risk_)
    with pytest.raises(InvalidParameterError, match="kmm_solver"):
        DWGCSClassifier(kmm_solver="cvxpy").fit(Xs, ys, X_target=Xt)


def test_fit_intercept():
    Xs, ys, Xt, yt = _data(n=80, shift=1.5)
    with_int = DWGCSClassifier(D=4.0).fit(Xs, ys, X_target=Xt)
    no_int = DWGCSClassifier(D=4.0, fit_intercept=False).fit(Xs, ys, X_target=Xt)
    assert with_int.mu_.shape == (2, 3) and no_int.mu_.shape == (2, 2)
    # same weights; tau is the authors' (1/n) sum beta_i e_{y_i} (x) x_i
    np.testing.assert_array_equal(no_int.beta_, with_int.beta_)
    Z = no_int._standardize(Xs)
    tau = np.stack([(no_int.beta_[ys == k, None] * Z[ys == k]).sum(0) for k in (0, 1)])
    np.testing.assert_allclose(no_int.tau_, tau / len(Xs))
    np.testing.assert_allclose(with_int.tau_[:, 1:], no_int.tau_)
    assert np.mean(no_int.predict(Xt) == yt) > 0.6
    clf = DWGCSClassifier(phi="fourier", n_components=20, fit_intercept=False, D=4.0)
    assert clf.fit(Xs, ys, X_target=Xt).mu_.shape == (2, 20)
    with pytest.raises(InvalidParameterError, match="fit_intercept"):
        DWGCSClassifier(fit_intercept="yes").fit(Xs, ys, X_target=Xt)


def _same_fit(a, b):
    assert a.D_ == b.D_
    assert a.risks_ == b.risks_
    for name in ["beta_", "alpha_", "tau_", "lambda_", "mu_"]:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_n_jobs_gives_the_sequential_result():
    from joblib import parallel_config

    Xs, ys, Xt, _ = _data(n=50, shift=1.5)
    seq = DWGCSClassifier(D="auto").fit(Xs, ys, X_target=Xt)
    _same_fit(DWGCSClassifier(D="auto", n_jobs=2).fit(Xs, ys, X_target=Xt), seq)
    with parallel_config(backend="threading", n_jobs=2):
        _same_fit(DWGCSClassifier(D="auto").fit(Xs, ys, X_target=Xt), seq)
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        DWGCSClassifier(n_jobs=1.5).fit(Xs, ys, X_target=Xt)


def test_parallel_jobs_cap_their_threads(monkeypatch):
    import numba
    from threadpoolctl import threadpool_info

    import sklearn_datacentric.covariate_shift._dwgcs as dwgcs_module

    seen = []

    def spy(*args):
        seen.append(
            (numba.get_num_threads(), [p["num_threads"] for p in threadpool_info()])
        )
        return "done"

    before = numba.get_num_threads()
    monkeypatch.setattr(dwgcs_module, "_fit_one_d", spy)
    assert dwgcs_module._fit_one_d_capped(1, 2) == "done"
    assert seen[0][0] == 1 and all(n == 1 for n in seen[0][1])
    assert numba.get_num_threads() == before


def test_dask_backend_spreads_the_grid():
    pytest.importorskip("distributed", reason="dask.distributed not installed")
    from distributed import Client, LocalCluster
    from joblib import parallel_config

    Xs, ys, Xt, _ = _data(n=40, shift=1.5)
    seq = DWGCSClassifier(D="auto").fit(Xs, ys, X_target=Xt)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        Client(cluster),
    ):
        with parallel_config(backend="dask"):
            _same_fit(DWGCSClassifier(D="auto").fit(Xs, ys, X_target=Xt), seq)


@pytest.mark.parametrize("scale", [2e307, 1e200, 1e-300])
def test_huge_or_tiny_finite_features_give_the_same_classifier(scale):
    Xs, ys, Xt, yt = _data(n=60, shift=1.0)
    Xs_s, Xt_s = Xs / np.abs(Xs).max() * scale, Xt / np.abs(Xs).max() * scale
    ref = DWGCSClassifier(D=4.0).fit(Xs_s / scale, ys, X_target=Xt_s / scale)
    clf = DWGCSClassifier(D=4.0).fit(Xs_s, ys, X_target=Xt_s)
    # standardisation removes the scale: the same problem up to rounding
    assert clf.minimax_risk_ == pytest.approx(ref.minimax_risk_, rel=1e-6)
    np.testing.assert_array_equal(clf.predict(Xt_s), ref.predict(Xt_s / scale))
    assert np.all(np.isfinite(clf.predict_proba(Xt_s)))


def test_features_far_outside_the_fit_give_a_clear_error():
    Xs, ys, Xt, _ = _data(n=60)
    clf = DWGCSClassifier(D=4.0).fit(Xs, ys, X_target=Xt)
    with pytest.raises(ValueError, match="overflow.*too far outside"):
        clf.predict(Xt * 1e307)


def test_verbose_prints_one_line_per_D(capsys):
    Xs, ys, Xt, _ = _data(n=40)
    DWGCSClassifier(D="auto").fit(Xs, ys, X_target=Xt)
    assert capsys.readouterr().out == ""
    clf = DWGCSClassifier(D="auto", verbose=1).fit(Xs, ys, X_target=Xt)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[DWGCSClassifier] kernel of the 40 source")
    assert sum("minimax risk" in line and "/10)" in line for line in lines) == 10
    assert f"kept D={clf.D_:.4g}" in lines[-1]
