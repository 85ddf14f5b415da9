"""Generic checks run on every public estimator returned by all_estimators().

A new public estimator gets all of these without touching this file.  An
estimator that needs an exception is listed in EXPECTED_FAILED_CHECKS with the
reason next to it.
"""

import copy
import pathlib
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.utils.estimator_checks import (
    _yield_sampler_checks,
    check_samplers_fit,
    check_samplers_list,
    check_samplers_pandas,
    check_samplers_preserve_dtype,
)
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_datacentric.utils import all_estimators
from sklearn_datacentric.utils.discovery import _kind

ROOT = pathlib.Path(__file__).resolve().parents[1]

# {estimator name: {check name: reason}}.  Every entry states why the check
# cannot pass for that estimator.
_RANDOM_PARTNERS = (
    "mixup draws a random partner for every row: a row of weight 2 and the "
    "same row duplicated get different partners, so the fits agree in "
    "distribution but not draw for draw"
)
_MINIBATCH_SGD = (
    "mini-batch SGD with a validation split: a row of weight k is not k "
    "repeated rows (batches, split and random stream all differ)"
)
_UNORDERED_STRINGS = (
    "the check fits string labels with no order given; an ordinal model "
    "cannot know their order (no class_order, not an ordered Categorical) "
    "and rejects them with an error saying so"
)
_ORDINAL_EXCEPTIONS = {"check_classifiers_classes": _UNORDERED_STRINGS}
EXPECTED_FAILED_CHECKS = {
    "SMOTENC": {
        "check_samplers_string": (
            "the check passes a single, all-nominal column; SMOTE-NC needs "
            "continuous features (SMOTEN is the sampler for that case)"
        ),
    },
    "PRESTOClassifier": _ORDINAL_EXCEPTIONS,
    "PRESTOClassifierCV": _ORDINAL_EXCEPTIONS,
    "ProportionalOddsClassifier": _ORDINAL_EXCEPTIONS,
    "TabularNetClassifier": {
        "check_sample_weight_equivalence_on_dense_data": _MINIBATCH_SGD,
    },
    "TabularNetRegressor": {
        "check_sample_weight_equivalence_on_dense_data": _MINIBATCH_SGD,
    },
    "SoftTargetClassifier": {
        "check_sample_weight_equivalence_on_dense_data": _RANDOM_PARTNERS,
        "check_sample_weight_equivalence_on_sparse_data": _RANDOM_PARTNERS,
    },
}

ESTIMATORS = all_estimators()


def _instance(cls):
    est = cls()
    params = getattr(cls, "_test_params", None)
    if params:
        est.set_params(**params)
    if "random_state" in est.get_params():
        est.set_params(random_state=0)
    return est


INSTANCES = [_instance(cls) for _, cls in ESTIMATORS]


def _expected_failed(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


def _ids(obj):
    if isinstance(obj, type):
        return obj.__name__
    return type(obj).__name__


def test_all_estimators_found():
    # The package must expose real estimators, and only through __all__.
    assert len(ESTIMATORS) > 0
    for name, _cls in ESTIMATORS:
        assert not name.startswith(("Base", "_")), name


@parametrize_with_checks(INSTANCES, expected_failed_checks=_expected_failed)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


# -- imbalanced-learn's sampler checks ------------------------------------

# Checks of imbalanced-learn that also apply to resamplers of continuous
# targets (the others assume class labels: one-label, multiclass OvA, ...).
_REGRESSION_SAMPLER_CHECKS = (
    check_samplers_fit,
    check_samplers_list,
    check_samplers_pandas,
    check_samplers_preserve_dtype,
)


def _sampler_check_params():
    for est in INSTANCES:
        kind = _kind(type(est))
        if kind == "sampler":
            checks = list(_yield_sampler_checks(est))
        elif kind == "regression_sampler":
            checks = list(_REGRESSION_SAMPLER_CHECKS)
        else:
            continue
        failing = _expected_failed(est)
        for check in checks:
            marks = ()
            if check.__name__ in failing:
                marks = pytest.mark.xfail(reason=failing[check.__name__])
            yield pytest.param(
                est, check, id=f"{type(est).__name__}-{check.__name__}", marks=marks
            )


@pytest.mark.parametrize("estimator, check", list(_sampler_check_params()))
def test_imblearn_sampler_checks(estimator, check):
    name = type(estimator).__name__
    if _kind(type(estimator)) == "regression_sampler":
        check = _regression_version(check)
    check(name, clone(estimator))


def _regression_version(check):
    """Run a sampler check on continuous-target data instead of labels."""

    def run(name, sampler):
        import imblearn.utils.estimator_checks as ec

        original = ec.sample_dataset_generator
        ec.sample_dataset_generator = _regression_data
        try:
            if check is check_samplers_preserve_dtype:
                X, y = _regression_data()
                X_res, y_res = sampler.fit_resample(X.astype(np.float32), y)
                assert X_res.dtype == np.float32
            elif check is check_samplers_pandas:
                X, y = _regression_data()
                X_df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
                X_res_df, y_res_s = sampler.fit_resample(X_df, pd.Series(y, name="t"))
                X_res, y_res = clone(sampler).fit_resample(X, y)
                assert isinstance(X_res_df, pd.DataFrame)
                assert list(X_res_df.columns) == list(X_df.columns)
                assert isinstance(y_res_s, pd.Series) and y_res_s.name == "t"
                np.testing.assert_allclose(X_res_df.to_numpy(), X_res)
            else:
                check(name, sampler)
        finally:
            ec.sample_dataset_generator = original

    return run


def _regression_data():
    X, y = make_regression(n_samples=300, n_features=4, noise=1.0, random_state=0)
    # a skewed target with a rare upper tail, as regression resamplers expect
    return X, np.exp(y / y.std())


# -- generic data for the package's own checks ------------------------------


def _data_for(estimator):
    kind = _kind(type(estimator))
    if kind in ("regressor", "regression_sampler"):
        return _regression_data()
    X, y = make_classification(
        n_samples=300,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        weights=[0.6, 0.3, 0.1],
        random_state=0,
    )
    return X, y


def _run(estimator, X, y):
    """Fit (or fit_resample) and return the main output."""
    if hasattr(estimator, "fit_resample"):
        return estimator.fit_resample(X, y)
    estimator.fit(X, y)
    for method in ("predict", "transform", "predict_weights"):
        if hasattr(estimator, method):
            return getattr(estimator, method)(X)
    return None


@pytest.mark.parametrize("estimator", INSTANCES, ids=_ids)
def test_clone_and_pickle_round_trip(estimator):
    X, y = _data_for(estimator)
    est = clone(estimator)
    out = _run(est, X, y)
    est2 = pickle.loads(pickle.dumps(est))
    if hasattr(est, "fit_resample"):
        # a refit of a clone with the same random_state gives the same output
        out2 = clone(estimator).fit_resample(X, y)
        np.testing.assert_allclose(np.asarray(out[0]), np.asarray(out2[0]))
    else:
        for method in ("predict", "transform", "predict_weights"):
            if hasattr(est, method):
                np.testing.assert_array_equal(
                    np.asarray(getattr(est, method)(X)),
                    np.asarray(getattr(est2, method)(X)),
                )
                break
    assert clone(est2).get_params().keys() == estimator.get_params().keys()


@pytest.mark.parametrize("estimator", INSTANCES, ids=_ids)
def test_input_not_modified(estimator):
    X, y = _data_for(estimator)
    X_copy, y_copy = X.copy(), y.copy()
    _run(clone(estimator), X, y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


@pytest.mark.parametrize("estimator", INSTANCES, ids=_ids)
def test_pandas_in_pandas_out(estimator):
    X, y = _data_for(estimator)
    columns = [f"feat_{i}" for i in range(X.shape[1])]
    X_df = pd.DataFrame(X, columns=columns)
    y_s = pd.Series(y, name="target")
    est = clone(estimator)
    if hasattr(est, "set_output") and hasattr(est, "transform"):
        est.set_output(transform="pandas")
    out = _run(est, X_df, y_s)
    np.testing.assert_array_equal(est.feature_names_in_, columns)
    if hasattr(est, "fit_resample"):
        X_res, y_res = out[0], out[1]
        assert isinstance(X_res, pd.DataFrame), type(X_res)
        assert list(X_res.columns) == columns
        assert isinstance(y_res, pd.Series) and y_res.name == "target"
    elif hasattr(est, "transform"):
        assert isinstance(out, pd.DataFrame)
    if hasattr(est, "get_feature_names_out") and (
        hasattr(est, "fit_resample") or hasattr(est, "transform")
    ):
        names = est.get_feature_names_out()
        assert len(names) > 0


@pytest.mark.parametrize("estimator", INSTANCES, ids=_ids)
def test_mismatched_lengths_rejected(estimator):
    if not estimator.__sklearn_tags__().target_tags.required:
        pytest.skip(f"{type(estimator).__name__} does not use y")
    X, y = _data_for(estimator)
    with pytest.raises(ValueError, match=r"(?i)inconsistent|samples|length"):
        _run(clone(estimator), X, y[:-5])


@pytest.mark.parametrize("estimator", INSTANCES, ids=_ids)
def test_non_finite_rejected(estimator):
    X, y = _data_for(estimator)
    tags = estimator.__sklearn_tags__()
    if tags.input_tags.allow_nan:
        pytest.skip(f"{type(estimator).__name__} accepts NaN by design")
    X = X.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"(?i)nan|infinit|finite"):
        _run(clone(estimator), X, y)
    X[3, 1] = np.inf
    with pytest.raises(ValueError, match=r"(?i)nan|infinit|finite"):
        _run(clone(estimator), X, y)


@pytest.mark.parametrize("estimator", INSTANCES, ids=_ids)
def test_one_dimensional_X_rejected(estimator):
    X, y = _data_for(estimator)
    with pytest.raises(ValueError, match=r"(?i)2d|2-d|reshape"):
        _run(clone(estimator), X[:, 0], y)


@pytest.mark.parametrize("estimator", INSTANCES, ids=_ids)
def test_empty_input_rejected(estimator):
    X, y = _data_for(estimator)
    with pytest.raises(ValueError, match=r"(?i)0 sample|empty|minimum"):
        _run(clone(estimator), X[:0], y[:0])


@pytest.mark.parametrize(
    "estimator",
    [e for e in INSTANCES if _kind(type(e)) in ("sampler", "classifier")],
    ids=_ids,
)
def test_single_class_rejected(estimator):
    X, _ = _data_for(estimator)
    y = np.zeros(X.shape[0], dtype=int)
    with pytest.raises(ValueError, match=r"(?i)class|label"):
        _run(clone(estimator), X, y)


@pytest.mark.parametrize("estimator", INSTANCES, ids=_ids)
def test_invalid_parameter_named_in_error(estimator):
    # Declarative validation: an invalid value is reported with the name of the
    # parameter, at fit time (never in __init__).
    constraints = getattr(estimator, "_parameter_constraints", {})
    if not constraints:
        pytest.fail(f"{type(estimator).__name__} declares no _parameter_constraints")
    name = sorted(constraints)[0]
    est = clone(estimator).set_params(**{name: object()})
    X, y = _data_for(estimator)
    with pytest.raises((ValueError, TypeError), match=re.escape(repr(name)[1:-1])):
        _run(est, X, y)


def test_every_public_estimator_in_api_reference():
    api_text = "\n".join(
        p.read_text() for p in sorted((ROOT / "doc" / "api").glob("*.rst"))
    )
    listed = set(re.findall(r"^\s+(\w+)\s*$", api_text, flags=re.M))
    missing = [name for name, _ in ESTIMATORS if name not in listed]
    assert not missing, f"missing from doc/api/*.rst: {missing}"


def test_deepcopy_unfitted():
    for est in INSTANCES:
        assert copy.deepcopy(est).get_params().keys() == est.get_params().keys()
