import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors as SkNN

from sklearn_datacentric.neighbors import NearestNeighbors
from sklearn_datacentric.neighbors._base import (
    l1_kneighbors_self,
    mixed_kneighbors_self,
)
from sklearn_datacentric.neighbors._kernels import kneighbors_reference


@pytest.fixture(scope="module")
def data():
    X, _ = make_classification(
        n_samples=3000, n_features=8, n_informative=5, random_state=0
    )
    return X


@pytest.mark.parametrize("algorithm", ["kd_tree", "brute", "auto"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exact_matches_reference_self(data, algorithm, dtype):
    X = data.astype(dtype)
    nn = NearestNeighbors(n_neighbors=6, algorithm=algorithm).fit(X)
    dist, ind = nn.kneighbors()
    ref_d, ref_i = kneighbors_reference(X, X, 6, exclude=np.arange(len(X)))
    # continuous random data: no ties, the indices must be identical
    np.testing.assert_array_equal(ind, ref_i)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-6, atol=1e-6)
    assert not np.any(ind == np.arange(len(X))[:, None])


@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
def test_exact_matches_sklearn_external_queries(data, algorithm):
    rng = np.random.RandomState(1)
    Q = rng.randn(200, data.shape[1])
    nn = NearestNeighbors(n_neighbors=3, algorithm=algorithm).fit(data)
    dist, ind = nn.kneighbors(Q, n_neighbors=7)
    sk_d, sk_i = SkNN(n_neighbors=7).fit(data).kneighbors(Q)
    np.testing.assert_array_equal(ind, sk_i)
    np.testing.assert_allclose(dist, sk_d, rtol=1e-9)
    ind_only = nn.kneighbors(Q, return_distance=False)
    np.testing.assert_array_equal(ind_only, sk_i[:, :3])


def test_self_query_matches_sklearn_convention(data):
    nn = NearestNeighbors(n_neighbors=4).fit(data)
    sk = SkNN(n_neighbors=4).fit(data)
    np.testing.assert_array_equal(nn.kneighbors()[1], sk.kneighbors()[1])


def test_csr_matches_dense():
    rng = np.random.RandomState(0)
    Xs = sparse.random(500, 40, density=0.2, random_state=rng, format="csr")
    nn = NearestNeighbors(n_neighbors=5).fit(Xs)
    assert nn.effective_algorithm_ == "brute"
    dist, ind = nn.kneighbors()
    ref_d, ref_i = kneighbors_reference(
        Xs.toarray(), Xs.toarray(), 5, exclude=np.arange(500)
    )
    np.testing.assert_array_equal(ind, ref_i)
    np.testing.assert_allclose(dist, ref_d, atol=1e-7)


def test_n_jobs_does_not_change_results(data):
    a = NearestNeighbors(n_neighbors=5, n_jobs=1).fit(data).kneighbors()
    b = NearestNeighbors(n_neighbors=5, n_jobs=2).fit(data).kneighbors()
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[0], b[0])


def test_fitted_rows_subset(data):
    nn = NearestNeighbors(n_neighbors=4).fit(data)
    rows = np.array([5, 17, 2999, 0, 17])
    d, i = nn._kneighbors_fitted(rows)
    ref_d, ref_i = kneighbors_reference(data, data[rows], 4, exclude=rows)
    np.testing.assert_array_equal(i, ref_i)


def test_duplicates_never_return_self():
    X = np.repeat(np.arange(20.0)[:, None], 3, axis=0)  # each point 3 times
    for algo in ["kd_tree", "brute"]:
        nn = NearestNeighbors(n_neighbors=2, algorithm=algo, leaf_size=2).fit(X)
        dist, ind = nn.kneighbors()
        assert not np.any(ind == np.arange(len(X))[:, None])
        np.testing.assert_array_equal(dist, 0.0)  # the two other copies
        np.testing.assert_array_equal(X[ind[:, 0], 0], X[:, 0])


@pytest.mark.parametrize("n_features", [6, 30])
def test_approximate_guarantee_and_recall(n_features):
    X, _ = make_classification(
        n_samples=4000, n_features=n_features, n_informative=4, random_state=0
    )
    k, eps = 5, 1.0
    approx = NearestNeighbors(n_neighbors=k, algorithm="approximate", eps=eps)
    d_a, i_a = approx.fit(X).kneighbors()
    d_e, i_e = NearestNeighbors(n_neighbors=k, algorithm="kd_tree").fit(X).kneighbors()
    # (1 + eps)-approximation (Arya et al.): the j-th returned distance is at
    # most (1 + eps) times the true j-th distance
    assert np.all(d_a <= (1 + eps) * d_e + 1e-12)
    assert np.all(d_a >= d_e - 1e-12)
    recall = np.mean([len(set(a) & set(e)) / k for a, e in zip(i_a, i_e)])
    assert recall > 0.5


def test_errors(data):
    nn = NearestNeighbors(n_neighbors=5).fit(data[:5])
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit - 1"):
        nn.kneighbors()
    with pytest.raises(ValueError, match="needs dense input"):
        NearestNeighbors(algorithm="kd_tree").fit(sparse.csr_matrix(data))
    with pytest.raises(ValueError, match="NaN"):
        NearestNeighbors().fit(np.array([[0.0, np.nan], [1.0, 2.0]]))
    with pytest.raises(ValueError, match="features"):
        NearestNeighbors().fit(data).kneighbors(data[:, :3])


def test_input_not_modified(data):
    X = data.astype(np.float32)
    X_copy = X.copy()
    NearestNeighbors(n_neighbors=3).fit(X).kneighbors(X)
    np.testing.assert_array_equal(X, X_copy)


def _mixed_reference(Xc, codes, penalty, k):
    D = ((Xc[:, None] - Xc[None]) ** 2).sum(-1)
    D += penalty * (codes[:, None] != codes[None]).sum(-1)
    np.fill_diagonal(D, np.inf)
    return np.argsort(D, axis=1, kind="stable")[:, :k], D


@pytest.mark.parametrize("n", [300, 2500])  # brute and tree paths
def test_mixed_distance_neighbors(n):
    rng = np.random.RandomState(0)
    Xc = rng.randn(n, 3)
    codes = rng.randint(0, 4, size=(n, 2))
    penalty = 0.7
    dist, ind = mixed_kneighbors_self(Xc, codes, np.sqrt(penalty), 4)
    ref_i, D = _mixed_reference(Xc, codes, penalty, 4)
    ref_d = np.sqrt(np.take_along_axis(D, ref_i, axis=1))
    np.testing.assert_allclose(dist, ref_d, atol=1e-12)
    np.testing.assert_array_equal(ind, ref_i)


def test_l1_neighbors():
    rng = np.random.RandomState(0)
    E = rng.rand(200, 6)
    dist, ind = l1_kneighbors_self(E, 3)
    D = np.abs(E[:, None] - E[None]).sum(-1)
    np.fill_diagonal(D, np.inf)
    np.testing.assert_array_equal(ind, np.argsort(D, axis=1)[:, :3])
