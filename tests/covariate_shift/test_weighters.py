import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_datacentric.covariate_shift import (
    DiscriminativeDensityRatio,
    DoubleWeighting,
    KernelMeanMatching,
)
from sklearn_datacentric.utils import pack_source_target

WEIGHTERS = [DiscriminativeDensityRatio, KernelMeanMatching, DoubleWeighting]


def _gauss(n=300, shift=1.0, seed=0, d=1):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (n, d)), rng.normal(shift, 1, (n, d))


@pytest.mark.parametrize("W", WEIGHTERS)
def test_two_paths_agree_and_weights_valid(W):
    Xs, Xt = _gauss(150)
    a = W().fit(Xs, X_target=Xt)
    X, y, sd = pack_source_target(Xs, np.zeros(len(Xs), int), Xt)
    b = W().fit(X, y, sample_domain=sd)
    np.testing.assert_allclose(a.weights_, b.weights_, rtol=1e-10)
    assert a.weights_.shape == (150,)
    assert np.all(np.isfinite(a.weights_)) and np.all(a.weights_ >= 0)
    w_new = a.predict_weights(np.linspace(-4, 5, 40)[:, None])
    assert np.all(np.isfinite(w_new)) and np.all(w_new >= 0)
    # weights increase toward the target (ratio exp(x - 1/2) is increasing)
    assert a.weights_[Xs[:, 0] > 1].mean() > a.weights_[Xs[:, 0] < -1].mean()
    assert a.has_target_ and a.n_target_ == 150


@pytest.mark.parametrize("W", WEIGHTERS)
def test_no_target_gives_unit_weights(W):
    Xs, _ = _gauss(50)
    w = W().fit(Xs)
    np.testing.assert_array_equal(w.weights_, 1.0)
    np.testing.assert_array_equal(w.predict_weights(Xs[:7]), 1.0)
    assert not w.has_target_


@pytest.mark.parametrize("W", [KernelMeanMatching, DoubleWeighting])
def test_identical_source_and_target_give_unit_weights(W):
    Xs, _ = _gauss(80, d=2)
    w = W().fit(Xs, X_target=Xs.copy())
    np.testing.assert_allclose(w.weights_, 1.0)
    np.testing.assert_allclose(w.alpha_, 1.0)


@pytest.mark.parametrize("W", WEIGHTERS)
def test_bad_target(W):
    Xs, Xt = _gauss(40, d=2)
    with pytest.raises(ValueError, match="empty"):
        W().fit(Xs, X_target=np.empty((0, 2)))
    with pytest.raises(ValueError, match="features"):
        W().fit(Xs, X_target=Xt[:, :1])
    with pytest.raises(ValueError, match="NaN|infinity"):
        bad = Xt.copy()
        bad[0, 0] = np.nan
        W().fit(Xs, X_target=bad)
    with pytest.raises(ValueError, match="either"):
        W().fit(Xs, X_target=Xt, sample_domain=np.ones(40, int))


@pytest.mark.parametrize(
    "est, match",
    [
        (DoubleWeighting(D=0.5), "'D'"),
        (DoubleWeighting(B=0.0), "'B'"),
        (KernelMeanMatching(B=-1.0), "'B'"),
        (KernelMeanMatching(sigma=0.0), "'sigma'"),
        (DoubleWeighting(sigma=-2.0), "'sigma'"),
        (DiscriminativeDensityRatio(clip=0.0), "'clip'"),
    ],
)
def test_bad_parameters(est, match):
    Xs, Xt = _gauss(30)
    with pytest.raises(InvalidParameterError, match=match):
        est.fit(Xs, X_target=Xt)


def test_discriminative_ratio_recovers_gaussian_ratio():
    # N(0,1) -> N(1,1): log ratio is x - 1/2, exactly log-linear
    Xs, Xt = _gauss(4000, seed=1)
    w = DiscriminativeDensityRatio().fit(Xs, X_target=Xt)
    x = np.linspace(-1.5, 2.5, 9)[:, None]
    np.testing.assert_allclose(np.log(w.predict_weights(x)), x[:, 0] - 0.5, atol=0.15)
    assert w.weights_.mean() == pytest.approx(1.0, abs=0.1)


def test_discriminative_prior_correction():
    # twice as many target points: without correction ratios would double
    rng = np.random.default_rng(0)
    Xs, Xt = rng.normal(size=(1000, 2)), rng.normal(size=(2000, 2))
    w = DiscriminativeDensityRatio().fit(Xs, X_target=Xt)
    assert w.weights_.mean() == pytest.approx(1.0, abs=0.05)


def test_discriminative_clip_normalize_cv():
    Xs, Xt = _gauss(300, shift=2.5)
    w = DiscriminativeDensityRatio(clip=3.0).fit(Xs, X_target=Xt)
    assert w.weights_.max() <= 3.0 and w.predict_weights(Xt).max() <= 3.0
    w = DiscriminativeDensityRatio(normalize=True).fit(Xs, X_target=Xt)
    assert w.weights_.mean() == pytest.approx(1.0)
    w_cv = DiscriminativeDensityRatio(cv=3).fit(Xs, X_target=Xt)
    assert w_cv.weights_.shape == (300,)
    np.testing.assert_allclose(
        w_cv.predict_weights(Xs[:5]),
        DiscriminativeDensityRatio().fit(Xs, X_target=Xt).predict_weights(Xs[:5]),
    )
    w = DiscriminativeDensityRatio(estimator=LogisticRegression(C=0.1)).fit(
        Xs, X_target=Xt
    )
    assert isinstance(w.estimator_, LogisticRegression)


def test_kmm_is_dw_with_D_one():
    Xs, Xt = _gauss(100, d=2)
    k = KernelMeanMatching().fit(Xs, X_target=Xt)
    d = DoubleWeighting(D=1.0).fit(Xs, X_target=Xt)
    np.testing.assert_allclose(k.weights_, d.weights_)
    np.testing.assert_array_equal(d.alpha_, 1.0)


def test_double_weighting_constraints_and_alpha():
    Xs, Xt = _gauss(120, shift=2.5, d=1)
    D, B = 4.0, 10.0
    d = DoubleWeighting(D=D, B=B).fit(Xs, X_target=Xt)
    n = t = 120
    assert d.beta_.max() <= B / np.sqrt(D) + 1e-9
    assert 0 <= d.alpha_.min() and d.alpha_.max() <= 1
    assert np.linalg.norm(d.alpha_ - 1) <= (1 - 1 / np.sqrt(D)) * np.sqrt(t) + 1e-9
    assert abs(d.beta_.mean() - d.alpha_.mean()) <= 1 - 1 / np.sqrt(n) + 1e-9
    # target points outside the source support are down-weighted
    far, near = Xt[:, 0] > 3.5, Xt[:, 0] < 1.5
    assert d.alpha_[far].mean() < d.alpha_[near].mean()
    # larger D frees alpha further: objective can only decrease
    d16 = DoubleWeighting(D=16.0, B=B).fit(Xs, X_target=Xt)
    d1 = DoubleWeighting(D=1.0, B=B).fit(Xs, X_target=Xt)
    assert d16.objective_ <= d.objective_ * (1 + 1e-3) <= d1.objective_ * (1 + 1e-3)
    # out-of-sample alpha: smooth, in [0, 1], high near the source
    a = d.predict_target_weights(np.array([[0.5], [5.0]]))
    assert 0 <= a.min() and a.max() <= 1 and a[0] > a[1]


def test_pandas_input_and_feature_names():
    Xs, Xt = _gauss(60, d=2)
    df_s = pd.DataFrame(Xs, columns=["a", "b"])
    df_t = pd.DataFrame(Xt, columns=["a", "b"])
    w = DiscriminativeDensityRatio().fit(df_s, X_target=df_t)
    assert list(w.feature_names_in_) == ["a", "b"]
    assert w.predict_weights(df_t).shape == (60,)
    Xs_copy = Xs.copy()
    KernelMeanMatching().fit(Xs, X_target=Xt)
    np.testing.assert_array_equal(Xs, Xs_copy)  # input untouched
