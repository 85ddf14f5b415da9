"""Selective mixup for class labels (Teney, Wang & Abbasnejad, ICML 2024)."""

import numbers

import numpy as np
from imblearn.base import BaseSampler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from ._base import (
    GroupsSamplerMixin,
    mix_matrix,
    resolve_n_out,
    stack_rows,
    uniform_anchors,
)
from ._pairs import (
    build_cell_index,
    check_all_have_partners,
    implicit_row_weights,
    parse_criterion,
)


def _distribution(weights, codes, values):
    q = np.bincount(codes, weights=weights, minlength=len(values))
    return dict(zip(values.tolist(), q.tolist()))


def _cell_distribution(weights, c, d, classes, domains):
    key = c * len(domains) + d
    q = np.bincount(key, weights=weights, minlength=len(classes) * len(domains))
    cl, dl = classes.tolist(), domains.tolist()
    return {
        (cl[k // len(dl)], dl[k % len(dl)]): float(q[k]) for k in np.flatnonzero(q > 0)
    }


class SelectiveMixup(GroupsSamplerMixin, BaseSampler):
    """Selective mixup: mix each anchor with a partner chosen by a criterion.

    For each output row an anchor ``i`` is drawn (every training row equally
    often), a partner ``j`` uniformly from the set S(i) that ``criterion``
    allows, ``lambda ~ Beta(alpha, alpha)``, and the row
    ``x = lambda x_i + (1 - lambda) x_j`` is returned with the hard label
    ``y_i`` with probability ``lambda`` and ``y_j`` otherwise (usable by every
    classifier).  The exact soft targets are available from
    :meth:`fit_resample_soft` (soft labels, for neural estimators) and
    :meth:`fit_resample_weighted` (each mixed row twice, weighted ``lambda``
    and ``1 - lambda``; used by :class:`SoftTargetClassifier`).

    Teney et al. (2024) show that the pair selection alone resamples the
    training distribution; ``implicit_distribution_`` gives that distribution
    in closed form, and ``mix=False`` returns the selected pairs without
    mixing (their "no mixing" baseline).

    For continuous targets use :class:`RegressionMixup`, :class:`CMixup` or
    :class:`KNNMixup`.

    Parameters
    ----------
    criterion : str, default="random"
        Partner set S(i) (never containing ``i``): ``"random"`` (every other
        row: vanilla mixup), ``"same_class"``, ``"different_class"``,
        ``"same_domain"``, ``"different_domain"``, or a class token and a
        domain token joined by ``"+"`` in any order, e.g.
        ``"different_domain+same_class"`` (LISA's intra-label mixing).
        Domain criteria need ``groups`` in :meth:`fit_resample`.
    alpha : float, default=1.0
        Parameter of the symmetric Beta law of ``lambda``.
    n_samples : int or float, default=1.0
        Number of mixed rows: an int is a count, a float a multiple of the
        number of input rows.
    keep_original : bool, default=False
        Put the original rows first in the output, then the mixed rows.
    mix : bool, default=True
        If False, each selected pair is returned as its two original rows,
        anchor then partner, unmixed (``2 * ceil(n_out / 2)`` rows): the
        output then follows ``implicit_distribution_`` with no mixing.
    random_state : int, RandomState instance or None, default=None
        Controls anchors, partners, ``lambda`` and hard labels.

    Attributes
    ----------
    sampling_strategy_ : str
        Always ``"bypass"``: selective mixup does not target class counts
        (kept for imbalanced-learn's sampler protocol).
    classes_ : ndarray of shape (n_classes,)
        Class labels seen in the last :meth:`fit_resample`.
    domains_ : ndarray of shape (n_domains,) or None
        Domain labels seen (None without ``groups``).
    training_distribution_ : dict
        ``{"class": {label: p}, "domain": {domain: p} or None,
        "cell": {(label, domain): p}}``: the empirical distribution of the
        input (domain ``None`` keys the cells without ``groups``).
    implicit_distribution_ : dict
        Same layout: the class / domain / cell distribution of the rows the
        pair selection picks, in expectation (anchor and partner each with
        weight 1/2), in closed form: ``w_j = 1/(2n) + 1/(2n) * sum_{i : j in
        S(i)} 1/|S(i)|``.  For ``"different_class"`` this is
        ``q_c = p_c / 2 + 1/2 * sum_{c' != c} p_{c'} p_c / (1 - p_{c'})``.
        With a symmetric Beta law it is also the expected label distribution
        of the hard labels.
    implicit_weights_ : ndarray of shape (n_samples,)
        The per-row weights ``w_j`` (they sum to 1).
    provenance_ : Provenance
        Per output row: ``seed`` = anchor ``i``, ``partner`` = ``j``,
        ``gap = 1 - lambda`` (so ``x = x_i + gap (x_j - x_i)``).  Kept original
        rows come first; with ``mix=False`` every row is a copy.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names.

    See Also
    --------
    GroupBalancedResampler : Explicit resampling to uniform classes/domains.
    SoftTargetClassifier : Exact soft targets for estimators with
        ``sample_weight``.
    sample_partners : The pair sampler.

    References
    ----------
    .. [1] D. Teney, J. Wang, E. Abbasnejad. "Selective Mixup Helps with
       Distribution Shifts, But Not (Only) because of Mixup." ICML 2024.
    .. [2] H. Zhang, M. Cisse, Y. Dauphin, D. Lopez-Paz. "mixup: Beyond
       Empirical Risk Minimization." ICLR 2018.
    .. [3] H. Yao et al. "Improving Out-of-Distribution Robustness via
       Selective Augmentation" (LISA). ICML 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.mixup import SelectiveMixup
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(100, 3)
    >>> y = np.r_[np.zeros(80, int), np.ones(20, int)]
    >>> mixer = SelectiveMixup(criterion="different_class", random_state=0)
    >>> X_mix, y_mix = mixer.fit_resample(X, y)
    >>> X_mix.shape
    (100, 3)
    >>> {c: round(q, 3) for c, q in mixer.implicit_distribution_["class"].items()}
    {0: 0.5, 1: 0.5}
    """

    _parameter_constraints = {
        "criterion": [str],
        "alpha": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_samples": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(numbers.Real, 0, None, closed="neither"),
        ],
        "keep_original": ["boolean"],
        "mix": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        criterion="random",
        alpha=1.0,
        n_samples=1.0,
        keep_original=False,
        mix=True,
        random_state=None,
    ):
        self.criterion = criterion
        self.alpha = alpha
        self.n_samples = n_samples
        self.keep_original = keep_original
        self.mix = mix
        self.random_state = random_state

    # ------------------------------------------------------------------ pairs
    def _draw_pairs(self, y, groups):
        """Validate, record the distributions, and draw anchors/partners/lambda."""
        class_rel, dom_rel, _ = parse_criterion(self.criterion)
        n = y.shape[0]
        index, classes, domains = build_cell_index(
            n,
            y,
            groups,
            class_rel=class_rel,
            dom_rel=dom_rel,
            criterion=self.criterion,
        )
        check_all_have_partners(
            index, class_rel, dom_rel, self.criterion, classes=classes, domains=domains
        )
        self.classes_ = classes
        self.domains_ = domains if groups is not None else None
        w = implicit_row_weights(index, class_rel, dom_rel)
        self.implicit_weights_ = w
        dom_vals = domains if groups is not None else np.array([None], dtype=object)
        p = np.full(n, 1.0 / n)
        self.training_distribution_ = self._distributions(
            p, index, classes, dom_vals, groups
        )
        self.implicit_distribution_ = self._distributions(
            w, index, classes, dom_vals, groups
        )
        rng = check_random_state(self.random_state)
        m = resolve_n_out(self.n_samples, n)
        if not self.mix:
            m = (m + 1) // 2
        anchors = uniform_anchors(n, m, rng)
        partners = index.sample(class_rel, dom_rel, anchors, rng.random_sample(m))
        lam = rng.beta(self.alpha, self.alpha, size=m)
        return anchors, partners, lam, rng

    @staticmethod
    def _distributions(weights, index, classes, dom_vals, groups):
        c, d = index.class_codes, index.domain_codes
        return {
            "class": _distribution(weights, c, classes),
            "domain": _distribution(weights, d, dom_vals)
            if groups is not None
            else None,
            "cell": _cell_distribution(weights, c, d, classes, dom_vals),
        }

    def _fit_resample(self, X, y, groups=None):
        n = X.shape[0]
        anchors, partners, lam, rng = self._draw_pairs(y, groups)
        kept = np.arange(n) if self.keep_original else np.empty(0, np.int64)
        if not self.mix:
            rows = np.concatenate([kept, anchors, partners])
            self._set_provenance(rows)
            return X[rows], y[rows]
        X_mix = mix_matrix(X, anchors, partners, lam)
        take_anchor = rng.random_sample(lam.shape[0]) < lam
        y_mix = np.where(take_anchor, y[anchors], y[partners])
        self._set_provenance(kept, anchors, partners, 1.0 - lam)
        if self.keep_original:
            return stack_rows([X, X_mix]), np.concatenate([y, y_mix])
        return X_mix, y_mix

    # ---------------------------------------------------- soft-target outputs
    def _prepare(self, X, y, groups):
        self._validate_params()
        self._check_classification_y(y)
        X, y, _ = self._check_X_y(X, y)
        self.sampling_strategy_ = "bypass"
        if np.unique(y).size < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes in y, got 1 class."
            )
        if groups is not None:
            groups = np.asarray(groups)
            if groups.shape != (X.shape[0],):
                raise ValueError(
                    f"groups has shape {groups.shape}; expected ({X.shape[0]},)."
                )
        if not self.mix:
            raise ValueError(
                "mix=False returns unmixed pairs, which have hard labels; "
                "soft targets need mix=True."
            )
        return X, y, groups

    def fit_resample_soft(self, X, y, groups=None):
        """Mixed rows with exact soft labels (for estimators that take them).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to mix.
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), default=None
            Domain of each row; required by the domain criteria.

        Returns
        -------
        X_mixed : ndarray or sparse matrix of shape (n_out, n_features)
            Original rows first if ``keep_original``.
        Y_soft : ndarray of shape (n_out, n_classes)
            ``lambda`` on the anchor's class and ``1 - lambda`` on the
            partner's class (one-hot rows for kept originals); columns follow
            ``classes_``.
        """
        X, y, groups = self._prepare(X, y, groups)
        anchors, partners, lam, _ = self._draw_pairs(y, groups)
        codes = np.searchsorted(self.classes_, y)
        k = len(self.classes_)
        Y = np.zeros((lam.shape[0], k))
        rows = np.arange(lam.shape[0])
        np.add.at(Y, (rows, codes[anchors]), lam)
        np.add.at(Y, (rows, codes[partners]), 1.0 - lam)
        X_mix = mix_matrix(X, anchors, partners, lam)
        kept = np.arange(X.shape[0]) if self.keep_original else np.empty(0, np.int64)
        self._set_provenance(kept, anchors, partners, 1.0 - lam)
        if self.keep_original:
            return stack_rows([X, X_mix]), np.vstack([np.eye(k)[codes], Y])
        return X_mix, Y

    def fit_resample_weighted(self, X, y, groups=None, sample_weight=None):
        """Mixed rows as weighted hard-label rows: exact soft targets for log-loss.

        Each mixed row appears with the anchor's label and weight ``lambda``
        and with the partner's label and weight ``1 - lambda`` (once, with
        weight 1, when both labels agree).  For any loss linear in the target
        distribution (log-loss), the weighted loss equals the soft-target
        loss exactly.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to mix.
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), default=None
            Domain of each row; required by the domain criteria.
        sample_weight : array-like of shape (n_samples,), default=None
            Input weights; a mixed row carries the interpolation
            ``lambda w_i + (1 - lambda) w_j``, times ``lambda`` or
            ``1 - lambda``.

        Returns
        -------
        X_out : ndarray or sparse matrix
            Rows of the mixed pairs, each pair's two rows duplicated.
        y_out : ndarray
            Labels of the duplicated rows.
        weight_out : ndarray
            Kept originals (if ``keep_original``) come first with their
            input weight.
        """
        X, y, groups = self._prepare(X, y, groups)
        n = X.shape[0]
        if sample_weight is None:
            sw = np.ones(n)
        else:
            sw = np.asarray(sample_weight, dtype=np.float64)
            if sw.shape != (n,) or not np.all(np.isfinite(sw)) or np.any(sw < 0):
                raise ValueError(
                    "sample_weight must be finite, non-negative, one per row of X."
                )
        anchors, partners, lam, _ = self._draw_pairs(y, groups)
        kept = np.arange(n) if self.keep_original else np.empty(0, np.int64)
        self._set_provenance(kept, anchors, partners, 1.0 - lam)
        X_mix = mix_matrix(X, anchors, partners, lam)
        w_mix = lam * sw[anchors] + (1.0 - lam) * sw[partners]
        ya, yb = y[anchors], y[partners]
        differ = np.flatnonzero(ya != yb)
        w_first = np.where(ya == yb, w_mix, lam * w_mix)
        parts_X = [X] if self.keep_original else []
        parts_y = [y] if self.keep_original else []
        parts_w = [sw] if self.keep_original else []
        parts_X += [X_mix, X_mix[differ]]
        parts_y += [ya, yb[differ]]
        parts_w += [w_first, (1.0 - lam[differ]) * w_mix[differ]]
        return stack_rows(parts_X), np.concatenate(parts_y), np.concatenate(parts_w)
