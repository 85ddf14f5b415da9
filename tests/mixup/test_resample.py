import numpy as np
import pytest

from sklearn_datacentric.mixup import GroupBalancedResampler


def _data(n=200, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.choice(3, size=n, p=[0.7, 0.2, 0.1])
    g = rng.choice(2, size=n, p=[0.8, 0.2])
    return rng.randn(n, 3), y, g


@pytest.mark.parametrize("balance", ["class", "domain", "class_domain"])
def test_uniform_groups(balance):
    X, y, g = _data()
    res = GroupBalancedResampler(balance=balance, n_samples=601, random_state=0)
    X_res, y_res = res.fit_resample(X, y, groups=g)
    idx = res.sample_indices_
    np.testing.assert_array_equal(X_res, X[idx])
    np.testing.assert_array_equal(y_res, y[idx])
    key = {"class": y, "domain": g, "class_domain": y * 2 + g}[balance][idx]
    counts = np.bincount(key)
    counts = counts[counts > 0]
    assert counts.max() - counts.min() <= 1 and counts.sum() == 601
    assert sum(res.group_counts_.values()) == 601
    # each row used floor(q / n_g) or one more time within its group
    full = {"class": y, "domain": g, "class_domain": y * 2 + g}[balance]
    uses = np.bincount(idx, minlength=len(y))
    for k in np.unique(full):
        u = uses[full == k]
        assert u.max() - u.min() <= 1


def test_float_size_and_provenance():
    X, y, g = _data()
    res = GroupBalancedResampler(n_samples=0.5, random_state=0)
    X_res, y_res = res.fit_resample(X, y)
    assert X_res.shape[0] == 100
    np.testing.assert_array_equal(res.provenance_.seed, res.sample_indices_)
    assert not res.provenance_.synthetic.any()


@pytest.mark.parametrize("balance", ["domain", "class_domain"])
def test_groups_required(balance):
    X, y, _ = _data()
    with pytest.raises(ValueError, match="needs the domain"):
        GroupBalancedResampler(balance=balance).fit_resample(X, y)


def test_bad_balance():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="balance"):
        GroupBalancedResampler(balance="cells").fit_resample(X, y)
