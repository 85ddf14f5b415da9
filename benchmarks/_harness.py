"""Shared measuring harness for the side-by-side benchmarks.

Each measurement runs in a fresh forked child process, so that peak resident
memory (``ru_maxrss``) belongs to that one call, and reports wall time and the
peak memory above the child's starting point.  Speed claims are ratios of two
measurements taken in the same run, on the same data.
"""

import ctypes
import ctypes.util
import os
import resource
import time
import traceback
from multiprocessing import get_context

__all__ = ["measure", "markdown_table", "write_results", "machine_line"]


def _release_free_heap():
    """Return the allocator's free heap pages to the system (glibc only).

    Memory the parent freed before the fork stays resident in the child's
    heap; an allocation of the measured call reusing it would not raise the
    resident set, and its peak would be understated.
    """
    name = ctypes.util.find_library("c")
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # not glibc
        pass


def _rss_mib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _child(conn, fn, args, kwargs, warmup):
    try:
        if warmup is not None:
            warmup()
        _release_free_heap()
        base = _rss_mib()
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        summary = out if isinstance(out, (int, float, str, dict, tuple)) else None
        conn.send(("ok", wall, max(peak - base, 0.0), summary))
    except Exception:  # pragma: no cover - reported to the parent
        conn.send(("error", traceback.format_exc(), None, None))
    finally:
        conn.close()


def measure(fn, *args, warmup=None, timeout=3600, **kwargs):
    """Run ``fn(*args, **kwargs)`` in a forked child; return a dict.

    Parameters
    ----------
    fn : callable
        The work to time.  Its return value comes back only if it is a small
        plain value (number, string, dict or tuple); return a summary, not
        the resampled arrays.
    warmup : callable, default=None
        Run in the child before timing (e.g. to compile numba kernels on a
        tiny input so that compilation is not timed).

    Returns
    -------
    dict with ``seconds``, ``peak_mib`` (peak resident memory of the child
    above its resident memory before the call; the data are shared with the
    parent and not counted) and ``result``.
    """
    ctx = get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs, warmup))
    proc.start()
    child.close()
    if not parent.poll(timeout):
        proc.kill()
        proc.join()
        return {"seconds": float("nan"), "peak_mib": float("nan"), "result": "timeout"}
    status, a, b, c = parent.recv()
    proc.join()
    if status != "ok":
        raise RuntimeError(f"benchmarked call failed in the child:\n{a}")
    return {"seconds": a, "peak_mib": b, "result": c}


def machine_line():
    """One line describing the machine and the library versions."""
    import platform

    import numpy
    import sklearn

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"scikit-learn {sklearn.__version__}"
    )


def markdown_table(rows, columns):
    """Format a list of dicts as a markdown table with the given columns."""

    def fmt(v):
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
        return str(v)

    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(fmt(row.get(c, "")) for c in columns) + " |")
    return "\n".join(lines)


def write_results(name, title, body):
    """Write ``benchmarks/results/<name>.md`` and return its path."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "results", f"{name}.md")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(f"# {title}\n\n{machine_line()}\n\n{body.rstrip()}\n")
    return path
