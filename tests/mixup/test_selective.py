import numpy as np
import pandas as pd
import pytest
import sklearn
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold

from sklearn_datacentric.mixup import (
    CRITERIA,
    GroupBalancedResampler,
    SelectiveMixup,
    sample_partners,
)
from sklearn_datacentric.mixup._base import uniform_anchors


def _labels(seed=0, n=400):
    rng = np.random.RandomState(seed)
    y = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    g = rng.choice(3, size=n, p=[0.5, 0.35, 0.15])
    X = rng.randn(n, 4) + y[:, None]
    return X, y, g


def test_different_class_formula_three_classes():
    # q_c = p_c / 2 + 1/2 sum_{c' != c} p_c' p_c / (1 - p_c'), p = (.7, .2, .1)
    y = np.repeat([0, 1, 2], [700, 200, 100])
    p = np.array([0.7, 0.2, 0.1])
    q = np.array(
        [
            p[c] / 2 + 0.5 * sum(p[k] * p[c] / (1 - p[k]) for k in range(3) if k != c)
            for c in range(3)
        ]
    )
    mixer = SelectiveMixup(criterion="different_class", random_state=0)
    mixer.fit_resample(np.zeros((1000, 2)), y)
    got = np.array([mixer.implicit_distribution_["class"][c] for c in range(3)])
    np.testing.assert_allclose(got, q, rtol=1e-12)
    np.testing.assert_allclose(got, [0.4764, 0.3444, 0.1792], atol=5e-5)
    # binary + different_class = uniform classes (the paper's observation)
    mixer.fit_resample(np.zeros((10, 1)), np.r_[np.zeros(8, int), np.ones(2, int)])
    assert mixer.implicit_distribution_["class"] == pytest.approx({0: 0.5, 1: 0.5})


@pytest.mark.parametrize("criterion", CRITERIA)
def test_implicit_distribution_matches_monte_carlo(criterion):
    X, y, g = _labels()
    mixer = SelectiveMixup(criterion=criterion, random_state=0)
    mixer.fit_resample(X, y, groups=g)
    rng = np.random.RandomState(1)
    M = 200_000
    anchors = uniform_anchors(len(y), M, rng)
    j = sample_partners(anchors, y=y, groups=g, criterion=criterion, random_state=rng)
    for axis, lab in (("class", y), ("domain", g)):
        mc = (
            np.bincount(lab[anchors], minlength=3) + np.bincount(lab[j], minlength=3)
        ) / (2 * M)
        q = np.array([mixer.implicit_distribution_[axis][k] for k in range(3)])
        # partners are the only random part: binomial band, 5 sd
        band = 5 * np.sqrt(q * (1 - q) / M)
        assert np.all(np.abs(mc - q) <= band), (axis, mc, q)
    cells = mixer.implicit_distribution_["cell"]
    assert sum(cells.values()) == pytest.approx(1.0)
    assert mixer.training_distribution_["class"][0] == pytest.approx(np.mean(y == 0))


def test_output_rows_and_provenance():
    X, y, g = _labels(n=120)
    mixer = SelectiveMixup(
        criterion="same_class+different_domain",
        alpha=0.5,
        n_samples=300,
        random_state=0,
    )
    X_mix, y_mix = mixer.fit_resample(X, y, groups=g)
    prov = mixer.provenance_
    assert X_mix.shape == (300, 4) and prov.synthetic.all()
    i, j, gap = prov.seed, prov.partner, prov.gap
    np.testing.assert_allclose(X_mix, X[i] + gap[:, None] * (X[j] - X[i]))
    assert np.all(y[i] == y[j]) and np.all(g[i] != g[j])
    np.testing.assert_array_equal(y_mix, y[i])  # same class: label is certain
    # every row is an anchor 2 or 3 times (300 = 2 * 120 + 60)
    assert set(np.bincount(i, minlength=120)) == {2, 3}


def test_hard_label_drawn_with_probability_lambda():
    X, y, _ = _labels(n=300)
    mixer = SelectiveMixup(
        criterion="different_class", n_samples=40_000, random_state=0
    )
    _, y_mix = mixer.fit_resample(X, y)
    prov = mixer.provenance_
    lam = 1 - prov.gap
    took_anchor = y_mix == y[prov.seed]
    # P(label = anchor's | lambda) = lambda: regress the indicator on lambda
    bins = np.digitize(lam, np.linspace(0, 1, 6)[1:-1])
    for b in range(5):
        sel = bins == b
        expected = lam[sel].mean()
        assert abs(took_anchor[sel].mean() - expected) < 4 * np.sqrt(0.25 / sel.sum())


def test_float_ratio_keep_original_and_no_mixing():
    X, y, g = _labels(n=100)
    X2, y2 = SelectiveMixup(
        n_samples=0.5, keep_original=True, random_state=0
    ).fit_resample(X, y)
    assert X2.shape[0] == 150
    np.testing.assert_array_equal(X2[:100], X)
    mixer = SelectiveMixup(
        criterion="different_class", mix=False, n_samples=51, random_state=0
    )
    X3, y3 = mixer.fit_resample(X, y)
    assert X3.shape[0] == 52  # 26 pairs, anchor then partner, unmixed
    prov = mixer.provenance_
    assert not prov.synthetic.any()
    np.testing.assert_array_equal(X3, X[prov.seed])
    np.testing.assert_array_equal(y3[:26] != y3[26:], True)


def test_pandas_in_pandas_out_and_input_untouched():
    X, y, g = _labels(n=80)
    Xdf = pd.DataFrame(X, columns=list("abcd"))
    ys = pd.Series(y, name="target")
    X_copy = Xdf.copy()
    X_res, y_res = SelectiveMixup(random_state=0).fit_resample(Xdf, ys)
    assert list(X_res.columns) == list("abcd") and y_res.name == "target"
    pd.testing.assert_frame_equal(Xdf, X_copy)


@pytest.mark.parametrize(
    "params, groups, y_kind, match",
    [
        ({"criterion": "nearest_class"}, None, "class", "Unknown criterion"),
        ({"criterion": "same_domain"}, None, "class", "pass groups"),
        ({"criterion": "different_domain"}, "one", "class", "without any valid"),
        ({"criterion": "random"}, None, "continuous", "RegressionMixup"),
    ],
)
def test_bad_input(params, groups, y_kind, match):
    X, y, _ = _labels(n=50)
    if y_kind == "continuous":
        y = np.linspace(0, 1, 50)
    groups = np.zeros(50) if groups == "one" else None
    with pytest.raises(ValueError, match=match):
        SelectiveMixup(**params).fit_resample(X, y, groups=groups)


def test_groups_shape_checked():
    X, y, _ = _labels(n=50)
    with pytest.raises(ValueError, match="groups has shape"):
        SelectiveMixup(criterion="same_domain").fit_resample(X, y, groups=[0, 1])


def test_soft_targets_exact():
    X, y, g = _labels(n=90)
    mixer = SelectiveMixup(criterion="different_class", random_state=3)
    X_soft, Y = mixer.fit_resample_soft(X, y)
    prov = mixer.provenance_
    lam = 1 - prov.gap
    np.testing.assert_allclose(Y.sum(axis=1), 1.0)
    np.testing.assert_allclose(Y[np.arange(len(Y)), y[prov.seed]], lam)
    X_w, y_w, w = SelectiveMixup(
        criterion="different_class", random_state=3
    ).fit_resample_weighted(X, y)
    np.testing.assert_allclose(X_w[:90], X_soft)
    # weighted log-loss of any model == soft-target cross-entropy
    clf = LogisticRegression().fit(X, y)
    logp = clf.predict_log_proba(X_w)
    weighted = -np.sum(w * logp[np.arange(len(y_w)), y_w])
    soft = -np.sum(Y * clf.predict_log_proba(X_soft))
    assert weighted == pytest.approx(soft, rel=1e-12)


def test_pipeline_gridsearch_with_groups_routing():
    X, y, g = _labels(n=240)
    with sklearn.config_context(enable_metadata_routing=True):
        mixer = SelectiveMixup(
            criterion="different_domain+same_class", random_state=0
        ).set_fit_resample_request(groups=True)
        pipe = Pipeline([("mix", mixer), ("clf", LogisticRegression())])
        search = GridSearchCV(pipe, {"mix__alpha": [0.3, 2.0]}, cv=GroupKFold(3))
        search.fit(X, y, groups=g)
        assert search.best_score_ > 0.5
        # without the request the domain criterion fails loudly
        pipe2 = Pipeline(
            [
                ("mix", SelectiveMixup(criterion="same_domain")),
                ("clf", LogisticRegression()),
            ]
        )
        with pytest.raises(ValueError, match="pass groups"):
            pipe2.fit(X, y)
        balanced = Pipeline(
            [
                (
                    "bal",
                    GroupBalancedResampler(
                        balance="class_domain", random_state=0
                    ).set_fit_resample_request(groups=True),
                ),
                ("clf", LogisticRegression()),
            ]
        )
        GridSearchCV(balanced, {"clf__C": [0.1, 1.0]}, cv=GroupKFold(3)).fit(
            X, y, groups=g
        )
