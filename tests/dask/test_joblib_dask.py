"""Parallel parts through joblib: a Dask backend spreads them over the
cluster, with the same results, and one numba thread inside each task."""

import numba
import numpy as np
from joblib import Parallel, delayed, parallel_config
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from sklearn_datacentric.ordinal import PRESTOClassifierCV
from sklearn_datacentric.selection import ConfidenceSelector
from sklearn_datacentric.utils._parallel import one_thread_task, task_for


def test_tasks_run_with_one_thread_on_the_cluster(client):
    # (a package function: the workers cannot import this test module)
    _threads = numba.get_num_threads
    with parallel_config(backend="dask"):
        n = Parallel()(delayed(task_for(_threads, None))() for _ in range(4))
    assert n == [1, 1, 1, 1]
    assert task_for(_threads, 1) is _threads
    assert one_thread_task(_threads)() == 1


def test_confidence_selector_folds_on_dask(client):
    X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    y = y.copy()
    y[:15] = 1 - y[:15]  # label noise
    est = ConfidenceSelector(LogisticRegression(), cv=3, random_state=0)
    est.fit_resample(X, y)
    ref = est.oof_proba_
    with parallel_config(backend="dask"):
        par = ConfidenceSelector(LogisticRegression(), cv=3, random_state=0, n_jobs=-1)
        par.fit_resample(X, y)
    got = par.oof_proba_
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_presto_folds_on_dask(client):
    rng = np.random.RandomState(0)
    X = rng.randn(240, 3)
    y = np.digitize(X[:, 0] + 0.5 * rng.randn(240), [-0.5, 0.5, 1.6])
    kw = dict(cv=3, n_alphas=5, random_state=0)
    ref = PRESTOClassifierCV(**kw).fit(X, y)
    with parallel_config(backend="dask"):
        got = PRESTOClassifierCV(**kw, n_jobs=-1).fit(X, y)
    np.testing.assert_allclose(got.brier_path_, ref.brier_path_, rtol=1e-10)
    assert got.alpha_ == ref.alpha_
