"""Test-session settings shared by every test module."""

import os

# Two cores are shared by numba, BLAS and torch: one thread each keeps the
# suite fast and its timings stable.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

try:  # torch is optional (the `torch` extra)
    import torch

    torch.set_num_threads(1)
except ImportError:
    pass
