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

Second part (``--scores``): every split method that MAPIE 1.6 also has,
ours against MAPIE's on the same prefit model and data (absolute, gamma and
residual-normalised scores, CQR; LAC, APS, RAPS), timed interleaved (ours,
MAPIE, ours, ...; best of the repeats), with peak memory, coverage and mean
width / set size, at three confidence levels in one call.

Run ``python benchmarks/bench_conformal.py [--speed] [--scores]`` (both by
default); writes ``benchmarks/results/conformal.md`` and
``benchmarks/results/conformal_vs_mapie.md``.  Threads are pinned to 1 per
process (``OMP_NUM_THREADS=1`` etc.), fair to both sides.
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
from mapie.classification import (  # noqa: E402
    SplitConformalClassifier as MapieSplitClassifier,
)
from mapie.conformity_scores import ResidualNormalisedScore  # noqa: E402
from mapie.regression import (  # noqa: E402
    ConformalizedQuantileRegressor as MapieCQR,
)
from mapie.regression import SplitConformalRegressor as MapieSplit  # noqa: E402
from sklearn.compose import TransformedTargetRegressor  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import HistGradientBoostingRegressor  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression  # noqa: E402

from sklearn_datacentric.conformal import (  # noqa: E402
    APSScore,
    LRQRConformalRegressor,
    RAPSScore,
    ResidualNormalizedScore,
    SplitConformalClassifier,
    SplitConformalRegressor,
    WeightedConformalRegressor,
)
from sklearn_datacentric.datasets import load_communities_crime  # noqa: E402
from sklearn_datacentric.metrics import (  # noqa: E402
    classification_coverage_score,
    mean_interval_width,
    mean_set_size,
    regression_coverage_score,
)

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
        iv = est.predict_interval(d["X_test"])[1][:, :, 0]
    return float(np.mean((iv[:, 0] <= d["y_test"]) & (d["y_test"] <= iv[:, 1])))


def run_weighted(d):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = WeightedConformalRegressor(d["model"], prefit=True)
        est.fit(d["X_cal"], d["y_cal"], X_target=d["X_unlab"])
        iv = est.predict_interval(d["X_test"])[1][:, :, 0]
    return float(np.mean((iv[:, 0] <= d["y_test"]) & (d["y_test"] <= iv[:, 1])))


def run_split(d):
    est = SplitConformalRegressor(d["model"], prefit=True).fit(d["X_cal"], d["y_cal"])
    iv = est.predict_interval(d["X_test"])[1][:, :, 0]
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
    a = ours.predict_interval(d["X_test"])[1]
    b = theirs.predict_interval(d["X_test"])[1]
    return float(np.max(np.abs(a - b)))


def _warmup():
    # compile (or load from cache) the numba kernels outside the timing
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = X[:, 0] + rng.normal(size=60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        LRQRConformalRegressor(random_state=0).fit(X, y, X_target=X[:30] + 1)


def speed():
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
        "(`OMP_NUM_THREADS=1`), numba kernels compiled before timing; the "
        "machine was shared with other jobs, so read the ratios.\n\n"
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


# ----------------------------------------------------------------------------
# every split method MAPIE also has, ours vs MAPIE 1.6
# ----------------------------------------------------------------------------
LEVELS = [0.8, 0.9, 0.95]
N_CAL, N_TEST = 20000, 20000
N_REPEAT_SCORES = 3


def regression_data(seed=0, positive=False):
    rng = np.random.default_rng(seed)
    n = 5000 + N_CAL + N_TEST
    X = rng.normal(size=(n, 5))
    noise = rng.normal(size=n) * (0.3 + np.abs(X[:, 0]))
    if positive:
        y = np.exp(0.5 * (X[:, :3] @ [1.0, -0.5, 0.3]) + 0.3 * noise)
        model = TransformedTargetRegressor(
            LinearRegression(), func=np.log, inverse_func=np.exp
        )
    else:
        y = X[:, :3] @ [1.0, -0.5, 0.3] + noise
        model = LinearRegression()
    tr, cal = slice(0, 5000), slice(5000, 5000 + N_CAL)
    te = slice(5000 + N_CAL, None)
    return {
        "model": model.fit(X[tr], y[tr]),
        "X_train": X[tr],
        "y_train": y[tr],
        "X_cal": X[cal],
        "y_cal": y[cal],
        "X_test": X[te],
        "y_test": y[te],
    }


def classification_data(seed=0):
    X, y = make_classification(
        n_samples=5000 + N_CAL + N_TEST,
        n_features=20,
        n_informative=10,
        n_classes=10,
        n_clusters_per_class=1,
        class_sep=1.0,
        random_state=seed,
    )
    tr, cal = slice(0, 5000), slice(5000, 5000 + N_CAL)
    te = slice(5000 + N_CAL, None)
    return {
        "model": LogisticRegression(max_iter=2000).fit(X[tr], y[tr]),
        "X_cal": X[cal],
        "y_cal": y[cal],
        "X_test": X[te],
        "y_test": y[te],
    }


def _interval_summary(d, y_pis):
    cov = np.atleast_1d(regression_coverage_score(d["y_test"], y_pis))
    width = np.atleast_1d(mean_interval_width(y_pis))
    return tuple(round(float(v), 4) for v in (*cov, *width))


def _set_summary(d, y_pss):
    cov = np.atleast_1d(classification_coverage_score(d["y_test"], y_pss))
    size = np.atleast_1d(mean_set_size(y_pss))
    return tuple(round(float(v), 4) for v in (*cov, *size))


def ours_regression(d, score, levels=LEVELS):
    est = SplitConformalRegressor(
        d["model"], prefit=True, confidence_level=levels, conformity_score=score
    )
    est.conformalize(d["X_cal"], d["y_cal"])
    return _interval_summary(d, est.predict_interval(d["X_test"])[1])


def mapie_regression(d, score, levels=LEVELS):
    est = MapieSplit(
        d["model"], prefit=True, confidence_level=levels, conformity_score=score
    )
    est.conformalize(d["X_cal"], d["y_cal"])
    return _interval_summary(d, est.predict_interval(d["X_test"])[1])


def _hgb_quantile():
    return HistGradientBoostingRegressor(loss="quantile", max_iter=50, random_state=0)


def ours_cqr(d):
    est = SplitConformalRegressor(
        _hgb_quantile(), conformity_score="cqr", calibration_size=None
    )
    est.fit(d["X_train"], d["y_train"]).conformalize(d["X_cal"], d["y_cal"])
    return _interval_summary(d, est.predict_interval(d["X_test"])[1])


def mapie_cqr(d):
    est = MapieCQR(_hgb_quantile(), confidence_level=0.9)
    est.fit(d["X_train"], d["y_train"]).conformalize(d["X_cal"], d["y_cal"])
    return _interval_summary(d, est.predict_interval(d["X_test"])[1])


def ours_classification(d, score):
    est = SplitConformalClassifier(
        d["model"],
        prefit=True,
        confidence_level=LEVELS,
        conformity_score=score,
        random_state=0,
    )
    est.conformalize(d["X_cal"], d["y_cal"])
    return _set_summary(d, est.predict_set(d["X_test"])[1])


def mapie_classification(d, score, params=None):
    est = MapieSplitClassifier(
        d["model"],
        prefit=True,
        confidence_level=LEVELS,
        conformity_score=score,
        random_state=0,
    )
    est.conformalize(d["X_cal"], d["y_cal"])
    _, y_pss = est.predict_set(d["X_test"], conformity_score_params=params)
    return _set_summary(d, y_pss)


def scores():
    reg = regression_data(0)
    pos = regression_data(1, positive=True)
    clf = classification_data(0)
    cases = [
        # (family, what, ours (fn, args), MAPIE (fn, args), note)
        (
            "regression",
            "absolute",
            (ours_regression, (reg, "absolute")),
            (mapie_regression, (reg, "absolute")),
            "same definition",
        ),
        (
            "regression",
            "gamma",
            (ours_regression, (pos, "gamma")),
            (mapie_regression, (pos, "gamma")),
            "same definition",
        ),
        (
            "regression",
            "residual_normalized",
            (ours_regression, (reg, ResidualNormalizedScore(random_state=0))),
            (mapie_regression, (reg, ResidualNormalisedScore(random_state=0))),
            "same definition and split of the calibration rows",
        ),
        (
            "regression",
            "CQR (0.9 only; fit included)",
            (ours_cqr, (reg,)),
            (mapie_cqr, (reg,)),
            "MAPIE default: asymmetric correction, a third (median) model; "
            "with symmetric_correction=True the intervals are equal (test)",
        ),
        (
            "classification",
            "LAC",
            (ours_classification, (clf, "lac")),
            (mapie_classification, (clf, "lac")),
            "same definition",
        ),
        (
            "classification",
            "APS (deterministic)",
            (ours_classification, (clf, APSScore())),
            (mapie_classification, (clf, "aps")),
            "MAPIE randomises the calibration scores, then include_last_label=True",
        ),
        (
            "classification",
            "APS (randomised)",
            (ours_classification, (clf, APSScore(randomized=True))),
            (mapie_classification, (clf, "aps", {"include_last_label": "randomized"})),
            "same definition, different uniforms",
        ),
        (
            "classification",
            "RAPS (deterministic)",
            (ours_classification, (clf, RAPSScore(lambda_=0.01, k_reg=1))),
            (mapie_classification, (clf, "raps")),
            "MAPIE tunes lambda and k_reg on 20% of the calibration rows",
        ),
    ]
    rows = []
    for family, what, (fo, ao), (fm, am), note in cases:
        runs_o, runs_m = [], []
        for _ in range(N_REPEAT_SCORES):  # interleaved: ours, MAPIE, ours, ...
            runs_o.append(measure(fo, *ao))
            runs_m.append(measure(fm, *am))
        t_o = min(r["seconds"] for r in runs_o)
        t_m = min(r["seconds"] for r in runs_m)
        m_o = min(r["peak_mib"] for r in runs_o)
        m_m = min(r["peak_mib"] for r in runs_m)
        res_o, res_m = runs_o[0]["result"], runs_m[0]["result"]
        k = len(res_o) // 2
        row = {
            "family": family,
            "method": what,
            "ours s": t_o,
            "MAPIE s": t_m,
            "time ours / MAPIE": t_o / t_m,
            "ours MiB": m_o,
            "MAPIE MiB": m_m,
            "coverage ours": " / ".join(f"{v:.3f}" for v in res_o[:k]),
            "coverage MAPIE": " / ".join(f"{v:.3f}" for v in res_m[: len(res_m) // 2]),
            "width or size ours": " / ".join(f"{v:.3g}" for v in res_o[k:]),
            "width or size MAPIE": " / ".join(
                f"{v:.3g}" for v in res_m[len(res_m) // 2 :]
            ),
            "note": note,
        }
        rows.append(row)
        print(row)
    cols = list(rows[0])
    body = (
        f"Split conformal, ours against MAPIE 1.6 on the same prefit model and "
        f"data: {N_CAL} calibration and {N_TEST} test rows; confidence levels "
        f"{' / '.join(map(str, LEVELS))} in one call (CQR: 0.9, model fits "
        "included: HistGradientBoostingRegressor(loss='quantile', max_iter=50), "
        "two models for ours, three for MAPIE). Regression: 5 features, noise "
        "growing with |x0|, linear model (gamma: positive targets, log-linear "
        "model); classification: make_classification with 10 classes, 20 "
        "features, logistic regression. Each call runs in a forked child "
        f"(conformalize + predict + metrics), {N_REPEAT_SCORES} repeats "
        "interleaved ours / MAPIE, best time and smallest peak resident memory "
        "above the child's start. The machine was shared with other jobs: "
        "ratios, measured in the same run, are what to read.\n\n"
        + markdown_table(rows, cols)
        + "\n\nReproduce: `python benchmarks/bench_conformal.py --scores`.\n"
    )
    path = write_results(
        "conformal_vs_mapie", "Conformal scores: ours vs MAPIE 1.6", body
    )
    print("wrote", path)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    run_speed = "--speed" in argv or not argv
    run_scores = "--scores" in argv or not argv
    if run_speed:
        speed()
    if run_scores:
        scores()


if __name__ == "__main__":
    main()
