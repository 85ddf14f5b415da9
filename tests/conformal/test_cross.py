"""Cross-conformal prediction: MAPIE parity, coverage bands, shift, Mondrian."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, LeaveOneOut, ShuffleSplit

from sklearn_datacentric.conformal import (
    BootstrapSplit,
    CrossConformalClassifier,
    CrossConformalRegressor,
    InfiniteIntervalWarning,
    WeightedCrossConformalClassifier,
    WeightedCrossConformalRegressor,
)
from sklearn_datacentric.conformal._cross import (
    _upper_rank_quantile,
    _weighted_upper_quantile,
)
from sklearn_datacentric.utils import pack_source_target

LEVELS = [0.8, 0.9, 0.95]


def _reg_data(seed=0, n=199, n_test=50):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n + n_test, 3))
    y = X @ np.array([1.0, 2.0, 0.0]) + rng.normal(size=n + n_test)
    return X[:n], y[:n], X[n:]


def _gen(rng, n, mu):
    x = rng.normal(mu, 1.0, size=(n, 1))
    y = x[:, 0] + (0.2 + np.abs(x[:, 0])) * rng.normal(size=n)
    return x, y


def _ratio(X):  # N(1, 1) / N(0, 1), up to a constant
    return np.exp(X[:, 0] - 0.5)


def _covered(y, pis, j=0):
    return (y >= pis[:, 0, j]) & (y <= pis[:, 1, j])


# ----------------------------------------------------------------------------
# quantile helpers
# ----------------------------------------------------------------------------
def test_rank_quantile_matches_sorting():
    rng = np.random.default_rng(0)
    V = rng.normal(size=(7, 19))
    q = _upper_rank_quantile(V, [0.5, 0.9, 0.96])
    S = np.sort(V, axis=1)
    np.testing.assert_array_equal(q[:, 0], S[:, 9])  # ceil(20 * 0.5) = 10
    np.testing.assert_array_equal(q[:, 1], S[:, 17])  # ceil(20 * 0.9) = 18
    assert np.all(np.isposinf(q[:, 2]))  # ceil(20 * 0.96) = 20 > 19


def test_weighted_quantile_unit_weights_and_brute_force():
    rng = np.random.default_rng(1)
    V = rng.normal(size=(6, 25))
    levels = [0.7, 0.9]
    ones = np.ones(25)
    np.testing.assert_array_equal(
        _weighted_upper_quantile(V, ones, np.ones(6), levels),
        _upper_rank_quantile(V, levels),
    )
    wc, wt = rng.exponential(size=25), rng.exponential(size=6)
    got = _weighted_upper_quantile(V, wc, wt, levels)
    for j in range(6):
        vals = np.append(V[j], np.inf)
        p = np.append(wc, wt[j]) / (wc.sum() + wt[j])
        order = np.argsort(vals)
        cum = np.cumsum(p[order])
        for c, lv in enumerate(levels):
            assert got[j, c] == vals[order][np.flatnonzero(cum >= lv - 1e-12)[0]]


# ----------------------------------------------------------------------------
# parity with MAPIE 1.6
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["plus", "minmax", "base"])
@pytest.mark.parametrize("cv", [KFold(5, shuffle=True, random_state=1), LeaveOneOut()])
def test_regressor_equals_mapie_cross(method, cv):
    mapie_reg = pytest.importorskip("mapie.regression")
    # n = 58 for leave-one-out: where (n + 1) * level is an exact integer
    # (n = 59, level 0.95) MAPIE's floating-point alpha arithmetic moves its
    # lower rank by one (57.000...03 -> 58); ours is the paper's exact rank
    X, y, Xt = _reg_data(n=199 if isinstance(cv, KFold) else 58)
    ours = CrossConformalRegressor(
        Ridge(), confidence_level=LEVELS, method=method, cv=cv
    ).fit(X, y)
    ref = mapie_reg.CrossConformalRegressor(
        Ridge(), confidence_level=LEVELS, method=method, cv=cv
    ).fit_conformalize(X, y)
    y_pred, y_pis = ours.predict_interval(Xt)
    r_pred, r_pis = ref.predict_interval(Xt)
    assert y_pis.shape == (len(Xt), 2, len(LEVELS))
    np.testing.assert_allclose(y_pred, r_pred, rtol=0, atol=1e-12)
    np.testing.assert_allclose(y_pis, r_pis, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        ours.conformity_scores_, ref.conformity_scores, atol=1e-12
    )


@pytest.mark.parametrize("method", ["plus", "minmax"])
@pytest.mark.parametrize("agg", ["mean", "median"])
def test_regressor_equals_mapie_jackknife_after_bootstrap(method, agg):
    mapie_reg = pytest.importorskip("mapie.regression")
    from mapie.subsample import Subsample

    X, y, Xt = _reg_data(seed=2)
    cv = Subsample(n_resamplings=20, random_state=3)
    ours = CrossConformalRegressor(
        Ridge(), confidence_level=LEVELS, method=method, cv=cv, aggregation_method=agg
    ).fit(X, y)
    ref = mapie_reg.JackknifeAfterBootstrapRegressor(
        Ridge(),
        confidence_level=LEVELS,
        method=method,
        resampling=cv,
        aggregation_method=agg,
    ).fit_conformalize(X, y)
    y_pred, y_pis = ours.predict_interval(Xt)
    r_pred, r_pis = ref.predict_interval(Xt)
    np.testing.assert_allclose(y_pred, r_pred, rtol=0, atol=1e-12)
    np.testing.assert_allclose(y_pis, r_pis, rtol=0, atol=1e-12)


@pytest.mark.parametrize("agg", ["mean", "crossval"])
def test_classifier_equals_mapie_cross(agg):
    mapie_clf = pytest.importorskip("mapie.classification")
    X, y = make_classification(
        500, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    X, Xt, y = X[:400], X[400:], y[:400]
    cv = KFold(5, shuffle=True, random_state=1)
    levels = [0.8, 0.9]
    ours = CrossConformalClassifier(
        LogisticRegression(), confidence_level=levels, cv=cv, agg_scores=agg
    ).fit(X, y)
    ref = mapie_clf.CrossConformalClassifier(
        LogisticRegression(), confidence_level=levels, cv=cv
    ).fit_conformalize(X, y)
    y_pred, y_pss = ours.predict_set(Xt)
    r_pred, r_pss = ref.predict_set(Xt, agg_scores=agg)
    assert y_pss.shape == (len(Xt), 3, 2) and y_pss.dtype == bool
    np.testing.assert_array_equal(y_pred, r_pred)
    # n = 400: MAPIE's crossval rank ceil(alpha (n - 1)) equals the paper's
    # floor(alpha (n + 1)) at both levels, so the sets agree exactly
    np.testing.assert_array_equal(y_pss, r_pss)
    np.testing.assert_allclose(
        ours.conformity_scores_, np.ravel(ref.conformity_scores), atol=1e-12
    )


# ----------------------------------------------------------------------------
# coverage on exchangeable data (fixed seeds, bands over repeated draws)
# ----------------------------------------------------------------------------
def _coverages(make, n, reps, n_test=200, mu_test=0.0, target=False):
    cov = []
    for r in range(reps):
        rng = np.random.default_rng(1000 + r)
        X, y = _gen(rng, n, 0.0)
        Xt, yt = _gen(rng, n_test, mu_test)
        kw = {"X_target": Xt} if target else {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InfiniteIntervalWarning)
            _, pis = make().fit(X, y, **kw).predict_interval(Xt)
        cov.append(np.mean(_covered(yt, pis)))
    cov = np.asarray(cov)
    return cov.mean(), cov.std(ddof=1) / np.sqrt(reps)


@pytest.mark.parametrize(
    "name, make, n, reps",
    [
        ("cv+", lambda: CrossConformalRegressor(cv=5, random_state=0), 100, 60),
        ("jackknife+", lambda: CrossConformalRegressor(cv=LeaveOneOut()), 40, 30),
        (
            "jackknife+-after-bootstrap",
            lambda: CrossConformalRegressor(cv=BootstrapSplit(20, random_state=0)),
            60,
            30,
        ),
    ],
)
def test_coverage_bands_exchangeable(name, make, n, reps):
    alpha = 0.1
    mean, se = _coverages(make, n, reps)
    # the theorem: at least 1 - 2 alpha (CV+: minus sqrt(2 / n))
    worst = 1 - 2 * alpha - (np.sqrt(2 / n) if name == "cv+" else 0.0)
    assert mean >= worst - 3 * se
    # in practice near 1 - alpha, within a rank 1 / (n + 1) above it
    assert 1 - alpha - 3 * se <= mean <= 1 - alpha + 1 / (n + 1) + 3 * se, (name, mean)


def test_weighted_cv_plus_keeps_coverage_under_shift():
    alpha = 0.1
    unweighted, se_u = _coverages(
        lambda: CrossConformalRegressor(cv=5, random_state=0), 150, 40, mu_test=1.0
    )
    weighted, se_w = _coverages(
        lambda: WeightedCrossConformalRegressor(weighting=_ratio, random_state=0),
        150,
        40,
        mu_test=1.0,
        target=True,
    )
    # unweighted CV+ loses coverage on the shifted target ...
    assert unweighted < 1 - alpha - 3 * se_u
    # ... the weighted one (true ratio) keeps it
    assert weighted >= 1 - alpha - 3 * se_w
    # with a ratio estimated from X_target (the default weighter) as well
    estimated, se_e = _coverages(
        lambda: WeightedCrossConformalRegressor(random_state=0),
        150,
        20,
        mu_test=1.0,
        target=True,
    )
    assert estimated >= 1 - alpha - 3 * se_e


def test_classifier_crossval_coverage_band():
    alpha = 0.1
    cov = []
    for r in range(20):
        X, y = make_classification(
            350, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
            flip_y=0.1, random_state=r,
        )  # fmt: skip
        clf = CrossConformalClassifier(agg_scores="crossval", random_state=r)
        _, pss = clf.fit(X[:150], y[:150]).predict_set(X[150:])
        idx = np.searchsorted(clf.classes_, y[150:])
        cov.append(pss[np.arange(200), idx, 0].mean())
    mean, se = np.mean(cov), np.std(cov, ddof=1) / np.sqrt(len(cov))
    assert mean >= 1 - 2 * alpha - 3 * se
    assert mean >= 1 - alpha - 3 * se


def test_weighted_unit_ratio_equals_unweighted():
    X, y, Xt = _reg_data(seed=4)
    levels = [0.8, 0.9]
    for method in ["plus", "minmax", "base"]:
        a = CrossConformalRegressor(
            confidence_level=levels, method=method, random_state=0
        ).fit(X, y)
        b = WeightedCrossConformalRegressor(
            confidence_level=levels,
            method=method,
            weighting=lambda Z: np.ones(len(Z)),
            random_state=0,
        ).fit(X, y, X_target=Xt)
        np.testing.assert_allclose(a.predict_interval(Xt)[1], b.predict_interval(Xt)[1])
    Xc, yc = make_classification(300, n_classes=3, n_informative=3, random_state=0)
    for agg in ["mean", "crossval"]:
        a = CrossConformalClassifier(confidence_level=levels, agg_scores=agg)
        b = WeightedCrossConformalClassifier(
            confidence_level=levels,
            agg_scores=agg,
            weighting=lambda Z: np.ones(len(Z)),
        )
        a.set_params(random_state=0).fit(Xc[:200], yc[:200])
        b.set_params(random_state=0).fit(Xc[:200], yc[:200], X_target=Xc[200:])
        np.testing.assert_array_equal(
            a.predict_set(Xc[200:])[1], b.predict_set(Xc[200:])[1]
        )


def test_sample_domain_path_equals_x_target_path():
    rng = np.random.default_rng(5)
    X, y = _gen(rng, 150, 0.0)
    Xt, _ = _gen(rng, 80, 1.0)
    a = WeightedCrossConformalRegressor(random_state=0).fit(X, y, X_target=Xt)
    Xs, ys, sd = pack_source_target(X, y, Xt)
    b = WeightedCrossConformalRegressor(random_state=0).fit(Xs, ys, sample_domain=sd)
    np.testing.assert_allclose(a.calibration_weights_, b.calibration_weights_)
    np.testing.assert_allclose(a.predict_interval(Xt)[1], b.predict_interval(Xt)[1])


# ----------------------------------------------------------------------------
# Mondrian groups
# ----------------------------------------------------------------------------
def _grouped(rng, n):
    g = rng.integers(0, 2, size=n)
    x = rng.normal(size=(n, 1))
    y = x[:, 0] + np.where(g == 1, 3.0, 0.3) * rng.normal(size=n)
    return x, y, g


def test_mondrian_per_group_coverage():
    alpha = 0.1
    cov = {0: [], 1: []}
    pooled = []
    for r in range(30):
        rng = np.random.default_rng(r)
        X, y, g = _grouped(rng, 200)
        Xt, yt, gt = _grouped(rng, 400)
        est = CrossConformalRegressor(random_state=r).fit(X, y, groups=g)
        _, pis = est.predict_interval(Xt, groups=gt)
        for lab in (0, 1):
            cov[lab].append(_covered(yt, pis)[gt == lab].mean())
        pooled_pis = CrossConformalRegressor(random_state=r).fit(X, y)
        pooled.append(_covered(yt, pooled_pis.predict_interval(Xt)[1])[gt == 1].mean())
        if r == 0:
            width = pis[:, 1, 0] - pis[:, 0, 0]
            assert width[gt == 1].min() > width[gt == 0].max()
    for lab in (0, 1):
        mean, se = np.mean(cov[lab]), np.std(cov[lab], ddof=1) / np.sqrt(30)
        # jackknife+ within the group: at least 1 - 2 alpha by the theorem,
        # and at least 1 - alpha in practice (group 0 is conservative: the
        # fold models vary more than its small noise)
        assert mean >= 1 - alpha - 3 * se, lab
    # without groups the noisy group under-covers
    mean, se = np.mean(pooled), np.std(pooled, ddof=1) / np.sqrt(30)
    assert mean < 1 - alpha - 3 * se


def test_mondrian_small_group_gives_infinite_bounds_and_warns():
    rng = np.random.default_rng(0)
    X, y = _gen(rng, 100, 0.0)
    g = np.zeros(100, dtype=int)
    g[:5] = 1  # 5 rows: ceil(6 * 0.9) = 6 > 5
    est = CrossConformalRegressor(random_state=0).fit(X, y, groups=g)
    gt = np.array([0, 1, 0, 1])
    with pytest.warns(InfiniteIntervalWarning, match="2 of 4"):
        _, pis = est.predict_interval(X[:4], groups=gt)
    assert np.all(np.isinf(pis[gt == 1]))
    assert np.all(np.isfinite(pis[gt == 0]))
    Xc, yc = make_classification(100, random_state=0)
    clf = CrossConformalClassifier(random_state=0).fit(Xc, yc, groups=g)
    with pytest.warns(InfiniteIntervalWarning):
        _, pss = clf.predict_set(Xc[:4], groups=gt)
    assert np.all(pss[gt == 1])


def test_mondrian_unseen_group_at_predict():
    rng = np.random.default_rng(0)
    X, y, g = _grouped(rng, 100)
    est = CrossConformalRegressor(random_state=0).fit(X, y, groups=g)
    with pytest.raises(ValueError, match=r"groups \[7\] at predict were not seen"):
        est.predict_interval(X[:3], groups=[0, 7, 1])
    with pytest.raises(ValueError, match="pass groups= at predict"):
        est.predict_interval(X[:3])


# ----------------------------------------------------------------------------
# bad input and conventions
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [[0.9, 1.5], [0.0], [0.8, "x"]])
def test_bad_confidence_level_is_named(bad):
    X, y, _ = _reg_data()
    with pytest.raises(ValueError, match="confidence_level .* not a number in"):
        CrossConformalRegressor(confidence_level=bad).fit(X, y)


def test_rows_never_held_out_are_an_error():
    X, y, _ = _reg_data()
    with pytest.raises(ValueError, match="never left out"):
        CrossConformalRegressor(cv=ShuffleSplit(1, random_state=0)).fit(X, y)
    Xc, yc = make_classification(100, random_state=0)
    with pytest.raises(ValueError, match="exactly once"):
        CrossConformalClassifier(cv=BootstrapSplit(30, random_state=0)).fit(Xc, yc)


def test_fit_params_reach_every_fold_model():
    X, y, Xt = _reg_data(seed=6)
    w = np.linspace(0.1, 3.0, len(y))
    a = CrossConformalRegressor(Ridge(), random_state=0).fit(X, y)
    b = CrossConformalRegressor(Ridge(), random_state=0).fit(X, y, sample_weight=w)
    assert not np.allclose(a.conformity_scores_, b.conformity_scores_)
    # each fold model equals Ridge fitted on its training rows with their weights
    cv = KFold(3, shuffle=True, random_state=0)
    c = CrossConformalRegressor(Ridge(), cv=cv).fit(X, y, sample_weight=w)
    for est, (tr, _) in zip(c.estimators_, cv.split(X)):
        expect = Ridge().fit(X[tr], y[tr], sample_weight=w[tr])
        np.testing.assert_allclose(est.coef_, expect.coef_)


def test_pandas_input_and_input_not_modified():
    X, y, Xt = _reg_data(seed=7)
    Xd = pd.DataFrame(X, columns=["a", "b", "c"])
    X0 = X.copy()
    est = CrossConformalRegressor(random_state=0).fit(Xd, pd.Series(y))
    y_pred, pis = est.predict_interval(pd.DataFrame(Xt, columns=["a", "b", "c"]))
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_allclose(
        pis, CrossConformalRegressor(random_state=0).fit(X, y).predict_interval(Xt)[1]
    )


def test_bootstrap_split_out_of_bag():
    splits = list(BootstrapSplit(5, random_state=0).split(np.zeros((50, 1))))
    assert len(splits) == 5
    for tr, te in splits:
        assert len(tr) == 50
        np.testing.assert_array_equal(te, np.setdiff1d(np.arange(50), tr))


def test_median_kernel_matches_numpy_reference():
    from sklearn_datacentric.conformal._cross_kernels import (
        masked_row_medians,
        masked_row_medians_reference,
    )

    rng = np.random.default_rng(0)
    M = rng.normal(size=(40, 25))
    M[:, 3] = M[:, 4]  # ties
    P = rng.random((60, 25)) < 0.37
    P[:, 0] = True
    P[0] = False
    P[0, 7] = True  # a single model
    np.testing.assert_array_equal(
        masked_row_medians(M, P), masked_row_medians_reference(M, P)
    )


def _gen_clf(rng, n, mu):
    x = rng.normal(mu, 1.0, size=(n, 1))
    noise = (0.1 + np.abs(x[:, 0])) * rng.normal(size=n)
    y = (x[:, 0] + noise > 0).astype(int)
    y = np.where(rng.random(n) < 0.15 * np.abs(x[:, 0]), 2, y)  # harder far out
    return x, y


def test_weighted_classifier_keeps_coverage_under_shift():
    alpha = 0.1
    cov = {"plain": [], "weighted": []}
    for r in range(30):
        rng = np.random.default_rng(r)
        X, y = _gen_clf(rng, 200, 0.0)
        Xt, yt = _gen_clf(rng, 200, 1.0)
        for name in cov:
            if name == "plain":
                est = CrossConformalClassifier(agg_scores="crossval", random_state=0)
                est.fit(X, y)
            else:
                est = WeightedCrossConformalClassifier(
                    weighting=_ratio, agg_scores="crossval", random_state=0
                ).fit(X, y, X_target=Xt)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InfiniteIntervalWarning)
                _, pss = est.predict_set(Xt)
            idx = np.searchsorted(est.classes_, yt)
            cov[name].append(pss[np.arange(len(yt)), idx, 0].mean())
    se = {k: np.std(v, ddof=1) / np.sqrt(len(v)) for k, v in cov.items()}
    assert np.mean(cov["plain"]) < 1 - alpha - 3 * se["plain"]
    assert np.mean(cov["weighted"]) >= 1 - alpha - 3 * se["weighted"]


@pytest.mark.parametrize("weighted", [False, True])
def test_merge_kernel_matches_matrix_quantile(weighted):
    from sklearn_datacentric.conformal import _cross

    rng = np.random.default_rng(3)
    X, y = _gen(rng, 300, 0.0)
    Xt, _ = _gen(rng, 120, 0.5)
    make = (
        (lambda: WeightedCrossConformalRegressor(weighting=_ratio, random_state=0))
        if weighted
        else (lambda: CrossConformalRegressor(random_state=0))
    )
    kw = {"X_target": Xt} if weighted else {}
    levels = [0.95, 0.5, 0.9]
    est = make().set_params(confidence_level=levels).fit(X, y, **kw)
    est.conformity_scores_ = np.round(est.conformity_scores_, 1)  # ties
    old = _cross._MERGE_CELLS
    try:
        _cross._MERGE_CELLS = 0
        fast = est.predict_interval(Xt)[1]
        _cross._MERGE_CELLS = np.inf
        ref = est.predict_interval(Xt)[1]
    finally:
        _cross._MERGE_CELLS = old
    np.testing.assert_array_equal(fast, ref)


def test_weighted_mondrian_unit_ratio_equals_mondrian():
    rng = np.random.default_rng(8)
    X, y, g = _grouped(rng, 200)
    Xt, _, gt = _grouped(rng, 50)
    a = CrossConformalRegressor(random_state=0).fit(X, y, groups=g)
    b = WeightedCrossConformalRegressor(
        weighting=lambda Z: np.ones(len(Z)), random_state=0
    ).fit(X, y, X_target=Xt, groups=g)
    np.testing.assert_allclose(
        a.predict_interval(Xt, groups=gt)[1], b.predict_interval(Xt, groups=gt)[1]
    )


def test_n_jobs_gives_the_same_intervals():
    X, y, Xt = _reg_data(seed=9)
    a = CrossConformalRegressor(random_state=0).fit(X, y).predict_interval(Xt)
    b = CrossConformalRegressor(n_jobs=2, random_state=0).fit(X, y)
    np.testing.assert_allclose(a[1], b.predict_interval(Xt)[1])


def test_no_target_warning_names_cross_conformal():
    X, y, _ = _reg_data()
    with pytest.warns(UserWarning, match=r"all weights are 1 \(cross-conformal\)"):
        WeightedCrossConformalRegressor(random_state=0).fit(X, y)


def test_mondrian_warning_names_groups_and_rows_per_level():
    rng = np.random.default_rng(0)
    X, y = _gen(rng, 100, 0.0)
    g = np.where(np.arange(100) < 5, "small", "big")  # ceil(6 * 0.9) = 6 > 5
    est = CrossConformalRegressor(confidence_level=[0.5, 0.9], random_state=0)
    est.fit(X, y, groups=g)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        est.predict_interval(X[:2], groups=["small", "big"])
    msgs = [str(w.message) for w in rec if w.category is InfiniteIntervalWarning]
    assert len(msgs) == 1  # level 0.5 is finite for 5 rows, 0.9 is not
    assert "'small' (5 calibration rows)" in msgs[0]
    assert "confidence_level=0.9" in msgs[0]


def test_groups_with_missing_labels_are_an_error():
    X, y, _ = _reg_data()
    g = np.zeros(len(y))
    g[3] = np.nan
    with pytest.raises(ValueError, match="groups contains NaN"):
        CrossConformalRegressor().fit(X, y, groups=g)
