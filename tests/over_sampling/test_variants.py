"""Tests of the smote-variants oversamplers (over_sampling/_variants)."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors as SkNN

from sklearn_datacentric.over_sampling import (
    CCR,
    GSMOTE,
    LVQSMOTE,
    SMOBD,
    SMOTEIPF,
    AssembledSMOTE,
    GeometricSMOTE,
    LeeSMOTE,
    PolynomFitSMOTE,
    ProWSyn,
)
from sklearn_datacentric.over_sampling._variants import _kernels
from sklearn_datacentric.over_sampling._variants._common import (
    _allocate,
    _even_gaps,
    _kneighbors_of_rows,
)
from sklearn_datacentric.over_sampling._variants._gsmote import _principal_direction
from sklearn_datacentric.over_sampling._variants._lvq import _matching_pairs
from sklearn_datacentric.over_sampling._variants._prowsyn import _proximity_levels

# samplers that generate exactly the sampling_strategy counts
EXACT = [
    PolynomFitSMOTE(random_state=0),
    PolynomFitSMOTE(topology="bus", random_state=0),
    PolynomFitSMOTE(topology="mesh", random_state=0),
    PolynomFitSMOTE(topology="polynomial", random_state=0),
    ProWSyn(random_state=0),
    LeeSMOTE(random_state=0),
    SMOBD(random_state=0),
    GSMOTE(random_state=0),
    GeometricSMOTE(random_state=0),
    GeometricSMOTE(
        selection_strategy="majority",
        truncation_factor=-0.5,
        deformation_factor=0.5,
        random_state=0,
    ),
    CCR(random_state=0),
    LVQSMOTE(random_state=0),
    AssembledSMOTE(random_state=0),
]
ALL = EXACT + [SMOTEIPF(random_state=0)]
# samplers whose synthetic rows lie on the segment seed -> partner
SEGMENT = (ProWSyn, LeeSMOTE, SMOBD, GSMOTE, AssembledSMOTE, SMOTEIPF)


def _ids(est):
    name = type(est).__name__
    extra = getattr(est, "topology", None) or getattr(est, "selection_strategy", None)
    return f"{name}-{extra}" if extra else name


def _data(n=300, weights=(0.85,), n_classes=2, seed=0, n_features=4):
    X, y = make_classification(
        n_samples=n,
        n_features=n_features,
        n_informative=3,
        n_redundant=0,
        n_clusters_per_class=1,
        weights=list(weights),
        n_classes=n_classes,
        random_state=seed,
    )
    return X, y


# --------------------------------------------------------------------------
# counts: imbalanced-learn's sampling_strategy semantics
# --------------------------------------------------------------------------
@pytest.mark.parametrize("est", EXACT, ids=_ids)
@pytest.mark.parametrize(
    "strategy", ["auto", 0.6, "all", "not majority", {1: 200, 2: 150}]
)
def test_counts_match_imblearn_semantics(est, strategy):
    X, y = _data(n=400, weights=(0.7, 0.2), n_classes=3)
    if strategy == 0.6:  # float strategies are binary only
        keep = y != 2
        X, y = X[keep], y[keep]
    ref = RandomOverSampler(sampling_strategy=strategy, random_state=0)
    _, y_ref = ref.fit_resample(X, y)
    est = clone(est).set_params(sampling_strategy=strategy)
    X_res, y_res = est.fit_resample(X, y)
    assert Counter(y_res) == Counter(y_ref)
    assert est.sampling_strategy_ == ref.sampling_strategy_
    assert X_res.shape == (y_res.shape[0], X.shape[1])
    assert np.isfinite(X_res).all()


@pytest.mark.parametrize("est", ALL, ids=_ids)
def test_provenance_and_originals_first(est):
    X, y = _data(n=300, weights=(0.6, 0.3), n_classes=3)
    X_in, y_in = X.copy(), y.copy()
    est = clone(est)
    X_res, y_res = est.fit_resample(X, y)
    assert_array_equal(X, X_in)  # input untouched
    assert_array_equal(y, y_in)
    p = est.provenance_
    assert p.n_output == X_res.shape[0]
    orig = ~p.synthetic
    if isinstance(est, CCR):  # other-class rows may be translated
        assert_allclose(X_res[orig], X[p.seed[orig]] + est.translations_[p.seed[orig]])
    else:
        assert_allclose(X_res[orig], X[p.seed[orig]])
    assert_array_equal(y_res[orig], y[p.seed[orig]])
    syn = p.synthetic
    assert syn.sum() > 0
    # originals come first
    assert not np.any(syn[: orig.sum()])
    has_seed = p.seed[syn] >= 0
    assert_array_equal(y[p.seed[syn][has_seed]], y_res[syn][has_seed])
    if isinstance(est, SEGMENT) or getattr(est, "topology", "") in ("bus", "mesh"):
        s, q, g = p.seed[syn], p.partner[syn], p.gap[syn]
        assert (q >= 0).all()
        assert_array_equal(y[q], y_res[syn])
        assert ((g >= 0) & (g <= 1)).all()
        assert_allclose(X_res[syn], X[s] + g[:, None] * (X[q] - X[s]), atol=1e-9)


@pytest.mark.parametrize("est", ALL, ids=_ids)
def test_reproducible_pandas_and_dtype(est):
    X, y = _data()
    a, ya = clone(est).fit_resample(X, y)
    b, yb = clone(est).fit_resample(X, y)
    assert_array_equal(a, b)
    assert_array_equal(ya, yb)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    ys = pd.Series(y, name="target")
    est2 = clone(est)
    Xd, yd = est2.fit_resample(df, ys)
    assert isinstance(Xd, pd.DataFrame) and isinstance(yd, pd.Series)
    assert list(Xd.columns) == list(df.columns) and yd.name == "target"
    assert_allclose(Xd.to_numpy(), a)
    assert list(est2.feature_names_in_) == list(df.columns)
    X32, _ = clone(est).fit_resample(X.astype(np.float32), y)
    assert X32.dtype == np.float32
    Xs, ys_ = clone(est).fit_resample(sparse.csr_matrix(X), y)
    assert sparse.issparse(Xs)
    assert_allclose(Xs.toarray(), a)


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "est",
    [e for e in ALL if not isinstance(e, (CCR, LVQSMOTE))]
    + [PolynomFitSMOTE(topology="bus")],
    ids=_ids,
)
def test_too_small_class_is_named(est):
    if isinstance(est, PolynomFitSMOTE) and est.topology == "star":
        pytest.skip("the star topology works from one sample")
    if getattr(est, "selection_strategy", None) == "majority":
        pytest.skip("the majority strategy works from one sample")
    X, y = _data()
    y = np.zeros_like(y)
    y[5] = 1
    with pytest.raises(ValueError, match="class 1 has 1"):
        clone(est).fit_resample(X, y)


@pytest.mark.parametrize(
    "est, params",
    [
        (PolynomFitSMOTE(), {"topology": "ring"}),
        (PolynomFitSMOTE(), {"degree": 0}),
        (ProWSyn(), {"n_levels": 0}),
        (ProWSyn(), {"theta": -1.0}),
        (LeeSMOTE(), {"rejection_level": 1.5}),
        (SMOBD(), {"eta": 2.0}),
        (SMOBD(), {"max_eps": 0.0}),
        (SMOBD(), {"t": 0.0}),  # every sample would be noise
        (GSMOTE(), {"k_neighbors": 0}),
        (CCR(), {"energy": 0.0}),
        (CCR(), {"feature_scaling": "l2"}),
        (CCR(), {"translate": "yes"}),
        (GeometricSMOTE(), {"truncation_factor": 2.0}),
        (GeometricSMOTE(), {"selection_strategy": "nearest"}),
        (LVQSMOTE(), {"n_clusters": 0}),
        (AssembledSMOTE(), {"threshold": 1.5}),
        (SMOTEIPF(), {"voting": "unanimous"}),
        (SMOTEIPF(), {"n_folds": 1}),
        (SMOTEIPF(), {"estimator": "tree"}),
    ],
)
def test_invalid_parameters_are_named(est, params):
    X, y = _data()
    name = next(iter(params))
    with pytest.raises(ValueError, match=f"'{name}' parameter"):
        clone(est).set_params(**params).fit_resample(X, y)


# --------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------
def test_allocate_and_even_gaps():
    rng = np.random.RandomState(0)
    for n in [0, 1, 7, 100]:
        c = _allocate(n, [1.0, 2.0, 0.0, 3.0], rng)
        assert c.sum() == n and c[2] == 0
        assert np.all(np.abs(c - n * np.array([1, 2, 0, 3]) / 6) < 1)
    seg, gap = _even_gaps([2, 0, 3])
    assert_array_equal(seg, [0, 0, 2, 2, 2])
    assert_allclose(gap, [1 / 3, 2 / 3, 0.25, 0.5, 0.75])


def test_kneighbors_of_rows_excludes_self_and_matches_sklearn():
    X = np.random.RandomState(0).normal(size=(80, 3))
    rows = np.array([0, 5, 17, 79])
    ind = _kneighbors_of_rows(X, rows, 4)
    ref = SkNN(n_neighbors=4).fit(X).kneighbors(return_distance=False)[rows]
    assert_array_equal(np.sort(ind, axis=1), np.sort(ref, axis=1))


# --------------------------------------------------------------------------
# method properties
# --------------------------------------------------------------------------
def test_polynom_star_points_on_segments_to_mean():
    X, y = _data()
    est = PolynomFitSMOTE(topology="star", random_state=0)
    X_res, y_res = est.fit_resample(X, y)
    p = est.provenance_
    syn = p.synthetic
    mean = X[y == 1].mean(axis=0)
    s, g = p.seed[syn], p.gap[syn]
    assert (p.partner[syn] == -1).all()
    assert_allclose(X_res[syn], X[s] + g[:, None] * (mean - X[s]))
    # each seed's points are evenly spaced: j / (c + 1)
    for seed in np.unique(s)[:10]:
        gs = np.sort(g[s == seed])
        c = gs.shape[0]
        assert_allclose(gs, np.arange(1, c + 1) / (c + 1))
    counts = np.bincount(s, minlength=X.shape[0])[y == 1]
    assert counts.max() - counts.min() <= 1  # spread evenly


def test_polynom_bus_follows_order_and_mesh_pairs_differ():
    X, y = _data()
    idx_min = np.flatnonzero(y == 1)
    est = PolynomFitSMOTE(topology="bus", random_state=0)
    est.fit_resample(X, y)
    p = est.provenance_
    pos = {v: i for i, v in enumerate(idx_min)}
    s, q = p.seed[p.synthetic], p.partner[p.synthetic]
    assert all(pos[b] == pos[a] + 1 for a, b in zip(s, q))
    est = PolynomFitSMOTE(topology="mesh", random_state=0)
    est.fit_resample(X, y)
    p = est.provenance_
    assert (p.seed[p.synthetic] != p.partner[p.synthetic]).all()


def test_polynom_polynomial_recovers_the_curve():
    t = np.linspace(0, 1, 30)  # feature mean increases with t
    X_min = np.c_[t, 2 * t**2 - 0.5]
    X_maj = np.random.RandomState(0).uniform(-3, 3, size=(120, 2))
    X = np.vstack([X_maj, X_min])
    y = np.r_[np.zeros(120, int), np.ones(30, int)]
    est = PolynomFitSMOTE(topology="polynomial", degree=2, random_state=0)
    X_res, _ = est.fit_resample(X, y)
    new = X_res[est.provenance_.synthetic]
    # ranks follow the feature mean, monotone in t here: the fit is exact
    assert_allclose(new[:, 1], 2 * new[:, 0] ** 2 - 0.5, atol=1e-8)
    assert new[:, 0].min() >= -1e-9 and new[:, 0].max() <= 1 + 1e-9


def test_prowsyn_levels_match_definition_and_theta_focuses():
    X, y = _data(n=400)
    X_min, X_maj = X[y == 1], X[y == 0]
    level = _proximity_levels(X_min, X_maj, 1, 4)
    assert set(np.unique(level)) <= {1, 2, 3, 4}
    # level 1: exactly the minority samples nearest to some majority sample
    ref = SkNN(n_neighbors=1).fit(X_min).kneighbors(X_maj, return_distance=False)
    assert_array_equal(np.flatnonzero(level == 1), np.unique(ref))
    # level 2: the same on the rest
    rest = np.flatnonzero(level > 1)
    ref2 = SkNN(n_neighbors=1).fit(X_min[rest]).kneighbors(X_maj, return_distance=False)
    assert_array_equal(np.flatnonzero(level == 2), np.sort(rest[np.unique(ref2)]))
    est = ProWSyn(k_neighbors=3, n_levels=4, theta=50.0, random_state=0)
    est.fit_resample(X, y)
    lv = est.proximity_levels_[1]
    idx_min = np.flatnonzero(y == 1)
    local = np.searchsorted(idx_min, est.provenance_.seed[est.provenance_.synthetic])
    assert (lv[local] == 1).all()
    partner = np.searchsorted(
        idx_min, est.provenance_.partner[est.provenance_.synthetic]
    )
    assert (lv[partner] == 1).all()  # both ends in the same level


def test_lee_rejects_samples_in_majority_regions():
    X, y = _data(n=400, weights=(0.8,), seed=3)
    est = LeeSMOTE(k_neighbors=5, rejection_level=0.5, random_state=0)
    X_res, _ = est.fit_resample(X, y)
    assert est.rejection_levels_[1] == 0.5  # not raised on this data
    new = X_res[est.provenance_.synthetic]
    ind = SkNN(n_neighbors=5).fit(X).kneighbors(new, return_distance=False)
    assert ((y[ind] != 1).mean(axis=1) < 0.5).all()
    # plain SMOTE candidates do violate it: the rejection step matters
    ind_all = SkNN(n_neighbors=5).fit(X).kneighbors(X[y == 1], return_distance=False)
    assert ((y[ind_all] != 1).mean(axis=1) >= 0.5).any()


def test_lee_raises_level_when_everything_is_rejected():
    rng = np.random.RandomState(0)
    X_maj = rng.normal(size=(200, 2)) * 0.3
    X_min = rng.normal(size=(10, 2)) * 0.3  # minority buried in majority
    X = np.vstack([X_maj, X_min])
    y = np.r_[np.zeros(200, int), np.ones(10, int)]
    est = LeeSMOTE(rejection_level=0.2, random_state=0)
    _, y_res = est.fit_resample(X, y)
    assert Counter(y_res)[1] == 200
    assert est.rejection_levels_[1] > 0.2


def test_smobd_noise_gets_no_samples():
    rng = np.random.RandomState(0)
    X_min = rng.normal(size=(40, 2)) * 0.2
    X_min[0] = [8.0, 8.0]  # isolated minority sample
    X_maj = rng.normal(size=(200, 2)) + 3
    X = np.vstack([X_maj, X_min])
    y = np.r_[np.zeros(200, int), np.ones(40, int)]
    est = SMOBD(random_state=0)
    est.fit_resample(X, y)
    d = est.densities_[1]
    assert d[0] == 0.0 and np.isclose(d.sum(), 1.0)
    assert 200 not in est.provenance_.seed[est.provenance_.synthetic]


def test_gsmote_partner_is_most_aligned_neighbour():
    rng = np.random.RandomState(0)
    X_min = rng.normal(size=(60, 2)) * [3.0, 0.3]  # elongated along x
    X_maj = rng.normal(size=(300, 2)) * 3 + [0, 6]
    X = np.vstack([X_maj, X_min])
    y = np.r_[np.zeros(300, int), np.ones(60, int)]
    H = _principal_direction(X_min)
    assert abs(H[0]) > 0.99
    est = GSMOTE(k_neighbors=5, random_state=0)
    est.fit_resample(X, y)
    p = est.provenance_
    s, q = p.seed[p.synthetic] - 300, p.partner[p.synthetic] - 300
    nbrs = (
        SkNN(n_neighbors=6).fit(X_min).kneighbors(X_min, return_distance=False)[:, 1:]
    )
    for a, b in zip(s[:50], q[:50]):
        d = X_min[nbrs[a]] - X_min[a]
        cos = np.abs(d @ H) / np.linalg.norm(d, axis=1)
        assert np.isclose(
            abs((X_min[b] - X_min[a]) @ H) / np.linalg.norm(X_min[b] - X_min[a]),
            cos.max(),
        )
    # synthetic spread follows the principal axis
    new = X[p.seed[p.synthetic]] - est.fit_resample(X, y)[0][p.synthetic]
    assert np.mean(np.abs(new[:, 0])) > 3 * np.mean(np.abs(new[:, 1]))


def _ccr_radii_reference(D_sorted, energy):
    radii, inside = [], []
    for row in D_sorted:
        r, e, j = 0.0, energy, 0
        n = row.shape[0]
        while j < n:
            step = max(row[j] - r, 0.0)
            if step * (j + 1) >= e:
                r += e / (j + 1)
                e = 0.0
                break
            e -= step * (j + 1)
            r = max(row[j], r)
            j += 1
        if e > 0:
            r += e / (n + 1)
        radii.append(r)
        inside.append(int(np.sum(row < r)))
    return np.array(radii), np.array(inside)


def test_ccr_kernel_matches_reference():
    rng = np.random.RandomState(0)
    D = np.sort(rng.exponential(size=(50, 30)), axis=1)
    D[3, :5] = 0.0  # duplicates
    for energy in [0.01, 0.5, 3.0, 100.0]:
        r, c = _kernels.ccr_radii(D, energy)
        rr, cc = _ccr_radii_reference(D, energy)
        assert_allclose(r, rr)
        assert_array_equal(c, cc)
    # no other point: the whole energy is the radius
    r, c = _kernels.ccr_radii(np.zeros((2, 0)), 2.0)
    assert_allclose(r, [2.0, 2.0])


def test_ccr_cleans_spheres_and_samples_inside():
    # one minority sample, majority points around it
    rng = np.random.RandomState(0)
    X_maj = rng.uniform(-1, 1, size=(30, 2))
    X = np.vstack([X_maj, [[0.0, 0.0]]])
    y = np.r_[np.zeros(30, int), 1]
    # the geometry in the units of X
    est = CCR(energy=2.0, feature_scaling=None, random_state=0)
    X_res, y_res = est.fit_resample(X, y)
    r = est.radii_[1][0]
    d_before = np.abs(X_maj).sum(axis=1)
    d_after = np.abs(X_res[:30]).sum(axis=1)
    inside = d_before < r
    assert inside.any()
    assert_allclose(d_after[inside], r)  # pushed to the surface
    assert_allclose(X_res[:30][~inside], X_maj[~inside])  # others untouched
    new = X_res[est.provenance_.synthetic]
    assert (np.abs(new).sum(axis=1) <= r + 1e-12).all()
    assert new.shape[0] == 29


def test_ccr_shares_inverse_to_radius():
    X, y = _data(n=400)
    est = CCR(random_state=0)
    est.fit_resample(X, y)
    idx_min = np.flatnonzero(y == 1)
    counts = np.bincount(
        np.searchsorted(idx_min, est.provenance_.seed[est.provenance_.synthetic]),
        minlength=idx_min.shape[0],
    )
    inv = 1 / est.radii_[1]
    expected = counts.sum() * inv / inv.sum()
    assert np.all(np.abs(counts - expected) < 1)


def test_lvq_matching_pairs_and_translation():
    rng = np.random.RandomState(0)
    C = rng.normal(size=(6, 3))
    bi, bj = _matching_pairs(C)
    for a in range(6):
        for b in range(6):
            if a == b:
                continue
            best = min(
                (
                    (i, j)
                    for i in range(6)
                    for j in range(6)
                    if i != j and len({i, j} & {a, b}) == 0
                ),
                key=lambda ij: np.linalg.norm((C[a] - C[b]) - (C[ij[0]] - C[ij[1]])),
            )
            assert (bi[a, b], bj[a, b]) == best
    X, y = _data()
    est = LVQSMOTE(n_clusters=6, random_state=0)
    X_res, _ = est.fit_resample(X, y)
    cb = est.codebooks_[1]
    shift = (
        X_res[est.provenance_.synthetic]
        - X[est.provenance_.seed[est.provenance_.synthetic]]
    )
    diffs = (cb[:, None] - cb[None]).reshape(-1, X.shape[1])
    dist = np.min(np.linalg.norm(shift[:, None] - diffs[None], axis=2), axis=1)
    assert_allclose(dist, 0, atol=1e-9)


def test_assembled_clusters_partition_and_stay_inside():
    X, y = _data(n=400, seed=2)
    est = AssembledSMOTE(random_state=0)
    est.fit_resample(X, y)
    clusters = est.clusters_[1]
    allc = np.concatenate(clusters)
    assert_array_equal(np.sort(allc), np.flatnonzero(y == 1))
    label = {v: k for k, c in enumerate(clusters) for v in c}
    p = est.provenance_
    for s, q in zip(p.seed[p.synthetic], p.partner[p.synthetic]):
        assert label[s] == label[q]
    # the last cluster holds the inner samples: all 5 neighbours minority
    inner = clusters[-1]
    nbr = SkNN(n_neighbors=6).fit(X).kneighbors(X[inner], return_distance=False)
    assert (y[nbr[:, 1:]] == 1).all()


def test_smote_ipf_removes_label_noise():
    rng = np.random.RandomState(0)
    X_maj = rng.normal(size=(300, 2)) + [3, 0]
    X_min = rng.normal(size=(60, 2)) - [3, 0]
    X = np.vstack([X_maj, X_min])
    y = np.r_[np.zeros(300, int), np.ones(60, int)]
    noisy = np.arange(5)  # majority labels placed deep in the minority region
    X[noisy] = rng.normal(size=(5, 2)) * 0.3 - [3, 0]
    est = SMOTEIPF(random_state=0)
    X_res, y_res = est.fit_resample(X, y)
    kept = est.provenance_.seed[~est.provenance_.synthetic]
    assert not np.isin(noisy, kept).any()
    assert len(kept) >= 340  # clean points stay
    assert Counter(y_res)[1] > 250
    assert est.n_removed_[0] >= 5
    consensus = SMOTEIPF(voting="consensus", random_state=0).fit_resample(X, y)[1]
    assert consensus.shape[0] >= y_res.shape[0]


# --------------------------------------------------------------------------
# display
# --------------------------------------------------------------------------
def test_synthetic_points_display():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    from sklearn_datacentric.over_sampling import SyntheticPointsDisplay

    X, y = _data()
    disp = SyntheticPointsDisplay.from_estimator(
        ProWSyn(random_state=0), X, y, features="pca", show_parents=True
    )
    assert disp.X_synthetic.shape == (Counter(y)[0] - Counter(y)[1], 2)
    assert disp.ax_ is not None and disp.seeds.shape == disp.X_synthetic.shape
    fig, ax = plt.subplots()
    disp2 = SyntheticPointsDisplay.from_estimator(
        PolynomFitSMOTE(random_state=0), X, y, ax=ax, features=(1, 2)
    )
    assert disp2.ax_ is ax and disp2.name == "PolynomFitSMOTE"
    plt.close("all")
    est = ProWSyn(random_state=0)
    est.fit_resample(X, y)
    with pytest.raises(ValueError, match="do not match"):
        SyntheticPointsDisplay.from_resampled(X, X[:10], y[:10], est.provenance_)


def test_geometric_smote_reduces_to_smote_segments():
    X, y = _data()
    est = GeometricSMOTE(
        truncation_factor=1.0,
        deformation_factor=1.0,
        selection_strategy="minority",
        k_neighbors=5,
        random_state=0,
    )
    X_res, _ = est.fit_resample(X, y)
    p = est.provenance_
    X_min = X[y == 1]
    idx_min = np.flatnonzero(y == 1)
    nbrs = (
        SkNN(n_neighbors=6).fit(X_min).kneighbors(X_min, return_distance=False)[:, 1:]
    )
    for x, c in zip(X_res[p.synthetic], np.searchsorted(idx_min, p.seed[p.synthetic])):
        ok = False
        for q in nbrs[c]:
            d = X_min[q] - X_min[c]
            g = (x - X_min[c]) @ d / (d @ d)
            if 0 - 1e-9 <= g <= 1 + 1e-9 and np.allclose(X_min[c] + g * d, x):
                ok = True
        assert ok


def test_geometric_smote_stays_in_truncated_ball():
    X, y = _data(n=400)
    X_rest = X[y == 0]
    for strategy in ["majority", "combined"]:
        est = GeometricSMOTE(selection_strategy=strategy, random_state=0)
        X_res, _ = est.fit_resample(X, y)
        p = est.provenance_
        c = X[p.seed[p.synthetic]]
        x = X_res[p.synthetic]
        dist, ind = SkNN(n_neighbors=1).fit(X_rest).kneighbors(c)
        # radius never exceeds the distance to the nearest other-class sample
        assert (np.linalg.norm(x - c, axis=1) <= dist[:, 0] + 1e-9).all()
        if strategy == "majority":  # truncation 1: the half-ball towards it
            s = X_rest[ind[:, 0]]
            assert (np.sum((x - c) * (s - c), axis=1) >= -1e-9).all()


@pytest.mark.parametrize(
    "est",
    [
        ProWSyn(random_state=0),
        LeeSMOTE(random_state=0),
        GSMOTE(random_state=0),
        GeometricSMOTE(random_state=0),
        LVQSMOTE(random_state=0),
        AssembledSMOTE(random_state=0),
        SMOTEIPF(random_state=0),
    ],
    ids=_ids,
)
def test_k_neighbors_accepts_a_neighbours_estimator(est):
    X, y = _data()
    a, ya = clone(est).set_params(k_neighbors=4).fit_resample(X, y)
    b, yb = clone(est).set_params(k_neighbors=SkNN(n_neighbors=5)).fit_resample(X, y)
    assert_allclose(a, b)
    assert_array_equal(ya, yb)
    with pytest.raises(ValueError, match="n_neighbors >= 2"):
        clone(est).set_params(k_neighbors=SkNN(n_neighbors=1)).fit_resample(X, y)


def test_interpolation_uses_the_shared_kernel():
    from sklearn_datacentric.over_sampling._smote._kernels import interpolate
    from sklearn_datacentric.over_sampling._variants._common import _interpolate

    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 4))
    s, p = rng.randint(0, 30, 50), rng.randint(0, 30, 50)
    g = rng.uniform(size=50)
    ref = X[s] + g[:, None] * (X[p] - X[s])
    assert_allclose(interpolate(X, s, p, g), ref)
    assert_allclose(_interpolate(X, s, p, g), ref)


def test_one_framework_for_the_smote_family_and_the_variants():
    from sklearn_datacentric.over_sampling import _smote
    from sklearn_datacentric.over_sampling._smote._base import (
        BaseSyntheticOverSampler,
    )

    for est in EXACT + [_smote.SMOTE(), _smote.ADASYN(), _smote.SMOTENC()]:
        assert isinstance(est, BaseSyntheticOverSampler), type(est).__name__


@pytest.mark.parametrize(
    "est", [e for e in EXACT if type(e)._per_class_attributes], ids=_ids
)
def test_per_class_attributes_describe_the_last_fit_only(est):
    X, y = _data(n_classes=3, weights=(0.6, 0.3))
    est = clone(est)
    est.fit_resample(X, y)
    names = type(est)._per_class_attributes
    assert all(set(getattr(est, a)) == {1, 2} for a in names)
    est.set_params(sampling_strategy={2: int(np.sum(y == 2)) + 5}).fit_resample(X, y)
    assert all(set(getattr(est, a)) == {2} for a in names)
