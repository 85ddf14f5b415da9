"""The over-sampling framework of the package: input check, neighbour
resolver, pair sampling and output assembly with provenance.

Two bases build on :class:`BaseSyntheticOverSampler`:

* :class:`BaseSMOTE` (SMOTE, Borderline-SMOTE, ADASYN, SMOTE-NC, SMOTE-N):
  ``k_neighbors``/``n_jobs`` parameters, sparse input kept sparse, a Dask
  path; each sampler writes its own ``_fit_resample`` from the pieces below.
* ``over_sampling._variants._common._VariantOverSampler`` (the
  smote-variants methods): one class against the rest through
  :meth:`BaseSyntheticOverSampler._resample_per_class`, with the hook
  ``_generate`` (the method itself) and the class attribute
  ``_per_class_attributes`` (fitted dicts filled class by class).
"""

import numbers
import time

import numpy as np
from imblearn.utils import check_target_type
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
    "BaseSyntheticOverSampler",
    "BaseSMOTE",
    "check_X_y_float",
    "check_neighbors_param",
    "kneighbors",
    "kneighbors_of_rows",
    "kneighbors_self",
    "fit_searcher",
    "resolve_neighbors",
    "sample_pairs",
    "n_neighbors_of",
]


def check_X_y_float(estimator, X, y):
    """The input check of the over-samplers: imbalanced-learn's target check
    (one-vs-all indicator targets accepted) and ``validate_data`` with float
    dtypes, CSR/CSC accepted.  Returns ``(X, y, binarize_y)``."""
    y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
    X, y = validate_data(
        estimator,
        X=X,
        y=y,
        reset=True,
        accept_sparse=["csr", "csc"],
        dtype=[np.float64, np.float32],
    )
    return X, y, binarize_y


def densified(fit_resample_dense, X, y):
    """Run a dense resampler on sparse input and give the same format back.

    For methods that need distances, means and covariances of the rows:
    sparse input is densified (memory of n_samples x n_features floats).
    """
    if sparse.issparse(X):
        fmt = X.format
        X_res, y_res = fit_resample_dense(X.toarray(), y)
        return sparse.csr_matrix(X_res).asformat(fmt), y_res
    return fit_resample_dense(X, y)


def check_neighbors_param(name, value, *, n_jobs=None, additional_neighbor=1):
    """Turn a ``k_neighbors``-style parameter into an unfitted estimator.

    An int ``k`` gives the package's exact
    :class:`~sklearn_datacentric.neighbors.NearestNeighbors` with
    ``k + additional_neighbor`` neighbours (the point itself is counted, as
    in imbalanced-learn); an object with ``kneighbors`` is cloned and used
    as is (its ``n_neighbors`` counts the point itself).
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return NearestNeighbors(
            n_neighbors=int(value) + additional_neighbor, n_jobs=n_jobs
        )
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


def resolve_neighbors(value, name="k_neighbors"):
    """``(k, estimator)`` of a ``k_neighbors``-style parameter.

    An int gives ``(k, None)`` (the package's engine); an object with
    ``kneighbors`` gives its ``n_neighbors - 1`` (imbalanced-learn's
    convention: the point itself is counted) and the object, which is then
    cloned for every search (see :func:`kneighbors`).
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value), None
    est = check_neighbors_param(name, value)
    return n_neighbors_of(est, name), est


def kneighbors(X_fit, k, X_query=None, estimator=None):
    """Indices of the ``k`` nearest rows of ``X_fit`` (Euclidean).

    ``X_query=None`` queries the rows of ``X_fit`` themselves, each row not
    being its own neighbour (:func:`kneighbors_self`).  ``k`` is clipped to
    the number of candidates; the result has shape
    ``(n_queries, k_effective)``.  ``estimator``: a user-given neighbours
    estimator from :func:`resolve_neighbors` (cloned, its ``n_neighbors``
    set to the number needed); None uses the package's engine.
    """
    X_fit = np.asarray(X_fit, dtype=np.float64)
    n_avail = X_fit.shape[0] - (1 if X_query is None else 0)
    k = int(min(k, n_avail))
    n_queries = X_fit.shape[0] if X_query is None else len(X_query)
    if k < 1:
        return np.empty((n_queries, 0), dtype=np.int64)
    if X_query is None:
        est = (
            NearestNeighbors(n_neighbors=k + 1)
            if estimator is None
            else clone(estimator).set_params(n_neighbors=k + 1)
        )
        return np.asarray(kneighbors_self(est, X_fit), dtype=np.int64)
    est = fit_searcher(X_fit, k, estimator)
    ind = est.kneighbors(np.asarray(X_query, dtype=np.float64), return_distance=False)
    return np.asarray(ind, dtype=np.int64)


def fit_searcher(X_fit, k, estimator=None):
    """A neighbours estimator fitted once on ``X_fit``, for repeated queries
    of ``k`` neighbours (``searcher.kneighbors(Q, n_neighbors=k,
    return_distance=False)``)."""
    k = int(min(k, X_fit.shape[0]))
    if estimator is None:
        est = NearestNeighbors(n_neighbors=k)
    else:
        est = clone(estimator).set_params(n_neighbors=k)
    return est.fit(np.asarray(X_fit, dtype=np.float64))


def kneighbors_of_rows(X, rows, k, estimator=None):
    """The ``k`` nearest rows of ``X`` to each row ``X[rows]``, itself excluded.

    A duplicate of the row may take its place among the candidates; then
    the farthest candidate is dropped instead.
    """
    k = int(min(k, X.shape[0] - 1))
    if k < 1:
        return np.empty((len(rows), 0), dtype=np.int64)
    ind = kneighbors(X, k + 1, X_query=X[rows], estimator=estimator)
    is_self = ind == np.asarray(rows)[:, None]
    drop = np.where(is_self.any(axis=1), is_self.argmax(axis=1), k)
    keep = np.ones_like(ind, dtype=bool)
    keep[np.arange(ind.shape[0]), drop] = False
    return ind[keep].reshape(ind.shape[0], k)


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


class _Progress:
    """One line per phase of ``fit_resample`` when ``verbose`` is positive:
    ``[SMOTE] class 1: 5 neighbours of its 1000 rows [0.4 s]``."""

    def __init__(self, estimator):
        self.name = type(estimator).__name__
        self.verbose = getattr(estimator, "verbose", 0)
        self.start = time.perf_counter()

    def __call__(self, message, class_sample=None):
        if self.verbose:
            if class_sample is not None:
                message = f"class {_label(class_sample)!r}: {message}"
            elapsed = time.perf_counter() - self.start
            print(f"[{self.name}] {message} [{elapsed:.1f} s]", flush=True)


class BaseSyntheticOverSampler(BaseOverSampler):
    """Root of the package's synthetic over-samplers (the SMOTE family and
    the smote-variants methods).

    Gives the input check (:func:`check_X_y_float`), the checks of class
    sizes, the output assembly with provenance (:meth:`_assemble`) and a
    per-class driver (:meth:`_resample_per_class`) for methods written as a
    ``_generate`` hook.
    """

    # names of the fitted dicts ``{class: value}`` that ``_generate`` fills
    # class by class (reset at the start of every fit)
    _per_class_attributes = ()
    # smallest number of rows a class needs (``_check_min_class_size``)
    _min_class_size = 2

    def _check_X_y(self, X, y):
        return check_X_y_float(self, X, y)

    @staticmethod
    def _check_class_size(class_sample, n_class, k, name):
        """Clear error when a class has no ``k`` neighbours of its own."""
        if n_class <= k:
            class_sample = _label(class_sample)
            what = "a single sample" if n_class == 1 else f"only {n_class} samples"
            raise ValueError(
                f"Class {class_sample!r} has {what}, too few for {name}={k}: "
                f"each sample to over-sample needs {k} neighbours of its class "
                f"(at least {k + 1} samples). Lower {name} or drop this class "
                "from sampling_strategy."
            )

    def _check_min_class_size(self, class_sample, n_class, min_size=None):
        """Clear error when a class is smaller than the method needs."""
        min_size = self._min_class_size if min_size is None else min_size
        if n_class < min_size:
            raise ValueError(
                f"{type(self).__name__} needs at least {min_size} "
                f"samples of a class to over-sample it; class "
                f"{_label(class_sample)!r} has {n_class}."
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
        global row indices of ``X`` (the rows are interpolated on the
        segments), or ``(class_label, seeds, partners, gaps, X_new)`` where
        the method computed its rows itself (dense ``X``; ``-1`` marks a
        missing parent).  Original rows first, then the synthetic rows
        class after class.
        """
        plans = [p for p in plans if len(p[1])]
        n = X.shape[0]
        seeds, partners, gaps = _join_plans(plans)
        y_new = [np.full(len(p[1]), p[0], dtype=y.dtype) for p in plans]
        y_res = np.concatenate([y, *y_new])
        given = any(len(p) > 4 for p in plans)
        if given and sparse.issparse(X):  # pragma: no cover - internal misuse
            raise TypeError("Rows computed by the method need a dense X.")
        if sparse.issparse(X):
            Xr = X if X.format == "csr" and X.has_sorted_indices else self._as_csr(X)
            X_new = _kernels.interpolate_csr(Xr, seeds, partners, gaps)
            X_res = sparse.vstack([X, X_new], format=X.format)
        else:
            X_res = np.empty((n + seeds.shape[0], X.shape[1]), dtype=X.dtype)
            X_res[:n] = X
            if given:
                start = n
                for p in plans:
                    stop = start + len(p[1])
                    if len(p) > 4:
                        X_res[start:stop] = p[4]
                    else:
                        _kernels.interpolate(X, p[1], p[2], p[3], out=X_res[start:stop])
                    start = stop
            else:
                _kernels.interpolate(X, seeds, partners, gaps, out=X_res[n:])
        self._set_provenance(np.arange(n), seeds, partners, gaps)
        return X_res, y_res

    def _resample_per_class(self, X, y, rng):
        """Over-sample each class of ``sampling_strategy_`` against the rest.

        Resets the ``_per_class_attributes`` dicts, checks each class size
        (``_check_min_class_size``), calls the hook
        ``_generate(X, y, class_sample, idx_min, n_samples, rng)`` -> ``(X_new,
        seed, partner, gap)`` (parents as row indices of ``X``, ``-1`` where
        there is none) and assembles the output (:meth:`_assemble`).
        """
        for name in self._per_class_attributes:
            setattr(self, name, {})
        plans = []
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            idx_min = np.flatnonzero(y == class_sample)
            self._check_min_class_size(class_sample, idx_min.shape[0])
            X_new, seed, partner, gap = self._generate(
                X, y, class_sample, idx_min, int(n_samples), rng
            )
            plans.append(
                (
                    class_sample,
                    np.asarray(seed, dtype=np.int64),
                    np.asarray(partner, dtype=np.int64),
                    np.asarray(gap, dtype=np.float64),
                    np.asarray(X_new),
                )
            )
        return self._assemble(X, y, plans)

    def _generate(self, X, y, class_sample, idx_min, n_samples, rng):
        raise NotImplementedError  # pragma: no cover - hook of the variants


class BaseSMOTE(DaskDispatchMixin, BaseSyntheticOverSampler):
    """Base of the SMOTE-style samplers: ``k_neighbors``/``n_jobs``/``verbose``
    parameters and the Dask path, on :class:`BaseSyntheticOverSampler`.
    ``self._progress()`` gives the per-phase progress printer of a fit."""

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors"]),
        ],
        "n_jobs": [numbers.Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        n_jobs=None,
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _progress(self):
        return _Progress(self)

    def _fit_resample_dask(self, X, y):
        from ._dask import fit_resample_dask

        return fit_resample_dask(self, X, y)

    def _validate_estimator(self):
        """Set ``nn_k_`` from ``k_neighbors`` (int or estimator)."""
        self.nn_k_ = check_neighbors_param(
            "k_neighbors", self.k_neighbors, n_jobs=self.n_jobs
        )
