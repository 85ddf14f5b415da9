"""
======================================================
Finding and removing label errors in real tabular data
======================================================

We flip 20% of the training labels of two bundled datasets at random, then
let three detectors flag suspicious rows:

* :class:`~sklearn_datacentric.selection.ConfidenceSelector` (confident
  learning on out-of-fold probabilities),
* cleanlab 2.9's ``find_label_issues`` on the *same* out-of-fold
  probabilities (when cleanlab is installed),
* :class:`~sklearn_datacentric.selection.AreaUnderMarginSelector` (area under
  the margin of gradient boosting, with the paper's 99th-percentile cut-off
  and a 50th-percentile one).

For each we report the precision and recall of the flagged rows against the
rows we corrupted, and the balanced accuracy on clean test labels of a model
refit on the kept rows.  The full study (six datasets, uniform and
class-flip noise at 10/20/40%, five repeats) is
``benchmarks/selection_noise_study.py``; its table is in
``benchmarks/results/selection_noise.md``.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split

from sklearn_datacentric.datasets import load_breast_cancer_wisconsin, load_imbalanced
from sklearn_datacentric.selection import (
    AreaUnderMarginSelector,
    ConfidenceSelector,
    flag_label_errors,
)

try:
    from cleanlab.filter import find_label_issues
except ImportError:  # cleanlab is optional
    find_label_issues = None


def flip(y, rate, rng):
    idx = rng.choice(len(y), size=int(rate * len(y)), replace=False)
    y_noisy = y.copy()
    y_noisy[idx] = 1 - y_noisy[idx]  # binary datasets
    return y_noisy, y_noisy != y


def model():
    return HistGradientBoostingClassifier(max_iter=100, early_stopping=False)


data = {
    "breast cancer": load_breast_cancer_wisconsin(return_X_y=True),
    "pima": load_imbalanced("pima", return_X_y=True),
}

# %%
# Detect, remove, refit
# ---------------------
results = {}
for name, (X, y) in data.items():
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    y_noisy, noise = flip(y_tr, 0.2, np.random.RandomState(0))

    conf = ConfidenceSelector(model(), random_state=0)
    conf.fit_resample(X_tr, y_noisy)
    flags = {
        "no removal": np.zeros(len(y_noisy), bool),
        "ConfidenceSelector": conf.mask_,
    }
    if find_label_issues is not None:
        # the same out-of-fold probabilities
        flags["cleanlab"] = find_label_issues(y_noisy, conf.oof_proba_, n_jobs=1)
    # the functional form gives the same flags as the selector
    assert (flag_label_errors(y_noisy, conf.oof_proba_) == conf.mask_).all()
    for pct in (99, 50):
        aum = AreaUnderMarginSelector(percentile=pct, random_state=0)
        aum.fit_resample(X_tr, y_noisy)
        flags[f"AUM p{pct}"] = aum.mask_

    for method, flagged in flags.items():
        keep = ~flagged
        score = balanced_accuracy_score(
            y_te, model().fit(X_tr[keep], y_noisy[keep]).predict(X_te)
        )
        tp = (flagged & noise).sum()
        results[name, method] = (
            tp / max(flagged.sum(), 1),
            tp / noise.sum(),
            flagged.mean(),
            score,
        )
        print(
            f"{name:14s} {method:18s} precision={results[name, method][0]:.2f} "
            f"recall={results[name, method][1]:.2f} removed={flagged.mean():.2f} "
            f"balanced accuracy={score:.3f}"
        )

# %%
# Plot
# ----
# Confident learning removes mostly corrupted rows and recovers most of the
# accuracy lost to noise.  AUM with the 99th-percentile rule catches nearly
# every flipped label but also removes most clean rows on these small tables;
# the 50th percentile is a better trade-off here.
methods = list(dict.fromkeys(m for _, m in results))
fig, axes = plt.subplots(1, 3, figsize=(12, 3.5), sharey=False)
width = 0.8 / len(data)
for k, name in enumerate(data):
    xs = np.arange(len(methods)) + k * width
    for ax, j, label in zip(
        axes, (0, 1, 3), ("precision", "recall", "balanced accuracy")
    ):
        ax.bar(xs, [results[name, m][j] for m in methods], width, label=name)
        ax.set_title(label)
for ax in axes:
    ax.set_xticks(np.arange(len(methods)) + width / 2)
    ax.set_xticklabels(methods, rotation=45, ha="right")
axes[2].set_ylim(0.5, 1.0)
axes[0].legend()
fig.tight_layout()
plt.show()
