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


def test_gridsearch_routes_groups_to_soft_target_classifier():
    import sklearn
    from sklearn.model_selection import GridSearchCV, GroupKFold

    X, y, g = _data(n=240)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = SoftTargetClassifier(
            LogisticRegression(),
            mixer=SelectiveMixup(criterion="same_class+different_domain"),
            random_state=0,
        ).set_fit_request(groups=True)
        search = GridSearchCV(clf, {"estimator__C": [0.1, 1.0]}, cv=GroupKFold(3))
        search.fit(X, y, groups=g)
        assert search.best_estimator_.mixer_.domains_ is not None


def test_regression_pipeline_routes_groups():
    import sklearn
    from imblearn.pipeline import Pipeline
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV, GroupKFold

    from sklearn_datacentric.mixup import RegressionMixup

    rng = np.random.RandomState(0)
    X = rng.randn(150, 3)
    y = X @ [1.0, -1.0, 0.5] + 0.1 * rng.randn(150)
    g = rng.randint(0, 3, 150)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = Pipeline(
            [
                (
                    "mix",
                    RegressionMixup(
                        criterion="different_domain", random_state=0
                    ).set_fit_resample_request(groups=True),
                ),
                ("reg", Ridge()),
            ]
        )
        search = GridSearchCV(pipe, {"mix__alpha": [0.2, 1.0]}, cv=GroupKFold(3))
        search.fit(X, y, groups=g)
        assert search.best_score_ > 0.8


def test_single_class_error_names_soft_target_classifier():
    X = np.random.RandomState(0).randn(20, 2)
    with pytest.raises(ValueError, match="SoftTargetClassifier needs at least 2"):
        SoftTargetClassifier().fit(X, np.zeros(20, dtype=int))
