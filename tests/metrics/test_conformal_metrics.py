"""Metrics of intervals and sets, and CoverageDisplay."""

import numpy as np
import pytest

from sklearn_datacentric.metrics import (
    CoverageDisplay,
    classification_coverage_score,
    interval_score,
    mean_interval_width,
    mean_set_size,
    regression_coverage_score,
)


def test_regression_coverage_and_width():
    y = np.array([0.0, 1.0, 2.0, 3.0])
    iv = np.array([[-1, 1], [1.5, 2], [2, 2], [-np.inf, np.inf]])
    assert regression_coverage_score(y, iv) == 0.75  # bounds are inclusive
    assert mean_interval_width(iv[:3]) == pytest.approx((2 + 0.5 + 0) / 3)
    assert np.isinf(mean_interval_width(iv))


def test_classification_coverage_and_size():
    sets = np.array([[1, 0, 1], [0, 0, 1], [1, 1, 1]], dtype=bool)
    assert classification_coverage_score([0, 1, 2], sets) == pytest.approx(2 / 3)
    assert classification_coverage_score(
        ["a", "b", "c"], sets, classes=["a", "b", "c"]
    ) == pytest.approx(2 / 3)
    # unsorted class labels and unknown labels (never covered)
    assert (
        classification_coverage_score(["z", "q"], sets[:2], classes=["z", "y", "q"])
        == 1.0
    )
    assert (
        classification_coverage_score(["w", "q"], sets[:2], classes=["z", "y", "q"])
        == 0.5
    )
    assert mean_set_size(sets) == pytest.approx(2.0)


def test_interval_score_formula():
    y = np.array([0.0, 5.0, -3.0])
    iv = np.array([[-1.0, 1.0], [0.0, 2.0], [-1.0, 1.0]])
    alpha = 0.2
    expected = np.mean([2.0, 2.0 + 2 / alpha * 3.0, 2.0 + 2 / alpha * 2.0])
    assert interval_score(y, iv, confidence_level=0.8) == pytest.approx(expected)
    # proper: for a normal target the central interval beats shifted ones
    rng = np.random.default_rng(0)
    z = rng.normal(size=20000)
    from scipy.stats import norm

    q = norm.ppf(0.95)
    central = interval_score(z, np.tile([-q, q], (z.size, 1)), confidence_level=0.9)
    shifted = interval_score(
        z, np.tile([-q + 0.3, q + 0.3], (z.size, 1)), confidence_level=0.9
    )
    wider = interval_score(
        z, np.tile([-q - 0.3, q + 0.3], (z.size, 1)), confidence_level=0.9
    )
    assert central < shifted and central < wider


def test_metric_input_errors():
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        regression_coverage_score([1.0], [[0.0, 1.0, 2.0]])
    with pytest.raises(ValueError, match="lower > upper"):
        mean_interval_width([[1.0, 0.0]])
    with pytest.raises(ValueError, match="NaN"):
        regression_coverage_score([1.0], [[np.nan, 1.0]])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        regression_coverage_score([1.0, 2.0], [[0.0, 1.0]])
    with pytest.raises(ValueError, match="boolean"):
        mean_set_size([[0.5, 1.0]])
    with pytest.raises(ValueError, match="confidence_level"):
        interval_score([1.0], [[0.0, 2.0]], confidence_level=1.0)
    with pytest.raises(ValueError, match="classes has 2 labels"):
        classification_coverage_score([0], [[True, False, True]], classes=[0, 1])


def test_coverage_display_groups_and_band():
    y = np.zeros(200)
    iv = np.column_stack([np.full(200, -1.0), np.full(200, 1.0)])
    iv[:50] = [[0.5, 1.0]]  # the first 50 (group "a") miss
    groups = np.repeat(["a", "b"], 100)
    disp = CoverageDisplay.from_predictions(y, iv, groups=groups, confidence_level=0.9)
    np.testing.assert_allclose(disp.coverage, [0.5, 1.0])
    np.testing.assert_array_equal(disp.counts, [100, 100])
    lo, hi = disp.band
    assert lo[0] < 0.5 < hi[0] and hi[1] == 1.0 and lo[1] < 1.0
    with pytest.raises(ValueError, match="confidence_level"):
        CoverageDisplay.from_predictions(y, iv, confidence_level=0)


def test_coverage_display_plot_and_from_estimator():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    from sklearn_datacentric.conformal import SplitConformalClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] > 0).astype(int)
    est = SplitConformalClassifier(random_state=0).fit(X, y)
    shift = np.digitize(X[:, 1], [-1, 0, 1]).astype(float)
    disp = CoverageDisplay.from_estimator(est, X, y, groups=shift)
    fig, ax = plt.subplots()
    disp.plot(ax=ax)
    assert disp.ax_ is ax
    assert ax.get_xlabel() == "shift strength"
    assert any(line.get_label() == "nominal" for line in ax.lines)
    plt.close(fig)
    with pytest.raises(TypeError, match="predict_interval nor predict_set"):
        CoverageDisplay.from_estimator(object(), X, y)
