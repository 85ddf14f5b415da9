"""numba kernel of jackknife+-after-bootstrap with median aggregation.

For every test row and every out-of-bag pattern (the set of bootstrap models
that did not see a training row), the median of those models' predictions.
The numpy reference loops over the patterns; the kernel sorts each test
row's ``B`` predictions once and walks the sorted order per pattern, which is
``O(m * u * B)`` without temporaries.
"""

import numpy as np
from numba import njit, prange

__all__ = ["masked_row_medians", "masked_row_medians_reference"]


@njit(cache=True, parallel=True)
def masked_row_medians(M, patterns):
    """``out[j, u] = median(M[j, patterns[u]])`` (numpy's median).

    Parameters
    ----------
    M : ndarray of shape (m, B), float64
        Predictions of the ``B`` models on ``m`` test rows.
    patterns : ndarray of shape (u, B), bool
        Each row selects a non-empty subset of the models.

    Returns
    -------
    out : ndarray of shape (m, u)
    """
    m, B = M.shape
    u = patterns.shape[0]
    counts = np.zeros(u, dtype=np.int64)
    for p in range(u):
        for b in range(B):
            if patterns[p, b]:
                counts[p] += 1
    out = np.empty((m, u))
    for j in prange(m):
        order = np.argsort(M[j])
        for p in range(u):
            c = counts[p]
            lo_rank = (c - 1) // 2  # 0-based ranks of the middle value(s)
            hi_rank = c // 2
            seen = 0
            lo_val = 0.0
            for t in range(B):
                b = order[t]
                if patterns[p, b]:
                    if seen == lo_rank:
                        lo_val = M[j, b]
                    if seen == hi_rank:
                        out[j, p] = 0.5 * (lo_val + M[j, b])
                        break
                    seen += 1
    return out


def masked_row_medians_reference(M, patterns):
    """Plain numpy reference of :func:`masked_row_medians`."""
    out = np.empty((M.shape[0], patterns.shape[0]))
    for p, mask in enumerate(patterns):
        out[:, p] = np.median(M[:, mask], axis=1)
    return out
