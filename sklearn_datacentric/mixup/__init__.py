"""Selective mixup, explicit group resampling and regression mixup.

* :func:`sample_partners`: one partner per anchor, uniform in the partner set
  S(i) of a criterion (random, same/different class, same/different domain,
  and their combinations); numba, O(n) memory.
* :class:`SelectiveMixup`: mixup of pairs chosen by a criterion, for class
  labels (hard labels; exact soft targets through ``fit_resample_soft`` and
  ``fit_resample_weighted``), with ``implicit_distribution_``: the class and
  domain distribution its pair selection induces, in closed form.
* :class:`GroupBalancedResampler`: explicit resampling to uniform classes,
  domains or (class, domain) cells.
* :class:`SoftTargetClassifier`: fits any classifier with ``sample_weight`` on
  the exact soft targets (rows weighted lambda and 1 - lambda).
* :class:`RegressionMixup`, :class:`CMixup`, :class:`KNNMixup`,
  :class:`KNNMixupRegressor`: mixup for continuous targets (vanilla or
  domain-selective, target-kernel partners, k-nearest-neighbour partners with
  k chosen on a validation split).
"""

from ._pairs import CRITERIA, sample_partners
from ._regression import CMixup, KNNMixup, KNNMixupRegressor, RegressionMixup
from ._resample import GroupBalancedResampler
from ._selective import SelectiveMixup
from ._soft import SoftTargetClassifier

__all__ = [
    "CRITERIA",
    "sample_partners",
    "SelectiveMixup",
    "GroupBalancedResampler",
    "SoftTargetClassifier",
    "RegressionMixup",
    "CMixup",
    "KNNMixup",
    "KNNMixupRegressor",
]
