"""numba kernels of the smote-variants oversamplers (pure functions).

Each kernel has a plain numpy/python reference in the tests.
"""

import numpy as np
from numba import njit

__all__ = ["ccr_radii"]


@njit(cache=True)
def ccr_radii(dist_sorted, energy):
    """Radius of the CCR sphere of each minority sample.

    ``dist_sorted[i]`` holds the distances of minority sample ``i`` to the
    samples of the other classes in increasing order.  The sphere grows
    from radius 0 with budget ``energy``; growing by ``dr`` while ``j``
    other-class samples are inside costs ``dr * (j + 1)``.

    Returns ``(radii, n_inside)``: the final radius and the number of
    other-class samples strictly inside it (the first ``n_inside[i]`` of
    the sorted row).
    """
    m, n = dist_sorted.shape
    radii = np.empty(m)
    n_inside = np.zeros(m, dtype=np.int64)
    for i in range(m):
        r = 0.0
        e = energy
        j = 0
        while j < n:
            step = dist_sorted[i, j] - r
            if step < 0.0:
                step = 0.0
            cost = step * (j + 1.0)
            if cost >= e:
                r += e / (j + 1.0)
                e = 0.0
                break
            e -= cost
            r = dist_sorted[i, j] if dist_sorted[i, j] > r else r
            j += 1
        if e > 0.0:
            r += e / (n + 1.0)
        radii[i] = r
        c = 0
        while c < n and dist_sorted[i, c] < r:
            c += 1
        n_inside[i] = c
    return radii, n_inside
