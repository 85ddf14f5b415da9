"""
===================================================================
Label shift: target priors, prediction sets and weighted validation
===================================================================

The bundled ringnorm data (two classes, 20 features) is split into a
labelled source part with both classes in equal shares and a target part
that keeps only 15% of the class-1 rows: a prior shift, the class-1 share
falls from about 1/2 to about 0.13.  The target labels are used only to
evaluate.

1. :class:`~sklearn_datacentric.label_shift.LabelShiftWeighter` estimates the
   target priors from the unlabelled target rows (EM and black-box shift
   estimation).
2. Split conformal sets calibrated on the source lose coverage on the
   target; the label-shift sets keep it.
3. Importance-weighted cross-validation tunes how strongly the class
   weights are applied, without target labels.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_datacentric.datasets import load_ringnorm
from sklearn_datacentric.label_shift import (
    LabelShiftConformalClassifier,
    LabelShiftWeighter,
    PACLabelShiftClassifier,
)
from sklearn_datacentric.model_selection import ImportanceWeightedScorer

X, y = load_ringnorm(return_X_y=True)
rng = np.random.default_rng(0)
perm = rng.permutation(len(y))
src, tgt = perm[:3000], perm[3000:]
tgt = tgt[(y[tgt] == 0) | (rng.random(tgt.size) < 0.15)]
half = tgt.size // 2
X_s, y_s = X[src], y[src]
X_t, y_t = X[tgt[:half]], y[tgt[:half]]  # y_t only to evaluate
X_eval, y_eval = X[tgt[half:]], y[tgt[half:]]


def model():
    return make_pipeline(StandardScaler(), LogisticRegression())


# %%
# Target priors from unlabelled rows
# ----------------------------------
true_priors = np.bincount(y_t) / y_t.size
for method in ("em", "bbse"):
    w = LabelShiftWeighter(model(), method=method).fit(X_s, y_s, X_target=X_t)
    print(
        f"{method:4s}: target priors {w.target_priors_.round(3)} "
        f"(true {true_priors.round(3)}), class weights {w.class_weights_.round(2)}"
    )

# %%
# Prediction sets on the target
# -----------------------------
# Plain split conformal prediction is the weighted estimator fitted without a
# target sample (unit weights).
levels = [0.8, 0.9, 0.95]
estimators = {
    "split conformal (no correction)": LabelShiftConformalClassifier(
        model(), confidence_level=levels, random_state=0
    ).fit(X_s, y_s),
    "weighted conformal (label shift)": LabelShiftConformalClassifier(
        model(), confidence_level=levels, random_state=0
    ).fit(X_s, y_s, X_target=X_t),
    "PAC, delta=0.1 (label shift)": PACLabelShiftClassifier(
        model(), confidence_level=levels, delta=0.1, random_state=0
    ).fit(X_s, y_s, X_target=X_t),
}
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for i, (name, est) in enumerate(estimators.items()):
    _, y_pss = est.predict_set(X_eval)
    coverage = y_pss[np.arange(y_eval.size), y_eval, :].mean(axis=0)
    size = y_pss.sum(axis=1).mean(axis=0)
    print(f"{name}: coverage {coverage.round(3)}, mean set size {size.round(2)}")
    offset = (i - 1) * 0.012
    axes[0].plot(np.array(levels) + offset, coverage, "o", label=name)
    axes[1].plot(np.array(levels) + offset, size, "o", label=name)
axes[0].plot(levels, levels, "k--", lw=1, label="target level")
axes[0].set(xlabel="confidence level", ylabel="coverage on the target")
axes[1].set(xlabel="confidence level", ylabel="mean set size")
axes[0].legend(fontsize=8)
fig.tight_layout()

# %%
# Weighted cross-validation: how strongly to apply the class weights
# ------------------------------------------------------------------
# A classifier fitted with sample weights ``w_y ** lam``: plain CV on the
# source rows prefers ``lam = 0`` (the source priors); the
# importance-weighted score estimates the target accuracy and prefers
# weighting.
weighter = LabelShiftWeighter(model()).fit(X_s, y_s, X_target=X_t)


class FlattenedWeights(ClassifierMixin, BaseEstimator):
    def __init__(self, lam=0.0, class_weights=None):
        self.lam = lam
        self.class_weights = class_weights

    def fit(self, X, y):
        w = np.asarray(self.class_weights)[y] ** self.lam
        self.model_ = model().fit(X, y, logisticregression__sample_weight=w)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


est = FlattenedWeights(class_weights=weighter.class_weights_)
grid = {"lam": [0.0, 0.5, 1.0]}
cv = StratifiedKFold(5, shuffle=True, random_state=0)
for name, scoring in (
    ("plain CV", "accuracy"),
    ("IWCV", ImportanceWeightedScorer(weighter, scoring="accuracy", prefit=True)),
):
    search = GridSearchCV(est, grid, scoring=scoring, cv=cv).fit(X_s, y_s)
    acc = search.best_estimator_.score(X_eval, y_eval)
    print(f"{name}: lam = {search.best_params_['lam']}, target accuracy {acc:.3f}")
