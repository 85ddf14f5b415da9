import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from sklearn_datacentric.datasets import load_airfoil
from sklearn_datacentric.selection import RegressionResidualSelector


def _hetero(n=600, seed=0):
    """y = x0^2 + noise whose sd grows 10x along x1; 5% errors of 6 local sd."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    sd = 0.05 + 0.45 * (X[:, 1] + 2) / 4
    y = X[:, 0] ** 2 + sd * rng.randn(n)
    err = rng.choice(n, size=n // 20, replace=False)
    y[err] += rng.choice([-1, 1], size=err.size) * 6.0 * sd[err]
    mask = np.zeros(n, bool)
    mask[err] = True
    return X, y, mask, sd


def _quadratic():
    # a well-specified model: residuals are the noise, so z ~ |N(0, 1)|
    return make_pipeline(PolynomialFeatures(2), LinearRegression())


def test_scaled_residuals_beat_raw_residuals_under_heteroscedasticity():
    X, y, errors, sd = _hetero()
    sel = RegressionResidualSelector(_quadratic(), contamination=0.05, random_state=0)
    sel.fit_resample(X, y)
    raw = np.abs(sel.residuals_)
    top_raw = np.zeros_like(errors)
    top_raw[np.argsort(-raw)[: errors.sum()]] = True
    # ranking by |r| / uncertainty finds more of the gross errors than |r|,
    # which confuses them with the large honest noise of the high-sd region
    assert (sel.mask_ & errors).sum() > (top_raw & errors).sum()
    # the aleatoric model follows the noise scale (correlation with true sd)
    assert np.corrcoef(sel.aleatoric_, sd)[0, 1] > 0.8
    assert (sel.epistemic_ > 0).all()


def test_threshold_rule_flags_errors_and_few_clean_rows():
    X, y, errors, _ = _hetero()
    sel = RegressionResidualSelector(_quadratic(), random_state=0)
    X_res, y_res = sel.fit_resample(X, y)
    # errors of 6 local sd have z near 6 > 3
    assert (sel.mask_ & errors).sum() / errors.sum() > 0.9
    # clean rows: z ~ |N(0, 1)| (P(z > 3) = 0.27%), plus estimation error
    assert sel.mask_[~errors].mean() < 0.03
    # the default boosting model (misspecified at this n) still ranks errors
    default = RegressionResidualSelector(random_state=0)
    default.fit_resample(X, y)
    assert default.mask_[errors].mean() > 0.5
    assert default.mask_[~errors].mean() < 0.03
    np.testing.assert_array_equal(sel.sample_indices_, np.flatnonzero(~sel.mask_))
    assert X_res.shape[0] == y_res.shape[0] == (~sel.mask_).sum()
    np.testing.assert_allclose(sel.scores_[sel.mask_].min() > 3.0, True)


def test_real_data_pandas_and_custom_model():
    X, y = load_airfoil(return_X_y=True, as_frame=True)
    y = y.copy()
    rng = np.random.RandomState(0)
    idx = rng.choice(len(y), 30, replace=False)
    y.iloc[idx] = y.iloc[idx] + 15.0  # 15 dB errors (target sd ~7 dB)
    sel = RegressionResidualSelector(n_bootstrap=2, random_state=0)
    X_res, y_res = sel.fit_resample(X, y)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert sel.mask_[idx].mean() > 0.8
    # a weak linear model (residual sd ~5 dB) with one global scale: the 15 dB
    # errors sit near z = 3, so they rank high but only some pass the cut
    sel2 = RegressionResidualSelector(
        LinearRegression(), n_bootstrap=0, aleatoric=False, random_state=0
    )
    sel2.fit_resample(X.to_numpy(), y.to_numpy())
    assert np.median(sel2.scores_[idx]) > np.quantile(sel2.scores_, 0.9)
    assert sel2.mask_[idx].mean() > 5 * sel2.mask_.mean() / 2


def test_all_flagged_is_an_error():
    X, y, _, _ = _hetero(100)
    with pytest.raises(ValueError, match="empty dataset"):
        RegressionResidualSelector(threshold=1e-9, random_state=0).fit_resample(X, y)


def test_invalid_params():
    X, y, _, _ = _hetero(100)
    with pytest.raises(ValueError, match="contamination"):
        RegressionResidualSelector(contamination=1.5).fit_resample(X, y)
    with pytest.raises(ValueError, match="threshold"):
        RegressionResidualSelector(threshold=-1).fit_resample(X, y)
    with pytest.raises(ValueError, match="Unknown label type|numeric"):
        RegressionResidualSelector().fit_resample(X, np.array(["a"] * 100))
