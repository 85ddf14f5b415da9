"""The MAPIE 1.x contract of every conformal estimator, and parity with MAPIE 1.6."""

import warnings

import numpy as np
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression, QuantileRegressor

from sklearn_datacentric.conformal import (
    InfiniteIntervalWarning,
    LRQRConformalClassifier,
    LRQRConformalRegressor,
    ResidualNormalizedScore,
    ShiftDiagnosticWarning,
    SplitConformalClassifier,
    SplitConformalRegressor,
    WeightedConformalClassifier,
    WeightedConformalRegressor,
)
from sklearn_datacentric.conformal._scores import (
    check_confidence_levels,
    check_groups,
    map_groups,
    stack_intervals,
)

REGRESSORS = [
    SplitConformalRegressor,
    WeightedConformalRegressor,
    LRQRConformalRegressor,
]
CLASSIFIERS = [
    SplitConformalClassifier,
    WeightedConformalClassifier,
    LRQRConformalClassifier,
]


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=n) * (1 + np.abs(X[:, 0]))
    yc = (X[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(int) + (X[:, 1] > 0.7)
    return X, y, yc


def _fit(est, X, y):
    kw = {} if type(est).__name__.startswith("Split") else {"X_target": X[:80] + 0.3}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShiftDiagnosticWarning)
        return est.fit(X, y, **kw)


@pytest.mark.parametrize("cls", REGRESSORS)
def test_regressors_return_mapie_layout_for_every_level(cls):
    X, y, _ = _data()
    est = _fit(cls(confidence_level=[0.9, 0.5, 0.8], random_state=0), X, y)
    y_pred, y_pis = est.predict_interval(X[:7])
    assert y_pred.shape == (7,) and y_pis.shape == (7, 2, 3)
    np.testing.assert_allclose(y_pred, est.predict(X[:7]))
    width = y_pis[:, 1] - y_pis[:, 0]
    # levels in the order given: 0.9 widest, then 0.8, then 0.5
    assert np.all(width[:, 0] >= width[:, 2] - 1e-12)
    assert np.all(width[:, 2] >= width[:, 1] - 1e-12)
    np.testing.assert_array_equal(est.confidence_levels_, [0.9, 0.5, 0.8])


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_classifiers_return_mapie_layout_for_every_level(cls):
    X, _, yc = _data()
    est = _fit(cls(confidence_level=[0.95, 0.6], random_state=0), X, yc)
    y_pred, y_pss = est.predict_set(X[:9])
    assert y_pss.shape == (9, 3, 2) and y_pss.dtype == bool
    np.testing.assert_array_equal(y_pred, est.predict(X[:9]))
    assert np.all(y_pss.sum(axis=1)[:, 0] >= y_pss.sum(axis=1)[:, 1])


@pytest.mark.parametrize("cls", REGRESSORS + CLASSIFIERS)
def test_bad_confidence_level_in_a_list_is_named(cls):
    X, y, yc = _data(100)
    target = yc if cls in CLASSIFIERS else y
    with pytest.raises(ValueError, match=r"confidence_level 1\.2 \(position 1\)"):
        _fit(cls(confidence_level=[0.9, 1.2]), X, target)
    with pytest.raises(ValueError, match="empty"):
        _fit(cls(confidence_level=[]), X, target)


def test_single_level_fit_equals_multi_level_fit():
    X, y, yc = _data(500, 1)
    both = SplitConformalRegressor(confidence_level=[0.8, 0.9], random_state=0)
    _, iv = both.fit(X, y).predict_interval(X[:20])
    for k, lev in enumerate([0.8, 0.9]):
        one = SplitConformalRegressor(confidence_level=lev, random_state=0).fit(X, y)
        np.testing.assert_array_equal(
            iv[:, :, k], one.predict_interval(X[:20])[1][:, :, 0]
        )
    clf = SplitConformalClassifier(confidence_level=[0.8, 0.9], random_state=0)
    _, sets = clf.fit(X, yc).predict_set(X[:20])
    one = SplitConformalClassifier(confidence_level=0.9, random_state=0).fit(X, yc)
    np.testing.assert_array_equal(sets[:, :, 1], one.predict_set(X[:20])[1][:, :, 0])


def test_prefit_conformalize_is_mapies_idiom():
    X, y, yc = _data(600, 2)
    model = LinearRegression().fit(X[:300], y[:300])
    a = SplitConformalRegressor(model, prefit=True).conformalize(X[300:], y[300:])
    b = SplitConformalRegressor(model, prefit=True).fit(X[300:], y[300:])
    np.testing.assert_array_equal(
        a.predict_interval(X[:5])[1], b.predict_interval(X[:5])[1]
    )
    clf = LogisticRegression().fit(X[:300], yc[:300])
    c = SplitConformalClassifier(clf, prefit=True).conformalize(X[300:], yc[300:])
    assert c.predict_set(X[:5])[1].shape == (5, 3, 1)
    # not prefit: conformalize needs a fitted model first
    with pytest.raises(NotFittedError, match="call fit first"):
        SplitConformalRegressor().conformalize(X, y)


def test_calibration_size_none_is_the_two_step_path():
    X, y, _ = _data(600, 3)
    est = SplitConformalRegressor(calibration_size=None).fit(X[:300], y[:300])
    ref = LinearRegression().fit(X[:300], y[:300])
    np.testing.assert_allclose(est.estimator_.coef_, ref.coef_)  # all rows
    with pytest.raises(NotFittedError, match="conformalize"):
        est.predict_interval(X[:3])
    est.conformalize(X[300:], y[300:])
    pre = SplitConformalRegressor(ref, prefit=True).conformalize(X[300:], y[300:])
    np.testing.assert_allclose(
        est.predict_interval(X[:5])[1], pre.predict_interval(X[:5])[1]
    )
    assert est.n_calibration_ == 300


def test_default_split_is_explicit():
    X, y, _ = _data(200, 4)
    est = SplitConformalRegressor(random_state=0).fit(X, y)
    assert est.get_params()["calibration_size"] == 0.3
    assert est.n_calibration_ == 60


def test_method_is_deprecated_for_conformity_score():
    X, y, _ = _data(300, 5)
    with pytest.warns(FutureWarning, match="conformity_score='cqr'"):
        old = SplitConformalRegressor(method="cqr", random_state=0).fit(X, y)
    new = SplitConformalRegressor(conformity_score="cqr", random_state=0).fit(X, y)
    np.testing.assert_allclose(
        old.predict_interval(X[:5])[1], new.predict_interval(X[:5])[1]
    )
    with pytest.raises(ValueError, match="disagree"):
        with pytest.warns(FutureWarning):
            SplitConformalRegressor(method="cqr", conformity_score="gamma").fit(X, y)


def test_score_objects_and_names():
    X, y, yc = _data(300, 6)
    est = SplitConformalRegressor(
        conformity_score=ResidualNormalizedScore(split_size=0.3, random_state=0),
        random_state=0,
    ).fit(X, y)
    assert est.conformity_score_.residual_estimator_ is not None
    # the parameter object is cloned, never fitted in place
    assert not hasattr(est.conformity_score, "residual_estimator_")
    with pytest.raises(ValueError, match="conformity_score"):
        SplitConformalRegressor(conformity_score="lac").fit(X, y)
    with pytest.raises(ValueError, match="conformity_score"):
        SplitConformalClassifier(conformity_score="absolute").fit(X, yc)
    with pytest.raises(ValueError, match="signed"):
        LRQRConformalRegressor(conformity_score="gamma").fit(
            X, np.exp(y / 10), X_target=X[:50]
        )


def test_cqr_several_levels_fits_one_pair_per_level():
    X, y, _ = _data(400, 7)
    est = SplitConformalRegressor(
        QuantileRegressor(alpha=0.0, solver="highs"),
        conformity_score="cqr",
        confidence_level=[0.5, 0.9],
        random_state=0,
    ).fit(X, y)
    assert len(est.estimator_) == 2
    assert [p[0].quantile for p in est.estimator_] == pytest.approx([0.25, 0.05])
    assert est.calibration_scores_.shape == (120, 2)
    _, iv = est.predict_interval(X[:10])
    assert np.all(iv[:, 1, 1] - iv[:, 0, 1] >= iv[:, 1, 0] - iv[:, 0, 0])


def test_contract_helpers():
    np.testing.assert_array_equal(check_confidence_levels(0.9), [0.9])
    np.testing.assert_array_equal(check_confidence_levels((0.5, 0.8)), [0.5, 0.8])
    for bad in (0.0, 1.0, -0.1, "0.9", [0.5, np.nan], [True]):
        with pytest.raises(ValueError, match="confidence_level"):
            check_confidence_levels(bad)
    assert stack_intervals(np.zeros(3), np.ones(3)).shape == (3, 2, 1)
    with pytest.raises(ValueError, match="2 labels for 3 rows"):
        check_groups([1, 2], 3)
    with pytest.raises(ValueError, match=r"\['c'\] never seen"):
        map_groups(np.array(["a", "c"]), np.array(["a", "b"]))


@pytest.mark.parametrize("cls", REGRESSORS + CLASSIFIERS)
def test_huge_finite_input_gives_a_result_or_a_clear_error(cls):
    """|x| near 1e308: a finite answer or an error naming the overflow, never NaN."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    X[:, 0] = rng.uniform(-1, 1, 200) * 1e308
    y = rng.normal(size=200)
    yc = (rng.normal(size=200) > 0).astype(int)
    target = yc if cls in CLASSIFIERS else y
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = _fit(cls(random_state=0), X, target)
            out = (
                est.predict_set(X[:5])
                if cls in CLASSIFIERS
                else est.predict_interval(X[:5])
            )
    except ValueError as exc:
        msg = str(exc)
        assert "Rescale" in msg and ("overflow" in msg or "too large" in msg), msg
        # the default classifier's error is raised up front and names it
        assert cls in REGRESSORS or cls.__name__ in msg, msg
        return
    assert not np.any(np.isnan(out[1].astype(float)))
    # scale-invariant parts (the weighted estimators' default ratio) stay valid
    if cls in CLASSIFIERS:
        assert out[1].any(axis=1).all()


def test_weighted_default_ratio_is_invariant_to_feature_scale():
    X, y, _ = _data(400, 8)
    Xt = X[:100] + 0.5
    a = WeightedConformalRegressor(random_state=0).fit(X, y, X_target=Xt)
    b = WeightedConformalRegressor(random_state=0).fit(
        X * 1e300, y, X_target=Xt * 1e300
    )
    np.testing.assert_allclose(
        a.calibration_weights_, b.calibration_weights_, rtol=1e-6
    )


# ----------------------------------------------------------------------------
# parity with MAPIE 1.6 (same model, same calibration data)
# ----------------------------------------------------------------------------
LEVELS = [0.5, 0.8, 0.9, 0.95]


def _parity_data(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(700, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=700) * (1 + np.abs(X[:, 0]))
    return X, y + 20.0  # positive targets (the gamma score)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("score", ["absolute", "gamma", "residual_normalized"])
def test_split_intervals_equal_mapie(seed, score):
    mapie_reg = pytest.importorskip("mapie.regression")
    X, y = _parity_data(seed)
    model = LinearRegression().fit(X[:300], y[:300])
    n_cal = 201 + seed  # odd and even calibration sizes
    Xc, yc, Xt = X[300 : 300 + n_cal], y[300 : 300 + n_cal], X[520:]
    ours_score, theirs_score = score, score
    if score == "residual_normalized":
        from mapie.conformity_scores import ResidualNormalisedScore

        ours_score = ResidualNormalizedScore(random_state=3)
        theirs_score = ResidualNormalisedScore(random_state=3)
    ours = SplitConformalRegressor(
        model, prefit=True, confidence_level=LEVELS, conformity_score=ours_score
    ).conformalize(Xc, yc)
    theirs = mapie_reg.SplitConformalRegressor(
        model, prefit=True, confidence_level=LEVELS, conformity_score=theirs_score
    ).conformalize(Xc, yc)
    a_pred, a_pis = ours.predict_interval(Xt)
    b_pred, b_pis = theirs.predict_interval(Xt)
    np.testing.assert_allclose(a_pred, b_pred, rtol=0, atol=1e-12)
    np.testing.assert_allclose(a_pis, b_pis, rtol=1e-12, atol=1e-12)


def test_gamma_parity_with_transformed_target():
    mapie_reg = pytest.importorskip("mapie.regression")
    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, 2))
    y = np.exp(0.5 * X[:, 0] + 0.3 * rng.normal(size=600))
    model = TransformedTargetRegressor(
        LinearRegression(), func=np.log, inverse_func=np.exp
    ).fit(X[:300], y[:300])
    kw = {"prefit": True, "confidence_level": LEVELS, "conformity_score": "gamma"}
    ours = SplitConformalRegressor(model, **kw).conformalize(X[300:500], y[300:500])
    theirs = mapie_reg.SplitConformalRegressor(model, **kw).conformalize(
        X[300:500], y[300:500]
    )
    np.testing.assert_allclose(
        ours.predict_interval(X[500:])[1], theirs.predict_interval(X[500:])[1]
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_split_lac_sets_equal_mapie(seed):
    mapie_clf = pytest.importorskip("mapie.classification")
    X, y, yc = _data(700, seed)
    clf = LogisticRegression().fit(X[:300], yc[:300])
    kw = {"prefit": True, "confidence_level": LEVELS}
    ours = SplitConformalClassifier(clf, **kw).conformalize(X[300:500], yc[300:500])
    theirs = mapie_clf.SplitConformalClassifier(clf, **kw).conformalize(
        X[300:500], yc[300:500]
    )
    a_pred, a_pss = ours.predict_set(X[500:])
    b_pred, b_pss = theirs.predict_set(X[500:])
    np.testing.assert_array_equal(a_pred, b_pred)
    np.testing.assert_array_equal(a_pss, b_pss)


def test_too_few_calibration_rows_per_level():
    X, y, _ = _data(60, 9)
    model = LinearRegression().fit(X, y)
    with pytest.warns(InfiniteIntervalWarning, match="confidence_level=0.99"):
        est = SplitConformalRegressor(
            model, prefit=True, confidence_level=[0.8, 0.99]
        ).conformalize(X[:30], y[:30])
    with pytest.warns(InfiniteIntervalWarning):
        _, iv = est.predict_interval(X[30:])
    assert np.isfinite(iv[:, :, 0]).all() and np.isinf(iv[:, :, 1]).all()


def test_lrqr_verbose_reports_each_level_and_lam_search(capsys):
    X, y, _ = _data(300, 10)
    est = LRQRConformalRegressor(
        confidence_level=[0.8, 0.9], lam_scale=[0.5, 1.0], verbose=1, random_state=0
    )
    _fit(est, X, y)
    out = capsys.readouterr().out
    assert "confidence_level=0.8" in out and "confidence_level=0.9" in out
    assert out.count("3-fold search over 2 values of lam") == 2
    assert len(est.per_level_) == 2
    assert est.threshold_function(X[:4]).shape == (4, 2)
    silent = LRQRConformalRegressor(random_state=0)
    _fit(silent, X, y)
    assert capsys.readouterr().out == ""


def test_public_functions_validate_their_parameters():
    from sklearn.utils._param_validation import InvalidParameterError

    from sklearn_datacentric.conformal import (
        conformal_quantile,
        n_calibration_required,
        weighted_conformal_quantile,
    )

    with pytest.raises(InvalidParameterError, match="'confidence_level' parameter"):
        conformal_quantile([1.0, 2.0], 1.5)
    with pytest.raises(InvalidParameterError, match="'scores' parameter"):
        conformal_quantile("abc", 0.9)
    with pytest.raises(InvalidParameterError, match="'confidence_level' parameter"):
        n_calibration_required(0.0)
    with pytest.raises(InvalidParameterError, match="'weights_test' parameter"):
        weighted_conformal_quantile([1.0], [1.0], None, 0.9)
    with pytest.raises(ValueError, match="weights_calib has shape"):
        weighted_conformal_quantile([1.0, 2.0], [1.0], [1.0], 0.9)
    assert conformal_quantile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_cqr_intervals_equal_mapie_symmetric_correction():
    """MAPIE's ConformalizedQuantileRegressor with symmetric_correction=True."""
    mapie_reg = pytest.importorskip("mapie.regression")
    X, y, _ = _data(900, 11)
    base = QuantileRegressor(alpha=0.0, solver="highs")
    ours = SplitConformalRegressor(
        base, conformity_score="cqr", calibration_size=None, confidence_level=[0.8, 0.9]
    ).fit(X[:300], y[:300])
    ours.conformalize(X[300:600], y[300:600])
    _, a = ours.predict_interval(X[600:])
    for k, level in enumerate([0.8, 0.9]):
        theirs = mapie_reg.ConformalizedQuantileRegressor(base, confidence_level=level)
        theirs.fit(X[:300], y[:300]).conformalize(X[300:600], y[300:600])
        _, b = theirs.predict_interval(X[600:], symmetric_correction=True)
        np.testing.assert_allclose(a[:, :, k], b[:, :, 0], rtol=1e-10, atol=1e-10)


class _FixedUniforms:
    """A random state whose ``uniform`` returns given numbers."""

    def __init__(self, u):
        self.u = np.asarray(u, dtype=float).ravel()

    def uniform(self, size=None):
        return self.u.copy()


@pytest.mark.parametrize("seed", [0, 7])
def test_randomized_aps_is_mapies_definition(seed):
    """Same uniforms, same sets as MAPIE's APS with include_last_label='randomized'.

    MAPIE subtracts ``u p_y`` from the cumulative mass including ``y`` (ours
    adds ``u p_y`` to the mass above ``y``): the same score with ``1 - u``.
    MAPIE draws its calibration and test uniforms from the same seed; ours
    from independent streams, so the estimators' sets are not compared, the
    definitions are.
    """
    mapie_clf = pytest.importorskip("mapie.classification")
    from sklearn.datasets import make_classification

    from sklearn_datacentric.conformal import APSScore, conformal_quantile

    X, y = make_classification(
        n_samples=1500,
        n_features=8,
        n_informative=5,
        n_classes=4,
        n_clusters_per_class=1,
        random_state=seed,
    )
    clf = LogisticRegression(max_iter=500).fit(X[:500], y[:500])
    theirs = mapie_clf.SplitConformalClassifier(
        clf,
        prefit=True,
        confidence_level=LEVELS,
        conformity_score="aps",
        random_state=seed,
    ).conformalize(X[500:1000], y[500:1000])
    _, b = theirs.predict_set(
        X[1000:], conformity_score_params={"include_last_label": "randomized"}
    )
    u_cal = np.random.RandomState(seed).uniform(size=500)
    u_test = np.random.RandomState(seed).uniform(size=500)
    score = APSScore(randomized=True)
    s = score.conformity_scores(
        clf.predict_proba(X[500:1000]), y[500:1000], _FixedUniforms(1 - u_cal)
    )
    P = clf.predict_proba(X[1000:])
    a = np.stack(
        [
            score.sets(
                P, np.full(500, conformal_quantile(s, lev)), _FixedUniforms(1 - u_test)
            )
            for lev in LEVELS
        ],
        axis=2,
    )
    np.testing.assert_array_equal(a, b)


def test_warnings_point_at_the_callers_line():
    X, y, _ = _data(300, 12)
    model = LinearRegression().fit(X, y)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        est = SplitConformalRegressor(model, prefit=True, confidence_level=0.99)
        est.conformalize(X[:20], y[:20])
        est.predict_interval(X[:3])
        SplitConformalRegressor(method="cqr").fit(X, y)
        WeightedConformalRegressor().fit(X, y)
        SplitConformalRegressor(model, prefit=True).fit(
            X[:20], y[:20], groups=[0] * 15 + [1] * 5
        )
        LRQRConformalRegressor(lam=1e4).fit(X, y, X_target=X[:50] + 3)
    kinds = {w.category for w in rec}
    assert {InfiniteIntervalWarning, FutureWarning, UserWarning} <= kinds
    assert ShiftDiagnosticWarning in kinds
    assert all(w.filename == __file__ for w in rec), [
        (w.filename, str(w.message)[:40]) for w in rec if w.filename != __file__
    ]
