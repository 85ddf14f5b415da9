"""Mixup for continuous targets: vanilla/domain mixup, C-Mixup, kNN-limited mixup."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.cluster import KMeans
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import _num_samples, check_is_fitted, validate_data

from ..base import BaseRegressionSampler, Provenance
from ..neighbors import NearestNeighbors
from ..utils._routing import build_router, routed_params
from ..utils.validation import check_overflow, explain_overflow, pow2_rescale
from ._base import mix_matrix, resolve_n_out, stack_rows, uniform_anchors
from ._kernels import cmixup_partners_kernel
from ._pairs import build_cell_index, check_all_have_partners, parse_criterion

_SIZE = [
    Interval(numbers.Integral, 1, None, closed="left"),
    Interval(numbers.Real, 0, None, closed="neither"),
]


class _BaseRegressionMixup(BaseRegressionSampler):
    """Anchors uniform over rows, a partner from ``_partners``, y mixed alike."""

    _parameter_constraints = {
        "alpha": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_samples": _SIZE,
        "keep_original": ["boolean"],
        "random_state": ["random_state"],
    }

    def _mix(self, X, y, partners_fn):
        n = X.shape[0]
        self.sampling_strategy_ = "bypass"
        rng = check_random_state(self.random_state)
        m = resolve_n_out(self.n_samples, n)
        anchors = uniform_anchors(n, m, rng)
        partners = partners_fn(anchors, rng)
        lam = rng.beta(self.alpha, self.alpha, size=m)
        X_mix = mix_matrix(X, anchors, partners, lam)
        y_mix = lam * y[anchors] + (1.0 - lam) * y[partners]
        kept = np.arange(n) if self.keep_original else np.empty(0, np.int64)
        self._set_provenance(kept, anchors, partners, 1.0 - lam)
        if self.keep_original:
            return stack_rows([X, X_mix]), np.concatenate([y, y_mix.astype(y.dtype)])
        return X_mix, y_mix.astype(y.dtype, copy=False)


class RegressionMixup(_BaseRegressionMixup):
    """Mixup for continuous targets, with random or domain-selective pairs.

    Each output row is ``lambda x_i + (1 - lambda) x_j`` with target
    ``lambda y_i + (1 - lambda) y_j``, ``lambda ~ Beta(alpha, alpha)``, anchors
    ``i`` spread evenly over the rows and partners ``j`` uniform in the set
    S(i) of ``criterion``.

    Parameters
    ----------
    criterion : {"random", "same_domain", "different_domain"}, default="random"
        Partner set (never containing ``i``); the domain criteria need
        ``groups``.  Class criteria do not apply to continuous targets: see
        :class:`CMixup` for pairing by target distance.
    alpha : float, default=1.0
        Parameter of the symmetric Beta law of ``lambda``.
    n_samples : int or float, default=1.0
        Number of mixed rows (int) or multiple of the input size (float).
    keep_original : bool, default=False
        Put the original rows first in the output.
    random_state : int, RandomState instance or None, default=None
        Controls the random draws; pass an int for reproducible output.

    Attributes
    ----------
    sampling_strategy_ : str
        Always ``"bypass"`` (imbalanced-learn's sampler protocol; mixup does
        not target counts).
    provenance_ : Provenance
        ``seed`` = anchor, ``partner`` = partner, ``gap = 1 - lambda``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] H. Zhang, M. Cisse, Y. Dauphin, D. Lopez-Paz. "mixup: Beyond
       Empirical Risk Minimization." ICLR 2018.
    .. [2] D. Teney, J. Wang, E. Abbasnejad. "Selective Mixup Helps with
       Distribution Shifts, But Not (Only) because of Mixup." ICML 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.mixup import RegressionMixup
    >>> X = np.arange(20.0).reshape(10, 2); y = np.arange(10.0)
    >>> X_mix, y_mix = RegressionMixup(random_state=0).fit_resample(X, y)
    >>> bool(np.allclose(X_mix[:, 0], 2 * y_mix))
    True
    """

    _parameter_constraints = {
        **_BaseRegressionMixup._parameter_constraints,
        "criterion": [StrOptions({"random", "same_domain", "different_domain"})],
    }

    def __init__(
        self,
        *,
        criterion="random",
        alpha=1.0,
        n_samples=1.0,
        keep_original=False,
        random_state=None,
    ):
        self.criterion = criterion
        self.alpha = alpha
        self.n_samples = n_samples
        self.keep_original = keep_original
        self.random_state = random_state

    def fit_resample(self, X, y, groups=None):
        """Resample the dataset.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Continuous target.
        groups : array-like of shape (n_samples,), default=None
            Domain of each row; required by the domain criteria.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix}
            The resampled rows.
        y_resampled : {ndarray, series}
            Their targets.
        """
        return super().fit_resample(X, y, groups=groups)

    def _fit_resample(self, X, y, groups=None):
        class_rel, dom_rel, _ = parse_criterion(self.criterion)
        n = X.shape[0]
        index, _, domains = build_cell_index(
            n,
            None,
            groups,
            class_rel=class_rel,
            dom_rel=dom_rel,
            criterion=self.criterion,
        )
        check_all_have_partners(
            index, class_rel, dom_rel, self.criterion, domains=domains
        )
        return self._mix(
            X,
            y,
            lambda a, rng: index.sample(
                class_rel, dom_rel, a, rng.random_sample(a.shape[0])
            ),
        )


class CMixup(_BaseRegressionMixup):
    """C-Mixup: mix each anchor with a partner of similar target.

    The partner ``j`` of anchor ``i`` is drawn with probability proportional
    to ``exp(-(y_i - y_j)^2 / (2 sigma^2))`` (``j != i``); rows and targets
    are then mixed with ``lambda ~ Beta(alpha, alpha)``.  Sampling is exact
    and runs in a numba kernel in O(n) memory (rejection over bins of the
    sorted targets; no n x n matrix).

    Parameters
    ----------
    bandwidth : float or "auto", default="auto"
        ``sigma``, in units of y.  ``"auto"``: Silverman's rule
        ``1.06 * std(y) * n^(-1/5)``.  The authors choose it by validation;
        so can :class:`~sklearn.model_selection.GridSearchCV`.
    alpha : float, default=1.0
        Parameter of the symmetric Beta law of ``lambda``.
    n_samples : int or float, default=1.0
        Number of mixed rows (int) or multiple of the input size (float).
    keep_original : bool, default=False
        Put the original rows first in the output.
    random_state : int, RandomState instance or None, default=None
        Controls the random draws; pass an int for reproducible output.

    Attributes
    ----------
    sampling_strategy_ : str
        Always ``"bypass"`` (imbalanced-learn's sampler protocol).
    bandwidth_ : float
        The sigma used.
    provenance_ : Provenance
        ``seed`` = anchor, ``partner`` = partner, ``gap = 1 - lambda``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] H. Yao, Y. Wang, L. Zhang, J. Zou, C. Finn. "C-Mixup: Improving
       Generalization in Regression." NeurIPS 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.mixup import CMixup
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(200, 3); y = X[:, 0] + 0.1 * rng.randn(200)
    >>> X_mix, y_mix = CMixup(bandwidth=0.2, random_state=0).fit_resample(X, y)
    >>> X_mix.shape
    (200, 3)
    """

    _parameter_constraints = {
        **_BaseRegressionMixup._parameter_constraints,
        "bandwidth": [
            Interval(numbers.Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
    }

    def __init__(
        self,
        *,
        bandwidth="auto",
        alpha=1.0,
        n_samples=1.0,
        keep_original=False,
        random_state=None,
    ):
        self.bandwidth = bandwidth
        self.alpha = alpha
        self.n_samples = n_samples
        self.keep_original = keep_original
        self.random_state = random_state

    def _fit_resample(self, X, y):
        n = X.shape[0]
        if n < 2:
            raise ValueError("CMixup needs at least 2 samples.")
        # the kernel depends on |y - y'| / bandwidth only: y beyond the
        # overflow limit is scaled by a power of two, the bandwidth with it
        y64, e = pow2_rescale(np.asarray(y, dtype=np.float64))
        if self.bandwidth == "auto":
            sd = float(np.std(y64))
            if sd == 0.0:
                raise ValueError(
                    "y is constant: bandwidth='auto' is 0; give a bandwidth."
                )
            sigma = 1.06 * sd * n ** (-0.2)
        else:
            sigma = float(np.ldexp(float(self.bandwidth), -e))
        self.bandwidth_ = float(np.ldexp(sigma, e))
        order = np.argsort(y64, kind="stable").astype(np.int64)
        pos = np.empty(n, dtype=np.int64)
        pos[order] = np.arange(n, dtype=np.int64)
        ys = np.ascontiguousarray(y64[order])

        def partners(anchors, rng):
            seed = int(rng.randint(0, 2**31 - 1))
            j = cmixup_partners_kernel(ys, order, pos, anchors, sigma, seed)
            if np.any(j < 0):
                bad = int(anchors[np.flatnonzero(j < 0)[0]])
                raise ValueError(
                    f"bandwidth={sigma:.3g} is so small that row {bad} "
                    "(y = {:.6g}) has no other row with a non-zero kernel "
                    "weight; increase the bandwidth.".format(float(y[bad]))
                )
            return j

        return self._mix(X, y, partners)


def _knn_table(X, k_max):
    nn = NearestNeighbors(n_neighbors=k_max).fit(X)
    return nn.kneighbors(return_distance=False).astype(np.int64)


def _knn_partners(table, k_per_row, anchors, rng):
    k = k_per_row[anchors]
    u = np.minimum((rng.random_sample(anchors.shape[0]) * k).astype(np.int64), k - 1)
    return table[anchors, u]


class KNNMixup(_BaseRegressionMixup):
    """K-nearest-neighbour-limited mixup: mix each anchor only with one of its k nearest neighbours.

    In the spirit of RegMix (Hwang & Whang): mixing far-apart examples of a
    regression problem creates implausible targets, so the partner is drawn
    uniformly among the ``n_neighbors`` nearest neighbours of the anchor in
    feature space (Euclidean; scale the features first).  Rows and targets
    are mixed with ``lambda ~ Beta(alpha, alpha)``.
    :class:`KNNMixupRegressor` chooses k (global or per cluster) on a
    validation split.  Memory O(n k).

    Parameters
    ----------
    n_neighbors : int, default=5
        Neighbours each anchor may mix with (clipped to ``n - 1``).
    alpha : float, default=1.0
        Parameter of the symmetric Beta law of ``lambda``.
    n_samples : int or float, default=1.0
        Number of mixed rows (int) or multiple of the input size (float).
    keep_original : bool, default=False
        Put the original rows first in the output.
    random_state : int, RandomState instance or None, default=None
        Controls the random draws; pass an int for reproducible output.

    Attributes
    ----------
    sampling_strategy_ : str
        Always ``"bypass"`` (imbalanced-learn's sampler protocol; mixup does
        not target counts).
    provenance_ : Provenance
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] S. Hwang, S. E. Whang. "RegMix: Data Mixing Augmentation for
       Regression." arXiv:2106.03374.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.mixup import KNNMixup
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(100, 2); y = X.sum(axis=1)
    >>> X_mix, y_mix = KNNMixup(n_neighbors=3, random_state=0).fit_resample(X, y)
    >>> X_mix.shape
    (100, 2)
    """

    _parameter_constraints = {
        **_BaseRegressionMixup._parameter_constraints,
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        n_neighbors=5,
        alpha=1.0,
        n_samples=1.0,
        keep_original=False,
        random_state=None,
    ):
        self.n_neighbors = n_neighbors
        self.alpha = alpha
        self.n_samples = n_samples
        self.keep_original = keep_original
        self.random_state = random_state

    def _fit_resample(self, X, y):
        n = X.shape[0]
        if n < 2:
            raise ValueError("KNNMixup needs at least 2 samples.")
        k = min(self.n_neighbors, n - 1)
        table = _knn_table(X, k)
        k_rows = np.full(n, k, dtype=np.int64)
        return self._mix(X, y, lambda a, rng: _knn_partners(table, k_rows, a, rng))


class KNNMixupRegressor(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """Regressor trained on kNN-limited mixup, k chosen on a validation split.

    The cheap variant of RegMix's per-example k: the training data are split
    into a fitting part and a validation part (``validation_fraction``); for
    each candidate k, ``estimator`` is fitted on the fitting part plus its
    kNN-mixed rows and scored (squared error) on the validation part.  With
    ``scope="global"`` the k of lowest validation error is kept; with
    ``scope="cluster"`` the rows are clustered (k-means on the features) and
    each cluster keeps the k of lowest validation error among its validation
    rows (the global choice where a cluster has none), so that every example
    gets the k of its cluster.  The estimator is finally refitted on all rows
    plus their mixed rows with the chosen k.

    Parameters
    ----------
    estimator : regressor, default=None
        None means ``Ridge()``.
    n_neighbors : array-like of int, default=(2, 5, 10, 20, 50)
        Candidate k.
    scope : {"global", "cluster"}, default="global"
    n_clusters : int, default=4
        Clusters for ``scope="cluster"``.
    validation_fraction : float, default=0.2
        Share of the rows held out to choose k.
    alpha : float, default=1.0
        Parameter of the symmetric Beta law of ``lambda``.
    n_samples : int or float, default=1.0
        Mixed rows added to the original ones (the original rows are kept).
    random_state : int, RandomState instance or None, default=None
        Controls the random draws; pass an int for reproducible output.

    Attributes
    ----------
    estimator_ : regressor
    n_neighbors_ : int or ndarray of shape (n_clusters,)
        Chosen k (per cluster with ``scope="cluster"``).
    validation_errors_ : ndarray of shape (n_candidates,) or (n_clusters, n_candidates)
        Mean squared validation error of each candidate.
    clusterer_ : KMeans or None
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    References
    ----------
    .. [1] S. Hwang, S. E. Whang. "RegMix: Data Mixing Augmentation for
       Regression." arXiv:2106.03374.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.mixup import KNNMixupRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(200, 2); y = X[:, 0] ** 2 + 0.1 * rng.randn(200)
    >>> reg = KNNMixupRegressor(n_neighbors=(2, 10), random_state=0).fit(X, y)
    >>> int(reg.n_neighbors_) in (2, 10)
    True
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_neighbors": ["array-like"],
        "scope": [StrOptions({"global", "cluster"})],
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "alpha": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_samples": _SIZE,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_neighbors=(2, 5, 10, 20, 50),
        scope="global",
        n_clusters=4,
        validation_fraction=0.2,
        alpha=1.0,
        n_samples=1.0,
        random_state=None,
    ):
        self.estimator = estimator
        self.n_neighbors = n_neighbors
        self.scope = scope
        self.n_clusters = n_clusters
        self.validation_fraction = validation_fraction
        self.alpha = alpha
        self.n_samples = n_samples
        self.random_state = random_state

    def _mix_fit(self, X, y, k_rows, table, rng, params, per_row=()):
        n = X.shape[0]
        m = resolve_n_out(self.n_samples, n)
        anchors = uniform_anchors(n, m, rng)
        partners = _knn_partners(table, k_rows, anchors, rng)
        lam = rng.beta(self.alpha, self.alpha, size=m)
        X_all = stack_rows([X, mix_matrix(X, anchors, partners, lam)])
        y_all = np.concatenate([y, lam * y[anchors] + (1 - lam) * y[partners]])
        # per-row metadata follows the rows: x = x_a + (1 - lam)(x_p - x_a)
        rows = Provenance.from_parts(np.arange(n), anchors, partners, 1 - lam)
        params = {
            k: rows.carry(v, key=k) if k in per_row else v for k, v in params.items()
        }
        est = Ridge() if self.estimator is None else self.estimator
        return clone(est).fit(X_all, y_all, **params)

    def get_metadata_routing(self):
        """Metadata routing: ``fit`` routes to ``estimator.fit``.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` encapsulating routing information.
        """
        est = Ridge() if self.estimator is None else self.estimator
        return build_router(self, estimator=(est, [("fit", "fit")]))

    def fit(self, X, y, **fit_params):
        """Choose k on a validation split, then fit on all rows plus mixed rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Continuous target.
        **fit_params : dict
            Passed to ``estimator.fit`` (with metadata routing enabled, what
            it requested).  Per-row values (``sample_weight``, ...) follow
            the rows: split with them, and carried to each mixed row
            (``sample_weight`` interpolated with the row's ``lambda``, any
            other key copied from its anchor).

        Returns
        -------
        self : object
            The fitted regressor.
        """
        self._validate_params()
        params = routed_params(self, "fit", fit_params)
        n_rows = _num_samples(X)
        per_row = {
            k: v for k, v in params.items()
            if hasattr(v, "__len__") and not isinstance(v, (str, dict))
            and _num_samples(v) == n_rows
        }  # fmt: skip
        X, y = validate_data(self, X, y, y_numeric=True, dtype=[np.float64, np.float32])
        y = y.astype(np.float64)
        if self.estimator is None:
            # the default ridge penalty is not scale-free: no silent rescaling
            check_overflow(X, estimator=self)
            check_overflow(y, estimator=self, name="y")
        with (
            explain_overflow(X, estimator=self),
            explain_overflow(y, estimator=self, name="y"),
        ):
            return self._fit_validated(X, y, params, per_row)

    def _fit_validated(self, X, y, params, per_row):
        grid = np.asarray(self.n_neighbors)
        if (
            grid.ndim != 1
            or grid.size == 0
            or grid.dtype.kind not in "iu"
            or np.any(grid < 1)
        ):
            raise ValueError(
                "n_neighbors must be a non-empty 1-D sequence of positive ints, "
                f"got {self.n_neighbors!r}."
            )
        n = X.shape[0]
        if n < 5:
            raise ValueError(
                f"KNNMixupRegressor needs at least 5 samples, got n_samples = {n}."
            )
        rng = check_random_state(self.random_state)
        seed = rng.randint(0, 2**31 - 1)
        X_fit, X_val, y_fit, y_val, idx_fit, _ = train_test_split(
            X, y, np.arange(n), test_size=self.validation_fraction, random_state=seed
        )
        params_fit = {
            k: _safe_indexing(v, idx_fit) if k in per_row else v
            for k, v in params.items()
        }
        n_fit = X_fit.shape[0]
        if n_fit < 2:
            raise ValueError("The fitting part of the validation split has < 2 rows.")
        grid_fit = np.minimum(grid, n_fit - 1)
        table = _knn_table(X_fit, int(grid_fit.max()))
        errors = []
        for k in grid_fit:
            est = self._mix_fit(
                X_fit,
                y_fit,
                np.full(n_fit, k, np.int64),
                table,
                rng,
                params_fit,
                per_row,
            )
            errors.append((est.predict(X_val) - y_val) ** 2)
        errors = np.asarray(errors)  # (n_candidates, n_val)
        global_best = int(np.argmin(errors.mean(axis=1)))
        table_all = _knn_table(X, int(min(grid.max(), n - 1)))
        grid_all = np.minimum(grid, n - 1)
        if self.scope == "global":
            self.clusterer_ = None
            self.validation_errors_ = errors.mean(axis=1)
            self.n_neighbors_ = int(grid[global_best])
            k_rows = np.full(n, grid_all[global_best], dtype=np.int64)
        else:
            n_clusters = min(self.n_clusters, n)
            self.clusterer_ = KMeans(
                n_clusters=n_clusters, n_init=3, random_state=seed
            ).fit(X)
            val_lab = self.clusterer_.predict(X_val)
            errs = np.full((n_clusters, grid.size), np.nan)
            best = np.full(n_clusters, global_best)
            for g in range(n_clusters):
                sel = val_lab == g
                if sel.any():
                    errs[g] = errors[:, sel].mean(axis=1)
                    best[g] = int(np.argmin(errs[g]))
            self.validation_errors_ = errs
            self.n_neighbors_ = grid[best]
            k_rows = grid_all[best][self.clusterer_.labels_].astype(np.int64)
        self.estimator_ = self._mix_fit(X, y, k_rows, table_all, rng, params, per_row)
        return self

    def predict(self, X):
        """Predict with the estimator fitted on the mixed data.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
            Query points.

        Returns
        -------
        y_pred : ndarray of shape (n_queries,)
            Predictions of ``estimator_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return self.estimator_.predict(X)
