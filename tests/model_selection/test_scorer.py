"""ImportanceWeightedScorer: IWCV risk estimates and GridSearchCV use."""

import numpy as np
import pytest
import sklearn
from scipy.stats import norm
from sklearn.base import BaseEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from sklearn_datacentric.covariate_shift import (
    DiscriminativeDensityRatio,
    ImportanceWeightedRegressor,
)
from sklearn_datacentric.label_shift import LabelShiftWeighter
from sklearn_datacentric.model_selection import ImportanceWeightedScorer
from sklearn_datacentric.utils import pack_source_target


def _regression(rng, n, mean):
    # x ~ N(mean, 1): source mean 0, target mean 1; the log density ratio is
    # linear in x, so the default (log-linear) density-ratio model is right
    X = rng.normal(mean, 1.0, size=(n, 1))
    return X, np.sin(1.5 * X[:, 0]) + 0.5 * X[:, 0] ** 2 + rng.normal(0, 0.1, n)


def test_weighted_risk_estimate_is_closer_to_the_target_risk():
    # IWCV is unbiased for the target risk given the importance weights: on
    # held-out source rows, the weighted MSE of a fixed (misspecified) model
    # is closer to its true target MSE than the plain MSE, on average over
    # fixed seeds and in most of them, for both layouts
    err = {"plain": [], "prefit": [], "stacked": []}
    for seed in range(10):
        rng = np.random.default_rng(seed)
        X, y = _regression(rng, 600, 0.0)
        Xt, yt = _regression(rng, 400, 1.0)
        model = LinearRegression().fit(X[:300], y[:300])
        true = np.mean((model.predict(Xt) - yt) ** 2)
        Xv, yv = X[300:], y[300:]
        err["plain"].append(abs(np.mean((model.predict(Xv) - yv) ** 2) - true))
        weighter = DiscriminativeDensityRatio().fit(X, X_target=Xt)
        prefit = ImportanceWeightedScorer(
            weighter, scoring="neg_mean_squared_error", prefit=True
        )
        err["prefit"].append(abs(-prefit(model, Xv, yv) - true))
        Xa, ya, sd = pack_source_target(Xv, yv, Xt, y_target=np.zeros(len(Xt)))
        stacked = ImportanceWeightedScorer(scoring="neg_mean_squared_error")
        err["stacked"].append(abs(-stacked(model, Xa, ya, sample_domain=sd) - true))
    err = {k: np.asarray(v) for k, v in err.items()}
    for key in ("prefit", "stacked"):
        assert err[key].mean() < err["plain"].mean(), err
        assert np.sum(err[key] < err["plain"]) >= 6, err


class _KnownRatio(BaseEstimator):
    """The exact density ratio N(2, 1/4^2) / N(1, 1/2^2) (Sugiyama's toy)."""

    def fit(self, X, y=None):
        self.weights_ = self.predict_weights(X)
        return self

    def predict_weights(self, X):
        x = np.asarray(X)[:, 0]
        return norm.pdf(x, 2.0, 0.25) / norm.pdf(x, 1.0, 0.5)


def test_weighted_risk_estimate_is_unbiased_with_the_true_weights():
    # Sugiyama et al. (2007): with the exact importance weights the weighted
    # validation loss is (asymptotically, self-normalised) unbiased for the
    # target risk; the plain validation loss is biased under the shift
    iw, plain = [], []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        X = rng.normal(1.0, 0.5, size=(600, 1))
        y = np.sinc(X[:, 0]) + rng.normal(0, 0.1, 600)
        Xt = rng.normal(2.0, 0.25, size=(2000, 1))
        yt = np.sinc(Xt[:, 0]) + rng.normal(0, 0.1, 2000)
        model = LinearRegression().fit(X[:200], y[:200])
        true = np.mean((model.predict(Xt) - yt) ** 2)
        scorer = ImportanceWeightedScorer(
            _KnownRatio().fit(X), scoring="neg_mean_squared_error", prefit=True
        )
        iw.append(-scorer(model, X[200:], y[200:]) - true)
        plain.append(np.mean((model.predict(X[200:]) - y[200:]) ** 2) - true)
    iw, plain = np.asarray(iw), np.asarray(plain)
    se_iw = iw.std(ddof=1) / np.sqrt(iw.size)
    se_plain = plain.std(ddof=1) / np.sqrt(plain.size)
    assert abs(iw.mean()) < 3 * se_iw, iw  # no detectable bias
    assert abs(plain.mean()) > 3 * se_plain, plain  # clearly biased
    assert np.abs(iw).mean() < np.abs(plain).mean()


def test_label_shift_weighter_estimates_target_accuracy():
    # label shift: class 1 is rare in the target; the weighted accuracy of
    # held-out source rows (weights w_y) estimates the target accuracy
    gaps_plain, gaps_iw = [], []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        y = rng.integers(0, 2, 2000)
        X = rng.normal(y[:, None] * [1.0, 0.5], 1.0)
        yt = (rng.random(2000) < 0.1).astype(int)
        Xt = rng.normal(yt[:, None] * [1.0, 0.5], 1.0)
        # an intercept-free model: its errors differ by class
        model = LogisticRegression(fit_intercept=False).fit(X[:1000], y[:1000])
        true = np.mean(model.predict(Xt) == yt)
        weighter = LabelShiftWeighter().fit(X, y, X_target=Xt)
        scorer = ImportanceWeightedScorer(weighter, scoring="accuracy", prefit=True)
        gaps_iw.append(abs(scorer(model, X[1000:], y[1000:]) - true))
        gaps_plain.append(abs(model.score(X[1000:], y[1000:]) - true))
    assert np.mean(gaps_iw) < np.mean(gaps_plain) / 2, (gaps_iw, gaps_plain)


def test_grid_search_prefit_and_stacked_layouts():
    rng = np.random.default_rng(0)
    X, y = _regression(rng, 300, 0.0)
    Xt, _ = _regression(rng, 300, 1.0)
    weighter = DiscriminativeDensityRatio().fit(X, X_target=Xt)
    scorer = ImportanceWeightedScorer(
        weighter, scoring="neg_mean_squared_error", prefit=True
    )
    cv = KFold(5, shuffle=True, random_state=0)
    search = GridSearchCV(Ridge(), {"alpha": [0.1, 10.0]}, scoring=scorer, cv=cv)
    search.fit(X, y)
    # the search's scores are the scorer's on each validation fold
    tr, te = next(cv.split(X))
    m = Ridge(alpha=0.1).fit(X[tr], y[tr])
    np.testing.assert_allclose(
        search.cv_results_["split0_test_score"][0], scorer(m, X[te], y[te])
    )
    # stacked layout through metadata routing
    Xa, ya, sd = pack_source_target(X, y, Xt, y_target=np.zeros(len(Xt)))
    with sklearn.config_context(enable_metadata_routing=True):
        est = ImportanceWeightedRegressor(Ridge()).set_fit_request(sample_domain=True)
        search = GridSearchCV(
            est,
            {"estimator__alpha": [0.1, 10.0]},
            scoring=ImportanceWeightedScorer(scoring="neg_mean_squared_error"),
            cv=cv,
        )
        search.fit(Xa, ya, sample_domain=sd)
        assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
        scores = cross_val_score(
            est,
            Xa,
            ya,
            cv=cv,
            scoring=ImportanceWeightedScorer(),
            params={"sample_domain": sd},
        )
        assert np.all(np.isfinite(scores))


def test_bad_input():
    rng = np.random.default_rng(1)
    X, y = _regression(rng, 100, 0.0)
    model = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="no target rows.*sample_domain"):
        ImportanceWeightedScorer()(model, X, y)
    with pytest.raises(ValueError, match="not fitted|fit"):
        ImportanceWeightedScorer(DiscriminativeDensityRatio(), prefit=True)(model, X, y)
    Xa, ya, sd = pack_source_target(X, y, X + 1, y_target=np.zeros(100))
    with pytest.raises(ValueError, match="sample_domain has shape"):
        ImportanceWeightedScorer()(model, Xa, ya, sample_domain=sd[:-1])
    X_copy = Xa.copy()
    ImportanceWeightedScorer()(model, Xa, ya, sample_domain=sd)
    np.testing.assert_array_equal(Xa, X_copy)


def test_score_is_the_metric_with_the_importance_weights():
    rng = np.random.default_rng(2)
    X, y = _regression(rng, 200, 0.0)
    Xt, _ = _regression(rng, 200, 1.0)
    model = LinearRegression().fit(X, y)
    weighter = DiscriminativeDensityRatio().fit(X, X_target=Xt)
    scorer = ImportanceWeightedScorer(
        weighter, scoring="neg_mean_squared_error", prefit=True
    )
    w = weighter.predict_weights(X)
    sq = (model.predict(X) - y) ** 2
    np.testing.assert_allclose(scorer(model, X, y), -np.sum(w * sq) / np.sum(w))
    # a prior sample_weight multiplies the importance weights
    prior = rng.uniform(0.5, 2.0, 200)
    np.testing.assert_allclose(
        scorer(model, X, y, sample_weight=prior),
        -np.sum(prior * w * sq) / np.sum(prior * w),
    )
    # scoring=None: the estimator's own (weighted) score
    r2 = ImportanceWeightedScorer(weighter, prefit=True)(model, X, y)
    np.testing.assert_allclose(r2, model.score(X, y, sample_weight=w))
    weights, rows = scorer.weights(X, y)
    np.testing.assert_allclose(weights, w)
    np.testing.assert_array_equal(rows, np.arange(200))
