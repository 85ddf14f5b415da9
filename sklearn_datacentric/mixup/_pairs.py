"""Pair selection of selective mixup: criteria, partner sampling, implicit weights.

A criterion names the partner set S(i) of anchor ``i``.  It is ``"random"``
(every other row) or one or two of the tokens ``same_class``,
``different_class``, ``same_domain``, ``different_domain`` joined with
``"+"`` (at most one class token and one domain token, in any order), e.g.
``"different_domain+same_class"`` (LISA's intra-label mixing).  S(i) never
contains ``i`` itself.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from ._kernels import ANY, DIFF, SAME, sample_partners_kernel

__all__ = ["sample_partners", "parse_criterion", "CRITERIA"]

_TOKENS = {
    "same_class": ("class", SAME),
    "different_class": ("class", DIFF),
    "same_domain": ("domain", SAME),
    "different_domain": ("domain", DIFF),
}

#: The criteria with one token, and the four two-token combinations.
CRITERIA = (
    "random",
    "same_class",
    "different_class",
    "same_domain",
    "different_domain",
    "same_class+same_domain",
    "same_class+different_domain",
    "different_class+same_domain",
    "different_class+different_domain",
)


def parse_criterion(criterion):
    """Return ``(class_rel, domain_rel, canonical_name)`` of a criterion string.

    ``class_rel`` and ``domain_rel`` are 0 (any), 1 (same) or 2 (different).
    """
    if not isinstance(criterion, str):
        raise TypeError(
            f"criterion must be a string such as 'different_class', got "
            f"{type(criterion).__name__}."
        )
    name = criterion.strip().lower().replace(" ", "")
    if name == "random":
        return ANY, ANY, "random"
    parts = [p for p in name.split("+")]
    rel = {"class": ANY, "domain": ANY}
    for part in parts:
        if part not in _TOKENS:
            raise ValueError(
                f"Unknown criterion {criterion!r}: {part!r} is not one of "
                f"{sorted(_TOKENS)}. Use 'random' or join at most one class "
                "token and one domain token with '+', e.g. "
                "'different_domain+same_class'."
            )
        axis, r = _TOKENS[part]
        if rel[axis] != ANY:
            raise ValueError(
                f"Invalid criterion {criterion!r}: it names the {axis} twice; "
                "give at most one class token and one domain token."
            )
        rel[axis] = r
    words = {ANY: None, SAME: "same", DIFF: "different"}
    canon = "+".join(
        f"{words[rel[a]]}_{a}" for a in ("class", "domain") if rel[a] != ANY
    )
    return rel["class"], rel["domain"], canon


class _CellIndex:
    """Rows sorted by (class, domain) cell, with the offsets the kernel needs.

    Memory O(n + n_cells); ``class_codes`` and ``domain_codes`` are integer
    codes in ``[0, n_classes)`` and ``[0, n_domains)``.
    """

    def __init__(self, class_codes, domain_codes, n_classes, n_domains):
        n = class_codes.shape[0]
        self.n = n
        self.class_codes = class_codes
        self.domain_codes = domain_codes
        key = class_codes.astype(np.int64) * n_domains + domain_codes
        self.order = np.argsort(key, kind="stable").astype(np.int64)
        skey = key[self.order]
        self.pos = np.empty(n, dtype=np.int64)
        self.pos[self.order] = np.arange(n, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, skey[1:] != skey[:-1]])
        n_cells = starts.shape[0]
        self.cell_start = np.r_[starts, n].astype(np.int64)
        self.cell_size = np.diff(self.cell_start)
        cell_key = skey[starts]
        self.cell_class = (cell_key // n_domains).astype(np.int64)
        self.cell_domain = (cell_key % n_domains).astype(np.int64)
        self.cell_of_pos = np.repeat(np.arange(n_cells, dtype=np.int64), self.cell_size)
        class_count = np.bincount(class_codes, minlength=n_classes)
        self.class_start = np.r_[0, np.cumsum(class_count)].astype(np.int64)
        self.class_count = class_count.astype(np.int64)
        dom_count = np.bincount(domain_codes, minlength=n_domains)
        self.dom_size = dom_count.astype(np.int64)
        # cells of each domain, in position order (cell ids grow with position)
        self.dom_cells = np.argsort(self.cell_domain, kind="stable").astype(np.int64)
        cells_per_dom = np.bincount(self.cell_domain, minlength=n_domains)
        self.dom_ptr = np.r_[0, np.cumsum(cells_per_dom)].astype(np.int64)
        sizes = self.cell_size[self.dom_cells]
        csum = np.cumsum(sizes) - sizes  # exclusive prefix over the whole list
        first = np.repeat(csum[self.dom_ptr[:-1]], cells_per_dom)
        self.dom_cum = (csum - first).astype(np.int64)
        self.rank_in_dom = np.empty(n_cells, dtype=np.int64)
        self.rank_in_dom[self.dom_cells] = np.arange(n_cells, dtype=np.int64)

    def counts(self, class_rel, dom_rel, rows=None):
        """|S(i)| for each row (or each of ``rows``)."""
        c = self.class_codes if rows is None else self.class_codes[rows]
        d = self.domain_codes if rows is None else self.domain_codes[rows]
        cell = self.cell_of_pos[self.pos if rows is None else self.pos[rows]]
        n = self.n
        nc = self.class_count[c]
        nd = self.dom_size[d]
        nk = self.cell_size[cell]
        table = {
            (ANY, ANY): lambda: np.full(c.shape[0], n - 1, dtype=np.int64),
            (SAME, ANY): lambda: nc - 1,
            (DIFF, ANY): lambda: n - nc,
            (ANY, SAME): lambda: nd - 1,
            (ANY, DIFF): lambda: n - nd,
            (SAME, SAME): lambda: nk - 1,
            (SAME, DIFF): lambda: nc - nk,
            (DIFF, SAME): lambda: nd - nk,
            (DIFF, DIFF): lambda: n - nc - nd + nk,
        }
        return table[(class_rel, dom_rel)]()

    def sample(self, class_rel, dom_rel, anchors, uniforms):
        return sample_partners_kernel(
            class_rel,
            dom_rel,
            anchors,
            uniforms,
            self.order,
            self.pos,
            self.cell_of_pos,
            self.cell_start,
            self.cell_size,
            self.cell_class,
            self.cell_domain,
            self.class_start,
            self.dom_ptr,
            self.dom_cells,
            self.dom_cum,
            self.dom_size,
            self.rank_in_dom,
        )


def _encode(values, name, n):
    values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {values.shape}.")
    if values.shape[0] != n:
        raise ValueError(
            f"{name} has {values.shape[0]} entries, but there are {n} samples."
        )
    if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    uniques, codes = np.unique(values, return_inverse=True)
    return uniques, codes.astype(np.int64).ravel()


def build_cell_index(
    n, y=None, groups=None, *, class_rel=ANY, dom_rel=ANY, criterion="random"
):
    """Validate labels/groups for a criterion and build the cell index.

    Returns ``(index, classes, domains)``; ``classes`` / ``domains`` are the
    unique values (a single dummy value when not given).
    """
    if class_rel != ANY and y is None:
        raise ValueError(
            f"criterion={criterion!r} compares classes, so it needs the class labels y."
        )
    if dom_rel != ANY and groups is None:
        raise ValueError(
            f"criterion={criterion!r} compares domains, so it needs their "
            "labels: pass groups=... (inside a Pipeline or GridSearchCV, "
            "enable metadata routing and request groups with "
            "set_fit_resample_request(groups=True))."
        )
    if y is not None:
        classes, c_codes = _encode(y, "y", n)
    else:
        classes, c_codes = np.array([0]), np.zeros(n, dtype=np.int64)
    if groups is not None:
        domains, d_codes = _encode(groups, "groups", n)
    else:
        domains, d_codes = np.array([0]), np.zeros(n, dtype=np.int64)
    index = _CellIndex(c_codes, d_codes, len(classes), len(domains))
    return index, classes, domains


def check_all_have_partners(
    index, class_rel, dom_rel, criterion, rows=None, classes=None, domains=None
):
    """Raise a clear error when some anchor has an empty partner set."""
    counts = index.counts(class_rel, dom_rel, rows)
    bad = np.flatnonzero(counts <= 0)
    if bad.size:
        first = bad[0] if rows is None else rows[bad[0]]
        where = []
        if classes is not None and class_rel != ANY:
            where.append(f"class {classes.tolist()[index.class_codes[first]]!r}")
        if domains is not None and dom_rel != ANY:
            where.append(f"domain {domains.tolist()[index.domain_codes[first]]!r}")
        where = (" (" + ", ".join(where) + ")") if where else ""
        raise ValueError(
            f"criterion={criterion!r} leaves {bad.size} anchor(s) without any "
            f"valid partner, e.g. row {int(first)}{where}. For example "
            "'different_domain' needs at least two domains, 'same_class' at "
            "least two rows per class, and combined criteria a row that "
            "satisfies both parts."
        )
    return counts


@validate_params(
    {
        "anchors": [Interval(numbers.Integral, 0, None, closed="left"), "array-like"],
        "y": ["array-like", None],
        "groups": ["array-like", None],
        "criterion": [str],
        "random_state": ["random_state"],
        "n_samples": [Interval(numbers.Integral, 0, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def sample_partners(
    anchors,
    *,
    y=None,
    groups=None,
    criterion="random",
    random_state=None,
    n_samples=None,
):
    """Draw one mixup partner per anchor, uniformly from its partner set S(i).

    The sampling runs in a numba kernel in O(n) memory: rows are sorted by
    (class, domain) cell, each S(i) is a union of a few contiguous runs of
    that ordering, and no n x n matrix is formed.

    Parameters
    ----------
    anchors : int or array-like of int
        Indices (into the rows described by ``y`` / ``groups``) of the anchors;
        an int ``n`` means every row ``0 .. n-1`` once.  Anchors may repeat.
    y : array-like of shape (n_samples,), default=None
        Class labels; required by the class criteria.
    groups : array-like of shape (n_samples,), default=None
        Domain labels; required by the domain criteria.
    criterion : str, default="random"
        ``"random"`` (S(i) = every other row: vanilla mixup), or one or two of
        ``"same_class"``, ``"different_class"``, ``"same_domain"``,
        ``"different_domain"`` joined by ``"+"`` (one class token and one
        domain token at most, any order), e.g.
        ``"different_domain+same_class"``.  S(i) never contains ``i``.
    random_state : int, RandomState instance or None, default=None
        Controls the draws.
    n_samples : int, default=None
        Number of rows; needed only when neither ``y`` nor ``groups`` is given
        and ``anchors`` is an array.

    Returns
    -------
    partners : ndarray of shape (n_anchors,), dtype int64
        ``partners[t]`` is uniform over S(anchors[t]), independently across t.

    Raises
    ------
    ValueError
        Unknown criterion; a class (domain) criterion without ``y``
        (``groups``); some anchor with an empty S(i) (e.g.
        ``"different_domain"`` with a single domain).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.mixup import sample_partners
    >>> y = np.array([0, 0, 0, 1, 1])
    >>> j = sample_partners(5, y=y, criterion="different_class", random_state=0)
    >>> bool(np.all(y[j] != y))
    True
    """
    class_rel, dom_rel, canon = parse_criterion(criterion)
    n = None
    for arr in (y, groups):
        if arr is not None:
            n = len(arr)
            break
    if isinstance(anchors, numbers.Integral):
        if n is None:
            n = int(anchors)
        elif int(anchors) != n:
            raise ValueError(
                f"anchors={anchors} as an int means every row, but there are {n} rows."
            )
        anchors = np.arange(n, dtype=np.int64)
    else:
        anchors = np.asarray(anchors)
        if anchors.ndim != 1 or (anchors.size and anchors.dtype.kind not in "iu"):
            raise ValueError("anchors must be an int or a 1-D array of row indices.")
        anchors = anchors.astype(np.int64)
        if n is None:
            if n_samples is None:
                raise ValueError(
                    "With neither y nor groups, give n_samples (or anchors as an int)."
                )
            n = int(n_samples)
    if n_samples is not None and int(n_samples) != n:
        raise ValueError(f"n_samples={n_samples} but y/groups have {n} entries.")
    if anchors.size and (anchors.min() < 0 or anchors.max() >= n):
        raise ValueError(f"anchors must be row indices in [0, {n}).")
    index, classes, domains = build_cell_index(
        n, y, groups, class_rel=class_rel, dom_rel=dom_rel, criterion=criterion
    )
    rows = np.unique(anchors)
    check_all_have_partners(
        index, class_rel, dom_rel, criterion, rows, classes, domains
    )
    rng = check_random_state(random_state)
    uniforms = rng.random_sample(anchors.shape[0])
    return index.sample(class_rel, dom_rel, anchors, uniforms)


def implicit_row_weights(index, class_rel, dom_rel):
    """Expected share w_j of row j among the rows a mixed pair is made of.

    Anchor i uniform over the n rows, partner j uniform in S(i), each of the
    two counted with weight 1/2:
    ``w_j = 1/(2n) + 1/(2n) * sum_{i : j in S(i)} 1 / |S(i)|``.
    The sum is computed from class, domain and cell aggregates of
    ``a_i = 1 / |S(i)|`` by inclusion-exclusion, in O(n).
    """
    n = index.n
    counts = index.counts(class_rel, dom_rel).astype(np.float64)
    inv = np.where(counts > 0, 1.0 / np.maximum(counts, 1), 0.0)
    c = index.class_codes
    d = index.domain_codes
    cell = index.cell_of_pos[index.pos]
    total = inv.sum()
    A = np.bincount(c, weights=inv, minlength=index.class_count.shape[0])[c]
    B = np.bincount(d, weights=inv, minlength=index.dom_size.shape[0])[d]
    K = np.bincount(cell, weights=inv, minlength=index.cell_size.shape[0])[cell]
    # sum over rows i (including j itself) whose relation to j matches
    if class_rel == ANY and dom_rel == ANY:
        s = np.full(n, total)
    elif class_rel == SAME and dom_rel == ANY:
        s = A
    elif class_rel == DIFF and dom_rel == ANY:
        s = total - A
    elif class_rel == ANY and dom_rel == SAME:
        s = B
    elif class_rel == ANY and dom_rel == DIFF:
        s = total - B
    elif class_rel == SAME and dom_rel == SAME:
        s = K
    elif class_rel == SAME and dom_rel == DIFF:
        s = A - K
    elif class_rel == DIFF and dom_rel == SAME:
        s = B - K
    else:
        s = total - A - B + K
    # i = j is never in S(i); remove it where j's own cell was counted
    if class_rel != DIFF and dom_rel != DIFF:
        s = s - inv
    return 1.0 / (2 * n) + s / (2 * n)
