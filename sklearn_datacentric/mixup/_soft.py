"""Meta-estimator that fits a classifier on exact mixup soft targets."""

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._routing import build_router, routed_params
from ..utils.validation import (
    check_overflow,
    check_sample_weight_support,
    explain_overflow,
)
from ._selective import SelectiveMixup


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        est = self.estimator if self.estimator is not None else LogisticRegression()
        return hasattr(est, attr)

    return check


class SoftTargetClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit a classifier on mixup's exact soft targets through ``sample_weight``.

    ``mixer`` (a :class:`SelectiveMixup`) builds the mixed rows; each one is
    given to ``estimator`` twice, with the anchor's label and weight
    ``lambda`` and with the partner's label and weight ``1 - lambda`` (once,
    weight 1, when the labels agree).  For the log-loss this is exactly the
    soft-target loss ``lambda * -log p(y_i | x) + (1 - lambda) * -log p(y_j |
    x)``; for other losses it is the corresponding expected loss over the
    label.  The estimator must accept ``sample_weight`` (a clear error
    otherwise; weights are never replaced by bootstrap resampling).

    Which estimator gets what: estimators with ``sample_weight`` (logistic
    regression, gradient boosting, ...) -> this class; neural estimators that
    take probability targets -> :meth:`SelectiveMixup.fit_resample_soft`;
    any other classifier -> the hard labels of
    :meth:`SelectiveMixup.fit_resample` in an ``imblearn`` Pipeline.

    Parameters
    ----------
    estimator : classifier, default=None
        Its ``fit`` must take ``sample_weight``.  None means
        ``LogisticRegression(max_iter=1000)``.
    mixer : SelectiveMixup, default=None
        The pair selection and mixing (cloned).  None means
        ``SelectiveMixup()`` (vanilla mixup, one mixed row per input row).
    random_state : int, RandomState instance or None, default=None
        If not None, replaces the ``random_state`` of the cloned ``mixer``.

    Attributes
    ----------
    estimator_ : classifier
        The fitted estimator.
    mixer_ : SelectiveMixup
        The fitted mixer (its ``implicit_distribution_`` and ``provenance_``).
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names.

    See Also
    --------
    SelectiveMixup : The mixer; its ``fit_resample_soft`` gives soft labels.

    References
    ----------
    .. [1] H. Zhang, M. Cisse, Y. Dauphin, D. Lopez-Paz. "mixup: Beyond
       Empirical Risk Minimization." ICLR 2018.
    .. [2] D. Teney, J. Wang, E. Abbasnejad. "Selective Mixup Helps with
       Distribution Shifts, But Not (Only) because of Mixup." ICML 2024.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_datacentric.mixup import SelectiveMixup, SoftTargetClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = SoftTargetClassifier(
    ...     mixer=SelectiveMixup(criterion="same_class", n_samples=2.0),
    ...     random_state=0,
    ... ).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "mixer": [HasMethods(["fit_resample_weighted"]), None],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, mixer=None, random_state=None):
        self.estimator = estimator
        self.mixer = mixer
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, groups=None, sample_weight=None, **fit_params):
        """Mix, duplicate with weights lambda / 1 - lambda, and fit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), default=None
            Domains, for the domain criteria of ``mixer``.
        sample_weight : array-like of shape (n_samples,), default=None
            Interpolated onto the mixed rows, then multiplied by
            ``lambda`` / ``1 - lambda``.
        **fit_params : dict
            Other parameters of ``estimator.fit`` (with metadata routing
            enabled, what it requested), passed unchanged: per-row values
            cannot follow the duplicated mixed rows.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        est = self._inner()
        params = routed_params(self, "fit", fit_params)
        check_sample_weight_support(est, purpose="mixup's soft-target weights")
        if type_of_target(y) in (
            "multilabel-indicator",
            "multiclass-multioutput",
            "continuous-multioutput",
        ):
            raise ValueError("Multilabel and multioutput targets are not supported.")
        X, y = validate_data(
            self, X, y, accept_sparse=["csr"], dtype=[np.float64, np.float32]
        )
        check_classification_targets(y)
        labels = np.unique(y)
        if labels.shape[0] < 2:
            raise ValueError(
                "SoftTargetClassifier needs at least 2 classes in y, got 1 class "
                f"({labels[0].item() if labels.size else None!r})."
            )
        mixer = SelectiveMixup() if self.mixer is None else clone(self.mixer)
        if self.random_state is not None:
            mixer.set_params(random_state=self.random_state)
        X_w, y_w, w = mixer.fit_resample_weighted(
            X, y, groups=groups, sample_weight=sample_weight
        )
        self.mixer_ = mixer
        # the default penalised logistic regression is not scale-free and
        # diverges silently on huge X: an error names it (checked first)
        if self.estimator is None:
            check_overflow(X, estimator=self)
        with explain_overflow(X, estimator=self):
            self.estimator_ = clone(est).fit(X_w, y_w, sample_weight=w, **params)
        self.classes_ = self.estimator_.classes_
        return self

    def _inner(self):
        return (
            LogisticRegression(max_iter=1000) if self.estimator is None
            else self.estimator
        )  # fmt: skip

    def get_metadata_routing(self):
        """Metadata routing: ``fit`` routes to ``estimator.fit``.

        ``groups`` and ``sample_weight`` are this estimator's own (the mixer
        uses them); other metadata the estimator requested is passed on.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` encapsulating routing information.
        """
        return build_router(
            self, self_request=True, estimator=(self._inner(), [("fit", "fit")])
        )

    def _check_X(self, X):
        check_is_fitted(self)
        return validate_data(
            self, X, reset=False, accept_sparse=["csr"], dtype=[np.float64, np.float32]
        )

    def predict(self, X):
        """Predict class labels with the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features)
            Query points.

        Returns
        -------
        y_pred : ndarray of shape (n_queries,)
            Predicted labels.
        """
        X = self._check_X(X)
        return self.estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features)
            Query points.

        Returns
        -------
        proba : ndarray of shape (n_queries, n_classes)
            Columns follow ``classes_``.
        """
        X = self._check_X(X)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features)
            Query points.

        Returns
        -------
        log_proba : ndarray of shape (n_queries, n_classes)
            Columns follow ``classes_``.
        """
        X = self._check_X(X)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features)
            Query points.

        Returns
        -------
        scores : ndarray
            As returned by ``estimator_.decision_function``.
        """
        X = self._check_X(X)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
