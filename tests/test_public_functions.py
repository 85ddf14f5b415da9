"""Every public function validates its parameters declaratively.

Modelled on scikit-learn's ``sklearn/tests/test_public_functions.py``: each
function below is decorated with ``@validate_params``; every parameter of its
signature has a constraint, and a value that violates the constraint raises
``InvalidParameterError`` naming the parameter and the function.
"""

import importlib
from inspect import signature

import pytest
from sklearn.utils._param_validation import (
    InvalidParameterError,
    generate_invalid_param_val,
    generate_valid_param,
    make_constraint,
)

# module path, function name (the public path a user imports it from)
PARAM_VALIDATION_FUNCTION_LIST = [
    "sklearn_datacentric.calibration.resampled_class_labels",
    "sklearn_datacentric.conformal.conformal_quantile",
    "sklearn_datacentric.conformal.n_calibration_required",
    "sklearn_datacentric.conformal.weighted_conformal_quantile",
    "sklearn_datacentric.datasets.load_airfoil",
    "sklearn_datacentric.datasets.load_blood_transfusion",
    "sklearn_datacentric.datasets.load_breast_cancer_wisconsin",
    "sklearn_datacentric.datasets.load_communities_crime",
    "sklearn_datacentric.datasets.load_haberman",
    "sklearn_datacentric.datasets.load_imbalanced",
    "sklearn_datacentric.datasets.load_ringnorm",
    "sklearn_datacentric.datasets.load_wine_quality",
    "sklearn_datacentric.datasets.make_covariate_shift",
    "sklearn_datacentric.datasets.make_imbalance",
    "sklearn_datacentric.datasets.make_ordinal_rare_events",
    "sklearn_datacentric.datasets.ordinal_class_probabilities",
    "sklearn_datacentric.metrics.classification_coverage_score",
    "sklearn_datacentric.metrics.interval_score",
    "sklearn_datacentric.metrics.mean_interval_width",
    "sklearn_datacentric.metrics.mean_set_size",
    "sklearn_datacentric.metrics.regression_coverage_score",
    "sklearn_datacentric.mixup.sample_partners",
    "sklearn_datacentric.neighbors.kneighbors_dask",
    "sklearn_datacentric.ordinal.cumulative_logit_proba",
    "sklearn_datacentric.selection.confident_joint",
    "sklearn_datacentric.selection.el2n_scores",
    "sklearn_datacentric.selection.flag_label_errors",
    "sklearn_datacentric.selection.label_quality_scores",
    "sklearn_datacentric.selection.margins_from_logits",
    "sklearn_datacentric.selection.out_of_fold_proba",
    "sklearn_datacentric.selection.simulate_active_learning",
    "sklearn_datacentric.selection.uncertainty_scores",
    "sklearn_datacentric.utils.check_keep_ratio",
    "sklearn_datacentric.utils.dask_gather_budget",
    "sklearn_datacentric.utils.import_optional",
    "sklearn_datacentric.utils.pack_source_target",
    "sklearn_datacentric.utils.split_source_target",
]


def _import(path):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("path", PARAM_VALIDATION_FUNCTION_LIST)
def test_function_param_validation(path):
    func = _import(path)
    constraints = getattr(func, "_skl_parameter_constraints", None)
    assert constraints is not None, f"{path} is not decorated with validate_params"
    params = [
        p
        for p in signature(func).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    # one constraint per parameter, none for a parameter that does not exist
    assert set(constraints) == {p.name for p in params}, path
    required = {
        p.name: generate_valid_param(make_constraint(constraints[p.name][0]))
        for p in params
        if p.default is p.empty and constraints[p.name] != "no_validation"
    }
    required.update(
        {
            p.name: object()
            for p in params
            if p.default is p.empty and constraints[p.name] == "no_validation"
        }
    )
    name = func.__name__
    for param, options in constraints.items():
        if options == "no_validation":
            continue
        options = [make_constraint(c) for c in options]
        for constraint in options:
            try:
                bad = generate_invalid_param_val(constraint)
            except NotImplementedError:
                continue
            if any(c.is_satisfied_by(bad) for c in options):
                continue  # another alternative accepts it
            match = rf"The '{param}' parameter of {name} must be"
            with pytest.raises(InvalidParameterError, match=match):
                func(**{**required, param: bad})
        # a type no constraint of the parameter accepts
        bad = _NotAnything()
        if any(c.is_satisfied_by(bad) for c in options):
            continue
        match = rf"The '{param}' parameter of {name} must be"
        with pytest.raises(InvalidParameterError, match=match):
            func(**{**required, param: bad})


class _NotAnything:
    """A value of a type that no constraint allows."""
