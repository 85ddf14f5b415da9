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
from sklearn_datacentric.neighbors._kernels import (
    _SPLIT_SAMPLE,
    build_kdtree,
    kneighbors_reference,
    tree_shape,
)


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


# -- the numpy path of small searches and the numba kernels agree -----------


def _grid(n_side=12, d=3):
    # integer grid points, each twice: many exactly equal distances
    g = np.stack(np.meshgrid(*[np.arange(n_side)] * d), -1).reshape(-1, d)
    return np.repeat(g.astype(np.float64), 2, axis=0)[: 2 * 1100]


def _search_all(X, algorithm, k=6):
    nn = NearestNeighbors(n_neighbors=k, algorithm=algorithm, leaf_size=8).fit(X)
    Q = np.asarray(X[::7]) if not sparse.issparse(X) else X[::7]
    return nn.kneighbors(), nn.kneighbors(Q), nn._kneighbors_fitted([3, 0, 3])


@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
@pytest.mark.parametrize("kind", ["random", "ties"])
def test_numpy_path_equals_kernels(algorithm, kind, monkeypatch, data):
    from sklearn_datacentric.neighbors import _base

    X = data[:1500] if kind == "random" else _grid()
    small = _search_all(X, algorithm)
    monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    monkeypatch.setattr(_base, "_LAZY_MAX_SIZE", 0)
    big = _search_all(X, algorithm)
    for (ds, i_s), (db, ib) in zip(small, big):
        np.testing.assert_array_equal(i_s, ib)
        np.testing.assert_array_equal(ds, db)
    # ties go to the smaller index, as in the reference
    ref_d, ref_i = kneighbors_reference(X, X, 6, exclude=np.arange(len(X)))
    np.testing.assert_array_equal(small[0][1], ref_i)


def test_numpy_path_equals_kernels_csr(monkeypatch):
    from sklearn_datacentric.neighbors import _base

    rng = np.random.RandomState(0)
    Xs = sparse.random(400, 30, density=0.1, random_state=rng, format="csr")
    Xs = sparse.vstack([Xs, Xs[:50]], format="csr")  # duplicates: ties
    small = _search_all(Xs, "brute")
    monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    big = _search_all(Xs, "brute")
    for (ds, i_s), (db, ib) in zip(small, big):
        np.testing.assert_array_equal(i_s, ib)
        np.testing.assert_array_equal(ds, db)


def test_numpy_path_equals_kernels_mixed_and_l1(monkeypatch):
    from sklearn_datacentric.neighbors import _base

    rng = np.random.RandomState(0)
    Xc = np.round(rng.randn(1200, 3), 1)  # rounded: ties
    codes = rng.randint(0, 3, size=(1200, 2))
    E = np.round(rng.rand(300, 4), 1)
    small = (mixed_kneighbors_self(Xc, codes, 0.5, 5), l1_kneighbors_self(E, 4))
    monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    big = (mixed_kneighbors_self(Xc, codes, 0.5, 5), l1_kneighbors_self(E, 4))
    for (ds, i_s), (db, ib) in zip(small, big):
        np.testing.assert_array_equal(i_s, ib)
        np.testing.assert_array_equal(ds, db)


def test_small_fit_builds_no_index(data):
    nn = NearestNeighbors(n_neighbors=3).fit(data[:500])
    nn.kneighbors()
    assert nn._fit_X is None and nn._tree is None  # numpy path, nothing compiled


# -- overflow: finite input, finite distances, no -1 ------------------------


@pytest.mark.parametrize("path", ["numpy", "kernels"])
@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
def test_huge_coordinates(algorithm, path, monkeypatch, data):
    from sklearn_datacentric.neighbors import _base

    if path == "kernels":
        monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
        monkeypatch.setattr(_base, "_LAZY_MAX_SIZE", 0)
    X = data[:1200]
    # a power of two: the neighbours of X * c are those of X, distances * c
    c = 2.0**900  # about 8e270: squared distances would overflow
    d0, i0 = NearestNeighbors(n_neighbors=4, algorithm=algorithm).fit(X).kneighbors()
    nn = NearestNeighbors(n_neighbors=4, algorithm=algorithm).fit(X * c)
    d1, i1 = nn.kneighbors()
    np.testing.assert_array_equal(i1, i0)
    np.testing.assert_allclose(d1, d0 * c, rtol=1e-12)
    # external queries, also far larger than the fitted points
    Q = X[:20] * c
    np.testing.assert_array_equal(nn.kneighbors(Q)[1][:, 1:], i0[:20, :3])
    nn_small = NearestNeighbors(n_neighbors=2, algorithm=algorithm).fit(X)
    d2, i2 = nn_small.kneighbors(np.full((3, X.shape[1]), 1e300))
    assert np.all(np.isfinite(d2)) and np.all(i2 >= 0)
    # near the largest float: distances above it are capped, never inf
    Y = np.array([[1e308, -1e308], [-1e308, 1e308], [1e308, 1e308], [0.0, 0.0]])
    dy, iy = NearestNeighbors(n_neighbors=3, algorithm=algorithm).fit(Y).kneighbors()
    assert np.all(np.isfinite(dy)) and np.all(iy >= 0)
    assert set(iy[3]) == {0, 1, 2}


@pytest.mark.parametrize("path", ["numpy", "kernels"])
def test_huge_coordinates_csr(path, monkeypatch):
    from sklearn_datacentric.neighbors import _base

    if path == "kernels":
        monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    rng = np.random.RandomState(0)
    Xs = sparse.random(300, 20, density=0.3, random_state=rng, format="csr")
    c = 2.0**900
    d0, i0 = NearestNeighbors(n_neighbors=4).fit(Xs).kneighbors()
    d1, i1 = NearestNeighbors(n_neighbors=4).fit(Xs * c).kneighbors()
    np.testing.assert_array_equal(i1, i0)
    np.testing.assert_allclose(d1, d0 * c, rtol=1e-12)


@pytest.mark.parametrize("n", [300, 1500])  # numpy and kernel sizes
def test_huge_coordinates_mixed(n, monkeypatch):
    from sklearn_datacentric.neighbors import _base

    if n > 1000:
        monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    rng = np.random.RandomState(0)
    Xc = rng.randn(n, 3)
    codes = rng.randint(0, 4, size=(n, 2))
    c = 2.0**900
    d0, i0 = mixed_kneighbors_self(Xc, codes, 0.8, 4)
    d1, i1 = mixed_kneighbors_self(Xc * c, codes, 0.8 * c, 4)
    np.testing.assert_array_equal(i1, i0)
    np.testing.assert_allclose(d1, d0 * c, rtol=1e-12)


# -- dense brute force: float32 GEMM candidates, exact re-ranking ------------


def _near_ties(dtype, n=1500, d=40, offset=0.0):
    # clusters of 15 exact duplicates and copies moved by a few float32 ulps
    # (near ties far below the float32 GEMM's rounding error, around the
    # k-th neighbour), plus noise
    rng = np.random.RandomState(0)
    base = rng.randn(n // 30, d)
    reps = np.repeat(base, 15, axis=0)
    ulps = rng.randint(-3, 4, size=reps.shape) * np.finfo(np.float32).eps
    reps[1::3] = reps[1::3] * (1 + ulps[1::3])
    X = np.vstack([reps, rng.randn(n - reps.shape[0], d)]) + offset
    return X.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("offset", [0.0, 1e3])
def test_brute_kernels_exact_on_ties_and_near_ties(dtype, offset, monkeypatch):
    from sklearn_datacentric.neighbors import _base

    monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    monkeypatch.setattr(_base, "_LAZY_MAX_SIZE", 0)
    rechecked = []
    recheck = _base._brute_recheck

    def spy(*args):
        rechecked.append(len(args[6]))
        return recheck(*args)

    monkeypatch.setattr(_base, "_brute_recheck", spy)
    X = _near_ties(dtype, offset=offset)
    nn = NearestNeighbors(n_neighbors=7, algorithm="brute").fit(X)
    assert nn._fit_X.dtype == dtype  # float32 data stay float32
    assert nn._work["W"].dtype == np.float32
    dist, ind = nn.kneighbors()
    ref_d, ref_i = kneighbors_reference(X, X, 7, exclude=np.arange(len(X)))
    np.testing.assert_array_equal(ind, ref_i)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-12, atol=1e-300)
    assert sum(rechecked) > 0  # the ties went through the exact recheck
    # external queries (float64 against float32 points and the converse)
    Q = X[::11].astype(np.float64 if dtype == np.float32 else np.float32)
    dq, iq = nn.kneighbors(Q)
    ref_d, ref_i = kneighbors_reference(X, Q, 7)
    np.testing.assert_array_equal(iq, ref_i)
    np.testing.assert_allclose(dq, ref_d, rtol=1e-12, atol=1e-300)


# scikit-learn's finiteness check sums the float32 array (overflow warning)
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_brute_kernels_float32_extremes(monkeypatch, data):
    from sklearn_datacentric.neighbors import _base

    monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    monkeypatch.setattr(_base, "_LAZY_MAX_SIZE", 0)
    X = np.hstack([data[:1200]] * 5).astype(np.float32)  # 40 features
    d0, i0 = NearestNeighbors(n_neighbors=4, algorithm="brute").fit(X).kneighbors()
    # near the largest float32 (squares overflow float32) and near the
    # smallest normal one (squares underflow): powers of two, exact scaling
    for c in (2.0**120, 2.0**-100):
        Xc = X * np.float32(c)
        assert np.isfinite(Xc).all() and Xc.dtype == np.float32
        d1, i1 = NearestNeighbors(n_neighbors=4, algorithm="brute").fit(Xc).kneighbors()
        np.testing.assert_array_equal(i1, i0)
        np.testing.assert_allclose(d1, d0 * c, rtol=1e-12)
    # queries far beyond the fitted points' spread: float64 GEMM
    nn = NearestNeighbors(n_neighbors=3, algorithm="brute").fit(X)
    Q = X[:30].astype(np.float64) * 1e25
    dq, iq = nn.kneighbors(Q)
    ref_d, ref_i = kneighbors_reference(X, Q, 3)
    np.testing.assert_array_equal(iq, ref_i)
    np.testing.assert_allclose(dq, ref_d, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_build_kdtree_invariants_with_ties(dtype):
    # integer grid: many duplicates and equal split keys
    rng = np.random.default_rng(0)
    X = rng.integers(0, 4, size=(3000, 3)).astype(dtype)
    X_before = X.copy()
    n_levels, _ = tree_shape(X.shape[0], 8)
    idx, start, end, lo, hi, sdim, sval, data = build_kdtree(X, n_levels)
    np.testing.assert_array_equal(X, X_before)
    assert data.dtype == X.dtype and data.flags.c_contiguous
    np.testing.assert_array_equal(np.sort(idx), np.arange(X.shape[0]))
    np.testing.assert_array_equal(data, X[idx])
    first_leaf = 2 ** (n_levels - 1) - 1
    for node in range(2**n_levels - 1):
        pts = data[start[node] : end[node]]
        if pts.shape[0]:
            np.testing.assert_array_equal(lo[node], pts.min(axis=0))
            np.testing.assert_array_equal(hi[node], pts.max(axis=0))
        if node < first_leaf:
            left, right = 2 * node + 1, 2 * node + 2
            assert start[left] == start[node] and end[right] == end[node]
            assert end[left] == start[right]
            f = sdim[node]
            assert np.all(data[start[left] : end[left], f] <= sval[node])
            assert np.all(data[start[right] : end[right], f] >= sval[node])
            # the dimension of largest variance (equal variances: any of
            # them); large nodes estimate it on a sample of their rows,
            # taken before the splits below reordered them
            if pts.shape[0] < 2 * _SPLIT_SAMPLE:
                var = pts.astype(np.float64).var(axis=0)
                assert var[f] >= var.max() * (1 - 1e-12)


def test_build_kdtree_splits_on_the_largest_variance():
    # feature 1: +-1 (variance 1, range 2); feature 0: uniform on [-1.5, 1.5]
    # (variance 0.75, range 3): the root splits feature 1, where the largest
    # range would split feature 0
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(-1.5, 1.5, 5000), rng.choice([-1.0, 1.0], 5000)])
    n_levels, _ = tree_shape(X.shape[0], 32)
    assert build_kdtree(X, n_levels)[5][0] == 1
    # the same far from the origin (the sums of squares must not cancel)
    assert build_kdtree(X + 1e9, n_levels)[5][0] == 1


# -- the tree on the principal axes (rotation) --------------------------------


def _correlated_ties(offset=0.0, near=True):
    """Integer grid points plus exactly redundant columns (x0 + x1, x2 - x3):
    ties everywhere, and a covariance that "auto" rotates; ``near`` adds
    copies of every fifth point moved by an ulp or two (near ties)."""
    rng = np.random.RandomState(0)
    G = rng.randint(-4, 5, size=(3000, 4)).astype(np.float64)
    X = np.column_stack([G, G[:, 0] + G[:, 1], G[:, 2] - G[:, 3]])
    if near:
        moved = X[::5] * (1 + rng.randint(-2, 3, size=X[::5].shape) * 2.0**-52)
        X = np.vstack([X, moved])
    return X + offset


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_rotation_same_neighbours_on_ties(offset, monkeypatch):
    from sklearn_datacentric.neighbors import _base

    monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    monkeypatch.setattr(_base, "_LAZY_MAX_SIZE", 0)

    def search(X, Q, rotation):
        nn = NearestNeighbors(n_neighbors=7, rotation=rotation, leaf_size=8).fit(X)
        assert nn.rotation_ == (None if rotation is None else "pca")
        return nn.kneighbors(), nn.kneighbors(Q)

    # exact ties: the reference's neighbours (smaller index first)
    X = _correlated_ties(offset, near=False)
    Q = np.vstack([X[::13] + 0.5, X[::17]])  # half-way points: more ties
    refs = (
        kneighbors_reference(X, X, 7, exclude=np.arange(len(X))),
        kneighbors_reference(X, Q, 7),
    )
    for rotation in ["pca", "auto", None]:
        for (d, i), (rd, ri) in zip(search(X, Q, rotation), refs):
            np.testing.assert_array_equal(i, ri)
            np.testing.assert_allclose(d, rd, rtol=1e-12)
    # near ties (distances an ulp apart): the rotated tree returns exactly
    # what the axis-aligned one does
    X = _correlated_ties(offset)
    Q = np.vstack([X[::13] + 0.5, X[::17]])
    axis = search(X, Q, None)
    for rotation in ["pca", "auto"]:
        for (d, i), (ad, ai) in zip(search(X, Q, rotation), axis):
            np.testing.assert_array_equal(i, ai)
            np.testing.assert_array_equal(d, ad)


def test_rotation_bit_identical_and_auto_rule(monkeypatch):
    from sklearn_datacentric.neighbors import _base

    monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    monkeypatch.setattr(_base, "_LAZY_MAX_SIZE", 0)
    X, _ = make_classification(
        n_samples=4000, n_features=10, n_informative=5, random_state=0
    )
    far = np.random.RandomState(3).randn(50, 10) * 1e4  # queries far away
    out = {}
    for rotation in ["pca", None]:
        nn = NearestNeighbors(n_neighbors=5, rotation=rotation).fit(X)
        out[rotation] = (nn.kneighbors(), nn.kneighbors(far), nn.kneighbors(X[:300]))
    for a, b in zip(out["pca"], out[None]):
        np.testing.assert_array_equal(a[1], b[1])
        np.testing.assert_array_equal(a[0], b[0])  # same floats, bit for bit
    # two redundant features: "auto" rotates; independent features: it does not
    assert NearestNeighbors(rotation="auto").fit(X).rotation_ == "pca"
    iso = np.random.RandomState(0).randn(4000, 10)
    nn = NearestNeighbors(rotation="auto").fit(iso)
    assert nn.rotation_ is None
    assert not np.shares_memory(nn._fit_X, iso)


def test_rotation_pruning_allows_for_rounding(monkeypatch):
    """A box holding a point at exactly the k-th distance must never be
    pruned.  On the principal axes a computed bound can exceed the true one
    by rounding; without the allowance for it (``_rotation_errors``) the
    search loses tied neighbours on this data, with it the results are the
    reference's."""
    from sklearn_datacentric.neighbors import _base

    monkeypatch.setattr(_base, "_NUMPY_MAX_WORK", 0)
    monkeypatch.setattr(_base, "_LAZY_MAX_SIZE", 0)
    X = _correlated_ties(offset=1e6, near=False)
    ref_d, ref_i = kneighbors_reference(X, X, 7, exclude=np.arange(len(X)))

    def wrong_rows():
        nn = NearestNeighbors(n_neighbors=7, rotation="pca", leaf_size=4).fit(X)
        return int((nn.kneighbors()[1] != ref_i).any(axis=1).sum()), nn

    n_wrong, nn = wrong_rows()
    assert n_wrong == 0
    mu, R, unit, err_fit, inv_c = nn._rot
    assert err_fit > 0 and inv_c > 1
    monkeypatch.setattr(_base, "_rotation_errors", lambda R: (0.0, 1.0))
    assert wrong_rows()[0] > 0  # the allowance is what keeps the ties
