"""Explicit resampling to uniform classes, domains or (class, domain) cells."""

import numbers

import numpy as np
from imblearn.base import BaseSampler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import GroupsSamplerMixin, resolve_n_out


def _stratified_draw(members, quota, rng):
    """``quota`` rows of ``members``: whole random passes, then a subset."""
    full, rest = divmod(quota, members.shape[0])
    parts = [rng.permutation(members) for _ in range(full)]
    if rest:
        parts.append(rng.choice(members, size=rest, replace=False))
    return np.concatenate(parts) if parts else members[:0]


class GroupBalancedResampler(GroupsSamplerMixin, BaseSampler):
    """Resample rows so that classes, domains or (class, domain) cells are uniform.

    The explicit counterpart of selective mixup's implicit resampling
    (Teney et al., 2024): ``balance="class"`` gives every class the same
    number of rows, ``"domain"`` every domain, ``"class_domain"`` every
    non-empty (class, domain) cell.  Rows are copies (no synthetic rows);
    within a group every row is used ``floor(q / n_g)`` times and a random
    subset of the others once more, so that the draw is as even as possible
    (over-sampling small groups, under-sampling large ones).

    Parameters
    ----------
    balance : {"class", "domain", "class_domain"}, default="class"
        What to make uniform.  ``"domain"`` and ``"class_domain"`` need
        ``groups`` in :meth:`fit_resample`.
    n_samples : int or float, default=1.0
        Output size: an int is a count, a float a multiple of the input size.
        The quota of each group differs by at most one row.
    random_state : int, RandomState instance or None, default=None
        Controls the random draws; pass an int for reproducible output.

    Attributes
    ----------
    sampling_strategy_ : str
        Always ``"bypass"`` (imbalanced-learn protocol; the target counts are
        in ``group_counts_``).
    group_counts_ : dict
        Output rows per group (class label, domain label or
        ``(class, domain)`` pair).
    sample_indices_ : ndarray of shape (n_out,)
        Input row of each output row.
    provenance_ : Provenance
        Every output row is a copy: ``seed`` = its input row.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    SelectiveMixup : Its ``implicit_distribution_`` is what pair selection
        resamples to.

    References
    ----------
    .. [1] D. Teney, J. Wang, E. Abbasnejad. "Selective Mixup Helps with
       Distribution Shifts, But Not (Only) because of Mixup." ICML 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.mixup import GroupBalancedResampler
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> y = np.array([0] * 8 + [1] * 2)
    >>> X_res, y_res = GroupBalancedResampler(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([5, 5])
    """

    _parameter_constraints = {
        "balance": [StrOptions({"class", "domain", "class_domain"})],
        "n_samples": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(numbers.Real, 0, None, closed="neither"),
        ],
        "random_state": ["random_state"],
    }

    def __init__(self, *, balance="class", n_samples=1.0, random_state=None):
        self.balance = balance
        self.n_samples = n_samples
        self.random_state = random_state

    def _fit_resample(self, X, y, groups=None):
        n = X.shape[0]
        if self.balance != "class" and groups is None:
            raise ValueError(
                f"balance={self.balance!r} needs the domain of each row: pass "
                "groups=... (inside a Pipeline or GridSearchCV, enable metadata "
                "routing and call set_fit_resample_request(groups=True))."
            )
        if self.balance == "class":
            keys, codes = np.unique(y, return_inverse=True)
            labels = keys.tolist()
        elif self.balance == "domain":
            keys, codes = np.unique(groups, return_inverse=True)
            labels = keys.tolist()
        else:
            cls, c = np.unique(y, return_inverse=True)
            dom, d = np.unique(groups, return_inverse=True)
            keys, codes = np.unique(c * len(dom) + d, return_inverse=True)
            labels = [
                (cls[k // len(dom)].tolist(), dom[k % len(dom)].tolist()) for k in keys
            ]
        codes = codes.ravel()
        rng = check_random_state(self.random_state)
        m = resolve_n_out(self.n_samples, n)
        n_groups = len(labels)
        base, extra = divmod(m, n_groups)
        quota = np.full(n_groups, base)
        quota[rng.choice(n_groups, size=extra, replace=False)] += 1
        order = np.argsort(codes, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(codes, minlength=n_groups))]
        parts = [
            _stratified_draw(order[bounds[g] : bounds[g + 1]], int(quota[g]), rng)
            for g in range(n_groups)
        ]
        idx = rng.permutation(np.concatenate(parts)).astype(np.int64)
        self.group_counts_ = dict(zip(labels, quota.tolist()))
        self.sample_indices_ = idx
        self._set_provenance(idx)
        return X[idx], y[idx]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
