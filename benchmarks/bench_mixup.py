"""Generating 1M mixed rows at d = 50: SelectiveMixup vs a plain numpy version.

Data: n = 100,000 input rows, d = 50 float64 features, 10 classes and 5
domains drawn uniformly at random.  For each criterion, timed in a forked
child (wall time, peak memory above the child's start):

* ``SelectiveMixup(criterion=c, n_samples=1_000_000).fit_resample(X, y,
  groups=g)``: input validation, closed-form implicit distribution, numba
  pair sampling (O(n) memory, no n x n matrix) and numba row mixing;
* a straightforward numpy implementation: anchors ``rng.integers``,
  partners drawn per (class, domain) cell of the anchors from
  ``np.flatnonzero`` of the criterion's mask (the obvious vectorised way;
  a per-anchor loop would be far slower), ``lambda`` from ``rng.beta``, and
  ``lam[:, None] * X[a] + (1 - lam[:, None]) * X[b]`` with hard labels.

Both produce 1M rows of 50 float64 (381 MiB) that stay in memory; the numpy
version's extra peak is its temporaries.  Also C-Mixup (partner probability
proportional to exp(-(y_i - y_j)^2 / (2 sigma^2))) at a smaller size (n =
20,000 inputs, 100,000 mixed rows): ``CMixup`` (numba rejection sampler,
O(n) memory) against numpy computing the kernel row of each anchor in
chunks of 500 anchors (the C-Mixup reference code builds the full n x n
matrix, which would not fit at n = 100,000).

Run ``python benchmarks/bench_mixup.py``; writes
``benchmarks/results/mixup.md``.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sys  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import markdown_table, measure, write_results  # noqa: E402

from sklearn_datacentric.mixup import CRITERIA, CMixup, SelectiveMixup  # noqa: E402

N, D, M = 100_000, 50, 1_000_000
N_CLASSES, N_DOMAINS = 10, 5


def make_data(n=N, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, D))
    y = rng.integers(0, N_CLASSES, n)
    g = rng.integers(0, N_DOMAINS, n)
    return X, y, g


def _rel(criterion):
    if criterion == "random":
        return None, None
    rel = {"class": None, "domain": None}
    for tok in criterion.split("+"):
        word, axis = tok.split("_")
        rel[axis] = word
    return rel["class"], rel["domain"]


def numpy_mixup(X, y, g, criterion, m, alpha=1.0, seed=0):
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    a = rng.integers(0, n, m)
    crel, drel = _rel(criterion)
    if crel is None and drel is None:
        b = rng.integers(0, n - 1, m)
        b = b + (b >= a)
    else:
        b = np.empty(m, dtype=np.int64)
        cell = y[a] * N_DOMAINS + g[a]
        for k in np.unique(cell):
            sel = np.flatnonzero(cell == k)
            c, d = divmod(k, N_DOMAINS)
            mask = np.ones(n, dtype=bool)
            if crel is not None:
                mask &= (y == c) if crel == "same" else (y != c)
            if drel is not None:
                mask &= (g == d) if drel == "same" else (g != d)
            cand = np.flatnonzero(mask)
            b[sel] = cand[rng.integers(0, cand.size, sel.size)]
        # self-pairs (same-cell criteria) redrawn until none is left
        while True:
            bad = np.flatnonzero(b == a)
            if bad.size == 0:
                break
            for t in bad:
                c, d = y[a[t]], g[a[t]]
                mask = np.ones(n, dtype=bool)
                if crel is not None:
                    mask &= (y == c) if crel == "same" else (y != c)
                if drel is not None:
                    mask &= (g == d) if drel == "same" else (g != d)
                mask[a[t]] = False
                cand = np.flatnonzero(mask)
                b[t] = cand[rng.integers(0, cand.size)]
    lam = rng.beta(alpha, alpha, m)
    Xm = lam[:, None] * X[a] + (1 - lam[:, None]) * X[b]
    ym = np.where(rng.random(m) < lam, y[a], y[b])
    return float(Xm[::9973].sum() + ym[::9973].sum())


def ours_mixup(X, y, g, criterion, m):
    Xm, ym = SelectiveMixup(
        criterion=criterion, n_samples=m, random_state=0
    ).fit_resample(X, y, groups=g)
    return float(Xm[::9973].sum() + ym[::9973].sum())


def numpy_cmixup(X, y, m, sigma, seed=0, chunk=500):
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    a = rng.integers(0, n, m)
    b = np.empty(m, dtype=np.int64)
    for s in range(0, m, chunk):
        aa = a[s : s + chunk]
        w = np.exp(-((y[aa, None] - y[None, :]) ** 2) / (2 * sigma**2))
        w[np.arange(aa.size), aa] = 0.0
        cw = np.cumsum(w, axis=1)
        u = rng.random(aa.size) * cw[:, -1]
        b[s : s + chunk] = (cw < u[:, None]).sum(axis=1)
    lam = rng.beta(1.0, 1.0, m)
    Xm = lam[:, None] * X[a] + (1 - lam[:, None]) * X[b]
    ym = lam * y[a] + (1 - lam) * y[b]
    return float(Xm[::997].sum() + ym[::997].sum())


def ours_cmixup(X, y, m, sigma):
    Xm, ym = CMixup(bandwidth=sigma, n_samples=m, random_state=0).fit_resample(X, y)
    return float(Xm[::997].sum() + ym[::997].sum())


def _warm():
    Xs, ys, gs = make_data(3000, seed=1)
    for c in CRITERIA:
        SelectiveMixup(criterion=c, n_samples=50, random_state=0).fit_resample(
            Xs, ys, groups=gs
        )
    CMixup(bandwidth=0.1, n_samples=50, random_state=0).fit_resample(
        Xs, Xs[:, 0].copy()
    )


def main():
    X, y, g = make_data()
    rows = []
    for c in CRITERIA:
        ours = measure(ours_mixup, X, y, g, c, M, warmup=_warm)
        ref = measure(numpy_mixup, X, y, g, c, M)
        rows.append(
            {
                "criterion": c,
                "ours s": ours["seconds"],
                "numpy s": ref["seconds"],
                "speed-up": ref["seconds"] / ours["seconds"],
                "ours peak MiB": ours["peak_mib"],
                "numpy peak MiB": ref["peak_mib"],
            }
        )
        print(rows[-1], flush=True)
    cols = [
        "criterion",
        "ours s",
        "numpy s",
        "speed-up",
        "ours peak MiB",
        "numpy peak MiB",
    ]
    body = [
        __doc__.split("Run ")[0].strip(),
        "",
        f"## Selective mixup: {M:,} mixed rows from n = {N:,}, d = {D}",
        "",
        markdown_table(rows, cols),
        "",
    ]
    n_c, m_c = 20_000, 100_000
    Xc = X[:n_c]
    yc = Xc[:, :3].sum(axis=1) + 0.1 * np.random.default_rng(3).standard_normal(n_c)
    crow = []
    for sigma in (0.05, 0.5):
        ours = measure(ours_cmixup, Xc, yc, m_c, sigma, warmup=_warm)
        ref = measure(numpy_cmixup, Xc, yc, m_c, sigma)
        crow.append(
            {
                "sigma": sigma,
                "ours s": ours["seconds"],
                "numpy s": ref["seconds"],
                "speed-up": ref["seconds"] / ours["seconds"],
                "ours peak MiB": ours["peak_mib"],
                "numpy peak MiB": ref["peak_mib"],
            }
        )
        print(crow[-1], flush=True)
    body += [
        f"## C-Mixup: {m_c:,} mixed rows from n = {n_c:,}, d = {D} (std(y) = 1.7)",
        "",
        markdown_table(crow, ["sigma"] + cols[1:]),
        "",
    ]
    path = write_results(
        "mixup", "Mixup: pair sampling and mixing at scale", "\n".join(body)
    )
    print("wrote", path)


if __name__ == "__main__":
    main()
