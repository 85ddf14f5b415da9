"""The numpy path of small calls (no numba compile on a cold first call)
against the numba kernel."""

import numpy as np
import pytest

from sklearn_datacentric.mixup._kernels import _mix_rows_jit, mix_rows_kernel
from sklearn_datacentric.mixup._pairs import CRITERIA


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mix_rows_small_path_equals_kernel(dtype):
    rng = np.random.RandomState(0)
    X = rng.randn(50, 6).astype(dtype)
    a, b = rng.randint(0, 50, 300), rng.randint(0, 50, 300)
    lam = rng.rand(300)
    small = mix_rows_kernel(X, a, b, lam)
    assert small.dtype == dtype
    np.testing.assert_array_equal(small, _mix_rows_jit(X, a, b, lam))


@pytest.mark.parametrize("criterion", CRITERIA)
def test_sample_partners_interpreted_equals_kernel(criterion, monkeypatch):
    from sklearn_datacentric.mixup import _kernels, _pairs

    rng = np.random.RandomState(0)
    y = rng.randint(0, 3, 400)
    groups = rng.randint(0, 4, 400)
    kw = dict(y=y, groups=groups, criterion=criterion, random_state=0)
    small = _pairs.sample_partners(400, **kw)
    monkeypatch.setattr(_pairs, "sample_partners_kernel", _kernels._sample_partners_jit)
    big = _pairs.sample_partners(400, **kw)
    np.testing.assert_array_equal(small, big)


@pytest.mark.parametrize("dtype", [np.float16, object])
def test_mix_rows_large_path_non_numba_dtypes(dtype, monkeypatch):
    # numba has no float16 or object arithmetic: the large path mixes in
    # float64 and returns the input's dtype, like the small path
    import sklearn_datacentric.mixup._kernels as k

    rng = np.random.RandomState(0)
    X = rng.randn(30, 3).astype(dtype)
    a, b = rng.randint(0, 30, 50), rng.randint(0, 30, 50)
    lam = rng.uniform(size=50)
    small = mix_rows_kernel(X, a, b, lam)
    monkeypatch.setattr(k, "_SMALL_MIX", 0)
    large = mix_rows_kernel(X, a, b, lam)
    assert large.dtype == small.dtype == X.dtype
    np.testing.assert_allclose(
        large.astype(np.float64), small.astype(np.float64), rtol=1e-3
    )
