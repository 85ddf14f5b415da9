"""Samplers on Dask collections past one worker's memory (issue 16).

Parts:

* ``worker``: a fresh worker's time to its first useful task (a
  ``kneighbors_dask`` search plus a SMOTE on 20k rows), with a cold numba
  cache (an empty ``NUMBA_CACHE_DIR``) and with that cache warm, and the
  time of :func:`sklearn_datacentric.utils.dask_warmup` in both cases.
* ``scale``: 10 features, 1% minority, generated lazily partition by
  partition (never materialised on the client); 2 worker processes, 1 thread
  each, ``memory_limit="1.5GiB"`` each.  SMOTE, BorderlineSMOTE and
  RandomUnderSampler at 2M, 4M, 8M and 16M rows: ``fit_resample`` and a
  full pass over the lazy output (column sums and class counts), wall time
  and peak resident memory of each worker (a fresh cluster per run).
* ``imblearn``: imbalanced-learn's SMOTE on the same data in memory, in a
  subprocess whose address space is capped (``RLIMIT_AS``) at 1.5 GiB (one
  worker's cap) and at 3 GiB (both workers' caps together).

Run: ``nice -n 5 python benchmarks/bench_dask.py [--sizes 2,4,8,16]
[--parts worker,scale,imblearn]``.  Results: ``benchmarks/results/dask.md``.
The machine is shared with other jobs: times are indicative, the memory
columns are the point.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# this checkout's package (the workers inherit the path)
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _harness import markdown_table, write_results  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N_FEATURES = 10
MINORITY = 0.01
ROWS_PER_PART = 1_000_000
MEMORY_LIMIT = "1.5GiB"


def gen_X(block_id=None, *, rows):
    i = block_id[0]
    rng = np.random.RandomState(1000 + i)
    y = rng.rand(rows) < MINORITY
    X = rng.randn(rows, N_FEATURES)
    X[y] += 1.5  # the minority class is shifted, and overlaps the majority
    return X


def gen_y(block_id=None, *, rows):
    rng = np.random.RandomState(1000 + block_id[0])
    return (rng.rand(rows) < MINORITY).astype(np.int8)


def lazy_data(n_rows):
    import dask.array as da

    n_parts = n_rows // ROWS_PER_PART
    chunks = ((ROWS_PER_PART,) * n_parts,)
    X = da.map_blocks(
        gen_X,
        rows=ROWS_PER_PART,
        chunks=(chunks[0], (N_FEATURES,)),
        dtype=np.float64,
    )
    y = da.map_blocks(gen_y, rows=ROWS_PER_PART, chunks=chunks, dtype=np.int8)
    return X, y


def _peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(name, n_rows):
    import dask
    from distributed import Client, LocalCluster

    from sklearn_datacentric.over_sampling import SMOTE, BorderlineSMOTE
    from sklearn_datacentric.under_sampling import RandomUnderSampler
    from sklearn_datacentric.utils import dask_warmup

    sampler = {
        "SMOTE": SMOTE(random_state=0),
        "BorderlineSMOTE": BorderlineSMOTE(random_state=0),
        "RandomUnderSampler": RandomUnderSampler(random_state=0),
    }[name]
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=MEMORY_LIMIT,
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,
    ):
        dask_warmup(client)
        X, y = lazy_data(n_rows)
        t0 = time.perf_counter()
        X_res, y_res = sampler.fit_resample(X, y)
        t_fit = time.perf_counter() - t0
        sums, counts = dask.compute(X_res.sum(axis=0), da_bincount(y_res))
        wall = time.perf_counter() - t0
        peaks = client.run(_peak_rss_mib)
        n_out = int(counts.sum())
    return {
        "sampler": name,
        "rows": f"{n_rows / 1e6:.0f}M",
        "fit_resample s": t_fit,
        "total s": wall,
        "us per input row": wall / n_rows * 1e6,
        "output rows": f"{n_out / 1e6:.2f}M",
        "peak RSS per worker MiB": " / ".join(f"{v:.0f}" for v in peaks.values()),
        "finite": bool(np.isfinite(sums).all()),
    }


def da_bincount(y):
    import dask.array as da

    return da.bincount(y.astype(np.int64), minlength=2)


# ------------------------------------------------------------- worker start

_FIRST_TASK = r"""
import json, sys, time
t0 = time.perf_counter()
from distributed import Client, LocalCluster
import dask.array as da, numpy as np
from sklearn_datacentric.over_sampling import SMOTE
from sklearn_datacentric.utils import dask_warmup
if __name__ == "__main__":
    warm = sys.argv[1] == "warmup"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as c, Client(c) as cl:
        t_up = time.perf_counter() - t0
        t1 = time.perf_counter()
        w = dask_warmup(cl) if warm else None
        t_warm = time.perf_counter() - t1
        rng = np.random.RandomState(0)
        X = rng.randn(20000, 10); y = (rng.rand(20000) < 0.05).astype(int)
        t2 = time.perf_counter()
        Xr, yr = SMOTE(random_state=0).fit_resample(
            da.from_array(X, chunks=(5000, 10)), da.from_array(y, chunks=5000))
        Xr.sum().compute()
        t_task = time.perf_counter() - t2
    print(json.dumps({"cluster_up": t_up, "warmup": t_warm, "first_task": t_task}))
"""


def worker_start():
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=ROOT)
        for label, mode in [
            ("cold cache, no warm-up", "plain"),
            ("warm cache, no warm-up", "plain"),
        ]:
            out = subprocess.run(
                [sys.executable, "-c", _FIRST_TASK, mode],
                env=env,
                capture_output=True,
                text=True,
                timeout=1200,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append({"case": label, "first task s": r["first_task"]})
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=ROOT)
        for label in ["cold cache, dask_warmup", "warm cache, dask_warmup"]:
            out = subprocess.run(
                [sys.executable, "-c", _FIRST_TASK, "warmup"],
                env=env,
                capture_output=True,
                text=True,
                timeout=1200,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(
                {
                    "case": label,
                    "dask_warmup s": r["warmup"],
                    "first task s": r["first_task"],
                }
            )
    return rows


# ------------------------------------------------------------ imbalanced-learn

_IMBLEARN = r"""
import resource, sys, time
cap = int(sys.argv[1]); n = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
sys.path.insert(0, sys.argv[3])
import numpy as np
from bench_dask import gen_X, gen_y, ROWS_PER_PART
t0 = time.perf_counter()
stage = "generating the data in memory"
try:
    parts = n // ROWS_PER_PART
    X = np.concatenate([gen_X((i, 0), rows=ROWS_PER_PART) for i in range(parts)])
    y = np.concatenate([gen_y((i,), rows=ROWS_PER_PART) for i in range(parts)])
    stage = "imblearn SMOTE.fit_resample"
    from imblearn.over_sampling import SMOTE
    Xr, yr = SMOTE(random_state=0).fit_resample(X, y)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"completed in {time.perf_counter() - t0:.1f} s (data made in memory "
          f"included), peak RSS {peak:.0f} MiB")
except MemoryError as exc:
    print(f"MemoryError while {stage} after {time.perf_counter() - t0:.1f} s")
"""


def _imblearn_once(n_rows, cap_gib):
    here = os.path.dirname(os.path.abspath(__file__))
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _IMBLEARN, str(int(cap_gib * 2**30)), str(n_rows), here],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    msg = (out.stdout.strip().splitlines() or [""])[-1]
    if out.returncode != 0 and not msg:
        err = out.stderr.strip().splitlines()
        msg = f"exit code {out.returncode}: {err[-1] if err else ''}"
    return {
        "rows": f"{n_rows / 1e6:.0f}M",
        "address-space cap GiB": cap_gib,
        "imbalanced-learn SMOTE": msg,
        "wall s": time.perf_counter() - t0,
    }


def imblearn_capped(sizes):
    """imbalanced-learn's SMOTE at each size under one worker's cap (1.5 GiB)
    until it fails, then the largest size under both workers' caps (3 GiB)."""
    rows = []
    for n_rows in sizes:
        r = _imblearn_once(n_rows, 1.5)
        rows.append(r)
        print(r, flush=True)
        if not r["imbalanced-learn SMOTE"].startswith("completed"):
            break
    r = _imblearn_once(max(sizes), 3.0)
    print(r, flush=True)
    rows.append(r)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="2,4,8,16")
    ap.add_argument("--parts", default="worker,imblearn,scale")
    ap.add_argument("--samplers", default="RandomUnderSampler,SMOTE,BorderlineSMOTE")
    args = ap.parse_args()
    parts = args.parts.split(",")
    sizes = [int(s) for s in args.sizes.split(",")]
    head = [
        __doc__.split("Run:")[0].strip(),
        "",
        f"Partitions of {ROWS_PER_PART:,} rows (80 MB of X each).  The "
        "machine was shared with four other jobs during the run.",
        "",
    ]
    sections = {}

    def write():  # after every row, so that a partial run leaves its rows
        path = write_results(
            "dask",
            "Samplers on Dask collections",
            "\n".join(head + list(sections.values())),
        )
        print("wrote", path, flush=True)

    if "worker" in parts:
        rows = worker_start()
        print(rows, flush=True)
        sections["worker"] = "\n".join(
            [
                "## A fresh worker's first task",
                "",
                markdown_table(rows, ["case", "dask_warmup s", "first task s"]),
                "",
            ]
        )
        write()
    if "imblearn" in parts:
        rows = imblearn_capped([n * 1_000_000 for n in sizes])
        sections["imblearn"] = "\n".join(
            [
                "## imbalanced-learn in memory under the same cap",
                "",
                markdown_table(
                    rows,
                    [
                        "rows",
                        "address-space cap GiB",
                        "imbalanced-learn SMOTE",
                        "wall s",
                    ],
                ),
                "",
            ]
        )
        write()
    if "scale" in parts:
        rows = []
        for name in args.samplers.split(","):
            for size in sizes:
                r = run_one(name, size * 1_000_000)
                print(r, flush=True)
                rows.append(r)
                sections["scale"] = "\n".join(
                    [
                        "## Scaling (2 workers x 1 thread, 1.5 GiB each)",
                        "",
                        markdown_table(
                            rows,
                            [
                                "sampler",
                                "rows",
                                "fit_resample s",
                                "total s",
                                "us per input row",
                                "output rows",
                                "peak RSS per worker MiB",
                                "finite",
                            ],
                        ),
                        "",
                    ]
                )
                write()


if __name__ == "__main__":
    main()
