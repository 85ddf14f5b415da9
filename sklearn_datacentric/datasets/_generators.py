"""Data generators: imbalance, covariate shift and rare-event ordinal data."""

from numbers import Integral, Real

import numpy as np
from scipy.special import expit
from sklearn.utils import Bunch, _safe_indexing, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import check_array, check_consistent_length, column_or_1d


# --------------------------------------------------------------------------
# make_imbalance
# --------------------------------------------------------------------------
@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "kind": [StrOptions({"step", "linear"})],
        "imbalance_ratio": [Interval(Real, 1, None, closed="left")],
        "minority_classes": ["array-like", None],
        "return_indices": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_imbalance(
    X,
    y,
    *,
    kind="step",
    imbalance_ratio=10,
    minority_classes=None,
    return_indices=False,
    random_state=None,
):
    """Subsample a dataset without replacement to impose a class imbalance.

    Two standard imbalance profiles (Buda et al., 2018) are supported:

    * ``kind="step"``: ``floor(n_classes / 2)`` classes become minority
      classes, each with ``n_max / imbalance_ratio`` samples, the other
      classes keep ``n_max`` samples.  By default the minority classes are the
      classes that are least frequent in ``y`` (ties broken by label order);
      pass ``minority_classes`` to choose them.  For two classes this is the
      usual binary imbalance with one minority class.
    * ``kind="linear"``: class sizes are linearly interpolated between
      ``n_max`` (most frequent class of ``y``) and ``n_max / imbalance_ratio``
      (least frequent class of ``y``); classes are ranked by their frequency
      in ``y``.

    ``n_max`` is the largest size for which every class can be subsampled
    without replacement to its target size, so the result uses as much data
    as possible.  Every class keeps at least one sample.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        Input data.  DataFrames and sparse matrices are indexed with
        :func:`sklearn.utils._safe_indexing` so their type is preserved.
    y : array-like of shape (n_samples,)
        Class labels (at least two classes).
    kind : {"step", "linear"}, default="step"
        Imbalance profile.
    imbalance_ratio : float, default=10
        Ratio between the largest and the smallest class size, ``>= 1``.
    minority_classes : array-like, default=None
        Only for ``kind="step"``: labels of the classes to turn into minority
        classes.  Defaults to the ``floor(n_classes / 2)`` least frequent
        classes.
    return_indices : bool, default=False
        If True, also return the (sorted) indices of the selected rows.
    random_state : int, RandomState instance or None, default=None
        Controls the subsampling.

    Returns
    -------
    X_res : array-like of shape (n_samples_new, n_features)
        Subsample of ``X`` (rows keep their original order).
    y_res : ndarray of shape (n_samples_new,)
        Corresponding labels.
    indices : ndarray of shape (n_samples_new,)
        Only if ``return_indices=True``.

    References
    ----------
    M. Buda, A. Maki and M. A. Mazurowski (2018). A systematic study of the
    class imbalance problem in convolutional neural networks. Neural
    Networks 106, 249-259.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.datasets import make_imbalance
    >>> X = np.arange(200).reshape(100, 2); y = np.repeat([0, 1], 50)
    >>> X_res, y_res = make_imbalance(X, y, imbalance_ratio=5, random_state=0)
    >>> np.bincount(y_res)
    array([50, 10])
    """
    ratio = float(imbalance_ratio)
    y_arr = column_or_1d(np.asarray(y), warn=True)
    check_consistent_length(X, y_arr)
    if hasattr(X, "ndim") and X.ndim != 2 and not hasattr(X, "iloc"):
        raise ValueError("X must be 2-dimensional.")
    rng = check_random_state(random_state)

    classes, y_idx, counts = np.unique(y_arr, return_inverse=True, return_counts=True)
    n_classes = len(classes)
    if n_classes < 2:
        raise ValueError("y must contain at least two classes.")

    # rank classes by decreasing frequency (stable: ties by label order)
    order = np.argsort(-counts, kind="stable")
    fractions = np.ones(n_classes)
    if kind == "step":
        if minority_classes is None:
            n_min = n_classes // 2
            minority_pos = order[n_classes - n_min :]
        else:
            minority_classes = np.atleast_1d(np.asarray(minority_classes))
            unknown = np.setdiff1d(minority_classes, classes)
            if unknown.size:
                raise ValueError(
                    f"minority_classes contains unknown labels {unknown.tolist()}."
                )
            if len(np.unique(minority_classes)) >= n_classes:
                raise ValueError("At least one class must remain a majority class.")
            minority_pos = np.searchsorted(classes, np.unique(minority_classes))
        fractions[minority_pos] = 1.0 / ratio
    else:
        if minority_classes is not None:
            raise ValueError("minority_classes is only used with kind='step'.")
        ranks = np.empty(n_classes)
        ranks[order] = np.arange(n_classes)
        fractions = 1.0 - (1.0 - 1.0 / ratio) * ranks / (n_classes - 1)

    n_max = np.min(counts / fractions)
    sizes = np.minimum(
        counts, np.maximum(1, np.floor(n_max * fractions + 1e-9))
    ).astype(int)

    selected = []
    for k in range(n_classes):
        members = np.flatnonzero(y_idx == k)
        selected.append(rng.choice(members, size=sizes[k], replace=False))
    indices = np.sort(np.concatenate(selected))
    X_res = _safe_indexing(X, indices)
    y_res = y_arr[indices]
    if return_indices:
        return X_res, y_res, indices
    return X_res, y_res


# --------------------------------------------------------------------------
# make_covariate_shift
# --------------------------------------------------------------------------
def _first_principal_component(X):
    Xc = X - X.mean(axis=0)
    # right singular vector of the centred data = first PC direction
    _, _, vt = np.linalg.svd(Xc, full_matrices=False)
    v = vt[0]
    # deterministic sign: largest absolute loading positive
    if v[np.argmax(np.abs(v))] < 0:
        v = -v
    return Xc @ v


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like", None],
        "feature": [Integral, str],
        "p_below": [Interval(Real, 0, 1, closed="neither")],
        "n_train": [Interval(Integral, 1, None, closed="left"), None],
        "n_test": [Interval(Integral, 1, None, closed="left"), None],
        "return_indices": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_covariate_shift(
    X,
    y=None,
    *,
    feature=0,
    p_below=0.7,
    n_train=None,
    n_test=None,
    return_indices=False,
    random_state=None,
):
    """Split a dataset into covariate-shifted training and test sets.

    Implements the sampling scheme of the double-weighting covariate-shift
    experiments (Segovia-Martin, Mazuelas and Liu, 2023): a score ``s`` is
    computed for every sample, either one feature of ``X`` or its projection
    on the first principal component.  Each sample with ``s`` at or below the
    median of ``s`` is assigned to the training pool with probability
    ``p_below`` (0.7) and every other sample with probability
    ``1 - p_below`` (0.3); the remaining samples form the test pool.  So the
    training set over-represents low scores and the test set high scores,
    while ``P(y | x)`` is unchanged.  Finally ``n_train`` samples are drawn
    without replacement from the training pool and ``n_test`` from the test
    pool.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Input data (numeric).
    y : array-like of shape (n_samples,), default=None
        Targets; if None only the features are split.
    feature : int, str or "pc1", default=0
        Column index of the feature driving the shift, a column name when
        ``X`` is a DataFrame, or ``"pc1"`` for the first principal component
        of the (centred) data.
    p_below : float in (0, 1), default=0.7
        Probability that a sample whose score is at or below the median goes
        to the training pool; samples above the median go there with
        probability ``1 - p_below``.
    n_train, n_test : int, default=None
        Sizes of the returned sets.  Default: ``min(500, pool_size // 2)``
        where ``pool_size`` is the size of the corresponding (training or
        test) pool.  Must not exceed the pool size.
    return_indices : bool, default=False
        If True, also return the row indices of the training and test sets.
    random_state : int, RandomState instance or None, default=None
        Controls the random assignment and the subsampling.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarrays
        If ``y`` is given.  ``X_*`` are NumPy arrays (DataFrames are
        converted) of shape (n_train or n_test, n_features).
    X_train, X_test : ndarrays
        If ``y`` is None.
    train_indices, test_indices : ndarrays
        Appended to the returned tuple if ``return_indices=True``.

    References
    ----------
    J. I. Segovia-Martin, S. Mazuelas and A. Liu (2023). Double-Weighting for
    Covariate Shift Adaptation. Proceedings of the 40th International
    Conference on Machine Learning (ICML), PMLR 202.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.datasets import make_covariate_shift
    >>> X = np.random.RandomState(0).normal(size=(2000, 3))
    >>> X_tr, X_te = make_covariate_shift(X, feature=0, random_state=0)
    >>> bool(X_tr[:, 0].mean() < X_te[:, 0].mean())
    True
    """
    columns = getattr(X, "columns", None)
    X_arr = check_array(X, dtype=np.float64, ensure_min_samples=2)
    n_samples, n_features = X_arr.shape
    if y is not None:
        y_arr = column_or_1d(np.asarray(y), warn=True)
        check_consistent_length(X_arr, y_arr)

    if isinstance(feature, str) and feature.lower() == "pc1":
        score = _first_principal_component(X_arr)
    elif isinstance(feature, str):
        if columns is None or feature not in list(columns):
            raise ValueError(
                f"feature={feature!r} is neither 'pc1' nor a column name of X."
            )
        score = X_arr[:, list(columns).index(feature)]
    elif not -n_features <= feature < n_features:
        raise ValueError(
            f"feature={feature} is out of range for X with {n_features} features."
        )
    else:
        score = X_arr[:, int(feature)]

    rng = check_random_state(random_state)
    below = score <= np.median(score)
    p_train = np.where(below, p_below, 1.0 - p_below)
    to_train = rng.uniform(size=n_samples) < p_train
    train_pool = np.flatnonzero(to_train)
    test_pool = np.flatnonzero(~to_train)

    def _size(n, pool, name):
        if n is None:
            return min(500, len(pool) // 2)
        if n > len(pool):
            raise ValueError(
                f"{name}={n} exceeds the size of the {name[2:]} pool ({len(pool)} "
                "samples); use a smaller value or a larger dataset."
            )
        return n

    n_train = _size(n_train, train_pool, "n_train")
    n_test = _size(n_test, test_pool, "n_test")
    if n_train < 1 or n_test < 1:
        raise ValueError(
            "The dataset is too small to build non-empty train and test sets."
        )
    train_idx = np.sort(rng.choice(train_pool, size=n_train, replace=False))
    test_idx = np.sort(rng.choice(test_pool, size=n_test, replace=False))

    if y is None:
        out = (X_arr[train_idx], X_arr[test_idx])
    else:
        out = (X_arr[train_idx], y_arr[train_idx], X_arr[test_idx], y_arr[test_idx])
    if return_indices:
        out = out + (train_idx, test_idx)
    return out


# --------------------------------------------------------------------------
# make_ordinal_rare_events
# --------------------------------------------------------------------------
@validate_params(
    {"X": ["array-like"], "intercepts": ["array-like"], "coef": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def ordinal_class_probabilities(X, intercepts, coef):
    """True class probabilities of a cumulative-logit model with class-specific slopes.

    ``P(y <= k | x) = sigmoid(intercepts[k] + x @ coef[:, k])`` for
    ``k = 0, ..., K - 2`` and ``P(y <= K - 1 | x) = 1``; class probabilities
    are successive differences.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Input points.
    intercepts : array-like of shape (n_classes - 1,)
        Intercepts ``a_k``.
    coef : array-like of shape (n_features, n_classes - 1)
        Slope vectors ``b_k`` as columns.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        Class probabilities.  Entries can be negative when the cumulative
        curves cross at ``X`` (the model is then invalid at these points).

    Examples
    --------
    >>> from sklearn_datacentric.datasets import ordinal_class_probabilities
    >>> ordinal_class_probabilities([[0.0]], intercepts=[0.0, 1.0], coef=[[1.0, 1.0]])
    array([[0.5       , 0.23105858, 0.26894142]])
    """
    X = check_array(X, dtype=np.float64)
    intercepts = np.asarray(intercepts, dtype=np.float64)
    coef = np.asarray(coef, dtype=np.float64)
    cum = expit(intercepts[None, :] + X @ coef)
    n = X.shape[0]
    cum = np.hstack([np.zeros((n, 1)), cum, np.ones((n, 1))])
    return np.diff(cum, axis=1)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "n_classes": [Interval(Integral, 2, None, closed="left")],
        "intercepts": ["array-like"],
        "beta": [Interval(Real, None, None, closed="neither")],
        "diff_size": [Interval(Real, 0, None, closed="left")],
        "diff_prob": [Interval(Real, 0, 1, closed="both")],
        "sparse_base": ["boolean"],
        "x_distribution": [StrOptions({"uniform", "normal"})],
        "ensure_all_classes": ["boolean"],
        "max_tries": [Interval(Integral, 1, None, closed="left")],
        "return_params": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_ordinal_rare_events(
    n_samples=2500,
    n_features=10,
    n_classes=4,
    intercepts=(0.0, 3.0, 5.0),
    beta=1.0,
    diff_size=0.5,
    diff_prob=1.0 / 3.0,
    *,
    sparse_base=True,
    x_distribution="uniform",
    ensure_all_classes=True,
    max_tries=100,
    return_params=False,
    random_state=None,
):
    """Generate ordinal data with a rare top class (PRESTO "sparse differences").

    Simulation of Faletto and Bien (2023, Section 4.1) following the
    authors' published simulation code.  The cumulative-logit model with
    class-specific slopes is

    ``P(y <= k | x) = sigmoid(a_k + x^T b_k)``, ``k = 0, ..., K - 2``,

    where, with ``p = n_features``:

    * ``b_0 = beta * m`` where each entry of the mask ``m`` is 1 with
      probability ``diff_prob`` and 0 otherwise (``sparse_base=True``, as in
      the paper's code; ``sparse_base=False`` gives ``b_0 = beta * ones``);
    * ``b_k = b_{k-1} + d_k`` for ``k >= 1``, where each entry of ``d_k`` is
      nonzero with probability ``diff_prob``, with magnitude ``diff_size``
      and an independent random sign;
    * ``x ~ Uniform([-1, 1]^p)`` (paper) or ``N(0, I_p)``
      (``x_distribution="normal"``).

    With increasing intercepts (default ``(0, 3, 5)``) the last class
    ``K - 1`` is rare (about 1% of the samples with the defaults).

    The differences make the cumulative probabilities cross for some ``x``.
    As in the paper, if any class probability of the generated sample is
    negative the coefficients are redrawn (and the sample regenerated); if
    ``ensure_all_classes`` and a class is absent from ``y`` the sample is
    redrawn too.  After ``max_tries`` failed attempts a ``RuntimeError`` is
    raised.  Validity is only guaranteed at the generated points: use
    :func:`ordinal_class_probabilities` with the returned parameters to
    evaluate (and check) new points.

    Parameters
    ----------
    n_samples : int, default=2500
        Number of samples.
    n_features : int, default=10
        Number of features ``p``.
    n_classes : int, default=4
        Number of ordered classes ``K >= 2``.
    intercepts : array-like of shape (n_classes - 1,), default=(0, 3, 5)
        Strictly increasing intercepts ``a_0 < ... < a_{K-2}``.
    beta : float, default=1.0
        Size of the nonzero entries of the first slope vector ``b_0`` (the
        paper's code uses 1).
    diff_size : float, default=0.5
        Magnitude of the nonzero entries of the differences ``d_k``
        (``>= 0``).
    diff_prob : float in [0, 1], default=1/3
        Probability that an entry of ``d_k`` (and of the mask of ``b_0``) is
        nonzero.
    sparse_base : bool, default=True
        Whether ``b_0`` is sparse (see above).
    x_distribution : {"uniform", "normal"}, default="uniform"
        Distribution of the features.
    ensure_all_classes : bool, default=True
        Redraw until every class occurs at least once in ``y``.
    max_tries : int, default=100
        Maximum number of redraws.
    return_params : bool, default=False
        If True, also return the true parameters and probabilities.
    random_state : int, RandomState instance or None, default=None
        Controls all randomness.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Features.
    y : ndarray of shape (n_samples,)
        Ordered integer labels in ``0, ..., n_classes - 1``; class
        ``n_classes - 1`` is the rare class.
    params : :class:`~sklearn.utils.Bunch`
        Only if ``return_params=True``: ``intercepts`` (K-1,), ``coef``
        (p, K-1) with ``b_k`` as columns, ``differences`` (p, K-2) with the
        ``d_k``, ``proba`` (n_samples, K) true class probabilities of each
        row, ``cumulative_proba`` (n_samples, K-1) and ``predict_proba`` a
        callable ``X -> (n, K)`` true class probabilities.

    References
    ----------
    G. Faletto and J. Bien (2023). Predicting Rare Events by Shrinking
    Towards Proportional Odds. Proceedings of the 40th International
    Conference on Machine Learning (ICML), PMLR 202, 9547-9602.
    arXiv:2305.18700.

    Examples
    --------
    >>> from sklearn_datacentric.datasets import make_ordinal_rare_events
    >>> X, y = make_ordinal_rare_events(random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((2500, 10), [0, 1, 2, 3])
    """
    try:
        intercepts = np.asarray(intercepts, dtype=np.float64).ravel()
    except (TypeError, ValueError) as exc:
        raise TypeError("intercepts must be an array of numbers.") from exc
    if intercepts.shape[0] != n_classes - 1:
        raise ValueError(
            f"intercepts must have n_classes - 1 = {n_classes - 1} entries, "
            f"got {intercepts.shape[0]}."
        )
    if not np.all(np.isfinite(intercepts)):
        raise ValueError("intercepts must be finite.")
    if np.any(np.diff(intercepts) <= 0):
        raise ValueError("intercepts must be strictly increasing.")
    if ensure_all_classes and n_samples < n_classes:
        raise ValueError("n_samples must be >= n_classes when ensure_all_classes=True.")

    rng = check_random_state(random_state)
    p, K = n_features, n_classes
    last_reason = ""
    for _ in range(max_tries):
        base = np.full(p, beta)
        if sparse_base:
            base = base * (rng.uniform(size=p) < diff_prob)
        nonzero = rng.uniform(size=(p, K - 2)) < diff_prob
        signs = rng.choice([-1.0, 1.0], size=(p, K - 2))
        diffs = diff_size * nonzero * signs
        coef = np.empty((p, K - 1))
        coef[:, 0] = base
        for k in range(1, K - 1):
            coef[:, k] = coef[:, k - 1] + diffs[:, k - 1]

        if x_distribution == "uniform":
            X = rng.uniform(-1.0, 1.0, size=(n_samples, p))
        else:
            X = rng.standard_normal(size=(n_samples, p))
        proba = ordinal_class_probabilities(X, intercepts, coef)
        if np.any(proba < 0):
            last_reason = (
                "crossing cumulative probabilities (negative class probability)"
            )
            continue
        cum = np.cumsum(proba, axis=1)[:, :-1]
        u = rng.uniform(size=n_samples)
        y = np.sum(u[:, None] >= cum, axis=1).astype(np.int64)
        if ensure_all_classes and np.unique(y).size < K:
            last_reason = "not every class was observed"
            continue
        break
    else:
        raise RuntimeError(
            f"Could not generate a valid sample in max_tries={max_tries} attempts "
            f"(last failure: {last_reason}). Increase the gaps between the "
            "intercepts, decrease diff_size, or increase n_samples/max_tries."
        )

    if not return_params:
        return X, y

    def predict_proba(X_new):
        return ordinal_class_probabilities(X_new, intercepts, coef)

    params = Bunch(
        intercepts=intercepts.copy(),
        coef=coef,
        differences=diffs,
        proba=proba,
        cumulative_proba=cum,
        predict_proba=predict_proba,
    )
    return X, y, params
