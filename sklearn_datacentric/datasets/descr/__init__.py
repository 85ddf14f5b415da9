"""Descriptions (reStructuredText) of the bundled datasets, one file each."""
