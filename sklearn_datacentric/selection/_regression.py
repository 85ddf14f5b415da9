"""Label errors of continuous targets: uncertainty-scaled out-of-fold residuals."""

import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold, check_cv
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import _check_method_params, check_random_state

from ..base import BaseRegressionSampler
from ..utils._routing import routed_params
from ..utils._warnings import external_stacklevel
from ..utils.validation import pow2_rescale
from ._base import _CVRoutingMixin, _progress, _set_random_state, _take_rows

__all__ = ["RegressionResidualSelector"]

# median of |Z| for a standard normal Z: converts a median absolute residual
# into a standard deviation
_MAD_TO_STD = 1.0 / 0.6744897501960817


def _default_regressor():
    return HistGradientBoostingRegressor(max_iter=100, early_stopping=False)


class RegressionResidualSelector(_CVRoutingMixin, BaseRegressionSampler):
    """Drop likely errors of a continuous target: residuals scaled by uncertainty.

    Out-of-fold residuals ``r_i = y_i - f_{-k(i)}(x_i)`` are divided by an
    estimate of the prediction uncertainty at ``x_i`` that adds

    * epistemic uncertainty: the spread of the predictions of ``n_bootstrap``
      models fitted on bootstrap resamples of the other folds, and
    * aleatoric uncertainty: a model of the residual scale, an out-of-fold
      median regression of ``|r|`` on ``X`` (robust to the errors themselves),
      converted to a standard deviation by the normal factor ``1 / 0.6745``,

    in quadrature: ``u_i = sqrt(epistemic_i**2 + aleatoric_i**2)``.  The score
    ``z_i = |r_i| / u_i`` is about ``|N(0, 1)|`` for a clean row; rows with
    ``z_i > threshold`` (or the ``contamination`` fraction with the largest
    ``z``) are flagged and dropped.  This follows the residual-over-uncertainty
    scoring of Zhou et al. (2023) (cleanlab's regression label issues); the
    median model and the quadrature sum are choices of this implementation.

    Parameters
    ----------
    estimator : regressor, default=None
        Model of ``y``. ``None`` uses ``HistGradientBoostingRegressor``.
    cv : int or cross-validation splitter, default=5
        Folds (shuffled with ``random_state`` when an integer).
    n_bootstrap : int, default=5
        Bootstrap models per fold for the epistemic term; 0 disables it.
    aleatoric : bool, default=True
        Include the aleatoric term.  Without it and with ``n_bootstrap=0``
        the uncertainty is a single global robust scale of the residuals.
    threshold : float, default=3.0
        Flag rows with ``scores_ > threshold`` (ignored when
        ``contamination`` is set).
    contamination : float in (0, 1) or None, default=None
        Flag exactly this fraction of rows, the largest scores.
    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds, bootstrap draws and the models' seeds.
    verbose : int, default=0
        When positive, print one line per fold (models fitted, seconds) and
        the number of flagged rows.

    Attributes
    ----------
    oof_prediction_ : ndarray of shape (n_samples,)
    residuals_ : ndarray of shape (n_samples,)
        ``y - oof_prediction_``.
    epistemic_ : ndarray of shape (n_samples,)
    aleatoric_ : ndarray of shape (n_samples,)
    scores_ : ndarray of shape (n_samples,)
        ``|residual| / uncertainty``; higher = more suspicious.
    mask_ : ndarray of shape (n_samples,), dtype bool
        Rows flagged (dropped).
    sample_indices_ : ndarray of int
        Rows kept.
    sampling_strategy_ : str
        Always ``"remove_flagged"`` (the sampler protocol's record of what
        ``fit_resample`` did).
    provenance_ : Provenance

    References
    ----------
    .. [1] W. Zhou, J. Mueller, "Detecting Errors in Numerical Data via any
       Regression Model", 2023 (arXiv:2305.16583).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.selection import RegressionResidualSelector
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-2, 2, size=(300, 2))
    >>> y = X[:, 0] ** 2 + 0.1 * rng.randn(300)
    >>> y[:10] += 5
    >>> sel = RegressionResidualSelector(random_state=0)
    >>> X_clean, y_clean = sel.fit_resample(X, y)
    >>> bool(sel.mask_[:10].all())
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "cv": [Interval(Integral, 2, None, closed="left"), "cv_object"],
        "n_bootstrap": [Interval(Integral, 0, None, closed="left")],
        "aleatoric": ["boolean"],
        "threshold": [Interval(Real, 0, None, closed="neither")],
        "contamination": [Interval(Real, 0, 1, closed="neither"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        cv=5,
        n_bootstrap=5,
        aleatoric=True,
        threshold=3.0,
        contamination=None,
        random_state=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.cv = cv
        self.n_bootstrap = n_bootstrap
        self.aleatoric = aleatoric
        self.threshold = threshold
        self.contamination = contamination
        self.random_state = random_state
        self.verbose = verbose

    _accept_sparse = ()  # the default model is dense-only

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags

    _default_estimator = staticmethod(_default_regressor)

    def _splits(self, X, y, rng, groups=None):
        if isinstance(self.cv, Integral):
            if X.shape[0] < self.cv:
                raise ValueError(
                    f"n_samples={X.shape[0]} is smaller than cv={self.cv} folds."
                )
            cv = KFold(self.cv, shuffle=True, random_state=rng.randint(2**31 - 1))
        else:
            cv = check_cv(self.cv, y)
        return list(cv.split(X, y, groups))

    def _fit_resample(self, X, y, groups=None, **fit_params):
        rng = check_random_state(self.random_state)
        base = self._estimator()
        params = routed_params(self, "fit_resample", fit_params)
        n = X.shape[0]
        X_in, y_in = X, y
        e_y = 0
        if self.estimator is None:
            # the default trees split on bins of X (invariant to a power-of-two
            # scaling) and fit least squares / absolute error without penalty
            # (equivariant in y): scaling keeps huge values from overflowing
            # and the scores exactly unchanged; y-unit attributes mapped back
            X, _ = pow2_rescale(X)
            # the trees sum n gradients in float32 (and square the sums)
            y, e_y = pow2_rescale(y, limit=1e30 / n)
        splits = self._splits(X, y, rng, groups)
        pred = np.empty(n)
        epi = np.zeros(n)
        for k, (train, test) in enumerate(splits):
            start = time.perf_counter()
            est = clone(base)
            _set_random_state(est, rng.randint(2**31 - 1))
            fold = _check_method_params(X, params, train)
            pred[test] = est.fit(X[train], y[train], **fold).predict(X[test])
            if self.n_bootstrap:
                boots = np.empty((self.n_bootstrap, test.shape[0]))
                for b in range(self.n_bootstrap):
                    sample = train[rng.randint(0, train.shape[0], train.shape[0])]
                    est_b = clone(base)
                    _set_random_state(est_b, rng.randint(2**31 - 1))
                    boot = _check_method_params(X, params, sample)
                    boots[b] = est_b.fit(X[sample], y[sample], **boot).predict(X[test])
                epi[test] = boots.std(axis=0, ddof=1) if self.n_bootstrap > 1 else 0.0
            _progress(
                self,
                f"fold {k + 1}/{len(splits)}: {1 + self.n_bootstrap} "
                f"{type(est).__name__} fits on {len(train)} rows, "
                f"{time.perf_counter() - start:.1f} s",
            )
        resid = y - pred
        abs_r = np.abs(resid)
        global_scale = _MAD_TO_STD * np.median(abs_r)
        if self.aleatoric:
            _progress(self, f"residual-scale models on {len(splits)} folds")
            alea = np.empty(n)
            for train, test in splits:
                scale_model = HistGradientBoostingRegressor(
                    loss="absolute_error", max_iter=50, early_stopping=False
                )
                alea[test] = scale_model.fit(X[train], abs_r[train]).predict(X[test])
            alea = _MAD_TO_STD * np.maximum(alea, 0.0)
        elif self.n_bootstrap == 0:
            alea = np.full(n, global_scale)
        else:
            alea = np.zeros(n)
        unc = np.sqrt(epi**2 + alea**2)
        tiny = max(1e-12, 1e-6 * global_scale)
        scores = abs_r / np.maximum(unc, tiny)
        if self.contamination is not None:
            m = int(np.ceil(self.contamination * n))
            flagged = np.zeros(n, dtype=bool)
            flagged[np.argsort(-scores, kind="stable")[:m]] = True
        else:
            flagged = scores > self.threshold
        _progress(self, f"{int(flagged.sum())} of {n} rows flagged")
        if flagged.all():
            raise ValueError(
                "RegressionResidualSelector flags every row; refusing to return "
                "an empty dataset. Raise threshold or lower contamination."
            )
        if flagged.mean() > 0.5:
            warnings.warn(
                f"RegressionResidualSelector flags {flagged.mean():.0%} of the "
                "rows; the model may fit the data poorly.",
                UserWarning,
                stacklevel=external_stacklevel(),
            )
        self.sampling_strategy_ = "remove_flagged"
        self.oof_prediction_ = np.ldexp(pred, e_y)
        self.residuals_ = np.ldexp(resid, e_y)
        self.epistemic_ = np.ldexp(epi, e_y)
        self.aleatoric_ = np.ldexp(alea, e_y)
        self.scores_ = scores
        self.mask_ = flagged
        kept = np.flatnonzero(~flagged)
        self.sample_indices_ = kept
        self._set_provenance(kept)
        return _take_rows(X_in, kept), y_in[kept]
