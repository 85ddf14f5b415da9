"""LR-QR: solver optimality, lam -> 0 is quantile regression, coverage."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression, QuantileRegressor
from sklearn.preprocessing import FunctionTransformer

from sklearn_datacentric.conformal import (
    InfiniteIntervalWarning,
    LRQRConformalClassifier,
    LRQRConformalRegressor,
    ShiftDiagnosticWarning,
    SplitConformalRegressor,
)
from sklearn_datacentric.conformal._kernels import (
    dual_coordinate_ascent,
    dual_coordinate_ascent_reference,
    primal_objective,
)
from sklearn_datacentric.conformal._lrqr_solver import (
    lam_star,
    lam_star_eq3,
    lrqr_fit,
    lrqr_gradient,
    lrqr_objective,
)
from sklearn_datacentric.metrics import regression_coverage_score
from sklearn_datacentric.utils import pack_source_target


def _gen(rng, n, mu):
    x = rng.normal(mu, 1.0, size=(n, 1))
    y = x[:, 0] + (0.2 + np.abs(x[:, 0])) * rng.normal(size=n)
    return x, y


def _problem(seed, n1=300, n2=200, d=4):
    rng = np.random.default_rng(seed)
    X1 = rng.normal(size=(n1, d - 1))
    X2 = rng.normal(0.5, 1.0, size=(n2, d - 1))
    P1 = np.column_stack([np.ones(n1), X1])
    P2 = np.column_stack([np.ones(n2), X2])
    s = np.abs(X1[:, 0] + rng.normal(size=n1)) / 4.0
    return P1, s, P2


def test_dual_coordinate_ascent_matches_reference():
    rng = np.random.default_rng(0)
    n, d = 80, 5
    Psi = rng.normal(size=(n, d))
    s = rng.exponential(size=n)
    c = rng.normal(size=d) * 0.3
    for kappa in (0.05, 1.0, 10.0):
        a = np.zeros(n)
        theta = c / kappa
        _, gap = dual_coordinate_ascent(Psi, s, c, kappa, 0.9, a, theta, 20000, 1e-12)
        assert gap < 1e-10
        a_ref, theta_ref = dual_coordinate_ascent_reference(Psi, s, c, kappa, 0.9)
        p = primal_objective(Psi, s, c, kappa, 0.9, theta)
        p_ref = primal_objective(Psi, s, c, kappa, 0.9, theta_ref)
        assert p <= p_ref + 1e-9
        assert abs(p - p_ref) < 1e-6
        # strongly convex primal: unique minimiser
        np.testing.assert_allclose(theta, theta_ref, atol=1e-4)


def test_lam_zero_is_plain_quantile_regression():
    P1, s, P2 = _problem(0)
    gamma, _, _ = lrqr_fit(P1, s, P2, P1, 0.0, 0.9)
    qr = QuantileRegressor(quantile=0.9, alpha=0.0, fit_intercept=False).fit(P1, s)
    np.testing.assert_allclose(P1 @ gamma, P1 @ qr.coef_, atol=1e-7)


def test_lam_to_zero_converges_to_quantile_regression():
    P1, s, P2 = _problem(1)
    qr = QuantileRegressor(quantile=0.9, alpha=0.0, fit_intercept=False).fit(P1, s)
    h_qr = P1 @ qr.coef_
    pin_qr = lrqr_objective(P1, s, P2, P1, qr.coef_, 0.0, 0.0, 0.9)
    dists, excess = [], []
    for lam in (1e-1, 1e-2, 1e-3, 1e-4):
        gamma, beta, info = lrqr_fit(P1, s, P2, P1, lam, 0.9)
        assert info["converged"] and info["gap"] < 1e-9
        dists.append(np.max(np.abs(P1 @ gamma - h_qr)))
        excess.append(lrqr_objective(P1, s, P2, P1, gamma, beta, 0.0, 0.9) - pin_qr)
    # the threshold moves to the quantile-regression fit as lam decreases,
    # and reaches it (the LP vertex) for small lam
    assert dists[0] > dists[1] > dists[2], dists
    assert max(dists[2:]) < 1e-6, dists
    # the pinball part is never below the quantile-regression optimum
    assert min(excess) >= -1e-12 and max(excess[2:]) < 1e-9, excess


def test_tiny_lam_warns_when_inner_solver_does_not_converge():
    P1, s, P2 = _problem(1)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        lrqr_fit(P1, s, P2, P1, 1e-7, 0.9, max_epochs=200)


def test_solution_is_stationary_and_beta_closed_form():
    P1, s, P2 = _problem(2)
    for lam in (0.05, 0.5):
        gamma, beta, info = lrqr_fit(P1, s, P2, P1, lam, 0.9)
        h1, h2 = P1 @ gamma, P2 @ gamma
        # closed form of the optimal beta
        assert beta == pytest.approx(h2.mean() / np.mean(h1**2), rel=1e-4)
        # intercept direction of the KKT conditions: the empirical source
        # coverage equals tau - 2 lam beta (beta mean_3 h - 1), up to the
        # points interpolated by the solution (ties)
        ties = np.sum(np.abs(s - h1) < 1e-8)
        rhs = 0.9 - 2 * lam * beta * (beta * h1.mean() - 1.0)
        assert abs(np.mean(s < h1 - 1e-8) - rhs) <= (ties + 1) / len(s)
        # no descent direction: random perturbations do not lower the objective
        rng = np.random.default_rng(0)
        f0 = lrqr_objective(P1, s, P2, P1, gamma, beta, lam, 0.9)
        for _ in range(50):
            dg = rng.normal(size=gamma.shape) * 1e-3
            db = rng.normal() * 1e-3
            f = lrqr_objective(P1, s, P2, P1, gamma + dg, beta + db, lam, 0.9)
            assert f >= f0 - 1e-9
        g = lrqr_gradient(P1, s, P2, P1, gamma, beta, lam, 0.9)
        assert np.isfinite(g).all()


def test_lam_star_heuristic():
    # section 4.2 of Joshi et al.: sqrt((n2 + n3) / n1)
    assert lam_star(1000, 1000, 1000) == pytest.approx(np.sqrt(2.0))
    assert lam_star(8000, 1000, 1000) == pytest.approx(0.5)


def test_estimator_lam_zero_equals_quantile_regression_threshold():
    rng = np.random.default_rng(0)
    Xtr, ytr = _gen(rng, 300, 0.0)
    model = LinearRegression().fit(Xtr, ytr)
    Xc, yc = _gen(rng, 400, 0.0)
    Xt, _ = _gen(rng, 200, 1.0)
    est = LRQRConformalRegressor(
        model, prefit=True, lam=0.0, score_transform="identity"
    )
    est.fit(Xc, yc, X_target=Xt)
    s = np.abs(yc - model.predict(Xc))
    qr = QuantileRegressor(quantile=0.9, alpha=0.0).fit(Xc, s)
    probe = np.linspace(-2, 3, 7)[:, None]
    np.testing.assert_allclose(
        est.threshold_function(probe), qr.predict(probe), atol=1e-6
    )
    iv = est.predict_interval(probe)[1][:, :, 0]
    np.testing.assert_allclose(
        iv[:, 1] - iv[:, 0], 2 * np.maximum(qr.predict(probe), 0)
    )


def test_coverage_at_least_nominal_when_ratio_in_class():
    """Proposition 4.1: with r in the class, coverage under the shift >= level.

    r(x) = exp(x - 1/2) lies in span{1, exp(x)}; small lam; averaged over
    seeds the target coverage is at least nominal up to sampling error,
    while split conformal under-covers.
    """
    fm = FunctionTransformer(np.exp)
    cov_l, cov_s = [], []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        Xtr, ytr = _gen(rng, 500, 0.0)
        model = LinearRegression().fit(Xtr, ytr)
        Xc, yc = _gen(rng, 1000, 0.0)
        Xu, _ = _gen(rng, 1000, 1.0)
        Xte, yte = _gen(rng, 2000, 1.0)
        est = LRQRConformalRegressor(model, prefit=True, feature_map=fm, lam=0.02)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InfiniteIntervalWarning)
            iv = est.fit(Xc, yc, X_target=Xu).predict_interval(Xte)[1][:, :, 0]
        cov_l.append(regression_coverage_score(yte, iv))
        scr = SplitConformalRegressor(model, prefit=True).fit(Xc, yc)
        cov_s.append(
            regression_coverage_score(yte, scr.predict_interval(Xte)[1][:, :, 0])
        )
    cov_l, cov_s = np.array(cov_l), np.array(cov_s)
    se = cov_l.std(ddof=1) / np.sqrt(len(cov_l))
    assert cov_l.mean() >= 0.9 - 3 * se, (cov_l.mean(), se)
    assert cov_s.mean() < 0.9 - 10 * cov_s.std(ddof=1) / np.sqrt(len(cov_s))


def test_lam_star_eq3():
    # Eq. (3) of Joshi et al.: (n1 (1/n2 + 1/n3))^(-1/3), constant 1
    assert lam_star_eq3(1000, 1000, 1000) == pytest.approx(0.5 ** (1 / 3))
    assert lam_star_eq3(8000, 1000, 1000) == pytest.approx(16 ** (-1 / 3))


def test_auto_lam_is_the_unit_l0_over_r():
    rng = np.random.default_rng(0)
    Xc, yc = _gen(rng, 600, 0.0)
    Xt, _ = _gen(rng, 300, 1.0)
    est = LRQRConformalRegressor(random_state=0).fit(Xc, yc, X_target=Xt)
    assert est.score_transform_ == "identity"  # raw scores by default
    assert est.cv_scores_ is None
    # independent computation of L0 / R on the calibration part
    s = est.calibration_scores_
    q = np.quantile(s, 0.9)
    L0 = np.mean(np.maximum(0.9 * (s - q), (0.9 - 1) * (s - q)))
    assert est.lam_ == pytest.approx(L0 / est.projected_ratio_norm_, rel=1e-10)
    assert est.lam_unit_ == est.lam_
    assert est.diagnostics_["regularizer_to_pinball"] == pytest.approx(1.0)
    est2 = LRQRConformalRegressor(lam_scale=2.5, random_state=0)
    est2.fit(Xc, yc, X_target=Xt)
    assert est2.lam_ == pytest.approx(2.5 * est.lam_)


def test_lam_auto_is_unit_free_and_raw_lam_is_not():
    """lam='auto' gives the same intervals in any unit of y and of X."""
    rng = np.random.default_rng(3)
    Xtr, ytr = _gen(rng, 300, 0.0)
    Xc, yc = _gen(rng, 400, 0.0)
    Xt, _ = _gen(rng, 200, 1.0)
    probe = np.linspace(-2, 3, 9)[:, None]
    k = 1000.0

    def fit(lam, scale_y, scale_x):
        model = LinearRegression().fit(Xtr * scale_x, ytr * scale_y)
        est = LRQRConformalRegressor(model, prefit=True, lam=lam)
        est.fit(Xc * scale_x, yc * scale_y, X_target=Xt * scale_x)
        return est.predict_interval(probe * scale_x)[1][:, :, 0] / scale_y

    base = fit("auto", 1.0, 1.0)
    np.testing.assert_allclose(fit("auto", k, 1.0), base, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(fit("auto", 1.0, k), base, rtol=1e-6, atol=1e-8)
    # a raw lam (today's grids are raw) trades score units against the
    # regularizer: the same lam in other units of y is another method
    raw = fit(0.05, 1.0, 1.0)
    assert np.max(np.abs(fit(0.05, k, 1.0) - raw)) > 1e-2


def test_paper_lam_grid_and_cv():
    rng = np.random.default_rng(0)
    Xc, yc = _gen(rng, 600, 0.0)
    Xt, _ = _gen(rng, 300, 1.0)
    est = LRQRConformalRegressor(lam="paper", random_state=0)
    est.fit(Xc, yc, X_target=Xt)
    n1 = est.n_calibration_
    ls = lam_star_eq3(n1, 300, n1)
    np.testing.assert_allclose(est.lams_, np.linspace(ls / 10, ls, 10))
    assert est.lam_ in est.lams_
    assert est.cv_scores_.shape == (10,)
    assert est.lam_ == est.lams_[np.argmin(est.cv_scores_)]
    assert est.score_transform_ == "identity"
    # deterministic under a fixed seed
    est2 = LRQRConformalRegressor(lam="paper", random_state=0)
    est2.fit(Xc, yc, X_target=Xt)
    np.testing.assert_array_equal(est.coef_, est2.coef_)


def test_lam_scale_grid_selected_by_coverage_cv():
    rng = np.random.default_rng(0)
    Xc, yc = _gen(rng, 600, 0.0)
    Xt, _ = _gen(rng, 300, 1.0)
    grid = [0.25, 1.0, 4.0]
    est = LRQRConformalRegressor(lam_scale=grid, random_state=0)
    est.fit(Xc, yc, X_target=Xt)
    np.testing.assert_allclose(est.lams_, np.array(grid) * est.lam_unit_)
    assert est.cv_scores_.shape == (3,)
    assert np.all((est.cv_scores_ >= 0) & (est.cv_scores_ <= 1))
    assert est.lam_ == pytest.approx(est.lams_[np.argmin(est.cv_scores_)])
    with pytest.raises(ValueError, match="lam_scale"):
        LRQRConformalRegressor(lam_scale=[1.0, -1.0]).fit(Xc, yc, X_target=Xt)


def _airfoil_trials(n_trials, **lrqr_params):
    """Tibshirani et al.'s airfoil shift (the package's reproduction)."""
    from sklearn_datacentric.datasets import load_airfoil

    data = load_airfoil()
    X = np.asarray(data.data, dtype=np.float64).copy()
    y = np.asarray(data.target, dtype=np.float64)
    X[:, 0], X[:, 4] = np.log(X[:, 0]), np.log(X[:, 4])
    tilt = np.array([-1.0, 0.0, 0.0, 0.0, 1.0])
    cov_l, inf_l, cov_s = [], [], []
    for seed in range(n_trials):
        rng = np.random.default_rng(seed)
        perm = rng.permutation(len(X))
        train, test = perm[: len(X) // 2], perm[len(X) // 2 :]
        w = np.exp(X[test] @ tilt)
        shift = rng.choice(test, size=len(test) // 4, replace=True, p=w / w.sum())
        fit_idx, cal = train[: len(train) // 2], train[len(train) // 2 :]
        model = LinearRegression().fit(X[fit_idx], y[fit_idx])
        est = LRQRConformalRegressor(model, prefit=True, random_state=seed)
        est.set_params(**lrqr_params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InfiniteIntervalWarning)
            iv = est.fit(X[cal], y[cal], X_target=X[shift]).predict_interval(X[shift])[
                1
            ][:, :, 0]
        cov_l.append(regression_coverage_score(y[shift], iv))
        inf_l.append(np.mean(np.isinf(iv[:, 1] - iv[:, 0])))
        split = SplitConformalRegressor(model, prefit=True).fit(X[cal], y[cal])
        cov_s.append(
            regression_coverage_score(
                y[shift], split.predict_interval(X[shift])[1][:, :, 0]
            )
        )
    return np.array(cov_l), np.array(inf_l), np.array(cov_s)


def test_regression_airfoil_default_is_finite_and_beats_split():
    """Issue 17: the former default squashed airfoil's scores (sigmoid) with a
    raw lam grid and returned infinite intervals for ~96% of the target
    points.  The default now keeps raw scores with a unit-aware lam: finite
    intervals, coverage of the tilted target at least nominal up to sampling
    error and above split conformal, which under-covers this shift."""
    cov, inf, cov_split = _airfoil_trials(8)
    assert inf.max() == 0.0
    se = cov.std(ddof=1) / np.sqrt(len(cov))
    assert cov.mean() >= 0.9 - 3 * se, (cov.mean(), se)
    assert cov.mean() > cov_split.mean() + 0.04, (cov.mean(), cov_split.mean())
    # the former default on the same trials (documented in the results file)
    # (its fits now warn: the regularizer dominates the pinball term)
    ls = lam_star(188, 188, 188)
    with pytest.warns(ShiftDiagnosticWarning, match="regularizer dominates"):
        _, old_inf, _ = _airfoil_trials(
            2, lam=np.linspace(ls / 10, ls, 10), score_transform="auto"
        )
    assert old_inf.mean() > 0.5


def _disjoint(seed, n=600):
    """Source x < 0, target x > 0: no likelihood ratio exists."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(-2, 0, n), rng.uniform(0, 2, n)])[:, None]
    y = x[:, 0] + (0.2 + np.maximum(x[:, 0], 0) ** 2) * rng.normal(size=2 * n)
    return x[:n], y[:n], x[n:], y[n:]


def test_disjoint_supports_warn_and_fall_back_to_split():
    Xs, ys, Xt, yt = _disjoint(0)
    model = LinearRegression().fit(Xs[::2], ys[::2])
    with pytest.warns(ShiftDiagnosticWarning, match="outside the span"):
        est = LRQRConformalRegressor(model, prefit=True).fit(Xs, ys, X_target=Xt)
    assert est.out_of_span_ and est.fallback_applied_
    split = SplitConformalRegressor(model, prefit=True).fit(Xs, ys)
    iv, iv_split = (
        est.predict_interval(Xt)[1][:, :, 0],
        split.predict_interval(Xt)[1][:, :, 0],
    )
    # never narrower than split conformal anywhere
    assert np.all(iv[:, 1] - iv[:, 0] >= iv_split[:, 1] - iv_split[:, 0] - 1e-12)
    assert regression_coverage_score(yt, iv) >= regression_coverage_score(yt, iv_split)
    with pytest.warns(ShiftDiagnosticWarning, match="fallback=None keeps"):
        raw = LRQRConformalRegressor(model, prefit=True, fallback=None)
        raw.fit(Xs, ys, X_target=Xt)
    assert raw.out_of_span_ and not raw.fallback_applied_
    np.testing.assert_allclose(raw.coef_, est.coef_)


def test_overlapping_shift_gives_no_diagnostic_warning():
    rng = np.random.default_rng(0)
    Xc, yc = _gen(rng, 600, 0.0)
    Xt, _ = _gen(rng, 300, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShiftDiagnosticWarning)
        est = LRQRConformalRegressor(random_state=0).fit(Xc, yc, X_target=Xt)
    assert not est.out_of_span_ and not est.fallback_applied_
    assert est.diagnostics_["effective_sample_size"] > 20


def test_dominating_regularizer_warns():
    rng = np.random.default_rng(0)
    Xc, yc = _gen(rng, 600, 0.0)
    Xt, _ = _gen(rng, 300, 1.0)
    with pytest.warns(ShiftDiagnosticWarning, match="regularizer dominates"):
        est = LRQRConformalRegressor(lam=100.0, random_state=0)
        est.fit(Xc, yc, X_target=Xt)
    assert est.diagnostics_["regularizer_to_pinball"] > 10


def test_sample_domain_path_and_pandas():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    Xs, ys = _gen(rng, 300, 0.0)
    Xt, _ = _gen(rng, 100, 1.0)
    X, y, sd = pack_source_target(Xs, ys, Xt)
    a = LRQRConformalRegressor(lam=0.1, random_state=0).fit(Xs, ys, X_target=Xt)
    b = LRQRConformalRegressor(lam=0.1, random_state=0).fit(X, y, sample_domain=sd)
    np.testing.assert_allclose(a.coef_, b.coef_)
    df = pd.DataFrame(Xs, columns=["x"])
    c = LRQRConformalRegressor(lam=0.1, random_state=0).fit(
        df, ys, X_target=pd.DataFrame(Xt, columns=["x"])
    )
    y_pred, y_pis = c.predict_interval(df.iloc[:3])
    assert y_pred.shape == (3,) and y_pis.shape == (3, 2, 1)
    assert isinstance(y_pis, np.ndarray)  # MAPIE's layout: arrays, not frames
    with pytest.raises(ValueError, match="different feature names"):
        LRQRConformalRegressor(lam=0.1).fit(
            df, ys, X_target=pd.DataFrame(Xt, columns=["z"])
        )


def test_bad_input():
    rng = np.random.default_rng(0)
    Xs, ys = _gen(rng, 100, 0.0)
    with pytest.raises(ValueError, match="X_target has 3 features"):
        LRQRConformalRegressor().fit(Xs, ys, X_target=np.ones((10, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        LRQRConformalRegressor(lam=[0.1, -1.0]).fit(Xs, ys, X_target=Xs[:20])
    with pytest.raises(ValueError, match="cv=3 folds"):
        LRQRConformalRegressor(lam="paper", random_state=0).fit(Xs, ys, X_target=Xs[:2])
    with pytest.warns(UserWarning, match="no covariate shift"):
        LRQRConformalRegressor(lam=0.1, random_state=0).fit(Xs, ys)


def test_sigmoid_boundaries_give_infinite_or_empty_sets():
    rng = np.random.default_rng(0)
    Xc, yc = _gen(rng, 300, 0.0)
    est = LRQRConformalRegressor(lam=0.1, score_transform="sigmoid", random_state=0)
    est.fit(Xc, yc, X_target=Xc[:100] + 1)
    est.coef_[:] = 0.0  # in place: coef_ is the first level's array
    est.coef_[0] = 1.5  # h >= 1: no finite bound
    with pytest.warns(InfiniteIntervalWarning):
        iv = est.predict_interval(Xc[:3])[1][:, :, 0]
    assert np.isinf(iv).all()
    est.coef_[0] = 0.3  # h < sigmoid(0): empty set, zero width
    iv = est.predict_interval(Xc[:3])[1][:, :, 0]
    np.testing.assert_array_equal(iv[:, 0], iv[:, 1])


def test_classifier_sets_follow_threshold():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=600) > 0).astype(int)
    clf = LogisticRegression().fit(X[:200], y[:200])
    est = LRQRConformalClassifier(clf, prefit=True, lam=0.1).fit(
        X[200:], y[200:], X_target=X[200:] + 0.5
    )
    assert est.score_transform_ == "identity"  # 1 - p in [0, 1]
    sets = est.predict_set(X[:20])[1][:, :, 0]
    h = est.threshold_function(X[:20])
    np.testing.assert_array_equal(sets, (1 - clf.predict_proba(X[:20])) <= h[:, None])


def test_beta_scan_finds_global_minimum_of_multimodal_profile():
    # Communities and Crime, source below the median share of Hispanic
    # residents, target above: with a small lam the profile
    # V(beta) = min_gamma L(gamma, beta) has two local minima (beta ~ 80 and
    # beta ~ 900); a local search from the closed-form start stops at the
    # first, the grid scan finds the second.  Reference: exhaustive search
    # over beta with the exact convex inner solve.
    from sklearn.linear_model import Ridge

    from sklearn_datacentric.conformal._lrqr_solver import (
        _pinball,
        solve_inner,
        whitening_basis,
    )
    from sklearn_datacentric.datasets import load_communities_crime

    data = load_communities_crime(as_frame=True)
    X = data.data.to_numpy(dtype=np.float64)
    y = data.target.to_numpy(dtype=np.float64)
    col = list(data.data.columns).index("racePctHisp")
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(X))
    tr, rest = perm[: len(X) // 2], perm[len(X) // 2 :]
    model = Ridge(alpha=10**0.5).fit(X[tr], y[tr])
    Xr, yr = X[rest], y[rest]
    src = Xr[:, col] <= np.median(Xr[:, col])
    Xs, ys, Xt = Xr[src], yr[src], Xr[~src]
    Xu = Xt[rng.permutation(len(Xt))[: len(Xt) // 2]]
    Z = np.vstack([Xs, Xu])
    mu, sd = Z.mean(0), Z.std(0)
    sd[sd == 0] = 1.0
    P1 = np.column_stack([np.ones(len(Xs)), (Xs - mu) / sd])
    P2 = np.column_stack([np.ones(len(Xu)), (Xu - mu) / sd])
    s = np.abs(ys - model.predict(Xs))
    lam, tau = 1e-4, 0.9
    W = whitening_basis(P1)
    Q1 = np.ascontiguousarray(P1 @ W)
    m2 = (P2 @ W).mean(axis=0)
    best, a = np.inf, np.zeros(len(s))
    for b in np.logspace(1.5, 4.5, 61):
        th, _ = solve_inner(
            Q1, s, 2 * lam * b * m2, 2 * lam * b * b, tau, a, 20000, 1e-12
        )
        best = min(
            best, _pinball(s, Q1 @ th, tau) + lam * (b * b * th @ th - 2 * b * m2 @ th)
        )
    g, b, _ = lrqr_fit(P1, s, P2, P1, lam, tau)
    assert lrqr_objective(P1, s, P2, P1, g, b, lam, tau) <= best + 1e-6
    g0, b0, _ = lrqr_fit(P1, s, P2, P1, lam, tau, scan=False)
    assert lrqr_objective(P1, s, P2, P1, g0, b0, lam, tau) > best + 1e-4


def test_classifier_fallback_sets_contain_split_sets():
    from sklearn_datacentric.conformal import SplitConformalClassifier

    rng = np.random.default_rng(0)
    Xs = rng.uniform(-2, 0, size=(600, 1))
    Xt = rng.uniform(0, 2, size=(300, 1))
    ys = (Xs[:, 0] + 0.7 * rng.normal(size=600) > -1).astype(int)
    clf = LogisticRegression().fit(Xs[::2], ys[::2])
    with pytest.warns(ShiftDiagnosticWarning, match="outside the span"):
        est = LRQRConformalClassifier(clf, prefit=True).fit(Xs, ys, X_target=Xt)
    assert est.fallback_applied_
    split = SplitConformalClassifier(clf, prefit=True).fit(Xs, ys)
    sets, sets_split = (
        est.predict_set(Xt)[1][:, :, 0],
        split.predict_set(Xt)[1][:, :, 0],
    )
    assert np.all(sets | ~sets_split)  # every split-conformal set is included
