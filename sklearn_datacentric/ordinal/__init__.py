"""Ordinal models for rare events that end a sequence of common outcomes:
PRESTO (shrinking toward proportional odds) and the proportional-odds
baseline."""

from ._presto import (
    BoundaryCrossingWarning,
    PRESTOClassifier,
    PRESTOClassifierCV,
    ProportionalOddsClassifier,
    cumulative_logit_proba,
)

__all__ = [
    "PRESTOClassifier",
    "PRESTOClassifierCV",
    "ProportionalOddsClassifier",
    "BoundaryCrossingWarning",
    "cumulative_logit_proba",
]
