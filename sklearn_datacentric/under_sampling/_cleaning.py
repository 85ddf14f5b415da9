"""Cleaning under-samplers on the package's neighbour engine, with provenance.

:class:`TomekLinks` and :class:`EditedNearestNeighbours` keep the same rows,
in the same order, as imbalanced-learn's samplers of the same names (the
neighbours of a point exclude the point itself by index, so data with exact
duplicates may differ: imbalanced-learn drops the first returned neighbour,
which for a duplicated point may be its twin), and record ``provenance_``
and ``sample_indices_`` so that weights and groups can follow the kept rows.
"""

import numbers

import numpy as np
from imblearn.under_sampling.base import BaseCleaningSampler
from imblearn.utils import Substitution
from imblearn.utils._docstring import _n_jobs_docstring
from scipy import sparse
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from ..over_sampling._smote._base import check_neighbors_param, kneighbors_self
from ..selection._base import _BaseSelector

__all__ = ["TomekLinks", "EditedNearestNeighbours"]


def _search_space(X):
    """X as the engine takes it: float (dense) or float CSR, never a copy
    of an array already in that form."""
    if sparse.issparse(X):
        X = X.tocsr()
        return X if X.dtype.kind == "f" else X.astype(np.float64)
    X = np.asarray(X)
    return X if X.dtype in (np.float32, np.float64) else X.astype(np.float64)


_ON_CLASS_REMOVAL = """on_class_removal : {{"warn", "raise"}}, default="warn"
        What to do when the rows to remove include every row of a class:
        ``"warn"`` keeps that class whole and warns (imbalanced-learn would
        drop it silently), ``"raise"`` raises a ``ValueError``."""


class _CleaningSampler(_BaseSelector):
    """A neighbour-based cleaner: the selectors' output, class protection,
    ``provenance_`` and ``sample_indices_``; sparse input accepted."""

    _accept_sparse = True


@Substitution(
    sampling_strategy=BaseCleaningSampler._sampling_strategy_docstring,
    on_class_removal=_ON_CLASS_REMOVAL,
    n_jobs=_n_jobs_docstring,
)
class TomekLinks(_CleaningSampler):
    """Remove the members of Tomek links from the targeted classes.

    Two points of different classes form a Tomek link when each is the
    other's nearest neighbour (Tomek, 1976).  The members of the links that
    belong to the classes chosen by ``sampling_strategy`` are removed; every
    other row is kept, in its original order.  Same parameters and kept rows
    as :class:`imblearn.under_sampling.TomekLinks`, on the package's exact
    neighbour engine.

    Parameters
    ----------
    {sampling_strategy}

    {on_class_removal}

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes cleaned (keys).
    scores_ : ndarray of shape (n_samples,)
        1 for the members of a Tomek link (of any class), 0 otherwise.
    mask_ : ndarray of shape (n_samples,), dtype bool
        Members of a Tomek link, before ``sampling_strategy``.
    sample_indices_ : ndarray of shape (n_kept,)
        Indices of the kept rows, in their original order.
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        The kept rows as output rows (nothing synthetic).
    n_features_in_ : int
        Number of features seen by ``fit_resample``.

    See Also
    --------
    EditedNearestNeighbours : Remove the points their neighbours disagree with.
    sklearn_datacentric.combine.CombinedSampler : Over-sample, then clean.

    References
    ----------
    .. [1] I. Tomek, "Two modifications of CNN", IEEE Transactions on
       Systems, Man, and Cybernetics 6(11), 769-772, 1976.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.under_sampling import TomekLinks
    >>> X = np.array([[0.0], [1.0], [1.1], [3.0], [4.0]])
    >>> y = np.array([0, 0, 1, 1, 1])
    >>> tl = TomekLinks(sampling_strategy="all")
    >>> X_res, y_res = tl.fit_resample(X, y)
    >>> tl.sample_indices_  # rows 1 and 2 are each other's nearest neighbour
    array([0, 3, 4])
    """

    _parameter_constraints = {
        **_BaseSelector._parameter_constraints,
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self, *, sampling_strategy="auto", on_class_removal="warn", n_jobs=None
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.on_class_removal = on_class_removal
        self.n_jobs = n_jobs

    @staticmethod
    def is_tomek(y, nn_index, class_type):
        """Which rows belong to a Tomek link and to one of ``class_type``.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Labels.
        nn_index : ndarray of shape (n_samples,)
            Nearest neighbour (the point itself excluded) of every row.
        class_type : iterable
            Classes whose link members are flagged.

        Returns
        -------
        is_tomek : ndarray of shape (n_samples,), dtype bool
            True for the rows that belong to a Tomek link.
        """
        y = np.asarray(y)
        nn_index = np.asarray(nn_index)
        mutual = nn_index[nn_index] == np.arange(len(y))
        return np.isin(y, list(class_type)) & (y[nn_index] != y) & mutual

    def _score_and_flag(self, X, y):
        if X.shape[0] < 2:
            raise ValueError("TomekLinks needs at least 2 samples.")
        nn = check_neighbors_param("n_neighbors", 1, n_jobs=self.n_jobs)
        nearest = kneighbors_self(nn, _search_space(X))[:, 0]
        links = self.is_tomek(y, nearest, np.unique(y))
        return links.astype(np.float64), links


@Substitution(
    sampling_strategy=BaseCleaningSampler._sampling_strategy_docstring,
    on_class_removal=_ON_CLASS_REMOVAL,
    n_jobs=_n_jobs_docstring,
)
class EditedNearestNeighbours(_CleaningSampler):
    """Remove the rows of the targeted classes their neighbours disagree with.

    Wilson's editing (1972): a row of a class chosen by ``sampling_strategy``
    is removed when its ``n_neighbors`` nearest neighbours (among all rows,
    the row itself excluded) do not all share its class (``kind_sel="all"``)
    or when their most frequent class is not its class (``kind_sel="mode"``,
    ties going to the smallest label).  Same parameters and kept rows, in
    the same order (grouped by class, classes sorted), as
    :class:`imblearn.under_sampling.EditedNearestNeighbours`, on the
    package's exact neighbour engine.

    Parameters
    ----------
    {sampling_strategy}

    n_neighbors : int or estimator with ``kneighbors``, default=3
        Number of neighbours of each row, or a nearest-neighbours estimator
        whose ``n_neighbors`` counts the row itself (as in imbalanced-learn).

    kind_sel : {{"all", "mode"}}, default="all"
        ``"all"``: keep a row when all its neighbours share its class (the
        stricter rule, removes more rows); ``"mode"``: keep it when most of
        them do.

    {on_class_removal}

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes cleaned (keys).
    nn_ : estimator
        The neighbours estimator used.
    scores_ : ndarray of shape (n_samples,)
        Share of each row's neighbours from another class.
    mask_ : ndarray of shape (n_samples,), dtype bool
        Rows the rule removes, before ``sampling_strategy``.
    sample_indices_ : ndarray of shape (n_kept,)
        Indices of the kept rows.
    provenance_ : :class:`~sklearn_datacentric.base.Provenance`
        The kept rows as output rows (nothing synthetic).
    n_features_in_ : int
        Number of features seen by ``fit_resample``.

    See Also
    --------
    TomekLinks : Remove the members of Tomek links.
    sklearn_datacentric.combine.CombinedSampler : Over-sample, then clean.

    References
    ----------
    .. [1] D. L. Wilson, "Asymptotic properties of nearest neighbor rules
       using edited data", IEEE Transactions on Systems, Man, and
       Cybernetics 2(3), 408-421, 1972.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.under_sampling import EditedNearestNeighbours
    >>> X = np.r_[np.arange(8) / 10, 5 + np.arange(5) / 10, [0.45]][:, None]
    >>> y = np.r_[np.zeros(8, int), np.ones(6, int)]
    >>> enn = EditedNearestNeighbours(sampling_strategy="all", kind_sel="mode")
    >>> _ = enn.fit_resample(X, y)
    >>> enn.sample_indices_  # the class-1 row at 0.45, among class 0, goes
    array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12])
    """

    _parameter_constraints = {
        **_BaseSelector._parameter_constraints,
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors"]),
        ],
        "kind_sel": [StrOptions({"all", "mode"})],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        n_neighbors=3,
        kind_sel="all",
        on_class_removal="warn",
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.on_class_removal = on_class_removal
        self.n_jobs = n_jobs

    def _score_and_flag(self, X, y):
        self.nn_ = check_neighbors_param(
            "n_neighbors", self.n_neighbors, n_jobs=self.n_jobs
        )
        k = getattr(self.nn_, "n_neighbors", None)
        if isinstance(k, numbers.Integral) and X.shape[0] < k:
            raise ValueError(
                f"EditedNearestNeighbours needs more samples than n_neighbors: "
                f"got {X.shape[0]} samples for {k - 1} neighbours."
            )
        labels = y[kneighbors_self(self.nn_, _search_space(X))]
        disagree = labels != y[:, None]
        if self.kind_sel == "all":
            flagged = disagree.any(axis=1)
        else:  # most frequent class, ties to the smallest label
            counts = np.apply_along_axis(
                np.bincount, 1, labels, minlength=int(y.max()) + 1
            )
            flagged = counts.argmax(axis=1) != y
        return disagree.mean(axis=1), flagged

    def _order_kept(self, kept, y):
        # grouped by class, classes sorted: imbalanced-learn's order
        return kept[np.argsort(np.asarray(y)[kept], kind="stable")]
