"""Tests of the skorch-based tabular nets (CPU; tiny nets, few epochs)."""

import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.class_weight import compute_sample_weight  # noqa: E402
from skorch.callbacks import Callback  # noqa: E402

from sklearn_datacentric.neural import (  # noqa: E402
    BalancedBatchSampler,
    TabularMLP,
    TabularNetClassifier,
    TabularNetRegressor,
    TrainingDynamics,
)

SMALL = dict(module__width=16, module__depth=1, batch_size=32, lr=1e-2)


@pytest.fixture(scope="module")
def clf_data():
    X, y = make_classification(
        n_samples=300,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        class_sep=2.0,
        random_state=0,
    )
    return X, y


def _clf(**kw):
    params = dict(SMALL, max_epochs=8, random_state=0)
    params.update(kw)
    return TabularNetClassifier(**params)


def _reg(**kw):
    params = dict(SMALL, max_epochs=8, random_state=0)
    params.update(kw)
    return TabularNetRegressor(**params)


# ------------------------------------------------------------------ basics
def test_classifier_string_labels_pandas_and_proba(clf_data):
    pd = pytest.importorskip("pandas")
    X, y = clf_data
    labels = np.array(["ant", "bee", "cat"])[y]
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = _clf(max_epochs=20).fit(df, labels)
    assert list(clf.classes_) == ["ant", "bee", "cat"]
    assert list(clf.feature_names_in_) == list(df.columns)
    proba = clf.predict_proba(df)
    assert proba.shape == (300, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    pred = clf.predict(df)
    assert set(pred) <= {"ant", "bee", "cat"}
    assert np.mean(pred == labels) > 0.85
    np.testing.assert_array_equal(
        clf.classes_[clf.decision_function(df).argmax(1)], pred
    )


def test_regressor_single_and_multi_output():
    X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    y = y / y.std()
    reg = _reg(max_epochs=30).fit(X, y)
    assert reg.predict(X).shape == (300,)
    assert reg.score(X, y) > 0.8
    Y = np.c_[y, -y]
    reg2 = _reg(max_epochs=5).fit(X, Y)
    assert reg2.predict(X).shape == (300, 2)
    assert reg2.n_outputs_ == 2
    assert not hasattr(reg2, "predict_proba")


def test_float32_input_not_modified(clf_data):
    X, y = clf_data
    X32 = X.astype(np.float32)
    X_copy = X32.copy()
    clf = _clf(max_epochs=2).fit(X32, y)
    np.testing.assert_array_equal(X32, X_copy)
    assert clf.module_.output.weight.dtype == torch.float32


def test_reproducible_and_global_rng_untouched(clf_data):
    X, y = clf_data
    state = torch.get_rng_state()
    p1 = _clf(max_epochs=4, mixup="random").fit(X, y).predict_proba(X)
    p2 = _clf(max_epochs=4, mixup="random").fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(p1, p2)
    assert torch.equal(state, torch.get_rng_state())
    p3 = _clf(max_epochs=4, mixup="random", random_state=1).fit(X, y).predict_proba(X)
    assert not np.allclose(p1, p3)


def test_device_auto_resolves_and_is_kept_as_param(clf_data):
    X, y = clf_data
    clf = _clf(max_epochs=1)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert clf.device == expected
    assert clf.get_params()["device"] == "auto"
    clf.fit(X, y)
    assert next(clf.module_.parameters()).device.type == expected
    assert clone(clf).get_params()["device"] == "auto"
    clf2 = pickle.loads(pickle.dumps(clf))
    assert clf2.get_params()["device"] == "auto"
    np.testing.assert_array_equal(clf2.predict_proba(X), clf.predict_proba(X))


def test_tabular_mlp_options():
    m = TabularMLP(
        n_features=4,
        n_outputs=2,
        width=8,
        depth=3,
        dropout=0.0,
        batch_norm=False,
        activation="gelu",
    )
    assert m(torch.zeros(5, 4)).shape == (5, 2)
    assert not any(isinstance(x, torch.nn.BatchNorm1d) for x in m.modules())
    assert sum(isinstance(x, torch.nn.Linear) for x in m.modules()) == 4
    with pytest.raises(ValueError, match="dropout"):
        TabularMLP(n_features=4, n_outputs=2, dropout=1.5)
    with pytest.raises(ValueError, match="activation"):
        TabularMLP(n_features=4, n_outputs=2, activation="nope")


# ----------------------------------------------------------- sample weights
def test_unit_weights_equal_no_weights(clf_data):
    X, y = clf_data
    p0 = _clf().fit(X, y).predict_proba(X)
    p1 = _clf().fit(X, y, sample_weight=np.ones(len(y))).predict_proba(X)
    p2 = _clf().fit(X, y, sample_weight=np.full(len(y), 7.0)).predict_proba(X)
    np.testing.assert_array_equal(p0, p1)
    np.testing.assert_allclose(p0, p2, rtol=1e-5, atol=1e-6)


def test_class_weight_equals_sample_weight(clf_data):
    X, y = clf_data
    keep = (y != 2) | (np.arange(len(y)) % 4 == 0)  # imbalance class 2
    X, y = X[keep], y[keep]
    pa = _clf(class_weight="balanced").fit(X, y).predict_proba(X)
    sw = compute_sample_weight("balanced", y)
    pb = _clf().fit(X, y, sample_weight=sw).predict_proba(X)
    np.testing.assert_allclose(pa, pb, rtol=1e-5, atol=1e-6)


def test_zero_weight_rows_are_ignored():
    # half of the rows carry flipped labels; with weight 0 they must not
    # influence training, with weight 1 they destroy the classifier
    X, y = make_classification(
        n_samples=600,
        n_features=4,
        n_informative=4,
        n_redundant=0,
        class_sep=2.5,
        random_state=1,
    )
    rng = np.random.default_rng(0)
    noisy = rng.random(len(y)) < 0.5
    y_bad = np.where(noisy, 1 - y, y)
    X_test, y_test = X[~noisy], y[~noisy]
    w = (~noisy).astype(float)
    acc_w = _clf(max_epochs=25).fit(X, y_bad, sample_weight=w).score(X_test, y_test)
    acc_0 = _clf(max_epochs=25).fit(X, y_bad).score(X_test, y_test)
    assert acc_w > 0.9
    assert acc_w > acc_0 + 0.15


def test_weights_travel_with_validation_split(clf_data):
    """valid_loss is the weighted mean loss of the held-out rows and weights."""
    X, y = clf_data
    w = np.random.default_rng(3).uniform(0.1, 5.0, len(y))
    clf = _clf(
        max_epochs=6,
        record_dynamics=True,
        tol=0.0,
        n_iter_no_change=100,
        validation_fraction=0.2,
    )
    clf.fit(X, y, sample_weight=w)
    valid = np.setdiff1d(np.arange(len(y)), clf.training_dynamics_.train_indices_)
    assert len(valid) == 60
    # stratified: each class keeps its share
    np.testing.assert_array_equal(np.bincount(y[valid]), [20, 20, 20])
    logits = clf.decision_function(X[valid])
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    ce = -logp[np.arange(len(valid)), y[valid]]
    wn = w / w.mean()
    expected = np.mean(wn[valid] * ce)
    # the module holds the weights of the last epoch (tol=0, no early stop)
    assert clf.history[-1, "valid_loss"] == pytest.approx(expected, rel=1e-4)
    unweighted = np.mean(ce)
    assert abs(unweighted - expected) > 1e-3


def test_train_step_loss_is_weighted_mean(clf_data):
    X, y = clf_data
    clf = _clf(max_epochs=1, module__dropout=0.0).fit(X, y)
    xb = {
        "X": torch.tensor(X[:10], dtype=torch.float32),
        "sample_weight": torch.arange(1, 11, dtype=torch.float32),
        "index": torch.arange(10),
    }
    yb = torch.tensor(y[:10])
    clf.module_.eval()
    with torch.no_grad():
        out = clf.module_(xb["X"])
    loss = clf.get_loss(out, yb, X=xb)
    ce = torch.nn.functional.cross_entropy(out, yb, reduction="none")
    expected = (ce * xb["sample_weight"]).mean()
    assert float(loss) == pytest.approx(float(expected), rel=1e-6)


@pytest.mark.parametrize(
    "sw, match",
    [
        (lambda n: -np.ones(n), "negative"),
        (lambda n: np.r_[np.nan, np.ones(n - 1)], "NaN"),
        (lambda n: np.ones(n - 1), "shape"),
        (lambda n: np.zeros(n), "sums to zero"),
    ],
)
def test_bad_sample_weight_fails_before_training(clf_data, sw, match):
    X, y = clf_data
    clf = _clf()
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, sample_weight=sw(len(y)))
    assert "module_" not in vars(clf)


def test_bad_X_and_labels(clf_data):
    X, y = clf_data
    X_str = np.array([["a", "b"], ["c", "d"], ["e", "f"]], dtype=object)
    with pytest.raises(ValueError, match="could not convert|numeric"):
        _clf().fit(X_str, [0, 1, 0])
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    clf = _clf()
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(X_nan, y)
    assert "module_" not in vars(clf)
    clf = _clf(max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="not seen during fit"):
        clf.score(X, np.where(y == 0, 7, y))
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(X_nan)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])
    with pytest.raises(ValueError, match="2 classes"):
        _clf().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="NaN"):
        _reg().fit(X, np.r_[np.nan, np.ones(len(X) - 1)])


# ------------------------------------------------------------------- mixup
class _PartnerSpy(Callback):
    """Collects (anchor label, partner label, anchor group, partner group)."""

    def initialize(self):
        self.pairs = []
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if not training:
            return
        xb, _ = batch
        idx = xb["index"]
        p = net._partner_of[idx]
        data = net._fit_data
        g = data.groups
        self.pairs.append(
            np.c_[
                data.y[idx].numpy(),
                data.y[p].numpy(),
                g[idx].numpy() if g is not None else np.zeros(len(idx)),
                g[p].numpy() if g is not None else np.zeros(len(idx)),
                idx.numpy(),
                p.numpy(),
            ]
        )


@pytest.mark.parametrize(
    "criterion, check",
    [
        ("random", lambda a: np.all(a[:, 4] != a[:, 5])),
        ("different_class", lambda a: np.all(a[:, 0] != a[:, 1])),
        ("same_class", lambda a: np.all(a[:, 0] == a[:, 1])),
        ("different_domain", lambda a: np.all(a[:, 2] != a[:, 3])),
        (
            "different_domain+same_class",
            lambda a: np.all((a[:, 2] != a[:, 3]) & (a[:, 0] == a[:, 1])),
        ),
    ],
)
def test_selective_mixup_partners_follow_criterion(clf_data, criterion, check):
    X, y = clf_data
    groups = np.arange(len(y)) % 2
    spy = _PartnerSpy()
    clf = _clf(max_epochs=2, mixup=criterion, callbacks=[("spy", spy)])
    clf.fit(X, y, groups=groups)
    pairs = np.vstack(spy.pairs)
    assert len(pairs) > 0 and check(pairs)
    valid = np.setdiff1d(np.arange(len(y)), pairs[:, 4])
    # partners are drawn among training rows only
    assert not np.isin(pairs[:, 5], valid).any()


def test_mixup_loss_is_soft_target_cross_entropy():
    clf = _clf()
    vars(clf)["criterion_"] = torch.nn.CrossEntropyLoss(reduction="none")
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 3, generator=g)
    y, yp = torch.tensor([0, 1, 2, 0, 1, 2]), torch.tensor([1, 1, 0, 2, 2, 0])
    lam = torch.rand(6, generator=g)
    w, wp = torch.rand(6, generator=g) + 0.5, torch.rand(6, generator=g) + 0.5
    loss = clf._mixup_loss(logits, y, yp, lam * w, (1 - lam) * wp)
    eye = torch.eye(3)
    wm = lam * w + (1 - lam) * wp
    soft = (lam * w)[:, None] * eye[y] + ((1 - lam) * wp)[:, None] * eye[yp]
    soft = soft / wm[:, None]
    ce_soft = -(soft * torch.log_softmax(logits, 1)).sum(1)
    assert float(loss) == pytest.approx(float((wm * ce_soft).mean()), rel=1e-6)


def test_regression_mixup_target():
    reg = _reg()
    vars(reg)["criterion_"] = torch.nn.MSELoss(reduction="none")
    pred = torch.zeros(4, 1)
    y, yp = torch.ones(4, 1), 3 * torch.ones(4, 1)
    lam = torch.tensor([1.0, 0.0, 0.5, 0.25])
    loss = reg._mixup_loss(pred, y, yp, lam, 1 - lam)
    target = lam * 1 + (1 - lam) * 3
    assert float(loss) == pytest.approx(float((target**2).mean()), rel=1e-6)


def test_mixup_trains_and_bad_criteria(clf_data):
    X, y = clf_data
    clf = _clf(max_epochs=15, mixup="different_class", mixup_alpha=0.2)
    assert clf.fit(X, y).score(X, y) > 0.8
    with pytest.raises(ValueError, match="groups"):
        _clf(mixup="same_domain").fit(X, y)
    with pytest.raises(ValueError, match="Unknown criterion"):
        _clf(mixup="same_colour").fit(X, y)
    with pytest.raises(ValueError, match="regressor"):
        _reg(mixup="same_class").fit(X, y.astype(float))
    with pytest.raises(ValueError, match="empty|partner"):
        _clf(mixup="different_domain").fit(X, y, groups=np.zeros(len(y)))
    reg = _reg(max_epochs=3, mixup="different_domain")
    reg.fit(X, y.astype(float), groups=np.arange(len(y)) % 3)


# --------------------------------------------------------- balanced sampler
def test_balanced_sampler_frequencies():
    strata = np.repeat([0, 1, 2], [700, 200, 100])
    sampler = BalancedBatchSampler(
        strata, num_samples=30000, generator=torch.Generator().manual_seed(0)
    )
    rows = np.fromiter(iter(sampler), dtype=int)
    freq = np.bincount(strata[rows], minlength=3) / len(rows)
    # binomial sd of a 1/3 frequency over 30000 draws is 0.0027
    np.testing.assert_allclose(freq, 1 / 3, atol=4 * np.sqrt(2 / 9 / 30000))


class _LabelCounter(Callback):
    def initialize(self):
        self.counts = []
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training:
            xb, yb = batch
            self.counts.append(np.c_[yb.numpy(), xb["groups"].numpy()])


@pytest.mark.parametrize("kind", ["class", "domain", "cell"])
def test_balanced_sampler_in_training(kind):
    X, y = make_classification(
        n_samples=1000, n_features=4, weights=[0.8, 0.2], random_state=0
    )
    groups = (np.arange(1000) % 10 < 7).astype(int)  # domains 70% / 30%
    counter = _LabelCounter()
    clf = _clf(
        max_epochs=4,
        balanced_sampler=kind,
        train_split=None,
        callbacks=[("count", counter)],
    )
    clf.fit(X, y, groups=groups)
    drawn = np.vstack(counter.counts)
    n = len(drawn)
    band = 4 * np.sqrt(0.25 / n) * 2  # generous: cells share a stratum
    if kind in ("class", "cell"):
        assert abs(np.mean(drawn[:, 0]) - 0.5) < band
    if kind in ("domain", "cell"):
        assert abs(np.mean(drawn[:, 1]) - 0.5) < band
    if kind == "class":
        assert abs(np.mean(drawn[:, 1]) - 0.7) < 0.05  # domains untouched
    with pytest.raises(ValueError, match="groups"):
        _clf(balanced_sampler="domain").fit(X, y)


# -------------------------------------------------------- training dynamics
def test_training_dynamics_margins(clf_data):
    X, y = clf_data
    clf = _clf(
        max_epochs=5, record_dynamics=True, early_stopping=False, module__dropout=0.0
    )
    clf.fit(X, y)
    m = clf.margins_
    assert m.shape == (5, len(y)) and np.isfinite(m).all()
    logits = clf.decision_function(X)
    own = logits[np.arange(len(y)), y]
    other = np.where(np.eye(3, dtype=bool)[y], -np.inf, logits).max(1)
    np.testing.assert_allclose(m[-1], own - other, atol=1e-4)
    assert m[-1].mean() > m[0].mean()  # training increases the margins


def test_training_dynamics_with_validation_and_fake_class(clf_data):
    X, y = clf_data
    y_aum = y.copy()
    y_aum[:20] = 3  # AUM threshold samples: an extra, fake class
    clf = _clf(max_epochs=3, record_dynamics=True, validation_fraction=0.2)
    clf.fit(X, y_aum)
    assert list(clf.classes_) == [0, 1, 2, 3]
    td = clf.training_dynamics_
    m = td.margins_
    assert m.shape == (clf.n_epochs_, len(y))
    train = td.train_indices_
    assert np.isfinite(m[:, train]).all()
    held = np.setdiff1d(np.arange(len(y)), train)
    assert len(held) == 60 and np.isnan(m[:, held]).all()


def test_margins_flag_mislabelled_rows():
    X, y = make_classification(
        n_samples=600, n_features=6, n_informative=4, class_sep=2.0, random_state=2
    )
    rng = np.random.default_rng(0)
    flip = rng.random(len(y)) < 0.1
    y_noisy = np.where(flip, 1 - y, y)
    clf = _clf(max_epochs=10, record_dynamics=True, train_split=None)
    clf.fit(X, y_noisy)
    aum = clf.margins_.mean(0)
    assert aum[flip].mean() < 0 < aum[~flip].mean()


def test_dynamics_callback_for_regressor():
    X, y = make_regression(n_samples=200, n_features=4, random_state=0)
    cb = TrainingDynamics()
    reg = _reg(max_epochs=3, callbacks=[("dyn", cb)], train_split=None)
    reg.fit(X, y / y.std())
    assert cb.predictions_.shape == (3, 200)


# --------------------------------------------------------------- composition
def test_clone_set_params_and_prefix_routing(clf_data):
    X, y = clf_data
    clf = _clf(optimizer__weight_decay=0.0)
    c2 = clone(clf)
    assert c2.get_params()["module__width"] == 16
    assert c2.get_params()["optimizer__weight_decay"] == 0.0
    c2.set_params(module__width=8, lr=0.05, max_epochs=2).fit(X, y)
    assert c2.module_.output.in_features == 8
    assert c2.optimizer_.param_groups[0]["lr"] == 0.05
    assert "_params_to_validate" not in c2.get_params()


def test_pipeline_gridsearch_and_pickle(clf_data):
    X, y = clf_data
    pipe = make_pipeline(StandardScaler(), _clf(max_epochs=3))
    grid = GridSearchCV(
        pipe,
        {
            "tabularnetclassifier__module__width": [4, 8],
            "tabularnetclassifier__lr": [1e-2],
        },
        cv=2,
    ).fit(X, y)
    assert grid.best_params_["tabularnetclassifier__module__width"] in (4, 8)
    best = grid.best_estimator_
    restored = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(restored.predict_proba(X), best.predict_proba(X))


def test_metadata_routing_of_sample_weight(clf_data):
    import sklearn

    X, y = clf_data
    w = np.random.default_rng(0).uniform(0.5, 2, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        net = _clf(max_epochs=2).set_fit_request(sample_weight=True)
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), net)
        pipe.fit(X, y, sample_weight=w)
    direct = _clf(max_epochs=2).fit(
        StandardScaler().fit_transform(X), y, sample_weight=w
    )
    np.testing.assert_allclose(
        pipe.predict_proba(X),
        direct.predict_proba(StandardScaler().fit(X).transform(X)),
        atol=1e-6,
    )


def test_partial_fit_and_warm_start(clf_data):
    X, y = clf_data
    clf = _clf(max_epochs=2)
    clf.partial_fit(X[:100], y[:100], classes=[0, 1, 2])
    w0 = clf.module_.output.weight.detach().clone()
    clf.partial_fit(X[100:], y[100:])
    assert not torch.equal(w0, clf.module_.output.weight)
    with pytest.raises(ValueError, match="not seen during fit"):
        clf.partial_fit(X[:10], np.full(10, 5))
    warm = _clf(max_epochs=2, warm_start=True).fit(X, y)
    module = warm.module_
    warm.fit(X, y)
    assert warm.module_ is module


def test_behind_a_resampler(clf_data):
    imblearn = pytest.importorskip("imblearn")
    from imblearn.over_sampling import RandomOverSampler

    X, y = clf_data
    keep = (y != 2) | (np.arange(len(y)) % 5 == 0)
    pipe = imblearn.pipeline.make_pipeline(
        RandomOverSampler(random_state=0), _clf(max_epochs=3)
    )
    pipe.fit(X[keep], y[keep])
    assert pipe.predict(X).shape == (len(y),)


def test_inside_importance_weighted_classifier():
    cs = pytest.importorskip("sklearn_datacentric.covariate_shift")
    X, y = make_classification(n_samples=400, n_features=4, random_state=0)
    Xs, ys, Xt = X[:300], y[:300], X[300:] + 0.3
    iw = cs.ImportanceWeightedClassifier(
        _clf(max_epochs=3), weighting=cs.DiscriminativeDensityRatio()
    )
    iw.fit(Xs, ys, X_target=Xt)
    assert iw.predict(Xt).shape == (100,)
    assert hasattr(iw.estimator_, "module_")


def test_as_base_model_of_conformal_wrappers():
    conf = pytest.importorskip("sklearn_datacentric.conformal")
    X, y = make_classification(
        n_samples=400,
        n_features=4,
        n_classes=3,
        n_informative=3,
        n_redundant=0,
        random_state=0,
    )
    scc = conf.SplitConformalClassifier(_clf(max_epochs=3), random_state=0)
    _, sets = scc.fit(X, y).predict_set(X[:10])
    assert sets.shape == (10, 3, 1)
    Xr, yr = make_regression(n_samples=400, n_features=4, random_state=0)
    scr = conf.SplitConformalRegressor(_reg(max_epochs=3), random_state=0)
    _, interval = scr.fit(Xr, yr / yr.std()).predict_interval(Xr[:10])
    assert interval.shape == (10, 2, 1)


# ----------------------------------------------------------------------- GPU
@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_device_auto_uses_gpu_and_matches_cpu(clf_data):
    X, y = clf_data
    params = dict(max_epochs=5, module__dropout=0.0, early_stopping=False)
    gpu = _clf(device="auto", **params).fit(X, y)
    assert next(gpu.module_.parameters()).is_cuda
    cpu = _clf(device="cpu", **params).fit(X, y)
    np.testing.assert_allclose(gpu.predict_proba(X), cpu.predict_proba(X), atol=1e-3)


# ---------------------------------------------------------------- soft labels
def test_soft_labels_match_hard_labels_when_one_hot(clf_data):
    X, y = clf_data
    hard = _clf().fit(X, y).predict_proba(X)
    soft = _clf().fit(X, np.eye(3)[y]).predict_proba(X)
    np.testing.assert_allclose(hard, soft, atol=1e-6)


def test_soft_labels_from_selective_mixup(clf_data):
    mixup = pytest.importorskip("sklearn_datacentric.mixup")
    X, y = clf_data
    labels = np.array(["a", "b", "c"])[y]
    sm = mixup.SelectiveMixup(criterion="different_class", random_state=0)
    X_mix, Y_soft = sm.fit_resample_soft(X, labels)
    clf = _clf(max_epochs=10, classes=sm.classes_, record_dynamics=True)
    clf.fit(X_mix, Y_soft)
    assert list(clf.classes_) == ["a", "b", "c"]
    assert clf.score(X, labels) > 0.8
    assert clf.margins_.shape[1] == len(X_mix)
    with pytest.raises(ValueError, match="probabilities"):
        _clf().fit(X, np.full((len(X), 3), 0.5))
    with pytest.raises(ValueError, match="columns"):
        _clf(classes=["a", "b"]).fit(X, np.eye(3)[y])


def test_groups_routed_through_grid_search(clf_data):
    import sklearn

    X, y = clf_data
    groups = np.arange(len(y)) % 2
    with sklearn.config_context(enable_metadata_routing=True):
        net = (
            _clf(max_epochs=2, mixup="different_domain")
            .set_fit_request(sample_weight=True, groups=True)
            .set_score_request(sample_weight=False)
        )
        grid = GridSearchCV(net, {"lr": [1e-2]}, cv=2)
        grid.fit(X, y, sample_weight=np.ones(len(y)), groups=groups)
    assert grid.best_score_ > 0.5


def test_skorch_valid_split_callable(clf_data):
    from skorch.dataset import ValidSplit

    X, y = clf_data
    clf = _clf(
        max_epochs=3,
        train_split=ValidSplit(5),
        record_dynamics=True,
        mixup="different_class",
        balanced_sampler="class",
    )
    clf.fit(X, y, sample_weight=np.linspace(0.5, 2, len(y)))
    assert np.isfinite(clf.history[-1, "valid_loss"])
    m = clf.margins_
    assert np.isnan(m).any(axis=0).sum() == 60  # one fold of five held out


@pytest.mark.parametrize("Net", [TabularNetClassifier, TabularNetRegressor])
@pytest.mark.parametrize("device", ["gpu0", "cuda0", "cpu:x", 3])
def test_invalid_device_is_refused_at_fit_naming_it(Net, device, clf_data):
    X, y = clf_data
    net = Net(device=device, max_epochs=1)  # stored unchanged
    assert net.get_params()["device"] == device
    with pytest.raises((ValueError, TypeError), match="device"):
        net.fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_device_without_cuda_is_a_clear_error(clf_data):
    X, y = clf_data
    with pytest.raises(ValueError, match="torch.cuda.is_available"):
        _clf(device="cuda:0", max_epochs=1).fit(X, y)


@pytest.mark.parametrize("Net", [TabularNetClassifier, TabularNetRegressor])
def test_huge_finite_features_give_an_error_never_nan(Net, clf_data):
    X, y = clf_data
    net = Net(**SMALL, max_epochs=2, random_state=0)
    with pytest.raises(ValueError, match="float32 range.*StandardScaler"):
        clone(net).fit(X * 1e300, y)
    # inside float32 but overflowing in training: an error, not NaN weights
    with pytest.raises(ValueError, match="training overflowed"):
        clone(net).fit(X / np.abs(X).max() * 3e38, y)
    fitted = clone(net).fit(X, y)
    with pytest.raises(ValueError, match="output overflows"):
        fitted.predict(X * 1e300)
    assert np.all(np.isfinite(np.asarray(fitted.predict(X), dtype=float)))


def test_balanced_sampler_is_torchs_weighted_sampler():
    from torch.utils.data import WeightedRandomSampler

    strata = np.array([0, 0, 0, 1, 2, 2])
    ours = BalancedBatchSampler(
        strata, num_samples=50, generator=torch.Generator().manual_seed(3)
    )
    assert isinstance(ours, WeightedRandomSampler)
    ref = WeightedRandomSampler(
        [1 / 9] * 3 + [1 / 3] + [1 / 6] * 2,
        50,
        generator=torch.Generator().manual_seed(3),
    )
    assert list(ours) == list(ref)
