"""Bad or unusual input on every public estimator (issue 18).

Each case runs every estimator of ``all_estimators()`` on small data and
asserts either a correct output or an error whose message names the problem:

* huge finite values (|x| up to ~1e308): the output equals the output on the
  same data before scaling by a power of two (mapped back for resamplers,
  unchanged predictions and weights), so no pairing with a wrong row, no
  infinity and no constant output; or a ValueError naming the estimator and
  saying how to rescale.  Huge targets likewise for regression estimators;
* pandas nullable dtypes (Int64, Float64, boolean): the same result as the
  float64 frame; resampled nullable columns come back in their dtype when the
  values fit it, else Float64; pd.NA gives the usual NaN error;
* float16 and numeric object arrays, read-only and Fortran-ordered arrays;
* an invalid ``device``; NaN in ``X_target``;
* a constant feature and classes made of duplicated rows;
* pickling: fitted estimators give the same output after a round trip
  through a fresh Python process (one subprocess for all estimators).
"""

import inspect
import json
import os
import pickle
import re
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression

from sklearn_datacentric.utils import all_estimators
from sklearn_datacentric.utils.discovery import _kind

ESTIMATORS = all_estimators()
NAMES = [name for name, _ in ESTIMATORS]

# Estimators of other branches that still fail a case here; they flip when
# those branches are merged (strict xfail).
XFAIL = {
    # the test instance wraps a user pipeline (SMOTE + LogisticRegression on
    # raw X), which predicts one class on huge X without an error; the
    # default inner pipeline gets a clear error (tests/calibration), a user's
    # is the user's choice (a clear error there would reject tree models that
    # handle huge X)
    ("huge", "PriorCorrectedClassifier"): "a user-given inner pipeline",
}

# Resamplers whose synthetic rows are convex combinations of rows of their
# class (segment interpolation, star topology, weighted centroids): every
# synthetic row lies in the bounding box of its class.
CONVEX_IN_CLASS = {
    "SMOTE", "BorderlineSMOTE", "ADASYN", "SMOTENC", "AssembledSMOTE",
    "LeeSMOTE", "ProWSyn", "GSMOTE", "SMOTEIPF", "SMOBD", "PolynomFitSMOTE",
}  # fmt: skip
# Resamplers that only keep, copy or convexly combine rows (of any class):
# a constant feature stays constant.  Not GeometricSMOTE (points in a
# hypersphere) nor CCR (majority rows pushed out of spheres).
NOT_CONVEX = {"GeometricSMOTE", "CCR"}


# parameters expressed in the units of X
X_UNIT_PARAMS = {"SMOBD": ("max_eps",)}


def _instance(cls):
    est = cls()
    params = getattr(cls, "_test_params", None)
    if params:
        est.set_params(**params)
    if "random_state" in est.get_params():
        est.set_params(random_state=0)
    return est


def _params(name, case):
    marks = ()
    if (case, name) in XFAIL:
        marks = pytest.mark.xfail(strict=True, reason=XFAIL[(case, name)])
    return pytest.param(name, id=name, marks=marks)


def _cases(case, names=NAMES):
    return [_params(name, case) for name in names]


CLASSES = dict(ESTIMATORS)


def _is_regression(name):
    return _kind(CLASSES[name]) in ("regressor", "regression_sampler")


def _takes_target(name):
    cls = CLASSES[name]
    return hasattr(cls, "fit") and "X_target" in inspect.signature(cls.fit).parameters


# PAC sets bound the confusion matrix with Clopper-Pearson intervals at
# delta / (K^2 + K + 1): 30 calibration rows of 3 classes cannot make it
# invertible (a clear SingularConfusionMatrixError), so it gets more rows
N_SAMPLES = {"PACLabelShiftClassifier": 600}


def _data(name):
    if _is_regression(name):
        X, y = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
        return X, np.exp(y / y.std())
    X, y = make_classification(
        n_samples=N_SAMPLES.get(name, 60), n_features=4, n_informative=3,
        n_redundant=0,
        n_clusters_per_class=1, n_classes=3, weights=[0.5, 0.3, 0.2],
        random_state=0,
    )  # fmt: skip
    return X, y


def _out(est, X, y, X_target=None):
    """Fit and return the main outputs as a dict of float/label arrays."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if hasattr(est, "fit_resample"):
            X_res, y_res = est.fit_resample(X, y)[:2]
            return {"X": X_res, "y": np.asarray(y_res)}
        if hasattr(est, "kneighbors"):
            dist, ind = est.fit(X).kneighbors(X)
            return {"dist": dist, "ind": ind}
        kw = {} if X_target is None else {"X_target": X_target}
        if hasattr(est, "predict_weights"):
            # every weighter's fit takes y (the label-shift weighter needs it)
            return {"w": est.fit(X, y, **kw).predict_weights(X)}
        est.fit(X, y, **kw)
        if hasattr(est, "uncertainty"):
            return {"u": est.uncertainty(X)}
        out = {"pred": np.asarray(est.predict(X))}
        if hasattr(est, "predict_proba"):
            out["proba"] = np.asarray(est.predict_proba(X))
        return out


def _target_of(name, X):
    # a shifted target sample (not a subset of X: the matching problem of the
    # kernel weighters would have many optima)
    return X[:20] * 0.75 if _takes_target(name) else None


def _run(name, X, y, params=None):
    est = _instance(CLASSES[name])
    if params:
        est.set_params(**params)
    return _out(est, X, y, _target_of(name, X))


def _as_float(a):
    if isinstance(a, pd.DataFrame):
        return a.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(a, dtype=np.float64)


def _assert_finite(out):
    for key, a in out.items():
        if key in ("y", "pred", "ind") and np.asarray(a).dtype.kind not in "fc":
            continue
        assert np.all(np.isfinite(_as_float(a))), f"non-finite {key}"


def _assert_same(out, ref, *, x_scale=1.0, y_scale=1.0, rtol=1e-7):
    """``out`` equals ``ref`` with X (and y) scaled; labels exactly."""
    assert out.keys() == ref.keys()
    for key in ref:
        a, b = out[key], ref[key]
        if key in ("ind",) or (
            key in ("y", "pred") and np.asarray(b).dtype.kind not in "fc"
        ):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=key)
            continue
        scale = {"X": x_scale, "dist": x_scale, "y": y_scale}.get(key, 1.0)
        if key == "pred":
            scale = y_scale
        b = _as_float(b) * scale
        a = _as_float(a)
        atol = 1e-9 * float(np.max(np.abs(b), initial=0.0)) + (
            1e-9 if scale == 1.0 else 0.0
        )
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=key)


def _assert_in_class_box(name, X, y, out):
    if name not in CONVEX_IN_CLASS:
        return
    X_res, y_res = _as_float(out["X"]), np.asarray(out["y"])
    n = X.shape[0]
    syn_X, syn_y = X_res[n:], y_res[n:]
    for c in np.unique(syn_y):
        rows = X[y == c]
        lo, hi = rows.min(axis=0), rows.max(axis=0)
        tol = 1e-12 * np.maximum(np.abs(lo), np.abs(hi))
        inside = (syn_X[syn_y == c] >= lo - tol) & (syn_X[syn_y == c] <= hi + tol)
        assert inside.all(), f"{name}: synthetic rows of class {c} outside its class"


def _overflow_error(name, exc):
    msg = str(exc)
    assert name in msg, f"the error does not name {name}: {msg}"
    assert re.search(r"(?i)rescale|too large|overflow", msg), msg


def _pow2_to_huge(A):
    """The power of two that brings max |A| to about 1e307..1.8e308."""
    return 2.0 ** (1022 - int(np.ceil(np.log2(np.max(np.abs(A))))))


# --------------------------------------------------------------------------
# huge finite values
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", _cases("huge"))
def test_huge_values(name):
    X, y = _data(name)
    ref = _run(name, X, y)
    s = _pow2_to_huge(X)
    X_big = X * s
    assert np.all(np.isfinite(X_big)) and np.max(np.abs(X_big)) > 1e307
    # parameters in the units of X scale with it
    params = {
        p: _instance(CLASSES[name]).get_params()[p] * s
        for p in X_UNIT_PARAMS.get(name, ())
    }
    try:
        out = _run(name, X_big, y, params)
    except ValueError as exc:
        _overflow_error(name, exc)
        return
    _assert_finite(out)
    rtol = 1e-9 if "X" in ref else 1e-6
    _assert_same(out, ref, x_scale=s, rtol=rtol)
    if "X" in out:
        _assert_in_class_box(name, X_big, y, out)


_REGRESSION = [n for n in NAMES if _is_regression(n)]


@pytest.mark.parametrize("name", _cases("huge_y", _REGRESSION))
def test_huge_targets(name):
    X, y = _data(name)
    params = {}
    est = _instance(CLASSES[name])
    relevance = est.get_params().get("relevance")
    s = _pow2_to_huge(y)
    if relevance is not None and not isinstance(relevance, str):
        # control points are in the units of y: scaled with it
        pts = np.array(relevance, dtype=np.float64)
        pts[:, 0] *= s
        params["relevance"] = pts.tolist()
    ref = _run(name, X, y)
    try:
        out = _run(name, X, y * s, params)
    except ValueError as exc:
        _overflow_error(name, exc)
        return
    _assert_finite(out)
    _assert_same(out, ref, y_scale=s, rtol=1e-6)


# --------------------------------------------------------------------------
# pandas nullable dtypes
# --------------------------------------------------------------------------
def _frames(name):
    X, y = _data(name)
    X = np.round(X * 4.0)  # integer-valued: representable in Int64
    cols = [f"f{j}" for j in range(X.shape[1])]
    return pd.DataFrame(X, columns=cols), pd.Series(y, name="target")


@pytest.mark.parametrize("name", _cases("nullable"))
@pytest.mark.parametrize("dtype", ["Int64", "Float64"])
def test_nullable_dtypes(name, dtype):
    df, y = _frames(name)
    ref = _run(name, df, y)
    out = _run(name, df.astype(dtype), y)
    _assert_same(out, ref)
    if "X" in out:
        X_res = out["X"]
        assert isinstance(X_res, pd.DataFrame)
        for c in X_res.columns:
            values = _as_float(X_res[c])
            fits = np.all(values == np.round(values)) or dtype == "Float64"
            expected = dtype if fits else "Float64"
            assert str(X_res[c].dtype) == expected, (c, X_res[c].dtype)


@pytest.mark.parametrize("name", _cases("boolean"))
def test_boolean_column(name):
    df, y = _frames(name)
    df["f1"] = df["f1"] > 0
    ref = _run(name, df.astype({"f1": np.float64}), y)
    out = _run(name, df.astype({"f1": "boolean"}), y)
    _assert_same(out, ref)
    if "X" in out:
        values = _as_float(out["X"]["f1"])
        binary = np.all((values == 0) | (values == 1))
        assert str(out["X"]["f1"].dtype) == ("boolean" if binary else "Float64")


@pytest.mark.parametrize("name", _cases("pd_na"))
def test_pd_na_is_nan(name):
    est = _instance(CLASSES[name])
    if est.__sklearn_tags__().input_tags.allow_nan:
        pytest.skip(f"{name} accepts missing values")
    df, y = _frames(name)
    df = df.astype("Int64")
    df.loc[3, "f0"] = pd.NA  # column 0: SMOTENC's categorical column
    with pytest.raises(ValueError, match=r"(?i)nan"):
        _run(name, df, y)


# --------------------------------------------------------------------------
# dtypes and memory layouts
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", _cases("float16"))
def test_float16(name):
    X, y = _data(name)
    X16 = X.astype(np.float16)
    out = _run(name, X16, y)
    _assert_finite(out)
    ref = _run(name, X16.astype(np.float64), y)  # some estimators keep float16
    assert {k: np.shape(v) for k, v in out.items()} == {
        k: np.shape(v) for k, v in ref.items()
    }


@pytest.mark.parametrize("name", _cases("object"))
def test_numeric_object_array(name):
    X, y = _data(name)
    out = _run(name, X.astype(object), y)
    _assert_same(out, _run(name, X, y))


@pytest.mark.parametrize("name", _cases("layout"))
def test_read_only_and_fortran(name):
    X, y = _data(name)
    ref = _run(name, X, y)
    ro = X.copy()
    ro.flags.writeable = False
    y_ro = y.copy()
    y_ro.flags.writeable = False
    _assert_same(_run(name, ro, y_ro), ref)
    _assert_same(_run(name, np.asfortranarray(X), y), ref)


# --------------------------------------------------------------------------
# parameters and second samples
# --------------------------------------------------------------------------
_DEVICE = [n for n in NAMES if "device" in CLASSES[n]().get_params()]


@pytest.mark.parametrize("name", _cases("device", _DEVICE))
def test_invalid_device(name):
    X, y = _data(name)
    with pytest.raises(ValueError, match="device"):
        _run(name, X, y, {"device": "gpu0"})


_TARGET = [n for n in NAMES if _takes_target(n)]


@pytest.mark.parametrize("name", _cases("x_target", _TARGET))
def test_nan_in_X_target(name):
    X, y = _data(name)
    X_target = X[:20].copy()
    X_target[2, 1] = np.nan
    est = _instance(CLASSES[name])
    with pytest.raises(ValueError, match=r"X_target.*NaN|NaN.*X_target"):
        _out(est, X, y, X_target)


# --------------------------------------------------------------------------
# degenerate data
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", _cases("constant"))
def test_constant_feature(name):
    X, y = _data(name)
    X = X.copy()
    X[:, 1] = 3.0
    out = _run(name, X, y)
    _assert_finite(out)
    if "X" in out:
        X_res = _as_float(out["X"])
        assert X_res.shape[1] == X.shape[1]
        if name not in NOT_CONVEX:
            np.testing.assert_allclose(X_res[:, 1], 3.0, rtol=1e-12)
        _assert_in_class_box(name, X, y, out)


@pytest.mark.parametrize("name", _cases("duplicates"))
def test_duplicate_rows_only(name):
    # every row of a class is the same point (classification); for continuous
    # targets, four distinct rows repeated ten times each
    X, y = _data(name)
    if _is_regression(name):
        X = X[np.arange(60) % 4]  # the targets stay distinct
    else:
        first = {c: np.flatnonzero(y == c)[0] for c in np.unique(y)}
        X = X[[first[c] for c in y]]
    try:
        out = _run(name, X, y)
    except (ValueError, RuntimeError) as exc:  # a refusal names the problem
        assert re.search(
            r"(?i)duplicate|identical|distinct|constant|variance|neighbour", str(exc)
        ), str(exc)
        return
    _assert_finite(out)
    if "X" in out:
        X_res = _as_float(out["X"])
        unique = np.unique(X, axis=0)
        if name in CONVEX_IN_CLASS:
            # convex combinations of copies of a point are that point
            close = np.isclose(X_res[:, None, :], unique[None, :, :], rtol=1e-12)
            is_copy = close.all(axis=2).any(axis=1)
            assert is_copy.all(), f"{name}: rows that are not copies of the input"


# --------------------------------------------------------------------------
# pickling in a fresh process
# --------------------------------------------------------------------------
_CHILD = r"""
import json, pickle, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
with open(sys.argv[1], "rb") as f:
    cases = pickle.load(f)
report = {}
for name, est, X, y, ref in cases:
    try:
        if hasattr(est, "fit_resample"):
            # the unpickled sampler refits to the same output
            X_res, y_res = est.fit_resample(X, y)[:2]
            got = {"X": np.asarray(X_res, dtype=float), "y": np.asarray(y_res)}
        elif hasattr(est, "kneighbors"):
            dist, ind = est.kneighbors(X)
            got = {"dist": dist, "ind": ind}
        elif hasattr(est, "predict_weights"):
            got = {"w": est.predict_weights(X)}
        elif hasattr(est, "uncertainty"):
            got = {"u": est.uncertainty(X)}
        else:
            got = {"pred": np.asarray(est.predict(X))}
            if hasattr(est, "predict_proba"):
                got["proba"] = np.asarray(est.predict_proba(X))
        bad = []
        for key, value in ref.items():
            a, b = np.asarray(got[key]), np.asarray(value)
            same = (
                np.allclose(a.astype(float), b.astype(float), rtol=1e-10, atol=1e-12)
                if b.dtype.kind in "fc" else np.array_equal(a, b)
            )
            if not same:
                bad.append(key)
        report[name] = "" if not bad else f"different {bad}"
    except Exception as exc:
        report[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def fresh_process_report(tmp_path_factory):
    cases = []
    for name in NAMES:
        X, y = _data(name)
        est = _instance(CLASSES[name])
        ref = _out(est, X, y, _target_of(name, X))
        ref = {k: _as_float(v) if k == "X" else np.asarray(v) for k, v in ref.items()}
        cases.append((name, est, X, y, ref))
    path = tmp_path_factory.mktemp("pickles") / "fitted.pkl"
    path.write_bytes(pickle.dumps(cases))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", _cases("pickle"))
def test_pickle_in_fresh_process(name, fresh_process_report):
    assert fresh_process_report[name] == "", fresh_process_report[name]
