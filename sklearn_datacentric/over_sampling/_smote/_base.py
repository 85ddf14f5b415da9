"""Shared machinery of the SMOTE family: neighbour handling, pair sampling,
output assembly with provenance."""

import numbers

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import validate_data

from ...base import BaseOverSampler
from ...neighbors import NearestNeighbors
from ...utils._dask import DaskDispatchMixin
from . import _kernels

__all__ = [
    "BaseSMOTE",
    "check_neighbors_param",
    "kneighbors_self",
    "sample_pairs",
    "n_neighbors_of",
]


def check_neighbors_param(name, value, *, n_jobs=None, additional_neighbor=1):
    """Turn a ``k_neighbors``-style parameter into an unfitted estimator.

    An int ``k`` gives the package's exact
    :class:`~sklearn_datacentric.neighbors.NearestNeighbors` with
    ``k + additional_neighbor`` neighbours (the point itself is counted, as
    in imbalanced-learn); an object with ``kneighbors`` is cloned and used
    as is (its ``n_neighbors`` counts the point itself).
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return NearestNeighbors(n_neighbors=int(value) + additional_neighbor,
                                n_jobs=n_jobs)
    if hasattr(value, "kneighbors"):
        return clone(value)
    raise TypeError(
        f"{name} must be an int or an object with a kneighbors method, got "
        f"{type(value).__name__}."
    )


def n_neighbors_of(estimator, name):
    """Number of neighbours (the point itself excluded) an estimator gives."""
    k = getattr(estimator, "n_neighbors", None)
    if not isinstance(k, numbers.Integral) or k < 2:
        raise ValueError(
            f"The estimator given as {name} must have an integer n_neighbors >= 2 "
            f"(the point itself plus at least one neighbour), got {k!r}."
        )
    return int(k) - 1


def kneighbors_self(estimator, X_fit, rows=None, *, fitted=False):
    """Neighbours of points of ``X_fit`` among ``X_fit``, themselves excluded.

    Parameters
    ----------
    estimator : object with ``fit`` and ``kneighbors``
        From :func:`check_neighbors_param`; its ``n_neighbors`` counts the
        point itself, so ``n_neighbors - 1`` neighbours are returned.
    X_fit : ndarray or CSR matrix
        Points searched.
    rows : ndarray of int, default=None
        Rows of ``X_fit`` to query (all when None).
    fitted : bool, default=False
        Skip fitting (the estimator was already fitted on ``X_fit``).

    Returns
    -------
    ind : ndarray of shape (n_rows, n_neighbors - 1)
        Row indices into ``X_fit``.  The package's engine excludes each
        point exactly; any other estimator is queried with
        ``n_neighbors`` and the first column (the point itself) is dropped,
        as imbalanced-learn does.
    """
    k = n_neighbors_of(estimator, "the neighbours estimator")
    if isinstance(estimator, NearestNeighbors):
        if not fitted:
            estimator._validate_params()
            estimator._fit_validated(X_fit)
        return estimator._kneighbors_fitted(rows, k)[1]
    if not fitted:
        estimator.fit(X_fit)
    Xq = X_fit if rows is None else X_fit[rows]
    ind = estimator.kneighbors(Xq, return_distance=False)
    return np.asarray(ind)[:, 1:]


def sample_pairs(n_samples, nn_ind, random_state, *, step_size=1.0):
    """Draw the (seed, partner, gap) triples of SMOTE.

    Each synthetic point picks one (seed, neighbour) pair uniformly among
    all ``nn_ind.size`` pairs (so a uniform seed, then a uniform one of its
    neighbours) and a gap ``u ~ U(0, 1)`` times ``step_size``; the same
    draws, in the same order, as imbalanced-learn's ``_make_samples``.

    Parameters
    ----------
    n_samples : int
        Number of synthetic points.
    nn_ind : ndarray of shape (n_seeds, k)
        Neighbour indices of each seed (any index space, returned as is).
    random_state : int, RandomState instance or None
    step_size : float, default=1.0

    Returns
    -------
    seed_rows : ndarray of shape (n_samples,), int64
        Rows of ``nn_ind`` (positions of the seeds among the queries).
    partners : ndarray of shape (n_samples,), int64
        ``nn_ind[seed_rows, col]`` for the drawn column.
    gaps : ndarray of shape (n_samples,), float64
    """
    rng = check_random_state(random_state)
    flat = rng.randint(low=0, high=nn_ind.size, size=n_samples)
    gaps = step_size * rng.uniform(size=n_samples)
    k = nn_ind.shape[1]
    seed_rows = (flat // k).astype(np.int64)
    partners = np.asarray(nn_ind[seed_rows, flat % k], dtype=np.int64)
    return seed_rows, partners, gaps


def _join_plans(plans):
    """Seeds, partners and gaps of all plans (no copy for a single plan)."""
    if not plans:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    if len(plans) == 1:
        return plans[0][1], plans[0][2], plans[0][3]
    return tuple(np.concatenate([p[i] for p in plans]) for i in (1, 2, 3))


def _label(c):
    """A class label as a plain Python value (for error messages)."""
    return c.item() if isinstance(c, np.generic) else c


class BaseSMOTE(DaskDispatchMixin, BaseOverSampler):
    """Base of the SMOTE-style samplers: ``k_neighbors`` handling, checks of
    class sizes and output assembly with provenance."""

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors"]),
        ],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None,
                 k_neighbors=5, n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.n_jobs = n_jobs

    def _fit_resample_dask(self, X, y):
        from ._dask import fit_resample_dask

        return fit_resample_dask(self, X, y)

    def _check_X_y(self, X, y):
        from imblearn.utils import check_target_type

        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X, y = validate_data(
            self, X=X, y=y, reset=True, accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
        )
        return X, y, binarize_y

    def _validate_estimator(self):
        """Set ``nn_k_`` from ``k_neighbors`` (int or estimator)."""
        self.nn_k_ = check_neighbors_param(
            "k_neighbors", self.k_neighbors, n_jobs=self.n_jobs
        )

    @staticmethod
    def _check_class_size(class_sample, n_class, k, name):
        if n_class <= k:
            class_sample = _label(class_sample)
            what = (
                "a single sample" if n_class == 1 else f"only {n_class} samples"
            )
            raise ValueError(
                f"Class {class_sample!r} has {what}, too few for {name}={k}: "
                f"each sample to over-sample needs {k} neighbours of its class "
                f"(at least {k + 1} samples). Lower {name} or drop this class "
                "from sampling_strategy."
            )

    @staticmethod
    def _as_csr(X):
        """A CSR copy with sorted indices (the input is never modified)."""
        Xr = X.tocsr(copy=True) if X.format != "csr" else X.copy()
        Xr.sort_indices()
        return Xr

    def _assemble(self, X, y, plans):
        """Build the output from per-class plans and record provenance.

        ``plans`` is a list of ``(class_label, seeds, partners, gaps)`` with
        global row indices of ``X``.  Original rows first, then the
        synthetic rows class after class.
        """
        plans = [p for p in plans if len(p[1])]
        n = X.shape[0]
        seeds, partners, gaps = _join_plans(plans)
        y_new = [np.full(len(p[1]), p[0], dtype=y.dtype) for p in plans]
        y_res = np.concatenate([y, *y_new])
        if sparse.issparse(X):
            Xr = X if X.format == "csr" and X.has_sorted_indices else self._as_csr(X)
            X_new = _kernels.interpolate_csr(Xr, seeds, partners, gaps)
            X_res = sparse.vstack([X, X_new], format=X.format)
        else:
            X_res = np.empty((n + seeds.shape[0], X.shape[1]), dtype=X.dtype)
            X_res[:n] = X
            _kernels.interpolate(X, seeds, partners, gaps, out=X_res[n:])
        self._set_provenance(np.arange(n), seeds, partners, gaps)
        return X_res, y_res
