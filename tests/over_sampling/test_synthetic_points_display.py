"""SyntheticPointsDisplay behaves as scikit-learn's displays: the
constructors draw and return the display; axes are named after the columns."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from sklearn_datacentric.over_sampling import SMOTE, ProWSyn, SyntheticPointsDisplay

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


def _frame():
    X, y = make_classification(
        n_samples=80, n_features=3, n_redundant=0, weights=[0.8], random_state=0
    )
    return pd.DataFrame(X, columns=["age", "income", "score"]), y


def test_from_estimator_draws_and_names_axes_after_columns():
    X, y = _frame()
    disp = SyntheticPointsDisplay.from_estimator(
        ProWSyn(random_state=0), X, y, features=(0, 2)
    )
    assert isinstance(disp, SyntheticPointsDisplay)
    assert disp.ax_.get_xlabel() == "age" and disp.ax_.get_ylabel() == "score"
    assert disp.figure_ is disp.ax_.figure
    # columns by name; the points are those columns of the data
    disp = SyntheticPointsDisplay.from_estimator(
        SMOTE(random_state=0), X, y, features=("income", "age")
    )
    assert disp.axis_labels == ("income", "age")
    assert disp.ax_.get_xlabel() == "income"
    np.testing.assert_allclose(
        np.sort(disp.X_original[:, 0]), np.sort(X["income"].to_numpy())
    )
    # an array has no column names
    disp = SyntheticPointsDisplay.from_estimator(
        SMOTE(random_state=0), X.to_numpy(), y, features=(1, 2)
    )
    assert disp.ax_.get_xlabel() == "feature 1"
    assert disp.ax_.get_ylabel() == "feature 2"
    plt.close("all")


def test_from_resampled_draws_on_given_axes():
    X, y = _frame()
    sampler = SMOTE(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    fig, ax = plt.subplots()
    disp = SyntheticPointsDisplay.from_resampled(
        X, X_res, y_res, sampler.provenance_, features="pca", ax=ax
    )
    assert disp.ax_ is ax and ax.get_xlabel() == "PC 1"
    n_syn = int(sampler.provenance_.synthetic.sum())
    assert disp.X_synthetic.shape == (n_syn, 2)
    plt.close("all")


def test_bad_features():
    X, y = _frame()
    with pytest.raises(ValueError, match="'height'"):
        SyntheticPointsDisplay.from_estimator(
            SMOTE(random_state=0), X, y, features=("age", "height")
        )
    with pytest.raises(ValueError, match="out of range"):
        SyntheticPointsDisplay.from_estimator(
            SMOTE(random_state=0), X, y, features=(0, 5)
        )
    with pytest.raises(ValueError, match="two columns"):
        SyntheticPointsDisplay.from_estimator(
            SMOTE(random_state=0), X, y, features=(0,)
        )
    plt.close("all")
