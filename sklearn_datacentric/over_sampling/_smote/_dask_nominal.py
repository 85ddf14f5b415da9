"""The Dask path of SMOTE-NC and SMOTE-N.

The classes to over-sample are gathered to the client (they must fit the
gather budget of :func:`sklearn_datacentric.utils.dask_gather_budget`) and
over-sampled there by the in-memory code, with the same draws.  What these
methods need from the whole table is computed on the cluster, partition by
partition: the class counts, and for SMOTE-N the categories of each feature
and the value-by-class counts of its value difference metric.  The synthetic
rows (at most the budget's worth of minority rows times the ratio asked) are
made on the client and appended as new partitions.
"""

import functools

import numpy as np
from sklearn.base import clone
from sklearn.preprocessing import OrdinalEncoder
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array

from ...neighbors import NearestNeighbors
from ...neighbors._base import l1_kneighbors_self
from ...utils import _dask as ud
from . import _kernels
from ._base import kneighbors_self, n_neighbors_of

__all__ = ["fit_resample_nominal_dask"]


def _check_cont(block, *, name, cols):
    """The in-memory finite check, on the continuous columns of a partition."""
    if hasattr(block, "iloc"):
        sub = block.iloc[:, cols].to_numpy()
    else:
        sub = np.asarray(block)[:, cols]
    check_array(
        sub,
        dtype=[np.float64, np.float32],
        estimator=name,
        input_name="X (continuous features)",
    )
    return block


def _uniques(xb):
    xb = xb.to_numpy() if hasattr(xb, "iloc") else np.asarray(xb)
    return [np.unique(xb[:, j]) for j in range(xb.shape[1])]


def _value_class_counts(xb, yb, encoder, classes):
    codes = np.asarray(encoder.transform(xb), dtype=np.int64)
    y_enc = np.searchsorted(classes, np.asarray(yb))
    out = []
    for f, cats in enumerate(encoder.categories_):
        c = np.zeros((len(cats), classes.shape[0]))
        np.add.at(c, (codes[:, f], y_enc), 1.0)
        out.append(c)
    return out


def _sum_counts(*parts):
    return [sum(p[f] for p in parts) for f in range(len(parts[0]))]


def _to_dask_rows(rows, start, chunk, like_frame, y_name, y_new):
    """New rows as Dask partitions (frame or array), index from ``start``."""
    import dask.array as da

    if like_frame:
        import dask.dataframe as dd
        import pandas as pd

        n_new = rows.shape[0]
        nparts = max(1, -(-n_new // chunk))
        rows = rows.set_axis(pd.RangeIndex(start, start + n_new))
        ys = pd.Series(y_new, name=y_name, index=rows.index)
        return (
            dd.from_pandas(rows, npartitions=nparts, sort=False),
            dd.from_pandas(ys, npartitions=nparts, sort=False),
        )
    return (
        da.from_array(np.asarray(rows), chunks=(chunk, rows.shape[1])),
        da.from_array(y_new, chunks=chunk),
    )


def fit_resample_nominal_dask(sampler, X, y):
    """``fit_resample`` of SMOTENC / SMOTEN on Dask collections."""
    import dask
    import dask.array as da

    from ._smote_nc import SMOTENC

    name = type(sampler).__name__
    inp = ud.dask_X_y(name, X, y, numeric=False)
    classes, counts_pb = ud.class_counts(inp.ya)
    ud.check_class_target(name, classes)
    counts = counts_pb.sum(axis=0)
    sampler.sampling_strategy_ = ud.sampling_strategy_from_counts(
        sampler.sampling_strategy, classes, counts, "over-sampling"
    )
    sampler.n_features_in_ = int(inp.X.shape[1])
    if inp.columns is not None and all(isinstance(c, str) for c in inp.columns):
        sampler.feature_names_in_ = np.asarray(list(inp.columns), dtype=object)
    to_sample = np.array([c for c, m in sampler.sampling_strategy_.items() if m])
    n_gather = int(counts[np.isin(classes, to_sample)].sum())
    budget = ud.get_dask_gather_budget()
    if n_gather * sampler.n_features_in_ * 8 > budget:
        raise ValueError(
            f"{name}: the classes to over-sample have {n_gather} rows, above the "
            f"Dask gather budget ({budget} bytes); {name} over-samples them on "
            "the client. Raise the budget with "
            "sklearn_datacentric.utils.dask_gather_budget."
        )
    x_parts, y_parts = ud.row_parts(inp)
    X_min, y_min, g_min = ud.gather_rows(
        x_parts, y_parts, inp.offsets, classes=to_sample
    )
    n = inp.n_samples
    chunk = int(max(1, max(inp.ya.chunks[0])))
    frame = inp.kind == "frame"
    if isinstance(sampler, SMOTENC):
        meta = (
            inp.X._meta if frame else np.empty((0, inp.X.shape[1]), dtype=inp.X.dtype)
        )
        sampler._validate_column_types(meta)
        X_in = _checked(
            inp,
            functools.partial(
                _check_cont, name=name, cols=sampler.continuous_features_
            ),
        )
        if len(to_sample):
            X_out, _ = sampler._fit_resample(X_min, y_min)
            prov = sampler.provenance_
            n_min = len(y_min)
            new = X_out.iloc[n_min:] if frame else X_out[n_min:]
            seeds = g_min[prov.seed[n_min:]]
            partners = g_min[prov.partner[n_min:]]
            gaps = prov.gap[n_min:]
        else:
            new, seeds, partners, gaps = None, np.zeros(0, np.int64), None, None
    else:
        X_in = inp.X
        new, seeds = _smoten(
            sampler, inp, x_parts, y_parts, classes, X_min, y_min, g_min
        )
        partners = gaps = None
    n_new = seeds.shape[0]
    y_new = (
        np.concatenate(
            [
                np.full(m, c, dtype=inp.ya.dtype)
                for c, m in sampler.sampling_strategy_.items()
                if m
            ]
        )
        if n_new
        else np.zeros(0, inp.ya.dtype)
    )
    if partners is None:
        partners = np.full(n_new, -1, np.int64)
        gaps = np.zeros(n_new)
    in_chunks = inp.ya.chunks[0]
    new_chunks = chunk if n_new else 1

    def cat(head, tail):
        return da.concatenate([head, da.from_array(tail, chunks=new_chunks)])

    prov = ud.DaskProvenance(
        cat(da.arange(n, chunks=(in_chunks,), dtype=np.int64), seeds),
        cat(da.full(n, -1, dtype=np.int64, chunks=(in_chunks,)), partners),
        cat(da.zeros(n, chunks=(in_chunks,)), gaps),
        cat(da.zeros(n, dtype=bool, chunks=(in_chunks,)), np.ones(n_new, bool)),
        n_input=n,
    )
    object.__setattr__(prov, "_input_chunks", in_chunks)
    sampler.provenance_ = prov
    if not n_new:
        return X_in, inp.y
    X_new, y_new_d = _to_dask_rows(
        new, n, chunk, frame, getattr(inp.y, "name", None), y_new
    )
    if frame:
        import dask.dataframe as dd

        y_head = inp.y if hasattr(inp.y, "to_frame") else inp.ya
        y_tail = (
            y_new_d
            if hasattr(inp.y, "to_frame")
            else da.from_array(y_new, chunks=chunk)
        )
        concat_y = dd.concat if hasattr(inp.y, "to_frame") else da.concatenate
        return dd.concat([X_in, X_new]), concat_y([y_head, y_tail])
    _ = dask
    return da.concatenate([X_in, X_new]), da.concatenate([inp.ya, y_new_d])


def _checked(inp, fn):
    if inp.kind == "frame":
        return inp.X.map_partitions(fn, meta=inp.X._meta)
    return inp.Xa.map_blocks(fn, dtype=inp.Xa.dtype)


def _smoten(sampler, inp, x_parts, y_parts, classes, X_min, y_min, g_min):
    """SMOTE-N on the gathered classes, with the value difference metric of
    the whole table (its value-by-class counts computed on the cluster)."""
    import dask

    if sampler.categorical_encoder is not None:
        raise ValueError(
            "SMOTEN: with Dask collections the categories are computed on the "
            "cluster with an OrdinalEncoder; categorical_encoder must be None."
        )
    sampler._validate_estimator()
    k = n_neighbors_of(sampler.nn_k_, "k_neighbors")
    for c, m in sampler.sampling_strategy_.items():
        if m:
            sampler._check_class_size(c, int(np.sum(y_min == c)), k, "k_neighbors")
    parts_u = dask.compute(*[dask.delayed(_uniques)(xb) for xb in x_parts])
    cats = [
        np.unique(np.concatenate([p[j] for p in parts_u]))
        for j in range(len(parts_u[0]))
    ]
    X_min_a = X_min.to_numpy() if hasattr(X_min, "iloc") else np.asarray(X_min)
    enc = OrdinalEncoder(categories=cats, dtype=np.int64).fit(X_min_a)
    sampler.categorical_encoder_ = enc
    enc_d = dask.delayed(enc, pure=True)
    tables = dask.compute(
        dask.delayed(_sum_counts)(
            *[
                dask.delayed(_value_class_counts)(xb, yb, enc_d, classes)
                for xb, yb in zip(x_parts, y_parts)
            ]
        )
    )[0]
    codes = np.asarray(enc.transform(X_min_a), dtype=np.int64)
    n_cls = classes.shape[0]
    E = np.empty((codes.shape[0], codes.shape[1] * n_cls))
    for f, cnt in enumerate(tables):
        prob = cnt / np.maximum(cnt.sum(axis=1, keepdims=True), 1.0)
        E[:, f * n_cls : (f + 1) * n_cls] = prob[codes[:, f]]
    own = isinstance(sampler.nn_k_, NearestNeighbors) and not hasattr(
        sampler.k_neighbors, "kneighbors"
    )
    seeds_all, blocks = [], []
    for c, m in sampler.sampling_strategy_.items():
        if m == 0:
            continue
        idx = np.flatnonzero(y_min == c)
        if own:
            nns = l1_kneighbors_self(E[idx], k, n_jobs=sampler.n_jobs)[1]
        else:
            nns = kneighbors_self(clone(sampler.nn_k_), E[idx])
        neigh = np.column_stack([np.arange(idx.shape[0]), nns])
        rng = check_random_state(sampler.random_state)
        seeds = rng.choice(np.arange(idx.shape[0]), size=m, replace=True)
        new_codes = _kernels.nominal_mode(codes, idx[neigh[seeds]])
        blocks.append(np.asarray(enc.inverse_transform(new_codes), dtype=X_min_a.dtype))
        seeds_all.append(g_min[idx[seeds]])
    if not blocks:
        return None, np.zeros(0, np.int64)
    new = np.vstack(blocks)
    if hasattr(X_min, "iloc"):
        import pandas as pd

        new = pd.DataFrame(new, columns=X_min.columns).astype(X_min.dtypes)
    return new, np.concatenate(seeds_all)
