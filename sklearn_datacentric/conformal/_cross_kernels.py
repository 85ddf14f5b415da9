"""numba kernels of the cross-conformal estimators, with numpy references.

* :func:`masked_row_medians`: jackknife+-after-bootstrap with median
  aggregation.  For every test row and every out-of-bag pattern (the set of
  bootstrap models that did not see a training row), the median of those
  models' predictions.  The numpy reference loops over the patterns; the
  kernel sorts each test row's ``B`` predictions once and walks the sorted
  order per pattern, ``O(m * u * B)`` without temporaries.
* :func:`merged_fold_quantiles`: the CV+ bound when the folds partition the
  rows.  The values ``mu_k(x) + R_i`` of the rows of fold ``k`` are the
  fold's sorted residuals shifted by one number, so the (weighted) quantile
  over all rows is found by merging the ``K`` sorted lists, without sorting
  an ``(m, n)`` matrix.  The reference is ``_cross._upper_quantile`` on that
  matrix.
"""

import numpy as np
from numba import njit, prange

__all__ = [
    "masked_row_medians",
    "masked_row_medians_reference",
    "merged_fold_quantiles",
]


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


@njit(cache=True)
def merged_fold_quantiles(R_sorted, w_sorted, offsets, shift, w_test, levels):
    """Weighted upper quantiles of ``{shift[j, k] + R_i : i in fold k}``.

    Parameters
    ----------
    R_sorted : ndarray of shape (n,)
        Residuals grouped by fold, ascending within each fold.
    w_sorted : ndarray of shape (n,)
        Their weights (all 1 for the unweighted bound).
    offsets : ndarray of shape (K + 1,), int64
        Fold ``k`` is ``R_sorted[offsets[k]:offsets[k + 1]]``.
    shift : ndarray of shape (m, K)
        ``mu_k(x_j)`` for every test row and fold.
    w_test : ndarray of shape (m,)
        Mass of each test point (put on ``+inf``; 1 when unweighted).
    levels : ndarray of shape (L,), descending
        Confidence levels.

    Returns
    -------
    out : ndarray of shape (m, L)
        For row ``j`` and level ``l`` the smallest value ``v`` with
        ``sum(w_i : value_i <= v) >= levels[l] * (sum(w) + w_test[j])``
        (``+inf`` when the finite mass never reaches it).

    Notes
    -----
    The merge walks the values from the largest down: ``F(v)``, the mass at
    or below the current value, is the total minus the mass already passed,
    and the answer is the last value at which ``F`` still reaches the need.
    A level ``1 - alpha`` costs about ``alpha * n * K`` steps per row.
    """
    m, K = shift.shape
    L = levels.shape[0]
    total = 0.0
    for i in range(w_sorted.shape[0]):
        total += w_sorted[i]
    out = np.full((m, L), np.inf)
    for j in range(m):
        denom = total + w_test[j]
        if denom <= 0.0:
            continue
        pos = offsets[1:].copy() - 1  # the largest remaining of each fold
        cum = total  # F at the current (largest remaining) value
        last = np.inf
        lev = 0
        while lev < L:
            need = levels[lev] * denom * (1.0 - 1e-12)
            best = -1
            bv = -np.inf
            for k in range(K):
                if pos[k] >= offsets[k]:
                    v = shift[j, k] + R_sorted[pos[k]]
                    if best < 0 or v > bv:
                        bv = v
                        best = k
            if best >= 0 and cum >= need:
                last = bv
                cum -= w_sorted[pos[best]]
                pos[best] -= 1
            else:
                out[j, lev] = last
                lev += 1
    return out
