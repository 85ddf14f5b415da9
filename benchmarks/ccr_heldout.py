"""CCR on held-out folds: where its majority translations hurt, and the fix.

Issue 17 measured that our CCR (then: energy 1.0 in the raw units of X,
translations applied) lost on held-out KEEL folds to smote-variants' CCR
with a 5-NN classifier on unscaled features, and that restoring the
majority rows to their places closed the gap.  This script measures the
cause and the new defaults on the bundled KEEL datasets:

* settings: ``raw`` (the features in their KEEL units, 5-NN on them, as in
  the issue), ``raw x 0.1`` (every feature divided by 10: a change of units
  that leaves 5-NN, SMOTE and the data's geometry unchanged, so any change
  in a resampler's score is its own scale dependence), and ``standardised``
  (StandardScaler fitted on the training fold, then the resampler, then
  5-NN);
* methods: no resampling; imbalanced-learn's SMOTE; smote-variants' CCR
  (its defaults, energy 1.0); our CCR with the former defaults (energy 1.0
  in the units of X, translations); the same with the majority rows
  restored (``translate=False``, the issue's diagnosis); the new defaults
  (features min-max scaled inside CCR as in the paper's experiments,
  energy 0.25 as in the authors' code, translations); the new defaults
  without translations; and min-max scaling with energy 1.0;
* protocol: RepeatedStratifiedKFold(5 x R), AUC of the 5-NN class
  probabilities on the test fold.  Per dataset: the mean over folds; over
  datasets: the mean and the standard error over datasets of the paired
  per-dataset differences.

Run:  OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 nice -n 5 python benchmarks/ccr_heldout.py
Options: --repeats R (default 2), --only NAME ... (datasets).
Results: benchmarks/results/ccr.md (rewritten after each dataset).
"""

import argparse
import logging
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _harness import markdown_table, write_results  # noqa: E402
from imblearn.over_sampling import SMOTE  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import RepeatedStratifiedKFold  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklearn_datacentric.datasets import (  # noqa: E402
    describe_imbalanced_datasets,
    load_imbalanced,
)
from sklearn_datacentric.over_sampling import CCR  # noqa: E402

SETTINGS = ("raw", "raw x 0.1", "standardised")


def _methods(sv):
    def smote(X, y, rs):
        k = int(min(5, np.bincount(y).min() - 1))
        return SMOTE(k_neighbors=k, random_state=rs).fit_resample(X, y)

    def ours(**kw):
        return lambda X, y, rs: CCR(random_state=rs, **kw).fit_resample(X, y)

    return {
        "none": lambda X, y, rs: (X, y),
        "SMOTE": smote,
        "sv CCR": lambda X, y, rs: sv.CCR(
            proportion=1.0, energy=1.0, scaling=0.0, random_state=rs
        ).sample(X, y),
        "former (raw, e=1)": ours(energy=1.0, feature_scaling=None),
        "former, rows restored": ours(
            energy=1.0, feature_scaling=None, translate=False
        ),
        "new default (minmax, e=0.25)": ours(),
        "new, no translation": ours(translate=False),
        "minmax, e=1": ours(energy=1.0),
    }


def run_dataset(name, methods, repeats):
    X, y = load_imbalanced(name, return_X_y=True)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).astype(int)
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=0)
    auc = {(s, m): [] for s in SETTINGS for m in methods}
    for fold, (tr, te) in enumerate(cv.split(X, y)):
        for s in SETTINGS:
            X_tr, X_te = X[tr], X[te]
            if s == "raw x 0.1":
                X_tr, X_te = X_tr * 0.1, X_te * 0.1
            elif s == "standardised":
                scaler = StandardScaler().fit(X_tr)
                X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
            for m, fn in methods.items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    X_res, y_res = fn(X_tr, y[tr], fold)
                knn = KNeighborsClassifier(n_neighbors=5).fit(X_res, y_res)
                p = knn.predict_proba(X_te)[:, 1]
                auc[(s, m)].append(roc_auc_score(y[te], p))
    return {k: np.asarray(v) for k, v in auc.items()}


def _se(d):
    return float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")


def summary_rows(per_dataset, methods, setting):
    names = list(per_dataset)
    mean = {
        m: np.array([per_dataset[n][(setting, m)].mean() for n in names])
        for m in methods
    }
    rows = []
    for m in methods:
        d_sv = mean[m] - mean["sv CCR"]
        d_sm = mean[m] - mean["SMOTE"]
        rows.append(
            {
                "method": m,
                "mean AUC": f"{mean[m].mean():.4f}",
                "vs sv CCR": f"{d_sv.mean():+.4f} +- {_se(d_sv):.4f}",
                "worst vs sv": f"{d_sv.min():+.3f}",
                "vs SMOTE": f"{d_sm.mean():+.4f} +- {_se(d_sm):.4f}",
                "wins/losses vs sv (>0.005)": f"{np.sum(d_sv > 0.005)}/{np.sum(d_sv < -0.005)}",
            }
        )
    return rows


PER_DS = ("former (raw, e=1)", "new default (minmax, e=0.25)")


def per_dataset_rows(per_dataset, setting):
    rows = []
    for n, r in per_dataset.items():
        row = {
            "dataset": n,
            "sv CCR": f"{r[(setting, 'sv CCR')].mean():.3f}",
            "SMOTE": f"{r[(setting, 'SMOTE')].mean():.3f}",
        }
        for m in PER_DS:
            a = r[(setting, m)]
            for ref in ("sv CCR", "SMOTE"):
                d = a - r[(setting, ref)]
                row[f"{m} - {ref}"] = f"{d.mean():+.3f} +- {_se(d):.3f}"
        rows.append(row)
    return rows


def write(per_dataset, methods, args, started, sv_version, finished):
    status = "complete" if finished else "PARTIAL (run in progress or cut off)"
    body = [
        f"""Status: {status}. Datasets: {len(per_dataset)} bundled KEEL sets
({", ".join(per_dataset)}). smote-variants {sv_version}.  Machine shared with
other jobs (only AUCs are reported, no times).  Elapsed: {time.time() - started:.0f} s.

Command: `OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 nice -n 5 python benchmarks/ccr_heldout.py --repeats {args.repeats}`

Protocol: RepeatedStratifiedKFold(5 x {args.repeats}, random_state=0); each
resampler (random_state = fold index) resamples the training fold to
balance; a 5-NN classifier is fitted on the result and scored by the AUC of
its class probabilities on the test fold.  Settings: `raw` = KEEL units, no
scaling (the issue's setting); `raw x 0.1` = every feature divided by 10
(5-NN and SMOTE do not change; what changes is the resampler's own scale
dependence); `standardised` = StandardScaler fitted on the training fold
before resampling.  Means over folds per dataset, then over datasets;
`+-` is the standard error over datasets of the paired per-dataset
differences (per-dataset tables: over folds, which overlap between
repeats, so they understate the spread).
"""
    ]
    for s in SETTINGS:
        body.append(
            f"## Setting `{s}`: mean AUC over datasets\n\n"
            + markdown_table(
                summary_rows(per_dataset, methods, s),
                [
                    "method",
                    "mean AUC",
                    "vs sv CCR",
                    "worst vs sv",
                    "vs SMOTE",
                    "wins/losses vs sv (>0.005)",
                ],
            )
        )
    for s in SETTINGS:
        rows = per_dataset_rows(per_dataset, s)
        cols = ["dataset", "sv CCR", "SMOTE"] + [
            f"{m} - {ref}" for m in PER_DS for ref in ("sv CCR", "SMOTE")
        ]
        body.append(
            f"## Setting `{s}`: per dataset (AUC differences, paired over folds)\n\n"
            + markdown_table(rows, cols)
        )
    return write_results(
        "ccr",
        "CCR on held-out folds: translations, units and defaults",
        "\n\n".join(body),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    logging.getLogger("smote_variants").setLevel(logging.ERROR)
    import smote_variants as sv

    logging.getLogger("smote_variants").setLevel(logging.ERROR)
    methods = _methods(sv)
    summary = describe_imbalanced_datasets().sort_values("n_samples", kind="stable")
    names = args.only or list(summary["name"])
    started = time.time()
    per_dataset = {}
    for name in names:
        t0 = time.time()
        per_dataset[name] = run_dataset(name, methods, args.repeats)
        write(per_dataset, methods, args, started, sv.__version__, False)
        print(f"{name}: {time.time() - t0:.1f} s", flush=True)
    print("wrote", write(per_dataset, methods, args, started, sv.__version__, True))


if __name__ == "__main__":
    main()
