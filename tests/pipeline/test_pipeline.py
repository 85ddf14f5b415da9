"""Per-row metadata carried through resamplers inside a Pipeline."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.pipeline import Pipeline as ImbPipeline
from imblearn.under_sampling import RandomUnderSampler as ImbRUS
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.preprocessing import StandardScaler

from sklearn_datacentric.combine import CombinedSampler
from sklearn_datacentric.over_sampling import SMOTE, ProWSyn
from sklearn_datacentric.pipeline import Pipeline, carry_metadata, make_pipeline
from sklearn_datacentric.under_sampling import TomekLinks


@pytest.fixture
def data():
    X, y = make_classification(
        n_samples=300, weights=[0.85], class_sep=0.8, random_state=0
    )
    rng = np.random.default_rng(0)
    return X, y, rng.uniform(0.5, 2.0, size=len(y)), rng.integers(0, 5, len(y))


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


class GroupRecorder(ClassifierMixin, BaseEstimator):
    """Records the groups and weights its fit gets (a consumer of metadata)."""

    def fit(self, X, y, groups=None, sample_weight=None):
        self.groups_ = groups
        self.sample_weight_ = sample_weight
        self.n_rows_ = len(X)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _by_hand(X, y, w):
    sm = SMOTE(random_state=0)
    X_res, y_res = sm.fit_resample(X, y)
    return LogisticRegression().fit(
        X_res, y_res, sample_weight=sm.propagate(w, how="interpolate")
    )


def test_weighted_pipeline_equals_propagate_by_hand_without_routing(data):
    X, y, w, _ = data
    pipe = make_pipeline(SMOTE(random_state=0), LogisticRegression())
    pipe.fit(X, y, logisticregression__sample_weight=w)
    np.testing.assert_array_equal(pipe[-1].coef_, _by_hand(X, y, w).coef_)


def test_weighted_pipeline_equals_propagate_by_hand_with_routing(data, routing):
    X, y, w, _ = data
    lr = LogisticRegression().set_fit_request(sample_weight=True)
    pipe = make_pipeline(SMOTE(random_state=0), lr).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(pipe[-1].coef_, _by_hand(X, y, w).coef_)


def test_imblearn_pipeline_fails_where_ours_carries(data):
    # the defect this module fixes: imbalanced-learn passes w unchanged
    X, y, w, _ = data
    imb = ImbPipeline([("s", SMOTE(random_state=0)), ("lr", LogisticRegression())])
    with pytest.raises(ValueError):
        imb.fit(X, y, lr__sample_weight=w)


def test_groups_follow_seed_rows_through_two_samplers(data, routing):
    X, y, w, g = data
    rec = GroupRecorder().set_fit_request(groups=True, sample_weight=True)
    s1 = SMOTE(random_state=0)
    pipe = Pipeline(
        [
            ("scale", StandardScaler().set_fit_request(sample_weight=False)),
            ("smote", s1),
            ("tomek", TomekLinks()),
            ("rec", rec),
        ]
    ).fit(X, y, groups=g, sample_weight=w)
    smote, tomek, rec = pipe["smote"], pipe["tomek"], pipe["rec"]
    expected_g = g[smote.provenance_.seed][tomek.sample_indices_]
    expected_w = smote.propagate(w, how="interpolate")[tomek.sample_indices_]
    assert rec.n_rows_ == len(expected_g)
    np.testing.assert_array_equal(rec.groups_, expected_g)
    np.testing.assert_allclose(rec.sample_weight_, expected_w)


def test_imblearn_sampler_with_sample_indices_is_carried(data):
    X, y, w, g = data
    pipe = make_pipeline(ImbRUS(random_state=0), GroupRecorder())
    pipe.fit(X, y, grouprecorder__groups=g)
    np.testing.assert_array_equal(
        pipe[-1].groups_, g[pipe["randomundersampler"].sample_indices_]
    )


def test_sampler_without_record_names_sampler_and_key(data, routing):
    X, y, w, _ = data
    lr = LogisticRegression().set_fit_request(sample_weight=True)
    pipe = make_pipeline(ImbSMOTE(random_state=0), lr)
    with pytest.raises(ValueError, match="'sample_weight'.*SMOTE.*provenance_"):
        pipe.fit(X, y, sample_weight=w)


def test_wrong_length_names_key_and_step(data, routing):
    X, y, w, _ = data
    lr = LogisticRegression().set_fit_request(sample_weight=True)
    pipe = make_pipeline(SMOTE(random_state=0), lr)
    with pytest.raises(ValueError, match="'sample_weight'.*'logisticregression'.*299"):
        pipe.fit(X, y, sample_weight=w[:-1])


def test_routing_requested_but_disabled_is_sklearn_error(data):
    X, y, w, _ = data
    with sklearn.config_context(enable_metadata_routing=True):
        lr = LogisticRegression().set_fit_request(sample_weight=True)
    pipe = make_pipeline(SMOTE(random_state=0), lr)
    with pytest.raises(ValueError, match="does not accept the sample_weight"):
        pipe.fit(X, y, sample_weight=w)


def test_groups_in_grid_search_with_group_kfold(data, routing):
    # groups reach both the splitter and, carried through SMOTE, the final step
    X, y, w, g = data
    rec = GroupRecorder().set_fit_request(groups=True)
    pipe = make_pipeline(CombinedSampler(ProWSyn(random_state=0)), rec)
    grid = {"combinedsampler__cleaner": [None, TomekLinks(sampling_strategy="all")]}
    search = GridSearchCV(pipe, grid, cv=GroupKFold(3))
    search.fit(X, y, groups=g)
    fitted = search.best_estimator_
    prov = fitted["combinedsampler"].provenance_
    np.testing.assert_array_equal(fitted[-1].groups_, g[prov.seed])


def test_pandas_metadata_and_carry_function(data):
    X, y, w, g = data
    sm = SMOTE(random_state=0)
    sm.fit_resample(X, y)
    out = carry_metadata(sm, pd.Series(g), key="groups")
    assert isinstance(out, pd.Series)
    np.testing.assert_array_equal(out.index, np.arange(sm.provenance_.n_output))
    np.testing.assert_array_equal(out.to_numpy(), g[sm.provenance_.seed])
    np.testing.assert_allclose(
        carry_metadata(sm, w, key="sample_weight"), sm.propagate(w, how="interpolate")
    )


def test_input_metadata_not_modified(data, routing):
    X, y, w, g = data
    w0, g0 = w.copy(), g.copy()
    rec = GroupRecorder().set_fit_request(groups=True, sample_weight=True)
    make_pipeline(SMOTE(random_state=0), rec).fit(X, y, groups=g, sample_weight=w)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(g, g0)
