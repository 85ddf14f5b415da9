"""``verbose`` of the selectors prints what their fit is doing; bounds of
``keep_ratio`` are declared once and reported by name."""

import re

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_datacentric.selection import (
    AreaUnderMarginSelector,
    ConfidenceSelector,
    EL2NPruner,
    RandomPruner,
    RegressionResidualSelector,
    UncertaintySampler,
)


def _data():
    return make_classification(n_samples=120, n_features=5, random_state=0)


def test_confidence_selector_prints_each_fold(capsys):
    X, y = _data()
    sel = ConfidenceSelector(LogisticRegression(), cv=3, random_state=0, verbose=1)
    sel.fit_resample(X, y)
    out = capsys.readouterr().out
    assert "[ConfidenceSelector] out-of-fold probabilities of 120 rows (3 folds)" in out
    for k in (1, 2, 3):
        assert f"[out_of_fold_proba] fold {k}/3: LogisticRegression fitted" in out
    n = int(sel.mask_.sum())
    assert f"[ConfidenceSelector] {n} rows flagged by prune_by_noise_rate" in out
    # silent by default
    ConfidenceSelector(LogisticRegression(), cv=3, random_state=0).fit_resample(X, y)
    assert capsys.readouterr().out == ""


def test_el2n_aum_uncertainty_print_their_fits(capsys):
    X, y = _data()
    EL2NPruner(LogisticRegression(), n_fits=2, random_state=0, verbose=1).fit_resample(
        X, y
    )
    out = capsys.readouterr().out
    assert re.search(r"\[EL2NPruner\] short fit 1/2: LogisticRegression on 120", out)
    assert "short fit 2/2" in out
    booster = HistGradientBoostingClassifier(max_iter=5, early_stopping=False)
    AreaUnderMarginSelector(booster, random_state=0, verbose=1).fit_resample(X, y)
    out = capsys.readouterr().out
    assert "[AreaUnderMarginSelector] run 1/2" in out and "run 2/2" in out
    assert "5 training steps" in out
    al = UncertaintySampler(random_state=0, verbose=1).fit(X[:20], y[:20])
    al.select(X[20:], 5)
    out = capsys.readouterr().out
    assert "[UncertaintySampler] Pipeline fitted on 20 labelled rows" in out
    assert "[UncertaintySampler] 5 of 100 pool rows selected by margin" in out


def test_regression_selector_prints_each_fold(capsys):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 2))
    y = X @ [1.0, 2.0] + 0.1 * rng.normal(size=100)
    sel = RegressionResidualSelector(
        LinearRegression(), cv=4, n_bootstrap=2, random_state=0, verbose=1
    )
    sel.fit_resample(X, y)
    out = capsys.readouterr().out
    for k in (1, 2, 3, 4):
        assert (
            f"[RegressionResidualSelector] fold {k}/4: 3 LinearRegression fits" in out
        )
    assert f"{int(sel.mask_.sum())} of 100 rows flagged" in out


@pytest.mark.parametrize("bad", [0, 0.0, -0.1, 1.5])
def test_keep_ratio_bounds_declared(bad):
    X, y = _data()
    match = r"The 'keep_ratio' parameter of RandomPruner must be a float in the range"
    with pytest.raises(InvalidParameterError, match=match):
        RandomPruner(keep_ratio=bad).fit_resample(X, y)
    assert RandomPruner._parameter_constraints["keep_ratio"][0].is_satisfied_by(1.0)
