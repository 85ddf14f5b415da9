"""Settings of every pytest run of the repository, the docstring examples
(``--doctest-modules sklearn_datacentric``) included.

Two cores may be shared by numba, BLAS, OpenMP (scikit-learn's histogram
gradient boosting) and torch: one thread each keeps the examples fast and
their timings stable (on a loaded machine an OpenMP fit can otherwise be 30
times slower).
"""

import importlib.util
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

# the neural modules import torch and skorch: without the `torch` extra their
# docstring examples cannot even be collected
collect_ignore_glob = []
if (
    importlib.util.find_spec("torch") is None
    or importlib.util.find_spec("skorch") is None
):
    collect_ignore_glob.append("sklearn_datacentric/neural/*")

# Docstring examples of the optional parts run only where their extra is
# installed (``pip install -e ".[dev]"`` installs all of them).
_EXAMPLES_NEED = {
    "sklearn_datacentric/neural/": "torch",
    "sklearn_datacentric/neighbors/_dask.py": "dask",
    "sklearn_datacentric/utils/_dask.py": "dask",
    "sklearn_datacentric/metrics/_display.py": "matplotlib",
    "sklearn_datacentric/over_sampling/_variants/_display.py": "matplotlib",
}


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        if type(item).__name__ != "DoctestItem":
            continue
        path = str(item.path).replace(os.sep, "/")
        for part, module in _EXAMPLES_NEED.items():
            if part in path and importlib.util.find_spec(module) is None:
                item.add_marker(pytest.mark.skip(reason=f"needs {module}"))
