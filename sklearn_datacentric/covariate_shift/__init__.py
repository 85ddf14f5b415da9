"""Covariate shift: sample weighters and shift-aware estimators.

Weighters (``fit``, ``weights_``, ``predict_weights``) estimate how much each
source sample counts for a target distribution; the meta-estimators train
on those weights.  The target sample is given as ``fit(..., X_target=...)``
or stacked into ``X`` with skada's ``sample_domain`` (negative = target).
"""

from ._density_ratio import DiscriminativeDensityRatio
from ._dwgcs import DWGCSClassifier
from ._importance import ImportanceWeightedClassifier, ImportanceWeightedRegressor
from ._kmm import DoubleWeighting, KernelMeanMatching

__all__ = [
    "DiscriminativeDensityRatio",
    "DoubleWeighting",
    "DWGCSClassifier",
    "ImportanceWeightedClassifier",
    "ImportanceWeightedRegressor",
    "KernelMeanMatching",
]
