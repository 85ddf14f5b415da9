"""Over-samplers: the SMOTE family, its best-ranked extensions, and
resamplers for continuous targets (SMOTER, SMOGN)."""

from . import _regression, _smote, _variants
from ._regression import *  # noqa: F403
from ._smote import *  # noqa: F403
from ._variants import *  # noqa: F403

__all__ = [*_smote.__all__, *_variants.__all__, *_regression.__all__]
