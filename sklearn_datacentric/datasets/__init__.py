"""Datasets for data-centric machine learning.

Bundled real datasets (no download at run time; see ``data/ATTRIBUTION.md``)
and generators for class imbalance, covariate shift and rare-event ordinal
data.
"""

from ._generators import (
    make_covariate_shift,
    make_imbalance,
    make_ordinal_rare_events,
    ordinal_class_probabilities,
)
from ._imbalanced import (
    describe_imbalanced_datasets,
    list_imbalanced_datasets,
    load_imbalanced,
)
from ._loaders import (
    load_airfoil,
    load_blood_transfusion,
    load_breast_cancer_wisconsin,
    load_communities_crime,
    load_haberman,
    load_ringnorm,
    load_wine_quality,
)

__all__ = [
    "describe_imbalanced_datasets",
    "list_imbalanced_datasets",
    "load_airfoil",
    "load_blood_transfusion",
    "load_breast_cancer_wisconsin",
    "load_communities_crime",
    "load_haberman",
    "load_imbalanced",
    "load_ringnorm",
    "load_wine_quality",
    "make_covariate_shift",
    "make_imbalance",
    "make_ordinal_rare_events",
    "ordinal_class_probabilities",
]
