"""ADASYN (He, Bai, Garcia and Li, 2008)."""

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval

from ._base import (
    BaseSMOTE,
    _label,
    check_neighbors_param,
    kneighbors_self,
    n_neighbors_of,
)

__all__ = ["ADASYN"]


class ADASYN(BaseSMOTE):
    """Adaptive Synthetic (ADASYN) over-sampling.

    Each sample ``i`` of a class to over-sample gets a share of the new
    points proportional to the fraction ``r_i`` of other-class samples among
    its ``n_neighbors`` nearest neighbours in the whole dataset:
    ``g_i = rint(r_i / sum(r) * n_samples)``.  Its synthetic points are
    ``x_i + u (x_nn - x_i)`` with ``x_nn`` a uniform one of its
    ``n_neighbors`` nearest neighbours of its own class and ``u ~ U(0, 1)``.

    Same parameters, defaults and semantics as
    :class:`imblearn.over_sampling.ADASYN`, including the per-seed counts
    ``g_i`` (so the class counts after resampling may differ from the
    ``sampling_strategy`` target by rounding, as in imbalanced-learn).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        See :class:`SMOTE`.
    random_state : int, RandomState instance or None, default=None
        Controls the draws of partners and gaps.
    n_neighbors : int or object with ``kneighbors``, default=5
        Number of nearest neighbours (or a neighbours estimator whose
        ``n_neighbors`` counts the sample itself).
    n_jobs : int, default=None
        Threads of the neighbour search (``None``: the CPUs, bounded as in
        :class:`SMOTE`).
    verbose : int, default=0
        When positive, print one line per phase of ``fit_resample`` (the
        neighbour search and the sampling of each class, then the output),
        with the time elapsed: on millions of rows a fit takes tens of
        seconds to minutes.  In-memory input only.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples to generate per class.
    nn_ : estimator object
        The neighbours estimator (unfitted: fitted copies are used and
        dropped, so that no index outlives ``fit_resample``).
    n_samples_per_seed_ : dict
        For each over-sampled class, the number ``g_i`` of synthetic points
        of each of its samples (in the order of the rows of that class).
    provenance_ : Provenance
        Seed, partner, gap and synthetic flag of each output row.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit (pandas input).

    See Also
    --------
    SMOTE, BorderlineSMOTE

    References
    ----------
    .. [1] H. He, Y. Bai, E. A. Garcia and S. Li, "ADASYN: adaptive
       synthetic sampling approach for imbalanced learning", IEEE
       International Joint Conference on Neural Networks, 1322-1328, 2008.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import ADASYN
    >>> X, y = make_classification(n_samples=1000, weights=[0.9],
    ...                            random_state=0)
    >>> X_res, y_res = ADASYN(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 898), (1, 895)]
    """

    _parameter_constraints: dict = {
        **{
            k: v
            for k, v in BaseSMOTE._parameter_constraints.items()
            if k != "k_neighbors"
        },
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors"]),
        ],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        n_neighbors=5,
        n_jobs=None,
        verbose=0,
    ):
        super(BaseSMOTE, self).__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.n_neighbors = n_neighbors
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _validate_estimator(self):
        self.nn_ = check_neighbors_param(
            "n_neighbors", self.n_neighbors, n_jobs=self.n_jobs
        )

    def _fit_resample(self, X, y):
        self._validate_estimator()
        k = n_neighbors_of(self.nn_, "n_neighbors")
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples:
                self._check_class_size(
                    class_sample, int(np.sum(y == class_sample)), k, "n_neighbors"
                )
        say = self._progress()
        rng = check_random_state(self.random_state)
        nn_all_fitted = False
        nn_all = clone(self.nn_)  # dropped before the output is built
        self.n_samples_per_seed_ = {}
        plans = []
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            class_idx = np.flatnonzero(y == class_sample)
            nns = kneighbors_self(nn_all, X, class_idx, fitted=nn_all_fitted)
            nn_all_fitted = True
            say(
                f"{k} neighbours of its {class_idx.shape[0]} rows in the whole data",
                class_sample,
            )
            ratio_nn = np.sum(y[nns] != class_sample, axis=1) / k
            if not np.sum(ratio_nn):
                raise RuntimeError(
                    f"ADASYN: no sample of class {_label(class_sample)!r} has a neighbour "
                    "of another class among its n_neighbors nearest neighbours, "
                    "so the density ratios are all 0 (a division by zero). "
                    "ADASYN is not suited to this dataset; use SMOTE instead."
                )
            ratio_nn /= np.sum(ratio_nn)
            n_gen = np.rint(ratio_nn * n_samples).astype(np.int64)
            n_total = int(np.sum(n_gen))
            if not n_total:
                raise ValueError(
                    f"ADASYN: no sample would be generated for class "
                    f"{_label(class_sample)!r} with the provided sampling_strategy "
                    f"({n_samples} requested, all per-sample shares round to 0)."
                )
            self.n_samples_per_seed_[class_sample] = n_gen
            nn_class = clone(self.nn_)
            nns_c = kneighbors_self(nn_class, X[class_idx])
            say(f"{k} neighbours of its rows within the class", class_sample)
            rows = np.repeat(np.arange(class_idx.shape[0]), n_gen)
            cols = rng.choice(k, size=n_total)
            gaps = rng.uniform(size=(n_total, 1))[:, 0]
            say(f"{n_total} (seed, neighbour, gap) draws", class_sample)
            plans.append(
                (class_sample, class_idx[rows], class_idx[nns_c[rows, cols]], gaps)
            )
        del nn_all
        out = self._assemble(X, y, plans)
        say(f"output of {out[0].shape[0]} rows written")
        return out
