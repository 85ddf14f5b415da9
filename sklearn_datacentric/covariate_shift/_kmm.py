"""Kernel mean matching (KMM) and double-weighting KMM (DW-KMM)."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._warnings import external_stacklevel
from ..utils.validation import pow2_rescale
from ._base import BaseWeighter
from ._kernels import sq_distances, width_heuristic
from ._solvers import solve_dw_kmm

__all__ = ["KernelMeanMatching", "DoubleWeighting"]


def kernel_smooth(X, centers, values, sigma, chunk=2048):
    """Nadaraya-Watson smoother ``sum_i k(x, c_i) v_i / sum_i k(x, c_i)``.

    Computed in log space (the largest kernel value of each row is factored
    out), so a point far from every centre gets the value of its nearest
    centre instead of 0/0.
    """
    out = np.empty(X.shape[0])
    for start in range(0, X.shape[0], chunk):
        sl = slice(start, start + chunk)
        logk = sq_distances(X[sl], centers) * (-1.0 / (2.0 * sigma * sigma))
        logk -= logk.max(axis=1, keepdims=True)
        k = np.exp(logk)
        out[sl] = (k @ values) / k.sum(axis=1)
    return out


# Parameters shared by the docstrings of both weighters (inserted below).
_SOLVER_PARAMS_DOC = """    tol : float >= 0, default=1e-8
        Stopping tolerance.  Interior-point solver: the solver stops once
        the objective is proven (by the duality gap) to be within ``tol``
        relative of the optimum.  FISTA: relative decrease of the objective
        under which an iteration counts as stalled; it stops after 30
        stalled iterations in a row.
    max_iter : int, default=10000
        Maximum number of solver iterations (the interior-point solver
        needs 10 to 25).
    solver : {"auto", "ipm", "fista"}, default="auto"
        QP solver.  ``"ipm"``: primal-dual interior-point method (dense
        Cholesky of an ``m x m`` matrix per iteration, ``m`` the number of
        weights solved for; one extra ``m x m`` matrix of memory).
        ``"fista"``: accelerated projected gradient with an exact projection
        (one kernel product per iteration, no extra matrix, but thousands of
        iterations for ``D > 1``).  ``"auto"`` is ``"ipm"`` up to 8000
        weights and ``"fista"`` beyond.
"""


class _KMMBase(BaseWeighter):
    _parameter_constraints = {
        "B": [Interval(Real, 0, None, closed="neither")],
        "sigma": [Interval(Real, 0, None, closed="neither"), None],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "solver": [StrOptions({"auto", "ipm", "fista"})],
    }

    def _no_target_state(self, Xs):
        self.weights_ = np.ones(Xs.shape[0])
        self.beta_ = self.weights_
        self.alpha_ = np.ones(0)
        self.sigma_ = float(self.sigma) if self.sigma is not None else np.nan
        self.objective_ = 0.0
        self.n_iter_ = 0
        self.solver_ = None

    def _fit_no_target(self, Xs):
        self._no_target_state(Xs)

    def _solve(self, Xs, Xt, D):
        # the kernel depends on ||x - x'|| / sigma only: data beyond the
        # overflow limit (squared distances would be inf and every weight
        # equal) is scaled by a power of two, sigma with it (exact)
        Z, self._scale_exp = pow2_rescale(np.vstack([Xs, Xt]))
        sq = sq_distances(Z, Z)
        if self.sigma is None:
            sigma = width_heuristic(Z, self.n_neighbors, sq_dist=sq)
        else:
            sigma = float(np.ldexp(float(self.sigma), -self._scale_exp))
        self.sigma_ = float(np.ldexp(sigma, self._scale_exp))
        if not np.isfinite(self.sigma_):  # pragma: no cover - needs sigma ~ 1e308
            self.sigma_ = np.finfo(np.float64).max
        sq *= -1.0 / (2.0 * sigma**2)
        K = np.exp(sq, out=sq)
        beta, alpha, info = solve_dw_kmm(
            K,
            Xs.shape[0],
            D=D,
            B=self.B,
            tol=self.tol,
            max_iter=self.max_iter,
            method=self.solver,
        )
        if not info["converged"]:
            warnings.warn(
                f"{type(self).__name__}: the {info['method']} solver stopped "
                f"after {info['n_iter']} iterations (max_iter={self.max_iter}) "
                f"before meeting tol={self.tol}; the weights are feasible but "
                "may be slightly suboptimal.",
                ConvergenceWarning,
                stacklevel=external_stacklevel(),
            )
        self.beta_ = beta
        self.alpha_ = alpha
        self.weights_ = beta
        self.objective_ = info["objective"]
        self.n_iter_ = info["n_iter"]
        self.solver_ = info["method"]
        self.X_source_ = Xs
        self.X_target_ = Xt

    def _smooth(self, X, centers, values):
        """:func:`kernel_smooth` in the scaled units used by the fit."""
        e = getattr(self, "_scale_exp", 0)
        if not e:
            return kernel_smooth(X, centers, values, self.sigma_)
        return kernel_smooth(
            np.ldexp(X, -e),
            np.ldexp(centers, -e),
            values,
            float(np.ldexp(self.sigma_, -e)),
        )

    def _predict_weights(self, X):
        return self._smooth(X, self.X_source_, self.beta_)


class KernelMeanMatching(_KMMBase):
    """Kernel mean matching: source weights that match the target kernel mean.

    Solves (Huang et al. 2007; the ``D = 1`` case of DW-KMM)::

        min_beta || (1/n) sum_i beta_i phi(x_i) - (1/t) sum_j phi(x'_j) ||^2
        s.t.     0 <= beta_i <= B,  |mean(beta) - 1| <= eps

    in the RKHS of the Gaussian kernel ``exp(-||x - x'||^2 / (2 sigma^2))``,
    with ``eps = 1 - 1/sqrt(n)``.  The QP is solved by the package's own
    solvers (a primal-dual interior-point method by default, accelerated
    projected gradient for very large samples; no external QP solver).

    Read more in the :ref:`User Guide <covariate_shift>`.

    Parameters
    ----------
    B : float > 0, default=1000.0
        Upper bound of the weights.
    sigma : float > 0 or None, default=None
        Kernel width.  ``None`` uses the mean distance of the pooled points
        to their ``n_neighbors``-th nearest neighbour.
    n_neighbors : int >= 1, default=50
        Neighbour rank of the width heuristic.
    <solver parameters>

    Attributes
    ----------
    weights_ : ndarray of shape (n_source,)
        The KMM weights ``beta`` of the source samples.
    beta_ : ndarray of shape (n_source,)
        Same as ``weights_``.
    alpha_ : ndarray of shape (n_target,)
        Ones (the target sample is not weighted).
    sigma_ : float
        Kernel width used.
    objective_ : float
        Squared RKHS distance between the weighted means at the solution.
    n_iter_ : int
        Solver iterations.
    solver_ : str or None
        Solver that ran (``"ipm"`` or ``"fista"``; None without a target
        sample).
    has_target_ : bool
        Whether a target sample was given (unit weights otherwise).
    n_source_, n_target_ : int
        Sample sizes.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    DoubleWeighting : weights the target sample too (DW-KMM).

    Notes
    -----
    KMM weights exist only on the source sample.  ``predict_weights`` extends
    them to new points with the Nadaraya-Watson smoother of the same kernel,
    ``w(x) = sum_i k(x, x_i) beta_i / sum_i k(x, x_i)``, so
    ``predict_weights`` on the source sample returns smoothed (not
    identical) weights.  Features are used as given: standardise them first
    when their scales differ.

    References
    ----------
    .. [1] Huang, J., Smola, A., Gretton, A., Borgwardt, K., Schölkopf, B.
       "Correcting sample selection bias by unlabeled data." NIPS 2007.
    .. [2] Gretton, A. et al. "Covariate shift by kernel mean matching."
       In Dataset Shift in Machine Learning, MIT Press, 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.covariate_shift import KernelMeanMatching
    >>> rng = np.random.default_rng(0)
    >>> X_source = rng.normal(0.0, 1.0, size=(200, 1))
    >>> X_target = rng.normal(1.0, 1.0, size=(200, 1))
    >>> kmm = KernelMeanMatching().fit(X_source, X_target=X_target)
    >>> w = kmm.weights_
    >>> bool(w[X_source[:, 0] > 1].mean() > w[X_source[:, 0] < 0].mean())
    True
    """

    def __init__(
        self,
        *,
        B=1000.0,
        sigma=None,
        n_neighbors=50,
        tol=1e-8,
        max_iter=10000,
        solver="auto",
    ):
        self.B = B
        self.sigma = sigma
        self.n_neighbors = n_neighbors
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def _fit_weights(self, Xs, Xt):
        self._solve(Xs, Xt, 1.0)


class DoubleWeighting(_KMMBase):
    """Double-weighting kernel mean matching (DW-KMM).

    Weights both the source (``beta``) and the target (``alpha``) samples
    (Segovia-Martin, Mazuelas & Liu, 2023)::

        min  || (1/n) sum_i beta_i phi(x_i) - (1/t) sum_j alpha_j phi(x'_j) ||^2
        s.t. 0 <= beta_i <= B / sqrt(D),   0 <= alpha_j <= 1,
             |mean(beta) - mean(alpha)| <= 1 - 1/sqrt(n),
             ||alpha - 1||_2 <= (1 - 1/sqrt(D)) sqrt(t)

    in the RKHS of the Gaussian kernel.  ``D = 1`` forces ``alpha = 1``
    (classical :class:`KernelMeanMatching`); larger ``D`` caps the source
    weights and lets the target weights discount target points outside the
    training support.  Solved by the package's own solvers (a primal-dual
    interior-point method by default; accelerated projected gradient with an
    exact projection onto the feasible set for very large samples).

    Read more in the :ref:`User Guide <covariate_shift>`.

    Parameters
    ----------
    D : float >= 1, default=4.0
        Trade-off between the two sets of weights (the default of the
        authors' implementation).
    B : float > 0, default=1000.0
        Bound of the source weights (``beta <= B / sqrt(D)``).
    sigma : float > 0 or None, default=None
        Kernel width; ``None`` uses the paper's heuristic, the mean distance
        of the pooled points to their ``n_neighbors``-th nearest neighbour.
    n_neighbors : int >= 1, default=50
        Neighbour rank of the width heuristic.
    <solver parameters>

    Attributes
    ----------
    weights_ : ndarray of shape (n_source,)
        Source weights ``beta``.
    beta_ : ndarray of shape (n_source,)
        Same as ``weights_``.
    alpha_ : ndarray of shape (n_target,)
        Target weights ``alpha`` in [0, 1].
    sigma_ : float
        Kernel width used.
    objective_ : float
        Squared RKHS distance between the weighted means at the solution.
    n_iter_ : int
        Solver iterations.
    solver_ : str or None
        Solver that ran (``"ipm"`` or ``"fista"``; None without a target
        sample).
    has_target_ : bool
        Whether a target sample was given (unit weights otherwise).
    n_source_, n_target_ : int
        Sample sizes.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    KernelMeanMatching : the ``D = 1`` special case.
    DWGCSClassifier : the minimax classifier built on these weights.

    Notes
    -----
    Out-of-sample weights use the Nadaraya-Watson smoother of the same
    kernel: ``predict_weights(x) = sum_i k(x, x_i) beta_i / sum_i k(x, x_i)``
    over the source sample and ``predict_target_weights(x)`` likewise with
    ``alpha`` over the target sample.

    References
    ----------
    .. [1] Segovia-Martin, J. I., Mazuelas, S., Liu, A. "Double-weighting
       for covariate shift adaptation." ICML 2023 (arXiv:2305.08637).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.covariate_shift import DoubleWeighting
    >>> rng = np.random.default_rng(0)
    >>> X_source = rng.normal(0.0, 1.0, size=(200, 1))
    >>> X_target = rng.normal(2.0, 1.0, size=(200, 1))
    >>> dw = DoubleWeighting(D=4).fit(X_source, X_target=X_target)
    >>> bool(dw.weights_.max() <= 1000 / 2)
    True
    >>> # target points far outside the source support get small alpha
    >>> a = dw.alpha_
    >>> bool(a[X_target[:, 0] > 3.5].mean() < a[X_target[:, 0] < 1.5].mean())
    True
    """

    _parameter_constraints = {
        **_KMMBase._parameter_constraints,
        "D": [Interval(Real, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        D=4.0,
        B=1000.0,
        sigma=None,
        n_neighbors=50,
        tol=1e-8,
        max_iter=10000,
        solver="auto",
    ):
        self.D = D
        self.B = B
        self.sigma = sigma
        self.n_neighbors = n_neighbors
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def _fit_weights(self, Xs, Xt):
        self._solve(Xs, Xt, float(self.D))

    def predict_target_weights(self, X):
        """Out-of-sample target weights ``alpha(x)`` in [0, 1].

        Nadaraya-Watson smoother of ``alpha_`` over the target sample with
        the fitted kernel (ones when fitted without a target sample).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        alpha : ndarray of shape (n_samples,)
            Weight of each target row.
        """
        check_is_fitted(self, "weights_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        if not self.has_target_:
            return np.ones(X.shape[0])
        return np.clip(self._smooth(X, self.X_target_, self.alpha_), 0, 1)


for _cls in (KernelMeanMatching, DoubleWeighting):
    _cls.__doc__ = _cls.__doc__.replace(
        "    <solver parameters>\n", _SOLVER_PARAMS_DOC.lstrip("\n")
    )
