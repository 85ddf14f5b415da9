"""Label-noise study: detection quality and test score after removal and refit.

Protocol (issue 10): for each bundled real dataset, repeat ``--repeats``
times: a stratified 70/30 train/test split; noise injected into the training
labels only (uniform or class-flip, at 10%, 20%, 40%); each detector flags
training rows; the flagged rows are removed and the downstream model is refit;
the score is measured on the clean test labels.  Every detector that needs
out-of-fold probabilities uses the *same* ones (5-fold stratified
HistGradientBoosting), so ConfidenceSelector and cleanlab 2.9's
``find_label_issues`` are compared on identical inputs.

Noise models
------------
uniform
    ``rate * n`` rows chosen at random move to a uniformly random other class.
class_flip
    Systematic confusion: in every class but the smallest, ``rate`` of its rows
    move to the next class (classes in sorted order, cyclically).  On binary
    data only the majority class is corrupted (majority -> minority).

Run ``python benchmarks/selection_noise_study.py --repeats 5`` (about 10-20
minutes on 2 shared cores); it writes ``benchmarks/results/selection_noise.md``.
``--active-only`` writes the active-learning table
``benchmarks/results/selection_active_learning.md`` (margin, entropy, least
confidence and random on the same datasets).  ``--quick`` runs a reduced
noise study.
"""

import argparse
import os
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.metrics import balanced_accuracy_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import markdown_table, write_results  # noqa: E402

from sklearn_datacentric import datasets  # noqa: E402
from sklearn_datacentric.selection import (  # noqa: E402
    AreaUnderMarginSelector,
    flag_label_errors,
    out_of_fold_proba,
)

DATASETS = {
    "breast_cancer": lambda: datasets.load_breast_cancer_wisconsin(return_X_y=True),
    "blood_transfusion": lambda: datasets.load_blood_transfusion(return_X_y=True),
    "pima": lambda: datasets.load_imbalanced("pima", return_X_y=True),
    "vehicle0": lambda: datasets.load_imbalanced("vehicle0", return_X_y=True),
    "wine_quality": lambda: datasets.load_wine_quality(return_X_y=True),
    "ringnorm_2000": lambda: _head(datasets.load_ringnorm(return_X_y=True), 2000),
}


def _head(Xy, n):
    X, y = Xy
    idx = np.random.RandomState(0).permutation(len(y))[:n]
    return X[idx], y[idx]


def inject_noise(y, kind, rate, rng):
    """Return noisy labels and the mask of corrupted rows."""
    y = np.asarray(y)
    classes, counts = np.unique(y, return_counts=True)
    y_new = y.copy()
    if kind == "uniform":
        idx = rng.choice(len(y), size=int(round(rate * len(y))), replace=False)
        for i in idx:
            y_new[i] = rng.choice(classes[classes != y[i]])
    elif kind == "class_flip":
        smallest = classes[np.argmin(counts)]
        for k, c in enumerate(classes):
            if c == smallest:
                continue
            rows = np.flatnonzero(y == c)
            pick = rng.choice(rows, size=int(round(rate * rows.size)), replace=False)
            y_new[pick] = classes[(k + 1) % classes.size]
    else:
        raise ValueError(kind)
    return y_new, y_new != y


def _model():
    return HistGradientBoostingClassifier(max_iter=100, early_stopping=False)


def _detectors(X, y, seed, cleanlab_filter):
    """Yield (method, flagged mask) on the training data."""
    proba = out_of_fold_proba(_model(), X, y, cv=5, random_state=seed)
    _, y_enc = np.unique(y, return_inverse=True)
    yield "none", np.zeros(len(y), dtype=bool)
    yield "ConfidenceSelector", flag_label_errors(y_enc, proba)
    if cleanlab_filter is not None:
        yield (
            "cleanlab find_label_issues",
            np.asarray(cleanlab_filter.find_label_issues(y_enc, proba, n_jobs=1)),
        )
    for pct in (99, 50):
        sel = AreaUnderMarginSelector(percentile=pct, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            sel.fit_resample(X, y)
        yield f"AUM (boosting, p{pct})", sel.mask_


def _keep_classes(y, flagged):
    """Never refit without a class: keep a class whose rows are all flagged."""
    flagged = flagged.copy()
    for c in np.unique(y):
        if flagged[y == c].all():
            flagged[y == c] = False
    return flagged


def run(dataset_names, kinds, rates, repeats, verbose=True):
    try:
        import cleanlab.filter as cleanlab_filter
    except ImportError:  # pragma: no cover
        cleanlab_filter = None
        print("cleanlab is not installed: its column is skipped", file=sys.stderr)
    rows = []
    for name in dataset_names:
        X, y = DATASETS[name]()
        for rep in range(repeats):
            X_tr, X_te, y_tr, y_te = train_test_split(
                X, y, test_size=0.3, stratify=y, random_state=rep
            )
            for kind in kinds:
                for rate in rates:
                    rng = np.random.RandomState(1000 * rep + int(100 * rate))
                    y_noisy, noise = inject_noise(y_tr, kind, rate, rng)
                    t0 = time.perf_counter()
                    for method, flagged in _detectors(
                        X_tr, y_noisy, rep, cleanlab_filter
                    ):
                        flagged = _keep_classes(y_noisy, flagged)
                        keep = ~flagged
                        model = clone(_model()).fit(X_tr[keep], y_noisy[keep])
                        score = balanced_accuracy_score(y_te, model.predict(X_te))
                        tp = int((flagged & noise).sum())
                        rows.append(
                            {
                                "dataset": name,
                                "noise": kind,
                                "rate": rate,
                                "repeat": rep,
                                "method": method,
                                "actual_noise": noise.mean(),
                                "removed": flagged.mean(),
                                "precision": tp / flagged.sum()
                                if flagged.any()
                                else np.nan,
                                "recall": tp / noise.sum() if noise.any() else np.nan,
                                "test_bal_acc": score,
                            }
                        )
                    if verbose:
                        print(
                            f"{name} rep={rep} {kind} {rate}: "
                            f"{time.perf_counter() - t0:.1f}s",
                            flush=True,
                        )
    return rows


def summarise(rows, by):
    import pandas as pd

    df = pd.DataFrame(rows)
    metrics = ["removed", "precision", "recall", "test_bal_acc"]
    g = df.groupby(by, sort=False)[metrics]
    mean, std = g.mean(), g.std()
    out = []
    for key in mean.index:
        row = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        for m in metrics:
            mu, sd = mean.loc[key, m], std.loc[key, m]
            row[m] = (
                "-" if np.isnan(mu) else f"{mu:.3f} ± {0 if np.isnan(sd) else sd:.3f}"
            )
        out.append(row)
    return out, metrics


def active_learning_table(names, repeats):
    """Active-learning curves on bundled datasets: every strategy vs random."""
    from sklearn_datacentric.selection import simulate_active_learning

    rows = []
    for name in names:
        X, y = DATASETS[name]()
        curves = simulate_active_learning(
            None,
            X,
            y,
            n_initial=20,
            batch_size=10,
            n_rounds=20,
            n_repeats=repeats,
            scoring="balanced_accuracy",
            random_state=0,
        )
        rand = curves.area_under_curve("random")
        for s in curves.scores:
            auc = curves.area_under_curve(s)
            final = curves.scores[s][:, -1]
            diff = auc - rand
            rows.append(
                {
                    "dataset": name,
                    "strategy": s,
                    "mean over curve": f"{auc.mean():.3f} ± {auc.std(ddof=1):.3f}",
                    "final (220 labels)": f"{final.mean():.3f} ± {final.std(ddof=1):.3f}",
                    "minus random (paired)": f"{diff.mean():+.3f} ± {diff.std(ddof=1):.3f}",
                    "wins vs random": f"{int((diff > 0).sum())}/{repeats}",
                }
            )
        print(f"active learning {name} done", flush=True)
    body = (
        "Pool-based simulation (`simulate_active_learning`): scaled logistic "
        "regression, 20 stratified initial labels, 20 rounds of 10 queries, "
        f"{repeats} repeats (each a stratified 70/30 pool/test split and its "
        "own initial set, shared by all strategies).  Balanced accuracy on "
        "the test split; `mean over curve` is the normalised area under the "
        "learning curve; `minus random` is the paired difference of that "
        "area with random selection.  On binary data margin, entropy and "
        "least confidence order the pool identically (monotone functions of "
        "the same probability), so their rows coincide; only wine_quality "
        "(6 classes) separates them.\n\n"
        + markdown_table(
            rows,
            [
                "dataset",
                "strategy",
                "mean over curve",
                "final (220 labels)",
                "minus random (paired)",
                "wins vs random",
            ],
        )
    )
    return write_results(
        "selection_active_learning", "Active learning against random", body
    )


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="reduced run")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument(
        "--active-only", action="store_true", help="only the active-learning table"
    )
    args = p.parse_args(argv)
    if args.active_only:
        print(active_learning_table(list(DATASETS), max(args.repeats, 2)))
        return None
    if args.quick:
        names, kinds, rates, repeats = ["breast_cancer", "pima"], ["uniform"], [0.2], 1
    else:
        names, kinds, rates = list(DATASETS), ["uniform", "class_flip"], [0.1, 0.2, 0.4]
        repeats = args.repeats
    t0 = time.perf_counter()
    rows = run(names, kinds, rates, repeats)
    overall, metrics = summarise(rows, ["noise", "rate", "method"])
    detail, _ = summarise(rows, ["dataset", "noise", "rate", "method"])
    body = (
        f"Datasets: {', '.join(names)}; noise {', '.join(kinds)} at "
        f"{', '.join(str(r) for r in rates)}; {repeats} repeat(s) (stratified "
        "70/30 split, noise in the training labels only).  Out-of-fold "
        "probabilities: 5-fold HistGradientBoostingClassifier(max_iter=100), "
        "the same for ConfidenceSelector (prune_by_noise_rate) and cleanlab "
        "2.9 `find_label_issues` (defaults).  AUM: AreaUnderMarginSelector "
        "with its default boosting model (two runs, disjoint threshold "
        "slices), cut-off at the 99th (paper) and 50th percentile of the "
        "threshold samples' AUM.  Downstream: HistGradientBoostingClassifier "
        "refit on the kept rows, balanced accuracy on the clean test labels.  "
        "Entries are mean ± sd over datasets x repeats (first table) or "
        "repeats (second).  `removed` is the fraction of training rows "
        "dropped; precision/recall of the flagged rows against the corrupted "
        "ones (`-` when nothing is flagged).  A class whose rows are all "
        "flagged is kept.\n\n"
        f"Total time {time.perf_counter() - t0:.0f} s.\n\n"
        "## Averaged over datasets\n\n"
        + markdown_table(overall, ["noise", "rate", "method", *metrics])
        + "\n\n## Per dataset\n\n"
        + markdown_table(detail, ["dataset", "noise", "rate", "method", *metrics])
    )
    name = "selection_noise_quick" if args.quick else "selection_noise"
    path = write_results(name, "Label-noise detection and removal", body)
    print(f"wrote {path}")
    return rows


if __name__ == "__main__":
    main()
