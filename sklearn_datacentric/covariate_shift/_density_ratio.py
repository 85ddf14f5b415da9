"""Discriminative density-ratio estimation (a probabilistic domain classifier)."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import HasMethods, Interval

from ..utils.validation import explain_overflow, pow2_rescale
from ._base import BaseWeighter

__all__ = ["DiscriminativeDensityRatio"]


class DiscriminativeDensityRatio(BaseWeighter):
    """Density ratio from a probabilistic classifier of source vs target.

    A classifier learns ``P(target | x)`` from the pooled source (label 0) and
    target (label 1) samples.  By Bayes' rule, with the prior correction for
    unequal sample sizes,

    .. math::

        w(x) = \\frac{dP_{target}}{dP_{source}}(x)
             = \\frac{n_{source}}{n_{target}}
               \\frac{P(target \\mid x)}{P(source \\mid x)} .

    Read more in the :ref:`User Guide <covariate_shift>`.

    Parameters
    ----------
    estimator : classifier with predict_proba, default=None
        Domain classifier.  ``None`` means
        ``make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))``,
        a log-linear density-ratio model (the logistic-regression estimator
        of Bickel et al. 2009).
    clip : float > 0 or None, default=None
        Upper bound of the weights (applied after the prior correction and
        before ``normalize``); ``None`` keeps them unbounded.
    normalize : bool, default=False
        Rescale so that the source weights ``weights_`` average to one;
        ``predict_weights`` applies the same factor.  Without it the weights
        already average to about one on the source sample when the
        classifier is calibrated.
    cv : int, cross-validation generator or None, default=None
        ``None``: ``weights_`` are the in-sample predictions of the domain
        classifier fitted on all data.  Otherwise, ``weights_`` are
        out-of-fold predictions (cross-fitting, less optimistic for flexible
        classifiers); ``predict_weights`` always uses the classifier fitted
        on all data.
    eps : float in (0, 0.5), default=1e-12
        Probabilities are clipped to ``[eps, 1 - eps]`` before the ratio is
        formed, so weights stay finite.

    Attributes
    ----------
    weights_ : ndarray of shape (n_source,)
        Weights of the source samples (ones when no target was given).
    estimator_ : classifier
        The fitted domain classifier (absent when no target was given).
    scale_ : float
        Factor applied to the raw ratios (``1.0`` unless ``normalize``).
    has_target_ : bool
        Whether a target sample was given to ``fit``.
    n_source_, n_target_ : int
        Sizes of the source and target samples.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    See Also
    --------
    KernelMeanMatching : weights by matching kernel means.
    DoubleWeighting : weights both source and target samples.

    Notes
    -----
    Without a target sample (``fit(X)`` with no ``X_target`` and no negative
    ``sample_domain``) there is no shift to estimate: the weights are ones.

    References
    ----------
    .. [1] Bickel, S., Brückner, M., Scheffer, T. "Discriminative learning
       under covariate shift." JMLR 10, 2009.
    .. [2] Sugiyama, M., Suzuki, T., Kanamori, T. "Density Ratio Estimation
       in Machine Learning." Cambridge University Press, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.covariate_shift import DiscriminativeDensityRatio
    >>> rng = np.random.default_rng(0)
    >>> X_source = rng.normal(0.0, 1.0, size=(500, 1))
    >>> X_target = rng.normal(1.0, 1.0, size=(500, 1))
    >>> w = DiscriminativeDensityRatio().fit(X_source, X_target=X_target)
    >>> ratio = w.predict_weights([[-1.0], [0.5], [2.0]])  # true: exp(x - 0.5)
    >>> bool(ratio[0] < ratio[1] < ratio[2])
    True
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "clip": [Interval(Real, 0, None, closed="neither"), None],
        "normalize": ["boolean"],
        "cv": ["cv_object", None],
        "eps": [Interval(Real, 0, 0.5, closed="neither")],
    }

    def __init__(
        self, *, estimator=None, clip=None, normalize=False, cv=None, eps=1e-12
    ):
        self.estimator = estimator
        self.clip = clip
        self.normalize = normalize
        self.cv = cv
        self.eps = eps

    def _make_estimator(self):
        if self.estimator is None:
            return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        return clone(self.estimator)

    def _fit_no_target(self, Xs):
        self.weights_ = np.ones(Xs.shape[0])
        self.scale_ = 1.0

    def _ratio(self, proba):
        p = np.clip(proba, self.eps, 1.0 - self.eps)
        w = self.prior_ratio_ * p / (1.0 - p)
        if self.clip is not None:
            w = np.minimum(w, self.clip)
        return w

    def _target_proba(self, est, X):
        proba = est.predict_proba(X)
        classes = list(est.classes_)
        return proba[:, classes.index(1)]

    def _fit_weights(self, Xs, Xt):
        Z = np.vstack([Xs, Xt])
        self._scale_exp = 0
        if self.estimator is None:
            # the default pipeline standardises first: scaling the data by a
            # power of two changes nothing but keeps its sums of squares
            # finite (huge X would overflow the scaler into NaN)
            Z, self._scale_exp = pow2_rescale(Z)
            Xs = Z[: len(Xs)]
        d = np.concatenate([np.zeros(len(Xs), dtype=int), np.ones(len(Xt), dtype=int)])
        self.prior_ratio_ = len(Xs) / len(Xt)
        # a given estimator may not be scale-invariant: huge X gets an error
        # naming the problem instead of scikit-learn's NaN message
        with explain_overflow(Z, estimator=self):
            self.estimator_ = self._make_estimator().fit(Z, d)
            if self.cv is None:
                p_src = self._target_proba(self.estimator_, Xs)
            else:
                cv = self.cv
                if isinstance(cv, Integral):
                    cv = StratifiedKFold(n_splits=cv, shuffle=True, random_state=0)
                proba = cross_val_predict(
                    self._make_estimator(), Z, d, cv=cv, method="predict_proba"
                )
                p_src = proba[: len(Xs), 1]
        w = self._ratio(p_src)
        self.scale_ = 1.0
        if self.normalize:
            m = w.mean()
            self.scale_ = 1.0 / m if m > 0 else 1.0
        self.weights_ = w * self.scale_

    def _predict_weights(self, X):
        e = getattr(self, "_scale_exp", 0)
        X = np.ldexp(X, -e) if e else X
        return self._ratio(self._target_proba(self.estimator_, X)) * self.scale_
