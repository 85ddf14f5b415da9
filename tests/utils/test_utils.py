import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from sklearn_datacentric.utils import (
    all_estimators,
    check_finite_target,
    check_keep_ratio,
    check_same_n_features,
    check_sample_weight_support,
    import_optional,
    pack_source_target,
    split_source_target,
)


def test_import_optional_names_the_extra():
    assert import_optional("numpy") is np
    with pytest.raises(ImportError, match=r"sklearn-datacentric\[torch\]"):
        import_optional("skorch_does_not_exist_xyz", extra="torch")
    with pytest.raises(ImportError, match=r"\[plot\]"):
        import_optional("matplotlib.this_submodule_does_not_exist")


def test_all_estimators_kinds_and_filter():
    every = all_estimators()
    names = [n for n, _ in every]
    assert names == sorted(names)
    with pytest.raises(ValueError, match="Unknown type_filter"):
        all_estimators(type_filter="nope")
    samplers = all_estimators(type_filter="sampler")
    assert all(hasattr(c, "fit_resample") for _, c in samplers)
    assert set(samplers) <= set(every)


def test_sample_weight_support():
    check_sample_weight_support(LogisticRegression())
    check_sample_weight_support(make_pipeline(LogisticRegression()))
    with pytest.raises(TypeError, match="sample_weight"):
        check_sample_weight_support(KNeighborsClassifier())


def test_same_n_features():
    out = check_same_n_features(np.zeros((3, 2)), 2)
    assert out.shape == (3, 2)
    with pytest.raises(ValueError, match="has 3 features"):
        check_same_n_features(np.zeros((3, 3)), 2)
    with pytest.raises(ValueError, match="required"):
        check_same_n_features(None, 2)


def test_finite_target_and_keep_ratio():
    with pytest.raises(ValueError, match="NaN or infinite"):
        check_finite_target([1.0, np.nan])
    assert check_keep_ratio(1) == 1.0
    for bad in (0, 1.5, -0.1, "half"):
        with pytest.raises(ValueError, match="keep_ratio"):
            check_keep_ratio(bad)


def test_pack_and_split_source_target_round_trip():
    rng = np.random.RandomState(0)
    Xs, ys, Xt = rng.randn(5, 2), np.array([0, 1, 0, 1, 1]), rng.randn(3, 2)
    X, y, sd = pack_source_target(Xs, ys, Xt)
    assert X.shape == (8, 2)
    np.testing.assert_array_equal(y[5:], -1)
    np.testing.assert_array_equal(sd, [1] * 5 + [-2] * 3)
    Xs2, ys2, Xt2, mask = split_source_target(X, y, sample_domain=sd)
    np.testing.assert_array_equal(Xs2, Xs)
    np.testing.assert_array_equal(ys2, ys)
    np.testing.assert_array_equal(Xt2, Xt)
    assert mask.sum() == 5
    # the notebook path
    Xs3, ys3, Xt3, mask3 = split_source_target(Xs, ys, X_target=Xt)
    assert Xt3 is Xt and mask3.all()
    # float targets are masked with NaN
    _, yf, _ = pack_source_target(Xs, ys.astype(float), Xt)
    assert np.isnan(yf[5:]).all()


def test_split_source_target_errors():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="not both"):
        split_source_target(X, X_target=X, sample_domain=np.ones(4, int))
    with pytest.raises(ValueError, match="one domain label per row"):
        split_source_target(X, sample_domain=np.ones(3, int))
    with pytest.raises(ValueError, match="no source row"):
        split_source_target(X, sample_domain=-np.ones(4, int))
    with pytest.raises(ValueError, match="integers"):
        split_source_target(X, sample_domain=np.ones(4))
    with pytest.raises(ValueError, match="features"):
        pack_source_target(np.zeros((2, 2)), [0, 1], np.zeros((2, 3)))
