"""Warnings of public fits point at the caller's line (here, this file),
directly and through a scikit-learn / imbalanced-learn Pipeline."""

import warnings

import numpy as np
from imblearn.pipeline import make_pipeline as imb_make_pipeline
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.linear_model import LogisticRegression

from sklearn_datacentric.ordinal import PRESTOClassifier
from sklearn_datacentric.over_sampling import SMOTEN
from sklearn_datacentric.selection import RandomPruner


def _caught(category, call, match=""):
    """The warnings of ``category`` whose message contains ``match``."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        call()
    found = [
        w
        for w in record
        if issubclass(w.category, category) and match in str(w.message)
    ]
    assert found, f"no {category.__name__} was raised"
    return found


def test_selector_warning_points_at_the_caller():
    # pruning all rows of the small class 2 is refused with a warning
    X = np.arange(200.0).reshape(100, 2)
    y = np.r_[np.zeros(50, int), np.ones(48, int), [2, 2]]
    pruner = RandomPruner(keep_ratio=0.1, random_state=0)
    match = "every row of class(es) 2"
    for w in _caught(UserWarning, lambda: pruner.fit_resample(X, y), match):
        assert w.filename == __file__, w.filename
    pipe = imb_make_pipeline(pruner, LogisticRegression())
    for w in _caught(UserWarning, lambda: pipe.fit(X, y), match):
        assert w.filename == __file__, w.filename


def test_sampler_warning_points_at_the_caller():
    rng = np.random.RandomState(0)
    X = sparse.csr_matrix(rng.randint(0, 3, size=(60, 3)).astype(float))
    y = np.r_[np.zeros(50, dtype=int), np.ones(10, dtype=int)]
    sampler = SMOTEN(random_state=0)
    for w in _caught(DataConversionWarning, lambda: sampler.fit_resample(X, y)):
        assert w.filename == __file__, w.filename


def test_estimator_warning_points_at_the_caller():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = np.digitize(X[:, 0] + 0.3 * rng.normal(size=200), [-0.5, 0.5, 1.5])
    model = PRESTOClassifier(alpha=0.01, max_iter=1)
    for w in _caught(ConvergenceWarning, lambda: model.fit(X, y)):
        assert w.filename == __file__, w.filename
