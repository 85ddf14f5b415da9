"""
===========================================================
Conformity scores and Mondrian (group-conditional) coverage
===========================================================

Every conformal method covers the label with probability at least the
confidence level on average; the *conformity score* decides where the
interval (or set) is wide, and *Mondrian calibration* decides over which
population the guarantee holds.

* Regression with noise that grows with ``|x|``: the absolute residual gives
  a constant width; the residual-normalised score (a difficulty model fitted
  on part of the calibration rows) and conformalized quantile regression
  widen the interval where the noise is large.
* Classification where labels are noisy in one region: LAC gives the
  smallest sets on average, APS and RAPS larger sets on the rows the model
  is unsure about.
* Two populations with different noise: one threshold for both under-covers
  the noisy group; ``groups=`` (Mondrian calibration) gives each group its
  own threshold and its own guarantee.

All estimators return MAPIE 1.x shapes: ``predict_interval`` gives
``(y_pred, y_pis)`` with ``y_pis`` of shape ``(n, 2, n_levels)``.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer

from sklearn_datacentric.conformal import (
    APSScore,
    RAPSScore,
    ResidualNormalizedScore,
    SplitConformalClassifier,
    SplitConformalRegressor,
)
from sklearn_datacentric.metrics import (
    CoverageDisplay,
    classification_coverage_score,
    mean_interval_width,
    regression_coverage_score,
)

rng = np.random.default_rng(0)

# %%
# Regression scores on heteroscedastic noise
# ------------------------------------------
# ``y = sin(2x) + (0.1 + 0.5 |x|) eps``.  One model, three scores, two
# confidence levels in one fit.
n = 3000
X = rng.uniform(-3, 3, size=(n, 1))
y = np.sin(2 * X[:, 0]) + (0.1 + 0.5 * np.abs(X[:, 0])) * rng.normal(size=n)
train, cal, test = np.split(rng.permutation(n), [1000, 2000])
spline = make_pipeline(SplineTransformer(n_knots=8), LinearRegression())
model = spline.fit(X[train], y[train])

estimators = {
    "absolute": SplitConformalRegressor(model, prefit=True),
    "residual_normalized": SplitConformalRegressor(
        model,
        prefit=True,
        conformity_score=ResidualNormalizedScore(
            make_pipeline(SplineTransformer(n_knots=5), LinearRegression()),
            random_state=0,
        ),
    ),
    "cqr": SplitConformalRegressor(
        HistGradientBoostingRegressor(loss="quantile", max_iter=100),
        conformity_score="cqr",
        calibration_size=None,  # fit on train, conformalize on cal
    ),
}
grid = np.linspace(-3, 3, 200)[:, None]
fig, axes = plt.subplots(1, 3, figsize=(12, 3.5), sharey=True)
for ax, (name, est) in zip(axes, estimators.items()):
    est.set_params(confidence_level=[0.8, 0.95])
    if name == "cqr":
        est.fit(X[train], y[train])
    est.conformalize(X[cal], y[cal])
    _, y_pis = est.predict_interval(X[test])
    cov = regression_coverage_score(y[test], y_pis)
    width = mean_interval_width(y_pis)
    y_hat, g_pis = est.predict_interval(grid)
    ax.scatter(X[test, 0], y[test], s=2, color="0.6")
    for k, color in [(1, "tab:blue"), (0, "tab:orange")]:
        ax.fill_between(
            grid[:, 0],
            g_pis[:, 0, k],
            g_pis[:, 1, k],
            alpha=0.35,
            color=color,
            label=f"{est.confidence_levels_[k]:.2f}",
        )
    ax.plot(grid[:, 0], y_hat, color="k", linewidth=1)
    ax.set_title(
        f"{name}\ncoverage {cov[0]:.2f} / {cov[1]:.2f}, "
        f"width {width[0]:.2f} / {width[1]:.2f}",
        fontsize=9,
    )
    ax.set_xlabel("x")
axes[0].legend(title="level")
plt.tight_layout()
plt.show()

# %%
# Classification: LAC, APS and RAPS
# ---------------------------------
# Three classes from ``x1``; where ``x0 < 0`` a third of the labels are
# replaced by random ones.  The sets of APS/RAPS grow on those rows.  The
# deterministic APS/RAPS sets include the class whose cumulative mass crosses
# the threshold, so they over-cover; the randomised version covers the level
# exactly on average, and RAPS's penalty trims the deterministic sets.
n = 6000
X = rng.normal(size=(n, 2))
clean = np.digitize(X[:, 1], [-0.7, 0.7])
noisy = np.where(rng.uniform(size=n) < 1 / 3, rng.integers(0, 3, n), clean)
y = np.where(X[:, 0] < 0, noisy, clean)
features = np.column_stack([X, X[:, 0] * X[:, 1], X[:, 0] ** 2])
clf = LogisticRegression(max_iter=1000).fit(features[:2000], y[:2000])
hard = X[4000:, 0] < 0
print(f"{'score':<22}coverage  size (x0 < 0)  size (x0 >= 0)")
for name, score in [
    ("lac", "lac"),
    ("aps", "aps"),
    ("aps, randomised", APSScore(randomized=True)),
    ("raps (lambda=0.05)", RAPSScore(lambda_=0.05, k_reg=1)),
]:
    est = SplitConformalClassifier(
        clf,
        prefit=True,
        conformity_score=score,
        confidence_level=0.9,
        random_state=0,
    ).conformalize(features[2000:4000], y[2000:4000])
    _, y_pss = est.predict_set(features[4000:])
    size = y_pss[:, :, 0].sum(axis=1)
    cov = classification_coverage_score(y[4000:], y_pss)[0]
    print(
        f"{name:<22}{cov:8.3f}  {size[hard].mean():13.2f}  {size[~hard].mean():14.2f}"
    )

# %%
# Mondrian calibration: coverage within every group
# -------------------------------------------------
# Group "B" is four times noisier than group "A" and three times rarer.  The
# marginal threshold covers "A" more than needed and "B" far less;
# ``groups=`` gives each group its own threshold.
n = 4000
X = rng.normal(size=(n, 2))
g = np.where(rng.uniform(size=n) < 0.25, "B", "A")
y = X @ [1.0, -1.0] + rng.normal(size=n) * np.where(g == "B", 2.0, 0.5)
model = LinearRegression().fit(X[:1000], y[:1000])
cal, test = slice(1000, 2500), slice(2500, None)
marginal = SplitConformalRegressor(model, prefit=True).conformalize(X[cal], y[cal])
mondrian = SplitConformalRegressor(model, prefit=True).conformalize(
    X[cal], y[cal], groups=g[cal]
)
fig, ax = plt.subplots(figsize=(5, 3.5))
CoverageDisplay.from_estimator(
    marginal, X[test], y[test], groups=g[test], name="one threshold", ax=ax
)
CoverageDisplay.from_estimator(
    mondrian,
    X[test],
    y[test],
    groups=g[test],
    predict_groups=g[test],
    name="Mondrian",
    ax=ax,
)
ax.set_ylim(0.6, 1.0)
plt.show()
for label, q in zip(mondrian.groups_.tolist(), mondrian.group_thresholds_[:, 0, 1]):
    print(f"group {label}: threshold {q:.2f} (marginal {marginal.threshold_:.2f})")
