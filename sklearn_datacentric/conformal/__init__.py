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

Every estimator takes ``confidence_level`` as a float or a list,
``conformity_score`` as a name or a score object (:class:`AbsoluteScore`,
:class:`GammaScore`, :class:`ResidualNormalizedScore`, :class:`CQRScore`,
:class:`LACScore`, :class:`APSScore`, :class:`RAPSScore`), ``groups`` for
Mondrian (group-conditional) calibration, and returns MAPIE 1.x shapes:
``predict_interval(X) -> (y_pred, y_pis)`` with ``y_pis`` of shape
``(n, 2, n_levels)``, ``predict_set(X) -> (y_pred, y_pss)`` with ``y_pss`` of
shape ``(n, n_classes, n_levels)``.
"""

from ._base import (
    InfiniteIntervalWarning,
    conformal_quantile,
    n_calibration_required,
    weighted_conformal_quantile,
)
from ._lrqr import (
    LRQRConformalClassifier,
    LRQRConformalRegressor,
    ShiftDiagnosticWarning,
)
from ._scores import (
    AbsoluteScore,
    APSScore,
    BaseClassificationScore,
    BaseRegressionScore,
    CQRScore,
    GammaScore,
    LACScore,
    RAPSScore,
    ResidualNormalizedScore,
)
from ._split import SplitConformalClassifier, SplitConformalRegressor
from ._weighted import WeightedConformalClassifier, WeightedConformalRegressor

__all__ = [
    "APSScore",
    "AbsoluteScore",
    "BaseClassificationScore",
    "BaseRegressionScore",
    "CQRScore",
    "GammaScore",
    "LACScore",
    "RAPSScore",
    "ResidualNormalizedScore",
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
