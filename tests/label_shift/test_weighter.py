"""LabelShiftWeighter: priors recovered (EM, BBSE), weights, bad input."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression

from sklearn_datacentric.calibration import PriorCorrectedClassifier
from sklearn_datacentric.label_shift import (
    LabelShiftWeighter,
    SingularConfusionMatrixError,
)
from sklearn_datacentric.label_shift._weighter import (
    adjust_posteriors,
    em_priors,
    rlls_weights,
)
from sklearn_datacentric.utils import pack_source_target

MEANS = 1.5 * np.eye(3)
SOURCE = np.array([1 / 3, 1 / 3, 1 / 3])
TARGET = np.array([0.6, 0.3, 0.1])


def _draw(rng, n, priors):
    y = rng.choice(3, size=n, p=priors)
    return rng.normal(MEANS[y], 1.0), y


@pytest.mark.parametrize("method", ["em", "bbse", "rlls"])
def test_priors_recovered_within_shrinking_band(method):
    # Both estimators are consistent at rate 1/sqrt(n).  In this setting the
    # L1 error times sqrt(n) averages about 2 (EM) to 2.5 (BBSE) (16 other
    # seeds, n = 500 and 8000); the mean over 4 seeds must stay below
    # 5 / sqrt(n) at n = 500 and at n = 8000 (a band 4 times narrower), and
    # must at least halve from n = 500 to n = 8000 (rate 1/sqrt(n): a
    # quarter).
    mean_err = {}
    for n in (500, 8000):
        errs = []
        for seed in range(4):
            rng = np.random.default_rng(seed)
            X, y = _draw(rng, n, SOURCE)
            Xt, _ = _draw(rng, n, TARGET)
            w = LabelShiftWeighter(method=method).fit(X, y, X_target=Xt)
            errs.append(np.abs(w.target_priors_ - TARGET).sum())
            np.testing.assert_allclose(w.target_priors_.sum(), 1.0)
            np.testing.assert_allclose(
                w.class_weights_, w.target_priors_ / w.source_priors_
            )
        mean_err[n] = np.mean(errs)
        assert mean_err[n] < 5 / np.sqrt(n), (method, n, errs)
    assert mean_err[8000] < mean_err[500] / 2


def test_weights_follow_classes_and_density_ratio():
    rng = np.random.default_rng(0)
    X, y = _draw(rng, 3000, SOURCE)
    Xt, yt = _draw(rng, 3000, TARGET)
    w = LabelShiftWeighter().fit(X, y, X_target=Xt)
    np.testing.assert_array_equal(w.weights_, w.class_weights_[y])
    np.testing.assert_array_equal(w.predict_weights(Xt, yt), w.class_weights_[yt])
    # without labels: q(x) / p(x) = sum_k p(k | x) w_k, averaging to ~1 on
    # the source and to E_target[q/p] > 1 on the target
    r = w.predict_weights(X)
    assert abs(r.mean() - 1.0) < 0.05
    assert w.predict_weights(Xt).mean() > 1.1
    # the target posteriors are Bayes' rule with the estimated priors, the
    # arithmetic of PriorCorrectedClassifier (known priors)
    proba = w.predict_target_proba(Xt[:20])
    pcc = PriorCorrectedClassifier(
        LogisticRegression(max_iter=1000), training_priors=w.source_priors_
    ).fit(X, y)
    pcc.class_priors_ = w.target_priors_
    np.testing.assert_allclose(proba, pcc.predict_proba(Xt[:20]), atol=1e-10)


def test_weights_train_a_model_for_the_target():
    # sample_weight = weights_ makes the source fit match the target priors:
    # the predicted class frequencies on the target rows move toward them
    rng = np.random.default_rng(1)
    X, y = _draw(rng, 4000, SOURCE)
    Xt, yt = _draw(rng, 4000, TARGET)
    w = LabelShiftWeighter().fit(X, y, X_target=Xt)
    plain = LogisticRegression().fit(X, y)
    weighted = LogisticRegression().fit(X, y, sample_weight=w.weights_)
    assert (weighted.predict(Xt) == yt).mean() > (plain.predict(Xt) == yt).mean()


def test_sample_domain_path_equals_x_target_path():
    rng = np.random.default_rng(2)
    X, y = _draw(rng, 1000, SOURCE)
    Xt, _ = _draw(rng, 800, TARGET)
    Xa, ya, sd = pack_source_target(X, y, Xt)
    for method in ("em", "bbse"):
        a = LabelShiftWeighter(method=method).fit(X, y, X_target=Xt)
        b = LabelShiftWeighter(method=method).fit(Xa, ya, sample_domain=sd)
        np.testing.assert_allclose(a.target_priors_, b.target_priors_)
        np.testing.assert_allclose(a.weights_, b.weights_)


def test_no_target_means_no_shift():
    rng = np.random.default_rng(3)
    X, y = _draw(rng, 300, SOURCE)
    w = LabelShiftWeighter().fit(X, y)
    assert not w.has_target_
    np.testing.assert_array_equal(w.weights_, np.ones(300))
    np.testing.assert_allclose(w.class_weights_, 1.0)


def test_em_fixed_point_and_reference():
    # the EM fixed point satisfies q = mean_i adjust(p(.|x_i), q, p)
    rng = np.random.default_rng(4)
    proba = rng.dirichlet(3 * np.ones(3), size=500)
    p = np.array([0.5, 0.3, 0.2])
    q, _ = em_priors(proba, p, tol=1e-12)
    np.testing.assert_allclose(
        adjust_posteriors(proba, q, p).mean(axis=0), q, rtol=0, atol=1e-9
    )
    # a plain loop of the update rule (Saerens et al., eq. 2.9-2.10)
    q_ref = p.copy()
    for _ in range(5000):
        post = proba * q_ref / p
        post /= post.sum(axis=1, keepdims=True)
        q_ref = post.mean(axis=0)
    np.testing.assert_allclose(q, q_ref, atol=1e-8)


def test_rlls_between_bbse_and_no_shift():
    rng = np.random.default_rng(7)
    X, y = _draw(rng, 1500, SOURCE)
    Xt, _ = _draw(rng, 1500, TARGET)
    bbse = LabelShiftWeighter(method="bbse").fit(X, y, X_target=Xt)
    C = bbse.confusion_matrix_
    mu = C @ bbse.class_weights_  # BBSE solves C w = mu (weights >= 0 here)
    # no penalty: the constrained least-norm solution is BBSE's
    np.testing.assert_allclose(
        rlls_weights(C, mu, reg=0.0, n_source=1500), bbse.class_weights_, atol=1e-6
    )
    # a huge penalty: no shift
    np.testing.assert_allclose(
        rlls_weights(C, mu, reg=1e6, n_source=1500), np.ones(3), atol=1e-6
    )
    # in between, the weights move monotonically toward 1
    dist = [
        np.abs(rlls_weights(C, mu, reg=r, n_source=1500) - 1).sum()
        for r in (0.0, 1.0, 3.0, 10.0)
    ]
    assert all(a >= b - 1e-9 for a, b in zip(dist, dist[1:])), dist
    # a singular C (a constant classifier): defined, no shift estimated
    w = LabelShiftWeighter(DummyClassifier(strategy="prior"), method="rlls")
    w.fit(X, y, X_target=Xt)
    assert np.all(np.isfinite(w.class_weights_)) and np.all(w.class_weights_ >= 0)


def test_singular_confusion_matrix_names_it():
    rng = np.random.default_rng(5)
    X, y = _draw(rng, 300, SOURCE)
    Xt, _ = _draw(rng, 300, TARGET)
    w = LabelShiftWeighter(DummyClassifier(strategy="prior"), method="bbse")
    with pytest.raises(SingularConfusionMatrixError, match="singular.*method='em'"):
        w.fit(X, y, X_target=Xt)
    # EM still runs (the posteriors carry no information: priors unchanged)
    w = LabelShiftWeighter(DummyClassifier(strategy="prior")).fit(X, y, X_target=Xt)
    np.testing.assert_allclose(w.target_priors_, w.source_priors_)


def test_bad_input():
    rng = np.random.default_rng(6)
    X, y = _draw(rng, 100, SOURCE)
    Xt, _ = _draw(rng, 50, TARGET)
    with pytest.raises(ValueError, match="needs the class labels y"):
        LabelShiftWeighter().fit(X, X_target=Xt)
    with pytest.raises(ValueError, match="at least 2 classes"):
        LabelShiftWeighter().fit(X, np.zeros(100, dtype=int), X_target=Xt)
    with pytest.raises(ValueError, match="features"):
        LabelShiftWeighter().fit(X, y, X_target=Xt[:, :2])
    w = LabelShiftWeighter().fit(X, y, X_target=Xt)
    with pytest.raises(ValueError, match="not among the source classes"):
        w.predict_weights(X[:2], [0, 7])
    X_copy, y_copy = X.copy(), y.copy()
    LabelShiftWeighter(method="bbse").fit(X, y, X_target=Xt)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
