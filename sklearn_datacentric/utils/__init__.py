"""Utilities: validation, optional imports, estimator discovery, domains."""

from ._dask import (
    DaskProvenance,
    dask_gather_budget,
    dask_warmup,
    get_dask_gather_budget,
)
from ._optional import import_optional
from .discovery import all_estimators
from .domain import pack_source_target, split_source_target
from .validation import (
    check_finite_target,
    check_keep_ratio,
    check_same_n_features,
    check_sample_weight_support,
)

__all__ = [
    "DaskProvenance",
    "all_estimators",
    "dask_gather_budget",
    "dask_warmup",
    "get_dask_gather_budget",
    "import_optional",
    "pack_source_target",
    "split_source_target",
    "check_finite_target",
    "check_keep_ratio",
    "check_same_n_features",
    "check_sample_weight_support",
]
