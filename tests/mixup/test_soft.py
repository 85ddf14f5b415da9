import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from sklearn_datacentric.mixup import SelectiveMixup, SoftTargetClassifier


def _data(n=200, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    return rng.randn(n, 4) + y[:, None], y, rng.randint(0, 3, n)


def test_equals_weighted_fit_by_hand():
    X, y, g = _data()
    mixer = SelectiveMixup(criterion="different_domain", n_samples=2.0, random_state=4)
    clf = SoftTargetClassifier(LogisticRegression(C=0.5), mixer=mixer)
    clf.fit(X, y, groups=g)
    X_w, y_w, w = SelectiveMixup(
        criterion="different_domain", n_samples=2.0, random_state=4
    ).fit_resample_weighted(X, y, groups=g)
    ref = LogisticRegression(C=0.5).fit(X_w, y_w, sample_weight=w)
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X))
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.mixer_.implicit_distribution_["domain"] is not None


def test_sample_weight_carried():
    X, y, _ = _data()
    sw = np.linspace(0.5, 2, len(y))
    mixer = SelectiveMixup(random_state=0)
    X_w, y_w, w = mixer.fit_resample_weighted(X, y, sample_weight=sw)
    prov = mixer.provenance_
    lam = 1 - prov.gap
    w_mix = lam * sw[prov.seed] + (1 - lam) * sw[prov.partner]
    # total weight of each mixed row's copies is its interpolated weight
    assert w.sum() == pytest.approx(w_mix.sum())


def test_estimator_without_sample_weight():
    X, y, _ = _data()
    with pytest.raises(TypeError, match="sample_weight"):
        SoftTargetClassifier(KNeighborsClassifier()).fit(X, y)


def test_unmixed_mixer_rejected():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="mix=True"):
        SoftTargetClassifier(mixer=SelectiveMixup(mix=False)).fit(X, y)
