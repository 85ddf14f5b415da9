import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.svm import SVC

from sklearn_datacentric.selection import (
    ActiveLearningCurves,
    UncertaintySampler,
    simulate_active_learning,
    uncertainty_scores,
)


def test_uncertainty_scores_by_hand():
    P = np.array([[0.5, 0.3, 0.2], [0.9, 0.05, 0.05], [0.4, 0.4, 0.2]])
    np.testing.assert_allclose(uncertainty_scores(P, "margin"), [0.8, 0.15, 1.0])
    np.testing.assert_allclose(
        uncertainty_scores(P, "least_confidence"), [0.5, 0.1, 0.6]
    )
    ent = -(P * np.log(P)).sum(axis=1)
    np.testing.assert_allclose(uncertainty_scores(P, "entropy"), ent)
    with pytest.raises(ValueError, match="strategy"):
        uncertainty_scores(P, "nope")


@pytest.mark.parametrize("strategy", ["margin", "entropy", "least_confidence"])
def test_select_returns_most_uncertain(strategy):
    X, y = make_classification(n_samples=300, random_state=0)
    al = UncertaintySampler(strategy=strategy, random_state=0).fit(X[:50], y[:50])
    pool = X[50:]
    idx = al.select(pool, 10)
    u = uncertainty_scores(al.estimator_.predict_proba(pool), strategy)
    assert len(set(idx)) == 10
    assert u[idx].min() >= np.sort(u)[-10]


def test_random_strategy_and_errors():
    X, y = make_classification(n_samples=100, random_state=0)
    al = UncertaintySampler(strategy="random", random_state=0).fit(X[:30], y[:30])
    idx = al.select(X[30:], 70)
    assert sorted(idx) == list(range(70))
    with pytest.raises(ValueError, match="pool of 70"):
        al.select(X[30:], 71)
    with pytest.raises(ValueError, match="positive integer"):
        al.select(X[30:], 0)
    with pytest.raises(TypeError, match="predict_proba"):
        UncertaintySampler(SVC()).fit(X, y)
    with pytest.raises(ValueError, match="2 features|features"):
        al.select(X[:, :3], 2)


def test_simulation_shapes_and_margin_beats_random():
    X, y = make_classification(
        n_samples=1200,
        n_features=10,
        n_informative=6,
        class_sep=0.8,
        flip_y=0.0,
        random_state=0,
    )
    curves = simulate_active_learning(
        None,
        X,
        y,
        strategies=("margin", "random"),
        n_initial=10,
        batch_size=10,
        n_rounds=10,
        n_repeats=6,
        random_state=0,
    )
    assert isinstance(curves, ActiveLearningCurves)
    assert curves.n_labelled.tolist() == list(range(10, 111, 10))
    assert curves.scores["margin"].shape == (6, 11)
    # same start for every strategy in a repeat
    np.testing.assert_array_equal(
        curves.scores["margin"][:, 0], curves.scores["random"][:, 0]
    )
    # margin sampling's area under the learning curve beats random on average
    diff = curves.area_under_curve("margin") - curves.area_under_curve("random")
    assert diff.mean() > 0
    df = curves.to_frame()
    assert set(df.columns) == {"strategy", "repeat", "n_labelled", "score"}
    assert len(df) == 2 * 6 * 11


def test_simulation_errors():
    X, y = make_classification(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match="Unknown strategy"):
        simulate_active_learning(None, X, y, strategies=("bogus",))
    with pytest.raises(ValueError, match="pool has"):
        simulate_active_learning(None, X, y, n_rounds=100)
    with pytest.raises(ValueError, match="n_initial"):
        simulate_active_learning(None, X, y, n_initial=1)
