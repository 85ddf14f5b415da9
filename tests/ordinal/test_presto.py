"""Tests of sklearn_datacentric.ordinal (PRESTO, proportional odds)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from sklearn_datacentric.ordinal import (
    BoundaryCrossingWarning,
    PRESTOClassifier,
    PRESTOClassifierCV,
    ProportionalOddsClassifier,
    cumulative_logit_proba,
)
from sklearn_datacentric.ordinal._kernels import (
    cd_quadratic_lasso,
    cd_quadratic_lasso_numpy,
    cumlogit_derivs,
    cumlogit_derivs_numpy,
    cumlogit_loss,
    cumlogit_loss_numpy,
)
from sklearn_datacentric.ordinal._presto import _standardise
from sklearn_datacentric.ordinal._solver import (
    CumulativeLogitProblem,
    po_map,
    presto_map,
)


def _po_data(n=1500, seed=0, scales=(1.0, 2.0, 0.5, 3.0), shifts=(0.0, 1.0, -2.0, 5.0)):
    rng = np.random.default_rng(seed)
    p = len(scales)
    X = rng.normal(size=(n, p)) * np.asarray(scales) + np.asarray(shifts)
    beta = np.array([0.8, -0.3, 1.0, 0.2])[:p]
    latent = X @ beta + rng.logistic(size=n)
    y = np.digitize(latent, [0.5, 2.0, 3.5])
    return X, y


def _sparse_diff_data(n, seed, intercepts=(0.0, 3.0, 5.0)):
    """Model of the paper's sparse-differences study, with its true rare prob."""
    rng = np.random.default_rng(seed)
    p, K = 10, 4
    while True:
        base = 1.0 * (rng.uniform(size=p) < 1 / 3)
        diffs = (
            0.5
            * (rng.uniform(size=(p, K - 2)) < 1 / 3)
            * rng.choice([-1, 1], (p, K - 2))
        )
        B = np.column_stack(
            [base, base + diffs[:, 0], base + diffs[:, 0] + diffs[:, 1]]
        )
        X = rng.uniform(-1, 1, size=(n, p))
        P, ncross = cumulative_logit_proba(X, np.asarray(intercepts), B.T)
        if ncross:
            continue
        y = np.array([rng.choice(K, p=row) for row in P])
        if len(np.unique(y)) == K:
            return X, y, P[:, -1]


# --------------------------------------------------------------------------
# kernels against their numpy references
# --------------------------------------------------------------------------
def test_kernels_match_numpy_reference():
    rng = np.random.default_rng(0)
    n, K = 300, 5
    eta = np.sort(rng.normal(scale=2.0, size=(n, K - 1)), axis=1)
    eta[:7] = eta[:7, ::-1]  # crossing rows, masked
    y = rng.integers(0, K, n)
    w = rng.uniform(0.5, 2.0, n)
    w /= w.sum()
    grad, hd, ho = np.empty((n, K - 1)), np.empty((n, K - 1)), np.empty((n, K - 2))
    loss = cumlogit_derivs(eta, y, w, 1e-16, grad, hd, ho)
    loss_r, grad_r, hd_r, ho_r = cumlogit_derivs_numpy(eta, y, w, 1e-16)
    assert loss == pytest.approx(loss_r, rel=1e-12)
    assert cumlogit_loss(eta, y, w, 1e-16) == pytest.approx(
        cumlogit_loss_numpy(eta, y, w, 1e-16), rel=1e-12
    )
    np.testing.assert_allclose(grad, grad_r, atol=1e-12)
    np.testing.assert_allclose(hd, hd_r, atol=1e-10)
    np.testing.assert_allclose(ho, ho_r, atol=1e-10)


def test_cd_quadratic_matches_numpy_reference():
    rng = np.random.default_rng(1)
    m = 12
    A = rng.normal(size=(30, m))
    H = A.T @ A / 30
    g = rng.normal(size=m)
    theta = rng.normal(size=m)
    pen = (rng.uniform(size=m) < 0.7).astype(float)
    z, _ = cd_quadratic_lasso(H, g, theta, pen, 0.3, 5000, 1e-20)
    z_r = cd_quadratic_lasso_numpy(H, g, theta, pen, 0.3, 5000, 1e-20)
    np.testing.assert_allclose(z, z_r, atol=1e-9)
    # optimality of the quadratic lasso subproblem
    grad = g + H @ (z - theta)
    on = z != 0
    np.testing.assert_allclose(
        grad[on & (pen > 0)], -0.3 * np.sign(z[on & (pen > 0)]), atol=1e-7
    )
    np.testing.assert_allclose(grad[pen == 0], 0.0, atol=1e-7)
    assert np.all(np.abs(grad[~on & (pen > 0)]) <= 0.3 + 1e-7)


@pytest.mark.parametrize("mapper", [presto_map, po_map])
def test_problem_gradient_and_hessian_by_finite_differences(mapper):
    X, y = _po_data(n=200, seed=3)
    Xs, _, _ = _standardise(X, np.ones(len(y)))
    prob = CumulativeLogitProblem(Xs, y, np.ones(len(y)), 3, mapper(4, 3))
    rng = np.random.default_rng(0)
    theta = rng.normal(scale=0.1, size=prob.T.shape[1])
    theta[: prob.T.shape[1]] += 0.0
    if mapper is presto_map:
        theta[::5] = [-1.0, 0.5, 2.0]
    else:
        theta[:3] = [-1.0, 0.5, 2.0]
    loss, g, H = prob.derivs(theta)
    eps = 1e-6
    for j in range(len(theta)):
        e = np.zeros_like(theta)
        e[j] = eps
        fd = (prob.loss(theta + e) - prob.loss(theta - e)) / (2 * eps)
        assert fd == pytest.approx(g[j], abs=1e-6)
        gd = (prob.derivs(theta + e)[1] - prob.derivs(theta - e)[1]) / (2 * eps)
        np.testing.assert_allclose(gd, H[:, j], atol=1e-5)


# --------------------------------------------------------------------------
# proportional odds: parity with statsmodels
# --------------------------------------------------------------------------
def test_proportional_odds_matches_statsmodels():
    om = pytest.importorskip("statsmodels.miscmodels.ordinal_model")
    X, y = _po_data(n=1500, seed=0)
    po = ProportionalOddsClassifier().fit(X, y)
    model = om.OrderedModel(y, X, distr="logit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(method="newton", disp=False, maxiter=200)
    p = X.shape[1]
    thresholds = model.transform_threshold_params(res.params)[1:-1]
    # statsmodels: P(y <= k) = F(threshold_k - x'beta)
    np.testing.assert_allclose(po.shared_coef_, -res.params[:p], atol=1e-4)
    np.testing.assert_allclose(po.intercept_, thresholds, atol=1e-4)
    P_sm = res.predict(X)
    np.testing.assert_allclose(po.predict_proba(X), P_sm, atol=1e-6)


def test_presto_large_alpha_is_proportional_odds():
    X, y = _po_data(n=1200, seed=1)
    po = ProportionalOddsClassifier().fit(X, y)
    pr = PRESTOClassifier(alpha=5.0, penalize_first=False).fit(X, y)
    np.testing.assert_allclose(pr.coef_, po.coef_, atol=1e-6)
    np.testing.assert_allclose(pr.intercept_, po.intercept_, atol=1e-6)
    np.testing.assert_array_equal(pr.coef_diff_, 0.0)
    # penalising b_1 as well: everything shrinks to the intercept-only model
    pr0 = PRESTOClassifier(alpha=5.0).fit(X, y)
    np.testing.assert_array_equal(pr0.coef_, 0.0)
    cum = np.cumsum(np.bincount(y))[:-1] / len(y)
    np.testing.assert_allclose(pr0.intercept_, np.log(cum / (1 - cum)), atol=1e-8)


# --------------------------------------------------------------------------
# PRESTO solver: against an independent optimiser and the KKT conditions
# --------------------------------------------------------------------------
def _numpy_objective(X, y, a, B):
    P = np.diff(
        np.hstack(
            [
                np.zeros((len(y), 1)),
                1 / (1 + np.exp(-(a + X @ B.T))),
                np.ones((len(y), 1)),
            ]
        ),
        axis=1,
    )
    return -np.mean(np.log(np.clip(P[np.arange(len(y)), y], 1e-300, None)))


def test_presto_alpha_zero_is_the_separate_weights_mle():
    X, y, _ = _sparse_diff_data(3000, seed=5, intercepts=(0.0, 1.5, 2.5))
    pr = PRESTOClassifier(alpha=0.0).fit(X, y)
    K1, p = 3, X.shape[1]

    def f(v):
        return _numpy_objective(X, y, v[:K1], v[K1:].reshape(K1, p))

    v0 = np.concatenate([pr.intercept_, pr.coef_.ravel()])
    # the solution is a stationary point of the unpenalised likelihood and
    # no optimiser started elsewhere finds a lower value
    start = np.concatenate([[-0.5, 1.0, 2.0], np.zeros(K1 * p)])
    res = minimize(
        f,
        start,
        method="L-BFGS-B",
        options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10},
    )
    assert f(v0) <= res.fun + 1e-10
    np.testing.assert_allclose(v0, res.x, atol=2e-3)


def test_presto_kkt_conditions():
    X, y, _ = _sparse_diff_data(2500, seed=2)
    alpha = 0.004
    pr = PRESTOClassifier(alpha=alpha).fit(X, y)
    Xs, mean, scale = _standardise(X, np.ones(len(y)))
    # standardised-scale parameters and psi
    B_s = pr.coef_ * scale
    a_s = pr.intercept_ + pr.coef_ @ mean
    psi = np.vstack([B_s[:1], np.diff(B_s, axis=0)])
    K1, p = B_s.shape
    eps = 1e-6
    for k in range(K1):
        for j in range(p):
            # derivative w.r.t. psi_kj moves b_k..b_{K-1} together
            E = np.zeros_like(B_s)
            E[k:, j] = eps
            gkj = (
                _numpy_objective(Xs, y, a_s, B_s + E)
                - _numpy_objective(Xs, y, a_s, B_s - E)
            ) / (2 * eps)
            if psi[k, j] != 0:
                assert gkj == pytest.approx(-alpha * np.sign(psi[k, j]), abs=2e-6)
            else:
                assert abs(gkj) <= alpha + 2e-6
    # and the intercepts are stationary
    for k in range(K1):
        e = np.zeros(K1)
        e[k] = eps
        gk = (
            _numpy_objective(Xs, y, a_s + e, B_s)
            - _numpy_objective(Xs, y, a_s - e, B_s)
        ) / (2 * eps)
        assert abs(gk) < 2e-6
    assert np.sum(psi[1:] == 0) > 0  # some differences fused


def test_presto_penalty_is_on_the_standardised_scale():
    X, y = _po_data(n=800, seed=4)
    a = PRESTOClassifier(alpha=0.003).fit(X, y)
    b = PRESTOClassifier(alpha=0.003).fit(X * 10.0 + 3.0, y)
    np.testing.assert_allclose(b.coef_ * 10.0, a.coef_, atol=1e-7)
    np.testing.assert_allclose(
        b.predict_proba(X * 10.0 + 3.0), a.predict_proba(X), atol=1e-8
    )


def test_sample_weight_equals_repetition():
    X, y = _po_data(n=300, seed=6)
    w = np.random.default_rng(0).integers(0, 3, len(y))
    Xr, yr = np.repeat(X, w, axis=0), np.repeat(y, w)
    for est in (PRESTOClassifier(alpha=0.002), ProportionalOddsClassifier()):
        a = est.fit(X, y, sample_weight=w)
        ca, ia = a.coef_.copy(), a.intercept_.copy()
        b = est.fit(Xr, yr)
        np.testing.assert_allclose(ca, b.coef_, atol=1e-7)
        np.testing.assert_allclose(ia, b.intercept_, atol=1e-7)


# --------------------------------------------------------------------------
# cross-validation
# --------------------------------------------------------------------------
def test_cv_rule_and_brier_path():
    X, y, _ = _sparse_diff_data(1500, seed=7)
    cv = PRESTOClassifierCV(random_state=0).fit(X, y)
    assert cv.alphas_.shape == (20,)
    assert cv.alphas_[-1] == pytest.approx(0.01 * cv.alphas_[0])
    assert cv.brier_path_.shape == (20, 5)
    best = np.flatnonzero(cv.mean_brier_ == cv.mean_brier_.min())
    assert cv.alpha_ == cv.alphas_[best].max()
    # alpha_max zeroes every penalised coefficient, a smaller alpha does not
    np.testing.assert_array_equal(cv.coef_path_[0], 0.0)
    assert np.any(cv.coef_path_[1] != 0)
    # refit equals a direct fit at the chosen alpha
    direct = PRESTOClassifier(alpha=cv.alpha_).fit(X, y)
    np.testing.assert_allclose(cv.coef_, direct.coef_, atol=1e-6)
    # one fold's Brier score recomputed by hand
    from sklearn.model_selection import StratifiedKFold

    tr, te = next(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    j = 7
    m = PRESTOClassifier(alpha=cv.alphas_[j]).fit(X[tr], y[tr])
    P = m.predict_proba(X[te])
    brier = np.mean(np.sum((P - np.eye(4)[y[te]]) ** 2, axis=1))
    assert brier == pytest.approx(cv.brier_path_[j, 0], abs=1e-7)


def test_cv_verbose_reports_progress(capsys):
    X, y = _po_data(n=400, seed=8)
    PRESTOClassifierCV(n_alphas=3, cv=3, verbose=1, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "fold 1/3" in out and "fold 3/3" in out and "alpha_=" in out


def test_cv_parallel_folds_give_the_same_result():
    X, y = _po_data(n=600, seed=9)
    a = PRESTOClassifierCV(n_alphas=6, cv=3, random_state=0).fit(X, y)
    b = PRESTOClassifierCV(n_alphas=6, cv=3, random_state=0, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(a.brier_path_, b.brier_path_)


def test_presto_beats_baselines_on_sparse_differences():
    # the paper's claim (Section 4.1): lower MSE of the rare-class probability
    # than proportional odds and than logistic regression on the rare class,
    # on average over replications of its sparse-differences model
    mses = []
    for seed in range(6):
        X, y, p_true = _sparse_diff_data(2500, seed=100 + seed)
        presto = PRESTOClassifierCV(random_state=seed).fit(X, y).predict_rare_proba(X)
        po = ProportionalOddsClassifier().fit(X, y).predict_rare_proba(X)
        lr = (
            LogisticRegression(C=np.inf, max_iter=1000)
            .fit(X, y == 3)
            .predict_proba(X)[:, 1]
        )
        mses.append([np.mean((q - p_true) ** 2) for q in (presto, po, lr)])
    mean = np.mean(mses, axis=0)
    assert mean[0] < mean[1] and mean[0] < mean[2]
    wins = np.sum(np.asarray(mses)[:, :1] < np.asarray(mses)[:, 1:], axis=0)
    assert np.all(wins >= 4)


# --------------------------------------------------------------------------
# class order and probabilities
# --------------------------------------------------------------------------
def test_class_order_options():
    X, y = _po_data(n=800, seed=10)
    labels = np.array(["low", "mid", "high", "top"])[y]
    order = ["low", "mid", "high", "top"]
    a = ProportionalOddsClassifier(class_order=order).fit(X, labels)
    assert list(a.classes_) == order and a.rare_class_ == "top"
    b = ProportionalOddsClassifier().fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-10)
    cat = pd.Series(pd.Categorical(labels, categories=order, ordered=True))
    c = ProportionalOddsClassifier().fit(X, cat)
    assert list(c.classes_) == order
    np.testing.assert_allclose(c.coef_, b.coef_, atol=1e-10)
    # the reversed order mirrors the model: b -> -b, thresholds negated, reversed
    r = ProportionalOddsClassifier(class_order=order[::-1]).fit(X, labels)
    np.testing.assert_allclose(r.shared_coef_, -b.shared_coef_, atol=1e-7)
    np.testing.assert_allclose(r.intercept_, -b.intercept_[::-1], atol=1e-7)
    np.testing.assert_allclose(
        r.predict_proba(X), b.predict_proba(X)[:, ::-1], atol=1e-8
    )
    assert np.array_equal(a.predict(X[:5]), labels[:0].tolist() or a.predict(X[:5]))
    np.testing.assert_allclose(a.predict_rare_proba(X), a.predict_proba(X)[:, -1])


def test_pandas_feature_names_kept():
    X, y = _po_data(n=400, seed=11)
    df = pd.DataFrame(X, columns=list("abcd"))
    m = PRESTOClassifier().fit(df, y)
    assert list(m.feature_names_in_) == list("abcd")
    P = m.predict_proba(df)
    assert P.shape == (400, 4)


def test_crossing_boundaries_give_valid_probabilities_and_a_warning():
    rng = np.random.default_rng(12)
    n = 150
    X = rng.uniform(-1, 1, size=(n, 2))
    y = rng.integers(0, 4, n)  # no signal: unpenalised boundaries cross
    m = PRESTOClassifier(alpha=0.0).fit(X, y)
    Xf = rng.uniform(-30, 30, size=(500, 2))  # far out, where they cross
    with pytest.warns(BoundaryCrossingWarning, match="cross"):
        P = m.predict_proba(Xf)
    assert np.all(P >= 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert np.all(np.isfinite(m.coef_))


def test_cumulative_logit_proba_helper():
    P, nc = cumulative_logit_proba(
        np.array([[0.0], [10.0]]), np.array([-1.0, 1.0]), np.array([[0.0], [-1.0]])
    )
    assert nc == 1
    assert np.all(P >= 0)
    np.testing.assert_allclose(P.sum(1), 1.0)
    s = 1 / (1 + np.exp(-np.array([-1.0, 1.0])))
    np.testing.assert_allclose(P[0], [s[0], s[1] - s[0], 1 - s[1]])


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "Est", [PRESTOClassifier, PRESTOClassifierCV, ProportionalOddsClassifier]
)
def test_single_class_rejected(Est):
    X, y = _po_data(n=100)
    with pytest.raises(ValueError, match="at least 2 ordered classes"):
        Est().fit(X, np.zeros_like(y))


def _binary_data(n=300):
    rng = np.random.RandomState(0)
    X = rng.randn(n, 3)
    y = (X @ [1.0, -1.0, 0.5] + rng.logistic(size=n) > 0.5).astype(int)
    return X, y


def test_two_classes_proportional_odds_is_logistic_regression():
    # one boundary: P(y = 1 | x) = 1 - sigmoid(a + x'b), i.e. logistic
    # regression with coef = -b and intercept = -a (same MLE, no penalty)
    X, y = _binary_data()
    po = ProportionalOddsClassifier().fit(X, y)
    lr = LogisticRegression(penalty=None, tol=1e-12, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(po.coef_, -lr.coef_, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(po.intercept_, -lr.intercept_, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(po.predict_proba(X), lr.predict_proba(X), atol=1e-7)
    np.testing.assert_array_equal(po.predict(X), lr.predict(X))


def test_two_classes_presto_is_l1_logistic_regression():
    # PRESTO's objective with one boundary: mean log-loss + alpha ||b||_1 on
    # standardised features = sklearn's sum log-loss * C + ||w||_1 with
    # C = 1 / (n alpha) (saga leaves the intercept unpenalised, as PRESTO)
    X, y = _binary_data()
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # PRESTO's standardisation: identity
    alpha = 0.02
    pr = PRESTOClassifier(alpha=alpha, tol=1e-14, max_iter=1000).fit(X, y)
    lr = LogisticRegression(
        penalty="l1",
        C=1.0 / (len(y) * alpha),
        solver="saga",
        tol=1e-12,
        max_iter=100000,
    ).fit(X, y)
    np.testing.assert_allclose(pr.coef_, -lr.coef_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(pr.intercept_, -lr.intercept_, rtol=1e-5, atol=1e-7)
    # without penalty on the only boundary it is the plain MLE again
    free = PRESTOClassifier(penalize_first=False).fit(X, y)
    mle = LogisticRegression(penalty=None, tol=1e-12, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(free.coef_, -mle.coef_, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "Est", [PRESTOClassifier, PRESTOClassifierCV, ProportionalOddsClassifier]
)
def test_string_labels_need_an_order(Est):
    X, y = _po_data(n=400)
    labels = np.array(["low", "mid", "high", "top"])[y]
    seed = {"random_state": 0} if "random_state" in Est().get_params() else {}
    with pytest.raises(ValueError, match="cannot know the order.*class_order"):
        Est().fit(X, labels)
    order = ["low", "mid", "high", "top"]
    est = Est(class_order=order, **seed).fit(X, labels)
    np.testing.assert_array_equal(est.classes_, order)
    assert est.rare_class_ == "top"
    # an ordered pandas Categorical carries its order
    cat = pd.Series(pd.Categorical(labels, categories=order, ordered=True))
    est_cat = Est(**seed).fit(X, cat)
    np.testing.assert_array_equal(est_cat.classes_, order)
    np.testing.assert_allclose(est_cat.predict_proba(X), est.predict_proba(X))
    # an unordered Categorical of strings has no order either
    with pytest.raises(ValueError, match="cannot know the order"):
        Est().fit(X, pd.Series(pd.Categorical(labels)))


def test_negative_alpha():
    X, y = _po_data(n=100)
    with pytest.raises(ValueError, match="alpha"):
        PRESTOClassifier(alpha=-1.0).fit(X, y)


def test_non_numeric_X():
    X = pd.DataFrame({"a": ["x", "y", "z"] * 10, "b": np.arange(30.0)})
    y = np.arange(30) % 3
    with pytest.raises(ValueError, match="numeric features"):
        PRESTOClassifier().fit(X, y)


def test_class_missing_in_a_training_fold_is_named():
    rng = np.random.default_rng(13)
    X = rng.normal(size=(300, 3))
    y = rng.integers(0, 3, 300)
    y[-10:] = 3  # the top class sits in the last rows only
    with pytest.raises(
        ValueError,
        match=r"Class\(es\) \[3\] have no samples in the training part of fold 5 of 5",
    ):
        PRESTOClassifierCV(cv=KFold(5)).fit(X, y)
    # stratified folds keep a class of 3 samples in every training part ...
    y[-10:] = rng.integers(0, 3, 10)
    y[-3:] = 3
    PRESTOClassifierCV(cv=5, n_alphas=3, random_state=0).fit(X, y)
    # ... but not a class of one sample
    y[-2:] = 2
    with pytest.raises(ValueError, match=r"Class\(es\) \[3\] have a single sample"):
        PRESTOClassifierCV(cv=5).fit(X, y)


def test_class_order_errors():
    X, y = _po_data(n=1500)
    assert set(y.tolist()) == {0, 1, 2, 3}
    with pytest.raises(ValueError, match="not in the class order"):
        PRESTOClassifier(class_order=[0, 1, 2]).fit(X, y)
    with pytest.raises(ValueError, match="no samples"):
        PRESTOClassifier(class_order=[0, 1, 2, 3, 4]).fit(X, y)


def test_inputs_not_modified():
    X, y = _po_data(n=200)
    X0, y0 = X.copy(), y.copy()
    PRESTOClassifierCV(n_alphas=3, cv=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
