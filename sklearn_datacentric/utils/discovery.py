"""Discovery of the public estimators of the package."""

import importlib
import inspect
import warnings

from sklearn.base import BaseEstimator, is_classifier, is_regressor

__all__ = ["all_estimators", "PUBLIC_MODULES"]

# Public subpackages whose ``__all__`` lists the public estimators.
PUBLIC_MODULES = (
    "neighbors",
    "over_sampling",
    "under_sampling",
    "combine",
    "mixup",
    "covariate_shift",
    "conformal",
    "ordinal",
    "selection",
    "calibration",
    "neural",
    "label_shift",
)

_KINDS = (
    "sampler",
    "regression_sampler",
    "classifier",
    "regressor",
    "transformer",
    "weighter",
    "other",
)


def _kind(cls):
    if getattr(cls, "_estimator_type", None) == "sampler" or hasattr(
        cls, "fit_resample"
    ):
        if getattr(cls, "_sampling_type", None) == "regression":
            return "regression_sampler"
        return "sampler"
    if hasattr(cls, "predict_weights"):
        return "weighter"
    try:
        instance = cls()
    except TypeError:
        instance = None
    if instance is not None and is_classifier(instance):
        return "classifier"
    if instance is not None and is_regressor(instance):
        return "regressor"
    if hasattr(cls, "transform"):
        return "transformer"
    return "other"


def all_estimators(type_filter=None):
    """List the public estimators of sklearn_datacentric.

    Parameters
    ----------
    type_filter : {"sampler", "regression_sampler", "classifier", "regressor", \
            "transformer", "weighter", "other"} or list of them, default=None
        Keep only estimators of these kinds.  ``"sampler"`` are resamplers of
        class labels (imbalanced-learn compatible); ``"regression_sampler"``
        resample continuous targets; ``"weighter"`` estimate sample weights
        (``predict_weights``).

    Returns
    -------
    estimators : list of (name, class) tuples
        Sorted by name.  Modules whose optional dependencies are missing (the
        ``neural`` module without torch) are skipped with a warning.
    """
    if type_filter is not None:
        kinds = [type_filter] if isinstance(type_filter, str) else list(type_filter)
        unknown = set(kinds) - set(_KINDS)
        if unknown:
            raise ValueError(
                f"Unknown type_filter {sorted(unknown)}; choose among {_KINDS}."
            )
    found = {}
    for mod_name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(f"sklearn_datacentric.{mod_name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("sklearn_datacentric"):
                continue  # module not built yet
            warnings.warn(
                f"Skipping sklearn_datacentric.{mod_name}: {exc}", stacklevel=2
            )
            continue
        except ImportError as exc:
            warnings.warn(
                f"Skipping sklearn_datacentric.{mod_name}: {exc}", stacklevel=2
            )
            continue
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and not name.startswith(("_", "Base"))
            ):
                found[name] = obj
    out = sorted(found.items())
    if type_filter is not None:
        out = [(n, c) for n, c in out if _kind(c) in kinds]
    return out
