"""Over-sampling followed by cleaning, with any over-sampler of the package.

imbalanced-learn's ``SMOTETomek`` and ``SMOTEENN`` accept only its own SMOTE
(imbalanced-learn issue #589).  :class:`CombinedSampler` chains any
over-sampler with any cleaner and composes their provenance, so SMOTE-Tomek
links (10th in Kovacs' 2019 ranking of 85 over-samplers) can be run with
ProWSyn, polynom-fit SMOTE or any other extension here.
"""

import numpy as np
from imblearn.base import BaseSampler
from imblearn.over_sampling.base import BaseOverSampler as _ImbOverSampler
from imblearn.utils import Substitution
from imblearn.utils._docstring import _random_state_docstring
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods

from .base import Provenance, ProvenanceMixin

__all__ = ["CombinedSampler"]


def _provenance_of_oversampler(sampler, n_input, n_output):
    """Provenance of an over-sampler's output (unknown seeds are -1)."""
    provenance = getattr(sampler, "provenance_", None)
    if provenance is not None:
        return provenance
    indices = getattr(sampler, "sample_indices_", None)
    if indices is not None:  # e.g. imbalanced-learn's RandomOverSampler
        return Provenance.from_parts(indices)
    # imbalanced-learn's generating over-samplers keep the input rows first
    # and append synthetic rows whose parents they do not record
    n_new = n_output - n_input
    return Provenance(
        seed=np.r_[np.arange(n_input), np.full(n_new, -1)].astype(np.int64),
        partner=np.full(n_output, -1, np.int64),
        gap=np.zeros(n_output),
        synthetic=np.r_[np.zeros(n_input, bool), np.ones(n_new, bool)],
    )


def _kept_rows(cleaner):
    indices = getattr(cleaner, "sample_indices_", None)
    if indices is not None:
        return np.asarray(indices, dtype=np.int64)
    provenance = getattr(cleaner, "provenance_", None)
    if provenance is not None and not provenance.synthetic.any():
        return provenance.seed
    raise ValueError(
        f"The cleaner {type(cleaner).__name__} records neither sample_indices_ "
        "nor a provenance_ of kept rows, so the rows it keeps are unknown; use "
        "a cleaner of sklearn_datacentric.under_sampling or imbalanced-learn."
    )


@Substitution(
    sampling_strategy=_ImbOverSampler._sampling_strategy_docstring,
    random_state=_random_state_docstring,
)
class CombinedSampler(ProvenanceMixin, BaseSampler):
    """Over-sample with any over-sampler, then clean with any cleaner.

    ``fit_resample`` runs ``oversampler.fit_resample`` and then
    ``cleaner.fit_resample`` on its output, as imbalanced-learn's
    ``SMOTETomek`` and ``SMOTEENN`` do, but with any over-sampler: the
    package's SMOTE family and extensions (``ProWSyn`` + Tomek links, for
    example) or imbalanced-learn's.  The provenance of both steps is
    composed, so ``provenance_`` maps each output row to the original
    rows it comes from.  With this package's :class:`~sklearn_datacentric.
    over_sampling.SMOTE` and :class:`~sklearn_datacentric.under_sampling.
    TomekLinks` (or :class:`~sklearn_datacentric.under_sampling.
    EditedNearestNeighbours`) it returns the rows of imbalanced-learn's
    ``SMOTETomek`` (``SMOTEENN``) for the same ``random_state``.

    Parameters
    ----------
    oversampler : sampler object, default=None
        Any over-sampler with ``fit_resample``.  None means
        :class:`~sklearn_datacentric.over_sampling.SMOTE` with this object's
        ``sampling_strategy`` and ``random_state``.

    cleaner : sampler object, default=None
        A cleaning sampler that records which rows it keeps
        (``sample_indices_`` or ``provenance_``).  None means
        ``TomekLinks(sampling_strategy="all")`` (the cleaner of
        imbalanced-learn's ``SMOTETomek``).

    {sampling_strategy}

        Used only by the default over-sampler.

    {random_state}

        Used only by the default over-sampler.

    Attributes
    ----------
    oversampler_ : sampler object
        The fitted over-sampler (a clone).
    cleaner_ : sampler object
        The fitted cleaner (a clone).
    sampling_strategy_ : dict or str
        ``sampling_strategy`` as given (the over-sampler resolves it).
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        Parents of every output row among the input rows.  Synthetic rows of
        an over-sampler that does not record its parents (imbalanced-learn's
        SMOTE) have seed ``-1``.
    n_features_in_ : int
        Number of features seen by ``fit_resample``.

    See Also
    --------
    sklearn_datacentric.under_sampling.TomekLinks : The default cleaner.
    sklearn_datacentric.under_sampling.EditedNearestNeighbours : The cleaner
        of SMOTE-ENN.

    References
    ----------
    .. [1] G. E. A. P. A. Batista, R. C. Prati and M. C. Monard, "A study of
       the behavior of several methods for balancing machine learning
       training data", ACM SIGKDD Explorations 6(1), 20-29, 2004.
    .. [2] G. Kovacs, "An empirical comparison and evaluation of minority
       oversampling techniques on a large number of imbalanced datasets",
       Applied Soft Computing 83, 2019.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.combine import CombinedSampler
    >>> from sklearn_datacentric.over_sampling import ProWSyn
    >>> X, y = make_classification(
    ...     n_samples=500, weights=[0.9], class_sep=0.5, random_state=0
    ... )
    >>> sampler = CombinedSampler(ProWSyn(random_state=0))
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y).values()), sorted(Counter(y_res).values())
    ([50, 450], [449, 449])
    """

    _sampling_type = "over-sampling"
    _parameter_constraints = {
        **_ImbOverSampler._parameter_constraints,
        "oversampler": [HasMethods(["fit_resample"]), None],
        "cleaner": [HasMethods(["fit_resample"]), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        oversampler=None,
        cleaner=None,
        *,
        sampling_strategy="auto",
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.oversampler = oversampler
        self.cleaner = cleaner
        self.random_state = random_state

    def _validate_estimator(self):
        from .over_sampling import SMOTE
        from .under_sampling import TomekLinks

        if self.oversampler is None:
            self.oversampler_ = SMOTE(
                sampling_strategy=self.sampling_strategy,
                random_state=self.random_state,
            )
        else:
            self.oversampler_ = clone(self.oversampler)
        if self.cleaner is None:
            self.cleaner_ = TomekLinks(sampling_strategy="all")
        else:
            self.cleaner_ = clone(self.cleaner)

    def _fit_resample(self, X, y):
        self._validate_estimator()
        self.sampling_strategy_ = self.sampling_strategy
        X_over, y_over = self.oversampler_.fit_resample(X, y)
        provenance = _provenance_of_oversampler(
            self.oversampler_, X.shape[0], X_over.shape[0]
        )
        X_res, y_res = self.cleaner_.fit_resample(X_over, y_over)
        self.provenance_ = provenance.take(_kept_rows(self.cleaner_))
        return X_res, y_res

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
