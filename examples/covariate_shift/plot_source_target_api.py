"""
======================================================================
Giving the target sample: notebook path and cross-validation-safe path
======================================================================

Shift-aware estimators need the unlabelled target sample at fit time.

* In a notebook, pass it as ``fit(X, y, X_target=X_target)``.
* In ``GridSearchCV`` / ``cross_val_score``, a fit parameter whose length
  equals ``len(X)`` is sliced fold by fold, which would silently cut the
  target sample.  Stack source and target rows instead, with skada's
  ``sample_domain`` (negative = target) passed by metadata routing.
"""

# %%
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from sklearn_datacentric.covariate_shift import (
    DiscriminativeDensityRatio,
    ImportanceWeightedClassifier,
)
from sklearn_datacentric.datasets import load_blood_transfusion, make_covariate_shift
from sklearn_datacentric.utils import pack_source_target

X, y = load_blood_transfusion(return_X_y=True)
X = np.log1p(np.asarray(X, dtype=float))
X_s, y_s, X_t, y_t = make_covariate_shift(X, y, feature=0, random_state=0)
print("source", X_s.shape, "target", X_t.shape)

# %%
# Notebook path
# -------------
clf = ImportanceWeightedClassifier(
    LogisticRegression(), weighting=DiscriminativeDensityRatio(clip=20.0)
)
clf.fit(X_s, y_s, X_target=X_t)
print("target accuracy (notebook path):", round(clf.score(X_t, y_t), 3))

# %%
# CV-safe path: stacked rows + ``sample_domain``
# ----------------------------------------------
# ``pack_source_target`` stacks the rows and masks the target labels
# (here we keep them, only for scoring: ``score`` with ``sample_domain``
# uses the labelled target rows; fitting never reads target labels).
sklearn.set_config(enable_metadata_routing=True)
X_all, y_all, sd = pack_source_target(X_s, y_s, X_t, y_target=y_t)

est = ImportanceWeightedClassifier(
    LogisticRegression(), weighting=DiscriminativeDensityRatio(clip=20.0)
)
est.set_fit_request(sample_domain=True).set_score_request(sample_domain=True)
cv = KFold(5, shuffle=True, random_state=0)
scores = cross_val_score(est, X_all, y_all, cv=cv, params={"sample_domain": sd})
print("CV target accuracy per fold:", scores.round(3))

search = GridSearchCV(est, {"estimator__C": [0.01, 0.1, 1.0, 10.0]}, cv=cv)
search.fit(X_all, y_all, sample_domain=sd)
print(
    "best C:",
    search.best_params_,
    " target rows seen by the best weighter:",
    search.best_estimator_.weighting_.n_target_,
)
sklearn.set_config(enable_metadata_routing=False)
