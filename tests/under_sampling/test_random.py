"""RandomUnderSampler in memory: imbalanced-learn's draws, with provenance."""

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import RandomUnderSampler as ImbRUS
from sklearn.datasets import make_classification

from sklearn_datacentric.under_sampling import RandomUnderSampler


@pytest.fixture(scope="module")
def data():
    return make_classification(
        n_samples=600,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        weights=[0.6, 0.3, 0.1],
        random_state=0,
    )


@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize(
    "strategy", ["auto", "all", "majority", "not majority", {0: 100, 1: 50}, 0.8]
)
def test_same_output_as_imblearn(data, replacement, strategy):
    X, y = data
    if isinstance(strategy, float):  # binary only
        y = (y > 0).astype(int)
    ours = RandomUnderSampler(
        sampling_strategy=strategy, random_state=7, replacement=replacement
    )
    theirs = ImbRUS(sampling_strategy=strategy, random_state=7, replacement=replacement)
    X_a, y_a = ours.fit_resample(X, y)
    X_b, y_b = theirs.fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)
    assert ours.sampling_strategy_ == theirs.sampling_strategy_


def test_provenance_and_propagate(data):
    X, y = data
    rus = RandomUnderSampler(random_state=0, replacement=True)
    X_res, y_res = rus.fit_resample(X, y)
    prov = rus.provenance_
    np.testing.assert_array_equal(prov.seed, rus.sample_indices_)
    assert not prov.synthetic.any() and np.all(prov.partner == -1)
    groups = np.arange(len(y)) % 7
    np.testing.assert_array_equal(rus.propagate(groups), groups[rus.sample_indices_])
    np.testing.assert_array_equal(X_res, X[prov.seed])


def test_pandas_nan_and_strings_pass_through():
    X = pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0, 5.0, 6.0], "b": list("uvwxyz")})
    y = pd.Series([0, 0, 0, 0, 1, 1], name="t")
    X_res, y_res = RandomUnderSampler(random_state=0).fit_resample(X, y)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == ["a", "b"]
    assert y_res.value_counts().to_dict() == {0: 2, 1: 2}


def test_bad_input(data):
    X, y = data
    with pytest.raises(ValueError, match="less or equal"):
        RandomUnderSampler(sampling_strategy={0: 10_000}).fit_resample(X, y)
    with pytest.raises(ValueError, match="more than 1 class"):
        RandomUnderSampler().fit_resample(X, np.zeros(len(y)))
