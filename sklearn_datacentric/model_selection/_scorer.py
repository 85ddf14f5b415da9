"""Importance-weighted validation scores: model selection without target labels."""

import inspect

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring
from sklearn.utils import _safe_indexing
from sklearn.utils.metadata_routing import MetadataRequest
from sklearn.utils.validation import check_is_fitted

from ..utils.domain import split_source_target

__all__ = ["ImportanceWeightedScorer"]


def _accepts_y(weighter, method):
    params = inspect.signature(getattr(weighter, method)).parameters
    return "y" in params


def _check_fitted(weighter):
    try:
        check_is_fitted(weighter)
    except NotFittedError as exc:
        raise ValueError(
            f"prefit=True but the weighter {type(weighter).__name__} is not "
            "fitted; fit it (e.g. with X_target) first or use prefit=False."
        ) from exc
    except (AttributeError, TypeError):  # not a scikit-learn estimator
        pass


class ImportanceWeightedScorer:
    """Validation score of labelled source rows, reweighted to the target.

    Importance-weighted cross-validation (Sugiyama, Krauledat and Müller
    2007): under a distribution shift the average loss of a model on held-out
    *source* rows, each weighted by its importance ``w = dP_target /
    dP_source``, is an unbiased estimate of the model's *target* risk, so it
    can choose hyperparameters when the target rows carry no labels.  Use an
    instance as ``scoring=`` of :class:`~sklearn.model_selection.GridSearchCV`
    (or ``cross_validate``) in one of two layouts:

    * stacked data (skada's ``sample_domain``, see
      :func:`~sklearn_datacentric.utils.pack_source_target`): the scorer
      requests ``sample_domain`` through metadata routing
      (``sklearn.set_config(enable_metadata_routing=True)`` and
      ``search.fit(X, y, sample_domain=sd)``); on each validation fold it
      fits a clone of ``weighter`` on the fold's source and target rows and
      scores the source rows with the weights ``weighter.weights_``.  The
      estimator being tuned must drop the target rows at fit (the
      shift-aware estimators here take ``sample_domain``).
    * a weighter fitted beforehand (``prefit=True``), e.g. on all source rows
      with ``X_target``: cross-validate on the source rows only; the scorer
      weights each validation row by ``weighter.predict_weights(X)`` (with
      the labels ``y`` for a weighter whose ``predict_weights`` takes them,
      as :class:`~sklearn_datacentric.label_shift.LabelShiftWeighter` does).
      This is Sugiyama et al.'s procedure: one weight estimate from all the
      unlabelled data.

    The weighted score is ``scoring`` computed with ``sample_weight=w``,
    i.e. the self-normalised estimate ``sum_i w_i l_i / sum_i w_i`` for the
    mean-loss metrics.

    Read more in the :ref:`User Guide <label_shift>`.

    Parameters
    ----------
    weighter : weighter, default=None
        Any weighter here: the covariate-shift density-ratio weighters
        (:class:`~sklearn_datacentric.covariate_shift.DiscriminativeDensityRatio`,
        :class:`~sklearn_datacentric.covariate_shift.KernelMeanMatching`) or
        :class:`~sklearn_datacentric.label_shift.LabelShiftWeighter`.
        ``None`` means ``DiscriminativeDensityRatio()``.
    scoring : str, callable or None, default=None
        A scikit-learn scorer name or callable ``scorer(estimator, X, y,
        sample_weight=...)``; ``None`` uses ``estimator.score``.  It must
        accept ``sample_weight``.
    prefit : bool, default=False
        ``weighter`` is fitted already; see above.

    See Also
    --------
    sklearn_datacentric.covariate_shift.ImportanceWeightedClassifier :
        training with the same weights.

    References
    ----------
    .. [1] M. Sugiyama, M. Krauledat and K.-R. Müller, "Covariate shift
       adaptation by importance weighted cross validation", JMLR 8,
       985-1005, 2007.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn_datacentric.covariate_shift import DiscriminativeDensityRatio
    >>> from sklearn_datacentric.model_selection import ImportanceWeightedScorer
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(0, 1, size=(300, 1)); y = np.sin(2 * X[:, 0])
    >>> X_target = rng.normal(1, 0.5, size=(300, 1))
    >>> weighter = DiscriminativeDensityRatio().fit(X, X_target=X_target)
    >>> scorer = ImportanceWeightedScorer(
    ...     weighter, scoring="neg_mean_squared_error", prefit=True)
    >>> search = GridSearchCV(Ridge(), {"alpha": [0.1, 10.0]}, scoring=scorer)
    >>> search.fit(X, y).best_params_
    {'alpha': 10.0}
    """

    def __init__(self, weighter=None, scoring=None, *, prefit=False):
        self.weighter = weighter
        self.scoring = scoring
        self.prefit = prefit

    def __repr__(self):
        return (
            f"ImportanceWeightedScorer(weighter={self.weighter!r}, "
            f"scoring={self.scoring!r}, prefit={self.prefit!r})"
        )

    def get_metadata_routing(self):
        """Get the metadata routing of the scorer: it requests ``sample_domain``.

        ``sample_weight`` is not requested (as for scikit-learn's scorers, a
        ``sample_weight`` given to ``GridSearchCV.fit`` is for fitting);
        pass it to a direct call to weigh the rows a priori.

        Returns
        -------
        request : MetadataRequest
            Request of the ``score`` method: ``sample_domain`` is routed to
            the scorer whenever a meta-estimator is given it.
        """
        request = MetadataRequest(owner=self)
        request.score.add_request(param="sample_domain", alias=True)
        return request

    def _weighter(self):
        if self.weighter is not None:
            return self.weighter
        from ..covariate_shift import DiscriminativeDensityRatio

        return DiscriminativeDensityRatio()

    def weights(self, X, y, sample_domain=None):
        """Importance weights of the labelled source rows of ``X``.

        With ``prefit=True`` the weights are ``weighter.predict_weights`` of
        the source rows (given their labels when the weighter takes them);
        otherwise a clone of ``weighter`` is fitted on the source and target
        rows of ``X`` and its ``weights_`` are returned.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Validation rows: source rows, stacked with target rows when
            ``sample_domain`` is given.
        y : array-like of shape (n_samples,)
            Labels of the rows of ``X``, passed to a weighter whose ``fit``
            or ``predict_weights`` takes labels (as label-shift weighters
            do).
        sample_domain : array-like of int of shape (n_samples,), default=None
            Negative values mark target rows (their labels are ignored).
            Required when ``prefit=False``: the weighter is fitted against
            the target rows.

        Returns
        -------
        weights : ndarray of shape (n_source_rows,)
            Importance weights ``dP_target / dP_source`` of the source rows,
            non-negative and finite, not all zero.
        source_rows : ndarray of int
            Indices of the source rows of ``X`` the weights belong to.

        Raises
        ------
        ValueError
            When there are no target rows to fit the weighter against
            (``prefit=False``), when a prefit weighter is not fitted, or when
            the weights are invalid (wrong shape, negative, non-finite) or
            all zero.
        """
        n = X.shape[0]
        if sample_domain is None:
            rows = np.arange(n)
        else:
            sd = np.asarray(sample_domain)
            _, _, _, mask = split_source_target(
                np.empty((n, 0)), None, sample_domain=sd
            )
            rows = np.flatnonzero(mask)
        weighter = self._weighter()
        if self.prefit:
            _check_fitted(weighter)
            Xs = _safe_indexing(X, rows)
            if _accepts_y(weighter, "predict_weights"):
                w = weighter.predict_weights(Xs, _safe_indexing(y, rows))
            else:
                w = weighter.predict_weights(Xs)
        else:
            if sample_domain is None or rows.size == n:
                raise ValueError(
                    "ImportanceWeightedScorer has no target rows to weigh the "
                    "source rows against: pass sample_domain (negative values "
                    "mark target rows) through metadata routing, e.g. "
                    "sklearn.set_config(enable_metadata_routing=True) and "
                    "search.fit(X, y, sample_domain=sd), or give a weighter "
                    "fitted with X_target and prefit=True."
                )
            fitted = clone(weighter)
            if _accepts_y(fitted, "fit"):
                fitted.fit(X, y, sample_domain=sample_domain)
            else:
                fitted.fit(X, sample_domain=sample_domain)
            w = fitted.weights_
        w = np.asarray(w, dtype=np.float64)
        if w.shape != (rows.size,) or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError(
                f"The weighter {type(weighter).__name__} returned invalid weights "
                f"(shape {w.shape} for {rows.size} source rows, or negative / "
                "non-finite values)."
            )
        if w.sum() <= 0:
            raise ValueError(
                "Every importance weight of the validation rows is zero: the "
                "source rows do not cover the target distribution."
            )
        return w, rows

    def __call__(self, estimator, X, y, sample_weight=None, sample_domain=None):
        """Importance-weighted score of ``estimator`` on the source rows.

        Parameters
        ----------
        estimator : fitted estimator
            The model to score, e.g. a candidate of a grid search.
        X : array-like of shape (n_samples, n_features)
            Validation rows: source rows, stacked with target rows when
            ``sample_domain`` is given.
        y : array-like of shape (n_samples,)
            Labels of the rows of ``X`` (those of target rows are ignored).
        sample_weight : array-like of shape (n_samples,), default=None
            Prior weights of the rows, multiplied by the importance weights.
        sample_domain : array-like of int of shape (n_samples,), default=None
            Negative values mark target rows; only the source rows are
            scored.  See :meth:`weights`.

        Returns
        -------
        score : float
            ``scoring`` of ``estimator`` on the source rows with
            ``sample_weight`` the importance weights: an estimate of its
            score on the target distribution (greater is better).
        """
        X_arr = X if hasattr(X, "iloc") else np.asarray(X)
        y_arr = np.asarray(y)
        w, rows = self.weights(X_arr, y_arr, sample_domain)
        if sample_weight is not None:
            w = w * np.asarray(sample_weight, dtype=np.float64)[rows]
        scorer = check_scoring(estimator, scoring=self.scoring)
        return scorer(
            estimator,
            _safe_indexing(X_arr, rows),
            y_arr[rows],
            sample_weight=w,
        )
