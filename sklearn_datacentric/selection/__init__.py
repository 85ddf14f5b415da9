"""Data selection: label-error detection, data pruning and active learning.

Selectors that drop rows are imbalanced-learn cleaning samplers
(``fit_resample``), so they stand in an ``imblearn.pipeline.Pipeline`` before
any classifier; each exposes ``scores_`` (higher = more suspicious / harder),
``mask_`` (rows flagged) and ``provenance_`` / ``sample_indices_`` (rows kept).
"""

from ._active import (
    ActiveLearningCurves,
    UncertaintySampler,
    simulate_active_learning,
    uncertainty_scores,
)
from ._aum import AreaUnderMarginSelector, margins_from_logits
from ._base import out_of_fold_proba
from ._confidence import (
    ConfidenceSelector,
    confident_joint,
    flag_label_errors,
    label_quality_scores,
)
from ._pruning import EL2NPruner, RandomPruner, RepeatedRandomSubsetSampler, el2n_scores
from ._regression import RegressionResidualSelector

__all__ = [
    "ActiveLearningCurves",
    "AreaUnderMarginSelector",
    "ConfidenceSelector",
    "EL2NPruner",
    "RandomPruner",
    "RegressionResidualSelector",
    "RepeatedRandomSubsetSampler",
    "UncertaintySampler",
    "confident_joint",
    "el2n_scores",
    "flag_label_errors",
    "label_quality_scores",
    "margins_from_logits",
    "out_of_fold_proba",
    "simulate_active_learning",
    "uncertainty_scores",
]
