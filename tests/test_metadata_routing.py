"""Metadata routing through the package's meta-estimators."""

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold

from sklearn_datacentric.covariate_shift import (
    DiscriminativeDensityRatio,
    ImportanceWeightedClassifier,
)
from sklearn_datacentric.mixup import KNNMixupRegressor, SoftTargetClassifier
from sklearn_datacentric.pipeline import make_pipeline
from sklearn_datacentric.selection import (
    AreaUnderMarginSelector,
    ConfidenceSelector,
    EL2NPruner,
    RegressionResidualSelector,
    UncertaintySampler,
    out_of_fold_proba,
)
from sklearn_datacentric.utils import pack_source_target


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


@pytest.fixture(scope="module")
def clf_data():
    X, y = make_classification(n_samples=240, n_informative=4, random_state=0)
    rng = np.random.default_rng(0)
    return X, y, rng.uniform(0.5, 2.0, len(y)), rng.integers(0, 6, len(y))


class Recorder(ClassifierMixin, BaseEstimator):
    """A probabilistic classifier that records the metadata of its fits."""

    def fit(self, X, y, tag=None, sample_weight=None):
        self.tag_ = tag
        self.sample_weight_ = sample_weight
        self.classes_ = np.unique(y)
        self.prior_ = np.bincount(np.searchsorted(self.classes_, y)) / len(y)
        return self

    def predict_proba(self, X):
        return np.tile(self.prior_, (len(X), 1))

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class RegRecorder(RegressorMixin, BaseEstimator):
    def fit(self, X, y, sample_weight=None):
        self.sample_weight_ = sample_weight
        self.n_rows_ = len(X)
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


def test_importance_weights_times_prior_weights(clf_data, routing):
    X, y, w, _ = clf_data
    Xs, ys, w_s, Xt = X[:160], y[:160], w[:160], X[160:] + 0.5
    lr = LogisticRegression().set_fit_request(sample_weight=True)
    est = ImportanceWeightedClassifier(lr).fit(Xs, ys, X_target=Xt, sample_weight=w_s)
    iw = DiscriminativeDensityRatio().fit(Xs, X_target=Xt).weights_
    ref = LogisticRegression().fit(Xs, ys, sample_weight=iw * w_s)
    np.testing.assert_allclose(est.estimator_.coef_, ref.coef_, rtol=1e-6)


def test_importance_stacked_path_slices_per_row_metadata(clf_data, routing):
    X, y, w, _ = clf_data
    Xs, ys, Xt = X[:160], y[:160], X[160:] + 0.5
    X_all, y_all, domain = pack_source_target(Xs, ys, Xt)
    w_all = np.r_[w[:160], np.full(len(Xt), 99.0)]  # target rows' values unused
    lr = LogisticRegression().set_fit_request(sample_weight=True)
    est = ImportanceWeightedClassifier(lr).fit(
        X_all, y_all, sample_domain=domain, sample_weight=w_all
    )
    with sklearn.config_context(enable_metadata_routing=False):
        ref = ImportanceWeightedClassifier(LogisticRegression()).fit(
            Xs, ys, X_target=Xt, sample_weight=w[:160]
        )  # without routing: sample_weight is the prior weight too
    np.testing.assert_allclose(est.estimator_.coef_, ref.estimator_.coef_, rtol=1e-6)


def test_importance_unrequested_metadata_is_sklearns_error(clf_data, routing):
    X, y, w, _ = clf_data
    with pytest.raises(sklearn.exceptions.UnsetMetadataPassedError):
        ImportanceWeightedClassifier(LogisticRegression()).fit(
            X, y, X_target=X, sample_weight=w
        )


def test_soft_target_routes_other_metadata(clf_data, routing):
    X, y, _, _ = clf_data
    rec = Recorder().set_fit_request(tag=True)
    est = SoftTargetClassifier(rec, random_state=0).fit(X, y, tag="t")
    assert est.estimator_.tag_ == "t"
    assert est.estimator_.sample_weight_ is not None  # the mixup weights


def test_knn_mixup_carries_sample_weight():
    X, y = make_regression(n_samples=120, n_features=3, noise=1.0, random_state=0)
    w = np.random.default_rng(1).uniform(1.0, 3.0, len(y))
    reg = KNNMixupRegressor(RegRecorder(), n_neighbors=(2, 5), random_state=0)
    reg.fit(X, y, sample_weight=w)
    got = reg.estimator_.sample_weight_
    assert reg.estimator_.n_rows_ == len(got) == 2 * len(y)
    np.testing.assert_array_equal(got[: len(y)], w)  # the original rows first
    mixed = got[len(y) :]  # convex combinations of two rows' weights
    assert mixed.min() >= w.min() and mixed.max() <= w.max()
    assert not np.isin(mixed, w).all()


def test_confidence_selector_groups_reach_its_cv(clf_data):
    X, y, _, g = clf_data
    sel = ConfidenceSelector(LogisticRegression(), cv=GroupKFold(3))
    with pytest.raises(ValueError, match="groups"):
        sel.fit_resample(X, y)  # GroupKFold without groups
    sel.fit_resample(X, y, groups=g)
    ref = out_of_fold_proba(LogisticRegression(), X, y, cv=GroupKFold(3), groups=g)
    np.testing.assert_allclose(sel.oof_proba_, ref)


def test_confidence_selector_in_grid_search_with_groups(clf_data, routing):
    X, y, _, g = clf_data
    sel = ConfidenceSelector(LogisticRegression(), cv=GroupKFold(3))
    sel.set_fit_resample_request(groups=True)
    pipe = make_pipeline(sel, LogisticRegression())
    search = GridSearchCV(
        pipe, {"confidenceselector__rank_by": ["self_confidence", "normalized_margin"]},
        cv=GroupKFold(3),
    )  # fmt: skip
    search.fit(X, y, groups=g)
    assert hasattr(search.best_estimator_[0], "oof_proba_")


def test_confidence_selector_routes_estimator_metadata(clf_data, routing):
    X, y, w, _ = clf_data
    rec = Recorder().set_fit_request(sample_weight=True)
    sel = ConfidenceSelector(rec, cv=3)
    sel.fit_resample(X, y, sample_weight=w)  # sliced to each training fold


def test_regression_selector_groups_and_weights(routing):
    X, y = make_regression(n_samples=150, n_features=3, noise=1.0, random_state=0)
    g = np.arange(len(y)) % 5
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    lr = LinearRegression().set_fit_request(sample_weight=True)
    sel = RegressionResidualSelector(lr, cv=GroupKFold(5), n_bootstrap=0,
                                     aleatoric=False)  # fmt: skip
    sel.fit_resample(X, y, groups=g, sample_weight=w)
    assert sel.scores_.shape == (len(y),)


def test_el2n_and_uncertainty_route_to_estimator(clf_data, routing):
    X, y, _, _ = clf_data
    rec = Recorder().set_fit_request(tag=True)
    EL2NPruner(rec, n_fits=1).fit_resample(X, y, tag="x")
    us = UncertaintySampler(rec).fit(X, y, tag="y")
    assert us.estimator_.tag_ == "y"


@pytest.mark.parametrize(
    "meta",
    [
        ImportanceWeightedClassifier(),
        SoftTargetClassifier(),
        KNNMixupRegressor(),
        ConfidenceSelector(),
        RegressionResidualSelector(),
        EL2NPruner(),
        AreaUnderMarginSelector(),
        UncertaintySampler(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_meta_estimator_has_a_router(meta):
    from sklearn.utils.metadata_routing import get_routing_for_object

    routing = get_routing_for_object(meta)
    assert "estimator" in routing._route_mappings


def _training_rows(est, n):
    rng = np.random.RandomState(est.random_state)
    return est._split(n, rng)[0]


@pytest.mark.parametrize("use_routing", [False, True])
def test_conformal_regressor_fits_estimator_with_training_rows_metadata(use_routing):
    from sklearn_datacentric.conformal import SplitConformalRegressor

    X, y = make_regression(n_samples=200, n_features=3, noise=5.0, random_state=0)
    w = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    with sklearn.config_context(enable_metadata_routing=use_routing):
        lr = LinearRegression()
        if use_routing:
            lr.set_fit_request(sample_weight=True)
        cp = SplitConformalRegressor(lr, random_state=0).fit(X, y, sample_weight=w)
    tr = _training_rows(cp, len(y))
    ref = LinearRegression().fit(X[tr], y[tr], sample_weight=w[tr])
    np.testing.assert_allclose(cp.estimator_.coef_, ref.coef_)


def test_weighted_conformal_stacked_path_metadata(routing):
    from sklearn_datacentric.conformal import WeightedConformalRegressor

    X, y = make_regression(n_samples=240, n_features=3, noise=5.0, random_state=1)
    Xs, ys, Xt = X[:180], y[:180], X[180:] + 0.3
    X_all, y_all, domain = pack_source_target(Xs, ys, Xt)
    w = np.random.default_rng(1).uniform(0.2, 3.0, len(y_all))
    lr = LinearRegression().set_fit_request(sample_weight=True)
    cp = WeightedConformalRegressor(lr, random_state=0)
    cp.fit(X_all, y_all, sample_domain=domain, sample_weight=w)
    tr = _training_rows(cp, len(ys))
    ref = LinearRegression().fit(Xs[tr], ys[tr], sample_weight=w[:180][tr])
    np.testing.assert_allclose(cp.estimator_.coef_, ref.coef_)


def test_conformal_prefit_with_fit_params_is_an_error():
    from sklearn_datacentric.conformal import SplitConformalClassifier

    X, y = make_classification(n_samples=100, random_state=0)
    clf = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="prefit=True fits nothing"):
        SplitConformalClassifier(clf, prefit=True).fit(
            X, y, sample_weight=np.ones(len(y))
        )
