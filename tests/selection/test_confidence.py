import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

from sklearn_datacentric.datasets import load_breast_cancer_wisconsin
from sklearn_datacentric.selection import (
    ConfidenceSelector,
    confident_joint,
    flag_label_errors,
    label_quality_scores,
    out_of_fold_proba,
)

from ._noise import flip_uniform


def test_confident_joint_by_hand():
    y = np.array([0, 0, 0, 1, 1, 1])
    P = np.array(
        [
            [0.9, 0.1],
            [0.8, 0.2],
            [0.1, 0.9],  # labelled 0, confidently 1
            [0.25, 0.75],
            [0.2, 0.8],
            [0.4, 0.6],
        ]
    )
    C, assigned, t = confident_joint(y, P, calibrate=False)
    # t_j = mean self-confidence of class j
    np.testing.assert_allclose(t, [(0.9 + 0.8 + 0.1) / 3, (0.75 + 0.8 + 0.6) / 3])
    # row 2: p1 = .9 >= t1 = .717, p0 = .1 < t0 = .6 -> counted under class 1
    # row 5: p1 = .6 < t1 and p0 = .4 < t0 -> not counted
    np.testing.assert_array_equal(assigned, [0, 0, 1, 1, 1, -1])
    np.testing.assert_array_equal(C, [[2, 1], [0, 2]])
    Q, _, _ = confident_joint(y, P)
    # calibrated: rows rescaled to the class counts (3, 3), normalised
    np.testing.assert_allclose(Q, np.array([[2, 1], [0, 3]]) / 6)
    mask = flag_label_errors(y, P, filter_by="confident_joint")
    np.testing.assert_array_equal(mask, [0, 0, 1, 0, 0, 0])
    for f in ("prune_by_noise_rate", "prune_by_class", "both"):
        np.testing.assert_array_equal(flag_label_errors(y, P, filter_by=f), mask)


def test_quality_scores():
    y = np.array([0, 1, 2])
    P = np.array([[0.7, 0.2, 0.1], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]])
    np.testing.assert_allclose(label_quality_scores(y, P), [0.7, 0.3, 0.6])
    np.testing.assert_allclose(
        label_quality_scores(y, P, method="normalized_margin"),
        [(0.5 + 1) / 2, (-0.2 + 1) / 2, (0.4 + 1) / 2],
    )
    with pytest.raises(ValueError, match="method"):
        label_quality_scores(y, P, method="nope")
    with pytest.raises(ValueError, match="integer labels"):
        label_quality_scores(np.array([0, 1, 3]), P)


def _noisy_breast_cancer(rate=0.15, seed=0):
    X, y = load_breast_cancer_wisconsin(return_X_y=True)
    y_noisy, noise = flip_uniform(y, rate, np.random.RandomState(seed))
    return X, y, y_noisy, noise


def test_detects_injected_noise():
    X, _, y_noisy, noise = _noisy_breast_cancer()
    sel = ConfidenceSelector(random_state=0)
    X_res, y_res = sel.fit_resample(X, y_noisy)
    flagged = sel.mask_
    precision = (flagged & noise).sum() / flagged.sum()
    recall = (flagged & noise).sum() / noise.sum()
    # breast cancer is nearly separable: flipped labels stand out clearly
    assert precision > 0.85, precision
    assert recall > 0.75, recall
    # scores rank the noisy rows first (AUC of the score for the noise mask)
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(noise, sel.scores_) > 0.9
    assert X_res.shape[0] == (~flagged).sum() == y_res.shape[0]
    np.testing.assert_array_equal(sel.sample_indices_, np.flatnonzero(~flagged))
    np.testing.assert_array_equal(sel.provenance_.seed, sel.sample_indices_)
    assert not sel.provenance_.synthetic.any()
    assert sel.oof_proba_.shape == (X.shape[0], 2)
    np.testing.assert_allclose(sel.oof_proba_.sum(axis=1), 1.0)


def test_parity_with_cleanlab_on_same_probabilities():
    cleanlab_filter = pytest.importorskip("cleanlab.filter")
    X, y = make_classification(
        n_samples=1500,
        n_classes=3,
        n_informative=5,
        n_clusters_per_class=1,
        random_state=1,
    )
    y_noisy, _ = flip_uniform(y, 0.2, np.random.RandomState(1))
    P = out_of_fold_proba(LogisticRegression(max_iter=500), X, y_noisy, random_state=0)
    for f in ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning"):
        ours = flag_label_errors(
            y_noisy, P, filter_by="confident_joint" if f == "confident_learning" else f
        )
        theirs = cleanlab_filter.find_label_issues(y_noisy, P, filter_by=f, n_jobs=1)
        jaccard = (ours & theirs).sum() / (ours | theirs).sum()
        assert jaccard > 0.9, (f, jaccard, ours.sum(), theirs.sum())


def test_pipeline_and_pandas():
    X, y, y_noisy, _ = _noisy_breast_cancer(0.1)
    df = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    sel = ConfidenceSelector(random_state=0)
    X_res, y_res = sel.fit_resample(df, pd.Series(y_noisy, name="label"))
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(df.columns)
    assert y_res.name == "label"
    pipe = make_imb_pipeline(
        ConfidenceSelector(random_state=0), LogisticRegression(max_iter=500)
    )
    pipe.fit(X, y_noisy)
    assert pipe.score(X, y) > 0.9


def test_sampling_strategy_protects_untargeted_classes():
    X, _, y_noisy, _ = _noisy_breast_cancer(0.2)
    sel = ConfidenceSelector(sampling_strategy=[0], random_state=0)
    _, y_res = sel.fit_resample(X, y_noisy)
    assert (y_res == 1).sum() == (y_noisy == 1).sum()
    assert (y_res == 0).sum() < (y_noisy == 0).sum()
    assert sel.mask_[y_noisy == 1].any()  # flagged, but kept


def test_no_predict_proba_is_a_clear_error():
    X, y = make_classification(n_samples=100, random_state=0)
    with pytest.raises(TypeError, match="predict_proba"):
        ConfidenceSelector(SVC()).fit_resample(X, y)


def test_class_smaller_than_folds():
    X, y = make_classification(n_samples=100, random_state=0)
    y = y.copy()
    y[:3] = 2  # class 2 has 3 rows, cv=5
    with pytest.raises(
        ValueError, match=r"Class\(es\) 2 \(3 rows\).*fewer samples than cv=5"
    ):
        ConfidenceSelector(random_state=0).fit_resample(X, y)
    # fine with 3 folds
    ConfidenceSelector(cv=3, random_state=0).fit_resample(X, y)


def test_class_removal_warns_or_raises():
    # the rule shared by every selector (in _BaseSelector): a class whose
    # rows would all be dropped is kept whole with a warning, or an error
    from sklearn_datacentric.selection import RandomPruner

    X = np.arange(200.0).reshape(100, 2)
    y = np.r_[np.zeros(50, int), np.ones(48, int), [2, 2]]
    sel = RandomPruner(keep_ratio=0.1, random_state=0)
    with pytest.warns(UserWarning, match=r"every row of class\(es\) 2"):
        _, y_res = sel.fit_resample(X, y)
    assert sel.mask_[-2:].all()  # flagged for pruning ...
    assert (y_res == 2).sum() == 2  # ... but kept
    with pytest.raises(ValueError, match=r"every row of class\(es\) 2"):
        RandomPruner(
            keep_ratio=0.1, on_class_removal="raise", random_state=0
        ).fit_resample(X, y)


def test_invalid_filter_by():
    X, y = make_classification(n_samples=60, random_state=0)
    with pytest.raises(ValueError, match="filter_by"):
        ConfidenceSelector(filter_by="nope").fit_resample(X, y)
    with pytest.raises(ValueError, match="filter_by"):
        flag_label_errors(y, np.full((60, 2), 0.5), filter_by="nope")
