"""Speed of the conformal estimators on Communities and Crime, beside MAPIE.

One split of the LR-QR paper's protocol (Joshi et al. 2025, section 5.2):
ridge regression (5-fold CV over its penalty) on a random half; the other
half split at the median of ``racepctblack`` (source below, target above);
the target halved into an unlabelled and a test sample.  Timed, each in a
forked child (wall time and peak memory above the child's start):

* LR-QR: ``LRQRConformalRegressor(prefit=True).fit`` including the selection
  of lam (10 values, 3-fold CV, refit), then ``predict_interval``;
* weighted conformal with the default discriminative density ratio;
* our split conformal and MAPIE 1.x ``SplitConformalRegressor`` (the anchor),
  ``conformalize`` + ``predict_interval`` on the same prefit ridge.

Run ``python benchmarks/bench_conformal.py``; writes
``benchmarks/results/conformal.md``.  Threads are pinned to 1 per process
(``OMP_NUM_THREADS=1`` etc.), fair to both sides.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.linear_model import RidgeCV  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import markdown_table, measure, write_results  # noqa: E402

# imported before the children are forked, so no side pays import time
from mapie.regression import SplitConformalRegressor as MapieSplit  # noqa: E402

from sklearn_datacentric.conformal import (  # noqa: E402
    LRQRConformalRegressor,
    SplitConformalRegressor,
    WeightedConformalRegressor,
)
from sklearn_datacentric.datasets import load_communities_crime  # noqa: E402

N_REPEAT = 5


def communities_split(seed=0, feature="racepctblack"):
    """One random split of the paper's protocol; returns a dict of arrays."""
    data = load_communities_crime(as_frame=True)
    X = data.data.to_numpy(dtype=np.float64)
    y = data.target.to_numpy(dtype=np.float64)
    col = list(data.data.columns).index(feature)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(X))
    half = len(X) // 2
    tr, rest = perm[:half], perm[half:]
    model = RidgeCV(alphas=np.logspace(-3, 3, 13), cv=5).fit(X[tr], y[tr])
    Xr, yr = X[rest], y[rest]
    med = np.median(Xr[:, col])
    src = Xr[:, col] <= med
    Xs, ys, Xt, yt = Xr[src], yr[src], Xr[~src], yr[~src]
    p = rng.permutation(len(Xt))
    k = len(Xt) // 2
    return {
        "model": model,
        "X_cal": Xs,
        "y_cal": ys,
        "X_unlab": Xt[p[:k]],
        "X_test": Xt[p[k:]],
        "y_test": yt[p[k:]],
    }


def run_lrqr(d):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = LRQRConformalRegressor(d["model"], prefit=True, random_state=0)
        est.fit(d["X_cal"], d["y_cal"], X_target=d["X_unlab"])
        iv = est.predict_interval(d["X_test"])
    return float(np.mean((iv[:, 0] <= d["y_test"]) & (d["y_test"] <= iv[:, 1])))


def run_weighted(d):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = WeightedConformalRegressor(d["model"], prefit=True)
        est.fit(d["X_cal"], d["y_cal"], X_target=d["X_unlab"])
        iv = est.predict_interval(d["X_test"])
    return float(np.mean((iv[:, 0] <= d["y_test"]) & (d["y_test"] <= iv[:, 1])))


def run_split(d):
    est = SplitConformalRegressor(d["model"], prefit=True).fit(d["X_cal"], d["y_cal"])
    iv = est.predict_interval(d["X_test"])
    return float(np.mean((iv[:, 0] <= d["y_test"]) & (d["y_test"] <= iv[:, 1])))


def run_mapie_split(d):
    est = MapieSplit(d["model"], confidence_level=0.9, prefit=True)
    est.conformalize(d["X_cal"], d["y_cal"])
    _, iv = est.predict_interval(d["X_test"])
    iv = iv[:, :, 0]
    return float(np.mean((iv[:, 0] <= d["y_test"]) & (d["y_test"] <= iv[:, 1])))


def parity_with_mapie(d):
    ours = SplitConformalRegressor(d["model"], prefit=True).fit(d["X_cal"], d["y_cal"])
    theirs = MapieSplit(d["model"], confidence_level=0.9, prefit=True)
    theirs.conformalize(d["X_cal"], d["y_cal"])
    a = ours.predict_interval(d["X_test"])
    b = theirs.predict_interval(d["X_test"])[1][:, :, 0]
    return float(np.max(np.abs(a - b)))


def _warmup():
    # compile (or load from cache) the numba kernels outside the timing
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = X[:, 0] + rng.normal(size=60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        LRQRConformalRegressor(random_state=0).fit(X, y, X_target=X[:30] + 1)


def main():
    d = communities_split(0)
    print(
        f"Communities and Crime, racepctblack split: {len(d['X_cal'])} calibration, "
        f"{len(d['X_unlab'])} unlabelled target, {len(d['X_test'])} test, "
        f"{d['X_cal'].shape[1]} features"
    )
    cases = [
        ("MAPIE split conformal (anchor)", run_mapie_split),
        ("split conformal (ours)", run_split),
        ("weighted conformal (ours, discriminative ratio)", run_weighted),
        ("LR-QR incl. lam selection (ours)", run_lrqr),
    ]
    rows = []
    anchor = None
    for name, fn in cases:
        runs = [measure(fn, d, warmup=_warmup) for _ in range(N_REPEAT)]
        sec = statistics.median(r["seconds"] for r in runs)
        mib = max(r["peak_mib"] for r in runs)
        if anchor is None:
            anchor = sec
        rows.append(
            {
                "method": name,
                "median seconds": sec,
                "peak MiB": mib,
                "x MAPIE split": sec / anchor,
                "test coverage": runs[0]["result"],
            }
        )
        print(rows[-1])
    diff = parity_with_mapie(d)
    body = (
        "LR-QR paper protocol (Joshi et al. 2025, section 5.2), one split on "
        f"`racepctblack`: {len(d['X_cal'])} calibration, {len(d['X_unlab'])} "
        f"unlabelled target, {len(d['X_test'])} test points, "
        f"{d['X_cal'].shape[1]} features; ridge prefit; nominal 0.9. Each call "
        f"timed {N_REPEAT} times in a forked child (median; peak resident memory "
        "above the child's start, max over runs); one thread per process "
        "(`OMP_NUM_THREADS=1`), numba kernels compiled before timing.\n\n"
        + markdown_table(
            rows,
            ["method", "median seconds", "peak MiB", "x MAPIE split", "test coverage"],
        )
        + "\n\nLR-QR's time includes the whole selection of lam (10 values x 3 "
        "folds + refit = 31 LR-QR fits). Our split-conformal intervals equal "
        f"MAPIE's to {diff:.1e} (max absolute difference on the test points).\n"
        "\nReproduce: `python benchmarks/bench_conformal.py`.\n"
    )
    path = write_results("conformal", "Conformal prediction: speed", body)
    print("wrote", path)


if __name__ == "__main__":
    main()
