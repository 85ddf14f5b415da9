"""Test-session settings shared by every test module."""


# OMP_NUM_THREADS and MPLBACKEND are set by the repository's root conftest.py

try:  # torch is optional (the `torch` extra)
    import torch

    torch.set_num_threads(1)
except ImportError:
    pass
