"""The Dask path of :class:`RandomUnderSampler`: exact class quotas split
among the partitions, each partition drawing its share where it lies."""

import numpy as np
from sklearn.utils import check_random_state

from ..utils import _dask as ud

__all__ = ["fit_resample_dask", "split_quota"]


def split_quota(quota, counts, rng, *, replacement=False):
    """Split ``quota`` draws of a class among partitions holding ``counts``
    of its rows.

    Without replacement the split is multivariate hypergeometric (the
    number of rows of each partition in a uniform subset of ``quota`` rows
    of the class), drawn as a sequence of conditional hypergeometric draws;
    with replacement it is multinomial with probabilities proportional to
    ``counts``.  The parts sum to ``quota`` exactly.
    """
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if replacement:
        if quota == 0:
            return np.zeros_like(counts)
        return rng.multinomial(quota, counts / total).astype(np.int64)
    if quota > total:
        raise ValueError(f"Cannot draw {quota} rows without replacement from {total}.")
    out = np.zeros_like(counts)
    left_rows, left_quota = total, int(quota)
    for p, n_p in enumerate(counts.tolist()):
        if left_quota == 0:
            break
        rest = left_rows - n_p
        if n_p == 0:
            q = 0
        elif rest == 0:
            q = left_quota
        else:
            q = int(rng.hypergeometric(n_p, rest, left_quota))
        out[p] = q
        left_rows -= n_p
        left_quota -= q
    return out


def _partition_pick(yb, classes, quotas, seed, replacement):
    """Local row indices kept in one partition (class after class)."""
    yb = np.asarray(yb)
    rng = np.random.RandomState(seed)
    kept = []
    for c, q in zip(classes, quotas):
        rows = np.flatnonzero(yb == c)
        if q >= 0:
            rows = rows[rng.choice(rows.shape[0], size=q, replace=replacement)]
        kept.append(rows)
    return np.concatenate(kept).astype(np.int64) if kept else np.zeros(0, np.int64)


def _take(block, local):
    if hasattr(block, "iloc"):
        return block.iloc[local]
    return np.asarray(block)[local]


def _global(local, offset):
    return local + offset


def fit_resample_dask(sampler, X, y):
    """``fit_resample`` of :class:`RandomUnderSampler` on Dask collections."""
    import dask
    import dask.array as da

    sampler._validate_params()
    name = type(sampler).__name__
    inp = ud.dask_X_y(name, X, y, numeric=False)
    classes, counts_pb = ud.class_counts(inp.ya)
    ud.check_class_target(name, classes)
    strategy = ud.sampling_strategy_from_counts(
        sampler.sampling_strategy, classes, counts_pb.sum(axis=0), "under-sampling"
    )
    sampler.sampling_strategy_ = strategy
    sampler.n_features_in_ = int(inp.X.shape[1])
    if inp.columns is not None and all(isinstance(c, str) for c in inp.columns):
        sampler.feature_names_in_ = np.asarray(list(inp.columns), dtype=object)
    rng = check_random_state(sampler.random_state)
    n_parts = counts_pb.shape[0]
    # quota[p, j]: rows of class j kept in partition p (-1: all of them)
    quota = np.full(counts_pb.shape, -1, dtype=np.int64)
    for j, c in enumerate(classes.tolist()):
        if c in strategy:
            quota[:, j] = split_quota(
                strategy[c], counts_pb[:, j], rng, replacement=sampler.replacement
            )
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_parts)
    sizes = np.where(quota >= 0, quota, counts_pb).sum(axis=1)
    x_parts, y_parts = ud.row_parts(inp)
    picks = [
        dask.delayed(_partition_pick, pure=True)(
            yb, classes, quota[p], int(seeds[p]), sampler.replacement
        )
        for p, yb in enumerate(y_parts)
    ]
    idx = da.concatenate(
        [
            da.from_delayed(
                dask.delayed(_global)(pk, int(inp.offsets[p])),
                shape=(int(sizes[p]),),
                dtype=np.int64,
            )
            for p, pk in enumerate(picks)
        ]
    )
    y_res = da.concatenate(
        [
            da.from_delayed(
                dask.delayed(_take)(yb, pk), shape=(int(sizes[p]),), dtype=inp.ya.dtype
            )
            for p, (yb, pk) in enumerate(zip(y_parts, picks))
        ]
    )
    sampler.sample_indices_ = idx
    prov = ud.DaskProvenance(
        idx,
        da.full(idx.shape[0], -1, dtype=np.int64, chunks=idx.chunks),
        da.zeros(idx.shape[0], chunks=idx.chunks),
        da.zeros(idx.shape[0], dtype=bool, chunks=idx.chunks),
        n_input=inp.n_samples,
    )
    object.__setattr__(prov, "_input_chunks", inp.ya.chunks[0])
    object.__setattr__(
        prov, "_local_parts", [(pk, int(m)) for pk, m in zip(picks, sizes)]
    )
    sampler.provenance_ = prov
    if inp.kind == "array":
        d = inp.X.shape[1]
        X_res = da.concatenate(
            [
                da.from_delayed(
                    dask.delayed(_take)(xb, pk),
                    shape=(int(sizes[p]), d),
                    dtype=inp.Xa.dtype,
                )
                for p, (xb, pk) in enumerate(zip(x_parts, picks))
            ]
        )
        return X_res, y_res
    import dask.dataframe as dd

    X_res = dd.from_delayed(
        [dask.delayed(_take)(xb, pk) for xb, pk in zip(x_parts, picks)],
        meta=inp.X._meta,
        verify_meta=False,
    )
    if not hasattr(inp.y, "to_frame"):  # y given as a dask array
        return X_res, y_res
    y_res_s = dd.from_delayed(
        [dask.delayed(_take)(yb, pk) for yb, pk in zip(inp.y.to_delayed(), picks)],
        meta=inp.y._meta,
        verify_meta=False,
    )
    return X_res, y_res_s
