"""The small utils/ helpers that call scikit-learn instead of copying it."""

import numpy as np
import pytest

from sklearn_datacentric.utils._pandas import is_pandas_df
from sklearn_datacentric.utils._weights import check_sample_weight


def test_is_pandas_df():
    pd = pytest.importorskip("pandas")
    X = np.zeros((3, 2))
    assert is_pandas_df(pd.DataFrame(X))
    assert not is_pandas_df(X)
    assert not is_pandas_df(pd.Series([1, 2]))


def test_check_sample_weight():
    np.testing.assert_array_equal(check_sample_weight(None, 3), np.ones(3))
    np.testing.assert_array_equal(check_sample_weight(2.0, np.zeros((3, 1))), [2, 2, 2])
    np.testing.assert_array_equal(check_sample_weight([0, 0], 2), [0, 0])
    w = np.array([1, 2, 3])
    out = check_sample_weight(w, 3)
    assert out.dtype == np.float64 and w.dtype.kind == "i"  # input untouched
    with pytest.raises(ValueError, match="2 negative value"):
        check_sample_weight([1, -1, -2], 3)
    with pytest.raises(ValueError, match="NaN"):
        check_sample_weight([np.nan, 1, 1], 3)
    with pytest.raises(ValueError, match="shape"):
        check_sample_weight([1, 1], 3)
