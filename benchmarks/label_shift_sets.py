"""Prediction sets under label shift: coverage, set size and time over draws.

Three estimators on the same draws, same classifier (StandardScaler +
LogisticRegression) and same calibration split (``calibration_size=0.5``,
``random_state`` = draw index), level 0.9:

* split conformal (no correction): ``LabelShiftConformalClassifier`` fitted
  without a target sample (unit weights: plain split CP with the LAC score);
* weighted conformal under label shift (Podkopaev and Ramdas 2021), class
  weights by BBSE on the calibration rows;
* PAC prediction sets under label shift (Si et al. 2024), ``delta = 0.1``.

Data:

* synthetic: 3 Gaussian classes in 2-D (classes 0 and 1 overlap, class 2
  apart), source priors uniform, target priors (0.45, 0.45, 0.1); 2000 source
  rows, 1000 unlabelled target rows, coverage on 20000 labelled target rows;
* ringnorm (bundled): 3000 source rows; the remaining rows keep each class-1
  row with probability 0.15 (induced prior shift), half unlabelled for
  fitting, half labelled for evaluation.

Also the L1 error of the target priors estimated by ``LabelShiftWeighter``
(EM, BBSE, RLLS) on the ringnorm draws.

Reported over draws: mean coverage ± sd, the fraction of draws whose target
miscoverage exceeds 0.1 (PAC promises at most delta = 0.1 of them), mean set
size, and fit time (median).  There is no anchor library for label-shift
sets (MAPIE has none; MAPIE issue #71).

Run:  OMP_NUM_THREADS=1 nice -n 5 python benchmarks/label_shift_sets.py
Results: benchmarks/results/label_shift_sets.md
"""

import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _harness import markdown_table, write_results  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklearn_datacentric.datasets import load_ringnorm  # noqa: E402
from sklearn_datacentric.label_shift import (  # noqa: E402
    LabelShiftConformalClassifier,
    LabelShiftWeighter,
    PACLabelShiftClassifier,
)

N_DRAWS = int(os.environ.get("LS_DRAWS", 50))
LEVEL, DELTA = 0.9, 0.1
MEANS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 4.0]])


def _model():
    return make_pipeline(StandardScaler(), LogisticRegression())


def _synthetic(r, X_eval, y_eval):
    rng = np.random.default_rng(r)
    y = rng.choice(3, size=2000, p=np.ones(3) / 3)
    yt = rng.choice(3, size=1000, p=[0.45, 0.45, 0.1])
    return rng.normal(MEANS[y], 1.0), y, rng.normal(MEANS[yt], 1.0), X_eval, y_eval


def _run(draw):
    names = ("split conformal (no correction)", "weighted conformal", "PAC")
    out = {name: {"cov": [], "size": [], "time": []} for name in names}
    for r in range(N_DRAWS):
        Xs, ys, Xt, Xe, ye = draw(r)
        runs = (
            (LabelShiftConformalClassifier, {}, {}),
            (LabelShiftConformalClassifier, {}, {"X_target": Xt}),
            (PACLabelShiftClassifier, {"delta": DELTA}, {"X_target": Xt}),
        )
        for name, (cls, params, fit_kw) in zip(names, runs):
            est = cls(_model(), confidence_level=LEVEL, random_state=r, **params)
            t0 = time.perf_counter()
            est.fit(Xs, ys, **fit_kw)
            out[name]["time"].append(time.perf_counter() - t0)
            _, sets = est.predict_set(Xe)
            out[name]["cov"].append(sets[np.arange(ye.size), ye, 0].mean())
            out[name]["size"].append(sets[:, :, 0].sum(axis=1).mean())
    rows = []
    for name, res in out.items():
        cov = np.asarray(res["cov"])
        rows.append(
            {
                "method": name,
                "coverage": f"{cov.mean():.3f} ± {cov.std():.3f}",
                "draws with miscoverage > 0.1": f"{np.mean(cov < LEVEL):.2f}",
                "mean set size": f"{np.mean(res['size']):.2f}",
                "fit time (s, median)": f"{np.median(res['time']):.3f}",
            }
        )
    return rows


def _priors(draw):
    """L1 error of the estimated target priors, per method, over the draws."""
    rows = []
    for method in ("em", "bbse", "rlls"):
        err, times = [], []
        for r in range(N_DRAWS):
            Xs, ys, Xt, _, _ = draw(r)
            true = np.bincount(draw.true_labels(r), minlength=2)
            true = true / true.sum()
            t0 = time.perf_counter()
            w = LabelShiftWeighter(_model(), method=method).fit(Xs, ys, X_target=Xt)
            times.append(time.perf_counter() - t0)
            err.append(np.abs(w.target_priors_ - true).sum())
        err = np.asarray(err)
        rows.append(
            {
                "method": method,
                "L1 error of the target priors": f"{err.mean():.4f} ± {err.std():.4f}",
                "fit time (s, median)": f"{np.median(times):.3f}",
            }
        )
    return rows


class _RingnormDraws:
    """Ringnorm draws, with the labels of the unlabelled target part."""

    def __init__(self, X, y):
        self.X, self.y = X, y

    def _split(self, r):
        rng = np.random.default_rng(r)
        perm = rng.permutation(len(self.y))
        src, tgt = perm[:3000], perm[3000:]
        tgt = tgt[(self.y[tgt] == 0) | (rng.random(tgt.size) < 0.15)]
        return src, tgt, tgt.size // 2

    def __call__(self, r):
        src, tgt, h = self._split(r)
        X, y = self.X, self.y
        return X[src], y[src], X[tgt[:h]], X[tgt[h:]], y[tgt[h:]]

    def true_labels(self, r):
        _, tgt, h = self._split(r)
        return self.y[tgt[:h]]


def main():
    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    rng = np.random.default_rng(12345)
    y_eval = rng.choice(3, size=20000, p=[0.45, 0.45, 0.1])
    X_eval = rng.normal(MEANS[y_eval], 1.0)
    X, y = load_ringnorm(return_X_y=True)
    body = (
        "Machine shared with other jobs (2 cores): fit times are indicative.\n\n"
        f"Protocol: see the docstring of `benchmarks/label_shift_sets.py`; "
        f"{N_DRAWS} draws, level {LEVEL}, delta {DELTA}.\n\n"
        "## Synthetic (3 classes, target priors 0.45 / 0.45 / 0.1)\n\n"
        + markdown_table(
            _run(lambda r: _synthetic(r, X_eval, y_eval)),
            list(_COLS),
        )
        + "\n\n## Ringnorm, target keeps 15% of class 1\n\n"
        + markdown_table(_run(_RingnormDraws(X, y)), list(_COLS))
        + "\n\n## Target priors on ringnorm (LabelShiftWeighter, same draws)\n\n"
        "True priors: the class shares of the unlabelled target part of each "
        "draw (about 0.87 / 0.13).\n\n"
        + markdown_table(
            _priors(_RingnormDraws(X, y)),
            ["method", "L1 error of the target priors", "fit time (s, median)"],
        )
        + f"\n\nTotal run time {time.perf_counter() - t0:.0f} s.\n"
    )
    print(write_results("label_shift_sets", "Prediction sets under label shift", body))
    print(body)


_COLS = (
    "method",
    "coverage",
    "draws with miscoverage > 0.1",
    "mean set size",
    "fit time (s, median)",
)

if __name__ == "__main__":
    main()
