"""Label-noise injection shared by the selection tests."""

import numpy as np


def flip_uniform(y, rate, rng):
    """Move a ``rate`` fraction of the rows to a uniformly random other class."""
    y = np.asarray(y)
    classes = np.unique(y)
    n_noisy = int(round(rate * y.shape[0]))
    noisy = rng.choice(y.shape[0], size=n_noisy, replace=False)
    y_new = y.copy()
    for i in noisy:
        others = classes[classes != y[i]]
        y_new[i] = rng.choice(others)
    mask = np.zeros(y.shape[0], dtype=bool)
    mask[noisy] = True
    return y_new, mask
