"""
=================================================================
Rare events at the end of a sequence: PRESTO vs proportional odds
=================================================================

An outcome with ordered classes, the last one rare (think impression, click,
purchase).  Logistic regression on the rare class sees few positives;
the proportional-odds model uses every class but forces one weight vector on
all decision boundaries.  :class:`~sklearn_datacentric.ordinal.PRESTOClassifierCV`
gives each boundary its own weights and fuses adjacent ones with an L1
penalty, chosen by cross-validated Brier score.

This example reproduces a reduced run of the sparse-differences simulation of
Faletto & Bien (ICML 2023, Section 4.1) -- the full 100-replication study is
``benchmarks/presto_simulation.py`` -- and compares the three models on the
rare top class of the bundled red wine quality data.
"""

# %%
# One data set from the paper's model
# -----------------------------------
# ``make_ordinal_rare_events`` follows the authors' simulation code:
# x ~ U([-1, 1]^10), K = 4, intercepts (0, 3, 5), sparse first weight vector
# and sparse differences of size 0.5 between adjacent boundaries.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression

from sklearn_datacentric.datasets import load_wine_quality, make_ordinal_rare_events
from sklearn_datacentric.ordinal import PRESTOClassifierCV, ProportionalOddsClassifier

warnings.simplefilter("ignore")  # unpenalised baselines may warn on convergence

X, y, truth = make_ordinal_rare_events(return_params=True, random_state=3)
print("class counts:", np.bincount(y))

presto = PRESTOClassifierCV(random_state=0, verbose=1).fit(X, y)
po = ProportionalOddsClassifier().fit(X, y)

# %%
# Cross-validation picks the largest alpha at the minimum mean Brier score
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.semilogx(presto.alphas_, presto.mean_brier_, "o-")
ax.axvline(presto.alpha_, ls="--", color="k", label=f"alpha_ = {presto.alpha_:.2g}")
ax.set(xlabel="alpha", ylabel="mean CV Brier score")
ax.legend()
fig.tight_layout()

# %%
# Weights per boundary: truth, PRESTO and proportional odds
# ---------------------------------------------------------
# PRESTO recovers the differences between boundaries that proportional odds
# cannot represent; most estimated differences are exactly zero.
fig, axes = plt.subplots(1, 3, figsize=(11, 3.2), sharey=True)
features = np.arange(X.shape[1])
for k, ax in enumerate(axes):
    ax.bar(features - 0.25, truth.coef[:, k], width=0.25, label="truth")
    ax.bar(features, presto.coef_[k], width=0.25, label="PRESTO")
    ax.bar(features + 0.25, po.coef_[k], width=0.25, label="prop. odds")
    ax.set(title=f"boundary {k + 1}", xlabel="feature")
axes[0].set_ylabel("weight b_k")
axes[0].legend()
fig.tight_layout()
print(
    "fused differences:",
    int(np.sum(presto.coef_diff_ == 0)),
    "of",
    presto.coef_diff_.size,
)

# %%
# A reduced replication study
# ---------------------------
# MSE of the rare-class probability against the truth over 10 data sets.
# Ten replications are noisy (the rare class has about 30 samples per data
# set); in the full study, 100 replications of each of 12 settings in
# ``benchmarks/results/presto_simulation.md``, PRESTO has the lowest mean MSE
# in every setting.
mse = {"PRESTO": [], "proportional odds": [], "logistic (rare)": []}
for seed in range(10):
    X, y, truth = make_ordinal_rare_events(return_params=True, random_state=100 + seed)
    p_true = truth.proba[:, -1]
    preds = {
        "PRESTO": PRESTOClassifierCV(random_state=seed).fit(X, y).predict_rare_proba(X),
        "proportional odds": ProportionalOddsClassifier()
        .fit(X, y)
        .predict_rare_proba(X),
        "logistic (rare)": LogisticRegression(C=np.inf, max_iter=2000)
        .fit(X, y == 3)
        .predict_proba(X)[:, 1],
    }
    for name, p in preds.items():
        mse[name].append(np.mean((p - p_true) ** 2))

fig, ax = plt.subplots(figsize=(5.5, 3.5))
ax.boxplot(list(mse.values()), tick_labels=list(mse.keys()))
ax.set(ylabel="MSE of rare-class probability", yscale="log")
fig.tight_layout()
for name, v in mse.items():
    print(f"{name:>18}: mean MSE {np.mean(v):.2e}")

# %%
# Real data: the rare top quality of red wine
# -------------------------------------------
# Quality scores 3..8; only 18 of 1599 wines score 8.  Held-out Brier score of
# the probability of quality 8 over a few stratified splits (the full run with
# 50 splits is in ``benchmarks/results/presto_wine_quality.md``).
from sklearn.model_selection import StratifiedShuffleSplit  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

Xw, yw = load_wine_quality(return_X_y=True)
brier = {"PRESTO": [], "proportional odds": [], "logistic (rare)": []}
splits = StratifiedShuffleSplit(n_splits=5, test_size=0.3, random_state=0)
for i, (tr, te) in enumerate(splits.split(Xw, yw)):
    event = (yw[te] == 5).astype(float)
    models = {
        "PRESTO": PRESTOClassifierCV(random_state=i).fit(Xw[tr], yw[tr]),
        "proportional odds": ProportionalOddsClassifier().fit(Xw[tr], yw[tr]),
    }
    for name, m in models.items():
        brier[name].append(np.mean((m.predict_rare_proba(Xw[te]) - event) ** 2))
    lr = make_pipeline(StandardScaler(), LogisticRegression(C=np.inf, max_iter=5000))
    lr.fit(Xw[tr], yw[tr] == 5)
    brier["logistic (rare)"].append(
        np.mean((lr.predict_proba(Xw[te])[:, 1] - event) ** 2)
    )
for name, v in brier.items():
    print(f"{name:>18}: held-out Brier of quality 8 = {np.mean(v):.5f}")
