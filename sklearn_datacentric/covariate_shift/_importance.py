"""Importance-weighted meta-estimators: any estimator fitted with shift weights."""

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    clone,
)
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    _check_sample_weight,
    _num_samples,
    check_is_fitted,
    validate_data,
)

from ..utils._routing import build_router, routed_params
from ..utils.validation import (
    check_overflow,
    check_sample_weight_support,
    explain_overflow,
)
from ._base import _source_target
from ._density_ratio import DiscriminativeDensityRatio

__all__ = ["ImportanceWeightedClassifier", "ImportanceWeightedRegressor"]


def _is_masked(y):
    y = np.asarray(y)
    if y.dtype.kind == "f":
        return np.isnan(y)
    if y.dtype.kind in "iu":
        return y == -1
    if y.dtype.kind == "O":
        return np.array(
            [v is None or (isinstance(v, float) and np.isnan(v)) for v in y]
        )
    return np.zeros(y.shape, dtype=bool)


def _source_rows(value, source, n_rows):
    """A per-row fit parameter restricted to the source rows."""
    if hasattr(value, "__len__") and not isinstance(value, (str, dict)):
        if _num_samples(value) == n_rows and not source.all():
            return _safe_indexing(value, np.flatnonzero(source))
    return value


def _domain_rows(y, sample_domain):
    """Rows scored on stacked (skada-layout) data.

    Without ``sample_domain``: every row.  With it: the target rows
    (negative domain) whose label is known (not the ``-1`` / ``NaN`` /
    ``None`` mask of :func:`~sklearn_datacentric.utils.pack_source_target`);
    when no target row has a known label (the usual unsupervised case), the
    source rows, the only labelled ones.
    """
    n = len(y)
    if sample_domain is None:
        return np.arange(n)
    sd = np.asarray(sample_domain)
    if sd.shape != (n,):
        raise ValueError(
            f"sample_domain has shape {sd.shape}; expected ({n},), one per row."
        )
    tgt = (sd < 0) & ~_is_masked(y)
    if tgt.any():
        return np.nonzero(tgt)[0]
    return np.nonzero(sd >= 0)[0]


class _ImportanceWeightedBase(MetaEstimatorMixin, BaseEstimator):
    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "weighting": [HasMethods(["fit", "predict_weights"]), None],
    }

    def __init__(self, estimator=None, *, weighting=None):
        self.estimator = estimator
        self.weighting = weighting

    def fit(self, X, y, *, X_target=None, sample_domain=None, **fit_params):
        """Fit the weighter, then the estimator with its source weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Labelled source sample; with ``sample_domain``, source and target
            rows stacked (target labels are ignored).
        y : array-like of shape (n_samples,)
            Target values.
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled target sample (notebook path).
        sample_domain : array-like of int of shape (n_samples,), default=None
            The domain labels of skada (negative = target rows of ``X``).
        **fit_params : dict
            Passed to ``estimator.fit``; with metadata routing enabled, the
            metadata ``estimator`` requested.  Per-row values are restricted
            to the source rows on the stacked (``sample_domain``) path.  A
            ``sample_weight`` given here is a prior weight per row: the
            estimator is fitted with its product with the importance weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._validate_params()
        est = (
            self._default_estimator()
            if self.estimator is None
            else clone(self.estimator)
        )
        check_sample_weight_support(est, purpose="importance weights")
        params = routed_params(self, "fit", fit_params)
        n_rows = _num_samples(X)
        X, y = validate_data(
            self,
            X,
            y,
            dtype=None if self._keep_dtype else "numeric",
            y_numeric=not self._is_clf,
            ensure_all_finite=True,
        )
        Xs, ys, Xt, source = _source_target(
            self, X, y, X_target, sample_domain, validate=False
        )
        params = {k: _source_rows(v, source, n_rows) for k, v in params.items()}
        prior = params.pop("sample_weight", None)
        weighting = (
            DiscriminativeDensityRatio()
            if self.weighting is None
            else clone(self.weighting)
        )
        with explain_overflow(Xs, estimator=self):
            # the labels serve label-shift weighters; covariate-shift ones ignore them
            self.weighting_ = weighting.fit(Xs, ys, X_target=Xt)
        w = np.asarray(self.weighting_.weights_, dtype=np.float64)
        if prior is not None:
            w = w * _check_sample_weight(prior, Xs)
        self.has_target_ = Xt is not None
        # the estimator is not scale-equivariant in general (a penalty, a
        # solver tolerance): huge X gets an error naming it, not a rescaling
        # (the default linear model diverges silently there: checked first)
        y_num = ys if not self._is_clf else None
        if self.estimator is None:
            check_overflow(Xs, estimator=self)
            if y_num is not None:
                check_overflow(y_num, estimator=self, name="y")
        with (
            explain_overflow(Xs, estimator=self),
            explain_overflow(
                np.zeros(0) if y_num is None else y_num, estimator=self, name="y"
            ),
        ):
            self.estimator_ = est.fit(Xs, ys, sample_weight=w, **params)
        if self._is_clf:
            self.classes_ = self.estimator_.classes_
        return self

    _keep_dtype = False

    def get_metadata_routing(self):
        """Metadata routing: ``fit`` routes to ``estimator.fit``.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` encapsulating routing information.
        """
        est = self._default_estimator() if self.estimator is None else self.estimator
        return build_router(self, self_request=True, estimator=(est, [("fit", "fit")]))

    def _check_X(self, X):
        check_is_fitted(self, "estimator_")
        return validate_data(self, X, reset=False)

    def predict(self, X):
        """Predict with the weighted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predictions of the weighted estimator.
        """
        X = self._check_X(X)
        return self.estimator_.predict(X)

    def _domain_score(self, mixin, X, y, sample_weight, sample_domain):
        rows = _domain_rows(y, sample_domain)
        X = X.iloc[rows] if hasattr(X, "iloc") else np.asarray(X)[rows]
        y = np.asarray(y)[rows]
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[rows]
        return mixin.score(self, X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        est = self._default_estimator() if self.estimator is None else self.estimator
        sub = est.__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.target_tags = sub.target_tags
        tags.target_tags.required = True
        tags.target_tags.multi_output = False
        return tags


_DOC_COMMON = """
    Read more in the :ref:`User Guide <covariate_shift>`.

    Parameters
    ----------
    estimator : estimator whose ``fit`` accepts ``sample_weight``, default=None
        {default}  An estimator whose ``fit`` has no ``sample_weight`` raises
        a ``TypeError`` (weights are never replaced by bootstrap resampling).
    weighting : weighter, default=None
        Any object with ``fit(X, X_target=...)``, ``weights_`` and
        ``predict_weights``: :class:`DiscriminativeDensityRatio` (the default),
        :class:`KernelMeanMatching`, :class:`DoubleWeighting` (its ``beta``).

    Attributes
    ----------
    estimator_ : estimator
        The estimator fitted on the source sample with the weights.
    weighting_ : weighter
        The fitted weighter (``weighting_.weights_`` are the training weights).
    has_target_ : bool
        Whether a target sample was given; without one the weights are ones
        and the estimator is fitted as usual.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
"""


class ImportanceWeightedClassifier(ClassifierMixin, _ImportanceWeightedBase):
    __doc__ = (
        """Classifier trained with importance weights of a covariate-shift weighter.

    ``fit(X, y, X_target=...)`` (or stacked data with ``sample_domain``) fits
    ``weighting`` on the source and target samples, then
    ``estimator.fit(X_source, y_source, sample_weight=weighting.weights_)``:
    importance-weighted empirical risk minimisation (Shimodaira 2000).
"""
        + _DOC_COMMON.format(default="``None`` means ``LogisticRegression()``.")
        + """    classes_ : ndarray of shape (n_classes,)

    References
    ----------
    .. [1] Shimodaira, H. "Improving predictive inference under covariate
       shift by weighting the log-likelihood function." J. Stat. Plan.
       Inference 90, 2000.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.covariate_shift import ImportanceWeightedClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] > 0).astype(int)
    >>> X_target = rng.normal(1.0, 1.0, size=(100, 2))
    >>> clf = ImportanceWeightedClassifier().fit(X, y, X_target=X_target)
    >>> clf.predict(X_target[:3]).shape
    (3,)
    """
    )

    _is_clf = True

    def score(self, X, y, sample_weight=None, sample_domain=None):
        """Accuracy; with ``sample_domain``, on the rows described below.

        On stacked data (skada's layout), the labelled target rows are
        scored; when no target row carries a label (the ``-1``/``NaN`` mask
        of :func:`~sklearn_datacentric.utils.pack_source_target`), the source
        rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; None gives every row weight 1.
        sample_domain : array-like of int of shape (n_samples,), default=None
            Domain label of each row; negative values mark target rows (skada's convention).

        Returns
        -------
        score : float
            Score of the estimator on ``X``, ``y`` (its own ``score``), weighted by ``sample_weight``.
        """
        return self._domain_score(ClassifierMixin, X, y, sample_weight, sample_domain)

    def _default_estimator(self):
        return LogisticRegression()

    def _has(name):
        def check(self):
            est = (
                self.estimator_
                if hasattr(self, "estimator_")
                else (
                    self._default_estimator()
                    if self.estimator is None
                    else self.estimator
                )
            )
            return hasattr(est, name)

        return check

    @available_if(_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the weighted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._check_X(X)
        return self.estimator_.predict_proba(X)

    @available_if(_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the weighted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray
        """
        X = self._check_X(X)
        return self.estimator_.decision_function(X)


class ImportanceWeightedRegressor(RegressorMixin, _ImportanceWeightedBase):
    __doc__ = (
        """Regressor trained with importance weights of a covariate-shift weighter.

    ``fit(X, y, X_target=...)`` (or stacked data with ``sample_domain``) fits
    ``weighting`` on the source and target samples, then
    ``estimator.fit(X_source, y_source, sample_weight=weighting.weights_)``.
"""
        + _DOC_COMMON.format(default="``None`` means ``LinearRegression()``.")
        + """
    References
    ----------
    .. [1] Sugiyama, M., Krauledat, M., Müller, K.-R. "Covariate shift
       adaptation by importance weighted cross validation." JMLR 8, 2007.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.covariate_shift import ImportanceWeightedRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 1)); y = np.sin(X[:, 0])
    >>> X_target = rng.normal(1.0, 0.5, size=(100, 1))
    >>> reg = ImportanceWeightedRegressor().fit(X, y, X_target=X_target)
    >>> reg.predict(X_target[:3]).shape
    (3,)
    """
    )

    _is_clf = False

    def score(self, X, y, sample_weight=None, sample_domain=None):
        """Coefficient of determination R^2; with ``sample_domain``, on the rows described below.

        On stacked data (skada's layout), the labelled target rows are
        scored; when no target row carries a label (the ``-1``/``NaN`` mask
        of :func:`~sklearn_datacentric.utils.pack_source_target`), the source
        rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; None gives every row weight 1.
        sample_domain : array-like of int of shape (n_samples,), default=None
            Domain label of each row; negative values mark target rows (skada's convention).

        Returns
        -------
        score : float
            Score of the estimator on ``X``, ``y`` (its own ``score``), weighted by ``sample_weight``.
        """
        return self._domain_score(RegressorMixin, X, y, sample_weight, sample_domain)

    def _default_estimator(self):
        return LinearRegression()
