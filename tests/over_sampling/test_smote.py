"""SMOTE family: fidelity against imbalanced-learn, provenance, bad input."""

from collections import Counter

import imblearn.over_sampling as imb
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors as SkNN

from sklearn_datacentric.neighbors import NearestNeighbors
from sklearn_datacentric.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    BorderlineSMOTE,
)
from sklearn_datacentric.over_sampling._smote import _kernels
from sklearn_datacentric.over_sampling._smote._base import sample_pairs


@pytest.fixture(scope="module")
def binary():
    return make_classification(
        n_samples=1500,
        n_features=5,
        n_informative=3,
        weights=[0.88],
        class_sep=0.8,
        random_state=0,
    )


@pytest.fixture(scope="module")
def multiclass():
    return make_classification(
        n_samples=1500,
        n_features=6,
        n_informative=4,
        n_classes=3,
        weights=[0.7, 0.2],
        random_state=1,
    )


PAIRS = [
    (SMOTE, imb.SMOTE, {}),
    (BorderlineSMOTE, imb.BorderlineSMOTE, {"kind": "borderline-1"}),
    (BorderlineSMOTE, imb.BorderlineSMOTE, {"kind": "borderline-2"}),
    (ADASYN, imb.ADASYN, {}),
]


def _strategies(y):
    classes, counts = np.unique(y, return_counts=True)
    maj = counts.max()
    minority = classes[np.argmin(counts)]
    strategies = [
        "auto",
        "minority",
        "not majority",
        "not minority",
        "all",
        {int(minority): int(maj)},
        lambda yy: {int(minority): int(np.bincount(yy).max() // 2 + 50)},
    ]
    if len(classes) == 2:
        strategies.append(0.6)
    return strategies


@pytest.mark.parametrize("ours, theirs, params", PAIRS)
@pytest.mark.parametrize("dataset", ["binary", "multiclass"])
def test_class_counts_equal_imblearn_for_every_strategy(
    ours, theirs, params, dataset, request
):
    X, y = request.getfixturevalue(dataset)
    for strategy in _strategies(y):
        a = ours(sampling_strategy=strategy, random_state=0, **params)
        b = theirs(sampling_strategy=strategy, random_state=0, **params)
        try:
            _, y_b = b.fit_resample(X, y)
        except (ValueError, RuntimeError) as exc:
            with pytest.raises(type(exc)):
                a.fit_resample(X, y)
            continue
        _, y_a = a.fit_resample(X, y)
        assert Counter(y_a) == Counter(y_b), (ours.__name__, strategy)


@pytest.mark.parametrize(
    "ours, theirs, params",
    [PAIRS[0], PAIRS[1], PAIRS[3]],  # borderline-2 draws its extra factors apart
)
def test_same_points_as_imblearn(ours, theirs, params, multiclass):
    # same neighbours + same draws: the synthetic points are identical
    X, y = multiclass
    X_a, y_a = ours(random_state=3, **params).fit_resample(X, y)
    X_b, y_b = theirs(random_state=3, **params).fit_resample(X, y)
    np.testing.assert_array_equal(y_a, y_b)
    np.testing.assert_allclose(X_a, X_b, rtol=0, atol=1e-12)


def _minority_neighbors(X, y, cls, k):
    idx = np.flatnonzero(y == cls)
    nn = SkNN(n_neighbors=k + 1).fit(X[idx])
    ind = nn.kneighbors(X[idx], return_distance=False)[:, 1:]
    return {int(i): set(idx[row].tolist()) for i, row in zip(idx, ind)}


@pytest.mark.parametrize(
    "sampler",
    [SMOTE(random_state=0), BorderlineSMOTE(random_state=0), ADASYN(random_state=0)],
)
def test_synthetic_points_on_segments_to_minority_neighbours(sampler, multiclass):
    X, y = multiclass
    X_res, y_res = sampler.fit_resample(X, y)
    prov = sampler.provenance_
    n = len(X)
    syn = np.flatnonzero(prov.synthetic)
    assert np.all(syn >= n) and not prov.synthetic[:n].any()
    np.testing.assert_array_equal(X_res[:n], X)
    seed, partner, gap = prov.seed[syn], prov.partner[syn], prov.gap[syn]
    assert np.all((gap >= 0) & (gap <= 1))
    np.testing.assert_allclose(
        X_res[syn], X[seed] + gap[:, None] * (X[partner] - X[seed]), atol=1e-12
    )
    for cls in np.unique(y_res[syn]):
        neigh = _minority_neighbors(X, y, cls, 5)
        rows = syn[y_res[syn] == cls]
        for s, p in zip(prov.seed[rows], prov.partner[rows]):
            assert y[s] == cls and p in neigh[int(s)]


def test_borderline2_partners_and_gaps(binary):
    X, y = binary
    sm = BorderlineSMOTE(kind="borderline-2", random_state=0)
    X_res, y_res = sm.fit_resample(X, y)
    prov = sm.provenance_
    syn = np.flatnonzero(prov.synthetic)
    other = y[prov.partner[syn]] != y_res[syn]
    assert other.any()
    assert np.all(prov.gap[syn][other] <= 0.5)
    nn = SkNN(n_neighbors=6).fit(X)
    ind = nn.kneighbors(X, return_distance=False)[:, 1:]
    for s, p in zip(prov.seed[syn], prov.partner[syn]):
        assert p in ind[s]
    np.testing.assert_allclose(
        X_res[syn],
        X[prov.seed[syn]]
        + prov.gap[syn][:, None] * (X[prov.partner[syn]] - X[prov.seed[syn]]),
    )


@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_danger_set_equals_imblearn(kind, multiclass):
    X, y = multiclass
    ours = BorderlineSMOTE(kind=kind, random_state=0, sampling_strategy="not majority")
    theirs = imb.BorderlineSMOTE(
        kind=kind, random_state=0, sampling_strategy="not majority"
    )
    ours.fit_resample(X, y)
    theirs.fit_resample(X, y)
    assert ours.in_danger_indices_.keys() == theirs.in_danger_indices.keys()
    for cls, idx in theirs.in_danger_indices.items():
        np.testing.assert_array_equal(ours.in_danger_indices_[cls], idx)
    # every seed is in danger
    syn = ours.provenance_.synthetic
    danger = np.concatenate(list(ours.in_danger_indices_.values()))
    assert np.isin(ours.provenance_.seed[syn], danger).all()


def test_adasyn_per_seed_counts_equal_imblearn(multiclass):
    X, y = multiclass
    ours = ADASYN(random_state=0)
    X_a, _ = ours.fit_resample(X, y)
    X_b, y_b = imb.ADASYN(random_state=0).fit_resample(X, y)
    n = len(X)
    prov = ours.provenance_
    for cls, counts in ours.n_samples_per_seed_.items():
        idx = np.flatnonzero(y == cls)
        rows = np.flatnonzero(prov.synthetic & (np.concatenate([y, y_b[n:]]) == cls))
        per_seed = np.bincount(prov.seed[rows], minlength=n)[idx]
        np.testing.assert_array_equal(per_seed, counts)
        # imbalanced-learn's formula, recomputed independently
        nn = SkNN(n_neighbors=6).fit(X)
        nns = nn.kneighbors(X[idx], return_distance=False)[:, 1:]
        ratio = np.sum(y[nns] != cls, axis=1) / 5
        ratio /= ratio.sum()
        n_req = ours.sampling_strategy_[cls]
        np.testing.assert_array_equal(counts, np.rint(ratio * n_req).astype(int))
    # imbalanced-learn's rows are the same points, in the same order
    np.testing.assert_allclose(X_a, X_b, atol=1e-12)


@pytest.mark.parametrize("cls", [SMOTE, BorderlineSMOTE, ADASYN])
def test_csr_input(cls, binary):
    X, y = binary
    X = X.copy()
    mask = np.random.RandomState(0).rand(*X.shape) < 0.4
    mask[:, 0] = False  # no all-zero rows: no ties in distances
    X[mask] = 0.0
    Xs = sparse.csr_matrix(X)
    a_s, ya_s = cls(random_state=0).fit_resample(Xs, y)
    a_d, ya_d = cls(random_state=0).fit_resample(X, y)
    assert sparse.issparse(a_s) and a_s.format == "csr"
    np.testing.assert_allclose(a_s.toarray(), a_d, atol=1e-12)
    np.testing.assert_array_equal(ya_s, ya_d)
    imb_cls = getattr(imb, cls.__name__)
    b_s, _ = imb_cls(random_state=0).fit_resample(Xs, y)
    np.testing.assert_allclose(a_s.toarray(), b_s.toarray(), atol=1e-12)
    # CSC in, CSC out
    c_s, _ = cls(random_state=0).fit_resample(Xs.tocsc(), y)
    assert c_s.format == "csc"


@pytest.mark.parametrize("cls", [SMOTE, BorderlineSMOTE, ADASYN])
def test_float32_pandas_and_no_inplace(cls, binary):
    X, y = binary
    X32 = X.astype(np.float32)
    X32_copy = X32.copy()
    X_res, _ = cls(random_state=0).fit_resample(X32, y)
    assert X_res.dtype == np.float32
    np.testing.assert_array_equal(X32, X32_copy)
    df = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    ys = pd.Series(y, name="target")
    df_res, ys_res = cls(random_state=0).fit_resample(df, ys)
    assert list(df_res.columns) == list(df.columns) and ys_res.name == "target"
    np.testing.assert_allclose(
        df_res.to_numpy(), cls(random_state=0).fit_resample(X, y)[0]
    )


def test_n_jobs_and_neighbour_objects_give_same_output(binary):
    X, y = binary
    ref, _ = SMOTE(random_state=0).fit_resample(X, y)
    for k in [NearestNeighbors(n_neighbors=6), SkNN(n_neighbors=6)]:
        out, _ = SMOTE(random_state=0, k_neighbors=k).fit_resample(X, y)
        np.testing.assert_allclose(out, ref)
    out, _ = SMOTE(random_state=0, n_jobs=2).fit_resample(X, y)
    np.testing.assert_allclose(out, ref)
    out, _ = BorderlineSMOTE(
        random_state=0,
        m_neighbors=SkNN(n_neighbors=11),
        k_neighbors=SkNN(n_neighbors=6),
    ).fit_resample(X, y)
    np.testing.assert_allclose(
        out, BorderlineSMOTE(random_state=0).fit_resample(X, y)[0]
    )


def test_approximate_engine_keeps_segment_property(binary):
    X, y = binary
    approx = NearestNeighbors(n_neighbors=6, algorithm="approximate")
    sm = SMOTE(random_state=0, k_neighbors=approx)
    X_res, _ = sm.fit_resample(X, y)
    p = sm.provenance_
    syn = p.synthetic
    np.testing.assert_allclose(
        X_res[syn],
        X[p.seed[syn]] + p.gap[syn, None] * (X[p.partner[syn]] - X[p.seed[syn]]),
    )
    assert np.all(y[p.partner[syn]] == 1)


def test_provenance_propagates_weights_and_groups(binary):
    X, y = binary
    rng = np.random.RandomState(0)
    w = rng.uniform(0.5, 2.0, size=len(y))
    groups = rng.randint(0, 10, size=len(y))
    sm = SMOTE(random_state=0)
    X_res, y_res = sm.fit_resample(X, y)
    n = len(y)
    w_res = sm.propagate(w, how="interpolate")
    g_res = sm.propagate(groups)
    assert w_res.shape == g_res.shape == y_res.shape
    np.testing.assert_array_equal(w_res[:n], w)
    np.testing.assert_array_equal(g_res[:n], groups)
    p = sm.provenance_
    syn = p.synthetic
    np.testing.assert_allclose(
        w_res[syn], (1 - p.gap[syn]) * w[p.seed[syn]] + p.gap[syn] * w[p.partner[syn]]
    )
    np.testing.assert_array_equal(g_res[syn], groups[p.seed[syn]])
    # a weight carried as a feature is interpolated exactly like propagate does
    Xw = np.column_stack([X, w])
    smw = SMOTE(random_state=0)
    Xw_res, _ = smw.fit_resample(Xw, y)
    np.testing.assert_allclose(Xw_res[:, -1], smw.propagate(w, how="interpolate"))
    # BorderlineSMOTE and ADASYN record provenance too
    for other in [BorderlineSMOTE(random_state=0), ADASYN(random_state=0)]:
        Xo, yo = other.fit_resample(Xw, y)
        np.testing.assert_allclose(Xo[:, -1], other.propagate(w, how="interpolate"))
        np.testing.assert_array_equal(other.propagate(y), yo)


# -- bad input -----------------------------------------------------------


def test_errors():
    rng = np.random.RandomState(0)
    X = rng.randn(30, 3)
    y = np.array([0] * 26 + [1] * 4)
    with pytest.raises(ValueError, match=r"Class 1 has only 4 samples.*k_neighbors=5"):
        SMOTE().fit_resample(X, y)
    with pytest.raises(ValueError, match=r"Class 1 has only 4 samples.*n_neighbors=5"):
        ADASYN().fit_resample(X, y)
    y1 = np.array([0] * 29 + [1])
    with pytest.raises(ValueError, match="Class 1 has a single sample"):
        SMOTE(k_neighbors=1).fit_resample(X, y1)
    with pytest.raises(ValueError, match="Class 1 has a single sample"):
        BorderlineSMOTE(k_neighbors=1).fit_resample(X, y1)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    for cls in [SMOTE, BorderlineSMOTE, ADASYN]:
        with pytest.raises(ValueError, match="NaN"):
            cls(k_neighbors=2) if cls is not ADASYN else cls(n_neighbors=2)
            cls().fit_resample(Xn, y)
    Xi = X.copy()
    Xi[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        SMOTE(k_neighbors=2).fit_resample(Xi, y)
    with pytest.raises(ValueError, match=r"\{7\} target class is/are not present"):
        SMOTE(sampling_strategy={7: 40}, k_neighbors=2).fit_resample(X, y)
    Xc = np.column_stack([rng.randint(0, 3, 30), X])
    with pytest.raises(ValueError, match="index 9 is out of range"):
        SMOTENC(categorical_features=[9], k_neighbors=2).fit_resample(Xc, y)
    with pytest.raises(ValueError, match="NaN"):
        SMOTENC(categorical_features=[0], k_neighbors=2).fit_resample(
            np.column_stack([Xc[:, :1], Xn]), y
        )
    with pytest.raises(ValueError, match="needs some continuous features"):
        SMOTENC(categorical_features=[0, 1, 2, 3]).fit_resample(Xc, y)
    with pytest.raises(ValueError, match="'auto' needs a pandas DataFrame"):
        SMOTENC().fit_resample(Xc, y)


def test_input_never_modified(binary):
    X, y = binary
    Xs = sparse.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    Xs.has_sorted_indices = False  # force the copy-and-sort path
    data = Xs.data.copy()
    X_copy, y_copy = X.copy(), y.copy()
    for cls in [SMOTE, BorderlineSMOTE, ADASYN]:
        cls(random_state=0).fit_resample(X, y)
        cls(random_state=0).fit_resample(Xs, y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(Xs.data, data)


# -- SMOTENC / SMOTEN ------------------------------------------------------


def _nc_data(n=1200, n_levels=4, seed=0):
    X, y = make_classification(
        n_samples=n,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        weights=[0.85],
        random_state=seed,
    )
    rng = np.random.RandomState(seed)
    cat_a = rng.randint(0, n_levels, n) + 2 * y  # informative nominal
    cat_b = rng.randint(0, 3, n)
    return np.column_stack([X[:, :2], cat_a, X[:, 2:], cat_b]), y


def test_smotenc_matches_imblearn_continuous_and_mode():
    X, y = _nc_data()
    cat = [2, 5]
    ours = SMOTENC(categorical_features=cat, random_state=0)
    X_a, y_a = ours.fit_resample(X, y)
    X_b, y_b = imb.SMOTENC(categorical_features=cat, random_state=0).fit_resample(X, y)
    assert Counter(y_a) == Counter(y_b)
    cont = [0, 1, 3, 4]
    # same neighbours, same pair and gap draws: continuous parts identical
    np.testing.assert_allclose(X_a[:, cont], X_b[:, cont], atol=1e-12)
    assert ours.median_std_[1] == pytest.approx(
        np.median(X[y == 1][:, cont].std(axis=0))
    )
    # the nominal values are a mode of the seed's k neighbours
    n = len(X)
    p = ours.provenance_
    idx = np.flatnonzero(y == 1)
    m = ours.median_std_[1]
    Xc = X[idx][:, cont]
    D = ((Xc[:, None] - Xc[None]) ** 2).sum(-1)
    D += m**2 * (X[idx][:, None, cat] != X[idx][None, :, cat]).sum(-1)
    np.fill_diagonal(D, np.inf)
    nn_local = np.argsort(D, axis=1)[:, :5]
    pos = {int(g): i for i, g in enumerate(idx)}
    for r in range(n, len(X_a)):
        neigh = idx[nn_local[pos[int(p.seed[r])]]]
        assert p.partner[r] in neigh
        for c in cat:
            vals, cnt = np.unique(X[neigh, c], return_counts=True)
            assert X_a[r, c] in vals[cnt == cnt.max()]


def test_smotenc_pandas_categorical_auto():
    X, y = _nc_data()
    df = pd.DataFrame(X, columns=list("abcdef"))
    df["c"] = pd.Categorical(df["c"].astype(int).map(lambda v: f"L{v}"))
    df["f"] = pd.Categorical(df["f"].astype(int))
    X_res, y_res = SMOTENC(random_state=0).fit_resample(df, pd.Series(y, name="y"))
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list("abcdef")
    assert isinstance(X_res["c"].dtype, pd.CategoricalDtype)
    assert set(X_res["c"].unique()) <= set(df["c"].unique())
    assert len(X_res) == len(y_res) == 2 * np.sum(y == 0)


def test_smotenc_many_levels_memory():
    # imbalanced-learn would allocate n_new x k x n_levels float64 here
    # (about 15 GB); the counting approach needs memory ~ the output
    import tracemalloc

    rng = np.random.RandomState(0)
    n, n_levels = 20_000, 10_000
    y = (rng.rand(n) < 0.1).astype(int)
    X = np.column_stack([rng.randn(n, 3), rng.randint(0, n_levels, n)])
    tracemalloc.start()
    X_res, y_res = SMOTENC(categorical_features=[3], random_state=0).fit_resample(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert X_res.shape == (2 * np.sum(y == 0), 4)
    assert peak < 100 * 2**20
    assert np.isin(X_res[:, 3], X[:, 3]).all()


def test_smoten_matches_imblearn():
    rng = np.random.RandomState(0)
    X = rng.choice(np.array(["a", "b", "c", "d"], dtype=object), size=(600, 3))
    y = np.where(rng.rand(600) < 0.2, 1, 0)
    X[y == 1, 0] = rng.choice(np.array(["c", "d"], dtype=object), np.sum(y == 1))
    ours = SMOTEN(random_state=0)
    X_a, y_a = ours.fit_resample(X, y)
    X_b, y_b = imb.SMOTEN(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(y_a, y_b)
    # ties in VDM distances may select different (equally near) neighbours;
    # nearly all generated rows coincide
    assert np.mean(np.all(X_a == X_b, axis=1)) > 0.9
    assert X_a.dtype == object
    p = ours.provenance_
    assert np.all(y[p.seed[p.synthetic]] == 1)


# -- kernels against their numpy references ------------------------------


def test_interpolate_kernels_match_reference():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 7)
    X[rng.rand(50, 7) < 0.6] = 0.0
    seeds = rng.randint(0, 50, 300)
    partners = rng.randint(0, 50, 300)
    gaps = rng.rand(300)
    for dtype in [np.float64, np.float32]:
        Xd = X.astype(dtype)
        out = _kernels.interpolate(Xd, seeds, partners, gaps)
        assert out.dtype == dtype
        np.testing.assert_allclose(
            out, _kernels.interpolate_reference(Xd, seeds, partners, gaps), rtol=1e-6
        )
        Xs = sparse.csr_matrix(Xd)
        out_s = _kernels.interpolate_csr(Xs, seeds, partners, gaps)
        np.testing.assert_allclose(out_s.toarray(), out, rtol=1e-6)


def test_nominal_mode_matches_reference():
    rng = np.random.RandomState(0)
    codes = rng.randint(0, 4, size=(40, 3))
    neigh = rng.randint(0, 40, size=(200, 5))
    tie_u = rng.rand(200, 3)
    np.testing.assert_array_equal(
        _kernels.nominal_mode(codes, neigh),
        _kernels.nominal_mode_reference(codes, neigh),
    )
    np.testing.assert_array_equal(
        _kernels.nominal_mode(codes, neigh, tie_u=tie_u),
        _kernels.nominal_mode_reference(codes, neigh, tie_u=tie_u),
    )


def test_sample_pairs_uniform_over_pairs():
    nn = np.arange(12).reshape(4, 3) + 100
    rows, partners, gaps = sample_pairs(60_000, nn, 0)
    assert np.all(partners == nn[rows, partners - 100 - 3 * rows])
    freq = np.bincount(partners - 100, minlength=12) / 60_000
    # multinomial, 12 cells of 1/12: 5 standard deviations
    assert np.all(np.abs(freq - 1 / 12) < 5 * np.sqrt(1 / 12 * 11 / 12 / 60_000))
    assert gaps.min() >= 0 and gaps.max() < 1


# -- numpy path of small calls against the numba kernels --------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_generation_numpy_path_equals_kernels(dtype, monkeypatch):
    rng = np.random.RandomState(0)
    X = rng.randn(60, 7).astype(dtype)
    X[rng.rand(60, 7) < 0.6] = 0.0
    seeds = rng.randint(0, 60, 400)
    partners = rng.randint(0, 60, 400)
    gaps = rng.rand(400)
    codes = rng.randint(0, 4, size=(60, 3))
    neigh = rng.randint(0, 60, size=(400, 6))
    tie_u = rng.rand(400, 3)
    Xs = sparse.csr_matrix(X)

    def run():
        return (
            _kernels.interpolate(X, seeds, partners, gaps),
            _kernels.interpolate_csr(Xs, seeds, partners, gaps),
            _kernels.nominal_mode(codes, neigh),
            _kernels.nominal_mode(codes, neigh, tie_u=tie_u),
        )

    small = run()
    monkeypatch.setattr(_kernels, "_NUMPY_MAX_SIZE", 0)
    big = run()
    np.testing.assert_array_equal(small[0], big[0])
    for a, b in ((small[1], big[1]),):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a.indptr, b.indptr)
        np.testing.assert_array_equal(a.indices, b.indices)
        np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(small[2], big[2])
    np.testing.assert_array_equal(small[3], big[3])
    np.testing.assert_array_equal(
        small[3], _kernels.nominal_mode_reference(codes, neigh, tie_u=tie_u)
    )


@pytest.mark.parametrize("cls", [SMOTE, BorderlineSMOTE, ADASYN])
def test_samplers_same_output_on_numpy_and_kernel_paths(cls, monkeypatch):
    from sklearn_datacentric.neighbors import _base as nn_base

    X, y = make_classification(
        n_samples=1500, n_features=6, weights=[0.8], random_state=0
    )
    small = cls(random_state=0).fit_resample(X, y)
    monkeypatch.setattr(nn_base, "_NUMPY_MAX_WORK", 0)
    monkeypatch.setattr(nn_base, "_LAZY_MAX_SIZE", 0)
    monkeypatch.setattr(_kernels, "_NUMPY_MAX_SIZE", 0)
    big = cls(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(small[0], big[0])
    np.testing.assert_array_equal(small[1], big[1])


# -- overflow: huge finite coordinates --------------------------------------


@pytest.mark.parametrize("path", ["numpy", "kernels"])
@pytest.mark.parametrize("cls", [SMOTE, BorderlineSMOTE, ADASYN])
def test_samplers_with_huge_coordinates(cls, path, monkeypatch):
    from sklearn_datacentric.neighbors import _base as nn_base

    if path == "kernels":
        monkeypatch.setattr(nn_base, "_NUMPY_MAX_WORK", 0)
        monkeypatch.setattr(nn_base, "_LAZY_MAX_SIZE", 0)
        monkeypatch.setattr(_kernels, "_NUMPY_MAX_SIZE", 0)
    X, y = make_classification(
        n_samples=1200, n_features=5, weights=[0.8], random_state=0
    )
    c = 2.0**900  # exact scaling: same neighbours, same draws, points * c
    ref = cls(random_state=0).fit_resample(X, y)
    X_res, y_res = cls(random_state=0).fit_resample(X * c, y)
    np.testing.assert_array_equal(y_res, ref[1])
    np.testing.assert_array_equal(X_res, ref[0] * c)
    # near the largest float, segments longer than it stay finite
    Xh = np.where(X > 0, 1.7e308, -1.7e308)
    X_res, _ = cls(random_state=0).fit_resample(Xh, y)
    assert np.all(np.isfinite(X_res))


@pytest.mark.parametrize("path", ["numpy", "kernels"])
def test_csr_with_huge_coordinates(path, monkeypatch):
    from sklearn_datacentric.neighbors import _base as nn_base

    if path == "kernels":
        monkeypatch.setattr(nn_base, "_NUMPY_MAX_WORK", 0)
        monkeypatch.setattr(_kernels, "_NUMPY_MAX_SIZE", 0)
    X, y = make_classification(
        n_samples=600, n_features=8, weights=[0.8], random_state=0
    )
    X[np.abs(X) < 0.8] = 0.0
    Xs = sparse.csr_matrix(X)
    c = 2.0**900
    ref = SMOTE(random_state=0).fit_resample(Xs, y)
    X_res, y_res = SMOTE(random_state=0).fit_resample(Xs * c, y)
    np.testing.assert_array_equal(X_res.toarray(), ref[0].toarray() * c)
    Xh = sparse.csr_matrix(np.sign(X) * 1.7e308)
    X_res, _ = SMOTE(random_state=0).fit_resample(Xh, y)
    assert np.all(np.isfinite(X_res.data))


@pytest.mark.parametrize("n", [400, 1500])  # numpy and kernel paths
def test_smotenc_with_huge_coordinates(n, monkeypatch):
    from sklearn_datacentric.neighbors import _base as nn_base

    if n > 1000:
        monkeypatch.setattr(nn_base, "_NUMPY_MAX_WORK", 0)
        monkeypatch.setattr(_kernels, "_NUMPY_MAX_SIZE", 0)
    rng = np.random.RandomState(0)
    Xc = rng.randn(n, 3)
    cat = rng.randint(0, 3, size=(n, 1)).astype(float)
    y = (rng.rand(n) < 0.2).astype(int)
    c = 2.0**900
    sm = SMOTENC(categorical_features=[3], random_state=0)
    ref = sm.fit_resample(np.hstack([Xc, cat]), y)
    X_res, y_res = SMOTENC(categorical_features=[3], random_state=0).fit_resample(
        np.hstack([Xc * c, cat]), y
    )
    np.testing.assert_array_equal(X_res[:, 3], ref[0][:, 3])
    np.testing.assert_array_equal(X_res[:, :3], ref[0][:, :3] * c)
    assert np.all(np.isfinite(X_res))


# -- Ctrl-C: KeyboardInterrupt within a second, never SystemError -----------

_INTERRUPT_CHILD = r"""
import time
import numpy as np
from sklearn_datacentric.over_sampling import SMOTE, BorderlineSMOTE, ADASYN
rng = np.random.RandomState(0)
X = rng.randn(200_000, 10)
y = (rng.rand(200_000) < 0.1).astype(int)
for cls in (SMOTE, BorderlineSMOTE, ADASYN):
    cls(random_state=0).fit_resample(X[:30000], y[:30000])  # load the kernels
    print("ready", flush=True)
    try:
        while True:
            cls(random_state=0).fit_resample(X, y)
    except KeyboardInterrupt:
        print("interrupted", time.perf_counter(), flush=True)
raise KeyboardInterrupt
"""


def test_ctrl_c_raises_keyboard_interrupt_quickly():
    import os
    import pathlib
    import signal
    import subprocess
    import sys
    import time

    root = pathlib.Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPT_CHILD],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    latency = []
    try:
        for _ in range(3):  # SMOTE, BorderlineSMOTE, ADASYN on 200k rows
            assert proc.stdout.readline().strip() == "ready"
            time.sleep(1.0)  # inside the resampling
            sent = time.perf_counter()
            proc.send_signal(signal.SIGINT)
            line = proc.stdout.readline()
            assert line.startswith("interrupted"), (line, proc.stderr.read())
            # perf_counter is CLOCK_MONOTONIC, shared by processes on Linux
            latency.append(float(line.split()[1]) - sent)
        proc.wait(timeout=60)
    finally:
        proc.kill()
    err = proc.stderr.read()
    assert "SystemError" not in err
    assert err.rstrip().endswith("KeyboardInterrupt"), err[-2000:]
    assert max(latency) < 1.0, latency


@pytest.mark.parametrize(
    "est, n_lines",
    [(SMOTE(), 3), (BorderlineSMOTE(), 4), (ADASYN(), 4)],
    ids=lambda e: type(e).__name__ if hasattr(e, "fit_resample") else str(e),
)
def test_verbose_prints_one_line_per_phase(est, n_lines, capsys):
    from sklearn.base import clone

    X, y = make_classification(n_samples=400, weights=[0.8], random_state=0)
    a = clone(est).set_params(random_state=0).fit_resample(X, y)
    assert capsys.readouterr().out == ""
    b = clone(est).set_params(random_state=0, verbose=1).fit_resample(X, y)
    lines = capsys.readouterr().out.splitlines()
    name = type(est).__name__
    assert len(lines) == n_lines and all(ln.startswith(f"[{name}] ") for ln in lines)
    assert "neighbours" in lines[0] and lines[-1].startswith(f"[{name}] output of")
    np.testing.assert_array_equal(a[0], b[0])  # printing changes nothing
