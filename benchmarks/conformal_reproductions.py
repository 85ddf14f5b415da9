"""Reproductions of the covariate-shift conformal experiments.

(a) Tibshirani, Barber, Candes, Ramdas (2019), airfoil: the UCI airfoil
    self-noise data (log frequency and log suction-side displacement
    thickness); each trial splits the data in two halves D_train / D_test,
    draws a shifted test set D_shift of 25% of |D_test| points from D_test
    with replacement with probabilities proportional to exp(x^T beta),
    beta = (-1, 0, 0, 0, 1); D_train is halved again into a fitting part
    (least squares) and a calibration part.  Split conformal (unweighted),
    weighted conformal with the oracle ratio exp(x^T beta) and with a ratio
    estimated by logistic regression (``DiscriminativeDensityRatio``, D_train
    calibration features vs D_shift features), and LR-QR; nominal 0.9.
(b) Joshi, Kiyani, Pappas, Dobriban, Hassani (2025), Communities and Crime:
    ridge regression (5-fold CV over its penalty) on a random half; the other
    half split at the median of one of the four race-share features (source
    below or at the median, target above); the target halved into an
    unlabelled and a labelled test sample; split CP, weighted CP (logistic
    regression density ratio) and LR-QR (lam by the paper's rule); nominal
    0.9; score |y - f(x)|.

Run ``python benchmarks/conformal_reproductions.py [--trials N] [--splits M]``
(defaults: 1000 airfoil trials, 200 Communities-and-Crime splits).  Writes
``benchmarks/results/conformal_airfoil.md`` and
``benchmarks/results/conformal_communities.md``.  One core.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.linear_model import LinearRegression, Ridge  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import markdown_table, write_results  # noqa: E402

from sklearn_datacentric.conformal import (  # noqa: E402
    InfiniteIntervalWarning,
    LRQRConformalRegressor,
    SplitConformalRegressor,
    WeightedConformalRegressor,
)
from sklearn_datacentric.datasets import (  # noqa: E402
    load_airfoil,
    load_communities_crime,
)

NOMINAL = 0.9
RACE_FEATURES = ["racepctblack", "racePctWhite", "racePctAsian", "racePctHisp"]
N_ABLATION = 50  # Communities and Crime: ablation rows on the first 50 splits


def _evaluate(iv, y):
    covered = (iv[:, 0] <= y) & (y <= iv[:, 1])
    width = iv[:, 1] - iv[:, 0]
    return covered.mean(), np.median(width), np.mean(np.isinf(width)), width


# ----------------------------------------------------------------------------
# (a) airfoil
# ----------------------------------------------------------------------------
def airfoil_data():
    data = load_airfoil(as_frame=True)
    X = data.data.copy()
    X["frequency"] = np.log(X["frequency"])
    X["suction_side_displacement_thickness"] = np.log(
        X["suction_side_displacement_thickness"]
    )
    return X.to_numpy(dtype=np.float64), data.target.to_numpy(dtype=np.float64)


AIRFOIL_BETA = np.array([-1.0, 0.0, 0.0, 0.0, 1.0])


def airfoil_trial(X, y, seed):
    rng = np.random.default_rng(seed)
    n = len(X)
    perm = rng.permutation(n)
    train, test = perm[: n // 2], perm[n // 2 :]
    w = np.exp(X[test] @ AIRFOIL_BETA)
    shift = rng.choice(
        test, size=int(round(0.25 * len(test))), replace=True, p=w / w.sum()
    )
    fit_idx, cal_idx = train[: len(train) // 2], train[len(train) // 2 :]
    model = LinearRegression().fit(X[fit_idx], y[fit_idx])
    Xc, yc, Xs, ys = X[cal_idx], y[cal_idx], X[shift], y[shift]
    out = {}
    split = SplitConformalRegressor(model, prefit=True).fit(Xc, yc)
    out["split CP, exchangeable test set"] = _evaluate(
        split.predict_interval(X[test]), y[test]
    )
    out["split CP"] = _evaluate(split.predict_interval(Xs), ys)
    oracle = WeightedConformalRegressor(
        model, prefit=True, weighting=lambda Z: np.exp(Z @ AIRFOIL_BETA)
    ).fit(Xc, yc, X_target=Xs)
    out["weighted CP, oracle ratio"] = _evaluate(oracle.predict_interval(Xs), ys)
    est = WeightedConformalRegressor(model, prefit=True).fit(Xc, yc, X_target=Xs)
    out["weighted CP, logistic-regression ratio"] = _evaluate(
        est.predict_interval(Xs), ys
    )
    lrqr = LRQRConformalRegressor(model, prefit=True, random_state=seed).fit(
        Xc, yc, X_target=Xs
    )
    out["LR-QR"] = _evaluate(lrqr.predict_interval(Xs), ys)
    _ablation(out, model, Xc, yc, Xs, Xs, ys, lrqr.lams_[-1])
    return out


ABLATIONS = (
    "LR-QR ablation: lam = 0 (quantile regression)",
    "LR-QR ablation: lam = lam*/100",
)
PCA_ABLATION = "LR-QR ablation: feature_map = PCA(5), paper's lam rule"


def _ablation(out, model, Xc, yc, Xu, Xte, yte, lam_star):
    """Fixed-lam fits (the paper's Appendix B ablation), not chosen on test data."""
    for name, lam in zip(ABLATIONS, (0.0, lam_star / 100)):
        est = LRQRConformalRegressor(model, prefit=True, lam=lam).fit(
            Xc, yc, X_target=Xu
        )
        out[name] = _evaluate(est.predict_interval(Xte), yte)


# ----------------------------------------------------------------------------
# (b) Communities and Crime
# ----------------------------------------------------------------------------
def communities_data():
    data = load_communities_crime(as_frame=True)
    cols = list(data.data.columns)
    return (
        data.data.to_numpy(dtype=np.float64),
        data.target.to_numpy(dtype=np.float64),
        [cols.index(f) for f in RACE_FEATURES],
    )


RIDGE_ALPHAS = np.logspace(-3, 3, 13)


def ridge_5fold(X, y, seed):
    """Ridge with its penalty chosen by 5-fold CV (mean squared error).

    Same selection as ``RidgeCV(alphas, cv=KFold(5))``, computed with one SVD
    per fold instead of a grid search (fast enough for hundreds of splits).
    """
    folds = np.random.default_rng(seed).permutation(len(X)) % 5
    err = np.zeros(len(RIDGE_ALPHAS))
    for k in range(5):
        tr, va = folds != k, folds == k
        xm, ym = X[tr].mean(0), y[tr].mean()
        U, d, Vt = np.linalg.svd(X[tr] - xm, full_matrices=False)
        uty = U.T @ (y[tr] - ym)
        for j, a in enumerate(RIDGE_ALPHAS):
            coef = Vt.T @ (d / (d**2 + a) * uty)
            err[j] += np.sum((y[va] - ym - (X[va] - xm) @ coef) ** 2)
    return Ridge(alpha=RIDGE_ALPHAS[int(np.argmin(err))]).fit(X, y)


def communities_split(X, y, feature_cols, seed, ablation=True):
    """One random split; results for each of the four shift scenarios."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(X))
    half = len(X) // 2
    tr, rest = perm[:half], perm[half:]
    model = ridge_5fold(X[tr], y[tr], seed)
    Xr, yr = X[rest], y[rest]
    out = {}
    for name, col in zip(RACE_FEATURES, feature_cols):
        med = np.median(Xr[:, col])
        src = Xr[:, col] <= med
        Xs, ys, Xt, yt = Xr[src], yr[src], Xr[~src], yr[~src]
        p = rng.permutation(len(Xt))
        k = len(Xt) // 2
        Xu, Xte, yte = Xt[p[:k]], Xt[p[k:]], yt[p[k:]]
        res = {}
        split = SplitConformalRegressor(model, prefit=True).fit(Xs, ys)
        res["split CP"] = _evaluate(split.predict_interval(Xte), yte)
        wcp = WeightedConformalRegressor(model, prefit=True).fit(Xs, ys, X_target=Xu)
        res["weighted CP"] = _evaluate(wcp.predict_interval(Xte), yte)
        lrqr = LRQRConformalRegressor(model, prefit=True, random_state=seed)
        lrqr.fit(Xs, ys, X_target=Xu)
        res["LR-QR"] = _evaluate(lrqr.predict_interval(Xte), yte)
        res["_lam"] = lrqr.lam_ / lrqr.lams_[-1]
        res["_ratio_norm"] = lrqr.projected_ratio_norm_
        res["_cal_cov"] = lrqr.calibration_coverage_
        if ablation:
            _ablation(res, model, Xs, ys, Xu, Xte, yte, lrqr.lams_[-1])
            pca = LRQRConformalRegressor(
                model,
                prefit=True,
                feature_map=make_pipeline(StandardScaler(), PCA(5)),
                random_state=seed,
            ).fit(Xs, ys, X_target=Xu)
            res[PCA_ABLATION] = _evaluate(pca.predict_interval(Xte), yte)
        out[name] = res
    return out


# ----------------------------------------------------------------------------
def _summarise(per_trial, methods):
    rows = []
    for m in methods:
        trials = [t for t in per_trial if m in t]
        cov = np.array([t[m][0] for t in trials])
        wid = np.array([t[m][1] for t in trials])
        inf = np.array([t[m][2] for t in trials])
        rows.append(
            {
                "method": m,
                "runs": len(trials),
                "mean coverage": float(cov.mean()),
                "sd coverage": float(cov.std(ddof=1)),
                "|mean - 0.9|": float(abs(cov.mean() - NOMINAL)),
                "median width": float(np.median(wid)),
                "share infinite": float(inf.mean()),
            }
        )
    return rows


COLS = [
    "method",
    "runs",
    "mean coverage",
    "sd coverage",
    "|mean - 0.9|",
    "median width",
    "share infinite",
]


def _lrqr_sentence(rows):
    r = {row["method"]: row for row in rows}
    main, zero = r["LR-QR"], r[ABLATIONS[0]]
    return (
        f"LR-QR with the paper's rule for lam covers {main['mean coverage']:.3f} "
        f"with {main['share infinite']:.0%} infinite intervals on average; with "
        f"lam = 0 (plain quantile regression) it covers {zero['mean coverage']:.3f}: "
        "here the grid [lam*/10, lam*] lets the regulariser dominate."
    )


def run_airfoil(n_trials):
    X, y = airfoil_data()
    t0, c0 = time.perf_counter(), time.process_time()
    trials = [airfoil_trial(X, y, seed) for seed in range(n_trials)]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    methods = list(trials[0])
    rows = _summarise(trials, methods)
    shifted = [
        r
        for r in rows
        if "exchangeable" not in r["method"] and "ablation" not in r["method"]
    ]
    best = min(shifted, key=lambda r: r["|mean - 0.9|"])
    body = (
        f"Tibshirani et al. (2019) airfoil experiment, {n_trials} trials "
        f"(the paper: 5000), nominal coverage {NOMINAL}; {cpu:.0f} s of CPU on "
        f"one core ({elapsed:.0f} s wall on a shared machine). Coverage is measured on the tilted test set D_shift unless "
        "stated; `median width` is the median over trials of the median "
        "interval width (infinite intervals make means meaningless); "
        "`share infinite` is the mean share of infinite intervals.\n\n"
        + markdown_table(rows, COLS)
        + f"\n\nClosest to nominal under the shift: **{best['method']}** "
        f"(mean coverage {best['mean coverage']:.3f}; ablation rows excluded). "
        "LR-QR uses the paper's rule for lam (10 values from lam*/10 to lam*, "
        "lam* = sqrt((n2 + n3)/n1) (section 4.2), 3-fold CV on the "
        "held-out gradient norm); the ablation rows fix lam instead. The paper reports the "
        "same picture: unweighted split conformal under-covers the tilted test "
        "set, weighted conformal with the oracle or a logistic-regression "
        "ratio restores coverage near 0.9 (at the price of wider, sometimes "
        "infinite, intervals). " + _lrqr_sentence(rows) + "\n\nReproduce: "
        f"`python benchmarks/conformal_reproductions.py --trials {n_trials}`.\n"
    )
    path = write_results(
        "conformal_airfoil", "Weighted conformal: airfoil reproduction", body
    )
    print(markdown_table(rows, COLS))
    print("wrote", path)


def run_communities(n_splits):
    X, y, cols = communities_data()
    t0, c0 = time.perf_counter(), time.process_time()
    splits = [
        communities_split(X, y, cols, seed, ablation=seed < N_ABLATION)
        for seed in range(n_splits)
    ]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    methods = ["split CP", "weighted CP", "LR-QR", *ABLATIONS, PCA_ABLATION]
    parts = []
    verdicts = []
    for feat in RACE_FEATURES:
        per = [s[feat] for s in splits]
        rows = _summarise(per, methods)
        best = min(rows[:3], key=lambda r: r["|mean - 0.9|"])
        lam_at_min = float(np.mean([p["_lam"] <= 0.1 + 1e-9 for p in per]))
        ratio_norm = float(np.median([p["_ratio_norm"] for p in per]))
        cal_cov = float(np.mean([p["_cal_cov"] for p in per]))
        verdicts.append(
            f"- `{feat}`: closest to nominal **{best['method']}** "
            f"({best['mean coverage']:.3f}); LR-QR picked the smallest lam of the "
            f"grid in {lam_at_min:.0%} of splits; median projected_ratio_norm_ "
            f"{ratio_norm:.0f}; LR-QR threshold covers {cal_cov:.3f} of the "
            "calibration scores on average."
        )
        parts.append(f"### Shift on `{feat}`\n\n" + markdown_table(rows, COLS))
    body = (
        "Joshi et al. (2025) Communities and Crime protocol, "
        f"{n_splits} random splits (the paper: 1000), nominal {NOMINAL}, score "
        f"|y - f(x)|, {X.shape[1]} features (the bundled data drop the "
        "columns with missing values; the paper used 127); "
        f"{cpu:.0f} s of CPU on one core ({elapsed:.0f} s wall on a shared "
        "machine); ablation rows on the first "
        f"{min(N_ABLATION, n_splits)} splits.  `median width` is the median over "
        "splits of the median interval width; `share infinite` the mean share "
        "of infinite intervals (weighted CP: target points whose estimated "
        "ratio leaves no finite weighted quantile).\n\n"
        + "\n\n".join(parts)
        + "\n\nClosest to nominal (smallest |mean coverage - 0.9|):\n\n"
        + "\n".join(verdicts)
        + "\n\nThe paper reports LR-QR closest to nominal in all four setups and "
        "split CP under-covering in two and over-covering in two. Our LR-QR "
        "solves the paper's objective to its global minimum over (gamma, beta) "
        "with the raw features as the threshold class. The median split puts "
        "source and target on disjoint sides of the split feature, so no "
        "likelihood ratio exists, and the best linear 'ratio' is extreme: the "
        "regulariser reaches -lam * projected_ratio_norm_ with "
        "projected_ratio_norm_ = ||mean_target Phi||^2 in the source-whitened "
        "basis in the hundreds (medians above), against a pinball term of at "
        "most ~0.1 for these scores. The regulariser dominates at every lam of "
        "the grid: the threshold collapses towards 0 on the source (see the "
        "calibration coverage above) and the target coverage depends on how "
        "the linear fit extrapolates. The held-out gradient norm grows with "
        "lam, so the rule keeps the smallest grid value. A 5-dimensional PCA "
        "class lowers projected_ratio_norm_ but does not restore nominal "
        "coverage either.\n\n"
        "The ablation rows (fixed lam, as in the paper's Appendix B) show how "
        "much the result depends on the scale of lam; they are not a method "
        "selected on test data.\n\n"
        "Reproduce: "
        f"`python benchmarks/conformal_reproductions.py --splits {n_splits}`.\n"
    )
    path = write_results(
        "conformal_communities", "LR-QR: Communities and Crime reproduction", body
    )
    print(body)
    print("wrote", path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--splits", type=int, default=200)
    parser.add_argument("--only", choices=["airfoil", "communities"], default=None)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", InfiniteIntervalWarning)
    if args.only in (None, "airfoil"):
        run_airfoil(args.trials)
    if args.only in (None, "communities"):
        run_communities(args.splits)


if __name__ == "__main__":
    main()
