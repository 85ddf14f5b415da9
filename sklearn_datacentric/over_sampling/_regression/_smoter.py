"""SMOTER and SMOGN: resampling for imbalanced regression."""

import numbers
import warnings

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ...base import BaseRegressionSampler
from ...neighbors import NearestNeighbors
from ...utils._warnings import external_stacklevel
from ...utils.validation import overflow_limit, pow2_rescale, unscale
from ._relevance import (
    automatic_control_points,
    check_control_points,
    relevance,
)

__all__ = ["SMOTER", "SMOGN"]


def _scale_points(points, e):
    """Relevance control points ``[y, phi(, dphi/dy)]`` for ``y * 2**e``."""
    if not e:
        return points
    points = np.array(points, dtype=np.float64)
    points[:, 0] = np.ldexp(points[:, 0], e)
    if points.shape[1] > 2:
        points[:, 2] = np.ldexp(points[:, 2], -e)
    return points


class _BaseSMOTER(BaseRegressionSampler):
    """Common machinery: relevance, bumps, per-bump ratios, under-sampling."""

    _accept_sparse = ()
    # The generic estimator checks fit on targets without box-plot extremes,
    # where the automatic relevance marks nothing rare (an error by design):
    # they use a relevance rising from 0 at y=0 to 1 at y=1 instead.
    _test_params = {"relevance": [[0.0, 0.0], [1.0, 1.0]]}

    _parameter_constraints: dict = {
        "relevance": [StrOptions({"auto"}), "array-like"],
        "relevance_threshold": [Interval(numbers.Real, 0, 1, closed="neither")],
        "extremes": [StrOptions({"both", "high", "low"})],
        "coef": [Interval(numbers.Real, 0, None, closed="neither")],
        "sampling_strategy": [StrOptions({"balance", "extreme"}), dict],
        "k_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors"]),
        ],
        "random_state": ["random_state"],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        relevance="auto",
        relevance_threshold=0.5,
        extremes="both",
        coef=1.5,
        sampling_strategy="balance",
        k_neighbors=5,
        random_state=None,
        n_jobs=None,
    ):
        self.relevance = relevance
        self.relevance_threshold = relevance_threshold
        self.extremes = extremes
        self.coef = coef
        self.sampling_strategy = sampling_strategy
        self.k_neighbors = k_neighbors
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- relevance and bumps ------------------------------------------------

    def _fit_relevance(self, y):
        # y may come scaled by 2**-e (see _fit_resample): control points are
        # stored in the units of the user's y and used in those of y
        e = getattr(self, "_y_exp", 0)
        if isinstance(self.relevance, str):
            points = automatic_control_points(y, extremes=self.extremes, coef=self.coef)
            self.relevance_control_points_ = _scale_points(points, e)
        else:
            self.relevance_control_points_ = check_control_points(self.relevance)
            points = _scale_points(self.relevance_control_points_, -e)
        return relevance(y, points)

    def relevance_function(self, y):
        """Relevance phi(y) in [0, 1] of target values, from the fitted points.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Target values.

        Returns
        -------
        phi : ndarray of shape (n_samples,)
            Relevance of each value.
        """
        check_is_fitted(self, "relevance_control_points_")
        return relevance(
            np.asarray(y, dtype=np.float64), self.relevance_control_points_
        )

    def _bumps(self, y, phi):
        """Consecutive runs of rare / normal values along sorted y."""
        order = np.argsort(y, kind="stable")
        rare_sorted = phi[order] >= self.relevance_threshold
        # cut where the rare flag changes between consecutive sorted values
        cuts = np.flatnonzero(np.diff(rare_sorted.astype(np.int8))) + 1
        starts = np.r_[0, cuts]
        ends = np.r_[cuts, len(y)]
        return [(order[s:e], bool(rare_sorted[s])) for s, e in zip(starts, ends)]

    def _ratios(self, bumps, n):
        sizes = np.array([len(b) for b, _ in bumps], dtype=np.float64)
        strategy = self.sampling_strategy
        if isinstance(strategy, dict):
            unknown = set(strategy) - {"over", "under"}
            if unknown:
                raise ValueError(
                    "sampling_strategy as a dict takes the keys 'over' (growth "
                    "factor of rare ranges, > 1) and 'under' (kept fraction of "
                    f"normal ranges, in (0, 1]); got unknown keys {sorted(unknown)}."
                )
            over = float(strategy.get("over", 2.0))
            under = float(strategy.get("under", 1.0))
            if not over >= 1:
                raise ValueError(f"sampling_strategy['over'] must be >= 1, got {over}.")
            if not 0 < under <= 1:
                raise ValueError(
                    f"sampling_strategy['under'] must be in (0, 1], got {under}."
                )
            return np.array([over if rare else under for _, rare in bumps])
        target = n / len(bumps)
        if strategy == "balance":
            return target / sizes
        # "extreme": sizes inversely proportional to the bump sizes, total kept
        objective = target**2 / sizes
        objective *= n / objective.sum()
        return objective / sizes

    # -- the resampling ------------------------------------------------------

    def _fit_resample(self, X, y):
        # SMOTER and SMOGN are equivariant under a common scaling of X (range-
        # normalised distances, interpolation, noise proportional to the
        # standard deviations) and of y with the relevance control points: X
        # or y beyond the overflow limit is scaled by a power of two and the
        # output mapped back exactly, instead of overflowing to inf or NaN
        X_s, ex = pow2_rescale(X)
        # (the cubic relevance spline needs y well below the square-root limit)
        y_s, self._y_exp = pow2_rescale(y, min(overflow_limit(y.shape[0]), 2.0**256))
        try:
            X_res, y_res = self._fit_resample_scaled(X_s, y_s)
        finally:
            ey, self._y_exp = self._y_exp, 0
        if ey:
            for bump in getattr(self, "bumps_", []):
                bump["y_min"] = float(np.ldexp(bump["y_min"], ey))
                bump["y_max"] = float(np.ldexp(bump["y_max"], ey))
            y_res = unscale(y_res, ey).astype(y.dtype, copy=False)
        if ex:
            X_res = unscale(X_res, ex).astype(X.dtype, copy=False)
        return X_res, y_res

    def _fit_resample_scaled(self, X, y):
        rng = check_random_state(self.random_state)
        if y.dtype != np.float32:
            y = y.astype(np.float64)
        n = X.shape[0]
        if n < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 samples, got {n}."
            )
        phi = self._fit_relevance(y)
        n_rare = int(np.sum(phi >= self.relevance_threshold))
        if n_rare == 0:
            if isinstance(self.relevance, str):
                why = (
                    "the automatic relevance function found no box-plot extremes "
                    f"(no value of y beyond the whiskers at coef={self.coef}, "
                    f"extremes={self.extremes!r}), so every value has relevance "
                    "below the threshold"
                )
            else:
                why = "the given control points give every value of y a relevance below it"
            raise ValueError(
                f"No target value has relevance >= relevance_threshold="
                f"{self.relevance_threshold}: {why}. Nothing is rare, so there is "
                "nothing to oversample; pass control points as `relevance` or "
                "lower `relevance_threshold`."
            )
        if n_rare == n:
            raise ValueError(
                "Every target value has relevance >= relevance_threshold: there "
                "is no common range to contrast with; raise relevance_threshold "
                "or give other control points."
            )
        bumps = self._bumps(y, phi)
        ratios = self._ratios(bumps, n)
        self.sampling_strategy_ = ratios
        # distances on range-normalised features (HEOM for numeric features)
        span = X.max(axis=0) - X.min(axis=0)
        span[span == 0] = 1.0
        Z = (X - X.min(axis=0)) / span

        kept, seeds, partners, gaps = [], [], [], []
        X_new, y_new = [], []
        summary = []
        for (idx, rare), ratio in zip(bumps, ratios):
            m = len(idx)
            if ratio < 1:
                n_keep = max(int(round(ratio * m)), 1)
                sel = np.sort(rng.choice(idx, size=n_keep, replace=False))
                kept.append(sel)
                summary.append((y[idx].min(), y[idx].max(), rare, m, n_keep))
                continue
            kept.append(np.sort(idx))
            n_gen = int(round((ratio - 1) * m))
            if n_gen == 0:
                summary.append((y[idx].min(), y[idx].max(), rare, m, m))
                continue
            gen = self._generate(X, y, Z, idx, n_gen, rng)
            summary.append((y[idx].min(), y[idx].max(), rare, m, m + len(gen[0])))
            seeds.append(gen[0])
            partners.append(gen[1])
            gaps.append(gen[2])
            X_new.append(gen[3])
            y_new.append(gen[4])

        kept = np.sort(np.concatenate(kept))
        d = X.shape[1]
        seeds = np.concatenate(seeds) if seeds else np.zeros(0, np.int64)
        partners = np.concatenate(partners) if partners else np.zeros(0, np.int64)
        gaps = np.concatenate(gaps) if gaps else np.zeros(0)
        X_syn = np.vstack(X_new).astype(X.dtype) if X_new else np.zeros((0, d), X.dtype)
        y_syn = np.concatenate(y_new) if y_new else np.zeros(0)
        self._set_provenance(kept, seeds, partners, gaps)
        self.bumps_ = [
            {
                "y_min": float(lo),
                "y_max": float(hi),
                "rare": rare,
                "n_before": int(nb),
                "n_after": int(na),
            }
            for lo, hi, rare, nb, na in summary
        ]
        X_res = np.vstack([X[kept], X_syn])
        y_res = np.concatenate([y[kept], y_syn.astype(y.dtype, copy=False)])
        return X_res, y_res

    def _neighbours(self, Z_bump, k):
        """Indices (within the bump) of the k nearest other cases, and distances."""
        if isinstance(self.k_neighbors, numbers.Integral):
            nn = NearestNeighbors(n_neighbors=k, n_jobs=self.n_jobs).fit(Z_bump)
            dist, ind = nn.kneighbors()
            return dist, ind
        # a user object follows imbalanced-learn: it returns the point itself first
        nn = clone(self.k_neighbors).set_params(n_neighbors=k + 1).fit(Z_bump)
        dist, ind = nn.kneighbors(Z_bump)
        return dist[:, 1:], ind[:, 1:]

    def _k(self):
        if isinstance(self.k_neighbors, numbers.Integral):
            return int(self.k_neighbors)
        return int(self.k_neighbors.get_params().get("n_neighbors", 6)) - 1

    def _seed_positions(self, m, n_gen, rng):
        """Each case of a bump seeds floor(n_gen / m) new cases; random extra."""
        reps, extra = divmod(n_gen, m)
        pos = np.repeat(np.arange(m), reps)
        if extra:
            pos = np.concatenate([pos, rng.choice(m, size=extra, replace=False)])
        return pos

    def _interpolate(self, X, y, idx, pos, nb, rng):
        seeds = idx[pos]
        partners = idx[nb]
        gaps = rng.uniform(size=len(pos))
        X_syn = X[seeds] + gaps[:, None] * (X[partners] - X[seeds])
        # the target is the distance-weighted mean of the two parents'
        # targets (weights inversely proportional to the distance from the new
        # case), which on the segment is linear interpolation with the same gap
        y_syn = (1 - gaps) * y[seeds] + gaps * y[partners]
        return seeds, partners, gaps, X_syn, y_syn


# parameters documented once for SMOTER and SMOGN
_SMOTER_PARAMETERS = """relevance : "auto" or array-like of shape (n_points, 2) or (n_points, 3), \
            default="auto"
        The relevance function phi.  ``"auto"``: phi is 1 at the box-plot
        whisker ends of ``y`` on each side with values beyond them
        (``extremes``), 0 at the median, with zero slopes, interpolated by a
        cubic Hermite spline (the "extremes" method of Ribeiro, 2011).  An
        array gives control points ``[y, phi]`` (monotone PCHIP interpolation)
        or ``[y, phi, dphi/dy]`` (cubic Hermite with those slopes); phi is
        constant beyond the outermost points.
    relevance_threshold : float in (0, 1), default=0.5
        Values with ``phi(y) >= relevance_threshold`` are rare.
    extremes : {"both", "high", "low"}, default="both"
        Tails considered by the automatic relevance function.
    coef : float, default=1.5
        Box-plot whisker coefficient of the automatic relevance function.
    sampling_strategy : {"balance", "extreme"} or dict, default="balance"
        Target size of each bump.  ``"balance"``: every bump is resampled to
        ``n_samples / n_bumps`` cases.  ``"extreme"``: bump sizes become
        inversely proportional to their original sizes (rare ranges end up
        larger than common ones), total size kept.  A dict
        ``{"over": o, "under": u}`` multiplies rare bumps by ``o >= 1`` and
        keeps a fraction ``u`` in (0, 1] of common bumps.
    k_neighbors : int or object with ``kneighbors``, default=5
        Number of nearest neighbours within a bump (capped at the bump size
        minus one), found by :class:`sklearn_datacentric.neighbors.NearestNeighbors`
        on features scaled to [0, 1] (the numeric part of the HEOM distance).
        An object (e.g. ``sklearn.neighbors.NearestNeighbors``) is cloned, its
        ``n_neighbors`` set to ``k + 1``, and the point itself dropped, as in
        imbalanced-learn.
"""

_SMOTER_RANDOM_JOBS = """random_state : int, RandomState instance or None, default=None
        Controls the undersampling, the seeds, partners and gaps.
    n_jobs : int, default=None
        Threads of the neighbour search.
"""


@Substitution(
    smoter_parameters=_SMOTER_PARAMETERS, smoter_random_jobs=_SMOTER_RANDOM_JOBS
)
class SMOTER(_BaseSMOTER):
    """SMOTE for regression: oversample rare target ranges, undersample common ones.

    SMOTER (Torgo, Ribeiro, Pfahringer and Branco, 2013) turns SMOTE into a
    resampler for continuous targets.  A relevance function phi(y) in [0, 1]
    (Ribeiro, 2011) marks the rare, relevant target values: those with
    ``phi(y) >= relevance_threshold``.  Sorted by ``y``, consecutive rare or
    common values form "bumps".  Common bumps are randomly undersampled; in
    rare bumps, new cases are interpolated between a case and one of its
    ``k_neighbors`` nearest neighbours *within the same bump*, and the new
    target is the mean of the two parents' targets weighted by the inverse
    of the new case's distance to each (on the segment: linear interpolation
    with the same gap).

    Parameters
    ----------
    {smoter_parameters}    {smoter_random_jobs}
    Attributes
    ----------
    relevance_control_points_ : ndarray of shape (n_points, 2 or 3)
        Control points of the fitted relevance function.
    bumps_ : list of dict
        For each bump: ``y_min``, ``y_max``, ``rare``, ``n_before``,
        ``n_after``.
    sampling_strategy_ : ndarray of shape (n_bumps,)
        Resampling ratio applied to each bump (> 1: oversampled, < 1:
        undersampled), in the order of ``bumps_``.
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        For each output row: its seed row, its partner (synthetic rows), its
        gap and whether it is synthetic.  Kept original rows come first.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    SMOGN : SMOTER with Gaussian noise where the neighbours are far.

    Notes
    -----
    Numeric features only (encode nominal features first).  A rare bump of a
    single case cannot be interpolated: it is kept unchanged, with a warning.

    References
    ----------
    .. [1] L. Torgo, R. P. Ribeiro, B. Pfahringer and P. Branco, "SMOTE for
       regression", Portuguese Conference on Artificial Intelligence (EPIA),
       2013.
    .. [2] R. P. Ribeiro, "Utility-based regression", PhD thesis, University
       of Porto, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.over_sampling import SMOTER
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 3))
    >>> y = np.exp(X[:, 0] + 0.1 * rng.normal(size=300))  # a long upper tail
    >>> X_res, y_res = SMOTER(random_state=0).fit_resample(X, y)
    >>> X_res.shape[1], bool((y_res > np.percentile(y, 95)).mean() > 0.05)
    (3, True)
    """

    def _generate(self, X, y, Z, idx, n_gen, rng):
        m = len(idx)
        if m < 2:
            warnings.warn(
                f"A rare range of y ({y[idx].min():.4g}) holds a single case: "
                "SMOTER cannot interpolate within it and keeps it unchanged.",
                UserWarning,
                stacklevel=external_stacklevel(),
            )
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0), np.zeros((0, X.shape[1])), np.zeros(0)
        k = min(self._k(), m - 1)
        _, ind = self._neighbours(Z[idx], k)
        pos = self._seed_positions(m, n_gen, rng)
        nb = ind[pos, rng.randint(0, k, size=len(pos))]
        return self._interpolate(X, y, idx, pos, nb, rng)


@Substitution(
    smoter_parameters=_SMOTER_PARAMETERS, smoter_random_jobs=_SMOTER_RANDOM_JOBS
)
class SMOGN(_BaseSMOTER):
    """SMOTER with Gaussian noise: interpolate near neighbours, perturb far ones.

    SMOGN (Branco, Torgo and Ribeiro, 2017) resamples like :class:`SMOTER`
    (relevance function, rare and common bumps, undersampling of common
    bumps) but generates each new rare case in one of two ways.  For a seed
    case, the *safe distance* is half the median distance to its
    ``k_neighbors`` nearest neighbours in the bump.  A neighbour is drawn at
    random: if it is closer than the safe distance, the new case is a SMOTER
    interpolation between the two; otherwise the new case is the seed plus
    Gaussian noise, each feature and the target perturbed with standard
    deviation ``min(safe distance, perturbation)`` times that variable's
    standard deviation in the bump.

    Parameters
    ----------
    {smoter_parameters}    perturbation : float, default=0.02
        Upper bound of the relative noise amplitude (``pert`` in the paper).
    {smoter_random_jobs}
    Attributes
    ----------
    relevance_control_points_ : ndarray of shape (n_points, 2 or 3)
    bumps_ : list of dict
    sampling_strategy_ : ndarray of shape (n_bumps,)
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Synthetic rows made by Gaussian noise have ``partner == -1`` and
        ``gap == 0``; interpolated rows have their neighbour and gap.
    n_noise_ : int
        Number of synthetic rows made by Gaussian noise (the rest are
        interpolated).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    SMOTER : interpolation only.

    Notes
    -----
    Distances are Euclidean on features scaled to [0, 1] (the numeric part
    of HEOM).  A rare bump of a single case has no neighbours: its new cases
    are all made by Gaussian noise (with ``perturbation`` as amplitude and the
    standard deviations of the whole sample).

    References
    ----------
    .. [1] P. Branco, L. Torgo and R. P. Ribeiro, "SMOGN: a pre-processing
       approach for imbalanced regression", First International Workshop on
       Learning with Imbalanced Domains (LIDTA), PMLR 74, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.over_sampling import SMOGN
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 3))
    >>> y = np.exp(X[:, 0] + 0.1 * rng.normal(size=300))
    >>> sampler = SMOGN(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> int(sampler.provenance_.synthetic.sum()) > 0
    True
    """

    _parameter_constraints: dict = {
        **_BaseSMOTER._parameter_constraints,
        "perturbation": [Interval(numbers.Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        relevance="auto",
        relevance_threshold=0.5,
        extremes="both",
        coef=1.5,
        sampling_strategy="balance",
        k_neighbors=5,
        perturbation=0.02,
        random_state=None,
        n_jobs=None,
    ):
        super().__init__(
            relevance=relevance,
            relevance_threshold=relevance_threshold,
            extremes=extremes,
            coef=coef,
            sampling_strategy=sampling_strategy,
            k_neighbors=k_neighbors,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        self.perturbation = perturbation

    def _fit_resample(self, X, y):
        self.n_noise_ = 0
        return super()._fit_resample(X, y)

    def _generate(self, X, y, Z, idx, n_gen, rng):
        m = len(idx)
        pos = self._seed_positions(m, n_gen, rng)
        if m < 2:
            sd_x, sd_y = X.std(axis=0), y.std()
            pert = np.full(len(pos), self.perturbation)
            far = np.ones(len(pos), dtype=bool)
            nb = np.full(len(pos), -1)
        else:
            k = min(self._k(), m - 1)
            dist, ind = self._neighbours(Z[idx], k)
            safe = np.median(dist, axis=1) / 2.0
            col = rng.randint(0, k, size=len(pos))
            nb = ind[pos, col]
            far = dist[pos, col] >= safe[pos]
            pert = np.minimum(safe[pos], self.perturbation)
            sd_x, sd_y = X[idx].std(axis=0), y[idx].std()
        seeds, partners, gaps = idx[pos], np.full(len(pos), -1), np.zeros(len(pos))
        X_syn = np.empty((len(pos), X.shape[1]))
        y_syn = np.empty(len(pos))
        near = ~far
        if near.any():
            s, p, g, xs, ys = self._interpolate(X, y, idx, pos[near], nb[near], rng)
            partners[near], gaps[near], X_syn[near], y_syn[near] = p, g, xs, ys
        if far.any():
            f_seeds = idx[pos[far]]
            scale = pert[far][:, None]
            X_syn[far] = X[f_seeds] + rng.normal(size=(far.sum(), X.shape[1])) * (
                scale * sd_x
            )
            y_syn[far] = y[f_seeds] + rng.normal(size=far.sum()) * (pert[far] * sd_y)
        self.n_noise_ += int(far.sum())
        return seeds, partners, gaps, X_syn, y_syn
