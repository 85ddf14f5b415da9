"""Source/target data in one array: the CV-safe path for shift methods.

Two ways to give a shift-aware estimator its unlabelled target sample:

* ``fit(X, y, X_target=X_tgt)``: the notebook path.  ``X_target`` has its
  own length, so it must not be routed through cross-validation (scikit-learn
  slices any fit parameter whose length equals ``len(X)``).
* ``fit(X, y, sample_domain=sd)``: the CV-safe path, following skada's
  convention.  Source and target rows are stacked in ``X``; ``sample_domain``
  is positive for source rows and negative for target rows; the labels of
  target rows are ignored (masked as ``-1`` or ``NaN`` by
  :func:`pack_source_target`).  Every array has length ``len(X)``, so
  cross-validation slices them consistently.
"""

import numpy as np
from sklearn.utils._param_validation import validate_params

__all__ = ["pack_source_target", "split_source_target"]


@validate_params(
    {
        "X_source": ["array-like"],
        "y_source": ["array-like"],
        "X_target": ["array-like"],
        "y_target": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def pack_source_target(X_source, y_source, X_target, *, y_target=None):
    """Stack a labelled source sample and a target sample in skada's layout.

    Parameters
    ----------
    X_source : array-like of shape (n_source, n_features)
        Labelled source rows.
    y_source : array-like of shape (n_source,)
        Their labels.
    X_target : array-like of shape (n_target, n_features)
        Unlabelled rows of the target (test) distribution.
    y_target : array-like of shape (n_target,), default=None
        Only kept for evaluation; when None the target labels are masked with
        ``-1`` (integer labels), ``NaN`` (float targets) or ``None`` (object).

    Returns
    -------
    X : ndarray of shape (n_source + n_target, n_features)
        Source rows, then target rows.
    y : ndarray of shape (n_source + n_target,)
        Source labels, then the target labels (masked unless ``y_target`` is given).
    sample_domain : ndarray of shape (n_source + n_target,)
        ``1`` for source rows and ``-2`` for target rows (skada's defaults).
    """
    X_source = np.asarray(X_source)
    X_target = np.asarray(X_target)
    y_source = np.asarray(y_source)
    if X_source.ndim != 2 or X_target.ndim != 2:
        raise ValueError("X_source and X_target must be 2-D arrays.")
    if X_source.shape[1] != X_target.shape[1]:
        raise ValueError(
            f"X_target has {X_target.shape[1]} features, but X_source has "
            f"{X_source.shape[1]}."
        )
    if len(y_source) != len(X_source):
        raise ValueError(
            f"y_source has {len(y_source)} labels for {len(X_source)} samples."
        )
    if y_target is None:
        if y_source.dtype.kind in "iub":
            y_target = np.full(len(X_target), -1, dtype=y_source.dtype)
        elif y_source.dtype.kind == "f":
            y_target = np.full(len(X_target), np.nan)
        else:
            y_target = np.full(len(X_target), None, dtype=object)
    X = np.vstack([X_source, X_target])
    y = np.concatenate([y_source, np.asarray(y_target)])
    sample_domain = np.concatenate(
        [np.ones(len(X_source), dtype=int), np.full(len(X_target), -2, dtype=int)]
    )
    return X, y, sample_domain


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like", None],
        "X_target": ["array-like", "sparse matrix", None],
        "sample_domain": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def split_source_target(X, y=None, *, X_target=None, sample_domain=None):
    """Return ``(X_source, y_source, X_target, source_mask)`` from either path.

    ``source_mask`` is a boolean mask over the rows of ``X`` (all True on the
    ``X_target`` path).  ``X_target`` is None when no target sample was given.
    Inputs are not validated beyond the layout; call ``validate_data`` first.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Rows given to ``fit``: source rows only, or source and target rows.
    y : ndarray of shape (n_samples,), default=None
        Their labels (those of target rows are ignored).
    X_target : ndarray of shape (n_target, n_features), default=None
        Target rows passed separately (the notebook path).
    sample_domain : array-like of int of shape (n_samples,), default=None
        Domain of each row of ``X``; negative values mark target rows (the
        CV-safe path).  Not together with ``X_target``.

    Returns
    -------
    X_source : ndarray of shape (n_source, n_features)
        The source rows.
    y_source : ndarray of shape (n_source,) or None
        Their labels.
    X_target : ndarray of shape (n_target, n_features) or None
        The target rows, None when there are none.
    source_mask : ndarray of shape (n_samples,), dtype bool
        True for the rows of ``X`` that are source rows.
    """
    n = X.shape[0]
    if X_target is not None and sample_domain is not None:
        raise ValueError(
            "Pass the target sample either as X_target or through "
            "sample_domain (negative values mark target rows in X), not both."
        )
    if sample_domain is None:
        mask = np.ones(n, dtype=bool)
        return X, y, X_target, mask
    sample_domain = np.asarray(sample_domain)
    if sample_domain.shape != (n,):
        raise ValueError(
            f"sample_domain has shape {sample_domain.shape}; expected ({n},), "
            "one domain label per row of X."
        )
    if sample_domain.dtype.kind not in "iu":
        raise ValueError("sample_domain must hold integers (negative = target).")
    mask = sample_domain >= 0
    if not mask.any():
        raise ValueError("sample_domain marks no source row (all are negative).")
    X_src = X[mask]
    y_src = None if y is None else np.asarray(y)[mask]
    X_tgt = X[~mask] if (~mask).any() else None
    return X_src, y_src, X_tgt, mask
