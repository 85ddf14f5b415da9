"""The nearest-neighbour engine shared by the samplers (numba kernels).

:class:`NearestNeighbors` finds exact k nearest neighbours in Euclidean
distance with a KD-tree (low dimension) or a blocked brute force (high
dimension, sparse input), in parallel over the queries, and offers a
(1 + eps)-approximate mode.  :func:`kneighbors_dask` searches a
row-partitioned Dask array exactly (needs the ``dask`` extra).
"""

from ._base import NearestNeighbors
from ._dask import kneighbors_dask

__all__ = ["NearestNeighbors", "kneighbors_dask"]
