"""Conformal prediction that stays valid under covariate shift.

* :class:`SplitConformalRegressor`, :class:`SplitConformalClassifier`: split
  (inductive) conformal prediction, valid on exchangeable data; conformalized
  quantile regression as an option.
* :class:`WeightedConformalRegressor`, :class:`WeightedConformalClassifier`:
  weighted conformal prediction (Tibshirani et al. 2019), valid under
  covariate shift given the likelihood ratio (estimated from an unlabelled
  target sample by default).
* :class:`LRQRConformalRegressor`, :class:`LRQRConformalClassifier`:
  likelihood-ratio regularized quantile regression (Joshi, Kiyani et al.
  2025), which adapts to the shift without estimating the ratio.
"""

from ._base import (
    InfiniteIntervalWarning,
    conformal_quantile,
    n_calibration_required,
    weighted_conformal_quantile,
)
from ._shift import (
    LRQRConformalClassifier,
    LRQRConformalRegressor,
    ShiftDiagnosticWarning,
    WeightedConformalClassifier,
    WeightedConformalRegressor,
)
from ._split import SplitConformalClassifier, SplitConformalRegressor

__all__ = [
    "InfiniteIntervalWarning",
    "LRQRConformalClassifier",
    "LRQRConformalRegressor",
    "ShiftDiagnosticWarning",
    "SplitConformalClassifier",
    "SplitConformalRegressor",
    "WeightedConformalClassifier",
    "WeightedConformalRegressor",
    "conformal_quantile",
    "n_calibration_required",
    "weighted_conformal_quantile",
]

from ._cross import (  # noqa: E402
    BootstrapSplit,
    CrossConformalClassifier,
    CrossConformalRegressor,
    WeightedCrossConformalClassifier,
    WeightedCrossConformalRegressor,
)

__all__ += [
    "BootstrapSplit",
    "CrossConformalClassifier",
    "CrossConformalRegressor",
    "WeightedCrossConformalClassifier",
    "WeightedCrossConformalRegressor",
]
