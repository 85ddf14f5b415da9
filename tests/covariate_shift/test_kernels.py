import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from sklearn_datacentric.covariate_shift._kernels import (
    project_box_ball_reference,
    project_dw,
    project_dw_reference,
    width_heuristic,
)


def _set_params(rng, n, t, D):
    ub = 1000.0 / np.sqrt(D) / n
    c = 1.0 / t
    R = (1 - 1 / np.sqrt(D)) * np.sqrt(t) / t
    eps = 1 - 1 / np.sqrt(n)
    return ub, c, R, eps


def _feasible(z, n, ub, c, R, eps, tol=1e-12):
    zb, za = z[:n], z[n:]
    return (
        (zb >= -tol).all()
        and (zb <= ub + tol).all()
        and (za >= -tol).all()
        and (za <= c + tol).all()
        and np.linalg.norm(za - c) <= R + 1e-9 * (R + c)
        and abs(zb.sum() - za.sum()) <= eps + 1e-12
    )


@pytest.mark.parametrize("D", [1.0, 1.5, 4.0, 100.0])
def test_project_dw_matches_reference_and_is_feasible(D):
    rng = np.random.default_rng(0)
    slab_hits = 0
    for _ in range(25):
        n, t = rng.integers(2, 40, size=2)
        ub, c, R, eps = _set_params(rng, n, t, D)
        scale = rng.choice([0.1, 1.0, 10.0])
        y = np.concatenate([rng.normal(0, 3 / n, n), rng.normal(0, 3 / t, t)]) * scale
        out = np.empty(n + t)
        nu = project_dw(y, n, ub, c, R, eps, out)
        slab_hits += nu != 0.0
        ref = project_dw_reference(y, n, ub, c, R, eps)
        assert _feasible(out, n, ub, c, R, eps)
        np.testing.assert_allclose(out, ref, rtol=1e-7, atol=1e-12)
        # a projection is the closest feasible point: no feasible random point is closer
        assert np.linalg.norm(out - y) <= np.linalg.norm(ref - y) + 1e-12
    assert slab_hits > 2  # the slab constraint was exercised


def test_box_ball_reference_is_projection():
    rng = np.random.default_rng(1)
    w = rng.normal(0.5, 1.0, 30)
    p = project_box_ball_reference(w, 1.0, 2.0)
    assert np.all((p >= 0) & (p <= 1))
    assert np.linalg.norm(p - 1.0) <= 2.0 + 1e-9
    # KKT: feasible perturbations do not get closer
    for _ in range(200):
        q = np.clip(p + rng.normal(0, 0.05, 30), 0, 1)
        if np.linalg.norm(q - 1.0) <= 2.0:
            assert np.linalg.norm(q - w) >= np.linalg.norm(p - w) - 1e-12


def test_width_heuristic_is_mean_kth_neighbour_distance():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(120, 4))
    d, _ = NearestNeighbors(n_neighbors=51).fit(Z).kneighbors(Z)
    assert width_heuristic(Z, 50) == pytest.approx(d[:, 50].mean(), rel=1e-9)
    # small samples: the largest available rank
    assert width_heuristic(Z[:10], 50) > 0
    assert width_heuristic(np.zeros((5, 2)), 50) == 1.0
