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


def test_metrics_accept_mapie_layout_per_level():
    """(n, 2, n_levels) / (n, n_classes, n_levels) give one value per level."""
    rng = np.random.default_rng(0)
    y = rng.normal(size=50)
    iv2 = np.column_stack([y - rng.uniform(-1, 1, 50), y + 1.0])
    iv2 = np.sort(iv2, axis=1)
    wide = np.column_stack([iv2[:, 0] - 1, iv2[:, 1] + 1])
    iv3 = np.stack([iv2, wide], axis=2)  # (n, 2, 2)
    cov = regression_coverage_score(y, iv3)
    assert cov.shape == (2,)
    assert cov[0] == regression_coverage_score(y, iv2)
    assert cov[1] == regression_coverage_score(y, wide)
    np.testing.assert_allclose(
        mean_interval_width(iv3), [mean_interval_width(iv2), mean_interval_width(wide)]
    )
    np.testing.assert_allclose(
        interval_score(y, iv3, confidence_level=[0.8, 0.9]),
        [
            interval_score(y, iv2, confidence_level=0.8),
            interval_score(y, wide, confidence_level=0.9),
        ],
    )
    # a single level in the 3-D layout still returns an array of one value
    assert regression_coverage_score(y, iv2[:, :, None]).shape == (1,)
    sets = rng.uniform(size=(50, 3)) > 0.4
    sets3 = np.stack([sets, np.ones_like(sets)], axis=2)
    labels = rng.integers(0, 3, 50)
    cc = classification_coverage_score(labels, sets3)
    assert cc[0] == classification_coverage_score(labels, sets) and cc[1] == 1.0
    np.testing.assert_allclose(mean_set_size(sets3), [mean_set_size(sets), 3.0])


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
        regression_coverage_score([1.0], [[[0.0], [1.0], [2.0]]])
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
    with pytest.raises(ValueError, match="1.5"):
        interval_score([1.0], [[[0.0, 0.0], [2.0, 2.0]]], confidence_level=[0.5, 1.5])
    with pytest.raises(ValueError, match="2 levels for intervals at 3"):
        interval_score([1.0], np.zeros((1, 2, 3)), confidence_level=[0.5, 0.9])
    # declarative validation (validate_params) names the parameter
    with pytest.raises(ValueError, match="'y_intervals' parameter"):
        mean_interval_width("not an array")
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
    assert disp.ax_.get_ylabel() == "empirical coverage"  # drawn by default
    import matplotlib.pyplot as plt

    plt.close(disp.figure_)
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
    fig, ax = plt.subplots()
    disp = CoverageDisplay.from_estimator(est, X, y, groups=shift, ax=ax)
    assert disp.ax_ is ax  # drawn by from_estimator, as scikit-learn's displays
    assert ax.get_xlabel() == "shift strength"
    assert any(line.get_label() == "nominal" for line in ax.lines)
    plt.close(fig)
    with pytest.raises(TypeError, match="predict_interval nor predict_set"):
        CoverageDisplay.from_estimator(object(), X, y)
    # several levels: choose one; the 3-D layout needs level_index
    est2 = SplitConformalClassifier(confidence_level=[0.8, 0.95], random_state=0)
    est2.fit(X, y)
    disp = CoverageDisplay.from_estimator(est2, X, y, level_index=1)
    assert disp.nominal == 0.95 and disp.figure_ is not None
    _, y_pss = est2.predict_set(X)
    with pytest.raises(ValueError, match="level_index"):
        CoverageDisplay.from_predictions(y, y_pss, confidence_level=0.9)
    d1 = CoverageDisplay.from_predictions(y, y_pss, confidence_level=0.8, level_index=0)
    np.testing.assert_allclose(
        d1.coverage, [classification_coverage_score(y, y_pss[:, :, 0])]
    )
    plt.close("all")
