"""Plain numpy references of the mixup kernels (slow, O(n^2) at worst)."""

import numpy as np


def relation_mask(c, d, i, class_rel, dom_rel):
    """Boolean mask of S(i) over all rows (0 any, 1 same, 2 different)."""
    n = c.shape[0]
    m = np.ones(n, dtype=bool)
    if class_rel == 1:
        m &= c == c[i]
    elif class_rel == 2:
        m &= c != c[i]
    if dom_rel == 1:
        m &= d == d[i]
    elif dom_rel == 2:
        m &= d != d[i]
    m[i] = False
    return m


def reference_partners(c, d, anchors, uniforms, class_rel, dom_rel):
    """u-th member of S(i) in the stable (class, domain) ordering."""
    n_d = d.max() + 1
    order = np.argsort(c.astype(np.int64) * n_d + d, kind="stable")
    out = np.empty(len(anchors), dtype=np.int64)
    for t, i in enumerate(anchors):
        m = relation_mask(c, d, i, class_rel, dom_rel)[order]
        cand = order[m]
        u = min(int(uniforms[t] * cand.size), cand.size - 1)
        out[t] = cand[u]
    return out


def reference_row_weights(c, d, class_rel, dom_rel):
    """w_j = 1/(2n) + 1/(2n) sum_{i: j in S(i)} 1/|S(i)| by brute force."""
    n = c.shape[0]
    w = np.full(n, 1.0 / (2 * n))
    for i in range(n):
        m = relation_mask(c, d, i, class_rel, dom_rel)
        w[m] += 1.0 / (2 * n * m.sum())
    return w


def reference_mix(X, a, b, lam):
    return lam[:, None] * X[a] + (1 - lam[:, None]) * X[b]
