"""The SMOTE family and RandomUnderSampler on Dask collections."""

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from imblearn.utils import check_sampling_strategy
from sklearn.datasets import make_classification

from sklearn_datacentric.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    BorderlineSMOTE,
)
from sklearn_datacentric.under_sampling import RandomUnderSampler
from sklearn_datacentric.under_sampling._dask import split_quota
from sklearn_datacentric.utils._dask import (
    dask_gather_budget,
    sampling_strategy_from_counts,
)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=1600,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        weights=[0.8, 0.13, 0.07],
        class_sep=0.8,
        random_state=0,
    )
    return X, y, da.from_array(X, chunks=(350, 5)), da.from_array(y, chunks=350)


SAMPLERS = [
    SMOTE(random_state=1),
    BorderlineSMOTE(random_state=2),
    BorderlineSMOTE(kind="borderline-2", random_state=3),
    ADASYN(random_state=4),
]


def _ids(s):
    return f"{type(s).__name__}-{getattr(s, 'kind', '')}"


@pytest.mark.parametrize("sampler", SAMPLERS, ids=_ids)
@pytest.mark.parametrize("budget", [None, 4000], ids=["gathered", "distributed"])
def test_same_rows_as_in_memory(client, data, sampler, budget):
    """Same random_state: the same rows, in the same order, and the same
    provenance, whether the minority is gathered or searched distributed
    (a budget of 4000 bytes holds 100 rows of 5 features: the two
    minority classes, of 213 and 114 rows, are above it)."""
    X, y, Xd, yd = data
    X_ref, y_ref = sampler.fit_resample(X, y)
    prov_ref = sampler.provenance_
    w = np.random.RandomState(0).rand(X.shape[0])
    w_ref = prov_ref.propagate(w, how="interpolate")
    if budget is None:
        X_res, y_res = sampler.fit_resample(Xd, yd)
    else:
        with dask_gather_budget(budget):
            X_res, y_res = sampler.fit_resample(Xd, yd)
    assert isinstance(X_res, da.Array) and isinstance(y_res, da.Array)
    # the original partitions come first, untouched
    assert X_res.chunks[0][:5] == Xd.chunks[0]
    prov = sampler.provenance_
    X_res, y_res, seed, partner, gap, synth, w_out = dask.compute(
        X_res,
        y_res,
        prov.seed,
        prov.partner,
        prov.gap,
        prov.synthetic,
        sampler.propagate(da.from_array(w, chunks=500), how="interpolate"),
    )
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
    np.testing.assert_array_equal(seed, prov_ref.seed)
    np.testing.assert_array_equal(partner, prov_ref.partner)
    np.testing.assert_array_equal(gap, prov_ref.gap)
    np.testing.assert_array_equal(synth, prov_ref.synthetic)
    np.testing.assert_allclose(w_out, w_ref, rtol=1e-12)


def test_smotenc_smoten_same_rows(client):
    rng = np.random.RandomState(0)
    n = 900
    X = np.column_stack(
        [rng.randint(0, 4, n), rng.randn(n, 2), rng.randint(0, 3, n)]
    ).astype(float)
    y = (rng.rand(n) < 0.15).astype(int)
    yd = da.from_array(y, chunks=250)
    nc = SMOTENC(categorical_features=[0, 3], random_state=0)
    X_ref, y_ref = nc.fit_resample(X, y)
    seed_ref = nc.provenance_.seed
    X_res, y_res = nc.fit_resample(da.from_array(X, chunks=(250, 2)), yd)
    X_res, y_res, seed = dask.compute(X_res, y_res, nc.provenance_.seed)
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
    np.testing.assert_array_equal(seed, seed_ref)
    Xc = rng.randint(0, 3, (n, 3))
    sn = SMOTEN(random_state=0)
    X_ref, y_ref = sn.fit_resample(Xc, y)
    X_res, y_res = sn.fit_resample(da.from_array(Xc, chunks=(250, 3)), yd)
    np.testing.assert_array_equal(X_res.compute(), X_ref)
    np.testing.assert_array_equal(y_res.compute(), y_ref)


def test_dataframe_in_dataframe_out(client, data):
    X, y, _, _ = data
    df = pd.DataFrame(X, columns=list("abcde"))
    ys = pd.Series(y, name="target")
    sm = BorderlineSMOTE(random_state=0)
    X_ref, y_ref = sm.fit_resample(df, ys)
    X_res, y_res = sm.fit_resample(
        dd.from_pandas(df, npartitions=4), dd.from_pandas(ys, npartitions=4)
    )
    assert isinstance(X_res, dd.DataFrame) and isinstance(y_res, dd.Series)
    X_res, y_res = dask.compute(X_res, y_res)
    assert list(X_res.columns) == list("abcde") and y_res.name == "target"
    np.testing.assert_array_equal(X_res.to_numpy(), X_ref.to_numpy())
    np.testing.assert_array_equal(y_res.to_numpy(), y_ref.to_numpy())
    np.testing.assert_array_equal(X_res.index, np.arange(len(X_ref)))
    np.testing.assert_array_equal(sm.feature_names_in_, list("abcde"))


def test_unknown_chunk_sizes(client, data):
    X, y, Xd, yd = data
    keep = yd >= 0  # all rows, but dask no longer knows the partition lengths
    Xu, yu = Xd[keep], yd[keep]
    assert np.isnan(yu.chunks[0][0])
    X_ref, _ = SMOTE(random_state=0).fit_resample(X, y)
    X_res, _ = SMOTE(random_state=0).fit_resample(Xu, yu)
    np.testing.assert_array_equal(X_res.compute(), X_ref)


def _message(call):
    with pytest.raises(Exception) as exc:
        call()
    return type(exc.value), str(exc.value)


def test_bad_input_same_errors_as_in_memory(client, data):
    X, y, Xd, yd = data
    # NaN / inf inside a partition: the in-memory error, naming the sampler
    for bad in (np.nan, np.inf):
        X2 = X.copy()
        X2[1000, 3] = bad
        ref = _message(lambda X2=X2: SMOTE().fit_resample(X2, y))
        got = _message(
            lambda X2=X2: dask.compute(
                SMOTE().fit_resample(da.from_array(X2, chunks=(350, 5)), yd)
            )
        )
        assert got == ref
        assert "SMOTE" in ref[1] or "infinity" in ref[1]
    # a class too small for k_neighbors
    y_small = y.copy()
    y_small[np.flatnonzero(y == 2)[3:]] = 0
    ref = _message(lambda: ADASYN(n_neighbors=5).fit_resample(X, y_small))
    got = _message(
        lambda: ADASYN(n_neighbors=5).fit_resample(
            Xd, da.from_array(y_small, chunks=350)
        )
    )
    assert got == ref and "too few" in ref[1]
    # numpy mixed with dask
    for args in ((X, yd), (Xd, y)):
        with pytest.raises(TypeError, match="both be Dask collections"):
            SMOTE().fit_resample(*args)
    with pytest.raises(ValueError, match="callable sampling_strategy"):
        SMOTE(sampling_strategy=lambda y: {1: 10}).fit_resample(Xd, yd)
    with pytest.raises(ValueError, match="must be an integer"):
        from sklearn.neighbors import NearestNeighbors

        BorderlineSMOTE(m_neighbors=NearestNeighbors(n_neighbors=4)).fit_resample(
            Xd, yd
        )


@pytest.mark.parametrize("kind", ["over-sampling", "under-sampling"])
def test_sampling_strategy_from_counts_is_imblearns(kind):
    y = np.repeat([3, 5, 9], [50, 20, 7])
    classes, counts = np.unique(y, return_counts=True)
    strategies = [
        "auto",
        "all",
        "not minority",
        "not majority",
        {3: 60, 5: 40} if kind == "over-sampling" else {3: 10, 9: 2},
    ]
    strategies.append("minority" if kind == "over-sampling" else "majority")
    for s in strategies:
        assert dict(sampling_strategy_from_counts(s, classes, counts, kind)) == dict(
            check_sampling_strategy(s, y, kind)
        )
    yb = np.repeat([0, 1], [70, 10])
    cb, nb = np.unique(yb, return_counts=True)
    f = 0.5 if kind == "over-sampling" else 0.4
    assert dict(sampling_strategy_from_counts(f, cb, nb, kind)) == dict(
        check_sampling_strategy(f, yb, kind)
    )


def test_random_under_sampler_dask(client, data):
    X, y, Xd, yd = data
    rus = RandomUnderSampler(random_state=0)
    X_res, y_res = rus.fit_resample(Xd, yd)
    assert not any(np.isnan(c) for c in X_res.chunks[0])  # lengths known
    X_res, y_res, idx, w = dask.compute(
        X_res, y_res, rus.sample_indices_, rus.propagate(np.arange(len(y)))
    )
    n_min = np.bincount(y).min()
    np.testing.assert_array_equal(np.bincount(y_res), [n_min] * 3)
    assert np.unique(idx).size == idx.size  # without replacement
    np.testing.assert_array_equal(X_res, X[idx])
    np.testing.assert_array_equal(y_res, y[idx])
    np.testing.assert_array_equal(w, idx)
    # the minority class is kept whole
    np.testing.assert_array_equal(np.sort(idx[y_res == 2]), np.flatnonzero(y == 2))
    # DataFrame in, DataFrame out
    df = pd.DataFrame(X, columns=list("abcde"))
    X_df, y_s = rus.fit_resample(
        dd.from_pandas(df, npartitions=3),
        dd.from_pandas(pd.Series(y, name="t"), npartitions=3),
    )
    X_df, y_s = dask.compute(X_df, y_s)
    np.testing.assert_array_equal(df.loc[X_df.index].to_numpy(), X_df.to_numpy())
    np.testing.assert_array_equal(np.bincount(y_s), [n_min] * 3)


def test_split_quota_is_exact_and_unbiased():
    """The quota split sums to the quota exactly and each part has the
    hypergeometric (multinomial) mean quota * n_p / N: over 4000 draws the
    mean is within 5 standard errors."""
    counts = np.array([400, 0, 250, 350])
    quota = 120
    rng = np.random.RandomState(0)
    for replacement in (False, True):
        draws = np.array(
            [
                split_quota(quota, counts, rng, replacement=replacement)
                for _ in range(4000)
            ]
        )
        assert np.all(draws.sum(axis=1) == quota)
        assert np.all(draws[:, 1] == 0)
        if not replacement:
            assert np.all(draws <= counts)
        expected = quota * counts / counts.sum()
        se = draws.std(axis=0) / np.sqrt(len(draws))
        assert np.all(np.abs(draws.mean(axis=0) - expected) <= 5 * se + 1e-12)


def test_dask_warmup_on_every_worker(client):
    from sklearn_datacentric.utils import dask_warmup

    times = dask_warmup(client)
    assert set(times) == set(client.scheduler_info()["workers"])
    assert all(t >= 0 for t, _ in times.values())


def test_package_import_does_not_import_dask():
    import subprocess
    import sys

    code = (
        "import sys, sklearn_datacentric.over_sampling, "
        "sklearn_datacentric.under_sampling, sklearn_datacentric.neighbors; "
        "assert 'dask' not in sys.modules, 'dask imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
