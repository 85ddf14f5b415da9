import numpy as np
import pytest

from sklearn_datacentric.mixup import CRITERIA, sample_partners
from sklearn_datacentric.mixup._kernels import mix_rows_kernel
from sklearn_datacentric.mixup._pairs import (
    build_cell_index,
    implicit_row_weights,
    parse_criterion,
)

from ._reference import (
    reference_mix,
    reference_partners,
    reference_row_weights,
    relation_mask,
)


def _data(seed=0, n=300, n_classes=4, n_domains=3):
    rng = np.random.RandomState(seed)
    # unequal, shuffled cells; every (class, domain) cell non-empty
    c = rng.choice(
        n_classes,
        size=n,
        p=np.linspace(1, 3, n_classes) / np.linspace(1, 3, n_classes).sum(),
    )
    d = rng.choice(
        n_domains,
        size=n,
        p=np.linspace(3, 1, n_domains) / np.linspace(3, 1, n_domains).sum(),
    )
    return c, d


@pytest.mark.parametrize("criterion", CRITERIA)
def test_kernel_matches_numpy_reference(criterion):
    c, d = _data()
    class_rel, dom_rel, _ = parse_criterion(criterion)
    rng = np.random.RandomState(1)
    anchors = rng.randint(0, len(c), size=2000)
    u = rng.random_sample(2000)
    index, _, _ = build_cell_index(len(c), c, d, class_rel=class_rel, dom_rel=dom_rel)
    got = index.sample(class_rel, dom_rel, anchors.astype(np.int64), u)
    want = reference_partners(c, d, anchors, u, class_rel, dom_rel)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("criterion", CRITERIA)
def test_partners_satisfy_criterion_and_cover_set(criterion):
    c, d = _data(seed=3, n=60, n_classes=3, n_domains=2)
    assert np.bincount(c * 2 + d).min() >= 2
    class_rel, dom_rel, _ = parse_criterion(criterion)
    anchors = np.repeat(np.arange(60), 3000)
    j = sample_partners(anchors, y=c, groups=d, criterion=criterion, random_state=0)
    for i in range(60):
        ji = j[anchors == i]
        mask = relation_mask(c, d, i, class_rel, dom_rel)
        assert mask[ji].all()
        # every member of S(i) is reachable (uniform over S(i), size < 60)
        assert set(np.unique(ji)) == set(np.flatnonzero(mask))


def test_uniform_within_partner_set():
    # chi-square against the uniform law on S(i) for one anchor
    from scipy.stats import chisquare

    c, d = _data(seed=5, n=200)
    crit = "different_class+different_domain"
    j = sample_partners(
        np.full(60000, 7), y=c, groups=d, criterion=crit, random_state=0
    )
    mask = relation_mask(c, d, 7, 2, 2)
    counts = np.bincount(j, minlength=200)[mask]
    assert counts.sum() == 60000
    assert chisquare(counts).pvalue > 1e-3


def test_int_anchors_and_reproducible():
    y = np.array([0, 0, 1, 1, 1, 2])
    a = sample_partners(6, y=y, criterion="different_class", random_state=3)
    b = sample_partners(np.arange(6), y=y, criterion="different_class", random_state=3)
    np.testing.assert_array_equal(a, b)
    assert np.all(y[a] != y)
    r = sample_partners(10, criterion="random", random_state=0)
    assert np.all(r != np.arange(10)) and r.max() < 10


def test_string_labels_and_order_free_combination():
    y = np.array(["a", "a", "b", "b"])
    g = np.array(["u", "v", "u", "v"])
    j1 = sample_partners(
        4, y=y, groups=g, criterion="different_domain+same_class", random_state=0
    )
    j2 = sample_partners(
        4, y=y, groups=g, criterion="same_class+different_domain", random_state=0
    )
    np.testing.assert_array_equal(j1, j2)
    np.testing.assert_array_equal(j1, [1, 0, 3, 2])


@pytest.mark.parametrize(
    "criterion, kwargs, match",
    [
        ("diagonal", {"y": [0, 1]}, "Unknown criterion"),
        ("same_class+different_class", {"y": [0, 1]}, "names the class twice"),
        ("same_domain", {"y": [0, 1, 0]}, "needs their labels: pass groups"),
        ("different_class", {"groups": [0, 1, 0]}, "needs the class labels y"),
        ("different_domain", {"groups": [0, 0, 0]}, "without any valid partner"),
        ("same_class", {"y": [0, 0, 1]}, "without any valid partner"),
        ("different_class", {"y": [1, 1, 1]}, "without any valid partner"),
        (
            "different_domain+same_class",
            {"y": [0, 0, 1, 1], "groups": [0, 1, 0, 0]},
            "without any valid partner",
        ),
    ],
)
def test_bad_input(criterion, kwargs, match):
    n = len(next(iter(kwargs.values())))
    with pytest.raises(ValueError, match=match):
        sample_partners(n, criterion=criterion, random_state=0, **kwargs)


def test_bad_anchor_values():
    with pytest.raises(ValueError, match="row indices"):
        sample_partners([0, 5], y=[0, 1, 0], criterion="random")
    with pytest.raises(ValueError, match="n_samples"):
        sample_partners([0, 1], criterion="random")


@pytest.mark.parametrize("criterion", CRITERIA)
def test_implicit_row_weights_closed_form(criterion):
    c, d = _data(seed=0, n=150, n_classes=3, n_domains=3)
    assert np.bincount(c * 3 + d).min() >= 2
    class_rel, dom_rel, _ = parse_criterion(criterion)
    index, _, _ = build_cell_index(len(c), c, d, class_rel=class_rel, dom_rel=dom_rel)
    w = implicit_row_weights(index, class_rel, dom_rel)
    np.testing.assert_allclose(
        w, reference_row_weights(c, d, class_rel, dom_rel), rtol=1e-12, atol=1e-15
    )
    assert w.sum() == pytest.approx(1.0)


def test_mix_rows_kernel_matches_numpy():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 7)
    a = rng.randint(0, 50, 300).astype(np.int64)
    b = rng.randint(0, 50, 300).astype(np.int64)
    lam = rng.beta(0.4, 0.4, 300)
    np.testing.assert_allclose(
        mix_rows_kernel(X, a, b, lam), reference_mix(X, a, b, lam), rtol=1e-13
    )
