"""Model selection under distribution shift, without target labels.

* :class:`ImportanceWeightedScorer`: importance-weighted cross-validation
  (Sugiyama et al. 2007), a ``scoring=`` for GridSearchCV that estimates the
  target risk from labelled source rows and any weighter of the package.
"""

from ._scorer import ImportanceWeightedScorer

__all__ = ["ImportanceWeightedScorer"]
