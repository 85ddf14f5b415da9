"""Quickstart: ``python -m sklearn_datacentric``.

The main job of the library, end to end on bundled real data: a grid search
over an imbalanced-learn pipeline whose resampler comes from this library,
scored on a held-out test split, beside the same pipeline without resampling;
conformal intervals under covariate shift; a rare ordinal event.  Each step
prints a progress line, each table is followed by a reading of it computed
from its numbers.  ``python -m sklearn_datacentric --help`` lists the options.
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np


class _Progress:
    """One line per step, with the seconds elapsed since the start."""

    def __init__(self, stream=None):
        self.start = time.perf_counter()
        self.stream = stream

    def __call__(self, message):
        elapsed = time.perf_counter() - self.start
        print(f"[{elapsed:6.1f} s] {message}", file=self.stream, flush=True)


def _silent(message):
    """A progress callback that prints nothing."""


def _verdict(diff, sd):
    """How a difference compares with its standard deviation, in words."""
    if diff == 0:
        return "no difference at all"
    if sd <= 0:
        return "no measured spread"
    ratio = abs(diff) / sd
    if ratio < 1:
        word = "well within the noise"
    elif ratio < 2:
        word = "within the noise"
    else:
        word = "a clear difference"
    return f"{ratio:.1f} times its spread, {word}"


def _paired_bootstrap_sd(y, pred_a, pred_b, metric, n_boot=200, seed=0):
    """Standard deviation of ``metric(a) - metric(b)`` over bootstrap resamples
    of the test rows (paired: the same rows for both)."""
    rng = np.random.default_rng(seed)
    n = len(y)
    diffs = []
    for _ in range(n_boot):
        idx = rng.integers(0, n, n)
        if len(np.unique(y[idx])) < 2:
            continue
        diffs.append(metric(y[idx], pred_a[idx]) - metric(y[idx], pred_b[idx]))
    return float(np.std(diffs, ddof=1))


def _table(rows, columns):
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in rows:
        out.append("  ".join(str(r[c]).ljust(w) for c, w in zip(columns, widths)))
    return "\n".join(out)


def imbalanced_classification(dataset="yeast4", random_state=0, progress=_silent):
    """Grid-search SMOTE-family resamplers in a pipeline; print test scores."""
    from imblearn.pipeline import Pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import (
        average_precision_score,
        balanced_accuracy_score,
        f1_score,
        roc_auc_score,
    )
    from sklearn.model_selection import (
        GridSearchCV,
        StratifiedKFold,
        train_test_split,
    )
    from sklearn.preprocessing import StandardScaler

    from sklearn_datacentric.datasets import load_imbalanced
    from sklearn_datacentric.over_sampling import ADASYN, SMOTE, BorderlineSMOTE

    X, y = load_imbalanced(dataset, return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=random_state
    )
    n_min, n = int(y.sum()), len(y)
    print(
        f"Dataset {dataset!r}: {n} rows, {X.shape[1]} features, "
        f"{n_min} minority ({n_min / n:.1%}).  70/30 stratified split; "
        "5-fold grid search on the training part, scores on the test part.\n"
    )
    cv = StratifiedKFold(5, shuffle=True, random_state=random_state)
    candidates = {
        "no resampling": (None, {}),
        "SMOTE": (SMOTE(random_state=random_state), {"k_neighbors": [3, 5, 7]}),
        "BorderlineSMOTE": (
            BorderlineSMOTE(random_state=random_state),
            {"k_neighbors": [3, 5], "kind": ["borderline-1", "borderline-2"]},
        ),
        "ADASYN": (ADASYN(random_state=random_state), {"n_neighbors": [3, 5, 7]}),
    }
    rows = []
    test_outputs = {}
    for step, (name, (sampler, sampler_grid)) in enumerate(candidates.items(), 1):
        pipe = Pipeline(
            [
                ("scale", StandardScaler()),
                ("resample", sampler),
                ("clf", LogisticRegression(max_iter=1000)),
            ]
        )
        grid = {"clf__C": [0.1, 1.0, 10.0]}
        grid.update({f"resample__{k}": v for k, v in sampler_grid.items()})
        search = GridSearchCV(pipe, grid, scoring="average_precision", cv=cv)
        n_candidates = int(np.prod([len(v) for v in grid.values()]))
        progress(
            f"grid search {step}/{len(candidates)}: {name}, {n_candidates} "
            f"candidates x {cv.get_n_splits()} folds"
        )
        t0 = time.perf_counter()
        search.fit(X_train, y_train)
        seconds = time.perf_counter() - t0
        proba = search.predict_proba(X_test)[:, 1]
        pred = search.predict(X_test)
        test_outputs[name] = (proba, pred)
        best = {
            k.split("__", 1)[1]: v
            for k, v in search.best_params_.items()
            if k.startswith("resample__")
        }
        rows.append(
            {
                "pipeline": name,
                "best resampler params": ", ".join(f"{k}={v}" for k, v in best.items())
                or "-",
                "CV AP": f"{search.best_score_:.3f}",
                "test AP": f"{average_precision_score(y_test, proba):.3f}",
                "test ROC AUC": f"{roc_auc_score(y_test, proba):.3f}",
                "test bal. acc.": f"{balanced_accuracy_score(y_test, pred):.3f}",
                "test F1": f"{f1_score(y_test, pred):.3f}",
                "fit s": f"{seconds:.1f}",
            }
        )
    print(_table(rows, list(rows[0])))
    print()
    print(_read_imbalanced(y_test, test_outputs, random_state))
    return rows


def _read_imbalanced(y_test, outputs, seed):
    """What won on the test split, by how much against a paired bootstrap
    spread, and why: ranking metrics against the metrics of the threshold."""
    from sklearn.metrics import (
        average_precision_score,
        balanced_accuracy_score,
        f1_score,
        precision_score,
    )

    ap = {k: average_precision_score(y_test, p) for k, (p, _) in outputs.items()}
    bal = {k: balanced_accuracy_score(y_test, d) for k, (_, d) in outputs.items()}
    base = "no resampling"
    best_ap = max(ap, key=ap.get)
    lines = []
    if best_ap == base:
        first, second = base, max((k for k in ap if k != base), key=ap.get)
    else:
        first, second = best_ap, base
    sd = _paired_bootstrap_sd(
        y_test, outputs[first][0], outputs[second][0], average_precision_score,
        seed=seed,
    )  # fmt: skip
    gap = ap[first] - ap[second]
    if first == base:
        lines.append(
            f"Test AP: no resampling wins ({ap[base]:.3f}); the best resampler, "
            f"{second}, is {gap:.3f} behind, {_verdict(gap, sd)} (paired "
            f"bootstrap sd {sd:.3f})."
        )
    else:
        lines.append(
            f"Test AP: {first} wins ({ap[first]:.3f}), {gap:+.3f} against no "
            f"resampling, {_verdict(gap, sd)} (paired bootstrap sd {sd:.3f})."
        )
    ap_noise = sd
    best_bal = max(bal, key=bal.get)
    sd_bal = _paired_bootstrap_sd(
        y_test, outputs[best_bal][1], outputs[base][1], balanced_accuracy_score,
        seed=seed,
    ) if best_bal != base else 0.0  # fmt: skip
    gain = bal[best_bal] - bal[base]
    if best_bal != base:
        lines.append(
            f"Balanced accuracy: {best_bal} wins ({bal[best_bal]:.3f}), "
            f"{gain:+.3f} against no resampling, {_verdict(gain, sd_bal)}."
        )
    else:
        lines.append(f"Balanced accuracy: no resampling wins ({bal[base]:.3f}).")
    f1 = {k: f1_score(y_test, d) for k, (_, d) in outputs.items()}
    precision = {
        k: precision_score(y_test, d, zero_division=0) for k, (_, d) in outputs.items()
    }
    if best_bal != base and f1[best_bal] < f1[base]:
        lines.append(
            f"F1 goes the other way ({f1[base]:.3f} without resampling, "
            f"{f1[best_bal]:.3f} with {best_bal}): precision falls from "
            f"{precision[base]:.3f} to {precision[best_bal]:.3f}, most of the "
            "extra minority predictions are majority rows."
        )
    ap_gap = max(abs(ap[k] - ap[base]) for k in ap)
    if gain > 2 * sd_bal and ap_gap <= 2 * ap_noise:
        lines.append(
            "Why: resampling moves the decision threshold towards the minority "
            "class (more minority rows predicted, so balanced accuracy rises) "
            "but barely changes how the model ranks the rows, which is all AP "
            "and ROC AUC measure: for a linear model, synthetic minority rows "
            "mostly shift the intercept.  Resample for the threshold it sets, "
            "or tune the threshold of the plain model instead."
        )
    elif ap_gap >= 2 * ap_noise and best_ap != base:
        lines.append(
            f"Why: {best_ap} changed the ranking itself, not only the "
            "threshold: its synthetic rows moved the decision boundary where "
            "the minority class is sparse."
        )
    else:
        lines.append(
            "Why: on a test split this small the differences between the "
            "pipelines are of the order of the sampling noise; with few "
            "minority rows, no method can be declared better here."
        )
    return "\n".join(_wrap(line) for line in lines)


def _wrap(text, width=79):
    import textwrap

    return textwrap.fill(text, width)


def conformal_under_shift(n_trials=30, random_state=0, progress=_silent):
    """Split vs weighted conformal intervals on tilted airfoil test sets."""
    from sklearn.linear_model import LinearRegression

    from sklearn_datacentric.conformal import (
        InfiniteIntervalWarning,
        SplitConformalRegressor,
        WeightedConformalRegressor,
    )
    from sklearn_datacentric.datasets import load_airfoil
    from sklearn_datacentric.metrics import regression_coverage_score

    warnings.simplefilter("ignore", InfiniteIntervalWarning)
    X, y = load_airfoil(return_X_y=True)
    X = X.copy()
    X[:, [0, 4]] = np.log(X[:, [0, 4]])  # log frequency, log thickness
    beta = np.array([-1.0, 0.0, 0.0, 0.0, 1.0])
    print(
        "UCI airfoil self-noise, Tibshirani et al. (2019) protocol: the test "
        "set is drawn with probability proportional to exp(x^T beta).  "
        f"{n_trials} random splits, nominal coverage 0.90; the weighted "
        "intervals estimate the likelihood ratio from the unlabelled test "
        "features (X_target).\n"
    )
    cover = {"split conformal": [], "weighted conformal": []}
    width = {"split conformal": [], "weighted conformal": []}
    rng = np.random.default_rng(random_state)
    for trial in range(n_trials):
        if trial % 10 == 0:
            progress(
                f"conformal trials {trial + 1}-{min(trial + 10, n_trials)} of "
                f"{n_trials}"
            )
        perm = rng.permutation(len(X))
        train, test = perm[: len(X) // 2], perm[len(X) // 2 :]
        w = np.exp(X[test] @ beta)
        shift = rng.choice(test, size=len(test) // 4, p=w / w.sum())
        fit_idx, cal_idx = train[: len(train) // 2], train[len(train) // 2 :]
        model = LinearRegression().fit(X[fit_idx], y[fit_idx])
        methods = {
            "split conformal": SplitConformalRegressor(model, prefit=True).fit(
                X[cal_idx], y[cal_idx]
            ),
            "weighted conformal": WeightedConformalRegressor(model, prefit=True).fit(
                X[cal_idx], y[cal_idx], X_target=X[shift]
            ),
        }
        for name, est in methods.items():
            iv = est.predict_interval(X[shift])[1][:, :, 0]
            cover[name].append(regression_coverage_score(y[shift], iv))
            finite = np.isfinite(iv).all(axis=1)
            width[name].append(np.median((iv[:, 1] - iv[:, 0])[finite]))
    rows = [
        {
            "method": name,
            "mean coverage": f"{np.mean(cover[name]):.3f}",
            "sd": f"{np.std(cover[name], ddof=1):.3f}",
            "median width": f"{np.median(width[name]):.2f}",
        }
        for name in cover
    ]
    print(_table(rows, list(rows[0])))
    print()
    print(_read_conformal(cover, width, level=0.9))
    return rows


def _read_conformal(cover, width, level):
    """Coverage of each method against the nominal level (in standard errors
    of the mean over trials), and the price in width."""
    lines = []
    for name, values in cover.items():
        values = np.asarray(values)
        mean, se = values.mean(), values.std(ddof=1) / np.sqrt(len(values))
        gap = mean - level
        if gap < -2 * se:
            what = "under-covers"
        elif gap > 2 * se:
            what = "over-covers"
        else:
            what = "reaches the nominal level"
        lines.append(
            f"{name.capitalize()} {what}: mean coverage {mean:.3f} against "
            f"{level:.2f}, {gap:+.3f} = {abs(gap) / se:.1f} standard errors "
            f"({len(values)} trials, sd {values.std(ddof=1):.3f})."
        )
    split, weighted = (np.asarray(cover[k]) for k in cover)
    w_split, w_weighted = (np.median(width[k]) for k in width)
    lines.append(
        f"Weighted intervals are {w_weighted / w_split - 1:+.0%} wider in median."
    )
    split_se = split.std(ddof=1) / np.sqrt(len(split))
    weighted_se = weighted.std(ddof=1) / np.sqrt(len(weighted))
    if (
        split.mean() < level - 2 * split_se
        and abs(weighted.mean() - level) <= 2 * weighted_se + 0.01
    ):
        lines.append(
            "Why: split conformal assumes the test points are exchangeable "
            "with the calibration points; the tilted test set has more points "
            "where the model errs more, so its residual quantile is too small. "
            "Weighting each calibration residual by the estimated likelihood "
            "ratio of test to training features puts the quantile where the "
            "test points are, which restores coverage at the price of width."
        )
    else:
        lines.append(
            "Why: the shift of these trials moved the residuals too little for "
            "the two methods to separate; weighting only pays when the test "
            "features concentrate where the model errs more."
        )
    return "\n".join(_wrap(line) for line in lines)


def rare_ordinal_event(random_state=0, progress=_silent):
    """PRESTO vs proportional odds vs logistic regression on a rare class."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_datacentric.datasets import load_wine_quality
    from sklearn_datacentric.ordinal import (
        PRESTOClassifierCV,
        ProportionalOddsClassifier,
    )

    X, y = load_wine_quality(return_X_y=True)
    # quality 3-5 | 6 | 7 | 8: the top class (quality 8) is the rare event
    y = np.digitize(y, [3, 4, 5])
    rare = y.max()
    scores = {"PRESTO (CV)": [], "proportional odds": [], "logistic, rare vs rest": []}
    alpha_ratios, n_rare_train = [], []
    for seed in range(5):
        progress(
            f"ordinal split {seed + 1}/5: PRESTO (CV), proportional odds, logistic"
        )
        X_tr, X_te, y_tr, y_te = train_test_split(
            X, y, test_size=0.3, stratify=y, random_state=random_state + seed
        )
        n_rare_train.append(int(np.sum(y_tr == rare)))
        models = {
            "PRESTO (CV)": PRESTOClassifierCV(random_state=seed),
            "proportional odds": ProportionalOddsClassifier(),
        }
        for name, model in models.items():
            p = model.fit(X_tr, y_tr).predict_rare_proba(X_te)
            scores[name].append(np.mean((p - (y_te == rare)) ** 2))
            if hasattr(model, "alpha_max_"):
                alpha_ratios.append(model.alpha_ / model.alpha_max_)
        lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        p = lr.fit(X_tr, y_tr == rare).predict_proba(X_te)[:, 1]
        scores["logistic, rare vs rest"].append(np.mean((p - (y_te == rare)) ** 2))
    print(
        "Red wine quality grouped into 4 ordered classes; the best wines "
        f"({np.mean(y == rare):.1%}) are the rare event.  Brier score of the "
        "rare-class probability x 1000 on 5 stratified 70/30 splits (lower "
        "is better).\n"
    )
    rows = [
        {
            "model": k,
            "rare-class Brier x 1000": f"{1000 * np.mean(v):.3f}",
            "sd": f"{1000 * np.std(v, ddof=1):.3f}",
        }
        for k, v in scores.items()
    ]
    print(_table(rows, list(rows[0])))
    print()
    print(_read_ordinal(scores, alpha_ratios, n_rare=int(np.median(n_rare_train))))
    return rows


def _read_ordinal(scores, alpha_ratios, n_rare):
    """Which model wins, by how much against the spread of the paired
    differences over the splits, and what PRESTO's cross-validation chose."""
    means = {k: np.mean(v) for k, v in scores.items()}
    order = sorted(means, key=means.get)
    best, second = order[0], order[1]
    diff = np.asarray(scores[second]) - np.asarray(scores[best])
    sd = diff.std(ddof=1) if len(diff) > 1 else 0.0
    lines = [
        f"{best} has the lowest rare-class Brier score; {second} is "
        f"{1000 * diff.mean():.3f} (x 1000) behind, "
        f"{_verdict(diff.mean(), sd)} (sd of the paired differences over "
        f"{len(diff)} splits {1000 * sd:.3f})."
    ]
    if sd > 0 and abs(diff.mean()) < 2 * sd:
        lines.append(
            f"So the {len(diff)} splits do not separate the two best models: "
            "with this few rare rows in each test set, the differences are "
            "of the order of the split-to-split noise."
        )
    ratio = float(np.median(alpha_ratios)) if alpha_ratios else float("nan")
    if ratio >= 0.999:
        shrink = (
            "chose the largest penalty, which is exactly proportional odds: the "
            "rare class's boundary looks parallel to the others here"
        )
    else:
        shrink = (
            f"chose a penalty of {ratio:.2g} x the one that forces proportional "
            "odds, so the rare class keeps its own, shrunken, slope differences"
        )
    why = (
        f"Why: the logistic model learns the rare boundary from the "
        f"{n_rare} rare rows of a training split alone; the ordinal models "
        "borrow strength from the boundaries between common classes.  PRESTO's cross-validation "
        f"{shrink}."
    )
    if best == "logistic, rare vs rest":
        why += (
            "  Here the separate model still wins: the rare boundary differs "
            "from the others by more than the ordinal models allow."
        )
    lines.append(why)
    return "\n".join(_wrap(line) for line in lines)


SECTIONS = {
    "imbalanced": (
        "Imbalanced classification: SMOTE family in a grid-searched pipeline",
        imbalanced_classification,
    ),
    "conformal": (
        "Prediction intervals that stay valid under covariate shift",
        conformal_under_shift,
    ),
    "ordinal": (
        "A rare event at the end of an ordinal scale: PRESTO",
        rare_ordinal_event,
    ),
}


def _numba_cache_present():
    """Whether numba has cached compiled kernels of this checkout on disk."""
    from pathlib import Path

    # numba writes its cache to NUMBA_CACHE_DIR when set, else next to the
    # source files (their __pycache__ folders)
    root = os.environ.get("NUMBA_CACHE_DIR") or Path(__file__).resolve().parent
    return next(Path(root).rglob("*.nbi"), None) is not None


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_datacentric",
        description=(
            "Quickstart of sklearn_datacentric on bundled real data: "
            "SMOTE-family resamplers in a grid-searched pipeline (KEEL yeast4), "
            "split against weighted conformal intervals under covariate shift "
            "(UCI airfoil), and PRESTO for a rare ordinal class (red wine "
            "quality).  Each table is followed by a reading of its numbers."
        ),
        epilog=(
            "The first run compiles the package's numba kernels and caches them "
            "on disk next to the source; later runs load them and are faster."
        ),
    )
    parser.add_argument(
        "--only",
        choices=sorted(SECTIONS),
        action="append",
        help="run only this section (repeat the option for several); "
        "default: all, in the order imbalanced, conformal, ordinal",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the splits and samplers (default: 0)",
    )
    parser.add_argument(
        "--n-trials",
        type=int,
        default=30,
        help="random splits of the conformal section (default: 30)",
    )
    return parser


def main(argv=None):
    """Run the quickstart; ``argv`` as for :mod:`argparse` (``None``: the
    command line)."""
    args = _parser().parse_args(argv)
    if args.n_trials < 2:
        _parser().error("--n-trials must be at least 2")
    warnings.filterwarnings("ignore", category=FutureWarning)
    progress = _Progress()
    if not _numba_cache_present():
        progress(
            "no numba cache on disk yet: this first run compiles the package's "
            "kernels (and caches them), so it is slower than the next ones"
        )
    names = [name for name in SECTIONS if not args.only or name in args.only]
    for name in names:
        title, section = SECTIONS[name]
        print(f"\n== {title}\n")
        kwargs = {"random_state": args.random_state, "progress": progress}
        if name == "conformal":
            kwargs["n_trials"] = args.n_trials
        section(**kwargs)
    progress("quickstart finished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
