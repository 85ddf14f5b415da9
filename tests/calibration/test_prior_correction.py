"""Prior correction of probabilities after resampling."""

import numpy as np
import pytest
import sklearn
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.under_sampling import RandomUnderSampler
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

from sklearn_datacentric.calibration import (
    PriorCorrectedClassifier,
    resampled_class_labels,
)
from sklearn_datacentric.combine import CombinedSampler
from sklearn_datacentric.over_sampling import SMOTE
from sklearn_datacentric.pipeline import make_pipeline


@pytest.fixture(scope="module")
def logistic_data():
    """A well-specified logistic model with an 8% positive class."""
    rng = np.random.default_rng(0)
    n, d = 40_000, 3
    X = rng.normal(size=(n, d))
    logit = X @ np.array([1.5, -1.0, 0.5]) - 3.6
    p = expit(logit)
    y = (rng.uniform(size=n) < p).astype(int)
    return X[: n // 2], y[: n // 2], X[n // 2 :], y[n // 2 :], p[n // 2 :]


def test_undersampled_model_recovers_true_probabilities(logistic_data):
    # random under-sampling changes the class priors only: the corrected
    # posterior is the original one, so it tracks the true probabilities
    X, y, X_te, y_te, p_te = logistic_data
    pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    clf = PriorCorrectedClassifier(pipe).fit(X, y)
    np.testing.assert_allclose(clf.training_priors_, [0.5, 0.5])
    p_res = clf.estimator_.predict_proba(X_te)[:, 1]
    p_cor = clf.predict_proba(X_te)[:, 1]
    # the resampled (balanced) model inflates the positive class fourfold
    assert p_res.mean() > 3 * y_te.mean()
    # mean of the corrected probabilities within 4 standard errors of the rate
    se = np.sqrt(y_te.mean() * (1 - y_te.mean()) / len(y_te))
    assert abs(p_cor.mean() - y_te.mean()) < 4 * se + 0.005
    assert np.mean(np.abs(p_cor - p_te)) < 0.25 * np.mean(np.abs(p_res - p_te))
    assert log_loss(y_te, p_cor) < log_loss(y_te, p_res)
    # a monotone transform: the ranking (AUC) is unchanged
    assert roc_auc_score(y_te, p_cor) == pytest.approx(roc_auc_score(y_te, p_res))


def test_correction_is_bayes_rule():
    X, y = make_classification(
        n_samples=600,
        n_classes=3,
        n_informative=4,
        weights=[0.7, 0.2, 0.1],
        random_state=0,
    )
    clf = PriorCorrectedClassifier(
        make_pipeline(SMOTE(random_state=0), LogisticRegression(max_iter=1000))
    ).fit(X, y)
    pi = np.bincount(y) / len(y)
    np.testing.assert_allclose(clf.class_priors_, pi)
    np.testing.assert_allclose(clf.training_priors_, [1 / 3] * 3)
    q = clf.estimator_.predict_proba(X) * pi * 3
    np.testing.assert_allclose(clf.predict_proba(X), q / q.sum(1, keepdims=True))
    np.testing.assert_array_equal(clf.predict(X), clf.predict_proba(X).argmax(1))


@pytest.mark.parametrize(
    "sampler",
    [
        SMOTE(random_state=0),
        ImbSMOTE(random_state=0),
        RandomUnderSampler(random_state=0),
        CombinedSampler(random_state=0),
    ],
    ids=["ours", "imblearn-smote", "imblearn-rus", "combined"],
)
def test_resampled_labels_read_from_every_kind_of_sampler(sampler):
    X, y = make_classification(
        n_samples=400, weights=[0.8], class_sep=0.6, random_state=1
    )
    pipe = make_pipeline(sampler, LogisticRegression()).fit(X, y)
    fitted = pipe.steps[0][1]
    X_res, y_res = sklearn.base.clone(sampler).fit_resample(X, y)
    labels = resampled_class_labels(pipe, y)
    assert np.bincount(labels).tolist() == np.bincount(y_res).tolist()
    assert fitted is pipe.steps[0][1]


def test_given_priors_array_and_dict():
    X, y = make_classification(n_samples=300, weights=[0.8], random_state=0)
    lr = LogisticRegression()
    a = PriorCorrectedClassifier(lr, training_priors=[0.5, 0.5]).fit(X, y)
    b = PriorCorrectedClassifier(lr, training_priors={0: 1, 1: 1}).fit(X, y)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X))
    with pytest.raises(ValueError, match="no sampler"):
        PriorCorrectedClassifier(make_pipeline(lr)).fit(X, y)
    with pytest.raises(ValueError, match="reads the class priors from the samplers"):
        PriorCorrectedClassifier(lr).fit(X, y)
    with pytest.raises(ValueError, match="3 entries, but y has 2 classes"):
        PriorCorrectedClassifier(lr, training_priors=[1, 1, 1]).fit(X, y)
    with pytest.raises(ValueError, match=r"no prior for the classes \[1\]"):
        PriorCorrectedClassifier(lr, training_priors={0: 1}).fit(X, y)
    with pytest.raises(ValueError, match="finite and positive"):
        PriorCorrectedClassifier(lr, training_priors=[1, 0]).fit(X, y)


def test_calibration_on_held_out_original_rows(logistic_data):
    X, y, X_te, y_te, _ = logistic_data
    X, y = X[:4000], y[:4000]
    pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    clf = PriorCorrectedClassifier(pipe, calibration="sigmoid", cv=3).fit(X, y)
    assert isinstance(clf.estimator_, CalibratedClassifierCV)
    inner = clf.estimator_.calibrated_classifiers_[0].estimator
    assert isinstance(inner, PriorCorrectedClassifier) and inner.calibration is None
    p = clf.predict_proba(X_te)[:, 1]
    uncorrected = pipe.fit(X, y).predict_proba(X_te)[:, 1]
    assert log_loss(y_te, p) < log_loss(y_te, uncorrected)


def test_sample_weight_routed_and_carried():
    X, y = make_classification(n_samples=300, weights=[0.8], random_state=0)
    w = np.random.default_rng(0).uniform(0.5, 2, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        lr = LogisticRegression().set_fit_request(sample_weight=True)
        pipe = make_pipeline(SMOTE(random_state=0), lr)
        clf = PriorCorrectedClassifier(pipe).fit(X, y, sample_weight=w)
    sm = SMOTE(random_state=0)
    X_res, y_res = sm.fit_resample(X, y)
    ref = LogisticRegression().fit(
        X_res, y_res, sample_weight=sm.propagate(w, how="interpolate")
    )
    np.testing.assert_allclose(clf.estimator_[-1].coef_, ref.coef_)


def test_default_estimator_huge_features_clear_error():
    # the default pipeline ends in a penalised logistic regression, which is
    # not scale-free: huge finite features get an error naming the remedy
    from sklearn_datacentric.calibration import PriorCorrectedClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3)) * 1e300
    y = np.repeat([0, 1], [60, 20])
    with pytest.raises(ValueError, match="PriorCorrectedClassifier.*(?i:rescale)"):
        PriorCorrectedClassifier().fit(X, y)
