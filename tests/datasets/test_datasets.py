"""Tests for sklearn_datacentric.datasets."""

from importlib import resources

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_datacentric import datasets as D
from sklearn_datacentric.datasets import (
    describe_imbalanced_datasets,
    list_imbalanced_datasets,
    load_airfoil,
    load_blood_transfusion,
    load_breast_cancer_wisconsin,
    load_communities_crime,
    load_haberman,
    load_imbalanced,
    load_ringnorm,
    load_wine_quality,
    make_covariate_shift,
    make_imbalance,
    make_ordinal_rare_events,
    ordinal_class_probabilities,
)
from sklearn_datacentric.datasets._base import load_descr

# loader, shape, task, expected class counts (classification) or None
LOADERS = [
    (load_haberman, (306, 3), [225, 81]),
    (load_blood_transfusion, (748, 4), [570, 178]),
    (load_breast_cancer_wisconsin, (683, 9), [444, 239]),
    (load_ringnorm, (7400, 20), [3664, 3736]),
    (load_airfoil, (1503, 5), None),
    (load_communities_crime, (1994, 99), None),
    (load_wine_quality, (1599, 11), [10, 53, 681, 638, 199, 18]),
]


def test_all_exports():
    for name in D.__all__:
        assert callable(getattr(D, name))


@pytest.mark.parametrize("loader, shape, counts", LOADERS)
def test_loader_bunch(loader, shape, counts):
    b = loader()
    assert isinstance(b, Bunch)
    assert b.data.shape == shape
    assert isinstance(b.data, np.ndarray) and b.data.dtype == np.float64
    assert b.target.shape == (shape[0],)
    assert not np.isnan(b.data).any()
    assert len(b.feature_names) == shape[1]
    assert b.frame is None
    assert "Citation" in b.DESCR and "Licen" in b.DESCR and "Source" in b.DESCR
    if counts is None:
        assert b.target.dtype == np.float64
        assert not np.isnan(b.target).any()
    else:
        assert b.target.dtype == np.int64
        np.testing.assert_array_equal(np.bincount(b.target), counts)
        assert len(b.target_names) == len(counts)


@pytest.mark.parametrize("loader, shape, counts", LOADERS)
def test_loader_as_frame_and_return_X_y(loader, shape, counts):
    b = loader(as_frame=True)
    assert isinstance(b.data, pd.DataFrame)
    assert isinstance(b.target, pd.Series)
    assert list(b.data.columns) == b.feature_names
    assert isinstance(b.frame, pd.DataFrame)
    assert b.frame.shape == (shape[0], shape[1] + 1)
    X, y = loader(return_X_y=True)
    np.testing.assert_array_equal(X, b.data.to_numpy())
    np.testing.assert_array_equal(y, b.target.to_numpy())
    Xf, yf = loader(as_frame=True, return_X_y=True)
    assert isinstance(Xf, pd.DataFrame) and isinstance(yf, pd.Series)


def test_loader_argument_validation():
    with pytest.raises(TypeError):
        load_haberman(as_frame="yes")
    with pytest.raises(TypeError):
        load_haberman(True)  # keyword-only


@pytest.mark.parametrize("loader", [entry[0] for entry in LOADERS] + [load_imbalanced])
def test_loader_errors_name_the_parameter(loader):
    args = ("ecoli1",) if loader is load_imbalanced else ()
    for param in ("as_frame", "return_X_y"):
        match = f"The '{param}' parameter of {loader.__name__} must be"
        with pytest.raises(InvalidParameterError, match=match):
            loader(*args, **{param: "yes"})


def test_descriptions_are_package_files():
    # each loader's DESCR is the text of its descr/*.rst file, found by
    # importlib.resources (as in an installed wheel)
    files = {
        p.name
        for p in resources.files("sklearn_datacentric.datasets.descr").iterdir()
        if p.name.endswith(".rst")
    }
    for loader, name in [
        (load_haberman, "haberman"),
        (load_blood_transfusion, "blood_transfusion"),
        (load_breast_cancer_wisconsin, "breast_cancer_wisconsin"),
        (load_ringnorm, "ringnorm"),
        (load_airfoil, "airfoil"),
        (load_communities_crime, "communities_crime"),
        (load_wine_quality, "wine_quality"),
    ]:
        assert f"{name}.rst" in files
        assert loader().DESCR == load_descr(f"{name}.rst")
    # the KEEL template is filled for every bundled imbalanced dataset
    assert "keel_imbalanced.rst" in files
    for name in list_imbalanced_datasets():
        descr = load_imbalanced(name).DESCR
        assert "{" not in descr and f"KEEL imbalanced dataset {name!r}" in descr
        info = describe_imbalanced_datasets().set_index("name").loc[name]
        assert f":Number of Instances: {info['n_samples']} " in descr


def test_generator_errors_name_the_parameter():
    X, y = _balanced(2, 10)
    cases = [
        (make_imbalance, (X, y), "imbalance_ratio", 0.5),
        (make_imbalance, (X, y), "kind", "foo"),
        (make_covariate_shift, (X,), "p_below", 1.0),
        (make_covariate_shift, (X,), "n_train", 0),
        (make_covariate_shift, (X,), "feature", 1.5),
        (make_ordinal_rare_events, (), "n_classes", 1),
        (make_ordinal_rare_events, (), "diff_prob", 1.5),
        (make_ordinal_rare_events, (), "beta", np.inf),
    ]
    for func, args, param, value in cases:
        match = f"The '{param}' parameter of {func.__name__} must be"
        with pytest.raises(InvalidParameterError, match=match):
            func(*args, **{param: value})


def test_specific_dataset_facts():
    blood = load_blood_transfusion(as_frame=True)
    np.testing.assert_array_equal(blood.data["monetary"], 250 * blood.data["frequency"])
    comm = load_communities_crime()
    for name in ("racepctblack", "racePctWhite", "racePctAsian", "racePctHisp"):
        assert name in comm.feature_names
    assert comm.sensitive_features == [
        "racepctblack",
        "racePctWhite",
        "racePctAsian",
        "racePctHisp",
    ]
    assert comm.data.min() >= 0 and comm.data.max() <= 1
    ring = load_ringnorm()
    # class 0 has covariance 4 I, class 1 unit covariance
    assert ring.data[ring.target == 0].std() > 1.7
    assert ring.data[ring.target == 1].std() < 1.1
    wine = load_wine_quality()
    assert list(wine.target_names) == ["3", "4", "5", "6", "7", "8"]


def test_imbalanced_datasets():
    names = list_imbalanced_datasets()
    assert len(names) >= 22
    assert len(set(names)) == len(names)
    table = describe_imbalanced_datasets()
    assert list(table["name"]) == names
    assert (table["imbalance_ratio"] >= 1).all()
    for name in names:
        b = load_imbalanced(name)
        row = table.set_index("name").loc[name]
        assert b.data.shape == (row["n_samples"], row["n_features"])
        assert b.data.dtype == np.float64 and not np.isnan(b.data).any()
        assert set(np.unique(b.target)) == {0, 1}
        n1 = int(b.target.sum())
        n0 = len(b.target) - n1
        assert n1 < n0, name  # minority = 1
        assert (n1, n0) == (row["n_minority"], row["n_majority"])
        assert b.imbalance_ratio == pytest.approx(n0 / n1, abs=0.01)


def test_imbalanced_as_frame_and_errors():
    b = load_imbalanced("abalone19", as_frame=True)
    assert {"Sex_M", "Sex_F", "Sex_I"} <= set(b.data.columns)
    assert ((b.data[["Sex_M", "Sex_F", "Sex_I"]].sum(axis=1)) == 1).all()
    X, y = load_imbalanced("yeast4", return_X_y=True)
    assert X.shape[0] == y.shape[0] == 1484
    with pytest.raises(ValueError, match="Unknown imbalanced dataset"):
        load_imbalanced("not-a-dataset")


# --------------------------------------------------------------------------
# make_imbalance
# --------------------------------------------------------------------------
def _balanced(n_classes=4, n_per=100, seed=0):
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(n_classes), n_per)
    X = rng.normal(size=(len(y), 3))
    return X, y


def test_make_imbalance_step():
    X, y = _balanced(4, 100)
    Xr, yr, idx = make_imbalance(
        X, y, kind="step", imbalance_ratio=10, random_state=0, return_indices=True
    )
    counts = np.bincount(yr)
    assert sorted(counts.tolist()) == [10, 10, 100, 100]
    np.testing.assert_array_equal(Xr, X[idx])
    assert len(np.unique(idx)) == len(idx)  # without replacement
    # reproducible
    Xr2, yr2 = make_imbalance(X, y, kind="step", imbalance_ratio=10, random_state=0)
    np.testing.assert_array_equal(Xr, Xr2)
    # chosen minority classes
    _, yr = make_imbalance(
        X, y, imbalance_ratio=4, minority_classes=[0, 1], random_state=0
    )
    np.testing.assert_array_equal(np.bincount(yr), [25, 25, 100, 100])


def test_make_imbalance_linear_and_dataframe():
    X, y = _balanced(5, 100)
    _, yr = make_imbalance(X, y, kind="linear", imbalance_ratio=5, random_state=1)
    counts = np.sort(np.bincount(yr))[::-1]
    np.testing.assert_array_equal(counts, [100, 80, 60, 40, 20])
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    Xr, yr = make_imbalance(df, y, kind="step", imbalance_ratio=2, random_state=0)
    assert isinstance(Xr, pd.DataFrame) and len(Xr) == len(yr)


def test_make_imbalance_uses_available_data():
    # unbalanced input: the target sizes must be feasible without replacement
    y = np.array([0] * 300 + [1] * 40)
    X = np.zeros((len(y), 1))
    _, yr = make_imbalance(X, y, imbalance_ratio=10, random_state=0)
    np.testing.assert_array_equal(np.bincount(yr), [300, 30])
    _, yr = make_imbalance(X, y, imbalance_ratio=20, random_state=0)
    np.testing.assert_array_equal(np.bincount(yr), [300, 15])


@pytest.mark.parametrize(
    "kwargs, err",
    [
        (dict(kind="foo"), ValueError),
        (dict(imbalance_ratio=0.5), ValueError),
        (dict(imbalance_ratio="big"), TypeError),
        (dict(minority_classes=[7]), ValueError),
        (dict(minority_classes=[0, 1, 2, 3]), ValueError),
        (dict(kind="linear", minority_classes=[0]), ValueError),
    ],
)
def test_make_imbalance_errors(kwargs, err):
    X, y = _balanced(4, 10)
    with pytest.raises(err):
        make_imbalance(X, y, **kwargs)
    with pytest.raises(ValueError):
        make_imbalance(X[:5], y)
    with pytest.raises(ValueError):
        make_imbalance(X, np.zeros(len(y)))


# --------------------------------------------------------------------------
# make_covariate_shift
# --------------------------------------------------------------------------
def test_covariate_shift_assignment_probability():
    rng = np.random.RandomState(0)
    n = 20000
    X = rng.normal(size=(n, 4))
    y = (X[:, 1] > 0).astype(int)
    X_tr, y_tr, X_te, y_te, tr_idx, te_idx = make_covariate_shift(
        X, y, feature=0, n_train=5000, n_test=5000, random_state=0, return_indices=True
    )
    assert X_tr.shape == (5000, 4) and X_te.shape == (5000, 4)
    assert len(np.intersect1d(tr_idx, te_idx)) == 0
    np.testing.assert_array_equal(X_tr, X[tr_idx])
    np.testing.assert_array_equal(y_te, y[te_idx])
    med = np.median(X[:, 0])
    # P(below | train) = 0.7 * 0.5 / 0.5 = 0.7 ; binomial band with 5 sd
    frac_train = np.mean(X_tr[:, 0] <= med)
    frac_test = np.mean(X_te[:, 0] <= med)
    sd = np.sqrt(0.7 * 0.3 / 5000)
    assert abs(frac_train - 0.7) < 5 * sd
    assert abs(frac_test - 0.3) < 5 * sd


def test_covariate_shift_defaults_pc1_and_no_y():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(3000, 3)) @ np.diag([5.0, 1.0, 0.5])
    X_tr, X_te = make_covariate_shift(X, feature="pc1", random_state=0)
    assert X_tr.shape[0] == 500 and X_te.shape[0] == 500
    # pc1 is (up to sign) the first axis: the shift shows up there
    assert abs(X_tr[:, 0].mean() - X_te[:, 0].mean()) > 1.0
    # default sizes for a small dataset: half the pool
    X, y = load_haberman(return_X_y=True)
    X_tr, y_tr, X_te, y_te = make_covariate_shift(X, y, random_state=0)
    assert 0 < len(y_tr) < 306 / 2 and 0 < len(y_te) < 306 / 2
    # DataFrame with a column name
    df = pd.DataFrame(X, columns=["age", "year", "nodes"])
    X_tr, X_te = make_covariate_shift(df, feature="age", random_state=0)
    assert X_tr[:, 0].mean() < X_te[:, 0].mean()


@pytest.mark.parametrize(
    "kwargs, err",
    [
        (dict(p_below=1.0), ValueError),
        (dict(p_below=0), ValueError),
        (dict(feature=10), ValueError),
        (dict(feature="nope"), ValueError),
        (dict(feature=1.5), TypeError),
        (dict(n_train=10**6), ValueError),
        (dict(n_test=0), ValueError),
    ],
)
def test_covariate_shift_errors(kwargs, err):
    X = np.random.RandomState(0).normal(size=(100, 2))
    with pytest.raises(err):
        make_covariate_shift(X, **kwargs)


def test_covariate_shift_length_mismatch():
    X = np.zeros((10, 2))
    with pytest.raises(ValueError):
        make_covariate_shift(X, np.zeros(9))


# --------------------------------------------------------------------------
# make_ordinal_rare_events
# --------------------------------------------------------------------------
def test_ordinal_rare_events_properties():
    X, y, params = make_ordinal_rare_events(random_state=0, return_params=True)
    assert X.shape == (2500, 10) and y.shape == (2500,)
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1, 2, 3}
    assert np.all(np.abs(X) <= 1)
    P = params.proba
    assert P.shape == (2500, 4)
    assert np.all(P >= 0) and np.allclose(P.sum(axis=1), 1)
    np.testing.assert_allclose(P, params.predict_proba(X))
    # cumulative probabilities are monotone in k
    assert np.all(np.diff(params.cumulative_proba, axis=1) >= 0)
    # structure of the coefficients: b_k = b_{k-1} + d_k, sparse differences
    np.testing.assert_allclose(np.diff(params.coef, axis=1), params.differences)
    assert set(np.unique(np.abs(params.differences))) <= {0.0, 0.5}
    # empirical class frequencies match the mean true probabilities
    freq = np.bincount(y, minlength=4) / len(y)
    mean_p = P.mean(axis=0)
    band = 5 * np.sqrt(mean_p * (1 - mean_p) / len(y)) + 1e-3
    assert np.all(np.abs(freq - mean_p) < band)
    # last class is rare
    assert freq[3] < 0.03 and mean_p[3] < 0.03


def test_ordinal_rare_events_aggregate_frequencies():
    # many replications: rare-class frequency tracks the true probability
    freqs, probs = [], []
    for seed in range(10):
        X, y, params = make_ordinal_rare_events(
            n_samples=2000, random_state=seed, return_params=True
        )
        freqs.append(np.mean(y == 3))
        probs.append(params.proba[:, 3].mean())
    freqs, probs = np.array(freqs), np.array(probs)
    sd = np.sqrt(np.sum(probs * (1 - probs) * 2000)) / (10 * 2000)
    assert abs(freqs.mean() - probs.mean()) < 5 * sd


def test_ordinal_rare_events_options():
    X, y = make_ordinal_rare_events(
        n_samples=500,
        n_features=5,
        n_classes=3,
        intercepts=[0, 2],
        x_distribution="normal",
        sparse_base=False,
        random_state=2,
    )
    assert X.shape == (500, 5) and set(np.unique(y)) == {0, 1, 2}
    X1, y1 = make_ordinal_rare_events(n_samples=300, random_state=5)
    X2, y2 = make_ordinal_rare_events(n_samples=300, random_state=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    # binary case: plain logistic model
    X, y = make_ordinal_rare_events(
        n_samples=200, n_classes=2, intercepts=[1.0], random_state=0
    )
    assert set(np.unique(y)) == {0, 1}


def test_ordinal_class_probabilities_crossing():
    # crossing cumulative curves give negative probabilities
    P = ordinal_class_probabilities([[1.0], [-1.0]], [0.0, 0.1], [[0.0, 5.0]])
    assert P.shape == (2, 3)
    assert np.allclose(P.sum(axis=1), 1)
    assert (P < 0).any()


@pytest.mark.parametrize(
    "kwargs, err",
    [
        (dict(n_samples=0), ValueError),
        (dict(n_samples=2.5), TypeError),
        (dict(n_classes=1), ValueError),
        (dict(intercepts=(0, 3)), ValueError),
        (dict(intercepts=(0, 5, 3)), ValueError),
        (dict(diff_prob=1.5), ValueError),
        (dict(diff_size=-1), ValueError),
        (dict(x_distribution="cauchy"), ValueError),
    ],
)
def test_ordinal_rare_events_errors(kwargs, err):
    with pytest.raises(err):
        make_ordinal_rare_events(**kwargs)


def test_ordinal_rare_events_gives_up():
    # huge differences with nearly equal intercepts always cross
    with pytest.raises(RuntimeError, match="max_tries"):
        make_ordinal_rare_events(
            n_samples=500,
            intercepts=(0, 0.01, 0.02),
            diff_size=10,
            diff_prob=1.0,
            max_tries=3,
            random_state=0,
        )
