"""The numpy / plain-Python path of small problems (no numba compile on a
cold first call) against the numba kernels."""

import numpy as np
import pytest

from sklearn_datacentric.ordinal import _kernels


@pytest.mark.parametrize("K", [3, 5])
def test_small_path_equals_kernels(K, monkeypatch):
    rng = np.random.RandomState(0)
    n = 400
    eta = np.sort(rng.randn(n, K - 1) * 3, axis=1)
    eta[:20] = eta[:20, ::-1]  # crossed boundaries: masked terms
    eta[20:30] *= 30  # extreme values
    y = rng.randint(0, K, n)
    w = rng.rand(n)
    w /= w.sum()

    def derivs():
        out = [np.empty((n, K - 1)), np.empty((n, K - 1)), np.empty((n, K - 2))]
        loss = _kernels.cumlogit_derivs(eta, y, w, 1e-12, *out)
        return loss, out

    l_small = _kernels.cumlogit_loss(eta, y, w, 1e-12)
    d_small = derivs()
    A = rng.randn(12, 12)
    H = A @ A.T
    g, theta, pen = rng.randn(12), rng.randn(12), rng.rand(12)
    H[3, :] = H[:, 3] = 0.0  # a coordinate without curvature
    z_small = _kernels.cd_quadratic_lasso(H, g, theta, pen, 0.3, 5000, 1e-20)
    monkeypatch.setattr(_kernels, "_SMALL_ETA", 0)
    monkeypatch.setattr(_kernels, "_SMALL_CD", 0)
    assert l_small == pytest.approx(_kernels.cumlogit_loss(eta, y, w, 1e-12), rel=1e-12)
    d_big = derivs()
    assert d_small[0] == pytest.approx(d_big[0], rel=1e-12)
    for a, b in zip(d_small[1], d_big[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-300)
    z_big = _kernels.cd_quadratic_lasso(H, g, theta, pen, 0.3, 5000, 1e-20)
    np.testing.assert_array_equal(z_small[0], z_big[0])
    assert z_small[1] == z_big[1]
