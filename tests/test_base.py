import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.linear_model import LinearRegression

from sklearn_datacentric.base import BaseRegressionSampler, Provenance


def test_provenance_from_parts_layout():
    prov = Provenance.from_parts(
        [0, 1, 2], seed=[2, 0], partner=[1, 2], gap=[0.25, 0.5]
    )
    np.testing.assert_array_equal(prov.seed, [0, 1, 2, 2, 0])
    np.testing.assert_array_equal(prov.partner, [-1, -1, -1, 1, 2])
    np.testing.assert_array_equal(prov.synthetic, [False, False, False, True, True])
    np.testing.assert_allclose(prov.gap, [0, 0, 0, 0.25, 0.5])
    assert prov.n_output == 5


def test_provenance_propagate_seed_and_interpolate():
    prov = Provenance.from_parts(
        [0, 1, 2], seed=[2, 0], partner=[1, 2], gap=[0.25, 0.5]
    )
    groups = np.array(["a", "b", "c"])
    np.testing.assert_array_equal(prov.propagate(groups), ["a", "b", "c", "c", "a"])
    w = np.array([1.0, 2.0, 4.0])
    # interpolated rows: (1 - gap) * w[seed] + gap * w[partner]
    np.testing.assert_allclose(
        prov.propagate(w, how="interpolate"),
        [1, 2, 4, 0.75 * 4 + 0.25 * 2, 0.5 * 1 + 0.5 * 4],
    )


def test_provenance_rejects_bad_input():
    prov = Provenance.from_parts([0, 1], seed=[1])
    with pytest.raises(ValueError, match="how must be"):
        prov.propagate(np.ones(2), how="mean")
    with pytest.raises(ValueError, match="one entry per row"):
        prov.propagate(np.ones(1))
    with pytest.raises(ValueError, match="same length"):
        Provenance.from_parts([0], seed=[0, 1], partner=[1])


class _DuplicateTail(BaseRegressionSampler):
    """Toy regression resampler for testing the base: copies rows above q."""

    _parameter_constraints = {"q": [float]}

    def __init__(self, *, q=0.9):
        self.q = q

    def _fit_resample(self, X, y):
        idx = np.flatnonzero(y > np.quantile(y, self.q))
        self._set_provenance(np.arange(len(y)), seed=idx)
        return np.vstack([X, X[idx]]), np.concatenate([y, y[idx]])


def test_regression_base_contract():
    rng = np.random.RandomState(0)
    X, y = rng.randn(50, 3), rng.randn(50)
    X_df = pd.DataFrame(X, columns=list("abc"))
    X_res, y_res = _DuplicateTail().fit_resample(X_df, pd.Series(y, name="t"))
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list("abc")
    assert isinstance(y_res, pd.Series) and y_res.name == "t"
    assert len(X_res) == 55
    sampler = _DuplicateTail()
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(
        sampler.propagate(y), np.concatenate([y, y[y > np.quantile(y, 0.9)]])
    )
    assert sampler.provenance_.synthetic.sum() == 5
    # clone-safe and usable in an imbalanced-learn pipeline before a regressor
    pipe = make_pipeline(clone(sampler), LinearRegression()).fit(X, y)
    assert pipe.predict(X).shape == (50,)


@pytest.mark.parametrize(
    "y, match",
    [
        (np.r_[np.nan, np.zeros(9)], "NaN|infinity|finite"),
        (np.r_[np.inf, np.zeros(9)], "NaN|infinity|finite"),
        (np.array(["a"] * 10, dtype=object), "numeric"),
        (np.array(["a"] * 10), "numeric"),
        (np.zeros((10, 2)), "1-D"),
    ],
)
def test_regression_base_rejects_bad_targets(y, match):
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match=match):
        _DuplicateTail().fit_resample(X, y)


def test_regression_base_rejects_invalid_param():
    with pytest.raises(ValueError, match="'q'"):
        _DuplicateTail(q="high").fit_resample(np.zeros((10, 2)), np.arange(10.0))
