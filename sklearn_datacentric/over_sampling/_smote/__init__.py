"""SMOTE family on the package's numba neighbour engine.

Public: :class:`SMOTE`, :class:`BorderlineSMOTE`, :class:`ADASYN`,
:class:`SMOTENC`, :class:`SMOTEN`.

Reusable internals (for other SMOTE-style samplers of the package):

* ``_smote._kernels.interpolate(X, seeds, partners, gaps, out=None)``: numba,
  dense; writes ``X[seeds] + gaps * (X[partners] - X[seeds])`` (seeds and
  partners are row indices of ``X``).  ``interpolate_csr`` does the same for
  CSR.  ``nominal_mode(codes, neighbors, tie_u=None)``: per-column most
  frequent nominal value among neighbours, O(k) memory per row.
* ``_smote._base.sample_pairs(n_samples, nn_ind, random_state)`` ->
  ``(seed_rows, partners, gaps)``: uniform (seed, neighbour) pairs and
  U(0, 1) gaps, imbalanced-learn's draws.
* ``_smote._base.check_neighbors_param(name, value, n_jobs=...)``: an int
  ``k`` gives ``NearestNeighbors(k + 1)`` of the package; an object with
  ``kneighbors`` is cloned.  ``n_neighbors_of(est, name)`` gives ``k``;
  ``kneighbors_self(est, X_fit, rows=None)`` the neighbours of points of
  ``X_fit`` among ``X_fit``, each point excluded from its own list.
* ``_smote._base.resolve_neighbors``, ``kneighbors``, ``kneighbors_of_rows``
  and ``fit_searcher``: the neighbour resolver of the smote-variants methods
  (an int or a user estimator, clipped to the candidates available).
* ``_smote._base.BaseSyntheticOverSampler``: the root of every synthetic
  over-sampler of the package: the input check (``check_X_y_float``),
  ``_check_class_size`` / ``_check_min_class_size`` (clear errors when a
  class is too small), ``_assemble(X, y, plans)`` which builds the output
  from ``(class, seeds, partners, gaps[, X_new])`` plans and records
  ``provenance_`` (dense and sparse), and ``_resample_per_class`` (one class
  against the rest through the hook ``_generate``; used by the
  smote-variants methods).
* ``_smote._base.BaseSMOTE``: ``k_neighbors``/``n_jobs`` parameters,
  ``_validate_estimator()`` (sets ``nn_k_``) and the Dask path.
"""

from ._adasyn import ADASYN
from ._borderline import BorderlineSMOTE
from ._smote import SMOTE
from ._smote_nc import SMOTEN, SMOTENC

__all__ = ["SMOTE", "BorderlineSMOTE", "ADASYN", "SMOTENC", "SMOTEN"]
