"""Split conformal: coverage inside its binomial band, API, bad input."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta as beta_dist
from sklearn.datasets import make_classification
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, QuantileRegressor
from sklearn.svm import SVC
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_datacentric.conformal import (
    InfiniteIntervalWarning,
    SplitConformalClassifier,
    SplitConformalRegressor,
    conformal_quantile,
    n_calibration_required,
)
from sklearn_datacentric.metrics import (
    classification_coverage_score,
    regression_coverage_score,
)


def _reg_data(rng, n):
    X = rng.normal(size=(n, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.standard_t(df=3, size=n) * (
        1 + np.abs(X[:, 0])
    )
    return X, y


def _band(n_cal, level, n_test, n_rep, z=4.0):
    """Mean and half-width of the band of the mean coverage over repetitions.

    Conditional on the calibration set, split-conformal coverage is
    Beta(k, n + 1 - k) with k = ceil((n + 1) level) (continuous scores); the
    empirical coverage of n_test test points adds binomial noise.
    """
    k = math.ceil((n_cal + 1) * level)
    a, b = k, n_cal + 1 - k
    mean = a / (a + b)
    var_c = beta_dist(a, b).var()
    var_one = var_c + (mean * (1 - mean) - var_c) / n_test
    return mean, z * math.sqrt(var_one / n_rep), var_one


def test_conformal_quantile_rank_and_infinite():
    s = np.arange(1.0, 10.0)  # 9 scores
    # (9 + 1) * 0.9 = 9 -> 9th smallest
    assert conformal_quantile(s, 0.9) == 9.0
    assert conformal_quantile(s, 0.8) == 8.0
    # (9 + 1) * 0.95 = 9.5 -> rank 10 > 9: no finite bound
    assert np.isinf(conformal_quantile(s, 0.95))
    assert n_calibration_required(0.9) == 9
    assert n_calibration_required(0.95) == 19


@pytest.mark.parametrize("level", [0.8, 0.9])
def test_split_regression_coverage_in_binomial_band(level):
    n_cal, n_test, n_rep = 99, 400, 200
    covs = []
    for seed in range(n_rep):
        rng = np.random.default_rng(seed)
        X, y = _reg_data(rng, 200 + n_cal + n_test)
        model = LinearRegression().fit(X[:200], y[:200])
        scr = SplitConformalRegressor(model, confidence_level=level, prefit=True)
        scr.fit(X[200 : 200 + n_cal], y[200 : 200 + n_cal])
        iv = scr.predict_interval(X[200 + n_cal :])[1][:, :, 0]
        covs.append(regression_coverage_score(y[200 + n_cal :], iv))
    covs = np.array(covs)
    mean, half, var_one = _band(n_cal, level, n_test, n_rep)
    assert abs(covs.mean() - mean) < half, (covs.mean(), mean, half)
    # the spread across calibration sets follows the Beta law too
    ratio = covs.var(ddof=1) / var_one
    assert 0.6 < ratio < 1.5, ratio


def test_split_classification_coverage_in_binomial_band():
    # the guarantee holds conditionally on the fitted model: fit it once and
    # redraw calibration and test sets
    n_cal, n_test, n_rep, level = 149, 400, 200, 0.9
    X, y = make_classification(
        n_samples=300 + n_rep * (n_cal + n_test),
        n_features=6,
        n_informative=4,
        n_classes=4,
        n_clusters_per_class=1,
        class_sep=0.8,
        random_state=0,
    )
    clf = LogisticRegression(max_iter=500).fit(X[:300], y[:300])
    covs = []
    for r in range(n_rep):
        start = 300 + r * (n_cal + n_test)
        Xc, yc = X[start : start + n_cal], y[start : start + n_cal]
        Xt = X[start + n_cal : start + n_cal + n_test]
        yt = y[start + n_cal : start + n_cal + n_test]
        scc = SplitConformalClassifier(clf, confidence_level=level, prefit=True)
        sets = scc.fit(Xc, yc).predict_set(Xt)[1][:, :, 0]
        covs.append(classification_coverage_score(yt, sets, classes=scc.classes_))
    covs = np.array(covs)
    mean, half, var_one = _band(n_cal, level, n_test, n_rep)
    # probabilities are continuous, so score ties have probability zero
    assert abs(covs.mean() - mean) < half, (covs.mean(), mean, half)
    assert 0.6 < covs.var(ddof=1) / var_one < 1.5


def test_internal_split_fits_on_training_part_only():
    rng = np.random.default_rng(0)
    X, y = _reg_data(rng, 300)
    scr = SplitConformalRegressor(calibration_size=0.25, random_state=0).fit(X, y)
    assert scr.n_calibration_ == 75
    assert scr.estimator_.coef_.shape == (3,)
    # the threshold is a calibration score of the held-out part
    assert scr.threshold_ in scr.calibration_scores_
    assert np.isclose(scr.threshold_, conformal_quantile(scr.calibration_scores_, 0.9))


def test_conformalize_matches_prefit():
    rng = np.random.default_rng(1)
    X, y = _reg_data(rng, 400)
    model = LinearRegression().fit(X[:200], y[:200])
    a = SplitConformalRegressor(model, prefit=True).fit(X[200:300], y[200:300])
    b = SplitConformalRegressor(random_state=0).fit(X[:200], y[:200])
    b.estimator_ = model
    b.score_.estimator_ = model
    b.conformalize(X[200:300], y[200:300])
    assert a.threshold_ == b.threshold_


def test_cqr_intervals_and_coverage():
    covs = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        X, y = _reg_data(rng, 1500)
        scr = SplitConformalRegressor(
            GradientBoostingRegressor(
                loss="quantile", n_estimators=30, max_depth=2, random_state=0
            ),
            conformity_score="cqr",
            confidence_level=0.9,
            calibration_size=500,
            random_state=seed,
        ).fit(X[:1000], y[:1000])
        lo, hi = scr.estimator_
        assert (lo.alpha, hi.alpha) == pytest.approx((0.05, 0.95))
        iv = scr.predict_interval(X[1000:])[1][:, :, 0]
        assert np.all(iv[:, 0] <= iv[:, 1])
        covs.append(regression_coverage_score(y[1000:], iv))
    mean, half, _ = _band(500, 0.9, 500, 20)
    assert abs(np.mean(covs) - mean) < half


def test_cqr_prefit_pair_and_bad_estimator():
    rng = np.random.default_rng(0)
    X, y = _reg_data(rng, 300)
    lo = QuantileRegressor(quantile=0.05, alpha=0).fit(X[:150], y[:150])
    hi = QuantileRegressor(quantile=0.95, alpha=0).fit(X[:150], y[:150])
    scr = SplitConformalRegressor((lo, hi), conformity_score="cqr", prefit=True).fit(
        X[150:], y[150:]
    )
    assert scr.predict_interval(X[:5])[1][:, :, 0].shape == (5, 2)
    with pytest.raises(ValueError, match="quantile regressor"):
        SplitConformalRegressor(LinearRegression(), conformity_score="cqr").fit(X, y)
    with pytest.raises(ValueError, match=r"estimator=\(lower, upper\)"):
        SplitConformalRegressor(lo, conformity_score="cqr", prefit=True).fit(X, y)


def test_too_small_calibration_gives_infinite_bounds_with_warning():
    rng = np.random.default_rng(0)
    X, y = _reg_data(rng, 100)
    model = LinearRegression().fit(X, y)
    with pytest.warns(InfiniteIntervalWarning, match="at least 19"):
        scr = SplitConformalRegressor(model, confidence_level=0.95, prefit=True)
        scr.fit(X[:10], y[:10])
    with pytest.warns(InfiniteIntervalWarning):
        iv = scr.predict_interval(X[:4])[1][:, :, 0]
    assert np.all(np.isneginf(iv[:, 0])) and np.all(np.isposinf(iv[:, 1]))
    clf = LogisticRegression().fit(X, y > 0)
    with pytest.warns(InfiniteIntervalWarning):
        scc = SplitConformalClassifier(clf, prefit=True, confidence_level=0.95).fit(
            X[:10], y[:10] > 0
        )
    with pytest.warns(InfiniteIntervalWarning):
        assert scc.predict_set(X[:3])[1][:, :, 0].all()


@pytest.mark.parametrize("level", [0.0, 1.0, -0.1, 1.5, "0.9"])
def test_confidence_level_outside_unit_interval(level):
    rng = np.random.default_rng(0)
    X, y = _reg_data(rng, 50)
    with pytest.raises(InvalidParameterError, match="confidence_level"):
        SplitConformalRegressor(confidence_level=level).fit(X, y)


def test_nan_predictions_raise():
    class NaNModel(LinearRegression):
        def predict(self, X):
            out = super().predict(X)
            out[0] = np.nan
            return out

    rng = np.random.default_rng(0)
    X, y = _reg_data(rng, 60)
    with pytest.raises(ValueError, match="NaN or infinite"):
        SplitConformalRegressor(NaNModel(), random_state=0).fit(X, y)


def test_bad_estimators():
    rng = np.random.default_rng(0)
    X, y = _reg_data(rng, 60)
    with pytest.raises(ValueError, match="not fitted"):
        SplitConformalRegressor(LinearRegression(), prefit=True).fit(X, y)
    with pytest.raises(TypeError, match="predict_proba"):
        SplitConformalClassifier(SVC(), random_state=0).fit(X, y > 0)
    clf = LogisticRegression().fit(X, (y > 0).astype(int))
    with pytest.raises(ValueError, match="not among the classes"):
        SplitConformalClassifier(clf, prefit=True).fit(X, np.full(60, 7))


def test_pandas_in_pandas_out():
    rng = np.random.default_rng(0)
    X, y = _reg_data(rng, 200)
    df = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(100, 300))
    scr = SplitConformalRegressor(random_state=0).fit(df, y)
    y_pred, y_pis = scr.predict_interval(df.iloc[:5])
    # MAPIE 1.x layout: arrays (a 3-D array has no DataFrame form)
    assert isinstance(y_pis, np.ndarray) and y_pis.shape == (5, 2, 1)
    np.testing.assert_allclose(y_pred, scr.predict(df.iloc[:5]))
    assert list(scr.feature_names_in_) == ["a", "b", "c"]
    scc = SplitConformalClassifier(random_state=0).fit(
        df, np.where(y > 0, "pos", "neg")
    )
    y_pred, sets = scc.predict_set(df.iloc[:3])
    assert list(scc.classes_) == ["neg", "pos"] and set(y_pred) <= {"neg", "pos"}
    assert sets.dtype == bool and sets.shape == (3, 2, 1)


def test_inputs_not_modified():
    rng = np.random.default_rng(0)
    X, y = _reg_data(rng, 100)
    X0, y0 = X.copy(), y.copy()
    SplitConformalRegressor(random_state=0).fit(X, y).predict_interval(X)[1][:, :, 0]
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
