"""Lazy import of optional dependencies with an error that names the extra."""

import importlib

from sklearn.utils._param_validation import validate_params

# module name -> extra of sklearn-datacentric that installs it
_EXTRAS = {
    "torch": "torch",
    "skorch": "torch",
    "matplotlib": "plot",
    "cvxpy": "benchmarks",
    "statsmodels": "benchmarks",
    "dask": "dask",
    "distributed": "dask",
}


@validate_params(
    {"module": [str], "extra": [str, None], "purpose": [str, None]},
    prefer_skip_nested_validation=True,
)
def import_optional(module, *, extra=None, purpose=None):
    """Import an optional dependency or raise an ImportError naming the extra.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"torch"`` or ``"matplotlib.pyplot"``.
    extra : str, default=None
        Name of the ``pip install sklearn-datacentric[extra]`` extra that
        provides it. Guessed from the top-level module name when None.
    purpose : str, default=None
        What needs the module, used in the error message.

    Returns
    -------
    module : module
        The imported module.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        extra = extra or _EXTRAS.get(top, top)
        what = f" {purpose}" if purpose else ""
        raise ImportError(
            f"{top!r} is required{what} but is not installed. Install it with "
            f'`pip install "sklearn-datacentric[{extra}]"`.'
        ) from exc
