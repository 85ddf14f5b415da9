"""Weighted conformal: exact weighted quantile, coverage with the true ratio."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from sklearn_datacentric.conformal import (
    InfiniteIntervalWarning,
    SplitConformalRegressor,
    WeightedConformalClassifier,
    WeightedConformalRegressor,
    conformal_quantile,
    weighted_conformal_quantile,
)
from sklearn_datacentric.metrics import (
    classification_coverage_score,
    regression_coverage_score,
)
from sklearn_datacentric.utils import pack_source_target


def _gen(rng, n, mu):
    x = rng.normal(mu, 1.0, size=(n, 1))
    y = x[:, 0] + (0.2 + np.abs(x[:, 0])) * rng.normal(size=n)
    return x, y


def _ratio(X):  # N(1, 1) / N(0, 1)
    return np.exp(X[:, 0] - 0.5)


def _brute_force_quantile(scores, wc, wt, level):
    vals = np.append(scores, np.inf)
    out = []
    for w in wt:
        p = np.append(wc, w) / (wc.sum() + w)
        order = np.argsort(vals, kind="stable")
        cum = np.cumsum(p[order])
        k = np.flatnonzero(cum >= level - 1e-12)[0]
        out.append(vals[order][k])
    return np.array(out)


def test_weighted_quantile_matches_brute_force():
    rng = np.random.default_rng(0)
    s = rng.exponential(size=50)
    wc = rng.exponential(size=50)
    wt = np.concatenate([rng.exponential(size=20), [0.0, 40.0]])
    for level in (0.5, 0.8, 0.9):
        got = weighted_conformal_quantile(s, wc, wt, level)
        np.testing.assert_array_equal(got, _brute_force_quantile(s, wc, wt, level))
    # a dominant test weight leaves only +inf
    assert np.isinf(weighted_conformal_quantile(s, wc, [1e6], 0.9)[0])


def test_equal_weights_reduce_to_split_conformal():
    rng = np.random.default_rng(1)
    for n in (9, 10, 57, 200):
        s = rng.normal(size=n)
        for level in (0.8, 0.9, 0.95):
            got = weighted_conformal_quantile(s, np.ones(n), np.ones(3), level)
            assert np.all(got == conformal_quantile(s, level))


def test_weighted_quantile_rejects_bad_weights():
    with pytest.raises(ValueError, match="non-negative"):
        weighted_conformal_quantile([1.0, 2.0], [1.0, -1.0], [1.0], 0.9)
    with pytest.raises(ValueError, match="finite"):
        weighted_conformal_quantile([1.0, 2.0], [1.0, np.nan], [1.0], 0.9)


def test_true_ratio_recovers_nominal_coverage_under_shift():
    """Tibshirani et al. (2019), Corollary 1: coverage >= level with the true w."""
    n_rep = 60
    cov_w, cov_s = [], []
    for seed in range(n_rep):
        rng = np.random.default_rng(seed)
        Xtr, ytr = _gen(rng, 300, 0.0)
        model = LinearRegression().fit(Xtr, ytr)
        Xc, yc = _gen(rng, 500, 0.0)
        Xt, _ = _gen(rng, 200, 1.0)
        Xte, yte = _gen(rng, 1000, 1.0)
        wcr = WeightedConformalRegressor(model, prefit=True, weighting=_ratio)
        wcr.fit(Xc, yc, X_target=Xt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InfiniteIntervalWarning)
            cov_w.append(
                regression_coverage_score(yte, wcr.predict_interval(Xte)[1][:, :, 0])
            )
        scr = SplitConformalRegressor(model, prefit=True).fit(Xc, yc)
        cov_s.append(
            regression_coverage_score(yte, scr.predict_interval(Xte)[1][:, :, 0])
        )
    cov_w, cov_s = np.array(cov_w), np.array(cov_s)
    se_w = cov_w.std(ddof=1) / np.sqrt(n_rep)
    se_s = cov_s.std(ddof=1) / np.sqrt(n_rep)
    # weighted conformal: marginal coverage at least nominal
    assert cov_w.mean() >= 0.9 - 3 * se_w, (cov_w.mean(), se_w)
    # split conformal under-covers this shift (the test can tell them apart)
    assert cov_s.mean() <= 0.9 - 10 * se_s, (cov_s.mean(), se_s)


def test_classifier_true_ratio_coverage():
    n_rep, covs = 40, []
    for seed in range(n_rep):
        rng = np.random.default_rng(seed)

        def gen(n, mu, rng=rng):
            x = rng.normal(mu, 1.0, size=(n, 2))
            logits = np.column_stack([x[:, 0], -x[:, 0], 0.5 * x[:, 1]])
            p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
            y = (rng.random(n)[:, None] > np.cumsum(p, 1)).sum(1)
            return x, y

        Xtr, ytr = gen(400, 0.0)
        clf = LogisticRegression(max_iter=500).fit(Xtr, ytr)
        Xc, yc = gen(500, 0.0)
        Xte, yte = gen(1000, 1.0)
        wcc = WeightedConformalClassifier(clf, prefit=True, weighting=_ratio)
        wcc.fit(Xc, yc, X_target=Xte[:10])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InfiniteIntervalWarning)
            covs.append(
                classification_coverage_score(
                    yte, wcc.predict_set(Xte)[1][:, :, 0], classes=wcc.classes_
                )
            )
    covs = np.array(covs)
    assert covs.mean() >= 0.9 - 3 * covs.std(ddof=1) / np.sqrt(n_rep)


def test_default_weighter_tracks_true_ratio():
    pytest.importorskip("sklearn_datacentric.covariate_shift")
    rng = np.random.default_rng(0)
    Xc, yc = _gen(rng, 1000, 0.0)
    Xt, _ = _gen(rng, 1000, 1.0)
    wcr = WeightedConformalRegressor(random_state=0).fit(Xc, yc, X_target=Xt)
    assert type(wcr.weighter_).__name__ == "DiscriminativeDensityRatio"
    from scipy.stats import spearmanr

    w = wcr.calibration_weights_
    n_cal = wcr.n_calibration_
    assert w.shape == (n_cal,)
    # the estimated ratio ranks source points like the true one
    probe = np.linspace(-2, 2, 50)[:, None]
    rho = spearmanr(wcr.weighter_.predict_weights(probe), _ratio(probe)).statistic
    assert rho > 0.95


def test_sample_domain_path_equals_X_target_path():
    rng = np.random.default_rng(0)
    Xs, ys = _gen(rng, 300, 0.0)
    Xt, _ = _gen(rng, 100, 1.0)
    X, y, sd = pack_source_target(Xs, ys, Xt)
    a = WeightedConformalRegressor(weighting=_ratio, random_state=0).fit(
        Xs, ys, X_target=Xt
    )
    b = WeightedConformalRegressor(weighting=_ratio, random_state=0).fit(
        X, y, sample_domain=sd
    )
    np.testing.assert_array_equal(a.calibration_scores_, b.calibration_scores_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InfiniteIntervalWarning)
        np.testing.assert_allclose(
            a.predict_interval(Xt)[1][:, :, 0], b.predict_interval(Xt)[1][:, :, 0]
        )


def test_bad_target_and_no_target():
    rng = np.random.default_rng(0)
    Xs, ys = _gen(rng, 100, 0.0)
    with pytest.raises(ValueError, match="X_target has 2 features"):
        WeightedConformalRegressor(random_state=0).fit(Xs, ys, X_target=np.ones((5, 2)))
    with pytest.raises(ValueError, match="not both"):
        WeightedConformalRegressor(random_state=0).fit(
            Xs, ys, X_target=Xs[:5], sample_domain=np.ones(100, dtype=int)
        )
    with pytest.warns(UserWarning, match="no covariate shift"):
        w = WeightedConformalRegressor(random_state=0).fit(Xs, ys)
    assert np.all(w.calibration_weights_ == 1.0)
    s = SplitConformalRegressor(random_state=0).fit(Xs, ys)
    np.testing.assert_allclose(
        w.predict_interval(Xs[:5])[1][:, :, 0], s.predict_interval(Xs[:5])[1][:, :, 0]
    )


def test_callable_returning_bad_weights():
    rng = np.random.default_rng(0)
    Xs, ys = _gen(rng, 100, 0.0)
    with pytest.raises(ValueError, match="negative"):
        WeightedConformalRegressor(
            weighting=lambda X: -np.ones(len(X)), random_state=0
        ).fit(Xs, ys, X_target=Xs[:10])
    with pytest.raises(ValueError, match="returned 3 weights"):
        WeightedConformalRegressor(weighting=lambda X: np.ones(3), random_state=0).fit(
            Xs, ys, X_target=Xs[:10]
        )


def test_conformalize_equals_prefit_fit():
    rng = np.random.default_rng(0)
    Xs, ys = _gen(rng, 400, 0.0)
    Xt, _ = _gen(rng, 100, 1.0)
    a = WeightedConformalRegressor(weighting=_ratio, random_state=0).fit(
        Xs, ys, X_target=Xt
    )
    Xc, yc = _gen(rng, 150, 0.0)
    a.conformalize(Xc, yc, X_target=Xt)
    b = WeightedConformalRegressor(a.estimator_, prefit=True, weighting=_ratio)
    b.fit(Xc, yc, X_target=Xt)
    np.testing.assert_array_equal(a.calibration_scores_, b.calibration_scores_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InfiniteIntervalWarning)
        np.testing.assert_array_equal(
            a.predict_interval(Xt)[1][:, :, 0], b.predict_interval(Xt)[1][:, :, 0]
        )
    with pytest.raises(ValueError, match="X_target has 3 features"):
        a.conformalize(Xc, yc, X_target=np.ones((4, 3)))
