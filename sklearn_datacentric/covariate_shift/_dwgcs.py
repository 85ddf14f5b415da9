"""Double-weighting general covariate shift (DW-GCS) minimax risk classifier."""

import warnings
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from scipy import sparse
from scipy.optimize import linprog, minimize
from scipy.special import logsumexp, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import _source_target
from ._kernels import sq_distances, width_heuristic
from ._kmm import kernel_smooth
from ._lp import central_lambda
from ._solvers import solve_dw_kmm

__all__ = ["DWGCSClassifier", "D_GRID"]

#: The paper's grid: D = 1 / (1 - g)^2 for g = 0, 0.1, ..., 0.9.
D_GRID = tuple(1.0 / (1.0 - g) ** 2 for g in np.round(np.arange(0.0, 1.0, 0.1), 1))

_DELTA = 1e-6  # strict margin of the lambda LP (the authors' delta)


# --------------------------------------------------------------------------
# the three optimisation problems of DW-GCS
# --------------------------------------------------------------------------


def _linprog(what, c, **kw):
    """``scipy.optimize.linprog`` with HiGHS, robust to its numerical failures.

    HiGHS' default (dual simplex) can end with an "unknown" model status on
    these LPs when their optimum is at the scale of its tolerances (weights
    ``alpha`` of order 1e-7 from an interior-point DW-KMM solution, lambda of
    order 1e-6); its interior-point method with crossover then solves them.
    """
    res = linprog(c, method="highs", **kw)
    if res.status != 0:
        res = linprog(c, method="highs-ipm", **kw)
    if res.status != 0:
        raise RuntimeError(f"{what} LP failed: {res.message}")
    return res


def compute_lambda(F, alpha, tau, n_classes):
    """Smallest ``lambda`` keeping the uncertainty set non-empty (an LP).

    ``min sum(lambda)`` over ``lambda`` and a conditional ``p_{jy} >= 0``
    with ``sum_y p_{jy} = 1/t`` such that
    ``|sum_{j,y} p_{jy} alpha_j Phi(x_j, y) - tau| <= lambda - delta``.

    The LP has many optimal solutions; this returns the interior one that
    the authors' interior-point solvers return (the central-path point at
    the end of the path, no crossover; see ``_lp.central_lambda``), not a
    vertex, whose many components at exactly ``delta`` would leave those
    coefficients of the classifier unregularised.

    ``F`` is the (t, p) matrix of base features ``phi(x_j)``, ``tau`` the
    (n_classes, p) mean estimate.  Returns lambda as (n_classes, p).
    """
    lam, info = central_lambda(F, alpha, tau, n_classes, delta=_DELTA)
    if not info["converged"]:
        warnings.warn(
            "DWGCSClassifier: the lambda LP's interior-point method stopped "
            f"after {info['n_iter']} iterations before reaching its central-path "
            f"target (duality gap {info['gap']:.2e}); lambda may be inaccurate.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return lam


def _best_subset(S):
    """For each row of scores S (t, K): max over non-empty C of (sum_C S - 1)/|C|.

    Returns the value and the size of the best subset (the top-|C| scores).
    """
    Ss = -np.sort(-S, axis=1)
    k = np.arange(1, S.shape[1] + 1)
    vals = (np.cumsum(Ss, axis=1) - 1.0) / k
    best = np.argmax(vals, axis=1)
    return vals[np.arange(S.shape[0]), best], best + 1


def _varphi01(S):
    return _best_subset(S)[0] + 1.0


def solve_mrc_01(F, alpha, tau, lam, n_classes, max_rounds=100):
    """0-1-loss MRC: ``min -tau.mu + lambda.|mu| + mean_j varphi_j(mu)``.

    ``varphi_j(mu) = max_{C != {}} (sum_{y in C} alpha_j phi(x_j).mu_y - 1)/|C| + 1``
    is a max of linear functions, so the problem is an LP, solved with
    HiGHS by constraint generation over the label subsets (exact: stops when
    no subset constraint is violated).  Returns ``(mu, risk)``.
    """
    t, p = F.shape
    m = n_classes * p
    AF = alpha[:, None] * F
    tv, lv = tau.ravel(), lam.ravel()
    c = np.concatenate([-tv + lv, tv + lv, np.full(t, 1.0 / t)])
    # constraint for (j, C): (1/|C|) sum_{y in C} AF_j . (mu+_y - mu-_y) - s_j <= 1/|C| - 1
    subsets = [[(y,) for y in range(n_classes)] + [tuple(range(n_classes))]] * t
    active = [set(s) for s in subsets]

    def build(pairs):
        rows, cols, vals, rhs = [], [], [], []
        for r, (j, C) in enumerate(pairs):
            k = len(C)
            for y in C:
                idx = y * p + np.arange(p)
                rows += [r] * (2 * p + 0)
                cols += list(idx) + list(m + idx)
                vals += list(AF[j] / k) + list(-AF[j] / k)
            rows.append(r)
            cols.append(2 * m + j)
            vals.append(-1.0)
            rhs.append(1.0 / k - 1.0)
        A = sparse.csr_matrix((vals, (rows, cols)), shape=(len(pairs), 2 * m + t))
        return A, np.array(rhs)

    pairs = [(j, C) for j in range(t) for C in active[j]]
    bounds = [(0, None)] * (2 * m) + [(None, None)] * t
    res = None
    for _ in range(max_rounds):
        A, b = build(pairs)
        res = _linprog("0-1 MRC", c, A_ub=A, b_ub=b, bounds=bounds)
        mu = (res.x[:m] - res.x[m : 2 * m]).reshape(n_classes, p)
        s = res.x[2 * m :]
        S = AF @ mu.T
        Ss_idx = np.argsort(-S, axis=1)
        val, size = _best_subset(S)
        new = []
        for j in np.nonzero(val + 1.0 > s + 1e-9)[0]:
            C = tuple(sorted(Ss_idx[j, : size[j]].tolist()))
            if C not in active[j]:
                active[j].add(C)
                new.append((j, C))
        if not new:
            break
        pairs += new
    mu = (res.x[:m] - res.x[m : 2 * m]).reshape(n_classes, p)
    risk = float(
        -tv @ mu.ravel() + lv @ np.abs(mu.ravel()) + _varphi01(AF @ mu.T).mean()
    )
    return mu, risk


def solve_mrc_log(F, alpha, tau, lam, n_classes, max_iter=2000):
    """Log-loss MRC: ``min -tau.mu + lambda.|mu| + mean_j logsumexp_y(alpha_j phi_j.mu_y)``.

    Smooth after the split ``mu = mu+ - mu-`` (``mu+/- >= 0``); solved with
    L-BFGS-B.  Returns ``(mu, risk)``.
    """
    t, p = F.shape
    m = n_classes * p
    AF = alpha[:, None] * F
    tv, lv = tau.ravel(), lam.ravel()

    def fun(z):
        mu = (z[:m] - z[m:]).reshape(n_classes, p)
        S = AF @ mu.T
        lse = logsumexp(S, axis=1)
        P = np.exp(S - lse[:, None])
        g_mu = (P.T @ AF).ravel() / t - tv
        f = -tv @ mu.ravel() + lv @ (z[:m] + z[m:]) + lse.mean()
        return f, np.concatenate([g_mu + lv, -g_mu + lv])

    res = minimize(
        fun,
        np.zeros(2 * m),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0, None)] * (2 * m),
        options={"maxiter": max_iter, "ftol": 1e-12, "gtol": 1e-9},
    )
    mu = (res.x[:m] - res.x[m:]).reshape(n_classes, p)
    return mu, float(res.fun)


def _fit_one_d(Kmat, n, Fs, Ft, yi, K, D, B, loss, has_target, kmm):
    """DW-KMM weights, ``tau``, ``lambda`` and the MRC of one ``D``.

    A pure function of its inputs (no warm start from another ``D``), so the
    ``D`` grid can run in any order, in parallel, with the same result.
    """
    t = Ft.shape[0]
    if has_target:
        beta, alpha, _ = solve_dw_kmm(Kmat, n, D=D, B=B, signed=True, **kmm)
    else:
        beta, alpha = np.ones(n), np.ones(t)
    tau = np.zeros((K, Fs.shape[1]))
    np.add.at(tau, yi, beta[:, None] * Fs)
    tau /= n
    lam = compute_lambda(Ft, alpha, tau, K)
    solver = solve_mrc_01 if loss == "0-1" else solve_mrc_log
    mu, risk = solver(Ft, alpha, tau, lam, K)
    return risk, D, beta, alpha, tau, lam, mu


def _fit_one_d_capped(*args):
    """:func:`_fit_one_d` with BLAS/OpenMP and numba threads capped at one.

    Used inside parallel jobs (``n_jobs``), so that jobs running side by side
    on one machine do not oversubscribe its cores.
    """
    import numba
    from threadpoolctl import threadpool_limits

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            return _fit_one_d(*args)
    finally:
        numba.set_num_threads(before)


# --------------------------------------------------------------------------
# the estimator
# --------------------------------------------------------------------------


class DWGCSClassifier(ClassifierMixin, BaseEstimator):
    """Double-weighting minimax risk classifier for covariate shift (DW-GCS).

    Segovia-Martin, Mazuelas & Liu (2023).  With source weights ``beta`` and
    target weights ``alpha`` from DW-KMM (:class:`DoubleWeighting`), and the
    feature map ``Phi(x, y) = e_y (x) phi(x)``:

    1. ``tau = (1/n) sum_i beta_i Phi(x_i, y_i)`` (beta-weighted source
       features);
    2. ``lambda`` is the smallest vector keeping the uncertainty set
       non-empty: some conditional ``p_{jy}`` on the target points
       (``sum_y p_{jy} = 1/t``) matches
       ``sum_{j,y} p_{jy} alpha_j Phi(x_j, y)`` to ``tau`` within
       ``lambda`` (an LP, solved at the end of its central path by the
       package's own interior-point method: an interior optimal solution,
       as the authors' interior-point solvers return, not a vertex);
    3. ``mu = argmin -tau.mu + lambda.|mu| + (1/t) sum_j varphi_j(mu)`` with
       ``varphi_j`` the log-sum-exp of ``alpha_j Phi(x_j, y).mu`` (log loss)
       or the 0-1-loss maximum over label subsets
       ``max_C (sum_{y in C} alpha_j Phi(x_j, y).mu - 1)/|C| + 1``.
       Its optimal value is the minimax risk.

    ``D="auto"`` tries ``D = 1/(1-g)^2`` for ``g = 0, 0.1, ..., 0.9`` and
    keeps the smallest minimax risk (no target label is used).

    Read more in the :ref:`User Guide <covariate_shift>`.

    Parameters
    ----------
    loss : {"0-1", "log"}, default="0-1"
        Loss of the minimax risk.
    D : "auto" or float >= 1, default="auto"
        DW-KMM trade-off; ``"auto"`` selects it by the smallest minimax risk.
    B : float > 0, default=1000.0
        DW-KMM bound of the source weights (``beta <= B/sqrt(D)``).
    sigma : float > 0 or None, default=None
        Kernel width of DW-KMM (and of the Fourier features); ``None`` uses
        the mean distance to the ``n_neighbors``-th nearest neighbour, on the
        standardised pooled sample.
    n_neighbors : int >= 1, default=50
        Neighbour rank of the width heuristic.
    phi : {"linear", "fourier"}, default="linear"
        Base feature map ``phi(x)``: ``x`` on standardised features, or
        random Fourier features of the Gaussian kernel of width ``sigma``
        (each preceded by a constant 1 when ``fit_intercept``).
    fit_intercept : bool, default=True
        Whether ``phi(x)`` starts with a constant 1 (a class-wise intercept).
        ``False`` reproduces the authors' experiments (linear features
        without intercept).
    n_components : int >= 1, default=200
        Number of random Fourier features (``phi="fourier"``).
    kmm_tol : float >= 0, default=1e-6
        Stopping tolerance of the DW-KMM solver (see :class:`DoubleWeighting`;
        looser than the weighter's default because the classifier does not
        need the weights to more digits).
    kmm_max_iter : int >= 1, default=1000
        Iteration cap of the DW-KMM solver for each ``D``.
    kmm_solver : {"auto", "ipm", "fista"}, default="auto"
        DW-KMM solver (see ``solver`` of :class:`DoubleWeighting`).  Every
        ``D`` of the grid is solved from a cold start (see ``n_jobs``).
    n_jobs : int or None, default=None
        Number of jobs over which the ``D`` grid (``D="auto"``) is spread,
        through joblib (so ``joblib.parallel_backend("dask")`` spreads it
        over a cluster).  ``None`` means 1 unless in a joblib context.
        Inside each parallel job BLAS/OpenMP and numba run one thread.  Each
        ``D`` is solved on its own, without a warm start from its neighbour
        in the grid, so the result does not depend on ``n_jobs``.
    random_state : int, RandomState instance or None, default=None
        Seed of the random Fourier features.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    D_ : float
        The ``D`` used (selected when ``D="auto"``).
    minimax_risk_ : float
        Minimax risk at ``D_`` (an upper bound of the target risk when the
        uncertainty set contains the target distribution).
    risks_ : dict
        Minimax risk of every ``D`` tried.
    path_ : dict
        For every ``D`` tried, its ``risk``, ``beta``, ``alpha``, ``tau``,
        ``lambda`` and ``mu``
        (so that the classifiers of all ``D`` of the grid can be compared
        without refitting).
    beta_ : ndarray of shape (n_source,)
        Source weights at ``D_``.
    alpha_ : ndarray of shape (n_target,)
        Target weights at ``D_``.
    tau_, lambda_, mu_ : ndarray of shape (n_classes, n_phi)
        Mean estimate, confidence vector and classifier parameters.
    sigma_ : float
        Kernel width used.
    has_target_ : bool
        Whether a target sample was given.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    Notes
    -----
    **How alpha extends to new points.**  The classifier is
    ``h(y|x) = softmax_y(alpha(x) phi(x).mu_y)`` (log loss) or
    ``h(y|x) = (alpha(x) phi(x).mu_y - varphi_0(x))_+`` normalised (0-1
    loss).  On the target sample given to ``fit`` (passed again to
    ``predict_proba``, row for row) ``alpha(x_j)`` is the DW-KMM weight
    ``alpha_j``; on any other point it is the Nadaraya-Watson smoother of
    ``alpha_`` over the target sample with the DW-KMM kernel.  ``alpha(x)``
    only rescales the scores of all labels alike, so ``predict`` (the most
    probable label) does not depend on it; ``predict_proba`` does.

    **Without a target sample** (``fit(X, y)``), there is no shift: the
    source sample plays the target with ``alpha = beta = 1`` (the plain
    minimax risk classifier), and ``has_target_`` is False.

    ``lambda`` is the paper's LP (with the authors' margin ``delta =
    1e-6``): it only measures how far ``tau`` is from what some labelling of
    the weighted target sample can produce.  The LP has many optimal
    solutions; a simplex vertex sets many components to exactly ``delta``
    (those coefficients of ``mu`` are then unregularised and the minimax
    risk falls far below the target error), while the interior solution
    used here has every component above ``delta`` that the optimal face
    allows (see the User Guide for the measured effect).  When the distance
    is small (e.g. source and target samples alike) ``lambda`` is tiny and
    the minimax risk is close to the training risk of the rule: prefer few
    features (``phi="linear"``) on small samples.

    The 0-1-loss rule here is deterministic (the most probable label).

    References
    ----------
    .. [1] Segovia-Martin, J. I., Mazuelas, S., Liu, A. "Double-weighting
       for covariate shift adaptation." ICML 2023 (arXiv:2305.08637).
    .. [2] Mazuelas, S., Romero, M., Grünwald, P. "Minimax risk classifiers
       with 0-1 loss." JMLR 24, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.covariate_shift import DWGCSClassifier
    >>> rng = np.random.default_rng(0)
    >>> X_source = rng.normal(0.0, 1.0, size=(150, 2))
    >>> y_source = (X_source[:, 0] + X_source[:, 1] > 0).astype(int)
    >>> X_target = rng.normal(1.0, 1.0, size=(150, 2))
    >>> clf = DWGCSClassifier(D=4.0).fit(X_source, y_source, X_target=X_target)
    >>> clf.predict(X_target).shape
    (150,)
    >>> bool(0.0 <= clf.minimax_risk_ <= 1.0)
    True
    """

    _parameter_constraints = {
        "loss": [StrOptions({"0-1", "log"})],
        "D": [StrOptions({"auto"}), Interval(Real, 1, None, closed="left")],
        "B": [Interval(Real, 0, None, closed="neither")],
        "sigma": [Interval(Real, 0, None, closed="neither"), None],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "phi": [StrOptions({"linear", "fourier"})],
        "fit_intercept": ["boolean"],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "kmm_tol": [Interval(Real, 0, None, closed="left")],
        "kmm_max_iter": [Interval(Integral, 1, None, closed="left")],
        "kmm_solver": [StrOptions({"auto", "ipm", "fista"})],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        loss="0-1",
        D="auto",
        B=1000.0,
        sigma=None,
        n_neighbors=50,
        phi="linear",
        fit_intercept=True,
        n_components=200,
        kmm_tol=1e-6,
        kmm_max_iter=1000,
        kmm_solver="auto",
        n_jobs=None,
        random_state=None,
    ):
        self.loss = loss
        self.D = D
        self.B = B
        self.sigma = sigma
        self.n_neighbors = n_neighbors
        self.phi = phi
        self.fit_intercept = fit_intercept
        self.n_components = n_components
        self.kmm_tol = kmm_tol
        self.kmm_max_iter = kmm_max_iter
        self.kmm_solver = kmm_solver
        self.n_jobs = n_jobs
        self.random_state = random_state

    # feature map ------------------------------------------------------------
    def _phi(self, Xz):
        if self.phi == "linear":
            feats = Xz
        else:
            proj = Xz @ self.rff_W_ + self.rff_b_
            feats = np.sqrt(2.0 / self.n_components) * np.cos(proj)
        if not self.fit_intercept:
            return feats
        return np.hstack([np.ones((Xz.shape[0], 1)), feats])

    def _standardize(self, X):
        return (X - self.x_mean_) / self.x_scale_

    def fit(self, X, y, *, X_target=None, sample_domain=None):
        """Fit the DW-GCS classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Labelled source sample; with ``sample_domain``, source and target
            rows stacked (target labels are ignored).
        y : array-like of shape (n_samples,)
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target sample (notebook path).
        sample_domain : array-like of int of shape (n_samples,), default=None
            skada's domain labels (negative = target rows of ``X``).

        Returns
        -------
        self : object
        """
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        Xs, ys, Xt, _ = _source_target(
            self, X, y, X_target, sample_domain, validate=False
        )
        check_classification_targets(ys)
        le = LabelEncoder().fit(ys)
        self.classes_ = le.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                "DWGCSClassifier needs at least 2 classes in the source labels; "
                f"got 1 class ({self.classes_[0]!r})."
            )
        yi = le.transform(ys)
        K = len(self.classes_)
        self.has_target_ = Xt is not None
        if Xt is None:
            Xt = Xs
        Z = np.vstack([Xs, Xt])
        self.x_mean_ = Z.mean(axis=0)
        sc = Z.std(axis=0)
        self.x_scale_ = np.where(sc > 0, sc, 1.0)
        Zs = self._standardize(Z)
        n = Xs.shape[0]
        sq = sq_distances(Zs, Zs)
        self.sigma_ = (
            float(self.sigma)
            if self.sigma is not None
            else width_heuristic(Zs, self.n_neighbors, sq_dist=sq)
        )
        if self.phi == "fourier":
            rng = check_random_state(self.random_state)
            self.rff_W_ = rng.normal(
                0, 1.0 / self.sigma_, (X.shape[1], self.n_components)
            )
            self.rff_b_ = rng.uniform(0, 2 * np.pi, self.n_components)
        Fs = self._phi(Zs[:n])
        Ft = self._phi(Zs[n:])
        sq *= -1.0 / (2.0 * self.sigma_**2)
        Kmat = np.exp(sq, out=sq)
        Kmat[:n, n:] *= -1.0  # signed kernel, shared by every D
        Kmat[n:, :n] *= -1.0

        if not self.has_target_:
            grid = [1.0]
        elif self.D == "auto":
            grid = list(D_GRID)
        else:
            grid = [float(self.D)]
        kmm = {
            "tol": self.kmm_tol,
            "max_iter": self.kmm_max_iter,
            "method": self.kmm_solver,
        }
        args = (Kmat, n, Fs, Ft, yi, K)
        rest = (self.B, self.loss, self.has_target_, kmm)
        if len(grid) == 1 or effective_n_jobs(self.n_jobs) == 1:
            fits = [_fit_one_d(*args, D, *rest) for D in grid]
        else:
            fits = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_one_d_capped)(*args, D, *rest) for D in grid
            )
        self.risks_ = {}
        self.path_ = {}
        best = None
        for fit in fits:
            risk, D, beta, alpha, tau, lam, mu = fit
            self.risks_[D] = risk
            self.path_[D] = {
                "risk": risk,
                "beta": beta,
                "alpha": alpha,
                "tau": tau,
                "lambda": lam,
                "mu": mu,
            }
            if best is None or risk < best[0] - 1e-12:
                best = fit
        (
            self.minimax_risk_,
            self.D_,
            self.beta_,
            self.alpha_,
            self.tau_,
            self.lambda_,
            self.mu_,
        ) = best
        self._Xt = Xt
        self._Zt = Zs[n:]
        return self

    def _alpha_of(self, X):
        if X.shape == self._Xt.shape and np.array_equal(X, self._Xt):
            return self.alpha_
        if not self.has_target_:
            return np.ones(X.shape[0])
        return np.clip(
            kernel_smooth(self._standardize(X), self._Zt, self.alpha_, self.sigma_),
            0,
            1,
        )

    def decision_function(self, X):
        """Scores ``alpha(x) phi(x).mu_y`` of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes)
            For two classes, the difference of the second and first score.
        """
        S = self._scores(X)
        return S[:, 1] - S[:, 0] if S.shape[1] == 2 else S

    def _scores(self, X):
        check_is_fitted(self, "mu_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        a = self._alpha_of(X)
        return a[:, None] * (self._phi(self._standardize(X)) @ self.mu_.T)

    def predict_proba(self, X):
        """Minimax classification rule ``h(y|x)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        S = self._scores(X)
        if self.loss == "log":
            return softmax(S, axis=1)
        v0 = _best_subset(S)[0]
        h = np.clip(S - v0[:, None], 0.0, None)
        tot = h.sum(axis=1, keepdims=True)
        zero = tot[:, 0] <= 1e-12
        h[zero] = 1.0
        tot[zero] = h.shape[1]
        return h / tot

    def predict(self, X):
        """Most probable class under ``h(y|x)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X, y, sample_weight=None, sample_domain=None):
        """Accuracy; with ``sample_domain``, on the labelled target rows.

        See :func:`score_domain` for the rule used on stacked data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
        sample_domain : array-like of int of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        from ._importance import _domain_rows

        rows = _domain_rows(y, sample_domain)
        X = X[rows] if not hasattr(X, "iloc") else X.iloc[rows]
        y = np.asarray(y)[rows]
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[rows]
        return super().score(X, y, sample_weight=sample_weight)
