"""Shared machinery of the selectors that drop rows (label errors, pruning).

Every row-dropping selector of this module is an imbalanced-learn cleaning
sampler: ``fit_resample(X, y)`` returns the kept rows, ``sampling_strategy``
names the classes whose rows may be dropped (the others are kept whole), and
``provenance_`` / ``sample_indices_`` record which input rows were kept.

Safety rule, shared by all of them: a selector never silently removes every
row of a class (and therefore never returns an empty dataset).  When the rows
it would drop include all the rows of some class, ``on_class_removal`` decides:
``"warn"`` (default) keeps every row of that class and emits a
:class:`UserWarning` naming it; ``"raise"`` raises a :class:`ValueError`.
"""

import numbers
import time
import warnings

import numpy as np
from imblearn.under_sampling.base import BaseCleaningSampler
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, StrOptions, validate_params
from sklearn.utils.validation import _check_method_params, check_random_state

from ..base import ProvenanceMixin
from ..utils._parallel import task_for
from ..utils._routing import build_router
from ..utils._warnings import external_stacklevel

__all__ = []


class _BaseSelector(ProvenanceMixin, BaseCleaningSampler):
    """Row-dropping selector: subclasses implement ``_score_and_flag(X, y)``.

    ``_score_and_flag`` receives validated ``X`` and ``y`` encoded as integers
    ``0 .. n_classes - 1`` and returns ``(scores, flagged)``: one score per row
    (higher = more suspicious / more prunable) and a boolean mask of the rows
    the method would drop, before ``sampling_strategy`` and the class-removal
    rule are applied.
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "on_class_removal": [StrOptions({"warn", "raise"})],
    }

    _accept_sparse = False

    def _check_X_y(self, X, y, accept_sparse=None):
        accept = ["csr", "csc"] if self._accept_sparse else False
        if not self._accept_sparse:
            X = _densify_pandas_sparse(X)
        return super()._check_X_y(X, y, accept_sparse=accept)

    def _fit_resample(self, X, y, **params):
        classes, y_enc = np.unique(y, return_inverse=True)
        if classes.shape[0] < 2:  # pragma: no cover - caught by imblearn first
            raise ValueError(
                "The target 'y' needs to have more than 1 class; got a single class."
            )
        scores, flagged = self._score_and_flag(X, y_enc, **params)
        self.scores_ = np.asarray(scores, dtype=np.float64)
        self.mask_ = np.asarray(flagged, dtype=bool)
        targeted = np.isin(y, np.asarray(list(self.sampling_strategy_.keys())))
        drop = self.mask_ & targeted
        drop = self._protect_classes(y, classes, drop)
        kept = self._order_kept(np.flatnonzero(~drop), y)
        self.sample_indices_ = kept
        self._set_provenance(kept)
        return _take_rows(X, kept), y[kept]

    def _order_kept(self, kept, y):
        """Order of the kept rows in the output (their input order here)."""
        return kept

    def _protect_classes(self, y, classes, drop):
        lost = [c for c in classes if np.all(drop[y == c])]
        if not lost:
            return drop
        what = ", ".join(_label(c) for c in lost)
        msg = f"{type(self).__name__} would remove every row of class(es) {what}."
        if self.on_class_removal == "raise":
            raise ValueError(
                msg + " Set on_class_removal='warn' to keep such classes "
                "(with a warning), or exclude them through sampling_strategy."
            )
        warnings.warn(
            msg + " All rows of these classes are kept (on_class_removal='warn').",
            UserWarning,
            stacklevel=external_stacklevel(),
        )
        drop = drop.copy()
        drop[np.isin(y, lost)] = False
        return drop

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accept_sparse
        tags.sampler_tags.sample_indices = True
        return tags


class _EstimatorRoutingMixin:
    """Metadata routing of the selectors that fit an inner ``estimator``:
    ``fit_resample(X, y, **fit_params)`` passes its parameters (with metadata
    routing enabled, what the estimator requested) to every fit of it.
    Subclasses set ``_default_estimator`` (a function of no argument)."""

    def fit_resample(self, X, y, **fit_params):
        """Score the rows with the fitted estimator(s), drop the flagged ones.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Target values.
        **fit_params : dict
            Parameters of ``estimator.fit`` (with metadata routing enabled,
            what it requested).

        Returns
        -------
        X_resampled : {ndarray, dataframe}
            The resampled rows.
        y_resampled : {ndarray, series}
            Their targets.
        """
        return super().fit_resample(X, y, **fit_params)

    def _estimator(self):
        return self._default_estimator() if self.estimator is None else self.estimator

    def get_metadata_routing(self):
        """Metadata routing: ``fit_resample`` routes to ``estimator.fit``.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` encapsulating routing information.
        """
        return build_router(
            self, self_request=True,
            estimator=(self._estimator(), [("fit_resample", "fit")]),
        )  # fmt: skip


class _CVRoutingMixin(_EstimatorRoutingMixin):
    """``fit_resample(X, y, *, groups=None, **fit_params)`` for the selectors
    that cross-fit their ``estimator``: ``groups`` go to the ``cv`` splitter,
    the estimator's metadata to each training fold."""

    def fit_resample(self, X, y, *, groups=None, **fit_params):
        """Score the rows with the cross-fitted estimator, drop the flagged ones.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Target values.
        groups : array-like of shape (n_samples,), default=None
            Group labels for a group-aware ``cv`` splitter (``GroupKFold``);
            inside a Pipeline with metadata routing, request them with
            ``set_fit_resample_request(groups=True)``.
        **fit_params : dict
            Parameters of ``estimator.fit`` (with metadata routing enabled,
            what it requested), sliced to each training fold.

        Returns
        -------
        X_resampled : {ndarray, dataframe}
            The resampled rows.
        y_resampled : {ndarray, series}
            Their targets.
        """
        return super().fit_resample(X, y, groups=groups, **fit_params)


def _progress(estimator, message):
    """Print one progress line of ``estimator`` when its ``verbose`` is set."""
    if getattr(estimator, "verbose", 0):
        print(f"[{type(estimator).__name__}] {message}", flush=True)


def _label(c):
    """Readable repr of a class label (numpy scalars as Python values)."""
    return repr(c.item() if isinstance(c, np.generic) else c)


def _densify_pandas_sparse(X):
    """A DataFrame of pandas sparse columns becomes dense (names kept)."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(X, "sparse"):
        try:
            import pandas as pd

            if any(isinstance(d, pd.SparseDtype) for d in dtypes):
                return X.sparse.to_dense()
        except (AttributeError, TypeError):  # pragma: no cover - mixed frames
            return X
    return X


def _take_rows(X, idx):
    return X[idx]


def _set_random_state(estimator, seed):
    """Set every ``random_state`` parameter of ``estimator`` (nested too)."""
    params = {
        k: seed
        for k in estimator.get_params(deep=True)
        if k == "random_state" or k.endswith("__random_state")
    }
    if params:
        estimator.set_params(**params)
    return bool(params)


def _check_predict_proba(estimator, purpose):
    if not hasattr(estimator, "predict_proba"):
        raise TypeError(
            f"{type(estimator).__name__} has no predict_proba method, which "
            f"{purpose} needs. Use a probabilistic classifier (for example "
            "LogisticRegression, HistGradientBoostingClassifier, SVC("
            "probability=True) or wrap it in CalibratedClassifierCV)."
        )


def _check_cv_classes(y_enc, classes, cv):
    """Clear error when a class has fewer rows than stratified folds."""
    if not isinstance(cv, numbers.Integral):
        return
    counts = np.bincount(y_enc, minlength=len(classes))
    small = np.flatnonzero(counts < cv)
    if small.size:
        desc = ", ".join(f"{_label(classes[i])} ({counts[i]} rows)" for i in small)
        raise ValueError(
            f"Class(es) {desc} have fewer samples than cv={cv} folds; "
            "out-of-fold probabilities need every class in every training "
            "fold. Lower cv, or merge or drop the rare class."
        )


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "cv": ["cv_object"],
        "random_state": ["random_state"],
        "n_jobs": [numbers.Integral, None],
        "groups": ["array-like", None],
        "params": [dict, None],
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def out_of_fold_proba(
    estimator,
    X,
    y,
    *,
    cv=5,
    random_state=None,
    n_jobs=None,
    groups=None,
    params=None,
    verbose=0,
):
    """Cross-fitted predicted probabilities of every row.

    Each row's probabilities come from a clone of ``estimator`` fitted on the
    folds that do not contain it (stratified K folds, shuffled with
    ``random_state``, when ``cv`` is an integer).

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        Model cloned and fitted once per fold.
    X : array-like of shape (n_samples, n_features)
        Features.
    y : array-like of shape (n_samples,)
        Class labels.
    cv : int or cross-validation splitter, default=5
        Number of stratified folds, or a splitter.
    random_state : int, RandomState instance or None, default=None
        Shuffling of the stratified folds.
    n_jobs : int, default=None
        Folds fitted in parallel.
    groups : array-like of shape (n_samples,), default=None
        Group labels for a group-aware ``cv`` splitter (``GroupKFold``, ...);
        ignored by the stratified folds of an integer ``cv``.
    params : dict, default=None
        Parameters of ``estimator.fit`` (per-row values are sliced to each
        training fold), passed as given (the selectors pass what the
        estimator requested when metadata routing is enabled).
    verbose : int, default=0
        When positive, print one line per fold (fitted model, rows, seconds).

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        Columns in the order of ``np.unique(y)``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_datacentric.selection import out_of_fold_proba
    >>> X, y = make_classification(n_samples=60, random_state=0)
    >>> out_of_fold_proba(LogisticRegression(), X, y, cv=3, random_state=0).shape
    (60, 2)
    """
    _check_predict_proba(estimator, "out_of_fold_proba")
    classes, y_enc = np.unique(np.asarray(y), return_inverse=True)
    if classes.shape[0] < 2:
        raise ValueError("y needs at least 2 classes for out-of-fold probabilities.")
    _check_cv_classes(y_enc, classes, cv)
    if isinstance(cv, numbers.Integral):
        rs = check_random_state(random_state)
        splitter = StratifiedKFold(
            n_splits=cv, shuffle=True, random_state=rs.randint(np.iinfo(np.int32).max)
        )
    else:
        splitter = check_cv(cv, y_enc, classifier=True)
    # the folds go through joblib (a Dask backend spreads them over a
    # cluster), one numba / BLAS thread per fold when they run in parallel
    from joblib import Parallel, delayed

    params = dict(params or {})
    splits = list(splitter.split(X, y_enc, groups))
    task = task_for(_fold_proba, n_jobs)
    parts = Parallel(n_jobs=n_jobs)(
        delayed(task)(
            clone(estimator), X, y_enc, tr, te, _check_method_params(X, params, tr),
            log=f"fold {k + 1}/{len(splits)}" if verbose else None,
        )
        for k, (tr, te) in enumerate(splits)
    )  # fmt: skip
    proba = np.zeros((len(y_enc), classes.shape[0]))
    seen = np.zeros(len(y_enc), dtype=bool)
    for (_, te), p in zip(splits, parts):
        proba[te] = p
        seen[te] = True
    if not seen.all():
        raise ValueError(
            "out_of_fold_proba needs folds whose test parts cover every row "
            "(a partition of the rows)."
        )
    return proba


def _fold_proba(estimator, X, y_enc, train, test, params, log=None):
    """Probabilities of the test rows from a fit on the training rows."""
    start = time.perf_counter()
    estimator.fit(_safe_indexing(X, train), y_enc[train], **params)
    proba = estimator.predict_proba(_safe_indexing(X, test))
    if log:
        print(
            f"[out_of_fold_proba] {log}: {type(estimator).__name__} fitted on "
            f"{len(train)} rows, predicted {len(test)} in "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )
    return np.asarray(proba, dtype=np.float64)
