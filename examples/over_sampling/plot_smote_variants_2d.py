"""
=======================================================
SMOTE, Borderline-SMOTE and ADASYN on a 2-D problem
=======================================================

The three samplers interpolate between a minority sample and one of its
minority neighbours, but seed the new points in different places:

* :class:`~sklearn_datacentric.over_sampling.SMOTE` seeds uniformly over the
  minority class;
* :class:`~sklearn_datacentric.over_sampling.BorderlineSMOTE` seeds only at
  minority samples *in danger* (at least half, but not all, of their
  ``m_neighbors`` neighbours are majority samples); ``borderline-2`` may also
  move toward majority neighbours, at most half-way;
* :class:`~sklearn_datacentric.over_sampling.ADASYN` gives each minority
  sample a number of new points proportional to the share of majority
  samples among its neighbours.

Each sampler's ``provenance_`` tells, for every output row, its seed, its
partner and the gap, so that sample weights or groups can follow rows
through resampling (:meth:`~sklearn_datacentric.over_sampling.SMOTE.propagate`).
"""

# %%
# A 2-D imbalanced problem
# ------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification

from sklearn_datacentric.over_sampling import ADASYN, SMOTE, BorderlineSMOTE

X, y = make_classification(
    n_samples=600,
    n_features=2,
    n_informative=2,
    n_redundant=0,
    n_clusters_per_class=1,
    weights=[0.9],
    class_sep=0.8,
    random_state=3,
)
print("class counts:", np.bincount(y))

# %%
# Where each sampler puts its synthetic points
# --------------------------------------------
samplers = {
    "SMOTE": SMOTE(random_state=0),
    "Borderline-SMOTE 1": BorderlineSMOTE(kind="borderline-1", random_state=0),
    "Borderline-SMOTE 2": BorderlineSMOTE(kind="borderline-2", random_state=0),
    "ADASYN": ADASYN(random_state=0),
}
fig, axes = plt.subplots(2, 2, figsize=(9, 8), sharex=True, sharey=True)
for ax, (name, sampler) in zip(axes.ravel(), samplers.items()):
    X_res, y_res = sampler.fit_resample(X, y)
    syn = sampler.provenance_.synthetic
    ax.scatter(*X[y == 0].T, s=8, c="tab:blue", alpha=0.4, label="majority")
    ax.scatter(*X[y == 1].T, s=14, c="tab:red", label="minority")
    ax.scatter(*X_res[syn].T, s=6, c="tab:orange", alpha=0.6, label="synthetic")
    if hasattr(sampler, "in_danger_indices_"):
        danger = sampler.in_danger_indices_.get(1, [])
        ax.scatter(
            *X[danger].T,
            s=40,
            facecolors="none",
            edgecolors="k",
            label="in danger (seeds)",
        )
    ax.set_title(f"{name}: {syn.sum()} new points")
axes[0, 0].legend(loc="lower left", fontsize=8)
fig.tight_layout()

# %%
# Provenance: seeds, partners and sample weights
# ----------------------------------------------
# Every synthetic row lies on the segment between its seed and its partner;
# ``propagate`` carries per-row values (groups by seed, weights by
# interpolation) to the resampled data.
sampler = SMOTE(random_state=0)
X_res, y_res = sampler.fit_resample(X, y)
p = sampler.provenance_
syn = p.synthetic
on_segment = X[p.seed[syn]] + p.gap[syn, None] * (X[p.partner[syn]] - X[p.seed[syn]])
print(
    "max distance to the seed-partner segment:", np.abs(X_res[syn] - on_segment).max()
)
weights = np.where(y == 1, 2.0, 1.0)
w_res = sampler.propagate(weights, how="interpolate")
print("weights of the first synthetic rows:", w_res[syn][:5])

# %%
# How many new points each minority sample seeded
# -----------------------------------------------
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, sampler in samplers.items():
    sampler.fit_resample(X, y)
    p = sampler.provenance_
    per_seed = np.bincount(p.seed[p.synthetic], minlength=len(y))[y == 1]
    ax.plot(np.sort(per_seed)[::-1], label=name)
ax.set_xlabel("minority samples, sorted")
ax.set_ylabel("synthetic points seeded")
ax.legend()
fig.tight_layout()
plt.show()
