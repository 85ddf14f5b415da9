"""
==============================================================
LR-QR on Communities and Crime (Joshi, Kiyani et al. protocol)
==============================================================

LR-QR (Joshi, Kiyani, Pappas, Dobriban, Hassani 2025) fits a threshold on the
nonconformity score by quantile regression with a likelihood-ratio
regulariser, so that coverage adapts to covariate shift without estimating
the ratio.  We follow the paper's Communities and Crime protocol on a
reduced number of random splits (20; the full run with 200 splits is
``benchmarks/conformal_reproductions.py``, results in
``benchmarks/results/conformal_communities.md``):

* ridge regression on a random half of the data (penalty by efficient
  leave-one-out CV here; 5-fold CV as in the paper in the benchmark script);
* the other half split at the median of one race-share feature: below is
  the source (labelled calibration data), above is the target;
* the target halved into an unlabelled sample (given to weighted CP and
  LR-QR) and a labelled test sample;
* score ``|y - f(x)|``, nominal coverage 0.9; split CP, weighted CP (logistic
  regression density ratio) and LR-QR with the paper's choice of ``lam``.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV

from sklearn_datacentric.conformal import (
    InfiniteIntervalWarning,
    LRQRConformalRegressor,
    SplitConformalRegressor,
    WeightedConformalRegressor,
)
from sklearn_datacentric.datasets import load_communities_crime
from sklearn_datacentric.metrics import CoverageDisplay

warnings.simplefilter("ignore", InfiniteIntervalWarning)

data = load_communities_crime(as_frame=True)
features = ["racepctblack", "racePctWhite", "racePctAsian", "racePctHisp"]
X, y = data.data.to_numpy(), data.target.to_numpy()
cols = [list(data.data.columns).index(f) for f in features]
print(f"{X.shape[0]} communities, {X.shape[1]} features")


# %%
# One random split, four shift scenarios
# --------------------------------------
def one_split(seed):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(X))
    tr, rest = perm[: len(X) // 2], perm[len(X) // 2 :]
    model = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(X[tr], y[tr])
    rows = []
    for feat, col in zip(features, cols):
        Xr, yr = X[rest], y[rest]
        src = Xr[:, col] <= np.median(Xr[:, col])
        Xs, ys, Xt, yt = Xr[src], yr[src], Xr[~src], yr[~src]
        p = rng.permutation(len(Xt))
        Xu, Xte, yte = Xt[p[: len(p) // 2]], Xt[p[len(p) // 2 :]], yt[p[len(p) // 2 :]]
        for name, est in [
            ("split CP", SplitConformalRegressor(model, prefit=True).fit(Xs, ys)),
            (
                "weighted CP",
                WeightedConformalRegressor(model, prefit=True).fit(Xs, ys, X_target=Xu),
            ),
            (
                "LR-QR",
                LRQRConformalRegressor(model, prefit=True, random_state=seed).fit(
                    Xs, ys, X_target=Xu
                ),
            ),
        ]:
            iv = est.predict_interval(Xte)
            covered = (iv[:, 0] <= yte) & (yte <= iv[:, 1])
            rows.append(
                {
                    "split": seed,
                    "shift on": feat,
                    "method": name,
                    "coverage": covered.mean(),
                    "median width": np.median(iv[:, 1] - iv[:, 0]),
                    "projected ratio norm": getattr(
                        est, "projected_ratio_norm_", np.nan
                    ),
                    "calibration coverage": getattr(
                        est, "calibration_coverage_", np.nan
                    ),
                }
            )
    return rows


results = pd.DataFrame([r for seed in range(20) for r in one_split(seed)])

# %%
# Results table
# -------------
# Mean coverage over splits (nominal 0.9) and median interval width.
# Weighted CP gives infinite intervals to target points whose estimated ratio
# dwarfs the calibration weights, hence an infinite median width.
table = results.pivot_table(
    index="shift on", columns="method", values="coverage", aggfunc="mean"
)
print(table.round(3))
closest = (table - 0.9).abs().idxmin(axis=1)
print("\nclosest to nominal:")
print(closest)

# %%
# LR-QR diagnostics
# -----------------
# ``projected_ratio_norm_`` is the largest ``(mean_target h)^2 / mean_source
# h^2`` over the threshold class (1 without shift): in the hundreds, the
# regulariser outweighs the pinball loss and the threshold collapses on the
# source, as ``calibration_coverage_`` (share of calibration scores under the
# threshold, far below 0.9) shows.
lrqr = results[results["method"] == "LR-QR"]
print(
    lrqr.groupby("shift on")[["projected ratio norm", "calibration coverage"]]
    .median()
    .round(3)
)

# %%
# Coverage by scenario
# --------------------
# Each point is the mean coverage over splits of one method in one scenario
# (the dashed line is the nominal level).  In our runs LR-QR with the
# paper's rule for ``lam`` is not the method closest to nominal, unlike the
# paper's figure: the median split puts the target outside the source
# support, the best linear "likelihood ratio" is extreme
# (``projected_ratio_norm_`` in the hundreds) and the regulariser dominates
# (see the user guide).
fig, ax = plt.subplots(figsize=(7, 4))
for name, grp in results.groupby("method"):
    disp = CoverageDisplay(
        groups=np.array(features),
        coverage=grp.groupby("shift on")["coverage"]
        .mean()
        .reindex(features)
        .to_numpy(),
        counts=np.full(len(features), 20),
        nominal=0.9,
        name=name,
    )
    disp.plot(ax=ax)
ax.set_ylim(0.3, 1.02)
plt.show()
