"""Time and peak memory of the selectors at 100k rows, beside cleanlab 2.9.

Same inputs for both sides in every pair:

* flagging from given out-of-fold probabilities (100k rows, 10 classes):
  ``flag_label_errors`` vs ``cleanlab.filter.find_label_issues(n_jobs=1)``;
  label-quality ranking: ``label_quality_scores`` vs
  ``cleanlab.rank.get_label_quality_scores``;
* end to end from ``(X, y)`` (100k x 20, 10 classes, 10% uniform noise,
  5-fold logistic regression): ``ConfidenceSelector.fit_resample`` vs
  ``cleanlab.classification.CleanLearning.find_label_issues``;
* regression end to end (100k x 10, 5% gross errors, LinearRegression on
  both sides): ``RegressionResidualSelector`` vs
  ``cleanlab.regression.learn.CleanLearning.find_label_issues`` (which also
  searches the fraction to remove with extra cross-validated fits).

The other selectors (AUM, EL2N, random pruning, active-learning queries) have
no cleanlab counterpart and are reported alone.  OMP_NUM_THREADS=1 for both
sides.  Run ``python benchmarks/bench_selection.py``; it writes
``benchmarks/results/selection.md``.
"""

import os
import sys
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import markdown_table, measure, write_results  # noqa: E402

from sklearn_datacentric.selection import (  # noqa: E402
    AreaUnderMarginSelector,
    ConfidenceSelector,
    EL2NPruner,
    RandomPruner,
    RegressionResidualSelector,
    UncertaintySampler,
    flag_label_errors,
    label_quality_scores,
    out_of_fold_proba,
)

N = 100_000


def _classification():
    X, y = make_classification(
        n_samples=N,
        n_features=20,
        n_informative=10,
        n_classes=10,
        n_clusters_per_class=1,
        random_state=0,
    )
    rng = np.random.RandomState(0)
    noisy = rng.rand(N) < 0.1
    y = y.copy()
    y[noisy] = (y[noisy] + rng.randint(1, 10, noisy.sum())) % 10
    return X, y


def _lr():
    return LogisticRegression(max_iter=200)


def main():
    import cleanlab
    import cleanlab.filter
    import cleanlab.rank
    import cleanlab.regression.rank
    from cleanlab.classification import CleanLearning

    X, y = _classification()
    proba = out_of_fold_proba(_lr(), X, y, cv=5, random_state=0)
    rows = []

    def pair(task, ours, theirs):
        a = measure(*ours)
        b = measure(*theirs)
        rows.append(
            {
                "task": task,
                "ours_s": a["seconds"],
                "cleanlab_s": b["seconds"],
                "speedup": b["seconds"] / a["seconds"],
                "ours_peak_MiB": a["peak_mib"],
                "cleanlab_peak_MiB": b["peak_mib"],
                "agreement": _agreement(a["result"], b["result"]),
            }
        )
        print(rows[-1], flush=True)

    def flags_ours():
        m = flag_label_errors(y, proba)
        return ("mask", int(m.sum()), _hash(m))

    def flags_theirs():
        m = cleanlab.filter.find_label_issues(y, proba, n_jobs=1)
        return ("mask", int(m.sum()), _hash(m))

    pair(
        "flag from OOF probabilities (100k x 10 classes)",
        (flags_ours,),
        (flags_theirs,),
    )

    def rank_ours():
        return float(label_quality_scores(y, proba).sum())

    def rank_theirs():
        return float(
            cleanlab.rank.get_label_quality_scores(
                y, proba, method="self_confidence"
            ).sum()
        )

    pair("self-confidence ranking", (rank_ours,), (rank_theirs,))

    def e2e_ours():
        sel = ConfidenceSelector(_lr(), random_state=0)
        sel.fit_resample(X, y)
        return ("n", int(sel.mask_.sum()))

    def e2e_theirs():
        cl = CleanLearning(_lr(), cv_n_folds=5, seed=0, verbose=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            issues = cl.find_label_issues(X, y)
        return ("n", int(issues["is_label_issue"].sum()))

    pair(
        "end to end: 5-fold LR + flagging (100k x 20)",
        (e2e_ours,),
        (e2e_theirs,),
    )

    # regression, end to end with the same linear model on both sides
    from cleanlab.regression.learn import CleanLearning as RegCleanLearning
    from sklearn.linear_model import LinearRegression

    Xr, yr = make_regression(n_samples=N, n_features=10, noise=5.0, random_state=0)
    rng = np.random.RandomState(1)
    bad = rng.rand(N) < 0.05
    yr = yr.copy()
    yr[bad] += rng.choice([-1, 1], bad.sum()) * 40.0

    def reg_ours():
        sel = RegressionResidualSelector(LinearRegression(), random_state=0)
        sel.fit_resample(Xr, yr)
        return ("mask", int(sel.mask_.sum()), tuple(np.flatnonzero(sel.mask_).tolist()))

    def reg_theirs():
        cl = RegCleanLearning(LinearRegression(), n_boot=5, seed=0, verbose=False)
        issues = cl.find_label_issues(Xr, yr)
        m = issues["is_label_issue"].to_numpy()
        return ("mask", int(m.sum()), tuple(np.flatnonzero(m).tolist()))

    pair(
        "regression end to end: LinearRegression, 5 folds, 5 bootstraps (100k x 10)",
        (reg_ours,),
        (reg_theirs,),
    )
    true_bad = set(np.flatnonzero(bad).tolist())
    # precision / recall against the injected errors, from the same runs
    ours_set, theirs_set = set(reg_ours()[2]), set(reg_theirs()[2])
    rows[-1]["agreement"] += "; precision/recall vs injected: " + ", ".join(
        f"{who} {len(s & true_bad) / max(len(s), 1):.2f}/{len(s & true_bad) / len(true_bad):.2f}"
        for who, s in (("ours", ours_set), ("cleanlab", theirs_set))
    )

    # selectors with no cleanlab counterpart
    alone = []

    def alone_row(task, fn):
        r = measure(fn)
        alone.append({"task": task, "seconds": r["seconds"], "peak_MiB": r["peak_mib"]})
        print(alone[-1], flush=True)

    def run(sel, Xa=X, ya=y):
        def fn():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sel.fit_resample(Xa, ya)
            return int(sel.mask_.sum())

        return fn

    alone_row(
        "AreaUnderMarginSelector (HGB 50 iter x 2 runs)",
        run(AreaUnderMarginSelector(random_state=0)),
    )
    alone_row("EL2NPruner (5 MLP fits x 10 epochs)", run(EL2NPruner(random_state=0)))
    alone_row("RandomPruner", run(RandomPruner(random_state=0)))
    alone_row(
        "RegressionResidualSelector (HGB, 5 folds x (1 + 5 bootstrap) + scale model)",
        run(RegressionResidualSelector(random_state=0), Xr, yr),
    )
    al = UncertaintySampler(_lr(), random_state=0).fit(X[:5000], y[:5000])
    alone_row(
        "UncertaintySampler.select(95k pool, 1000)",
        lambda: int(al.select(X[5000:], 1000)[0]),
    )

    body = (
        f"{N} rows; OMP_NUM_THREADS=1; cleanlab {cleanlab.__version__}.  "
        f"Regression: {len(true_bad)} rows shifted by 40 (noise sd 5).  "
        "`speedup` = cleanlab seconds / ours (>1: ours faster); peak memory "
        "of the call above the process's starting point (harness.measure, "
        "forked child).  `agreement`: same flagged rows (Jaccard) or same "
        "count where only counts are returned.\n\n"
        "## Side by side with cleanlab\n\n"
        + markdown_table(
            rows,
            [
                "task",
                "ours_s",
                "cleanlab_s",
                "speedup",
                "ours_peak_MiB",
                "cleanlab_peak_MiB",
                "agreement",
            ],
        )
        + "\n\n## Selectors without a cleanlab counterpart\n\n"
        + markdown_table(alone, ["task", "seconds", "peak_MiB"])
    )
    print(write_results("selection", "Selection: time and memory at 100k rows", body))


def _hash(mask):
    return tuple(np.flatnonzero(mask).tolist())


def _agreement(a, b):
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "mask":
        sa, sb = set(a[2]), set(b[2])
        j = len(sa & sb) / max(len(sa | sb), 1)
        return f"n={a[1]} vs {b[1]}, Jaccard={j:.3f}"
    if isinstance(a, tuple) and isinstance(b, tuple):
        return f"n={a[1]} vs {b[1]}"
    return ""


if __name__ == "__main__":
    main()
