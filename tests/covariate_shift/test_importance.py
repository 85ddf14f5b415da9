import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

from sklearn_datacentric.covariate_shift import (
    DiscriminativeDensityRatio,
    DoubleWeighting,
    DWGCSClassifier,
    ImportanceWeightedClassifier,
    ImportanceWeightedRegressor,
    KernelMeanMatching,
)
from sklearn_datacentric.utils import pack_source_target


def _clf_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    Xs = rng.normal(0, 1, (n, 2))
    Xt = rng.normal(1.5, 1, (n, 2))
    f = lambda X: (X[:, 0] ** 2 + X[:, 1] > 1.0).astype(int)  # noqa: E731
    return Xs, f(Xs), Xt, f(Xt)


def test_weights_are_the_weighters():
    Xs, ys, Xt, _ = _clf_data()
    m = ImportanceWeightedClassifier(
        LogisticRegression(), weighting=KernelMeanMatching()
    ).fit(Xs, ys, X_target=Xt)
    w = KernelMeanMatching().fit(Xs, X_target=Xt).weights_
    ref = LogisticRegression().fit(Xs, ys, sample_weight=w)
    np.testing.assert_allclose(m.estimator_.coef_, ref.coef_, rtol=1e-6)
    np.testing.assert_allclose(m.predict_proba(Xt), ref.predict_proba(Xt), rtol=1e-6)
    assert m.has_target_


def test_estimator_without_sample_weight_is_an_error():
    Xs, ys, Xt, _ = _clf_data()
    with pytest.raises(TypeError, match="sample_weight"):
        ImportanceWeightedClassifier(KNeighborsClassifier()).fit(Xs, ys, X_target=Xt)
    with pytest.raises(TypeError, match="sample_weight"):
        ImportanceWeightedRegressor(KNeighborsRegressor()).fit(
            Xs, ys * 1.0, X_target=Xt
        )


def test_regressor_corrects_misspecified_model():
    # linear fit of sin(x): the weighted fit is better on the target region
    rng = np.random.default_rng(0)
    Xs = rng.normal(0, 1, (600, 1))
    Xt = rng.normal(1.5, 0.4, (600, 1))
    f = lambda X: np.sin(1.5 * X[:, 0])  # noqa: E731
    ys = f(Xs) + rng.normal(0, 0.1, 600)
    plain = LinearRegression().fit(Xs, ys)
    iw = ImportanceWeightedRegressor(weighting=DiscriminativeDensityRatio()).fit(
        Xs, ys, X_target=Xt
    )
    mse = lambda m: np.mean((m.predict(Xt) - f(Xt)) ** 2)  # noqa: E731
    assert mse(iw) < 0.7 * mse(plain)


def test_no_target_equals_plain_fit():
    Xs, ys, _, _ = _clf_data()
    m = ImportanceWeightedClassifier().fit(Xs, ys)
    np.testing.assert_allclose(
        m.estimator_.coef_, LogisticRegression().fit(Xs, ys).coef_
    )
    assert not m.has_target_


def test_pandas_in_and_double_weighting_weighter():
    Xs, ys, Xt, _ = _clf_data(100)
    dfs = pd.DataFrame(Xs, columns=["u", "v"])
    dft = pd.DataFrame(Xt, columns=["u", "v"])
    m = ImportanceWeightedClassifier(weighting=DoubleWeighting(D=4.0)).fit(
        dfs, ys, X_target=dft
    )
    assert list(m.feature_names_in_) == ["u", "v"]
    assert m.predict(dft).shape == (100,)
    assert m.weighting_.weights_.max() <= 500


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


@pytest.mark.parametrize(
    "est",
    [
        ImportanceWeightedClassifier(),
        DWGCSClassifier(D=4.0, kmm_max_iter=200),
    ],
    ids=["IWC", "DWGCS"],
)
def test_cv_with_sample_domain_routing(routing, est):
    Xs, ys, Xt, yt = _clf_data(120)
    X, y, sd = pack_source_target(Xs, ys, Xt)
    est = est.set_fit_request(sample_domain=True).set_score_request(sample_domain=True)
    cv = KFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(est, X, y, cv=cv, params={"sample_domain": sd})
    assert scores.shape == (3,) and np.all((0 <= scores) & (scores <= 1))
    # the target rows of each training fold reached fit (not sliced away):
    # with X_target the fit equals the one with stacked rows
    tr = np.arange(len(X))[: 2 * len(X) // 3]
    a = sklearn.base.clone(est).fit(X[tr], y[tr], sample_domain=sd[tr])
    src, tgt = tr[sd[tr] >= 0], tr[sd[tr] < 0]
    b = sklearn.base.clone(est).fit(X[src], y[src], X_target=X[tgt])
    np.testing.assert_array_equal(a.predict(Xt), b.predict(Xt))


def test_gridsearch_with_sample_domain_and_target_labels(routing):
    Xs, ys, Xt, yt = _clf_data(120)
    # target labels kept for evaluation: score() uses the labelled target rows
    X, y, sd = pack_source_target(Xs, ys, Xt, y_target=yt)
    est = (
        ImportanceWeightedClassifier(LogisticRegression())
        .set_fit_request(sample_domain=True)
        .set_score_request(sample_domain=True)
    )
    gs = GridSearchCV(
        est, {"estimator__C": [0.01, 1.0]}, cv=KFold(3, shuffle=True, random_state=0)
    ).fit(X, y, sample_domain=sd)
    assert gs.best_params_["estimator__C"] in (0.01, 1.0)
    m = gs.best_estimator_
    assert m.weighting_.n_target_ == (sd < 0).sum()
    # score with sample_domain = accuracy on the target rows only
    acc_t = np.mean(m.predict(Xt) == yt)
    assert m.score(X, y, sample_domain=sd) == pytest.approx(acc_t)


def test_skada_layout_interoperates():
    # skada's make_shifted_datasets layout: source rows with domain 1, target
    # rows with domain -2, target labels kept in y (not masked).  Built here
    # directly: importing skada pulls heavy deep-learning stacks.
    Xs, ys, Xt, yt = _clf_data(60)
    X = np.vstack([Xs, Xt])
    y = np.concatenate([ys, yt])
    sd = np.concatenate([np.ones(60, int), np.full(60, -2)])
    src, tgt = sd >= 0, sd < 0
    a = ImportanceWeightedClassifier().fit(X, y, sample_domain=sd)
    b = ImportanceWeightedClassifier().fit(X[src], y[src], X_target=X[tgt])
    np.testing.assert_allclose(a.weighting_.weights_, b.weighting_.weights_)
    # target labels present: score uses the target rows (skada's supervised view)
    assert a.score(X, y, sample_domain=sd) == pytest.approx(b.score(X[tgt], y[tgt]))
