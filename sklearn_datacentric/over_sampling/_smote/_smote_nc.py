"""SMOTE-NC and SMOTE-N (Chawla et al., 2002) without a dense one-hot array."""

import math
import numbers
import warnings

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.validation import check_array, check_consistent_length, validate_data

from ...neighbors import NearestNeighbors
from ...neighbors._base import l1_kneighbors_self, mixed_kneighbors_self
from ...utils._pandas import is_pandas_df
from ...utils._warnings import external_stacklevel
from . import _kernels
from ._base import BaseSMOTE, kneighbors_self, n_neighbors_of, sample_pairs

__all__ = ["SMOTENC", "SMOTEN"]


def _take_columns(X, cols, *, dense=False):
    if is_pandas_df(X):
        sub = X.iloc[:, cols]
        return sub.to_numpy() if dense else sub
    return X[:, cols]


def _median_std(Xc):
    """Median of the standard deviations of the columns of ``Xc``, finite
    for any finite data (huge values are divided by a power of two first,
    exactly, so that the variance does not overflow)."""
    Xc = np.asarray(Xc, dtype=np.float64)
    top = float(np.max(np.abs(Xc))) if Xc.size else 0.0
    scale = 1.0
    if top > 1e150:
        scale = float(np.ldexp(1.0, min(int(np.ceil(np.log2(top))), 1023)))
        Xc = Xc / scale
    return float(np.median(np.std(Xc, axis=0))) * scale


class SMOTENC(BaseSMOTE):
    """SMOTE for data with nominal and continuous features (SMOTE-NC).

    Neighbours are found with the SMOTE-NC distance: squared Euclidean
    distance of the continuous features plus ``median_std ** 2`` for every
    nominal feature that differs, ``median_std`` being the median of the
    standard deviations of the continuous features within the class.  The
    continuous features of a synthetic point are interpolated as in
    :class:`SMOTE`; each nominal feature takes the most frequent value among
    the seed's ``k_neighbors`` neighbours (ties broken uniformly at random).

    Same parameters and semantics as
    :class:`imblearn.over_sampling.SMOTENC`, in memory proportional to the
    output: the neighbour search works on integer codes of the nominal
    features (an exact KD-tree over the continuous part with the mismatch
    cost added in the leaves) and the mode is counted per column among the
    k neighbours, never through an ``n_new x k x n_categories`` array.

    Parameters
    ----------
    categorical_features : "auto" or array-like of int, str or bool, \
            default="auto"
        Nominal features: indices, names (pandas input) or a boolean mask;
        ``"auto"`` takes the columns of ``pandas.CategoricalDtype`` of a
        DataFrame.
    categorical_encoder : estimator, default=None
        One-hot encoder of the nominal features (it defines the categories,
        one column each); ``OneHotEncoder(handle_unknown="ignore")`` when
        None.  Encoders that drop or merge categories are refused.
    sampling_strategy : float, str, dict or callable, default="auto"
        See :class:`SMOTE`.
    random_state : int, RandomState instance or None, default=None
        Controls the draws of pairs, gaps and ties.
    k_neighbors : int or object with ``kneighbors``, default=5
        Number of neighbours.  An estimator is fitted on imbalanced-learn's
        encoded matrix (continuous features then one-hot columns scaled by
        ``median_std / sqrt(2)``, a CSR matrix).
    n_jobs : int, default=None
        Threads of the neighbour search (``None``: the CPUs, bounded as in
        :class:`SMOTE`).
    verbose : int, default=0
        When positive, print one line per phase of ``fit_resample`` (the
        neighbour search and the sampling of each class, then the output),
        with the time elapsed.  In-memory input only.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples to generate per class.
    categorical_features_ : ndarray of int
        Indices of the nominal features.
    continuous_features_ : ndarray of int
        Indices of the continuous features.
    categorical_encoder_ : estimator
        The fitted encoder.
    median_std_ : dict
        Median standard deviation of the continuous features, per class.
    nn_k_ : estimator object
        The neighbours estimator (``k_neighbors + 1``, the sample included).
    provenance_ : Provenance
        Seed, partner (the neighbour used for the continuous features) and
        gap of each synthetic row; the nominal values come from the mode of
        the seed's k neighbours.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit (pandas input).

    See Also
    --------
    SMOTE, SMOTEN

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall and W. P. Kegelmeyer,
       "SMOTE: synthetic minority over-sampling technique", Journal of
       Artificial Intelligence Research 16, 321-357, 2002.

    Examples
    --------
    >>> import numpy as np
    >>> from collections import Counter
    >>> from sklearn_datacentric.over_sampling import SMOTENC
    >>> rng = np.random.RandomState(0)
    >>> X = np.column_stack([rng.randint(0, 3, 100), rng.randn(100, 2)])
    >>> y = np.array([0] * 80 + [1] * 20)
    >>> X_res, y_res = SMOTENC(categorical_features=[0],
    ...                        random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 80), (1, 80)]
    >>> set(np.unique(X_res[:, 0])) <= {0.0, 1.0, 2.0}
    True
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "categorical_features": ["array-like", StrOptions({"auto"})],
        "categorical_encoder": [
            HasMethods(["fit_transform", "inverse_transform"]),
            None,
        ],
    }
    _test_params = {"categorical_features": [0]}

    def __init__(
        self,
        categorical_features="auto",
        *,
        categorical_encoder=None,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        n_jobs=None,
        verbose=0,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            n_jobs=n_jobs,
            verbose=verbose,
        )
        self.categorical_features = categorical_features
        self.categorical_encoder = categorical_encoder

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.string = True
        return tags

    def _check_X_y(self, X, y):
        from imblearn.utils import check_target_type

        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if sparse.issparse(X):
            raise TypeError(
                "SMOTENC does not accept sparse X; pass a dense array or a DataFrame."
            )
        if not is_pandas_df(X) and not hasattr(X, "__array__"):
            X = np.asarray(X, dtype=object if not _numeric_list(X) else None)
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        if getattr(X, "ndim", 2) != 2:
            raise ValueError(f"Expected a 2-D X, got an array of shape {np.shape(X)}.")
        y = check_array(y, ensure_2d=False, dtype=None)
        check_consistent_length(X, y)
        n_samples, n_features = X.shape
        if n_samples == 0 or n_features == 0:
            raise ValueError(
                f"Found array with {n_samples} sample(s) and {n_features} "
                f"feature(s) (shape=({n_samples}, {n_features})) while a minimum "
                "of 1 is required."
            )
        if not is_pandas_df(X):
            Xa = np.asarray(X)
            if Xa.dtype.kind in "fc" and not np.isfinite(Xa).all():
                raise ValueError("Input X contains NaN or infinity.")
        return X, y, binarize_y

    def _validate_column_types(self, X):
        n_features = X.shape[1]
        if isinstance(self.categorical_features, str):  # "auto"
            if not is_pandas_df(X):
                raise ValueError(
                    "categorical_features='auto' needs a pandas DataFrame with "
                    f"category dtypes; got {type(X).__name__}. Pass the indices "
                    "of the categorical features instead."
                )
            import pandas as pd

            is_cat = np.array([isinstance(dt, pd.CategoricalDtype) for dt in X.dtypes])
        else:
            cf = np.asarray(self.categorical_features)
            if cf.dtype.kind == "b":
                if cf.shape != (n_features,):
                    raise ValueError(
                        f"categorical_features is a boolean mask of length "
                        f"{cf.shape[0] if cf.ndim else 0}, but X has {n_features} "
                        "features."
                    )
                is_cat = cf.copy()
            else:
                cols = []
                for c in cf.ravel().tolist():
                    if isinstance(c, str):
                        if not is_pandas_df(X) or c not in list(X.columns):
                            raise ValueError(
                                f"categorical_features: column {c!r} is not a "
                                "column of X."
                            )
                        cols.append(list(X.columns).index(c))
                    elif isinstance(c, numbers.Integral):
                        if not -n_features <= c < n_features:
                            raise ValueError(
                                f"categorical_features: index {c} is out of range "
                                f"for X with {n_features} features."
                            )
                        cols.append(c % n_features)
                    else:
                        raise ValueError(
                            "categorical_features must hold column indices, names "
                            f"or booleans, got {c!r}."
                        )
                is_cat = np.zeros(n_features, dtype=bool)
                is_cat[cols] = True
        self.categorical_features_ = np.flatnonzero(is_cat)
        self.continuous_features_ = np.flatnonzero(~is_cat)
        if self.categorical_features_.size == n_features:
            raise ValueError(
                "SMOTE-NC needs some continuous features; all features are "
                "categorical. Use SMOTEN."
            )
        if self.categorical_features_.size == 0:
            raise ValueError(
                "SMOTE-NC needs some categorical features; none were given. Use SMOTE."
            )

    def _encode(self, X_cat):
        if self.categorical_encoder is None:
            self.categorical_encoder_ = OneHotEncoder(handle_unknown="ignore")
        else:
            self.categorical_encoder_ = clone(self.categorical_encoder)
        X_ohe = self.categorical_encoder_.fit_transform(X_cat)
        cats = self.categorical_encoder_.categories_
        sizes = np.array([len(c) for c in cats])
        n = X_ohe.shape[0]
        if X_ohe.shape[1] != sizes.sum():
            raise ValueError(
                "SMOTENC requires a one-hot encoding with one column per category "
                f"of the categorical features: the categorical_encoder produced "
                f"{X_ohe.shape[1]} columns for {sizes.sum()} categories (dropped "
                "or merged categories are not supported)."
            )
        X_ohe = sparse.csr_matrix(X_ohe)
        X_ohe.eliminate_zeros()
        X_ohe.sort_indices()
        n_cat = len(cats)
        if X_ohe.nnz != n * n_cat or np.any(np.diff(X_ohe.indptr) != n_cat):
            raise ValueError(
                "SMOTENC requires exactly one active one-hot column per "
                "categorical feature and sample."
            )
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        codes = X_ohe.indices.reshape(n, n_cat).astype(np.int64) - offsets
        return codes, cats

    def _fit_resample(self, X, y):
        self._validate_column_types(X)
        self._validate_estimator()
        k = n_neighbors_of(self.nn_k_, "k_neighbors")
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples:
                self._check_class_size(
                    class_sample, int(np.sum(y == class_sample)), k, "k_neighbors"
                )
        X_cont = check_array(
            _take_columns(X, self.continuous_features_, dense=True),
            dtype=[np.float64, np.float32],
            input_name="X (continuous features)",
        )
        X_cat = _take_columns(X, self.categorical_features_)
        codes, cats = self._encode(X_cat)
        self.median_std_ = {}
        say = self._progress()
        plans = []
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            class_idx = np.flatnonzero(y == class_sample)
            Xc = X_cont[class_idx]
            med = _median_std(Xc)
            self.median_std_[class_sample] = med
            mismatch = 0.0 if math.isclose(med, 0) else med
            if isinstance(self.nn_k_, NearestNeighbors) and not hasattr(
                self.k_neighbors, "kneighbors"
            ):
                nns = mixed_kneighbors_self(
                    Xc, codes[class_idx], mismatch, k, n_jobs=self.n_jobs
                )[1]
            else:
                enc = self._encoded_matrix(Xc, codes[class_idx], cats, med)
                nns = kneighbors_self(clone(self.nn_k_), enc)
            say(f"{k} neighbours of its {class_idx.shape[0]} rows", class_sample)
            rng = check_random_state(self.random_state)
            rows, partners, gaps = sample_pairs(n_samples, nns, rng)
            tie_u = rng.uniform(size=(n_samples, codes.shape[1]))
            new_codes = _kernels.nominal_mode(codes, class_idx[nns[rows]], tie_u=tie_u)
            say(f"{n_samples} rows drawn (pairs, gaps, nominal modes)", class_sample)
            plans.append(
                (class_sample, class_idx[rows], class_idx[partners], gaps, new_codes)
            )
        out = self._assemble_nc(X, y, X_cont, plans, cats)
        say(f"output of {out[1].shape[0]} rows written")
        return out

    @staticmethod
    def _encoded_matrix(Xc, codes, cats, med):
        """imbalanced-learn's encoding (for a user-given neighbours estimator)."""
        n = Xc.shape[0]
        sizes = np.array([len(c) for c in cats])
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        cols = (codes + offsets).ravel()
        rows = np.repeat(np.arange(n), codes.shape[1])
        ohe = sparse.csr_matrix(
            (np.full(cols.shape[0], med / np.sqrt(2)), (rows, cols)),
            shape=(n, int(sizes.sum())),
        )
        return sparse.hstack([sparse.csr_matrix(Xc), ohe], format="csr")

    def _assemble_nc(self, X, y, X_cont, plans, cats):
        n = X_cont.shape[0]
        plans = [p for p in plans if len(p[1])]
        seeds = np.concatenate([p[1] for p in plans]) if plans else np.zeros(0, int)
        partners = np.concatenate([p[2] for p in plans]) if plans else np.zeros(0, int)
        gaps = np.concatenate([p[3] for p in plans]) if plans else np.zeros(0)
        n_cat = len(cats)
        new_codes = (
            np.concatenate([p[4] for p in plans])
            if plans
            else np.zeros((0, n_cat), np.int64)
        )
        y_res = np.concatenate(
            [y, *[np.full(len(p[1]), p[0], dtype=y.dtype) for p in plans]]
        )
        n_new = seeds.shape[0]
        new_cont = _kernels.interpolate(X_cont, seeds, partners, gaps)
        self._set_provenance(np.arange(n), seeds, partners, gaps)
        cat_new = [np.asarray(cats[j])[new_codes[:, j]] for j in range(n_cat)]
        if is_pandas_df(X):
            import pandas as pd

            data = {}
            for pos in range(X.shape[1]):
                col = X.iloc[:, pos]
                if pos in set(self.continuous_features_.tolist()):
                    j = int(np.searchsorted(self.continuous_features_, pos))
                    vals = np.concatenate([X_cont[:, j], new_cont[:, j]])
                    data[pos] = pd.Series(vals).astype(col.dtype)
                else:
                    j = int(np.searchsorted(self.categorical_features_, pos))
                    new_vals = pd.Series(cat_new[j])
                    if isinstance(col.dtype, pd.CategoricalDtype):
                        new_vals = new_vals.astype(col.dtype)
                    data[pos] = pd.concat(
                        [col.reset_index(drop=True), new_vals], ignore_index=True
                    )
            out = pd.concat(data, axis=1)
            out.columns = X.columns
            return out, y_res
        X = np.asarray(X)
        cat_dtypes = [c.dtype for c in cat_new]
        numeric = X.dtype.kind in "iufb" and all(dt.kind in "iufb" for dt in cat_dtypes)
        dtype = (
            np.result_type(X_cont.dtype, *cat_dtypes) if numeric else np.dtype(object)
        )
        out = np.empty((n + n_new, X.shape[1]), dtype=dtype)
        out[:n, self.continuous_features_] = X_cont
        out[n:, self.continuous_features_] = new_cont
        out[:n, self.categorical_features_] = X[:, self.categorical_features_]
        for j, pos in enumerate(self.categorical_features_):
            out[n:, pos] = cat_new[j]
        return out, y_res


def _numeric_list(X):
    try:
        return np.asarray(X).dtype.kind in "iufb"
    except (ValueError, TypeError):  # ragged or mixed
        return False


class SMOTEN(BaseSMOTE):
    """SMOTE for nominal features only (SMOTE-N).

    Neighbours are found with the value difference metric (VDM, Stanfill
    and Waltz 1986, as used by Chawla et al.): the distance between two
    values of a feature is the L1 distance between the class distributions
    of the samples holding them; between two samples, the square root of
    the sum over features.  A synthetic sample takes, feature by feature,
    the most frequent value among a uniformly drawn seed and its
    ``k_neighbors`` nearest neighbours (the smallest value on ties, as
    imbalanced-learn).

    Same parameters and semantics as :class:`imblearn.over_sampling.SMOTEN`;
    the neighbour search keeps O(n k) memory (imbalanced-learn builds the
    full n x n distance matrix of each class).

    Parameters
    ----------
    categorical_encoder : estimator, default=None
        Ordinal encoder of the features; ``OrdinalEncoder`` when None.
    sampling_strategy : float, str, dict or callable, default="auto"
        See :class:`SMOTE`.
    random_state : int, RandomState instance or None, default=None
        Controls the draws of seeds.
    k_neighbors : int or object with ``kneighbors``, default=5
        Number of neighbours, or an estimator fitted on the per-value class
        distributions (whose Euclidean neighbours then replace VDM ones).
    n_jobs : int, default=None
        Threads of the neighbour search (``None``: the CPUs, bounded as in
        :class:`SMOTE`).
    verbose : int, default=0
        When positive, print one line per phase of ``fit_resample`` (the
        neighbour search and the sampling of each class, then the output),
        with the time elapsed.  In-memory input only.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples to generate per class.
    categorical_encoder_ : estimator
        The fitted encoder.
    nn_k_ : estimator object
        The neighbours estimator.
    provenance_ : Provenance
        Seed of each synthetic row (``partner`` is -1 and ``gap`` 0: the
        values come from the mode over the seed and its neighbours).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit (pandas input).

    See Also
    --------
    SMOTENC

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall and W. P. Kegelmeyer,
       "SMOTE: synthetic minority over-sampling technique", Journal of
       Artificial Intelligence Research 16, 321-357, 2002.
    .. [2] C. Stanfill and D. Waltz, "Toward memory-based reasoning",
       Communications of the ACM 29(12), 1986.

    Examples
    --------
    >>> import numpy as np
    >>> from collections import Counter
    >>> from sklearn_datacentric.over_sampling import SMOTEN
    >>> X = np.array(["A"] * 10 + ["B"] * 20 + ["C"] * 30, dtype=object)
    >>> X = X.reshape(-1, 1)
    >>> y = np.array([0] * 20 + [1] * 40)
    >>> X_res, y_res = SMOTEN(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 40), (1, 40)]
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "categorical_encoder": [
            HasMethods(["fit_transform", "inverse_transform"]),
            None,
        ],
    }

    def __init__(
        self,
        categorical_encoder=None,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        n_jobs=None,
        verbose=0,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            n_jobs=n_jobs,
            verbose=verbose,
        )
        self.categorical_encoder = categorical_encoder

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags

    def _check_X_y(self, X, y):
        from imblearn.utils import check_target_type

        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X, y = validate_data(
            self, X=X, y=y, reset=True, dtype=None, accept_sparse=["csr", "csc"]
        )
        return X, y, binarize_y

    def _fit_resample(self, X, y):
        sparse_format = None
        if sparse.issparse(X):
            sparse_format = X.format
            X = X.toarray()
            warnings.warn(
                "SMOTEN converts sparse X to a dense array internally.",
                DataConversionWarning,
                stacklevel=external_stacklevel(),
            )
        self._validate_estimator()
        k = n_neighbors_of(self.nn_k_, "k_neighbors")
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples:
                self._check_class_size(
                    class_sample, int(np.sum(y == class_sample)), k, "k_neighbors"
                )
        if self.categorical_encoder is None:
            self.categorical_encoder_ = OrdinalEncoder(dtype=np.int64)
        else:
            self.categorical_encoder_ = clone(self.categorical_encoder)
        codes = np.asarray(self.categorical_encoder_.fit_transform(X)).astype(np.int64)
        E = _vdm_embedding(codes, y)
        own = isinstance(self.nn_k_, NearestNeighbors) and not hasattr(
            self.k_neighbors, "kneighbors"
        )
        say = self._progress()
        seeds_all, blocks, y_new = [], [], []
        for class_sample, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            class_idx = np.flatnonzero(y == class_sample)
            if own:
                nns = l1_kneighbors_self(E[class_idx], k, n_jobs=self.n_jobs)[1]
            else:
                nns = kneighbors_self(clone(self.nn_k_), E[class_idx])
            say(f"{k} neighbours of its {class_idx.shape[0]} rows", class_sample)
            neigh = np.column_stack([np.arange(class_idx.shape[0]), nns])
            rng = check_random_state(self.random_state)
            seeds = rng.choice(
                np.arange(class_idx.shape[0]), size=n_samples, replace=True
            )
            new_codes = _kernels.nominal_mode(codes, class_idx[neigh[seeds]])
            X_new = self.categorical_encoder_.inverse_transform(new_codes)
            seeds_all.append(class_idx[seeds])
            blocks.append(np.asarray(X_new, dtype=X.dtype))
            y_new.append(np.full(n_samples, class_sample, dtype=y.dtype))
            say(f"{n_samples} rows drawn (nominal modes)", class_sample)
        X_res = np.vstack([X, *blocks])
        y_res = np.concatenate([y, *y_new])
        seeds = np.concatenate(seeds_all) if seeds_all else np.zeros(0, int)
        self._set_provenance(np.arange(X.shape[0]), seeds)
        if sparse_format == "csr":
            return sparse.csr_matrix(X_res), y_res
        if sparse_format == "csc":
            return sparse.csc_matrix(X_res), y_res
        return X_res, y_res


def _vdm_embedding(codes, y):
    """Per-sample concatenation of the class distributions of its values.

    The L1 distance between two embeddings is the value difference metric
    (k = 1) summed over the features.
    """
    classes, y_enc = np.unique(y, return_inverse=True)
    n_classes = classes.shape[0]
    n, n_feat = codes.shape
    E = np.empty((n, n_feat * n_classes), dtype=np.float64)
    for f in range(n_feat):
        n_values = int(codes[:, f].max()) + 1
        counts = np.zeros((n_values, n_classes))
        np.add.at(counts, (codes[:, f], y_enc), 1.0)
        prob = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
        E[:, f * n_classes : (f + 1) * n_classes] = prob[codes[:, f]]
    return E
