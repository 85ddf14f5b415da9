"""Shared plumbing of the mixup samplers: groups-aware ``fit_resample``."""

import numbers

import numpy as np
from imblearn.base import BaseSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from imblearn.utils._validation import ArraysTransformer
from scipy import sparse
from sklearn.preprocessing import label_binarize
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ..base import ProvenanceMixin
from ..utils.validation import nullable_resample


def resolve_n_out(n_samples, n, name="n_samples"):
    """Output size from a ratio (float, times ``n``) or a count (int)."""
    if isinstance(n_samples, numbers.Integral):
        return int(n_samples)
    return max(int(round(float(n_samples) * n)), 1)


def uniform_anchors(n, m, rng):
    """``m`` anchors whose marginal is exactly uniform over ``n`` rows.

    ``m // n`` full random permutations, then a random subset of size
    ``m % n`` without replacement; returned in random order.
    """
    full, rest = divmod(m, n)
    parts = [rng.permutation(n) for _ in range(full)]
    if rest:
        parts.append(rng.choice(n, size=rest, replace=False))
    out = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    return rng.permutation(out).astype(np.int64)


def mix_matrix(X, a, b, lam):
    """Rows ``lam * X[a] + (1 - lam) * X[b]`` for dense or CSR ``X``."""
    from ._kernels import mix_rows_kernel

    if sparse.issparse(X):
        X = X.tocsr()
        out = sparse.diags(lam) @ X[a] + sparse.diags(1.0 - lam) @ X[b]
        return out.astype(X.dtype).tocsr()
    X = np.ascontiguousarray(X)
    return mix_rows_kernel(X, a, b, np.ascontiguousarray(lam, dtype=np.float64))


def stack_rows(parts):
    if any(sparse.issparse(p) for p in parts):
        return sparse.vstack(parts, format="csr")
    return np.concatenate(parts, axis=0)


class GroupsSamplerMixin(ProvenanceMixin):
    """``fit_resample(X, y, groups=None)`` for class-label samplers.

    Follows imbalanced-learn's sampler protocol (one-vs-all targets, pandas in
    -> pandas out, ``sampling_strategy_``) with ``_sampling_type = "bypass"``:
    these samplers do not target per-class counts.  ``groups`` is a
    per-sample domain label; request it with
    ``set_fit_resample_request(groups=True)`` under metadata routing.
    """

    _sampling_type = "bypass"

    def _check_classification_y(self, y):
        try:
            check_classification_targets(y)
        except ValueError as exc:
            if type_of_target(y) in ("continuous", "continuous-multioutput"):
                raise ValueError(
                    f"Unknown label type: {type(self).__name__} needs class "
                    "labels, got a continuous target. For regression use "
                    "RegressionMixup, CMixup or KNNMixup."
                ) from exc
            raise

    def fit(self, X, y):
        """Validate the data; use :meth:`fit_resample` to resample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            The sampler, with ``sampling_strategy_`` set.
        """
        self._validate_params()
        self._check_classification_y(y)
        X, y, _ = self._check_X_y(X, y)
        self.sampling_strategy_ = check_sampling_strategy(
            "bypass", y, self._sampling_type
        )
        return self

    @nullable_resample
    def fit_resample(self, X, y, groups=None):
        """Resample the dataset.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (one-vs-all indicator columns are accepted and
            given back in the same encoding).
        groups : array-like of shape (n_samples,), default=None
            Domain label of each sample; required by domain criteria.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix}
            The resampled rows.
        y_resampled : {ndarray, series}
            Their targets.
        """
        self._validate_params()
        self._check_classification_y(y)
        arrays_transformer = ArraysTransformer(X, y)
        X, y, binarize_y = self._check_X_y(X, y)
        # "bypass": raises on a single class, otherwise returns its input
        self.sampling_strategy_ = check_sampling_strategy(
            "bypass", y, self._sampling_type
        )
        if groups is not None:
            groups = np.asarray(groups)
            if groups.shape != (X.shape[0],):
                raise ValueError(
                    f"groups has shape {groups.shape}; expected ({X.shape[0]},), "
                    "one domain label per row of X."
                )
        X_res, y_res = self._fit_resample(X, y, groups=groups)
        if binarize_y:
            y_res = label_binarize(y_res, classes=np.unique(y))
        return arrays_transformer.transform(X_res, y_res)

    def _check_X_y(self, X, y, accept_sparse=None):
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X, y, _ = BaseSampler._check_X_y(self, X, y, accept_sparse=["csr", "csc"])
        return X, y, binarize_y
