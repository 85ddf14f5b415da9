"""
=============================================================
Reweighting vs double weighting under a large covariate shift
=============================================================

When the target distribution puts mass where the training sample is thin,
the density ratio ``p_target / p_source`` is huge on a few training points
and reweighting rests on them.  Double weighting (Segovia-Martin, Mazuelas &
Liu, ICML 2023) caps the training weights ``beta`` and lets target weights
``alpha`` in [0, 1] discount target points that the training sample cannot
represent.

This example shows the weights of the three weighters on one-dimensional
data, then compares classifiers on a shifted two-dimensional task (a small
run: which method wins depends on the data; see
``benchmarks/results/double_weighting_protocol.md`` for the paper's protocol
over 100 repetitions).
"""

# %%
# Weights on one-dimensional data
# -------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression

from sklearn_datacentric.covariate_shift import (
    DiscriminativeDensityRatio,
    DoubleWeighting,
    DWGCSClassifier,
    ImportanceWeightedClassifier,
    KernelMeanMatching,
)

rng = np.random.default_rng(0)
X_source = rng.normal(0.0, 1.0, size=(300, 1))
X_target = rng.normal(2.0, 0.8, size=(300, 1))

ddr = DiscriminativeDensityRatio().fit(X_source, X_target=X_target)
kmm = KernelMeanMatching().fit(X_source, X_target=X_target)
dw = DoubleWeighting(D=4.0).fit(X_source, X_target=X_target)

grid = np.linspace(-3, 5, 300)[:, None]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
ax = axes[0]
ax.plot(grid, ddr.predict_weights(grid), label="discriminative ratio")
ax.plot(grid, kmm.predict_weights(grid), label="KMM (smoothed)")
ax.plot(grid, dw.predict_weights(grid), label="DW-KMM beta, D=4")
ax.set_yscale("log")
ax.set_xlabel("x")
ax.set_title("training weights")
ax.legend(fontsize=8)
ax = axes[1]
order = np.argsort(X_target[:, 0])
ax.plot(X_target[order, 0], dw.alpha_[order], ".", label="alpha (fitted)")
ax.plot(grid, dw.predict_target_weights(grid), label="alpha(x), smoother")
ax.set_xlabel("x")
ax.set_title("DW-KMM target weights alpha")
ax.legend(fontsize=8)
fig.tight_layout()

print(
    f"largest weight / mean: ratio {ddr.weights_.max() / ddr.weights_.mean():.0f}, "
    f"KMM {kmm.weights_.max() / kmm.weights_.mean():.0f}, "
    f"DW {dw.weights_.max() / dw.weights_.mean():.0f}"
)

# %%
# Classification under the shift
# -------------------------------
# Labels depend on x through a curved boundary; a linear model fitted on the
# source sample is tuned to the wrong region.  We repeat over a few seeds.


def make(n, shift, seed):
    r = np.random.default_rng(seed)
    Xs = r.normal(0.0, 1.0, (n, 2))
    Xt = r.normal(shift, 0.7, (n, 2))

    def lab(X):
        return (X[:, 1] > 0.4 * X[:, 0] ** 2 - 1 + 0.3 * r.normal(size=len(X))).astype(
            int
        )

    return Xs, lab(Xs), Xt, lab(Xt)


errors = {
    k: [] for k in ["no adaptation", "discriminative reweighting", "DW-GCS (D auto)"]
}
for seed in range(5):
    Xs, ys, Xt, yt = make(200, 1.5, seed)
    errors["no adaptation"].append(
        np.mean(LogisticRegression().fit(Xs, ys).predict(Xt) != yt)
    )
    iw = ImportanceWeightedClassifier(LogisticRegression()).fit(Xs, ys, X_target=Xt)
    errors["discriminative reweighting"].append(np.mean(iw.predict(Xt) != yt))
    dwgcs = DWGCSClassifier(D="auto", kmm_max_iter=300).fit(Xs, ys, X_target=Xt)
    errors["DW-GCS (D auto)"].append(np.mean(dwgcs.predict(Xt) != yt))

for name, e in errors.items():
    print(f"{name:28s} error {np.mean(e):.3f} ± {np.std(e):.3f}")
print(
    "D selected on the last seed:",
    round(dwgcs.D_, 2),
    " minimax risk:",
    round(dwgcs.minimax_risk_, 3),
)

# %%
# DW-GCS predicts on new points too: on the target sample given to ``fit``
# it uses the fitted ``alpha``; elsewhere ``alpha(x)`` is the kernel smoother
# of ``alpha`` (which changes probabilities, not the predicted label).
X_new = np.random.default_rng(9).normal(1.5, 0.7, (5, 2))
print(dwgcs.predict_proba(X_new).round(3))
plt.show()
