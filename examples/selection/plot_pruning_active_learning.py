"""
=================================================
Data pruning and active learning against random
=================================================

Two ways of spending a data budget well, each compared with the random
baseline it must beat:

* **pruning**: keep a fraction of a labelled training set.
  :class:`~sklearn_datacentric.selection.EL2NPruner` keeps the hardest rows by
  EL2N score (error norm early in training, averaged over short fits);
  :class:`~sklearn_datacentric.selection.RandomPruner` keeps a random subset.
* **active learning**: choose which pool rows to label.
  :func:`~sklearn_datacentric.selection.simulate_active_learning` compares
  margin, entropy and least-confidence sampling with random selection.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from sklearn_datacentric.datasets import load_ringnorm
from sklearn_datacentric.selection import (
    EL2NPruner,
    RandomPruner,
    simulate_active_learning,
)

X, y = load_ringnorm(return_X_y=True)
X, y = X[:3000], y[:3000]
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0)

# %%
# Pruning: test accuracy against the fraction of rows kept
# ---------------------------------------------------------
# EL2N scores are computed once; each keep ratio reuses them through the
# ranking (``scores_``), exactly as ``EL2NPruner(keep_ratio=r)`` would keep.
el2n = EL2NPruner(keep_ratio=1.0, n_fits=3, random_state=0)
el2n.fit_resample(X_tr, y_tr)
order = np.argsort(-el2n.scores_, kind="stable")

ratios = [0.1, 0.2, 0.4, 0.6, 0.8, 1.0]
acc_el2n, acc_rand = [], []
for r in ratios:
    n_keep = int(round(r * len(y_tr)))
    keep = order[:n_keep]
    m = HistGradientBoostingClassifier(max_iter=100).fit(X_tr[keep], y_tr[keep])
    acc_el2n.append(accuracy_score(y_te, m.predict(X_te)))
    scores = []
    for seed in range(3):
        Xr, yr = RandomPruner(keep_ratio=r, random_state=seed).fit_resample(X_tr, y_tr)
        m = HistGradientBoostingClassifier(max_iter=100).fit(Xr, yr)
        scores.append(accuracy_score(y_te, m.predict(X_te)))
    acc_rand.append(np.mean(scores))
    print(f"keep {r:.1f}: EL2N {acc_el2n[-1]:.3f}  random {acc_rand[-1]:.3f}")

# %%
# Keeping only the hardest rows pays off at large budgets; at small budgets a
# random subset covers the data better (the paper's observation that pruning
# the hardest examples is only safe with enough data left).
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
axes[0].plot(ratios, acc_el2n, "o-", label="EL2N (hardest kept)")
axes[0].plot(ratios, acc_rand, "s--", label="random (mean of 3)")
axes[0].set_xlabel("fraction of training rows kept")
axes[0].set_ylabel("test accuracy")
axes[0].set_title("Pruning on ringnorm")
axes[0].legend()

# %%
# Active learning: learning curves against random selection
# ----------------------------------------------------------
curves = simulate_active_learning(
    None,
    X,
    y,
    n_initial=10,
    batch_size=10,
    n_rounds=12,
    n_repeats=3,
    random_state=0,
)
for s in curves.scores:
    print(
        f"{s:17s} mean accuracy over the curve: {curves.area_under_curve(s).mean():.3f}"
    )
# On binary data margin, entropy and least confidence are monotone functions of
# the same probability, so they query the same rows and their curves coincide;
# they differ with three or more classes.
curves.plot(ax=axes[1])
axes[1].set_title("Active learning on ringnorm (logistic regression)")
fig.tight_layout()
plt.show()
