"""Cold first call: every public estimator, and every numba kernel's compile time.

A fresh process is the common case (a user's first call, CI, a container, a
Dask worker).  Each measurement here runs in a new Python process whose numba
cache (``NUMBA_CACHE_DIR``) is an empty temporary folder, so nothing compiled
by an earlier run is reused; the child checks that the folder was empty and
reports how many cache files it left behind.

* Part 1, the SMOTE family on 2,000 x 10 rows (``make_classification``,
  ``weights=[0.9]``): import plus the first ``SMOTE``, ``BorderlineSMOTE`` and
  ``ADASYN`` calls, against imbalanced-learn's in its own fresh process
  (interleaved, best of ``--repeats``).
* Part 2, every public estimator (``all_estimators()``) on the small data of
  ``tests/test_common.py`` (300 x 4): the first call (fit / fit_resample,
  then predict / transform / predict_weights) in a cold process, a second
  identical call in the same process (warm), and the numba compile time spent
  inside the first call.
* Part 3, compile time of every numba kernel: each kernel's compilations are
  recorded with numba's event API (``numba:compile``) while large enough
  calls run the numba paths (small inputs take precompiled numpy / scipy
  paths and compile nothing); kernels no call reached are listed.

Run: ``nice -n 5 python benchmarks/bench_first_call.py`` from the repository
root (about 5 minutes on 2 cores); writes ``benchmarks/results/first_call.md``.
``--quick`` runs part 1 once and part 2 on a few estimators; ``--only
A,B`` runs part 2 on estimators A and B and prints the table.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import markdown_table, write_results  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK = "--quick" in sys.argv
REPEATS = 1 if QUICK else 3
for _i, _a in enumerate(sys.argv):
    if _a == "--repeats":
        REPEATS = int(sys.argv[_i + 1])

# --------------------------------------------------------------------------
# code run in the cold child processes
# --------------------------------------------------------------------------

_PRELUDE = r"""
import json, os, sys, time, warnings
warnings.filterwarnings("ignore")
_cache = os.environ["NUMBA_CACHE_DIR"]
assert not os.listdir(_cache), "the numba cache folder is not empty"
_T0 = time.perf_counter()
_COMPILE = {}
_OUTER = [0.0]  # compile seconds of outermost compilations only
def _listen():
    from numba.core import event
    stack = []
    class Timer(event.Listener):
        def on_start(self, ev):
            stack.append(time.perf_counter())
        def on_end(self, ev):
            disp = ev.data["dispatcher"]
            dt = time.perf_counter() - stack.pop()
            name = disp.py_func.__module__ + "." + disp.py_func.__qualname__
            # a kernel compiled inside another is counted in both per-kernel
            # times; _OUTER counts each second once
            _COMPILE.setdefault(name, []).append(dt)
            if not stack:
                _OUTER[0] += dt
    event.register("numba:compile", Timer())
_listen()
def _n_cache_files():
    return sum(len(f) for _, _, f in os.walk(_cache))
"""

_SMOTE_CHILD = (
    _PRELUDE
    + r"""
import numpy as np
from sklearn.datasets import make_classification
X, y = make_classification(n_samples=2000, n_features=10, weights=[0.9],
                           random_state=0)
lib = sys.argv[1]
t = time.perf_counter()
if lib == "imbalanced-learn":
    from imblearn.over_sampling import SMOTE, BorderlineSMOTE, ADASYN
else:
    from sklearn_datacentric.over_sampling import SMOTE, BorderlineSMOTE, ADASYN
out = {"import": time.perf_counter() - t}
for cls in (SMOTE, BorderlineSMOTE, ADASYN):
    t = time.perf_counter()
    cls(random_state=0).fit_resample(X, y)
    out[cls.__name__] = time.perf_counter() - t
out["compile"] = _OUTER[0]
out["cache_files"] = _n_cache_files()
print("RESULT" + json.dumps(out))
"""
)

_ESTIMATOR_CHILD = (
    _PRELUDE
    + r"""
sys.path.insert(0, os.path.join(os.getcwd(), "tests"))
t = time.perf_counter()
import sklearn_datacentric  # noqa
from sklearn_datacentric.utils import all_estimators
imp = time.perf_counter() - t
import test_common as tc
name = sys.argv[1]
cls = dict(all_estimators())[name]
def once():
    est = tc._instance(cls)
    X, y = tc._data_for(est)
    t = time.perf_counter()
    tc._run(est, X, y)
    return time.perf_counter() - t
cold = once()
comp = {k: sum(v) for k, v in _COMPILE.items()}
outer = _OUTER[0]
warm = once()
print("RESULT" + json.dumps({"import": imp, "cold": cold, "warm": warm,
                             "compile": comp, "outer": outer,
                             "cache_files": _n_cache_files()}))
"""
)

_KERNEL_CHILD = (
    _PRELUDE
    + r"""
# the numba paths of every module, whatever the size: the thresholds of
# the numpy / interpreted small paths are set to 0
sys.path.insert(0, os.path.join(os.getcwd(), "tests"))
import sklearn_datacentric.mixup._kernels as mk
import sklearn_datacentric.neighbors._base as nb
import sklearn_datacentric.ordinal._kernels as ok
import sklearn_datacentric.over_sampling._smote._kernels as sk
nb._NUMPY_MAX_WORK = nb._LAZY_MAX_SIZE = sk._NUMPY_MAX_SIZE = 0
ok._SMALL_ETA = ok._SMALL_CD = mk._SMALL_ANCHORS = mk._SMALL_MIX = -1
import numpy as np
from scipy import sparse
from sklearn.datasets import make_classification
import sklearn_datacentric.over_sampling as ours
from sklearn_datacentric.neighbors import NearestNeighbors
from sklearn_datacentric.utils import all_estimators
import test_common as tc
X, y = make_classification(n_samples=20000, n_features=10, weights=[0.8],
                           random_state=0)
for cls in (ours.SMOTE, ours.BorderlineSMOTE, ours.ADASYN):
    cls(random_state=0).fit_resample(X, y)
ours.BorderlineSMOTE(kind="borderline-2", random_state=0).fit_resample(X, y)
Xw, yw = make_classification(n_samples=8000, n_features=40, weights=[0.7],
                             random_state=0)
ours.SMOTE(random_state=0).fit_resample(Xw, yw)
Xs = sparse.csr_matrix(np.where(np.abs(Xw) > 1.5, Xw, 0.0))
ours.SMOTE(random_state=0).fit_resample(Xs, yw)
NearestNeighbors(algorithm="approximate").fit(X).kneighbors()
rng = np.random.RandomState(0)
Xnc = np.column_stack([X[:, :4], rng.randint(0, 5, size=(len(X), 2))])
ours.SMOTENC(categorical_features=[4, 5], random_state=0).fit_resample(Xnc, y)
ours.SMOTENC(categorical_features=[4, 5], random_state=0).fit_resample(
    np.column_stack([Xw[:, :20], rng.randint(0, 5, size=(len(Xw), 2))]), yw)
ours.SMOTEN(random_state=0).fit_resample(rng.randint(0, 6, size=(20000, 3)), y)
from sklearn_datacentric.covariate_shift._kernels import project_dw
y_dw = np.linspace(-1.0, 1.0, 30)
project_dw(y_dw, 10, 1000.0, 1.0, 2.0, 0.1, np.empty(30))
for name, cls in all_estimators():
    est = tc._instance(cls)
    Xe, ye = tc._data_for(est)
    try:
        tc._run(est, Xe, ye)
    except Exception as exc:  # reported, not fatal
        print("FAILED", name, exc, file=sys.stderr)
print("RESULT" + json.dumps({k: v for k, v in _COMPILE.items()}))
"""
)


def _run_child(code, *args, timeout=1800):
    with tempfile.TemporaryDirectory(prefix="numba_cold_") as cache:
        env = dict(
            os.environ,
            NUMBA_CACHE_DIR=cache,
            PYTHONPATH=ROOT,
            PYTHONDONTWRITEBYTECODE="1",
        )
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        wall = time.perf_counter() - t
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT"):
            out = json.loads(line[6:])
            out["process_wall"] = wall
            return out
    raise RuntimeError(f"child failed:\n{proc.stdout}\n{proc.stderr}")


def _all_kernels():
    """Every numba dispatcher defined in the package, by qualified name."""
    import importlib
    import pkgutil

    import numba.core.registry

    import sklearn_datacentric

    names = set()
    for info in pkgutil.walk_packages(
        sklearn_datacentric.__path__, "sklearn_datacentric."
    ):
        if "tests" in info.name:
            continue
        try:
            mod = importlib.import_module(info.name)
        except ImportError:
            continue
        for obj in vars(mod).values():
            if isinstance(obj, numba.core.registry.CPUDispatcher):
                f = obj.py_func
                if f.__module__ == info.name:
                    names.add(f"{f.__module__}.{f.__qualname__}")
    return sorted(names)


def part_smote():
    rows = []
    best = {}
    for _ in range(REPEATS):
        for lib in ("imbalanced-learn", "sklearn_datacentric"):
            out = _run_child(_SMOTE_CHILD, lib)
            tot = out["import"] + out["SMOTE"] + out["BorderlineSMOTE"] + out["ADASYN"]
            out["total"] = tot
            if lib not in best or tot < best[lib]["total"]:
                best[lib] = out
    for lib, out in best.items():
        rows.append(
            {
                "library": lib,
                "import (s)": out["import"],
                "SMOTE (s)": out["SMOTE"],
                "BorderlineSMOTE (s)": out["BorderlineSMOTE"],
                "ADASYN (s)": out["ADASYN"],
                "import + 3 calls (s)": out["total"],
                "numba compile (s)": out.get("compile", 0.0),
                "cache files written": out["cache_files"],
            }
        )
    diff = best["sklearn_datacentric"]["total"] - best["imbalanced-learn"]["total"]
    table = markdown_table(rows, list(rows[0]))
    return (
        f"{table}\n\nsklearn_datacentric minus imbalanced-learn: {diff:.2f} s "
        f"(bound: 3 s); best of {REPEATS} interleaved cold processes each.\n"
    )


def part_estimators(names):
    rows = []
    for name in names:
        try:
            out = _run_child(_ESTIMATOR_CHILD, name)
        except RuntimeError as exc:
            rows.append({"estimator": name, "cold first call (s)": "failed"})
            print(exc, file=sys.stderr)
            continue
        comp = out["compile"]
        top = sorted(comp.items(), key=lambda kv: -kv[1])[:2]
        rows.append(
            {
                "estimator": name,
                "import (s)": out["import"],
                "cold first call (s)": out["cold"],
                "warm call (s)": out["warm"],
                "cold - warm (s)": out["cold"] - out["warm"],
                "numba compile (s)": out["outer"],
                "kernels compiled": ", ".join(
                    f"{k.rsplit('.', 1)[-1]} {v:.1f}" for k, v in top
                )
                + (" ..." if len(comp) > 2 else ""),
            }
        )
        print(rows[-1], flush=True)
    return markdown_table(rows, list(rows[0]))


def part_kernels():
    out = _run_child(_KERNEL_CHILD)
    out.pop("process_wall")
    every = _all_kernels()
    rows = []
    for name in every:
        times = out.get(name)
        rows.append(
            {
                "kernel": name.replace("sklearn_datacentric.", ""),
                "compilations": len(times) if times else 0,
                "compile (s)": sum(times) if times else "not reached",
            }
        )
    rows.sort(
        key=lambda r: -(r["compile (s)"] if isinstance(r["compile (s)"], float) else -1)
    )
    return markdown_table(rows, list(rows[0]))


def main():
    sys.path.insert(0, ROOT)
    from sklearn_datacentric.utils import all_estimators

    names = [n for n, _ in all_estimators()]
    if QUICK:
        names = ["SMOTE", "NearestNeighbors", "SMOTENC", "KNNMixup"]
    if "--only" in sys.argv:
        # part 2 alone on the named estimators (comma separated), printed:
        # the slow rows of the full table checked again
        only = sys.argv[sys.argv.index("--only") + 1].split(",")
        print(part_estimators([n for n in names if n in only]))
        return
    t0 = time.time()
    smote = part_smote()
    print(smote, flush=True)
    est = part_estimators(names)
    kern = "" if QUICK else part_kernels()
    body = (
        "Each row is a new Python process with an empty numba cache "
        "(`NUMBA_CACHE_DIR` set to a new empty folder, checked by the child). "
        "Absolute times depend on the other load of the machine (2 cores; "
        "compare within a table, whose rows are taken in the same run).\n\n"
        "## First SMOTE-family calls, 2,000 x 10 rows\n\n"
        + smote
        + "\n## First call of every public estimator (300 x 4 data of "
        "tests/test_common.py)\n\n"
        "`cold first call` includes the numba compile time spent inside it "
        "(the import is timed apart); `warm call` is the same call repeated "
        "in the same process.\n\n" + est + "\n"
    )
    if kern:
        body += (
            "\n## Cold compile time of every numba kernel\n\n"
            "Recorded with numba's `numba:compile` events in one cold process, "
            "the size thresholds of the numpy / interpreted small paths set to "
            "0 so that every call takes the numba path: SMOTE, BorderlineSMOTE "
            "1 and 2, ADASYN on 20,000 x 10; SMOTE on 8,000 x 40 dense and CSR; "
            "the approximate tree; SMOTENC with 4 and 20 continuous columns; "
            "SMOTEN on 20,000 rows; `project_dw` once; then one call of every "
            "estimator on small data.  A "
            "kernel compiled inside another kernel is counted in both.  "
            "`not reached`: no call of this run compiled it.\n\n" + kern + "\n"
        )
    body += f"\nTotal run time: {time.time() - t0:.0f} s.\n"
    if not QUICK:
        print(write_results("first_call", "Cold first call (empty numba cache)", body))
    else:
        print(body)


if __name__ == "__main__":
    main()
