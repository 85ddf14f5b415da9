"""Random under-sampling, in memory and on Dask collections."""

import numpy as np
from imblearn.under_sampling.base import BaseUnderSampler
from imblearn.utils import check_target_type
from imblearn.utils._validation import _check_X
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.validation import check_consistent_length, validate_data

from ..base import ProvenanceMixin
from ..utils._dask import DaskDispatchMixin

__all__ = ["RandomUnderSampler"]


class RandomUnderSampler(DaskDispatchMixin, ProvenanceMixin, BaseUnderSampler):
    """Under-sample the classes by drawing rows at random.

    Each class to under-sample keeps a uniform random subset of its rows
    (with or without replacement); the other classes are kept whole.  In
    memory: the parameters, the draws and the output of
    :class:`imblearn.under_sampling.RandomUnderSampler` (same rows, in the
    same order, for the same ``random_state``), plus ``provenance_``.

    On Dask collections (``X`` a dask Array or DataFrame, ``y`` a dask Array
    or Series) the majority class is not moved: the class counts of each
    partition are computed once, the quota of each class is split exactly
    among the partitions (a multivariate hypergeometric draw without
    replacement, a multinomial draw with replacement), and each partition
    draws its share locally.  The output is lazy, one partition per input
    partition, with known lengths.  The class counts equal the in-memory
    ones; the rows drawn are a draw from the same distribution, not the
    in-memory rows.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        As in imbalanced-learn: a float (ratio minority / majority after
        resampling, binary only), ``"majority"``, ``"not minority"``,
        ``"not majority"``, ``"all"``, ``"auto"`` (``"not minority"``), a dict
        ``{class: n_samples}`` or a callable ``y -> dict`` (in memory only).
    random_state : int, RandomState instance or None, default=None
        Controls the draws.
    replacement : bool, default=False
        Draw with replacement.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples kept per class to under-sample.
    sample_indices_ : ndarray (dask array on the Dask path) of shape \
            (n_new_samples,)
        Indices of the rows kept, in output order.
    provenance_ : Provenance
        Every output row is a kept (or, with replacement, copied) original
        row: ``seed`` is its row in the input, no row is synthetic.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit (pandas input).

    See Also
    --------
    sklearn_datacentric.over_sampling.SMOTE

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.under_sampling import RandomUnderSampler
    >>> X, y = make_classification(n_samples=1000, weights=[0.9],
    ...                            random_state=0)
    >>> rus = RandomUnderSampler(random_state=0)
    >>> X_res, y_res = rus.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 102), (1, 102)]
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "replacement": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, replacement=False
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.replacement = replacement

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.sampler_tags.sample_indices = True
        return tags

    def _fit_resample_dask(self, X, y):
        from ._dask import fit_resample_dask

        return fit_resample_dask(self, X, y)

    def _check_X_y(self, X, y):
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X = _check_X(X)
        X, y = validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        check_consistent_length(X, y)
        return X, y, binarize_y

    def _fit_resample(self, X, y):
        rng = check_random_state(self.random_state)
        kept = []
        for c in np.unique(y):
            rows = np.flatnonzero(y == c)
            if c in self.sampling_strategy_:
                pick = rng.choice(
                    rows.shape[0],
                    size=self.sampling_strategy_[c],
                    replace=self.replacement,
                )
                rows = rows[pick]
            kept.append(rows)
        idx = np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)
        self.sample_indices_ = idx
        self._set_provenance(idx)
        return _safe_indexing(X, idx), _safe_indexing(y, idx)
