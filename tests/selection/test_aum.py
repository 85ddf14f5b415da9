import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from sklearn_datacentric.datasets import load_breast_cancer_wisconsin, load_wine_quality
from sklearn_datacentric.selection import AreaUnderMarginSelector, margins_from_logits

from ._noise import flip_uniform


def test_margins_by_hand():
    logits = np.array([[2.0, 1.0, -1.0], [0.0, 3.0, 1.0], [1.0, 1.0, 1.0]])
    y = np.array([0, 0, 2])
    np.testing.assert_allclose(margins_from_logits(logits, y), [1.0, -3.0, 0.0])


def _noisy(rate=0.15, seed=0):
    X, y = load_breast_cancer_wisconsin(return_X_y=True)
    y_noisy, noise = flip_uniform(y, rate, np.random.RandomState(seed))
    return X, y_noisy, noise


def test_threshold_slices_and_cutoffs():
    X, y, _ = _noisy()
    sel = AreaUnderMarginSelector(percentile=99, random_state=0).fit(X, y)
    sel.fit_resample(X, y)
    n, c = X.shape[0], 2
    thr = sel.threshold_mask_
    # two disjoint slices of N // (c + 1) rows each
    assert thr.sum(axis=1).tolist() == [n // (c + 1)] * 2
    assert not (thr[0] & thr[1]).any()
    # every row has an AUM from a run where it kept its label
    assert (~thr).any(axis=0).all()
    for r in range(2):
        np.testing.assert_allclose(
            sel.cutoffs_[r], np.percentile(sel.run_aum_[r, thr[r]], 99)
        )
    # rows in both non-threshold sets average their two runs
    both = ~thr[0] & ~thr[1]
    np.testing.assert_allclose(sel.aum_[both], sel.run_aum_[:, both].mean(axis=0))
    only0 = thr[1]
    np.testing.assert_allclose(sel.aum_[only0], sel.run_aum_[0, only0])
    np.testing.assert_allclose(sel.scores_, -sel.aum_)


def test_aum_is_mean_margin_over_boosting_iterations():
    X, y, _ = _noisy()
    sel = AreaUnderMarginSelector(random_state=0).fit(X, y)
    sel.fit_resample(X, y)
    # refit run 0 by hand and average the staged margins
    y_run = y.copy()
    y_run[sel.threshold_mask_[0]] = 2
    est = HistGradientBoostingClassifier(max_iter=50, max_depth=2, early_stopping=False)
    rng = np.random.RandomState(0)
    rng.permutation(X.shape[0])
    est.set_params(random_state=rng.randint(np.iinfo(np.int32).max))
    est.fit(X, y_run)
    margins = [margins_from_logits(z, y_run) for z in est.staged_decision_function(X)]
    np.testing.assert_allclose(sel.run_aum_[0], np.mean(margins, axis=0))


def test_detects_injected_noise():
    X, y, noise = _noisy()
    sel = AreaUnderMarginSelector(random_state=0)
    X_res, y_res = sel.fit_resample(X, y)
    tp = (sel.mask_ & noise).sum()
    # threshold rows are mislabelled by construction, so a flipped row's AUM
    # is distributed like theirs and the 99th-percentile cut catches about
    # 99% of the flipped rows (102 here: a binomial band around 0.99)
    assert tp / noise.sum() > 0.95  # recall
    # on small tabular data the cut also flags many clean rows (documented)
    assert sel.mask_[noise].mean() > sel.mask_[~noise].mean() + 0.3
    # the AUM ranking separates noisy from clean rows
    assert roc_auc_score(noise, sel.scores_) > 0.93
    # a lower percentile flags a subset, with higher precision
    low = AreaUnderMarginSelector(percentile=50, random_state=0).fit(X, y)
    low.fit_resample(X, y)
    assert not (low.mask_ & ~sel.mask_).any()
    assert (low.mask_ & noise).sum() / low.mask_.sum() > tp / sel.mask_.sum()
    assert X_res.shape[0] == (~sel.mask_).sum()
    np.testing.assert_array_equal(sel.provenance_.seed, np.flatnonzero(~sel.mask_))


@pytest.mark.filterwarnings("ignore:AreaUnderMarginSelector would remove")
def test_multiclass_and_gradient_boosting():
    X, y = load_wine_quality(return_X_y=True)
    X, y = X[:600], y[:600]
    sel = AreaUnderMarginSelector(
        GradientBoostingClassifier(n_estimators=10, max_depth=2, random_state=0),
        random_state=0,
    )
    sel.fit_resample(X, y)
    c = np.unique(y).size
    assert sel.threshold_mask_.sum(axis=1).tolist() == [600 // (c + 1)] * 2
    assert np.isfinite(sel.aum_).all()


def test_estimator_without_dynamics():
    X, y, _ = _noisy()
    with pytest.raises(TypeError, match="training dynamics"):
        AreaUnderMarginSelector(LogisticRegression()).fit_resample(X, y)


def test_neural_dynamics():
    pytest.importorskip("torch")
    pytest.importorskip("skorch")
    neural = pytest.importorskip("sklearn_datacentric.neural")
    X, y, noise = _noisy(0.2)
    net = neural.TabularNetClassifier(
        record_dynamics=True, train_split=None, max_epochs=15, random_state=0
    )
    sel = AreaUnderMarginSelector(net, random_state=0)
    sel.fit_resample(X, y)
    assert roc_auc_score(noise, sel.scores_) > 0.85
    net_split = neural.TabularNetClassifier(
        record_dynamics=True, max_epochs=2, random_state=0
    )
    with pytest.raises(ValueError, match="train_split=None"):
        AreaUnderMarginSelector(net_split, random_state=0).fit_resample(X, y)
