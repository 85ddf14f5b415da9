"""Do the SMOTE extensions depend on the units of X?  (issue 17, item 3)

A change of units multiplies every feature by the same constant ``c``.
Euclidean neighbours, segments between samples, principal directions and
k-means centres all follow such a change, so a method without a parameter
in raw feature units gives ``resample(c X) = c resample(X)`` for the same
``random_state``.  For each extension and bundled dataset this script
resamples ``X``, ``X / 100`` and ``X * 100`` and reports the share of output
rows that differ (after dividing back) by more than 1e-6 of the feature
ranges.  For the methods that do change, it also reports the AUC of a 5-NN
classifier (itself unit-free under such a change) on held-out folds,
RepeatedStratifiedKFold(5 x 2), at each scale.

Run:  OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 nice -n 5 python benchmarks/variants_units.py
Results: benchmarks/results/variants_units.md
"""

import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _harness import markdown_table, write_results  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import RepeatedStratifiedKFold  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

from sklearn_datacentric.datasets import load_imbalanced  # noqa: E402
from sklearn_datacentric.over_sampling import (  # noqa: E402
    CCR,
    GSMOTE,
    LVQSMOTE,
    SMOBD,
    SMOTEIPF,
    AssembledSMOTE,
    GeometricSMOTE,
    LeeSMOTE,
    PolynomFitSMOTE,
    ProWSyn,
)

DATASETS = ("glass1", "ecoli3", "haberman", "yeast1", "abalone9-18", "vehicle1")
SCALES = (0.01, 100.0)
METHODS = {
    "PolynomFitSMOTE": lambda rs: PolynomFitSMOTE(random_state=rs),
    "ProWSyn": lambda rs: ProWSyn(random_state=rs),
    "SMOTEIPF": lambda rs: SMOTEIPF(random_state=rs),
    "LeeSMOTE": lambda rs: LeeSMOTE(random_state=rs),
    "SMOBD": lambda rs: SMOBD(random_state=rs),
    "GSMOTE": lambda rs: GSMOTE(random_state=rs),
    "GeometricSMOTE": lambda rs: GeometricSMOTE(random_state=rs),
    "CCR (default)": lambda rs: CCR(random_state=rs),
    "CCR (feature_scaling=None, energy=1)": lambda rs: CCR(
        energy=1.0, feature_scaling=None, random_state=rs
    ),
    "LVQSMOTE": lambda rs: LVQSMOTE(random_state=rs),
    "AssembledSMOTE": lambda rs: AssembledSMOTE(random_state=rs),
}


def _load(name):
    X, y = load_imbalanced(name, return_X_y=True)
    return np.asarray(X, dtype=np.float64), np.asarray(y).astype(int)


def share_changed(make, X, y, c):
    a, ya = make(0).fit_resample(X, y)
    b, yb = make(0).fit_resample(X * c, y)
    if a.shape != b.shape or not np.array_equal(ya, yb):
        return 1.0
    rng = np.ptp(X, axis=0)
    rng = np.where(rng > 0, rng, 1.0)
    dev = np.abs(b / c - a) / rng
    return float(np.mean(dev.max(axis=1) > 1e-6))


def heldout_auc(make, X, y, c):
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
    out = []
    for fold, (tr, te) in enumerate(cv.split(X, y)):
        X_r, y_r = make(fold).fit_resample(X[tr] * c, y[tr])
        knn = KNeighborsClassifier(n_neighbors=5).fit(X_r, y_r)
        out.append(roc_auc_score(y[te], knn.predict_proba(X[te] * c)[:, 1]))
    return float(np.mean(out))


def main():
    warnings.simplefilter("ignore")
    rows, auc_rows = [], []
    for m, make in METHODS.items():
        shares = {c: [] for c in SCALES}
        for name in DATASETS:
            X, y = _load(name)
            for c in SCALES:
                shares[c].append(share_changed(make, X, y, c))
        row = {"method": m}
        for c in SCALES:
            row[f"rows changed, x{c:g}"] = f"{np.mean(shares[c]):.3f}"
        rows.append(row)
        print(row, flush=True)
        if max(np.mean(v) for v in shares.values()) > 0.01:
            for name in DATASETS:
                X, y = _load(name)
                r = {"method": m, "dataset": name}
                for c in (SCALES[0], 1.0, SCALES[1]):
                    r[f"AUC x{c:g}"] = f"{heldout_auc(make, X, y, c):.3f}"
                auc_rows.append(r)
                print(r, flush=True)
    body = f"""Machine shared with other jobs (no times reported).  Datasets: {", ".join(DATASETS)}.

Command: `OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 nice -n 5 python benchmarks/variants_units.py`

`rows changed, x c`: share of output rows of `fit_resample(c X)` that differ
from `c fit_resample(X)` (same random_state) by more than 1e-6 of a feature's
range, averaged over the datasets.  0 means the method does not depend on
the units of X (up to ties in neighbour searches broken by rounding).

{markdown_table(rows, ["method", *[f"rows changed, x{c:g}" for c in SCALES]])}

## Held-out 5-NN AUC at each scale, for the methods that changed

RepeatedStratifiedKFold(5 x 2, random_state=0); 5-NN is unchanged by the
scale, so the differences are the resampler's.

{markdown_table(auc_rows, ["method", "dataset", *[f"AUC x{c:g}" for c in (SCALES[0], 1.0, SCALES[1])]])}
"""
    print(
        "wrote",
        write_results("variants_units", "SMOTE extensions: dependence on units", body),
    )


if __name__ == "__main__":
    main()
