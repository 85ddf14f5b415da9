"""Under-samplers of class labels on the package's neighbour engine.

Every sampler here records ``provenance_`` (and imbalanced-learn's
``sample_indices_``), so that weights and groups follow the kept rows.
"""

from ._cleaning import EditedNearestNeighbours, TomekLinks

__all__ = ["EditedNearestNeighbours", "TomekLinks"]
