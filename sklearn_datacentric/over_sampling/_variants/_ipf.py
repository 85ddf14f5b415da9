"""SMOTE followed by the Iterative-Partitioning Filter (Saez et al., 2015)."""

import numbers
from collections.abc import Mapping

import numpy as np
from imblearn.base import BaseSampler
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from ...base import ProvenanceMixin
from ...utils.validation import overflow_limit, pow2_rescale, unscale
from ._common import (
    K_NEIGHBORS_CONSTRAINT,
    _interpolate,
    _kneighbors,
    _label,
    _resolve_k,
    check_X_y_float,
    densified,
)

__all__ = ["SMOTEIPF"]


class SMOTEIPF(ProvenanceMixin, BaseSampler):
    """SMOTE-IPF: SMOTE, then the Iterative-Partitioning Filter.

    Saez et al. (2015) first over-sample with SMOTE (a random minority
    sample, one of its ``k`` nearest minority neighbours, a uniform
    position on the segment), then clean the augmented set with the
    Iterative-Partitioning Filter: in each round the current set is split
    into ``n_folds`` stratified partitions, one classifier (a decision tree
    by default, C4.5 in the paper) is trained on *each partition* and
    predicts the whole set; a sample is noisy when more than half of the
    classifiers (``voting="majority"``) or all of them
    (``voting="consensus"``) misclassify it, and noisy samples are
    removed.  The rounds stop once, ``n_iterations`` rounds in a row, fewer
    than ``p`` times the size of the set were removed.

    Original and synthetic samples of every class can be removed, so the
    class counts after the filter are at most those asked by
    ``sampling_strategy`` (like imbalanced-learn's ``SMOTEENN``, this is a
    combined over- and under-sampler); a class is never removed entirely.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of SMOTE samples to generate per class, as in
        imbalanced-learn (each class against all the others).
    k_neighbors : int or object with ``kneighbors``, default=5
        ``k`` of SMOTE.
        An object (e.g. a ``NearestNeighbors``) is used for every neighbour
        search, with ``n_neighbors - 1`` neighbours (the point itself is
        counted, as in imbalanced-learn).
    n_folds : int, default=9
        ``n`` of the filter: number of partitions (lowered to the size of
        the smallest class when that is smaller).
    n_iterations : int, default=3
        ``k`` of the filter's stopping rule: consecutive rounds with few
        removals.
    p : float, default=0.01
        ``p`` of the filter's stopping rule: "few" means fewer than
        ``p * n_current`` removals.
    voting : {"majority", "consensus"}, default="majority"
        Voting scheme of the filter.
    estimator : classifier, default=None
        Classifier trained on each partition; ``None`` means
        ``DecisionTreeClassifier`` seeded from ``random_state``.
    random_state : int, RandomState instance or None, default=None
        Seed of SMOTE, of the partitions and of the default tree.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of SMOTE samples generated per class (before filtering).
    n_removed_ : list of int
        Number of samples removed in each round of the filter.
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of each output row: the surviving input rows, then the
        surviving synthetic rows (seed, neighbour, position).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    References
    ----------
    .. [1] J. A. Saez, J. Luengo, J. Stefanowski and F. Herrera, "SMOTE-IPF:
       Addressing the noisy and borderline examples problem in imbalanced
       classification by a re-sampling method with filtering", Information
       Sciences 291, pp. 184-203, 2015. doi:10.1016/j.ins.2014.08.051
    .. [2] T. M. Khoshgoftaar and P. Rebours, "Improving software quality
       prediction by noise filtering techniques", Journal of Computer
       Science and Technology 22, pp. 387-396, 2007.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import SMOTEIPF
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = SMOTEIPF(random_state=0).fit_resample(X, y)
    >>> bool(y_res.sum() > y.sum())
    True
    """

    _sampling_type = "over-sampling"
    _parameter_constraints = {
        "sampling_strategy": [
            Interval(numbers.Real, 0, 1, closed="right"),
            StrOptions({"auto", "minority", "not minority", "not majority", "all"}),
            Mapping,
            callable,
        ],
        "k_neighbors": K_NEIGHBORS_CONSTRAINT,
        "n_folds": [Interval(numbers.Integral, 2, None, closed="left")],
        "n_iterations": [Interval(numbers.Integral, 1, None, closed="left")],
        "p": [Interval(numbers.Real, 0, 1, closed="both")],
        "voting": [StrOptions({"majority", "consensus"})],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        n_folds=9,
        n_iterations=3,
        p=0.01,
        voting="majority",
        estimator=None,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.n_folds = n_folds
        self.n_iterations = n_iterations
        self.p = p
        self.voting = voting
        self.estimator = estimator
        self.random_state = random_state

    def _check_X_y(self, X, y):
        return check_X_y_float(self, X, y)

    def _smote(self, X, y, rng):
        parts, labels, seeds, partners, gaps = [], [], [], [], []
        k, nn = _resolve_k(self.k_neighbors)
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            idx_min = np.flatnonzero(y == class_sample)
            if idx_min.shape[0] < 2:
                raise ValueError(
                    f"SMOTEIPF needs at least 2 samples of a class to over-sample "
                    f"it; class {_label(class_sample)!r} has {idx_min.shape[0]}."
                )
            X_min = X[idx_min].astype(np.float64)
            neigh = _kneighbors(X_min, k, estimator=nn)
            s = rng.randint(0, X_min.shape[0], size=n_samples)
            pt = neigh[s, rng.randint(0, neigh.shape[1], size=n_samples)]
            g = rng.uniform(0.0, 1.0, size=n_samples)
            parts.append(_interpolate(X_min, s, pt, g).astype(X.dtype, copy=False))
            labels.append(np.full(n_samples, class_sample, dtype=y.dtype))
            seeds.append(idx_min[s])
            partners.append(idx_min[pt])
            gaps.append(g)
        if not parts:
            e = np.empty(0)
            return (
                np.empty((0, X.shape[1]), X.dtype),
                np.empty(0, y.dtype),
                e.astype(np.int64),
                e.astype(np.int64),
                e,
            )
        return (
            np.vstack(parts),
            np.concatenate(labels),
            np.concatenate(seeds),
            np.concatenate(partners),
            np.concatenate(gaps),
        )

    def _filter(self, X, y, rng):
        """Rows of (X, y) kept by the Iterative-Partitioning Filter."""
        if self.estimator is None:
            base = DecisionTreeClassifier(random_state=rng.randint(2**31 - 1))
        else:
            base = clone(self.estimator)
        keep = np.arange(X.shape[0])
        self.n_removed_ = []
        calm = 0
        while calm < self.n_iterations:
            Xe, ye = X[keep], y[keep]
            classes, counts = np.unique(ye, return_counts=True)
            n_folds = int(min(self.n_folds, counts.min()))
            if n_folds < 2 or classes.shape[0] < 2:
                break
            cv = StratifiedKFold(
                n_folds, shuffle=True, random_state=rng.randint(2**31 - 1)
            )
            wrong = np.zeros(keep.shape[0], dtype=np.int64)
            for _, part in cv.split(Xe, ye):
                clf = clone(base).fit(Xe[part], ye[part])
                wrong += clf.predict(Xe) != ye
            if self.voting == "majority":
                noisy = wrong > n_folds / 2.0
            else:
                noisy = wrong == n_folds
            for c in classes:  # never remove a class entirely
                in_c = ye == c
                if noisy[in_c].all():
                    noisy[in_c] = False
            n_noisy = int(noisy.sum())
            self.n_removed_.append(n_noisy)
            calm = calm + 1 if n_noisy < self.p * keep.shape[0] else 0
            keep = keep[~noisy]
        return keep

    def _fit_resample(self, X, y):
        return densified(self._fit_resample_dense, X, y)

    def _fit_resample_dense(self, X, y):
        rng = check_random_state(self.random_state)
        # SMOTE is equivariant and the default tree filter invariant under a
        # common scaling: X too large for the overflow limit or for the
        # trees' float32 is scaled by a power of two (the filter sees scaled
        # data) and the synthetic rows are mapped back exactly
        X_s, e = pow2_rescale(
            X, min(overflow_limit(*X.shape), 0.5 * float(np.finfo(np.float32).max))
        )
        X_new, y_new, seed, partner, gap = self._smote(X_s, y, rng)
        y_all = np.concatenate([y, y_new])
        keep = self._filter(np.vstack([X_s, X_new]), y_all, rng)
        X_all = np.vstack([X, unscale(X_new, e).astype(X.dtype, copy=False)])
        n = X.shape[0]
        kept, syn = keep[keep < n], keep[keep >= n] - n
        self._set_provenance(kept, seed[syn], partner[syn], gap[syn])
        order = np.concatenate([kept, syn + n])
        return X_all[order], y_all[order]
