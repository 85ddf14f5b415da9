"""Distributed exact k-NN: equal to the in-memory engine."""

import dask.array as da
import numpy as np
import pytest

from sklearn_datacentric.neighbors import NearestNeighbors, kneighbors_dask


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(1500, 5)
    y = rng.randint(0, 3, 1500)
    return X, y, da.from_array(X, chunks=(400, 5)), da.from_array(y, chunks=400)


def test_self_queries_equal_in_memory(client, data):
    X, y, Xd, yd = data
    q = np.arange(0, X.shape[0], 3)
    dist, ind, lab = kneighbors_dask(Xd, X[q], 7, query_index=q, y=yd)
    d_ref, i_ref = NearestNeighbors(n_neighbors=7).fit(X)._kneighbors_fitted(q, 7)
    np.testing.assert_array_equal(ind, i_ref)
    np.testing.assert_allclose(dist, d_ref, rtol=1e-12)
    np.testing.assert_array_equal(lab, y[ind])
    assert not np.any(ind == q[:, None])


def test_external_queries_and_column_chunks(client, data):
    X, _, _, _ = data
    Xd = da.from_array(X, chunks=(333, 2))  # column chunks are rechunked
    Q = np.random.RandomState(1).randn(50, 5)
    dist, ind = kneighbors_dask(Xd, Q, 4, split_every=2)
    d_ref, i_ref = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(Q)
    np.testing.assert_array_equal(ind, i_ref)
    np.testing.assert_allclose(dist, d_ref, rtol=1e-12)


def test_reference_label_searches_one_class(client, data):
    X, y, Xd, yd = data
    c = np.flatnonzero(y == 2)
    ind = kneighbors_dask(
        Xd, X[c], 5, query_index=c, y=yd, reference_label=2, return_distance=False
    )[0]
    ref = NearestNeighbors(n_neighbors=5).fit(X[c])._kneighbors_fitted(None, 5)[1]
    np.testing.assert_array_equal(ind, c[ref])


def test_ties_broken_by_global_index(client):
    # the query is at distance 1 of six rows spread over three partitions
    X = np.array([[5.0], [1.0], [9.0], [-1.0], [1.0], [9.0], [-1.0], [1.0]])
    Xd = da.from_array(X, chunks=3)
    ind = kneighbors_dask(Xd, np.array([[0.0]]), 4, return_distance=False)
    np.testing.assert_array_equal(ind, [[1, 3, 4, 6]])


def test_bad_input(client, data):
    X, _, Xd, _ = data
    with pytest.raises(ValueError, match="n_neighbors <= 1499"):
        kneighbors_dask(Xd, X[:2], 1500, query_index=np.array([0, 1]))
    with pytest.raises(TypeError, match="dask.array.Array"):
        kneighbors_dask(X, X[:2], 2)
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        kneighbors_dask(Xd[Xd[:, 0] > 0], X[:2], 2)
    with pytest.raises(ValueError, match="5 features"):
        kneighbors_dask(Xd, X[:2, :3], 2)
    with pytest.raises(ValueError, match="NaN or infinity"):
        kneighbors_dask(Xd, np.full((1, 5), np.nan), 2)
