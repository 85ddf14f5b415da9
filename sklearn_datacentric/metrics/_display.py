"""CoverageDisplay: empirical coverage against the nominal level."""

import numpy as np
from scipy.stats import beta as beta_dist

from ..utils import import_optional

__all__ = ["CoverageDisplay"]


def _clopper_pearson(k, n, level=0.95):
    a = (1 - level) / 2
    lo = np.where(k > 0, beta_dist.ppf(a, k, n - k + 1), 0.0)
    hi = np.where(k < n, beta_dist.ppf(1 - a, k + 1, n - k), 1.0)
    return lo, hi


def _select_level(y_pred, level_index):
    """2-D predictions of one level from MAPIE's 3-D layout."""
    y_pred = np.asarray(y_pred)
    if y_pred.ndim != 3:
        return y_pred
    n_levels = y_pred.shape[2]
    if level_index is None:
        if n_levels != 1:
            raise ValueError(
                f"y_pred holds {n_levels} confidence levels; pass level_index= to "
                "choose the one to plot."
            )
        level_index = 0
    if not -n_levels <= level_index < n_levels:
        raise ValueError(
            f"level_index={level_index} is out of range for {n_levels} level(s)."
        )
    return y_pred[:, :, level_index]


def _covered(y_true, y_pred, classes):
    y_pred = np.asarray(y_pred)
    if y_pred.ndim == 2 and y_pred.dtype == bool:
        classes = np.arange(y_pred.shape[1]) if classes is None else np.asarray(classes)
        lookup = {c: k for k, c in enumerate(classes)}
        idx = np.array([lookup.get(v, -1) for v in np.asarray(y_true)])
        out = np.zeros(len(idx), dtype=bool)
        ok = idx >= 0
        out[ok] = y_pred[np.flatnonzero(ok), idx[ok]]
        return out
    iv = np.asarray(y_pred, dtype=np.float64)
    if iv.ndim != 2 or iv.shape[1] != 2:
        raise ValueError(
            "y_pred must be intervals of shape (n_samples, 2) or "
            "(n_samples, 2, n_levels), or boolean sets of shape "
            "(n_samples, n_classes) or (n_samples, n_classes, n_levels)."
        )
    y = np.asarray(y_true, dtype=np.float64)
    return (iv[:, 0] <= y) & (y <= iv[:, 1])


def _second(out):
    """``y_pis``/``y_pss`` of a ``(y_pred, y_pis)`` tuple (or the array itself)."""
    return out[1] if isinstance(out, tuple) else out


class CoverageDisplay:
    """Empirical coverage per group (or shift strength) against the nominal level.

    Each point is the share of labels covered in one group, with a
    Clopper-Pearson band; a horizontal line marks the nominal level.  As
    scikit-learn's displays, :meth:`from_predictions` and
    :meth:`from_estimator` compute the coverage, draw it (on ``ax`` when
    given) and return the display; :meth:`plot` draws it again, e.g. on
    shared axes to compare methods.

    Parameters
    ----------
    groups : ndarray of shape (n_groups,)
        Group labels, or shift strengths (numbers: a line plot).
    coverage : ndarray of shape (n_groups,)
        Empirical coverage of each group.
    counts : ndarray of shape (n_groups,)
        Samples per group.
    nominal : float
        The nominal coverage (``confidence_level``).
    band : tuple of two ndarrays or None
        Lower and upper ends of the band of each group.
    name : str or None
        Legend label.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    line_ : matplotlib artist

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.metrics import CoverageDisplay
    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> iv = np.array([[-1, 1], [0, 0.5], [1, 3], [2, 4]])
    >>> disp = CoverageDisplay.from_predictions(
    ...     y, iv, groups=["a", "a", "b", "b"], confidence_level=0.9)
    >>> disp.coverage.tolist()
    [0.5, 1.0]
    >>> disp.ax_.get_ylabel()
    'empirical coverage'
    """

    def __init__(self, *, groups, coverage, counts, nominal, band=None, name=None):
        self.groups = groups
        self.coverage = coverage
        self.counts = counts
        self.nominal = nominal
        self.band = band
        self.name = name

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        groups=None,
        confidence_level,
        classes=None,
        band_level=0.95,
        level_index=None,
        name=None,
        ax=None,
    ):
        """Compute the coverage per group, draw it and return the display.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True targets (labels).
        y_pred : array-like of shape (n_samples, 2), (n_samples, n_classes), \
(n_samples, 2, n_levels) or (n_samples, n_classes, n_levels)
            Intervals, or boolean set membership; the 3-D layouts are the
            ``y_pis``/``y_pss`` of ``predict_interval``/``predict_set``.
        groups : array-like of shape (n_samples,), default=None
            Group (or shift strength) of each sample; ``None``: one group.
        confidence_level : float in (0, 1)
            Nominal level drawn as a reference line.
        classes : array-like of shape (n_classes,), default=None
            Labels of the set columns (sets only).
        band_level : float, default=0.95
            Level of the Clopper-Pearson band of each group's coverage.
        level_index : int, default=None
            Which level of a 3-D ``y_pred`` to plot (needed when it holds
            several).
        name : str, default=None
            Label of the curve in the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        display : CoverageDisplay
            The display, holding the figure.
        """
        if not 0 < confidence_level < 1:
            raise ValueError(
                f"confidence_level must be in (0, 1), got {confidence_level!r}."
            )
        y_true = np.asarray(y_true)
        cov = _covered(y_true, _select_level(y_pred, level_index), classes)
        if cov.shape[0] != y_true.shape[0]:
            raise ValueError("y_true and y_pred have different lengths.")
        g = np.zeros(len(cov), dtype=int) if groups is None else np.asarray(groups)
        if g.shape[0] != cov.shape[0]:
            raise ValueError("groups must have one entry per sample.")
        uniq = np.unique(g)
        k = np.array([cov[g == u].sum() for u in uniq], dtype=float)
        n = np.array([(g == u).sum() for u in uniq], dtype=float)
        band = _clopper_pearson(k, n, band_level)
        disp = cls(
            groups=uniq,
            coverage=k / n,
            counts=n.astype(int),
            nominal=confidence_level,
            band=band,
            name=name,
        )
        return disp.plot(ax=ax)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        groups=None,
        level_index=None,
        predict_groups=None,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Coverage of a fitted conformal estimator on ``(X, y)``, drawn.

        Parameters
        ----------
        estimator : fitted conformal regressor or classifier
            With ``predict_interval`` or ``predict_set`` and
            ``confidence_level``.
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            Target values, one per row of ``X``.
        groups : array-like of shape (n_samples,), default=None
            Groups (or shift strengths) the coverage is reported over.
        level_index : int, default=None
            Which of the estimator's confidence levels to plot (the first
            when None).
        predict_groups : array-like of shape (n_samples,), default=None
            Passed as ``groups`` to ``predict_interval``/``predict_set``
            (estimators calibrated per group, Mondrian).
        name : str, default=None
            Defaults to the estimator's class name.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a figure.
        **kwargs
            Passed to :meth:`from_predictions`.

        Returns
        -------
        display : CoverageDisplay
            The display, holding the figure.
        """
        pk = {} if predict_groups is None else {"groups": predict_groups}
        if hasattr(estimator, "predict_interval"):
            pred = _second(estimator.predict_interval(X, **pk))
            classes = None
        elif hasattr(estimator, "predict_set"):
            pred = np.asarray(_second(estimator.predict_set(X, **pk)), dtype=bool)
            classes = estimator.classes_
        else:
            raise TypeError(
                f"{type(estimator).__name__} has neither predict_interval nor "
                "predict_set."
            )
        levels = getattr(estimator, "confidence_levels_", None)
        if levels is None:
            levels = np.atleast_1d(estimator.confidence_level)
        k = 0 if level_index is None else level_index
        pred = np.asarray(pred)
        if pred.ndim == 3:
            pred = _select_level(pred, k)
        return cls.from_predictions(
            y,
            pred,
            groups=groups,
            confidence_level=float(np.asarray(levels)[k]),
            classes=classes,
            name=name or type(estimator).__name__,
            ax=ax,
            **kwargs,
        )

    def plot(self, ax=None, *, name=None, show_nominal=True, **kwargs):
        """Draw coverage per group with its band and the nominal line.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            New figure when None.
        name : str, default=None
            Legend label (overrides ``self.name``).
        show_nominal : bool, default=True
            Draw the nominal level as a horizontal line.
        **kwargs
            Passed to ``Axes.errorbar``.

        Returns
        -------
        self : CoverageDisplay
            Fitted estimator.
        """
        plt = import_optional("matplotlib.pyplot", purpose="to plot CoverageDisplay")
        if ax is None:
            _, ax = plt.subplots()
        numeric = np.issubdtype(np.asarray(self.groups).dtype, np.number)
        x = (
            np.asarray(self.groups, dtype=float)
            if numeric
            else np.arange(len(self.groups))
        )
        yerr = None
        if self.band is not None:
            lo, hi = self.band
            yerr = np.vstack([self.coverage - lo, hi - self.coverage])
        label = name or self.name
        kw = {"marker": "o", "capsize": 3}
        if not numeric:
            kw["linestyle"] = "none"
        kw.update(kwargs)
        self.line_ = ax.errorbar(x, self.coverage, yerr=yerr, label=label, **kw)
        if show_nominal:
            ax.axhline(
                self.nominal,
                color="k",
                linestyle="--",
                linewidth=1,
                label="nominal"
                if not any(t.get_label() == "nominal" for t in ax.lines)
                else None,
            )
        if not numeric:
            ax.set_xticks(x)
            ax.set_xticklabels([str(v) for v in self.groups])
        ax.set_ylabel("empirical coverage")
        ax.set_xlabel("shift strength" if numeric else "group")
        if label is not None:
            ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self
