"""Neural estimators for tabular data, built on skorch and torch.

* :class:`TabularNetClassifier`, :class:`TabularNetRegressor`: skorch nets with
  the scikit-learn contract, sample weights batched with their rows, in-batch
  (selective) mixup, a balanced batch sampler and ``device="auto"``.
* :class:`TabularMLP`: the default module.
* :class:`TrainingDynamics`: skorch callback recording per-sample margins per
  epoch (area under the margin).
* :class:`BalancedBatchSampler`, :class:`TabularDataset`: the data plumbing.

Requires the ``torch`` extra: ``pip install "sklearn-datacentric[torch]"``.
"""

from ..utils import import_optional

import_optional("torch", extra="torch", purpose="by sklearn_datacentric.neural")
import_optional("skorch", extra="torch", purpose="by sklearn_datacentric.neural")

from ._callbacks import TrainingDynamics  # noqa: E402
from ._data import BalancedBatchSampler, TabularDataset  # noqa: E402
from ._estimators import TabularNetClassifier, TabularNetRegressor  # noqa: E402
from ._module import TabularMLP  # noqa: E402

__all__ = [
    "BalancedBatchSampler",
    "TabularDataset",
    "TabularMLP",
    "TabularNetClassifier",
    "TabularNetRegressor",
    "TrainingDynamics",
]
