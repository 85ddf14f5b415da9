"""The Dask path of the SMOTE family.

``fit_resample`` of :class:`SMOTE`, :class:`BorderlineSMOTE`, :class:`ADASYN`,
:class:`SMOTENC` and :class:`SMOTEN` dispatches here when given Dask
collections.  Plan (what is small is gathered, what is big stays where it is):

1. X and y are checked; unknown partition lengths are computed once; the
   class counts are computed once, partition by partition, on the cluster;
   ``sampling_strategy_`` follows from them.
2. Each class to over-sample is gathered to the client when its rows fit
   the budget of :func:`sklearn_datacentric.utils.dask_gather_budget`, and its
   neighbours among its own rows are found in memory exactly as the
   in-memory sampler finds them.  A larger class has its neighbour search
   distributed (:func:`sklearn_datacentric.neighbors.kneighbors_dask`, the
   queries sent in batches that fit the budget).  Searches among all rows
   (the danger set of BorderlineSMOTE, the density ratios of ADASYN, the
   partners of borderline-2) are always distributed.
3. The random draws are those of the in-memory sampler, in the same order:
   the client replays the generator in chunks and keeps only its state at
   the start of each chunk, so that each partition of synthetic rows
   redraws its own share on a worker.  For the same ``random_state`` the
   output rows are those of the in-memory path (synthetic rows class after
   class, after the original rows).
4. The output is lazy: the original partitions (with a finite check that
   raises at compute time) followed by partitions of synthetic rows.
   ``provenance_`` holds dask arrays of global row indices.
"""

import functools

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array

from ...neighbors._dask import kneighbors_dask
from ...utils import _dask as ud
from ...utils._dask import DaskProvenance, _needed, _take_rows
from ...utils._parallel import one_numba_thread
from . import _kernels
from ._base import _label, kneighbors_self, n_neighbors_of

__all__ = ["fit_resample_dask", "DaskProvenance"]


# --------------------------------------------------------------- checks


def _check_block(block, *, name):
    """The in-memory finite / dtype check of X, on one partition."""
    out = check_array(
        block, dtype=[np.float64, np.float32], estimator=name, input_name="X"
    )
    return out


def _check_frame(part, *, name):
    _check_block(part.to_numpy(), name=name)
    return part


# ------------------------------------------------------------ generation


def _pair_chunk(nn_g, seeds_g, int_state, gap_state, m, other, extra_state):
    """One chunk of SMOTE pair draws (the draws of ``sample_pairs``)."""
    r = np.random.RandomState()
    r.set_state(int_state)
    flat = r.randint(low=0, high=nn_g.size, size=m)
    r.set_state(gap_state)
    gaps = r.uniform(size=m)
    k = nn_g.shape[1]
    rows = flat // k
    cols = flat % k
    partners = nn_g[rows, cols]
    if other is not None:
        o = other[rows, cols]
        r.set_state(extra_state)
        gaps[o] *= r.uniform(low=0.0, high=0.5, size=int(o.sum()))
    return seeds_g[rows], partners, gaps


def _adasyn_chunk(nn_g, seeds_g, cum, start, col_state, gap_state, m):
    """One chunk of ADASYN draws (rows by the counts g_i, a uniform
    neighbour column, a uniform gap)."""
    rows = np.searchsorted(cum, np.arange(start, start + m), side="right")
    r = np.random.RandomState()
    r.set_state(col_state)
    cols = r.randint(0, nn_g.shape[1], size=m)
    r.set_state(gap_state)
    gaps = r.uniform(size=m)
    return seeds_g[rows], nn_g[rows, cols], gaps


def _interp_local(plan, src_idx, src_X):
    """Synthetic rows of one partition, parents read from gathered rows."""
    seeds, partners, gaps = plan
    # one numba thread per task: the worker runs one task per core
    with one_numba_thread():
        return _kernels.interpolate(
            src_X,
            np.searchsorted(src_idx, seeds),
            np.searchsorted(src_idx, partners),
            gaps,
        )


def _interp_parts(plan, needed, *rows):
    """Synthetic rows of one partition, parents read from the partitions."""
    return _interp_local(plan, needed, np.concatenate(rows))


def _chunks_of(n, size):
    return [min(size, n - s) for s in range(0, n, size)]


class _Replay:
    """Replays the in-memory generator, recording its state per chunk."""

    def __init__(self, rng, sizes):
        self.rng = rng
        self.sizes = sizes

    def states(self, draw):
        out = []
        for m in self.sizes:
            out.append(self.rng.get_state())
            draw(m)
        return out


# --------------------------------------------------------------- the path


class _Ctx:
    def __init__(self, sampler, inp, counts_pb, classes):
        self.sampler = sampler
        self.name = type(sampler).__name__
        self.inp = inp
        self.classes = classes
        self.counts_pb = counts_pb
        self.x_parts, self.y_parts = ud.row_parts(inp)
        self.budget = ud.get_dask_gather_budget()
        self.chunk = int(max(1, max(inp.ya.chunks[0])))
        self.dtype = np.dtype(inp.Xa.dtype)

    def class_count(self, c):
        return int(self.counts_pb[:, np.searchsorted(self.classes, c)].sum())

    def fits(self, n_rows):
        return n_rows * self.inp.n_features * 8 <= self.budget

    def gather_class(self, c):
        X_c, _, g_c = ud.gather_rows(
            self.x_parts, self.y_parts, self.inp.offsets, classes=np.array([c])
        )
        return np.asarray(X_c), g_c

    def class_index(self, c):
        """Global indices of the rows of a class (ints only)."""
        import dask

        def idx(yb, off):
            return np.flatnonzero(np.asarray(yb) == c).astype(np.int64) + off

        parts = [
            dask.delayed(idx)(yb, int(self.inp.offsets[p]))
            for p, yb in enumerate(self.y_parts)
        ]
        return np.concatenate(dask.compute(*parts))

    def rows_at(self, gidx):
        X_r, _, _ = ud.gather_rows(
            self.x_parts,
            self.y_parts,
            self.inp.offsets,
            gidx=np.asarray(gidx, dtype=np.int64),
        )
        return np.asarray(X_r)

    def batches(self, gidx):
        size = max(1, self.budget // (8 * self.inp.n_features))
        for s in range(0, gidx.shape[0], size):
            yield gidx[s : s + size]

    def knn_all(self, X_q, g_q, k):
        """Neighbours (global) and their labels among all rows."""
        _, ind, lab = kneighbors_dask(
            self.inp.Xa, X_q, k, query_index=g_q, y=self.inp.ya
        )
        return ind, lab

    def knn_all_batched(self, g_q, k, X_q=None):
        if X_q is not None:
            return self.knn_all(X_q, g_q, k)
        ind, lab = [], []
        for b in self.batches(g_q):
            i, lb = self.knn_all(self.rows_at(b), b, k)
            ind.append(i)
            lab.append(lb)
        return np.concatenate(ind), np.concatenate(lab)

    def knn_class(self, c, g_c, X_c, est, attr, rows=None):
        """Neighbours (class-local positions) of class rows among the class."""
        if X_c is not None:
            return kneighbors_self(clone(est), X_c, rows)
        if hasattr(getattr(self.sampler, attr), "kneighbors"):
            raise ValueError(
                f"{self.name}: class {_label(c)!r} has {g_c.shape[0]} rows, above "
                "the Dask gather budget, so its neighbour search is distributed "
                f"with the package's exact engine; pass an integer {attr} (or "
                "raise the budget with "
                "sklearn_datacentric.utils.dask_gather_budget)."
            )
        k = n_neighbors_of(est, attr)
        q = g_c if rows is None else g_c[rows]
        out = []
        for b in self.batches(q):
            ind = kneighbors_dask(
                self.inp.Xa,
                self.rows_at(b),
                k,
                query_index=b,
                y=self.inp.ya,
                reference_label=c,
            )[1]
            out.append(np.searchsorted(g_c, ind))
        return np.concatenate(out)

    # --- lazy synthetic partitions of one class
    def emit(self, label, plans, m_sizes, src):
        """Dask arrays (X, seed, partner, gap) of the synthetic rows."""
        import dask
        import dask.array as da

        d = self.inp.n_features
        xs, ss, ps, gs = [], [], [], []
        for plan, m in zip(plans, m_sizes):
            if src[0] == "local":
                x = dask.delayed(_interp_local)(plan, src[1], src[2])
            else:
                need = dask.delayed(lambda p: _needed(p[0], p[1]))(plan)
                rows = [
                    dask.delayed(_take_rows)(xb, int(self.inp.offsets[q]), need)
                    for q, xb in enumerate(self.x_parts)
                ]
                x = dask.delayed(_interp_parts)(plan, need, *rows)
            xs.append(da.from_delayed(x, shape=(m, d), dtype=self.dtype))
            ss.append(da.from_delayed(plan[0], shape=(m,), dtype=np.int64))
            ps.append(da.from_delayed(plan[1], shape=(m,), dtype=np.int64))
            gs.append(da.from_delayed(plan[2], shape=(m,), dtype=np.float64))
        return label, xs, ss, ps, gs

    def pair_plans(self, label, n_new, nn_g, seeds_g, rng, src, other=None):
        """Lazy partitions of SMOTE pair draws (``sample_pairs`` replayed)."""
        import dask

        sizes = _chunks_of(n_new, self.chunk)
        rep = _Replay(rng, sizes)
        ofl = other.ravel() if other is not None else None
        n_other = []  # partners of another class per chunk (borderline-2)

        def draw_int(m):
            flat = rng.randint(low=0, high=nn_g.size, size=m)
            if ofl is not None:
                n_other.append(int(ofl[flat].sum()))

        int_states = rep.states(draw_int)
        gap_states = rep.states(lambda m: rng.uniform(size=m))
        extra_states = [None] * len(sizes)
        if other is not None:
            extra_states = []
            for cnt in n_other:
                extra_states.append(rng.get_state())
                rng.uniform(low=0.0, high=0.5, size=cnt)
        nn_d = dask.delayed(nn_g, pure=True)
        seeds_d = dask.delayed(seeds_g, pure=True)
        oth_d = dask.delayed(other, pure=True) if other is not None else None
        plans = [
            dask.delayed(_pair_chunk, nout=3, pure=True)(
                nn_d, seeds_d, a, b, m, oth_d, e
            )
            for a, b, m, e in zip(int_states, gap_states, sizes, extra_states)
        ]
        return self.emit(label, plans, sizes, src)

    def src_for(self, X_c, g_c, extra_idx=None):
        """Where the synthetic partitions read their parent rows."""
        import dask

        if X_c is None:
            return ("parts",)
        if extra_idx is not None:
            extra = np.setdiff1d(extra_idx, g_c)
            if extra.size and not self.fits(g_c.shape[0] + extra.size):
                return ("parts",)
            if extra.size:
                idx = np.concatenate([g_c, extra])
                order = np.argsort(idx, kind="stable")
                X_all = np.concatenate([X_c, self.rows_at(extra)])[order]
                return (
                    "local",
                    dask.delayed(idx[order], pure=True),
                    dask.delayed(X_all, pure=True),
                )
        return ("local", dask.delayed(g_c, pure=True), dask.delayed(X_c, pure=True))


def _smote(ctx):
    s = ctx.sampler
    s._validate_estimator()
    k = n_neighbors_of(s.nn_k_, "k_neighbors")
    for c, n_new in s.sampling_strategy_.items():
        if n_new:
            s._check_class_size(c, ctx.class_count(c), k, "k_neighbors")
    out = []
    for c, n_new in s.sampling_strategy_.items():
        if n_new == 0:
            continue
        if ctx.fits(ctx.class_count(c)):
            X_c, g_c = ctx.gather_class(c)
        else:
            X_c, g_c = None, ctx.class_index(c)
        nns = ctx.knn_class(c, g_c, X_c, s.nn_k_, "k_neighbors")
        rng = check_random_state(s.random_state)
        out.append(ctx.pair_plans(c, n_new, g_c[nns], g_c, rng, ctx.src_for(X_c, g_c)))
    return out


def _require_int(ctx, attr):
    v = getattr(ctx.sampler, attr)
    if hasattr(v, "kneighbors"):
        raise ValueError(
            f"{ctx.name}: with Dask collections {attr} must be an integer: the "
            "search among all rows is distributed with the package's exact "
            f"engine (got a {type(v).__name__})."
        )


def _borderline(ctx):
    s = ctx.sampler
    _require_int(ctx, "m_neighbors")
    if s.kind == "borderline-2":
        _require_int(ctx, "k_neighbors")
    s._validate_estimator()
    k = n_neighbors_of(s.nn_k_, "k_neighbors")
    m = n_neighbors_of(s.nn_m_, "m_neighbors")
    n = ctx.inp.n_samples
    if m > n - 1:
        raise ValueError(
            f"m_neighbors={m} needs at least {m + 1} samples in the dataset, "
            f"which has {n}."
        )
    for c, n_new in s.sampling_strategy_.items():
        if n_new:
            n_ref = ctx.class_count(c) if s.kind == "borderline-1" else n
            s._check_class_size(c, n_ref, k, "k_neighbors")
    s.in_danger_indices_ = {}
    out = []
    for c, n_new in s.sampling_strategy_.items():
        if n_new == 0:
            continue
        if ctx.fits(ctx.class_count(c)):
            X_c, g_c = ctx.gather_class(c)
        else:
            X_c, g_c = None, ctx.class_index(c)
        _, lab = ctx.knn_all_batched(g_c, m, X_c)
        n_other = np.sum(lab != c, axis=1)
        danger = (n_other >= m / 2) & (n_other < m)
        if not danger.any():
            continue
        d_idx = g_c[danger]
        s.in_danger_indices_[c] = d_idx
        rng = check_random_state(s.random_state)
        if s.kind == "borderline-1":
            nns = g_c[
                ctx.knn_class(
                    c, g_c, X_c, s.nn_k_, "k_neighbors", np.flatnonzero(danger)
                )
            ]
            out.append(ctx.pair_plans(c, n_new, nns, d_idx, rng, ctx.src_for(X_c, g_c)))
        else:
            X_d = X_c[danger] if X_c is not None else None
            nns, lab_k = ctx.knn_all_batched(d_idx, k, X_d)
            other = lab_k != c
            out.append(
                ctx.pair_plans(
                    c,
                    n_new,
                    nns,
                    d_idx,
                    rng,
                    ctx.src_for(X_c, g_c, extra_idx=np.unique(nns)),
                    other=other,
                )
            )
    return out


def _adasyn(ctx):
    import dask

    s = ctx.sampler
    _require_int(ctx, "n_neighbors")
    s._validate_estimator()
    k = n_neighbors_of(s.nn_, "n_neighbors")
    for c, n_new in s.sampling_strategy_.items():
        if n_new:
            s._check_class_size(c, ctx.class_count(c), k, "n_neighbors")
    rng = check_random_state(s.random_state)
    s.n_samples_per_seed_ = {}
    out = []
    for c, n_new in s.sampling_strategy_.items():
        if n_new == 0:
            continue
        if ctx.fits(ctx.class_count(c)):
            X_c, g_c = ctx.gather_class(c)
        else:
            X_c, g_c = None, ctx.class_index(c)
        _, lab = ctx.knn_all_batched(g_c, k, X_c)
        ratio_nn = np.sum(lab != c, axis=1) / k
        if not np.sum(ratio_nn):
            raise RuntimeError(
                f"ADASYN: no sample of class {_label(c)!r} has a neighbour "
                "of another class among its n_neighbors nearest neighbours, "
                "so the density ratios are all 0 (a division by zero). "
                "ADASYN is not suited to this dataset; use SMOTE instead."
            )
        ratio_nn /= np.sum(ratio_nn)
        n_gen = np.rint(ratio_nn * n_new).astype(np.int64)
        n_total = int(np.sum(n_gen))
        if not n_total:
            raise ValueError(
                f"ADASYN: no sample would be generated for class "
                f"{_label(c)!r} with the provided sampling_strategy "
                f"({n_new} requested, all per-sample shares round to 0)."
            )
        s.n_samples_per_seed_[c] = n_gen
        nns_c = ctx.knn_class(c, g_c, X_c, s.nn_, "n_neighbors")
        sizes = _chunks_of(n_total, ctx.chunk)
        rep = _Replay(rng, sizes)
        col_states = rep.states(lambda m: rng.randint(0, k, size=m))
        gap_states = rep.states(lambda m: rng.uniform(size=m))
        cum = np.cumsum(n_gen)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        nn_d = dask.delayed(g_c[nns_c], pure=True)
        g_d = dask.delayed(g_c, pure=True)
        cum_d = dask.delayed(cum, pure=True)
        plans = [
            dask.delayed(_adasyn_chunk, nout=3, pure=True)(
                nn_d, g_d, cum_d, int(st), a, b, m
            )
            for st, a, b, m in zip(starts, col_states, gap_states, sizes)
        ]
        out.append(ctx.emit(c, plans, sizes, ctx.src_for(X_c, g_c)))
    return out


def _assemble(ctx, outs):
    """The lazy output and provenance."""
    import dask.array as da

    inp = ctx.inp
    s = ctx.sampler
    n = inp.n_samples
    y_dtype = inp.ya.dtype
    xs, ys, ss, ps, gs = [], [], [], [], []
    for label, x_l, s_l, p_l, g_l in outs:
        xs += x_l
        ss += s_l
        ps += p_l
        gs += g_l
        ys += [
            da.full(a.shape[0], label, dtype=y_dtype, chunks=a.shape[0]) for a in s_l
        ]
    in_chunks = inp.ya.chunks[0]
    seed = da.concatenate([da.arange(n, chunks=(in_chunks,), dtype=np.int64), *ss])
    partner = da.concatenate([da.full(n, -1, dtype=np.int64, chunks=(in_chunks,)), *ps])
    gap = da.concatenate([da.zeros(n, chunks=(in_chunks,)), *gs])
    synthetic = da.concatenate(
        [
            da.zeros(n, dtype=bool, chunks=(in_chunks,)),
            *[da.ones(a.shape[0], dtype=bool, chunks=a.shape[0]) for a in ss],
        ]
    )
    prov = DaskProvenance(seed, partner, gap, synthetic, n_input=n)
    object.__setattr__(prov, "_input_chunks", in_chunks)
    s.provenance_ = prov
    if inp.kind == "array":
        X_res = da.concatenate([inp.Xa, *xs]) if xs else inp.Xa
        y_res = da.concatenate([inp.ya, *ys]) if ys else inp.ya
        return X_res, y_res
    import dask.dataframe as dd

    X_in = inp.X.map_partitions(
        functools.partial(_check_frame, name=ctx.name), meta=inp.X._meta
    )
    if not xs:
        return X_in, inp.y
    import dask
    import pandas as pd

    X_parts, y_parts = [], []
    start = n
    cols = list(inp.columns)
    meta_x = pd.DataFrame({c: np.zeros(0, ctx.dtype) for c in cols})
    meta_y = pd.Series(np.zeros(0, y_dtype), name=inp.y.name)
    for x_l, y_l in zip(xs, ys):
        m = x_l.shape[0]
        X_parts.append(dask.delayed(_frame)(x_l.to_delayed()[0, 0], start, cols))
        y_parts.append(dask.delayed(_series)(y_l.to_delayed()[0], start, inp.y.name))
        start += m
    X_syn = dd.from_delayed(X_parts, meta=meta_x, verify_meta=False)
    y_syn = dd.from_delayed(y_parts, meta=meta_y, verify_meta=False)
    return dd.concat([X_in, X_syn]), dd.concat([inp.y, y_syn])


def _frame(x, start, columns):
    import pandas as pd

    return pd.DataFrame(
        x, columns=columns, index=pd.RangeIndex(start, start + x.shape[0])
    )


def _series(y, start, name):
    import pandas as pd

    return pd.Series(y, name=name, index=pd.RangeIndex(start, start + y.shape[0]))


def fit_resample_dask(sampler, X, y):
    """``fit_resample`` of a SMOTE-family sampler on Dask collections."""
    from ._adasyn import ADASYN
    from ._borderline import BorderlineSMOTE
    from ._smote import SMOTE
    from ._smote_nc import SMOTEN, SMOTENC

    sampler._validate_params()
    name = type(sampler).__name__
    if isinstance(sampler, (SMOTENC, SMOTEN)):
        from ._dask_nominal import fit_resample_nominal_dask

        return fit_resample_nominal_dask(sampler, X, y)
    inp = ud.dask_X_y(
        name, X, y, check_block=functools.partial(_check_block, name=name)
    )
    if inp.Xa.dtype.kind not in "f":
        inp.Xa = inp.Xa.astype(np.float64)
    classes, counts_pb = ud.class_counts(inp.ya)
    ud.check_class_target(name, classes)
    sampler.sampling_strategy_ = ud.sampling_strategy_from_counts(
        sampler.sampling_strategy, classes, counts_pb.sum(axis=0), "over-sampling"
    )
    sampler.n_features_in_ = inp.n_features
    if inp.columns is not None and all(isinstance(c, str) for c in inp.columns):
        sampler.feature_names_in_ = np.asarray(list(inp.columns), dtype=object)
    ctx = _Ctx(sampler, inp, counts_pb, classes)
    if isinstance(sampler, BorderlineSMOTE):
        outs = _borderline(ctx)
    elif isinstance(sampler, ADASYN):
        outs = _adasyn(ctx)
    elif isinstance(sampler, SMOTE):
        outs = _smote(ctx)
    else:  # pragma: no cover - a new subclass without a Dask path
        raise NotImplementedError(f"{name} has no Dask path.")
    return _assemble(ctx, outs)
