"""SMOTER / SMOGN: relevance, bumps, generation geometry, provenance, errors."""

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import NearestNeighbors as SkNearestNeighbors

from sklearn_datacentric.datasets import load_airfoil
from sklearn_datacentric.over_sampling import SMOGN, SMOTER
from sklearn_datacentric.over_sampling._regression._relevance import (
    automatic_control_points,
    box_plot_stats,
    relevance,
)


@pytest.fixture
def skewed():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 3))
    y = np.exp(X[:, 0] + 0.1 * rng.normal(size=400))
    return X, y


def test_box_plot_stats_match_tukey_definition():
    y = np.r_[np.arange(20.0), 100.0]
    lo, q1, med, q3, hi = box_plot_stats(y)
    assert (q1, med, q3) == tuple(np.percentile(y, [25, 50, 75]))
    assert lo == 0.0 and hi == 19.0  # 100 is beyond the upper fence


def test_automatic_relevance_shape(skewed):
    _, y = skewed
    points = automatic_control_points(y)
    # right-skewed target: only the upper tail is extreme
    np.testing.assert_allclose(points[:, 1], [0.0, 1.0])
    phi = relevance(y, points)
    assert phi.min() >= 0 and phi.max() <= 1
    assert phi[np.argmin(np.abs(y - np.median(y)))] < 1e-6
    assert np.all(phi[y >= points[-1, 0]] == 1.0)
    # monotone between the median and the whisker end
    grid = np.linspace(points[0, 0], points[-1, 0], 50)
    assert np.all(np.diff(relevance(grid, points)) >= -1e-12)


@pytest.mark.parametrize("Sampler", [SMOTER, SMOGN])
def test_balance_strategy_sizes_and_provenance(Sampler, skewed):
    X, y = skewed
    sampler = Sampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    n_bumps = len(sampler.bumps_)
    assert n_bumps >= 2
    for bump in sampler.bumps_:
        assert bump["n_after"] == pytest.approx(len(y) / n_bumps, abs=1)
    prov = sampler.provenance_
    assert prov.n_output == len(y_res)
    # original rows are exact copies; synthetic rows come after them
    orig = ~prov.synthetic
    np.testing.assert_array_equal(X_res[orig], X[prov.seed[orig]])
    np.testing.assert_array_equal(y_res[orig], y[prov.seed[orig]])
    assert np.all(np.diff(prov.synthetic.astype(int)) >= 0)
    # every synthetic row is seeded by a rare case
    phi = sampler.relevance_function(y)
    assert np.all(phi[prov.seed[prov.synthetic]] >= sampler.relevance_threshold)


def test_smoter_points_on_segments_within_rare_bump(skewed):
    X, y = skewed
    sampler = SMOTER(random_state=1, k_neighbors=3)
    X_res, y_res = sampler.fit_resample(X, y)
    prov = sampler.provenance_
    syn = np.flatnonzero(prov.synthetic)
    s, p, g = prov.seed[syn], prov.partner[syn], prov.gap[syn]
    assert np.all(p >= 0) and np.all((g >= 0) & (g <= 1))
    np.testing.assert_allclose(X_res[syn], X[s] + g[:, None] * (X[p] - X[s]))
    # the target is the inverse-distance weighted mean of the parents' targets
    d1 = np.linalg.norm(X_res[syn] - X[s], axis=1)
    d2 = np.linalg.norm(X_res[syn] - X[p], axis=1)
    ok = d1 + d2 > 0
    expected = (d2 * y[s] + d1 * y[p])[ok] / (d1 + d2)[ok]
    np.testing.assert_allclose(y_res[syn][ok], expected)
    # partners are among the 3 nearest neighbours within the same rare bump,
    # in the range-scaled feature space
    phi = sampler.relevance_function(y)
    rare = np.flatnonzero(phi >= 0.5)
    Z = (X - X.min(0)) / (X.max(0) - X.min(0))
    nn = SkNearestNeighbors(n_neighbors=4).fit(Z[rare])
    ind = nn.kneighbors(Z[rare], return_distance=False)[:, 1:]
    neigh = {r: set(rare[ind[i]]) for i, r in enumerate(rare)}
    assert all(pp in neigh[ss] for ss, pp in zip(s, p))


def test_smogn_noise_and_interpolation(skewed):
    X, y = skewed
    sampler = SMOGN(random_state=0, perturbation=0.02)
    X_res, y_res = sampler.fit_resample(X, y)
    prov = sampler.provenance_
    syn = np.flatnonzero(prov.synthetic)
    noise = syn[prov.partner[syn] < 0]
    interp = syn[prov.partner[syn] >= 0]
    assert len(noise) == sampler.n_noise_ > 0
    # Gaussian rows stay close to their seed: |noise| <= ~5 sd * 0.02 * sd(bump)
    rare = sampler.relevance_function(y) >= 0.5
    sd = X[rare].std(axis=0)
    dev = np.abs(X_res[noise] - X[prov.seed[noise]]) / sd
    assert dev.max() < 5 * 0.02
    assert dev.std() > 0
    s, p, g = prov.seed[interp], prov.partner[interp], prov.gap[interp]
    np.testing.assert_allclose(X_res[interp], X[s] + g[:, None] * (X[p] - X[s]))


def test_dict_strategy_and_extreme(skewed):
    X, y = skewed
    sampler = SMOTER(sampling_strategy={"over": 3.0, "under": 0.5}, random_state=0)
    sampler.fit_resample(X, y)
    for bump in sampler.bumps_:
        factor = 3.0 if bump["rare"] else 0.5
        assert bump["n_after"] == round(factor * bump["n_before"])
    ext = SMOTER(sampling_strategy="extreme", random_state=0).fit(X, y)
    ext.fit_resample(X, y)
    rare_after = [b["n_after"] for b in ext.bumps_ if b["rare"]]
    common_after = [b["n_after"] for b in ext.bumps_ if not b["rare"]]
    assert min(rare_after) > max(common_after)


def test_user_control_points_low_tail(skewed):
    X, y = skewed
    points = [[np.percentile(y, 10), 1.0], [np.median(y), 0.0]]
    sampler = SMOTER(relevance=points, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    syn = sampler.provenance_.synthetic
    rare_y = y[sampler.relevance_function(y) >= 0.5]
    # only the lower tail is rare: the new targets interpolate within it
    assert rare_y.max() < np.median(y)
    assert y_res[syn].max() <= rare_y.max() + 1e-12
    assert y_res[syn].min() >= rare_y.min() - 1e-12


def test_no_relevant_value_is_explained():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 2))
    y = rng.uniform(size=200)  # no box-plot extremes
    with pytest.raises(ValueError, match="no box-plot extremes"):
        SMOTER().fit_resample(X, y)
    with pytest.raises(ValueError, match="relevance below"):
        SMOGN(relevance=[[0, 0], [1, 0.2]]).fit_resample(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"relevance": [[0, 2.0], [1, 0.0]]}, r"\[0, 1\]"),
        ({"relevance": [[0, 1.0]]}, "at least 2"),
        ({"sampling_strategy": {"over": 0.5}}, "'over'"),
        ({"sampling_strategy": {"bogus": 1}}, "unknown keys"),
        ({"relevance_threshold": 1.5}, "relevance_threshold"),
    ],
)
def test_bad_parameters(params, match, skewed):
    X, y = skewed
    with pytest.raises(ValueError, match=match):
        SMOTER(**params).fit_resample(X, y)


def test_rejects_non_finite_y(skewed):
    X, y = skewed
    y = y.copy()
    y[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SMOGN().fit_resample(X, y)


def test_user_neighbours_object_matches_int(skewed):
    X, y = skewed
    a = SMOTER(k_neighbors=4, random_state=0).fit_resample(X, y)
    b = SMOTER(k_neighbors=SkNearestNeighbors(), random_state=0)
    b.set_params(k_neighbors=SkNearestNeighbors(n_neighbors=5))
    out = b.fit_resample(X, y)
    np.testing.assert_allclose(a[0], out[0])


def test_in_pipeline_with_grid_search_on_real_data():
    data = load_airfoil(as_frame=True)
    X, y = data.data, data.target
    pipe = make_pipeline(SMOGN(random_state=0), Ridge())
    search = GridSearchCV(
        pipe, {"smogn__relevance_threshold": [0.5, 0.8]}, cv=3, error_score="raise"
    )
    search.fit(X, y)
    assert np.isfinite(search.best_score_)
    X_res, y_res = clone(pipe[0]).fit_resample(X, y)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(X.columns)
    assert isinstance(y_res, pd.Series)
    assert not X_res.isna().any().any()


def test_propagate_sample_weight(skewed):
    X, y = skewed
    w = np.linspace(1, 2, len(y))
    sampler = SMOTER(random_state=0)
    sampler.fit_resample(X, y)
    w_res = sampler.propagate(w, how="interpolate")
    prov = sampler.provenance_
    syn = prov.synthetic
    np.testing.assert_allclose(
        w_res[syn],
        (1 - prov.gap[syn]) * w[prov.seed[syn]] + prov.gap[syn] * w[prov.partner[syn]],
    )
