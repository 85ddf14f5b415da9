"""SMOTE (Chawla et al., 2002)."""

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state

from ._base import BaseSMOTE, kneighbors_self, n_neighbors_of, sample_pairs

__all__ = ["SMOTE"]


class SMOTE(BaseSMOTE):
    """Synthetic Minority Over-sampling TEchnique (SMOTE).

    For each class to over-sample, the k nearest neighbours of every sample
    among its own class are found (the package's numba engine: exact, in
    parallel over the queries); each synthetic point picks a (sample,
    neighbour) pair uniformly and lies at a uniform position on the segment
    between them: ``x_new = x_i + u * (x_nn - x_i)``, ``u ~ U(0, 1)``.

    Same parameters, defaults and ``sampling_strategy`` semantics as
    :class:`imblearn.over_sampling.SMOTE`; with the same neighbours and
    ``random_state`` it draws the same points.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        How many samples each class should have after resampling, as in
        imbalanced-learn: a float (ratio minority / majority, binary only),
        ``"minority"``, ``"not minority"``, ``"not majority"``, ``"all"``,
        ``"auto"`` (``"not majority"``), a dict ``{class: n_samples}`` or a
        callable ``y -> dict``.  Multiclass problems are resampled
        one-vs-rest.

    random_state : int, RandomState instance or None, default=None
        Controls the draws of pairs and gaps.

    k_neighbors : int or object with ``kneighbors``, default=5
        Number of nearest neighbours used to build synthetic samples, or a
        fitted-on-demand neighbours estimator whose ``n_neighbors`` counts
        the sample itself (e.g.
        ``sklearn_datacentric.neighbors.NearestNeighbors(n_neighbors=6,
        algorithm="approximate")`` or scikit-learn's ``NearestNeighbors``).

    n_jobs : int, default=None
        Threads of the neighbour search.  ``None`` uses the CPUs the way
        scikit-learn's neighbour reductions do (all of them, bounded by
        ``OMP_NUM_THREADS``, threadpoolctl limits and joblib's inner thread
        cap; see :class:`~sklearn_datacentric.neighbors.NearestNeighbors`),
        ``-1`` all.  The output does not depend on it.
    verbose : int, default=0
        When positive, print one line per phase of ``fit_resample`` (the
        neighbour search and the sampling of each class, then the output),
        with the time elapsed: on millions of rows a fit takes tens of
        seconds to minutes.  In-memory input only.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples to generate per class.
    nn_k_ : estimator object
        The neighbours estimator (``k_neighbors + 1`` neighbours, the sample
        itself included), unfitted: fitted copies are used and dropped, so
        that no index outlives ``fit_resample``.
    provenance_ : Provenance
        For each output row: its seed row, its partner (the neighbour), the
        gap, and whether it is synthetic.  See :meth:`propagate`.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit (pandas input).

    See Also
    --------
    BorderlineSMOTE, ADASYN, SMOTENC, SMOTEN

    Notes
    -----
    Dense float32/float64 and CSR/CSC input; integer input is converted to
    float64 (imbalanced-learn casts synthetic points back to the integer
    dtype).  The original rows come first in the output, then the synthetic
    rows, class after class.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall and W. P. Kegelmeyer,
       "SMOTE: synthetic minority over-sampling technique", Journal of
       Artificial Intelligence Research 16, 321-357, 2002.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import SMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9],
    ...                            random_state=0)
    >>> sm = SMOTE(random_state=0)
    >>> X_res, y_res = sm.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 898), (1, 898)]
    >>> int(sm.provenance_.synthetic.sum())
    796
    """

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
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

    def _fit_resample(self, X, y):
        self._validate_estimator()
        k = n_neighbors_of(self.nn_k_, "k_neighbors")
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples:
                self._check_class_size(
                    class_sample, int(np.sum(y == class_sample)), k, "k_neighbors"
                )
        say = self._progress()
        plans = []
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            class_idx = np.flatnonzero(y == class_sample)
            X_class = X[class_idx]
            # a fitted copy, dropped after use (the index is not kept)
            nns = kneighbors_self(clone(self.nn_k_), X_class)
            say(f"{k} neighbours of its {class_idx.shape[0]} rows", class_sample)
            # a fresh generator per class, as imbalanced-learn
            rng = check_random_state(self.random_state)
            rows, partners, gaps = sample_pairs(n_samples, nns, rng)
            say(f"{n_samples} (seed, neighbour, gap) draws", class_sample)
            plans.append((class_sample, class_idx[rows], class_idx[partners], gaps))
        out = self._assemble(X, y, plans)
        say(f"output of {out[0].shape[0]} rows written")
        return out
