"""The helpers behind issue 18: overflow detection, exact power-of-two
rescaling and pandas nullable dtypes."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from sklearn_datacentric.utils.validation import (
    check_overflow,
    explain_overflow,
    huge_columns,
    nullable_to_float,
    overflow_limit,
    pow2_rescale,
    restore_nullable,
    scale_equivariant,
    unscale,
)


def test_overflow_limit_keeps_sums_of_squares_finite():
    n, d = 1000, 7
    limit = overflow_limit(n, d)
    X = np.full((n, d), 0.99 * limit)
    X[::2] *= -1
    # the largest squared difference summed over every entry stays finite
    assert np.isfinite(np.sum((2 * X) ** 2))
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sum((2 * 4 * X) ** 2))


def test_huge_columns_dense_sparse_and_non_finite():
    X = np.array([[1e300, 1.0, np.inf], [-2e300, 2.0, 3.0]])
    cols, amax = huge_columns(X)
    np.testing.assert_array_equal(cols, [0])  # inf is not "huge": NaN checks own it
    assert amax[0] == 2e300
    cols_sp, _ = huge_columns(sparse.csr_matrix(np.nan_to_num(X, posinf=0.0)))
    np.testing.assert_array_equal(cols_sp, [0])
    assert huge_columns(np.array([["a"]], dtype=object))[0].size == 0


def test_pow2_rescale_is_exact_and_maps_back():
    rng = np.random.RandomState(0)
    X = rng.randn(20, 3) * 2.0**1000
    X_s, e = pow2_rescale(X)
    assert e > 0 and huge_columns(X_s)[0].size == 0
    np.testing.assert_array_equal(X_s, X * 2.0**-e)  # a power of two: exact
    np.testing.assert_array_equal(unscale(X_s, e), X)
    small = rng.randn(5, 2)
    assert pow2_rescale(small)[0] is small and pow2_rescale(small)[1] == 0
    with pytest.raises(ValueError, match="largest float64"):
        unscale(np.array([1.0]), 1024)


def test_check_overflow_names_estimator_column_and_remedy():
    X = pd.DataFrame({"a": [1.0, 2.0], "big": [1e308, -1e308]})
    with pytest.raises(ValueError, match=r"Foo: column 'big' of X.*Rescale X"):
        check_overflow(X, estimator="Foo")
    with pytest.raises(ValueError, match=r"Foo: y holds values up to 1e\+308"):
        check_overflow(np.array([1.0, 1e308]), estimator="Foo", name="y")
    check_overflow(np.ones((3, 2)), estimator="Foo")  # nothing to say


def test_explain_overflow_replaces_only_errors_on_huge_input():
    huge = np.array([[1e308], [1.0]])
    with pytest.raises(ValueError, match="Bar: column 0 of X") as info:
        with explain_overflow(huge, estimator="Bar"):
            raise ValueError("Input X contains NaN.")
    assert "contains NaN" in str(info.value.__cause__)
    with pytest.raises(ValueError, match="^Input X contains NaN"):
        with explain_overflow(np.ones((2, 1)), estimator="Bar"):
            raise ValueError("Input X contains NaN.")
    with pytest.raises(KeyError):
        with explain_overflow(huge, estimator="Bar"):
            raise KeyError("other")


def test_scale_equivariant_decorator():
    class Method:
        @scale_equivariant
        def generate(self, X, k):
            # midpoints of consecutive rows: overflows on huge X unscaled
            return (X[:-1] + X[1:]) / 2 * k, "rest"

    X = np.array([[1.5e308], [1.7e308], [-1.0e308]])
    with np.errstate(over="ignore"):
        assert not np.all(np.isfinite((X[:-1] + X[1:]) / 2))
    out, rest = Method().generate(X, 1.0)
    np.testing.assert_allclose(out, [[1.6e308], [0.35e308]], rtol=1e-15)
    assert rest == "rest"


def test_nullable_round_trip():
    df = pd.DataFrame(
        {
            "i": pd.array([1, 2, 3], dtype="Int64"),
            "f": pd.array([0.5, 1.5, 2.5], dtype="Float64"),
            "b": pd.array([True, False, True], dtype="boolean"),
            "plain": [1.0, 2.0, 3.0],
            "s": ["x", "y", "z"],
        }
    )
    conv, dtypes = nullable_to_float(df)
    assert set(dtypes) == {"i", "f", "b"}
    assert all(conv[c].dtype == np.float64 for c in dtypes)
    assert df["i"].dtype == "Int64"  # the input is not modified
    # rows kept or copied: every dtype comes back
    back = restore_nullable(conv.iloc[[2, 0, 0]], dtypes)
    assert back.dtypes.astype(str).to_dict() == {
        "i": "Int64", "f": "Float64", "b": "boolean", "plain": "float64",
        "s": str(df["s"].dtype),
    }  # fmt: skip
    # interpolated values: integer and boolean columns become Float64, unrounded
    mixed = conv.copy()
    mixed.loc[1, ["i", "b"]] = [1.25, 0.5]
    back = restore_nullable(mixed, dtypes)
    assert str(back["i"].dtype) == "Float64" and back["i"][1] == 1.25
    assert str(back["b"].dtype) == "Float64" and back["b"][1] == 0.5
    assert str(back["f"].dtype) == "Float64"
    # pd.NA reads as NaN
    na = df.copy()
    na.loc[0, "i"] = pd.NA
    assert np.isnan(nullable_to_float(na)[0]["i"][0])
    # nothing to convert
    plain = pd.DataFrame({"a": [1.0]})
    assert nullable_to_float(plain) == (plain, None)
    assert nullable_to_float(np.ones((2, 2)))[1] is None
