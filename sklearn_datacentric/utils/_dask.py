"""Shared machinery of the Dask paths: input checks, class counts computed
once on the cluster, sampling strategies from counts, gathering of small row
sets, and a lazy provenance record.

What is small (class counts, minority rows, neighbour lists, random-generator
states) is gathered to the client; what is big (the majority rows and the
output) stays partitioned and lazy.  dask is imported lazily: the package
does not need it unless a Dask collection is given.
"""

import numbers
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params

from ._optional import import_optional

__all__ = [
    "DaskProvenance",
    "dask_gather_budget",
    "get_dask_gather_budget",
    "is_dask_collection",
]

_DEFAULT_BUDGET = 256 * 2**20
_BUDGET = [None]


def get_dask_gather_budget():
    """Return the bytes of rows a Dask path may gather to the client.

    The budget applies to one class, or one batch of queries.  256 MiB unless set by :func:`dask_gather_budget` or the environment
    variable ``SKLEARN_DATACENTRIC_DASK_GATHER_BUDGET`` (bytes).

    Returns
    -------
    nbytes : int
        The budget in bytes.
    """
    if _BUDGET[0] is not None:
        return _BUDGET[0]
    env = os.environ.get("SKLEARN_DATACENTRIC_DASK_GATHER_BUDGET")
    return int(env) if env else _DEFAULT_BUDGET


@validate_params(
    {"nbytes": [Interval(numbers.Integral, 1, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
@contextmanager
def dask_gather_budget(nbytes):
    """Set the gather budget of the Dask paths within a ``with`` block.

    The budget is how many bytes of rows the Dask paths of the samplers may
    gather to the client.  A class to over-sample whose rows
    (``n_rows * n_features * 8`` bytes) fit the budget is gathered and searched in memory; a larger one has its
    neighbour search distributed
    (:func:`sklearn_datacentric.neighbors.kneighbors_dask`), its queries
    sent in batches that fit the budget.

    Parameters
    ----------
    nbytes : int
        The budget in bytes (at least 1).

    Yields
    ------
    None
        The budget holds inside the ``with`` block and is restored after.
    """
    old = _BUDGET[0]
    _BUDGET[0] = int(nbytes)
    try:
        yield
    finally:
        _BUDGET[0] = old


def is_dask_collection(obj):
    """True for a dask Array, DataFrame or Series (without importing dask)."""
    if "dask" not in sys.modules:
        return False
    import dask

    return dask.is_dask_collection(obj)


class DaskDispatchMixin:
    """``fit_resample`` of a sampler with a Dask path: Dask collections go to
    ``self._fit_resample_dask(X, y)``, anything else to the in-memory path."""

    def fit_resample(self, X, y, **params):
        """Resample the dataset (Dask collections go to the Dask path).

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix, dask Array or DataFrame} \
                of shape (n_samples, n_features)
        y : array-like, dask Array or Series of shape (n_samples,)
            Target values.
        **params : dict
            Passed to the in-memory ``fit_resample``.

        Returns
        -------
        X_resampled, y_resampled
            Of the kind given (lazy Dask collections for Dask input).
        """
        if is_dask_collection(X) or is_dask_collection(y):
            return self._fit_resample_dask(X, y)
        return super().fit_resample(X, y, **params)


def _dask():
    return import_optional("dask", extra="dask", purpose="for Dask collections")


def _kind(obj):
    import dask.array as da

    if isinstance(obj, da.Array):
        return "array"
    if not type(obj).__module__.startswith("dask.dataframe"):
        return None
    import dask.dataframe as dd

    if isinstance(obj, dd.DataFrame):
        return "frame"
    if isinstance(obj, dd.Series):
        return "series"
    return None


def check_same_kind(X, y, name):
    """X and y must both be Dask collections (an error otherwise)."""
    x_dask, y_dask = is_dask_collection(X), is_dask_collection(y)
    if x_dask != y_dask:
        raise TypeError(
            f"{name}: X and y must both be Dask collections or both be in "
            f"memory; got X of type {type(X).__module__}.{type(X).__name__} and "
            f"y of type {type(y).__module__}.{type(y).__name__}. Convert the "
            "in-memory one with dask.array.from_array or "
            "dask.dataframe.from_pandas."
        )
    kx, ky = _kind(X), _kind(y)
    if kx not in ("array", "frame"):
        raise TypeError(
            f"{name}: X must be a dask.array.Array or a dask.dataframe.DataFrame, "
            f"got {type(X).__name__}."
        )
    if ky not in ("array", "series"):
        raise TypeError(
            f"{name}: y must be a 1-D dask.array.Array or a dask.dataframe.Series, "
            f"got {type(y).__name__}."
        )
    return kx, ky


@dataclass
class DaskInput:
    """A checked pair of Dask collections with known row partitions."""

    X: object  # the input collection as given (checked lazily)
    y: object
    Xa: object  # dask array, row chunks equal to ya's, one column chunk
    ya: object  # 1-D dask array with known chunks
    kind: str  # "array" or "frame"
    columns: object  # DataFrame columns (None for arrays)
    offsets: np.ndarray  # first global row of each partition (+ total)

    @property
    def n_samples(self):
        return int(self.offsets[-1])

    @property
    def n_features(self):
        return int(self.Xa.shape[1])


def dask_X_y(name, X, y, *, check_block=None, numeric=True):
    """Check a (X, y) pair of Dask collections and align their partitions.

    Unknown chunk sizes (a filtered array, a DataFrame) are computed once,
    in a single pass over X and y together.  ``check_block(block)`` (e.g.
    scikit-learn's finite check naming the sampler) is attached lazily to
    every partition of X: it raises at compute time, in the worker.
    """
    _dask()
    import dask
    import dask.array as da

    kx, ky = check_same_kind(X, y, name)
    if ky == "array" and y.ndim != 1:
        raise ValueError(f"{name}: y must be 1-D, got a dask array of shape {y.shape}.")
    if kx == "array" and X.ndim != 2:
        raise ValueError(
            f"{name}: Expected a 2-D X, got a dask array with {X.ndim} dimensions."
        )
    columns = X.columns if kx == "frame" else None
    # lengths of the partitions, computed once when unknown
    todo = {}
    if kx == "frame":
        todo["X"] = X.map_partitions(len)
    elif any(np.isnan(c) for c in X.chunks[0]):
        todo["X"] = X.map_blocks(
            lambda b: np.array([b.shape[0]]),
            chunks=((1,) * X.numblocks[0],),
            drop_axis=1,
            dtype=np.int64,
        )
    if ky == "series":
        todo["y"] = y.map_partitions(len)
    elif any(np.isnan(c) for c in y.chunks[0]):
        todo["y"] = y.map_blocks(
            lambda b: np.array([b.shape[0]]),
            chunks=((1,) * y.numblocks[0],),
            dtype=np.int64,
        )
    lengths = dict(zip(todo, dask.compute(*todo.values()))) if todo else {}
    if kx == "frame":
        x_chunks = tuple(int(v) for v in np.asarray(lengths["X"]).ravel())
        if numeric:
            Xa = X.to_dask_array(lengths=list(x_chunks))
        else:
            Xa = X
    else:
        x_chunks = (
            tuple(int(v) for v in np.asarray(lengths["X"]).ravel())
            if "X" in lengths
            else tuple(int(c) for c in X.chunks[0])
        )
        Xa = X
        if "X" in lengths:
            Xa = X.copy()
            Xa._chunks = (x_chunks, X.chunks[1])
    if ky == "series":
        y_chunks = tuple(int(v) for v in np.asarray(lengths["y"]).ravel())
        ya = y.to_dask_array(lengths=list(y_chunks))
    else:
        y_chunks = (
            tuple(int(v) for v in np.asarray(lengths["y"]).ravel())
            if "y" in lengths
            else tuple(int(c) for c in y.chunks[0])
        )
        ya = y
        if "y" in lengths:
            ya = y.copy()
            ya._chunks = (y_chunks,)
    if sum(x_chunks) != sum(y_chunks):
        raise ValueError(
            f"{name}: Found input variables with inconsistent numbers of samples: "
            f"[{sum(x_chunks)}, {sum(y_chunks)}]."
        )
    if sum(y_chunks) == 0:
        raise ValueError(
            f"{name}: Found array with 0 sample(s); a minimum of 1 is required."
        )
    if kx == "frame" and not numeric:
        if x_chunks != y_chunks:
            raise ValueError(
                f"{name}: the partitions of the DataFrame X and of y must hold "
                "the same rows (repartition them alike)."
            )
    else:
        if x_chunks != y_chunks or Xa.numblocks[1] != 1:
            Xa = Xa.rechunk((y_chunks, Xa.shape[1]))
        if check_block is not None:
            Xa = Xa.map_blocks(check_block, dtype=Xa.dtype)
    offsets = np.concatenate([[0], np.cumsum(y_chunks)]).astype(np.int64)
    _ = da  # noqa: F841
    return DaskInput(X, y, Xa, ya, kx, columns, offsets)


def _block_counts(yb):
    classes, counts = np.unique(np.asarray(yb), return_counts=True)
    return [(classes, counts)]


def class_counts(ya):
    """Classes (sorted) and counts per partition, one pass on the cluster.

    Returns
    -------
    classes : ndarray
    counts : ndarray of shape (n_partitions, n_classes), int64
    """
    import dask

    parts = [dask.delayed(_block_counts)(b) for b in ya.to_delayed().ravel()]
    res = [r[0] for r in dask.compute(*parts)]
    classes = np.unique(np.concatenate([c for c, _ in res]))
    counts = np.zeros((len(res), classes.shape[0]), dtype=np.int64)
    for p, (c, n) in enumerate(res):
        counts[p, np.searchsorted(classes, c)] = n
    return classes, counts


def check_class_target(name, classes):
    """The in-memory checks of a classification target, on its classes."""
    from sklearn.utils.multiclass import type_of_target

    kind = type_of_target(classes)
    if classes.shape[0] == 1:
        kind = "binary"
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"Unknown label type: {name} needs a binary or multiclass target, "
            f"got a target of type {kind!r}."
        )
    if classes.shape[0] <= 1:
        raise ValueError(
            "The target 'y' needs to have more than 1 class. Got "
            f"{classes.shape[0]} class instead"
        )


def sampling_strategy_from_counts(sampling_strategy, classes, counts, sampling_type):
    """imbalanced-learn's ``check_sampling_strategy`` from class counts.

    ``counts`` has one entry per class in ``classes``.  Same semantics as
    imbalanced-learn for strings, dicts and floats (a callable needs y and
    is refused here).
    """
    from collections import OrderedDict

    counts = np.asarray(counts, dtype=np.int64)
    stats = dict(zip(classes.tolist(), counts.tolist()))
    keys = [c.item() if isinstance(c, np.generic) else c for c in classes]
    n_max, n_min = counts.max(), counts.min()
    majority = keys[int(np.argmax(counts))]
    minority = keys[int(np.argmin(counts))]
    if callable(sampling_strategy):
        raise ValueError(
            "A callable sampling_strategy needs y in memory; with Dask "
            "collections pass a dict {class: n_samples} (or a string or float)."
        )
    if isinstance(sampling_strategy, str):
        s = sampling_strategy
        if s == "majority" and sampling_type == "over-sampling":
            raise ValueError(
                "'sampling_strategy'='majority' cannot be used with over-sampler."
            )
        if s == "minority" and sampling_type == "under-sampling":
            raise ValueError(
                "'sampling_strategy'='minority' cannot be used with under-sampler."
            )
        if s == "auto":
            s = "not majority" if sampling_type == "over-sampling" else "not minority"
        if s == "all":
            chosen = keys
        elif s == "majority":
            chosen = [majority]
        elif s == "minority":
            chosen = [minority]
        elif s == "not majority":
            chosen = [c for c in keys if c != majority]
        elif s == "not minority":
            chosen = [c for c in keys if c != minority]
        else:
            raise ValueError(f"Unknown sampling_strategy {s!r}.")
        if sampling_type == "over-sampling":
            out = {c: int(n_max - stats[c]) for c in chosen}
        else:
            out = {c: int(n_min) for c in chosen}
    elif isinstance(sampling_strategy, dict):
        out = {}
        for c, n in sampling_strategy.items():
            if c not in stats:
                raise ValueError(
                    f"The {c} target class is/are not present in the data."
                )
            if n < 0:
                raise ValueError(
                    "The number of samples in a class cannot be negative."
                    f"'sampling_strategy' contains some negative value: {n}"
                )
            if sampling_type == "over-sampling":
                if n < stats[c]:
                    raise ValueError(
                        f"With over-sampling methods, the number of samples in a "
                        f"class should be greater or equal to the original number "
                        f"of samples. Originally, there is {stats[c]} samples and "
                        f"{n} samples are asked."
                    )
                out[c] = int(n - stats[c])
            else:
                if n > stats[c]:
                    raise ValueError(
                        f"With under-sampling methods, the number of samples in a "
                        f"class should be less or equal to the original number of "
                        f"samples. Originally, there is {stats[c]} samples and "
                        f"{n} samples are asked."
                    )
                out[c] = int(n)
    elif isinstance(sampling_strategy, numbers.Real):
        if classes.shape[0] != 2:
            raise ValueError(
                '"sampling_strategy" can be a float only when the type of target '
                "is binary. For multi-class, use a dict."
            )
        if not 0 < sampling_strategy <= 1:
            raise ValueError(
                "When 'sampling_strategy' is a float, it should be in the range "
                f"(0, 1]. Got {sampling_strategy} instead."
            )
        if sampling_type == "over-sampling":
            out = {
                c: int(n_max * sampling_strategy - stats[c])
                for c in keys
                if c != majority
            }
            if any(v < 0 for v in out.values()):
                raise ValueError(
                    "The specified ratio required to remove samples from the "
                    "minority class while trying to generate new samples. Please "
                    "increase the ratio."
                )
        else:
            out = {c: int(n_min / sampling_strategy) for c in keys if c != minority}
            if any(v > stats[c] for c, v in out.items()):
                raise ValueError(
                    "The specified ratio required to generate new sample in the "
                    "majority class while trying to remove samples. Please "
                    "increase the ratio."
                )
    else:
        raise ValueError(f"Unsupported sampling_strategy {sampling_strategy!r}.")
    return OrderedDict(sorted(out.items()))


def _select_rows(Xb, yb, offset, classes, gidx=None):
    """Rows of a partition whose label is in ``classes`` (or whose global
    index is in ``gidx``), with their global indices."""
    yb = np.asarray(yb)
    if gidx is not None:
        lo = np.searchsorted(gidx, offset)
        hi = np.searchsorted(gidx, offset + yb.shape[0])
        local = gidx[lo:hi] - offset
    else:
        local = np.flatnonzero(np.isin(yb, classes))
    if hasattr(Xb, "iloc"):
        Xs = Xb.iloc[local]
    else:
        Xs = np.asarray(Xb)[local]
    return Xs, yb[local], local.astype(np.int64) + offset


def gather_rows(X_parts, y_parts, offsets, *, classes=None, gidx=None):
    """Gather the rows of some classes (or of sorted global indices) from the
    partitions, in global row order: ``(X_rows, y_rows, global_index)``."""
    import dask

    tasks = [
        dask.delayed(_select_rows, nout=3)(xb, yb, int(offsets[p]), classes, gidx)
        for p, (xb, yb) in enumerate(zip(X_parts, y_parts))
    ]
    parts = dask.compute(*tasks)
    Xs = [p[0] for p in parts]
    if hasattr(Xs[0], "iloc"):
        import pandas as pd

        X_rows = pd.concat(Xs)
    else:
        X_rows = np.concatenate(Xs)
    return (
        X_rows,
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def row_parts(inp):
    """Delayed partitions of X and y (rows aligned)."""
    d = inp.Xa.to_delayed()
    X_parts = list(d.ravel()) if isinstance(d, np.ndarray) else list(d)
    return X_parts, list(inp.ya.to_delayed().ravel())


# ------------------------------------------------------------ provenance


def _take_1d(vb, offset, needed):
    vb = np.asarray(vb)
    lo = np.searchsorted(needed, offset)
    hi = np.searchsorted(needed, offset + vb.shape[0])
    return vb[needed[lo:hi] - offset]


def _take_rows(xb, offset, needed):
    xb = np.asarray(xb)
    lo = np.searchsorted(needed, offset)
    hi = np.searchsorted(needed, offset + xb.shape[0])
    return xb[needed[lo:hi] - offset]


def _take_local(vb, local):
    return np.asarray(vb)[local]


def _needed(seeds, partners):
    return np.union1d(seeds, partners[partners >= 0])


def _propagate_chunk(seed, partner, gap, needed, how, *vals):
    v = np.concatenate(vals)
    out = v[np.searchsorted(needed, seed)]
    if how == "interpolate":
        out = out.astype(np.float64)
        has = partner >= 0
        vp = v[np.searchsorted(needed, partner[has])]
        g = gap[has]
        out[has] = (1 - g) * out[has] + g * vp
    return out


def _provenance_base():
    from ..base import Provenance

    return Provenance


class DaskProvenance(_provenance_base()):
    """Provenance of a Dask resampling, with lazy columns.

    As :class:`~sklearn_datacentric.base.Provenance`, but ``seed``,
    ``partner``, ``gap`` and ``synthetic`` are dask arrays (global row
    indices of the input), and :meth:`propagate` is lazy.

    Parameters
    ----------
    seed : dask.array.Array of shape (n_output,)
        Seed row of each output row (``-1`` when none).
    partner : dask.array.Array of shape (n_output,)
        Second parent of each synthetic row (``-1`` when none).
    gap : dask.array.Array of shape (n_output,)
        Position of each synthetic row on its segment.
    synthetic : dask.array.Array of shape (n_output,)
        True for generated rows.
    n_input : int
        Number of rows given to ``fit_resample``.
    """

    def __init__(self, seed, partner, gap, synthetic, *, n_input):
        object.__setattr__(self, "seed", seed)
        object.__setattr__(self, "partner", partner)
        object.__setattr__(self, "gap", gap)
        object.__setattr__(self, "synthetic", synthetic)
        object.__setattr__(self, "n_input", int(n_input))

    @property
    def n_output(self):
        """Number of output rows."""
        return int(self.seed.shape[0])

    def propagate(self, values, *, how="seed"):
        """Carry per-row values of the input to the output rows, lazily.

        Parameters
        ----------
        values : dask array, dask Series or ndarray of shape (n_input,)
            One value per row given to ``fit_resample``.
        how : {"seed", "interpolate"}, default="seed"
            See :meth:`Provenance.propagate`.

        Returns
        -------
        out : dask.array.Array of shape (n_output,)
            One value per output row (lazy).
        """
        import dask
        import dask.array as da

        if how not in ("seed", "interpolate"):
            raise ValueError(f"how must be 'seed' or 'interpolate', got {how!r}.")
        if hasattr(values, "to_dask_array"):
            values = values.to_dask_array(lengths=True)
        if not isinstance(values, da.Array):
            values = np.asarray(values)
        if values.ndim != 1 or values.shape[0] != self.n_input:
            raise ValueError(
                "values must be 1-D with one entry per row given to fit_resample "
                f"({self.n_input}), got shape {values.shape}."
            )
        if not isinstance(values, da.Array):
            values = da.from_array(values, chunks=self._input_chunks)
        n = self.n_input
        head = values if how == "seed" else values.astype(np.float64)
        head = head.rechunk((self._input_chunks,))
        if getattr(self, "_local_parts", None) is not None:
            # rows kept (or copied) partition by partition: no synthetic rows
            return da.concatenate(
                [
                    da.from_delayed(
                        dask.delayed(_take_local)(vb, loc), shape=(m,), dtype=head.dtype
                    )
                    for vb, (loc, m) in zip(
                        head.to_delayed().ravel(), self._local_parts
                    )
                ]
            )
        offsets = np.concatenate([[0], np.cumsum(self._input_chunks)])
        v_parts = list(head.to_delayed().ravel())
        seed_syn = self.seed[n:]
        parts = []
        for s, p, g, m in zip(
            seed_syn.to_delayed().ravel(),
            self.partner[n:].to_delayed().ravel(),
            self.gap[n:].to_delayed().ravel(),
            seed_syn.chunks[0],
        ):
            need = dask.delayed(_needed)(s, p)
            vals = [
                dask.delayed(_take_1d)(vb, int(offsets[q]), need)
                for q, vb in enumerate(v_parts)
            ]
            dtype = np.float64 if how == "interpolate" else head.dtype
            parts.append(
                da.from_delayed(
                    dask.delayed(_propagate_chunk)(s, p, g, need, how, *vals),
                    shape=(m,),
                    dtype=dtype,
                )
            )
        return da.concatenate([head, *parts]) if parts else head


# ------------------------------------------------------- worker warm-up


def _warm_kernels():
    """Run the numba kernels of the Dask paths once on tiny data, so that
    they are compiled (or loaded from the cache) before the first real task.

    Returns the seconds it took and the numba cache directory in use.
    """
    import time

    t0 = time.perf_counter()
    import numba

    from ..neighbors import NearestNeighbors
    from ..neighbors._base import l1_kneighbors_self, mixed_kneighbors_self
    from ..over_sampling._smote import _kernels

    rng = np.random.RandomState(0)
    for n in (40, 1100):  # the brute force, then the KD-tree
        X = rng.randn(n, 3)
        nn = NearestNeighbors(n_neighbors=3, n_jobs=1).fit(X)
        nn.kneighbors(X[:5])
        nn._kneighbors_fitted(np.arange(5), 2)
    X = rng.randn(30, 3)
    _kernels.interpolate(X, np.arange(4), np.arange(1, 5), rng.rand(4))
    codes = rng.randint(0, 3, (30, 2)).astype(np.int64)
    _kernels.nominal_mode(codes, np.arange(12).reshape(4, 3))
    _kernels.nominal_mode(codes, np.arange(12).reshape(4, 3), tie_u=rng.rand(4, 2))
    mixed_kneighbors_self(X, codes, 1.0, 3, n_jobs=1)
    l1_kneighbors_self(X, 3, n_jobs=1)
    return time.perf_counter() - t0, numba.config.CACHE_DIR or "(next to the code)"


def _worker_plugin_class():
    from distributed.diagnostics.plugin import WorkerPlugin

    class DaskWarmup(WorkerPlugin):
        """Compile (or load from the cache) the package's numba kernels when a
        worker starts, before it receives tasks."""

        name = "sklearn-datacentric-warmup"

        def setup(self, worker):
            import numba

            numba.set_num_threads(max(1, int(worker.state.nthreads)))
            self.seconds, self.cache_dir = _warm_kernels()

    return DaskWarmup


def dask_warmup(client):
    """Warm up the numba kernels on every worker of a Dask cluster.

    The warm-up runs now and on the workers that join later.  A fresh worker process otherwise compiles the kernels it needs during
    its first tasks.  This registers a ``distributed`` worker plugin that
    runs each kernel of the Dask paths once on tiny data when a worker
    starts (and on the workers already running).  With the numba cache
    warm this loads machine code from disk (about a second); with a cold
    cache it compiles once and writes the cache.  Point every worker at one
    shared, writable cache with the environment variable
    ``NUMBA_CACHE_DIR`` (set before the workers start, e.g.
    ``LocalCluster(env={"NUMBA_CACHE_DIR": path})`` or the
    ``distributed.nanny.pre-spawn-environ`` setting) so that a kernel is
    compiled once per cluster, not once per worker; see
    ``benchmarks/results/dask.md`` for the measured times.

    Parameters
    ----------
    client : distributed.Client
        Client of the cluster whose workers get the plugin.

    Returns
    -------
    times : dict
        Worker address -> (seconds the warm-up took on that worker, numba
        cache directory).
    """
    plugin = _worker_plugin_class()()
    client.register_plugin(plugin)
    return client.run(_plugin_times)


def _plugin_times(dask_worker):
    p = dask_worker.plugins["sklearn-datacentric-warmup"]
    return p.seconds, p.cache_dir
