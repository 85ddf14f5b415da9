"""Under-samplers of class labels (imbalanced-learn compatible, with
provenance, and a Dask path that leaves the majority class where it lies)."""

from ._random import RandomUnderSampler

__all__ = ["RandomUnderSampler"]
