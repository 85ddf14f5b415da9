"""sklearn_datacentric: data-centric machine learning for tabular data.

Resamplers, selectors and meta-estimators that change the data rather than
the model, with the scikit-learn and imbalanced-learn contract.
"""

__version__ = "0.1.0.dev0"

__all__ = [
    "base",
    "calibration",
    "combine",
    "conformal",
    "covariate_shift",
    "datasets",
    "metrics",
    "mixup",
    "neighbors",
    "neural",
    "ordinal",
    "over_sampling",
    "pipeline",
    "selection",
    "under_sampling",
    "utils",
]
