"""Under-samplers of class labels, imbalanced-learn compatible, on the
package's neighbour engine.

Every sampler here records ``provenance_`` (and imbalanced-learn's
``sample_indices_``), so that weights and groups follow the kept rows;
:class:`RandomUnderSampler` also has a Dask path that leaves the majority
class where it lies.
"""

from ._cleaning import EditedNearestNeighbours, TomekLinks
from ._random import RandomUnderSampler

__all__ = ["EditedNearestNeighbours", "RandomUnderSampler", "TomekLinks"]
