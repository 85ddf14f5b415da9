"""Double-weighting general covariate shift (DW-GCS) minimax risk classifier."""

import time
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import _source_target
from ._kernels import width_heuristic
from ._kmm import kernel_smooth
from ._mrc import _best_subset, compute_lambda, solve_mrc_01, solve_mrc_log
from ._solvers import solve_dw_kmm

__all__ = ["DWGCSClassifier", "D_GRID"]

#: The paper's grid: D = 1 / (1 - g)^2 for g = 0, 0.1, ..., 0.9.
D_GRID = tuple(1.0 / (1.0 - g) ** 2 for g in np.round(np.arange(0.0, 1.0, 0.1), 1))


class _Progress:
    """Progress lines of ``fit`` (``verbose > 0``), with the elapsed time."""

    def __init__(self, verbose):
        self.verbose = verbose
        self.start = time.perf_counter()

    def __call__(self, message):
        if self.verbose:
            elapsed = time.perf_counter() - self.start
            print(f"[DWGCSClassifier] {message} [{elapsed:.1f} s]", flush=True)


def _power_of_two_unit(Z):
    """1.0, or the power of two bringing ``max |Z|`` near 1 when the squares
    of the features would overflow or underflow (dividing by it is exact)."""
    top = float(np.max(np.abs(Z))) if Z.size else 0.0
    if top == 0.0 or 1e-150 < top < 1e150:
        return 1.0
    return float(np.ldexp(1.0, int(np.ceil(np.log2(top)))))


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
    verbose : int, default=0
        When positive, print what ``fit`` is doing: the kernel, then one
        line per ``D`` (weights, ``lambda`` and the classifier, with the
        minimax risk and the time taken) and the ``D`` kept.  The search
        over ``D="auto"`` solves ten problems and can take seconds.

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
        "verbose": ["verbose"],
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
        verbose=0,
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
        self.verbose = verbose

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
        u = self.__dict__.get("_unit", 1.0)
        return (X / u - self.x_mean_ / u) / (self.x_scale_ / u)

    def fit(self, X, y, *, X_target=None, sample_domain=None):
        """Fit the DW-GCS classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Labelled source sample; with ``sample_domain``, source and target
            rows stacked (target labels are ignored).
        y : array-like of shape (n_samples,)
            Class labels of the rows of ``X`` (at least two classes among
            the source rows).
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target sample (notebook path).  Without a target
            sample (neither ``X_target`` nor target rows in
            ``sample_domain``), the source sample stands for the target, all
            weights are 1 and the classifier is the plain minimax risk
            classifier of the source sample.
        sample_domain : array-like of int of shape (n_samples,), default=None
            The domain labels of skada: negative values mark target rows of
            ``X``.

        Returns
        -------
        self : object
            The fitted classifier.
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
        # features of any finite magnitude: the mean and the spread are
        # computed after an exact division by a power of two when the values
        # would overflow (or underflow) their squares
        self._unit = _power_of_two_unit(Z)
        Zu = Z / self._unit
        sc = Zu.std(axis=0)
        self.x_mean_ = Zu.mean(axis=0) * self._unit
        self.x_scale_ = np.where(sc > 0, sc, 1.0) * self._unit
        Zs = self._standardize(Z)
        n = Xs.shape[0]
        sq = euclidean_distances(Zs, squared=True)
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
        say = _Progress(self.verbose)
        say(
            f"kernel of the {n} source + {Ft.shape[0]} target points "
            f"(sigma={self.sigma_:.3g}); {len(grid)} value(s) of D to solve "
            f"(DW-KMM weights, lambda LP, {self.loss} MRC each)"
        )
        if len(grid) == 1 or effective_n_jobs(self.n_jobs) == 1:
            fits = []
            for i, D in enumerate(grid, 1):
                fits.append(_fit_one_d(*args, D, *rest))
                say(f"D={D:.4g} ({i}/{len(grid)}): minimax risk {fits[-1][0]:.4f}")
        else:
            say(f"solving the D grid in parallel (n_jobs={self.n_jobs})")
            fits = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_one_d_capped)(*args, D, *rest) for D in grid
            )
            for i, fit in enumerate(fits, 1):
                say(f"D={fit[1]:.4g} ({i}/{len(grid)}): minimax risk {fit[0]:.4f}")
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
        say(f"kept D={self.D_:.4g} (smallest minimax risk, {self.minimax_risk_:.4f})")
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
        """Compute the scores ``alpha(x) Phi(x, y).mu`` of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to score, with the features seen in ``fit``.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes)
            Score of every class, columns in the order of ``classes_``.  For
            two classes, shape (n_samples,): the score of ``classes_[1]``
            minus that of ``classes_[0]``.
        """
        S = self._scores(X)
        return S[:, 1] - S[:, 0] if S.shape[1] == 2 else S

    def _scores(self, X):
        check_is_fitted(self, "mu_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            a = self._alpha_of(X)
            S = a[:, None] * (self._phi(self._standardize(X)) @ self.mu_.T)
        bad = ~np.isfinite(S).all(axis=1)
        if bad.any():
            raise ValueError(
                f"DWGCSClassifier: the scores of {int(bad.sum())} row(s) of X "
                "overflow: their features lie too far outside the data seen in "
                "fit (in units of its spread) for the linear scores to be "
                "computed. Check the scale of X against the training data."
            )
        return S

    def predict_proba(self, X):
        """Return the minimax classification rule ``h(y|x)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to classify, with the features seen in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of every class under the minimax rule, columns in
            the order of ``classes_``: the softmax of the scores for the log
            loss; for the 0-1 loss, the scores above the best label subset's
            threshold, normalised (uniform when no score exceeds it).
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
        """Predict the most probable class under ``h(y|x)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to classify, with the features seen in ``fit``.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            The class of ``classes_`` with the highest probability.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X, y, sample_weight=None, sample_domain=None):
        """Return the accuracy; with ``sample_domain``, on the labelled target rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to classify, with the features seen in ``fit``.
        y : array-like of shape (n_samples,)
            True labels.  With ``sample_domain``, target rows whose label is
            masked (``-1``, ``NaN`` or ``None``) are not scored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows in the mean.
        sample_domain : array-like of int of shape (n_samples,), default=None
            Domain labels of skada for stacked data (negative values mark
            target rows).  The target rows with a known label are scored;
            when none has one, the source rows are scored instead.  None
            scores every row.

        Returns
        -------
        score : float
            Weighted fraction of the scored rows whose predicted label
            equals ``y``.
        """
        from ._importance import _domain_rows

        rows = _domain_rows(y, sample_domain)
        X = _safe_indexing(X, rows)
        y = np.asarray(y)[rows]
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[rows]
        return super().score(X, y, sample_weight=sample_weight)
