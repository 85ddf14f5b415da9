import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from sklearn_datacentric.selection import (
    EL2NPruner,
    RandomPruner,
    RepeatedRandomSubsetSampler,
    el2n_scores,
)

from ._noise import flip_uniform


def test_el2n_by_hand():
    P = np.array([[0.8, 0.2], [0.5, 0.5], [0.0, 1.0]])
    y = np.array([0, 1, 0])
    np.testing.assert_allclose(
        el2n_scores(P, y), [np.sqrt(0.08), np.sqrt(0.5), np.sqrt(2.0)]
    )


def _data():
    return make_classification(
        n_samples=400, n_features=6, n_informative=4, random_state=0
    )


@pytest.mark.parametrize("keep_ratio, offset", [(0.5, 0.0), (0.3, 0.1), (1.0, 0.0)])
def test_keep_ratio_and_offset_semantics(keep_ratio, offset):
    X, y = _data()
    pr = EL2NPruner(keep_ratio=keep_ratio, offset=offset, n_fits=2, random_state=0)
    X_res, y_res = pr.fit_resample(X, y)
    n = X.shape[0]
    n_off, n_keep = int(np.floor(offset * n)), int(round(keep_ratio * n))
    order = np.argsort(-pr.scores_, kind="stable")
    np.testing.assert_array_equal(
        np.sort(pr.sample_indices_), np.sort(order[n_off : n_off + n_keep])
    )
    assert X_res.shape[0] == n_keep
    assert pr.mask_.sum() == n - n_keep
    np.testing.assert_array_equal(pr.provenance_.seed, pr.sample_indices_)


def test_scores_average_the_short_fits():
    X, y = _data()
    est = LogisticRegression(max_iter=3, solver="saga", random_state=0)
    pr = EL2NPruner(est, n_fits=3, random_state=0)
    with pytest.warns(Warning):  # saga stopped early: ConvergenceWarning
        pr.fit_resample(X, y)
    rng = np.random.RandomState(0)
    total = 0
    for _ in range(3):
        e = LogisticRegression(
            max_iter=3, solver="saga", random_state=rng.randint(np.iinfo(np.int32).max)
        )
        with pytest.warns(Warning):
            e.fit(X, y)
        total = total + el2n_scores(e.predict_proba(X), y)
    np.testing.assert_allclose(pr.scores_, total / 3)


def test_el2n_ranks_noisy_labels_hardest():
    X, y = _data()
    y_noisy, noise = flip_uniform(y, 0.1, np.random.RandomState(0))
    pr = EL2NPruner(n_fits=3, random_state=0).fit(X, y_noisy)
    pr.fit_resample(X, y_noisy)
    # mislabelled rows carry the largest errors (the reason for the offset);
    # 10 epochs of a small MLP: early in training, as in the paper
    assert roc_auc_score(noise, pr.scores_) > 0.8
    # the 10% offset drops a top decile enriched at least 3x in flipped rows
    off = EL2NPruner(keep_ratio=0.5, offset=0.1, n_fits=3, random_state=0)
    off.fit_resample(X, y_noisy)
    top = np.argsort(-off.scores_, kind="stable")[:40]
    assert noise[top].mean() > 3 * noise.mean()
    assert off.mask_[top].all()


def test_sampling_strategy_only_prunes_targeted_classes():
    X, y = _data()
    pr = RandomPruner(keep_ratio=0.5, sampling_strategy=[0], random_state=0)
    _, y_res = pr.fit_resample(X, y)
    assert (y_res == 1).sum() == (y == 1).sum()
    assert (y_res == 0).sum() == round(0.5 * (y == 0).sum())


@pytest.mark.parametrize("bad", [0, 0.0, -0.1, 1.5])
def test_keep_ratio_outside_unit_interval(bad):
    X, y = _data()
    for pr in (RandomPruner(keep_ratio=bad), EL2NPruner(keep_ratio=bad, n_fits=1)):
        with pytest.raises(ValueError, match="keep_ratio"):
            pr.fit_resample(X, y)
    with pytest.raises(ValueError, match="keep_ratio"):
        RepeatedRandomSubsetSampler(10, keep_ratio=bad)


def test_offset_plus_keep_ratio_too_large():
    X, y = _data()
    with pytest.raises(ValueError, match=r"keep_ratio \+ offset"):
        EL2NPruner(keep_ratio=0.8, offset=0.3, n_fits=1).fit_resample(X, y)


def test_random_pruner_reproducible_and_uniform():
    X, y = _data()
    a = RandomPruner(random_state=3).fit_resample(X, y)[0]
    b = RandomPruner(random_state=3).fit_resample(X, y)[0]
    np.testing.assert_array_equal(a, b)
    # every row is kept with probability keep_ratio: over 200 seeds the keep
    # frequency of each row is Binomial(200, 0.5)/200, inside 0.5 +- 5 sd
    counts = np.zeros(X.shape[0])
    for s in range(200):
        pr = RandomPruner(random_state=s)
        pr.fit_resample(X, y)
        counts[pr.sample_indices_] += 1
    freq = counts / 200
    assert np.all(np.abs(freq - 0.5) < 5 * np.sqrt(0.25 / 200))


def test_no_predict_proba():
    from sklearn.svm import SVC

    X, y = _data()
    with pytest.raises((TypeError, ValueError), match="predict_proba"):
        EL2NPruner(SVC(), n_fits=1).fit_resample(X, y)


def test_repeated_random_subset_sampler():
    s = RepeatedRandomSubsetSampler(10, keep_ratio=0.3, random_state=0)
    assert len(s) == 3
    # without replacement: the first 3 epochs (9 rows) never repeat a row
    seen = [i for _ in range(3) for i in s]
    assert len(seen) == len(set(seen)) == 9
    # epochs that straddle two permutations never repeat a row
    for _ in range(20):
        epoch = list(s)
        assert len(epoch) == len(set(epoch)) == 3
    s = RepeatedRandomSubsetSampler(list(range(7)), keep_ratio=1.0, random_state=0)
    assert sorted(s) == list(range(7))
    r = RepeatedRandomSubsetSampler(
        100, keep_ratio=0.2, replacement=True, random_state=0
    )
    e1, e2 = list(r), list(r)
    assert len(set(e1)) == 20 and e1 != e2
    with pytest.raises(ValueError, match="n_samples"):
        RepeatedRandomSubsetSampler(0)


def test_sampler_in_a_dataloader():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader, TensorDataset

    ds = TensorDataset(torch.arange(50))
    s = RepeatedRandomSubsetSampler(len(ds), keep_ratio=0.2, random_state=0)
    loader = DataLoader(ds, batch_size=4, sampler=s)
    epoch = torch.cat([b[0] for b in loader])
    assert epoch.shape[0] == 10 and len(set(epoch.tolist())) == 10


def test_sampler_with_the_neural_estimators():
    pytest.importorskip("torch")
    pytest.importorskip("skorch")
    neural = pytest.importorskip("sklearn_datacentric.neural")
    X, y = _data()
    s = RepeatedRandomSubsetSampler(len(y), keep_ratio=0.25, random_state=0)
    net = neural.TabularNetClassifier(
        max_epochs=4,
        train_split=None,
        batch_size=50,
        iterator_train__sampler=s,
        iterator_train__shuffle=False,
        random_state=0,
    ).fit(X.astype(np.float32), y)
    # 100 rows per epoch in batches of 50: two optimisation steps per epoch
    assert [len(h["batches"]) for h in net.history] == [2, 2, 2, 2]
    # without replacement, the 4 epochs visited every row once
    assert s._pos == len(y) == 400
