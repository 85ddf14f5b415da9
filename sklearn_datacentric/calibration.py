"""Probabilities of a model trained on resampled data, corrected back to the
class priors of the original data.

A classifier fitted on over- or under-sampled data estimates the class
posterior of the *resampled* distribution: its probabilities are biased
towards the classes the sampler inflated (imbalanced-learn issue #1128).
When resampling changes the class priors only (the class-conditional
distributions kept, as random and SMOTE-style samplers approximately do),
Bayes' rule gives the posterior under the original priors from the
resampled one (Saerens, Latinne and Decaestecker, 2002; Elkan, 2001)::

    p(c | x)  proportional to  p_res(c | x) * pi(c) / pi_res(c)

:class:`PriorCorrectedClassifier` applies this correction, reading the
resampled priors from the fitted pipeline's samplers, and can calibrate the
corrected probabilities on held-out original rows.
"""

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, StrOptions, validate_params
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .over_sampling import SMOTE
from .pipeline import make_pipeline
from .utils._routing import build_router, routed_params
from .utils.validation import check_overflow

__all__ = ["PriorCorrectedClassifier", "resampled_class_labels"]


@validate_params(
    {"pipeline": "no_validation", "y": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def resampled_class_labels(pipeline, y):
    """The labels the final step of a fitted pipeline was trained on.

    Follows ``y`` through every sampler of ``pipeline`` by what the sampler
    records: this package's ``provenance_`` (each output row takes the label
    of its seed row, true of every class over-sampler and cleaner here),
    imbalanced-learn's ``sample_indices_`` (under-samplers, cleaners,
    random over-sampling), or an imbalanced-learn over-sampler's
    ``sampling_strategy_`` (the number of rows it generated per class).

    Parameters
    ----------
    pipeline : fitted Pipeline
        An imbalanced-learn or sklearn_datacentric pipeline.
    y : array-like of shape (n_samples,)
        The labels given to ``pipeline.fit``.

    Returns
    -------
    y_resampled : ndarray
        One label per row the final step saw (order not meaningful when an
        imbalanced-learn over-sampler is involved).

    Raises
    ------
    ValueError
        When the object has no steps, no sampler, or a sampler that records
        none of the above.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_datacentric.calibration import resampled_class_labels
    >>> from sklearn_datacentric.over_sampling import SMOTE
    >>> from sklearn_datacentric.pipeline import make_pipeline
    >>> X, y = make_classification(n_samples=100, weights=[0.8], random_state=0)
    >>> pipe = make_pipeline(SMOTE(random_state=0), LogisticRegression()).fit(X, y)
    >>> np.bincount(y), np.bincount(resampled_class_labels(pipe, y))
    (array([81, 19]), array([81, 81]))
    """
    steps = getattr(pipeline, "steps", None)
    if steps is None:
        raise ValueError(
            f"training_priors='auto' reads the class priors from the samplers of "
            f"a fitted Pipeline, got a {type(pipeline).__name__}; pass "
            "training_priors explicitly."
        )
    labels = np.asarray(y)
    n_samplers = 0
    for name, step in steps[:-1]:
        if not hasattr(step, "fit_resample"):
            continue
        n_samplers += 1
        provenance = getattr(step, "provenance_", None)
        indices = getattr(step, "sample_indices_", None)
        strategy = getattr(step, "sampling_strategy_", None)
        if provenance is not None and (provenance.seed >= 0).all():
            labels = labels[provenance.seed]
        elif indices is not None:
            labels = labels[np.asarray(indices)]
        elif getattr(step, "_sampling_type", None) == "over-sampling" and isinstance(
            strategy, dict
        ):
            extra = [np.repeat(np.asarray([c]), n) for c, n in strategy.items()]
            labels = np.concatenate([labels, *extra])
        else:
            raise ValueError(
                f"Cannot tell the class counts after the sampler {name!r} "
                f"({type(step).__name__}): it records neither provenance_, "
                "sample_indices_ nor an over-sampling sampling_strategy_; pass "
                "training_priors explicitly."
            )
    if n_samplers == 0:
        raise ValueError(
            "The pipeline has no sampler, so its final step was trained on the "
            "original priors and there is nothing to correct; pass "
            "training_priors explicitly if the model was trained on resampled "
            "data in another way."
        )
    return labels


class PriorCorrectedClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Correct a resampled model's probabilities back to the original priors.

    Fits ``estimator`` (typically a Pipeline whose samplers resample the
    training data) and rescales its ``predict_proba`` by Bayes' rule from
    the class priors it was trained on to the priors of the data given to
    ``fit``: ``p(c | x) ~ p_res(c | x) pi(c) / pi_res(c)``, normalised.  The
    correction is exact when resampling changed the class priors only; it
    is a monotone transform of the odds, so ranking metrics (ROC AUC,
    average precision) are unchanged in the binary case while the log loss
    and Brier score improve (``benchmarks/results/prior_correction.md``).

    ``predict`` takes the most probable class of the corrected probabilities,
    i.e. the Bayes decision under the original priors, which predicts the
    minority class less often than the resampled model did; to trade
    precision for recall pick a threshold, e.g. with
    :class:`sklearn.model_selection.TunedThresholdClassifierCV`.

    Parameters
    ----------
    estimator : classifier, default=None
        The model trained on resampled data, usually a Pipeline with
        samplers.  None means ``make_pipeline(SMOTE(), LogisticRegression())``
        of this package.

    training_priors : "auto", array-like of shape (n_classes,) or dict, \
            default="auto"
        Class priors of the data the final step was trained on.  ``"auto"``
        reads them from the fitted pipeline's samplers (see
        :func:`resampled_class_labels`); an array gives them in the order of
        ``classes_``; a dict maps class labels to priors.  They are
        normalised to sum to one.

    calibration : {"sigmoid", "isotonic"} or None, default=None
        None applies the prior correction only.  Otherwise the corrected
        probabilities are calibrated on held-out original rows: a
        :class:`~sklearn.calibration.CalibratedClassifierCV` with this
        ``method`` and ``cv`` fits the corrected model on each training
        split and its calibrator on the rest.

    cv : int, cross-validation generator or iterable, default=5
        Splits of the calibration step (ignored when ``calibration`` is
        None).

    Attributes
    ----------
    estimator_ : estimator
        The fitted ``estimator`` (``calibration=None``), or the fitted
        :class:`~sklearn.calibration.CalibratedClassifierCV` over
        prior-corrected copies of it.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    class_priors_ : ndarray of shape (n_classes,)
        Class frequencies of ``y`` given to ``fit``.
    training_priors_ : ndarray of shape (n_classes,)
        Class priors the model was trained on (``calibration=None`` only;
        with calibration each fold has its own).
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    sklearn_datacentric.pipeline.Pipeline : Samplers inside a pipeline.
    sklearn.calibration.CalibratedClassifierCV : Calibration without the
        prior correction.

    References
    ----------
    .. [1] M. Saerens, P. Latinne and C. Decaestecker, "Adjusting the
       outputs of a classifier to new a priori probabilities: a simple
       procedure", Neural Computation 14(1), 21-41, 2002.
    .. [2] C. Elkan, "The foundations of cost-sensitive learning", IJCAI
       2001.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_datacentric.calibration import PriorCorrectedClassifier
    >>> from sklearn_datacentric.over_sampling import SMOTE
    >>> from sklearn_datacentric.pipeline import make_pipeline
    >>> X, y = make_classification(n_samples=600, weights=[0.9], random_state=0)
    >>> pipe = make_pipeline(SMOTE(random_state=0), LogisticRegression())
    >>> clf = PriorCorrectedClassifier(pipe).fit(X, y)
    >>> clf.training_priors_, clf.class_priors_.round(3)
    (array([0.5, 0.5]), array([0.898, 0.102]))
    >>> p_res = clf.estimator_.predict_proba(X)[:, 1].mean()
    >>> p_cor = clf.predict_proba(X)[:, 1].mean()
    >>> bool(p_cor < p_res)  # the minority probability is no longer inflated
    True
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "training_priors": [StrOptions({"auto"}), "array-like", dict],
        "calibration": [StrOptions({"sigmoid", "isotonic"}), None],
        "cv": ["cv_object"],
    }

    # the generic checks fit tiny 3-class data: a seeded SMOTE with 2
    # neighbours (the default SMOTE needs 6 rows per class, and draws anew)
    _test_params = {
        "estimator": make_pipeline(
            SMOTE(k_neighbors=2, random_state=0), LogisticRegression()
        )
    }

    def __init__(
        self, estimator=None, *, training_priors="auto", calibration=None, cv=5
    ):
        self.estimator = estimator
        self.training_priors = training_priors
        self.calibration = calibration
        self.cv = cv

    def _base_estimator(self):
        if self.estimator is not None:
            return self.estimator
        return make_pipeline(SMOTE(), LogisticRegression(max_iter=1000))

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Fit the estimator (and its calibration) and record the priors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (original, not resampled).
        y : array-like of shape (n_samples,)
            Class labels.
        **fit_params : dict
            Passed to ``estimator.fit``; with metadata routing enabled, the
            metadata the estimator requested.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_data(
            self, X, y, accept_sparse=True, dtype=None, ensure_all_finite=False
        )
        check_classification_targets(y)
        if self.estimator is None and X.dtype.kind == "f":
            # the default logistic regression is penalised (not scale-free)
            check_overflow(X, estimator=self)
        params = routed_params(self, "fit", fit_params)
        self.classes_, counts = np.unique(y, return_counts=True)
        if self.classes_.size < 2:
            raise ValueError(
                "PriorCorrectedClassifier needs at least 2 classes in y; got "
                f"{self.classes_.size} class."
            )
        self.class_priors_ = counts / counts.sum()
        if self.calibration is None:
            self.estimator_ = clone(self._base_estimator()).fit(X, y, **params)
            self.training_priors_ = self._training_priors(self.estimator_, y)
        else:
            inner = clone(self).set_params(
                estimator=clone(self._base_estimator()), calibration=None
            )
            self.estimator_ = CalibratedClassifierCV(
                inner, method=self.calibration, cv=self.cv
            ).fit(X, y, **params)
        return self

    def _training_priors(self, fitted, y):
        given = self.training_priors
        if isinstance(given, str):  # "auto"
            labels = resampled_class_labels(fitted, y)
            priors = np.array([np.sum(labels == c) for c in self.classes_], float)
        elif isinstance(given, dict):
            missing = [
                c.item() if isinstance(c, np.generic) else c
                for c in self.classes_
                if c not in given
            ]
            if missing:
                raise ValueError(
                    f"training_priors has no prior for the classes {missing}."
                )
            priors = np.array([given[c] for c in self.classes_], dtype=float)
        else:
            priors = np.asarray(given, dtype=float)
            if priors.shape != self.classes_.shape:
                raise ValueError(
                    f"training_priors has {priors.size} entries, but y has "
                    f"{self.classes_.size} classes."
                )
        if not np.all(np.isfinite(priors)) or np.any(priors <= 0):
            raise ValueError(
                "training_priors must be finite and positive for every class "
                f"(a class absent from the training data cannot be corrected), "
                f"got {priors}."
            )
        return priors / priors.sum()

    def predict_proba(self, X):
        """Class probabilities under the original class priors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Prior-corrected class probabilities, columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            reset=False,
            accept_sparse=True,
            dtype=None,
            ensure_all_finite=False,
        )
        proba = self.estimator_.predict_proba(X)
        if self.calibration is not None:
            return proba
        proba = proba * (self.class_priors_ / self.training_priors_)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Logarithm of the prior-corrected class probabilities.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most probable class under the original priors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def get_metadata_routing(self):
        """Metadata routing of this object: ``fit`` routes to ``estimator.fit``.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` encapsulating routing information.
        """
        return build_router(self, estimator=(self._base_estimator(), [("fit", "fit")]))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self._base_estimator())
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.sparse = inner.input_tags.sparse
        return tags
