"""PRESTOClassifierCV at scale, beside the proportional-odds and logistic anchors.

Data: ``make_ordinal_rare_events(n_samples=100_000, n_features=20,
n_classes=4)`` (the paper's sparse-differences model, intercepts (0, 3, 5),
rare class about 3%).  Timed, each in a forked child (wall time and peak
memory above the child's start):

* ``PRESTOClassifierCV()``: the full path, 20 alphas down to 0.01 alpha_max,
  5-fold CV on the Brier score, refit (folds one after the other, and two at
  a time with ``n_jobs=2``; the estimator runs its skinny Gram products on
  one BLAS thread);
* ``statsmodels`` ``OrderedModel(distr="logit").fit(method="bfgs")``: the
  proportional-odds model (anchor);
* ``ProportionalOddsClassifier``: the same model with this package's Newton
  solver;
* scikit-learn ``LogisticRegression()`` (defaults) on the rare class.

Also reported: the MSE of each model's rare-class probability against the
true one on the training points.  Run ``python benchmarks/bench_presto.py``;
writes ``benchmarks/results/presto.md``.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("MKL_NUM_THREADS", "2")

import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import markdown_table, measure, write_results  # noqa: E402

from sklearn_datacentric.datasets import make_ordinal_rare_events  # noqa: E402
from sklearn_datacentric.ordinal import (  # noqa: E402
    PRESTOClassifierCV,
    ProportionalOddsClassifier,
)

N, P, K = 100_000, 20, 4


def _data():
    return make_ordinal_rare_events(
        n_samples=N, n_features=P, n_classes=K, return_params=True, random_state=0
    )


def _warmup():
    X, y = make_ordinal_rare_events(n_samples=500, n_features=3, random_state=1)
    PRESTOClassifierCV(n_alphas=3, cv=3, random_state=0).fit(X, y)
    ProportionalOddsClassifier().fit(X, y)


def _mse(p, p_true):
    return float(np.mean((p - p_true) ** 2))


def run_presto(X, y, p_true, n_jobs):
    warnings.simplefilter("ignore")
    c0 = time.process_time()
    m = PRESTOClassifierCV(random_state=0, n_jobs=n_jobs).fit(X, y)
    return {
        "mse": _mse(m.predict_rare_proba(X), p_true),
        "cpu": time.process_time() - c0,
    }


def run_po(X, y, p_true):
    warnings.simplefilter("ignore")
    c0 = time.process_time()
    m = ProportionalOddsClassifier().fit(X, y)
    return {
        "mse": _mse(m.predict_rare_proba(X), p_true),
        "cpu": time.process_time() - c0,
    }


def run_statsmodels(X, y, p_true):
    warnings.simplefilter("ignore")
    c0 = time.process_time()
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    model = OrderedModel(y, X, distr="logit")
    res = model.fit(method="bfgs", disp=False, maxiter=2000)
    return {
        "mse": _mse(np.asarray(res.predict(X))[:, -1], p_true),
        "cpu": time.process_time() - c0,
    }


def run_logistic(X, y, p_true):
    warnings.simplefilter("ignore")
    c0 = time.process_time()
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(max_iter=1000).fit(X, (y == K - 1).astype(int))
    return {
        "mse": _mse(m.predict_proba(X)[:, 1], p_true),
        "cpu": time.process_time() - c0,
    }


def main():
    load0 = os.getloadavg()[0]
    X, y, params = _data()
    p_true = params.proba[:, -1]
    runs = [
        (
            "PRESTOClassifierCV() (20 alphas x 5 folds + refit)",
            run_presto,
            (X, y, p_true, None),
        ),
        (
            "PRESTOClassifierCV(n_jobs=2) (two folds at a time)",
            run_presto,
            (X, y, p_true, 2),
        ),
        ("ProportionalOddsClassifier", run_po, (X, y, p_true)),
        (
            "statsmodels OrderedModel logit (bfgs) [anchor]",
            run_statsmodels,
            (X, y, p_true),
        ),
        ("LogisticRegression on rare class [anchor]", run_logistic, (X, y, p_true)),
    ]
    rows = []
    times = {}
    for name, fn, args in runs:
        r = measure(fn, *args, warmup=_warmup)
        res = r["result"] if isinstance(r["result"], dict) else {}
        times[name] = r["seconds"]
        rows.append(
            {
                "method": name,
                "seconds": r["seconds"],
                "CPU s": res.get("cpu", float("nan")),
                "peak MiB": r["peak_mib"],
                "rare-prob MSE (x1e-4)": res.get("mse", float("nan")) * 1e4,
            }
        )
        print(rows[-1], flush=True)
    sm = times["statsmodels OrderedModel logit (bfgs) [anchor]"]
    lr = times["LogisticRegression on rare class [anchor]"]
    for row in rows:
        row["x statsmodels PO"] = row["seconds"] / sm
        row["x LogisticRegression"] = row["seconds"] / lr
    counts = np.bincount(y)
    body = (
        f"n = {N}, p = {P}, K = {K} (`make_ordinal_rare_events`, random_state=0; "
        f"class counts {counts.tolist()}).  OMP/BLAS threads = "
        f"{os.environ.get('OMP_NUM_THREADS')}.  Each call runs in a forked child "
        "(numba compiled beforehand); peak MiB is the child's peak resident "
        "memory above its start.  The PRESTO CV row covers 120 penalised fits "
        "(5 folds x 20 alphas + the full-data path); the anchors fit one model.  "
        "Target: PRESTOClassifierCV under 60 s on 2 cores.  'CPU s' is the "
        "process CPU time of the call (all threads): on a machine shared with "
        f"other jobs (1-min load average {load0:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end, on 2 cores) wall time overstates "
        "what the call needs.\n\n"
        + markdown_table(
            rows,
            [
                "method",
                "seconds",
                "CPU s",
                "peak MiB",
                "x statsmodels PO",
                "x LogisticRegression",
                "rare-prob MSE (x1e-4)",
            ],
        )
    )
    body += "\n\n" + (
        "At this size the rare class has thousands of samples, enough for logistic "
        "regression on it alone: cross-validation then tends to pick the smallest alpha "
        "of the reference grid (0.01 alpha_max), and the shrinkage left there can make "
        "PRESTO's rare-class MSE higher than the logistic anchor's.  PRESTO's advantage "
        "is the regime of the paper, a few dozen rare samples (presto_simulation.md); a "
        "lower `alpha_min_ratio` extends the grid.  Proportional odds is biased here "
        "(the true boundaries differ)."
    )
    path = write_results("presto", "PRESTOClassifierCV at n = 100,000", body)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
