"""
=========================================================
Where do the SMOTE extensions put their synthetic points?
=========================================================

The oversamplers ranked best by Kovacs (2019) differ mainly in *where* they
generate minority samples: on segments to the class mean
(:class:`~sklearn_datacentric.over_sampling.PolynomFitSMOTE`), near the
class boundary (:class:`~sklearn_datacentric.over_sampling.ProWSyn`), away
from majority regions (:class:`~sklearn_datacentric.over_sampling.LeeSMOTE`),
along the main axis of the class
(:class:`~sklearn_datacentric.over_sampling.GSMOTE`), inside energy-limited
spheres that also push majority samples away
(:class:`~sklearn_datacentric.over_sampling.CCR`), and so on.

:class:`~sklearn_datacentric.over_sampling.SyntheticPointsDisplay` shows
original and synthetic points of any sampler of the package, using its
``provenance_`` record to tell them apart.  We look at a 2-D toy problem,
then at a real imbalanced dataset projected on its first two principal axes,
and measure for each method the share of synthetic points whose nearest
original neighbour belongs to the majority class.
"""

# %%
# A 2-D problem: a minority class inside and around a majority class
# -------------------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from sklearn_datacentric.datasets import load_imbalanced
from sklearn_datacentric.over_sampling import (
    CCR,
    GSMOTE,
    LVQSMOTE,
    SMOBD,
    SMOTEIPF,
    AssembledSMOTE,
    GeometricSMOTE,
    LeeSMOTE,
    PolynomFitSMOTE,
    ProWSyn,
    SyntheticPointsDisplay,
)

rng = np.random.RandomState(0)
X_maj = rng.normal(size=(300, 2)) * [1.5, 1.0]
angle = rng.uniform(0, np.pi, size=40)
X_min = np.c_[2.2 * np.cos(angle), 1.6 * np.sin(angle)] + rng.normal(
    scale=0.25, size=(40, 2)
)
X = np.vstack([X_maj, X_min])
y = np.r_[np.zeros(300, dtype=int), np.ones(40, dtype=int)]

samplers = {
    "PolynomFit (star)": PolynomFitSMOTE(topology="star", random_state=0),
    "PolynomFit (poly)": PolynomFitSMOTE(topology="polynomial", random_state=0),
    "ProWSyn": ProWSyn(random_state=0),
    "SMOTE-IPF": SMOTEIPF(random_state=0),
    "Lee": LeeSMOTE(random_state=0),
    "SMOBD": SMOBD(random_state=0),
    "G-SMOTE": GSMOTE(random_state=0),
    "Geometric SMOTE": GeometricSMOTE(random_state=0),
    "CCR": CCR(random_state=0),
    "LVQ-SMOTE": LVQSMOTE(random_state=0),
    "Assembled-SMOTE": AssembledSMOTE(random_state=0),
}

fig, axes = plt.subplots(3, 4, figsize=(16, 11), sharex=True, sharey=True)
for ax, (name, sampler) in zip(axes.ravel(), samplers.items()):
    SyntheticPointsDisplay.from_estimator(sampler, X, y, ax=ax, name=name)
    ax.get_legend().remove()
axes.ravel()[-1].axis("off")
handles, labels = axes.ravel()[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower right")
fig.tight_layout()

# %%
# The star topology fills segments towards the class mean, the polynomial
# topology a curve through the class; ProWSyn concentrates on the samples
# nearest the majority; Lee rejects candidates in majority neighbourhoods;
# G-SMOTE stretches along the main axis of the class; CCR draws inside
# L1-spheres whose size shrinks where the majority is dense, and pushes the
# majority samples inside them to the sphere surface.
#
# A real dataset: yeast3 (1484 samples, 8 features, imbalance ratio 8.1)
# ----------------------------------------------------------------------
X_real, y_real = load_imbalanced("yeast3", return_X_y=True)
X_real = StandardScaler().fit_transform(np.asarray(X_real, dtype=float))
y_real = np.asarray(y_real)

fig, axes = plt.subplots(1, 4, figsize=(16, 4), sharex=True, sharey=True)
for ax, name in zip(axes, ["PolynomFit (star)", "ProWSyn", "Lee", "CCR"]):
    SyntheticPointsDisplay.from_estimator(
        samplers[name], X_real, y_real, features="pca", ax=ax, name=name
    )
fig.tight_layout()

# %%
# Share of synthetic points that land in majority territory
# ---------------------------------------------------------
# For each method: fraction of synthetic samples whose nearest original
# sample is a majority sample (lower = safer regions, higher = closer to the
# boundary or overlapping it).
nn = NearestNeighbors(n_neighbors=1).fit(X_real)
print(f"{'method':20s} share near majority")
for name, sampler in samplers.items():
    X_res, _ = sampler.fit_resample(X_real, y_real)
    new = X_res[sampler.provenance_.synthetic]
    nearest = nn.kneighbors(new, return_distance=False)[:, 0]
    print(f"{name:20s} {np.mean(y_real[nearest] == 0):.2f}")

plt.show()
