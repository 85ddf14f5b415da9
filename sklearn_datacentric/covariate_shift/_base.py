"""Common machinery of the covariate-shift weighters.

A *weighter* estimates how much each source (training) sample should count
when the model is meant for a target (deployment) distribution:

* ``fit(X, y=None, *, X_target=None, sample_domain=None)``: ``X`` is the
  source sample; the target sample comes either as ``X_target`` (the notebook
  path) or stacked into ``X`` with skada's ``sample_domain`` (negative values
  mark target rows; the CV-safe path, see
  :mod:`sklearn_datacentric.utils.domain`).
* ``weights_``: the weights of the source rows, shape ``(n_source,)``.
* ``predict_weights(X)``: out-of-sample weights for any points of the source
  space, an estimate of ``dP_target/dP_source(x)`` up to the normalisation of
  the method.

When no target sample is given (no ``X_target`` and no negative
``sample_domain``), there is no shift to correct: every weighter then sets
unit weights, ``predict_weights`` returns ones and ``has_target_`` is False.
No error is raised, so that weighters and the meta-estimators built on them
pass scikit-learn's generic checks, which call ``fit(X, y)`` only.
"""

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils.domain import split_source_target
from ..utils.validation import check_same_n_features

__all__ = ["BaseWeighter"]


def _source_target(
    estimator, X, y, X_target, sample_domain, *, reset=True, validate=True, **kw
):
    """Validate ``X`` (and ``X_target``) and split source from target rows.

    ``validate=False`` when ``X`` was already validated by the caller.
    Returns ``(X_source, y_source, X_target_or_None, source_mask)``.
    """
    if validate:
        X = validate_data(estimator, X, reset=reset, **kw)
    Xs, ys, Xt, mask = split_source_target(
        X, y, X_target=X_target, sample_domain=sample_domain
    )
    if X_target is not None:
        shape = getattr(X_target, "shape", None) or np.shape(X_target)
        if len(shape) >= 1 and shape[0] == 0:
            raise ValueError(
                "X_target is empty: at least one target sample is required."
            )
        Xt = check_same_n_features(
            X_target, X.shape[1], name="X_target", dtype=np.float64
        )
        if not np.all(np.isfinite(Xt)):
            raise ValueError("X_target contains NaN or infinity.")
    return Xs, ys, Xt, mask


class BaseWeighter(BaseEstimator):
    """Base class of the sample weighters (not public).

    Subclasses implement ``_fit_weights(Xs, Xt)`` which sets ``weights_`` and
    any state needed by ``_predict_weights(X)``.
    """

    def fit(self, X, y=None, *, X_target=None, sample_domain=None):
        """Estimate the weights of the source sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Source sample; with ``sample_domain``, source and target rows
            stacked.
        y : None
            Ignored (kept for API consistency and pipelines).
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target sample (notebook path).
        sample_domain : array-like of int of shape (n_samples,), default=None
            The domain labels of skada: negative values mark target rows of
            ``X``.

        Returns
        -------
        self : object
            Fitted weighter.
        """
        self._validate_params()
        Xs, _, Xt, mask = _source_target(
            self, X, y, X_target, sample_domain, dtype=np.float64
        )
        self.n_source_ = Xs.shape[0]
        self.has_target_ = Xt is not None
        self.n_target_ = 0 if Xt is None else Xt.shape[0]
        if Xt is None:
            self._fit_no_target(Xs)
        else:
            self._fit_weights(Xs, Xt)
        w = np.asarray(self.weights_, dtype=np.float64)
        if not np.all(np.isfinite(w)) or np.any(w < 0):  # pragma: no cover
            raise RuntimeError(
                f"{type(self).__name__} produced negative or non-finite weights."
            )
        return self

    def _fit_no_target(self, Xs):
        self.weights_ = np.ones(Xs.shape[0])

    def predict_weights(self, X):
        """Out-of-sample weights of points of the source space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        weights : ndarray of shape (n_samples,)
            Non-negative estimates of ``dP_target/dP_source`` at ``X`` (ones
            when the weighter was fitted without a target sample).
        """
        check_is_fitted(self, "weights_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        if not self.has_target_:
            return np.ones(X.shape[0])
        w = np.asarray(self._predict_weights(X), dtype=np.float64)
        return np.clip(np.nan_to_num(w, nan=0.0, posinf=np.finfo(float).max), 0, None)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
