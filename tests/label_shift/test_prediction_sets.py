"""Prediction sets under label shift: PAC (Si et al. 2024) and weighted CP."""

import numpy as np
import pytest
from scipy.stats import binom
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_datacentric.conformal import InfiniteIntervalWarning, conformal_quantile
from sklearn_datacentric.datasets import load_ringnorm
from sklearn_datacentric.label_shift import (
    LabelShiftConformalClassifier,
    LabelShiftWeighter,
    PACLabelShiftClassifier,
    SingularConfusionMatrixError,
)
from sklearn_datacentric.label_shift._prediction_sets import interval_solve
from sklearn_datacentric.utils import pack_source_target

# classes 0 and 1 overlap, class 2 is apart: a label shift toward 0 and 1
# lowers the coverage of sets calibrated on the source
MEANS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 4.0]])
SOURCE = np.ones(3) / 3
TARGET = np.array([0.45, 0.45, 0.1])
LEVEL, DELTA = 0.9, 0.1


def _draw(rng, n, priors):
    y = rng.choice(3, size=n, p=priors)
    return rng.normal(MEANS[y], 1.0), y


def _coverage(est, X, y):
    _, sets = est.predict_set(X)
    return sets[np.arange(len(y)), np.searchsorted(est.classes_, y), 0].mean()


def _check_coverage(draws):
    """PAC, weighted CP and plain split CP over repeated draws.

    ``draws`` yields ``(X_source, y_source, X_target, X_eval, y_eval)``.
    """
    pac, lscp, plain = [], [], []
    for r, (Xs, ys, Xt, Xe, ye) in enumerate(draws):
        est = PACLabelShiftClassifier(
            make_pipeline(StandardScaler(), LogisticRegression()),
            confidence_level=LEVEL,
            delta=DELTA,
            random_state=r,
        )
        pac.append(_coverage(est.fit(Xs, ys, X_target=Xt), Xe, ye))
        est = LabelShiftConformalClassifier(
            make_pipeline(StandardScaler(), LogisticRegression()),
            confidence_level=LEVEL,
            random_state=r,
        )
        lscp.append(_coverage(est.fit(Xs, ys, X_target=Xt), Xe, ye))
        plain.append(_coverage(est.fit(Xs, ys), Xe, ye))  # split CP
    pac, lscp, plain = map(np.asarray, (pac, lscp, plain))
    R = pac.size
    # PAC: P(target miscoverage > 1 - LEVEL) <= DELTA over the data, so the
    # number of failing draws is at most Binomial(R, DELTA): upper 99% edge
    assert np.sum(pac < LEVEL) <= binom.ppf(0.99, R, DELTA), pac
    # plain split CP under-covers the target: its mean coverage is below the
    # level by more than 3 standard errors (over draws)
    se = plain.std(ddof=1) / np.sqrt(R)
    assert plain.mean() + 3 * se < LEVEL, plain
    # weighted CP with estimated class weights: marginal coverage at the
    # level within 3 standard errors, and above plain split CP
    se = lscp.std(ddof=1) / np.sqrt(R)
    assert lscp.mean() > LEVEL - 3 * se, lscp
    assert lscp.mean() > plain.mean()
    return pac, lscp, plain


# a few draws certify no threshold below the full set (valid, conservative)
@pytest.mark.filterwarnings(
    "ignore::sklearn_datacentric.conformal.InfiniteIntervalWarning"
)
def test_coverage_under_synthetic_label_shift():
    X_eval, y_eval = _draw(np.random.default_rng(12345), 20000, TARGET)

    def draws():
        for r in range(20):
            rng = np.random.default_rng(r)
            Xs, ys = _draw(rng, 2000, SOURCE)
            Xt, _ = _draw(rng, 1000, TARGET)
            yield Xs, ys, Xt, X_eval, y_eval

    _check_coverage(draws())


def test_coverage_on_ringnorm_with_induced_prior_shift():
    # bundled ringnorm; the target part keeps each class-1 row with
    # probability 0.15 (a prior shift: class 0 goes from 1/2 to ~0.86),
    # half of it unlabelled for fitting, half labelled for evaluation
    X, y = load_ringnorm(return_X_y=True)

    def draws():
        for r in range(10):
            rng = np.random.default_rng(r)
            perm = rng.permutation(len(y))
            src, tgt = perm[:3000], perm[3000:]
            tgt = tgt[(y[tgt] == 0) | (rng.random(tgt.size) < 0.15)]
            h = tgt.size // 2
            yield X[src], y[src], X[tgt[:h]], X[tgt[h:]], y[tgt[h:]]

    _check_coverage(draws())


def test_predict_set_shapes_levels_and_layouts():
    rng = np.random.default_rng(0)
    Xs, ys = _draw(rng, 1500, SOURCE)
    Xt, _ = _draw(rng, 800, TARGET)
    levels = [0.7, 0.8, 0.9]
    for cls in (PACLabelShiftClassifier, LabelShiftConformalClassifier):
        est = cls(confidence_level=levels, random_state=0).fit(Xs, ys, X_target=Xt)
        y_pred, y_pss = est.predict_set(Xt[:50])
        assert y_pred.shape == (50,)
        assert y_pss.shape == (50, 3, 3) and y_pss.dtype == bool
        # nested: a higher level never gives a smaller set
        assert np.all(y_pss[:, :, 0] <= y_pss[:, :, 1])
        assert np.all(y_pss[:, :, 1] <= y_pss[:, :, 2])
        np.testing.assert_array_equal(y_pred, est.predict(Xt[:50]))
        # the stacked (skada) layout gives the same sets
        Xa, ya, sd = pack_source_target(Xs, ys, Xt)
        other = cls(confidence_level=levels, random_state=0)
        other.fit(Xa, ya, sample_domain=sd)
        np.testing.assert_array_equal(other.predict_set(Xt[:50])[1], y_pss)


def test_weighted_cp_without_target_is_split_conformal():
    rng = np.random.default_rng(1)
    Xs, ys = _draw(rng, 600, SOURCE)
    est = LabelShiftConformalClassifier(
        LogisticRegression(), confidence_level=[0.8, 0.9], random_state=3
    ).fit(Xs, ys)
    # the same split, model and scores by hand
    perm = np.random.RandomState(3).permutation(600)
    cal, tr = np.sort(perm[:300]), np.sort(perm[300:])
    model = LogisticRegression().fit(Xs[tr], ys[tr])
    scores = 1 - model.predict_proba(Xs[cal])[np.arange(300), ys[cal]]
    for j, level in enumerate([0.8, 0.9]):
        np.testing.assert_allclose(
            est.thresholds_[:, j], conformal_quantile(scores, level)
        )


def test_weighted_cp_with_a_weighter():
    rng = np.random.default_rng(2)
    Xs, ys = _draw(rng, 2000, SOURCE)
    Xt, _ = _draw(rng, 1000, TARGET)
    est = LabelShiftConformalClassifier(
        weighter=LabelShiftWeighter(), random_state=0
    ).fit(Xs, ys, X_target=Xt)
    assert est.class_weights_.shape == (3,)
    # EM on the calibration posteriors: the hard classes gain weight
    assert est.class_weights_[2] < 1 < min(est.class_weights_[:2])


def test_pac_weight_intervals_hold_the_true_weights():
    rng = np.random.default_rng(4)
    Xs, ys = _draw(rng, 4000, SOURCE)
    Xt, _ = _draw(rng, 4000, TARGET)
    est = PACLabelShiftClassifier(random_state=0).fit(Xs, ys, X_target=Xt)
    w_true = TARGET / SOURCE
    lo, hi = est.weight_intervals_.T
    assert np.all(lo <= w_true) and np.all(w_true <= hi)
    assert np.all(lo <= est.class_weights_) and np.all(est.class_weights_ <= hi)


def test_interval_solve_encloses_every_solution():
    rng = np.random.default_rng(5)
    for _ in range(20):
        K = 3
        A = np.eye(K) * 0.3 + rng.uniform(0, 0.03, (K, K))
        b = rng.uniform(0.1, 0.4, K)
        r_A, r_b = rng.uniform(0, 0.01, (K, K)), rng.uniform(0, 0.01, K)
        lo, hi = interval_solve(A - r_A, A + r_A, b - r_b, b + r_b)
        for _ in range(50):
            A_s = A + rng.uniform(-1, 1, (K, K)) * r_A
            b_s = b + rng.uniform(-1, 1, K) * r_b
            x = np.linalg.solve(A_s, b_s)
            assert np.all(lo - 1e-12 <= x) and np.all(x <= hi + 1e-12)
    # a box holding a singular matrix
    with pytest.raises(SingularConfusionMatrixError, match="singular"):
        interval_solve(
            np.array([[0.0, 0.1], [0.1, 0.3]]),
            np.array([[0.2, 0.1], [0.1, 0.3]]),
            np.zeros(2),
            np.ones(2),
        )


def test_bad_input():
    rng = np.random.default_rng(6)
    Xs, ys = _draw(rng, 300, SOURCE)
    Xt, _ = _draw(rng, 100, TARGET)
    for cls in (PACLabelShiftClassifier, LabelShiftConformalClassifier):
        with pytest.raises(ValueError, match=r"1\.5 .*\(0, 1\)"):
            cls(confidence_level=[0.9, 1.5]).fit(Xs, ys, X_target=Xt)
        with pytest.raises(ValueError, match=r"0\.0 .*\(0, 1\)"):
            cls(confidence_level=[0.0]).fit(Xs, ys)
        with pytest.raises(ValueError, match="features"):
            cls().fit(Xs, ys, X_target=Xt[:, :1])
        with pytest.raises(ValueError, match="prefit=True"):
            cls(LogisticRegression(), prefit=True).fit(Xs, ys)
    # too few calibration rows for a class: a clear singular-matrix error
    few = np.concatenate([np.flatnonzero(ys != 2), np.flatnonzero(ys == 2)[:3]])
    with pytest.raises(SingularConfusionMatrixError, match="singular"):
        PACLabelShiftClassifier(random_state=0).fit(Xs[few], ys[few], X_target=Xt)
    # no threshold certified: full sets with a warning
    with pytest.warns(InfiniteIntervalWarning, match="full label set"):
        est = PACLabelShiftClassifier(
            confidence_level=0.99, delta=0.01, calibration_size=20, random_state=0
        ).fit(Xs, ys)
    assert est.predict_set(Xs[:5])[1].all()
    Xs, ys = _draw(rng, 2000, SOURCE)
    X_copy, Xt_copy = Xs.copy(), Xt.copy()
    PACLabelShiftClassifier(random_state=0).fit(Xs, ys, X_target=Xt)
    np.testing.assert_array_equal(Xs, X_copy)
    np.testing.assert_array_equal(Xt, Xt_copy)


def test_prefit_uses_every_source_row_to_calibrate():
    rng = np.random.default_rng(7)
    Xs, ys = _draw(rng, 1000, SOURCE)
    Xt, _ = _draw(rng, 500, TARGET)
    model = LogisticRegression().fit(*_draw(rng, 500, SOURCE))
    est = PACLabelShiftClassifier(model, prefit=True, random_state=0)
    est.fit(Xs, ys, X_target=Xt)
    assert est.n_calibration_ == 1000
    assert est.estimator_ is model
