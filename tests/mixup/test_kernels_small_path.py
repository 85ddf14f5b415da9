"""The numpy path of small calls (no numba compile on a cold first call)
against the numba kernel."""

import numpy as np
import pytest

from sklearn_datacentric.mixup._kernels import _mix_rows_jit, mix_rows_kernel


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mix_rows_small_path_equals_kernel(dtype):
    rng = np.random.RandomState(0)
    X = rng.randn(50, 6).astype(dtype)
    a, b = rng.randint(0, 50, 300), rng.randint(0, 50, 300)
    lam = rng.rand(300)
    small = mix_rows_kernel(X, a, b, lam)
    assert small.dtype == dtype
    np.testing.assert_array_equal(small, _mix_rows_jit(X, a, b, lam))
