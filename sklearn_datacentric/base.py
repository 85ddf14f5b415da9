"""Base classes of the resamplers, and the provenance record they all keep.

Resamplers for class labels subclass imbalanced-learn's sampler bases, so that
``imblearn.pipeline.Pipeline``, the ``sampling_strategy`` semantics and
imbalanced-learn's published sampler checks all apply.
:class:`BaseRegressionSampler` gives continuous targets the same
``fit_resample`` contract.

Every resampler of the package records, after ``fit_resample``, a
:class:`Provenance` in ``provenance_``: for each output row, the original
row(s) it came from and whether it is synthetic, so that sample weights or
groups can follow rows through resampling.
"""

from dataclasses import dataclass

import numpy as np
from imblearn.base import BaseSampler
from imblearn.over_sampling.base import BaseOverSampler as _ImbBaseOverSampler
from imblearn.utils._validation import ArraysTransformer
from sklearn.base import BaseEstimator, OneToOneFeatureMixin
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import validate_data

__all__ = [
    "Provenance",
    "BaseOverSampler",
    "BaseRegressionSampler",
    "ProvenanceMixin",
]


@dataclass(frozen=True)
class Provenance:
    """Where each row of a resampled dataset comes from.

    Rows of the output are indexed ``0 .. n_output - 1``; parents are rows of
    the input given to ``fit_resample``.

    Parameters
    ----------
    seed : ndarray of shape (n_output,), dtype int64
        The original row each output row was copied from or generated around
        (the first parent).  ``-1`` when a row has no single seed.
    partner : ndarray of shape (n_output,), dtype int64
        The second parent of a synthetic row (the neighbour of SMOTE, the
        partner of mixup), ``-1`` when there is none (copies, or methods whose
        synthetic rows have more than two parents; their docstrings say so).
    gap : ndarray of shape (n_output,), dtype float64
        Position on the segment: ``x = x[seed] + gap * (x[partner] - x[seed])``
        for interpolated rows, ``0`` for copies.
    synthetic : ndarray of shape (n_output,), dtype bool
        True for generated rows, False for original rows (kept or copied).
    """

    seed: np.ndarray
    partner: np.ndarray
    gap: np.ndarray
    synthetic: np.ndarray

    @classmethod
    def from_parts(cls, kept, seed=None, partner=None, gap=None):
        """Build the record of an output made of kept rows then synthetic rows.

        Parameters
        ----------
        kept : array-like of int
            Indices of the original rows that open the output, in order.
        seed, partner, gap : array-like of shape (n_synthetic,), default=None
            Parents and positions of the synthetic rows that follow.
        """
        kept = np.asarray(kept, dtype=np.int64)
        seed = np.asarray([] if seed is None else seed, dtype=np.int64)
        n_new = seed.shape[0]
        partner = (
            np.full(n_new, -1, np.int64)
            if partner is None
            else np.asarray(partner, dtype=np.int64)
        )
        gap = np.zeros(n_new) if gap is None else np.asarray(gap, dtype=np.float64)
        if partner.shape != (n_new,) or gap.shape != (n_new,):
            raise ValueError("seed, partner and gap must have the same length.")
        n_kept = kept.shape[0]
        return cls(
            seed=np.concatenate([kept, seed]),
            partner=np.concatenate([np.full(n_kept, -1, np.int64), partner]),
            gap=np.concatenate([np.zeros(n_kept), gap]),
            synthetic=np.concatenate(
                [np.zeros(n_kept, dtype=bool), np.ones(n_new, dtype=bool)]
            ),
        )

    @property
    def n_output(self):
        """Number of output rows."""
        return self.seed.shape[0]

    def _check_single_seed(self):
        if np.any(self.seed < 0):
            raise ValueError(
                "Some output rows have no single seed row; their values cannot "
                "be propagated by seed."
            )

    def carry(self, values, *, key=None, how=None):
        """Carry one per-row metadata value (1-D, 2-D or pandas) to the output.

        Parameters
        ----------
        values : array-like of shape (n_input,) or (n_input, ...)
            One value (or row of values) per input row.
        key : str, default=None
            Name of the metadata; chooses ``how`` when it is None.
        how : {"seed", "interpolate"}, default=None
            None interpolates ``key="sample_weight"`` along each synthetic
            row's segment and copies every other key from the seed row.

        Returns
        -------
        carried : ndarray or the pandas type of ``values``
            One value per output row.
        """
        if how is None:
            how = "interpolate" if key == "sample_weight" else "seed"
        if how == "interpolate" and getattr(values, "ndim", np.ndim(values)) == 1:
            return self.propagate(values, how="interpolate")
        self._check_single_seed()
        out = _safe_indexing(values, self.seed)
        if hasattr(out, "reset_index"):  # pandas: a fresh index, like the rows
            out = out.reset_index(drop=True)
        return out

    def take(self, rows):
        """The record of the output rows ``rows`` (a later step kept them).

        Composes this record with a sampler that keeps or reorders output
        rows (a cleaner after an over-sampler): the parents stay rows of the
        original input.

        Parameters
        ----------
        rows : array-like of int
            Output rows of this record, in their new order.

        Returns
        -------
        provenance : Provenance
            The provenance of the selected output rows.
        """
        rows = np.asarray(rows, dtype=np.int64)
        return type(self)(
            seed=self.seed[rows],
            partner=self.partner[rows],
            gap=self.gap[rows],
            synthetic=self.synthetic[rows],
        )

    def propagate(self, values, *, how="seed"):
        """Carry per-row values (weights, groups, ...) to the output rows.

        Parameters
        ----------
        values : array-like of shape (n_input,)
            One value per original row.
        how : {"seed", "interpolate"}, default="seed"
            ``"seed"`` gives each output row the value of its seed row (right
            for groups and labels).  ``"interpolate"`` gives
            ``(1 - gap) * v[seed] + gap * v[partner]`` to interpolated rows
            (right for numeric quantities such as sample weights).

        Returns
        -------
        out : ndarray of shape (n_output,)
            One value per output row.
        """
        values = np.asarray(values)
        if how not in ("seed", "interpolate"):
            raise ValueError(f"how must be 'seed' or 'interpolate', got {how!r}.")
        self._check_single_seed()
        if values.ndim != 1 or values.shape[0] <= self.seed.max(initial=-1):
            raise ValueError(
                "values must be 1-D with one entry per row given to fit_resample."
            )
        out = values[self.seed]
        if how == "interpolate":
            has_partner = self.partner >= 0
            out = out.astype(np.float64, copy=True)
            g = self.gap[has_partner]
            out[has_partner] = (1 - g) * values[self.seed[has_partner]] + g * values[
                self.partner[has_partner]
            ]
        return out


class ProvenanceMixin:
    """Gives a resampler ``provenance_`` and :meth:`fit_resample_with_provenance`."""

    def _set_provenance(self, kept, seed=None, partner=None, gap=None):
        self.provenance_ = Provenance.from_parts(kept, seed, partner, gap)
        return self.provenance_

    def propagate(self, values, *, how="seed"):
        """Carry per-row values of the last ``fit_resample`` input to its output.

        Parameters
        ----------
        values : array-like of shape (n_input,)
            One value per row given to ``fit_resample``.
        how : {"seed", "interpolate"}, default="seed"
            See :meth:`Provenance.propagate`.

        Returns
        -------
        out : ndarray of shape (n_output,)
            One value per output row.
        """
        if not hasattr(self, "provenance_"):
            raise AttributeError(
                f"{type(self).__name__} has no provenance_: call fit_resample first."
            )
        return self.provenance_.propagate(values, how=how)

    def fit_resample(self, X, y, **params):
        """Resample the dataset.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Pandas nullable columns (``Int64``, ``Float64``, ``boolean``, with
            ``pd.NA`` read as NaN) keep their dtype when every output value
            fits it (selected or duplicated rows) and come back as
            ``Float64`` otherwise (interpolated values are never rounded).
        y : array-like of shape (n_samples,)
            Class labels.
        **params : dict
            Extra parameters of the sampler.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix}
            The resampled rows; nullable pandas columns keep their dtype when
            every value fits it, else come back as ``Float64``.
        y_resampled : {ndarray, series}
            Their targets.
        """
        from .utils.validation import nullable_resample

        return nullable_resample(super().fit_resample.__func__)(self, X, y, **params)


class BaseOverSampler(ProvenanceMixin, _ImbBaseOverSampler):
    """Base class of the package's over-samplers for class labels.

    Subclasses implement ``_fit_resample(X, y)`` and call
    ``self._set_provenance(...)`` before returning.  Inherits
    imbalanced-learn's ``sampling_strategy`` validation (float, str, dict,
    callable) and its pandas-in, pandas-out handling.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Which classes to over-sample and to what size (imbalanced-learn's
        semantics).
    """


def _check_regression_target(y, name):
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    y = np.asarray(y)
    if y.ndim != 1:
        if y.ndim == 2 and y.shape[1] == 1:
            raise ValueError(
                "y must be 1-D; got a column vector. Use y.ravel() to flatten it."
            )
        raise ValueError(f"y must be 1-D, got an array of shape {y.shape}.")
    if y.dtype.kind == "O":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "Unknown label type: y must be numeric for a regression "
                "resampler, got non-numeric objects."
            ) from None
    if y.dtype.kind not in "iufc":  # complex: rejected by validate_data
        raise ValueError(
            f"y must be numeric for a regression resampler, got dtype {y.dtype}."
        )
    return y


class BaseRegressionSampler(ProvenanceMixin, OneToOneFeatureMixin, BaseEstimator):
    """Base class of resamplers for continuous targets.

    Same contract as imbalanced-learn's samplers: ``fit_resample(X, y)``
    returns ``(X_resampled, y_resampled)``, pandas in gives pandas out, and
    the resampler can stand before any regressor in an
    ``imblearn.pipeline.Pipeline``.  ``y`` must be numeric and finite.
    Subclasses implement ``_fit_resample(X, y)``.
    """

    _estimator_type = "sampler"
    _sampling_type = "regression"
    # sparse formats accepted by fit_resample; () for dense-only resamplers
    _accept_sparse = ("csr",)

    def _check_X_y(self, X, y, accept_sparse=None):
        if accept_sparse is None:
            accept_sparse = self._accept_sparse
        _check_regression_target(y, type(self).__name__)
        X, y = validate_data(
            self,
            X=X,
            y=y,
            reset=True,
            accept_sparse=list(accept_sparse) if accept_sparse else False,
            dtype=[np.float64, np.float32],
            y_numeric=True,
        )
        return X, y

    def fit(self, X, y):
        """Validate the data; use :meth:`fit_resample` to resample.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Continuous target.

        Returns
        -------
        self : object
            The sampler.
        """
        self._validate_params()
        self._check_X_y(X, y)
        return self

    def fit_resample(self, X, y, **params):
        """Resample the dataset.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Pandas nullable columns (``Int64``, ``Float64``, ``boolean``) keep
            their dtype when the output values fit it, else become ``Float64``.
        y : array-like of shape (n_samples,)
            Continuous target (finite values).
        **params : dict
            Metadata of the resampling (e.g. ``groups``), when the sampler
            takes any.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix}
            The resampled rows.
        y_resampled : {ndarray, series}
            Their targets.
        """
        from .utils.validation import nullable_to_float, restore_nullable

        self._validate_params()
        X, nullable = nullable_to_float(X)
        arrays_transformer = ArraysTransformer(X, y)
        X, y = self._check_X_y(X, y)
        X_res, y_res = self._fit_resample(X, y, **params)[:2]
        X_res, y_res = arrays_transformer.transform(X_res, y_res)
        return restore_nullable(X_res, nullable), y_res

    def _fit_resample(self, X, y, **params):  # pragma: no cover - abstract
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = BaseSampler.__sklearn_tags__(self)
        tags.input_tags.sparse = bool(self._accept_sparse)
        return tags
