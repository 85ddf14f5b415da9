"""Metrics of uncertainty sets: coverage, width, set size, interval score.

:class:`CoverageDisplay` plots empirical coverage against the nominal level
across groups or shift strengths (matplotlib imported lazily).
"""

from ._conformal import (
    classification_coverage_score,
    interval_score,
    mean_interval_width,
    mean_set_size,
    regression_coverage_score,
)
from ._display import CoverageDisplay

__all__ = [
    "CoverageDisplay",
    "classification_coverage_score",
    "interval_score",
    "mean_interval_width",
    "mean_set_size",
    "regression_coverage_score",
]
