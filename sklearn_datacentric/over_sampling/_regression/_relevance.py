"""Relevance function phi(y) of imbalanced regression (Ribeiro 2011).

phi maps each target value to [0, 1]; values with phi >= a threshold are the
rare, relevant ones that SMOTER and SMOGN oversample.  phi is a piecewise
cubic Hermite interpolant through control points ``(y, phi, phi')``.
The automatic control points come from the box plot of ``y``: relevance 1 at
the adjacent values (whisker ends) on each side that has values beyond them,
relevance 0 at the median, zero derivatives everywhere.
"""

import numpy as np
from scipy.interpolate import CubicHermiteSpline, PchipInterpolator


def box_plot_stats(y, coef=1.5):
    """Tukey box-plot statistics of ``y``.

    Returns ``(lower_adjacent, q1, median, q3, upper_adjacent)``, where the
    adjacent values are the most extreme observations within ``coef`` times
    the interquartile range from the quartiles (the whisker ends).
    """
    y = np.asarray(y, dtype=np.float64)
    q1, med, q3 = np.percentile(y, [25, 50, 75])
    iqr = q3 - q1
    lo_fence, hi_fence = q1 - coef * iqr, q3 + coef * iqr
    inside = y[(y >= lo_fence) & (y <= hi_fence)]
    return inside.min(), q1, med, q3, inside.max()


def automatic_control_points(y, *, extremes="both", coef=1.5):
    """Control points ``(y, phi, phi')`` of the automatic relevance function.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
    extremes : {"both", "high", "low"}
        Which tails may be relevant.
    coef : float
        Box-plot whisker coefficient.

    Returns
    -------
    points : ndarray of shape (n_points, 3)
        Sorted by ``y``.  Only the median point (relevance 0) when ``y`` has no
        values beyond the whiskers on the requested side(s).
    """
    y = np.asarray(y, dtype=np.float64)
    lo, _, med, _, hi = box_plot_stats(y, coef)
    points = []
    if extremes in ("both", "low") and np.any(y < lo) and lo < med:
        points.append((lo, 1.0, 0.0))
    points.append((med, 0.0, 0.0))
    if extremes in ("both", "high") and np.any(y > hi) and hi > med:
        points.append((hi, 1.0, 0.0))
    return np.asarray(points, dtype=np.float64)


def check_control_points(points):
    """Validate user control points: shape (m, 2) or (m, 3), phi in [0, 1]."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] not in (2, 3) or points.shape[0] < 2:
        raise ValueError(
            "relevance control points must be an array of shape (n_points, 2) "
            "[y, phi] or (n_points, 3) [y, phi, dphi/dy] with at least 2 points; "
            f"got shape {points.shape}."
        )
    if not np.all(np.isfinite(points)):
        raise ValueError("relevance control points must be finite.")
    if np.any((points[:, 1] < 0) | (points[:, 1] > 1)):
        raise ValueError("relevance values (second column) must lie in [0, 1].")
    order = np.argsort(points[:, 0], kind="stable")
    points = points[order]
    if np.any(np.diff(points[:, 0]) <= 0):
        raise ValueError("relevance control points must have distinct y values.")
    return points


def relevance(y, points):
    """Evaluate phi at ``y`` from sorted control points.

    Cubic Hermite interpolation with the given derivatives (3 columns) or
    monotone PCHIP slopes (2 columns); constant beyond the outermost points;
    clipped to [0, 1].
    """
    y = np.asarray(y, dtype=np.float64)
    if points.shape[0] == 1:
        return np.full(y.shape, points[0, 1])
    xs, vs = points[:, 0], points[:, 1]
    if points.shape[1] == 3:
        spline = CubicHermiteSpline(xs, vs, points[:, 2], extrapolate=False)
    else:
        spline = PchipInterpolator(xs, vs, extrapolate=False)
    out = spline(np.clip(y, xs[0], xs[-1]))
    return np.clip(out, 0.0, 1.0)
