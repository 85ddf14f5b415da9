"""joblib tasks that do not oversubscribe the cores.

The parallel parts of the package (cross-validation folds, parameter grids)
run through joblib, so that ``joblib.parallel_config(backend="dask")``
spreads them over a Dask cluster.  Inside such a task numba and BLAS are
limited to one thread: the parallelism is over the tasks, and a worker that
runs one task per core must not start one thread per core in each.
"""

import functools
from contextlib import contextmanager

from joblib import effective_n_jobs
from threadpoolctl import threadpool_limits

__all__ = ["one_numba_thread", "one_thread_task", "task_for"]


@contextmanager
def one_numba_thread():
    """numba's parallel kernels use one thread in this block (numba's thread
    count is per calling thread, so other tasks are not affected)."""
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(old)


def one_thread_task(fn):
    """Wrap ``fn`` so that numba and BLAS / OpenMP use one thread inside it."""

    @functools.wraps(fn)
    def task(*args, **kwargs):
        with one_numba_thread(), threadpool_limits(limits=1):
            return fn(*args, **kwargs)

    return task


def task_for(fn, n_jobs):
    """``fn`` itself when the tasks run one at a time (its inner threads are
    then free), else :func:`one_thread_task` of it.  Under a joblib backend
    context (e.g. Dask) ``n_jobs=None`` counts as parallel."""
    return fn if effective_n_jobs(n_jobs) == 1 else one_thread_task(fn)
