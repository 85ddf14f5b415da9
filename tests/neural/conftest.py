"""Neural tests: one torch thread (the CI machines are shared; torch's
intra-op threads spin and slow everything down under contention)."""

try:
    import torch
except ImportError:  # the tests skip themselves
    torch = None

if torch is not None:
    torch.set_num_threads(1)
