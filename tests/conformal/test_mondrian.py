"""Mondrian (group-conditional) calibration: per-group coverage and bad input."""

import math
import warnings

import numpy as np
import pytest
from scipy.stats import beta as beta_dist
from sklearn.linear_model import LinearRegression, LogisticRegression

from sklearn_datacentric.conformal import (
    InfiniteIntervalWarning,
    LRQRConformalRegressor,
    SplitConformalClassifier,
    SplitConformalRegressor,
    WeightedConformalRegressor,
)
from sklearn_datacentric.metrics import (
    classification_coverage_score,
    regression_coverage_score,
)


def _band(n_cal, level, n_test, n_rep, z=4.0):
    k = math.ceil((n_cal + 1) * level)
    a, b = k, n_cal + 1 - k
    mean = a / (a + b)
    var_c = beta_dist(a, b).var()
    var_one = var_c + (mean * (1 - mean) - var_c) / n_test
    return mean, z * math.sqrt(var_one / n_rep)


def _grouped(rng, n):
    """Group 1 is four times noisier than group 0."""
    X = rng.normal(size=(n, 2))
    g = rng.integers(0, 2, n)
    y = X[:, 0] + rng.normal(size=n) * np.where(g == 1, 2.0, 0.5)
    return X, y, g


def test_mondrian_coverage_in_band_within_every_group():
    """Exactly 99 calibration rows per group: the Beta law holds per group."""
    level, n_cal, n_test, n_rep = 0.9, 99, 200, 150
    rng = np.random.default_rng(0)
    X, y, _ = _grouped(rng, 400)
    model = LinearRegression().fit(X, y)
    cov = {0: [], 1: []}
    cov_plain = {0: [], 1: []}
    for r in range(n_rep):
        rr = np.random.default_rng(100 + r)
        Xc, yc, gc = _grouped(rr, 4 * n_cal)
        keep = np.concatenate(
            [np.flatnonzero(gc == 0)[:n_cal], np.flatnonzero(gc == 1)[:n_cal]]
        )
        Xc, yc, gc = Xc[keep], yc[keep], gc[keep]
        Xt, yt, gt = _grouped(rr, 2 * n_test)
        est = SplitConformalRegressor(model, prefit=True, confidence_level=level)
        est.conformalize(Xc, yc, groups=gc)
        plain = SplitConformalRegressor(model, prefit=True, confidence_level=level)
        plain.conformalize(Xc, yc)
        _, iv = est.predict_interval(Xt, groups=gt)
        _, iv_plain = plain.predict_interval(Xt)
        for g in (0, 1):
            m = gt == g
            cov[g].append(regression_coverage_score(yt[m], iv[m])[0])
            cov_plain[g].append(regression_coverage_score(yt[m], iv_plain[m])[0])
    for g in (0, 1):
        mean, half = _band(n_cal, level, n_test, n_rep)
        assert abs(np.mean(cov[g]) - mean) < half, (g, np.mean(cov[g]), mean, half)
    # one threshold for both groups under-covers the noisy one
    assert np.mean(cov_plain[1]) < level - 0.05


def test_mondrian_classification_per_group_coverage():
    rng = np.random.default_rng(1)
    n = 6000
    X = rng.normal(size=(n, 2))
    g = rng.integers(0, 3, n)
    flip = rng.uniform(size=n) < np.array([0.0, 0.2, 0.4])[g]
    y = np.where(flip, rng.integers(0, 2, n), (X[:, 0] > 0).astype(int))
    clf = LogisticRegression().fit(X[:1000], y[:1000])
    est = SplitConformalClassifier(clf, prefit=True, confidence_level=0.9)
    est.conformalize(X[1000:3000], y[1000:3000], groups=g[1000:3000])
    assert est.group_thresholds_.shape == (3, 1, 2)
    _, sets = est.predict_set(X[3000:], groups=g[3000:])
    for k in range(3):
        m = g[3000:] == k
        cov = classification_coverage_score(y[3000:][m], sets[m])[0]
        assert cov > 0.9 - 4 * math.sqrt(0.09 / m.sum()), (k, cov)
    # the noisiest group needs larger sets
    size = sets[:, :, 0].sum(axis=1)
    assert size[g[3000:] == 2].mean() > size[g[3000:] == 0].mean()


def test_unseen_group_and_missing_groups_are_clear_errors():
    rng = np.random.default_rng(2)
    X, y, g = _grouped(rng, 300)
    labels = np.where(g == 0, "north", "south")
    est = SplitConformalRegressor(random_state=0).fit(X, y, groups=labels)
    np.testing.assert_array_equal(est.groups_, ["north", "south"])
    with pytest.raises(ValueError, match=r"\['east'\] never seen at calibration"):
        est.predict_interval(X[:3], groups=["north", "east", "south"])
    with pytest.raises(ValueError, match="pass groups="):
        est.predict_interval(X[:3])
    with pytest.raises(ValueError, match="2 labels for 3 rows"):
        est.predict_interval(X[:3], groups=["north", "south"])
    plain = SplitConformalRegressor(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="calibrated without groups"):
        plain.predict_interval(X[:3], groups=["north"] * 3)
    with pytest.raises(ValueError, match="groups has 299 labels for 300 rows"):
        SplitConformalRegressor().fit(X, y, groups=labels[:-1])
    with pytest.raises(ValueError, match="does not support Mondrian"):
        LRQRConformalRegressor().fit(X, y, X_target=X[:50], groups=labels)


def test_too_few_rows_in_a_group_gives_infinite_intervals_naming_it():
    rng = np.random.default_rng(3)
    X, y, _ = _grouped(rng, 400)
    model = LinearRegression().fit(X[:200], y[:200])
    g = np.array(["big"] * 195 + ["tiny"] * 5)
    with pytest.warns(InfiniteIntervalWarning, match=r"'tiny' \(5 rows\)"):
        est = SplitConformalRegressor(model, prefit=True).conformalize(
            X[200:], y[200:], groups=g
        )
    gt = np.array(["big", "tiny", "big"])
    with pytest.warns(InfiniteIntervalWarning, match="1 of 3"):
        _, iv = est.predict_interval(X[:3], groups=gt)
    assert np.isfinite(iv[[0, 2]]).all()
    assert np.isneginf(iv[1, 0, 0]) and np.isposinf(iv[1, 1, 0])


def _shifted_grouped(rng, n, mean):
    X = rng.normal(mean, 1.0, size=(n, 1))
    g = rng.integers(0, 2, n)
    # noise grows with x in group 1 only: the shift toward large x matters
    sd = np.where(g == 1, 0.3 + np.abs(X[:, 0]), 0.5)
    y = X[:, 0] + rng.normal(size=n) * sd
    return X, y, g


def test_weighted_mondrian_covers_every_group_under_shift():
    """Known ratio N(1, 1) / N(0, 1); the weighted quantile within each group."""
    level, n_rep = 0.9, 60
    rng = np.random.default_rng(4)
    X, y, _ = _shifted_grouped(rng, 400, 0.0)
    model = LinearRegression().fit(X, y)

    def ratio(Z):
        return np.exp(Z[:, 0] - 0.5)

    cov_w = {0: [], 1: []}
    cov_s = {0: [], 1: []}
    for r in range(n_rep):
        rr = np.random.default_rng(200 + r)
        Xc, yc, gc = _shifted_grouped(rr, 600, 0.0)
        Xt, yt, gt = _shifted_grouped(rr, 600, 1.0)
        w = WeightedConformalRegressor(
            model, prefit=True, weighting=ratio, confidence_level=level
        ).conformalize(Xc, yc, X_target=Xt, groups=gc)
        s = SplitConformalRegressor(model, prefit=True, confidence_level=level)
        s.conformalize(Xc, yc, groups=gc)
        with warnings.catch_warnings():
            # far target points (large weight) get infinite bounds: counted
            warnings.simplefilter("ignore", InfiniteIntervalWarning)
            _, iv_w = w.predict_interval(Xt, groups=gt)
        _, iv_s = s.predict_interval(Xt, groups=gt)
        for g in (0, 1):
            m = gt == g
            cov_w[g].append(regression_coverage_score(yt[m], iv_w[m])[0])
            cov_s[g].append(regression_coverage_score(yt[m], iv_s[m])[0])
    for g in (0, 1):
        se = np.std(cov_w[g], ddof=1) / math.sqrt(n_rep)
        assert np.mean(cov_w[g]) > level - 4 * se, (g, np.mean(cov_w[g]))
    # unweighted Mondrian under-covers the group whose noise the shift reaches
    assert np.mean(cov_s[1]) < level - 0.03
    assert np.mean(cov_w[1]) > np.mean(cov_s[1]) + 0.03


def test_weighted_mondrian_uses_only_the_groups_calibration_rows():
    """With unit weights, weighted Mondrian equals split Mondrian."""
    rng = np.random.default_rng(5)
    X, y, g = _grouped(rng, 500)
    model = LinearRegression().fit(X[:200], y[:200])
    w = WeightedConformalRegressor(
        model,
        prefit=True,
        weighting=lambda Z: np.ones(len(Z)),
        confidence_level=[0.8, 0.9],
    ).conformalize(X[200:], y[200:], X_target=X[:50], groups=g[200:])
    s = SplitConformalRegressor(
        model, prefit=True, confidence_level=[0.8, 0.9]
    ).conformalize(X[200:], y[200:], groups=g[200:])
    # weighted quantile with the test point's mass at +inf: the rank
    # ceil((n + 1) level), the split-conformal one
    np.testing.assert_allclose(
        w.predict_interval(X[:40], groups=g[:40])[1],
        s.predict_interval(X[:40], groups=g[:40])[1],
    )


def test_weighted_mondrian_small_group_warning_names_it():
    rng = np.random.default_rng(6)
    X, y, _ = _grouped(rng, 400)
    model = LinearRegression().fit(X[:200], y[:200])
    g = np.array(["big"] * 195 + ["tiny"] * 5)
    w = WeightedConformalRegressor(
        model, prefit=True, weighting=lambda Z: np.ones(len(Z))
    ).conformalize(X[200:], y[200:], X_target=X[:20], groups=g)
    with pytest.warns(InfiniteIntervalWarning, match=r"'tiny' \(5 calibration rows"):
        _, iv = w.predict_interval(X[:2], groups=["tiny", "big"])
    assert np.isinf(iv[0]).all() and np.isfinite(iv[1]).all()
