"""Contracts of the estimator families, over ``all_estimators(type_filter=...)``.

A new over-sampler or weighter is picked up here without editing this file:
the synthetic over-samplers (every sampler whose ``_sampling_type`` is
``"over-sampling"``) must keep the provenance contract of
:class:`sklearn_datacentric.base.Provenance`; the weighters (``predict_weights``)
the sample-weighting contract of ``covariate_shift``.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification

from sklearn_datacentric.utils import all_estimators, pack_source_target

OVER_SAMPLERS = [
    cls
    for _, cls in all_estimators(type_filter="sampler")
    if getattr(cls, "_sampling_type", None) == "over-sampling"
]
WEIGHTERS = [cls for _, cls in all_estimators(type_filter="weighter")]


def _make(cls):
    est = cls(**getattr(cls, "_test_params", {}))
    if "random_state" in est.get_params():
        est.set_params(random_state=0)
    return est


def _labelled_data():
    X, y = make_classification(
        n_samples=240,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        weights=[0.6, 0.3],
        random_state=0,
    )
    X[:, 0] = np.round(np.abs(X[:, 0]))  # a small-integer column (nominal use)
    return X, y


def test_the_families_are_found():
    names = {cls.__name__ for cls in OVER_SAMPLERS}
    assert {"SMOTE", "ADASYN", "SMOTENC", "GeometricSMOTE", "CCR"} <= names
    assert {cls.__name__ for cls in WEIGHTERS} >= {"KernelMeanMatching"}


@pytest.mark.parametrize("cls", OVER_SAMPLERS, ids=lambda c: c.__name__)
def test_over_sampler_provenance_contract(cls):
    X, y = _labelled_data()
    X_in, y_in = X.copy(), y.copy()
    est = _make(cls)
    X_res, y_res = est.fit_resample(X, y)
    assert_array_equal(X, X_in)  # the input is never modified
    assert_array_equal(y, y_in)
    p = est.provenance_
    X_res, y_res = np.asarray(X_res), np.asarray(y_res)
    assert p.n_output == X_res.shape[0] == y_res.shape[0]
    assert p.seed.dtype == p.partner.dtype == np.int64
    syn = p.synthetic
    assert syn.any(), "an over-sampler of an imbalanced set adds rows"
    # original rows come first, every one at most once
    n_orig = int((~syn).sum())
    assert not syn[:n_orig].any()
    assert np.unique(p.seed[:n_orig]).size == n_orig
    # an original row keeps its label; a synthetic row has its seed's label
    assert_array_equal(y_res[~syn], y[p.seed[~syn]])
    has_seed = syn & (p.seed >= 0)
    assert_array_equal(y_res[has_seed], y[p.seed[has_seed]])
    assert np.isfinite(X_res.astype(float)).all()
    # per-row metadata follows the seeds (groups); the same draw again
    if (p.seed >= 0).all():
        groups = np.arange(len(y)) % 7
        assert_array_equal(est.propagate(groups), groups[p.seed])
    X_again, _ = _make(cls).fit_resample(X, y)
    assert_allclose(np.asarray(X_again), X_res)


def _gauss(n, shift, seed=0, d=2):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (n, d)), rng.normal(shift, 1, (n, d))


@pytest.mark.parametrize("cls", WEIGHTERS, ids=lambda c: c.__name__)
def test_weighter_contract(cls):
    Xs, Xt = _gauss(120, 1.0)
    # class labels of the source rows: ignored by the covariate-shift
    # weighters, needed by the label-shift one
    ys = (Xs[:, 0] + Xs[:, 1] > 0).astype(int)
    Xs_in = Xs.copy()
    a = _make(cls).fit(Xs, ys, X_target=Xt)
    assert_array_equal(Xs, Xs_in)
    # the two ways of giving the target sample agree
    X, y, sd = pack_source_target(Xs, ys, Xt)
    b = _make(cls).fit(X, y, sample_domain=sd)
    assert_allclose(a.weights_, b.weights_, rtol=1e-10)
    # one finite, non-negative weight per source row, on new points too
    assert a.weights_.shape == (len(Xs),)
    assert np.all(np.isfinite(a.weights_)) and np.all(a.weights_ >= 0)
    w_new = a.predict_weights(Xt[:9])
    assert w_new.shape == (9,)
    assert np.all(np.isfinite(w_new)) and np.all(w_new >= 0)
    assert a.has_target_
    # without a target sample there is no shift: unit weights
    none = _make(cls).fit(Xs, ys)
    assert not none.has_target_
    assert_array_equal(none.weights_, 1.0)
    assert_array_equal(none.predict_weights(Xs[:5]), 1.0)


@pytest.mark.parametrize("cls", OVER_SAMPLERS, ids=lambda c: c.__name__)
def test_over_sampler_bad_input_contract(cls):
    X, y = _labelled_data()
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _make(cls).fit_resample(Xn, y)
    Xi = X.copy()
    Xi[0, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        _make(cls).fit_resample(Xi, y)
    with pytest.raises(ValueError):
        _make(cls).fit_resample(X, np.zeros_like(y))  # a single class
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _make(cls).fit_resample(X, y[:-1])
    with pytest.raises(ValueError, match="continuous"):
        _make(cls).fit_resample(X, np.linspace(0, 1, len(y)))
