"""Settings of every pytest run of the repository, the docstring examples
(``--doctest-modules sklearn_datacentric``) included.

Two cores may be shared by numba, BLAS, OpenMP (scikit-learn's histogram
gradient boosting) and torch: one thread each keeps the examples fast and
their timings stable (on a loaded machine an OpenMP fit can otherwise be 30
times slower).
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
