import numpy as np
import pytest
from scipy.stats import chisquare

from sklearn_datacentric.mixup import (
    CMixup,
    KNNMixup,
    KNNMixupRegressor,
    RegressionMixup,
)
from sklearn_datacentric.mixup._kernels import cmixup_partners_kernel


def _cmixup_draws(y, anchor, sigma, m, seed=0):
    order = np.argsort(y, kind="stable").astype(np.int64)
    pos = np.empty(len(y), np.int64)
    pos[order] = np.arange(len(y))
    return cmixup_partners_kernel(
        y[order], order, pos, np.full(m, anchor, np.int64), sigma, seed
    )


@pytest.mark.parametrize("sigma", [0.05, 0.3, 5.0])
@pytest.mark.parametrize("anchor", [0, 17, 39])
def test_cmixup_kernel_matches_exact_law(sigma, anchor):
    rng = np.random.RandomState(0)
    # clustered targets with an outlier: bins far and near the anchor
    y = np.r_[rng.randn(30) * 0.2, 3 + rng.randn(9) * 0.5, [8.0]]
    j = _cmixup_draws(y, anchor, sigma, 60_000)
    p = np.exp(-((y - y[anchor]) ** 2) / (2 * sigma**2))
    p[anchor] = 0
    if p.sum() == 0:
        assert np.all(j == -1)
        return
    p /= p.sum()
    counts = np.bincount(j, minlength=len(y))
    assert counts[anchor] == 0
    assert np.all(counts[p == 0] == 0)
    keep = p * 60_000 >= 5
    f_exp = p[keep] / p[keep].sum() * counts[keep].sum()
    assert chisquare(counts[keep], f_exp).pvalue > 1e-3


def test_cmixup_mixes_targets_and_errors():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 2)
    y = X[:, 0] * 3
    mix = CMixup(bandwidth=0.3, random_state=0)
    X_m, y_m = mix.fit_resample(X, y)
    prov = mix.provenance_
    lam = 1 - prov.gap
    np.testing.assert_allclose(y_m, lam * y[prov.seed] + (1 - lam) * y[prov.partner])
    np.testing.assert_allclose(X_m[:, 0] * 3, y_m)
    # partners are close in y: mean |dy| well below that of random pairs
    assert np.mean(np.abs(y[prov.seed] - y[prov.partner])) < 0.5
    y_far = np.r_[np.zeros(5), [1e6]]
    with pytest.raises(ValueError, match="increase the bandwidth"):
        CMixup(bandwidth=1.0).fit_resample(np.zeros((6, 1)), y_far)
    with pytest.raises(ValueError, match="constant"):
        CMixup().fit_resample(np.zeros((6, 1)), np.ones(6))


def test_knn_mixup_partners_are_neighbours():
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.RandomState(1)
    X = rng.randn(150, 3)
    y = X.sum(axis=1)
    mix = KNNMixup(n_neighbors=4, n_samples=3.0, random_state=0)
    mix.fit_resample(X, y)
    prov = mix.provenance_
    nbrs = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(return_distance=False)
    assert all(prov.partner[t] in nbrs[prov.seed[t]] for t in range(len(prov.seed)))


@pytest.mark.parametrize("scope", ["global", "cluster"])
def test_knn_mixup_regressor_selects_k(scope):
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(300, 1))
    y = np.sin(2 * X[:, 0]) + 0.05 * rng.randn(300)
    from sklearn.tree import DecisionTreeRegressor

    reg = KNNMixupRegressor(
        DecisionTreeRegressor(max_depth=6, random_state=0),
        n_neighbors=(2, 200),
        scope=scope,
        random_state=0,
    )
    reg.fit(X, y)
    # mixing across the whole sine wave (k=200) destroys the signal
    ks = np.atleast_1d(reg.n_neighbors_)
    assert np.mean(ks == 2) > 0.5
    assert np.mean((reg.predict(X) - y) ** 2) < 0.1


def test_regression_mixup_domains():
    rng = np.random.RandomState(0)
    X = rng.randn(100, 2)
    y = rng.randn(100)
    g = np.repeat([0, 1], 50)
    mix = RegressionMixup(
        criterion="different_domain", keep_original=True, random_state=0
    )
    X_m, y_m = mix.fit_resample(X, y, groups=g)
    prov = mix.provenance_
    syn = prov.synthetic
    assert X_m.shape[0] == 200 and syn.sum() == 100
    assert np.all(g[prov.seed[syn]] != g[prov.partner[syn]])
    with pytest.raises(ValueError, match="pass groups"):
        RegressionMixup(criterion="same_domain").fit_resample(X, y)
    with pytest.raises(ValueError, match="without any valid partner"):
        RegressionMixup(criterion="different_domain").fit_resample(
            X, y, groups=np.zeros(100)
        )
    with pytest.raises(ValueError, match="criterion"):
        RegressionMixup(criterion="same_class").fit_resample(X, y)
