"""Borderline-SMOTE (Han, Wang and Mao, 2005)."""

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from ._base import (
    BaseSMOTE,
    check_neighbors_param,
    kneighbors_self,
    n_neighbors_of,
    sample_pairs,
)

__all__ = ["BorderlineSMOTE"]


class BorderlineSMOTE(BaseSMOTE):
    """Over-sampling with Borderline-SMOTE: SMOTE seeded at the class border.

    A sample of a class to over-sample is *in danger* when at least half,
    but not all, of its ``m_neighbors`` nearest neighbours in the whole
    dataset belong to other classes (``m / 2 <= n_other < m``).  Only
    samples in danger seed synthetic points:

    * ``kind="borderline-1"``: partners are the seed's ``k_neighbors``
      nearest neighbours of its own class; ``x_new = x + u (x_nn - x)``,
      ``u ~ U(0, 1)``.
    * ``kind="borderline-2"``: partners are the seed's ``k_neighbors``
      nearest neighbours in the whole dataset; when the partner belongs to
      another class the gap is further multiplied by ``U(0, 0.5)``, so the
      new point stays nearer the seed.

    Same parameters, defaults and ``sampling_strategy`` semantics as
    :class:`imblearn.over_sampling.BorderlineSMOTE`, and the same danger
    set.  A class without any sample in danger is not over-sampled (as in
    imbalanced-learn).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        See :class:`SMOTE`.
    random_state : int, RandomState instance or None, default=None
        Controls the draws of pairs and gaps.
    k_neighbors : int or object with ``kneighbors``, default=5
        Neighbours used to build synthetic samples (see :class:`SMOTE`).
    m_neighbors : int or object with ``kneighbors``, default=10
        Neighbours in the whole dataset used to decide whether a sample is
        in danger.
    kind : {"borderline-1", "borderline-2"}, default="borderline-1"
        The variant.
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
    nn_k_, nn_m_ : estimator objects
        The neighbours estimators (unfitted: fitted copies are used and
        dropped, so that no index outlives ``fit_resample``).
    in_danger_indices_ : dict
        For each over-sampled class, the row indices of its samples in
        danger (the seeds).
    provenance_ : Provenance
        Seed (a sample in danger), partner, gap (for borderline-2 with a
        partner of another class, the product of both draws) and synthetic
        flag of each output row.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit (pandas input).

    See Also
    --------
    SMOTE, ADASYN

    Notes
    -----
    imbalanced-learn draws the extra ``U(0, 0.5)`` factors of borderline-2
    from a new generator seeded like the first one; here they come from the
    same generator, after the pair and gap draws (so borderline-2 points
    differ from imbalanced-learn's for the same ``random_state``, the
    borderline-1 points and the danger set do not).

    References
    ----------
    .. [1] H. Han, W.-Y. Wang and B.-H. Mao, "Borderline-SMOTE: a new
       over-sampling method in imbalanced data sets learning", International
       Conference on Intelligent Computing, 878-887, 2005.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import BorderlineSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9],
    ...                            random_state=0)
    >>> X_res, y_res = BorderlineSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 898), (1, 898)]
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "m_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors"]),
        ],
        "kind": [StrOptions({"borderline-1", "borderline-2"})],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        m_neighbors=10,
        kind="borderline-1",
        n_jobs=None,
        verbose=0,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            n_jobs=n_jobs,
            verbose=verbose,
        )
        self.m_neighbors = m_neighbors
        self.kind = kind

    def _validate_estimator(self):
        super()._validate_estimator()
        self.nn_m_ = check_neighbors_param(
            "m_neighbors", self.m_neighbors, n_jobs=self.n_jobs
        )

    def _fit_resample(self, X, y):
        self._validate_estimator()
        k = n_neighbors_of(self.nn_k_, "k_neighbors")
        m = n_neighbors_of(self.nn_m_, "m_neighbors")
        n = X.shape[0]
        if m > n - 1:
            raise ValueError(
                f"m_neighbors={m} needs at least {m + 1} samples in the dataset, "
                f"which has {n}."
            )
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples:
                n_ref = (
                    int(np.sum(y == class_sample)) if self.kind == "borderline-1" else n
                )
                self._check_class_size(class_sample, n_ref, k, "k_neighbors")
        # the whole-data index is built once and reused for every class (and
        # for the k neighbours of borderline-2 when both are integers)
        share = (
            self.kind == "borderline-2"
            and not hasattr(self.k_neighbors, "kneighbors")
            and not hasattr(self.m_neighbors, "kneighbors")
        )
        say = self._progress()
        m_fitted = False
        nn_m_fit = clone(self.nn_m_)  # dropped before the output is built
        self.in_danger_indices_ = {}
        plans = []
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            class_idx = np.flatnonzero(y == class_sample)
            nn_m = kneighbors_self(nn_m_fit, X, class_idx, fitted=m_fitted)
            m_fitted = True
            n_other = np.sum(y[nn_m] != class_sample, axis=1)
            danger = (n_other >= m / 2) & (n_other < m)
            say(
                f"{m} neighbours of its {class_idx.shape[0]} rows in the whole "
                f"data; {int(danger.sum())} in danger",
                class_sample,
            )
            if not danger.any():
                continue
            danger_idx = class_idx[danger]
            self.in_danger_indices_[class_sample] = danger_idx
            if self.kind == "borderline-1":
                nns = kneighbors_self(
                    clone(self.nn_k_), X[class_idx], np.flatnonzero(danger)
                )
                nns = class_idx[nns]
            elif share:
                nns = nn_m_fit._kneighbors_fitted(danger_idx, k)[1]
            else:
                nns = kneighbors_self(clone(self.nn_k_), X, danger_idx)
            say(f"{k} neighbours of the rows in danger", class_sample)
            rng = check_random_state(self.random_state)
            rows, partners, gaps = sample_pairs(n_samples, nns, rng)
            if self.kind == "borderline-2":
                other = y[partners] != class_sample
                gaps[other] *= rng.uniform(low=0.0, high=0.5, size=other.sum())
            say(f"{n_samples} (seed, neighbour, gap) draws", class_sample)
            plans.append((class_sample, danger_idx[rows], partners, gaps))
        del nn_m_fit
        out = self._assemble(X, y, plans)
        say(f"output of {out[0].shape[0]} rows written")
        return out
