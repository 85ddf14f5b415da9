"""Label shift: class priors that change between source and target.

* :class:`LabelShiftWeighter`: target class priors and class weights
  ``q(y) / p(y)`` from an unlabelled target sample, by EM (Saerens et al.
  2002), black-box shift estimation (Lipton et al. 2018) or its regularized
  version RLLS (Azizzadenesheli et al. 2019).
* :class:`PACLabelShiftClassifier`: PAC prediction sets under label shift
  (Si et al. 2024), valid for the target distribution.
* :class:`LabelShiftConformalClassifier`: weighted split conformal sets
  with label-dependent weights (Podkopaev and Ramdas 2021).
"""

from ._prediction_sets import LabelShiftConformalClassifier, PACLabelShiftClassifier
from ._weighter import LabelShiftWeighter, SingularConfusionMatrixError

__all__ = [
    "LabelShiftConformalClassifier",
    "LabelShiftWeighter",
    "PACLabelShiftClassifier",
    "SingularConfusionMatrixError",
]
