"""Resamplers for continuous targets: SMOTER and SMOGN."""

from ._smoter import SMOGN, SMOTER

__all__ = ["SMOTER", "SMOGN"]
